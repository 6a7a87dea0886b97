/* What the model attended to: the heatmap of a session, in its scroller,
 * and the choice of what to look at where the model has more than one
 * matrix (a Transformer): the kind of attention, the layer, the head or the
 * mean of the heads, or every layer and head as a grid of panels. The window
 * gives it a session and a step and hears which step a person clicked
 * ("step-activated"); what the figure is made of is this widget's business,
 * not the window's. The choice is kept when the sentence changes, and
 * remembered for each model file while the window lives. The bar also
 * holds the zoom (out, the level, which fits the figure to its pane when
 * clicked, in), kept in the settings ("zoom", 0 = fit); a line under the
 * figure reads out the cell under the pointer or the heatmap's cell
 * cursor (its tokens and exact weight), for the keyboard as for the mouse. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "as-attention-view.h"
#include "as-settings.h"
#include "as-tooltips.h"

typedef struct
{
  AsAttentionKind kind;
  int             layer;  /* -1: the last */
  int             head;   /* or AS_ATTENTION_MEAN */
  gboolean        grid;
} Choice;

static const Choice default_choice = { AS_ATTENTION_CROSS, -1, AS_ATTENTION_MEAN, FALSE };

struct _AsAttentionView
{
  GtkWidget          parent_instance;

  /* template children (the box is bound so that disposing the template
   * unparents it) */
  GtkWidget         *box;
  GtkWidget         *choice_bar;
  GtkDropDown       *kind_dropdown;
  GtkDropDown       *layer_dropdown;
  GtkDropDown       *head_dropdown;
  GtkToggleButton   *grid_button;
  GtkToggleButton   *lines_button;
  GtkWidget         *choice_separator;
  GtkScrolledWindow *scroller;
  AsHeatmap         *heatmap;
  GtkButton         *zoom_out_button;
  GtkButton         *zoom_level_button;
  GtkButton         *zoom_in_button;
  GtkLabel          *readout;

  GSettings         *settings;

  AsSession         *session;      /* borrowed: the window's, until the next set_session */
  const AsModel     *model;        /* the model the selectors were made for (compared, not used) */
  char              *model_path;
  Choice             choice;
  AsAttentionKind    kinds[AS_N_ATTENTION_KINDS];  /* the kind of each item of kind_dropdown */
  guint              n_kinds;
  const AsModel     *kinds_model;  /* the model kind_dropdown's items are for */
  guint              shown_layers; /* items of layer_dropdown */
  guint              shown_heads;  /* items of head_dropdown, the mean included */
  gboolean           updating;     /* the selectors are being set from the choice */
  gboolean           requested;    /* the choice was asked for: it holds for the next model too */
  GHashTable        *remembered;   /* model path -> Choice */
};

enum {
  STEP_ACTIVATED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (AsAttentionView, as_attention_view, GTK_TYPE_WIDGET)

static guint signals[N_SIGNALS];

static void
heatmap_row_activated (AsAttentionView *self,
                       int              row,
                       AsHeatmap       *heatmap)
{
  g_signal_emit (self, signals[STEP_ACTIVATED], 0, row);
}

static void update_zoom_controls (AsAttentionView *self);

/* Shows the session again as self->choice says, at the same step. */
static void
apply_choice (AsAttentionView *self)
{
  int step = as_heatmap_get_step (self->heatmap);

  as_heatmap_set_attention (self->heatmap, self->choice.kind, self->choice.layer, self->choice.head, self->choice.grid);
  as_heatmap_set_session (self->heatmap, self->session);
  if (step >= 0)
    as_heatmap_set_step (self->heatmap, MIN (step, (int) as_heatmap_get_n_steps (self->heatmap) - 1));
  update_zoom_controls (self);
  if (self->model_path != NULL)
    {
      Choice *kept = g_new (Choice, 1);
      *kept = self->choice;
      g_hash_table_insert (self->remembered, g_strdup (self->model_path), kept);
    }
}

/* "@first", "@noun 0", "@noun 1", ... */
static GListModel *
numbered_items (const char *first,
                const char *noun,
                guint       n)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  if (first != NULL)
    gtk_string_list_append (list, first);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *item = g_strdup_printf ("%s %u", noun, i);
      gtk_string_list_append (list, item);
    }
  return G_LIST_MODEL (list);
}

