/* The window's actions ("win.open", "win.export", the steps, "win.play",
 * the colour map, the zoom, ...), when each can be used, and the keys that
 * step through the decoder. The window calls _as_window_actions_update()
 * whenever the step, the session or the playing changes. */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "as-alignment.h"
#include "as-error.h"
#include "as-export-dialog.h"
#include "as-figure-table.h"
#include "as-file-write.h"
#include "as-json-session.h"
#include "as-help-window.h"
#include "as-paths.h"
#include "as-settings.h"
#include "as-window-private.h"

/* Opening and exporting */

static void
open_response (AsWindow             *self,
               int                   response,
               GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        as_window_open_model (self, file);
    }

  g_object_unref (chooser);
}

static void
open_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  AsWindow *self = user_data;
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter;

  chooser = gtk_file_chooser_native_new (_("Open a Model"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("AttnScope models (JSON)"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);

  if (as_model_loader_get_file (self->loader) != NULL)
    {
      g_autoptr (GFile) folder = g_file_get_parent (as_model_loader_get_file (self->loader));

      if (folder != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
    }

  g_signal_connect_object (chooser, "response", G_CALLBACK (open_response), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* A bundled model, by its name (the Open button's menu) */
static void
open_bundled_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  AsWindow *self = user_data;
  g_autofree char *path = as_model_path_for (g_variant_get_string (parameter, NULL));
  g_autoptr (GFile) file = g_file_new_for_path (path);

  as_window_open_model (self, file);
}

/* A model opened before, by its path (the Open button's menu) */
static void
open_recent_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  AsWindow *self = user_data;
  g_autoptr (GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  as_window_open_model (self, file);
}

/* The Open button's menu: the bundled models by name, the models opened
 * last (newest first; those gone from the disk are left out), then a file */
void
_as_window_actions_update_open_menu (AsWindow *self)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenu) bundled = g_menu_new ();
  g_autoptr (GMenu) recent = g_menu_new ();
  g_autoptr (GMenu) other = g_menu_new ();
  g_auto (GStrv) names = as_list_bundled_models ();
  g_auto (GStrv) paths = _as_window_settings_get_recent (self);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new (names[i], NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-bundled", g_variant_new_string (names[i]));
      g_menu_append_item (bundled, item);
    }
  g_menu_append_section (menu, _("Bundled models"), G_MENU_MODEL (bundled));

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *base = g_path_get_basename (paths[i]);
      g_autofree char *folder = g_path_get_dirname (paths[i]);
      g_autofree char *display_base = g_filename_display_name (base);
      g_autofree char *display_folder = g_filename_display_name (folder);
      /* the file, then its folder: two of the same name stay apart */
      /* Translators: a recent model in the Open menu: the file's name, then its folder */
      g_autofree char *label = g_strdup_printf (_("%s (in %s)"), display_base, display_folder);
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (paths[i]));
      g_menu_append_item (recent, item);
    }
  if (paths[0] != NULL)
    g_menu_append_section (menu, _("Recent models"), G_MENU_MODEL (recent));

  g_menu_append (other, _("Open a File…"), "win.open");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (other));
  gtk_menu_button_set_menu_model (self->open_menu_button, G_MENU_MODEL (menu));
}

/* Data out: the session as JSON, the matrix as CSV, the alignment in
 * Pharaoh format. */

/* The text of @data for the view as it is; NULL with @error when there is
 * nothing to write. */
