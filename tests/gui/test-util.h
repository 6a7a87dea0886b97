#pragma once

/* Helpers shared by the figure, heatmap and window tests. */

#include <cairo.h>
#include <glib.h>

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

/* Lets a few frames pass (layout and drawing run on the frame clock). */
static inline void
test_settle (void)
{
  gint64 end = g_get_monotonic_time () + 150 * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}
