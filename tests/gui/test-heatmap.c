/* The heatmap widget in a real (Xvfb) window, driven by the X server's own
 * pointer (xdotool): hit test at cell borders, the tooltip GTK shows over a
 * cell and a label, clicks that pick a row, the colours of rendered cells
 * against the colour maps' known values, the rows a step dims, a hover that
 * redraws only the highlight, zoom and scrolling, and hovering a
 * 1000 x 1000 matrix without drawing the figure again. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "as-attention-view.h"
#include "as-figure-session.h"
#include "as-heatmap-private.h"
#include "as-paths.h"
#include "as-resources.h"
#include "as-settings.h"
#include "test-input.h"

/* Weights at the points where the colour maps' values are known (0,
 * 128/255 and 1), so that the expected colours come from matplotlib's
 * tables, not from the code under test. */
#define HALF (128.0f / 255.0f)

static const float weights[3 * 4] = {
  1.0f, 0.0f, 0.0f, 0.0f,
  0.0f, 0.0f, HALF, HALF,
  0.0f, HALF, 0.0f, 1.0f,
};

/* A faint matrix, no weight above 128/255: on the fixed 0..1 scale its
 * largest weight is the colour map's middle, not its top. */
static const float faint[3 * 4] = {
  HALF, 0.0f, 0.0f, 0.0f,
  0.0f, 0.0f, HALF, 0.0f,
  0.0f, HALF, 0.0f, HALF,
};

/* the matrix the heatmap shows */
static const float *shown = weights;

/* matplotlib's viridis, magma and Greys at 0, 128/255 and 1 */
static const double known_colors[AS_N_COLORMAPS][3][3] = {
  [AS_COLORMAP_VIRIDIS] = { { 0.267004, 0.004874, 0.329415 },
                            { 0.127568, 0.566949, 0.550556 },
                            { 0.993248, 0.906157, 0.143936 } },
  [AS_COLORMAP_MAGMA]   = { { 0.001462, 0.000466, 0.013866 },
                            { 0.716387, 0.214982, 0.475290 },
                            { 0.987053, 0.991438, 0.749504 } },
  [AS_COLORMAP_GREYS]   = { { 1.0, 1.0, 1.0 },
                            { 0.588235, 0.588235, 0.588235 },
                            { 0.0, 0.0, 0.0 } },
};

typedef struct
{
  GtkWindow *window;
  AsHeatmap *heatmap;
} Fixture;

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

  shown = weights;
  as_figure_set_matrix (figure, 3, 4, weights);
  test_set_cross_axes (figure, columns, NULL, inputs, outputs, probs);
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
  test_wait_for (is_ready, fixture->heatmap);
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

/* The known colour of @weight (one of 0, 128/255, 1) in @map. */
static const double *
known_color (AsColormap map,
             float      weight)
{
  if (weight == 0.0f)
    return known_colors[map][0];
  if (weight == HALF)
    return known_colors[map][1];
  g_assert_cmpfloat (weight, ==, 1.0f);
  return known_colors[map][2];
}

/* The colour a cell must have on screen: its weight's in the colour map on
 * the fixed 0..1 scale, dimmed when after the step (the theme's background
 * over it at 78 %). */
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
  const double *known = known_color (as_heatmap_get_colormap (heatmap), shown[row * 4 + column]);
  AsFigureColor bg;

  *r = known[0];
  *g = known[1];
  *b = known[2];
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

/* The middle of the label of @row (or of @column when @row < 0): the part of
 * the row's (column's) rectangle outside the grid of cells. */
static void
label_centre (AsHeatmap *heatmap,
              int        row,
              int        column,
              double    *x,
              double    *y)
{
  AsFigure *figure = as_heatmap_get_figure (heatmap);
  double width = gtk_widget_get_width (GTK_WIDGET (heatmap));
  double height = gtk_widget_get_height (GTK_WIDGET (heatmap));
  AsFigureRect grid, rect;

  g_assert_true (as_figure_get_grid_rect (figure, width, height, &grid));
  if (row >= 0)
    {
      g_assert_true (as_figure_get_row_rect (figure, width, height, row, &rect));
      *y = rect.y + rect.height / 2;
      *x = rect.x < grid.x ? (rect.x + grid.x) / 2
                           : (grid.x + grid.width + rect.x + rect.width) / 2;
    }
  else
    {
      g_assert_true (as_figure_get_column_rect (figure, width, height, column, &rect));
      *x = rect.x + rect.width / 2;
      *y = rect.y < grid.y ? (rect.y + grid.y) / 2
                           : (grid.y + grid.height + rect.y + rect.height) / 2;
    }
}

/* Moves the real pointer over a part of the heatmap that has no tooltip and
 * waits until none is shown, so that the next tooltip is a new one. */
static gboolean
no_tooltip (gpointer data)
{
  g_autofree char *text = test_tooltip_text (data);

  return text == NULL;
}

static void
hover_nothing (AsHeatmap *heatmap)
{
  test_pointer_move (GTK_WIDGET (heatmap), 1, 1);
  test_wait_for (no_tooltip, gtk_widget_get_root (GTK_WIDGET (heatmap)));
}

