/* The window with the bundled tiny-hello model: the example sentence, typing,
 * unknown words, stepping (actions, the slider and clicks on the heatmap, by
 * the real pointer), picking a candidate by activating its row, a
 * translation of one's own,
 * a model that fails to load, a model file dropped on the window, a model
 * file that changes on disk, exports that work and exports that fail. */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "as-decoder-worker.h"
#include "as-long-entry.h"
#include "as-paths.h"
#include "as-resources.h"
#include "as-settings.h"
#include "as-window-private.h"
#include "test-input.h"

/* What tiny-hello translates, checked by hand against the independent
 * reference implementation (tests/parity/reference_cli.py) and PyTorch:
 * "hello world" gives 5 steps, monde (0.994; then bonjour 0.005, EOS 0.001),
 * bonjour, monde, !, EOS. */
#define HELLO_WORLD        "monde bonjour monde !"
#define WORLD_HELLO_BANG   "monde !"
#define HELLO_WORLD_BANG   "bonjour monde !"
/* "hello world" with "bonjour" (0.005) picked at step 1: greedy after it */
#define PICKED_BONJOUR     "bonjour monde bonjour"

typedef struct
{
  AsWindow *window;
  char     *dir;
  char     *model_path;
} Fixture;

/* Runs the main loop until @done, for 15 s at most. */
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
loaded (Fixture *fixture)
{
  return !as_window_is_loading (fixture->window) && as_window_get_model (fixture->window) != NULL;
}

static gboolean
not_loading (Fixture *fixture)
{
  return !as_window_is_loading (fixture->window);
}

/* Loaded, and the text as it is decoded and shown. */
static gboolean
not_busy (Fixture *fixture)
{
  return !as_window_is_loading (fixture->window) && !as_window_is_decoding (fixture->window);
}

static char *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  return contents;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *bundled = g_build_filename (as_models_dir (), "tiny-hello.json", NULL);
  g_autofree char *contents = read_file (bundled);
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;

  /* every test starts from the defaults (the settings backend is in
   * memory, shared by the tests of this process) */
  {
    g_autoptr (GSettings) settings = as_settings_new ();
    const char *keys[] = { "colormap", "scale", "window-width", "window-height", "window-maximized", "recent-models" };

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      g_settings_reset (settings, keys[i]);
  }

  fixture->dir = g_dir_make_tmp ("attnscope-window-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->model_path = g_build_filename (fixture->dir, "model.json", NULL);
  g_assert_true (g_file_set_contents (fixture->model_path, contents, -1, &error));

  fixture->window = as_window_new (NULL);
  gtk_window_present (GTK_WINDOW (fixture->window));

  file = g_file_new_for_path (fixture->model_path);
  as_window_open_model (fixture->window, file);
  wait_until (loaded, fixture);
  /* the example sentence, decoded in the worker */
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

static AsFigure *
figure_of (Fixture *fixture)
{
  return as_heatmap_get_figure (as_window_get_heatmap (fixture->window));
}

static void
type (Fixture    *fixture,
      const char *sentence)
{
  as_window_set_sentence (fixture->window, sentence);
  as_window_flush (fixture->window);
}

/* Types @text into the sentence's entry as a person does: the entry has the
 * focus, one character after the other at the caret, each decoded. */
static void
type_keys (Fixture    *fixture,
           const char *text)
{
  GtkEditable *entry = GTK_EDITABLE (fixture->window->source_entry);

  gtk_widget_grab_focus (GTK_WIDGET (entry));
  for (const char *c = text; *c != '\0'; c = g_utf8_next_char (c))
    {
      int position = gtk_editable_get_position (entry);

      gtk_editable_insert_text (entry, c, g_utf8_next_char (c) - c, &position);
      gtk_editable_set_position (entry, position);
      as_window_flush (fixture->window);
    }
}

/* Saves a screenshot of @window as @name.png in $AS_SCREENSHOT_DIR, when set. */
static void
screenshot (GtkWidget  *window,
            const char *name)
{
  const char *dir = g_getenv ("AS_SCREENSHOT_DIR");
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *path = NULL;
  g_autofree char *command = NULL;
  int status = 0;

  if (dir == NULL)
    return;
  path = g_build_filename (dir, name, NULL);
  command = g_strdup_printf ("import -window 0x%lx %s.png", (gulong) gdk_x11_surface_get_xid (surface), path);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
test_example (Fixture       *fixture,
              gconstpointer  data)
{
  AsSession *session = as_window_get_session (fixture->window);
  g_autofree char *translation = NULL;
  AsHeatmap *heatmap = as_window_get_heatmap (fixture->window);

  /* the first thing one sees is a translated sentence the model knows */
  g_assert_nonnull (session);
  g_assert_cmpstr (as_session_get_sentence (session), ==, "hello world");
  g_assert_cmpuint (as_session_get_n_steps (session), >, 0);
  translation = as_session_get_translation (session);
  g_assert_cmpstr (translation, ==, HELLO_WORLD);
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, HELLO_WORLD);
  g_assert_cmpuint (as_heatmap_get_n_steps (heatmap), ==, 5);
  g_assert_cmpint (as_heatmap_get_step (heatmap), ==, 4);
  g_assert_cmpstr (as_window_get_step_text (fixture->window), ==, "Step 5 of 5");
  g_assert_cmpstr (as_figure_get_row_input (figure_of (fixture), 0), ==, "SOS");
  g_assert_cmpstr (as_figure_get_row_output (figure_of (fixture), 0), ==, "monde");
  g_assert_cmpstr (as_figure_get_row_output (figure_of (fixture), 4), ==, "EOS");
  g_assert_null (as_window_get_message (fixture->window));
  g_assert_null (as_window_get_input_note (fixture->window));
}

static void
test_typing (Fixture       *fixture,
             gconstpointer  data)
{
  AsFigure *figure = figure_of (fixture);

  type (fixture, "World hello !");
  g_assert_cmpuint (as_figure_get_n_columns (figure), ==, 4);
  g_assert_cmpstr (as_figure_get_column_label (figure, 0), ==, "world");
  g_assert_cmpstr (as_figure_get_column_label (figure, 1), ==, "hello");
  g_assert_cmpstr (as_figure_get_column_label (figure, 2), ==, "!");
  g_assert_cmpstr (as_figure_get_column_label (figure, 3), ==, "EOS");
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, WORLD_HELLO_BANG);
  g_assert_cmpstr (as_window_get_step_text (fixture->window), ==, "Step 3 of 3");

  type (fixture, "hello world !");
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, HELLO_WORLD_BANG);

  /* blank: nothing shown, nothing to export */
  type (fixture, "   ");
  g_assert_null (as_window_get_session (fixture->window));
  g_assert_cmpuint (as_figure_get_n_columns (figure), ==, 0);
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, "");
}

static void
test_unknown_words (Fixture       *fixture,
                    gconstpointer  data)
{
  AsFigure *figure = figure_of (fixture);
  const char *note;

  type (fixture, "hello zyx world");
  note = as_window_get_input_note (fixture->window);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note, "“zyx”"));
  g_assert_nonnull (strstr (note, "vocabulary"));
  g_assert_nonnull (strstr (note, "<unk>"));
  g_assert_false (as_figure_get_column_unknown (figure, 0));
  g_assert_true (as_figure_get_column_unknown (figure, 1));
  g_assert_cmpstr (as_figure_get_column_label (figure, 1), ==, "zyx");

  type (fixture, "hello world");
  g_assert_null (as_window_get_input_note (fixture->window));
}

static void
activate (Fixture    *fixture,
          const char *action)
{
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), action));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), action, NULL);
}

/* The first GtkWidget of @type under @widget, depth first. */
static GtkWidget *
find_child (GtkWidget *widget,
            GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_child (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The candidates panel as a person sees it: "token|token|..." of its rows. */
static char *
candidate_rows (Fixture *fixture)
{
  GtkListBox *list = GTK_LIST_BOX (find_child (GTK_WIDGET (as_window_get_candidates (fixture->window)),
                                               GTK_TYPE_LIST_BOX));
  GString *text = g_string_new (NULL);
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    {
      GtkWidget *label = find_child (GTK_WIDGET (row), GTK_TYPE_LABEL);
      g_string_append_printf (text, "%s%s", i > 0 ? "|" : "", gtk_label_get_text (GTK_LABEL (label)));
    }
  return g_string_free (text, FALSE);
}

/* @rows starts with @prefix and lists the 5 target tokens of tiny-hello's
 * vocabulary that can come out: never its start token SOS, which is only
 * fed in (the order of the ones below 0.001 is not checked) */
static void
assert_rows (const char *rows,
             const char *prefix)
{
  g_auto (GStrv) tokens = g_strsplit (rows, "|", -1);

  if (!g_str_has_prefix (rows, prefix))
    g_error ("candidate rows \"%s\", expected to start with \"%s\"", rows, prefix);
  g_assert_cmpuint (g_strv_length (tokens), ==, 5);
  g_assert_false (g_strv_contains ((const char * const *) tokens, "SOS"));
}

static void
assert_step (Fixture    *fixture,
             int         step,
             const char *text)
{
  g_assert_cmpint (as_heatmap_get_step (as_window_get_heatmap (fixture->window)), ==, step);
  g_assert_cmpstr (as_window_get_step_text (fixture->window), ==, text);
  g_assert_cmpfloat (gtk_range_get_value (as_window_get_step_scale (fixture->window)), ==, step + 1);
}

static void
test_steps (Fixture       *fixture,
            gconstpointer  data)
{
  AsHeatmap *heatmap = as_window_get_heatmap (fixture->window);
  g_autofree char *rows = NULL;

  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "step-next"));

  activate (fixture, "step-first");
  assert_step (fixture, 0, "Step 1 of 5");
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "step-previous"));

  /* the candidates are those of the step shown, best first (hand-checked) */
  rows = candidate_rows (fixture);
  assert_rows (rows, "monde|bonjour|EOS|");
  g_clear_pointer (&rows, g_free);

  activate (fixture, "step-next");
  assert_step (fixture, 1, "Step 2 of 5");
  rows = candidate_rows (fixture);
  assert_rows (rows, "bonjour|monde|");
  g_clear_pointer (&rows, g_free);

  activate (fixture, "step-last");
  assert_step (fixture, 4, "Step 5 of 5");
  activate (fixture, "step-previous");
  assert_step (fixture, 3, "Step 4 of 5");

  /* playing runs to the end by itself */
  activate (fixture, "step-first");
  activate (fixture, "play");
  {
    gint64 end = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

    while (as_heatmap_get_step (heatmap) != 4)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, end);
        g_main_context_iteration (NULL, TRUE);
      }
  }
  assert_step (fixture, 4, "Step 5 of 5");
}

/* The slider, moved as a person drags it (its adjustment's value changes). */
static void
test_step_slider (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkRange *scale = as_window_get_step_scale (fixture->window);
  g_autofree char *rows = NULL;

  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (scale)));
  gtk_range_set_value (scale, 2);
  assert_step (fixture, 1, "Step 2 of 5");
  rows = candidate_rows (fixture);
  assert_rows (rows, "bonjour|monde|");

  gtk_range_set_value (scale, 1);
  assert_step (fixture, 0, "Step 1 of 5");
  gtk_range_set_value (scale, 5);
  assert_step (fixture, 4, "Step 5 of 5");
  /* past the end: the slider's range stops it */
  gtk_range_set_value (scale, 9);
  assert_step (fixture, 4, "Step 5 of 5");
}

static gboolean
step_is_1 (Fixture *fixture)
{
  return as_heatmap_get_step (as_window_get_heatmap (fixture->window)) == 1;
}

static gboolean
step_is_3 (Fixture *fixture)
{
  return as_heatmap_get_step (as_window_get_heatmap (fixture->window)) == 3;
}

/* A real click on a row of the heatmap shows that step. */
static void
test_heatmap_click (Fixture       *fixture,
                    gconstpointer  data)
{
  AsHeatmap *heatmap = as_window_get_heatmap (fixture->window);
  GtkWidget *widget = GTK_WIDGET (heatmap);
  AsFigureRect rect;

  activate (fixture, "step-first");
  g_assert_true (as_figure_get_cell_rect (figure_of (fixture), gtk_widget_get_width (widget),
                                          gtk_widget_get_height (widget), 3, 1, &rect));
  test_pointer_move (widget, rect.x + rect.width / 2, rect.y + rect.height / 2);
  test_pointer_click ();
  wait_until (step_is_3, fixture);
  assert_step (fixture, 3, "Step 4 of 5");

  g_assert_true (as_figure_get_row_rect (figure_of (fixture), gtk_widget_get_width (widget),
                                         gtk_widget_get_height (widget), 1, &rect));
  test_pointer_move (widget, rect.x + rect.width / 2, rect.y + rect.height / 2);
  test_pointer_click ();
  wait_until (step_is_1, fixture);
  assert_step (fixture, 1, "Step 2 of 5");
}

