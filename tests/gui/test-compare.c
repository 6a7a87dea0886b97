/* Comparing views: the copy that stays when the live figure changes, the
 * difference live − pinned cell by cell (hand-computed values), the
 * diverging colours at -1, 0 and 1 (ColorBrewer's RdBu, written here), the
 * reasons there is no difference, the pair drawn side by side in one PNG
 * (each half's cells at their places), SVG and PDF; then in the window:
 * "win.pin", the pinned view unchanged while the live one changes (another
 * sentence, another layer), the Difference toggle insensitive with a reason
 * where the axes differ, and exports of both panels. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "as-colormap.h"
#include "as-figure.h"
#include "as-figure-compare.h"
#include "as-paths.h"
#include "as-resources.h"
#include "as-settings.h"
#include "as-window-private.h"
#include "test-input.h"

/* Two 2 x 3 matrices over the same tokens, and their difference by hand. */
static const float live_weights[2 * 3] = {
  0.70f, 0.20f, 0.10f,
  0.10f, 0.30f, 0.60f,
};
static const float pinned_weights[2 * 3] = {
  0.20f, 0.20f, 0.60f,
  0.90f, 0.05f, 0.05f,
};
static const float expected_difference[2 * 3] = {
  0.50f, 0.00f, -0.50f,
  -0.80f, 0.25f, 0.55f,
};

static AsFigure *
small_figure (const float *weights,
              const char  *last_column)
{
  AsFigure *figure = as_figure_new ();
  const char *columns[] = { "i", "am", last_column };
  const char *inputs[] = { "SOS", "我" };
  const char *outputs[] = { "我", "EOS" };
  const float probs[] = { 0.9f, 0.8f };

  as_figure_set_matrix (figure, 2, 3, weights);
  test_set_cross_axes (figure, columns, NULL, inputs, outputs, probs);
  as_figure_set_text (figure, "i am here", "我");
  return figure;
}

