/* The attention figure of the core: colour maps, layout and hit testing,
 * the tooltip text, and the exported files (PNG pixels, SVG that parses and
 * renders, PDF) written atomically. No display needed. */

#include "config.h"

#include <errno.h>
#include <grp.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "as-error.h"
#include "as-figure.h"
#include "as-model.h"
#include "as-paths.h"
#include "as-session.h"
#include "test-util.h"

/* A 3 x 4 matrix whose every weight is different. */
static const float small_weights[3 * 4] = {
  0.70f, 0.10f, 0.15f, 0.05f,
  0.05f, 0.25f, 0.60f, 0.10f,
  0.00f, 0.05f, 0.15f, 0.80f,
};

static AsFigure *
small_figure (void)
{
  AsFigure *figure = as_figure_new ();
  const char *columns[] = { "i", "am", "hungry", "EOS" };
  const gboolean unknown[] = { FALSE, FALSE, TRUE, FALSE };
  const char *inputs[] = { "SOS", "我", "饿" };
  const char *outputs[] = { "我", "饿", "EOS" };
  const float probs[] = { 0.9f, 0.8f, 0.7f };

  as_figure_set_matrix (figure, 3, 4, small_weights);
  as_figure_set_column_labels (figure, columns, unknown);
  as_figure_set_row_labels (figure, inputs, outputs, probs, NULL);
  as_figure_set_text (figure, "i am hungry", "我饿");
  return figure;
}

static char *
make_tmpdir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("attnscope-figure-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  chmod (dir, 0755);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_dir_close (d);
  g_rmdir (dir);
}

static guint
count_entries (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  g_dir_close (d);
  return n;
}

/* Colour maps */

static void
assert_rgb (AsColormap colormap,
            double     value,
            double     r,
            double     g,
            double     b,
            double     tolerance)
{
  double rr, gg, bb;

  as_colormap_lookup (colormap, value, &rr, &gg, &bb);
  g_assert_cmpfloat_with_epsilon (rr, r, tolerance);
  g_assert_cmpfloat_with_epsilon (gg, g, tolerance);
  g_assert_cmpfloat_with_epsilon (bb, b, tolerance);
}

static void
test_colormap_names (void)
{
  AsColormap colormap;

  for (guint i = 0; i < AS_N_COLORMAPS; i++)
    {
      g_assert_true (as_colormap_from_name (as_colormap_get_name (i), &colormap));
      g_assert_cmpint (colormap, ==, i);
    }
  g_assert_cmpstr (as_colormap_get_name (AS_COLORMAP_VIRIDIS), ==, "viridis");
  g_assert_cmpstr (as_colormap_get_name (AS_COLORMAP_MAGMA), ==, "magma");
  g_assert_cmpstr (as_colormap_get_name (AS_COLORMAP_GREYS), ==, "greys");
  g_assert_true (as_colormap_from_name ("Greys", &colormap));
  g_assert_cmpint (colormap, ==, AS_COLORMAP_GREYS);
  g_assert_true (as_colormap_from_name ("grays", &colormap));
  g_assert_cmpint (colormap, ==, AS_COLORMAP_GREYS);
  g_assert_false (as_colormap_from_name ("jet", &colormap));
  g_assert_false (as_colormap_from_name (NULL, &colormap));
}

