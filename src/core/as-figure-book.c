/* A PDF of figures, one per page (see as-figure-book.h). The document is
 * drawn into memory page by page and written once, atomically. */

#include "config.h"

#include <math.h>

#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>

#include "as-error.h"
#include "as-figure-book.h"
#include "as-figure-private.h"
#include "as-file-write.h"

struct _AsFigureBook
{
  AsFigureExportOptions options;
  GByteArray           *bytes;
  cairo_surface_t      *surface;   /* NULL until the first page, and once finished */
  char                 *title;
  guint                 n_pages;
  gboolean              finished;
};

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

AsFigureBook *
as_figure_book_new (const AsFigureExportOptions *options,
                    const char                  *title)
{
  static const AsFigureExportOptions defaults = { AS_FIGURE_BACKGROUND_LIGHT, 1.0, FALSE, 0, 0 };
  AsFigureBook *self = g_new0 (AsFigureBook, 1);

  self->options = options != NULL ? *options : defaults;
  self->bytes = g_byte_array_new ();
  self->title = g_strdup (title);
  return self;
}

void
as_figure_book_free (AsFigureBook *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_byte_array_unref (self->bytes);
  g_free (self->title);
  g_free (self);
}

guint
as_figure_book_get_n_pages (AsFigureBook *self)
{
  return self->n_pages;
}

gboolean
as_figure_book_add_page (AsFigureBook  *self,
                         AsFigure      *figure,
                         GError       **error)
{
  AsFigureColor fg, bg, accent, warning;
  AsFigurePart hover_part;
  cairo_status_t status;
  cairo_t *cr;
  int width, height;

  g_return_val_if_fail (self != NULL && figure != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  as_figure_get_natural_size (figure, &width, &height);
  if (self->options.width > 0)
    width = self->options.width;
  if (self->options.height > 0)
    height = self->options.height;

  if (self->surface == NULL)
    {
      self->surface = cairo_pdf_surface_create_for_stream (append_bytes, self->bytes, width, height);
      if (self->title != NULL)
        cairo_pdf_surface_set_metadata (self->surface, CAIRO_PDF_METADATA_TITLE, self->title);
      cairo_pdf_surface_set_metadata (self->surface, CAIRO_PDF_METADATA_CREATOR, "AttnScope " AS_VERSION);
    }
  else
    cairo_pdf_surface_set_size (self->surface, width, height);

  hover_part = figure->hover_part;
  figure->hover_part = AS_FIGURE_PART_NONE;
  as_figure_get_colors (figure, &fg, &bg, &accent, &warning);
  _as_figure_set_export_colors (figure, self->options.background);

  cr = cairo_create (self->surface);
  _as_figure_draw_for_file (figure, cr, width, height, self->options.width <= 0 && self->options.height <= 0);
  cairo_show_page (cr);
  status = cairo_status (cr);
  cairo_destroy (cr);

  as_figure_set_colors (figure, &fg, &bg, &accent, &warning);
  figure->hover_part = hover_part;

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, _("Could not draw page %u: %s"), self->n_pages + 1,
                   cairo_status_to_string (status));
      return FALSE;
    }
  self->n_pages++;
  return TRUE;
}

gboolean
as_figure_book_write (AsFigureBook  *self,
                      const char    *path,
                      GError       **error)
{
  cairo_status_t status;

  g_return_val_if_fail (self != NULL && path != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);

  self->finished = TRUE;
  if (self->surface == NULL)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, _("Could not write “%s”: there is no figure to write"), path);
      return FALSE;
    }
  cairo_surface_finish (self->surface);
  status = cairo_surface_status (self->surface);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, _("Could not draw the figures for “%s”: %s"), path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, _("Could not write “%s”: it is a folder"), path);
      return FALSE;
    }
  return as_file_write_atomically (path, self->bytes->data, self->bytes->len, error);
}
