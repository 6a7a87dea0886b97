/* The figure's drawing, as the viewer does it and as the export does: on a
 * 1000 x 1000 matrix with word labels, and on a Transformer's grid of
 * 6 layers x 8 heads of 30 x 30, at 900 x 700 pixels.
 *
 * The viewer keeps the base layer (cells, column labels, colour bar,
 * title: AS_FIGURE_LAYER_BASE) as an image and draws the step's layer
 * over it; a step change redraws only that layer and copies the image; a
 * hover adds a highlight over both (and GTK's renderer paints them
 * again). So:
 *   new matrix  = a new figure (nothing measured before) with the
 *                 matrix and its labels + draw the base into an image +
 *                 draw the step layer + paint both;
 *   step change = draw the step layer + paint the kept image and it;
 *   hover       = paint the kept image, the step layer and a highlight;
 * beside the whole figure drawn at once (the export's and the earlier
 * viewer's way), side by side in one run. Then the exports of the 1000 x
 * 1000 figure: their time and size. Each time is the best of several
 * runs. Not a test. */

#include <glib/gstdio.h>
#include <stdio.h>

#include "as-figure.h"

#define N      1000
#define WIDTH  900
#define HEIGHT 700

static const char *words[] = {
  "the", "cat", "sat", "on", "mat", "我", "们", "attention", "model", "sentence",
  "translation", "是", "一", "个", "好", "weights", "of", "every", "layer", "head",
};

static const AsFigureAxisWords row_words = { .noun = "decoder step", .short_noun = "step" };
static const AsFigureAxisWords column_words = { .noun = "source token" };

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1e3;
}

static float *
make_weights (guint n)
{
  float *weights = g_new (float, n);

  for (guint i = 0; i < n; i++)
    weights[i] = (float) ((i * 2654435761u) % 1000) / 1000.0f;
  return weights;
}

/* A figure of @rows x @columns with word labels, as a session gives. */
static AsFigure *
make_figure (guint        rows,
             guint        columns,
             const float *weights)
{
  AsFigure *figure = as_figure_new ();
  AsFigureAxis *row_axis = as_figure_axis_new (rows, &row_words);
  AsFigureAxis *column_axis = as_figure_axis_new (columns, &column_words);

  as_figure_set_matrix (figure, rows, columns, weights);
  for (guint c = 0; c < columns; c++)
    as_figure_axis_set_label (column_axis, c, words[(c * 7) % G_N_ELEMENTS (words)]);
  for (guint r = 0; r < rows; r++)
    {
      as_figure_axis_set_label (row_axis, r, words[(r * 3) % G_N_ELEMENTS (words)]);
      as_figure_axis_set_input (row_axis, r, words[(r * 3 + 19) % G_N_ELEMENTS (words)]);
      as_figure_axis_set_value (row_axis, r, 0.5f);
    }
  as_figure_set_axes (figure, row_axis, column_axis);
  as_figure_set_text (figure, "the cat sat on the mat", "猫坐在垫子上");
  as_figure_set_step (figure, (int) rows / 2);
  as_figure_axis_free (row_axis);
  as_figure_axis_free (column_axis);
  return figure;
}

static cairo_surface_t *
draw_layer (AsFigure       *figure,
            AsFigureLayers  layers)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (surface);

  as_figure_draw_layers (figure, cr, WIDTH, HEIGHT, layers);
  cairo_destroy (cr);
  return surface;
}

/* The frame: the kept base and the step layer painted over it on the
 * window's surface, and a hover's highlight if asked for. */
static void
paint_frame (cairo_t         *window,
             cairo_surface_t *base,
             cairo_surface_t *step,
             gboolean         highlight)
{
  cairo_set_source_surface (window, base, 0, 0);
  cairo_paint (window);
  cairo_set_source_surface (window, step, 0, 0);
  cairo_paint (window);
  if (highlight)
    {
      cairo_set_source_rgba (window, 0.2, 0.4, 0.9, 0.22);
      cairo_rectangle (window, 100, 200, 600, 14);
      cairo_fill (window);
    }
}

typedef struct
{
  double new_matrix, step, hover, whole;
} Times;