static void
set_selected (GtkDropDown *dropdown,
              guint        position)
{
  if (gtk_drop_down_get_selected (dropdown) != position)
    gtk_drop_down_set_selected (dropdown, position);
}

/* The selectors for the model of the session, showing self->choice (made
 * valid for that model first). */
static void
update_selectors (AsAttentionView *self)
{
  const AsModel *model = as_session_get_model (self->session);
  g_autoptr (GtkStringList) kinds = gtk_string_list_new (NULL);
  guint n_layers = 1, n_heads = 1, kind_index = 0, total = 0;
  gboolean has_kind = FALSE;

  self->n_kinds = 0;
  for (guint kind = 0; kind < AS_N_ATTENTION_KINDS; kind++)
    {
      guint l, h;

      if (!as_model_get_attention_shape (model, kind, &l, &h))
        continue;
      if (kind == self->choice.kind)
        has_kind = TRUE, kind_index = self->n_kinds;
      self->kinds[self->n_kinds++] = kind;
      gtk_string_list_append (kinds, as_attention_kind_get_title (kind));
      total += l * h;
    }
  if (!has_kind)
    {
      self->choice = default_choice;
      kind_index = 0;
      for (guint k = 0; k < self->n_kinds; k++)
        if (self->kinds[k] == AS_ATTENTION_CROSS)
          kind_index = k;
    }
  as_model_get_attention_shape (model, self->kinds[kind_index], &n_layers, &n_heads);
  if (self->choice.layer >= (int) n_layers)
    self->choice.layer = -1;
  if (self->choice.head >= (int) n_heads)
    self->choice.head = AS_ATTENTION_MEAN;

  /* new lists only where they change: a drop-down given a new list rebuilds its popover */
  self->updating = TRUE;
  if (self->kinds_model != model)
    {
      gtk_drop_down_set_model (self->kind_dropdown, G_LIST_MODEL (kinds));
      self->kinds_model = model;
    }
  if (self->shown_layers != n_layers)
    {
      g_autoptr (GListModel) layers = numbered_items (NULL, _("Layer"), n_layers);
      gtk_drop_down_set_model (self->layer_dropdown, layers);
      self->shown_layers = n_layers;
    }
  if (self->shown_heads != n_heads + 1)
    {
      g_autoptr (GListModel) heads = numbered_items (_("Mean of heads"), _("Head"), n_heads);
      gtk_drop_down_set_model (self->head_dropdown, heads);
      self->shown_heads = n_heads + 1;
    }
  set_selected (self->kind_dropdown, kind_index);
  set_selected (self->layer_dropdown, self->choice.layer < 0 ? n_layers - 1 : (guint) self->choice.layer);
  set_selected (self->head_dropdown, self->choice.head == AS_ATTENTION_MEAN ? 0 : (guint) self->choice.head + 1);
  gtk_toggle_button_set_active (self->grid_button, self->choice.grid);
  gtk_widget_set_sensitive (GTK_WIDGET (self->layer_dropdown), !self->choice.grid && n_layers > 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->head_dropdown), !self->choice.grid && n_heads > 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->grid_button),
                            n_layers * n_heads > 1 && !gtk_toggle_button_get_active (self->lines_button));
  self->updating = FALSE;

  /* one kind of one matrix (the GRU): only the view to choose */
  gtk_widget_set_visible (GTK_WIDGET (self->kind_dropdown), total > 1);
  gtk_widget_set_visible (GTK_WIDGET (self->layer_dropdown), total > 1);
  gtk_widget_set_visible (GTK_WIDGET (self->head_dropdown), total > 1);
  gtk_widget_set_visible (GTK_WIDGET (self->grid_button), total > 1);
  gtk_widget_set_visible (self->choice_separator, total > 1);
  gtk_widget_set_visible (self->choice_bar, TRUE);
}

