/* Looks at screenshots for the end-to-end test.
 *
 *   screenshot-probe heatmap SHOT.png
 *     finds the heatmap's cells: the pixels of the colour map (viridis), the
 *     leftmost run of columns holding them (the colour bar is the last run);
 *     prints "X Y WIDTH HEIGHT COUNT" of that region, exits 1 if none.
 *   screenshot-probe diff A.png B.png X Y WIDTH HEIGHT
 *     prints how many pixels of the region differ. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <glib.h>

#include "as-colormap.h"

static guint32 *
pixels (cairo_surface_t *surface,
        int             *stride)
{
  cairo_surface_flush (surface);
  *stride = cairo_image_surface_get_stride (surface) / 4;
  return (guint32 *) (gpointer) cairo_image_surface_get_data (surface);
}

static cairo_surface_t *
load (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      fprintf (stderr, "%s: %s\n", path, cairo_status_to_string (cairo_surface_status (surface)));
      exit (2);
    }
  return surface;
}

/* Within a few levels of some viridis colour (and not a grey). */
static gboolean
is_viridis (guint32 pixel)
{
  static guint8 table[256][3];
  static gboolean ready;
  int r = (pixel >> 16) & 0xff, g = (pixel >> 8) & 0xff, b = pixel & 0xff;

  if (!ready)
    {
      for (int i = 0; i < 256; i++)
        {
          double rr, gg, bb;

          as_colormap_lookup (AS_COLORMAP_VIRIDIS, i / 255.0, &rr, &gg, &bb);
          table[i][0] = (guint8) lround (rr * 255);
          table[i][1] = (guint8) lround (gg * 255);
          table[i][2] = (guint8) lround (bb * 255);
        }
      ready = TRUE;
    }

  if (MAX (MAX (r, g), b) - MIN (MIN (r, g), b) < 40)
    return FALSE;
  for (int i = 0; i < 256; i++)
    if (ABS (r - table[i][0]) <= 3 && ABS (g - table[i][1]) <= 3 && ABS (b - table[i][2]) <= 3)
      return TRUE;
  return FALSE;
}

static int
probe_heatmap (const char *path)
{
  cairo_surface_t *surface = load (path);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride;
  guint32 *data = pixels (surface, &stride);
  int *column_count = g_new0 (int, width);
  int x0 = -1, x1 = -1, y0 = height, y1 = -1, count = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      if (is_viridis (data[y * stride + x]))
        column_count[x]++;

  /* the first run of columns with many colour-map pixels */
  for (int x = 0; x < width; x++)
    {
      if (column_count[x] >= 8)
        {
          if (x0 < 0)
            x0 = x;
          x1 = x;
        }
      else if (x0 >= 0)
        break;
    }

  if (x0 < 0)
    {
      printf ("0 0 0 0 0\n");
      return 1;
    }

  for (int y = 0; y < height; y++)
    for (int x = x0; x <= x1; x++)
      if (is_viridis (data[y * stride + x]))
        {
          y0 = MIN (y0, y);
          y1 = MAX (y1, y);
          count++;
        }

  printf ("%d %d %d %d %d\n", x0, y0, x1 - x0 + 1, y1 - y0 + 1, count);
  g_free (column_count);
  cairo_surface_destroy (surface);
  return 0;
}

static int
probe_diff (const char *a_path,
            const char *b_path,
            int         x0,
            int         y0,
            int         w,
            int         h)
{
  cairo_surface_t *a = load (a_path);
  cairo_surface_t *b = load (b_path);
  int sa, sb, n = 0;
  guint32 *da = pixels (a, &sa);
  guint32 *db = pixels (b, &sb);
  int width = MIN (cairo_image_surface_get_width (a), cairo_image_surface_get_width (b));
  int height = MIN (cairo_image_surface_get_height (a), cairo_image_surface_get_height (b));

  for (int y = MAX (y0, 0); y < MIN (y0 + h, height); y++)
    for (int x = MAX (x0, 0); x < MIN (x0 + w, width); x++)
      if ((da[y * sa + x] & 0xffffff) != (db[y * sb + x] & 0xffffff))
        n++;

  printf ("%d\n", n);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && strcmp (argv[1], "heatmap") == 0)
    return probe_heatmap (argv[2]);
  if (argc == 8 && strcmp (argv[1], "diff") == 0)
    return probe_diff (argv[2], argv[3], atoi (argv[4]), atoi (argv[5]), atoi (argv[6]), atoi (argv[7]));

  fprintf (stderr, "usage: %s heatmap SHOT.png | diff A.png B.png X Y W H\n", argv[0]);
  return 2;
}
