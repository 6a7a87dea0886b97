/* Comparing: "win.pin" (the Pin button, Ctrl+Shift+P) pins the view as it is
 * beside the live one (AsComparePane), which goes on changing; unpinning
 * closes it. While a view is pinned, exports write both side by side. */

#include "config.h"

#include <glib/gi18n.h>

#include "as-export-dialog.h"
#include "as-figure-compare.h"
#include "as-window-private.h"

static gboolean
is_blank (const char *text)
{
  for (; text != NULL && *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

/* What the pinned view is, in a few words: the model and whose
 * translation ("Pinned · en-zh-gru.json · your translation"); the figure's
 * own title and subtitle say the sentence, the attention and the step. */
static char *
pin_caption (AsWindow *self)
{
  GFile *file = as_model_loader_get_file (self->loader);
  g_autofree char *model = file != NULL ? g_file_get_basename (file) : g_strdup (_("no model"));
  g_autofree char *display = g_filename_display_name (model);
  gboolean own = !is_blank (gtk_editable_get_text (GTK_EDITABLE (self->target_entry)));

  if (own)
    /* Translators: the pinned view's caption: the model file's name, then whose translation it shows */
    return g_strdup_printf (_("Pinned · %s · your translation"), display);
  /* Translators: the pinned view's caption: the model file's name, then whose translation it shows */
  return g_strdup_printf (_("Pinned · %s · the model’s translation"), display);
}

static void
pin_change_state (GSimpleAction *action,
                  GVariant      *state,
                  gpointer       user_data)
{
  AsWindow *self = user_data;
  gboolean pin = g_variant_get_boolean (state);

  if (pin)
    {
      g_autofree char *caption = NULL;

      if (as_figure_get_n_columns (as_attention_view_get_figure (self->attention_view)) == 0)
        {
          _as_window_show_message (self, AS_MESSAGE_INFO, _("Nothing to pin yet: type a sentence first."));
          return;
        }
      caption = pin_caption (self);
      as_compare_pane_pin (self->compare_pane, caption);
    }
  else
    as_compare_pane_unpin (self->compare_pane);

  gtk_widget_set_visible (GTK_WIDGET (self->compare_pane), pin);
  g_simple_action_set_state (action, state);
}

void
_as_window_compare_init (AsWindow *self)
{
  g_autoptr (GSimpleAction) pin = g_simple_action_new_stateful ("pin", NULL, g_variant_new_boolean (FALSE));

  g_signal_connect_object (pin, "change-state", G_CALLBACK (pin_change_state), self, 0);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (pin));
  as_compare_pane_set_live (self->compare_pane, as_attention_view_get_heatmap (self->attention_view));
}

gboolean
_as_window_compare_export (AsWindow    *self,
                           const char  *path,
                           GError     **error)
{
  GtkWidget *live = GTK_WIDGET (as_attention_view_get_heatmap (self->attention_view));
  GtkWidget *pinned = GTK_WIDGET (as_compare_pane_get_heatmap (self->compare_pane));
  AsFigureExportOptions options;

  if (!as_compare_pane_is_pinned (self->compare_pane))
    return FALSE;

  /* the settings' choices, each half at the size of the wider on screen */
  as_export_options_from_settings (&options);
  if (gtk_widget_get_mapped (live) && gtk_widget_get_mapped (pinned))
    {
      int width = MAX (gtk_widget_get_width (live), gtk_widget_get_width (pinned));
      int height = MAX (gtk_widget_get_height (live), gtk_widget_get_height (pinned));

      if (width > 0 && height > 0)
        {
          options.width = 2 * width + (int) AS_FIGURE_PAIR_GAP;
          options.height = height;
        }
    }
  as_figure_export_pair_with_options (as_attention_view_get_figure (self->attention_view),
                                      as_compare_pane_get_shown_figure (self->compare_pane),
                                      path, &options, error);
  return TRUE;
}