static void
count_one (guint *counter)
{
  (*counter)++;
}

/* Connects @counter to every widget under @widget: it counts their
 * tooltips' changes */
static void
count_tooltip_changes (GtkWidget *widget,
                       guint     *counter)
{
  g_signal_connect_swapped (widget, "notify::tooltip-text", G_CALLBACK (count_one), counter);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    count_tooltip_changes (child, counter);
}

/* The first label under @widget whose text starts with @start */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *start)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (child)), start))
        return child;
      if ((found = find_label (child, start)) != NULL)
        return found;
    }
  return NULL;
}

/* @widget's tooltip, as it would be shown now: TRUE where it has one */
static gboolean
asks_tooltip (GtkWidget *widget)
{
  g_autoptr (GtkTooltip) tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  gboolean shown = FALSE;

  if (!gtk_widget_get_has_tooltip (widget))
    return FALSE;
  g_signal_emit_by_name (widget, "query-tooltip", 1, 1, FALSE, tooltip, &shown);
  return shown;
}

/* A new result changes no widget's tooltip text where the new one is the
 * same kind (in GTK 4.8 each change asks the X server where the pointer
 * is): the translation's and the candidates' tooltips are made when they
 * are shown, the others set only where they change. */
static void
test_tooltips_when_asked (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkListBox *list = GTK_LIST_BOX (find_child (GTK_WIDGET (as_window_get_candidates (fixture->window)),
                                               GTK_TYPE_LIST_BOX));
  GtkWidget *translation = GTK_WIDGET (fixture->window->translation_label);
  guint changes = 0;

  type (fixture, "hello world");
  count_tooltip_changes (GTK_WIDGET (fixture->window), &changes);
  type (fixture, "world hello");
  g_assert_cmpstr (as_window_get_translation (fixture->window), !=, "");
  g_assert_cmpuint (changes, ==, 0);

  /* shown when asked: the whole translation, each candidate's own, the
   * entropy's meaning */
  g_assert_true (asks_tooltip (translation));
  g_assert_true (asks_tooltip (find_label (GTK_WIDGET (as_window_get_candidates (fixture->window)), "Came out:")));
  g_assert_nonnull (gtk_list_box_get_row_at_index (list, 0));
  for (int i = 0; gtk_list_box_get_row_at_index (list, i) != NULL; i++)
    g_assert_true (asks_tooltip (GTK_WIDGET (gtk_list_box_get_row_at_index (list, i))));
  /* and none for an empty label */
  type (fixture, "   ");
  g_assert_cmpstr (gtk_label_get_text (fixture->window->translation_label), ==, "");
  g_assert_false (asks_tooltip (translation));
}

static void
test_candidate (Fixture       *fixture,
                gconstpointer  data)
{
  AsHeatmap *heatmap = as_window_get_heatmap (fixture->window);
  GtkListBox *list = GTK_LIST_BOX (find_child (GTK_WIDGET (as_window_get_candidates (fixture->window)),
                                               GTK_TYPE_LIST_BOX));
  AsSession *session;
  const AsStep *step;
  g_autofree char *rows = NULL;

  activate (fixture, "step-first");
  rows = candidate_rows (fixture);
  assert_rows (rows, "monde|bonjour|EOS|");

  /* the second row, "bonjour" */
  gtk_widget_activate (GTK_WIDGET (gtk_list_box_get_row_at_index (list, 1)));

  /* step 0 now outputs "bonjour" and the rest was decoded again (greedy
   * after it, hand-checked with the reference: bonjour monde !) */
  session = as_window_get_session (fixture->window);
  step = as_session_get_step (session, 0);
  g_assert_cmpstr (as_session_get_target_token (session, step->output), ==, "bonjour");
  g_assert_true (step->chosen);
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, PICKED_BONJOUR);
  assert_step (fixture, 0, "Step 1 of 4");
  g_assert_cmpstr (as_figure_get_row_output (figure_of (fixture), 0), ==, "bonjour");
  g_assert_cmpuint (as_heatmap_get_n_steps (heatmap), ==, as_session_get_n_steps (session));
  /* the entry is left as typed */
  g_assert_cmpstr (as_session_get_sentence (session), ==, "hello world");

  /* the row of the token that came out is the first one now */
  g_clear_pointer (&rows, g_free);
  rows = candidate_rows (fixture);
  assert_rows (rows, "monde|bonjour|EOS|");
}

static void
test_forced (Fixture       *fixture,
             gconstpointer  data)
{
  AsSession *session;
  AsFigure *figure = figure_of (fixture);

  as_window_set_target (fixture->window, "bonjour monde");
  as_window_flush (fixture->window);

  session = as_window_get_session (fixture->window);
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 3);
  g_assert_cmpstr (as_figure_get_row_output (figure, 0), ==, "bonjour");
  g_assert_cmpstr (as_figure_get_row_output (figure, 1), ==, "monde");
  g_assert_cmpstr (as_figure_get_row_output (figure, 2), ==, "EOS");
  g_assert_cmpstr (as_figure_get_row_input (figure, 1), ==, "bonjour");
  g_assert_nonnull (strstr (as_window_get_input_note (fixture->window), "your translation"));

  as_window_set_target (fixture->window, "");
  as_window_flush (fixture->window);
  g_assert_null (as_window_get_input_note (fixture->window));
}

static void
test_bad_model (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *broken = g_build_filename (fixture->dir, "broken.json", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (broken);
  AsModel *before = as_window_get_model (fixture->window);
  g_autofree char *translation = g_strdup (as_window_get_translation (fixture->window));
  const char *message;

  type (fixture, "world hello");
  g_free (translation);
  translation = g_strdup (as_window_get_translation (fixture->window));

  g_assert_true (g_file_set_contents (broken, "{ \"format\": \"attnscope-model\", ", -1, NULL));
  as_window_open_model (fixture->window, file);
  wait_until (not_loading, fixture);

  message = as_window_get_message (fixture->window);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "Could not open"));
  g_assert_nonnull (strstr (message, "broken.json"));
  g_assert_nonnull (strstr (message, "stays in use"));

  /* the old model is still there and works; nothing typed is lost */
  g_assert_true (as_window_get_model (fixture->window) == before);
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, translation);
  g_assert_cmpstr (as_session_get_sentence (as_window_get_session (fixture->window)), ==, "world hello");
  type (fixture, "hello");
  g_assert_cmpuint (as_session_get_n_steps (as_window_get_session (fixture->window)), >, 0);
}

/* Drops @path on the window through its own drop target, as a drag from a
 * file manager does; returns whether the window accepted the drop. */
static gboolean
drop_file (Fixture    *fixture,
           const char *path)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->window));
  g_autoptr (GFile) file = g_file_new_for_path (path);
  GtkDropTarget *target = NULL;
  GFile *files[] = { file };
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);
      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (files, 1));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);
  return accepted;
}

static void
test_drop (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *other = g_build_filename (fixture->dir, "dropped.json", NULL);
  g_autofree char *broken = g_build_filename (fixture->dir, "dropped-broken.json", NULL);
  g_autofree char *contents = read_file (fixture->model_path);
  AsModel *model;

  g_assert_true (g_file_set_contents (other, contents, -1, NULL));
  g_assert_true (g_file_set_contents (broken, "[1, 2", -1, NULL));
  type (fixture, "world hello");

  /* a model file dropped on the window is opened */
  g_assert_true (drop_file (fixture, other));
  wait_until (loaded, fixture);
  model = as_window_get_model (fixture->window);
  g_assert_cmpstr (as_model_get_path (model), ==, other);
  g_assert_cmpstr (as_session_get_sentence (as_window_get_session (fixture->window)), ==, "world hello");

  /* a broken one is refused with the loader's message; the dropped model stays */
  g_assert_true (drop_file (fixture, broken));
  wait_until (not_loading, fixture);
  g_assert_nonnull (strstr (as_window_get_message (fixture->window), "dropped-broken.json"));
  g_assert_true (as_window_get_model (fixture->window) == model);
  g_assert_cmpstr (as_session_get_sentence (as_window_get_session (fixture->window)), ==, "world hello");
}

static void
test_missing_model (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "no-such-model.json", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (missing);
  AsModel *before = as_window_get_model (fixture->window);
  const char *message;

  as_window_open_model (fixture->window, file);
  wait_until (not_loading, fixture);
  test_settle ();

  message = as_window_get_message (fixture->window);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "no-such-model.json"));
  g_assert_nonnull (strstr (message, "there is no such file"));
  g_assert_nonnull (strstr (message, "stays in use"));
  g_assert_true (as_window_get_model (fixture->window) == before);
}

static gboolean
transformer_loaded (Fixture *fixture)
{
  AsModel *model = as_window_get_model (fixture->window);

  return !as_window_is_loading (fixture->window) && model != NULL &&
         g_strcmp0 (as_model_get_metadata (model, "name"), "tiny-transformer") == 0;
}

/* The Open button's menu lists the bundled models by name; choosing one
 * opens it, and the model line says what it is. */
static void
test_bundled_models (Fixture       *fixture,
                     gconstpointer  data)
{
  GMenuModel *menu = gtk_menu_button_get_menu_model (fixture->window->open_menu_button);
  GMenuModel *bundled;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *open_file = NULL;
  const char *label;

  g_assert_nonnull (menu);
  /* bundled, recent (the fixture's model, opened from a folder of its own), a file */
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 3);
  bundled = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  for (int i = 0; i < g_menu_model_get_n_items (bundled); i++)
    {
      g_autoptr (GVariant) target = g_menu_model_get_item_attribute_value (bundled, i, G_MENU_ATTRIBUTE_TARGET,
                                                                            G_VARIANT_TYPE_STRING);
      g_autofree char *action = NULL;

      g_assert_true (g_menu_model_get_item_attribute (bundled, i, G_MENU_ATTRIBUTE_ACTION, "s", &action));
      g_assert_cmpstr (action, ==, "win.open-bundled");
      g_ptr_array_add (names, g_variant_dup_string (target, NULL));
    }
  g_object_unref (bundled);
  g_assert_true (g_ptr_array_find_with_equal_func (names, "tiny-hello", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (names, "tiny-transformer", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (names, "en-zh-gru", g_str_equal, NULL));
  {
    g_autoptr (GMenuModel) other = g_menu_model_get_item_link (menu, 2, G_MENU_LINK_SECTION);
    g_assert_true (g_menu_model_get_item_attribute (other, 0, G_MENU_ATTRIBUTE_LABEL, "s", &open_file));
    g_assert_cmpstr (open_file, ==, "Open a File…");
  }

  /* the GRU: its architecture alone */
  label = gtk_label_get_text (fixture->window->model_label);
  g_assert_nonnull (strstr (label, "  ·  gru-bahdanau  ·  "));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "open-bundled",
                                  g_variant_new_string ("tiny-transformer"));
  wait_until (transformer_loaded, fixture);
  test_settle ();
  label = gtk_label_get_text (fixture->window->model_label);
  g_assert_nonnull (strstr (label, "Model: tiny-transformer  ·  transformer (2 + 2 layers, 2 heads)  ·  3407 parameters"));
  g_assert_cmpstr (as_session_get_source_token (as_window_get_session (fixture->window), 0), ==, "<bos>");
}

/* The first GtkDropDown or GtkToggleButton under @widget whose accessible
 * label or button label is @label */
static GtkWidget *
find_control (GtkWidget  *widget,
              GType       type,
              const char *tooltip_start)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      const char *tooltip = gtk_widget_get_tooltip_text (child);
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && tooltip != NULL && g_str_has_prefix (tooltip, tooltip_start))
        return child;
      found = find_control (child, type, tooltip_start);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
open_tiny_transformer (Fixture *fixture)
{
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "open-bundled",
                                  g_variant_new_string ("tiny-transformer"));
  wait_until (transformer_loaded, fixture);
  test_settle ();
}

