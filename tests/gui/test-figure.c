/* The attention figure of the core: colour maps, layout and hit testing,
 * the tooltip text, the colours of the cells and of the colour bar (against
 * colours hard-coded here, not asked of the figure), its tick labels, and the
 * exported files: PNG compared with the screen drawing pixel by pixel, SVG
 * and PDF rendered back (rsvg-convert, pdftoppm) to the same known colours,
 * all written atomically, also where a user other than root may not write.
 * No display needed. */

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
#include <pango/pangocairo.h>

#include "as-error.h"
#include "as-figure.h"
#include "as-figure-private.h"
#include "as-figure-session.h"
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
  test_set_cross_axes (figure, columns, unknown, inputs, outputs, probs);
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

/* Known colours
 *
 * Every colour a pixel is checked against comes from here, never from the
 * figure: a scale that went wrong would otherwise cancel out. The figure
 * paints a weight w with the colour map at w (a fixed 0..1 scale), so the
 * test matrices hold only weights at these points.
 *
 * viridis and magma: matplotlib's 256-entry tables (_cm_listed.py), value v
 * being entry 255 v, linear between entries. 0, 128/255 and 1 are entries 0,
 * 128 and 255; 0.25 is entry 63.75, between entries 56 and 64, and 0.75 is
 * entry 191.25, between entries 184 and 192 (the entries are in the comments).
 * Greys: matplotlib's "Greys", the nine ColorBrewer greys #ffffff, #f0f0f0,
 * #d9d9d9, #bdbdbd, #969696, #737373, #525252, #252525, #000000 at 0, 1/8,
 * ..., 1, linear between them. */

#define MIDDLE (128.0f / 255.0f)

enum { AT_0, AT_QUARTER, AT_MIDDLE, AT_THREE_QUARTERS, AT_1, N_KNOWN };

static const float known_points[N_KNOWN] = { 0.0f, 0.25f, MIDDLE, 0.75f, 1.0f };

static const double known_rgb[AS_N_COLORMAPS][N_KNOWN][3] = {
  [AS_COLORMAP_VIRIDIS] = {
    { 0.267004, 0.004874, 0.329415 },
    /* 56: (0.244972, 0.287675, 0.537260), 64: (0.229739, 0.322361, 0.545706) */
    { 0.230215, 0.321277, 0.545442 },
    { 0.127568, 0.566949, 0.550556 },
    /* 184: (0.304148, 0.764704, 0.419943), 192: (0.369214, 0.788888, 0.382914) */
    { 0.363114, 0.786621, 0.386385 },
    { 0.993248, 0.906157, 0.143936 },
  },
  [AS_COLORMAP_MAGMA] = {
    { 0.001462, 0.000466, 0.013866 },
    /* 56: (0.265447, 0.060237, 0.461840), 64: (0.316654, 0.071690, 0.485380) */
    { 0.315054, 0.071332, 0.484644 },
    { 0.716387, 0.214982, 0.475290 },
    /* 184: (0.976690, 0.476226, 0.364466), 192: (0.986700, 0.535582, 0.382210) */
    { 0.985762, 0.530017, 0.380547 },
    { 0.987053, 0.991438, 0.749504 },
  },
  [AS_COLORMAP_GREYS] = {
    { 1.0, 1.0, 1.0 },
    { 0.850980, 0.850980, 0.850980 },  /* #d9d9d9 */
    { 0.586082, 0.586082, 0.586082 },  /* 4.016 / 8: #969696 to #737373 */
    { 0.321569, 0.321569, 0.321569 },  /* #525252 */
    { 0.0, 0.0, 0.0 },
  },
};

/* Rows after the step are covered by the (white) background at 78 %. */
#define DIMMED 0.78

/* The colour of @colormap at @weight, one of the known points. */
static const double *
known_color (AsColormap colormap,
             float      weight)
{
  for (guint i = 0; i < N_KNOWN; i++)
    if (known_points[i] == weight)
      return known_rgb[colormap][i];
  g_error ("%.6f is not a weight with a known colour", weight);
  return NULL;
}

/* Test matrices: every known point in every row and every column. */

/* 0 to 1 */
static const float full_weights[3 * 5] = {
  1.0f,   0.0f,   MIDDLE, 0.25f,  0.75f,
  MIDDLE, 0.75f,  0.0f,   1.0f,   0.25f,
  0.25f,  1.0f,   0.75f,  MIDDLE, 0.0f,
};

/* 0 to 128/255: a scale normalised by the largest weight paints 128/255 as 1 */
static const float low_weights[3 * 3] = {
  MIDDLE, 0.0f,   0.25f,
  0.0f,   0.25f,  MIDDLE,
  0.25f,  MIDDLE, 0.0f,
};

/* 0.25 to 0.75: a scale stretched from the smallest weight to the largest
 * paints 0.25 as 0 and 0.75 as 1 */
static const float narrow_weights[3 * 3] = {
  0.75f,  0.25f,  MIDDLE,
  0.25f,  MIDDLE, 0.75f,
  MIDDLE, 0.75f,  0.25f,
};

typedef struct
{
  const char  *name;
  guint        n_rows;
  guint        n_columns;
  const float *weights;
} TestMatrix;

static const TestMatrix test_matrices[] = {
  { "weights 0 to 1", 3, 5, full_weights },
  { "weights 0 to 128/255", 3, 3, low_weights },
  { "weights 0.25 to 0.75", 3, 3, narrow_weights },
};

static AsFigure *
matrix_figure (const TestMatrix *matrix)
{
  AsFigure *figure = as_figure_new ();
  const char *columns[] = { "the", "cat", "sat", "down", "EOS" };
  const char *inputs[] = { "SOS", "le", "chat" };
  const char *outputs[] = { "le", "chat", "EOS" };
  const float probs[] = { 0.9f, 0.8f, 0.7f };

  g_assert_cmpuint (matrix->n_rows, ==, 3);
  as_figure_set_matrix (figure, matrix->n_rows, matrix->n_columns, matrix->weights);
  test_set_cross_axes (figure, matrix->n_columns == 5 ? columns : NULL, NULL, inputs, outputs, probs);
  as_figure_set_text (figure, "the cat sat down", "le chat");
  return figure;
}

static cairo_surface_t *
draw_figure (AsFigure *figure,
             int       width,
             int       height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  as_figure_draw (figure, cr, width, height);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Fails, saying @what, unless the pixel at (@x, @y) is @rgb within @tolerance (0..255). */
static void
check_pixel (cairo_surface_t *surface,
             double           x,
             double           y,
             const double    *rgb,
             int              tolerance,
             const char      *what)
{
  int pr, pg, pb;
  long er = lround (rgb[0] * 255), eg = lround (rgb[1] * 255), eb = lround (rgb[2] * 255);

  test_pixel_at (surface, x, y, &pr, &pg, &pb);
  if (ABS (pr - er) > tolerance || ABS (pg - eg) > tolerance || ABS (pb - eb) > tolerance)
    g_error ("%s: pixel (%.0f, %.0f) is (%d, %d, %d), (%ld, %ld, %ld) expected (tolerance %d)",
             what, x, y, pr, pg, pb, er, eg, eb, tolerance);
}

/* Every cell's centre has the known colour of its weight in @weights (the
 * matrix as the test gave it), on the fixed 0..1 scale; rows after @step
 * are dimmed. The cells are where the figure lays them out in @width x
 * @height; @surface may be a rendering of it at a slightly other size. */
static void
check_known_cells (AsFigure        *figure,
                   const float     *weights,
                   cairo_surface_t *surface,
                   double           width,
                   double           height,
                   int              step,
                   int              tolerance,
                   const char      *where)
{
  AsColormap colormap = as_figure_get_colormap (figure);
  guint n_columns = as_figure_get_n_columns (figure);

  for (guint r = 0; r < as_figure_get_n_rows (figure); r++)
    for (guint c = 0; c < n_columns; c++)
      {
        float weight = weights[r * n_columns + c];
        const double *known = known_color (colormap, weight);
        double rgb[3] = { known[0], known[1], known[2] };
        g_autofree char *what = NULL;
        AsFigureRect cell;

        if (step >= 0 && (int) r > step)
          for (guint i = 0; i < 3; i++)
            rgb[i] = rgb[i] * (1 - DIMMED) + 1.0 * DIMMED;
        what = g_strdup_printf ("%s, %s: cell (row %u, column %u) of weight %.4f%s, painted "
                                "with the map at %.4f on the fixed 0..1 scale",
                                where, as_colormap_get_name (colormap), r, c, weight,
                                step >= 0 && (int) r > step ? " (dimmed)" : "", weight);
        g_assert_true (as_figure_get_cell_rect (figure, width, height, r, c, &cell));
        check_pixel (surface, cell.x + cell.width / 2, cell.y + cell.height / 2, rgb,
                     tolerance, what);
      }
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

/* The hard-coded colours above are the colour maps' own, 0.25 and 0.75 included. */
static void
test_colormap_known_points (void)
{
  for (guint map = 0; map < AS_N_COLORMAPS; map++)
    for (guint i = 0; i < N_KNOWN; i++)
      assert_rgb (map, known_points[i], known_rgb[map][i][0], known_rgb[map][i][1],
                  known_rgb[map][i][2], 1e-6);
}

/* The figure on screen */

/* Each cell of a drawing is its weight's colour on the fixed 0..1 scale,
 * whatever the matrix's largest and smallest weights: at the export's size
 * and at a window's. */
static void
test_cell_colors (void)
{
  for (guint m = 0; m < G_N_ELEMENTS (test_matrices); m++)
    for (guint map = 0; map < AS_N_COLORMAPS; map++)
      {
        g_autoptr (AsFigure) figure = matrix_figure (&test_matrices[m]);
        g_autofree char *where = NULL;
        cairo_surface_t *surface;
        int width, height;

        as_figure_set_colormap (figure, map);
        as_figure_get_natural_size (figure, &width, &height);

        where = g_strdup_printf ("drawn at %d x %d, %s", width, height, test_matrices[m].name);
        surface = draw_figure (figure, width, height);
        check_known_cells (figure, test_matrices[m].weights, surface, width, height, -1, 1, where);
        cairo_surface_destroy (surface);

        g_free (where);
        where = g_strdup_printf ("drawn at 641 x 479, %s", test_matrices[m].name);
        surface = draw_figure (figure, 641, 479);
        check_known_cells (figure, test_matrices[m].weights, surface, 641, 479, -1, 1, where);
        cairo_surface_destroy (surface);
      }
}

/* A weight of 0.25 and one of 0.75 side by side come out as the colour
 * map at 0.25 and at 0.75. */
static void
test_quarter_weights (void)
{
  static const float weights[2 * 2] = {
    0.25f, 0.75f,
    0.75f, 0.25f,
  };

  for (guint map = 0; map < AS_N_COLORMAPS; map++)
    {
      g_autoptr (AsFigure) figure = as_figure_new ();
      cairo_surface_t *surface;
      AsFigureRect cell;
      g_autofree char *what25 = g_strdup_printf ("%s: the cell of weight 0.25", as_colormap_get_name (map));
      g_autofree char *what75 = g_strdup_printf ("%s: the cell of weight 0.75", as_colormap_get_name (map));

      as_figure_set_matrix (figure, 2, 2, weights);
      as_figure_set_colormap (figure, map);
      surface = draw_figure (figure, 500, 400);

      g_assert_true (as_figure_get_cell_rect (figure, 500, 400, 0, 0, &cell));
      check_pixel (surface, cell.x + cell.width / 2, cell.y + cell.height / 2,
                   known_rgb[map][AT_QUARTER], 1, what25);
      g_assert_true (as_figure_get_cell_rect (figure, 500, 400, 0, 1, &cell));
      check_pixel (surface, cell.x + cell.width / 2, cell.y + cell.height / 2,
                   known_rgb[map][AT_THREE_QUARTERS], 1, what75);
      g_assert_true (as_figure_get_cell_rect (figure, 500, 400, 1, 0, &cell));
      check_pixel (surface, cell.x + cell.width / 2, cell.y + cell.height / 2,
                   known_rgb[map][AT_THREE_QUARTERS], 1, what75);
      g_assert_true (as_figure_get_cell_rect (figure, 500, 400, 1, 1, &cell));
      check_pixel (surface, cell.x + cell.width / 2, cell.y + cell.height / 2,
                   known_rgb[map][AT_QUARTER], 1, what25);
      cairo_surface_destroy (surface);
    }
}

/* At step 1 of 0..2, row 2 is dimmed and rows 0 and 1 are not. */
static void
test_cell_colors_step (void)
{
  g_autoptr (AsFigure) figure = matrix_figure (&test_matrices[0]);
  cairo_surface_t *surface;
  int width, height;

  as_figure_set_colormap (figure, AS_COLORMAP_MAGMA);
  as_figure_set_step (figure, 1);
  as_figure_get_natural_size (figure, &width, &height);
  surface = draw_figure (figure, width, height);
  check_known_cells (figure, full_weights, surface, width, height, 1, 2, "drawn at step 1");
  cairo_surface_destroy (surface);
}

/* The colour bar and its tick labels */

typedef struct
{
  int x0, y0, x1, y1;  /* half-open */
} Box;

static gboolean
is_white (cairo_surface_t *surface,
          int              x,
          int              y)
{
  int r, g, b;

  test_pixel_at (surface, x, y, &r, &g, &b);
  return r == 255 && g == 255 && b == 255;
}

/* The colour bar, outline included: the first thing right of the grid, a
 * quarter of the way down (where no tick is). Found in a viridis drawing,
 * whose every colour differs from the white background. */
static Box
find_colorbar (AsFigure        *figure,
               cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  AsFigureRect grid;
  Box bar;
  int y, xc;

  g_assert_cmpint (as_figure_get_colormap (figure), ==, AS_COLORMAP_VIRIDIS);
  g_assert_true (as_figure_get_grid_rect (figure, width, height, &grid));
  y = (int) (grid.y + grid.height / 4);
  bar.x0 = (int) ceil (grid.x + grid.width);
  while (bar.x0 < width && is_white (surface, bar.x0, y))
    bar.x0++;
  bar.x1 = bar.x0;
  while (bar.x1 < width && !is_white (surface, bar.x1, y))
    bar.x1++;
  if (bar.x1 - bar.x0 < 6)
    g_error ("no colour bar right of the grid (%d px wide at x = %d)", bar.x1 - bar.x0, bar.x0);

  xc = (bar.x0 + bar.x1) / 2;
  bar.y0 = y;
  while (bar.y0 > 0 && !is_white (surface, xc, bar.y0 - 1))
    bar.y0--;
  bar.y1 = y;
  while (bar.y1 < height && !is_white (surface, xc, bar.y1))
    bar.y1++;
  return bar;
}

/* The box around what is not background in @area of @surface. */
static gboolean
ink_box (cairo_surface_t *surface,
         Box              area,
         Box             *ink)
{
  *ink = (Box) { area.x1, area.y1, area.x0, area.y0 };
  for (int y = area.y0; y < area.y1; y++)
    for (int x = area.x0; x < area.x1; x++)
      {
        int r, g, b;

        test_pixel_at (surface, x, y, &r, &g, &b);
        if (MIN (MIN (r, g), b) < 250)
          {
            ink->x0 = MIN (ink->x0, x);
            ink->y0 = MIN (ink->y0, y);
            ink->x1 = MAX (ink->x1, x + 1);
            ink->y1 = MAX (ink->y1, y + 1);
          }
      }
  return ink->x1 > ink->x0;
}

/* @text as a tick label (or the subtitle) is set: Sans, 12 pixels, dark on
 * white, in an image @width wide. */
static cairo_surface_t *
render_line (const char *text,
             int         width,
             Box        *ink)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, 48);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans");
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (pango_layout_get_context (layout), options);
  pango_layout_context_changed (layout);
  pango_font_description_set_absolute_size (font, 12 * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_move_to (cr, 8, 8);
  pango_cairo_show_layout (cr, layout);

  pango_font_description_free (font);
  cairo_font_options_destroy (options);
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  g_assert_true (ink_box (surface, (Box) { 0, 0, width, 48 }, ink));
  return surface;
}

static cairo_surface_t *
render_text (const char *text,
             Box        *ink)
{
  return render_line (text, 120, ink);
}

/* How much of a pixel is ink, 0..1, relative to the darkest of @box. */
static double
coverage (cairo_surface_t *surface,
          Box              box,
          int              darkest,
          int              x,
          int              y)
{
  int r, g, b;

  if (x >= box.x1 || y >= box.y1)
    return 0.0;
  test_pixel_at (surface, x, y, &r, &g, &b);
  return (255.0 - MIN (MIN (r, g), b)) / (255.0 - darkest);
}

static int
darkest (cairo_surface_t *surface,
         Box              box)
{
  int d = 255;

  for (int y = box.y0; y < box.y1; y++)
    for (int x = box.x0; x < box.x1; x++)
      {
        int r, g, b;

        test_pixel_at (surface, x, y, &r, &g, &b);
        d = MIN (d, MIN (MIN (r, g), b));
      }
  return MIN (d, 254);
}

/* 0 for the same glyphs, 1 for nothing in common. */
static double
ink_distance (cairo_surface_t *a,
              Box              box_a,
              cairo_surface_t *b,
              Box              box_b)
{
  int wa = box_a.x1 - box_a.x0, ha = box_a.y1 - box_a.y0;
  int wb = box_b.x1 - box_b.x0, hb = box_b.y1 - box_b.y0;
  int da = darkest (a, box_a), db = darkest (b, box_b);
  double diff = 0.0, sum_a = 0.0, sum_b = 0.0;

  if (ABS (wa - wb) > 1 || ABS (ha - hb) > 1)
    return 1.0;

  for (int y = 0; y < MAX (ha, hb); y++)
    for (int x = 0; x < MAX (wa, wb); x++)
      {
        double ca = coverage (a, box_a, da, box_a.x0 + x, box_a.y0 + y);
        double cb = coverage (b, box_b, db, box_b.x0 + x, box_b.y0 + y);

        diff += fabs (ca - cb);
        sum_a += ca;
        sum_b += cb;
      }
  return diff / MAX (MAX (sum_a, sum_b), 1e-9);
}

/* The label next to the tick at @y, right of the bar, read as whichever of
 * a few candidate texts it looks most like; fails unless that is @expected. */
static void check_label_in (cairo_surface_t *surface,
                            Box              area,
                            double           y,
                            const char      *expected,
                            const char      *where);

static void
check_tick_label (cairo_surface_t *surface,
                  Box              bar,
                  double           y,
                  const char      *expected,
                  const char      *where)
{
  Box area = { bar.x1 + 5, (int) y - 14, cairo_image_surface_get_width (surface), (int) y + 15 };

  check_label_in (surface, area, y, expected, where);
}

/* The same, read within @area. */
static void
check_label_in (cairo_surface_t *surface,
                Box              area,
                double           y,
                const char      *expected,
                const char      *where)
{
  static const char *candidates[] = { "0", "1", "0.5", "0.25", "0.75", "0.13", "0.63", "0.38",
                                      "0.001", "0.01", "0.1", "0.0001" };
  g_autoptr (GString) scores = g_string_new (NULL);
  const char *best = NULL;
  double best_distance = 2.0;
  Box ink;

  area.y0 = MAX (area.y0, 0);
  area.y1 = MIN (area.y1, cairo_image_surface_get_height (surface));
  if (!ink_box (surface, area, &ink))
    g_error ("%s: no tick label right of the colour bar at y = %.0f (%s expected)", where, y, expected);

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      Box text_ink;
      cairo_surface_t *text = render_text (candidates[i], &text_ink);
      double distance = ink_distance (surface, ink, text, text_ink);

      g_string_append_printf (scores, " \"%s\" %.2f", candidates[i], distance);
      if (distance < best_distance)
        {
          best_distance = distance;
          best = candidates[i];
        }
      cairo_surface_destroy (text);
    }

  if (best_distance > 0.1)
    g_error ("%s: the tick label at y = %.0f (ink %d x %d at %d, %d) reads none of the candidate "
             "texts, \"%s\" expected (distance to each candidate:%s)", where, y,
             ink.x1 - ink.x0, ink.y1 - ink.y0, ink.x0, ink.y0, expected, scores->str);
  if (strcmp (best, expected) != 0)
    g_error ("%s: the tick label at y = %.0f (ink %d x %d at %d, %d) reads \"%s\", \"%s\" expected "
             "(distance to each candidate:%s)", where, y, ink.x1 - ink.x0, ink.y1 - ink.y0,
             ink.x0, ink.y0, best, expected, scores->str);
}