static void
test_colormap_values (void)
{
  /* matplotlib's values at the ends and the middle */
  assert_rgb (AS_COLORMAP_VIRIDIS, 0.0, 0.267004, 0.004874, 0.329415, 1e-6);
  assert_rgb (AS_COLORMAP_VIRIDIS, 1.0, 0.993248, 0.906157, 0.143936, 1e-6);
  assert_rgb (AS_COLORMAP_VIRIDIS, 128.0 / 255.0, 0.127568, 0.566949, 0.550556, 1e-6);
  assert_rgb (AS_COLORMAP_VIRIDIS, 0.5, 0.128, 0.565, 0.551, 0.003);
  assert_rgb (AS_COLORMAP_MAGMA, 0.0, 0.001462, 0.000466, 0.013866, 1e-6);
  assert_rgb (AS_COLORMAP_MAGMA, 1.0, 0.987053, 0.991438, 0.749504, 1e-6);
  assert_rgb (AS_COLORMAP_MAGMA, 128.0 / 255.0, 0.716387, 0.214982, 0.475290, 1e-6);
  /* full-table entries between the anchors are matched closely:
   * viridis[100] = (0.166617, 0.463708, 0.558119), magma[200] = (0.992785, 0.594891, 0.410283)
   * magma[201] = (0.993326, 0.602275, 0.414390) */
  assert_rgb (AS_COLORMAP_VIRIDIS, 100.0 / 255.0, 0.166617, 0.463708, 0.558119, 0.003);
  assert_rgb (AS_COLORMAP_MAGMA, 201.0 / 255.0, 0.993326, 0.602275, 0.414390, 0.003);
  assert_rgb (AS_COLORMAP_GREYS, 0.0, 1.0, 1.0, 1.0, 1e-6);
  assert_rgb (AS_COLORMAP_GREYS, 1.0, 0.0, 0.0, 0.0, 1e-6);
  assert_rgb (AS_COLORMAP_GREYS, 0.5, 0.588235, 0.588235, 0.588235, 1e-6);
  /* out of range is clamped */
  assert_rgb (AS_COLORMAP_VIRIDIS, -3.0, 0.267004, 0.004874, 0.329415, 1e-6);
  assert_rgb (AS_COLORMAP_VIRIDIS, 7.0, 0.993248, 0.906157, 0.143936, 1e-6);
}

static void
test_colormap_monotonic (void)
{
  /* viridis and magma get lighter all the way; greys darker */
  for (guint map = 0; map < AS_N_COLORMAPS; map++)
    {
      double previous = map == AS_COLORMAP_GREYS ? 2.0 : -1.0;

      for (int i = 0; i <= 256; i++)
        {
          double r, g, b, luma;

          as_colormap_lookup (map, i / 256.0, &r, &g, &b);
          luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
          if (map == AS_COLORMAP_GREYS)
            g_assert_cmpfloat (luma, <=, previous);
          else
            g_assert_cmpfloat (luma, >=, previous - 1e-9);
          previous = luma;
        }
    }
}

/* Layout and hit testing */

static void
check_borders (AsFigure *figure,
               double    width,
               double    height)
{
  guint n_rows = as_figure_get_n_rows (figure);
  guint n_columns = as_figure_get_n_columns (figure);
  AsFigureRect cell, last, grid;
  int row, column;

  g_assert_true (as_figure_get_grid_rect (figure, width, height, &grid));

  for (guint r = 0; r < n_rows; r += MAX (1, n_rows / 7))
    for (guint c = 0; c < n_columns; c += MAX (1, n_columns / 7))
      {
        g_assert_true (as_figure_get_cell_rect (figure, width, height, r, c, &cell));

        /* the top-left corner belongs to the cell */
        g_assert_cmpint (as_figure_hit_test (figure, width, height, cell.x, cell.y, &row, &column),
                         ==, AS_FIGURE_PART_CELL);
        g_assert_cmpint (row, ==, r);
        g_assert_cmpint (column, ==, c);

        /* just inside the right and lower borders: still this cell */
        as_figure_hit_test (figure, width, height,
                            nextafter (cell.x + cell.width, -INFINITY),
                            nextafter (cell.y + cell.height, -INFINITY), &row, &column);
        g_assert_cmpint (row, ==, r);
        g_assert_cmpint (column, ==, c);

        /* on the right border: the next column (or nothing past the last) */
        if (c + 1 < n_columns)
          {
            g_assert_cmpint (as_figure_hit_test (figure, width, height, cell.x + cell.width,
                                                 cell.y, &row, &column), ==, AS_FIGURE_PART_CELL);
            g_assert_cmpint (column, ==, c + 1);
            g_assert_cmpint (row, ==, r);
          }
        /* on the lower border: the next row */
        if (r + 1 < n_rows)
          {
            g_assert_cmpint (as_figure_hit_test (figure, width, height, cell.x,
                                                 cell.y + cell.height, &row, &column), ==, AS_FIGURE_PART_CELL);
            g_assert_cmpint (row, ==, r + 1);
            g_assert_cmpint (column, ==, c);
          }
      }

  /* the right and lower edges of the grid are outside it */
  g_assert_true (as_figure_get_cell_rect (figure, width, height, n_rows - 1, n_columns - 1, &last));
  g_assert_cmpfloat_with_epsilon (last.x + last.width, grid.x + grid.width, 1e-9);
  g_assert_cmpint (as_figure_hit_test (figure, width, height, last.x + last.width, last.y, &row, &column),
                   !=, AS_FIGURE_PART_CELL);
  g_assert_cmpint (as_figure_hit_test (figure, width, height, last.x, last.y + last.height, &row, &column),
                   ==, AS_FIGURE_PART_NONE);
  g_assert_cmpint (row, ==, -1);
  g_assert_cmpint (column, ==, -1);
  /* left of the first column, at a cell's height: its row label */
  g_assert_cmpint (as_figure_hit_test (figure, width, height, grid.x - 1, grid.y, &row, &column),
                   ==, AS_FIGURE_PART_ROW_LABEL);
  g_assert_cmpint (row, ==, 0);
  g_assert_cmpint (column, ==, -1);
  /* just above the first row: the column label */
  g_assert_cmpint (as_figure_hit_test (figure, width, height, grid.x, grid.y - 1, &row, &column),
                   ==, AS_FIGURE_PART_COLUMN_LABEL);
  g_assert_cmpint (column, ==, 0);
  g_assert_cmpint (row, ==, -1);
}