/* A Transformer's attention view offers the kind, the layer, the head (or
 * the mean) and every head at once; each choice redraws with its axes,
 * keeps the sentence, the target and the step, and is kept for the next
 * sentence and when the model is opened again. The GRU offers nothing. */
static void
test_attention_choice (Fixture       *fixture,
                       gconstpointer  data)
{
  AsAttentionView *view = as_window_get_attention_view (fixture->window);
  AsFigure *figure = as_heatmap_get_figure (as_window_get_heatmap (fixture->window));
  GtkWidget *kind, *layer, *head, *grid;
  AsAttentionKind chosen_kind;
  int chosen_layer, chosen_head;
  gboolean chosen_grid;
  guint n_layers, n_heads;

  /* tiny-hello: one matrix, nothing to choose */
  kind = find_control (GTK_WIDGET (view), GTK_TYPE_DROP_DOWN, "Which attention");
  g_assert_nonnull (kind);
  g_assert_false (gtk_widget_is_visible (kind));

  open_tiny_transformer (fixture);
  as_window_set_target (fixture->window, "bonjour monde ! monde");
  type (fixture, "hello world ! hello");
  test_settle ();
  g_assert_cmpuint (as_figure_get_n_rows (figure), ==, 5);
  _as_window_set_step (fixture->window, 2);
  test_settle ();

  layer = find_control (GTK_WIDGET (view), GTK_TYPE_DROP_DOWN, "The layer");
  head = find_control (GTK_WIDGET (view), GTK_TYPE_DROP_DOWN, "One head");
  grid = find_control (GTK_WIDGET (view), GTK_TYPE_TOGGLE_BUTTON, "Every layer");
  g_assert_true (gtk_widget_is_visible (kind));
  /* the default: cross-attention of the last layer, mean of heads */
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (layer)), ==, 1);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (head)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (kind))), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (head))), ==, 3);
  g_assert_cmpuint (as_figure_get_n_columns (figure), ==, 6);   /* <bos> 4 words <eos> */

  /* decoder self-attention: steps x the target tokens fed in so far, the
   * future masked (hatched, and said so), not a weight of 0 */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (kind), 1);
  test_settle ();
  g_assert_cmpuint (as_figure_get_n_rows (figure), ==, 5);
  g_assert_cmpuint (as_figure_get_n_columns (figure), ==, 5);
  g_assert_cmpstr (as_figure_get_column_label (figure, 1), ==, "bonjour");
  g_assert_true (as_figure_is_masked (figure, 0, 1));
  g_assert_true (as_figure_is_masked (figure, 2, 4));
  g_assert_false (as_figure_is_masked (figure, 4, 4));
  {
    g_autofree char *masked = as_figure_describe (figure, AS_FIGURE_PART_CELL, 1, 3);
    g_assert_nonnull (strstr (masked, "Masked: step 2 does not see target token 4"));
  }
  g_assert_cmpint (as_figure_get_step (figure), ==, 2);

  /* encoder self-attention, layer 0, head 1: source x source */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (kind), 2);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (layer), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (head), 2);
  test_settle ();
  as_attention_view_get_attention (view, &chosen_kind, &chosen_layer, &chosen_head, &chosen_grid);
  g_assert_cmpint (chosen_kind, ==, AS_ATTENTION_ENCODER_SELF);
  g_assert_cmpint (chosen_layer, ==, 0);
  g_assert_cmpint (chosen_head, ==, 1);
  g_assert_cmpuint (as_figure_get_n_rows (figure), ==, 6);
  g_assert_cmpuint (as_figure_get_n_columns (figure), ==, 6);
  {
    const AsAttention *a = as_session_get_attention (as_window_get_session (fixture->window), AS_ATTENTION_ENCODER_SELF);
    g_assert_cmpfloat (as_figure_get_weight (figure, 3, 2), ==, as_attention_get (a, 0, 1, 3, 2));
  }
  /* its rows are source tokens, computed before any step: none is dimmed,
   * and the decoder's step is not one of them */
  g_assert_cmpint (as_figure_get_step (figure), ==, -1);
  /* the sentence, the target and the step stay */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fixture->window->source_entry)), ==, "hello world ! hello");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fixture->window->target_entry)), ==, "bonjour monde ! monde");
  g_assert_cmpint (_as_window_get_step (fixture->window), ==, 2);

  /* every layer and head: a grid of 2 x 2 panels; a click on one opens it */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (grid), TRUE);
  test_settle ();
  g_assert_cmpuint (as_figure_get_n_panels (figure), ==, 4);
  as_figure_get_panel_grid (figure, &n_layers, &n_heads);
  g_assert_cmpuint (n_layers, ==, 2);
  g_assert_cmpuint (n_heads, ==, 2);
  g_assert_false (gtk_widget_get_sensitive (layer));
  {
    AsHeatmap *heatmap = as_window_get_heatmap (fixture->window);
    AsFigureRect rect;

    /* panel 3: layer 1, head 1, its cell (0, 0), clicked with the real pointer */
    /* no tooltip of an earlier hover left over the cell */
    test_pointer_leave (GTK_WIDGET (heatmap));
    test_settle ();
    g_assert_true (as_figure_get_panel_cell_rect (figure, gtk_widget_get_width (GTK_WIDGET (heatmap)),
                                                  gtk_widget_get_height (GTK_WIDGET (heatmap)), 3, 0, 0, &rect));
    test_pointer_move (GTK_WIDGET (heatmap), rect.x + rect.width / 2, rect.y + rect.height / 2);
    test_pointer_click ();
    test_settle ();
  }
  as_attention_view_get_attention (view, &chosen_kind, &chosen_layer, &chosen_head, &chosen_grid);
  g_assert_false (chosen_grid);
  g_assert_cmpint (chosen_layer, ==, 1);
  g_assert_cmpint (chosen_head, ==, 1);
  g_assert_cmpuint (as_figure_get_n_panels (figure), ==, 1);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (head)), ==, 2);
  g_assert_cmpint (_as_window_get_step (fixture->window), ==, 2);

  /* back to cross-attention: the step's row is outlined again */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (kind), 0);
  test_settle ();
  g_assert_cmpint (as_figure_get_step (figure), ==, 2);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (kind), 2);
  test_settle ();

  /* a new sentence keeps the choice */
  as_window_set_target (fixture->window, "");
  type (fixture, "world hello");
  test_settle ();
  as_attention_view_get_attention (view, &chosen_kind, &chosen_layer, &chosen_head, &chosen_grid);
  g_assert_cmpint (chosen_kind, ==, AS_ATTENTION_ENCODER_SELF);
  g_assert_cmpint (chosen_layer, ==, 1);
  g_assert_cmpuint (as_figure_get_n_rows (figure), ==, 4);

  /* another model, then this one again: its choice comes back */
  {
    g_autoptr (GFile) file = g_file_new_for_path (fixture->model_path);
    as_window_open_model (fixture->window, file);
    wait_until (loaded, fixture);
    test_settle ();
    g_assert_false (gtk_widget_is_visible (kind));
  }
  open_tiny_transformer (fixture);
  as_attention_view_get_attention (view, &chosen_kind, &chosen_layer, &chosen_head, &chosen_grid);
  g_assert_cmpint (chosen_kind, ==, AS_ATTENTION_ENCODER_SELF);
  g_assert_cmpint (chosen_layer, ==, 1);
  g_assert_cmpint (chosen_head, ==, 1);
}

/* The lines view, for any model: the toggle shows the alignment lines;
 * hovering a token of the real pointer tells about it; the export says it
 * is drawn as lines; the step and the sentence stay. */
static void
test_lines_view (Fixture       *fixture,
                 gconstpointer  data)
{
  AsAttentionView *view = as_window_get_attention_view (fixture->window);
  AsHeatmap *heatmap = as_window_get_heatmap (fixture->window);
  AsFigure *figure = as_heatmap_get_figure (heatmap);
  GtkWidget *lines = find_control (GTK_WIDGET (view), GTK_TYPE_TOGGLE_BUTTON, "Alignment lines");
  g_autofree char *path = g_build_filename (fixture->dir, "lines.svg", NULL);
  g_autofree char *svg = NULL;
  g_autofree char *tooltip = NULL;
  AsFigureRect rect;

  type (fixture, "hello world");
  _as_window_set_step (fixture->window, 1);
  test_settle ();

  /* tiny-hello has one matrix: the lines toggle alone */
  g_assert_nonnull (lines);
  g_assert_true (gtk_widget_is_visible (lines));
  g_assert_false (gtk_widget_is_visible (find_control (GTK_WIDGET (view), GTK_TYPE_DROP_DOWN, "Which attention")));
  g_assert_cmpint (as_heatmap_get_view (heatmap), ==, AS_FIGURE_VIEW_MATRIX);

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lines), TRUE);
  test_settle ();
  g_assert_cmpint (as_figure_get_view (figure), ==, AS_FIGURE_VIEW_LINES);
  g_assert_cmpint (_as_window_get_step (fixture->window), ==, 1);

  /* the target token of step 2 (bonjour), on the right */
  g_assert_true (as_figure_get_row_rect (figure, gtk_widget_get_width (GTK_WIDGET (heatmap)),
                                         gtk_widget_get_height (GTK_WIDGET (heatmap)), 1, &rect));
  tooltip = test_hover_tooltip (GTK_WIDGET (heatmap), rect.x + rect.width / 2, rect.y + rect.height / 2);
  g_assert_nonnull (tooltip);
  g_assert_nonnull (strstr (tooltip, "bonjour"));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "export-to", g_variant_new_string (path));
  test_settle ();
  g_assert_true (g_file_get_contents (path, &svg, NULL, NULL));
  g_assert_nonnull (strstr (svg, "Drawn as lines from each of the"));

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lines), FALSE);
  test_settle ();
  g_assert_cmpint (as_figure_get_view (figure), ==, AS_FIGURE_VIEW_MATRIX);
}

static gboolean
renamed_model_loaded (Fixture *fixture)
{
  AsModel *model = as_window_get_model (fixture->window);

  return !as_window_is_loading (fixture->window) &&
         g_strcmp0 (as_model_get_metadata (model, "name"), "tiny-hello-changed") == 0;
}

static gboolean
reload_failed (Fixture *fixture)
{
  const char *message = as_window_get_message (fixture->window);

  return message != NULL && strstr (message, "changed on disk and cannot be loaded") != NULL;
}

static void
test_reload (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *contents = read_file (fixture->model_path);
  g_autofree char *changed = NULL;
  g_autoptr (GError) error = NULL;
  GString *edit = g_string_new (contents);

  type (fixture, "world hello !");

  /* a new version is saved: it is loaded */
  g_assert_cmpuint (g_string_replace (edit, "\"name\": \"tiny-hello\"", "\"name\": \"tiny-hello-changed\"", 1), ==, 1);
  changed = g_string_free (edit, FALSE);
  g_assert_true (g_file_set_contents (fixture->model_path, changed, -1, &error));
  wait_until (renamed_model_loaded, fixture);
  g_assert_nonnull (strstr (as_window_get_message (fixture->window), "Reloaded"));
  g_assert_cmpstr (as_session_get_sentence (as_window_get_session (fixture->window)), ==, "world hello !");

  /* a broken version is saved: the one before stays, with a message */
  g_assert_true (g_file_set_contents (fixture->model_path, "{ \"format\": ", -1, &error));
  wait_until (reload_failed, fixture);
  g_assert_cmpstr (as_model_get_metadata (as_window_get_model (fixture->window), "name"), ==, "tiny-hello-changed");
  g_assert_cmpstr (as_session_get_sentence (as_window_get_session (fixture->window)), ==, "world hello !");
  type (fixture, "hello world");
  g_assert_cmpuint (as_session_get_n_steps (as_window_get_session (fixture->window)), >, 0);
}

static void
export_to (Fixture    *fixture,
           const char *path)
{
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "export-to", g_variant_new_string (path));
}

static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *svg = g_build_filename (fixture->dir, "view.svg", NULL);
  g_autofree char *png = g_build_filename (fixture->dir, "view.png", NULL);
  g_autofree char *contents = NULL;
  cairo_surface_t *surface;
  int width, height;

  type (fixture, "hello world !");
  activate (fixture, "step-first");
  activate (fixture, "step-next");

  export_to (fixture, svg);
  g_assert_nonnull (strstr (as_window_get_message (fixture->window), "Saved"));
  contents = read_file (svg);
  g_assert_nonnull (strstr (contents, "<title>Attention: hello world ! →"));
  g_assert_nonnull (strstr (contents, "Source tokens: hello world ! EOS"));
  g_assert_nonnull (strstr (contents, "Shown at step 2 of"));

  /* PNG: laid out at the size the figure has on screen, at the settings' scale (2 by default) */
  export_to (fixture, png);
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  width = gtk_widget_get_width (GTK_WIDGET (as_window_get_heatmap (fixture->window)));
  height = gtk_widget_get_height (GTK_WIDGET (as_window_get_heatmap (fixture->window)));
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 2 * width);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 2 * height);
  cairo_surface_destroy (surface);
}

