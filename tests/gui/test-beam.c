/* The beam in the window, with the bundled en-zh-gru model: the width
 * control decodes in the worker; the n-best list and the tree hold what the
 * core's beam search and `attnscope-cli translate --beam K --json` give for
 * the same sentence; choosing a hypothesis (a row, a node clicked with the
 * real pointer, the keyboard) shows its steps and attention; a translation
 * of one's own is scored against the model's own; each step shows the
 * entropy of its attention beside its token's probability. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "as-decoder-worker.h"
#include "as-error.h"
#include "as-paths.h"
#include "as-resources.h"
#include "as-settings.h"
#include "as-tooltips.h"
#include "as-window-private.h"
#include "test-input.h"

#define SENTENCE "i am hungry ."
#define WIDTH    4

typedef struct
{
  AsWindow *window;
  AsModel  *model;   /* the same file, loaded here for the core's answers */
  char     *model_path;
} Fixture;

static gboolean
not_busy (gpointer data)
{
  Fixture *fixture = data;

  return !as_window_is_loading (fixture->window) && !as_window_is_decoding (fixture->window) &&
         as_window_get_model (fixture->window) != NULL;
}

static void
settle (void)
{
  for (int i = 0; i < 20; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;

  fixture->model_path = g_build_filename (as_models_dir (), "en-zh-gru.json", NULL);
  fixture->model = as_model_new_from_file (fixture->model_path, &error);
  g_assert_no_error (error);

  fixture->window = as_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 720);
  gtk_window_present (GTK_WINDOW (fixture->window));
  file = g_file_new_for_path (fixture->model_path);
  as_window_open_model (fixture->window, file);
  test_wait_for (not_busy, fixture);
  as_window_set_sentence (fixture->window, SENTENCE);
  as_window_flush (fixture->window);
  settle ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  settle ();
  g_clear_pointer (&fixture->model, as_model_unref);
  g_free (fixture->model_path);
}

/* The beam width set as a person sets it: the spin button's value. */
static void
set_width (Fixture *fixture,
           guint    width)
{
  gtk_spin_button_set_value (as_window_get_beam_spin (fixture->window), width);
  as_window_flush (fixture->window);
  settle ();
}

/* The core's beam search of the same sentence. */
static AsSession *
core_beam (Fixture *fixture,
           guint    width)
{
  g_autoptr (GError) error = NULL;
  AsSession *session = as_session_new (fixture->model, SENTENCE, &error);

  g_assert_no_error (error);
  g_assert_true (as_session_decode_beam (session, width, &error));
  g_assert_no_error (error);
  return session;
}

static char *
node_translation (AsSession *session,
                  guint      node)
{
  const AsBeamNode *n = as_session_get_beam_node (session, node);
  g_autofree int *ids = g_new (int, n->step + 1);

  for (int i = (int) node; i >= 0; i = as_session_get_beam_node (session, (guint) i)->parent)
    ids[as_session_get_beam_node (session, (guint) i)->step] = as_session_get_beam_node (session, (guint) i)->token;
  return as_vocab_join (as_model_get_target (as_session_get_model (session)), ids, n->step + 1);
}

/* The width control: the decoding runs in the worker; the n-best list holds
 * the core's n-best, each with its total, per-token score and perplexity
 * computed here from the tree's log-probabilities; the Tree page comes up. */