static Times
time_viewer (guint        rows,
             guint        columns,
             const float *weights,
             void       (*set_data) (AsFigure *, guint, guint, const float *))
{
  cairo_surface_t *window_surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cairo_t *window = cairo_create (window_surface);
  g_autoptr (AsFigure) figure = NULL;
  cairo_surface_t *base = NULL, *step = NULL;
  Times t = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE };

  for (int run = 0; run < 5; run++)
    {
      double start = now_ms ();

      /* a figure of its own each time: nothing measured or drawn before */
      g_clear_pointer (&figure, as_figure_free);
      figure = make_figure (rows, columns, weights);
      if (set_data != NULL)
        set_data (figure, rows, columns, weights);
      g_clear_pointer (&base, cairo_surface_destroy);
      g_clear_pointer (&step, cairo_surface_destroy);
      base = draw_layer (figure, AS_FIGURE_LAYER_BASE);
      step = draw_layer (figure, AS_FIGURE_LAYER_STEP);
      paint_frame (window, base, step, FALSE);
      t.new_matrix = MIN (t.new_matrix, now_ms () - start);
    }

  for (int run = 0; run < 50; run++)
    {
      double start = now_ms ();

      as_figure_set_step (figure, (run * 37) % rows);
      cairo_surface_destroy (step);
      step = draw_layer (figure, AS_FIGURE_LAYER_STEP);
      paint_frame (window, base, step, FALSE);
      t.step = MIN (t.step, now_ms () - start);

      start = now_ms ();
      paint_frame (window, base, step, TRUE);
      t.hover = MIN (t.hover, now_ms () - start);

      start = now_ms ();
      as_figure_draw (figure, window, WIDTH, HEIGHT);
      t.whole = MIN (t.whole, now_ms () - start);
    }

  cairo_surface_destroy (base);
  cairo_surface_destroy (step);
  cairo_destroy (window);
  cairo_surface_destroy (window_surface);
  return t;
}

static void
set_grid (AsFigure    *figure,
          guint        rows,
          guint        columns,
          const float *weights)
{
  as_figure_set_panels (figure, 6, 8, rows, columns, weights);
}

static void
print_row (const char *what,
           double      ms,
           const char *target)
{
  printf ("| %s | %.2f ms | %s |\n", what, ms, target);
}

int
main (void)
{
  g_autofree float *weights = make_weights (N * N);
  g_autofree float *panels = make_weights (6 * 8 * 30 * 30);
  g_autofree char *dir = g_dir_make_tmp ("bench-figure-XXXXXX", NULL);
  g_autoptr (AsFigure) export_figure = make_figure (N, N, weights);
  Times big, grid;
  double hits = G_MAXDOUBLE;

  big = time_viewer (N, N, weights, NULL);
  grid = time_viewer (30, 30, panels, set_grid);

  {
    g_autoptr (AsFigure) figure = make_figure (30, 30, panels);
    cairo_surface_t *surface = draw_layer (figure, AS_FIGURE_LAYER_ALL);
    int panel, row, column;

    set_grid (figure, 30, 30, panels);
    for (int run = 0; run < 20; run++)
      {
        double start = now_ms ();

        for (int k = 0; k < 1000; k++)
          as_figure_hit_test_panel (figure, WIDTH, HEIGHT, (k * 37) % WIDTH, (k * 53) % HEIGHT,
                                    &panel, &row, &column);
        hits = MIN (hits, now_ms () - start);
      }
    cairo_surface_destroy (surface);
  }

  printf ("Drawing at %d x %d px, best of several runs (targets: issue #14)\n\n", WIDTH, HEIGHT);
  printf ("| what | time | target |\n| --- | ---: | --- |\n");
  print_row ("1000 x 1000: a new matrix on screen (base image + step layer)", big.new_matrix, "50 ms");
  print_row ("1000 x 1000: a step change (step layer over the kept base)", big.step, "4 ms");
  print_row ("1000 x 1000: a hover (highlight over both layers)", big.hover, "4 ms");
  print_row ("1000 x 1000: the whole figure drawn again (the export's way)", big.whole, "");
  print_row ("grid 6 x 8 of 30 x 30: new data on screen", grid.new_matrix, "16 ms (a frame)");
  print_row ("grid 6 x 8 of 30 x 30: a step change", grid.step, "4 ms");
  print_row ("grid 6 x 8 of 30 x 30: a hover", grid.hover, "4 ms");
  print_row ("grid 6 x 8 of 30 x 30: 1000 hit tests", hits, "");
  printf ("\n1000 x 1000, step change: the whole figure / the step layer = %.1fx\n", big.whole / big.step);

  printf ("\nExports of the 1000 x 1000 figure (natural size), best of 3\n\n");
  printf ("| format | time | file size | target |\n| --- | ---: | ---: | --- |\n");
  for (guint f = 0; f < 3; f++)
    {
      const char *names[] = { "svg", "pdf", "png" };
      g_autofree char *path = g_strdup_printf ("%s/figure.%s", dir, names[f]);
      double best = G_MAXDOUBLE;
      GStatBuf st = { 0 };

      for (int run = 0; run < 3; run++)
        {
          g_autoptr (GError) error = NULL;
          double start = now_ms ();

          if (!as_figure_export (export_figure, path, &error))
            {
              fprintf (stderr, "bench-figure: %s\n", error->message);
              return 1;
            }
          best = MIN (best, now_ms () - start);
        }
      g_stat (path, &st);
      printf ("| %s | %.0f ms | %.0f KB | %s |\n", names[f], best, st.st_size / 1024.0,
              f == 0 ? "1 s, no bigger than needed" : "");
      g_unlink (path);
    }
  g_rmdir (dir);
  return 0;
}
