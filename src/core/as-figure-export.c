/* The figure as a file: SVG, PNG or PDF, drawn by the same function as the
 * screen and written atomically. */

#include "config.h"

#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "as-error.h"
#include "as-figure-private.h"
#include "as-file-write.h"

/* Export */

typedef enum
{
  FORMAT_SVG,
  FORMAT_PNG,
  FORMAT_PDF,
} Format;

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* What the figure shows, in words: "Source tokens: i am hungry(?) EOS.
 * Decoder steps (token fed in → token that came out): 1. SOS → 我; ...". */
static char *
describe_for_file (AsFigure *self)
{
  GString *text = g_string_new (NULL);
  g_autofree char *columns = _as_figure_axis_noun (self->columns, FALSE, TRUE, TRUE);
  g_autofree char *rows = _as_figure_axis_noun (self->rows, FALSE, TRUE, TRUE);
  const char *legend = as_figure_axis_get_words (self->rows)->legend;

  if (self->subject != NULL)
    g_string_append_printf (text, "%s.\n", self->subject);
  g_string_append_printf (text, "%s:", columns);
  for (guint c = 0; c < self->n_columns; c++)
    {
      g_autofree char *entry = _as_figure_axis_entry_text (self->columns, c);

      g_string_append_printf (text, " %s%s", entry,
                              (as_figure_axis_get_marks (self->columns, c) & AS_FIGURE_MARK_UNKNOWN) ? "(?)" : "");
    }
  g_string_append_printf (text, ".\n%s", rows);
  if (legend != NULL)
    g_string_append_printf (text, " (%s)", legend);
  g_string_append (text, ":");
  for (guint r = 0; r < self->n_rows; r++)
    {
      g_autofree char *entry = _as_figure_axis_entry_text (self->rows, r);

      g_string_append_printf (text, "%s%u. %s%s", r == 0 ? " " : "; ", r + 1, entry,
                              (as_figure_axis_get_marks (self->rows, r) & AS_FIGURE_MARK_UNKNOWN) ? "(?)" : "");
    }
  g_string_append (text, ".");
  if (self->n_rows > 0)
    {
      g_autofree char *step = _as_figure_axis_noun (self->rows, TRUE, FALSE, self->step < 0);

      if (self->step >= 0)
        g_string_append_printf (text, "\nShown at %s %d of %u: rows after it are dimmed.",
                                step, self->step + 1, self->n_rows);
      else
        g_string_append_printf (text, "\nAll %u %s shown.", self->n_rows, step);
    }
  if (_as_figure_shows_lines (self))
    {
      g_autofree char *from = _as_figure_axis_noun (self->columns, FALSE, FALSE, TRUE);
      g_autofree char *to = _as_figure_axis_noun (self->rows, FALSE, FALSE, TRUE);

      g_string_append_printf (text, "\nDrawn as lines from each of the %s (left) to each of the %s (right), "
                              "wider and more opaque as the weight grows; weights below %.2f are not drawn.",
                              from, to, LINES_MIN_WEIGHT);
    }
  if (self->row_lengths != NULL)
    {
      g_autofree char *rows_noun = _as_figure_axis_noun (self->rows, TRUE, FALSE, TRUE);
      g_autofree char *columns_noun = _as_figure_axis_noun (self->columns, TRUE, FALSE, TRUE);

      g_string_append_printf (text, "\nHatched cells are masked: %s do not see the %s that come after them.",
                              rows_noun, columns_noun);
    }

  return g_string_free (text, FALSE);
}

static char *
title_for_file (AsFigure *self)
{
  if (self->sentence != NULL)
    return g_strdup_printf ("Attention: %s → %s", self->sentence,
                            self->translation != NULL ? self->translation : "");
  return g_strdup ("Attention");
}

/* cairo's SVG has no text elements (glyphs are paths): give the document a
 * <title> and <desc> so that it says what it shows, to people using screen
 * readers and to anything searching the file. */