/* A tall figure (the bar is as tall as its grid), rows of the known weights. */
static AsFigure *
tall_figure (float max_weight)
{
  AsFigure *figure = as_figure_new ();
  float weights[24 * 3];
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (weights); i++)
    {
      while (known_points[n % N_KNOWN] > max_weight)
        n++;
      weights[i] = known_points[n++ % N_KNOWN];
    }
  as_figure_set_matrix (figure, 24, 3, weights);
  return figure;
}

/* The bar runs from the map at 0 (bottom) to the map at 1 (top), with the
 * map at 128/255 at that height; its ticks read 0, 0.5 and 1 whatever the
 * matrix's largest weight, as the cells are painted on that fixed scale. */
static void
check_colorbar (float        max_weight,
                AsFigureScale scale,
                const char  *top_label,
                const char  *middle_label)
{
  g_autoptr (AsFigure) figure = tall_figure (max_weight);
  cairo_surface_t *surface;
  Box bar;
  int xc, h;

  as_figure_set_scale (figure, scale);
  surface = draw_figure (figure, 600, 1700);
  bar = find_colorbar (figure, surface);
  cairo_surface_destroy (surface);
  xc = (bar.x0 + bar.x1) / 2;
  h = bar.y1 - bar.y0;
  g_assert_cmpint (h, >=, 1000);

  for (guint map = 0; map < AS_N_COLORMAPS; map++)
    {
      g_autofree char *where = g_strdup_printf ("the colour bar of %s, largest weight %.3f, scale %s",
                                                as_colormap_get_name (map), max_weight,
                                                scale == AS_FIGURE_SCALE_ONE ? "0..1" : "0..largest");

      as_figure_set_colormap (figure, map);
      surface = draw_figure (figure, 600, 1700);

      /* the gradient, inside its one-pixel outline */
      for (guint i = 0; i < N_KNOWN; i++)
        {
          g_autofree char *what = g_strdup_printf ("%s at %.4f", where, known_points[i]);
          int y = (int) floor (bar.y1 - known_points[i] * h);

          y = CLAMP (y, bar.y0 + 1, bar.y1 - 2);
          check_pixel (surface, xc, y, known_rgb[map][i], 2, what);
        }

      check_tick_label (surface, bar, bar.y1, "0", where);
      check_tick_label (surface, bar, bar.y0 + h / 2.0, middle_label, where);
      check_tick_label (surface, bar, bar.y0, top_label, where);
      cairo_surface_destroy (surface);
    }
}

static void
test_colorbar (void)
{
  check_colorbar (1.0f, AS_FIGURE_SCALE_ONE, "1", "0.5");
  /* a matrix whose weights reach only 128/255 keeps the 0..1 scale */
  check_colorbar (MIDDLE, AS_FIGURE_SCALE_ONE, "1", "0.5");
  /* unless asked for: then the ticks say so (the gradient is the same) */
  check_colorbar (MIDDLE, AS_FIGURE_SCALE_MAX, "0.5", "0.25");
}

/* Scaled to the largest weight on request: the largest (128/255) is the
 * top colour and 0 the bottom one. */
static void
test_scale_max (void)
{
  g_autoptr (AsFigure) figure = matrix_figure (&test_matrices[1]);
  cairo_surface_t *surface;
  int width, height;

  as_figure_set_scale (figure, AS_FIGURE_SCALE_MAX);
  as_figure_get_natural_size (figure, &width, &height);
  surface = draw_figure (figure, width, height);
  for (guint r = 0; r < 3; r++)
    for (guint c = 0; c < 3; c++)
      {
        float weight = low_weights[r * 3 + c];
        AsFigureRect cell;

        if (weight == 0.25f)
          continue;
        g_assert_true (as_figure_get_cell_rect (figure, width, height, r, c, &cell));
        check_pixel (surface, cell.x + cell.width / 2, cell.y + cell.height / 2,
                     known_rgb[AS_COLORMAP_VIRIDIS][weight == 0.0f ? AT_0 : AT_1], 1,
                     weight == 0.0f ? "scaled to the largest weight: a weight of 0"
                                    : "scaled to the largest weight: the largest weight");
      }
  cairo_surface_destroy (surface);
}

/* Colour scales per row and logarithmic */

/* Per row: each row's weights as shares of its largest, so that rows of
 * small and of large weights show their pattern alike; 1 is the top colour
 * in every row. The colours are the known ones (hand values) of each
 * row's shares: 0, 1/4, 128/255, 3/4, 1. A masked cell is not its row's
 * largest. */
static const float row_weights[3 * 5] = {
  0.2f,            0.05f,  0.15f,            0.0f,   0.2f * MIDDLE,
  0.4f,            0.1f,   0.3f,             0.0f,   0.4f * MIDDLE,
  0.8f * MIDDLE,   0.8f,   0.0f,             0.2f,   0.6f,
};
static const float row_shares[3 * 5] = {
  1.0f,   0.25f,  0.75f,  0.0f,   MIDDLE,
  1.0f,   0.25f,  0.75f,  0.0f,   MIDDLE,
  MIDDLE, 1.0f,   0.0f,   0.25f,  0.75f,
};

static void
check_cells_at (AsFigure    *figure,
                const float *points,
                guint        n_rows,
                guint        n_columns,
                const char  *where)
{
  cairo_surface_t *surface;
  int width, height;

  as_figure_get_natural_size (figure, &width, &height);
  surface = draw_figure (figure, width, height);
  for (guint r = 0; r < n_rows; r++)
    for (guint c = 0; c < n_columns; c++)
      {
        g_autofree char *what = g_strdup_printf ("%s: cell (%u, %u), at %.4f of the bar", where, r, c,
                                                 points[r * n_columns + c]);
        const double *rgb = known_color (AS_COLORMAP_VIRIDIS, points[r * n_columns + c]);
        AsFigureRect cell;
        double cr, cg, cb;

        g_assert_cmpfloat_with_epsilon (as_figure_cell_position (figure, 0, r, c), points[r * n_columns + c], 1e-6);
        as_figure_cell_color (figure, 0, r, c, &cr, &cg, &cb);
        g_assert_cmpfloat_with_epsilon (cr, rgb[0], 1e-5);
        g_assert_cmpfloat_with_epsilon (cg, rgb[1], 1e-5);
        g_assert_cmpfloat_with_epsilon (cb, rgb[2], 1e-5);
        g_assert_true (as_figure_get_cell_rect (figure, width, height, r, c, &cell));
        check_pixel (surface, cell.x + cell.width / 2, cell.y + cell.height / 2, rgb, 1, what);
      }
  cairo_surface_destroy (surface);
}

