/* The beam search as a tree: a column per decoder step, in each the
 * hypotheses of that step (their last token), best first; the kept ones and
 * those that ended (outlined), then the best of the pruned ones, faded; a
 * line joins each to the hypothesis it extends. Clicking a node (or moving
 * the cursor to it with the arrow keys and pressing Enter) asks for that
 * hypothesis, or prefix, to be shown ("node-activated"). One hit test
 * (as_beam_tree_node_at) serves the clicks, the tooltips and the tests. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "as-beam-tree.h"

#define ROW_HEIGHT     26.0
#define NODE_HEIGHT    20.0
#define COLUMN_GAP     26.0
#define MARGIN          8.0
#define HEADER_HEIGHT  18.0
#define PADDING         6.0
#define MIN_NODE_WIDTH 34.0
#define PRUNED_SHOWN    4      /* a step's pruned nodes drawn at most */

typedef struct
{
  guint      node;      /* the session's */
  guint      step;
  guint      row;       /* within its step's column */
  int        parent;    /* drawn node, or -1 */
  AsBeamFate fate;
  gboolean   best;      /* on the path of one of the n-best */
  int        rank;      /* in the n-best where it ended there, else -1 */
  float      logprob;
  double     score;
  char      *label;
} Node;

struct _AsBeamTree
{
  GtkWidget  parent_instance;

  GArray    *nodes;         /* of Node */
  guint      n_steps;
  guint      n_rows;        /* of the tallest column */
  double     node_width;
  int        selected;
  int        cursor;
};

enum {
  NODE_ACTIVATED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (AsBeamTree, as_beam_tree, GTK_TYPE_WIDGET)

static guint signals[N_SIGNALS];

static void
clear_node (gpointer data)
{
  g_free (((Node *) data)->label);
}

static Node *
get (AsBeamTree *self,
     guint       i)
{
  return &g_array_index (self->nodes, Node, i);
}

static void
node_rect (AsBeamTree      *self,
           const Node      *n,
           graphene_rect_t *rect)
{
  graphene_rect_init (rect,
                      MARGIN + n->step * (self->node_width + COLUMN_GAP),
                      MARGIN + HEADER_HEIGHT + n->row * ROW_HEIGHT + (ROW_HEIGHT - NODE_HEIGHT) / 2,
                      self->node_width, NODE_HEIGHT);
}

static const char *
fate_text (const Node *n)
{
  switch (n->fate)
    {
    case AS_BEAM_KEPT:
      /* Translators: what became of a hypothesis in the beam search */
      return _("kept in the beam");
    case AS_BEAM_ENDED:
      return _("ended: a finished translation");
    case AS_BEAM_PRUNED:
    default:
      return _("pruned: fell out of the beam");
    }
}

/* "Step 2, “饿”, kept in the beam, log-probability −0.77, total −0.78" */
static char *
describe (const Node *n)
{
  /* Translators: a node of the beam search tree: the step, its token, what
   * became of it, the token's log-probability and the hypothesis's total */
  return g_strdup_printf (_("Step %u, “%s”, %s, log-probability %.2f, total %.2f"),
                          n->step + 1, n->label, fate_text (n), n->logprob, n->score);
}

static void
update_accessible (AsBeamTree *self)
{
  g_autofree char *text = NULL;

  if (self->cursor >= 0)
    text = describe (get (self, (guint) self->cursor));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text != NULL ? text : _("No beam search: set a beam width above 1"),
                                  -1);
}

static void
set_cursor (AsBeamTree *self,
            int         i)
{
  if (self->nodes->len == 0)
    i = -1;
  else
    i = CLAMP (i, 0, (int) self->nodes->len - 1);
  if (i == self->cursor)
    return;
  self->cursor = i;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Drawing */

static void
lookup (GtkWidget  *widget,
        const char *name,
        const char *fallback,
        GdkRGBA    *rgba)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  if (!gtk_style_context_lookup_color (context, name, rgba) &&
      (fallback == NULL || !gtk_style_context_lookup_color (context, fallback, rgba)))
    gdk_rgba_parse (rgba, "#3584e4");
}

static void
as_beam_tree_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  AsBeamTree *self = AS_BEAM_TREE (widget);
  double size;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    size = 2 * MARGIN + self->n_steps * self->node_width + (self->n_steps > 0 ? (self->n_steps - 1) * COLUMN_GAP : 0);
  else
    size = 2 * MARGIN + HEADER_HEIGHT + self->n_rows * ROW_HEIGHT;
  *minimum = *natural = (int) ceil (size);
}

