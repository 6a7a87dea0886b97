/* The attention heatmap: the core figure (cells, labels, colour bar, title)
 * as a widget, with hover highlight, tooltips, clicks that pick a step,
 * Ctrl+scroll zoom and scrolling (GtkScrollable) when the cells would be too
 * small to point at.
 *
 * The figure is drawn once into a render node that is kept until the data,
 * the size, the scroll position or the colours change; a hover appends only
 * the highlight rectangles to it. */

#include "config.h"

#include "as-heatmap-private.h"

#include "as-figure-session.h"

#define MIN_CELL     3.0    /* smaller cells scroll instead */
#define ZOOM_STEP    1.25

struct _AsHeatmap
{
  GtkWidget           parent_instance;

  AsFigure           *figure;
  GskRenderNode      *figure_node;   /* the figure at the current size, or NULL */
  guint               draw_count;

  GtkAdjustment      *hadjustment;
  GtkAdjustment      *vadjustment;
  guint               hscroll_policy : 1;
  guint               vscroll_policy : 1;

  /* hover: where the pointer is, and what is under it */
  gboolean            pointer_inside;
  double              pointer_x;
  double              pointer_y;
  AsFigurePart        hover_part;
  int                 hover_panel;
  int                 hover_row;
  int                 hover_column;

  /* what of the session it shows */
  AsAttentionKind     kind;
  int                 layer;          /* -1: the last */
  int                 head;           /* or AS_ATTENTION_MEAN */
  gboolean            grid;           /* every layer and head */

  /* the decoder's steps: the figure's rows, unless it shows encoder
   * self-attention (rows are source tokens, computed before any step) */
  int                 step;
  guint               n_steps;
  gboolean            rows_are_steps;
};