static void
test_scale_row (void)
{
  g_autoptr (AsFigure) figure = as_figure_new ();
  const guint lengths[3] = { 5, 5, 4 };
  float two[2] = { 0.1f, 0.2f };

  as_figure_set_matrix (figure, 3, 5, row_weights);
  as_figure_set_scale (figure, AS_FIGURE_SCALE_ROW);
  g_assert_cmpint (as_figure_get_scale (figure), ==, AS_FIGURE_SCALE_ROW);
  check_cells_at (figure, row_shares, 3, 5, "per row");

  /* a bar value under per-row is a share: 0.5 paints as the map at 0.5 */
  g_assert_cmpfloat_with_epsilon (as_figure_scale_position (figure, 0.5), 0.5, 1e-9);
  g_assert_cmpstr (as_figure_get_scale_caption (figure), ==, "per row");

  /* the masked cell (0.6, row 2) is left out: 0.8 stays the row's largest */
  as_figure_set_row_lengths (figure, lengths);
  g_assert_cmpfloat_with_epsilon (as_figure_cell_position (figure, 0, 2, 1), 1.0, 1e-6);

  /* the brief's example: a row [0.1, 0.2] is painted at 0.5 and 1 */
  as_figure_set_matrix (figure, 1, 2, two);
  g_assert_cmpfloat_with_epsilon (as_figure_cell_position (figure, 0, 0, 0), 0.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (as_figure_cell_position (figure, 0, 0, 1), 1.0, 1e-6);

  /* binned (cells thinner than a pixel share one, across rows and
   * columns): each bin shows its strongest cell by its row's scale, so that
   * row 0's lone 0.01 is the top colour, not row 1's 0.02 in the same bin at
   * a tenth of its row's largest */
  {
    enum { WIDE = 3000, TALL = 1000 };
    g_autofree float *wide = g_new0 (float, (gsize) TALL * WIDE);
    AsFigureRect cell;
    cairo_surface_t *surface;

    for (guint c = 0; c < WIDE; c++)
      {
        wide[c] = c == 0 ? 0.01f : 0.0f;       /* row 0: a lone small peak */
        wide[WIDE + c] = c == 0 ? 0.02f : 0.2f; /* row 1: 0.02 is a tenth of its largest */
      }
    as_figure_set_matrix (figure, TALL, WIDE, wide);
    surface = draw_figure (figure, 700, 500);
    g_assert_true (as_figure_get_cell_rect (figure, 700, 500, 0, 0, &cell));
    g_assert_cmpfloat (cell.width, <, 0.5);
    g_assert_cmpfloat (cell.height, <, 0.5);
    check_pixel (surface, cell.x + 0.5, cell.y + 0.5, known_color (AS_COLORMAP_VIRIDIS, 1.0f), 1,
                 "per row, binned: row 0's lone peak");
    cairo_surface_destroy (surface);
  }

  /* a row of zeros is all at the bottom, not NaN */
  two[0] = two[1] = 0.0f;
  as_figure_set_matrix (figure, 1, 2, two);
  g_assert_cmpfloat (as_figure_cell_position (figure, 0, 0, 1), ==, 0.0);
}

/* Logarithmic: three decades below the power of ten at or above the
 * largest weight, 0.001..1 for attention; log10 (w) = -3 + 3 p places a
 * weight at p. Weights at or below the bottom are its colour. */
static void
test_scale_log (void)
{
  g_autoptr (AsFigure) figure = as_figure_new ();
  const float weights[2 * 5] = {
    1.0f, 0.0f, (float) pow (10.0, -3.0 + 3.0 * 0.25), (float) pow (10.0, -3.0 + 3.0 * 0.75),
    (float) pow (10.0, -3.0 + 3.0 * MIDDLE),
    0.0005f, 0.001f, 1.0f, 1.0f, 1.0f,
  };
  const float points[2 * 5] = {
    1.0f, 0.0f, 0.25f, 0.75f, MIDDLE,
    0.0f, 0.0f, 1.0f, 1.0f, 1.0f,
  };
  double positions[AS_FIGURE_BAR_TICKS_MAX], values[AS_FIGURE_BAR_TICKS_MAX];
  const float small[2] = { 0.05f, 0.002f };

  as_figure_set_matrix (figure, 2, 5, weights);
  as_figure_set_scale (figure, AS_FIGURE_SCALE_LOG);
  check_cells_at (figure, points, 2, 5, "logarithmic");

  /* ticks at 0.001, 0.01, 0.1 and 1, a third of the bar apart */
  g_assert_cmpuint (as_figure_get_bar_ticks (figure, positions, values), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpfloat_with_epsilon (positions[i], i / 3.0, 1e-9);
      g_assert_cmpfloat_with_epsilon (values[i], pow (10.0, (double) i - 3.0), 1e-12);
    }
  /* 0.01 halfway between the ticks of 0.001 and 0.1 */
  g_assert_cmpfloat_with_epsilon (as_figure_scale_position (figure, 0.01),
                                  (as_figure_scale_position (figure, 0.001) +
                                   as_figure_scale_position (figure, 0.1)) / 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (as_figure_scale_position (figure, 0.01), 1.0 / 3.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (as_figure_scale_value (figure, 0.5), pow (10.0, -1.5), 1e-12);
  g_assert_cmpfloat (as_figure_scale_position (figure, 0.0), ==, 0.0);
  g_assert_cmpfloat (as_figure_scale_position (figure, NAN), ==, 0.0);
  g_assert_cmpstr (as_figure_get_scale_caption (figure), ==, "log scale");

  /* weights up to 0.05: the decades end at 0.1 */
  as_figure_set_matrix (figure, 1, 2, small);
  as_figure_get_bar_ticks (figure, NULL, values);
  g_assert_cmpfloat_with_epsilon (values[0], 0.0001, 1e-12);
  g_assert_cmpfloat_with_epsilon (values[3], 0.1, 1e-12);
  g_assert_cmpfloat_with_epsilon (as_figure_scale_position (figure, 0.05), (log10 (0.05) + 4.0) / 3.0, 1e-6);
}

/* The colour bar's labels say what the scale is: 0, 0.5, 1 per row (with
 * the caption "per row" beside them); 0.001, 0.01, 0.1, 1 logarithmic.
 * Read from the drawing, within the rectangles the layout gives them. */
static void
check_bar_labels (AsFigureScale      scale,
                  const char *const *expected,
                  guint              n)
{
  g_autoptr (AsFigure) figure = tall_figure (1.0f);
  cairo_surface_t *surface;
  AsFigureRect label;

  as_figure_set_scale (figure, scale);
  surface = draw_figure (figure, 600, 1700);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *where = g_strdup_printf ("scale %s, bar label %u", as_figure_scale_to_name (scale), i);
      Box area;

      g_assert_true (as_figure_get_bar_label_rect (figure, 600, 1700, i, &label));
      area = (Box) { (int) floor (label.x) - 1, (int) floor (label.y) - 1,
                     (int) ceil (label.x + label.width) + 1, (int) ceil (label.y + label.height) + 1 };
      check_label_in (surface, area, label.y + label.height / 2, expected[i], where);
    }
  g_assert_false (as_figure_get_bar_label_rect (figure, 600, 1700, n, &label));
  cairo_surface_destroy (surface);
}

static void
test_scale_bar_labels (void)
{
  const char *linear[] = { "0", "0.5", "1" };
  const char *log[] = { "0.001", "0.01", "0.1", "1" };
  g_autoptr (AsFigure) figure = tall_figure (1.0f);
  AsFigureScale scale;

  check_bar_labels (AS_FIGURE_SCALE_ONE, linear, 3);
  check_bar_labels (AS_FIGURE_SCALE_ROW, linear, 3);
  check_bar_labels (AS_FIGURE_SCALE_LOG, log, 4);
  g_assert_null (as_figure_get_scale_caption (figure));
  as_figure_set_scale (figure, AS_FIGURE_SCALE_MAX);
  g_assert_null (as_figure_get_scale_caption (figure));

  for (guint i = 0; i < AS_FIGURE_N_SCALES; i++)
    {
      g_assert_true (as_figure_scale_from_name (as_figure_scale_to_name (i), &scale));
      g_assert_cmpint (scale, ==, i);
    }
  g_assert_false (as_figure_scale_from_name ("linear", &scale));
}

/* Hovering the colour bar: the hit test names it, and it reads the value
 * at that height: its top the top of the scale, its middle the middle
 * (0.5; under log 10^-1.5; under max half the largest), its bottom 0 (log:
 * 0.001). Beside it, on its labels, too; not above nor below it. */
static void
test_scale_bar_hit (void)
{
  g_autoptr (AsFigure) figure = matrix_figure (&test_matrices[1]);
  const double w = 700, h = 500;
  AsFigureRect bar;
  double value;
  int row, column;
  g_autofree char *text = NULL;
  g_autofree char *row_text = NULL;

  g_assert_true (as_figure_get_bar_rect (figure, w, h, &bar));
  g_assert_cmpint (as_figure_hit_test (figure, w, h, bar.x + bar.width / 2, bar.y, &row, &column), ==,
                   AS_FIGURE_PART_COLOR_BAR);
  g_assert_cmpint (row, ==, -1);
  g_assert_cmpint (column, ==, -1);
  g_assert_cmpint (as_figure_hit_test (figure, w, h, bar.x + bar.width + 10, bar.y + bar.height / 2, NULL, NULL),
                   ==, AS_FIGURE_PART_COLOR_BAR);
  g_assert_cmpint (as_figure_hit_test (figure, w, h, bar.x + bar.width / 2, bar.y - 2, NULL, NULL), !=,
                   AS_FIGURE_PART_COLOR_BAR);
  g_assert_cmpint (as_figure_hit_test (figure, w, h, bar.x + bar.width / 2, bar.y + bar.height + 1, NULL, NULL), !=,
                   AS_FIGURE_PART_COLOR_BAR);
  g_assert_cmpint (as_figure_hit_test (figure, w, h, bar.x - 3, bar.y + 2, NULL, NULL), !=,
                   AS_FIGURE_PART_COLOR_BAR);

  g_assert_true (as_figure_get_bar_value (figure, w, h, bar.y, &value));
  g_assert_cmpfloat_with_epsilon (value, 1.0, 1e-9);
  g_assert_true (as_figure_get_bar_value (figure, w, h, bar.y + bar.height / 2, &value));
  g_assert_cmpfloat_with_epsilon (value, 0.5, 1e-9);
  g_assert_true (as_figure_get_bar_value (figure, w, h, bar.y + bar.height, &value));
  g_assert_cmpfloat_with_epsilon (value, 0.0, 1e-9);
  text = as_figure_describe_bar_value (figure, 0.42);
  g_assert_cmpstr (text, ==, "weight 0.420");

  as_figure_set_scale (figure, AS_FIGURE_SCALE_MAX);
  g_assert_true (as_figure_get_bar_rect (figure, w, h, &bar));
  g_assert_true (as_figure_get_bar_value (figure, w, h, bar.y, &value));
  g_assert_cmpfloat_with_epsilon (value, MIDDLE, 1e-6);
  g_assert_true (as_figure_get_bar_value (figure, w, h, bar.y + bar.height / 2, &value));
  g_assert_cmpfloat_with_epsilon (value, MIDDLE / 2, 1e-6);

  as_figure_set_scale (figure, AS_FIGURE_SCALE_LOG);
  g_assert_true (as_figure_get_bar_rect (figure, w, h, &bar));
  g_assert_true (as_figure_get_bar_value (figure, w, h, bar.y, &value));
  g_assert_cmpfloat_with_epsilon (value, 1.0, 1e-9);
  g_assert_true (as_figure_get_bar_value (figure, w, h, bar.y + bar.height / 2, &value));
  g_assert_cmpfloat_with_epsilon (value, pow (10.0, -1.5), 1e-9);
  g_assert_true (as_figure_get_bar_value (figure, w, h, bar.y + bar.height, &value));
  g_assert_cmpfloat_with_epsilon (value, 0.001, 1e-12);

  as_figure_set_scale (figure, AS_FIGURE_SCALE_ROW);
  row_text = as_figure_describe_bar_value (figure, 0.5);
  g_assert_cmpstr (row_text, ==, "0.500 of its row's largest weight");

  /* the lines view has no colour bar */
  as_figure_set_view (figure, AS_FIGURE_VIEW_LINES);
  g_assert_false (as_figure_get_bar_rect (figure, w, h, &bar));
  g_assert_false (as_figure_get_bar_value (figure, w, h, 100, &value));
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

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    g_error ("%s: not a PNG that can be read: %s", path,
             cairo_status_to_string (cairo_surface_status (surface)));
  return surface;
}

/* Runs a converter of Debian's @package; when it is not installed, fails
 * the test (it is not skipped) and returns FALSE. */
static gboolean
run_converter (const char * const *argv,
               const char         *package)
{
  g_autofree char *program = g_find_program_in_path (argv[0]);
  g_autofree char *errors = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  if (program == NULL)
    {
      g_test_fail_printf ("%s is not installed: it is in Debian's %s package "
                          "(apt-get install %s)", argv[0], package, package);
      return FALSE;
    }
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &errors, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed (%s): %s", program, error->message, errors);
  return TRUE;
}

/* Exports @figure to @dir/figure.@extension and reads the file back as an
 * image: a PNG as it is, an SVG rendered by rsvg-convert, a PDF by pdftoppm
 * at 72 dpi (one point, one pixel). NULL, the test failed, when the
 * converter is missing. Leaves @dir as it was. */
static cairo_surface_t *
export_and_read_back (AsFigure   *figure,
                      const char *dir,
                      const char *extension)
{
  g_autofree char *path = g_strdup_printf ("%s/figure.%s", dir, extension);
  g_autofree char *base = g_build_filename (dir, "read-back", NULL);
  g_autofree char *png = g_strconcat (base, ".png", NULL);
  g_autoptr (GError) error = NULL;
  cairo_surface_t *surface = NULL;
  gboolean ok;

  g_assert_true (as_figure_export (figure, path, &error));
  g_assert_no_error (error);

  if (g_ascii_strcasecmp (extension, "png") == 0)
    {
      surface = load_png (path);
      g_unlink (path);
      return surface;
    }
  else if (strcmp (extension, "svg") == 0)
    {
      const char *argv[] = { "rsvg-convert", "--format=png", "--output", png, path, NULL };

      ok = run_converter (argv, "librsvg2-bin");
    }
  else
    {
      const char *argv[] = { "pdftoppm", "-png", "-r", "72", "-singlefile", path, base, NULL };

      g_assert_cmpstr (extension, ==, "pdf");
      ok = run_converter (argv, "poppler-utils");
    }

  if (ok)
    surface = load_png (png);
  g_unlink (png);
  g_unlink (path);
  return surface;
}

/* Fails unless @surface is @width x @height within @slack pixels. */
static void
check_size (cairo_surface_t *surface,
            int              width,
            int              height,
            int              slack,
            const char      *what)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);

  if (ABS (w - width) > slack || ABS (h - height) > slack)
    g_error ("%s is %d x %d, the figure's natural size %d x %d expected", what, w, h, width, height);
}

/* The PNG is the screen's drawing at the natural size (the same core
 * function, as_figure_draw), and its cells have their known colours. */
static void
test_export_png (void)
{
  g_autofree char *dir = make_tmpdir ();

  for (guint m = 0; m < G_N_ELEMENTS (test_matrices); m++)
    for (guint map = 0; map < AS_N_COLORMAPS; map++)
      for (int step = -1; step <= 1; step += 2)
        {
          g_autoptr (AsFigure) figure = matrix_figure (&test_matrices[m]);
          g_autofree char *where = NULL;
          cairo_surface_t *png, *screen;
          int width, height;
          guint n_different;

          as_figure_set_colormap (figure, map);
          as_figure_set_step (figure, step);
          as_figure_get_natural_size (figure, &width, &height);
          where = g_strdup_printf ("the exported PNG, %s, step %d", test_matrices[m].name, step);

          png = export_and_read_back (figure, dir, map == AS_COLORMAP_MAGMA ? "PNG" : "png");
          check_size (png, width, height, 0, where);
          check_known_cells (figure, test_matrices[m].weights, png, width, height, step, 1, where);
          /* the background */
          check_pixel (png, 2, height - 2, known_rgb[AS_COLORMAP_GREYS][AT_0], 0, where);

          screen = draw_figure (figure, width, height);
          n_different = count_different_pixels (png, screen, 2);
          if (n_different > (guint) (width * height) / 1000)
            g_error ("%s, %s: %u of its %d pixels differ from the screen's drawing by more than 2",
                     where, as_colormap_get_name (map), n_different, width * height);
          cairo_surface_destroy (screen);
          cairo_surface_destroy (png);
        }

  g_assert_cmpuint (count_entries (dir), ==, 0);
  remove_tree (dir);
}

/* The PDF, rendered at one pixel per point, is the figure's natural size
 * with the known colours in its cells. */
static void
test_export_pdf (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "figure.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;

  for (guint m = 0; m < G_N_ELEMENTS (test_matrices); m++)
    for (guint map = 0; map < AS_N_COLORMAPS; map++)
      {
        g_autoptr (AsFigure) figure = matrix_figure (&test_matrices[m]);
        g_autofree char *where = NULL;
        cairo_surface_t *rendered;
        int width, height, step = m == 0 && map == AS_COLORMAP_MAGMA ? 1 : -1;

        as_figure_set_colormap (figure, map);
        as_figure_set_step (figure, step);
        as_figure_get_natural_size (figure, &width, &height);
        where = g_strdup_printf ("the exported PDF rendered by pdftoppm, %s, step %d",
                                 test_matrices[m].name, step);

        rendered = export_and_read_back (figure, dir, "pdf");
        if (rendered == NULL)
          {
            remove_tree (dir);
            return;
          }
        check_size (rendered, width, height, 1, where);
        check_known_cells (figure, test_matrices[m].weights, rendered, width, height, step, 3, where);
        cairo_surface_destroy (rendered);
      }

  /* a whole PDF file */
  {
    g_autoptr (AsFigure) figure = small_figure ();

    g_assert_true (as_figure_export (figure, path, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &contents, &length, &error));
    g_assert_true (g_str_has_prefix (contents, "%PDF-"));
    g_assert_nonnull (g_strstr_len (contents + length - 16, 16, "%%EOF"));
  }
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
  SvgCheck *check = user_data;

  /* one line per element */
  if (check->in_title)
    g_string_append_c (check->title, '\n');
  check->in_title = FALSE;
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
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GMarkupParseContext) context = NULL;
  SvgCheck check = { 0 };
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

  g_assert_cmpint (g_remove (path), ==, 0);

  /* rendered by rsvg-convert: the natural size and the known colours */
  for (guint m = 0; m < G_N_ELEMENTS (test_matrices); m++)
    for (guint map = 0; map < AS_N_COLORMAPS; map++)
      {
        g_autoptr (AsFigure) known = matrix_figure (&test_matrices[m]);
        g_autofree char *where = NULL;
        cairo_surface_t *rendered;
        int width, height, step = m == 0 && map == AS_COLORMAP_VIRIDIS ? 1 : -1;

        as_figure_set_colormap (known, map);
        as_figure_set_step (known, step);
        as_figure_get_natural_size (known, &width, &height);
        where = g_strdup_printf ("the exported SVG rendered by rsvg-convert, %s, step %d",
                                 test_matrices[m].name, step);

        rendered = export_and_read_back (known, dir, "svg");
        if (rendered == NULL)
          {
            remove_tree (dir);
            return;
          }
        check_size (rendered, width, height, 0, where);
        check_known_cells (known, test_matrices[m].weights, rendered, width, height, step, 2, where);
        cairo_surface_destroy (rendered);
      }

  g_assert_cmpuint (count_entries (dir), ==, 0);
  remove_tree (dir);
}

/* Exports follow the scale: SVG (one rectangle per run of cells, its own
 * colour lookup), PNG and PDF paint the cells as the screen does, per row
 * and logarithmic. */
static void
test_scale_exports (void)
{
  const char *formats[] = { "svg", "png", "pdf" };
  g_autofree char *dir = make_tmpdir ();
  g_autoptr (AsFigure) per_row = as_figure_new ();

  as_figure_set_matrix (per_row, 3, 5, row_weights);
  as_figure_set_scale (per_row, AS_FIGURE_SCALE_ROW);
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *where = g_strdup_printf ("per row, exported as %s", formats[f]);
      cairo_surface_t *rendered = export_and_read_back (per_row, dir, formats[f]);
      int width, height;

      if (rendered == NULL)
        break;
      as_figure_get_natural_size (per_row, &width, &height);
      for (guint r = 0; r < 3; r++)
        for (guint c = 0; c < 5; c++)
          {
            AsFigureRect cell;

            g_assert_true (as_figure_get_cell_rect (per_row, width, height, r, c, &cell));
            check_pixel (rendered, cell.x + cell.width / 2, cell.y + cell.height / 2,
                         known_color (AS_COLORMAP_VIRIDIS, row_shares[r * 5 + c]), 2, where);
          }
      cairo_surface_destroy (rendered);
    }
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

/* Is the pixel covered by the background (rows after the step)? Every
 * viridis colour has a channel below 0.35, so none reaches 0.78 of white. */
static gboolean
is_dimmed (cairo_surface_t *surface,
           double           x,
           double           y)
{
  int r, g, b;

  test_pixel_at (surface, x, y, &r, &g, &b);
  return MIN (MIN (r, g), b) >= (int) floor (DIMMED * 255);
}

/* A 1000 x 1000 matrix (cells smaller than a pixel) is redrawn at one step
 * after another, the rows after each step dimmed and the rows before it
 * not, and its corner cell is hit exactly. Its speed is measured in
 * tests/bench/bench-figure.c, not here. */
static void
test_large_matrix (void)
{
  g_autoptr (AsFigure) figure = as_figure_new ();
  g_autofree float *weights = g_new (float, 1000 * 1000);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 900, 700);
  cairo_t *cr = cairo_create (surface);
  int row, column;
  AsFigureRect grid, cell;

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
      cairo_surface_flush (surface);

      g_assert_true (as_figure_get_cell_rect (figure, 900, 700, i * 50 + 10, 500, &cell));
      if (!is_dimmed (surface, cell.x, cell.y))
        g_error ("at step %d, row %d is not dimmed", i * 50, i * 50 + 10);
      if (i > 0)
        {
          g_assert_true (as_figure_get_cell_rect (figure, 900, 700, i * 50 - 10, 500, &cell));
          if (is_dimmed (surface, cell.x, cell.y))
            g_error ("at step %d, row %d is dimmed", i * 50, i * 50 - 10);
        }
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

/* A grid of panels: 2 layers x 3 heads over the same axes, panel p holding
 * the 0..1 test matrix with its columns turned by p, so that no two panels
 * are alike. Drawn at its natural size, at a window's and exported as PNG,
 * with every row and with rows after step 1 dimmed: every cell centre of
 * every panel has its weight's known colour, the panels do not overlap, the
 * hit test names the panel, row and column of each cell centre and nothing
 * between two panels, and a cell's tooltip ends with its panel's name. */