static void
test_export_fails (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *keep = g_build_filename (fixture->dir, "keep.svg", NULL);
  g_autofree char *contents = NULL;
  struct rlimit old_limit, limit;
  void (*old_handler) (int);
  const char *message;

  /* a read-only place */
  export_to (fixture, "/proc/attnscope-view.svg");
  message = as_window_get_message (fixture->window);
  g_assert_nonnull (strstr (message, "Export failed"));
  g_assert_nonnull (strstr (message, "/proc/attnscope-view.svg"));

  /* an unknown extension */
  export_to (fixture, "/tmp/attnscope-view.jpeg");
  g_assert_nonnull (strstr (as_window_get_message (fixture->window), ".svg, .png or .pdf"));
  g_assert_false (g_file_test ("/tmp/attnscope-view.jpeg", G_FILE_TEST_EXISTS));

  /* the disk fills up while writing: the existing file stays as it was */
  g_assert_true (g_file_set_contents (keep, "KEEP", -1, NULL));
  getrlimit (RLIMIT_FSIZE, &old_limit);
  limit = old_limit;
  limit.rlim_cur = 1000;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &limit);
  export_to (fixture, keep);
  setrlimit (RLIMIT_FSIZE, &old_limit);
  signal (SIGXFSZ, old_handler);

  message = as_window_get_message (fixture->window);
  g_assert_nonnull (strstr (message, "Export failed"));
  g_assert_nonnull (strstr (message, keep));
  contents = read_file (keep);
  g_assert_cmpstr (contents, ==, "KEEP");

  /* nothing typed is lost */
  g_assert_cmpstr (as_session_get_sentence (as_window_get_session (fixture->window)), ==, "hello world");

  /* with nothing to show there is nothing to export */
  type (fixture, "");
  export_to (fixture, keep);
  g_assert_nonnull (strstr (as_window_get_message (fixture->window), "Nothing to export"));
  g_free (contents);
  contents = read_file (keep);
  g_assert_cmpstr (contents, ==, "KEEP");
}

static void
test_export_waits_for_model (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *svg = g_build_filename (fixture->dir, "later.svg", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (fixture->model_path);
  g_autofree char *contents = NULL;

  type (fixture, "world !");
  as_window_open_model (fixture->window, file);
  g_assert_true (as_window_is_loading (fixture->window));
  export_to (fixture, svg);
  g_assert_false (g_file_test (svg, G_FILE_TEST_EXISTS));

  /* the model loaded, then the sentence decoded with it (in the worker) */
  wait_until (not_busy, fixture);
  contents = read_file (svg);
  g_assert_nonnull (strstr (contents, "<title>Attention: world ! →"));
}

static void
test_colormap (Fixture       *fixture,
               gconstpointer  data)
{
  AsHeatmap *heatmap = as_window_get_heatmap (fixture->window);
  g_autoptr (GVariant) state = NULL;

  g_action_group_change_action_state (G_ACTION_GROUP (fixture->window), "colormap",
                                      g_variant_new_string ("magma"));
  g_assert_cmpint (as_heatmap_get_colormap (heatmap), ==, AS_COLORMAP_MAGMA);
  g_action_group_change_action_state (G_ACTION_GROUP (fixture->window), "colormap",
                                      g_variant_new_string ("greys"));
  g_assert_cmpint (as_heatmap_get_colormap (heatmap), ==, AS_COLORMAP_GREYS);
  state = g_action_group_get_action_state (G_ACTION_GROUP (fixture->window), "colormap");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "greys");
}

/* The colour scale: the drop-down and win.scale set the heatmap's (and so
 * the export's) scale, each follows the other, and the choice is kept for
 * the next window. */
static void
test_scale (Fixture       *fixture,
            gconstpointer  data)
{
  AsHeatmap *heatmap = as_window_get_heatmap (fixture->window);
  g_autoptr (GSettings) settings = as_settings_new ();
  g_autoptr (GVariant) state = NULL;
  g_autoptr (GVariant) next_state = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  GListModel *names;
  AsWindow *next;

  /* the default, and the drop-down's items in AsFigureScale's order */
  g_assert_cmpint (as_heatmap_get_scale (heatmap), ==, AS_FIGURE_SCALE_ONE);
  g_assert_cmpuint (gtk_drop_down_get_selected (fixture->window->scale_dropdown), ==, AS_FIGURE_SCALE_ONE);
  names = gtk_drop_down_get_model (fixture->window->scale_dropdown);
  g_assert_cmpuint (g_list_model_get_n_items (names), ==, AS_FIGURE_N_SCALES);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), AS_FIGURE_SCALE_ONE), ==, "Scale: 0 to 1");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), AS_FIGURE_SCALE_MAX), ==, "Largest weight");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), AS_FIGURE_SCALE_ROW), ==, "Each row");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), AS_FIGURE_SCALE_LOG), ==, "Logarithmic");

  /* the drop-down, as a person would choose */
  gtk_drop_down_set_selected (fixture->window->scale_dropdown, AS_FIGURE_SCALE_LOG);
  g_assert_cmpint (as_heatmap_get_scale (heatmap), ==, AS_FIGURE_SCALE_LOG);
  state = g_action_group_get_action_state (G_ACTION_GROUP (fixture->window), "scale");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "log");

  /* the action: the drop-down follows */
  g_action_group_change_action_state (G_ACTION_GROUP (fixture->window), "scale", g_variant_new_string ("row"));
  g_assert_cmpint (as_heatmap_get_scale (heatmap), ==, AS_FIGURE_SCALE_ROW);
  g_assert_cmpuint (gtk_drop_down_get_selected (fixture->window->scale_dropdown), ==, AS_FIGURE_SCALE_ROW);
  /* a name that is none is ignored */
  g_action_group_change_action_state (G_ACTION_GROUP (fixture->window), "scale", g_variant_new_string ("linear"));
  g_assert_cmpint (as_heatmap_get_scale (heatmap), ==, AS_FIGURE_SCALE_ROW);

  /* the export draws the same figure: per row, its bar says so */
  dir = g_dir_make_tmp ("attnscope-scale-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "figure.svg", NULL);
  {
    AsFigureExportOptions options = { AS_FIGURE_BACKGROUND_LIGHT, 1.0, TRUE, 0, 0 };

    g_assert_true (as_figure_export_with_options (as_heatmap_get_figure (heatmap), path, &options, &error));
    g_assert_no_error (error);
  }
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_nonnull (strstr (contents, ">per row<"));
  g_unlink (path);
  g_rmdir (dir);

  /* kept, and the next window starts with it */
  kept = g_settings_get_string (settings, "scale");
  g_assert_cmpstr (kept, ==, "row");
  next = as_window_new (NULL);
  next_state = g_action_group_get_action_state (G_ACTION_GROUP (next), "scale");
  g_assert_cmpstr (g_variant_get_string (next_state, NULL), ==, "row");
  g_assert_cmpuint (gtk_drop_down_get_selected (next->scale_dropdown), ==, AS_FIGURE_SCALE_ROW);
  g_assert_cmpint (as_heatmap_get_scale (as_window_get_heatmap (next)), ==, AS_FIGURE_SCALE_ROW);
  gtk_window_destroy (GTK_WINDOW (next));
  test_settle ();
}

/* The widget's width and height as allocated, in @ancestor's coordinates. */
static graphene_rect_t
bounds_in (GtkWidget *widget,
           GtkWidget *ancestor)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, ancestor, &bounds));
  return bounds;
}

/* At @width x @height: the window takes that size (its minimum is no
 * larger), the candidates panel is there and not narrower than its content
 * needs, every part of the window lies inside it, and nothing overlaps. */
static void
assert_layout_at (Fixture *fixture,
                  int      width,
                  int      height,
                  const char *name)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *panel = gtk_paned_get_end_child (fixture->window->paned);
  GtkWidget *figure = gtk_paned_get_start_child (fixture->window->paned);
  GtkWidget *candidates = GTK_WIDGET (as_window_get_candidates (fixture->window));
  int minimum, natural;
  graphene_rect_t panel_bounds, figure_bounds, window_bounds;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  test_settle ();
  test_settle ();

  /* the window is as large as asked: nothing forced it larger (the
   * allocation leaves out the shadow of the client-side decorations) */
  window_bounds = bounds_in (window, window);
  g_assert_cmpfloat (window_bounds.size.width, <=, width);
  g_assert_cmpfloat (window_bounds.size.height, <=, height);
  g_assert_cmpfloat (window_bounds.size.width, >=, width - 30);
  g_assert_cmpfloat (window_bounds.size.height, >=, height - 30);

  /* the panel is there, inside the window, as wide as its content needs */
  panel_bounds = bounds_in (panel, window);
  figure_bounds = bounds_in (figure, window);
  g_assert_cmpfloat (panel_bounds.size.width, >, 0);
  g_assert_cmpfloat (panel_bounds.size.height, >, 0);
  g_assert_true (gtk_widget_get_mapped (panel));
  /* (the measure counts the margins, the width does not) */
  gtk_widget_measure (candidates, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  g_assert_cmpint (gtk_widget_get_width (candidates) + gtk_widget_get_margin_start (candidates) +
                   gtk_widget_get_margin_end (candidates), >=, minimum);
  g_assert_cmpfloat (panel_bounds.origin.x + panel_bounds.size.width, <=, window_bounds.size.width + 0.5);
  g_assert_cmpfloat (panel_bounds.origin.y + panel_bounds.size.height, <=, window_bounds.size.height + 0.5);
  /* the figure's pane beside it, not under it */
  g_assert_cmpfloat (figure_bounds.size.width, >, 0);
  g_assert_cmpfloat (figure_bounds.origin.x + figure_bounds.size.width, <=, panel_bounds.origin.x + 0.5);

  screenshot (window, name);
}

static void
test_layout_sizes (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *panel = gtk_paned_get_end_child (fixture->window->paned);
  GtkWidget *figure = gtk_paned_get_start_child (fixture->window->paned);
  int minimum, natural, panel_width;

  type (fixture, "hello world ! hello world");

  assert_layout_at (fixture, 600, 400, "window-600x400");
  assert_layout_at (fixture, 800, 500, "window-800x500");
  gtk_widget_measure (panel, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  panel_width = gtk_widget_get_width (panel);
  g_assert_cmpint (panel_width, >=, minimum);

  /* as large as the screen (maximized, where a window manager would do it):
   * the extra room goes to the figure, the panel keeps its natural width */
  assert_layout_at (fixture, 1280, 1024, "window-maximized");
  g_assert_cmpint (gtk_widget_get_width (panel), <=, natural + 1);
  g_assert_cmpint (gtk_widget_get_width (panel), >=, MIN (natural, panel_width) - 1);
  g_assert_cmpint (gtk_widget_get_width (figure), >, 2 * gtk_widget_get_width (panel));
}

/* Typing a long sentence key by key never resizes the window nor moves the
 * figure; the word under the caret is not called unknown before it is
 * finished. */
static void
test_typing_keeps_size (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *figure = gtk_paned_get_start_child (fixture->window->paned);
  const char *sentence = "hello world ! zyx hello wor world hello qqq world ! hello world hello world hello world";
  int width, height;
  double figure_y;

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 500);
  type (fixture, "");
  test_settle ();
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  figure_y = bounds_in (figure, window).origin.y;

  type_keys (fixture, "hello zy");
  /* "zy" is being typed: not reported yet (the heatmap marks it) */
  g_assert_null (as_window_get_input_note (fixture->window));
  type_keys (fixture, "x");
  g_assert_null (as_window_get_input_note (fixture->window));
  type_keys (fixture, " ");
  g_assert_nonnull (as_window_get_input_note (fixture->window));
  g_assert_nonnull (strstr (as_window_get_input_note (fixture->window), "“zyx”"));

  type (fixture, "");
  for (const char *c = sentence; *c != '\0'; c++)
    {
      char one[2] = { *c, '\0' };

      type_keys (fixture, one);
      if ((c - sentence) % 8 == 0)
        {
          test_settle ();
          g_assert_cmpint (gtk_widget_get_width (window), ==, width);
          g_assert_cmpint (gtk_widget_get_height (window), ==, height);
          g_assert_cmpfloat (bounds_in (figure, window).origin.y, ==, figure_y);
        }
    }
  test_settle ();
  g_assert_cmpint (gtk_widget_get_width (window), ==, width);
  g_assert_cmpint (gtk_widget_get_height (window), ==, height);
  g_assert_cmpfloat (bounds_in (figure, window).origin.y, ==, figure_y);
  /* the finished unknown words are reported, the one at the caret not */
  g_assert_nonnull (strstr (as_window_get_input_note (fixture->window), "“qqq”"));

  /* the focus leaves the entry: the last word is finished too */
  type_keys (fixture, " hello zzz");
  g_assert_null (strstr (as_window_get_input_note (fixture->window), "“zzz”"));
  gtk_widget_grab_focus (GTK_WIDGET (fixture->window->target_entry));
  g_assert_nonnull (strstr (as_window_get_input_note (fixture->window), "“zzz”"));
}

