/* Exports fit for paper (issue 13): the file is laid out exactly as the
 * screen shows the figure (same size, zoom and scroll, pixel for pixel);
 * PNG at 2x is the 1x drawing at twice the resolution; SVG text as <text>
 * lands where the outlines are; exports are light whatever the screen's
 * style, and the figure keeps its colours; the window exports at its
 * heatmap's size, in the settings' style and scale; the export dialog's
 * type sets the name's extension, it proposes a name from the sentence and
 * opens in the last folder. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "as-export-dialog.h"
#include "as-paths.h"
#include "as-resources.h"
#include "as-settings.h"
#include "as-window-private.h"
#include "test-util.h"

#define N_ROWS    5
#define N_COLUMNS 4

static const float weights[N_ROWS * N_COLUMNS] = {
  0.70f, 0.10f, 0.15f, 0.05f,
  0.10f, 0.60f, 0.20f, 0.10f,
  0.05f, 0.10f, 0.80f, 0.05f,
  0.20f, 0.20f, 0.30f, 0.30f,
  0.00f, 0.05f, 0.15f, 0.80f,
};

static AsFigure *
make_figure (void)
{
  static const char *const columns[] = { "i", "am", "hungry", "EOS" };
  static const char *const inputs[] = { "SOS", "我", "饿", "了", "。" };
  static const char *const outputs[] = { "我", "饿", "了", "。", "EOS" };
  static const float probs[] = { 0.9f, 0.8f, 0.7f, 0.6f, 0.95f };
  AsFigure *figure = as_figure_new ();

  as_figure_set_matrix (figure, N_ROWS, N_COLUMNS, weights);
  test_set_cross_axes (figure, columns, NULL, inputs, outputs, probs);
  as_figure_set_text (figure, "i am hungry", "我饿了。");
  as_figure_set_languages (figure, "zh-CN", "en");
  as_figure_set_text_languages (figure, "en", "zh-CN");
  return figure;
}

static char *
make_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("attnscope-export-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* The figure as as_figure_draw() draws it on screen, @width x @height. */
static cairo_surface_t *
draw_screen (AsFigure *figure,
             int       width,
             int       height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  as_figure_draw (figure, cr, width, height);
  cairo_destroy (cr);
  return surface;
}

static cairo_surface_t *
load_png (const char *path)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    g_error ("cannot read %s as PNG: %s", path, cairo_status_to_string (cairo_surface_status (surface)));
  return surface;
}

static cairo_surface_t *
export_png (AsFigure                    *figure,
            const char                  *dir,
            const AsFigureExportOptions *options)
{
  g_autofree char *path = g_build_filename (dir, "figure.png", NULL);
  g_autoptr (GError) error = NULL;
  cairo_surface_t *surface;

  g_assert_true (as_figure_export_with_options (figure, path, options, &error));
  g_assert_no_error (error);
  surface = load_png (path);
  g_unlink (path);
  return surface;
}

/* @svg rendered by rsvg-convert at its own size. */
static cairo_surface_t *
render_svg (const char *svg,
            const char *dir)
{
  g_autofree char *png = g_build_filename (dir, "rendered.png", NULL);
  const char *argv[] = { "rsvg-convert", "--format=png", "--output", png, svg, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *errors = NULL;
  cairo_surface_t *surface;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, &errors, &status, &error))
    g_error ("cannot run rsvg-convert (Debian package librsvg2-bin): %s", error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("rsvg-convert failed on %s: %s %s", svg, error->message, errors);
  surface = load_png (png);
  g_unlink (png);
  return surface;
}

/* The box of the dark pixels (ink on white) inside @area; FALSE if none. */
static gboolean
ink_box (cairo_surface_t    *surface,
         const AsFigureRect *area,
         double              box[4])
{
  int x0 = MAX (0, (int) area->x), y0 = MAX (0, (int) area->y);
  int x1 = MIN (cairo_image_surface_get_width (surface), (int) ceil (area->x + area->width));
  int y1 = MIN (cairo_image_surface_get_height (surface), (int) ceil (area->y + area->height));
  gboolean found = FALSE;

  box[0] = box[1] = G_MAXDOUBLE;
  box[2] = box[3] = -G_MAXDOUBLE;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        int r, g, b;

        test_pixel_at (surface, x, y, &r, &g, &b);
        if (r + g + b < 3 * 150)
          {
            box[0] = MIN (box[0], x);
            box[1] = MIN (box[1], y);
            box[2] = MAX (box[2], x);
            box[3] = MAX (box[3], y);
            found = TRUE;
          }
      }
  return found;
}