static void
draw_column (AsBeamTree    *self,
             cairo_t       *cr,
             guint          step,
             const GdkRGBA *fg,
             const GdkRGBA *accent)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  g_autofree char *header = g_strdup_printf ("%u", step + 1);
  double x = MARGIN + step * (self->node_width + COLUMN_GAP);
  int w, h;

  /* the step's number above its column */
  pango_layout_set_text (layout, header, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.6);
  cairo_move_to (cr, x + (self->node_width - w) / 2, MARGIN + (HEADER_HEIGHT - h) / 2);
  pango_cairo_show_layout (cr, layout);

  for (guint i = 0; i < self->nodes->len; i++)
    {
      const Node *n = get (self, i);
      graphene_rect_t r;
      double alpha = n->fate == AS_BEAM_PRUNED ? 0.35 : 1.0;
      const GdkRGBA *line = n->best ? accent : fg;

      if (n->step != step)
        continue;
      node_rect (self, n, &r);

      /* the edge from its parent */
      if (n->parent >= 0)
        {
          graphene_rect_t p;

          node_rect (self, get (self, (guint) n->parent), &p);
          cairo_set_source_rgba (cr, line->red, line->green, line->blue, n->best ? 0.9 : 0.45 * alpha);
          cairo_set_line_width (cr, n->best ? 2.0 : 1.0);
          cairo_move_to (cr, p.origin.x + p.size.width, p.origin.y + p.size.height / 2);
          cairo_curve_to (cr, p.origin.x + p.size.width + COLUMN_GAP / 2, p.origin.y + p.size.height / 2,
                          r.origin.x - COLUMN_GAP / 2, r.origin.y + r.size.height / 2,
                          r.origin.x, r.origin.y + r.size.height / 2);
          cairo_stroke (cr);
        }

      /* the node: filled where it is shown, outlined where it ended */
      cairo_new_sub_path (cr);
      cairo_arc (cr, r.origin.x + 4, r.origin.y + 4, 4, G_PI, 1.5 * G_PI);
      cairo_arc (cr, r.origin.x + r.size.width - 4, r.origin.y + 4, 4, 1.5 * G_PI, 2 * G_PI);
      cairo_arc (cr, r.origin.x + r.size.width - 4, r.origin.y + r.size.height - 4, 4, 0, 0.5 * G_PI);
      cairo_arc (cr, r.origin.x + 4, r.origin.y + r.size.height - 4, 4, 0.5 * G_PI, G_PI);
      cairo_close_path (cr);
      if ((int) i == self->selected)
        cairo_set_source_rgba (cr, accent->red, accent->green, accent->blue, 0.85);
      else
        cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.08 * alpha);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, n->fate == AS_BEAM_ENDED ? 2.0 : 1.0);
      if (n->fate == AS_BEAM_ENDED)
        cairo_set_source_rgba (cr, accent->red, accent->green, accent->blue, 1.0);
      else
        cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.5 * alpha);
      if (n->fate == AS_BEAM_PRUNED)
        cairo_set_dash (cr, (double[]) { 3.0, 2.0 }, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);

      pango_layout_set_text (layout, n->label, -1);
      pango_layout_set_width (layout, (int) ((r.size.width - 2 * PADDING) * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_get_pixel_size (layout, &w, &h);
      if ((int) i == self->selected)
        cairo_set_source_rgba (cr, 1, 1, 1, 1);
      else
        cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, n->fate == AS_BEAM_PRUNED ? 0.5 : 1.0);
      cairo_move_to (cr, r.origin.x + PADDING, r.origin.y + (r.size.height - h) / 2);
      pango_cairo_show_layout (cr, layout);
      pango_layout_set_width (layout, -1);
    }

  g_object_unref (layout);
}

static void
as_beam_tree_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  AsBeamTree *self = AS_BEAM_TREE (widget);
  GdkRGBA fg, accent;
  double height = 2 * MARGIN + HEADER_HEIGHT + self->n_rows * ROW_HEIGHT;

  if (self->nodes->len == 0)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  lookup (widget, "accent_bg_color", "theme_selected_bg_color", &accent);

  /* a cairo node per column (and the gap before it, for its edges): a long
   * decoding never needs one huge surface */
  for (guint step = 0; step < self->n_steps; step++)
    {
      double x = MARGIN + step * (self->node_width + COLUMN_GAP) - (step > 0 ? COLUMN_GAP : MARGIN);
      double w = self->node_width + (step > 0 ? COLUMN_GAP : MARGIN) + 2;
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x, 0, w, height));

      draw_column (self, cr, step, &fg, &accent);
      cairo_destroy (cr);
    }

  /* the keyboard cursor */
  if (self->cursor >= 0 && gtk_widget_has_visible_focus (widget))
    {
      graphene_rect_t r;
      GskRoundedRect ring;

      node_rect (self, get (self, (guint) self->cursor), &r);
      graphene_rect_inset (&r, -3, -3);
      gsk_rounded_rect_init_from_rect (&ring, &r, 6);
      gtk_snapshot_append_border (snapshot, &ring, (float[]) { 2, 2, 2, 2 },
                                  (GdkRGBA[]) { accent, accent, accent, accent });
    }
}

