/* Times the figure on a 1000 x 1000 matrix, side by side: the first drawing
 * (which builds the cached cell image and the layout) against a redraw at
 * another step (cells from the cache), which is what stepping and hovering
 * cost. Prints one line per case and their ratio. Not a test. */

#include <stdio.h>

#include "as-figure.h"

#define N      1000
#define WIDTH  900
#define HEIGHT 700

static float *
make_weights (void)
{
  float *weights = g_new (float, N * N);

  for (guint i = 0; i < N * N; i++)
    weights[i] = (float) ((i * 2654435761u) % 1000) / 1000.0f;
  return weights;
}

int
main (void)
{
  g_autofree float *weights = make_weights ();
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (surface);
  g_autoptr (AsFigure) cached = as_figure_new ();
  double first = G_MAXDOUBLE, redraw = G_MAXDOUBLE;

  for (int run = 0; run < 5; run++)
    {
      g_autoptr (AsFigure) figure = as_figure_new ();
      gint64 start = g_get_monotonic_time ();

      as_figure_set_matrix (figure, N, N, weights);
      as_figure_draw (figure, cr, WIDTH, HEIGHT);
      first = MIN (first, (g_get_monotonic_time () - start) / 1e3);
    }

  as_figure_set_matrix (cached, N, N, weights);
  as_figure_draw (cached, cr, WIDTH, HEIGHT);
  for (int run = 0; run < 50; run++)
    {
      gint64 start = g_get_monotonic_time ();

      as_figure_set_step (cached, (run * 37) % N);
      as_figure_draw (cached, cr, WIDTH, HEIGHT);
      redraw = MIN (redraw, (g_get_monotonic_time () - start) / 1e3);
    }

  printf ("figure %d x %d at %d x %d px, best of several runs\n", N, N, WIDTH, HEIGHT);
  printf ("%-44s%10.2f ms\n", "first drawing (builds cell image, layout)", first);
  printf ("%-44s%10.2f ms\n", "redraw at another step (cached cells)", redraw);
  printf ("%-44s%10.1fx\n", "first / redraw", first / redraw);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return 0;
}