/* The export laid out at the screen's size is the screen's drawing, pixel
 * for pixel: at two sizes that are not the natural one, and zoomed and
 * scrolled as a person left it. */
static void
test_as_on_screen (void)
{
  static const int sizes[][2] = { { 700, 460 }, { 430, 520 } };
  g_autoptr (AsFigure) figure = make_figure ();
  g_autofree char *dir = make_dir ();

  for (guint zoomed = 0; zoomed < 2; zoomed++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      {
        AsFigureExportOptions options = { AS_FIGURE_BACKGROUND_LIGHT, 1.0, FALSE, sizes[s][0], sizes[s][1] };
        cairo_surface_t *screen, *png;
        int natural_width, natural_height;
        guint n;

        if (zoomed)
          {
            as_figure_set_zoom (figure, 2.0);
            as_figure_set_scroll (figure, 30.0, 40.0);
          }
        screen = draw_screen (figure, sizes[s][0], sizes[s][1]);
        png = export_png (figure, dir, &options);
        g_assert_cmpint (cairo_image_surface_get_width (png), ==, sizes[s][0]);
        g_assert_cmpint (cairo_image_surface_get_height (png), ==, sizes[s][1]);
        n = count_different_pixels (screen, png, 0);
        if (n != 0)
          g_error ("the export at %d x %d (%s) differs from the screen's drawing in %u pixels", sizes[s][0],
                   sizes[s][1], zoomed ? "zoomed and scrolled" : "fitted", n);
        cairo_surface_destroy (screen);
        cairo_surface_destroy (png);

        /* not the natural size's layout, which the export used to draw */
        as_figure_get_natural_size (figure, &natural_width, &natural_height);
        g_assert_true (natural_width != sizes[s][0] || natural_height != sizes[s][1]);
      }
  test_remove_dir (dir);
}

/* Whatever colours the screen gave the figure (dark style here), the
 * export is light, dark or transparent as asked, and the figure has its
 * own colours back afterwards. */
static void
test_background (void)
{
  static const AsFigureColor dark_text = { 0.95, 0.95, 0.95, 1.0 };
  static const AsFigureColor dark_base = { 0.14, 0.14, 0.14, 1.0 };
  static const AsFigureColor dark_accent = { 0.5, 0.7, 0.9, 1.0 };
  static const AsFigureColor dark_warning = { 0.9, 0.5, 0.4, 1.0 };
  g_autoptr (AsFigure) figure = make_figure ();
  g_autoptr (AsFigure) light = make_figure ();
  g_autofree char *dir = make_dir ();
  AsFigureExportOptions options = { AS_FIGURE_BACKGROUND_LIGHT, 1.0, FALSE, 640, 420 };
  AsFigureColor fg, bg, accent, warning;
  cairo_surface_t *screen, *png;
  int r, g, b;

  as_figure_set_colors (figure, &dark_text, &dark_base, &dark_accent, &dark_warning);

  /* light: the figure as the light style draws it */
  png = export_png (figure, dir, &options);
  screen = draw_screen (light, 640, 420);
  g_assert_cmpuint (count_different_pixels (screen, png, 0), ==, 0);
  cairo_surface_destroy (screen);
  cairo_surface_destroy (png);

  as_figure_get_colors (figure, &fg, &bg, &accent, &warning);
  g_assert_true (memcmp (&fg, &dark_text, sizeof fg) == 0);
  g_assert_true (memcmp (&bg, &dark_base, sizeof bg) == 0);
  g_assert_true (memcmp (&accent, &dark_accent, sizeof accent) == 0);
  g_assert_true (memcmp (&warning, &dark_warning, sizeof warning) == 0);

  /* dark: a dark background */
  options.background = AS_FIGURE_BACKGROUND_DARK;
  png = export_png (figure, dir, &options);
  test_pixel_at (png, 2, 2, &r, &g, &b);
  g_assert_cmpint (MAX (r, MAX (g, b)), <, 60);
  cairo_surface_destroy (png);

  /* transparent: no background at all */
  options.background = AS_FIGURE_BACKGROUND_TRANSPARENT;
  png = export_png (figure, dir, &options);
  g_assert_cmpint (cairo_image_surface_get_format (png), ==, CAIRO_FORMAT_ARGB32);
  cairo_surface_flush (png);
  g_assert_cmpuint (((guint32 *) (gpointer) cairo_image_surface_get_data (png))[0] >> 24, ==, 0);
  cairo_surface_destroy (png);

  as_figure_get_colors (figure, &fg, &bg, NULL, NULL);
  g_assert_true (memcmp (&bg, &dark_base, sizeof bg) == 0);
  test_remove_dir (dir);
}

/* PNG at 2x is the same drawing at twice the resolution: twice the size,
 * and averaged back down, the 1x export but for the edges of the text. */
static void
test_scale (void)
{
  g_autoptr (AsFigure) figure = make_figure ();
  g_autofree char *dir = make_dir ();
  AsFigureExportOptions options = { AS_FIGURE_BACKGROUND_LIGHT, 1.0, FALSE, 600, 400 };
  cairo_surface_t *one, *two, *down;
  AsFigureRect cell;
  guint n;

  one = export_png (figure, dir, &options);
  options.scale = 2.0;
  two = export_png (figure, dir, &options);
  g_assert_cmpint (cairo_image_surface_get_width (two), ==, 1200);
  g_assert_cmpint (cairo_image_surface_get_height (two), ==, 800);

  /* each 2 x 2 block averaged */
  down = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 600, 400);
  cairo_surface_flush (down);
  for (int y = 0; y < 400; y++)
    for (int x = 0; x < 600; x++)
      {
        int sum[3] = { 0, 0, 0 };

        for (int dy = 0; dy < 2; dy++)
          for (int dx = 0; dx < 2; dx++)
            {
              int r, g, b;

              test_pixel_at (two, 2 * x + dx, 2 * y + dy, &r, &g, &b);
              sum[0] += r, sum[1] += g, sum[2] += b;
            }
        ((guint32 *) (gpointer) (cairo_image_surface_get_data (down) + y * cairo_image_surface_get_stride (down)))[x] =
          ((guint32) ((sum[0] + 2) / 4) << 16) | ((guint32) ((sum[1] + 2) / 4) << 8) | (guint32) ((sum[2] + 2) / 4);
      }
  cairo_surface_mark_dirty (down);

  n = count_different_pixels (one, down, 48);
  if (n > 600 * 400 / 50)
    g_error ("the 2x export averaged down differs from the 1x one in %u pixels of %d", n, 600 * 400);

  /* the cells are where they were, the same colours */
  for (guint r = 0; r < N_ROWS; r++)
    for (guint c = 0; c < N_COLUMNS; c++)
      {
        int r1, g1, b1, r2, g2, b2;

        g_assert_true (as_figure_get_cell_rect (figure, 600, 400, r, c, &cell));
        test_pixel_at (one, cell.x + cell.width / 2, cell.y + cell.height / 2, &r1, &g1, &b1);
        test_pixel_at (two, 2 * (cell.x + cell.width / 2), 2 * (cell.y + cell.height / 2), &r2, &g2, &b2);
        g_assert_cmpint (ABS (r1 - r2) + ABS (g1 - g2) + ABS (b1 - b2), <=, 3);
      }

  cairo_surface_destroy (one);
  cairo_surface_destroy (two);
  cairo_surface_destroy (down);
  test_remove_dir (dir);
}

