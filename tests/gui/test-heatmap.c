/* The heatmap widget in a real (Xvfb) window: hit test at cell borders, the
 * tooltip of a known cell, the colours of rendered cells, the rows a step
 * dims, a hover that redraws only the highlight, zoom and scrolling, and
 * hovering a 1000 x 1000 matrix. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "as-heatmap-private.h"
#include "as-resources.h"
#include "test-util.h"

static const float weights[3 * 4] = {
  0.70f, 0.10f, 0.15f, 0.05f,
  0.05f, 0.25f, 0.60f, 0.10f,
  0.00f, 0.05f, 0.15f, 0.80f,
};

typedef struct
{
  GtkWindow *window;
  AsHeatmap *heatmap;
} Fixture;

static void
wait_for (gboolean (*done) (gpointer), gpointer data)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
is_ready (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 100;
}

static void
show_small_matrix (AsHeatmap *heatmap)
{
  AsFigure *figure = as_heatmap_get_figure (heatmap);
  const char *columns[] = { "i", "am", "hungry", "EOS" };
  const char *inputs[] = { "SOS", "我", "饿" };
  const char *outputs[] = { "我", "饿", "EOS" };
  const float probs[] = { 0.9f, 0.8f, 0.7f };

  as_figure_set_matrix (figure, 3, 4, weights);
  as_figure_set_column_labels (figure, columns, NULL);
  as_figure_set_row_labels (figure, inputs, outputs, probs, NULL);
  as_figure_set_text (figure, "i am hungry", "我饿");
  as_figure_set_step (figure, -1);
  as_heatmap_figure_changed (heatmap);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  fixture->heatmap = AS_HEATMAP (as_heatmap_new ());
  gtk_window_set_default_size (fixture->window, 700, 500);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->heatmap));
  show_small_matrix (fixture->heatmap);
  gtk_window_present (fixture->window);
  wait_for (is_ready, fixture->heatmap);
  test_settle ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  test_settle ();
}

/* Renders the widget as it is on screen, offscreen, with the window's renderer. */
static cairo_surface_t *
render (AsHeatmap *heatmap)
{
  GtkWidget *widget = GTK_WIDGET (heatmap);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  cairo_surface_t *surface;

  /* the widget's own snapshot, as GTK calls it for a frame */
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  return surface;
}

static gboolean
pixel_is (cairo_surface_t *surface,
          double           x,
          double           y,
          double           r,
          double           g,
          double           b,
          int              tolerance)
{
  int pr, pg, pb;

  test_pixel_at (surface, x, y, &pr, &pg, &pb);
  return ABS (pr - (int) lround (r * 255)) <= tolerance &&
         ABS (pg - (int) lround (g * 255)) <= tolerance &&
         ABS (pb - (int) lround (b * 255)) <= tolerance;
}

static void
cell_centre (AsHeatmap *heatmap,
             guint      row,
             guint      column,
             double    *x,
             double    *y)
{
  AsFigureRect rect;

  g_assert_true (as_figure_get_cell_rect (as_heatmap_get_figure (heatmap),
                                          gtk_widget_get_width (GTK_WIDGET (heatmap)),
                                          gtk_widget_get_height (GTK_WIDGET (heatmap)),
                                          row, column, &rect));
  *x = rect.x + rect.width / 2;
  *y = rect.y + rect.height / 2;
}

/* The colour a cell must have on screen: its weight's, dimmed when after the step. */
static void
expected_color (AsHeatmap *heatmap,
                guint      row,
                guint      column,
                double    *r,
                double    *g,
                double    *b)
{
  AsFigure *figure = as_heatmap_get_figure (heatmap);
  int step = as_heatmap_get_step (heatmap);
  AsFigureColor bg;

  as_figure_weight_color (figure, as_figure_get_weight (figure, row, column), r, g, b);
  if (step >= 0 && (int) row > step)
    {
      as_figure_get_colors (figure, NULL, &bg, NULL, NULL);
      *r = *r * 0.22 + bg.red * 0.78;
      *g = *g * 0.22 + bg.green * 0.78;
      *b = *b * 0.22 + bg.blue * 0.78;
    }
}