static char *
data_text (AsWindow      *self,
           AsExportData   data,
           double         threshold,
           GError       **error)
{
  AsFigure *figure = as_attention_view_get_figure (self->attention_view);
  AsAttentionKind kind;
  int layer, head;
  gboolean grid;

  if (self->session == NULL || as_figure_get_n_columns (figure) == 0)
    {
      g_set_error_literal (error, AS_ERROR, AS_ERROR_EMPTY_INPUT, _("Nothing to export: type a sentence first."));
      return NULL;
    }
  as_attention_view_get_attention (self->attention_view, &kind, &layer, &head, &grid);
  if (data == AS_EXPORT_CSV)
    return as_figure_to_table (figure, ',');

  if (data == AS_EXPORT_JSON)
    {
      GString *out = g_string_new (NULL);
      guint n_layers = 1, n_heads = 1;

      as_model_get_attention_shape (as_session_get_model (self->session), kind, &n_layers, &n_heads);
      as_json_append_session (out, self->session, kind, layer < 0 ? n_layers - 1 : (guint) layer, head, 5);
      g_string_append_c (out, '\n');
      return g_string_free (out, FALSE);
    }

  /* AS_EXPORT_PHARAOH: from the cross-attention shown */
  {
    g_autoptr (AsAlignment) alignment = NULL;
    g_autofree float *weights = NULL;
    g_autofree char *links = NULL;
    guint n_layers = 1, n_heads = 1, n_target, n_source;

    if (kind != AS_ATTENTION_CROSS)
      {
        g_set_error_literal (error, AS_ERROR, AS_ERROR_INVALID,
                             _("An alignment is made from cross-attention: show the cross-attention first."));
        return NULL;
      }
    as_model_get_attention_shape (as_session_get_model (self->session), kind, &n_layers, &n_heads);
    if (!as_alignment_session_matrix (self->session, layer < 0 ? n_layers - 1 : (guint) layer, head,
                                      &weights, &n_target, &n_source, NULL, error))
      return NULL;
    alignment = as_alignment_from_matrix (weights, n_target, n_source, threshold);
    links = as_alignment_to_pharaoh (alignment);
    return g_strconcat (links, "\n", NULL);
  }
}

gboolean
_as_window_export_data (AsWindow      *self,
                        AsExportData   data,
                        const char    *path,
                        double         threshold,
                        GError       **error)
{
  g_autofree char *text = data_text (self, data, threshold, error);

  if (text == NULL)
    return FALSE;
  return as_file_write_atomically (path, (const guint8 *) text, strlen (text), error);
}

static void
export_data_to (AsWindow     *self,
                AsExportData  data,
                const char   *path,
                double        threshold)
{
  g_autoptr (GError) error = NULL;

  if (!_as_window_export_data (self, data, path, threshold, &error))
    {
      /* Translators: why (a sentence) */
      g_autofree char *text = g_strdup_printf (_("Export failed. %s"), error->message);

      _as_window_show_message (self, AS_MESSAGE_ERROR, text);
    }
  else
    {
      g_autofree char *name = g_filename_display_name (path);
      /* Translators: the file the view was exported to */
      g_autofree char *text = g_strdup_printf (_("Saved “%s”."), name);

      _as_window_show_message (self, AS_MESSAGE_INFO, text);
    }
}

/* The matrix shown, as tab-separated text with the tokens as headers, on
 * the clipboard (Ctrl+C outside the text fields, the heatmap's menu). */
static void
copy_table_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  AsWindow *self = user_data;
  AsFigure *figure = as_attention_view_get_figure (self->attention_view);
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;

  if (as_figure_get_n_columns (figure) == 0)
    return;
  text = as_figure_to_table (figure, '\t');
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  /* Translators: rows and columns of the matrix copied */
  message = g_strdup_printf (_("Copied the matrix (%u × %u) as a table, tokens as headers."),
                             as_figure_get_n_rows (figure), as_figure_get_n_columns (figure));
  _as_window_show_message (self, AS_MESSAGE_INFO, message);
}