/* Zoom */

static void
zoom_in_clicked (AsAttentionView *self)
{
  as_heatmap_zoom_in (self->heatmap);
}

static void
zoom_out_clicked (AsAttentionView *self)
{
  as_heatmap_zoom_out (self->heatmap);
}

static void
zoom_fit_clicked (AsAttentionView *self)
{
  as_heatmap_set_zoom (self->heatmap, 1.0);
}

/* "Fit", or "150 %" of the fit */
static char *
zoom_text (double zoom)
{
  if (zoom <= 1.0 + 1e-6)
    return g_strdup (_("Fit"));
  /* TRANSLATORS: a zoom level, as a percentage of the size that fits */
  return g_strdup_printf (_("%d %%"), (int) lround (zoom * 100.0));
}

static void
update_zoom_controls (AsAttentionView *self)
{
  double zoom = as_heatmap_get_zoom (self->heatmap);
  g_autofree char *text = zoom_text (zoom);
  g_autofree char *name = NULL;
  /* a grid of panels and the lines are shown whole: no zoom */
  gboolean cells = as_heatmap_get_view (self->heatmap) == AS_FIGURE_VIEW_MATRIX &&
                   as_figure_get_n_panels (as_heatmap_get_figure (self->heatmap)) <= 1;

  gtk_button_set_label (self->zoom_level_button, text);
  name = g_strdup_printf (_("Zoom %s: fit to the pane"), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->zoom_level_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->zoom_out_button), cells && zoom > 1.0 + 1e-6);
  gtk_widget_set_sensitive (GTK_WIDGET (self->zoom_level_button), cells && zoom > 1.0 + 1e-6);
  gtk_widget_set_sensitive (GTK_WIDGET (self->zoom_in_button), cells && zoom < 64.0 - 1e-6);
}

static void
zoom_changed (AsAttentionView *self)
{
  double zoom = as_heatmap_get_zoom (self->heatmap);

  update_zoom_controls (self);
  if (self->settings != NULL)
    g_settings_set_double (self->settings, "zoom", zoom <= 1.0 + 1e-6 ? 0.0 : zoom);
}

/* The readout line: the heatmap's, or how to get one. */
static void
readout_changed (AsAttentionView *self)
{
  const char *text = as_heatmap_get_readout (self->heatmap);

  if (text != NULL)
    {
      gtk_label_set_text (self->readout, text);
      as_tooltip_set_lazily (GTK_WIDGET (self->readout), text);
      gtk_widget_remove_css_class (GTK_WIDGET (self->readout), "dim-label");
    }
  else
    {
      gtk_label_set_text (self->readout,
                          _("Point at a cell, or focus the figure and use the arrow keys, to read its weight"));
      as_tooltip_set_lazily (GTK_WIDGET (self->readout), NULL);
      gtk_widget_add_css_class (GTK_WIDGET (self->readout), "dim-label");
    }
}

static void
view_changed (AsAttentionView *self)
{
  gboolean lines = gtk_toggle_button_get_active (self->lines_button);

  as_heatmap_set_view (self->heatmap, lines ? AS_FIGURE_VIEW_LINES : AS_FIGURE_VIEW_MATRIX);
  update_zoom_controls (self);
  /* the lines are of one layer and head: not a grid */
  if (lines && self->choice.grid && self->session != NULL)
    {
      self->choice.grid = FALSE;
      update_selectors (self);
      apply_choice (self);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->grid_button), !lines && self->shown_layers * (self->shown_heads - 1) > 1);
}