static void
test_tooltip (Fixture       *fixture,
              gconstpointer  data)
{
  GtkWidget *widget = GTK_WIDGET (fixture->heatmap);
  double x, y;
  char *text;

  /* the tooltip GTK shows (query-tooltip), over cell (row 1, column 2) */
  hover_nothing (fixture->heatmap);
  cell_centre (fixture->heatmap, 1, 2, &x, &y);
  text = test_hover_tooltip (widget, x, y);
  g_assert_cmpstr (text, ==,
                   "Source: hungry\n"
                   "Target: 饿 (fed in: 我)\n"
                   "Weight: 0.502\n"
                   "Step 2 of 3");
  g_free (text);

  /* over cell (row 2, column 3) */
  hover_nothing (fixture->heatmap);
  cell_centre (fixture->heatmap, 2, 3, &x, &y);
  text = test_hover_tooltip (widget, x, y);
  g_assert_cmpstr (text, ==,
                   "Source: EOS\n"
                   "Target: EOS (fed in: 饿)\n"
                   "Weight: 1.000\n"
                   "Step 3 of 3");
  g_free (text);

  /* over a column label: the source token and the step that attends to it most */
  hover_nothing (fixture->heatmap);
  label_centre (fixture->heatmap, -1, 2, &x, &y);
  text = test_hover_tooltip (widget, x, y);
  g_assert_cmpstr (text, ==,
                   "Source token 3 of 4: hungry\n"
                   "Most attended at step 2 (饿, 0.502)");
  g_free (text);
}

/* Hovering the colour bar: the tooltip and the readout say the weight at
 * that height, by the scale: 0..1 linearly, the top of the bar 1; log:
 * 10^(-3 + 3 p) at p of the bar's height; per row, a share of its row's
 * largest. The heatmap is redrawn under a new scale. */
static void
test_colorbar_readout (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *widget = GTK_WIDGET (fixture->heatmap);
  AsFigure *figure = as_heatmap_get_figure (fixture->heatmap);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  AsFigureRect bar;
  double y, p;
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;
  g_autofree char *log_expected = NULL;
  g_autofree char *row_text = NULL;

  g_assert_cmpint (as_heatmap_get_scale (fixture->heatmap), ==, AS_FIGURE_SCALE_ONE);
  g_assert_true (as_figure_get_bar_rect (figure, width, height, &bar));
  y = floor (bar.y + bar.height * 0.3) + 0.5;
  p = (bar.y + bar.height - floor (y)) / bar.height;  /* the pointer lands on whole pixels */

  hover_nothing (fixture->heatmap);
  text = test_hover_tooltip (widget, bar.x + bar.width / 2, y);
  expected = g_strdup_printf ("weight %.3f", p);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpstr (as_heatmap_get_readout (fixture->heatmap), ==, expected);
  g_assert_cmpint (as_heatmap_cell_at (fixture->heatmap, bar.x + 1, y, NULL, NULL), ==, AS_FIGURE_PART_COLOR_BAR);

  /* logarithmic: the same height reads 10^(-3 + 3 p) */
  as_heatmap_set_scale (fixture->heatmap, AS_FIGURE_SCALE_LOG);
  g_assert_cmpint (as_figure_get_scale (figure), ==, AS_FIGURE_SCALE_LOG);
  test_settle ();
  g_assert_true (as_figure_get_bar_rect (figure, width, height, &bar));
  y = floor (bar.y + bar.height * 0.3) + 0.5;
  p = (bar.y + bar.height - floor (y)) / bar.height;
  test_pointer_move (widget, bar.x + bar.width / 2, y);
  test_settle ();
  log_expected = g_strdup_printf ("weight %.3f", pow (10.0, -3.0 + 3.0 * p));
  g_assert_cmpstr (as_heatmap_get_readout (fixture->heatmap), ==, log_expected);

  /* per row */
  as_heatmap_set_scale (fixture->heatmap, AS_FIGURE_SCALE_ROW);
  test_settle ();
  g_assert_true (as_figure_get_bar_rect (figure, width, height, &bar));
  test_pointer_move (widget, bar.x + bar.width / 2, bar.y + 0.5);
  test_settle ();
  row_text = g_strdup (as_heatmap_get_readout (fixture->heatmap));
  g_assert_cmpstr (row_text, ==, "1 of its row's largest weight");
}

typedef struct
{
  int count;
  int row;
} Activation;

static void
row_activated (AsHeatmap  *heatmap,
               int         row,
               Activation *activation)
{
  activation->count++;
  activation->row = row;
}

static gboolean
activated (gpointer data)
{
  return ((Activation *) data)->count > 0;
}