enum {
  PROP_0,
  PROP_STEP,
  PROP_N_STEPS,
  PROP_COLORMAP,
  PROP_ZOOM,
  N_PROPS,

  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

enum {
  ROW_ACTIVATED,
  PANEL_ACTIVATED,
  N_SIGNALS
};

G_DEFINE_ENUM_TYPE (AsColormap, as_colormap,
                    G_DEFINE_ENUM_VALUE (AS_COLORMAP_VIRIDIS, "viridis"),
                    G_DEFINE_ENUM_VALUE (AS_COLORMAP_MAGMA, "magma"),
                    G_DEFINE_ENUM_VALUE (AS_COLORMAP_GREYS, "greys"))

G_DEFINE_FINAL_TYPE_WITH_CODE (AsHeatmap, as_heatmap, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
invalidate_figure (AsHeatmap *self)
{
  g_clear_pointer (&self->figure_node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
update_hover (AsHeatmap *self)
{
  AsFigurePart part = AS_FIGURE_PART_NONE;
  int panel = -1, row = -1, column = -1;

  if (self->pointer_inside)
    part = as_heatmap_panel_cell_at (self, self->pointer_x, self->pointer_y, &panel, &row, &column);

  if (part == self->hover_part && panel == self->hover_panel && row == self->hover_row && column == self->hover_column)
    return;

  self->hover_part = part;
  self->hover_panel = panel;
  self->hover_row = row;
  self->hover_column = column;
  if (as_figure_get_view (self->figure) == AS_FIGURE_VIEW_LINES)
    {
      /* the lines of what is hovered are drawn by the figure itself */
      as_figure_set_hover (self->figure, part, row, column);
      invalidate_figure (self);
      return;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Colours from the theme, so that light and dark styles both look right. */
static void
color_from_rgba (AsFigureColor *color,
                 const GdkRGBA *rgba)
{
  *color = (AsFigureColor) { rgba->red, rgba->green, rgba->blue, rgba->alpha };
}

static gboolean
same_color (const AsFigureColor *a,
            const AsFigureColor *b)
{
  return a->red == b->red && a->green == b->green && a->blue == b->blue && a->alpha == b->alpha;
}

static gboolean
lookup_color (GtkStyleContext *context,
              const char      *first,
              const char      *second,
              GdkRGBA         *rgba)
{
  return gtk_style_context_lookup_color (context, first, rgba) ||
         (second != NULL && gtk_style_context_lookup_color (context, second, rgba));
}

static void
sync_colors (AsHeatmap *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  AsFigureColor fg, bg, accent, warning;
  AsFigureColor old_fg, old_bg, old_accent, old_warning;
  GdkRGBA rgba;

  as_figure_get_colors (self->figure, &old_fg, &old_bg, &old_accent, &old_warning);
  fg = old_fg;
  bg = old_bg;
  accent = old_accent;
  warning = old_warning;

  gtk_style_context_get_color (context, &rgba);
  color_from_rgba (&fg, &rgba);
  if (lookup_color (context, "view_bg_color", "theme_base_color", &rgba))
    {
      rgba.alpha = 1.0;
      color_from_rgba (&bg, &rgba);
    }
  if (lookup_color (context, "accent_color", "theme_selected_bg_color", &rgba))
    color_from_rgba (&accent, &rgba);
  if (lookup_color (context, "warning_color", "error_color", &rgba))
    color_from_rgba (&warning, &rgba);

  if (!same_color (&fg, &old_fg) || !same_color (&bg, &old_bg) ||
      !same_color (&accent, &old_accent) || !same_color (&warning, &old_warning))
    {
      as_figure_set_colors (self->figure, &fg, &bg, &accent, &warning);
      g_clear_pointer (&self->figure_node, gsk_render_node_unref);
    }
}

/* Scrolling */

static void
adjustment_value_changed (AsHeatmap *self)
{
  as_figure_set_scroll (self->figure,
                        self->hadjustment ? gtk_adjustment_get_value (self->hadjustment) : 0.0,
                        self->vadjustment ? gtk_adjustment_get_value (self->vadjustment) : 0.0);
  invalidate_figure (self);
  update_hover (self);
}

static void
set_adjustment (AsHeatmap      *self,
                GtkAdjustment **slot,
                GtkAdjustment  *adjustment)
{
  if (*slot == adjustment && adjustment != NULL)
    return;

  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, adjustment_value_changed, self);
      g_clear_object (slot);
    }

  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);

  *slot = g_object_ref_sink (adjustment);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (adjustment_value_changed), self, G_CONNECT_SWAPPED);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
configure_adjustments (AsHeatmap *self,
                       int        width,
                       int        height)
{
  double max_x = 0, max_y = 0;

  as_figure_get_scroll_range (self->figure, width, height, &max_x, &max_y);

  if (self->hadjustment != NULL)
    gtk_adjustment_configure (self->hadjustment,
                              CLAMP (gtk_adjustment_get_value (self->hadjustment), 0, max_x),
                              0, width + max_x, 24, width * 0.9, width);
  if (self->vadjustment != NULL)
    gtk_adjustment_configure (self->vadjustment,
                              CLAMP (gtk_adjustment_get_value (self->vadjustment), 0, max_y),
                              0, height + max_y, 24, height * 0.9, height);
}

/* Event controllers */

static void
motion_cb (AsHeatmap                *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  update_hover (self);
}

static void
leave_cb (AsHeatmap                *self,
          GtkEventControllerMotion *controller)
{
  self->pointer_inside = FALSE;
  update_hover (self);
}

static void
pressed_cb (AsHeatmap       *self,
            int              n_press,
            double           x,
            double           y,
            GtkGestureClick *gesture)
{
  int panel = -1, row = -1;
  AsFigurePart part;

  gtk_widget_grab_focus (GTK_WIDGET (self));

  part = as_heatmap_panel_cell_at (self, x, y, &panel, &row, NULL);
  if (as_figure_get_n_panels (self->figure) > 1)
    {
      guint n_layers, n_heads;

      /* a panel of the grid: the person wants to see that layer and head */
      as_figure_get_panel_grid (self->figure, &n_layers, &n_heads);
      if (part == AS_FIGURE_PART_CELL && panel >= 0 && n_heads > 0)
        g_signal_emit (self, signals[PANEL_ACTIVATED], 0, panel / (int) n_heads, panel % (int) n_heads);
      return;
    }
  if ((part == AS_FIGURE_PART_CELL || part == AS_FIGURE_PART_ROW_LABEL) && self->rows_are_steps)
    g_signal_emit (self, signals[ROW_ACTIVATED], 0, row);
}

static gboolean
scroll_cb (AsHeatmap                *self,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *controller)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if ((state & GDK_CONTROL_MASK) == 0 || dy == 0)
    return FALSE;

  as_heatmap_set_zoom (self, as_heatmap_get_zoom (self) * (dy < 0 ? ZOOM_STEP : 1.0 / ZOOM_STEP));
  return TRUE;
}

/* GtkWidget */

static void
as_heatmap_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  AsHeatmap *self = AS_HEATMAP (widget);
  int width, height;

  as_figure_get_natural_size (self->figure, &width, &height);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 160;
      *natural = MAX (*minimum, MIN (width, 1200));
    }
  else
    {
      *minimum = 120;
      *natural = MAX (*minimum, MIN (height, 900));
    }
}