/* A name for @widget in messages: its type and accessible label or text. */
static char *
describe_widget (GtkWidget *widget)
{
  const char *text = NULL;

  if (GTK_IS_LABEL (widget))
    text = gtk_label_get_text (GTK_LABEL (widget));
  else if (GTK_IS_BUTTON (widget))
    text = gtk_button_get_label (GTK_BUTTON (widget));
  if (text == NULL)
    text = gtk_widget_get_tooltip_text (widget);
  return g_strdup_printf ("%s “%s”", G_OBJECT_TYPE_NAME (widget), text != NULL ? text : "");
}

/* The widgets that Tab stops at, from the sentence's entry once round. */
static GPtrArray *
tab_stops (Fixture *fixture)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *first = GTK_WIDGET (fixture->window->source_entry);
  GPtrArray *stops = g_ptr_array_new ();

  gtk_widget_grab_focus (first);
  for (guint i = 0; i < 60; i++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD))
        {
          /* past the last: round to the first, as GtkWindow does */
          gtk_window_set_focus (GTK_WINDOW (window), NULL);
          gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD);
        }
      focus = gtk_root_get_focus (GTK_ROOT (window));
      g_assert_nonnull (focus);
      if (focus == first || gtk_widget_is_ancestor (focus, first))
        return stops;
      g_ptr_array_add (stops, focus);
      {
        g_autofree char *name = describe_widget (focus);
        g_test_message ("stop %u: %s", i, name);
      }
    }
  g_assert_not_reached ();
}

static int
stop_index (GPtrArray *stops,
            GtkWidget *widget)
{
  for (guint i = 0; i < stops->len; i++)
    if (g_ptr_array_index (stops, i) == widget || gtk_widget_is_ancestor (g_ptr_array_index (stops, i), widget))
      return (int) i;
  return -1;
}

/* The widget under @root whose action is @action (a button). */
static GtkWidget *
find_action_widget (GtkWidget  *root,
                    const char *action)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_ACTIONABLE (child) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action) == 0)
        return child;
      found = find_action_widget (child, action);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every control has a name for a screen reader, without the mnemonic's
 * underscore; the candidates read as a token and its probability. */
static void
test_accessible_names (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkListBox *list = GTK_LIST_BOX (find_child (GTK_WIDGET (as_window_get_candidates (fixture->window)),
                                               GTK_TYPE_LIST_BOX));
  static const struct { const char *action; const char *name; } buttons[] = {
    { "win.step-first", "First step" },
    { "win.step-previous", "Previous step" },
    { "win.play", "Play" },
    { "win.step-next", "Next step" },
    { "win.step-last", "Last step" },
    { "win.open", "Open a model file" },
    { "win.export", "Export the view" },
    { "win.branch-back", "Back to the translation before the candidate" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      GtkWidget *button = find_action_widget (window, buttons[i].action);

      g_assert_nonnull (button);
      gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, buttons[i].name);
    }
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (fixture->window->open_menu_button),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Bundled and recent models");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (fixture->window->colormap_dropdown),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Colour map");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (fixture->window->max_length_spin),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Maximum number of steps");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (fixture->window->step_scale),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Decoder step");

  /* playing: the button says what it does now */
  _as_window_set_playing (fixture->window, TRUE);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (fixture->window->play_button), GTK_ACCESSIBLE_PROPERTY_LABEL, "Pause");
  _as_window_set_playing (fixture->window, FALSE);

  /* a candidate: its token and probability (step 1: monde 99.4 %) */
  /* (in variables: the macro makes a format of its argument's text) */
  _as_window_set_step (fixture->window, 0);
  {
    const char *first = "monde, 99.4 %, came out";
    const char *second = "bonjour, 0.515 %";

    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_list_box_get_row_at_index (list, 0)),
                                         GTK_ACCESSIBLE_PROPERTY_LABEL, first);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_list_box_get_row_at_index (list, 1)),
                                         GTK_ACCESSIBLE_PROPERTY_LABEL, second);
  }
}

/* Tab stops at few places, in reading order: labels are not among them, the
 * candidates are one stop, the step buttons none (their keys and the
 * slider do what they do). */
static void
test_tab_order (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GPtrArray) stops = tab_stops (fixture);
  GtkWidget *list = find_child (GTK_WIDGET (as_window_get_candidates (fixture->window)), GTK_TYPE_LIST_BOX);
  GString *order = g_string_new (NULL);
  guint in_list = 0;

  for (guint i = 0; i < stops->len; i++)
    {
      GtkWidget *stop = g_ptr_array_index (stops, i);
      g_autofree char *name = describe_widget (stop);

      g_string_append_printf (order, "%s%s", i > 0 ? ", " : "", name);
      g_assert_false (GTK_IS_LABEL (stop));
      if (stop == list || gtk_widget_is_ancestor (stop, list))
        in_list++;
    }
  g_test_message ("Tab order: %s", order->str);
  g_string_free (order, TRUE);

  g_assert_cmpuint (in_list, ==, 1);
  g_assert_cmpint (stop_index (stops, find_action_widget (GTK_WIDGET (fixture->window), "win.step-next")), ==, -1);
  /* (the entries, Max steps, Beam, the figure's bar and view, the
   * candidates, the side panel's tabs, the step bar, the colour map and
   * scale, Pin) */
  g_assert_cmpuint (stops->len, <=, 16);
  /* in reading order: the entries, the figure, the candidates, the step bar */
  g_assert_cmpint (stop_index (stops, GTK_WIDGET (fixture->window->target_entry)), ==, 0);
  g_assert_cmpint (stop_index (stops, GTK_WIDGET (as_window_get_heatmap (fixture->window))), >, 0);
  g_assert_cmpint (stop_index (stops, list), >, stop_index (stops, GTK_WIDGET (as_window_get_heatmap (fixture->window))));
  g_assert_cmpint (stop_index (stops, GTK_WIDGET (fixture->window->step_scale)), >, stop_index (stops, list));

  /* the labels one may select text of are no stop, and keep no selection */
  g_assert_false (gtk_label_get_selectable (fixture->window->translation_label));
  g_assert_false (gtk_label_get_selectable (fixture->window->message_label));
  g_assert_false (gtk_label_get_selectable (fixture->window->input_note_label));
  {
    /* the panel's "So far", selectable, cannot take the Tab key */
    GtkWidget *candidates = GTK_WIDGET (as_window_get_candidates (fixture->window));

    for (GtkWidget *child = gtk_widget_get_first_child (candidates); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_LABEL (child) && gtk_label_get_selectable (GTK_LABEL (child)))
        g_assert_false (gtk_widget_get_can_focus (child));
  }
}

/* Activating a candidate by the keyboard keeps the focus where it was. */
static void
test_candidate_focus (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkListBox *list = GTK_LIST_BOX (find_child (GTK_WIDGET (as_window_get_candidates (fixture->window)),
                                               GTK_TYPE_LIST_BOX));
  GtkWidget *focus;

  activate (fixture, "step-first");
  gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_row_at_index (list, 1)));
  g_signal_emit_by_name (list, "activate-cursor-row");
  test_settle ();

  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, PICKED_BONJOUR);
  focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  g_assert_true (GTK_IS_LIST_BOX_ROW (focus));
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (list)));
  g_assert_cmpint (gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (focus)), ==, 1);

  /* stepping with the focus in the list keeps it there too */
  activate (fixture, "step-next");
  focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  g_assert_true (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (list)));
}

/* The candidate rows are made once and updated in place, as the step and
 * the sentence change: the same widgets, with the new tokens, names and
 * the mark of the one that came out. */
static void
test_candidate_rows_reused (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkListBox *list = GTK_LIST_BOX (find_child (GTK_WIDGET (as_window_get_candidates (fixture->window)),
                                               GTK_TYPE_LIST_BOX));
  GtkListBoxRow *rows[5];
  g_autofree char *text = NULL;
  guint n_taken = 0;

  for (int i = 0; i < 5; i++)
    rows[i] = gtk_list_box_get_row_at_index (list, i);
  g_assert_null (gtk_list_box_get_row_at_index (list, 5));

  type (fixture, "world hello !");
  activate (fixture, "step-first");
  for (int i = 0; i < 5; i++)
    g_assert_true (gtk_list_box_get_row_at_index (list, i) == rows[i]);
  g_assert_null (gtk_list_box_get_row_at_index (list, 5));

  type (fixture, "hello world");
  activate (fixture, "step-first");
  for (int i = 0; i < 5; i++)
    {
      g_assert_true (gtk_list_box_get_row_at_index (list, i) == rows[i]);
      n_taken += gtk_widget_has_css_class (GTK_WIDGET (rows[i]), "taken");
    }
  text = candidate_rows (fixture);
  assert_rows (text, "monde|bonjour|EOS|");
  g_assert_cmpuint (n_taken, ==, 1);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (rows[0]), "taken"));
  {
    const char *first = "monde, 99.4 %, came out";
    const char *second = "bonjour, 0.515 %";

    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (rows[0]), GTK_ACCESSIBLE_PROPERTY_LABEL, first);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (rows[1]), GTK_ACCESSIBLE_PROPERTY_LABEL, second);
  }

  /* step 2 came out "bonjour": the mark moves with it */
  activate (fixture, "step-next");
  g_assert_true (gtk_list_box_get_row_at_index (list, 0) == rows[0]);
  g_assert_cmpint (as_candidates_get_token (as_window_get_candidates (fixture->window), 0), ==,
                   as_vocab_lookup (as_model_get_target (as_window_get_model (fixture->window)), "bonjour"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (rows[0]), "taken"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (rows[1]), "taken"));

  /* nothing to show: no row; then rows again */
  type (fixture, " ");
  g_assert_null (gtk_list_box_get_row_at_index (list, 0));
  type (fixture, "hello world");
  g_assert_nonnull (gtk_list_box_get_row_at_index (list, 4));
}

/* The window's key handler, as a key press reaches it (capture phase). */
static gboolean
press_key (Fixture *fixture,
           guint    keyval,
           GdkModifierType state)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->window));
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (GTK_EVENT_CONTROLLER (controller)) == GTK_PHASE_CAPTURE)
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
          return handled;
        }
    }
  g_assert_not_reached ();
}

/* Page Up and Page Down step everywhere; Left and Right step outside the
 * text fields and the heatmap, whose arrows are its own. */
static void
test_step_keys (Fixture       *fixture,
                gconstpointer  data)
{
  AsHeatmap *heatmap = as_window_get_heatmap (fixture->window);

  _as_window_set_step (fixture->window, 4);
  gtk_widget_grab_focus (GTK_WIDGET (fixture->window->source_entry));
  g_assert_true (press_key (fixture, GDK_KEY_Page_Up, 0));
  assert_step (fixture, 3, "Step 4 of 5");
  g_assert_true (press_key (fixture, GDK_KEY_Page_Up, 0));
  assert_step (fixture, 2, "Step 3 of 5");
  g_assert_true (press_key (fixture, GDK_KEY_Page_Down, 0));
  assert_step (fixture, 3, "Step 4 of 5");
  /* in the entry Left moves the caret */
  g_assert_false (press_key (fixture, GDK_KEY_Left, 0));
  assert_step (fixture, 3, "Step 4 of 5");

  /* in the heatmap the arrows are its own, Page Up still steps */
  gtk_widget_grab_focus (GTK_WIDGET (heatmap));
  g_assert_false (press_key (fixture, GDK_KEY_Left, 0));
  g_assert_false (press_key (fixture, GDK_KEY_Down, 0));
  g_assert_true (press_key (fixture, GDK_KEY_Page_Up, 0));
  assert_step (fixture, 2, "Step 3 of 5");

  /* elsewhere (the slider) Left, Right, Home and End step */
  gtk_widget_grab_focus (GTK_WIDGET (fixture->window->step_scale));
  g_assert_true (press_key (fixture, GDK_KEY_Home, 0));
  assert_step (fixture, 0, "Step 1 of 5");
  g_assert_true (press_key (fixture, GDK_KEY_Right, 0));
  assert_step (fixture, 1, "Step 2 of 5");
  g_assert_true (press_key (fixture, GDK_KEY_End, 0));
  assert_step (fixture, 4, "Step 5 of 5");
}