static void
assert_color (double r, double g, double b, guint hex)
{
  g_assert_cmpfloat_with_epsilon (r, ((hex >> 16) & 0xff) / 255.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (g, ((hex >> 8) & 0xff) / 255.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (b, (hex & 0xff) / 255.0, 1e-6);
}

/* The copy keeps its weights, axes, text, subject and step when the figure
 * it was made of changes; as_figure_copy_into() makes a figure another's. */
static void
test_copy (void)
{
  g_autoptr (AsFigure) live = small_figure (live_weights, "here");
  g_autoptr (AsFigure) copy = NULL;
  g_autoptr (AsFigure) other = as_figure_new ();
  static const float changed[1 * 2] = { 0.3f, 0.7f };

  as_figure_set_subject (live, "Cross-attention");
  as_figure_set_step (live, 1);
  as_figure_set_colormap (live, AS_COLORMAP_MAGMA);
  copy = as_figure_copy (live);

  as_figure_set_matrix (live, 1, 2, changed);
  as_figure_set_subject (live, "Something else");
  as_figure_set_text (live, "another", "别的");
  as_figure_set_step (live, 0);

  g_assert_cmpuint (as_figure_get_n_rows (copy), ==, 2);
  g_assert_cmpuint (as_figure_get_n_columns (copy), ==, 3);
  for (guint r = 0; r < 2; r++)
    for (guint c = 0; c < 3; c++)
      g_assert_cmpfloat (as_figure_get_weight (copy, r, c), ==, live_weights[r * 3 + c]);
  g_assert_cmpstr (as_figure_get_column_label (copy, 2), ==, "here");
  g_assert_cmpstr (as_figure_get_row_input (copy, 1), ==, "我");
  g_assert_cmpstr (as_figure_get_row_output (copy, 1), ==, "EOS");
  g_assert_cmpstr (as_figure_get_subject (copy), ==, "Cross-attention");
  g_assert_cmpint (as_figure_get_step (copy), ==, 1);
  g_assert_cmpint (as_figure_get_colormap (copy), ==, AS_COLORMAP_MAGMA);
  {
    g_autofree char *title = as_figure_dup_title (copy);
    g_assert_nonnull (strstr (title, "i am here"));
  }

  /* into a figure that showed something else: all of it replaced */
  as_figure_copy_into (other, copy);
  as_figure_free (g_steal_pointer (&copy));
  g_assert_cmpuint (as_figure_get_n_rows (other), ==, 2);
  g_assert_cmpfloat (as_figure_get_weight (other, 1, 2), ==, 0.60f);
  g_assert_cmpstr (as_figure_get_column_label (other, 0), ==, "i");
}

/* live − pinned, cell by cell, against the values worked out by hand;
 * each painted with the diverging map at its value. */
static void
test_difference (void)
{
  g_autoptr (AsFigure) live = small_figure (live_weights, "here");
  g_autoptr (AsFigure) pinned = small_figure (pinned_weights, "here");
  g_autoptr (AsFigure) difference = NULL;
  g_autofree char *why = NULL;

  as_figure_set_step (live, 1);
  difference = as_figure_new_difference (live, pinned, &why);
  g_assert_nonnull (difference);
  g_assert_null (why);
  g_assert_true (as_figure_get_diverging (difference));
  g_assert_false (as_figure_get_diverging (live));
  g_assert_nonnull (strstr (as_figure_get_subject (difference), "live − pinned"));
  g_assert_cmpstr (as_figure_get_column_label (difference, 2), ==, "here");
  g_assert_cmpint (as_figure_get_step (difference), ==, 1);

  for (guint r = 0; r < 2; r++)
    for (guint c = 0; c < 3; c++)
      {
        float value = as_figure_get_weight (difference, r, c);
        double r1, g1, b1, r2, g2, b2;

        g_assert_cmpfloat_with_epsilon (value, expected_difference[r * 3 + c], 1e-6);
        as_figure_weight_color (difference, value, &r1, &g1, &b1);
        as_colormap_diverging_lookup (expected_difference[r * 3 + c], &r2, &g2, &b2);
        g_assert_cmpfloat_with_epsilon (r1, r2, 1e-6);
        g_assert_cmpfloat_with_epsilon (g1, g2, 1e-6);
        g_assert_cmpfloat_with_epsilon (b1, b2, 1e-6);
      }
  /* the inputs were not touched */
  g_assert_cmpfloat (as_figure_get_weight (live, 1, 0), ==, 0.10f);
  g_assert_cmpfloat (as_figure_get_weight (pinned, 1, 0), ==, 0.90f);
}

/* RdBu reversed: dark blue at -1, near white at 0, dark red at 1, clamped
 * beyond; a diverging figure paints -1, 0, 1 so and its colour bar reads
 * -1, 0, 1; a figure that is not diverging keeps its map. */
static void
test_diverging_colors (void)
{
  g_autoptr (AsFigure) figure = small_figure (live_weights, "here");
  double r, g, b;
  AsFigureRect rect;

  as_colormap_diverging_lookup (-1.0, &r, &g, &b);
  assert_color (r, g, b, 0x053061);
  as_colormap_diverging_lookup (0.0, &r, &g, &b);
  assert_color (r, g, b, 0xf7f7f7);
  as_colormap_diverging_lookup (1.0, &r, &g, &b);
  assert_color (r, g, b, 0x67001f);
  as_colormap_diverging_lookup (-7.0, &r, &g, &b);
  assert_color (r, g, b, 0x053061);
  as_colormap_diverging_lookup (NAN, &r, &g, &b);
  assert_color (r, g, b, 0xf7f7f7);
  /* half way from 0 (#f7f7f7) to 0.2 (#fddbc7) */
  as_colormap_diverging_lookup (0.1, &r, &g, &b);
  g_assert_cmpfloat_with_epsilon (r, (0xf7 + 0xfd) / 2.0 / 255.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (g, (0xf7 + 0xdb) / 2.0 / 255.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (b, (0xf7 + 0xc7) / 2.0 / 255.0, 1e-6);

  as_figure_weight_color (figure, 0.0f, &r, &g, &b);
  /* viridis 0 (matplotlib's table) */
  g_assert_cmpfloat_with_epsilon (r, 0.267004, 1e-6);
  g_assert_cmpfloat_with_epsilon (g, 0.004874, 1e-6);
  g_assert_cmpfloat_with_epsilon (b, 0.329415, 1e-6);
  as_figure_set_diverging (figure, TRUE);
  as_figure_weight_color (figure, -1.0f, &r, &g, &b);
  assert_color (r, g, b, 0x053061);
  as_figure_weight_color (figure, 0.0f, &r, &g, &b);
  assert_color (r, g, b, 0xf7f7f7);
  as_figure_weight_color (figure, 1.0f, &r, &g, &b);
  assert_color (r, g, b, 0x67001f);

  /* the colour bar's bottom label is -1 (laid out for a tall figure) */
  g_assert_true (as_figure_get_bar_label_rect (figure, 600, 500, 0, &rect));
  g_assert_true (as_figure_get_bar_label_rect (figure, 600, 500, 2, &rect));
  {
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 600, 500);
    cairo_t *cr = cairo_create (surface);
    AsFigureRect cell;
    guint32 pixel;
    int x, y;

    as_figure_draw (figure, cr, 600, 500);
    cairo_destroy (cr);
    cairo_surface_flush (surface);
    /* cell (1, 0) is 0.10: a light red, not viridis */
    g_assert_true (as_figure_get_cell_rect (figure, 600, 500, 1, 0, &cell));
    x = (int) (cell.x + cell.width / 2);
    y = (int) (cell.y + cell.height / 2);
    pixel = *(guint32 *) (gpointer) (cairo_image_surface_get_data (surface) +
                                     y * cairo_image_surface_get_stride (surface) + x * 4);
    as_colormap_diverging_lookup (0.10, &r, &g, &b);
    g_assert_cmpint (abs ((int) ((pixel >> 16) & 0xff) - (int) lround (r * 255)), <=, 1);
    g_assert_cmpint (abs ((int) ((pixel >> 8) & 0xff) - (int) lround (g * 255)), <=, 1);
    g_assert_cmpint (abs ((int) (pixel & 0xff) - (int) lround (b * 255)), <=, 1);
    cairo_surface_destroy (surface);
  }
}

/* No difference where the shapes or the tokens differ, each saying why. */
static void
test_axes_differ (void)
{
  g_autoptr (AsFigure) live = small_figure (live_weights, "here");
  g_autoptr (AsFigure) other_token = small_figure (pinned_weights, "there");
  g_autoptr (AsFigure) other_size = as_figure_new ();
  g_autoptr (AsFigure) grid = as_figure_new ();
  g_autoptr (AsFigure) empty = as_figure_new ();
  static const float weights[2 * 2 * 2 * 3] = { 0 };
  char *why = NULL;

  g_assert_true (as_figure_same_axes (live, live, &why));
  g_assert_null (why);

  g_assert_null (as_figure_new_difference (live, other_token, &why));
  g_assert_nonnull (why);
  g_assert_nonnull (strstr (why, "column 3"));
  g_assert_nonnull (strstr (why, "“here” here and “there” pinned"));
  g_clear_pointer (&why, g_free);

  as_figure_set_matrix (other_size, 3, 3, weights);
  g_assert_false (as_figure_same_axes (live, other_size, &why));
  g_assert_nonnull (strstr (why, "2 × 3 here, 3 × 3 pinned"));
  g_clear_pointer (&why, g_free);

  as_figure_set_panels (grid, 2, 1, 2, 3, weights);
  g_assert_false (as_figure_same_axes (live, grid, &why));
  g_assert_nonnull (strstr (why, "panels"));
  g_clear_pointer (&why, g_free);

  g_assert_false (as_figure_same_axes (live, empty, &why));
  g_assert_nonnull (strstr (why, "empty"));
  g_clear_pointer (&why, g_free);

  /* a row with another token */
  {
    g_autoptr (AsFigure) other_row = as_figure_new ();
    const char *columns[] = { "i", "am", "here" };
    const char *inputs[] = { "SOS", "你" };
    const char *outputs[] = { "你", "EOS" };
    const float probs[] = { 0.9f, 0.8f };

    as_figure_set_matrix (other_row, 2, 3, pinned_weights);
    test_set_cross_axes (other_row, columns, NULL, inputs, outputs, probs);
    g_assert_false (as_figure_same_axes (live, other_row, &why));
    g_assert_nonnull (strstr (why, "row 1"));
    g_clear_pointer (&why, g_free);
  }
}

static guint32
png_pixel (cairo_surface_t *surface,
           double           x,
           double           y)
{
  return *(guint32 *) (gpointer) (cairo_image_surface_get_data (surface) +
                                  (int) y * cairo_image_surface_get_stride (surface) + (int) x * 4);
}

static void
assert_pixel_is (guint32 pixel,
                 double  r,
                 double  g,
                 double  b)
{
  g_assert_cmpint (abs ((int) ((pixel >> 16) & 0xff) - (int) lround (r * 255)), <=, 1);
  g_assert_cmpint (abs ((int) ((pixel >> 8) & 0xff) - (int) lround (g * 255)), <=, 1);
  g_assert_cmpint (abs ((int) (pixel & 0xff) - (int) lround (b * 255)), <=, 1);
}

/* Every cell of @figure, laid out as the half @half of a pair, has its
 * colour at its centre in @surface (at @scale pixels per unit). */
static void
assert_half_cells (cairo_surface_t    *surface,
                   AsFigure           *figure,
                   const AsFigureRect *half,
                   double              scale)
{
  for (guint r = 0; r < as_figure_get_n_rows (figure); r++)
    for (guint c = 0; c < as_figure_get_n_columns (figure); c++)
      {
        AsFigureRect cell;
        double red, green, blue;

        g_assert_true (as_figure_get_cell_rect (figure, half->width, half->height, r, c, &cell));
        as_figure_weight_color (figure, as_figure_get_weight (figure, r, c), &red, &green, &blue);
        assert_pixel_is (png_pixel (surface, (half->x + cell.x + cell.width / 2) * scale,
                                    (half->y + cell.y + cell.height / 2) * scale),
                         red, green, blue);
      }
}

/* The pair in one PNG at its natural size: twice the wider figure and the
 * gap; the left figure's cells on the left, the difference's on the right,
 * each at its place; an SVG and a PDF of both, the SVG saying both. */
static void
test_pair_export (void)
{
  g_autoptr (AsFigure) live = small_figure (live_weights, "here");
  g_autoptr (AsFigure) pinned = small_figure (pinned_weights, "here");
  g_autoptr (AsFigure) difference = as_figure_new_difference (live, pinned, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attnscope-compare-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "pair.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "pair.svg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "pair.pdf", NULL);
  g_autofree char *contents = NULL;
  AsFigureExportOptions options = { AS_FIGURE_BACKGROUND_LIGHT, 1.0, FALSE, 0, 0 };
  cairo_surface_t *surface;
  AsFigureRect left, right;
  int lw, lh, rw, rh, width, height;

  as_figure_get_natural_size (live, &lw, &lh);
  as_figure_get_natural_size (difference, &rw, &rh);
  as_figure_get_pair_natural_size (live, difference, &width, &height);
  g_assert_cmpint (width, ==, 2 * MAX (lw, rw) + (int) AS_FIGURE_PAIR_GAP);
  g_assert_cmpint (height, ==, MAX (lh, rh));

  g_assert_true (as_figure_export_pair_with_options (live, difference, png, &options, &error));
  g_assert_no_error (error);
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, height);
  as_figure_get_pair_rects (width, height, &left, &right);
  g_assert_cmpfloat (right.x, ==, left.width + AS_FIGURE_PAIR_GAP);
  assert_half_cells (surface, live, &left, 1.0);
  assert_half_cells (surface, difference, &right, 1.0);
  cairo_surface_destroy (surface);

  /* at a size given (as the window's), at 2x: each half half of it */
  options.width = 900;
  options.height = 300;
  options.scale = 2.0;
  g_assert_true (as_figure_export_pair_with_options (difference, pinned, png, &options, &error));
  g_assert_no_error (error);
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 1800);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 600);
  as_figure_get_pair_rects (900, 300, &left, &right);
  assert_half_cells (surface, difference, &left, 2.0);
  assert_half_cells (surface, pinned, &right, 2.0);
  cairo_surface_destroy (surface);

  options = (AsFigureExportOptions) { AS_FIGURE_BACKGROUND_LIGHT, 1.0, FALSE, 0, 0 };
  g_assert_true (as_figure_export_pair_with_options (live, difference, svg, &options, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (svg, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "<title>Attention: i am here → 我 | Attention: i am here → 我</title>"));
  g_assert_nonnull (strstr (contents, "Left: "));
  g_assert_nonnull (strstr (contents, "Right: "));
  g_assert_nonnull (strstr (contents, "Difference: live − pinned"));
  g_clear_pointer (&contents, g_free);

  g_assert_true (as_figure_export_pair_with_options (live, pinned, pdf, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF"));

  g_unlink (png);
  g_unlink (svg);
  g_unlink (pdf);
  g_rmdir (dir);
}

/* The window */

typedef struct
{
  AsWindow *window;
  char     *dir;
  char     *model_path;
} Fixture;

static void
wait_until (gboolean (*done) (Fixture *), Fixture *fixture)
{
  gint64 end = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (!done (fixture))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

static gboolean
not_busy (Fixture *fixture)
{
  return !as_window_is_loading (fixture->window) && !as_window_is_decoding (fixture->window) &&
         as_window_get_model (fixture->window) != NULL;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *bundled = g_build_filename (as_models_dir (), data != NULL ? data : "tiny-hello.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (bundled, &contents, NULL, &error));
  fixture->dir = g_dir_make_tmp ("attnscope-compare-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->model_path = g_build_filename (fixture->dir, "model.json", NULL);
  g_assert_true (g_file_set_contents (fixture->model_path, contents, -1, &error));

  fixture->window = as_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 700);
  gtk_window_present (GTK_WINDOW (fixture->window));
  file = g_file_new_for_path (fixture->model_path);
  as_window_open_model (fixture->window, file);
  wait_until (not_busy, fixture);
  test_settle ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  test_settle ();
  test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->model_path);
}

static void
type (Fixture    *fixture,
      const char *sentence)
{
  as_window_set_sentence (fixture->window, sentence);
  as_window_flush (fixture->window);
  test_settle ();
}

static AsFigure *
live_figure (Fixture *fixture)
{
  return as_heatmap_get_figure (as_window_get_heatmap (fixture->window));
}

static gboolean
pinned (Fixture *fixture)
{
  g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (fixture->window), "pin");

  return g_variant_get_boolean (state);
}

/* Pin: the pane shows a copy, captioned with the model file; another
 * sentence changes the live view, not the pinned one, and its difference
 * is refused with the reason; the same sentence again makes it possible. */
static void
test_window_pin (Fixture       *fixture,
                 gconstpointer  data)
{
  AsComparePane *pane = as_window_get_compare_pane (fixture->window);
  GtkWidget *toggle = as_compare_pane_get_difference_button (pane);
  g_autoptr (AsFigure) before = NULL;
  AsFigure *pinned_figure, *shown;
  const char *why = NULL;

  type (fixture, "hello world");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (pane)));
  g_assert_false (pinned (fixture));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "pin", NULL);
  test_settle ();
  g_assert_true (pinned (fixture));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (pane)));
  g_assert_true (as_compare_pane_is_pinned (pane));
  g_assert_nonnull (strstr (as_compare_pane_get_caption (pane), "Pinned · model.json · the model’s translation"));

  before = as_figure_copy (live_figure (fixture));
  pinned_figure = as_compare_pane_get_pinned (pane);
  shown = as_compare_pane_get_shown_figure (pane);
  g_assert_true (as_figure_same_axes (pinned_figure, before, NULL));
  g_assert_true (as_compare_pane_can_difference (pane, &why));
  g_assert_true (gtk_widget_get_sensitive (toggle));

  /* another sentence: the live view changes, the pinned one does not */
  type (fixture, "hello world ! hello");
  g_assert_cmpuint (as_figure_get_n_columns (live_figure (fixture)), !=, as_figure_get_n_columns (before));
  for (AsFigure **f = (AsFigure *[]) { pinned_figure, shown, NULL }; *f != NULL; f++)
    {
      g_assert_cmpuint (as_figure_get_n_rows (*f), ==, as_figure_get_n_rows (before));
      g_assert_cmpuint (as_figure_get_n_columns (*f), ==, as_figure_get_n_columns (before));
      for (guint r = 0; r < as_figure_get_n_rows (before); r++)
        for (guint c = 0; c < as_figure_get_n_columns (before); c++)
          g_assert_cmpfloat (as_figure_get_weight (*f, r, c), ==, as_figure_get_weight (before, r, c));
      g_assert_cmpstr (as_figure_get_column_label (*f, 1), ==, "world");
    }
  g_assert_false (as_compare_pane_can_difference (pane, &why));
  g_assert_nonnull (why);
  g_assert_nonnull (strstr (why, "differ in size"));
  g_assert_false (gtk_widget_get_sensitive (toggle));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (toggle), ==, why);

  /* the same axes again: the difference is offered */
  type (fixture, "hello world");
  g_assert_true (as_compare_pane_can_difference (pane, NULL));
  g_assert_true (gtk_widget_get_sensitive (toggle));

  /* unpinned: the pane goes */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "pin", NULL);
  test_settle ();
  g_assert_false (pinned (fixture));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (pane)));
  g_assert_false (as_compare_pane_is_pinned (pane));
}

