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

  /* a Transformer's grid: 6 layers x 8 heads of 30 x 30 (the window's "All Heads") */
  {
    const guint L = 6, H = 8, R = 30, C = 30;
    g_autofree float *panels = g_new (float, L * H * R * C);
    g_autoptr (AsFigure) grid = as_figure_new ();
    double grid_first = G_MAXDOUBLE, grid_step = G_MAXDOUBLE, hit = G_MAXDOUBLE;

    for (guint i = 0; i < L * H * R * C; i++)
      panels[i] = (float) ((i * 2654435761u) % 1000) / 1000.0f;
    for (int run = 0; run < 5; run++)
      {
        g_autoptr (AsFigure) figure = as_figure_new ();
        gint64 start = g_get_monotonic_time ();

        as_figure_set_panels (figure, L, H, R, C, panels);
        as_figure_draw (figure, cr, WIDTH, HEIGHT);
        grid_first = MIN (grid_first, (g_get_monotonic_time () - start) / 1e3);
      }
    as_figure_set_panels (grid, L, H, R, C, panels);
    as_figure_draw (grid, cr, WIDTH, HEIGHT);
    for (int run = 0; run < 50; run++)
      {
        gint64 start = g_get_monotonic_time ();
        int panel, row, column;

        as_figure_set_step (grid, run % R);
        as_figure_draw (grid, cr, WIDTH, HEIGHT);
        grid_step = MIN (grid_step, (g_get_monotonic_time () - start) / 1e3);
        start = g_get_monotonic_time ();
        for (int k = 0; k < 1000; k++)
          as_figure_hit_test_panel (grid, WIDTH, HEIGHT, (k * 37) % WIDTH, (k * 53) % HEIGHT, &panel, &row, &column);
        hit = MIN (hit, (g_get_monotonic_time () - start) / 1e3);
      }
    printf ("\ngrid of %u x %u panels of %u x %u at %d x %d px\n", L, H, R, C, WIDTH, HEIGHT);
    printf ("%-44s%10.2f ms\n", "first drawing", grid_first);
    printf ("%-44s%10.2f ms\n", "redraw at another step", grid_step);
    printf ("%-44s%10.3f ms\n", "1000 hit tests (hover)", hit);
  }

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return 0;
}