static void
as_heatmap_size_allocate (GtkWidget *widget,
                          int        width,
                          int        height,
                          int        baseline)
{
  AsHeatmap *self = AS_HEATMAP (widget);

  configure_adjustments (self, width, height);
  g_clear_pointer (&self->figure_node, gsk_render_node_unref);
  update_hover (self);
}

static void
append_band (GtkSnapshot        *snapshot,
             const AsFigureRect *rect,
             const GdkRGBA      *color)
{
  gtk_snapshot_append_color (snapshot, color,
                             &GRAPHENE_RECT_INIT (rect->x, rect->y, rect->width, rect->height));
}

static void
as_heatmap_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  AsHeatmap *self = AS_HEATMAP (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  AsFigureColor accent_color;
  AsFigureRect rect;
  GdkRGBA band, outline;

  if (width <= 0 || height <= 0)
    return;

  sync_colors (self);

  if (self->figure_node == NULL)
    {
      GtkSnapshot *figure_snapshot = gtk_snapshot_new ();
      cairo_t *cr;

      cr = gtk_snapshot_append_cairo (figure_snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      as_figure_draw (self->figure, cr, width, height);
      cairo_destroy (cr);
      self->figure_node = gtk_snapshot_free_to_node (figure_snapshot);
      self->draw_count++;
    }

  if (self->figure_node != NULL)
    gtk_snapshot_append_node (snapshot, self->figure_node);

  if (self->hover_part == AS_FIGURE_PART_NONE || as_figure_get_view (self->figure) == AS_FIGURE_VIEW_LINES)
    return;

  /* The highlight: plain rectangles over the cached figure. */
  as_figure_get_colors (self->figure, NULL, NULL, &accent_color, NULL);
  band = (GdkRGBA) { accent_color.red, accent_color.green, accent_color.blue, 0.22 };
  outline = (GdkRGBA) { accent_color.red, accent_color.green, accent_color.blue, 1.0 };

  if (self->hover_row >= 0 &&
      as_figure_get_row_rect (self->figure, width, height, self->hover_row, &rect))
    append_band (snapshot, &rect, &band);
  if (self->hover_column >= 0 &&
      as_figure_get_column_rect (self->figure, width, height, self->hover_column, &rect))
    append_band (snapshot, &rect, &band);

  if (self->hover_part == AS_FIGURE_PART_CELL &&
      as_figure_get_panel_cell_rect (self->figure, width, height, MAX (self->hover_panel, 0),
                                     self->hover_row, self->hover_column, &rect))
    {
      AsFigureRect grid;
      GskRoundedRect border;
      const float widths[4] = { 2, 2, 2, 2 };
      const GdkRGBA colors[4] = { outline, outline, outline, outline };

      as_figure_get_grid_rect (self->figure, width, height, &grid);
      gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (grid.x - 2, grid.y - 2,
                                                             grid.width + 4, grid.height + 4));
      gsk_rounded_rect_init_from_rect (&border,
                                       &GRAPHENE_RECT_INIT (rect.x - 1, rect.y - 1,
                                                            rect.width + 2, rect.height + 2),
                                       0);
      gtk_snapshot_append_border (snapshot, &border, widths, colors);
      gtk_snapshot_pop (snapshot);
    }
}

