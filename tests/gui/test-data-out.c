/* Data out of the window (issue 16): the matrix shown copied as
 * tab-separated text through the real clipboard, by Ctrl+C typed (xdotool)
 * over the heatmap and by the heatmap's context menu opened with a real
 * secondary click, read back with gdk_clipboard_read_text_async and checked
 * against the session's own attention and tokens; not by Ctrl+C in the
 * sentence's entry. The export dialog's data types: the matrix as CSV, the
 * alignment in Pharaoh format by arg-max and by a threshold set in the
 * dialog (against the tokens and weights, checked by hand below, and against
 * attnscope-cli align), and the session as JSON, equal to
 * attnscope-cli translate --json. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "as-export-dialog.h"
#include "as-paths.h"
#include "as-resources.h"
#include "as-settings.h"
#include "as-window-private.h"
#include "test-input.h"

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
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *model = g_build_filename (as_models_dir (), "tiny-hello.json", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (model);
  g_autoptr (GSettings) settings = as_settings_new ();
  g_autoptr (GError) error = NULL;

  g_settings_reset (settings, "last-folder");
  g_settings_reset (settings, "export-format");
  fixture->dir = g_dir_make_tmp ("attnscope-data-out-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->window = as_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 900, 600);
  gtk_window_present (GTK_WINDOW (fixture->window));
  as_window_open_model (fixture->window, file);
  test_wait_for (loaded, fixture);
  as_window_set_sentence (fixture->window, "hello world !");
  as_window_flush (fixture->window);
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
}

/* The clipboard's text, read as another program would. */
static char *
clipboard_text (Fixture *fixture)
{
  return test_clipboard_text (gtk_widget_get_clipboard (GTK_WIDGET (fixture->window)));
}

/* The cross-attention of the session shown, checked as a table: a header
 * of the source tokens after an empty corner, a row per step named by its
 * output token, each weight the session's to 6 significant digits. */
static void
assert_table (Fixture    *fixture,
              const char *text,
              char        separator)
{
  AsSession *session = as_window_get_session (fixture->window);
  char sep[2] = { separator, '\0' };
  g_auto (GStrv) lines = NULL;
  guint n_source = as_session_get_n_source (session);
  guint n_steps = as_session_get_n_steps (session);

  g_assert_nonnull (text);
  g_assert_true (g_str_has_suffix (text, "\n"));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, n_steps + 2);   /* the header, the rows, "" after the last \n */
  {
    g_auto (GStrv) header = g_strsplit (lines[0], sep, -1);

    g_assert_cmpuint (g_strv_length (header), ==, n_source + 1);
    g_assert_cmpstr (header[0], ==, "");
    for (guint i = 0; i < n_source; i++)
      g_assert_cmpstr (header[i + 1], ==, as_session_get_source_token (session, i));
  }
  for (guint t = 0; t < n_steps; t++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[t + 1], sep, -1);
      const float *weights = as_session_get_cross_attention (session, t);

      g_assert_cmpuint (g_strv_length (fields), ==, n_source + 1);
      g_assert_cmpstr (fields[0], ==, as_session_get_target_token (session, as_session_get_step (session, t)->output));
      for (guint i = 0; i < n_source; i++)
        {
          char *end = NULL;
          double value = g_ascii_strtod (fields[i + 1], &end);

          g_assert_true (end != NULL && *end == '\0');
          g_assert_cmpfloat (fabs (value - weights[i]), <=, 1e-6 * MAX (1.0, fabs (weights[i])));
        }
    }
}

static void
set_clipboard (Fixture    *fixture,
               const char *text)
{
  g_autofree char *now = NULL;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (fixture->window)), text);
  now = clipboard_text (fixture);
  g_assert_cmpstr (now, ==, text);
}

/* Ctrl+C typed over the focused heatmap copies the matrix; typed in the
 * sentence's entry it does not. */