static void
assert_cells (AsHeatmap       *heatmap,
              cairo_surface_t *surface)
{
  for (guint r = 0; r < 3; r++)
    for (guint c = 0; c < 4; c++)
      {
        double x, y, red, green, blue;

        cell_centre (heatmap, r, c, &x, &y);
        expected_color (heatmap, r, c, &red, &green, &blue);
        if (!pixel_is (surface, x, y, red, green, blue, 2))
          {
            int pr, pg, pb;

            test_pixel_at (surface, x, y, &pr, &pg, &pb);
            g_error ("cell (%u, %u) at step %d is (%d, %d, %d), (%ld, %ld, %ld) expected",
                     r, c, as_heatmap_get_step (heatmap), pr, pg, pb,
                     lround (red * 255), lround (green * 255), lround (blue * 255));
          }
      }
}

static void
test_hit_test (Fixture       *fixture,
               gconstpointer  data)
{
  AsHeatmap *heatmap = fixture->heatmap;
  int width = gtk_widget_get_width (GTK_WIDGET (heatmap));
  int height = gtk_widget_get_height (GTK_WIDGET (heatmap));
  AsFigureRect a, b;
  int row, column;

  g_assert_true (as_figure_get_cell_rect (as_heatmap_get_figure (heatmap), width, height, 1, 1, &a));
  g_assert_true (as_figure_get_cell_rect (as_heatmap_get_figure (heatmap), width, height, 1, 2, &b));
  g_assert_cmpfloat (a.x + a.width, ==, b.x);

  /* inside, on the left border, just before the right border, on it */
  g_assert_cmpint (as_heatmap_cell_at (heatmap, a.x + 1, a.y + 1, &row, &column), ==, AS_FIGURE_PART_CELL);
  g_assert_cmpint (row, ==, 1);
  g_assert_cmpint (column, ==, 1);
  as_heatmap_cell_at (heatmap, a.x, a.y, &row, &column);
  g_assert_cmpint (column, ==, 1);
  as_heatmap_cell_at (heatmap, b.x - 0.001, a.y, &row, &column);
  g_assert_cmpint (column, ==, 1);
  as_heatmap_cell_at (heatmap, b.x, a.y, &row, &column);
  g_assert_cmpint (column, ==, 2);
  as_heatmap_cell_at (heatmap, a.x, a.y + a.height, &row, &column);
  g_assert_cmpint (row, ==, 2);
  as_heatmap_cell_at (heatmap, a.x, a.y - 0.001, &row, &column);
  g_assert_cmpint (row, ==, 0);

  /* labels */
  g_assert_cmpint (as_heatmap_cell_at (heatmap, a.x + 1, 2, &row, &column), ==, AS_FIGURE_PART_NONE);
}

static void
test_tooltip (Fixture       *fixture,
              gconstpointer  data)
{
  double x, y;
  g_autofree char *text = NULL;
  g_autofree char *nothing = NULL;

  cell_centre (fixture->heatmap, 1, 2, &x, &y);
  text = as_heatmap_get_tooltip_text_at (fixture->heatmap, x, y);
  g_assert_cmpstr (text, ==,
                   "Source: hungry\n"
                   "Target: 饿 (fed in: 我)\n"
                   "Weight: 0.600\n"
                   "Step 2 of 3");

  nothing = as_heatmap_get_tooltip_text_at (fixture->heatmap, 1, 1);
  g_assert_null (nothing);
}

static void
test_colors (Fixture       *fixture,
             gconstpointer  data)
{
  cairo_surface_t *surface;

  for (guint map = 0; map < AS_N_COLORMAPS; map++)
    {
      as_heatmap_set_colormap (fixture->heatmap, map);
      g_assert_cmpint (as_heatmap_get_colormap (fixture->heatmap), ==, map);
      surface = render (fixture->heatmap);
      assert_cells (fixture->heatmap, surface);
      cairo_surface_destroy (surface);
    }
}