/* The column label "hungry" (above the cells) has the same ink box in
 * both renderings; TRUE when it is rotated (taller than wide). */
static gboolean
check_column_label (AsFigure        *figure,
                    cairo_surface_t *a,
                    cairo_surface_t *b,
                    int              width,
                    int              height)
{
  AsFigureRect grid, column;
  double box_a[4], box_b[4];

  g_assert_true (as_figure_get_grid_rect (figure, width, height, &grid));
  g_assert_true (as_figure_get_column_rect (figure, width, height, 2, &column));
  column.height = grid.y - column.y - 1;
  g_assert_true (ink_box (a, &column, box_a));
  g_assert_true (ink_box (b, &column, box_b));
  for (guint i = 0; i < 4; i++)
    if (fabs (box_a[i] - box_b[i]) > 2.0)
      g_error ("\"hungry\" at %d x %d: outlined at %g,%g-%g,%g, text at %g,%g-%g,%g", width, height, box_a[0],
               box_a[1], box_a[2], box_a[3], box_b[0], box_b[1], box_b[2], box_b[3]);
  return box_a[3] - box_a[1] > box_a[2] - box_a[0];
}

/* SVG text: the labels are text (the Chinese tokens literally, with their
 * language), the document is XML that rsvg-convert renders, and each label
 * lands where the outlined export draws it. */