/* A real click on a cell or a row label activates that row; elsewhere nothing. */
static void
test_click (Fixture       *fixture,
            gconstpointer  data)
{
  AsHeatmap *heatmap = fixture->heatmap;
  GtkWidget *widget = GTK_WIDGET (heatmap);
  Activation activation = { 0, -1 };
  double x, y;

  g_signal_connect (heatmap, "row-activated", G_CALLBACK (row_activated), &activation);

  for (int row = 2; row >= 0; row--)
    {
      activation.count = 0;
      cell_centre (heatmap, row, (guint) row, &x, &y);
      test_pointer_move (widget, x, y);
      test_pointer_click ();
      test_wait_for (activated, &activation);
      g_assert_cmpint (activation.count, ==, 1);
      g_assert_cmpint (activation.row, ==, row);
    }

  /* the row label of row 1 */
  activation.count = 0;
  label_centre (heatmap, 1, -1, &x, &y);
  test_pointer_move (widget, x, y);
  test_pointer_click ();
  test_wait_for (activated, &activation);
  g_assert_cmpint (activation.row, ==, 1);

  /* a column label and the empty corner: nothing */
  activation.count = 0;
  label_centre (heatmap, -1, 0, &x, &y);
  test_pointer_move (widget, x, y);
  test_pointer_click ();
  test_pointer_move (widget, 1, 1);
  test_pointer_click ();
  test_settle ();
  g_assert_cmpint (activation.count, ==, 0);

  g_signal_handlers_disconnect_by_func (heatmap, row_activated, &activation);
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

  /* the scale is fixed: a matrix whose weights stay below 1/2 is not
   * stretched to the whole colour map */
  shown = faint;
  as_figure_set_matrix (as_heatmap_get_figure (fixture->heatmap), 3, 4, faint);
  as_heatmap_figure_changed (fixture->heatmap);
  for (guint map = 0; map < AS_N_COLORMAPS; map++)
    {
      as_heatmap_set_colormap (fixture->heatmap, map);
      surface = render (fixture->heatmap);
      assert_cells (fixture->heatmap, surface);
      cairo_surface_destroy (surface);
    }
  shown = weights;
}

static void
test_steps (Fixture       *fixture,
            gconstpointer  data)
{
  AsHeatmap *heatmap = fixture->heatmap;
  cairo_surface_t *surface;
  double x, y;

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
          const double *undimmed = known_color (AS_COLORMAP_VIRIDIS, weights[row * 4]);

          cell_centre (heatmap, row, 0, &x, &y);
          g_assert_true (pixel_is (surface, x, y, undimmed[0], undimmed[1], undimmed[2], 2) ==
                         (step < 0 || (int) row <= step));
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

  /* the real pointer over cell (1, 2): the cell is outlined in the accent
   * colour just outside its edges, and every cell, the hovered one
   * included, keeps its colour (edge to edge); its row's and column's
   * labels are tinted */
  cell_centre (heatmap, 1, 2, &x, &y);
  test_pointer_move (GTK_WIDGET (heatmap), x, y);
  test_settle ();
  surface = render (heatmap);
  g_assert_cmpuint (as_heatmap_get_figure_draw_count (heatmap), ==, draws);
  assert_cells (heatmap, surface);
  {
    AsFigure *figure = as_heatmap_get_figure (heatmap);
    int width = gtk_widget_get_width (GTK_WIDGET (heatmap));
    int height = gtk_widget_get_height (GTK_WIDGET (heatmap));
    AsFigureColor accent;
    AsFigureRect cell, row_rect, grid;
    cairo_surface_t *plain;

    as_figure_get_colors (figure, NULL, NULL, &accent, NULL);
    g_assert_true (as_figure_get_cell_rect (figure, width, height, 1, 2, &cell));
    expected_color (heatmap, 1, 2, &r, &g, &b);
    /* the cell's own pixels, next to its edges */
    g_assert_true (pixel_is (surface, cell.x + 1, cell.y + cell.height / 2, r, g, b, 2));
    g_assert_true (pixel_is (surface, cell.x + cell.width - 1.5, cell.y + cell.height / 2, r, g, b, 2));
    g_assert_true (pixel_is (surface, cell.x + cell.width / 2, cell.y + 1, r, g, b, 2));
    g_assert_true (pixel_is (surface, cell.x + cell.width / 2, cell.y + cell.height - 1.5, r, g, b, 2));
    /* the outline, just outside them */
    g_assert_true (pixel_is (surface, cell.x - 1.5, cell.y + cell.height / 2,
                             accent.red, accent.green, accent.blue, 3));
    g_assert_true (pixel_is (surface, cell.x + cell.width + 0.5, cell.y + cell.height / 2,
                             accent.red, accent.green, accent.blue, 3));
    /* the row's label is tinted: it differs from the unhovered figure */
    g_assert_true (as_figure_get_row_rect (figure, width, height, 1, &row_rect));
    g_assert_true (as_figure_get_grid_rect (figure, width, height, &grid));
    test_pointer_leave (GTK_WIDGET (heatmap));
    test_settle ();
    plain = render (heatmap);
    {
      int pr, pg, pb, qr, qg, qb;

      test_pixel_at (surface, row_rect.x + 1, row_rect.y + 1, &pr, &pg, &pb);
      test_pixel_at (plain, row_rect.x + 1, row_rect.y + 1, &qr, &qg, &qb);
      g_assert_true (pr != qr || pg != qg || pb != qb);
    }
    cairo_surface_destroy (plain);
    test_pointer_move (GTK_WIDGET (heatmap), x, y);
    test_settle ();
  }
  cairo_surface_destroy (surface);

  /* moving within the cell changes nothing; leaving removes the highlight */
  test_pointer_move (GTK_WIDGET (heatmap), x + 1, y + 1);
  test_settle ();
  test_pointer_leave (GTK_WIDGET (heatmap));
  test_settle ();
  surface = render (heatmap);
  assert_cells (heatmap, surface);
  cairo_surface_destroy (surface);
  g_assert_cmpuint (as_heatmap_get_figure_draw_count (heatmap), ==, draws);

  /* a step change draws only the step's layer again, over the kept base,
   * and the result is the whole figure as drawn at that step */
  {
    guint steps = as_heatmap_get_step_draw_count (heatmap);
    AsFigure *figure = as_heatmap_get_figure (heatmap);
    int width = gtk_widget_get_width (GTK_WIDGET (heatmap));
    int height = gtk_widget_get_height (GTK_WIDGET (heatmap));
    cairo_surface_t *whole;
    cairo_t *cr;

    as_heatmap_set_step (heatmap, 0);
    surface = render (heatmap);
    g_assert_cmpuint (as_heatmap_get_figure_draw_count (heatmap), ==, draws);
    g_assert_cmpuint (as_heatmap_get_step_draw_count (heatmap), ==, steps + 1);
    g_assert_cmpint (as_figure_get_step (figure), ==, 0);

    whole = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
    cr = cairo_create (whole);
    as_figure_draw (figure, cr, width, height);
    cairo_destroy (cr);
    g_assert_cmpuint (count_different_pixels (surface, whole, 2), <=, (guint) (width * height) / 1000);
    cairo_surface_destroy (whole);
    cairo_surface_destroy (surface);

    /* and hovering draws neither layer */
    test_pointer_move (GTK_WIDGET (heatmap), x, y);
    test_settle ();
    surface = render (heatmap);
    cairo_surface_destroy (surface);
    g_assert_cmpuint (as_heatmap_get_figure_draw_count (heatmap), ==, draws);
    g_assert_cmpuint (as_heatmap_get_step_draw_count (heatmap), ==, steps + 1);
  }
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
  test_wait_for (is_ready, heatmap);
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

/* 1000 x 1000: hovering from cell to cell with the real pointer redraws only
 * the highlight (how long a frame takes is measured in tests/bench, not here). */
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

      test_pointer_move (GTK_WIDGET (heatmap), x, y);
      g_main_context_iteration (NULL, FALSE);
      g_assert_cmpint (as_heatmap_cell_at (heatmap, x, y, &row, &column), ==, AS_FIGURE_PART_CELL);
      surface = render (heatmap);
      cairo_surface_destroy (surface);
    }

  /* hovering redrew only the highlight: the figure itself was drawn once */
  g_assert_cmpuint (as_heatmap_get_figure_draw_count (heatmap), ==, draws);
}

