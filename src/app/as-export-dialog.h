#pragma once

/* The export dialog: a file chooser whose file type (its filter) sets the
 * name's extension, with choices for the background, the PNG scale and the
 * SVG text, opening in the last folder used and proposing a name made from
 * the sentence. The choices are kept in the settings (last-folder,
 * export-format, export-background, export-scale, export-svg-text), which
 * every export of the window then follows. */

#include <gtk/gtk.h>

#include "as-figure.h"

G_BEGIN_DECLS

/* What the chosen file type writes: the figure (SVG, PNG, PDF), or data:
 * the session as translate --json's JSON, the shown matrix as CSV, the
 * alignment in Pharaoh format. */
typedef enum
{
  AS_EXPORT_FIGURE,
  AS_EXPORT_JSON,
  AS_EXPORT_CSV,
  AS_EXPORT_PHARAOH,
} AsExportData;

/* A modal GtkFileChooserDialog over @parent (not shown yet), for the
 * figure of @sentence (NULL or empty: "attention"). */
GtkFileChooser *as_export_dialog_new             (GtkWindow      *parent,
                                                  const char     *sentence);
/* The file chosen, with the chosen type's extension (the type decides: a
 * name ending in another type's extension has it replaced, any other name
 * gets the extension added), or NULL when it is not a local file. */
char           *as_export_dialog_get_path        (GtkFileChooser *dialog);
/* Chooses @option (an id: "dark", "3.125", "true") of @choice
 * ("background", "scale", "svg-text"), as a person would. */
void            as_export_dialog_set_choice      (GtkFileChooser *dialog,
                                                  const char     *choice,
                                                  const char     *option);
/* Keeps the choices (type, background, scale, SVG text) and the folder of
 * @path in the settings. */
void            as_export_dialog_save_choices    (GtkFileChooser *dialog,
                                                  const char     *path);

/* What the chosen type writes. */
AsExportData    as_export_dialog_get_data        (GtkFileChooser *dialog);
/* The alignment's links: -1 for the arg-max of each target token, or the
 * threshold (0..1) set in the dialog; the setter is for the tests. */
double          as_export_dialog_get_threshold   (GtkFileChooser *dialog);
void            as_export_dialog_set_threshold   (GtkFileChooser *dialog,
                                                  double          threshold);

/* "i am hungry" → "i-am-hungry": lowercase letters and digits of any
 * script, anything else a single '-', at most 48 characters, never empty
 * ("attention"). */
char           *as_export_name_from_sentence     (const char     *sentence);
/* What the settings ask of an export: background, scale and SVG text (the
 * size is left 0 x 0). */
void            as_export_options_from_settings  (AsFigureExportOptions *options);

G_END_DECLS
