/* attnscope-cli render [MODEL] --batch SENTENCES -o FIGURES.pdf | -o FOLDER/
 *
 * One figure per line of SENTENCES, drawn as a single render draws it (the
 * same kind, layer, head, grid, step, colours and size): as the pages of
 * one PDF, each page the size of its figure, or as files FOLDER/0001.svg,
 * FOLDER/0002.svg, ... named by the line's number (at least four digits),
 * in --format's format (svg by default, png or pdf). Blank lines are
 * skipped, their numbers too; a file with no sentence is refused. Nothing
 * is written unless every sentence decodes. */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "as-cli-commands.h"
#include "as-error.h"
#include "as-figure-book.h"
#include "as-figure-session.h"
#include "as-session.h"

gboolean
as_cli_output_is_folder (const char *output)
{
  return g_str_has_suffix (output, "/") || g_file_test (output, G_FILE_TEST_IS_DIR);
}

/* The figure of one sentence, or NULL with @error. */
static AsFigure *
figure_for (AsModel                 *model,
            const char              *sentence,
            const AsCliRenderChoice *choice,
            GError                 **error)
{
  g_autoptr (AsSession) session = as_session_new (model, sentence, error);
  g_autoptr (AsFigure) figure = NULL;
  guint n_steps;

  if (session == NULL)
    return NULL;
  if (choice->max_len > 0)
    as_session_set_max_length (session, choice->max_len);
  if (choice->beam > 1 ? !as_session_decode_beam (session, choice->beam, error)
                       : !as_session_decode_greedy (session, error))
    return NULL;
  n_steps = as_session_get_n_steps (session);
  if (choice->step > 0 && (guint) choice->step > n_steps)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, "--step %d is past the last step (%u)", choice->step, n_steps);
      return NULL;
    }
  figure = as_figure_new ();
  if (choice->grid ? !as_figure_set_session_grid (figure, session, choice->kind, error)
                   : !as_figure_set_session_attention (figure, session, choice->kind, (guint) choice->layer,
                                                       choice->head, error))
    return NULL;
  as_figure_set_colormap (figure, choice->colormap);
  as_figure_set_scale (figure, choice->scale);
  as_figure_set_step (figure, choice->step > 0 ? choice->step - 1 : -1);
  return g_steal_pointer (&figure);
}

static gboolean
is_blank (const char *line)
{
  for (const char *p = line; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

int
as_cli_render_batch (AsModel                 *model,
                     const char              *sentences_path,
                     const char              *output,
                     const char              *format,
                     const AsCliRenderChoice *choice)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines = NULL;
  g_autoptr (GPtrArray) figures = g_ptr_array_new_with_free_func ((GDestroyNotify) as_figure_free);
  g_autoptr (GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  gboolean to_folder = as_cli_output_is_folder (output);

  if (format == NULL)
    format = "svg";
  if (to_folder && strcmp (format, "svg") != 0 && strcmp (format, "png") != 0 && strcmp (format, "pdf") != 0)
    return as_cli_fail ("--format must be svg, png or pdf, not “%s”", format);

  lines = as_cli_read_lines (sentences_path, &error);
  if (lines == NULL)
    return as_cli_fail ("%s", error->message);

  /* every sentence first: nothing is written unless all of them decode */
  for (guint n = 0; n < lines->len; n++)
    {
      const char *sentence = lines->pdata[n];
      AsFigure *figure;
      guint number = n + 1;

      if (is_blank (sentence))
        continue;
      figure = figure_for (model, sentence, choice, &error);
      if (figure == NULL)
        return as_cli_fail ("%s:%u: %s", sentences_path, number, error->message);
      g_ptr_array_add (figures, figure);
      g_array_append_val (numbers, number);
    }
  if (figures->len == 0)
    return as_cli_fail ("%s: no sentence to draw (one sentence a line)", sentences_path);

  if (!to_folder)
    {
      g_autofree char *base = g_path_get_basename (sentences_path);
      g_autofree char *title = g_strdup_printf ("Attention: %s", base);
      g_autoptr (AsFigureBook) book = as_figure_book_new (choice->export_options, title);

      for (guint k = 0; k < figures->len; k++)
        if (!as_figure_book_add_page (book, figures->pdata[k], &error))
          return as_cli_fail ("%s", error->message);
      if (!as_figure_book_write (book, output, &error))
        return as_cli_fail ("%s", error->message);
      return EXIT_SUCCESS;
    }

  if (g_mkdir_with_parents (output, 0777) != 0)
    {
      int saved = errno;

      return as_cli_fail ("Could not make the folder “%s”: %s", output, g_strerror (saved));
    }
  for (guint k = 0; k < figures->len; k++)
    {
      g_autofree char *name = g_strdup_printf ("%04u.%s", g_array_index (numbers, guint, k), format);
      g_autofree char *path = g_build_filename (output, name, NULL);

      if (!as_figure_export_with_options (figures->pdata[k], path, choice->export_options, &error))
        return as_cli_fail ("%s", error->message);
    }
  return EXIT_SUCCESS;
}