static void
choice_changed (AsAttentionView *self)
{
  guint layer, head;

  if (self->updating || self->session == NULL)
    return;
  self->choice.kind = self->kinds[MIN (gtk_drop_down_get_selected (self->kind_dropdown), self->n_kinds - 1)];
  layer = gtk_drop_down_get_selected (self->layer_dropdown);
  head = gtk_drop_down_get_selected (self->head_dropdown);
  self->choice.layer = layer == GTK_INVALID_LIST_POSITION ? -1 : (int) layer;
  self->choice.head = head == GTK_INVALID_LIST_POSITION || head == 0 ? AS_ATTENTION_MEAN : (int) head - 1;
  self->choice.grid = gtk_toggle_button_get_active (self->grid_button);
  /* the layers and heads of the kind now chosen */
  update_selectors (self);
  apply_choice (self);
}

static void
heatmap_panel_activated (AsAttentionView *self,
                         int              layer,
                         int              head,
                         AsHeatmap       *heatmap)
{
  if (self->session == NULL)
    return;
  self->choice.grid = FALSE;
  self->choice.layer = layer;
  self->choice.head = head;
  update_selectors (self);
  apply_choice (self);
}

static gboolean
as_attention_view_grab_focus (GtkWidget *widget)
{
  AsAttentionView *self = AS_ATTENTION_VIEW (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->heatmap));
}

static void
as_attention_view_dispose (GObject *object)
{
  AsAttentionView *self = AS_ATTENTION_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), AS_TYPE_ATTENTION_VIEW);
  g_clear_object (&self->settings);
  self->session = NULL;
  g_clear_pointer (&self->model_path, g_free);
  g_clear_pointer (&self->remembered, g_hash_table_unref);

  G_OBJECT_CLASS (as_attention_view_parent_class)->dispose (object);
}

static void
as_attention_view_class_init (AsAttentionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = as_attention_view_dispose;

  widget_class->grab_focus = as_attention_view_grab_focus;

  /**
   * AsAttentionView::step-activated:
   * @step: the step whose row of cells (or label) was clicked
   *
   * The person wants to see @step.
   */
  signals[STEP_ACTIVATED] =
    g_signal_new ("step-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  g_type_ensure (AS_TYPE_HEATMAP);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/attnscope/AttnScope/as-attention-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, box);
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, choice_bar);
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, layer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, head_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, grid_button);
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, lines_button);
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, choice_separator);
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, scroller);
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, heatmap);
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, zoom_out_button);
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, zoom_level_button);
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, zoom_in_button);
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, readout);
  gtk_widget_class_bind_template_callback (widget_class, zoom_in_clicked);
  gtk_widget_class_bind_template_callback (widget_class, zoom_out_clicked);
  gtk_widget_class_bind_template_callback (widget_class, zoom_fit_clicked);
  gtk_widget_class_bind_template_callback (widget_class, zoom_changed);
  gtk_widget_class_bind_template_callback (widget_class, readout_changed);
  gtk_widget_class_bind_template_callback (widget_class, heatmap_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, heatmap_panel_activated);
  gtk_widget_class_bind_template_callback (widget_class, choice_changed);
  gtk_widget_class_bind_template_callback (widget_class, view_changed);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attentionview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
as_attention_view_init (AsAttentionView *self)
{
  self->choice = default_choice;
  self->remembered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gtk_widget_init_template (GTK_WIDGET (self));

  /* the zoom last used (0: fit) */
  self->settings = as_settings_new ();
  if (self->settings != NULL)
    {
      double zoom = g_settings_get_double (self->settings, "zoom");

      as_heatmap_set_zoom (self->heatmap, zoom <= 0.0 ? 1.0 : zoom);
    }
  update_zoom_controls (self);
  readout_changed (self);
}

/* Public API */

GtkWidget *
as_attention_view_new (void)
{
  return g_object_new (AS_TYPE_ATTENTION_VIEW, NULL);
}