static void
test_panels (void)
{
  enum { N_LAYERS = 2, N_HEADS = 3, N_PANELS = N_LAYERS * N_HEADS, N_ROWS = 3, N_COLUMNS = 5 };
  const char *columns[] = { "the", "cat", "sat", "down", "EOS" };
  const char *inputs[] = { "SOS", "le", "chat" };
  const char *outputs[] = { "le", "chat", "EOS" };
  const float probs[] = { 0.9f, 0.8f, 0.7f };
  float weights[N_PANELS * N_ROWS * N_COLUMNS];
  g_autoptr (AsFigure) figure = as_figure_new ();
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *cell_text = NULL;
  guint n_layers, n_heads;
  int natural_w, natural_h;

  for (guint p = 0; p < N_PANELS; p++)
    for (guint r = 0; r < N_ROWS; r++)
      for (guint c = 0; c < N_COLUMNS; c++)
        weights[(p * N_ROWS + r) * N_COLUMNS + c] = full_weights[r * N_COLUMNS + (c + p) % N_COLUMNS];

  as_figure_set_panels (figure, N_LAYERS, N_HEADS, N_ROWS, N_COLUMNS, weights);
  test_set_cross_axes (figure, columns, NULL, inputs, outputs, probs);
  as_figure_set_text (figure, "the cat sat down", "le chat");
  g_assert_cmpuint (as_figure_get_n_panels (figure), ==, N_PANELS);
  as_figure_get_panel_grid (figure, &n_layers, &n_heads);
  g_assert_cmpuint (n_layers, ==, N_LAYERS);
  g_assert_cmpuint (n_heads, ==, N_HEADS);
  g_assert_cmpfloat (as_figure_get_panel_weight (figure, 4, 1, 2), ==, full_weights[1 * N_COLUMNS + 1]);
  as_figure_get_natural_size (figure, &natural_w, &natural_h);

  for (int step = -1; step <= 1; step += 2)
    for (guint size = 0; size < 3; size++)
      {
        int width = size == 1 ? 900 : natural_w;
        int height = size == 1 ? 700 : natural_h;
        g_autofree char *where = g_strdup_printf ("the grid %s at %d x %d, step %d",
                                                  size == 2 ? "exported as PNG" : "drawn", width, height, step);
        cairo_surface_t *surface;

        as_figure_set_step (figure, step);
        surface = size == 2 ? export_and_read_back (figure, dir, "png") : draw_figure (figure, width, height);
        check_size (surface, width, height, 0, where);

        for (guint p = 0; p < N_PANELS; p++)
          {
            AsFigureRect panel, other, between;

            g_assert_true (as_figure_get_panel_rect (figure, width, height, p, &panel));
            for (guint q = p + 1; q < N_PANELS; q++)
              {
                g_assert_true (as_figure_get_panel_rect (figure, width, height, q, &other));
                if (panel.x < other.x + other.width && other.x < panel.x + panel.width &&
                    panel.y < other.y + other.height && other.y < panel.y + panel.height)
                  g_error ("%s: panels %u and %u overlap", where, p, q);
              }

            /* between this panel and the next one on its right: nothing */
            if (p % N_HEADS + 1 < N_HEADS)
              {
                int hit_panel, row, column;

                g_assert_true (as_figure_get_panel_rect (figure, width, height, p + 1, &between));
                g_assert_cmpfloat (panel.x + panel.width, <, between.x);
                g_assert_cmpint (as_figure_hit_test_panel (figure, width, height,
                                                           (panel.x + panel.width + between.x) / 2,
                                                           panel.y + panel.height / 2,
                                                           &hit_panel, &row, &column),
                                 ==, AS_FIGURE_PART_NONE);
                g_assert_cmpint (hit_panel, ==, -1);
              }

            for (guint r = 0; r < N_ROWS; r++)
              for (guint c = 0; c < N_COLUMNS; c++)
                {
                  float weight = weights[(p * N_ROWS + r) * N_COLUMNS + c];
                  const double *known = known_color (AS_COLORMAP_VIRIDIS, weight);
                  double rgb[3] = { known[0], known[1], known[2] };
                  g_autofree char *what = NULL;
                  AsFigureRect cell;
                  int hit_panel, row, column;

                  if (step >= 0 && (int) r > step)
                    for (guint i = 0; i < 3; i++)
                      rgb[i] = rgb[i] * (1 - DIMMED) + 1.0 * DIMMED;
                  what = g_strdup_printf ("%s: panel %u, cell (row %u, column %u) of weight %.4f%s",
                                          where, p, r, c, weight, step >= 0 && (int) r > step ? " (dimmed)" : "");
                  g_assert_true (as_figure_get_panel_cell_rect (figure, width, height, p, r, c, &cell));
                  g_assert_cmpfloat (cell.x, >=, panel.x);
                  g_assert_cmpfloat (cell.x + cell.width, <=, panel.x + panel.width);
                  check_pixel (surface, cell.x + cell.width / 2, cell.y + cell.height / 2, rgb, 1, what);

                  g_assert_cmpint (as_figure_hit_test_panel (figure, width, height, cell.x + cell.width / 2,
                                                             cell.y + cell.height / 2, &hit_panel, &row, &column),
                                   ==, AS_FIGURE_PART_CELL);
                  g_assert_cmpint (hit_panel, ==, p);
                  g_assert_cmpint (row, ==, r);
                  g_assert_cmpint (column, ==, c);
                }
          }
        cairo_surface_destroy (surface);
      }

  /* panel 4 is layer 1, head 1; its cell (1, 2) holds full_weights[1][1] */
  cell_text = as_figure_describe_panel (figure, AS_FIGURE_PART_CELL, 4, 1, 2);
  g_assert_cmpstr (cell_text, ==,
                   "Source: sat\n"
                   "Target: chat (fed in: le)\n"
                   "Weight: 0.750\n"
                   "Step 2 of 3\n"
                   "Layer 1 · head 1");

  g_assert_cmpuint (count_entries (dir), ==, 0);
  remove_tree (dir);
}

/* Masked cells
 *
 * Decoder self-attention: step t sees the t + 1 tokens fed in so far, the
 * rest of its row is masked (stored as 0). A masked cell is the
 * background hatched with a muted foreground colour, which no weight's
 * colour is: checked pixel by pixel against the colours the test gave the
 * figure, in every colour map, in light and dark colours. */

static const AsFigureColor light_text = { 0.12, 0.12, 0.12, 1.0 };
static const AsFigureColor light_base = { 1.0, 1.0, 1.0, 1.0 };
static const AsFigureColor dark_text = { 0.92, 0.92, 0.92, 1.0 };
static const AsFigureColor dark_base = { 0.14, 0.14, 0.14, 1.0 };

/* 4 x 4, row r seeing r + 1 columns: every visible weight a known point,
 * the masked ones 0 as the session stores them. */
static const guint causal_lengths[4] = { 1, 2, 3, 4 };
static const float causal_weights[4 * 4] = {
  1.0f,   0.0f,   0.0f,   0.0f,
  0.75f,  0.25f,  0.0f,   0.0f,
  0.0f,   0.25f,  0.75f,  0.0f,
  0.25f,  0.0f,   MIDDLE, 0.25f,
};

/* The same visible weights, up to 128/255, with 1 stored in the masked
 * cells: a scale to the largest weight must not see them. */
static const float causal_masked_ones[4 * 4] = {
  MIDDLE, 1.0f,   1.0f,   1.0f,
  0.25f,  0.0f,   1.0f,   1.0f,
  0.0f,   0.25f,  MIDDLE, 1.0f,
  0.25f,  0.0f,   MIDDLE, 0.25f,
};

/* Axes as the session adapter gives decoder self-attention. */
static void
set_causal_axes (AsFigure *figure)
{
  const char *fed[] = { "SOS", "le", "chat", "noir" };
  const char *out[] = { "le", "chat", "noir", "EOS" };
  g_autoptr (AsFigureAxis) rows = as_figure_axis_new (4, as_figure_session_get_row_words (AS_ATTENTION_DECODER_SELF));
  g_autoptr (AsFigureAxis) columns = as_figure_axis_new (4, as_figure_session_get_column_words (AS_ATTENTION_DECODER_SELF));

  for (guint i = 0; i < 4; i++)
    {
      as_figure_axis_set_input (rows, i, fed[i]);
      as_figure_axis_set_label (rows, i, out[i]);
      as_figure_axis_set_value (rows, i, 0.9f - 0.1f * i);
      as_figure_axis_set_label (columns, i, fed[i]);
    }
  as_figure_set_axes (figure, rows, columns);
}

static AsFigure *
causal_figure (const float *weights)
{
  AsFigure *figure = as_figure_new ();

  as_figure_set_matrix (figure, 4, 4, weights);
  as_figure_set_row_lengths (figure, causal_lengths);
  set_causal_axes (figure);
  as_figure_set_text (figure, "the black cat", "le chat noir");
  return figure;
}

/* Fails unless the pixels of @cell (inset by a pixel) are the background
 * @bg with thin lines of a muted @fg: each pixel lies between @bg and @fg
 * (within @tolerance, 0..255), at least 40 % of them are @bg, 5 to 50 %
 * are ink (at least a fifth of the way to @fg) but none is @fg itself (at
 * most 70 % of the way), and at least 5 % are far from @zero, the colour
 * map's colour of a weight of 0. */
static void
check_masked_cell (cairo_surface_t     *surface,
                   const AsFigureRect  *cell,
                   const AsFigureColor *fg,
                   const AsFigureColor *bg,
                   const double        *zero,
                   int                  tolerance,
                   const char          *what)
{
  double b[3] = { bg->red * 255, bg->green * 255, bg->blue * 255 };
  double d[3] = { fg->red * 255 - b[0], fg->green * 255 - b[1], fg->blue * 255 - b[2] };
  double dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
  guint n = 0, n_bg = 0, n_ink = 0, n_not_zero = 0;
  double most_ink = 0.0;

  for (int y = (int) ceil (cell->y + 1); y < (int) floor (cell->y + cell->height - 1); y++)
    for (int x = (int) ceil (cell->x + 1); x < (int) floor (cell->x + cell->width - 1); x++)
      {
        int p[3];
        double t, off = 0.0, from_zero = 0.0;

        test_pixel_at (surface, x, y, &p[0], &p[1], &p[2]);
        t = ((p[0] - b[0]) * d[0] + (p[1] - b[1]) * d[1] + (p[2] - b[2]) * d[2]) / dd;
        t = CLAMP (t, 0.0, 1.0);
        for (guint i = 0; i < 3; i++)
          {
            off = MAX (off, fabs (p[i] - (b[i] + t * d[i])));
            from_zero = MAX (from_zero, fabs (p[i] - zero[i] * 255));
          }
        if (off > tolerance)
          g_error ("%s: pixel (%d, %d) is (%d, %d, %d), not between the background and the "
                   "foreground (%.0f off)", what, x, y, p[0], p[1], p[2], off);
        n++;
        n_bg += t <= 0.03;
        n_ink += t >= 0.2;
        n_not_zero += from_zero > 40;
        most_ink = MAX (most_ink, t);
      }

  g_assert_cmpuint (n, >=, 16);
  if (n_bg < n * 0.4)
    g_error ("%s: %u of %u pixels are the background, at least 40 %% expected", what, n_bg, n);
  if (n_ink < n * 0.05 || n_ink > n * 0.5)
    g_error ("%s: %u of %u pixels are hatched, 5 to 50 %% expected", what, n_ink, n);
  if (most_ink > 0.7)
    g_error ("%s: the hatch is %.0f %% of the way to the foreground colour, muted expected",
             what, most_ink * 100);
  if (n_not_zero < n * 0.05)
    g_error ("%s: only %u of %u pixels differ from the colour of a weight of 0", what, n_not_zero, n);
}

/* Every cell of panel @panel of @figure drawn in @surface (laid out in
 * @width x @height): masked ones hatched, the others their weight's known
 * colour. */
static void
check_causal_cells (AsFigure            *figure,
                    guint                panel,
                    const float         *weights,
                    cairo_surface_t     *surface,
                    int                  width,
                    int                  height,
                    const AsFigureColor *fg,
                    const AsFigureColor *bg,
                    int                  tolerance,
                    const char          *where)
{
  AsColormap map = as_figure_get_colormap (figure);

  for (guint r = 0; r < 4; r++)
    for (guint c = 0; c < 4; c++)
      {
        g_autofree char *what = g_strdup_printf ("%s, %s, panel %u: cell (row %u, column %u)%s", where,
                                                 as_colormap_get_name (map), panel, r, c,
                                                 c > r ? ", masked" : "");
        AsFigureRect cell;

        g_assert_true (as_figure_get_panel_cell_rect (figure, width, height, panel, r, c, &cell));
        g_assert_cmpint (as_figure_is_masked (figure, r, c), ==, c > r);
        if (c > r)
          check_masked_cell (surface, &cell, fg, bg, known_rgb[map][AT_0], tolerance, what);
        else
          check_pixel (surface, cell.x + cell.width / 2, cell.y + cell.height / 2,
                       known_color (map, weights[r * 4 + c]), tolerance / 2, what);
      }
}

/* Masked cells are hatched, not painted as a weight of 0 (there is a
 * visible 0 in row 2, painted as the map's 0), in every colour map, in
 * light and dark colours, at the natural size and at a window's. */
static void
test_masked_cells (void)
{
  for (guint map = 0; map < AS_N_COLORMAPS; map++)
    for (guint dark = 0; dark <= 1; dark++)
      for (guint size = 0; size < 2; size++)
        {
          g_autoptr (AsFigure) figure = causal_figure (causal_weights);
          const AsFigureColor *fg = dark ? &dark_text : &light_text;
          const AsFigureColor *bg = dark ? &dark_base : &light_base;
          g_autofree char *where = NULL;
          cairo_surface_t *surface;
          int width, height;

          as_figure_set_colormap (figure, map);
          as_figure_set_colors (figure, fg, bg, NULL, NULL);
          as_figure_get_natural_size (figure, &width, &height);
          if (size == 1)
            width = 701, height = 433;
          where = g_strdup_printf ("%s colours, drawn at %d x %d", dark ? "dark" : "light", width, height);
          surface = draw_figure (figure, width, height);
          check_causal_cells (figure, 0, causal_weights, surface, width, height, fg, bg, 3, where);
          cairo_surface_destroy (surface);
        }
}

/* The lengths: copied, clamped, reset by a new matrix; a row that sees
 * every column is no mask at all. */
static void
test_masked_lengths (void)
{
  g_autoptr (AsFigure) figure = causal_figure (causal_weights);
  guint lengths[4] = { 2, 9, 4, 0 };

  for (guint r = 0; r < 4; r++)
    g_assert_cmpuint (as_figure_get_row_length (figure, r), ==, r + 1);
  g_assert_true (as_figure_is_masked (figure, 0, 1));
  g_assert_false (as_figure_is_masked (figure, 1, 1));

  as_figure_set_row_lengths (figure, lengths);
  lengths[0] = 4;   /* copied: this changes nothing */
  g_assert_cmpuint (as_figure_get_row_length (figure, 0), ==, 2);
  g_assert_cmpuint (as_figure_get_row_length (figure, 1), ==, 4);
  g_assert_cmpuint (as_figure_get_row_length (figure, 3), ==, 0);
  g_assert_true (as_figure_is_masked (figure, 3, 0));

  as_figure_set_row_lengths (figure, NULL);
  for (guint r = 0; r < 4; r++)
    g_assert_cmpuint (as_figure_get_row_length (figure, r), ==, 4);

  as_figure_set_row_lengths (figure, causal_lengths);
  as_figure_set_matrix (figure, 4, 4, causal_weights);
  g_assert_false (as_figure_is_masked (figure, 0, 3));
}

/* Scaled to the largest weight, the masked cells (which hold 1 here) are
 * left out: the largest visible weight, 128/255, is the map's top colour
 * and the colour bar's top tick reads 0.5. Without the mask, 1 is the
 * largest and 128/255 keeps its own colour. */
static void
test_masked_scale_max (void)
{
  g_autoptr (AsFigure) figure = causal_figure (causal_masked_ones);
  cairo_surface_t *surface;
  AsFigureRect cell;
  int width, height;
  Box bar;

  as_figure_set_scale (figure, AS_FIGURE_SCALE_MAX);
  as_figure_get_natural_size (figure, &width, &height);
  surface = draw_figure (figure, width, height);
  g_assert_true (as_figure_get_cell_rect (figure, width, height, 2, 2, &cell));
  check_pixel (surface, cell.x + cell.width / 2, cell.y + cell.height / 2,
               known_rgb[AS_COLORMAP_VIRIDIS][AT_1], 1,
               "scaled to the largest visible weight: a weight of 128/255 (the masked cells hold 1)");
  g_assert_true (as_figure_get_cell_rect (figure, width, height, 1, 1, &cell));
  check_pixel (surface, cell.x + cell.width / 2, cell.y + cell.height / 2,
               known_rgb[AS_COLORMAP_VIRIDIS][AT_0], 1, "scaled to the largest visible weight: a weight of 0");
  bar = find_colorbar (figure, surface);
  check_tick_label (surface, bar, bar.y0, "0.5", "the colour bar scaled to the largest visible weight");
  cairo_surface_destroy (surface);

  as_figure_set_row_lengths (figure, NULL);
  surface = draw_figure (figure, width, height);
  g_assert_true (as_figure_get_cell_rect (figure, width, height, 2, 2, &cell));
  check_pixel (surface, cell.x + cell.width / 2, cell.y + cell.height / 2,
               known_rgb[AS_COLORMAP_VIRIDIS][AT_MIDDLE], 1,
               "without the mask, the largest weight is 1: a weight of 128/255");
  cairo_surface_destroy (surface);
}

/* A masked cell's tooltip says it is masked and gives no weight; a row's
 * and a column's name only what is seen. */
