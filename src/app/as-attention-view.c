/* What the model attended to: the heatmap of a session, in its scroller.
 * The window gives it a session and a step and hears which step a person
 * clicked ("step-activated"); what the figure is made of is this widget's
 * business, not the window's. */

#include "config.h"

#include "as-attention-view.h"

struct _AsAttentionView
{
  GtkWidget          parent_instance;

  /* template children (the scroller is bound so that disposing the
   * template unparents it) */
  GtkScrolledWindow *scroller;
  AsHeatmap         *heatmap;
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

static gboolean
as_attention_view_grab_focus (GtkWidget *widget)
{
  AsAttentionView *self = AS_ATTENTION_VIEW (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->heatmap));
}

static void
as_attention_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), AS_TYPE_ATTENTION_VIEW);

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
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, scroller);
  gtk_widget_class_bind_template_child (widget_class, AsAttentionView, heatmap);
  gtk_widget_class_bind_template_callback (widget_class, heatmap_row_activated);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attentionview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
as_attention_view_init (AsAttentionView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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

  as_heatmap_set_session (self->heatmap, session);
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