static void
export_response (AsWindow       *self,
                 int             response,
                 GtkFileChooser *dialog)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *path = as_export_dialog_get_path (dialog);

      if (path != NULL && as_export_dialog_get_data (dialog) != AS_EXPORT_FIGURE)
        {
          as_export_dialog_save_choices (dialog, path);
          export_data_to (self, as_export_dialog_get_data (dialog), path, as_export_dialog_get_threshold (dialog));
        }
      else if (path != NULL)
        {
          as_export_dialog_save_choices (dialog, path);
          g_action_group_activate_action (G_ACTION_GROUP (self), "export-to", g_variant_new_string (path));
        }
      else
        _as_window_show_message (self, AS_MESSAGE_ERROR,
                                 _("Could not export: the figure can only be saved to a local folder."));
    }

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
export_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  AsWindow *self = user_data;
  const char *sentence = self->session != NULL ? as_session_get_sentence (self->session) : NULL;
  GtkFileChooser *dialog = as_export_dialog_new (GTK_WINDOW (self), sentence);

  g_signal_connect_object (dialog, "response", G_CALLBACK (export_response), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
_as_window_export_figure (AsWindow    *self,
                          AsFigure    *figure,
                          const char  *path,
                          GError     **error)
{
  GtkWidget *heatmap = GTK_WIDGET (as_attention_view_get_heatmap (self->attention_view));
  AsFigureExportOptions options;

  /* the settings' choices, at the size the figure has on screen */
  as_export_options_from_settings (&options);
  if (gtk_widget_get_mapped (heatmap) && gtk_widget_get_width (heatmap) > 0 && gtk_widget_get_height (heatmap) > 0)
    {
      options.width = gtk_widget_get_width (heatmap);
      options.height = gtk_widget_get_height (heatmap);
    }
  return as_figure_export_with_options (figure, path, &options, error);
}

static void
export_to_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  as_window_export_to (AS_WINDOW (user_data), g_variant_get_string (parameter, NULL), NULL);
}

/* Steps */

static void
step_first_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  AsWindow *self = user_data;

  _as_window_set_playing (self, FALSE);
  _as_window_set_step (self, 0);
}

static void
step_previous_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  AsWindow *self = user_data;

  _as_window_set_playing (self, FALSE);
  _as_window_set_step (self, _as_window_get_step (self) - 1);
}

static void
step_next_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  AsWindow *self = user_data;

  _as_window_set_playing (self, FALSE);
  _as_window_set_step (self, _as_window_get_step (self) + 1);
}

static void
step_last_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  AsWindow *self = user_data;

  _as_window_set_playing (self, FALSE);
  _as_window_set_step (self, (int) _as_window_get_n_steps (self) - 1);
}

static void
play_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  AsWindow *self = user_data;
  g_autoptr (GVariant) state = g_action_get_state (G_ACTION (action));

  _as_window_set_playing (self, !g_variant_get_boolean (state));
}

/* The view */

static void
colormap_changed (GSimpleAction *action,
                  GVariant      *value,
                  gpointer       user_data)
{
  AsWindow *self = user_data;
  AsColormap colormap;

  if (!as_colormap_from_name (g_variant_get_string (value, NULL), &colormap))
    return;

  g_simple_action_set_state (action, g_variant_new_string (as_colormap_get_name (colormap)));
  as_attention_view_set_colormap (self->attention_view, colormap);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "colormap", as_colormap_get_name (colormap));

  if (gtk_drop_down_get_selected (self->colormap_dropdown) != (guint) colormap)
    gtk_drop_down_set_selected (self->colormap_dropdown, colormap);
}

static void
colormap_dropdown_changed (AsWindow    *self,
                           GParamSpec  *pspec,
                           GtkDropDown *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected < AS_N_COLORMAPS)
    g_action_group_change_action_state (G_ACTION_GROUP (self), "colormap",
                                        g_variant_new_string (as_colormap_get_name (selected)));
}

static void
scale_changed (GSimpleAction *action,
               GVariant      *value,
               gpointer       user_data)
{
  AsWindow *self = user_data;
  AsFigureScale scale;

  if (!as_figure_scale_from_name (g_variant_get_string (value, NULL), &scale))
    return;

  g_simple_action_set_state (action, g_variant_new_string (as_figure_scale_to_name (scale)));
  as_attention_view_set_scale (self->attention_view, scale);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "scale", as_figure_scale_to_name (scale));

  if (gtk_drop_down_get_selected (self->scale_dropdown) != (guint) scale)
    gtk_drop_down_set_selected (self->scale_dropdown, scale);
}

static void
scale_dropdown_changed (AsWindow    *self,
                        GParamSpec  *pspec,
                        GtkDropDown *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected < AS_FIGURE_N_SCALES)
    g_action_group_change_action_state (G_ACTION_GROUP (self), "scale",
                                        g_variant_new_string (as_figure_scale_to_name (selected)));
}