static void
test_nbest (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr (AsSession) core = core_beam (fixture, WIDTH);
  AsNbest *nbest = as_window_get_nbest (fixture->window);
  guint started = as_decode_get_n_started ();
  AsSession *shown;

  g_assert_cmpuint (as_nbest_get_n_items (nbest), ==, 0);
  g_assert_cmpuint (as_beam_tree_get_n_nodes (as_window_get_beam_tree (fixture->window)), ==, 0);

  set_width (fixture, WIDTH);
  g_assert_cmpuint (as_decode_get_n_started (), ==, started + 1);
  g_assert_cmpint (gtk_notebook_get_current_page (as_window_get_side_notebook (fixture->window)), ==, 2);

  shown = as_window_get_session (fixture->window);
  g_assert_cmpuint (as_session_get_beam_width (shown), ==, WIDTH);
  g_assert_cmpuint (as_nbest_get_n_items (nbest), ==, as_session_get_n_hypotheses (core));
  g_assert_cmpuint (as_nbest_get_n_items (nbest), >=, 2);
  g_assert_cmpuint (as_nbest_get_n_items (nbest), <=, WIDTH);
  for (guint r = 0; r < as_nbest_get_n_items (nbest); r++)
    {
      guint node = as_session_get_hypothesis (core, r);
      g_autofree char *translation = node_translation (core, node);
      const AsBeamNode *n;
      double total = 0.0;
      guint length = 0;
      g_autofree char *numbers = NULL, *t = NULL, *m = NULL;

      g_assert_cmpuint (as_nbest_get_node (nbest, r), ==, node);
      g_assert_cmpstr (as_nbest_get_translation (nbest, r), ==, translation);
      /* the total, by hand: the sum of the tokens' log-probabilities up the tree */
      for (int i = (int) node; i >= 0; i = n->parent)
        {
          n = as_session_get_beam_node (core, (guint) i);
          total += n->logprob;
          length++;
        }
      t = as_nbest_format_logprob (total);
      m = as_nbest_format_logprob (total / length);
      numbers = g_strdup_printf ("log-probability %s, %s per token (%u tokens), perplexity %.2f",
                                 t, m, length, exp (-total / length));
      g_assert_cmpstr (as_nbest_get_numbers (nbest, r), ==, numbers);
    }
  /* best first, the first selected and shown */
  g_assert_cmpint (as_nbest_get_selected (nbest), ==, 0);
  g_assert_cmpstr (as_window_get_translation (fixture->window), ==, as_nbest_get_translation (nbest, 0));

  /* width 1: greedy again, no list, no tree */
  set_width (fixture, 1);
  g_assert_cmpuint (as_nbest_get_n_items (nbest), ==, 0);
  g_assert_cmpuint (as_beam_tree_get_n_nodes (as_window_get_beam_tree (fixture->window)), ==, 0);
  g_assert_cmpuint (as_session_get_beam_width (as_window_get_session (fixture->window)), ==, 0);
}

/* The tree's nodes are the core's: every kept and ended node of every step,
 * with its token, and the pruned ones best first; the best hypothesis's
 * steps are those of `attnscope-cli translate --beam K --json`. */
static void
test_tree_matches_cli (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr (AsSession) core = core_beam (fixture, WIDTH);
  AsBeamTree *tree = as_window_get_beam_tree (fixture->window);
  g_autofree char *width = g_strdup_printf ("%d", WIDTH);
  const char *argv[] = { g_getenv ("ATTNSCOPE_CLI"), "translate", fixture->model_path, SENTENCE,
                         "--beam", width, "--json", NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *steps;
  AsSession *shown;
  guint drawn = 0, kept_or_ended = 0;
  int status;

  set_width (fixture, WIDTH);
  shown = as_window_get_session (fixture->window);

  /* the tree against the core */
  for (guint i = 0, next = 0; i < as_session_get_n_beam_nodes (core); i++)
    {
      const AsBeamNode *n = as_session_get_beam_node (core, i);

      if (n->fate == AS_BEAM_PRUNED && (next >= as_beam_tree_get_n_nodes (tree) ||
                                        as_beam_tree_get_node (tree, next) != i))
        continue;   /* a step's worst pruned ones are left out */
      g_assert_cmpuint (next, <, as_beam_tree_get_n_nodes (tree));
      g_assert_cmpuint (as_beam_tree_get_node (tree, next), ==, i);
      g_assert_cmpstr (as_beam_tree_get_label (tree, next), ==, as_session_get_target_token (core, n->token));
      kept_or_ended += n->fate != AS_BEAM_PRUNED;
      next++;
      drawn = next;
    }
  g_assert_cmpuint (drawn, ==, as_beam_tree_get_n_nodes (tree));
  g_assert_cmpuint (kept_or_ended, >=, WIDTH);
  g_assert_cmpuint (drawn, >, kept_or_ended);   /* some pruned ones are drawn */

  /* the best hypothesis against the command line */
  g_assert_nonnull (argv[0]);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  steps = json_object_get_array_member (root, "steps");
  g_assert_cmpstr (json_object_get_string_member (root, "translation"), ==,
                   as_window_get_translation (fixture->window));
  g_assert_cmpstr (json_object_get_string_member (root, "translation"), ==,
                   as_nbest_get_translation (as_window_get_nbest (fixture->window), 0));
  g_assert_cmpuint (json_array_get_length (steps), ==, as_session_get_n_steps (shown));
  for (guint t = 0; t < json_array_get_length (steps); t++)
    {
      JsonObject *step = json_array_get_object_element (steps, t);
      const AsStep *s = as_session_get_step (shown, t);

      g_assert_cmpstr (json_object_get_string_member (step, "output"), ==,
                       as_session_get_target_token (shown, s->output));
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (step, "logprob"), s->logprob, 1e-6);
    }
  /* the winner's last node is the one selected in the tree */
  g_assert_cmpint (as_beam_tree_get_selected (tree), >=, 0);
  g_assert_cmpuint (as_beam_tree_get_node (tree, (guint) as_beam_tree_get_selected (tree)), ==,
                    as_session_get_hypothesis (core, 0));
}