static void
test_svg_text (void)
{
  g_autoptr (AsFigure) figure = make_figure ();
  g_autofree char *dir = make_dir ();
  g_autofree char *outlined = g_build_filename (dir, "outlined.svg", NULL);
  g_autofree char *text = g_build_filename (dir, "text.svg", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  AsFigureExportOptions options = { AS_FIGURE_BACKGROUND_LIGHT, 1.0, FALSE, 640, 440 };
  cairo_surface_t *a, *b;
  AsFigureRect grid, row;
  double box_a[4], box_b[4];
  guint n;

  g_assert_true (as_figure_export_with_options (figure, outlined, &options, &error));
  options.svg_text = TRUE;
  g_assert_true (as_figure_export_with_options (figure, text, &options, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (outlined, &contents, NULL, NULL));
  g_assert_null (strstr (contents, "<text"));
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (text, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "xml:lang=\"zh-CN\">饿</text>"));
  g_assert_nonnull (strstr (contents, "xml:lang=\"en\">hungry</text>"));
  g_assert_nonnull (strstr (contents, ">我饿了。</text>"));

  a = render_svg (outlined, dir);
  b = render_svg (text, dir);
  n = count_different_pixels (a, b, 96);
  if (n > 640 * 440 / 100)
    g_error ("the SVG with text differs from the outlined one in %u pixels", n);

  /* a few labels, box for box: rows 1 and 3 (their labels, left of the
   * cells) and the rotated column label "hungry" (above the cells) */
  g_assert_true (as_figure_get_grid_rect (figure, 640, 440, &grid));
  for (guint r = 1; r < N_ROWS; r += 2)
    {
      AsFigureRect label;

      g_assert_true (as_figure_get_row_rect (figure, 640, 440, r, &row));
      label = (AsFigureRect) { 0, row.y, grid.x - 1, row.height };
      g_assert_true (ink_box (a, &label, box_a));
      g_assert_true (ink_box (b, &label, box_b));
      for (guint i = 0; i < 4; i++)
        if (fabs (box_a[i] - box_b[i]) > 2.0)
          g_error ("row %u's label: outlined at %g,%g-%g,%g, text at %g,%g-%g,%g", r, box_a[0], box_a[1],
                   box_a[2], box_a[3], box_b[0], box_b[1], box_b[2], box_b[3]);
    }
  check_column_label (figure, a, b, 640, 440);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);

  /* narrow: the column labels are rotated, in the text as in the outlines */
  options = (AsFigureExportOptions) { AS_FIGURE_BACKGROUND_LIGHT, 1.0, FALSE, 300, 440 };
  g_assert_true (as_figure_export_with_options (figure, outlined, &options, &error));
  options.svg_text = TRUE;
  g_assert_true (as_figure_export_with_options (figure, text, &options, &error));
  g_assert_no_error (error);
  a = render_svg (outlined, dir);
  b = render_svg (text, dir);
  g_assert_true (check_column_label (figure, a, b, 300, 440));
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
  test_remove_dir (dir);
}