static void
test_copy_keys (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *heatmap = GTK_WIDGET (as_window_get_heatmap (fixture->window));
  g_autofree char *text = NULL;

  g_assert_cmpuint (as_session_get_n_steps (as_window_get_session (fixture->window)), >=, 2);
  set_clipboard (fixture, "before");
  test_pointer_move (heatmap, 5, 5);
  gtk_widget_grab_focus (heatmap);
  test_settle ();
  test_xdotool ((const char *[]) { "key", "--clearmodifiers", "ctrl+c", NULL });
  test_settle ();
  text = clipboard_text (fixture);
  assert_table (fixture, text, '\t');
  g_assert_nonnull (strstr (as_window_get_message (fixture->window), "Copied"));

  /* in a text field, Ctrl+C is the field's */
  g_clear_pointer (&text, g_free);
  set_clipboard (fixture, "before");
  gtk_widget_grab_focus (GTK_WIDGET (fixture->window->source_entry));
  gtk_editable_select_region (GTK_EDITABLE (fixture->window->source_entry), 0, 5);
  test_settle ();
  test_xdotool ((const char *[]) { "key", "--clearmodifiers", "ctrl+c", NULL });
  test_settle ();
  text = clipboard_text (fixture);
  g_assert_cmpstr (text, ==, "hello");
}

static GtkWidget *
find_button_labelled (GtkWidget  *widget,
                      const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
        return widget;
      found = find_button_labelled (child, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
popover_visible (gpointer data)
{
  AsHeatmap *heatmap = data;

  return as_heatmap_get_context_menu (heatmap) != NULL &&
         gtk_widget_get_mapped (GTK_WIDGET (as_heatmap_get_context_menu (heatmap)));
}

static gboolean
popover_hidden (gpointer data)
{
  return !popover_visible (data);
}

/* A real secondary click opens the menu; a real click on "Copy as Table"
 * copies the matrix. */
static void
test_copy_menu (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *heatmap = GTK_WIDGET (as_window_get_heatmap (fixture->window));
  GtkWidget *item;
  g_autofree char *text = NULL;
  graphene_rect_t bounds;

  set_clipboard (fixture, "before");
  test_pointer_move (heatmap, gtk_widget_get_width (heatmap) / 2.0, gtk_widget_get_height (heatmap) / 2.0);
  test_xdotool ((const char *[]) { "click", "3", NULL });
  test_wait_for (popover_visible, heatmap);
  test_settle ();
  item = find_button_labelled (GTK_WIDGET (as_heatmap_get_context_menu (AS_HEATMAP (heatmap))), "Copy as Table");
  g_assert_nonnull (item);
  g_assert_true (gtk_widget_is_sensitive (item));
  g_assert_true (gtk_widget_compute_bounds (item, item, &bounds));
  test_pointer_move (item, bounds.size.width / 2, bounds.size.height / 2);
  test_pointer_click ();
  test_wait_for (popover_hidden, heatmap);
  test_settle ();
  text = clipboard_text (fixture);
  assert_table (fixture, text, '\t');
}

static char *
read_file (const char *path)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* The export through the dialog, of the type named @prefix. */
static void
export_through_dialog (Fixture    *fixture,
                       const char *prefix,
                       double      threshold,
                       const char *path)
{
  GtkFileChooser *dialog = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr (GListModel) filters = NULL;
  g_autoptr (GFile) folder = g_file_new_for_path (fixture->dir);
  g_autofree char *base = g_path_get_basename (path);

  g_unlink (path);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "export", NULL);
  test_settle ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        dialog = GTK_FILE_CHOOSER (window);
    }
  g_assert_nonnull (dialog);
  filters = gtk_file_chooser_get_filters (dialog);
  for (guint i = 0; i < g_list_model_get_n_items (filters); i++)
    {
      g_autoptr (GtkFileFilter) filter = g_list_model_get_item (filters, i);

      if (g_str_has_prefix (gtk_file_filter_get_name (filter), prefix))
        gtk_file_chooser_set_filter (dialog, filter);
    }
  g_assert_true (g_str_has_prefix (gtk_file_filter_get_name (gtk_file_chooser_get_filter (dialog)), prefix));
  if (threshold > -2.0)
    as_export_dialog_set_threshold (dialog, threshold);
  gtk_file_chooser_set_current_folder (dialog, folder, NULL);
  gtk_file_chooser_set_current_name (dialog, base);
  test_settle ();
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  test_wait_for (file_exists, (gpointer) path);
  test_settle ();
  g_assert_nonnull (strstr (as_window_get_message (fixture->window), "Saved"));
}