static gboolean
transformer_shown (Fixture *fixture)
{
  AsModel *model = as_window_get_model (fixture->window);

  return not_busy (fixture) && model != NULL &&
         g_strcmp0 (as_model_get_metadata (model, "name"), "tiny-transformer") == 0;
}

/* Another model on the same sentence: the pinned GRU stays as it was, and
 * the Transformer's tokens (<bos> first) are not the GRU's: no difference,
 * the reason naming the first column that differs. */
static void
test_window_other_model (Fixture       *fixture,
                         gconstpointer  data)
{
  AsComparePane *pane = as_window_get_compare_pane (fixture->window);
  g_autoptr (AsFigure) before = NULL;
  AsFigure *shown;
  const char *why = NULL;

  type (fixture, "hello world !");
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "pin", NULL);
  test_settle ();
  before = as_figure_copy (as_compare_pane_get_shown_figure (pane));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "open-bundled",
                                  g_variant_new_string ("tiny-transformer"));
  wait_until (transformer_shown, fixture);
  test_settle ();
  g_assert_cmpstr (as_figure_get_column_label (live_figure (fixture), 0), ==, "<bos>");

  shown = as_compare_pane_get_shown_figure (pane);
  g_assert_true (as_compare_pane_is_pinned (pane));
  g_assert_true (as_figure_same_axes (shown, before, NULL));
  for (guint r = 0; r < as_figure_get_n_rows (before); r++)
    for (guint c = 0; c < as_figure_get_n_columns (before); c++)
      g_assert_cmpfloat (as_figure_get_weight (shown, r, c), ==, as_figure_get_weight (before, r, c));
  g_assert_false (as_compare_pane_can_difference (pane, &why));
  g_assert_nonnull (why);
  g_assert_false (gtk_widget_get_sensitive (as_compare_pane_get_difference_button (pane)));
}