static void
zoom_in_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  AsWindow *self = user_data;

  as_attention_view_zoom_in (self->attention_view);
}

static void
zoom_out_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  AsWindow *self = user_data;

  as_attention_view_zoom_out (self->attention_view);
}

static void
zoom_reset_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  AsWindow *self = user_data;

  as_attention_view_set_zoom (self->attention_view, 1.0);
}

static void
focus_sentence_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  AsWindow *self = user_data;

  gtk_widget_grab_focus (GTK_WIDGET (self->source_entry));
}

static void
branch_back_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  _as_window_branch_back (AS_WINDOW (user_data));
}

static void
help_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  as_help_window_present (GTK_WINDOW (user_data));
}

static const GActionEntry win_entries[] = {
  { "open", open_activated },
  { "open-bundled", open_bundled_activated, "s" },
  { "open-recent", open_recent_activated, "s" },
  { "branch-back", branch_back_activated },
  { "help", help_activated },
  { "export", export_activated },
  { "export-to", export_to_activated, "s" },
  { "copy-table", copy_table_activated },
  { "step-first", step_first_activated },
  { "step-previous", step_previous_activated },
  { "step-next", step_next_activated },
  { "step-last", step_last_activated },
  { "play", play_activated, NULL, "false" },
  { "colormap", NULL, "s", "'viridis'", colormap_changed },
  { "scale", NULL, "s", "'one'", scale_changed },
  { "zoom-in", zoom_in_activated },
  { "zoom-out", zoom_out_activated },
  { "zoom-reset", zoom_reset_activated },
  { "focus-sentence", focus_sentence_activated },
};

/* Keys: Page Up and Page Down step through the decoder everywhere; Left,
 * Right, Home, End and Space wherever they do not already mean something (in
 * a text field they move the cursor, in the heatmap the arrows move its cell
 * cursor, on a button Space presses it). Ctrl+Z outside the text fields goes
 * back from a picked candidate. */

static gboolean
focus_is_within (GtkWidget *focus,
                 GType      type)
{
  for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
    if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
      return TRUE;
  return FALSE;
}