void
as_attention_view_set_session (AsAttentionView *self,
                               AsSession       *session)
{
  g_return_if_fail (AS_IS_ATTENTION_VIEW (self));

  self->session = session;
  if (session == NULL)
    {
      as_heatmap_set_session (self->heatmap, NULL);
      gtk_widget_set_visible (self->choice_bar, FALSE);
      return;
    }
  if (as_session_get_model (session) != self->model)
    {
      /* another model: what was chosen for it before, or the default */
      const char *path = as_model_get_path (as_session_get_model (session));
      const Choice *kept = g_hash_table_lookup (self->remembered, path);

      self->model = as_session_get_model (session);
      g_free (self->model_path);
      self->model_path = g_strdup (path);
      if (!self->requested)
        self->choice = kept != NULL ? *kept : default_choice;
      self->requested = FALSE;
    }
  update_selectors (self);
  as_heatmap_set_attention (self->heatmap, self->choice.kind, self->choice.layer, self->choice.head, self->choice.grid);
  as_heatmap_set_session (self->heatmap, session);
  update_zoom_controls (self);
}

void
as_attention_view_set_attention (AsAttentionView *self,
                                 AsAttentionKind  kind,
                                 int              layer,
                                 int              head,
                                 gboolean         grid)
{
  g_return_if_fail (AS_IS_ATTENTION_VIEW (self));

  self->choice = (Choice) { kind, layer, head, grid };
  self->requested = TRUE;
  if (self->session == NULL)
    return;
  update_selectors (self);
  apply_choice (self);
}

void
as_attention_view_get_attention (AsAttentionView *self,
                                 AsAttentionKind *kind,
                                 int             *layer,
                                 int             *head,
                                 gboolean        *grid)
{
  g_return_if_fail (AS_IS_ATTENTION_VIEW (self));

  if (kind != NULL)
    *kind = self->choice.kind;
  if (layer != NULL)
    *layer = self->choice.layer;
  if (head != NULL)
    *head = self->choice.head;
  if (grid != NULL)
    *grid = self->choice.grid;
}

int
as_attention_view_get_step (AsAttentionView *self)
{
  g_return_val_if_fail (AS_IS_ATTENTION_VIEW (self), -1);

  return as_heatmap_get_step (self->heatmap);
}

void
as_attention_view_set_step (AsAttentionView *self,
                            int              step)
{
  g_return_if_fail (AS_IS_ATTENTION_VIEW (self));

  as_heatmap_set_step (self->heatmap, step);
}

void
as_attention_view_set_colormap (AsAttentionView *self,
                                AsColormap       colormap)
{
  g_return_if_fail (AS_IS_ATTENTION_VIEW (self));

  as_heatmap_set_colormap (self->heatmap, colormap);
}

void
as_attention_view_set_scale (AsAttentionView *self,
                             AsFigureScale    scale)
{
  g_return_if_fail (AS_IS_ATTENTION_VIEW (self));

  as_heatmap_set_scale (self->heatmap, scale);
}

double
as_attention_view_get_zoom (AsAttentionView *self)
{
  g_return_val_if_fail (AS_IS_ATTENTION_VIEW (self), 1.0);

  return as_heatmap_get_zoom (self->heatmap);
}

void
as_attention_view_set_zoom (AsAttentionView *self,
                            double           zoom)
{
  g_return_if_fail (AS_IS_ATTENTION_VIEW (self));

  as_heatmap_set_zoom (self->heatmap, zoom);
}

void
as_attention_view_zoom_in (AsAttentionView *self)
{
  g_return_if_fail (AS_IS_ATTENTION_VIEW (self));

  as_heatmap_zoom_in (self->heatmap);
}

void
as_attention_view_zoom_out (AsAttentionView *self)
{
  g_return_if_fail (AS_IS_ATTENTION_VIEW (self));

  as_heatmap_zoom_out (self->heatmap);
}

AsFigure *
as_attention_view_get_figure (AsAttentionView *self)
{
  g_return_val_if_fail (AS_IS_ATTENTION_VIEW (self), NULL);

  return as_heatmap_get_figure (self->heatmap);
}

AsHeatmap *
as_attention_view_get_heatmap (AsAttentionView *self)
{
  g_return_val_if_fail (AS_IS_ATTENTION_VIEW (self), NULL);

  return self->heatmap;
}