/* Fit and finish (issue 13) */

/* A real key press (xdotool, XTEST) in @widget's window, which gets the
 * input focus first. */
static void
press_key (GtkWidget  *widget,
           const char *key)
{
  test_window_focus (widget);
  test_xdotool ((const char *[]) { "key", "--clearmodifiers", key, NULL });
  test_settle ();
}

static gboolean
has_focus (gpointer data)
{
  return gtk_widget_has_focus (GTK_WIDGET (data));
}

static void
focus_heatmap (AsHeatmap *heatmap)
{
  test_window_focus (GTK_WIDGET (heatmap));
  test_settle ();
  gtk_widget_grab_focus (GTK_WIDGET (heatmap));
  test_wait_for (has_focus, heatmap);
  /* as after a key press: the focus is to be seen */
  gtk_window_set_focus_visible (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (heatmap))), TRUE);
  test_settle ();
}

/* What the heatmap's accessible description must say with the cursor on
 * (@row, @column) of panel 0. */
static char *
expected_description (AsHeatmap *heatmap,
                      int        row,
                      int        column)
{
  AsFigure *figure = as_heatmap_get_figure (heatmap);
  g_autofree char *title = as_figure_dup_title (figure);
  g_autofree char *cell = as_figure_describe (figure, AS_FIGURE_PART_CELL, row, column);
  g_auto (GStrv) lines = g_strsplit (cell, "\n", -1);
  g_autofree char *line = g_strjoinv (" · ", lines);
  g_autoptr (GString) text = g_string_new (title);

  if (as_heatmap_get_step (heatmap) >= 0)
    g_string_append_printf (text, ". Step %d of %u", as_heatmap_get_step (heatmap) + 1,
                            as_heatmap_get_n_steps (heatmap));
  g_string_append_printf (text, ". Cell: %s", line);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
assert_cursor (AsHeatmap *heatmap,
               int        row,
               int        column)
{
  g_autofree char *description = expected_description (heatmap, row, column);
  g_autofree char *cell = as_figure_describe (as_heatmap_get_figure (heatmap), AS_FIGURE_PART_CELL, row, column);
  int panel, r, c;

  as_heatmap_get_cursor (heatmap, &panel, &r, &c);
  g_assert_cmpint (panel, ==, 0);
  g_assert_cmpint (r, ==, row);
  g_assert_cmpint (c, ==, column);
  /* the readout: the cell's tokens and weight, as the tooltip says them, on one line */
  g_assert_nonnull (as_heatmap_get_readout (heatmap));
  g_assert_nonnull (strstr (as_heatmap_get_readout (heatmap), "Weight"));
  g_assert_true (g_str_has_prefix (as_heatmap_get_readout (heatmap), "Source: "));
  {
    g_auto (GStrv) lines = g_strsplit (cell, "\n", -1);
    g_autofree char *line = g_strjoinv (" · ", lines);

    g_assert_cmpstr (as_heatmap_get_readout (heatmap), ==, line);
  }
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (heatmap), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description);
}