static void
test_steps (Fixture       *fixture,
            gconstpointer  data)
{
  AsHeatmap *heatmap = fixture->heatmap;
  AsFigure *figure = as_heatmap_get_figure (heatmap);
  cairo_surface_t *surface;
  double x, y, r, g, b;

  g_assert_cmpuint (as_heatmap_get_n_steps (heatmap), ==, 3);

  for (int step = -1; step < 3; step++)
    {
      as_heatmap_set_step (heatmap, step);
      g_assert_cmpint (as_heatmap_get_step (heatmap), ==, step);
      surface = render (heatmap);
      assert_cells (heatmap, surface);

      /* rows after the step are not their weight's colour any more */
      for (guint row = 0; row < 3; row++)
        {
          cell_centre (heatmap, row, 0, &x, &y);
          as_figure_weight_color (figure, as_figure_get_weight (figure, row, 0), &r, &g, &b);
          g_assert_true (pixel_is (surface, x, y, r, g, b, 2) == (step < 0 || (int) row <= step));
        }
      cairo_surface_destroy (surface);
    }

  /* out of range: clamped */
  as_heatmap_set_step (heatmap, 99);
  g_assert_cmpint (as_heatmap_get_step (heatmap), ==, 2);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_step_notify (Fixture       *fixture,
                  gconstpointer  data)
{
  guint count = 0;

  as_heatmap_set_step (fixture->heatmap, 0);
  g_signal_connect (fixture->heatmap, "notify::step", G_CALLBACK (count_notify), &count);
  as_heatmap_set_step (fixture->heatmap, 1);
  as_heatmap_set_step (fixture->heatmap, 1);
  g_object_set (fixture->heatmap, "step", 2, NULL);
  g_assert_cmpuint (count, ==, 2);
  g_signal_handlers_disconnect_by_func (fixture->heatmap, count_notify, &count);
}

static void
test_hover (Fixture       *fixture,
            gconstpointer  data)
{
  AsHeatmap *heatmap = fixture->heatmap;
  cairo_surface_t *surface;
  guint draws;
  double x, y, r, g, b;

  surface = render (heatmap);
  cairo_surface_destroy (surface);
  draws = as_heatmap_get_figure_draw_count (heatmap);

  /* over cell (1, 2): its row and column are tinted, the other cells not */
  cell_centre (heatmap, 1, 2, &x, &y);
  as_heatmap_pointer_moved (heatmap, x, y);
  surface = render (heatmap);
  g_assert_cmpuint (as_heatmap_get_figure_draw_count (heatmap), ==, draws);

  for (guint row = 0; row < 3; row++)
    for (guint column = 0; column < 4; column++)
      {
        double cx, cy;
        gboolean highlighted = row == 1 || column == 2;

        cell_centre (heatmap, row, column, &cx, &cy);
        expected_color (heatmap, row, column, &r, &g, &b);
        g_assert_true (pixel_is (surface, cx, cy, r, g, b, 2) == !highlighted);
      }
  cairo_surface_destroy (surface);

  /* moving within the cell changes nothing; leaving removes the highlight */
  as_heatmap_pointer_moved (heatmap, x + 1, y + 1);
  as_heatmap_pointer_left (heatmap);
  surface = render (heatmap);
  assert_cells (heatmap, surface);
  cairo_surface_destroy (surface);
  g_assert_cmpuint (as_heatmap_get_figure_draw_count (heatmap), ==, draws);

  /* a step change does draw the figure again */
  as_heatmap_set_step (heatmap, 0);
  surface = render (heatmap);
  cairo_surface_destroy (surface);
  g_assert_cmpuint (as_heatmap_get_figure_draw_count (heatmap), ==, draws + 1);
}

static void
test_zoom_scroll (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();
  AsHeatmap *heatmap = fixture->heatmap;
  GtkAdjustment *hadjustment;
  AsFigureRect grid;
  double upper;
  int row, column;

  g_object_ref (heatmap);
  gtk_window_set_child (fixture->window, NULL);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (heatmap));
  gtk_window_set_child (fixture->window, scroller);
  g_object_unref (heatmap);
  wait_for (is_ready, heatmap);
  test_settle ();

  hadjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadjustment), <=, gtk_adjustment_get_page_size (hadjustment));

  as_heatmap_set_zoom (heatmap, 8.0);
  test_settle ();
  upper = gtk_adjustment_get_upper (hadjustment);
  g_assert_cmpfloat (upper, >, gtk_adjustment_get_page_size (hadjustment));

  /* scrolled to the end, the last column is at the grid's right edge */
  gtk_adjustment_set_value (hadjustment, upper);
  test_settle ();
  g_assert_true (as_figure_get_grid_rect (as_heatmap_get_figure (heatmap),
                                          gtk_widget_get_width (GTK_WIDGET (heatmap)),
                                          gtk_widget_get_height (GTK_WIDGET (heatmap)), &grid));
  g_assert_cmpint (as_heatmap_cell_at (heatmap, grid.x + grid.width - 1, grid.y + 1, &row, &column),
                   ==, AS_FIGURE_PART_CELL);
  g_assert_cmpint (column, ==, 3);

  as_heatmap_set_zoom (heatmap, 1.0);
  test_settle ();
  g_assert_cmpfloat (gtk_adjustment_get_upper (hadjustment), <=, gtk_adjustment_get_page_size (hadjustment));
}