static gboolean
key_pressed (AsWindow              *self,
             guint                  keyval,
             guint                  keycode,
             GdkModifierType        state,
             GtkEventControllerKey *controller)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  const char *action = NULL;
  gboolean in_text = focus != NULL && focus_is_within (focus, GTK_TYPE_EDITABLE);

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK | GDK_SHIFT_MASK)) == GDK_CONTROL_MASK &&
      (keyval == GDK_KEY_z || keyval == GDK_KEY_Z) && !in_text)
    {
      if (!g_action_group_get_action_enabled (G_ACTION_GROUP (self), "branch-back"))
        return FALSE;
      g_action_group_activate_action (G_ACTION_GROUP (self), "branch-back", NULL);
      return TRUE;
    }

  /* Ctrl+C outside the text fields (and a label's selection) copies the matrix */
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK | GDK_SHIFT_MASK)) == GDK_CONTROL_MASK &&
      (keyval == GDK_KEY_c || keyval == GDK_KEY_C) && !in_text &&
      !(focus != NULL && GTK_IS_LABEL (focus) && gtk_label_get_selectable (GTK_LABEL (focus))))
    {
      if (!g_action_group_get_action_enabled (G_ACTION_GROUP (self), "copy-table"))
        return FALSE;
      g_action_group_activate_action (G_ACTION_GROUP (self), "copy-table", NULL);
      return TRUE;
    }

  /* the heatmap's menu from the keyboard: Shift+F10 or the Menu key */
  if (focus != NULL && focus_is_within (focus, AS_TYPE_HEATMAP) &&
      (keyval == GDK_KEY_Menu ||
       (keyval == GDK_KEY_F10 && (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK | GDK_SHIFT_MASK)) == GDK_SHIFT_MASK)))
    {
      GtkWidget *heatmap = GTK_WIDGET (as_attention_view_get_heatmap (self->attention_view));

      as_heatmap_popup_context_menu (AS_HEATMAP (heatmap), gtk_widget_get_width (heatmap) / 2.0,
                                     gtk_widget_get_height (heatmap) / 2.0);
      return TRUE;
    }

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;

  if (keyval == GDK_KEY_Page_Up || keyval == GDK_KEY_KP_Page_Up ||
      keyval == GDK_KEY_Page_Down || keyval == GDK_KEY_KP_Page_Down)
    {
      action = keyval == GDK_KEY_Page_Up || keyval == GDK_KEY_KP_Page_Up ? "step-previous" : "step-next";
      if (g_action_group_get_action_enabled (G_ACTION_GROUP (self), action))
        g_action_group_activate_action (G_ACTION_GROUP (self), action, NULL);
      return TRUE;
    }

  /* the beam tree's keys (arrows, Home, End, Enter, Space) are its own */
  if (focus != NULL && focus_is_within (focus, AS_TYPE_BEAM_TREE))
    return FALSE;

  /* the heatmap's arrows move its cell cursor */
  if (focus != NULL && focus_is_within (focus, AS_TYPE_HEATMAP) &&
      (keyval == GDK_KEY_Left || keyval == GDK_KEY_KP_Left || keyval == GDK_KEY_Right ||
       keyval == GDK_KEY_KP_Right || keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up ||
       keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down))
    return FALSE;

  if (in_text)
    {
      if (keyval == GDK_KEY_Escape &&
          (focus_is_within (focus, GTK_TYPE_ENTRY)))
        {
          gtk_widget_grab_focus (GTK_WIDGET (self->attention_view));
          return TRUE;
        }
      return FALSE;
    }

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      action = "step-previous";
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      action = "step-next";
      break;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      action = "step-first";
      break;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      action = "step-last";
      break;
    case GDK_KEY_space:
    case GDK_KEY_KP_Space:
      if (focus != NULL && (focus_is_within (focus, GTK_TYPE_BUTTON) ||
                            focus_is_within (focus, GTK_TYPE_CHECK_BUTTON) ||
                            focus_is_within (focus, GTK_TYPE_LIST_BOX_ROW) ||
                            focus_is_within (focus, GTK_TYPE_DROP_DOWN)))
        return FALSE;
      action = "play";
      break;
    default:
      return FALSE;
    }

  if (g_action_group_get_action_enabled (G_ACTION_GROUP (self), action))
    g_action_group_activate_action (G_ACTION_GROUP (self), action, NULL);
  return TRUE;
}

/* Enabling */

static void
enable_action (AsWindow   *self,
               const char *name,
               gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
_as_window_actions_update (AsWindow *self)
{
  int step = _as_window_get_step (self);
  guint n = _as_window_get_n_steps (self);
  GAction *play = g_action_map_lookup_action (G_ACTION_MAP (self), "play");

  enable_action (self, "step-first", n > 0 && step > 0);
  enable_action (self, "step-previous", n > 0 && step > 0);
  enable_action (self, "step-next", n > 0 && step + 1 < (int) n);
  enable_action (self, "step-last", n > 0 && step + 1 < (int) n);
  enable_action (self, "play", n > 1);
  enable_action (self, "branch-back", self->branched);
  enable_action (self, "export", as_figure_get_n_columns (as_attention_view_get_figure (self->attention_view)) > 0);
  enable_action (self, "copy-table", as_figure_get_n_columns (as_attention_view_get_figure (self->attention_view)) > 0);

  g_simple_action_set_state (G_SIMPLE_ACTION (play), g_variant_new_boolean (self->play_source != 0));
}

/* Setting up */

void
_as_window_class_actions_init (AsWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_bind_template_callback (widget_class, colormap_dropdown_changed);
  gtk_widget_class_bind_template_callback (widget_class, scale_dropdown_changed);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F1, 0, "win.help", NULL);
}

void
_as_window_actions_init (AsWindow *self)
{
  GtkEventController *keys;

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries), self);
  _as_window_actions_update_open_menu (self);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (key_pressed), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
}