/* The Transformer: pinned at its last layer, the live view moved to layer
 * 0 (the same tokens): the difference is live − pinned in every cell, on
 * the diverging map, and follows the live view; off again, the pinned view
 * is back. */
static void
test_window_difference (Fixture       *fixture,
                        gconstpointer  data)
{
  AsComparePane *pane = as_window_get_compare_pane (fixture->window);
  AsAttentionView *view = as_window_get_attention_view (fixture->window);
  g_autoptr (AsFigure) pinned_copy = NULL;
  AsFigure *shown;
  gboolean nonzero = FALSE;

  as_window_set_target (fixture->window, "bonjour monde !");
  type (fixture, "hello world !");
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "pin", NULL);
  test_settle ();
  pinned_copy = as_figure_copy (as_compare_pane_get_pinned (pane));
  g_assert_nonnull (strstr (as_compare_pane_get_caption (pane), "your translation"));

  as_attention_view_set_attention (view, AS_ATTENTION_CROSS, 0, 1, FALSE);
  test_settle ();
  g_assert_true (as_compare_pane_can_difference (pane, NULL));
  as_compare_pane_set_difference (pane, TRUE);
  test_settle ();
  g_assert_true (as_compare_pane_get_difference (pane));
  g_assert_nonnull (strstr (as_compare_pane_get_caption (pane), "Difference: live − pinned"));

  shown = as_compare_pane_get_shown_figure (pane);
  g_assert_true (as_figure_get_diverging (shown));
  for (guint r = 0; r < as_figure_get_n_rows (shown); r++)
    for (guint c = 0; c < as_figure_get_n_columns (shown); c++)
      {
        float expected = as_figure_get_weight (live_figure (fixture), r, c) - as_figure_get_weight (pinned_copy, r, c);

        g_assert_cmpfloat_with_epsilon (as_figure_get_weight (shown, r, c), expected, 1e-6);
        nonzero |= fabsf (expected) > 1e-3f;
      }
  g_assert_true (nonzero);

  /* the live view moves on (head 0): the difference follows */
  as_attention_view_set_attention (view, AS_ATTENTION_CROSS, 0, 0, FALSE);
  test_settle ();
  shown = as_compare_pane_get_shown_figure (pane);
  for (guint r = 0; r < as_figure_get_n_rows (shown); r++)
    for (guint c = 0; c < as_figure_get_n_columns (shown); c++)
      g_assert_cmpfloat_with_epsilon (as_figure_get_weight (shown, r, c),
                                      as_figure_get_weight (live_figure (fixture), r, c) -
                                      as_figure_get_weight (pinned_copy, r, c), 1e-6);

  /* the pinned view again */
  as_compare_pane_set_difference (pane, FALSE);
  test_settle ();
  shown = as_compare_pane_get_shown_figure (pane);
  g_assert_false (as_figure_get_diverging (shown));
  for (guint r = 0; r < as_figure_get_n_rows (shown); r++)
    for (guint c = 0; c < as_figure_get_n_columns (shown); c++)
      g_assert_cmpfloat (as_figure_get_weight (shown, r, c), ==, as_figure_get_weight (pinned_copy, r, c));
}