static void
test_hit_test_borders (void)
{
  g_autoptr (AsFigure) figure = small_figure ();

  check_borders (figure, 640, 480);
  check_borders (figure, 333, 251);   /* odd sizes */
  check_borders (figure, 2000, 1500); /* cells at their largest */
}

static void
test_hit_test_fractional_cells (void)
{
  g_autoptr (AsFigure) figure = as_figure_new ();
  g_autofree float *weights = g_new0 (float, 97 * 131);
  AsFigureRect cell;

  as_figure_set_matrix (figure, 97, 131, weights);
  check_borders (figure, 611, 457);

  /* cells this small are not whole pixels */
  g_assert_true (as_figure_get_cell_rect (figure, 611, 457, 0, 0, &cell));
  g_assert_cmpfloat (cell.width, <, 4.0);
  g_assert_cmpfloat (cell.width, !=, floor (cell.width));
}

static void
test_hit_test_labels_and_bands (void)
{
  g_autoptr (AsFigure) figure = small_figure ();
  AsFigureRect cell, band;
  int row, column;

  g_assert_true (as_figure_get_cell_rect (figure, 640, 480, 1, 2, &cell));

  /* a column band covers its label and its cells */
  g_assert_true (as_figure_get_column_rect (figure, 640, 480, 2, &band));
  g_assert_cmpfloat (band.x, ==, cell.x);
  g_assert_cmpfloat (band.width, ==, cell.width);
  g_assert_cmpint (as_figure_hit_test (figure, 640, 480, band.x + 1, band.y + 1, &row, &column),
                   ==, AS_FIGURE_PART_COLUMN_LABEL);
  g_assert_cmpint (column, ==, 2);

  /* a row band covers its label and its cells */
  g_assert_true (as_figure_get_row_rect (figure, 640, 480, 1, &band));
  g_assert_cmpfloat (band.y, ==, cell.y);
  g_assert_cmpfloat (band.height, ==, cell.height);
  g_assert_cmpint (as_figure_hit_test (figure, 640, 480, band.x + 1, band.y + 1, &row, &column),
                   ==, AS_FIGURE_PART_ROW_LABEL);
  g_assert_cmpint (row, ==, 1);

  /* the title is nothing to hit */
  g_assert_cmpint (as_figure_hit_test (figure, 640, 480, 20, 15, &row, &column), ==, AS_FIGURE_PART_NONE);
  g_assert_false (as_figure_get_row_rect (figure, 640, 480, 3, &band));
  g_assert_false (as_figure_get_cell_rect (figure, 640, 480, 0, 4, &band));
}