static void
count_row_activated (AsHeatmap *heatmap,
                     int        row,
                     int       *activated)
{
  *activated = row;
}

/* The keyboard: the heatmap takes the focus, the arrows move a cell cursor
 * through rows and columns, Home/End to the first/last column, Ctrl+Home/
 * Ctrl+End to the first/last row; the readout and the accessible
 * description follow; Enter activates the cursor's row. */
static void
test_keyboard (Fixture       *fixture,
               gconstpointer  data)
{
  AsHeatmap *heatmap = fixture->heatmap;
  int activated = -1;

  test_pointer_leave (GTK_WIDGET (heatmap));
  as_figure_set_step (as_heatmap_get_figure (heatmap), 1);
  as_heatmap_figure_changed (heatmap);
  test_settle ();
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (heatmap), GTK_ACCESSIBLE_ROLE_GRID);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (heatmap), GTK_ACCESSIBLE_PROPERTY_LABEL, "Attention heatmap");

  /* focused (the window focused it first: the cursor is on a cell already) */
  focus_heatmap (heatmap);
  press_key (GTK_WIDGET (heatmap), "ctrl+Home");
  assert_cursor (heatmap, 0, 0);
  press_key (GTK_WIDGET (heatmap), "Down");
  assert_cursor (heatmap, 1, 0);
  press_key (GTK_WIDGET (heatmap), "Down");
  assert_cursor (heatmap, 2, 0);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (heatmap)));  /* Down stays */
  press_key (GTK_WIDGET (heatmap), "Down");
  assert_cursor (heatmap, 2, 0);                                /* the last row */
  press_key (GTK_WIDGET (heatmap), "Right");
  assert_cursor (heatmap, 2, 1);
  press_key (GTK_WIDGET (heatmap), "End");
  assert_cursor (heatmap, 2, 3);
  press_key (GTK_WIDGET (heatmap), "Up");
  assert_cursor (heatmap, 1, 3);
  press_key (GTK_WIDGET (heatmap), "Home");
  assert_cursor (heatmap, 1, 0);
  press_key (GTK_WIDGET (heatmap), "ctrl+Home");
  assert_cursor (heatmap, 0, 0);
  press_key (GTK_WIDGET (heatmap), "ctrl+End");
  assert_cursor (heatmap, 2, 0);
  press_key (GTK_WIDGET (heatmap), "Left");
  assert_cursor (heatmap, 2, 0);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (heatmap)));

  /* the cursor is highlighted as a hovered cell is: outlined, its colour kept */
  {
    cairo_surface_t *surface = render (heatmap);
    AsFigureColor accent;
    AsFigureRect cell;
    double r, g, b;

    as_figure_get_colors (as_heatmap_get_figure (heatmap), NULL, NULL, &accent, NULL);
    g_assert_true (as_figure_get_cell_rect (as_heatmap_get_figure (heatmap),
                                            gtk_widget_get_width (GTK_WIDGET (heatmap)),
                                            gtk_widget_get_height (GTK_WIDGET (heatmap)), 2, 0, &cell));
    g_assert_true (pixel_is (surface, cell.x + cell.width + 0.5, cell.y + cell.height / 2,
                             accent.red, accent.green, accent.blue, 3));
    expected_color (heatmap, 2, 0, &r, &g, &b);
    g_assert_true (pixel_is (surface, cell.x + cell.width - 1.5, cell.y + cell.height / 2, r, g, b, 2));
    cairo_surface_destroy (surface);
  }

  /* the step changes: the description says so */
  as_heatmap_set_step (heatmap, 0);
  assert_cursor (heatmap, 2, 0);
  {
    g_autofree char *description = expected_description (heatmap, 2, 0);

    g_assert_nonnull (strstr (description, ". Step 1 of 3. "));
  }

  /* Enter: that row is wanted */
  g_signal_connect (heatmap, "row-activated", G_CALLBACK (count_row_activated), &activated);
  press_key (GTK_WIDGET (heatmap), "Return");
  g_assert_cmpint (activated, ==, 2);
  g_signal_handlers_disconnect_by_func (heatmap, count_row_activated, &activated);
}

/* In a grid of panels the cursor moves within a panel and on to the next
 * panel at its edge. */