/* Exported while pinned: both panels in one file, the live one on the left
 * at its place, the pinned one on the right; unpinned, the live one alone. */
static void
test_window_export (Fixture       *fixture,
                    gconstpointer  data)
{
  AsComparePane *pane = as_window_get_compare_pane (fixture->window);
  GtkWidget *live = GTK_WIDGET (as_window_get_heatmap (fixture->window));
  GtkWidget *pinned_heatmap = GTK_WIDGET (as_compare_pane_get_heatmap (pane));
  g_autofree char *png = g_build_filename (fixture->dir, "pair.png", NULL);
  g_autofree char *svg = g_build_filename (fixture->dir, "pair.svg", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (AsFigure) pinned_copy = NULL;
  cairo_surface_t *surface;
  AsFigureRect left, right;
  int width, height;

  type (fixture, "hello world");
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "pin", NULL);
  test_settle ();
  pinned_copy = as_figure_copy (as_compare_pane_get_shown_figure (pane));
  type (fixture, "world hello !");

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "export-to", g_variant_new_string (png));
  g_assert_nonnull (strstr (as_window_get_message (fixture->window), "Saved"));
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  width = MAX (gtk_widget_get_width (live), gtk_widget_get_width (pinned_heatmap));
  height = MAX (gtk_widget_get_height (live), gtk_widget_get_height (pinned_heatmap));
  /* the settings' PNG scale: 2 */
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 2 * (2 * width + (int) AS_FIGURE_PAIR_GAP));
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 2 * height);
  as_figure_get_pair_rects (2 * width + AS_FIGURE_PAIR_GAP, height, &left, &right);
  assert_half_cells (surface, live_figure (fixture), &left, 2.0);
  assert_half_cells (surface, as_compare_pane_get_shown_figure (pane), &right, 2.0);
  cairo_surface_destroy (surface);

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "export-to", g_variant_new_string (svg));
  g_assert_true (g_file_get_contents (svg, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "<title>Attention: world hello ! → "));
  g_assert_nonnull (strstr (contents, " | Attention: hello world → "));

  /* unpinned: one panel */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "pin", NULL);
  test_settle ();
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "export-to", g_variant_new_string (png));
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 2 * gtk_widget_get_width (live));
  cairo_surface_destroy (surface);
}