static void
test_scroll (void)
{
  g_autoptr (AsFigure) figure = as_figure_new ();
  g_autofree float *weights = g_new0 (float, 200 * 300);
  double max_x, max_y;
  AsFigureRect before, after;
  int row, column;

  as_figure_set_matrix (figure, 200, 300, weights);
  as_figure_set_min_cell (figure, 3.0);
  as_figure_get_scroll_range (figure, 500, 400, &max_x, &max_y);
  g_assert_cmpfloat (max_x, >, 0);
  g_assert_cmpfloat (max_y, >, 0);

  g_assert_true (as_figure_get_cell_rect (figure, 500, 400, 10, 20, &before));
  as_figure_set_scroll (figure, 30, 60);
  g_assert_true (as_figure_get_cell_rect (figure, 500, 400, 10, 20, &after));
  g_assert_cmpfloat (after.x, ==, before.x - 30);
  g_assert_cmpfloat (after.y, ==, before.y - 60);

  /* the grid's top-left now shows cell (20, 10) */
  g_assert_true (as_figure_get_grid_rect (figure, 500, 400, &before));
  g_assert_cmpint (as_figure_hit_test (figure, 500, 400, before.x, before.y, &row, &column),
                   ==, AS_FIGURE_PART_CELL);
  g_assert_cmpint (row, ==, 20);
  g_assert_cmpint (column, ==, 10);

  /* scrolling past the end is clamped */
  as_figure_set_scroll (figure, 1e9, 1e9);
  g_assert_true (as_figure_get_cell_rect (figure, 500, 400, 199, 299, &after));
  g_assert_cmpfloat (after.x + after.width, ==, before.x + before.width);
  g_assert_cmpfloat (after.y + after.height, ==, before.y + before.height);
}

static void
test_describe (void)
{
  g_autoptr (AsFigure) figure = small_figure ();
  g_autofree char *cell = as_figure_describe (figure, AS_FIGURE_PART_CELL, 1, 2);
  g_autofree char *row = as_figure_describe (figure, AS_FIGURE_PART_ROW_LABEL, 1, -1);
  g_autofree char *column = as_figure_describe (figure, AS_FIGURE_PART_COLUMN_LABEL, -1, 2);
  g_autofree char *nothing = as_figure_describe (figure, AS_FIGURE_PART_NONE, -1, -1);
  g_autofree char *out_of_range = as_figure_describe (figure, AS_FIGURE_PART_CELL, 3, 0);

  g_assert_cmpstr (cell, ==,
                   "Source: hungry (not in the vocabulary)\n"
                   "Target: 饿 (fed in: 我)\n"
                   "Weight: 0.600\n"
                   "Step 2 of 3");
  g_assert_cmpstr (row, ==,
                   "Step 2 of 3: fed in 我, came out 饿, probability 0.800\n"
                   "Looked most at hungry (0.600)");
  g_assert_cmpstr (column, ==,
                   "Source token 3 of 4: hungry\n"
                   "Not in the model's vocabulary: read as the unknown token\n"
                   "Most attended at step 2 (饿, 0.600)");
  g_assert_null (nothing);
  g_assert_null (out_of_range);
}

/* Export */

static cairo_surface_t *
load_png (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  return surface;
}

static void
assert_pixel (cairo_surface_t *surface,
              double           x,
              double           y,
              double           r,
              double           g,
              double           b,
              int              tolerance)
{
  int pr, pg, pb;

  test_pixel_at (surface, x, y, &pr, &pg, &pb);
  if (ABS (pr - (int) lround (r * 255)) > tolerance ||
      ABS (pg - (int) lround (g * 255)) > tolerance ||
      ABS (pb - (int) lround (b * 255)) > tolerance)
    g_error ("pixel (%.0f, %.0f) is (%d, %d, %d), (%ld, %ld, %ld) expected",
             x, y, pr, pg, pb, lround (r * 255), lround (g * 255), lround (b * 255));
}

/* Every cell's centre has its weight's colour; rows after @step are the
 * colour mixed with the background. */
static void
check_cells (AsFigure        *figure,
             cairo_surface_t *png,
             int              step,
             int              tolerance)
{
  int width = cairo_image_surface_get_width (png);
  int height = cairo_image_surface_get_height (png);
  AsFigureColor bg;

  as_figure_get_colors (figure, NULL, &bg, NULL, NULL);

  for (guint r = 0; r < as_figure_get_n_rows (figure); r++)
    for (guint c = 0; c < as_figure_get_n_columns (figure); c++)
      {
        AsFigureRect cell;
        double red, green, blue;

        g_assert_true (as_figure_get_cell_rect (figure, width, height, r, c, &cell));
        as_figure_weight_color (figure, as_figure_get_weight (figure, r, c), &red, &green, &blue);
        if (step >= 0 && (int) r > step)
          {
            red = red * (1 - 0.78) + bg.red * 0.78;
            green = green * (1 - 0.78) + bg.green * 0.78;
            blue = blue * (1 - 0.78) + bg.blue * 0.78;
          }
        assert_pixel (png, cell.x + cell.width / 2, cell.y + cell.height / 2, red, green, blue, tolerance);
      }
}