static gboolean
gru_loaded (Fixture *fixture)
{
  AsModel *model = as_window_get_model (fixture->window);

  return !as_window_is_loading (fixture->window) && model != NULL &&
         g_str_has_suffix (as_model_get_path (model), "en-zh-gru.json");
}

static void
set_target (Fixture    *fixture,
            const char *target)
{
  as_window_set_target (fixture->window, target);
  as_window_flush (fixture->window);
}

/* Words of one's own translation that the target side lacks are listed in
 * the note and marked ? in the heatmap, as unknown source words are. */
static void
test_unknown_target_words (Fixture       *fixture,
                           gconstpointer  data)
{
  AsFigure *figure = figure_of (fixture);
  const AsFigureAxis *rows;
  const char *note;

  open_tiny_transformer (fixture);
  type (fixture, "hello world");
  set_target (fixture, "bonjour qqq monde");
  note = as_window_get_input_note (fixture->window);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note, "Not in the target vocabulary"));
  g_assert_nonnull (strstr (note, "“qqq”"));
  g_assert_null (strstr (note, "“bonjour”"));
  g_assert_cmpint (as_window_get_input_note_kind (fixture->window), ==, AS_MESSAGE_WARNING);

  rows = as_figure_get_row_axis (figure);
  g_assert_false (as_figure_axis_get_marks (rows, 0) & AS_FIGURE_MARK_UNKNOWN);
  g_assert_true (as_figure_axis_get_marks (rows, 1) & AS_FIGURE_MARK_UNKNOWN);
  g_assert_false (as_figure_axis_get_marks (rows, 2) & AS_FIGURE_MARK_UNKNOWN);

  set_target (fixture, "bonjour monde");
  g_assert_null (strstr (as_window_get_input_note (fixture->window), "target vocabulary"));
  g_assert_cmpint (as_window_get_input_note_kind (fixture->window), ==, AS_MESSAGE_INFO);
}

/* The language of a Pango attribute list (its first language attribute), or NULL. */
static const char *
attributes_language (PangoAttrList *attributes)
{
  g_autoptr (PangoAttrIterator) iterator = NULL;
  PangoAttribute *attribute;

  if (attributes == NULL)
    return NULL;
  iterator = pango_attr_list_get_iterator (attributes);
  attribute = pango_attr_iterator_get (iterator, PANGO_ATTR_LANGUAGE);
  return attribute != NULL ? pango_language_to_string (((PangoAttrLanguage *) attribute)->value) : NULL;
}

/* Chinese typed as the English sentence: the note says which languages the
 * model translates and where the Chinese goes. The text of each side is
 * drawn in the model's language for it (Simplified Chinese glyphs). */
static void
test_target_language_hint (Fixture       *fixture,
                           gconstpointer  data)
{
  const char *note;

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "open-bundled", g_variant_new_string ("en-zh-gru"));
  wait_until (gru_loaded, fixture);
  type (fixture, "我饿了");
  note = as_window_get_input_note (fixture->window);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note, "“我饿了”"));
  g_assert_nonnull (strstr (note, "This model translates English into Chinese"));
  g_assert_nonnull (strstr (note, "“Your translation”"));

  g_assert_cmpstr (attributes_language (as_sentence_entry_get_attributes (fixture->window->source_entry)), ==, "en");
  g_assert_cmpstr (attributes_language (as_sentence_entry_get_attributes (fixture->window->target_entry)), ==, "zh-cn");
  g_assert_cmpstr (attributes_language (gtk_label_get_attributes (fixture->window->translation_label)), ==, "zh-cn");
  {
    GtkListBox *list = GTK_LIST_BOX (find_child (GTK_WIDGET (as_window_get_candidates (fixture->window)),
                                                 GTK_TYPE_LIST_BOX));
    GtkWidget *token = find_child (GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0)), GTK_TYPE_LABEL);

    g_assert_cmpstr (attributes_language (gtk_label_get_attributes (GTK_LABEL (token))), ==, "zh-cn");
  }

  /* an English word it does not know gets no such hint */
  type (fixture, "i am zyxwv .");
  note = as_window_get_input_note (fixture->window);
  g_assert_nonnull (strstr (note, "“zyxwv”"));
  g_assert_null (strstr (note, "This model translates"));
}

/* A translation cut at the maximum length says so; the maximum can be
 * changed in the window, and the translation follows. */
static void
test_max_length (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkSpinButton *spin = fixture->window->max_length_spin;
  const char *note;

  type (fixture, "hello world");
  g_assert_cmpuint (as_session_get_n_steps (as_window_get_session (fixture->window)), ==, 5);
  g_assert_null (as_window_get_input_note (fixture->window));
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==,
                     as_session_get_max_length (as_window_get_session (fixture->window)));

  gtk_spin_button_set_value (spin, 3);
  /* decoded again in the worker */
  as_window_flush (fixture->window);
  g_assert_cmpuint (as_session_get_n_steps (as_window_get_session (fixture->window)), ==, 3);
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, "monde bonjour monde");
  note = as_window_get_input_note (fixture->window);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note, "cut at the maximum of 3 steps"));
  g_assert_cmpint (as_window_get_input_note_kind (fixture->window), ==, AS_MESSAGE_WARNING);

  /* it stays for the next sentence */
  type (fixture, "hello world !");
  g_assert_cmpuint (as_session_get_n_steps (as_window_get_session (fixture->window)), ==, 3);

  gtk_spin_button_set_value (spin, 10);
  type (fixture, "hello world");
  g_assert_cmpuint (as_session_get_n_steps (as_window_get_session (fixture->window)), ==, 5);
  g_assert_null (as_window_get_input_note (fixture->window));
}

/* A candidate picked while one's own translation is shown: the branch
 * replaces it, the entry is emptied, the note says so, and Back brings
 * one's translation again; Back after a branch of the model's own
 * translation brings that again. */
static void
test_branch_and_back (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkListBox *list = GTK_LIST_BOX (find_child (GTK_WIDGET (as_window_get_candidates (fixture->window)),
                                               GTK_TYPE_LIST_BOX));
  AsSession *session;
  const char *note;

  set_target (fixture, "bonjour monde");
  g_assert_cmpint (as_window_get_input_note_kind (fixture->window), ==, AS_MESSAGE_INFO);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "branch-back"));

  /* step 1 output "monde" instead of "bonjour": the row of monde */
  _as_window_set_step (fixture->window, 0);
  g_assert_cmpint (as_candidates_get_token (as_window_get_candidates (fixture->window), 0), ==,
                   as_vocab_lookup (as_model_get_target (as_window_get_model (fixture->window)), "monde"));
  gtk_widget_activate (GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0)));
  as_window_flush (fixture->window);

  session = as_window_get_session (fixture->window);
  g_assert_cmpstr (as_session_get_target_token (session, as_session_get_step (session, 0)->output), ==, "monde");
  /* the entry, the note and the figure agree: no translation of one's own */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fixture->window->target_entry)), ==, "");
  note = as_window_get_input_note (fixture->window);
  g_assert_nonnull (strstr (note, "Continued with your choice at step 1"));
  g_assert_null (strstr (note, "Showing your translation"));
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, HELLO_WORLD);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window->back_button)));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "branch-back"));

  /* back: one's own translation again */
  activate (fixture, "branch-back");
  as_window_flush (fixture->window);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fixture->window->target_entry)), ==, "bonjour monde");
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, "bonjour monde");
  g_assert_nonnull (strstr (as_window_get_input_note (fixture->window), "Showing your translation"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->window->back_button)));

  /* a branch of the model's own translation, and back (Ctrl+Z outside the entries) */
  set_target (fixture, "");
  _as_window_set_step (fixture->window, 0);
  gtk_widget_activate (GTK_WIDGET (gtk_list_box_get_row_at_index (list, 1)));
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, PICKED_BONJOUR);
  gtk_widget_grab_focus (GTK_WIDGET (fixture->window->step_scale));
  g_assert_true (press_key (fixture, GDK_KEY_z, GDK_CONTROL_MASK));
  as_window_flush (fixture->window);
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, HELLO_WORLD);
  g_assert_null (as_window_get_input_note (fixture->window));
}

/* At start the caret is after the example sentence, nothing selected: the
 * first key typed goes on from it. */
static void
test_start_caret (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkEditable *entry = GTK_EDITABLE (fixture->window->source_entry);
  int start, end;

  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "hello world");
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (entry)) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->window)), GTK_WIDGET (entry)));
  g_assert_cmpint (gtk_editable_get_position (entry), ==, strlen ("hello world"));
  g_assert_false (gtk_editable_get_selection_bounds (entry, &start, &end));

  /* also for a sentence given on the command line, whose last word is not
   * being typed: it is reported at once */
  as_window_set_sentence (fixture->window, "world zyx");
  as_window_flush (fixture->window);
  g_assert_cmpint (gtk_editable_get_position (entry), ==, strlen ("world zyx"));
  g_assert_nonnull (strstr (as_window_get_input_note (fixture->window), "“zyx”"));
}

/* An informational note does not look like a warning: its own style and icon. */
static void
test_note_kinds (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkWidget *box = fixture->window->input_note_box;

  set_target (fixture, "bonjour monde");
  g_assert_cmpint (as_window_get_input_note_kind (fixture->window), ==, AS_MESSAGE_INFO);
  g_assert_true (gtk_widget_has_css_class (box, "info"));
  g_assert_false (gtk_widget_has_css_class (box, "warning"));
  g_assert_cmpstr (gtk_image_get_icon_name (fixture->window->input_note_icon), ==, "dialog-information-symbolic");

  set_target (fixture, "");
  type (fixture, "hello zyx");
  g_assert_cmpint (as_window_get_input_note_kind (fixture->window), ==, AS_MESSAGE_WARNING);
  g_assert_true (gtk_widget_has_css_class (box, "warning"));
  g_assert_false (gtk_widget_has_css_class (box, "info"));
  g_assert_cmpstr (gtk_image_get_icon_name (fixture->window->input_note_icon), ==, "dialog-warning-symbolic");

  type (fixture, "hello");
  g_assert_cmpint (as_window_get_input_note_kind (fixture->window), ==, -1);
  g_assert_false (gtk_widget_has_css_class (box, "warning"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->window->input_note_icon)));
}

/* Probabilities have the digits that tell them apart. */
static void
test_probabilities (Fixture       *fixture,
                    gconstpointer  data)
{
  static const struct { double p; const char *text; } cases[] = {
    { 0.995, "99.5 %" }, { 0.9996, "> 99.9 %" }, { 0.994, "99.4 %" }, { 0.5, "50.0 %" },
    { 0.0515, "5.15 %" }, { 0.00515, "0.515 %" }, { 0.001, "0.100 %" }, { 0.0004, "< 0.1 %" },
    { 1e-9, "< 0.1 %" }, { 1.0, "100 %" }, { 0.0, "0 %" },
  };
  GtkListBox *list = GTK_LIST_BOX (find_child (GTK_WIDGET (as_window_get_candidates (fixture->window)),
                                               GTK_TYPE_LIST_BOX));
  GtkListBoxRow *row;
  g_autoptr (GPtrArray) shown = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = as_candidates_format_probability (cases[i].p);
      g_assert_cmpstr (text, ==, cases[i].text);
    }

  /* the panel at step 1: monde 99.4 %, bonjour 0.515 %, no "0.0 %" */
  _as_window_set_step (fixture->window, 0);
  for (int i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    {
      GtkWidget *box = gtk_list_box_row_get_child (row);
      GtkWidget *value = gtk_widget_get_last_child (box);
      const char *text = gtk_label_get_text (GTK_LABEL (value));

      g_assert_cmpstr (text, !=, "0.0 %");
      g_assert_cmpstr (text, !=, "100.0 %");
      g_ptr_array_add (shown, (gpointer) text);
    }
  g_assert_cmpstr (g_ptr_array_index (shown, 0), ==, "99.4 %");
  g_assert_cmpstr (g_ptr_array_index (shown, 1), ==, "0.515 %");
}

