#pragma once

/* Helpers shared by the figure, heatmap and window tests. */

#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "as-figure.h"
#include "as-figure-session.h"

/* The red, green and blue (0..255) of the pixel at (@x, @y) of an ARGB32
 * image surface; the point must lie inside it. */
static inline void
test_pixel_at (cairo_surface_t *surface,
               double           x,
               double           y,
               int             *r,
               int             *g,
               int             *b)
{
  guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 pixel;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (surface));

  cairo_surface_flush (surface);
  pixel = *(guint32 *) (gpointer) (data + (int) y * stride + (int) x * 4);
  *r = (pixel >> 16) & 0xff;
  *g = (pixel >> 8) & 0xff;
  *b = pixel & 0xff;
}

/* How many pixels of @a and @b (the same size) differ by more than
 * @tolerance in a channel. */
static inline guint
count_different_pixels (cairo_surface_t *a,
                        cairo_surface_t *b,
                        int              tolerance)
{
  int width = cairo_image_surface_get_width (a);
  int height = cairo_image_surface_get_height (a);
  guint n = 0;

  g_assert_cmpint (cairo_image_surface_get_width (b), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (b), ==, height);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        int ar, ag, ab, br, bg, bb;

        test_pixel_at (a, x, y, &ar, &ag, &ab);
        test_pixel_at (b, x, y, &br, &bg, &bb);
        if (ABS (ar - br) > tolerance || ABS (ag - bg) > tolerance || ABS (ab - bb) > tolerance)
          n++;
      }
  return n;
}

/* Lets a few frames pass (layout and drawing run on the frame clock). */
/* Removes the folder @dir and the files in it (the tests' temporary
 * folders hold no subfolders). */
static inline void
test_remove_dir (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (dir);
}

static inline void
test_settle (void)
{
  gint64 end = g_get_monotonic_time () + 150 * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/* Axes as the viewer shows cross-attention (with the session adapter's
 * words): @columns (NULL: numbered, as set_matrix left them) are source
 * tokens, @unknown (or NULL) marking those the model does not know; the
 * rows are decoder steps, @inputs → @outputs, with @probs. */
static inline void
test_set_cross_axes (AsFigure           *figure,
                     const char * const *columns,
                     const gboolean     *unknown,
                     const char * const *inputs,
                     const char * const *outputs,
                     const float        *probs)
{
  guint n_rows = as_figure_get_n_rows (figure);
  guint n_columns = as_figure_get_n_columns (figure);
  g_autoptr (AsFigureAxis) rows = as_figure_axis_new (n_rows, as_figure_session_get_row_words (AS_ATTENTION_CROSS));
  g_autoptr (AsFigureAxis) source = as_figure_axis_new (n_columns, as_figure_session_get_column_words (AS_ATTENTION_CROSS));

  for (guint r = 0; r < n_rows; r++)
    {
      as_figure_axis_set_input (rows, r, inputs[r]);
      as_figure_axis_set_label (rows, r, outputs[r]);
      as_figure_axis_set_value (rows, r, probs[r]);
    }
  for (guint c = 0; columns != NULL && c < n_columns; c++)
    {
      as_figure_axis_set_label (source, c, columns[c]);
      if (unknown != NULL && unknown[c])
        as_figure_axis_set_marks (source, c, AS_FIGURE_MARK_UNKNOWN);
    }
  as_figure_set_axes (figure, rows, columns != NULL ? source : NULL);
}