static void
bounds (GtkWidget       *widget,
        GtkWidget       *window,
        graphene_rect_t *rect)
{
  g_assert_true (gtk_widget_compute_bounds (widget, window, rect));
}

static void
resize (Fixture *fixture,
        int      width,
        int      height)
{
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, height);
  test_settle ();
  test_settle ();
}

/* Pinning never widens the window: the pinned view goes beside the live
 * one where both fit (the live one half of the width or its minimum), else
 * above it; neither overlaps the other. */
static void
test_window_layout (Fixture       *fixture,
                    gconstpointer  data)
{
  AsComparePane *pane = as_window_get_compare_pane (fixture->window);
  GtkWidget *view = GTK_WIDGET (as_window_get_attention_view (fixture->window));
  GtkWidget *box = gtk_widget_get_parent (view);
  graphene_rect_t live, pinned_rect;
  int width, height;

  type (fixture, "hello world");
  resize (fixture, 1300, 700);
  width = gtk_widget_get_width (GTK_WIDGET (fixture->window));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "pin", NULL);
  test_settle ();
  test_settle ();
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->window)), ==, width);
  g_assert_true (as_compare_box_is_side_by_side (AS_COMPARE_BOX (box)));
  bounds (view, GTK_WIDGET (fixture->window), &live);
  bounds (GTK_WIDGET (pane), GTK_WIDGET (fixture->window), &pinned_rect);
  g_assert_cmpfloat (pinned_rect.origin.x, >=, live.origin.x + live.size.width);
  g_assert_cmpfloat (fabs (pinned_rect.origin.y - live.origin.y), <, 1.0);
  /* the live one half or more (its minimum, where that is more) */
  g_assert_cmpfloat (live.size.width, >=, pinned_rect.size.width - 1.0);
  g_assert_cmpfloat (pinned_rect.size.width, >, 100.0);

  /* narrow: above, the window as narrow as it is unpinned */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "pin", NULL);
  resize (fixture, 800, 500);
  width = gtk_widget_get_width (GTK_WIDGET (fixture->window));
  height = gtk_widget_get_height (GTK_WIDGET (fixture->window));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "pin", NULL);
  test_settle ();
  test_settle ();
  g_test_message ("800x500: %d x %d unpinned, %d x %d pinned", width, height,
                  gtk_widget_get_width (GTK_WIDGET (fixture->window)),
                  gtk_widget_get_height (GTK_WIDGET (fixture->window)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->window)), ==, width);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (fixture->window)), ==, height);
  g_assert_false (as_compare_box_is_side_by_side (AS_COMPARE_BOX (box)));
  bounds (view, GTK_WIDGET (fixture->window), &live);
  bounds (GTK_WIDGET (pane), GTK_WIDGET (fixture->window), &pinned_rect);
  g_assert_cmpfloat (pinned_rect.origin.y + pinned_rect.size.height, <=, live.origin.y);
  g_assert_cmpfloat (pinned_rect.size.height, >, 0);
  g_assert_cmpfloat (live.size.height, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  as_register_resource ();

  g_test_add_func ("/compare/copy", test_copy);
  g_test_add_func ("/compare/difference", test_difference);
  g_test_add_func ("/compare/diverging-colors", test_diverging_colors);
  g_test_add_func ("/compare/axes-differ", test_axes_differ);
  g_test_add_func ("/compare/pair-export", test_pair_export);
  g_test_add ("/compare/window-pin", Fixture, NULL, fixture_set_up, test_window_pin, fixture_tear_down);
  g_test_add ("/compare/window-difference", Fixture, "tiny-transformer.json", fixture_set_up,
              test_window_difference, fixture_tear_down);
  g_test_add ("/compare/window-other-model", Fixture, NULL, fixture_set_up, test_window_other_model,
              fixture_tear_down);
  g_test_add ("/compare/window-export", Fixture, NULL, fixture_set_up, test_window_export, fixture_tear_down);
  g_test_add ("/compare/window-layout", Fixture, "tiny-transformer.json", fixture_set_up, test_window_layout,
              fixture_tear_down);

  return g_test_run ();
}