/* The window's steps are those of the hypothesis (or prefix) at @node. */
static void
assert_shows_node (Fixture   *fixture,
                   AsSession *core,
                   guint      node)
{
  AsSession *shown = as_window_get_session (fixture->window);
  g_autoptr (AsSession) replay = as_session_new (fixture->model, SENTENCE, NULL);
  const AsBeamNode *n = as_session_get_beam_node (core, node);
  g_autofree char *step_text = g_strdup_printf ("Step %u of %u", n->step + 1, n->step + 1);

  g_assert_true (as_session_decode_beam (replay, WIDTH, NULL));
  g_assert_true (as_session_show_beam_node (replay, node, NULL));
  g_assert_cmpuint (as_session_get_n_steps (shown), ==, n->step + 1);
  for (guint t = 0; t <= n->step; t++)
    {
      const float *a = as_session_get_cross_attention (shown, t), *b = as_session_get_cross_attention (replay, t);

      g_assert_cmpint (as_session_get_step (shown, t)->output, ==, as_session_get_step (replay, t)->output);
      for (guint j = 0; j < as_session_get_n_source (shown); j++)
        g_assert_cmpfloat (a[j], ==, b[j]);
    }
  /* the heatmap and the step controls follow */
  g_assert_cmpuint (as_figure_get_n_rows (as_attention_view_get_figure (as_window_get_attention_view (fixture->window))),
                    ==, n->step + 1);
  g_assert_cmpstr (as_window_get_step_text (fixture->window), ==, step_text);
  {
    g_autofree char *translation = node_translation (core, node);
    g_assert_cmpstr (as_window_get_translation (fixture->window), ==, translation);
  }
  /* the list and the tree stay */
  g_assert_cmpuint (as_session_get_n_beam_nodes (shown), ==, as_session_get_n_beam_nodes (core));
}

/* Choosing the second hypothesis in the list shows it. */
static void
test_choose_hypothesis (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr (AsSession) core = core_beam (fixture, WIDTH);
  AsNbest *nbest = as_window_get_nbest (fixture->window);
  AsBeamTree *tree = as_window_get_beam_tree (fixture->window);
  guint n_nodes;

  set_width (fixture, WIDTH);
  n_nodes = as_beam_tree_get_n_nodes (tree);
  as_nbest_activate (nbest, 1);
  settle ();
  assert_shows_node (fixture, core, as_session_get_hypothesis (core, 1));
  g_assert_cmpint (as_nbest_get_selected (nbest), ==, 1);
  g_assert_cmpuint (as_beam_tree_get_n_nodes (tree), ==, n_nodes);
  g_assert_cmpuint (as_beam_tree_get_node (tree, (guint) as_beam_tree_get_selected (tree)), ==,
                    as_session_get_hypothesis (core, 1));
}

static gboolean
scrolled (gpointer data)
{
  Fixture *fixture = data;

  return fixture->window->beam_scroll_tick == 0;
}

/* A pruned node clicked with the real pointer shows its prefix; the
 * keyboard moves the cursor (Right to a child, Left to the parent, Down in
 * the step) and Enter shows the node; the accessible description follows. */
