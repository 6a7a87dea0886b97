/* The export dialog (see as-export-dialog.h). A GtkFileChooserDialog rather
 * than a native one, so that the name's extension follows the type as soon
 * as the type is chosen (a portal reports the filter only at the end). */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "as-export-dialog.h"
#include "as-settings.h"

#define NAME_MAX_CHARS 48

typedef struct
{
  const char *id;          /* the settings' export-format */
  const char *extension;
  const char *mime_type;
  const char *name;
  AsExportData data;
} ExportType;

static const ExportType types[] = {
  { "svg", ".svg", "image/svg+xml", N_("SVG image (.svg)"), AS_EXPORT_FIGURE },
  { "png", ".png", "image/png", N_("PNG image (.png)"), AS_EXPORT_FIGURE },
  { "pdf", ".pdf", "application/pdf", N_("PDF document (.pdf)"), AS_EXPORT_FIGURE },
  { "json", ".json", "application/json", N_("Session as JSON (.json)"), AS_EXPORT_JSON },
  { "csv", ".csv", "text/csv", N_("Matrix as CSV (.csv)"), AS_EXPORT_CSV },
  { "align", ".align", "text/plain", N_("Alignment, Pharaoh i-j (.align)"), AS_EXPORT_PHARAOH },
};

/* PNG scales: 300 dpi is 300 / 96 (a unit of the figure is a CSS pixel, 1/96 inch) */
static const char *const scale_ids[] = { "1", "2", "3.125", NULL };
/* Translators: the PNG's size: once or twice the size on screen, or 300 dots per inch */
static const char *const scale_labels[] = { N_("1×"), N_("2×"), N_("300 dpi"), NULL };
static const char *const background_ids[] = { "light", "dark", "transparent", NULL };
/* Translators: the exported figure's background */
static const char *const background_labels[] = { N_("Light (for paper)"), N_("Dark"), N_("Transparent"), NULL };

/* The drop-down of a choice, found by the label beside it. */
static GtkDropDown *
find_choice_drop_down (GtkWidget  *widget,
                       const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *first = gtk_widget_get_first_child (child);
      GtkWidget *last = gtk_widget_get_last_child (child);
      GtkDropDown *found;

      if (GTK_IS_BOX (child) && GTK_IS_LABEL (first) && GTK_IS_DROP_DOWN (last) &&
          g_strcmp0 (gtk_label_get_text (GTK_LABEL (first)), label) == 0)
        return GTK_DROP_DOWN (last);
      found = find_choice_drop_down (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

void
as_export_dialog_set_choice (GtkFileChooser *dialog,
                             const char     *choice,
                             const char     *option)
{
  gboolean scale = g_str_equal (choice, "scale");
  const char *const *ids = scale ? scale_ids : background_ids;
  GtkDropDown *drop_down;

  gtk_file_chooser_set_choice (dialog, choice, option);
  if (g_strcmp0 (gtk_file_chooser_get_choice (dialog, choice), option) == 0 || g_str_equal (choice, "svg-text"))
    return;

  /* GTK 4.8's file chooser widget sets no drop-down choice (it looks for
   * the drop-down where it keeps the box around it): choose it there */
  drop_down = find_choice_drop_down (GTK_WIDGET (dialog), scale ? _("PNG size") : _("Background"));
  for (guint i = 0; drop_down != NULL && ids[i] != NULL; i++)
    if (g_str_equal (ids[i], option))
      gtk_drop_down_set_selected (drop_down, i);
}

static const ExportType *
chosen_type (GtkFileChooser *dialog)
{
  GtkFileFilter *filter = gtk_file_chooser_get_filter (dialog);
  const ExportType *type = g_object_get_data (G_OBJECT (filter), "as-export-type");

  return type != NULL ? type : &types[0];
}

/* @name with @type's extension: another type's is replaced, any other kept
 * and added to. */
static char *
with_extension (const char       *name,
                const ExportType *type)
{
  const char *dot = strrchr (name, '.');

  if (dot != NULL && dot != name)
    for (guint i = 0; i < G_N_ELEMENTS (types); i++)
      if (g_ascii_strcasecmp (dot, types[i].extension) == 0)
        {
          g_autofree char *stem = g_strndup (name, dot - name);

          return g_strconcat (stem, type->extension, NULL);
        }
  return g_strconcat (name, type->extension, NULL);
}

static void
type_changed (GtkFileChooser *dialog)
{
  g_autofree char *name = gtk_file_chooser_get_current_name (dialog);
  g_autofree char *renamed = NULL;
  GtkWidget *alignment = g_object_get_data (G_OBJECT (dialog), "as-alignment-box");

  /* the alignment's choice, where it applies */
  if (alignment != NULL)
    gtk_widget_set_visible (alignment, chosen_type (dialog)->data == AS_EXPORT_PHARAOH);

  if (name == NULL || name[0] == '\0')
    return;
  renamed = with_extension (name, chosen_type (dialog));
  if (strcmp (renamed, name) != 0)
    gtk_file_chooser_set_current_name (dialog, renamed);
}

char *
as_export_name_from_sentence (const char *sentence)
{
  g_autofree char *lower = NULL;
  GString *name = g_string_new (NULL);
  guint n_chars = 0;
  gboolean dash = FALSE;

  if (sentence != NULL && g_utf8_validate (sentence, -1, NULL))
    lower = g_utf8_strdown (sentence, -1);
  for (const char *p = lower; p != NULL && *p != '\0' && n_chars < NAME_MAX_CHARS; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c) || g_unichar_ismark (c))
        {
          if (dash && name->len > 0)
            {
              g_string_append_c (name, '-');
              n_chars++;
            }
          dash = FALSE;
          g_string_append_unichar (name, c);
          n_chars++;
        }
      else
        dash = TRUE;
    }
  if (name->len == 0)
    g_string_append (name, "attention");
  return g_string_free (name, FALSE);
}