/* Bad options: one clear message, nothing written, the existing file kept. */
static void
test_bad_options (void)
{
  g_autoptr (AsFigure) figure = make_figure ();
  g_autofree char *dir = make_dir ();
  g_autofree char *keep = g_build_filename (dir, "keep.png", NULL);
  g_autofree char *contents = NULL;
  const AsFigureExportOptions bad[] = {
    { AS_FIGURE_BACKGROUND_LIGHT, -1.0, FALSE, 0, 0 },
    { AS_FIGURE_BACKGROUND_LIGHT, 100.0, FALSE, 0, 0 },
    { AS_FIGURE_BACKGROUND_LIGHT, NAN, FALSE, 0, 0 },
    { AS_FIGURE_BACKGROUND_LIGHT, 1.0, FALSE, -5, 0 },
    { AS_FIGURE_BACKGROUND_LIGHT, 4.0, FALSE, 16000, 100 },
    { (AsFigureBackground) 7, 1.0, FALSE, 0, 0 },
  };

  g_assert_true (g_file_set_contents (keep, "KEEP", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (as_figure_export_with_options (figure, keep, &bad[i], &error));
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, keep));
    }
  g_assert_true (g_file_get_contents (keep, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "KEEP");
  test_remove_dir (dir);
}

static void
test_name_from_sentence (void)
{
  static const char *const cases[][2] = {
    { "i am hungry", "i-am-hungry" },
    { "  I am HUNGRY!! ", "i-am-hungry" },
    { "我饿了。", "我饿了" },
    { "Ça va? Très bien.", "ça-va-très-bien" },
    { "../../etc/passwd", "etc-passwd" },
    { "a/b\\c:d*e", "a-b-c-d-e" },
    { "", "attention" },
    { "?!", "attention" },
    { NULL, "attention" },
  };
  g_autofree char *long_name = NULL;
  g_autofree char *long_sentence = g_strnfill (300, 'x');

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = as_export_name_from_sentence (cases[i][0]);

      g_assert_cmpstr (name, ==, cases[i][1]);
    }
  long_name = as_export_name_from_sentence (long_sentence);
  g_assert_cmpint (g_utf8_strlen (long_name, -1), <=, 48);
  g_assert_cmpint (g_utf8_strlen (long_name, -1), >, 20);
}

/* The window */

typedef struct
{
  AsWindow *window;
  char     *dir;
} Fixture;

static gboolean
loaded (gpointer data)
{
  Fixture *fixture = data;

  return !as_window_is_loading (fixture->window) && as_window_get_model (fixture->window) != NULL;
}

static void
wait_for (gboolean (*done) (gpointer), gpointer data)
{
  gint64 end = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *model = g_build_filename (as_models_dir (), "tiny-hello.json", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (model);
  g_autoptr (GSettings) settings = as_settings_new ();

  /* the memory backend is shared by the whole program: start from the defaults */
  g_settings_reset (settings, "last-folder");
  g_settings_reset (settings, "export-format");
  g_settings_reset (settings, "export-background");
  g_settings_reset (settings, "export-scale");
  g_settings_reset (settings, "export-svg-text");

  fixture->dir = make_dir ();
  fixture->window = as_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 700);
  gtk_window_present (GTK_WINDOW (fixture->window));
  as_window_open_model (fixture->window, file);
  wait_for (loaded, fixture);
  as_window_set_sentence (fixture->window, "hello world !");
  as_window_flush (fixture->window);
  test_settle ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", FALSE, NULL);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  test_settle ();
  test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

/* The heatmap as it is on screen, rendered offscreen by the window's renderer. */
static cairo_surface_t *
render_widget (GtkWidget *widget)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  cairo_surface_t *surface;

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  gdk_texture_download (texture, cairo_image_surface_get_data (surface), cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  return surface;
}

static cairo_surface_t *
crop (cairo_surface_t    *surface,
      const AsFigureRect *area)
{
  cairo_surface_t *part = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) area->width, (int) area->height);
  cairo_t *cr = cairo_create (part);

  cairo_set_source_surface (cr, surface, -area->x, -area->y);
  cairo_paint (cr);
  cairo_destroy (cr);
  return part;
}