static void
test_tree_click_and_keys (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr (AsSession) core = core_beam (fixture, WIDTH);
  AsBeamTree *tree = as_window_get_beam_tree (fixture->window);
  GtkWidget *widget = GTK_WIDGET (tree);
  graphene_rect_t bounds;
  int pruned = -1, cursor;
  guint node;

  set_width (fixture, WIDTH);
  for (guint i = 0; i < as_beam_tree_get_n_nodes (tree) && pruned < 0; i++)
    if (as_session_get_beam_node (core, as_beam_tree_get_node (tree, i))->fate == AS_BEAM_PRUNED &&
        as_session_get_beam_node (core, as_beam_tree_get_node (tree, i))->step == 1)
      pruned = (int) i;
  g_assert_cmpint (pruned, >=, 0);
  node = as_beam_tree_get_node (tree, (guint) pruned);

  /* the hit test: the node's middle, and nothing between the columns */
  as_beam_tree_get_node_bounds (tree, (guint) pruned, &bounds);
  g_assert_cmpint (as_beam_tree_node_at (tree, bounds.origin.x + bounds.size.width / 2,
                                         bounds.origin.y + bounds.size.height / 2), ==, pruned);
  g_assert_cmpint (as_beam_tree_node_at (tree, bounds.origin.x - 2, bounds.origin.y + 2), ==, -1);

  /* a real click (the Tree page is shown: the width was raised), once the
   * scroller has brought the best hypothesis's end into view, then back to
   * the first steps, as a person scrolls to what they click */
  test_wait_for ((gboolean (*) (gpointer)) gtk_widget_get_mapped, widget);
  test_wait_for (scrolled, fixture);
  gtk_adjustment_set_value (gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (fixture->window->beam_tree_scroller)), 0);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (fixture->window->beam_tree_scroller)), 0);
  settle ();
  test_pointer_move (widget, bounds.origin.x + bounds.size.width / 2, bounds.origin.y + bounds.size.height / 2);
  test_pointer_click ();
  test_pointer_leave (widget);
  {
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (as_beam_tree_get_selected (tree) != pruned)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, end);
        g_main_context_iteration (NULL, FALSE);
      }
  }
  assert_shows_node (fixture, core, node);
  g_assert_true (gtk_widget_has_focus (widget));
  g_assert_cmpint (as_session_get_beam_node (core, node)->fate, ==, AS_BEAM_PRUNED);

  /* the keyboard, as the key reaches the tree (the window's step keys leave it alone) */
  cursor = as_beam_tree_get_cursor (tree);
  g_assert_cmpint (cursor, ==, pruned);
  {
    g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);
    GtkEventController *keys = NULL;
    gboolean handled = FALSE;
    int parent;

    for (guint i = 0; i < g_list_model_get_n_items (controllers) && keys == NULL; i++)
      {
        g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);
        if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
          keys = GTK_EVENT_CONTROLLER (controller);
      }
    g_assert_nonnull (keys);

    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Left, 0, 0, &handled);
    g_assert_true (handled);
    parent = as_beam_tree_get_cursor (tree);
    g_assert_cmpuint (as_beam_tree_get_node (tree, (guint) parent), ==,
                      (guint) as_session_get_beam_node (core, node)->parent);
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Down, 0, 0, &handled);
    g_assert_cmpuint (as_session_get_beam_node (core, as_beam_tree_get_node (tree, (guint) as_beam_tree_get_cursor (tree)))->step, ==, 0);
    g_assert_cmpint (as_beam_tree_get_cursor (tree), ==, parent + 1);
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Up, 0, 0, &handled);
    g_assert_cmpint (as_beam_tree_get_cursor (tree), ==, parent);
    /* Right: to its first child drawn */
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Right, 0, 0, &handled);
    g_assert_cmpint (as_session_get_beam_node (core, as_beam_tree_get_node (tree, (guint) as_beam_tree_get_cursor (tree)))->parent,
                     ==, (int) as_beam_tree_get_node (tree, (guint) parent));
    g_assert_cmpint (as_beam_tree_get_cursor (tree), <=, pruned);
    cursor = as_beam_tree_get_cursor (tree);
    {
      const AsBeamNode *n = as_session_get_beam_node (core, as_beam_tree_get_node (tree, (guint) cursor));
      g_autofree char *lp = g_strdup_printf ("%.2f", n->logprob);
      g_autofree char *description = g_strdup_printf ("Step 2, “%s”, ", as_session_get_target_token (core, n->token));

      /* what a screen reader reads of the cursor's node */
      g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (tree), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
      {
        char *text = gtk_test_accessible_check_property (GTK_ACCESSIBLE (tree), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                         "");
        g_assert_nonnull (text);   /* not the empty string: a description */
        g_assert_nonnull (strstr (text, description));
        g_assert_nonnull (strstr (text, lp));
        g_free (text);
      }
    }
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Return, 0, 0, &handled);
    g_assert_true (handled);
    settle ();
    assert_shows_node (fixture, core, as_beam_tree_get_node (tree, (guint) cursor));
    g_assert_cmpint (as_beam_tree_get_selected (tree), ==, cursor);
  }
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (tree), GTK_ACCESSIBLE_PROPERTY_LABEL, "Beam search tree");
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (tree), GTK_ACCESSIBLE_ROLE_TREE);
}