/* attnscope-cli's output for @args, NULL-terminated. */
static char *
run_cli (const char * const *args)
{
  const char *cli = g_getenv ("ATTNSCOPE_CLI");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  char *out = NULL;
  int status;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, 0, NULL, NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static void
test_export_csv_and_alignment (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *csv = g_build_filename (fixture->dir, "matrix.csv", NULL);
  g_autofree char *argmax = g_build_filename (fixture->dir, "argmax.align", NULL);
  g_autofree char *low = g_build_filename (fixture->dir, "low.align", NULL);
  g_autofree char *high = g_build_filename (fixture->dir, "high.align", NULL);
  g_autofree char *pairs = g_build_filename (fixture->dir, "pairs.tsv", NULL);
  g_autofree char *text = NULL;
  g_autofree char *translation = NULL;
  g_autofree char *cli = NULL;
  g_autofree char *line = NULL;
  AsSession *session = as_window_get_session (fixture->window);

  export_through_dialog (fixture, "Matrix as CSV", -2.0, csv);
  text = read_file (csv);
  assert_table (fixture, text, ',');

  /* tiny-hello on "hello world !": "bonjour monde !" then EOS; its
   * cross-attention (translate tiny-hello "hello world !" --json), rows
   * the target words, columns the source words (EOS left out):
   *   bonjour: hello 0.9838  world 0.0000  ! 0.0160
   *   monde:   hello 0.9837  world 0.0000  ! 0.0161
   *   !:       hello 0.4673  world 0.0024  ! 0.5134
   * so by arg-max "0-0 0-1 2-2"; at 0.45 "!" also gets hello (0-2); at 0
   * every pair; at 1 none. */
  translation = as_session_get_translation (session);
  g_assert_cmpstr (translation, ==, "bonjour monde !");
  export_through_dialog (fixture, "Alignment", -1.0, argmax);
  g_clear_pointer (&text, g_free);
  text = read_file (argmax);
  line = g_strdup_printf ("%s\t%s\n", "hello world !", translation);
  g_assert_true (g_file_set_contents (pairs, line, -1, NULL));
  cli = run_cli ((const char *[]) { "align", "tiny-hello", pairs, NULL });
  g_assert_cmpstr (text, ==, "0-0 0-1 2-2\n");
  g_assert_cmpstr (text, ==, cli);

  export_through_dialog (fixture, "Alignment", 0.0, low);
  g_clear_pointer (&text, g_free);
  text = read_file (low);
  g_assert_cmpstr (text, ==, "0-0 0-1 0-2 1-0 1-1 1-2 2-0 2-1 2-2\n");
  export_through_dialog (fixture, "Alignment", 0.45, low);
  g_clear_pointer (&text, g_free);
  text = read_file (low);
  g_assert_cmpstr (text, ==, "0-0 0-1 0-2 2-2\n");
  export_through_dialog (fixture, "Alignment", 1.0, high);
  g_clear_pointer (&text, g_free);
  text = read_file (high);
  g_assert_cmpstr (text, ==, "\n");
  g_clear_pointer (&cli, g_free);
  cli = run_cli ((const char *[]) { "align", "tiny-hello", pairs, "--threshold", "1", NULL });
  g_assert_cmpstr (text, ==, cli);
}

static void
test_export_json (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "session.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *cli = NULL;
  g_autoptr (JsonParser) window_json = json_parser_new ();
  g_autoptr (JsonParser) cli_json = json_parser_new ();
  g_autoptr (GError) error = NULL;

  export_through_dialog (fixture, "Session as JSON", -2.0, path);
  text = read_file (path);
  cli = run_cli ((const char *[]) { "translate", "tiny-hello", "hello world !", "--json", NULL });
  g_assert_true (json_parser_load_from_data (window_json, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (cli_json, cli, -1, &error));
  g_assert_no_error (error);
  g_assert_true (json_node_equal (json_parser_get_root (window_json), json_parser_get_root (cli_json)));
  /* as the command line writes it, byte for byte */
  g_assert_cmpstr (text, ==, cli);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  as_register_resource ();

  g_test_add ("/data-out/copy-keys", Fixture, NULL, fixture_set_up, test_copy_keys, fixture_tear_down);
  g_test_add ("/data-out/copy-menu", Fixture, NULL, fixture_set_up, test_copy_menu, fixture_tear_down);
  g_test_add ("/data-out/export-csv-alignment", Fixture, NULL, fixture_set_up, test_export_csv_and_alignment,
              fixture_tear_down);
  g_test_add ("/data-out/export-json", Fixture, NULL, fixture_set_up, test_export_json, fixture_tear_down);

  return g_test_run ();
}