static void
test_keyboard_panels (Fixture       *fixture,
                      gconstpointer  data)
{
  AsHeatmap *heatmap = fixture->heatmap;
  AsFigure *figure = as_heatmap_get_figure (heatmap);
  float panels[2 * 2 * 3 * 4];
  int panel, row, column;

  for (guint i = 0; i < G_N_ELEMENTS (panels); i++)
    panels[i] = (float) (i % 5) / 4.0f;
  as_figure_set_panels (figure, 2, 2, 3, 4, panels);
  as_figure_set_step (figure, -1);
  as_heatmap_figure_changed (heatmap);
  test_pointer_leave (GTK_WIDGET (heatmap));
  focus_heatmap (heatmap);

  as_heatmap_get_cursor (heatmap, &panel, &row, &column);
  g_assert_cmpint (panel, ==, 0);
  press_key (GTK_WIDGET (heatmap), "End");
  as_heatmap_get_cursor (heatmap, &panel, &row, &column);
  g_assert_cmpint (panel, ==, 1);    /* the last column of the row of panels */
  g_assert_cmpint (column, ==, 3);
  press_key (GTK_WIDGET (heatmap), "Left");
  press_key (GTK_WIDGET (heatmap), "Left");
  press_key (GTK_WIDGET (heatmap), "Left");
  press_key (GTK_WIDGET (heatmap), "Left");
  as_heatmap_get_cursor (heatmap, &panel, &row, &column);
  g_assert_cmpint (panel, ==, 0);    /* over the edge: the panel on the left */
  g_assert_cmpint (column, ==, 3);
  press_key (GTK_WIDGET (heatmap), "Down");
  press_key (GTK_WIDGET (heatmap), "Down");
  press_key (GTK_WIDGET (heatmap), "Down");
  as_heatmap_get_cursor (heatmap, &panel, &row, &column);
  g_assert_cmpint (panel, ==, 2);    /* the next layer's panel */
  g_assert_cmpint (row, ==, 0);
  g_assert_nonnull (strstr (as_heatmap_get_readout (heatmap), "ayer"));
}

/* A visible focus ring: the widget's edge in the accent colour while it
 * has the focus, not otherwise. */
static void
test_focus_ring (Fixture       *fixture,
                 gconstpointer  data)
{
  AsHeatmap *heatmap = fixture->heatmap;
  GtkWidget *other = gtk_button_new_with_label ("other");
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  AsFigureColor accent, bg;
  cairo_surface_t *surface;
  int height;

  g_object_ref (heatmap);
  gtk_window_set_child (fixture->window, NULL);
  gtk_widget_set_vexpand (GTK_WIDGET (heatmap), TRUE);
  gtk_box_append (GTK_BOX (box), other);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (heatmap));
  gtk_window_set_child (fixture->window, box);
  g_object_unref (heatmap);
  test_wait_for (is_ready, heatmap);
  gtk_widget_grab_focus (other);
  test_settle ();

  height = gtk_widget_get_height (GTK_WIDGET (heatmap));
  as_figure_get_colors (as_heatmap_get_figure (heatmap), NULL, &bg, &accent, NULL);
  surface = render (heatmap);
  g_assert_true (pixel_is (surface, 1.5, height / 2, bg.red, bg.green, bg.blue, 2));
  cairo_surface_destroy (surface);

  focus_heatmap (heatmap);
  surface = render (heatmap);
  g_assert_true (pixel_is (surface, 1.5, height / 2, accent.red, accent.green, accent.blue, 3));
  g_assert_true (pixel_is (surface, gtk_widget_get_width (GTK_WIDGET (heatmap)) / 2, 1.5,
                           accent.red, accent.green, accent.blue, 3));
  cairo_surface_destroy (surface);

  gtk_widget_grab_focus (other);
  test_settle ();
  surface = render (heatmap);
  g_assert_true (pixel_is (surface, 1.5, height / 2, bg.red, bg.green, bg.blue, 2));
  cairo_surface_destroy (surface);
}

static gboolean
hover_is_on (AsHeatmap *heatmap,
             double     x,
             double     y)
{
  int panel, row, column, want_row, want_column;
  AsFigurePart part = as_heatmap_get_hover (heatmap, &panel, &row, &column);

  return part == as_heatmap_cell_at (heatmap, x, y, &want_row, &want_column) &&
         row == want_row && column == want_column;
}

/* The pointer stays still while the figure changes under it (zoom, resize,
 * the widget moved down in its window): the highlight and the readout
 * name the cell now under the pointer, not the one it was over. */
