/* The pinned view, beside the live one: a copy of the live figure as it was
 * when pinned, in a read-only heatmap of its own under a caption saying what
 * it is, while the live view goes on (another sentence, target, model, kind,
 * layer or head). Where the two have the same axes, "Difference" shows live
 * minus pinned on the diverging map; where they do not, it is insensitive
 * and its tooltip says why. The pinned view follows the live one's colour
 * map; a difference has its own. */

#include "config.h"

#include <glib/gi18n.h>

#include "as-compare-pane.h"
#include "as-figure-compare.h"
#include "as-heatmap-private.h"
#include "as-tooltips.h"

struct _AsComparePane
{
  GtkWidget        parent_instance;

  /* template children */
  GtkWidget       *box;
  GtkLabel        *caption_label;
  GtkToggleButton *difference_button;
  AsHeatmap       *heatmap;
  GtkLabel        *readout;

  AsHeatmap       *live;        /* borrowed */
  AsFigure        *pinned;      /* NULL: nothing pinned */
  char            *caption;
  char            *why_not;     /* why there is no difference now, or NULL */
  guint            refresh_source;
};

G_DEFINE_FINAL_TYPE (AsComparePane, as_compare_pane, GTK_TYPE_WIDGET)

/* Shows @figure (copied) in the pane's heatmap, fitted and unscrolled. */
static void
show_figure (AsComparePane *self,
             AsFigure      *figure)
{
  AsFigure *shown = as_heatmap_get_figure (self->heatmap);
  AsColormap colormap = as_figure_get_colormap (shown);

  as_figure_copy_into (shown, figure);
  as_figure_set_zoom (shown, 1.0);
  as_figure_set_scroll (shown, 0.0, 0.0);
  as_figure_set_hover (shown, AS_FIGURE_PART_NONE, -1, -1);
  /* the colour map is the pane's (the live view's), not the copy's of then */
  as_figure_set_colormap (shown, colormap);
  as_heatmap_figure_changed (self->heatmap);
  as_heatmap_set_zoom (self->heatmap, 1.0);
}

/* The pinned view or the difference, as the toggle and the axes say. */
static void
refresh (AsComparePane *self)
{
  g_autoptr (AsFigure) difference = NULL;
  g_autofree char *why = NULL;
  AsFigure *live = self->live != NULL ? as_heatmap_get_figure (self->live) : NULL;

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->pinned == NULL || live == NULL)
    return;

  difference = as_figure_new_difference (live, self->pinned, &why);
  g_free (self->why_not);
  self->why_not = g_steal_pointer (&why);

  gtk_widget_set_sensitive (GTK_WIDGET (self->difference_button), difference != NULL);
  as_tooltip_set_text (GTK_WIDGET (self->difference_button),
                       difference != NULL
                       ? _("Show the live view minus the pinned one: red where the live view attends more, "
                           "blue where less (−1 to 1)")
                       : self->why_not);

  if (difference != NULL && gtk_toggle_button_get_active (self->difference_button))
    {
      /* Translators: the caption above a difference */
      const char *caption = _("Difference: live − pinned");

      as_figure_set_step (difference, as_figure_get_step (live));
      show_figure (self, difference);
      gtk_label_set_text (self->caption_label, caption);
      as_tooltip_set_text (GTK_WIDGET (self->caption_label), self->caption);
    }
  else
    {
      /* a copy that stays as it was pinned: only the colour map follows */
      if (as_figure_get_diverging (as_heatmap_get_figure (self->heatmap)) ||
          as_figure_get_n_columns (as_heatmap_get_figure (self->heatmap)) == 0)
        show_figure (self, self->pinned);
      gtk_label_set_text (self->caption_label, self->caption);
      as_tooltip_set_text (GTK_WIDGET (self->caption_label), self->caption);
    }
}

static gboolean
refresh_idle (gpointer data)
{
  AsComparePane *self = data;

  self->refresh_source = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

/* The live view changed: the difference follows it, once per burst of
 * changes (a new session notifies its steps and its step). */
static void
live_changed (AsComparePane *self)
{
  if (self->pinned == NULL || self->refresh_source != 0)
    return;
  self->refresh_source = g_idle_add_full (G_PRIORITY_DEFAULT, refresh_idle, self, NULL);
}

static void
live_colormap_changed (AsComparePane *self)
{
  as_heatmap_set_colormap (self->heatmap, as_heatmap_get_colormap (self->live));
}

static void
difference_toggled (AsComparePane *self)
{
  AsFigure *shown = as_heatmap_get_figure (self->heatmap);

  if (self->pinned == NULL)
    return;
  /* back to the pinned view: shown again from the pinned copy */
  if (!gtk_toggle_button_get_active (self->difference_button) && as_figure_get_diverging (shown))
    show_figure (self, self->pinned);
  refresh (self);
}

static void
readout_changed (AsComparePane *self)
{
  const char *text = as_heatmap_get_readout (self->heatmap);

  gtk_label_set_text (self->readout, text != NULL ? text : _("Point at a cell to read its weight"));
  as_tooltip_set_lazily (GTK_WIDGET (self->readout), text);
  if (text != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->readout), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->readout), "dim-label");
}