static gboolean
as_heatmap_query_tooltip (GtkWidget  *widget,
                          int         x,
                          int         y,
                          gboolean    keyboard_mode,
                          GtkTooltip *tooltip)
{
  AsHeatmap *self = AS_HEATMAP (widget);
  g_autofree char *text = NULL;
  AsFigurePart part;
  AsFigureRect rect;
  int panel, row, column;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean have_area = FALSE;

  part = as_heatmap_panel_cell_at (self, x, y, &panel, &row, &column);
  text = as_figure_describe_panel (self->figure, part, MAX (panel, 0), row, column);
  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);

  /* a new tooltip for each cell or label */
  if (part == AS_FIGURE_PART_CELL)
    have_area = as_figure_get_panel_cell_rect (self->figure, width, height, MAX (panel, 0), row, column, &rect);
  else if (part == AS_FIGURE_PART_ROW_LABEL)
    have_area = as_figure_get_row_rect (self->figure, width, height, row, &rect);
  else if (part == AS_FIGURE_PART_COLUMN_LABEL)
    have_area = as_figure_get_column_rect (self->figure, width, height, column, &rect);
  if (have_area)
    gtk_tooltip_set_tip_area (tooltip, &(GdkRectangle) { (int) floor (rect.x), (int) floor (rect.y),
                                                         (int) ceil (rect.width), (int) ceil (rect.height) });

  return TRUE;
}

/* GObject */

static void
as_heatmap_dispose (GObject *object)
{
  AsHeatmap *self = AS_HEATMAP (object);

  g_clear_pointer (&self->figure_node, gsk_render_node_unref);
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, adjustment_value_changed, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, adjustment_value_changed, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);

  G_OBJECT_CLASS (as_heatmap_parent_class)->dispose (object);
}

static void
as_heatmap_finalize (GObject *object)
{
  AsHeatmap *self = AS_HEATMAP (object);

  g_clear_pointer (&self->figure, as_figure_free);

  G_OBJECT_CLASS (as_heatmap_parent_class)->finalize (object);
}