static void
test_rehit (Fixture       *fixture,
            gconstpointer  data)
{
  AsHeatmap *heatmap = fixture->heatmap;
  GtkWidget *spacer = gtk_label_new (NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  AsFigureRect cell;
  double x, y;
  int row, column;

  g_object_ref (heatmap);
  gtk_window_set_child (fixture->window, NULL);
  gtk_widget_set_vexpand (GTK_WIDGET (heatmap), TRUE);
  gtk_box_append (GTK_BOX (box), spacer);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (heatmap));
  gtk_window_set_child (fixture->window, box);
  g_object_unref (heatmap);
  test_wait_for (is_ready, heatmap);
  test_settle ();

  cell_centre (heatmap, 1, 1, &x, &y);
  test_pointer_move (GTK_WIDGET (heatmap), x, y);
  test_settle ();
  g_assert_cmpint (as_heatmap_get_hover (heatmap, NULL, &row, &column), ==, AS_FIGURE_PART_CELL);
  g_assert_cmpint (row, ==, 1);
  g_assert_cmpint (column, ==, 1);

  /* zoomed in: another cell under the pointer; the tooltip shown says so */
  {
    g_autofree char *before = test_hover_tooltip (GTK_WIDGET (heatmap), x, y);
    g_autofree char *want = NULL;
    TooltipWait wait = { GTK_WIDGET (fixture->window), NULL };

    g_assert_nonnull (strstr (before, "Source: am"));
    as_heatmap_set_zoom (heatmap, 2.5);
    test_settle ();
    g_assert_true (hover_is_on (heatmap, x, y));
    as_heatmap_get_hover (heatmap, NULL, &row, &column);
    g_assert_true (row != 1 || column != 1);
    g_assert_nonnull (as_heatmap_get_readout (heatmap));
    want = as_figure_describe (as_heatmap_get_figure (heatmap), AS_FIGURE_PART_CELL, row, column);
    for (int i = 0; i < 50; i++)
      {
        test_settle ();
        if (tooltip_shown (&wait) && g_strcmp0 (wait.text, want) == 0)
          break;
      }
    g_assert_cmpstr (wait.text, ==, want);
    g_free (wait.text);
  }
  as_heatmap_set_zoom (heatmap, 1.0);
  test_settle ();
  g_assert_true (hover_is_on (heatmap, x, y));

  /* the window narrower */
  gtk_window_set_default_size (fixture->window, 420, 500);
  test_settle ();
  test_settle ();
  g_assert_true (hover_is_on (heatmap, x, y));

  /* the heatmap moved down by a row, its size the same (as when a note
   * appears above it), under the still pointer: (x, y) of before is
   * (x, y - moved) of the heatmap now */
  {
    GtkWidget *fixed = gtk_fixed_new ();
    int width = gtk_widget_get_width (GTK_WIDGET (heatmap));
    int height = gtk_widget_get_height (GTK_WIDGET (heatmap));
    double moved;

    g_object_ref (heatmap);
    gtk_box_remove (GTK_BOX (box), GTK_WIDGET (heatmap));
    gtk_widget_set_size_request (GTK_WIDGET (heatmap), width, height);
    gtk_fixed_put (GTK_FIXED (fixed), GTK_WIDGET (heatmap), 0, 0);
    gtk_window_set_child (fixture->window, fixed);
    g_object_unref (heatmap);
    test_wait_for (is_ready, heatmap);
    test_settle ();
    cell_centre (heatmap, 1, 1, &x, &y);
    test_pointer_move (GTK_WIDGET (heatmap), x, y);
    test_settle ();
    g_assert_true (hover_is_on (heatmap, x, y));

    g_assert_true (as_figure_get_cell_rect (as_heatmap_get_figure (heatmap), width, height, 1, 1, &cell));
    moved = ceil (cell.height);
    gtk_fixed_move (GTK_FIXED (fixed), GTK_WIDGET (heatmap), 0, moved);
    test_settle ();
    test_settle ();
    g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (heatmap)), ==, height);
    /* the pointer is over row 0 now; a highlight left where it was says row 1 */
    g_assert_cmpint (as_heatmap_cell_at (heatmap, x, y - moved, &row, &column), ==, AS_FIGURE_PART_CELL);
    g_assert_cmpint (row, ==, 0);
    g_assert_true (hover_is_on (heatmap, x, y - moved));
    as_heatmap_get_hover (heatmap, NULL, &row, &column);
    g_assert_cmpint (row, ==, 0);
  }
}