/* The window's export is laid out at the heatmap's size and the settings'
 * scale, its cells exactly where the screen has them (the light style's
 * colours: the dimmed rows and the step's line alike);
 * in the dark style it is light all the same, and the screen stays dark. */
static void
test_window_export (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkWidget *heatmap = GTK_WIDGET (as_window_get_heatmap (fixture->window));
  AsFigure *figure = as_heatmap_get_figure (AS_HEATMAP (heatmap));
  g_autoptr (GSettings) settings = as_settings_new ();
  g_autofree char *path = g_build_filename (fixture->dir, "view.png", NULL);
  cairo_surface_t *screen, *png, *cells_screen, *cells_png;
  AsFigureColor fg;
  AsFigureRect grid;
  int width, height, r, g, b;

  g_settings_set_double (settings, "export-scale", 1.0);
  width = gtk_widget_get_width (heatmap);
  height = gtk_widget_get_height (heatmap);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "export-to", g_variant_new_string (path));
  g_assert_nonnull (strstr (as_window_get_message (fixture->window), "Saved"));
  png = load_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (png), ==, height);

  /* the cells, inside (away from the widget's hover and focus at their edge) */
  screen = render_widget (heatmap);
  g_assert_true (as_figure_get_grid_rect (figure, width, height, &grid));
  grid = (AsFigureRect) { grid.x + 2, grid.y + 2, grid.width - 4, grid.height - 4 };
  cells_screen = crop (screen, &grid);
  cells_png = crop (png, &grid);
  /* the step's line is in the text colour: the theme's (#2e3436 in GTK's
   * own) on screen, the export's light style's (#1f1f1f) in the file */
  g_assert_cmpuint (count_different_pixels (cells_screen, cells_png, 32), ==, 0);
  cairo_surface_destroy (cells_screen);
  cairo_surface_destroy (cells_png);
  cairo_surface_destroy (screen);
  cairo_surface_destroy (png);

  /* dark style: the export is light */
  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", TRUE, NULL);
  test_settle ();
  as_figure_get_colors (figure, &fg, NULL, NULL, NULL);
  g_assert_cmpfloat (fg.red, >, 0.7);  /* the screen is dark */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "export-to", g_variant_new_string (path));
  png = load_png (path);
  test_pixel_at (png, 1, 1, &r, &g, &b);
  g_assert_cmpint (MIN (r, MIN (g, b)), ==, 255);
  cairo_surface_destroy (png);
  as_figure_get_colors (figure, &fg, NULL, NULL, NULL);
  g_assert_cmpfloat (fg.red, >, 0.7);  /* still dark */

  /* 2x, and the dark background when asked */
  g_settings_set_double (settings, "export-scale", 2.0);
  g_settings_set_string (settings, "export-background", "dark");
  width = gtk_widget_get_width (heatmap);   /* the dark theme's widgets have other sizes */
  height = gtk_widget_get_height (heatmap);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "export-to", g_variant_new_string (path));
  png = load_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, 2 * width);
  g_assert_cmpint (cairo_image_surface_get_height (png), ==, 2 * height);
  test_pixel_at (png, 1, 1, &r, &g, &b);
  g_assert_cmpint (MAX (r, MAX (g, b)), <, 60);
  cairo_surface_destroy (png);
}

static GtkFileChooser *
open_dialog (Fixture *fixture)
{
  GtkFileChooser *dialog = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "export", NULL);
  test_settle ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        dialog = GTK_FILE_CHOOSER (window);
    }
  g_assert_nonnull (dialog);
  return dialog;
}