/* A translation of one's own is scored as a whole against the model's own
 * (greedy with width 1, the beam's best with more): the numbers are those
 * of the core's sessions, the verdict says which the model prefers. */
static void
test_your_translation_scored (Fixture       *fixture,
                              gconstpointer  data)
{
  const char *target = "我很饿。";
  g_autoptr (AsSession) mine = as_session_new (fixture->model, SENTENCE, NULL);
  g_autoptr (AsSession) own = as_session_new (fixture->model, SENTENCE, NULL);
  AsScore m, o;
  g_autofree char *m_norm = NULL, *o_norm = NULL, *m_total = NULL, *o_total = NULL, *own_text = NULL;
  g_autofree char *gap = NULL, *expected_line = NULL;
  const char *comparison;

  g_assert_true (as_session_decode_forced (mine, target, NULL));
  g_assert_true (as_session_decode_greedy (own, NULL));
  as_session_get_score (mine, &m);
  as_session_get_score (own, &o);
  m_norm = as_nbest_format_logprob (m.normalised);
  o_norm = as_nbest_format_logprob (o.normalised);
  m_total = as_nbest_format_logprob (m.total);
  o_total = as_nbest_format_logprob (o.total);
  own_text = as_session_get_translation (own);
  g_assert_cmpfloat (o.normalised, >, m.normalised + 0.01);   /* the model prefers its own here */
  gap = g_strdup_printf ("by %.2f nats per token", o.normalised - m.normalised);

  as_window_set_target (fixture->window, target);
  as_window_flush (fixture->window);
  settle ();

  comparison = as_nbest_get_comparison (as_window_get_nbest (fixture->window));
  g_assert_nonnull (comparison);
  expected_line = g_strdup_printf ("Your translation: log-probability %s, %s per token (%u tokens), perplexity %.2f.",
                                   m_total, m_norm, m.length, m.perplexity);
  g_assert_nonnull (strstr (comparison, expected_line));
  g_clear_pointer (&expected_line, g_free);
  expected_line = g_strdup_printf ("The model's own, “%s”: log-probability %s, %s per token (%u tokens), perplexity %.2f.",
                                   own_text, o_total, o_norm, o.length, o.perplexity);
  g_assert_nonnull (strstr (comparison, expected_line));
  g_assert_nonnull (strstr (comparison, "The model prefers its own"));
  g_assert_nonnull (strstr (comparison, gap));
  {
    g_autofree char *factor = g_strdup_printf ("%.2f times as probable", exp (o.normalised - m.normalised));
    g_assert_nonnull (strstr (comparison, factor));
  }
  /* the note says it in a line */
  {
    g_autofree char *line = g_strdup_printf ("Your translation scores %s per token, the model's own %s: the model "
                                             "prefers its own by %.2f nats per token.", m_norm, o_norm,
                                             o.normalised - m.normalised);
    g_assert_true (g_str_has_prefix (as_window_get_input_note (fixture->window), line));
  }

  /* with a beam, the model's own is the beam's best */
  {
    g_autoptr (AsSession) beam = core_beam (fixture, WIDTH);
    AsScore b;
    g_autofree char *b_norm = NULL, *line = NULL;

    as_session_get_score (beam, &b);
    b_norm = as_nbest_format_logprob (b.normalised);
    set_width (fixture, WIDTH);
    /* with one's own translation shown, the N-best page comes up (it has the comparison) */
    g_assert_cmpint (gtk_notebook_get_current_page (as_window_get_side_notebook (fixture->window)), ==, 1);
    line = g_strdup_printf ("the model's own %s: ", b_norm);
    g_assert_nonnull (strstr (as_window_get_input_note (fixture->window), line));
    /* the steps shown stay the forced ones, and the beam's pages say why they are empty */
    g_assert_cmpuint (as_session_get_n_steps (as_window_get_session (fixture->window)), ==, m.length);
    g_assert_cmpuint (as_nbest_get_n_items (as_window_get_nbest (fixture->window)), ==, 0);
    g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (fixture->window->beam_tree_heading)),
                                     "Your translation is shown"));
  }

  as_window_set_target (fixture->window, "");
  as_window_flush (fixture->window);
  g_assert_null (as_nbest_get_comparison (as_window_get_nbest (fixture->window)));
}