void
as_export_options_from_settings (AsFigureExportOptions *options)
{
  g_autoptr (GSettings) settings = as_settings_new ();
  g_autofree char *background = g_settings_get_string (settings, "export-background");

  memset (options, 0, sizeof *options);
  if (!as_figure_background_from_name (background, &options->background))
    options->background = AS_FIGURE_BACKGROUND_LIGHT;
  options->scale = CLAMP (g_settings_get_double (settings, "export-scale"),
                          AS_FIGURE_EXPORT_MIN_SCALE, AS_FIGURE_EXPORT_MAX_SCALE);
  options->svg_text = g_settings_get_boolean (settings, "export-svg-text");
}

static void
alignment_mode_changed (GtkSpinButton *spin,
                        GParamSpec    *pspec,
                        GtkDropDown   *mode)
{
  gtk_widget_set_sensitive (GTK_WIDGET (spin), gtk_drop_down_get_selected (mode) == 1);
}

/* The Pharaoh alignment's links: the arg-max of each target token, or
 * every weight of at least a threshold set here. */
static void
add_alignment_choice (GtkFileChooser   *dialog,
                      const ExportType *type)
{
  /* Translators: how the alignment's links are made from the attention */
  const char *modes[] = { _("The largest weight of each target token"), _("Every weight of at least"), NULL };
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (_("Alignment links:"));
  GtkWidget *mode = gtk_drop_down_new_from_strings (modes);
  GtkWidget *spin = gtk_spin_button_new_with_range (0.0, 1.0, 0.05);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 2);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 0.5);
  gtk_widget_set_sensitive (spin, FALSE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (mode), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Threshold"), -1);
  g_signal_connect_object (mode, "notify::selected", G_CALLBACK (alignment_mode_changed), spin, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), mode);
  gtk_box_append (GTK_BOX (box), spin);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_visible (box, type->data == AS_EXPORT_PHARAOH);
  g_object_set_data (G_OBJECT (dialog), "as-alignment-box", box);
  g_object_set_data (G_OBJECT (dialog), "as-alignment-mode", mode);
  g_object_set_data (G_OBJECT (dialog), "as-alignment-threshold", spin);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_box_append (GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (dialog))), box);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