/* The title names the sentence (bounded) and the model. */
static void
test_title (Fixture       *fixture,
            gconstpointer  data)
{
  const char *title;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "hello world — model — AttnScope");
  type (fixture, "hello world ! hello world ! hello world ! hello world ! hello world !");
  title = gtk_window_get_title (GTK_WINDOW (fixture->window));
  g_assert_true (g_str_has_prefix (title, "hello world ! hello world ! hello world"));
  g_assert_true (g_str_has_suffix (title, "… — model — AttnScope"));
  g_assert_cmpint (g_utf8_strlen (title, -1), <=, 40 + strlen (" — model — AttnScope"));
  type (fixture, "");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "model — AttnScope");
}

/* The window's size and the colour map are kept, and come back in the next
 * window. */
static void
test_settings_kept (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (GSettings) settings = as_settings_new ();
  g_autofree char *colormap = NULL;
  g_autoptr (GVariant) state = NULL;
  AsWindow *next;
  int width, height;

  g_action_group_change_action_state (G_ACTION_GROUP (fixture->window), "colormap", g_variant_new_string ("magma"));
  colormap = g_settings_get_string (settings, "colormap");
  g_assert_cmpstr (colormap, ==, "magma");

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 900, 640);
  test_settle ();
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 640);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  next = as_window_new (NULL);
  gtk_window_get_default_size (GTK_WINDOW (next), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 640);
  state = g_action_group_get_action_state (G_ACTION_GROUP (next), "colormap");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "magma");
  g_assert_cmpuint (gtk_drop_down_get_selected (next->colormap_dropdown), ==, AS_COLORMAP_MAGMA);
  g_assert_cmpint (as_heatmap_get_colormap (as_window_get_heatmap (next)), ==, AS_COLORMAP_MAGMA);
  gtk_window_destroy (GTK_WINDOW (next));

  /* maximized: kept as such (the size to come back to stays) */
  g_settings_set_boolean (settings, "window-maximized", TRUE);
  next = as_window_new (NULL);
  gtk_window_get_default_size (GTK_WINDOW (next), &width, &height);
  g_assert_cmpint (width, ==, 900);
  gtk_window_present (GTK_WINDOW (next));
  test_settle ();
  gtk_window_destroy (GTK_WINDOW (next));
  test_settle ();
  /* (without a window manager under Xvfb it cannot become maximized: the
   * state it was asked for is not lost meanwhile) */
  g_assert_true (g_settings_get_boolean (settings, "window-maximized"));
}

static GMenuModel *
open_menu_section (Fixture    *fixture,
                   const char *label)
{
  GMenuModel *menu = gtk_menu_button_get_menu_model (fixture->window->open_menu_button);

  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *name = NULL;

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &name) && g_strcmp0 (name, label) == 0)
        return g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
    }
  return NULL;
}

static char *
recent_target (GMenuModel *section,
               int         i)
{
  g_autoptr (GVariant) target = g_menu_model_get_item_attribute_value (section, i, G_MENU_ATTRIBUTE_TARGET,
                                                                        G_VARIANT_TYPE_STRING);
  return target != NULL ? g_variant_dup_string (target, NULL) : NULL;
}

/* Models opened are listed in the Open button's menu, newest first, ten at
 * most, those gone from the disk left out; the bundled ones have their
 * own section. */
static void
test_recent_models (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (GSettings) settings = as_settings_new ();
  g_autofree char *contents = read_file (fixture->model_path);
  g_autoptr (GMenuModel) recent = NULL;
  g_auto (GStrv) kept = NULL;
  char *first;

  /* the fixture's model */
  recent = open_menu_section (fixture, "Recent models");
  g_assert_nonnull (recent);
  g_assert_cmpint (g_menu_model_get_n_items (recent), ==, 1);
  first = recent_target (recent, 0);
  g_assert_cmpstr (first, ==, fixture->model_path);
  g_free (first);
  g_clear_object (&recent);

  /* twelve more: the newest ten are kept, newest first */
  for (int i = 0; i < 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("model-%02d.json", i);
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_autoptr (GFile) file = g_file_new_for_path (path);

      g_assert_true (g_file_set_contents (path, contents, -1, NULL));
      as_window_open_model (fixture->window, file);
      wait_until (loaded, fixture);
    }
  kept = g_settings_get_strv (settings, "recent-models");
  g_assert_cmpuint (g_strv_length (kept), ==, 10);
  g_assert_true (g_str_has_suffix (kept[0], "model-11.json"));
  g_assert_true (g_str_has_suffix (kept[9], "model-02.json"));

  /* a file deleted since is left out of the menu */
  g_assert_cmpint (g_unlink (kept[1]), ==, 0);
  {
    g_autoptr (GFile) file = g_file_new_for_path (kept[0]);
    as_window_open_model (fixture->window, file);
    wait_until (loaded, fixture);
  }
  recent = open_menu_section (fixture, "Recent models");
  g_assert_cmpint (g_menu_model_get_n_items (recent), ==, 9);
  first = recent_target (recent, 0);
  g_assert_true (g_str_has_suffix (first, "model-11.json"));
  g_free (first);
  first = recent_target (recent, 1);
  g_assert_true (g_str_has_suffix (first, "model-09.json"));
  g_free (first);

  /* a bundled model is not listed twice */
  open_tiny_transformer (fixture);
  kept = (g_strfreev (kept), g_settings_get_strv (settings, "recent-models"));
  g_assert_true (g_str_has_suffix (kept[0], "model-11.json"));

  /* choosing a recent one opens it */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "open-recent", g_variant_new_string (kept[2]));
  wait_until (loaded, fixture);
  test_settle ();
  g_assert_cmpstr (as_model_get_path (as_window_get_model (fixture->window)), ==, kept[2]);
}

static GtkWindow *
help_window (Fixture *fixture)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (gtk_window_get_transient_for (window) == GTK_WINDOW (fixture->window) &&
          g_strcmp0 (gtk_window_get_title (window), "AttnScope Help") == 0)
        return window;
    }
  return NULL;
}

/* F1 opens the help page shipped with the application, once; Ctrl+W
 * closes the window. */
static void
test_help_and_close (Fixture       *fixture,
                     gconstpointer  data)
{
  GtkWindow *help;
  GString *text = g_string_new (NULL);

  g_assert_null (help_window (fixture));
  activate (fixture, "help");
  test_settle ();
  help = help_window (fixture);
  g_assert_nonnull (help);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (help)));
  collect_tooltip_text (GTK_WIDGET (help), TRUE, text);
  g_assert_nonnull (strstr (text->str, "Page Up and Page Down"));
  g_string_free (text, TRUE);
  activate (fixture, "help");
  g_assert_true (help_window (fixture) == help);
  gtk_window_destroy (help);
  test_settle ();
  g_assert_null (help_window (fixture));
}

/* Decoding as one types, in a worker thread */

/* "i am hungry ." @n / 4 times: @n words */
static char *
long_sentence (guint n)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n / 4; i++)
    g_string_append (text, "i am hungry . ");
  return g_string_free (text, FALSE);
}

static void
open_bundled (Fixture    *fixture,
              const char *name)
{
  g_autofree char *path = g_build_filename (as_models_dir (), name, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);

  as_window_open_model (fixture->window, file);
  wait_until (not_busy, fixture);
}

/* A key typed starts its decoding at once, with no timer to wait for, and
 * the result is on screen as soon as the worker has it. */
static void
test_decode_at_once (Fixture       *fixture,
                     gconstpointer  data)
{
  GtkEditable *entry = GTK_EDITABLE (fixture->window->source_entry);
  guint started = as_decode_get_n_started ();
  int position;

  as_window_set_sentence (fixture->window, "hello world");
  as_window_flush (fixture->window);
  started = as_decode_get_n_started ();

  /* " !" typed at the end, a key at a time: each starts a decoding before
   * the main loop runs again (the old window waited 40 ms for the next key) */
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  position = gtk_editable_get_position (entry);
  gtk_editable_insert_text (entry, " ", 1, &position);
  gtk_editable_set_position (entry, position);
  g_assert_cmpuint (as_decode_get_n_started (), ==, started + 1);
  g_assert_true (as_window_is_decoding (fixture->window));
  /* the previous result stays until the new one comes */
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, HELLO_WORLD);
  g_assert_cmpuint (as_figure_get_n_columns (figure_of (fixture)), ==, 3);

  /* nothing but the worker's result to wait for: no timeout source */
  while (as_window_is_decoding (fixture->window))
    g_main_context_iteration (NULL, TRUE);
  position = gtk_editable_get_position (entry);
  gtk_editable_insert_text (entry, "!", 1, &position);
  gtk_editable_set_position (entry, position);
  g_assert_cmpuint (as_decode_get_n_started (), ==, started + 2);
  while (as_window_is_decoding (fixture->window))
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpstr (as_session_get_sentence (as_window_get_session (fixture->window)), ==, "hello world !");
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, HELLO_WORLD_BANG);
  g_assert_cmpuint (as_figure_get_n_columns (figure_of (fixture)), ==, 4);
  g_assert_cmpstr (as_figure_get_column_label (figure_of (fixture), 2), ==, "!");
  g_assert_cmpuint (as_decode_get_n_running (), ==, 0);
}

/* Fast typing: one decoding in flight at most, the keys typed meanwhile
 * give one more decoding (of the text as it is then), every stale result
 * is dropped, and no thread is left running. */
static void
test_rapid_typing (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkEditable *entry = GTK_EDITABLE (fixture->window->source_entry);
  const char *keys = "world hello !";
  guint started;

  as_window_set_sentence (fixture->window, "");
  as_window_flush (fixture->window);
  g_assert_null (as_window_get_session (fixture->window));
  started = as_decode_get_n_started ();

  gtk_widget_grab_focus (GTK_WIDGET (entry));
  for (const char *c = keys; *c != '\0'; c++)
    {
      int position = gtk_editable_get_position (entry);

      gtk_editable_insert_text (entry, c, 1, &position);
      gtk_editable_set_position (entry, position);
      /* at most the one in flight, whatever the worker's speed */
      g_assert_cmpuint (as_decode_get_n_running (), <=, 1);
    }
  /* the first key started one; the others wait for it to stop */
  g_assert_cmpuint (as_decode_get_n_started (), ==, started + 1);
  as_window_flush (fixture->window);
  g_assert_cmpuint (as_decode_get_n_started (), ==, started + 2);

  g_assert_cmpstr (as_session_get_sentence (as_window_get_session (fixture->window)), ==, keys);
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, WORLD_HELLO_BANG);
  g_assert_cmpuint (as_figure_get_n_columns (figure_of (fixture)), ==, 4);
  g_assert_cmpuint (as_decode_get_n_running (), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (as_window_get_spinner (fixture->window))));

  /* a candidate of the text shown picked while the new text is decoded:
   * the pick is dropped with that text; the new one is shown */
  activate (fixture, "step-first");
  as_window_set_sentence (fixture->window, "hello world");
  g_assert_true (as_window_is_decoding (fixture->window));
  as_candidates_activate (as_window_get_candidates (fixture->window), 1);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->window->back_button)));
  as_window_flush (fixture->window);
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, HELLO_WORLD);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->window->back_button)));
  g_assert_null (as_window_get_input_note (fixture->window));

  /* typed and blanked before anything came back: nothing shown, nothing running */
  as_window_set_sentence (fixture->window, "hello world");
  as_window_set_sentence (fixture->window, " ");
  as_window_flush (fixture->window);
  test_settle ();
  g_assert_null (as_window_get_session (fixture->window));
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, "");
  g_assert_cmpuint (as_decode_get_n_running (), ==, 0);
}

static gboolean
decode_running (Fixture *fixture)
{
  return as_decode_get_n_running () > 0;
}

/* A long sentence's decoding, then a short one typed while it runs: the
 * long one is cancelled before its steps, its result never shown; what is
 * shown is the short one's alone. */