static GtkFileFilter *
filter_named (GtkFileChooser *dialog,
              const char     *prefix)
{
  g_autoptr (GListModel) filters = gtk_file_chooser_get_filters (dialog);

  for (guint i = 0; i < g_list_model_get_n_items (filters); i++)
    {
      g_autoptr (GtkFileFilter) filter = g_list_model_get_item (filters, i);

      if (g_str_has_prefix (gtk_file_filter_get_name (filter), prefix))
        return filter;
    }
  g_assert_not_reached ();
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* The dialog proposes a name from the sentence; the type sets the
 * extension (choosing PNG writes a PNG named .png, even when the name was
 * typed with .svg); its choices are kept; it opens in the last folder. */
static void
test_dialog (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (GSettings) settings = as_settings_new ();
  g_autoptr (GFile) folder = g_file_new_for_path (fixture->dir);
  g_autoptr (GFile) current = NULL;
  g_autofree char *name = NULL;
  g_autofree char *png = g_build_filename (fixture->dir, "hello-world.png", NULL);
  g_autofree char *typed = g_build_filename (fixture->dir, "typed.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *last = NULL;
  GtkFileChooser *dialog;
  gsize length;

  dialog = open_dialog (fixture);
  name = gtk_file_chooser_get_current_name (dialog);
  g_assert_cmpstr (name, ==, "hello-world.svg");
  g_clear_pointer (&name, g_free);

  gtk_file_chooser_set_filter (dialog, filter_named (dialog, "PNG"));
  name = gtk_file_chooser_get_current_name (dialog);
  g_assert_cmpstr (name, ==, "hello-world.png");
  g_clear_pointer (&name, g_free);

  g_assert_cmpstr (gtk_file_chooser_get_choice (dialog, "background"), ==, "light");
  as_export_dialog_set_choice (dialog, "scale", "3.125");
  gtk_file_chooser_set_current_folder (dialog, folder, NULL);
  test_settle ();
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  wait_for (file_exists, png);
  test_settle ();

  g_assert_true (g_file_get_contents (png, &contents, &length, NULL));
  g_assert_true (length > 8 && memcmp (contents, "\x89PNG", 4) == 0);
  {
    cairo_surface_t *surface = load_png (png);
    int width = gtk_widget_get_width (GTK_WIDGET (as_window_get_heatmap (fixture->window)));

    g_assert_cmpint (cairo_image_surface_get_width (surface), ==, (int) ceil (width * 3.125 - 1e-6));
    cairo_surface_destroy (surface);
  }
  last = g_settings_get_string (settings, "last-folder");
  g_assert_cmpstr (last, ==, fixture->dir);
  g_assert_cmpfloat (g_settings_get_double (settings, "export-scale"), ==, 3.125);

  /* again: the last folder, the last type; a typed name with another
   * type's extension takes the chosen type's */
  dialog = open_dialog (fixture);
  current = gtk_file_chooser_get_current_folder (dialog);
  g_assert_nonnull (current);
  g_assert_true (g_file_equal (current, folder));
  name = gtk_file_chooser_get_current_name (dialog);
  g_assert_cmpstr (name, ==, "hello-world.png");
  g_assert_cmpstr (gtk_file_chooser_get_choice (dialog, "scale"), ==, "3.125");
  gtk_file_chooser_set_current_name (dialog, "typed.svg");
  gtk_file_chooser_set_filter (dialog, filter_named (dialog, "PDF"));
  as_export_dialog_set_choice (dialog, "background", "transparent");
  test_settle ();
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  wait_for (file_exists, typed);
  test_settle ();
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (typed, &contents, &length, NULL));
  g_assert_true (length > 4 && memcmp (contents, "%PDF", 4) == 0);
  g_assert_false (g_file_test (typed, G_FILE_TEST_IS_DIR));
  {
    g_autofree char *svg = g_build_filename (fixture->dir, "typed.svg", NULL);

    g_assert_false (g_file_test (svg, G_FILE_TEST_EXISTS));
  }
  {
    g_autofree char *background = g_settings_get_string (settings, "export-background");
    g_autofree char *format = g_settings_get_string (settings, "export-format");

    g_assert_cmpstr (background, ==, "transparent");
    g_assert_cmpstr (format, ==, "pdf");
  }
}

/* Tokens of 10,000 and 100,000 characters (a model's vocabulary can hold
 * them, and one can win every step): each label is drawn cut, ending in
 * an ellipsis, in a figure of 300 x 300 of them that is drawn as on
 * screen and exported at its natural size; the tooltip has the whole
 * token. (Pango is given at most a few hundred characters of any text:
 * given all of them, such a figure took 47 s and 1 GB.) */
static void
test_long_labels (void)
{
  const guint n = 300;
  g_autoptr (AsFigure) figure = as_figure_new ();
  g_autofree float *cells = g_new0 (float, n * n);
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "long.svg", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *tooltip = NULL;
  g_autoptr (GError) error = NULL;
  AsFigureExportOptions options = { AS_FIGURE_BACKGROUND_LIGHT, 1.0, TRUE, 0, 0 };
  static const AsFigureAxisWords row_words = { .noun = "step" };
  static const AsFigureAxisWords column_words = { .noun = "source token" };
  AsFigureAxis *rows = as_figure_axis_new (n, &row_words);
  AsFigureAxis *columns = as_figure_axis_new (n, &column_words);
  GString *wide = g_string_new (NULL);
  GString *longest = g_string_new (NULL);
  cairo_surface_t *surface;
  guint n_texts = 0, n_cut = 0;
  gsize length;

  for (guint i = 0; i < 10000; i++)
    g_string_append (wide, "字");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (longest, 'w');
  for (guint i = 0; i < n; i++)
    {
      as_figure_axis_set_label (rows, i, wide->str);
      as_figure_axis_set_label (columns, i, longest->str);
      cells[i * n + i] = 1.0f;
    }
  as_figure_set_matrix (figure, n, n, cells);
  as_figure_set_axes (figure, rows, columns);
  as_figure_set_text (figure, longest->str, wide->str);
  as_figure_set_step (figure, 10);

  surface = draw_screen (figure, 900, 700);
  cairo_surface_destroy (surface);
  g_assert_true (as_figure_export_with_options (figure, path, &options, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  /* no bigger than needed: its description names each token as drawn,
   * not whole (300 of the 100,000 characters were 30 MB), and its cells
   * are runs of one colour (90,000 rectangles of one cell were 20 MB) */
  g_assert_cmpuint (length, <, 1536 * 1024);

  /* every text element is short, and the labels end in an ellipsis */
  for (const char *p = strstr (contents, "<text"); p != NULL; p = strstr (p + 1, "<text"))
    {
      const char *start = strchr (p, '>') + 1;
      const char *end = strstr (start, "</text>");

      g_assert_nonnull (end);
      g_assert_cmpint (g_utf8_strlen (start, end - start), <=, 300);
      if (end - start >= 3 && memcmp (end - 3, "…", 3) == 0)
        n_cut++;
      n_texts++;
    }
  /* (the labels that fit: about one row and one column in five) */
  g_assert_cmpuint (n_texts, >=, n / 5);
  g_assert_cmpuint (n_cut, >=, n / 5);

  /* the tooltip of a column label has the whole token */
  tooltip = as_figure_describe (figure, AS_FIGURE_PART_COLUMN_LABEL, -1, 5);
  g_assert_nonnull (strstr (tooltip, longest->str));

  g_string_free (wide, TRUE);
  g_string_free (longest, TRUE);
  as_figure_axis_free (rows);
  as_figure_axis_free (columns);
  g_unlink (path);
  test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  as_register_resource ();

  g_test_add_func ("/export/as-on-screen", test_as_on_screen);
  g_test_add_func ("/export/background", test_background);
  g_test_add_func ("/export/scale", test_scale);
  g_test_add_func ("/export/svg-text", test_svg_text);
  g_test_add_func ("/export/long-labels", test_long_labels);
  g_test_add_func ("/export/bad-options", test_bad_options);
  g_test_add_func ("/export/name-from-sentence", test_name_from_sentence);
  g_test_add ("/export/window", Fixture, NULL, fixture_set_up, test_window_export, fixture_tear_down);
  g_test_add ("/export/dialog", Fixture, NULL, fixture_set_up, test_dialog, fixture_tear_down);

  return g_test_run ();
}