GtkFileChooser *
as_export_dialog_new (GtkWindow  *parent,
                      const char *sentence)
{
  const char *shown_scales[G_N_ELEMENTS (scale_labels)] = { NULL };
  const char *shown_backgrounds[G_N_ELEMENTS (background_labels)] = { NULL };
  g_autoptr (GSettings) settings = as_settings_new ();
  g_autofree char *format = g_settings_get_string (settings, "export-format");
  g_autofree char *folder = g_settings_get_string (settings, "last-folder");
  g_autofree char *stem = as_export_name_from_sentence (sentence);
  g_autofree char *name = NULL;
  AsFigureExportOptions options;
  const ExportType *type = &types[0];
  char scale[G_ASCII_DTOSTR_BUF_SIZE];
  GtkFileChooser *dialog;
  GtkWidget *note;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  dialog = GTK_FILE_CHOOSER (gtk_file_chooser_dialog_new (_("Export the View"), parent,
                                                          GTK_FILE_CHOOSER_ACTION_SAVE,
                                                          _("_Cancel"), GTK_RESPONSE_CANCEL,
                                                          _("_Export"), GTK_RESPONSE_ACCEPT,
                                                          NULL));
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
      g_autofree char *pattern = g_strconcat ("*", types[i].extension, NULL);

      gtk_file_filter_set_name (filter, _(types[i].name));
      gtk_file_filter_add_pattern (filter, pattern);
      gtk_file_filter_add_mime_type (filter, types[i].mime_type);
      g_object_set_data (G_OBJECT (filter), "as-export-type", (gpointer) &types[i]);
      gtk_file_chooser_add_filter (dialog, filter);
      if (g_strcmp0 (format, types[i].id) == 0)
        {
          type = &types[i];
          gtk_file_chooser_set_filter (dialog, filter);
        }
    }

  for (guint i = 0; scale_labels[i] != NULL; i++)
    shown_scales[i] = _(scale_labels[i]);
  for (guint i = 0; background_labels[i] != NULL; i++)
    shown_backgrounds[i] = _(background_labels[i]);

  as_export_options_from_settings (&options);
  gtk_file_chooser_add_choice (dialog, "background", _("Background"), (const char **) background_ids,
                               shown_backgrounds);
  as_export_dialog_set_choice (dialog, "background", as_figure_background_to_name (options.background));
  gtk_file_chooser_add_choice (dialog, "scale", _("PNG size"), (const char **) scale_ids, shown_scales);
  g_ascii_formatd (scale, sizeof scale, "%g", options.scale);
  as_export_dialog_set_choice (dialog, "scale", g_strv_contains (scale_ids, scale) ? scale : "1");
  gtk_file_chooser_add_choice (dialog, "svg-text", _("SVG text as text (searchable, editable)"), NULL, NULL);
  gtk_file_chooser_set_choice (dialog, "svg-text", options.svg_text ? "true" : "false");

  /* the rule, said where the choice is made */
  note = gtk_label_new (_("The file type sets the name’s extension: a name ending in another type’s "
                          "(.svg, .png, .pdf, .json, .csv, .align) takes the chosen type’s."));
  gtk_label_set_wrap (GTK_LABEL (note), TRUE);
  gtk_label_set_xalign (GTK_LABEL (note), 0.0);
  gtk_widget_add_css_class (note, "dim-label");
  gtk_widget_set_margin_start (note, 12);
  gtk_widget_set_margin_end (note, 12);
  gtk_widget_set_margin_bottom (note, 6);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_box_append (GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (dialog))), note);
  G_GNUC_END_IGNORE_DEPRECATIONS

  add_alignment_choice (dialog, type);

  if (folder[0] != '\0' && g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GFile) file = g_file_new_for_path (folder);

      gtk_file_chooser_set_current_folder (dialog, file, NULL);
    }
  name = g_strconcat (stem, type->extension, NULL);
  gtk_file_chooser_set_current_name (dialog, name);

  g_signal_connect (dialog, "notify::filter", G_CALLBACK (type_changed), NULL);
  return dialog;
}

char *
as_export_dialog_get_path (GtkFileChooser *dialog)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (dialog);
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
  g_autofree char *base = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *renamed = NULL;

  if (path == NULL)
    return NULL;
  base = g_path_get_basename (path);
  folder = g_path_get_dirname (path);
  renamed = with_extension (base, chosen_type (dialog));
  return g_build_filename (folder, renamed, NULL);
}

void
as_export_dialog_save_choices (GtkFileChooser *dialog,
                               const char     *path)
{
  g_autoptr (GSettings) settings = as_settings_new ();
  g_autofree char *folder = g_path_get_dirname (path);
  const char *background = gtk_file_chooser_get_choice (dialog, "background");
  const char *scale = gtk_file_chooser_get_choice (dialog, "scale");
  const char *svg_text = gtk_file_chooser_get_choice (dialog, "svg-text");

  g_settings_delay (settings);
  g_settings_set_string (settings, "last-folder", folder);
  g_settings_set_string (settings, "export-format", chosen_type (dialog)->id);
  if (background != NULL)
    g_settings_set_string (settings, "export-background", background);
  if (scale != NULL)
    g_settings_set_double (settings, "export-scale", g_ascii_strtod (scale, NULL));
  g_settings_set_boolean (settings, "export-svg-text", g_strcmp0 (svg_text, "true") == 0);
  g_settings_apply (settings);
}

AsExportData
as_export_dialog_get_data (GtkFileChooser *dialog)
{
  return chosen_type (dialog)->data;
}

double
as_export_dialog_get_threshold (GtkFileChooser *dialog)
{
  GtkDropDown *mode = g_object_get_data (G_OBJECT (dialog), "as-alignment-mode");
  GtkSpinButton *spin = g_object_get_data (G_OBJECT (dialog), "as-alignment-threshold");

  if (mode == NULL || gtk_drop_down_get_selected (mode) != 1)
    return -1.0;
  return gtk_spin_button_get_value (spin);
}

void
as_export_dialog_set_threshold (GtkFileChooser *dialog,
                                double          threshold)
{
  GtkDropDown *mode = g_object_get_data (G_OBJECT (dialog), "as-alignment-mode");
  GtkSpinButton *spin = g_object_get_data (G_OBJECT (dialog), "as-alignment-threshold");

  gtk_drop_down_set_selected (mode, threshold < 0.0 ? 0 : 1);
  if (threshold >= 0.0)
    gtk_spin_button_set_value (spin, threshold);
}