static void
test_masked_describe (void)
{
  g_autoptr (AsFigure) figure = causal_figure (causal_masked_ones);
  g_autofree char *masked = as_figure_describe (figure, AS_FIGURE_PART_CELL, 1, 3);
  g_autofree char *seen = as_figure_describe (figure, AS_FIGURE_PART_CELL, 3, 2);
  g_autofree char *row = as_figure_describe (figure, AS_FIGURE_PART_ROW_LABEL, 1, -1);
  g_autofree char *column = as_figure_describe (figure, AS_FIGURE_PART_COLUMN_LABEL, -1, 3);
  int hit_row, hit_column;
  AsFigureRect cell;

  g_assert_cmpstr (masked, ==,
                   "Target token: noir\n"
                   "Target: chat (fed in: le)\n"
                   "Masked: step 2 does not see target token 4, which comes after it\n"
                   "Step 2 of 4");
  g_assert_cmpstr (seen, ==,
                   "Target token: chat\n"
                   "Target: EOS (fed in: noir)\n"
                   "Weight: 0.502\n"
                   "Step 4 of 4");
  /* row 1 holds 1 in its masked cells and 0.25 at most in those it sees */
  g_assert_cmpstr (row, ==,
                   "Step 2 of 4: fed in le, came out chat, probability 0.800\n"
                   "Looked most at SOS (0.250)");
  /* only step 4 sees the last token fed in */
  g_assert_cmpstr (column, ==,
                   "Target token 4 of 4: noir\n"
                   "Most attended at step 4 (EOS, 0.250)");

  /* a masked cell is hit as a cell, for its tooltip */
  g_assert_true (as_figure_get_cell_rect (figure, 640, 480, 1, 3, &cell));
  g_assert_cmpint (as_figure_hit_test (figure, 640, 480, cell.x + 2, cell.y + 2, &hit_row, &hit_column),
                   ==, AS_FIGURE_PART_CELL);
  g_assert_cmpint (hit_row, ==, 1);
  g_assert_cmpint (hit_column, ==, 3);
}

/* A grid of panels is masked in every panel, on screen and in a PNG. */
static void
test_masked_panels (void)
{
  float weights[2 * 2 * 16];
  g_autoptr (AsFigure) figure = as_figure_new ();
  g_autofree char *dir = make_tmpdir ();
  int width, height;

  for (guint p = 0; p < 4; p++)
    memcpy (weights + p * 16, causal_weights, sizeof causal_weights);
  as_figure_set_panels (figure, 2, 2, 4, 4, weights);
  as_figure_set_row_lengths (figure, causal_lengths);
  set_causal_axes (figure);
  as_figure_get_natural_size (figure, &width, &height);

  for (guint png = 0; png <= 1; png++)
    {
      cairo_surface_t *surface = png ? export_and_read_back (figure, dir, "png") : draw_figure (figure, width, height);

      for (guint p = 0; p < 4; p++)
        check_causal_cells (figure, p, causal_weights, surface, width, height, &light_text, &light_base, 3,
                            png ? "a grid exported as PNG" : "a grid drawn");
      cairo_surface_destroy (surface);
    }
  remove_tree (dir);
}

/* The exports are masked as the screen is: PNG, SVG (rsvg-convert) and
 * PDF (pdftoppm) read back; the SVG's description says what the hatch
 * means. */