static void
as_compare_pane_dispose (GObject *object)
{
  AsComparePane *self = AS_COMPARE_PANE (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), AS_TYPE_COMPARE_PANE);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_pointer (&self->pinned, as_figure_free);
  g_clear_pointer (&self->caption, g_free);
  g_clear_pointer (&self->why_not, g_free);
  self->live = NULL;

  G_OBJECT_CLASS (as_compare_pane_parent_class)->dispose (object);
}

static void
as_compare_pane_class_init (AsComparePaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = as_compare_pane_dispose;

  g_type_ensure (AS_TYPE_HEATMAP);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/attnscope/AttnScope/as-compare-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, AsComparePane, box);
  gtk_widget_class_bind_template_child (widget_class, AsComparePane, caption_label);
  gtk_widget_class_bind_template_child (widget_class, AsComparePane, difference_button);
  gtk_widget_class_bind_template_child (widget_class, AsComparePane, heatmap);
  gtk_widget_class_bind_template_child (widget_class, AsComparePane, readout);
  gtk_widget_class_bind_template_callback (widget_class, difference_toggled);
  gtk_widget_class_bind_template_callback (widget_class, readout_changed);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "comparepane");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
as_compare_pane_init (AsComparePane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Pinned view"), -1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->difference_button), FALSE);
  readout_changed (self);
}

/* Public API */

GtkWidget *
as_compare_pane_new (void)
{
  return g_object_new (AS_TYPE_COMPARE_PANE, NULL);
}

void
as_compare_pane_set_live (AsComparePane *self,
                          AsHeatmap     *live)
{
  g_return_if_fail (AS_IS_COMPARE_PANE (self));
  g_return_if_fail (AS_IS_HEATMAP (live));
  g_return_if_fail (self->live == NULL);

  self->live = live;
  g_signal_connect_object (live, "notify::step", G_CALLBACK (live_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (live, "notify::n-steps", G_CALLBACK (live_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (live, "notify::colormap", G_CALLBACK (live_colormap_changed), self, G_CONNECT_SWAPPED);
  live_colormap_changed (self);
}

void
as_compare_pane_pin (AsComparePane *self,
                     const char    *caption)
{
  g_return_if_fail (AS_IS_COMPARE_PANE (self));
  g_return_if_fail (self->live != NULL);

  g_clear_pointer (&self->pinned, as_figure_free);
  self->pinned = as_figure_copy (as_heatmap_get_figure (self->live));
  g_free (self->caption);
  self->caption = g_strdup (caption != NULL ? caption : "");
  gtk_toggle_button_set_active (self->difference_button, FALSE);
  show_figure (self, self->pinned);
  refresh (self);
}

void
as_compare_pane_unpin (AsComparePane *self)
{
  g_return_if_fail (AS_IS_COMPARE_PANE (self));

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_pointer (&self->pinned, as_figure_free);
  gtk_toggle_button_set_active (self->difference_button, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->difference_button), FALSE);
}

gboolean
as_compare_pane_is_pinned (AsComparePane *self)
{
  g_return_val_if_fail (AS_IS_COMPARE_PANE (self), FALSE);

  return self->pinned != NULL;
}

AsFigure *
as_compare_pane_get_pinned (AsComparePane *self)
{
  g_return_val_if_fail (AS_IS_COMPARE_PANE (self), NULL);

  return self->pinned;
}

void
as_compare_pane_set_difference (AsComparePane *self,
                                gboolean       difference)
{
  g_return_if_fail (AS_IS_COMPARE_PANE (self));

  gtk_toggle_button_set_active (self->difference_button, difference);
}

gboolean
as_compare_pane_get_difference (AsComparePane *self)
{
  g_return_val_if_fail (AS_IS_COMPARE_PANE (self), FALSE);

  return as_figure_get_diverging (as_heatmap_get_figure (self->heatmap));
}

gboolean
as_compare_pane_can_difference (AsComparePane *self,
                                const char   **why)
{
  g_return_val_if_fail (AS_IS_COMPARE_PANE (self), FALSE);

  /* as of now, not of the last idle */
  refresh (self);
  if (why != NULL)
    *why = self->why_not;
  return self->pinned != NULL && self->why_not == NULL;
}

AsFigure *
as_compare_pane_get_shown_figure (AsComparePane *self)
{
  g_return_val_if_fail (AS_IS_COMPARE_PANE (self), NULL);

  return as_heatmap_get_figure (self->heatmap);
}

AsHeatmap *
as_compare_pane_get_heatmap (AsComparePane *self)
{
  g_return_val_if_fail (AS_IS_COMPARE_PANE (self), NULL);

  return self->heatmap;
}

GtkWidget *
as_compare_pane_get_difference_button (AsComparePane *self)
{
  g_return_val_if_fail (AS_IS_COMPARE_PANE (self), NULL);

  return GTK_WIDGET (self->difference_button);
}

const char *
as_compare_pane_get_caption (AsComparePane *self)
{
  g_return_val_if_fail (AS_IS_COMPARE_PANE (self), NULL);

  return gtk_label_get_text (self->caption_label);
}