/* The attention view's zoom controls: out, the level (Fit, 125 %, ...;
 * click: fit), in; with accessible names; the level kept in the settings
 * (0 = fit) and read back by the next view. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *icon,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) &&
      ((icon != NULL && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), icon) == 0) ||
       (label != NULL && g_strcmp0 (gtk_widget_get_name (widget), label) == 0)))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, icon, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_zoom_controls (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (GSettings) settings = as_settings_new ();
  g_autofree char *path = g_build_filename (as_models_dir (), "tiny-hello.json", NULL);
  g_autoptr (AsModel) model = NULL;
  g_autoptr (AsSession) session = NULL;
  g_autoptr (GError) error = NULL;
  AsAttentionView *view;
  AsHeatmap *heatmap;
  GtkWidget *zoom_in, *zoom_out, *level;

  g_settings_set_double (settings, "zoom", 0.0);
  model = as_model_new_from_file (path, &error);
  g_assert_no_error (error);
  session = as_session_new (model, "hello world", &error);
  g_assert_no_error (error);
  g_assert_true (as_session_decode_greedy (session, &error));

  view = AS_ATTENTION_VIEW (as_attention_view_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (view));
  as_attention_view_set_session (view, session);
  heatmap = as_attention_view_get_heatmap (view);
  test_wait_for (is_ready, heatmap);
  test_settle ();

  zoom_in = find_button (GTK_WIDGET (view), "zoom-in-symbolic", NULL);
  zoom_out = find_button (GTK_WIDGET (view), "zoom-out-symbolic", NULL);
  g_assert_nonnull (zoom_in);
  g_assert_nonnull (zoom_out);
  level = gtk_widget_get_next_sibling (zoom_out);
  g_assert_true (GTK_IS_BUTTON (level));
  g_assert_true (gtk_widget_get_mapped (zoom_in));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (zoom_in), GTK_ACCESSIBLE_PROPERTY_LABEL, "Zoom in");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (zoom_out), GTK_ACCESSIBLE_PROPERTY_LABEL, "Zoom out");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (level), GTK_ACCESSIBLE_PROPERTY_LABEL, "Zoom Fit: fit to the pane");
  g_assert_nonnull (gtk_widget_get_tooltip_text (zoom_in));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (level)), ==, "Fit");
  g_assert_false (gtk_widget_get_sensitive (zoom_out));

  g_signal_emit_by_name (zoom_in, "clicked");
  test_settle ();
  g_assert_cmpfloat (as_heatmap_get_zoom (heatmap), ==, 1.25);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (level)), ==, "125 %");
  {
    /* (a variable: the macro makes a format of its arguments' text) */
    const char *name = "Zoom 125 %: fit to the pane";

    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (level), GTK_ACCESSIBLE_PROPERTY_LABEL, name);
  }
  g_assert_cmpfloat (g_settings_get_double (settings, "zoom"), ==, 1.25);
  g_signal_emit_by_name (zoom_in, "clicked");
  test_settle ();
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (level)), ==, "150 %");
  g_assert_true (gtk_widget_get_sensitive (zoom_out));
  g_signal_emit_by_name (zoom_out, "clicked");
  test_settle ();
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (level)), ==, "125 %");

  /* Ctrl+plus and Ctrl+0 on the focused heatmap */
  focus_heatmap (heatmap);
  press_key (GTK_WIDGET (heatmap), "ctrl+plus");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (level)), ==, "150 %");
  press_key (GTK_WIDGET (heatmap), "ctrl+minus");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (level)), ==, "125 %");
  press_key (GTK_WIDGET (heatmap), "ctrl+0");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (level)), ==, "Fit");
  g_assert_cmpfloat (g_settings_get_double (settings, "zoom"), ==, 0.0);

  /* a zoom in the settings is where the next view starts */
  g_settings_set_double (settings, "zoom", 2.0);
  {
    GtkWidget *next = as_attention_view_new ();

    g_object_ref_sink (next);
    g_assert_cmpfloat (as_attention_view_get_zoom (AS_ATTENTION_VIEW (next)), ==, 2.0);
    g_object_unref (next);
  }
  g_settings_set_double (settings, "zoom", 0.0);

  /* the readout line follows the cursor */
  press_key (GTK_WIDGET (heatmap), "Right");
  g_assert_nonnull (as_heatmap_get_readout (heatmap));
}

/* The view bar's toggles are named without their mnemonics' underscores. */
static void
test_view_names (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkWidget *view = as_attention_view_new ();
  GtkWidget *found[2] = { NULL, NULL };

  gtk_window_set_child (fixture->window, view);
  for (GtkWidget *w = gtk_widget_get_first_child (view); w != NULL;)
    {
      /* depth first through the view */
      if (GTK_IS_TOGGLE_BUTTON (w))
        {
          const char *label = gtk_button_get_label (GTK_BUTTON (w));

          if (g_strcmp0 (label, "_Lines") == 0)
            found[0] = w;
          else if (g_strcmp0 (label, "_All Heads") == 0)
            found[1] = w;
        }
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != view && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = w == view ? NULL : gtk_widget_get_next_sibling (w);
        }
    }
  g_assert_nonnull (found[0]);
  g_assert_nonnull (found[1]);
  /* the drop-downs are named by what they choose */
  {
    guint n = 0;

    for (GtkWidget *w = gtk_widget_get_first_child (gtk_widget_get_parent (found[0])); w != NULL;
         w = gtk_widget_get_next_sibling (w))
      if (GTK_IS_DROP_DOWN (w))
        {
          static const char *names[] = { "Attention kind", "Layer", "Head" };

          g_assert_cmpuint (n, <, 3);
          gtk_test_accessible_assert_property (GTK_ACCESSIBLE (w), GTK_ACCESSIBLE_PROPERTY_LABEL, names[n]);
          n++;
        }
    g_assert_cmpuint (n, ==, 3);
  }
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (found[0]), GTK_ACCESSIBLE_PROPERTY_LABEL, "Lines");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (found[1]), GTK_ACCESSIBLE_PROPERTY_LABEL, "All heads");
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
  ADD ("/heatmap/colorbar-readout", test_colorbar_readout);
  ADD ("/heatmap/click", test_click);
  ADD ("/heatmap/colors", test_colors);
  ADD ("/heatmap/steps", test_steps);
  ADD ("/heatmap/step-notify", test_step_notify);
  ADD ("/heatmap/hover", test_hover);
  ADD ("/heatmap/zoom-scroll", test_zoom_scroll);
  ADD ("/heatmap/large", test_large);
  ADD ("/heatmap/keyboard", test_keyboard);
  ADD ("/heatmap/keyboard-panels", test_keyboard_panels);
  ADD ("/heatmap/focus-ring", test_focus_ring);
  ADD ("/heatmap/rehit", test_rehit);
  ADD ("/heatmap/zoom-controls", test_zoom_controls);
  ADD ("/heatmap/view-names", test_view_names);

#undef ADD

  return g_test_run ();
}