static void
test_export_png (void)
{
  g_autoptr (AsFigure) figure = small_figure ();
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "figure.PNG", NULL);
  g_autoptr (GError) error = NULL;
  cairo_surface_t *png;
  int width, height;

  for (guint map = 0; map < AS_N_COLORMAPS; map++)
    {
      as_figure_set_colormap (figure, map);
      as_figure_set_step (figure, -1);
      g_assert_true (as_figure_export (figure, path, &error));
      g_assert_no_error (error);

      as_figure_get_natural_size (figure, &width, &height);
      png = load_png (path);
      g_assert_cmpint (cairo_image_surface_get_width (png), ==, width);
      g_assert_cmpint (cairo_image_surface_get_height (png), ==, height);
      check_cells (figure, png, -1, 1);
      /* the background */
      assert_pixel (png, 2, height - 2, 1.0, 1.0, 1.0, 0);
      cairo_surface_destroy (png);
    }

  /* at step 1 of 0..2, row 2 is dimmed, rows 0 and 1 are not */
  as_figure_set_colormap (figure, AS_COLORMAP_VIRIDIS);
  as_figure_set_step (figure, 1);
  g_assert_true (as_figure_export (figure, path, &error));
  g_assert_no_error (error);
  png = load_png (path);
  check_cells (figure, png, 1, 2);
  cairo_surface_destroy (png);

  /* the scale can be the largest weight: 0.8 is then the top colour */
  as_figure_set_step (figure, -1);
  as_figure_set_scale (figure, AS_FIGURE_SCALE_MAX);
  g_assert_true (as_figure_export (figure, path, &error));
  png = load_png (path);
  {
    AsFigureRect cell;
    double r, g, b;

    g_assert_true (as_figure_get_cell_rect (figure, cairo_image_surface_get_width (png),
                                            cairo_image_surface_get_height (png), 2, 3, &cell));
    as_colormap_lookup (AS_COLORMAP_VIRIDIS, 1.0, &r, &g, &b);
    assert_pixel (png, cell.x + cell.width / 2, cell.y + cell.height / 2, r, g, b, 1);
  }
  cairo_surface_destroy (png);

  g_assert_cmpuint (count_entries (dir), ==, 1);
  remove_tree (dir);
}

typedef struct
{
  guint    elements;
  gboolean has_svg_root;
  GString *title;
  gboolean in_title;
} SvgCheck;

static void
svg_start (GMarkupParseContext *context,
           const char          *element,
           const char         **names,
           const char         **values,
           gpointer             user_data,
           GError             **error)
{
  SvgCheck *check = user_data;

  if (check->elements++ == 0)
    check->has_svg_root = strcmp (element, "svg") == 0;
  check->in_title = strcmp (element, "title") == 0 || strcmp (element, "desc") == 0;
}

static void
svg_end (GMarkupParseContext *context,
         const char          *element,
         gpointer             user_data,
         GError             **error)
{
  ((SvgCheck *) user_data)->in_title = FALSE;
}

static void
svg_text (GMarkupParseContext *context,
          const char          *text,
          gsize                length,
          gpointer             user_data,
          GError             **error)
{
  SvgCheck *check = user_data;

  if (check->in_title)
    g_string_append_len (check->title, text, length);
}