/* Input */

static void
clicked (AsBeamTree *self,
         int         n_press,
         double      x,
         double      y)
{
  int i = as_beam_tree_node_at (self, x, y);

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (i < 0)
    return;
  set_cursor (self, i);
  as_beam_tree_activate (self, (guint) i);
}

/* The drawn node of @step nearest to @row (its parent first, going left). */
static int
nearest_in_step (AsBeamTree *self,
                 guint       step,
                 guint       row)
{
  int best = -1;
  guint distance = G_MAXUINT;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      const Node *n = get (self, i);
      guint d = n->row > row ? n->row - row : row - n->row;

      if (n->step == step && d < distance)
        best = (int) i, distance = d;
    }
  return best;
}

static gboolean
key_pressed (AsBeamTree      *self,
             guint            keyval,
             guint            keycode,
             GdkModifierType  state)
{
  const Node *n;
  int next = -1;

  if (self->nodes->len == 0 || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;
  if (self->cursor < 0)
    {
      set_cursor (self, 0);
      return TRUE;
    }
  n = get (self, (guint) self->cursor);

  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      next = n->row > 0 ? nearest_in_step (self, n->step, n->row - 1) : self->cursor;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      next = nearest_in_step (self, n->step, n->row + 1);
      break;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      next = n->parent >= 0 ? n->parent : self->cursor;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      /* its first child, else the nearest in the next column */
      for (guint i = 0; i < self->nodes->len && next < 0; i++)
        if (get (self, i)->parent == self->cursor)
          next = (int) i;
      if (next < 0 && n->step + 1 < self->n_steps)
        next = nearest_in_step (self, n->step + 1, n->row);
      if (next < 0)
        next = self->cursor;
      break;
    case GDK_KEY_Home:
      next = 0;
      break;
    case GDK_KEY_End:
      next = (int) self->nodes->len - 1;
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_space:
      as_beam_tree_activate (self, (guint) self->cursor);
      return TRUE;
    default:
      return FALSE;
    }

  if (next >= 0)
    {
      set_cursor (self, next);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  return TRUE;
}

static gboolean
as_beam_tree_query_tooltip (GtkWidget  *widget,
                            int         x,
                            int         y,
                            gboolean    keyboard,
                            GtkTooltip *tooltip)
{
  AsBeamTree *self = AS_BEAM_TREE (widget);
  int i = keyboard ? self->cursor : as_beam_tree_node_at (self, x, y);
  g_autofree char *text = NULL;

  if (i < 0)
    return FALSE;
  text = describe (get (self, (guint) i));
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
focus_changed (AsBeamTree *self)
{
  if (self->cursor < 0 && self->nodes->len > 0)
    set_cursor (self, MAX (self->selected, 0));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* GObject */

static void
as_beam_tree_finalize (GObject *object)
{
  AsBeamTree *self = AS_BEAM_TREE (object);

  g_clear_pointer (&self->nodes, g_array_unref);

  G_OBJECT_CLASS (as_beam_tree_parent_class)->finalize (object);
}

static void
as_beam_tree_class_init (AsBeamTreeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = as_beam_tree_finalize;
  widget_class->measure = as_beam_tree_measure;
  widget_class->snapshot = as_beam_tree_snapshot;
  widget_class->query_tooltip = as_beam_tree_query_tooltip;

  /**
   * AsBeamTree::node-activated:
   * @node: the session's node (as_session_get_beam_node) to show
   */
  signals[NODE_ACTIVATED] =
    g_signal_new ("node-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "beamtree");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_TREE);
}

static void
as_beam_tree_init (AsBeamTree *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->nodes = g_array_new (FALSE, TRUE, sizeof (Node));
  g_array_set_clear_func (self->nodes, clear_node);
  self->selected = -1;
  self->cursor = -1;
  self->node_width = MIN_NODE_WIDTH;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "released", G_CALLBACK (clicked), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (key_pressed), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  g_signal_connect_object (focus, "enter", G_CALLBACK (focus_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (focus, "leave", G_CALLBACK (focus_changed), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  /* Translators: the beam tree's accessible name */
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Beam search tree"),
                                  -1);
  update_accessible (self);
}

/* Public API */

GtkWidget *
as_beam_tree_new (void)
{
  return g_object_new (AS_TYPE_BEAM_TREE, NULL);
}

void
as_beam_tree_set_session (AsBeamTree *self,
                          AsSession  *session)
{
  guint n = session != NULL ? as_session_get_n_beam_nodes (session) : 0;
  g_autofree int *drawn = g_new (int, MAX (n, 1));   /* the session's node -> drawn node, or -1 */
  guint n_pruned = 0;
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  guint rows = 0;

  g_return_if_fail (AS_IS_BEAM_TREE (self));

  g_array_set_size (self->nodes, 0);
  self->n_steps = 0;
  self->n_rows = 0;
  self->selected = -1;
  self->cursor = -1;
  self->node_width = MIN_NODE_WIDTH;

  for (guint i = 0; i < n; i++)
    {
      const AsBeamNode *b = as_session_get_beam_node (session, i);
      Node node = { 0 };
      int w;

      drawn[i] = -1;
      /* a new step: its nodes come best first (kept and ended before pruned) */
      if (b->step >= self->n_steps)
        {
          self->n_steps = b->step + 1;
          rows = 0;
          n_pruned = 0;
        }
      if (b->fate == AS_BEAM_PRUNED && n_pruned++ >= PRUNED_SHOWN)
        continue;
      node.node = i;
      node.step = b->step;
      node.row = rows++;
      node.parent = b->parent >= 0 ? drawn[b->parent] : -1;
      node.fate = b->fate;
      node.rank = -1;
      node.logprob = b->logprob;
      node.score = b->score;
      node.label = g_strdup (as_session_get_target_token (session, b->token));
      drawn[i] = (int) self->nodes->len;
      g_array_append_val (self->nodes, node);
      self->n_rows = MAX (self->n_rows, rows);

      pango_layout_set_text (layout, node.label, -1);
      pango_layout_get_pixel_size (layout, &w, NULL);
      self->node_width = MIN (MAX (self->node_width, w + 2 * PADDING), 120.0);
    }

  /* the n-best's paths, drawn in the accent colour */
  for (guint r = 0; session != NULL && r < as_session_get_n_hypotheses (session); r++)
    {
      int i = drawn[as_session_get_hypothesis (session, r)];

      if (i >= 0)
        get (self, (guint) i)->rank = (int) r;
      for (; i >= 0; i = get (self, (guint) i)->parent)
        get (self, (guint) i)->best = TRUE;
    }

  update_accessible (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
as_beam_tree_get_n_nodes (AsBeamTree *self)
{
  g_return_val_if_fail (AS_IS_BEAM_TREE (self), 0);
  return self->nodes->len;
}

guint
as_beam_tree_get_node (AsBeamTree *self,
                       guint       i)
{
  g_return_val_if_fail (AS_IS_BEAM_TREE (self), 0);
  g_return_val_if_fail (i < self->nodes->len, 0);
  return get (self, i)->node;
}

const char *
as_beam_tree_get_label (AsBeamTree *self,
                        guint       i)
{
  g_return_val_if_fail (AS_IS_BEAM_TREE (self), NULL);
  g_return_val_if_fail (i < self->nodes->len, NULL);
  return get (self, i)->label;
}

void
as_beam_tree_get_node_bounds (AsBeamTree      *self,
                              guint            i,
                              graphene_rect_t *bounds)
{
  g_return_if_fail (AS_IS_BEAM_TREE (self));
  g_return_if_fail (i < self->nodes->len);
  node_rect (self, get (self, i), bounds);
}

int
as_beam_tree_node_at (AsBeamTree *self,
                      double      x,
                      double      y)
{
  g_return_val_if_fail (AS_IS_BEAM_TREE (self), -1);

  for (guint i = 0; i < self->nodes->len; i++)
    {
      graphene_rect_t r;

      node_rect (self, get (self, i), &r);
      if (graphene_rect_contains_point (&r, &GRAPHENE_POINT_INIT (x, y)))
        return (int) i;
    }
  return -1;
}

int
as_beam_tree_get_selected (AsBeamTree *self)
{
  g_return_val_if_fail (AS_IS_BEAM_TREE (self), -1);
  return self->selected;
}

void
as_beam_tree_set_selected (AsBeamTree *self,
                           int         i)
{
  g_return_if_fail (AS_IS_BEAM_TREE (self));

  if (i >= (int) self->nodes->len)
    i = -1;
  if (i == self->selected)
    return;
  self->selected = i;
  if (self->cursor < 0 && i >= 0)
    set_cursor (self, i);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
as_beam_tree_get_cursor (AsBeamTree *self)
{
  g_return_val_if_fail (AS_IS_BEAM_TREE (self), -1);
  return self->cursor;
}

void
as_beam_tree_activate (AsBeamTree *self,
                       guint       i)
{
  g_return_if_fail (AS_IS_BEAM_TREE (self));
  g_return_if_fail (i < self->nodes->len);

  g_signal_emit (self, signals[NODE_ACTIVATED], 0, get (self, i)->node);
}