/* 1000 x 1000: hovering from cell to cell redraws only the highlight, and
 * each frame stays well within an interactive budget. */
static void
test_large (Fixture       *fixture,
            gconstpointer  data)
{
  AsHeatmap *heatmap = fixture->heatmap;
  AsFigure *figure = as_heatmap_get_figure (heatmap);
  g_autofree float *large = g_new (float, 1000 * 1000);
  cairo_surface_t *surface;
  AsFigureRect grid;
  guint draws;
  int row, column;

  for (guint i = 0; i < 1000 * 1000; i++)
    large[i] = (float) ((i * 2654435761u) % 1000) / 1000.0f;
  as_figure_set_matrix (figure, 1000, 1000, large);
  as_heatmap_figure_changed (heatmap);
  test_settle ();

  surface = render (heatmap);
  cairo_surface_destroy (surface);
  draws = as_heatmap_get_figure_draw_count (heatmap);
  g_assert_true (as_figure_get_grid_rect (figure, gtk_widget_get_width (GTK_WIDGET (heatmap)),
                                          gtk_widget_get_height (GTK_WIDGET (heatmap)), &grid));

  for (int i = 0; i < 30; i++)
    {
      double x = grid.x + grid.width * (i + 0.5) / 30.0;
      double y = grid.y + grid.height * (29 - i + 0.5) / 30.0;

      as_heatmap_pointer_moved (heatmap, x, y);
      g_assert_cmpint (as_heatmap_cell_at (heatmap, x, y, &row, &column), ==, AS_FIGURE_PART_CELL);
      surface = render (heatmap);
      cairo_surface_destroy (surface);
    }

  /* hovering redrew only the highlight: the figure itself was drawn once */
  g_assert_cmpuint (as_heatmap_get_figure_draw_count (heatmap), ==, draws);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  as_register_resource ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/heatmap/hit-test", test_hit_test);
  ADD ("/heatmap/tooltip", test_tooltip);
  ADD ("/heatmap/colors", test_colors);
  ADD ("/heatmap/steps", test_steps);
  ADD ("/heatmap/step-notify", test_step_notify);
  ADD ("/heatmap/hover", test_hover);
  ADD ("/heatmap/zoom-scroll", test_zoom_scroll);
  ADD ("/heatmap/large", test_large);

#undef ADD

  return g_test_run ();
}