static void
add_svg_description (AsFigure   *self,
                     GByteArray *svg)
{
  g_autofree char *title = title_for_file (self);
  g_autofree char *desc = describe_for_file (self);
  g_autofree char *title_escaped = g_markup_escape_text (title, -1);
  g_autofree char *desc_escaped = g_markup_escape_text (desc, -1);
  g_autofree char *insert = g_strdup_printf ("\n<title>%s</title>\n<desc>%s</desc>",
                                             title_escaped, desc_escaped);
  const char *data = (const char *) svg->data;
  const char *root = g_strstr_len (data, svg->len, "<svg");
  const char *end;

  if (root == NULL)
    return;
  end = memchr (root, '>', svg->len - (root - data));
  if (end == NULL)
    return;

  {
    guint at = (guint) (end - data) + 1;
    g_autoptr (GByteArray) rest = g_byte_array_new ();

    g_byte_array_append (rest, svg->data + at, svg->len - at);
    g_byte_array_set_size (svg, at);
    g_byte_array_append (svg, (const guint8 *) insert, strlen (insert));
    g_byte_array_append (svg, rest->data, rest->len);
  }
}

/* The cells of a large matrix are one embedded image, one pixel per cell:
 * ask SVG renderers to scale it without smoothing, as the screen does. */
static void
keep_svg_images_crisp (GByteArray *svg)
{
  GString *text = g_string_new_len ((const char *) svg->data, svg->len);

  g_string_replace (text, "<image ",
                    "<image image-rendering=\"optimizeSpeed\" style=\"image-rendering:pixelated\" ", 0);
  g_byte_array_set_size (svg, 0);
  g_byte_array_append (svg, (const guint8 *) text->str, text->len);
  g_string_free (text, TRUE);
}

static gboolean
render_to_bytes (AsFigure   *self,
                 Format      format,
                 GByteArray *bytes,
                 const char *path,
                 GError    **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  AsFigureLayout layout;
  AsFigurePart hover_part;
  int width, height;

  as_figure_get_natural_size (self, &width, &height);
  _as_figure_compute_layout (self, width, height, 1.0, 0.0, 0.0, 0.0, &layout);

  switch (format)
    {
    case FORMAT_SVG:
      surface = cairo_svg_surface_create_for_stream (append_bytes, bytes, width, height);
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
      break;
    case FORMAT_PDF:
      {
        g_autofree char *title = title_for_file (self);

        surface = cairo_pdf_surface_create_for_stream (append_bytes, bytes, width, height);
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
        if (self->subject != NULL)
          cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_SUBJECT, self->subject);
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "AttnScope " AS_VERSION);
      }
      break;
    case FORMAT_PNG:
    default:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      break;
    }

  /* what the pointer is over is no part of the file */
  hover_part = self->hover_part;
  self->hover_part = AS_FIGURE_PART_NONE;
  cr = cairo_create (surface);
  _as_figure_draw_layout (self, cr, &layout);
  status = cairo_status (cr);
  cairo_destroy (cr);
  self->hover_part = hover_part;

  if (status == CAIRO_STATUS_SUCCESS && format == FORMAT_PNG)
    status = cairo_surface_write_to_png_stream (surface, append_bytes, bytes);

  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE,
                   "Could not draw the figure for “%s”: %s", path, cairo_status_to_string (status));
      return FALSE;
    }

  if (format == FORMAT_SVG)
    {
      add_svg_description (self, bytes);
      keep_svg_images_crisp (bytes);
    }

  return TRUE;
}

gboolean
as_figure_export (AsFigure   *self,
                  const char *path,
                  GError    **error)
{
  g_autoptr (GByteArray) bytes = NULL;
  g_autofree char *lower = NULL;
  const char *dot;
  Format format;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  dot = strrchr (lower, '.');
  if (dot != NULL && strchr (dot, '/') == NULL && strcmp (dot, ".svg") == 0)
    format = FORMAT_SVG;
  else if (dot != NULL && strchr (dot, '/') == NULL && strcmp (dot, ".png") == 0)
    format = FORMAT_PNG;
  else if (dot != NULL && strchr (dot, '/') == NULL && strcmp (dot, ".pdf") == 0)
    format = FORMAT_PDF;
  else
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE,
                   "Could not export to “%s”: the file name must end in .svg, .png or .pdf", path);
      return FALSE;
    }

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "Could not write “%s”: it is a folder", path);
      return FALSE;
    }

  bytes = g_byte_array_new ();
  if (!render_to_bytes (self, format, bytes, path, error))
    return FALSE;

  return as_file_write_atomically (path, bytes->data, bytes->len, error);
}