static void
test_export_svg (void)
{
  static const GMarkupParser parser = { svg_start, svg_end, svg_text, NULL, NULL };
  g_autoptr (AsFigure) figure = small_figure ();
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "figure.svg", NULL);
  g_autofree char *rendered = g_build_filename (dir, "rendered.png", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *rsvg_convert = g_find_program_in_path ("rsvg-convert");
  g_autoptr (GError) error = NULL;
  g_autoptr (GMarkupParseContext) context = NULL;
  SvgCheck check = { 0 };
  const char *argv[] = { "rsvg-convert", "--format=png", "--output", rendered, path, NULL };
  int status;
  cairo_surface_t *png;
  int width, height;
  gsize length;

  as_figure_set_step (figure, 1);
  g_assert_true (as_figure_export (figure, path, &error));
  g_assert_no_error (error);

  /* well-formed XML with an <svg> root that says what it shows */
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  check.title = g_string_new (NULL);
  context = g_markup_parse_context_new (&parser, 0, &check, NULL);
  g_assert_true (g_markup_parse_context_parse (context, contents, length, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_true (check.has_svg_root);
  g_assert_nonnull (strstr (check.title->str, "i am hungry → 我饿"));
  g_assert_nonnull (strstr (check.title->str, "Source tokens: i am hungry(?) EOS"));
  g_assert_nonnull (strstr (check.title->str, "2. 我 → 饿"));
  g_assert_nonnull (strstr (check.title->str, "Shown at step 2 of 3"));
  g_string_free (check.title, TRUE);

  /* a modest matrix is one vector rectangle per cell, not an image */
  g_assert_null (strstr (contents, "<image"));

  /* it renders, to the same colours */
  if (rsvg_convert == NULL)
    {
      g_test_skip ("rsvg-convert is not installed");
      remove_tree (dir);
      return;
    }
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  png = load_png (rendered);
  as_figure_get_natural_size (figure, &width, &height);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (png), ==, height);
  check_cells (figure, png, 1, 2);
  cairo_surface_destroy (png);

  remove_tree (dir);
}

static void
test_export_svg_large (void)
{
  g_autoptr (AsFigure) figure = as_figure_new ();
  g_autofree float *weights = g_new (float, 400 * 350);
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "large.svg", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < 400 * 350; i++)
    weights[i] = (i % 17) / 16.0f;
  as_figure_set_matrix (figure, 400, 350, weights);

  /* past 300 x 300, the cells are one embedded image */
  g_assert_true (as_figure_export (figure, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_nonnull (strstr (contents, "<image image-rendering=\"optimizeSpeed\""));
  remove_tree (dir);
}

static void
test_export_pdf (void)
{
  g_autoptr (AsFigure) figure = small_figure ();
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "figure.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;

  g_assert_true (as_figure_export (figure, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_nonnull (g_strstr_len (contents + length - 16, 16, "%%EOF"));
  remove_tree (dir);
}

static void
test_export_bad_extension (void)
{
  g_autoptr (AsFigure) figure = small_figure ();
  g_autofree char *dir = make_tmpdir ();
  const char *names[] = { "figure.jpg", "figure", "figure.svg.bak", "figure.svg/", NULL };

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autoptr (GError) error = NULL;

      g_assert_false (as_figure_export (figure, path, &error));
      g_assert_error (error, AS_ERROR, AS_ERROR_FILE);
      g_assert_nonnull (strstr (error->message, path));
      g_assert_nonnull (strstr (error->message, ".svg, .png or .pdf"));
    }

  g_assert_cmpuint (count_entries (dir), ==, 0);
  remove_tree (dir);
}

static void
test_export_replaces (void)
{
  g_autoptr (AsFigure) figure = small_figure ();
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "figure.svg", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  struct stat st;

  g_assert_true (g_file_set_contents (path, "old", -1, &error));
  g_assert_cmpint (chmod (path, 0640), ==, 0);

  g_assert_true (as_figure_export (figure, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_true (g_str_has_prefix (contents, "<?xml"));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  remove_tree (dir);
}

/* The disk fills up in the middle of the write (a file size limit stands in
 * for it): the error names the file, the old file is intact, no temporary
 * file is left. */
static void
test_export_full_disk (void)
{
  g_autoptr (AsFigure) figure = small_figure ();
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "figure.png", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  struct rlimit old_limit, limit;
  void (*old_handler) (int);

  g_assert_true (g_file_set_contents (path, "the figure from before", -1, &error));

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  limit = old_limit;
  limit.rlim_cur = 2000;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

  g_assert_false (as_figure_export (figure, path, &error));

  setrlimit (RLIMIT_FSIZE, &old_limit);
  signal (SIGXFSZ, old_handler);

  g_assert_error (error, AS_ERROR, AS_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "the figure from before");
  g_assert_cmpuint (count_entries (dir), ==, 1);
  remove_tree (dir);
}

static void
test_export_unwritable (void)
{
  g_autoptr (AsFigure) figure = small_figure ();
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "figure.svg", NULL);
  g_autofree char *folder = g_build_filename (dir, "a-folder.svg", NULL);
  g_autoptr (GError) error = NULL;

  /* a folder that does not exist */
  g_assert_false (as_figure_export (figure, missing, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  /* a read-only place: /proc takes no new files, even from root */
  g_assert_false (as_figure_export (figure, "/proc/attnscope-figure.svg", &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "/proc/attnscope-figure.svg"));
  g_clear_error (&error);

  /* a folder in the way is left alone */
  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  g_assert_false (as_figure_export (figure, folder, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_FILE);
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
  g_clear_error (&error);

  g_rmdir (folder);
  remove_tree (dir);
}

#define NOBODY 65534
#define READ_ONLY_DIR_VARIABLE "ATTNSCOPE_TEST_READ_ONLY_DIR"

/* A folder the user may read but not write (root may write anywhere, so
 * under root the export runs in a child that has become nobody): the
 * export fails with an error naming the file, writes nothing, and leaves
 * the file that was there as it was. */
static void
test_export_read_only_folder (void)
{
  char template[] = "/tmp/attnscope-read-only-XXXXXX";
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  const char *dir;
  struct stat st;
  guint n_entries;

  if (g_test_subprocess ())
    {
      g_autoptr (AsFigure) figure = small_figure ();
      g_autofree char *fresh = NULL;

      dir = g_getenv (READ_ONLY_DIR_VARIABLE);
      g_assert_nonnull (dir);
      path = g_build_filename (dir, "figure.svg", NULL);
      fresh = g_build_filename (dir, "new.png", NULL);

      if (geteuid () == 0)
        {
          if (setgroups (0, NULL) != 0 || setgid (NOBODY) != 0 || setuid (NOBODY) != 0)
            g_error ("could not become user %d (nobody) to test a read-only folder: %s",
                     NOBODY, g_strerror (errno));
        }
      g_assert_cmpint (geteuid (), !=, 0);
      g_assert_cmpint (getuid (), !=, 0);

      /* the folder and the file can be read: what is refused is writing */
      g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (contents, ==, "before");
      g_assert_cmpint (access (dir, W_OK), !=, 0);

      g_assert_false (as_figure_export (figure, path, &error));
      g_assert_error (error, AS_ERROR, AS_ERROR_FILE);
      g_assert_nonnull (strstr (error->message, path));
      g_clear_error (&error);

      g_assert_false (as_figure_export (figure, fresh, &error));
      g_assert_error (error, AS_ERROR, AS_ERROR_FILE);
      g_assert_nonnull (strstr (error->message, fresh));
      return;
    }

  dir = g_mkdtemp (template);
  g_assert_nonnull (dir);
  g_assert_cmpint (chmod (dir, 0755), ==, 0);
  path = g_build_filename (dir, "figure.svg", NULL);
  g_assert_true (g_file_set_contents (path, "before", -1, &error));
  g_assert_cmpint (chmod (path, 0644), ==, 0);
  g_assert_cmpint (chmod (dir, 0555), ==, 0);

  g_setenv (READ_ONLY_DIR_VARIABLE, dir, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv (READ_ONLY_DIR_VARIABLE);

  /* what is there, read before the folder is cleaned up whatever happened */
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  n_entries = count_entries (dir);
  remove_tree (dir);

  g_test_trap_assert_passed ();
  g_assert_cmpstr (contents, ==, "before");
  g_assert_cmpint (st.st_mode & 07777, ==, 0644);
  g_assert_cmpint (st.st_uid, ==, geteuid ());
  g_assert_cmpuint (n_entries, ==, 1);
}

/* A 1000 x 1000 matrix draws at every step and its corner cell is hit
 * exactly (its speed is measured in tests/bench/bench-figure.c, not here). */
static void
test_large_matrix (void)
{
  g_autoptr (AsFigure) figure = as_figure_new ();
  g_autofree float *weights = g_new (float, 1000 * 1000);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 900, 700);
  cairo_t *cr = cairo_create (surface);
  int row, column;
  AsFigureRect grid;

  for (guint i = 0; i < 1000 * 1000; i++)
    weights[i] = (float) ((i * 2654435761u) % 1000) / 1000.0f;
  as_figure_set_matrix (figure, 1000, 1000, weights);

  as_figure_draw (figure, cr, 900, 700);   /* builds the caches */
  for (int i = 0; i < 10; i++)
    {
      as_figure_set_step (figure, i * 50);
      g_assert_cmpint (as_figure_get_step (figure), ==, i * 50);
      as_figure_draw (figure, cr, 900, 700);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
    }

  g_assert_true (as_figure_get_grid_rect (figure, 900, 700, &grid));
  g_assert_cmpint (as_figure_hit_test (figure, 900, 700, grid.x + grid.width - 0.5,
                                       grid.y + grid.height - 0.5, &row, &column),
                   ==, AS_FIGURE_PART_CELL);
  g_assert_cmpint (row, ==, 999);
  g_assert_cmpint (column, ==, 999);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* From a real session of the bundled hand-written model. */
static AsModel *
load_tiny_model (void)
{
  g_autofree char *path = g_build_filename (as_models_dir (), "tiny-hello.json", NULL);
  g_autoptr (GError) error = NULL;
  AsModel *model;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_fail_printf ("%s is not there: the bundled model is part of the source tree "
                          "(ATTNSCOPE_MODELS_DIR=%s)", path, as_models_dir ());
      return NULL;
    }
  model = as_model_new_from_file (path, &error);
  g_assert_no_error (error);
  return model;
}

static void
test_session (void)
{
  g_autoptr (AsModel) model = load_tiny_model ();
  g_autoptr (AsSession) session = NULL;
  g_autoptr (AsFigure) figure = as_figure_new ();
  g_autoptr (GError) error = NULL;

  if (model == NULL)
    return;

  session = as_session_new (model, "Hello qwerty world", &error);
  g_assert_no_error (error);
  g_assert_true (as_session_decode_greedy (session, &error));

  as_figure_set_session (figure, session);
  g_assert_cmpuint (as_figure_get_n_columns (figure), ==, 4);
  g_assert_cmpuint (as_figure_get_n_rows (figure), ==, as_session_get_n_steps (session));
  g_assert_cmpstr (as_figure_get_column_label (figure, 0), ==, "hello");
  g_assert_cmpstr (as_figure_get_column_label (figure, 1), ==, "qwerty");
  g_assert_false (as_figure_get_column_unknown (figure, 0));
  g_assert_true (as_figure_get_column_unknown (figure, 1));
  g_assert_cmpstr (as_figure_get_column_label (figure, 3), ==, "EOS");
  g_assert_cmpstr (as_figure_get_row_input (figure, 0), ==, "SOS");

  for (guint r = 0; r < as_figure_get_n_rows (figure); r++)
    {
      const AsStep *step = as_session_get_step (session, r);

      g_assert_cmpstr (as_figure_get_row_output (figure, r), ==,
                       as_session_get_target_token (session, step->output));
      for (guint c = 0; c < 4; c++)
        g_assert_cmpfloat (as_figure_get_weight (figure, r, c), ==, step->attention[c]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/colormap/names", test_colormap_names);
  g_test_add_func ("/colormap/values", test_colormap_values);
  g_test_add_func ("/colormap/monotonic", test_colormap_monotonic);
  g_test_add_func ("/figure/hit-test/borders", test_hit_test_borders);
  g_test_add_func ("/figure/hit-test/fractional-cells", test_hit_test_fractional_cells);
  g_test_add_func ("/figure/hit-test/labels-and-bands", test_hit_test_labels_and_bands);
  g_test_add_func ("/figure/scroll", test_scroll);
  g_test_add_func ("/figure/describe", test_describe);
  g_test_add_func ("/figure/large-matrix", test_large_matrix);
  g_test_add_func ("/figure/session", test_session);
  g_test_add_func ("/export/png", test_export_png);
  g_test_add_func ("/export/svg", test_export_svg);
  g_test_add_func ("/export/svg-large", test_export_svg_large);
  g_test_add_func ("/export/pdf", test_export_pdf);
  g_test_add_func ("/export/bad-extension", test_export_bad_extension);
  g_test_add_func ("/export/replaces", test_export_replaces);
  g_test_add_func ("/export/full-disk", test_export_full_disk);
  g_test_add_func ("/export/unwritable", test_export_unwritable);
  g_test_add_func ("/export/read-only-folder", test_export_read_only_folder);

  return g_test_run ();
}