static void
test_masked_export (void)
{
  static const char *formats[] = { "png", "svg", "pdf" };
  g_autofree char *dir = make_tmpdir ();

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    for (guint map = 0; map < AS_N_COLORMAPS; map++)
      {
        g_autoptr (AsFigure) figure = causal_figure (causal_weights);
        g_autofree char *where = g_strdup_printf ("exported as %s and read back", formats[f]);
        cairo_surface_t *surface;
        int width, height;

        as_figure_set_colormap (figure, map);
        as_figure_get_natural_size (figure, &width, &height);
        surface = export_and_read_back (figure, dir, formats[f]);
        if (surface == NULL)
          {
            remove_tree (dir);
            return;
          }
        check_size (surface, width, height, 1, where);
        check_causal_cells (figure, 0, causal_weights, surface, width, height, &light_text, &light_base, 8, where);
        cairo_surface_destroy (surface);
      }

  {
    g_autoptr (AsFigure) figure = causal_figure (causal_weights);
    g_autofree char *path = g_build_filename (dir, "masked.svg", NULL);
    g_autofree char *contents = NULL;
    g_autoptr (GError) error = NULL;

    g_assert_true (as_figure_export (figure, path, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
    g_assert_nonnull (strstr (contents, "Hatched cells are masked: steps do not see the target tokens "
                                        "that come after them."));
    g_unlink (path);
  }

  g_assert_cmpuint (count_entries (dir), ==, 0);
  remove_tree (dir);
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
        g_assert_cmpfloat (as_figure_get_weight (figure, r, c), ==, as_session_get_cross_attention (session, r)[c]);
    }

  /* the adapter's words: the tooltips read as they did before the figure
   * had axes */
  {
    g_autofree char *cell = as_figure_describe (figure, AS_FIGURE_PART_CELL, 1, 1);
    g_autofree char *row = as_figure_describe (figure, AS_FIGURE_PART_ROW_LABEL, 0, -1);
    g_autofree char *column = as_figure_describe (figure, AS_FIGURE_PART_COLUMN_LABEL, -1, 1);

    g_assert_cmpstr (cell, ==,
                     "Source: qwerty (not in the vocabulary)\n"
                     "Target: bonjour (fed in: monde)\n"
                     "Weight: 0.004\n"
                     "Step 2 of 5");
    g_assert_cmpstr (row, ==,
                     "Step 1 of 5: fed in SOS, came out monde, probability 0.994\n"
                     "Looked most at hello (0.996)");
    g_assert_cmpstr (column, ==,
                     "Source token 2 of 4: qwerty\n"
                     "Not in the model's vocabulary: read as the unknown token\n"
                     "Most attended at step 4 (!, 0.082)");
  }

  /* the mean of the model's one head is that head */
  g_assert_true (as_figure_set_session_attention (figure, session, AS_ATTENTION_CROSS, 0, AS_ATTENTION_MEAN,
                                                  &error));
  g_assert_no_error (error);
  for (guint r = 0; r < as_figure_get_n_rows (figure); r++)
    for (guint c = 0; c < 4; c++)
      g_assert_cmpfloat (as_figure_get_weight (figure, r, c), ==, as_session_get_cross_attention (session, r)[c]);

  /* attention the model does not have: refused, the figure as it was */
  g_assert_false (as_figure_set_session_attention (figure, session, AS_ATTENTION_ENCODER_SELF, 0, 0, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (as_figure_set_session_attention (figure, session, AS_ATTENTION_CROSS, 1, 0, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (as_figure_set_session_attention (figure, session, AS_ATTENTION_CROSS, 0, 1, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_INVALID);
  g_assert_cmpuint (as_figure_get_n_columns (figure), ==, 4);
  g_assert_cmpstr (as_figure_get_column_label (figure, 1), ==, "qwerty");
}

/* From a session of the bundled Transformer (2 + 2 layers, 2 heads,
 * random weights), the target forced: "bonjour monde !" and the end, 4
 * steps over 5 source tokens. */
static AsSession *
tiny_transformer_session (void)
{
  g_autofree char *path = g_build_filename (as_models_dir (), "tiny-transformer.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) model = NULL;
  AsSession *session;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_fail_printf ("%s is not there: the bundled model is part of the source tree "
                          "(ATTNSCOPE_MODELS_DIR=%s)", path, as_models_dir ());
      return NULL;
    }
  model = as_model_new_from_file (path, &error);
  g_assert_no_error (error);
  session = as_session_new (model, "hello world !", &error);
  g_assert_no_error (error);
  g_assert_true (as_session_decode_forced (session, "bonjour monde !", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 4);
  g_assert_cmpuint (as_session_get_n_source (session), ==, 5);
  return session;
}

/* Decoder self-attention is masked where the session says a step does not
 * look (after the tokens fed in so far), in one panel and in the grid;
 * cross and encoder self-attention are not masked at all. */
static void
test_session_masks (void)
{
  g_autoptr (AsSession) session = tiny_transformer_session ();
  g_autoptr (AsFigure) figure = as_figure_new ();
  g_autoptr (GError) error = NULL;
  const AsAttention *attention;

  if (session == NULL)
    return;
  attention = as_session_get_attention (session, AS_ATTENTION_DECODER_SELF);

  for (guint grid = 0; grid <= 1; grid++)
    {
      if (grid)
        g_assert_true (as_figure_set_session_grid (figure, session, AS_ATTENTION_DECODER_SELF, &error));
      else
        g_assert_true (as_figure_set_session_attention (figure, session, AS_ATTENTION_DECODER_SELF, 1, 0, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (as_figure_get_n_rows (figure), ==, 4);
      g_assert_cmpuint (as_figure_get_n_columns (figure), ==, 4);
      for (guint r = 0; r < 4; r++)
        {
          g_assert_cmpuint (as_figure_get_row_length (figure, r), ==, as_attention_get_row_length (attention, r));
          g_assert_cmpuint (as_figure_get_row_length (figure, r), ==, r + 1);
        }
      g_assert_true (as_figure_is_masked (figure, 0, 1));
      g_assert_false (as_figure_is_masked (figure, 3, 3));
    }

  /* the tooltip of a masked cell */
  g_assert_true (as_figure_set_session_attention (figure, session, AS_ATTENTION_DECODER_SELF, 1, 0, &error));
  {
    g_autofree char *text = as_figure_describe (figure, AS_FIGURE_PART_CELL, 1, 3);

    g_assert_cmpstr (text, ==,
                     "Target token: !\n"
                     "Target: monde (fed in: bonjour)\n"
                     "Masked: step 2 does not see target token 4, which comes after it\n"
                     "Step 2 of 4");
  }

  g_assert_true (as_figure_set_session_attention (figure, session, AS_ATTENTION_CROSS, 1, AS_ATTENTION_MEAN, &error));
  for (guint r = 0; r < 4; r++)
    g_assert_cmpuint (as_figure_get_row_length (figure, r), ==, 5);
  g_assert_true (as_figure_set_session_grid (figure, session, AS_ATTENTION_ENCODER_SELF, &error));
  for (guint r = 0; r < 5; r++)
    g_assert_cmpuint (as_figure_get_row_length (figure, r), ==, 5);
  g_assert_no_error (error);
}

/* The second line of ink from the top of @surface: the subtitle, under
 * the title. */
static Box
subtitle_ink (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int band = 0, start = -1, end = -1;
  gboolean in_band = FALSE;
  Box ink;

  for (int y = 0; y < height && end < 0; y++)
    {
      gboolean row_ink = FALSE;

      for (int x = 0; x < width && !row_ink; x++)
        {
          int r, g, b;

          test_pixel_at (surface, x, y, &r, &g, &b);
          row_ink = MIN (MIN (r, g), b) < 250;
        }
      if (row_ink && !in_band)
        {
          band++;
          start = y;
        }
      else if (!row_ink && in_band && band == 2)
        end = y;
      in_band = row_ink;
    }
  if (band < 2 || end < 0)
    g_error ("no second line of text (the subtitle) under the title");
  g_assert_true (ink_box (surface, (Box) { 0, start, width, end }, &ink));
  return ink;
}

/* Fails unless the subtitle drawn in @surface reads @expected, and reads
 * it rather than @other. */
static void
check_subtitle (cairo_surface_t *surface,
                const char      *expected,
                const char      *other,
                const char      *where)
{
  Box ink = subtitle_ink (surface), expected_ink, other_ink;
  cairo_surface_t *a = render_line (expected, 1800, &expected_ink);
  cairo_surface_t *b = render_line (other, 1800, &other_ink);
  double to_expected = ink_distance (surface, ink, a, expected_ink);
  double to_other = ink_distance (surface, ink, b, other_ink);

  if (to_expected > 0.1 || to_expected >= to_other)
    g_error ("%s: the subtitle (ink %d x %d) does not read \"%s\" (distance %.2f; to \"%s\": %.2f; "
             "its ink is %d wide, the expected text's %d)", where, ink.x1 - ink.x0, ink.y1 - ink.y0,
             expected, to_expected, other, to_other, ink.x1 - ink.x0, expected_ink.x1 - expected_ink.x0);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

/* The text of @path's <title> and <desc>. */
static char *
svg_description (const char *path)
{
  static const GMarkupParser parser = { svg_start, svg_end, svg_text, NULL, NULL };
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GMarkupParseContext) context = NULL;
  SvgCheck check = { 0 };
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  check.title = g_string_new (NULL);
  context = g_markup_parse_context_new (&parser, 0, &check, NULL);
  g_assert_true (g_markup_parse_context_parse (context, contents, length, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_true (check.has_svg_root);
  return g_string_free (check.title, FALSE);
}

/* The figure's subject names the kind, the layer and the head of a model
 * with more than one of either: in the subtitle drawn, in the SVG's
 * <desc> and in the PDF's subject; the GRU's (one layer, one head) reads
 * as it always has. */
static void
test_session_titles (void)
{
  g_autoptr (AsSession) session = tiny_transformer_session ();
  g_autoptr (AsFigure) figure = as_figure_new ();
  g_autoptr (AsModel) gru = NULL;
  g_autoptr (AsSession) gru_session = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *svg = g_build_filename (dir, "figure.svg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "figure.pdf", NULL);
  cairo_surface_t *surface;
  int width, height;

  if (session == NULL)
    return;

  as_figure_set_session (figure, session);
  g_assert_cmpstr (as_figure_get_subject (figure), ==, "Cross-attention · layer 1 (of 0–1) · mean of 2 heads");
  g_assert_true (as_figure_set_session_attention (figure, session, AS_ATTENTION_DECODER_SELF, 0, 1, &error));
  g_assert_cmpstr (as_figure_get_subject (figure), ==, "Decoder self-attention · layer 0 (of 0–1) · head 1 (of 0–1)");
  g_assert_true (as_figure_set_session_grid (figure, session, AS_ATTENTION_CROSS, &error));
  g_assert_cmpstr (as_figure_get_subject (figure), ==, "Cross-attention · all 2 layers × 2 heads");
  g_assert_no_error (error);

  /* drawn: the subject starts the subtitle */
  g_assert_true (as_figure_set_session_attention (figure, session, AS_ATTENTION_CROSS, 1, AS_ATTENTION_MEAN, &error));
  as_figure_get_natural_size (figure, &width, &height);
  surface = draw_figure (figure, width, height);
  check_subtitle (surface,
                  "Cross-attention · layer 1 (of 0–1) · mean of 2 heads   ·   All 4 steps   ·   "
                  "rows: token fed in → token that came out",
                  "All 4 steps   ·   rows: token fed in → token that came out", "cross-attention, layer 1, mean");
  cairo_surface_destroy (surface);

  /* the SVG's description and the PDF's subject say it */
  g_assert_true (as_figure_export (figure, pdf, &error));
  g_assert_no_error (error);
  {
    const char *argv[] = { "pdfinfo", pdf, NULL };
    g_autofree char *program = g_find_program_in_path ("pdfinfo");
    g_autofree char *out = NULL;
    int status;

    if (program == NULL)
      g_test_fail_printf ("pdfinfo is not installed: it is in Debian's poppler-utils package");
    else
      {
        g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                                     NULL, NULL, &out, NULL, &status, &error));
        g_assert_no_error (error);
        g_assert_true (g_spawn_check_wait_status (status, NULL));
        if (!g_regex_match_simple ("^Subject: +Cross-attention · layer 1 \\(of 0–1\\) · mean of 2 heads$", out,
                                   G_REGEX_MULTILINE, 0))
          g_error ("the PDF's subject is not the figure's: pdfinfo says\n%s", out);
      }
  }

  g_assert_true (as_figure_set_session_grid (figure, session, AS_ATTENTION_ENCODER_SELF, &error));
  as_figure_set_step (figure, -1);
  as_figure_get_natural_size (figure, &width, &height);
  surface = draw_figure (figure, width, height);
  check_subtitle (surface, "Encoder self-attention · all 2 layers × 2 heads   ·   All 5 source tokens",
                  "All 5 source tokens", "the grid of encoder self-attention");
  cairo_surface_destroy (surface);
  g_assert_true (as_figure_export (figure, svg, &error));
  g_assert_no_error (error);
  {
    g_autofree char *desc = svg_description (svg);

    if (strstr (desc, "\nEncoder self-attention · all 2 layers × 2 heads.\nSource tokens: <bos> hello world ! <eos>.") == NULL)
      g_error ("the SVG's description does not say what it shows:\n%s", desc);
  }

  /* none left over from one session to the next */
  as_figure_set_session (figure, NULL);
  g_assert_null (as_figure_get_subject (figure));

  /* one layer, one head: the GRU's text as it was */
  gru = load_tiny_model ();
  if (gru == NULL)
    return;
  gru_session = as_session_new (gru, "Hello qwerty world", &error);
  g_assert_no_error (error);
  g_assert_true (as_session_decode_greedy (gru_session, &error));
  g_assert_true (as_figure_set_session_attention (figure, gru_session, AS_ATTENTION_CROSS, 0, 0, &error));
  g_assert_true (as_figure_set_session_attention (figure, session, AS_ATTENTION_CROSS, 0, 0, &error));
  g_assert_nonnull (as_figure_get_subject (figure));
  as_figure_set_session (figure, gru_session);
  g_assert_null (as_figure_get_subject (figure));
  as_figure_get_natural_size (figure, &width, &height);
  surface = draw_figure (figure, width, height);
  check_subtitle (surface, "All 5 steps   ·   rows: token fed in → token that came out   ·   ? not in the vocabulary",
                  "Cross-attention   ·   All 5 steps   ·   rows: token fed in → token that came out   ·   ? not in the vocabulary",
                  "the GRU");
  cairo_surface_destroy (surface);
  g_assert_true (as_figure_set_session_grid (figure, gru_session, AS_ATTENTION_CROSS, &error));
  g_assert_null (as_figure_get_subject (figure));
  g_assert_true (as_figure_export (figure, svg, &error));
  {
    g_autofree char *desc = svg_description (svg);

    g_assert_true (g_str_has_prefix (desc, "Attention: Hello qwerty world → "));
    /* the description starts with the source tokens, as it always has */
    g_assert_nonnull (strstr (desc, "\nSource tokens: hello qwerty(?) world EOS.\n"));
    g_assert_null (strstr (desc, "Cross-attention"));
  }

  g_unlink (svg);
  g_unlink (pdf);
  remove_tree (dir);
}

/* The lines view
 *
 * The column tokens in a list on the left, the row tokens on the right,
 * joined by a line for each weight of 0.02 or more, in the accent colour,
 * wider and more opaque as the weight grows. The test figures pair column
 * i with row i alone (every other weight 0, so not drawn): each line then
 * runs level from one token to the other, and a vertical cut through the
 * middle of the lines' area crosses each pair's line and nothing else. */

#define N_DIAGONAL 5

/* Row i gives column i these weights; the last is below 0.02. */
static const float diagonal_values[N_DIAGONAL] = { 1.0f, 0.5f, 0.25f, 0.1f, 0.01f };

static const AsFigureColor test_accent = { 0.80, 0.20, 0.10, 1.0 };

static AsFigure *
diagonal_figure (void)
{
  AsFigure *figure = as_figure_new ();
  const char *columns[] = { "the", "cat", "sat", "down", "EOS" };
  const char *inputs[] = { "SOS", "le", "chat", "assis", "bas" };
  const char *outputs[] = { "le", "chat", "assis", "bas", "EOS" };
  const float probs[] = { 0.9f, 0.8f, 0.7f, 0.6f, 0.5f };
  float weights[N_DIAGONAL * N_DIAGONAL] = { 0 };

  for (guint i = 0; i < N_DIAGONAL; i++)
    weights[i * N_DIAGONAL + i] = diagonal_values[i];
  as_figure_set_matrix (figure, N_DIAGONAL, N_DIAGONAL, weights);
  test_set_cross_axes (figure, columns, NULL, inputs, outputs, probs);
  as_figure_set_text (figure, "the cat sat down", "le chat assis bas");
  as_figure_set_colors (figure, &light_text, &light_base, &test_accent, NULL);
  as_figure_set_view (figure, AS_FIGURE_VIEW_LINES);
  return figure;
}

typedef struct
{
  double ink;        /* the sum over the cut of how far each pixel is from the background to the accent, 0..1 */
  guint  thickness;  /* pixels at least 5 % of the way */
  double peak;       /* the most, 0..1 */
} LineInk;

/* The ink of the line crossing the vertical cut at @x from @y0 to @y1 of
 * @surface, measured between @bg and @accent; fails unless every pixel
 * lies between the two (within @tolerance, 0..255): the line is in the
 * accent colour. */
static LineInk
line_ink (cairo_surface_t     *surface,
          double               x,
          double               y0,
          double               y1,
          const AsFigureColor *bg,
          const AsFigureColor *accent,
          int                  tolerance,
          const char          *what)
{
  double b[3] = { bg->red * 255, bg->green * 255, bg->blue * 255 };
  double d[3] = { accent->red * 255 - b[0], accent->green * 255 - b[1], accent->blue * 255 - b[2] };
  double dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
  LineInk ink = { 0 };

  for (int y = (int) ceil (y0); y < (int) floor (y1); y++)
    {
      int p[3];
      double t, off = 0.0;

      test_pixel_at (surface, x, y, &p[0], &p[1], &p[2]);
      t = CLAMP (((p[0] - b[0]) * d[0] + (p[1] - b[1]) * d[1] + (p[2] - b[2]) * d[2]) / dd, 0.0, 1.0);
      for (guint i = 0; i < 3; i++)
        off = MAX (off, fabs (p[i] - (b[i] + t * d[i])));
      if (off > tolerance)
        g_error ("%s: pixel (%.0f, %d) is (%d, %d, %d), not between the background and the accent colour "
                 "(%.0f off)", what, x, y, p[0], p[1], p[2], off);
      ink.ink += t;
      ink.thickness += t >= 0.05;
      ink.peak = MAX (ink.peak, t);
    }
  return ink;
}

/* The ink of the line of pair @i (column i to row i) of a diagonal
 * figure laid out in @width x @height, halfway between its ends. */
static LineInk
pair_ink (AsFigure        *figure,
          cairo_surface_t *surface,
          double           width,
          double           height,
          guint            i,
          int              tolerance,
          const char      *where)
{
  AsFigureColor fg, bg, accent;
  AsFigureRect grid, row, column;
  g_autofree char *what = g_strdup_printf ("%s: the line of weight %.2f", where, diagonal_values[i]);

  as_figure_get_colors (figure, &fg, &bg, &accent, NULL);
  g_assert_true (as_figure_get_grid_rect (figure, width, height, &grid));
  g_assert_true (as_figure_get_row_rect (figure, width, height, i, &row));
  g_assert_true (as_figure_get_column_rect (figure, width, height, i, &column));
  /* the pair's tokens face each other across the lines' area */
  g_assert_cmpfloat_with_epsilon (row.y, column.y, 1e-9);
  g_assert_cmpfloat (column.x + column.width, <=, grid.x);
  g_assert_cmpfloat (row.x, >=, grid.x + grid.width);
  return line_ink (surface, grid.x + grid.width / 2, row.y + 1, row.y + row.height - 1, &bg, &accent,
                   tolerance, what);
}

/* Each weight's line is there, in the accent colour, wider and more
 * opaque the larger the weight; a weight below 0.02 has none; the largest
 * is the accent itself. At the natural size and at a window's. */
static void
check_diagonal_lines (AsFigure        *figure,
                      cairo_surface_t *surface,
                      double           width,
                      double           height,
                      int              tolerance,
                      const char      *where)
{
  LineInk ink[N_DIAGONAL];

  for (guint i = 0; i < N_DIAGONAL; i++)
    ink[i] = pair_ink (figure, surface, width, height, i, tolerance, where);

  for (guint i = 0; i + 2 < N_DIAGONAL; i++)
    if (!(ink[i].ink > ink[i + 1].ink && ink[i].peak > ink[i + 1].peak && ink[i].thickness >= ink[i + 1].thickness))
      g_error ("%s: the line of weight %.2f (ink %.2f, peak %.2f, %u px) is not stronger than that of weight %.2f "
               "(ink %.2f, peak %.2f, %u px)", where, diagonal_values[i], ink[i].ink, ink[i].peak, ink[i].thickness,
               diagonal_values[i + 1], ink[i + 1].ink, ink[i + 1].peak, ink[i + 1].thickness);
  if (ink[0].thickness <= ink[2].thickness + 1)
    g_error ("%s: the line of weight 1 (%u px) is not wider than that of weight 0.25 (%u px)", where,
             ink[0].thickness, ink[2].thickness);
  if (ink[0].thickness < 3 || ink[0].peak < 0.95)
    g_error ("%s: the line of weight 1 is %u px thick and %.0f %% of the accent colour; a wide line of the "
             "accent expected", where, ink[0].thickness, ink[0].peak * 100);
  if (ink[N_DIAGONAL - 2].thickness < 1)
    g_error ("%s: the line of weight %.2f is not drawn", where, diagonal_values[N_DIAGONAL - 2]);
  if (ink[N_DIAGONAL - 1].thickness > 0)
    g_error ("%s: a line of weight %.2f (below 0.02) is drawn", where, diagonal_values[N_DIAGONAL - 1]);
}

static void
test_lines_weights (void)
{
  g_autoptr (AsFigure) figure = diagonal_figure ();
  cairo_surface_t *surface;
  int width, height;

  g_assert_cmpint (as_figure_get_view (figure), ==, AS_FIGURE_VIEW_LINES);
  as_figure_get_natural_size (figure, &width, &height);
  surface = draw_figure (figure, width, height);
  check_diagonal_lines (figure, surface, width, height, 3, "the lines view at its natural size");
  cairo_surface_destroy (surface);

  surface = draw_figure (figure, 800, 500);
  check_diagonal_lines (figure, surface, 800, 500, 3, "the lines view at 800 x 500");
  cairo_surface_destroy (surface);

  /* the view stays for the next matrix */
  as_figure_set_matrix (figure, 2, 2, small_weights);
  g_assert_cmpint (as_figure_get_view (figure), ==, AS_FIGURE_VIEW_LINES);
}

/* The two lists of tokens are what the hit test, the row and column
 * rectangles and the tooltips know: a token's strip is its label (hit
 * half-open, like cells), its tooltip the matrix's; the lines' area and
 * the title are nothing; there are no cells and nothing to scroll. */
static void
test_lines_hit_test (void)
{
  g_autoptr (AsFigure) figure = small_figure ();
  g_autofree char *matrix_row = as_figure_describe (figure, AS_FIGURE_PART_ROW_LABEL, 1, -1);
  g_autofree char *matrix_column = as_figure_describe (figure, AS_FIGURE_PART_COLUMN_LABEL, -1, 2);
  const int sizes[][2] = { { 640, 480 }, { 333, 251 }, { 0, 0 } };
  AsFigureRect rect, grid;
  int row, column;

  as_figure_set_view (figure, AS_FIGURE_VIEW_LINES);
  as_figure_get_natural_size (figure, (int *) &sizes[2][0], (int *) &sizes[2][1]);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      double width = sizes[s][0], height = sizes[s][1];
      double max_x, max_y;

      g_assert_false (as_figure_get_cell_rect (figure, width, height, 0, 0, &rect));
      as_figure_get_scroll_range (figure, width, height, &max_x, &max_y);
      g_assert_cmpfloat (max_x, ==, 0.0);
      g_assert_cmpfloat (max_y, ==, 0.0);
      g_assert_true (as_figure_get_grid_rect (figure, width, height, &grid));

      for (guint c = 0; c < 4; c++)
        {
          AsFigureRect next;

          g_assert_true (as_figure_get_column_rect (figure, width, height, c, &rect));
          g_assert_cmpfloat (rect.x + rect.width, <=, grid.x);
          g_assert_cmpint (as_figure_hit_test (figure, width, height, rect.x + rect.width / 2,
                                               rect.y + rect.height / 2, &row, &column),
                           ==, AS_FIGURE_PART_COLUMN_LABEL);
          g_assert_cmpint (column, ==, c);
          g_assert_cmpint (row, ==, -1);
          /* half-open: its top-left corner is in, its lower edge is the next one's */
          g_assert_cmpint (as_figure_hit_test (figure, width, height, rect.x, rect.y, &row, &column),
                           ==, AS_FIGURE_PART_COLUMN_LABEL);
          g_assert_cmpint (column, ==, c);
          as_figure_hit_test (figure, width, height, rect.x, rect.y + rect.height, &row, &column);
          if (c + 1 < 4)
            {
              g_assert_true (as_figure_get_column_rect (figure, width, height, c + 1, &next));
              g_assert_cmpfloat (next.y, ==, rect.y + rect.height);
              g_assert_cmpint (column, ==, c + 1);
            }
          else
            g_assert_cmpint (column, ==, -1);
        }

      for (guint r = 0; r < 3; r++)
        {
          g_assert_true (as_figure_get_row_rect (figure, width, height, r, &rect));
          g_assert_cmpfloat (rect.x, >=, grid.x + grid.width);
          g_assert_cmpint (as_figure_hit_test (figure, width, height, rect.x + 2, rect.y + rect.height / 2,
                                               &row, &column),
                           ==, AS_FIGURE_PART_ROW_LABEL);
          g_assert_cmpint (row, ==, r);
          g_assert_cmpint (column, ==, -1);
        }

      /* between the lists, and the title: nothing */
      g_assert_cmpint (as_figure_hit_test (figure, width, height, grid.x + grid.width / 2,
                                           grid.y + grid.height / 2, &row, &column),
                       ==, AS_FIGURE_PART_NONE);
      g_assert_cmpint (as_figure_hit_test (figure, width, height, 20, 15, &row, &column), ==, AS_FIGURE_PART_NONE);
    }

  /* what the window's tooltip says over a token: as over the matrix's label */
  g_assert_true (as_figure_get_row_rect (figure, 640, 480, 1, &rect));
  g_assert_cmpint (as_figure_hit_test (figure, 640, 480, rect.x + 2, rect.y + 2, &row, &column),
                   ==, AS_FIGURE_PART_ROW_LABEL);
  {
    g_autofree char *text = as_figure_describe (figure, AS_FIGURE_PART_ROW_LABEL, row, column);

    g_assert_cmpstr (text, ==, matrix_row);
  }
  g_assert_true (as_figure_get_column_rect (figure, 640, 480, 2, &rect));
  g_assert_cmpint (as_figure_hit_test (figure, 640, 480, rect.x + rect.width - 2, rect.y + 2, &row, &column),
                   ==, AS_FIGURE_PART_COLUMN_LABEL);
  {
    g_autofree char *text = as_figure_describe (figure, AS_FIGURE_PART_COLUMN_LABEL, row, column);

    g_assert_cmpstr (text, ==, matrix_column);
  }

  /* back to the matrix: cells again */
  as_figure_set_view (figure, AS_FIGURE_VIEW_MATRIX);
  g_assert_true (as_figure_get_cell_rect (figure, 640, 480, 0, 0, &rect));
  check_borders (figure, 640, 480);
}

/* Each token's label is drawn in its strip: ink there, and only the
 * background just outside the lists. Tokens of 40 rows fit the natural
 * size one above the other. */
static void
test_lines_labels (void)
{
  enum { N = 40 };
  g_autoptr (AsFigure) figure = as_figure_new ();
  g_autofree float *weights = g_new0 (float, N * 7);
  g_autoptr (AsFigureAxis) columns = NULL;
  cairo_surface_t *surface;
  int width, height;

  for (guint r = 0; r < N; r++)
    weights[r * 7 + r % 7] = 1.0f;
  as_figure_set_matrix (figure, N, 7, weights);
  as_figure_set_view (figure, AS_FIGURE_VIEW_LINES);
  columns = as_figure_axis_copy (as_figure_get_column_axis (figure));
  {
    g_autoptr (AsFigureAxis) rows = as_figure_axis_copy (as_figure_get_row_axis (figure));

    for (guint r = 0; r < N; r++)
      {
        g_autofree char *label = g_strdup_printf ("word%u", r);

        as_figure_axis_set_label (rows, r, label);
      }
    as_figure_set_axes (figure, rows, NULL);
  }
  as_figure_get_natural_size (figure, &width, &height);
  surface = draw_figure (figure, width, height);

  for (guint r = 0; r < N; r++)
    {
      AsFigureRect rect, next;
      Box ink;

      g_assert_true (as_figure_get_row_rect (figure, width, height, r, &rect));
      g_assert_cmpfloat (rect.y, >=, 0);
      g_assert_cmpfloat (rect.y + rect.height, <=, height);
      if (!ink_box (surface, (Box) { (int) rect.x + 4, (int) ceil (rect.y), (int) (rect.x + rect.width),
                                     (int) floor (rect.y + rect.height) }, &ink))
        g_error ("row %u's token (word%u) is not drawn in its strip at the natural size %d x %d", r, r, width, height);
      if (r + 1 < N)
        {
          g_assert_true (as_figure_get_row_rect (figure, width, height, r + 1, &next));
          g_assert_cmpfloat (next.y, >=, rect.y + rect.height);
        }
    }
  for (guint c = 0; c < 7; c++)
    {
      AsFigureRect rect;
      Box ink;

      g_assert_true (as_figure_get_column_rect (figure, width, height, c, &rect));
      if (!ink_box (surface, (Box) { (int) rect.x, (int) ceil (rect.y), (int) (rect.x + rect.width) - 4,
                                     (int) floor (rect.y + rect.height) }, &ink))
        g_error ("column %u's token is not drawn in its strip", c);
    }
  cairo_surface_destroy (surface);
}

/* At step 1, the step's line is the strongest, those of the rows before
 * it weaker, those after it weaker still (dimmed, as the matrix dims
 * them), and the labels after it faint. */
static void
test_lines_step (void)
{
  g_autoptr (AsFigure) figure = as_figure_new ();
  float weights[4 * 4] = { 0 };
  cairo_surface_t *surface;
  LineInk ink[4];
  AsFigureRect grid;

  for (guint i = 0; i < 4; i++)
    weights[i * 4 + i] = 1.0f;
  as_figure_set_matrix (figure, 4, 4, weights);
  set_causal_axes (figure);
  as_figure_set_colors (figure, &light_text, &light_base, &test_accent, NULL);
  as_figure_set_view (figure, AS_FIGURE_VIEW_LINES);

  surface = draw_figure (figure, 700, 400);
  g_assert_true (as_figure_get_grid_rect (figure, 700, 400, &grid));
  for (guint i = 0; i < 4; i++)
    {
      AsFigureRect row;

      g_assert_true (as_figure_get_row_rect (figure, 700, 400, i, &row));
      ink[i] = line_ink (surface, grid.x + grid.width / 2, row.y + 1, row.y + row.height - 1,
                         &light_base, &test_accent, 3, "every row");
      /* no step: all alike */
      g_assert_cmpfloat_with_epsilon (ink[i].ink, ink[0].ink, 1e-9);
    }
  cairo_surface_destroy (surface);

  as_figure_set_step (figure, 1);
  surface = draw_figure (figure, 700, 400);
  for (guint i = 0; i < 4; i++)
    {
      AsFigureRect row;

      g_assert_true (as_figure_get_row_rect (figure, 700, 400, i, &row));
      ink[i] = line_ink (surface, grid.x + grid.width / 2, row.y + 1, row.y + row.height - 1,
                         &light_base, &test_accent, 3, "at step 1");
    }
  if (!(ink[1].peak > 0.95 && ink[0].peak < ink[1].peak * 0.8 && ink[2].peak < ink[0].peak * 0.8 &&
        ink[2].peak > 0.05 && ink[3].peak == ink[2].peak))
    g_error ("at step 1, the lines' strength (peak) is %.2f, %.2f, %.2f, %.2f: the step's the strongest, "
             "the one before weaker, those after weaker still expected",
             ink[0].peak, ink[1].peak, ink[2].peak, ink[3].peak);

  /* the labels after the step are faint */
  {
    AsFigureRect before, after;
    Box ink_before, ink_after;
    int d_before, d_after;

    g_assert_true (as_figure_get_row_rect (figure, 700, 400, 0, &before));
    g_assert_true (as_figure_get_row_rect (figure, 700, 400, 3, &after));
    g_assert_true (ink_box (surface, (Box) { (int) before.x + 4, (int) before.y, (int) (before.x + before.width),
                                             (int) (before.y + before.height) }, &ink_before));
    g_assert_true (ink_box (surface, (Box) { (int) after.x + 4, (int) after.y, (int) (after.x + after.width),
                                             (int) (after.y + after.height) }, &ink_after));
    d_before = darkest (surface, ink_before);
    d_after = darkest (surface, ink_after);
    if (d_after < 255 - (255 - d_before) / 2)
      g_error ("the label of a row after the step is not faint: darkest %d, a row before: %d", d_after, d_before);
  }
  cairo_surface_destroy (surface);
}

/* Hovering a token draws its lines at full strength and fades the others;
 * no hover draws as before; the exports never show it. */
static void
test_lines_hover (void)
{
  g_autoptr (AsFigure) figure = diagonal_figure ();
  g_autofree char *dir = make_tmpdir ();
  cairo_surface_t *plain, *hovered, *png;
  LineInk before[N_DIAGONAL], after[N_DIAGONAL];
  int width, height;

  as_figure_get_natural_size (figure, &width, &height);
  plain = draw_figure (figure, width, height);
  for (guint i = 0; i < N_DIAGONAL - 1; i++)
    before[i] = pair_ink (figure, plain, width, height, i, 3, "not hovered");

  for (guint part = 0; part < 2; part++)
    {
      const char *what = part == 0 ? "row 1 hovered" : "column 1 hovered";

      if (part == 0)
        as_figure_set_hover (figure, AS_FIGURE_PART_ROW_LABEL, 1, -1);
      else
        as_figure_set_hover (figure, AS_FIGURE_PART_COLUMN_LABEL, -1, 1);
      hovered = draw_figure (figure, width, height);
      for (guint i = 0; i < N_DIAGONAL - 1; i++)
        {
          after[i] = pair_ink (figure, hovered, width, height, i, 3, what);
          if (i == 1 && after[i].ink < before[i].ink - 1e-9)
            g_error ("%s: its line is weaker (ink %.2f) than when nothing is hovered (%.2f)", what,
                     after[i].ink, before[i].ink);
          if (i != 1 && after[i].peak > before[i].peak * 0.3)
            g_error ("%s: the line of pair %u is not faded (peak %.2f, %.2f when nothing is hovered)", what, i,
                     after[i].peak, before[i].peak);
        }
      cairo_surface_destroy (hovered);

      /* exported: as if nothing were hovered */
      png = export_and_read_back (figure, dir, "png");
      g_assert_cmpuint (count_different_pixels (png, plain, 0), ==, 0);
      cairo_surface_destroy (png);
    }

  as_figure_set_hover (figure, AS_FIGURE_PART_NONE, -1, -1);
  hovered = draw_figure (figure, width, height);
  g_assert_cmpuint (count_different_pixels (hovered, plain, 0), ==, 0);
  cairo_surface_destroy (hovered);
  cairo_surface_destroy (plain);
  g_assert_cmpuint (count_entries (dir), ==, 0);
  remove_tree (dir);
}

/* Masked pairs have no line, even where a weight is stored: a causal
 * figure whose masked cells hold 1 and whose visible ones hold 0 draws no
 * line at all; without the mask it draws them. */
static void
test_lines_masked (void)
{
  float weights[4 * 4];
  g_autoptr (AsFigure) figure = as_figure_new ();
  cairo_surface_t *surface;
  AsFigureRect grid;
  Box ink;

  for (guint r = 0; r < 4; r++)
    for (guint c = 0; c < 4; c++)
      weights[r * 4 + c] = c > r ? 1.0f : 0.0f;
  as_figure_set_matrix (figure, 4, 4, weights);
  as_figure_set_row_lengths (figure, causal_lengths);
  as_figure_set_view (figure, AS_FIGURE_VIEW_LINES);

  surface = draw_figure (figure, 700, 400);
  g_assert_true (as_figure_get_grid_rect (figure, 700, 400, &grid));
  /* inside the lines' area (the dots at its ends left out): nothing */
  if (ink_box (surface, (Box) { (int) grid.x + 4, (int) grid.y, (int) (grid.x + grid.width) - 4,
                                (int) (grid.y + grid.height) }, &ink))
    g_error ("a masked pair has a line: ink at %d, %d to %d, %d", ink.x0, ink.y0, ink.x1, ink.y1);
  cairo_surface_destroy (surface);

  as_figure_set_row_lengths (figure, NULL);
  surface = draw_figure (figure, 700, 400);
  g_assert_true (ink_box (surface, (Box) { (int) grid.x + 4, (int) grid.y, (int) (grid.x + grid.width) - 4,
                                           (int) (grid.y + grid.height) }, &ink));
  cairo_surface_destroy (surface);
}

/* The exports are the lines view at its natural size: the PNG is the
 * screen's drawing, the SVG and the PDF read back have the same lines,
 * and the SVG says how to read them. */
static void
test_lines_export (void)
{
  static const char *formats[] = { "png", "svg", "pdf" };
  g_autoptr (AsFigure) figure = diagonal_figure ();
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "lines.svg", NULL);
  int width, height;

  as_figure_get_natural_size (figure, &width, &height);
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *where = g_strdup_printf ("the lines view exported as %s and read back", formats[f]);
      cairo_surface_t *surface = export_and_read_back (figure, dir, formats[f]);

      if (surface == NULL)
        {
          remove_tree (dir);
          return;
        }
      check_size (surface, width, height, f == 0 ? 0 : 1, where);
      check_diagonal_lines (figure, surface, width, height, 8, where);
      if (f == 0)
        {
          cairo_surface_t *screen = draw_figure (figure, width, height);

          g_assert_cmpuint (count_different_pixels (surface, screen, 0), ==, 0);
          cairo_surface_destroy (screen);
        }
      cairo_surface_destroy (surface);
    }

  {
    g_autoptr (GError) error = NULL;
    g_autofree char *desc = NULL;

    g_assert_true (as_figure_export (figure, path, &error));
    g_assert_no_error (error);
    desc = svg_description (path);
    if (strstr (desc, "Drawn as lines from each of the source tokens (left) to each of the decoder steps "
                      "(right), wider and more opaque as the weight grows; weights below 0.02 are not drawn.") == NULL)
      g_error ("the SVG's description does not say how to read the lines:\n%s", desc);
    g_unlink (path);
  }

  g_assert_cmpuint (count_entries (dir), ==, 0);
  remove_tree (dir);
}

/* A grid of panels in the lines view shows panel 0 (layer 0, head 0)
 * under its caption: its lines, its tooltips with the caption. */
static void
test_lines_panels (void)
{
  float weights[2 * N_DIAGONAL * N_DIAGONAL] = { 0 };
  g_autoptr (AsFigure) figure = diagonal_figure ();
  g_autoptr (AsFigureAxis) rows = as_figure_axis_copy (as_figure_get_row_axis (figure));
  g_autoptr (AsFigureAxis) columns = as_figure_axis_copy (as_figure_get_column_axis (figure));
  cairo_surface_t *surface;
  AsFigureRect rect;
  int width, height, panel, row, column;

  /* panel 0 the diagonal; panel 1 each row on the last column */
  for (guint i = 0; i < N_DIAGONAL; i++)
    {
      weights[i * N_DIAGONAL + i] = diagonal_values[i];
      weights[N_DIAGONAL * N_DIAGONAL + i * N_DIAGONAL + N_DIAGONAL - 1] = 1.0f;
    }
  as_figure_set_panels (figure, 1, 2, N_DIAGONAL, N_DIAGONAL, weights);
  as_figure_set_axes (figure, rows, columns);
  as_figure_get_natural_size (figure, &width, &height);
  surface = draw_figure (figure, width, height);
  check_diagonal_lines (figure, surface, width, height, 3, "the lines view of a grid");
  cairo_surface_destroy (surface);

  g_assert_true (as_figure_get_panel_rect (figure, width, height, 0, &rect));
  g_assert_false (as_figure_get_panel_rect (figure, width, height, 1, &rect));
  g_assert_true (as_figure_get_row_rect (figure, width, height, 2, &rect));
  g_assert_cmpint (as_figure_hit_test_panel (figure, width, height, rect.x + 2, rect.y + 2, &panel, &row, &column),
                   ==, AS_FIGURE_PART_ROW_LABEL);
  g_assert_cmpint (panel, ==, 0);
  g_assert_cmpint (row, ==, 2);
  {
    g_autofree char *text = as_figure_describe_panel (figure, AS_FIGURE_PART_ROW_LABEL, panel, row, column);

    g_assert_cmpstr (text, ==,
                     "Step 3 of 5: fed in chat, came out assis, probability 0.700\n"
                     "Looked most at sat (0.250)\n"
                     "Layer 0 · head 0");
  }
}

/* Fit and finish (issue 13): the layout at every size */

/* Rows labelled @outputs (target tokens, no input nor value), columns
 * @columns (source tokens). */
static void
set_label_axes (AsFigure           *figure,
                const char * const *columns,
                const char * const *outputs)
{
  guint n_rows = as_figure_get_n_rows (figure);
  guint n_columns = as_figure_get_n_columns (figure);
  g_autoptr (AsFigureAxis) rows = as_figure_axis_new (n_rows, as_figure_session_get_row_words (AS_ATTENTION_CROSS));
  g_autoptr (AsFigureAxis) source = as_figure_axis_new (n_columns, as_figure_session_get_column_words (AS_ATTENTION_CROSS));

  for (guint r = 0; r < n_rows; r++)
    as_figure_axis_set_label (rows, r, outputs[r]);
  for (guint c = 0; c < n_columns; c++)
    as_figure_axis_set_label (source, c, columns[c]);
  as_figure_set_axes (figure, rows, source);
}

/* A matrix of @n_rows x @n_columns with labelled axes (row labels
 * @row_label with their number, column labels "w<c>"), weights a ramp. */
static AsFigure *
labelled_figure (guint       n_rows,
                 guint       n_columns,
                 const char *row_label)
{
  AsFigure *figure = as_figure_new ();
  g_autofree float *w = g_new (float, (gsize) n_rows * n_columns);
  g_auto (GStrv) columns = g_new0 (char *, n_columns + 1);
  g_auto (GStrv) outputs = g_new0 (char *, n_rows + 1);

  for (gsize i = 0; i < (gsize) n_rows * n_columns; i++)
    w[i] = (float) (i % 7) / 6.0f;
  for (guint c = 0; c < n_columns; c++)
    columns[c] = g_strdup_printf ("w%u", c);
  for (guint r = 0; r < n_rows; r++)
    outputs[r] = g_strdup_printf ("%s%u", row_label, r);
  as_figure_set_matrix (figure, n_rows, n_columns, w);
  set_label_axes (figure, (const char * const *) columns, (const char * const *) outputs);
  as_figure_set_text (figure, "a sentence", "a translation");
  return figure;
}

/* At fit the cells fill the pane (as matplotlib's aspect='auto'): not
 * square, and the grid reaches the colour bar on the right and the margin
 * at the bottom. */
static void
test_fit_fills (void)
{
  g_autoptr (AsFigure) figure = labelled_figure (3, 4, "t");
  AsFigureRect cell, grid, bar;
  const double width = 700, height = 500;

  g_assert_true (as_figure_get_cell_rect (figure, width, height, 0, 0, &cell));
  g_assert_true (as_figure_get_grid_rect (figure, width, height, &grid));
  g_assert_cmpfloat (fabs (cell.width - cell.height), >, 4.0);
  /* 4 columns and 3 rows fill the grid */
  g_assert_cmpfloat_with_epsilon (grid.width, 4 * cell.width, 0.01);
  g_assert_cmpfloat_with_epsilon (grid.height, 3 * cell.height, 0.01);
  /* the grid spans the pane: to the bottom margin, and to the colour bar
   * and its labels at the right margin */
  g_assert_cmpfloat (grid.y + grid.height, >=, height - 12.0 - 1.0);
  g_assert_cmpfloat (grid.y + grid.height, <=, height - 12.0 + 0.01);
  g_assert_true (as_figure_get_bar_label_rect (figure, width, height, 2, &bar));
  g_assert_cmpfloat (bar.x + bar.width, >=, width - 12.0 - 1.0);
  g_assert_cmpfloat (grid.x, <, 120.0);

  /* twice as wide: the cells twice as wide, as tall as before */
  {
    AsFigureRect wide;

    g_assert_true (as_figure_get_cell_rect (figure, 2 * width, height, 0, 0, &wide));
    g_assert_cmpfloat (wide.width, >, 1.8 * cell.width);
    g_assert_cmpfloat_with_epsilon (wide.height, cell.height, 0.01);
  }
}

/* In a small pane (600 x 400 window: a 560 x 200 figure) a long sentence
 * keeps readable cells and scrolls; zoomed in, the whole of the last row
 * and the last column can be scrolled to. */
static void
test_fit_min_cell_scroll (void)
{
  g_autoptr (AsFigure) figure = labelled_figure (20, 300, "t");
  const double width = 560, height = 200;
  double max_x, max_y;
  AsFigureRect cell, grid;
  int row, column;

  as_figure_set_min_cell (figure, 8.0);
  g_assert_true (as_figure_get_cell_rect (figure, width, height, 0, 0, &cell));
  g_assert_cmpfloat (cell.width, >=, 8.0);
  g_assert_cmpfloat (cell.height, >=, 8.0);
  g_assert_true (as_figure_get_grid_rect (figure, width, height, &grid));
  g_assert_cmpfloat (grid.height, >=, 60.0);   /* not a strip */
  as_figure_get_scroll_range (figure, width, height, &max_x, &max_y);
  g_assert_cmpfloat (max_x, >, 0.0);

  for (guint i = 0; i < 3; i++)
    {
      static const double zooms[] = { 1.0, 2.5, 3.7 };

      as_figure_set_zoom (figure, zooms[i]);
      as_figure_get_scroll_range (figure, width, height, &max_x, &max_y);
      if (i > 0)
        g_assert_cmpfloat (max_y, >, 0.0);
      as_figure_set_scroll (figure, max_x, max_y);
      g_assert_true (as_figure_get_grid_rect (figure, width, height, &grid));
      g_assert_cmpfloat (grid.y + grid.height, <=, height);
      g_assert_true (as_figure_get_cell_rect (figure, width, height, 19, 299, &cell));
      /* the last cell whole, at the grid's bottom right */
      g_assert_cmpfloat (cell.y, >=, grid.y);
      g_assert_cmpfloat (cell.y + cell.height, <=, grid.y + grid.height + 1e-6);
      g_assert_cmpfloat (cell.x + cell.width, <=, grid.x + grid.width + 1e-6);
      g_assert_cmpfloat (cell.y + cell.height, >=, grid.y + grid.height - 1e-6);
      g_assert_cmpint (as_figure_hit_test (figure, width, height, grid.x + grid.width - 0.5,
                                           grid.y + grid.height - 0.5, &row, &column),
                       ==, AS_FIGURE_PART_CELL);
      g_assert_cmpint (row, ==, 19);
      g_assert_cmpint (column, ==, 299);
      /* scrolled past the end: the same */
      as_figure_set_scroll (figure, max_x + 500, max_y + 500);
      g_assert_true (as_figure_get_cell_rect (figure, width, height, 19, 299, &cell));
      g_assert_cmpfloat (cell.y + cell.height, <=, grid.y + grid.height + 1e-6);
      as_figure_set_scroll (figure, 0, 0);
    }
}

static gboolean
rects_overlap (const AsFigureRect *a,
               const AsFigureRect *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width &&
         a->y < b->y + b->height && b->y < a->y + a->height;
}

/* The colour bar's labels never overlap, at any size; a tall bar has all
 * three; a short one keeps the top of the scale. */
static void
test_colorbar_labels (void)
{
  g_autoptr (AsFigure) figure = labelled_figure (3, 4, "t");
  AsFigureRect rects[3];
  guint shown_tall = 0;

  for (double height = 40; height <= 700; height += 3)
    for (double width = 160; width <= 900; width += 370)
      {
        gboolean shown[3];

        for (guint i = 0; i < 3; i++)
          shown[i] = as_figure_get_bar_label_rect (figure, width, height, i, &rects[i]);
        for (guint i = 0; i < 3; i++)
          for (guint j = i + 1; j < 3; j++)
            if (shown[i] && shown[j] && rects_overlap (&rects[i], &rects[j]))
              g_error ("at %g x %g, colour-bar labels %u (%g..%g) and %u (%g..%g) overlap",
                       width, height, i, rects[i].y, rects[i].y + rects[i].height,
                       j, rects[j].y, rects[j].y + rects[j].height);
        g_assert_true (shown[2]);
        if (height >= 400)
          shown_tall += shown[0] && shown[1];
      }
  g_assert_cmpuint (shown_tall, >, 0);
  g_assert_false (as_figure_get_bar_label_rect (figure, 700, 500, 3, &rects[0]));
}

/* Label thinning leaves out only labels that would touch their neighbours:
 * of the labels shown, two neighbours are never closer than a line, and
 * never so far apart that another would have fitted between them. */
static void
assert_no_label_dropped (AsFigure     *figure,
                         double        width,
                         double        height,
                         AsFigurePart  part,
                         guint         n)
{
  double last = -1e9;
  guint shown = 0;

  for (guint i = 0; i < n; i++)
    {
      AsFigureRect rect;
      double centre;

      if (!as_figure_get_label_shown (figure, width, height, part, i))
        continue;
      if (part == AS_FIGURE_PART_ROW_LABEL)
        {
          g_assert_true (as_figure_get_row_rect (figure, width, height, i, &rect));
          centre = rect.y + rect.height / 2;
        }
      else
        {
          g_assert_true (as_figure_get_column_rect (figure, width, height, i, &rect));
          centre = rect.x + rect.width / 2;
        }
      if (shown > 0)
        {
          g_assert_cmpfloat (centre - last, >=, 12.0);
          g_assert_cmpfloat (centre - last, <, 2 * 14.0 + 1.0);
        }
      last = centre;
      shown++;
    }
  g_assert_cmpuint (shown, >, 0);
}

/* A 300-word sentence of 20 steps at fit shows every row label, and the
 * column labels that fit; a long forced target (80 rows of 5 source
 * tokens) keeps every column label. */
static void
test_labels_kept (void)
{
  g_autoptr (AsFigure) wide = labelled_figure (20, 300, "t");
  g_autoptr (AsFigure) tall = labelled_figure (80, 5, "t");

  as_figure_set_min_cell (wide, 8.0);
  for (guint r = 0; r < 20; r++)
    g_assert_true (as_figure_get_label_shown (wide, 900, 600, AS_FIGURE_PART_ROW_LABEL, r));
  assert_no_label_dropped (wide, 900, 600, AS_FIGURE_PART_COLUMN_LABEL, 300);

  as_figure_set_min_cell (tall, 8.0);
  for (guint c = 0; c < 5; c++)
    g_assert_true (as_figure_get_label_shown (tall, 700, 500, AS_FIGURE_PART_COLUMN_LABEL, c));
  assert_no_label_dropped (tall, 700, 500, AS_FIGURE_PART_ROW_LABEL, 80);
}

/* The vertical centre of the ink in [@x0, @x1) x [@y0, @y1) of @surface
 * (what is not the white background). */
static double
ink_centre (cairo_surface_t *surface,
            double           x0,
            double           x1,
            double           y0,
            double           y1)
{
  double sum = 0, weight = 0;

  for (int y = (int) y0; y < (int) y1; y++)
    for (int x = (int) x0; x < (int) x1; x++)
      {
        int r, g, b;
        double ink;

        test_pixel_at (surface, x, y, &r, &g, &b);
        ink = (765 - r - g - b) / 765.0;
        sum += ink * (y + 0.5);
        weight += ink;
      }
  g_assert_cmpfloat (weight, >, 1.0);
  return sum / weight;
}

/* A CJK row label sits where a Latin one does, its ink centred the same
 * within 1 px, though its font's ascent is taller. */
static void
test_labels_cjk_baseline (void)
{
  g_autoptr (AsFigure) figure = labelled_figure (2, 2, "");
  const char *outputs[] = { "H", "中" };
  const char *columns[] = { "a", "b" };
  const int width = 400, height = 300;
  cairo_surface_t *surface;
  AsFigureRect grid, rows[2];
  double offsets[2];
  cairo_t *cr;

  set_label_axes (figure, columns, outputs);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  as_figure_draw (figure, cr, width, height);
  cairo_destroy (cr);

  g_assert_true (as_figure_get_grid_rect (figure, width, height, &grid));
  for (guint r = 0; r < 2; r++)
    {
      g_assert_true (as_figure_get_row_rect (figure, width, height, r, &rows[r]));
      /* the token's label, right of the row's number, left of the cells */
      offsets[r] = ink_centre (surface, grid.x - 22, grid.x - 3, rows[r].y, rows[r].y + rows[r].height) -
                   (rows[r].y + rows[r].height / 2);
    }
  if (fabs (offsets[0] - offsets[1]) > 1.0)
    g_error ("the CJK label's ink is centred %.2f px from its row's centre, the Latin one's %.2f px",
             offsets[1], offsets[0]);
  cairo_surface_destroy (surface);
}

/* The session adapter gives each axis the language of its tokens: cross
 * attention's rows are target tokens, its columns source tokens; the
 * decoder's self-attention is target over target; the encoder's source
 * over source. The bundled en-zh Transformer is en to zh-CN. */
static void
test_session_languages (void)
{
  g_autofree char *path = g_build_filename (as_models_dir (), "en-zh-transformer.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) model = NULL;
  g_autoptr (AsSession) session = NULL;
  g_autoptr (AsFigure) figure = as_figure_new ();
  const char *target;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_fail_printf ("%s is not there", path);
      return;
    }
  model = as_model_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (as_model_get_source_language (model), ==, "en");
  target = as_model_get_target_language (model);
  g_assert_nonnull (target);
  g_assert_true (g_str_has_prefix (target, "zh"));
  session = as_session_new (model, "i am hungry .", &error);
  g_assert_no_error (error);
  g_assert_true (as_session_decode_greedy (session, &error));

  g_assert_true (as_figure_set_session_attention (figure, session, AS_ATTENTION_CROSS, 0, AS_ATTENTION_MEAN, &error));
  g_assert_cmpstr (as_figure_get_row_language (figure), ==, pango_language_to_string (pango_language_from_string (target)));
  g_assert_cmpstr (as_figure_get_column_language (figure), ==, "en");
  g_assert_true (as_figure_set_session_attention (figure, session, AS_ATTENTION_DECODER_SELF, 0, AS_ATTENTION_MEAN, &error));
  g_assert_cmpstr (as_figure_get_row_language (figure), ==, pango_language_to_string (pango_language_from_string (target)));
  g_assert_cmpstr (as_figure_get_column_language (figure), ==, pango_language_to_string (pango_language_from_string (target)));
  g_assert_true (as_figure_set_session_attention (figure, session, AS_ATTENTION_ENCODER_SELF, 0, AS_ATTENTION_MEAN, &error));
  g_assert_cmpstr (as_figure_get_row_language (figure), ==, "en");
  g_assert_cmpstr (as_figure_get_column_language (figure), ==, "en");
  g_assert_true (as_figure_set_session_grid (figure, session, AS_ATTENTION_CROSS, &error));
  g_assert_cmpstr (as_figure_get_column_language (figure), ==, "en");
}

/* The label's language reaches the drawing: a Han character whose glyph
 * differs between Chinese and Japanese forms (直) is drawn differently in
 * a row labelled zh-CN and in one labelled ja. */
static void
test_label_language_drawn (void)
{
  const char *outputs[] = { "直", "直" };
  const char *columns[] = { "a", "b" };
  const int width = 300, height = 200;
  cairo_surface_t *surfaces[2];
  static const char *languages[2] = { "zh-CN", "ja" };
  AsFigureRect grid, row;
  int differ = 0;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (AsFigure) figure = labelled_figure (2, 2, "");
      cairo_t *cr;

      set_label_axes (figure, columns, outputs);
      as_figure_set_languages (figure, languages[i], "en");
      g_assert_cmpstr (as_figure_get_row_language (figure), ==, pango_language_to_string (pango_language_from_string (languages[i])));
      surfaces[i] = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      cr = cairo_create (surfaces[i]);
      as_figure_draw (figure, cr, width, height);
      cairo_destroy (cr);
      if (i == 0)
        {
          g_assert_true (as_figure_get_grid_rect (figure, width, height, &grid));
          g_assert_true (as_figure_get_row_rect (figure, width, height, 0, &row));
        }
    }
  for (int y = (int) row.y; y < (int) (row.y + row.height); y++)
    for (int x = (int) grid.x - 24; x < (int) grid.x - 2; x++)
      {
        int r0, g0, b0, r1, g1, b1;

        test_pixel_at (surfaces[0], x, y, &r0, &g0, &b0);
        test_pixel_at (surfaces[1], x, y, &r1, &g1, &b1);
        differ += ABS (r0 - r1) > 40;
      }
  g_assert_cmpint (differ, >, 3);
  cairo_surface_destroy (surfaces[0]);
  cairo_surface_destroy (surfaces[1]);
}

/* The probabilities beside the rows differ where the values do: 0.995 is
 * not "1.00", tiny ones are not "0.00". */
static void
test_value_format (void)
{
  const struct { double value; const char *text; } cases[] = {
    { 0.995, "0.995" }, { 0.9994, "0.999" }, { 0.9996, ">0.999" }, { 1.0, "1" },
    { 0.5, "0.500" }, { 0.0123, "0.012" }, { 0.0006, "0.001" }, { 0.0004, "<0.001" },
    { 1e-9, "<0.001" }, { 0.0, "0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char buffer[32];

      as_figure_format_value (cases[i].value, buffer, sizeof buffer);
      g_assert_cmpstr (buffer, ==, cases[i].text);
    }
}

/* The axis nouns of another caller (not the figure's own, which come
 * translated from a table): the English rule, a capital letter and a
 * plural "s", as before. */
static void
test_axis_words_of_another_caller (void)
{
  static const AsFigureAxisWords sample_words = { .noun = "sample" };
  static const AsFigureAxisWords feature_words = { .noun = "feature", .name = "trait" };
  const float weights[6] = { 0.5f, 0.5f, 0.25f, 0.75f, 1.0f, 0.0f };
  g_autoptr (AsFigure) figure = as_figure_new ();
  g_autoptr (AsFigureAxis) rows = as_figure_axis_new (3, &sample_words);
  g_autoptr (AsFigureAxis) columns = as_figure_axis_new (2, &feature_words);
  g_autofree char *all = NULL;
  g_autofree char *one = NULL;
  g_autofree char *cell = NULL;

  as_figure_set_matrix (figure, 3, 2, weights);
  as_figure_axis_set_label (rows, 1, "x");
  as_figure_axis_set_label (columns, 1, "b");
  as_figure_set_axes (figure, rows, columns);
  all = _as_figure_subtitle_text (figure);
  g_assert_cmpstr (all, ==, "All 3 samples");
  as_figure_set_step (figure, 1);
  one = _as_figure_subtitle_text (figure);
  g_assert_cmpstr (one, ==, "Sample 2 of 3: x");
  cell = as_figure_describe (figure, AS_FIGURE_PART_CELL, 1, 1);
  g_assert_cmpstr (cell, ==, "Trait: b\nSample: x\nWeight: 0.750\nSample 2 of 3");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/figure/value-format", test_value_format);
  g_test_add_func ("/colormap/names", test_colormap_names);
  g_test_add_func ("/colormap/values", test_colormap_values);
  g_test_add_func ("/colormap/monotonic", test_colormap_monotonic);
  g_test_add_func ("/colormap/known-points", test_colormap_known_points);
  g_test_add_func ("/figure/cell-colors", test_cell_colors);
  g_test_add_func ("/figure/cell-colors-step", test_cell_colors_step);
  g_test_add_func ("/figure/quarter-weights", test_quarter_weights);
  g_test_add_func ("/figure/scale-max", test_scale_max);
  g_test_add_func ("/figure/colorbar", test_colorbar);
  g_test_add_func ("/figure/scale-row", test_scale_row);
  g_test_add_func ("/figure/scale-log", test_scale_log);
  g_test_add_func ("/figure/scale-bar-labels", test_scale_bar_labels);
  g_test_add_func ("/figure/scale-bar-hit", test_scale_bar_hit);
  g_test_add_func ("/figure/scale-exports", test_scale_exports);
  g_test_add_func ("/figure/hit-test/borders", test_hit_test_borders);
  g_test_add_func ("/figure/hit-test/fractional-cells", test_hit_test_fractional_cells);
  g_test_add_func ("/figure/hit-test/labels-and-bands", test_hit_test_labels_and_bands);
  g_test_add_func ("/figure/scroll", test_scroll);
  g_test_add_func ("/figure/describe", test_describe);
  g_test_add_func ("/figure/fit/fills", test_fit_fills);
  g_test_add_func ("/figure/fit/min-cell-scroll", test_fit_min_cell_scroll);
  g_test_add_func ("/figure/fit/colorbar-labels", test_colorbar_labels);
  g_test_add_func ("/figure/fit/labels-kept", test_labels_kept);
  g_test_add_func ("/figure/fit/cjk-baseline", test_labels_cjk_baseline);
  g_test_add_func ("/figure/language/session", test_session_languages);
  g_test_add_func ("/figure/language/drawn", test_label_language_drawn);
  g_test_add_func ("/figure/large-matrix", test_large_matrix);
  g_test_add_func ("/figure/panels", test_panels);
  g_test_add_func ("/figure/session", test_session);
  g_test_add_func ("/figure/masked/cells", test_masked_cells);
  g_test_add_func ("/figure/masked/lengths", test_masked_lengths);
  g_test_add_func ("/figure/masked/scale-max", test_masked_scale_max);
  g_test_add_func ("/figure/masked/describe", test_masked_describe);
  g_test_add_func ("/figure/masked/panels", test_masked_panels);
  g_test_add_func ("/figure/masked/export", test_masked_export);
  g_test_add_func ("/figure/masked/session", test_session_masks);
  g_test_add_func ("/figure/session-titles", test_session_titles);
  g_test_add_func ("/figure/lines/weights", test_lines_weights);
  g_test_add_func ("/figure/lines/hit-test", test_lines_hit_test);
  g_test_add_func ("/figure/lines/labels", test_lines_labels);
  g_test_add_func ("/figure/lines/step", test_lines_step);
  g_test_add_func ("/figure/lines/hover", test_lines_hover);
  g_test_add_func ("/figure/lines/masked", test_lines_masked);
  g_test_add_func ("/figure/lines/export", test_lines_export);
  g_test_add_func ("/figure/lines/panels", test_lines_panels);
  g_test_add_func ("/export/png", test_export_png);
  g_test_add_func ("/export/svg", test_export_svg);
  g_test_add_func ("/export/svg-large", test_export_svg_large);
  g_test_add_func ("/export/pdf", test_export_pdf);
  g_test_add_func ("/export/bad-extension", test_export_bad_extension);
  g_test_add_func ("/export/replaces", test_export_replaces);
  g_test_add_func ("/export/full-disk", test_export_full_disk);
  g_test_add_func ("/export/unwritable", test_export_unwritable);
  g_test_add_func ("/export/read-only-folder", test_export_read_only_folder);
  g_test_add_func ("/figure/axis-words-of-another-caller", test_axis_words_of_another_caller);

  return g_test_run ();
}