/* Beside the token's probability, the entropy of the step's attention in
 * nats, as -sum p ln p of the row the heatmap shows, computed here. */
static void
test_entropy_shown (Fixture       *fixture,
                    gconstpointer  data)
{
  AsSession *session = as_window_get_session (fixture->window);
  GtkWidget *candidates = GTK_WIDGET (as_window_get_candidates (fixture->window));

  for (guint t = 0; t < as_session_get_n_steps (session); t++)
    {
      const float *row = as_session_get_cross_attention (session, t);
      double h = 0.0;
      g_autofree char *expected = NULL;
      gboolean found = FALSE;

      for (guint j = 0; j < as_session_get_n_source (session); j++)
        if (row[j] > 0)
          h -= row[j] * log (row[j]);
      g_assert_cmpfloat (h, >, 0.01);
      _as_window_set_step (fixture->window, (int) t);
      expected = g_strdup_printf ("attention entropy %.2f nats", h);
      for (GtkWidget *child = gtk_widget_get_first_child (candidates); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (GTK_IS_LABEL (child) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (child)), "Came out: "))
          {
            const char *text = gtk_label_get_text (GTK_LABEL (child));
            g_autofree char *percent = as_candidates_format_probability (as_session_get_step (session, t)->prob);
            g_autofree char *beside = g_strdup_printf ("probability %s, %s", percent, expected);

            g_assert_nonnull (strstr (text, beside));
            g_assert_nonnull (strstr (as_tooltip_get_text (child), "nats"));
            found = TRUE;
          }
      g_assert_true (found);
    }
}

/* The beam in the worker stops when cancelled: nothing comes back. */
static void
test_beam_cancelled (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GTask) task = NULL;
  g_autoptr (AsDecodeResult) result = NULL;
  g_autoptr (AsDecodeResult) done = NULL;

  g_cancellable_cancel (cancellable);
  task = as_decode_async_full (fixture->model, SENTENCE, NULL, 0, WIDTH, cancellable, NULL, NULL);
  result = as_decode_wait (task, g_get_monotonic_time () + 10 * G_USEC_PER_SEC);
  g_assert_null (result);

  /* and without cancelling, the beam's best comes back with its tree */
  g_clear_object (&task);
  task = as_decode_async_full (fixture->model, SENTENCE, NULL, 0, WIDTH, NULL, NULL, NULL);
  done = as_decode_wait (task, g_get_monotonic_time () + 10 * G_USEC_PER_SEC);
  g_assert_nonnull (done);
  g_assert_cmpuint (as_session_get_beam_width (done->session), ==, WIDTH);
  g_assert_cmpuint (as_session_get_n_hypotheses (done->session), >=, 1);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  as_register_resource ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/beam/nbest", test_nbest);
  ADD ("/beam/tree-matches-cli", test_tree_matches_cli);
  ADD ("/beam/choose-hypothesis", test_choose_hypothesis);
  ADD ("/beam/tree-click-and-keys", test_tree_click_and_keys);
  ADD ("/beam/your-translation-scored", test_your_translation_scored);
  ADD ("/beam/entropy-shown", test_entropy_shown);
  ADD ("/beam/cancelled", test_beam_cancelled);

#undef ADD

  return g_test_run ();
}