static void
test_stale_result_dropped (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *long_text = long_sentence (20000);
  AsSession *session;
  guint steps_before;
  gboolean long_shown = FALSE;

  open_bundled (fixture, "en-zh-gru.json");
  as_window_set_sentence (fixture->window, "i am hungry .");
  as_window_flush (fixture->window);
  g_assert_cmpuint (as_figure_get_n_columns (figure_of (fixture)), ==, 5);
  steps_before = as_decode_get_n_steps ();

  as_window_set_sentence (fixture->window, long_text);
  /* the worker is encoding it (which takes tenths of a second) */
  wait_until (decode_running, fixture);
  as_window_set_sentence (fixture->window, "you are hungry .");
  while (as_window_is_decoding (fixture->window))
    {
      g_main_context_iteration (NULL, TRUE);
      session = as_window_get_session (fixture->window);
      if (session != NULL && as_session_get_n_source (session) > 100)
        long_shown = TRUE;
    }

  g_assert_false (long_shown);
  session = as_window_get_session (fixture->window);
  g_assert_cmpstr (as_session_get_sentence (session), ==, "you are hungry .");
  g_assert_cmpuint (as_session_get_n_source (session), ==, 5);
  g_assert_cmpuint (as_figure_get_n_columns (figure_of (fixture)), ==, 5);
  g_assert_cmpstr (as_figure_get_column_label (figure_of (fixture), 0), ==, "you");
  g_assert_cmpuint (as_heatmap_get_n_steps (as_window_get_heatmap (fixture->window)), ==,
                    as_session_get_n_steps (session));
  /* the long one took no step once cancelled: only the short one's steps */
  g_assert_cmpuint (as_decode_get_n_steps () - steps_before, ==, as_session_get_n_steps (session));
  g_assert_cmpuint (as_decode_get_n_running (), ==, 0);
}

/* The longest wait of the main loop, leaving out GTK's layout and painting
 * of the window's frames (GtkText lays all of a 50,000-character text out
 * again whenever the window's layout changes: GTK's cost, not the
 * decoding's, which ran between frames when it ran on the main thread). */
typedef struct
{
  gint64 last;          /* the last tick */
  gint64 longest;
  gint64 frame_start;   /* of the frame's layout, 0: not in one */
  gint64 in_frames;     /* spent in layout and paint since the last tick */
  guint  count;         /* ticks */
} Ticks;

static gboolean
tick (gpointer data)
{
  Ticks *ticks = data;
  gint64 now = g_get_monotonic_time ();

  ticks->longest = MAX (ticks->longest, now - ticks->last - ticks->in_frames);
  ticks->last = now;
  ticks->count++;
  ticks->in_frames = 0;
  return G_SOURCE_CONTINUE;
}

static void
frame_layout (GdkFrameClock *clock,
              Ticks         *ticks)
{
  ticks->frame_start = g_get_monotonic_time ();
}

static void
frame_painted (GdkFrameClock *clock,
               Ticks         *ticks)
{
  if (ticks->frame_start != 0)
    ticks->in_frames += g_get_monotonic_time () - ticks->frame_start;
  ticks->frame_start = 0;
}

/* 10,000 words decoded again (Max steps changed): the window goes on
 * answering meanwhile (a timeout of 5 ms keeps firing: never 100 ms late
 * outside GTK's frames, a bound far from any speed: decoding them on the
 * main thread took 0.3 to 1.5 s here), the spinner shows while it runs and
 * is gone after. */
static void
test_long_input_does_not_block (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *long_text = long_sentence (10000);
  GtkWidget *spinner = GTK_WIDGET (as_window_get_spinner (fixture->window));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (fixture->window));
  Ticks ticks = { 0, 0, 0, 0, 0 };
  gulong layout_handler, paint_handler;
  gboolean spinner_seen = FALSE;
  guint source;
  gint64 start, decoding;

  open_bundled (fixture, "en-zh-gru.json");
  as_window_set_sentence (fixture->window, long_text);
  as_window_flush (fixture->window);
  test_settle ();
  g_assert_false (gtk_widget_get_visible (spinner));
  g_assert_cmpuint (as_session_get_n_source (as_window_get_session (fixture->window)), ==, 10001);
  g_assert_cmpuint (as_session_get_n_steps (as_window_get_session (fixture->window)), >, 3);

  layout_handler = g_signal_connect (clock, "layout", G_CALLBACK (frame_layout), &ticks);
  paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (frame_painted), &ticks);
  ticks.last = start = g_get_monotonic_time ();
  source = g_timeout_add (5, tick, &ticks);
  /* the spinner after 1 ms instead of 100: 10,000 words take longer than
   * that on any machine, and the test does not depend on how much longer */
  fixture->window->spinner_delay_ms = 1;
  gtk_spin_button_set_value (fixture->window->max_length_spin, 3);
  /* a fast result shows no spinner at first */
  g_assert_false (gtk_widget_get_visible (spinner));
  while (as_window_is_decoding (fixture->window))
    {
      g_main_context_iteration (NULL, TRUE);
      if (gtk_widget_get_visible (spinner))
        {
          spinner_seen = TRUE;
          g_assert_true (gtk_widget_get_mapped (spinner));
          g_assert_true (gtk_spinner_get_spinning (GTK_SPINNER (spinner)));
        }
    }
  g_source_remove (source);
  g_signal_handler_disconnect (clock, layout_handler);
  g_signal_handler_disconnect (clock, paint_handler);
  decoding = g_get_monotonic_time () - start;
  g_test_message ("10,000 words decoded in %.0f ms; the main loop waited %.1f ms at most outside frames, "
                  "ticked %u times", decoding / 1e3, ticks.longest / 1e3, ticks.count);

  /* The main loop kept turning while the worker decoded: it ticked many
   * times, and never waited more than a fifth of the decoding (on the
   * main thread, one wait would be all of it). Relative, not absolute, so
   * that a machine slowed by other work slows both alike. */
  g_assert_cmpuint (ticks.count, >=, 5);
  g_assert_cmpint (ticks.longest, <, MAX (decoding / 5, 100 * 1000));
  /* 10,000 words take longer than the spinner's delay in the worker */
  g_assert_true (spinner_seen);
  g_assert_false (gtk_widget_get_visible (spinner));
  g_assert_cmpuint (as_session_get_n_source (as_window_get_session (fixture->window)), ==, 10001);
  g_assert_cmpuint (as_session_get_n_steps (as_window_get_session (fixture->window)), ==, 3);
  g_assert_cmpuint (as_decode_get_n_running (), ==, 0);
}

/* The frame after a change waits for the decoding (so that a short
 * sentence's result is drawn with the key) only where the last decoding
 * took at most half that wait: after 10,000 words (decoded in 0.2 s or more,
 * far longer than a frame's wait), decoding them again makes no frame
 * wait, and the result still comes; each finished decoding's time is kept
 * for the next change, so a short sentence after it waits again. */
static void
test_frame_wait (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *long_text = long_sentence (10000);
  AsWindow *window = fixture->window;
  guint waits;

  open_bundled (fixture, "en-zh-gru.json");
  as_window_set_sentence (window, long_text);
  as_window_flush (window);
  test_settle ();
  g_assert_cmpuint (as_session_get_n_source (as_window_get_session (window)), ==, 10001);
  g_assert_cmpint (window->last_decode_time, >, 0);

  waits = window->frame_waits;
  gtk_spin_button_set_value (window->max_length_spin, 3);
  while (as_window_is_decoding (window))
    g_main_context_iteration (NULL, TRUE);
  test_settle ();
  g_assert_cmpuint (as_session_get_n_steps (as_window_get_session (window)), ==, 3);
  g_assert_cmpuint (window->frame_waits, ==, waits);

  /* a short sentence's decoding is kept as the last one's time */
  {
    gint64 long_time = window->last_decode_time;

    as_window_set_sentence (window, "i am hungry .");
    as_window_flush (window);
    test_settle ();
    g_assert_cmpuint (as_session_get_n_source (as_window_get_session (window)), ==, 5);
    g_assert_cmpint (window->last_decode_time, >, 0);
    g_assert_cmpint (window->last_decode_time, <, long_time);
  }
}

/* A sentence of 10,000 words is in the entry that lays out only what it
 * shows (a key then costs what it costs in a short one); a real key there
 * is decoded as in any sentence; back to a short one, GtkEntry again,
 * whose text screen readers can read. */
static void
test_long_sentence_entry (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *long_text = long_sentence (10000);
  AsWindow *window = fixture->window;
  GtkWidget *entry;
  g_autofree char *typed = NULL;

  open_bundled (fixture, "en-zh-gru.json");
  as_window_set_sentence (window, long_text);
  as_window_flush (window);
  test_settle ();
  entry = as_sentence_entry_get_shown (window->source_entry);
  g_assert_true (AS_IS_LONG_ENTRY (entry));
  g_assert_cmpint (as_long_entry_get_laid_out (AS_LONG_ENTRY (entry)), <=, 2 * gtk_widget_get_width (entry) + 16);

  test_window_focus (GTK_WIDGET (window));
  gtk_widget_grab_focus (GTK_WIDGET (window->source_entry));
  gtk_editable_set_position (GTK_EDITABLE (window->source_entry), -1);
  test_settle ();
  g_assert_true (gtk_widget_has_focus (entry));
  test_xdotool ((const char *[]) { "key", "--clearmodifiers", "x", NULL });
  test_settle ();
  typed = g_strconcat (long_text, "x", NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (window->source_entry)), ==, typed);
  while (as_window_is_decoding (window))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (as_session_get_sentence (as_window_get_session (window)), ==, typed);

  as_window_set_sentence (window, "i am hungry .");
  as_window_flush (window);
  test_settle ();
  g_assert_true (GTK_IS_ENTRY (as_sentence_entry_get_shown (window->source_entry)));
  g_assert_cmpuint (as_session_get_n_source (as_window_get_session (window)), ==, 5);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  as_register_resource ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/window/example", test_example);
  ADD ("/window/typing", test_typing);
  ADD ("/window/unknown-words", test_unknown_words);
  ADD ("/window/steps", test_steps);
  ADD ("/window/step-slider", test_step_slider);
  ADD ("/window/heatmap-click", test_heatmap_click);
  ADD ("/window/candidate", test_candidate);
  ADD ("/window/tooltips-when-asked", test_tooltips_when_asked);
  ADD ("/window/frame-wait", test_frame_wait);
  ADD ("/window/long-sentence-entry", test_long_sentence_entry);
  ADD ("/window/forced", test_forced);
  ADD ("/window/bad-model", test_bad_model);
  ADD ("/window/missing-model", test_missing_model);
  ADD ("/window/bundled-models", test_bundled_models);
  ADD ("/window/attention-choice", test_attention_choice);
  ADD ("/window/lines-view", test_lines_view);
  ADD ("/window/drop", test_drop);
  ADD ("/window/reload", test_reload);
  ADD ("/window/export", test_export);
  ADD ("/window/export-fails", test_export_fails);
  ADD ("/window/export-waits-for-model", test_export_waits_for_model);
  ADD ("/window/colormap", test_colormap);
  ADD ("/window/scale", test_scale);
  ADD ("/window/layout-sizes", test_layout_sizes);
  ADD ("/window/typing-keeps-size", test_typing_keeps_size);
  ADD ("/window/accessible-names", test_accessible_names);
  ADD ("/window/tab-order", test_tab_order);
  ADD ("/window/candidate-focus", test_candidate_focus);
  ADD ("/window/candidate-rows-reused", test_candidate_rows_reused);
  ADD ("/window/step-keys", test_step_keys);
  ADD ("/window/unknown-target-words", test_unknown_target_words);
  ADD ("/window/target-language-hint", test_target_language_hint);
  ADD ("/window/max-length", test_max_length);
  ADD ("/window/branch-and-back", test_branch_and_back);
  ADD ("/window/start-caret", test_start_caret);
  ADD ("/window/note-kinds", test_note_kinds);
  ADD ("/window/probabilities", test_probabilities);
  ADD ("/window/title", test_title);
  ADD ("/window/settings-kept", test_settings_kept);
  ADD ("/window/recent-models", test_recent_models);
  ADD ("/window/help-and-close", test_help_and_close);
  ADD ("/window/decode-at-once", test_decode_at_once);
  ADD ("/window/rapid-typing", test_rapid_typing);
  ADD ("/window/stale-result-dropped", test_stale_result_dropped);
  ADD ("/window/long-input-does-not-block", test_long_input_does_not_block);

#undef ADD

  return g_test_run ();
}