static void
as_heatmap_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  AsHeatmap *self = AS_HEATMAP (object);

  switch (prop_id)
    {
    case PROP_STEP:
      g_value_set_int (value, as_heatmap_get_step (self));
      break;
    case PROP_N_STEPS:
      g_value_set_uint (value, as_heatmap_get_n_steps (self));
      break;
    case PROP_COLORMAP:
      g_value_set_enum (value, as_heatmap_get_colormap (self));
      break;
    case PROP_ZOOM:
      g_value_set_double (value, as_heatmap_get_zoom (self));
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
as_heatmap_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  AsHeatmap *self = AS_HEATMAP (object);

  switch (prop_id)
    {
    case PROP_STEP:
      as_heatmap_set_step (self, g_value_get_int (value));
      break;
    case PROP_COLORMAP:
      as_heatmap_set_colormap (self, g_value_get_enum (value));
      break;
    case PROP_ZOOM:
      as_heatmap_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      if (self->hscroll_policy != (guint) g_value_get_enum (value))
        {
          self->hscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_VSCROLL_POLICY:
      if (self->vscroll_policy != (guint) g_value_get_enum (value))
        {
          self->vscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
as_heatmap_class_init (AsHeatmapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = as_heatmap_dispose;
  object_class->finalize = as_heatmap_finalize;
  object_class->get_property = as_heatmap_get_property;
  object_class->set_property = as_heatmap_set_property;

  widget_class->measure = as_heatmap_measure;
  widget_class->size_allocate = as_heatmap_size_allocate;
  widget_class->snapshot = as_heatmap_snapshot;
  widget_class->query_tooltip = as_heatmap_query_tooltip;

  /**
   * AsHeatmap:step:
   * The decoder step shown: rows after it are dimmed and it is outlined.
   * -1 shows every step.
   */
  properties[PROP_STEP] =
    g_param_spec_int ("step", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_STEPS] =
    g_param_spec_uint ("n-steps", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLORMAP] =
    g_param_spec_enum ("colormap", NULL, NULL, AS_TYPE_COLORMAP, AS_COLORMAP_VIRIDIS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 1.0, 64.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  /**
   * AsHeatmap::row-activated:
   * A cell or a row label was clicked: the person wants to see that step.
   */
  signals[ROW_ACTIVATED] =
    g_signal_new ("row-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  /**
   * AsHeatmap::panel-activated:
   * @layer: the layer of the panel clicked
   * @head: its head
   *
   * A panel of the grid was clicked: the person wants to see it alone.
   */
  signals[PANEL_ACTIVATED] =
    g_signal_new ("panel-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);

  gtk_widget_class_set_css_name (widget_class, "heatmap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
as_heatmap_init (AsHeatmap *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  self->figure = as_figure_new ();
  as_figure_set_min_cell (self->figure, MIN_CELL);
  self->hover_part = AS_FIGURE_PART_NONE;
  self->hover_panel = -1;
  self->hover_row = -1;
  self->hover_column = -1;
  self->kind = AS_ATTENTION_CROSS;
  self->layer = -1;
  self->head = AS_ATTENTION_MEAN;
  self->step = -1;
  self->rows_are_steps = TRUE;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_object (controller, "enter", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "leave", G_CALLBACK (leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect_object (controller, "scroll", G_CALLBACK (scroll_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Attention heatmap",
                                  -1);
}

/* Public API */

GtkWidget *
as_heatmap_new (void)
{
  return g_object_new (AS_TYPE_HEATMAP, NULL);
}

/* The figure of @session's attention as chosen (as_heatmap_set_attention);
 * FALSE when the session's model has no such attention (the default then). */
static gboolean
show_choice (AsHeatmap *self,
             AsSession *session)
{
  guint n_layers, n_heads;
  int layer = self->layer;

  if (session == NULL ||
      !as_model_get_attention_shape (as_session_get_model (session), self->kind, &n_layers, &n_heads))
    return FALSE;
  if (self->grid)
    return as_figure_set_session_grid (self->figure, session, self->kind, NULL);
  if (layer < 0)
    layer = (int) n_layers - 1;
  if ((guint) layer >= n_layers || (self->head != AS_ATTENTION_MEAN && (guint) self->head >= n_heads))
    return FALSE;
  return as_figure_set_session_attention (self->figure, session, self->kind, layer, self->head, NULL);
}

void
as_heatmap_set_session (AsHeatmap *self,
                        AsSession *session)
{
  guint old_n_steps;

  g_return_if_fail (AS_IS_HEATMAP (self));

  old_n_steps = self->n_steps;
  if (show_choice (self, session))
    self->rows_are_steps = self->kind != AS_ATTENTION_ENCODER_SELF;
  else
    {
      as_figure_set_session (self->figure, session);
      self->rows_are_steps = TRUE;
    }
  self->n_steps = session != NULL ? as_session_get_n_steps (session) : 0;
  self->step = (int) self->n_steps - 1;
  as_figure_set_step (self->figure, self->rows_are_steps ? self->step : -1);

  invalidate_figure (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  update_hover (self);

  if (old_n_steps != self->n_steps)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STEPS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

void
as_heatmap_set_view (AsHeatmap    *self,
                     AsFigureView  view)
{
  g_return_if_fail (AS_IS_HEATMAP (self));

  if (as_figure_get_view (self->figure) == view)
    return;
  as_figure_set_view (self->figure, view);
  as_figure_set_hover (self->figure, AS_FIGURE_PART_NONE, -1, -1);
  invalidate_figure (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  self->hover_part = AS_FIGURE_PART_NONE;
  update_hover (self);
}

AsFigureView
as_heatmap_get_view (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), AS_FIGURE_VIEW_MATRIX);

  return as_figure_get_view (self->figure);
}

void
as_heatmap_set_attention (AsHeatmap       *self,
                          AsAttentionKind  kind,
                          int              layer,
                          int              head,
                          gboolean         grid)
{
  g_return_if_fail (AS_IS_HEATMAP (self));

  self->kind = kind;
  self->layer = layer;
  self->head = head;
  self->grid = grid;
}

guint
as_heatmap_get_n_steps (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), 0);

  return self->n_steps;
}

int
as_heatmap_get_step (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), -1);

  return self->step;
}

void
as_heatmap_set_step (AsHeatmap *self,
                     int        step)
{
  g_return_if_fail (AS_IS_HEATMAP (self));

  step = step < 0 ? -1 : MIN (step, (int) self->n_steps - 1);
  if (self->step == step)
    return;

  self->step = step;
  if (self->rows_are_steps)
    {
      as_figure_set_step (self->figure, step);
      invalidate_figure (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

AsColormap
as_heatmap_get_colormap (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), AS_COLORMAP_VIRIDIS);

  return as_figure_get_colormap (self->figure);
}

void
as_heatmap_set_colormap (AsHeatmap  *self,
                         AsColormap  colormap)
{
  g_return_if_fail (AS_IS_HEATMAP (self));
  g_return_if_fail ((guint) colormap < AS_N_COLORMAPS);

  if (as_figure_get_colormap (self->figure) == colormap)
    return;

  as_figure_set_colormap (self->figure, colormap);
  invalidate_figure (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLORMAP]);
}

double
as_heatmap_get_zoom (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), 1.0);

  return as_figure_get_zoom (self->figure);
}

void
as_heatmap_set_zoom (AsHeatmap *self,
                     double     zoom)
{
  g_return_if_fail (AS_IS_HEATMAP (self));

  zoom = CLAMP (zoom, 1.0, 64.0);
  if (as_figure_get_zoom (self->figure) == zoom)
    return;

  as_figure_set_zoom (self->figure, zoom);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  invalidate_figure (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

AsFigure *
as_heatmap_get_figure (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), NULL);

  return self->figure;
}

AsFigurePart
as_heatmap_cell_at (AsHeatmap *self,
                    double     x,
                    double     y,
                    int       *row,
                    int       *column)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), AS_FIGURE_PART_NONE);

  return as_figure_hit_test (self->figure,
                             gtk_widget_get_width (GTK_WIDGET (self)),
                             gtk_widget_get_height (GTK_WIDGET (self)),
                             x, y, row, column);
}

AsFigurePart
as_heatmap_panel_cell_at (AsHeatmap *self,
                          double     x,
                          double     y,
                          int       *panel,
                          int       *row,
                          int       *column)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), AS_FIGURE_PART_NONE);

  return as_figure_hit_test_panel (self->figure,
                                   gtk_widget_get_width (GTK_WIDGET (self)),
                                   gtk_widget_get_height (GTK_WIDGET (self)),
                                   x, y, panel, row, column);
}

/* Private API */

guint
as_heatmap_get_figure_draw_count (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), 0);

  return self->draw_count;
}

void
as_heatmap_figure_changed (AsHeatmap *self)
{
  g_return_if_fail (AS_IS_HEATMAP (self));

  self->n_steps = as_figure_get_n_rows (self->figure);
  self->step = as_figure_get_step (self->figure);
  self->rows_are_steps = TRUE;
  invalidate_figure (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  update_hover (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STEPS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}
