/* Decoding sessions on tiny-hello: greedy, forced, picked, beam, rewinding,
 * unknown words, empty input, attention rows, the length limit; the
 * candidates of a step (top k) also on the bundled en-zh-gru (2027 target
 * tokens) and on a model whose output ties. */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "as-error.h"
#include "as-kernels.h"
#include "as-session.h"

/* tiny-hello's target ids */
enum { SOS = 0, EOS = 1, UNK = 2, BONJOUR = 3, MONDE = 4, BANG = 5 };

static char *
tiny_text (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), "tiny-hello.json", NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* tiny-hello with @old replaced by @new at its first place in the text */
static AsModel *
load_tiny_with (const char *old,
                const char *new)
{
  g_autofree char *text = tiny_text ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) s = g_string_new (text);
  AsModel *model;

  if (old != NULL)
    g_assert_cmpuint (g_string_replace (s, old, new, 1), ==, 1);
  model = as_model_new_from_data (s->str, s->len, "tiny-hello.json", &error);
  g_assert_no_error (error);
  return model;
}

static AsModel *
load_tiny (void)
{
  return load_tiny_with (NULL, NULL);
}

/* tiny-hello whose source side has no unknown token */
static AsModel *
load_tiny_without_unknown (void)
{
  return load_tiny_with ("\"unknown\": 2", "\"unknown\": null");
}

static AsSession *
new_session (AsModel    *model,
             const char *sentence)
{
  g_autoptr (GError) error = NULL;
  AsSession *session = as_session_new (model, sentence, &error);

  g_assert_no_error (error);
  g_assert_nonnull (session);
  return session;
}

/* What every state of a session must satisfy. */
static void
check_steps (AsSession *session)
{
  const guint n_source = as_session_get_n_source (session);
  const AsVocab *tgt = as_model_get_target (as_session_get_model (session));

  for (guint t = 0; t < as_session_get_n_steps (session); t++)
    {
      const AsStep *step = as_session_get_step (session, t);
      double sum = 0.0, top_sum = 0.0;

      g_assert_cmpint (step->input, ==, t == 0 ? tgt->start : as_session_get_step (session, t - 1)->output);
      g_assert_cmpint (step->output, >=, 0);
      g_assert_cmpint (step->output, <, (int) tgt->size);
      g_assert_cmpfloat (step->prob, >, 0.0f);
      g_assert_cmpfloat (step->prob, <=, 1.0f);
      /* prob is expf (logprob): back within float rounding of both (measured at most 6e-8) */
      g_assert_cmpfloat (fabsf (logf (step->prob) - step->logprob), <=, 5e-7f * MAX (1.0f, fabsf (step->logprob)));
      g_assert_cmpuint (step->n_top, ==, MIN (AS_MAX_TOP, tgt->size));
      g_assert_true (step->chosen == (step->output != step->top_ids[0]));
      for (guint k = 0; k < step->n_top; k++)
        {
          g_assert_cmpint (step->top_ids[k], >=, 0);
          g_assert_cmpint (step->top_ids[k], <, (int) tgt->size);
          for (guint j = 0; j < k; j++)
            g_assert_cmpint (step->top_ids[j], !=, step->top_ids[k]);
          if (k > 0)
            g_assert_cmpfloat (step->top_probs[k], <=, step->top_probs[k - 1]);
          if (step->top_ids[k] == step->output)
            g_assert_cmpfloat (step->top_probs[k], ==, step->prob);  /* the same float, expf'ed the same way */
          top_sum += step->top_probs[k];
        }
      /* float rounding of each probability: measured at most 6.7e-8 off */
      if (tgt->size <= AS_MAX_TOP)
        g_assert_cmpfloat_with_epsilon (top_sum, 1.0, 5e-7);  /* every token is listed */
      else
        g_assert_cmpfloat (top_sum, <=, 1.0 + 5e-7);

      for (guint i = 0; i < n_source; i++)
        {
          const float *attention = as_session_get_cross_attention (session, t);

          g_assert_cmpfloat (attention[i], >=, 0.0f);
          g_assert_cmpfloat (attention[i], <=, 1.0f);
          sum += attention[i];
        }
      /* also over 50,000 tokens (as_softmax() once added up in a float: 0.99949);
       * each weight is a float rounded once: measured at most 4.5e-8 off */
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 3e-7);
    }
}

static void
assert_outputs (AsSession *session,
                const int *expected,
                guint      n)
{
  g_assert_cmpuint (as_session_get_n_steps (session), ==, n);
  for (guint t = 0; t < n; t++)
    g_assert_cmpint (as_session_get_step (session, t)->output, ==, expected[t]);
}

static double
total_logprob (AsSession *session)
{
  double sum = 0.0;

  for (guint t = 0; t < as_session_get_n_steps (session); t++)
    sum += as_session_get_step (session, t)->logprob;
  return sum;
}

/* ---- greedy ----------------------------------------------------------------- */

static void
test_greedy (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autoptr (AsSession) session = new_session (model, "Hello World!");
  g_autoptr (GError) error = NULL;
  g_autofree char *translation = NULL;
  const int expected[] = { BONJOUR, MONDE, BANG, EOS };

  g_assert_true (as_session_get_model (session) == model);
  g_assert_cmpstr (as_session_get_sentence (session), ==, "Hello World!");
  g_assert_cmpuint (as_session_get_n_source (session), ==, 4);
  g_assert_cmpstr (as_session_get_source_token (session, 0), ==, "hello");
  g_assert_cmpstr (as_session_get_source_token (session, 1), ==, "world");
  g_assert_cmpstr (as_session_get_source_token (session, 2), ==, "!");
  g_assert_cmpstr (as_session_get_source_token (session, 3), ==, "EOS");
  g_assert_cmpint (as_session_get_source_id (session, 0), ==, 3);
  g_assert_cmpint (as_session_get_source_id (session, 3), ==, 1);
  g_assert_null (as_session_get_unknown_words (session)[0]);
  g_assert_true (as_session_can_decode (session, NULL));
  g_assert_cmpuint (as_session_get_max_length (session), ==, 6);
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 0);
  g_assert_false (as_session_is_finished (session));

  g_assert_true (as_session_decode_greedy (session, &error));
  g_assert_no_error (error);
  assert_outputs (session, expected, 4);
  check_steps (session);
  for (guint t = 0; t < 4; t++)
    {
      const AsStep *step = as_session_get_step (session, t);
      g_assert_cmpfloat (step->prob, >, 0.99f);
      g_assert_false (step->chosen);
      g_assert_cmpint (step->top_ids[0], ==, step->output);
    }
  g_assert_cmpint (as_session_get_step (session, 0)->input, ==, SOS);
  g_assert_true (as_session_is_finished (session));
  translation = as_session_get_translation (session);
  g_assert_cmpstr (translation, ==, "bonjour monde !");
  g_assert_cmpstr (as_session_get_target_token (session, BONJOUR), ==, "bonjour");

  /* the attention of tiny-hello: "bonjour" looks at "hello" */
  g_assert_cmpfloat (as_session_get_cross_attention (session, 0)[0], >, 0.9f);

  /* greedy again gives the same */
  g_assert_true (as_session_decode_greedy (session, NULL));
  assert_outputs (session, expected, 4);
}

static void
test_greedy_other_sentences (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  const struct { const char *source, *target; } cases[] = {
    /* the four pairs tiny-hello was made from */
    { "hello world !", "bonjour monde !" },
    { "hello !", "bonjour !" },
    { "world !", "monde !" },
    { "world hello", "monde bonjour" },
    /* and something else: the end token right away is an empty translation */
    { "hello", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (AsSession) session = new_session (model, cases[i].source);
      g_autofree char *translation = NULL;

      g_assert_true (as_session_decode_greedy (session, NULL));
      check_steps (session);
      translation = as_session_get_translation (session);
      g_assert_cmpstr (translation, ==, cases[i].target);
    }
}

/* ---- forced --------------------------------------------------------------------- */

static void
test_forced_equals_greedy (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autoptr (AsSession) greedy = new_session (model, "hello world !");
  g_autoptr (AsSession) forced = new_session (model, "hello world !");
  g_autoptr (GError) error = NULL;

  g_assert_true (as_session_decode_greedy (greedy, NULL));
  g_assert_true (as_session_decode_forced (forced, "Bonjour monde !", &error));
  g_assert_no_error (error);
  check_steps (forced);
  g_assert_cmpuint (as_session_get_n_steps (forced), ==, as_session_get_n_steps (greedy));
  for (guint t = 0; t < as_session_get_n_steps (greedy); t++)
    {
      const AsStep *a = as_session_get_step (greedy, t), *b = as_session_get_step (forced, t);
      g_assert_cmpint (a->output, ==, b->output);
      g_assert_cmpfloat (a->prob, ==, b->prob);
      g_assert_false (b->chosen);
      g_assert_cmpmem (as_session_get_cross_attention (greedy, t), 4 * sizeof (float),
                       as_session_get_cross_attention (forced, t), 4 * sizeof (float));
    }
}

static void
test_forced_reports_the_model_probability (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autoptr (AsSession) greedy = new_session (model, "hello world !");
  g_autoptr (AsSession) forced = new_session (model, "hello world !");
  const int expected[] = { MONDE, BONJOUR, EOS };
  const AsStep *g0, *f0;
  float p_monde = -1.0f;
  g_autofree char *translation = NULL;

  g_assert_true (as_session_decode_greedy (greedy, NULL));
  g_assert_true (as_session_decode_forced (forced, "monde bonjour", NULL));
  assert_outputs (forced, expected, 3);
  check_steps (forced);

  /* step 0 has the same input and state in both: the forced token's
   * probability is the one greedy's step 0 gives it */
  g0 = as_session_get_step (greedy, 0);
  f0 = as_session_get_step (forced, 0);
  for (guint k = 0; k < g0->n_top; k++)
    if (g0->top_ids[k] == MONDE)
      p_monde = g0->top_probs[k];
  g_assert_cmpfloat (p_monde, >, 0.0f);
  g_assert_cmpfloat (f0->prob, ==, p_monde);
  g_assert_cmpfloat (f0->prob, <, 0.01f);
  g_assert_true (f0->chosen);
  g_assert_cmpint (f0->top_ids[0], ==, BONJOUR);
  g_assert_cmpint (as_session_get_step (forced, 1)->input, ==, MONDE);

  translation = as_session_get_translation (forced);
  g_assert_cmpstr (translation, ==, "monde bonjour");
  g_assert_true (as_session_is_finished (forced));
}

static void
test_forced_unknown_and_empty_targets (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autoptr (AsModel) strict = load_tiny_with ("\"unknown\": 2,\n      \"padding\": null\n    }\n  },\n  \"decoding\"",
                                                "\"unknown\": null,\n      \"padding\": null\n    }\n  },\n  \"decoding\"");
  g_autoptr (AsSession) session = new_session (model, "hello");
  g_autoptr (AsSession) strict_session = new_session (strict, "hello");
  g_autoptr (GError) error = NULL;
  const int expected[] = { BONJOUR, UNK, EOS };

  /* a target word the model does not know is its unknown token */
  g_assert_true (as_session_decode_forced (session, "bonjour zèbre", &error));
  g_assert_no_error (error);
  assert_outputs (session, expected, 3);

  /* without an unknown token on the target side, the words are named */
  g_assert_cmpint (as_model_get_target (strict)->unknown, ==, -1);
  g_assert_false (as_session_decode_forced (strict_session, "bonjour zèbre yak", &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_UNKNOWN_WORDS);
  g_assert_cmpstr (error->message, ==, "The target vocabulary has no \"zèbre\", \"yak\" and no unknown token");
  g_clear_error (&error);

  g_assert_false (as_session_decode_forced (session, "", &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_EMPTY_INPUT);
  g_clear_error (&error);
  g_assert_false (as_session_decode_forced (session, " \t", &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_EMPTY_INPUT);
  g_clear_error (&error);

  /* a failed call leaves the steps as they were */
  assert_outputs (session, expected, 3);
}

static void
test_forced_long_target (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autoptr (AsSession) session = new_session (model, "hello");
  g_autoptr (GString) target = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  /* more steps than the first allocation holds: the rows move and stay right */
  for (int i = 0; i < 300; i++)
    g_string_append (target, i % 2 ? "monde " : "bonjour ");
  g_assert_true (as_session_decode_forced (session, target->str, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 301);
  check_steps (session);

  /* 999 tokens and the end token is the most a decoder takes */
  g_string_truncate (target, 0);
  for (int i = 0; i < 1000; i++)
    g_string_append (target, "! ");
  g_assert_false (as_session_decode_forced (session, target->str, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_TOO_LONG);
}

/* ---- picking a token and decoding on ------------------------------------------ */

static void
test_decode_from (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autoptr (AsSession) session = new_session (model, "hello world !");
  g_autoptr (AsSession) reference = new_session (model, "hello world !");
  g_autoptr (GError) error = NULL;
  AsStep before0, before1;
  const AsStep *step;

  g_assert_true (as_session_decode_greedy (session, NULL));
  g_assert_true (as_session_decode_greedy (reference, NULL));
  before0 = *as_session_get_step (session, 0);
  before1 = *as_session_get_step (session, 1);

  /* step 1 gives "!" instead of "monde" */
  g_assert_true (as_session_decode_from (session, 1, BANG, &error));
  g_assert_no_error (error);
  check_steps (session);

  step = as_session_get_step (session, 0);
  g_assert_cmpint (step->output, ==, before0.output);
  g_assert_cmpfloat (step->prob, ==, before0.prob);

  step = as_session_get_step (session, 1);
  g_assert_cmpint (step->output, ==, BANG);
  g_assert_true (step->chosen);
  g_assert_cmpint (step->top_ids[0], ==, MONDE);
  g_assert_cmpint (step->input, ==, before1.input);
  /* the same state as before: the candidates are the same, the output is not */
  g_assert_cmpmem (step->top_ids, sizeof step->top_ids, before1.top_ids, sizeof before1.top_ids);
  for (guint k = 0; k < step->n_top; k++)
    if (step->top_ids[k] == BANG)
      g_assert_cmpfloat (step->top_probs[k], ==, step->prob);

  /* the rest is greedy from there on, and step 2 reads "!" */
  g_assert_cmpint (as_session_get_step (session, 2)->input, ==, BANG);
  for (guint t = 2; t < as_session_get_n_steps (session); t++)
    g_assert_false (as_session_get_step (session, t)->chosen);
  g_assert_true (as_session_is_finished (session));
  {
    g_autofree char *a = as_session_get_translation (session);
    g_autofree char *b = as_session_get_translation (reference);
    g_assert_cmpstr (a, !=, b);
    g_assert_true (g_str_has_prefix (a, "bonjour !"));
  }

  /* picking the argmax gives greedy back */
  g_assert_true (as_session_decode_from (session, 1, MONDE, NULL));
  g_assert_cmpuint (as_session_get_n_steps (session), ==, as_session_get_n_steps (reference));
  for (guint t = 0; t < as_session_get_n_steps (reference); t++)
    {
      g_assert_cmpint (as_session_get_step (session, t)->output, ==, as_session_get_step (reference, t)->output);
      g_assert_cmpfloat (as_session_get_step (session, t)->prob, ==, as_session_get_step (reference, t)->prob);
      g_assert_false (as_session_get_step (session, t)->chosen);
    }

  /* -1 takes the argmax; the step right after the last is allowed */
  g_assert_true (as_session_decode_from (session, 0, -1, NULL));
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 4);
  g_assert_true (as_session_decode_from (session, 4, BONJOUR, NULL));
  g_assert_cmpint (as_session_get_step (session, 4)->output, ==, BONJOUR);
  check_steps (session);
}

static void
test_decode_from_invalid (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autoptr (AsSession) session = new_session (model, "hello");
  g_autoptr (GError) error = NULL;

  g_assert_true (as_session_decode_greedy (session, NULL));
  g_assert_false (as_session_decode_from (session, 9, BONJOUR, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Step 9 is past the 1 step decoded so far");
  g_clear_error (&error);

  g_assert_false (as_session_step (session, 6, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Token id 6 is not in the target vocabulary (0..5)");
  g_clear_error (&error);
  g_assert_false (as_session_step (session, -2, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 1);
}

/* ---- beam search -------------------------------------------------------------------- */

static void
test_beam_width_1_is_greedy (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  const char *sentences[] = { "hello world !", "world", "! ! hello", "zebra hello", NULL };

  for (guint i = 0; sentences[i] != NULL; i++)
    {
      g_autoptr (AsSession) greedy = new_session (model, sentences[i]);
      g_autoptr (AsSession) beam = new_session (model, sentences[i]);
      g_autoptr (GError) error = NULL;

      g_assert_true (as_session_decode_greedy (greedy, NULL));
      g_assert_true (as_session_decode_beam (beam, 1, &error));
      g_assert_no_error (error);
      check_steps (beam);
      g_assert_cmpuint (as_session_get_n_steps (beam), ==, as_session_get_n_steps (greedy));
      for (guint t = 0; t < as_session_get_n_steps (greedy); t++)
        {
          g_assert_cmpint (as_session_get_step (beam, t)->output, ==, as_session_get_step (greedy, t)->output);
          g_assert_cmpfloat (as_session_get_step (beam, t)->prob, ==, as_session_get_step (greedy, t)->prob);
        }
    }
}

static void
test_beam_is_at_least_greedy (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  const char *sentences[] = { "hello world !", "world hello", "! world ! hello", "zebra", "hello hello hello", NULL };

  for (guint i = 0; sentences[i] != NULL; i++)
    for (guint width = 2; width <= 8; width++)
      {
        g_autoptr (AsSession) greedy = new_session (model, sentences[i]);
        g_autoptr (AsSession) beam = new_session (model, sentences[i]);
        g_autoptr (GError) error = NULL;
        const AsStep *last;

        g_assert_true (as_session_decode_greedy (greedy, NULL));
        g_assert_true (as_session_decode_beam (beam, width, &error));
        g_assert_no_error (error);
        check_steps (beam);
        g_assert_cmpuint (as_session_get_n_steps (beam), >=, 1);
        last = as_session_get_step (beam, as_session_get_n_steps (beam) - 1);
        g_assert_true (last->output == EOS || as_session_get_n_steps (beam) == as_session_get_max_length (beam));
        /* the comparison holds between hypotheses that ended */
        if (as_session_get_step (greedy, as_session_get_n_steps (greedy) - 1)->output == EOS)
          g_assert_cmpfloat (total_logprob (beam), >=, total_logprob (greedy) - 1e-6);
      }
}

static void
test_beam_invalid (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autoptr (AsSession) session = new_session (model, "hello");
  g_autoptr (GError) error = NULL;

  g_assert_false (as_session_decode_beam (session, 0, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (as_session_decode_beam (session, 65, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_INVALID);
  g_clear_error (&error);
  /* wider than the vocabulary: as wide as it */
  g_assert_true (as_session_decode_beam (session, 64, &error));
  g_assert_no_error (error);
  check_steps (session);
}

/* ---- the candidates of a step (top k) ------------------------------------------ */

/* The engine's documented order (as-kernels.h, docs/model-format.md "ties"):
 * most probable first, equal values lower id first. */
typedef struct { float value; int id; } Scored;

static int
best_first (const void *a,
            const void *b)
{
  const Scored *x = a, *y = b;

  if (x->value != y->value)
    return x->value > y->value ? -1 : 1;
  return x->id - y->id;
}

/* as_top_k against a full sort, on arrays up to the size of en-zh-gru's
 * target vocabulary with ties everywhere (37 distinct values), for k of 0,
 * 1, 20 (AS_MAX_TOP), more than n: min (k, n) values, in that order */
static void
test_top_k_against_a_sort (void)
{
  const int n = 2027;
  const int lengths[] = { 1, 2, 5, 19, 20, 21, 37, 38, 64, 100, 2027 };
  const guint ks[] = { 0, 1, 2, 19, 20, 21, 64 };
  g_autofree float *x = g_new (float, n);
  int ids[65];
  float values[65];

  for (int i = 0; i < n; i++)
    x[i] = -(float) ((i * 7919) % 37) / 8.0f;

  for (guint l = 0; l < G_N_ELEMENTS (lengths); l++)
    {
      const int len = lengths[l];
      g_autofree Scored *sorted = g_new (Scored, len);

      for (int i = 0; i < len; i++)
        sorted[i] = (Scored) { x[i], i };
      qsort (sorted, len, sizeof *sorted, best_first);

      for (guint c = 0; c < G_N_ELEMENTS (ks); c++)
        {
          const guint want = MIN (ks[c], (guint) len);

          memset (ids, 0xff, sizeof ids);
          g_assert_cmpuint (as_top_k (x, len, ks[c], ids, values), ==, want);
          for (guint j = 0; j < want; j++)
            {
              g_assert_cmpint (ids[j], ==, sorted[j].id);
              g_assert_cmpfloat (values[j], ==, sorted[j].value);
            }
          g_assert_cmpint (ids[want], ==, -1);  /* nothing written past the count */
        }
    }
}

/* tiny-hello with @n_target target tokens (SOS, EOS, <unk>, t3, t4...) whose
 * output layer ignores the state: the logit of token i is -(i % 3), so a
 * third of the vocabulary ties for first place, a third for second... */
static AsModel *
load_tied (guint n_target)
{
  g_autofree char *text = tiny_text ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  JsonObject *root, *tensors;
  JsonArray *vocabulary = json_array_new ();
  const char *names[] = { "decoder.embedding.weight", "decoder.out.weight", "decoder.out.bias" };
  AsModel *model;

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  for (guint i = 0; i < n_target; i++)
    {
      g_autofree char *name = g_strdup_printf ("t%u", i);
      json_array_add_string_element (vocabulary, i == 0 ? "SOS" : i == 1 ? "EOS" : i == 2 ? "<unk>" : name);
    }
  json_object_set_array_member (json_object_get_object_member (root, "target"), "vocabulary", vocabulary);

  tensors = json_object_get_object_member (root, "tensors");
  for (guint t = 0; t < G_N_ELEMENTS (names); t++)
    {
      JsonObject *tensor = json_object_new ();
      JsonArray *shape = json_array_new ();
      JsonArray *rows = json_array_new ();

      json_array_add_int_element (shape, n_target);
      if (t < 2)
        json_array_add_int_element (shape, 4);
      for (guint i = 0; i < n_target; i++)
        if (t < 2)
          {
            JsonArray *row = json_array_new ();
            for (guint j = 0; j < 4; j++)
              json_array_add_double_element (row, t == 0 ? 0.25 * ((i + j) % 5) - 0.5 : 0.0);
            json_array_add_array_element (rows, row);
          }
        else
          json_array_add_double_element (rows, -(double) (i % 3));
      json_object_set_array_member (tensor, "shape", shape);
      json_object_set_array_member (tensor, "data", rows);
      json_object_set_object_member (tensors, names[t], tensor);
    }

  data = json_to_string (json_parser_get_root (parser), FALSE);
  model = as_model_new_from_data (data, strlen (data), "tied.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (as_model_get_target (model)->size, ==, n_target);
  return model;
}

/* Where the k-th place falls in the middle of equally probable tokens, the
 * lower ids are the ones kept, in order of id, in every mode of decoding. */
static void
test_top_ties (void)
{
  /* 50 tokens: the 17 with logit 0 (ids 0, 3 ... 48), then 3 of the 17 with -1 */
  const int best50[AS_MAX_TOP] = { 0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 1, 4, 7 };
  /* 13 tokens, fewer than AS_MAX_TOP: all of them */
  const int all13[13] = { 0, 3, 6, 9, 12, 1, 4, 7, 10, 2, 5, 8, 11 };
  const struct { guint n_target; const int *order; guint n; } cases[] = {
    { 50, best50, AS_MAX_TOP },
    { 13, all13, 13 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr (AsModel) model = load_tied (cases[c].n_target);
      g_autoptr (AsSession) session = new_session (model, "hello world !");
      const double log_z = log (cases[c].n_target / 3 + (cases[c].n_target % 3 > 0) +
                                (cases[c].n_target / 3 + (cases[c].n_target % 3 > 1)) * exp (-1.0) +
                                (cases[c].n_target / 3) * exp (-2.0));

      for (guint mode = 0; mode < 3; mode++)
        {
          if (mode == 0)
            g_assert_true (as_session_decode_greedy (session, NULL));
          else if (mode == 1)
            g_assert_true (as_session_decode_forced (session, "t5 t7", NULL));
          else
            g_assert_true (as_session_decode_beam (session, 4, NULL));
          check_steps (session);
          for (guint t = 0; t < as_session_get_n_steps (session); t++)
            {
              const AsStep *step = as_session_get_step (session, t);

              g_assert_cmpuint (step->n_top, ==, cases[c].n);
              for (guint k = 0; k < step->n_top; k++)
                {
                  g_assert_cmpint (step->top_ids[k], ==, cases[c].order[k]);
                  /* float rounding (measured at most 4e-8 relative; a sum in float, 5e-7) */
                  g_assert_cmpfloat_with_epsilon (step->top_probs[k] / exp (-(cases[c].order[k] % 3) - log_z), 1.0, 1e-6);
                  if (k > 0 && cases[c].order[k] % 3 == cases[c].order[k - 1] % 3)
                    g_assert_cmpfloat (step->top_probs[k], ==, step->top_probs[k - 1]);
                }
              if (mode == 0)
                g_assert_cmpint (step->output, ==, 0);  /* the argmax: the lowest id of the best */
            }
        }
    }
}

/* The bundled model, 2027 target tokens: every step of a greedy decoding
 * lists exactly AS_MAX_TOP candidates, best first, the first the output;
 * and at two steps, they are the 20 best of the whole distribution (each
 * token's probability read by forcing it at that step), in order, with
 * those probabilities. */
static void
test_top_en_zh (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), "en-zh-gru.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) model = as_model_new_from_file (path, &error);
  g_autoptr (AsSession) session = NULL;
  const guint T = 2027;
  g_autofree Scored *all = g_new (Scored, T);
  guint n_steps;

  g_assert_no_error (error);
  g_assert_cmpuint (as_model_get_target (model)->size, ==, T);
  session = new_session (model, "Where is the station?");
  g_assert_true (as_session_decode_greedy (session, &error));
  g_assert_no_error (error);
  check_steps (session);
  n_steps = as_session_get_n_steps (session);
  g_assert_cmpuint (n_steps, >=, 3);
  for (guint t = 0; t < n_steps; t++)
    {
      const AsStep *step = as_session_get_step (session, t);

      g_assert_cmpuint (step->n_top, ==, AS_MAX_TOP);
      g_assert_cmpint (step->top_ids[0], ==, step->output);
      g_assert_cmpfloat (step->top_probs[0], ==, step->prob);
      g_assert_false (step->chosen);
    }

  for (guint t = 0; t < n_steps; t += n_steps - 1)
    {
      AsStep saved;
      double sum = 0.0;

      g_assert_true (as_session_decode_greedy (session, NULL));
      saved = *as_session_get_step (session, t);

      for (guint id = 0; id < T; id++)
        {
          as_session_rewind (session, t);
          g_assert_true (as_session_step (session, id, NULL));
          all[id] = (Scored) { as_session_get_step (session, t)->logprob, id };
          sum += expf (all[id].value);
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-6);  /* measured at most 4.8e-8 off */
      qsort (all, T, sizeof *all, best_first);
      for (guint k = 0; k < AS_MAX_TOP; k++)
        {
          g_assert_cmpint (saved.top_ids[k], ==, all[k].id);
          g_assert_cmpfloat (saved.top_probs[k], ==, expf (all[k].value));
        }
      g_assert_cmpfloat (all[AS_MAX_TOP].value, <, all[AS_MAX_TOP - 1].value);  /* the cut is not in a tie */
    }
}

/* ---- rewinding ---------------------------------------------------------------------- */

static void
test_rewind (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autoptr (AsSession) session = new_session (model, "hello world !");
  AsStep saved[4];
  float saved_attention[4][4];

  g_assert_true (as_session_decode_greedy (session, NULL));
  for (guint t = 0; t < 4; t++)
    {
      saved[t] = *as_session_get_step (session, t);
      memcpy (saved_attention[t], as_session_get_cross_attention (session, t), sizeof saved_attention[t]);
    }

  as_session_rewind (session, 2);
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 2);
  g_assert_false (as_session_is_finished (session));
  {
    g_autofree char *partial = as_session_get_translation (session);
    g_assert_cmpstr (partial, ==, "bonjour monde");
  }

  /* the decoder state went back too: the same steps come again */
  g_assert_true (as_session_step (session, -1, NULL));
  g_assert_true (as_session_step (session, -1, NULL));
  for (guint t = 0; t < 4; t++)
    {
      const AsStep *step = as_session_get_step (session, t);
      g_assert_cmpint (step->output, ==, saved[t].output);
      g_assert_cmpfloat (step->prob, ==, saved[t].prob);
      g_assert_cmpmem (as_session_get_cross_attention (session, t), sizeof saved_attention[t],
                       saved_attention[t], sizeof saved_attention[t]);
    }

  /* rewinding past the end changes nothing; to 0 forgets everything */
  as_session_rewind (session, 100);
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 4);
  as_session_rewind (session, 0);
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 0);
  g_assert_true (as_session_step (session, -1, NULL));
  g_assert_cmpfloat (as_session_get_step (session, 0)->prob, ==, saved[0].prob);

  /* after a forced detour, rewinding and stepping gives greedy's step back */
  g_assert_true (as_session_decode_forced (session, "monde monde monde", NULL));
  as_session_rewind (session, 0);
  g_assert_true (as_session_step (session, -1, NULL));
  g_assert_cmpint (as_session_get_step (session, 0)->output, ==, BONJOUR);
  g_assert_cmpfloat (as_session_get_step (session, 0)->prob, ==, saved[0].prob);
}

/* ---- unknown words ------------------------------------------------------------------ */

static void
test_unknown_words_with_unknown_token (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autoptr (AsSession) session = new_session (model, "Hello zebra, zebra yak!");
  const char * const *unknown = as_session_get_unknown_words (session);

  /* hello zebra , zebra yak ! EOS */
  g_assert_cmpuint (as_session_get_n_source (session), ==, 7);
  g_assert_cmpstr (as_session_get_source_token (session, 1), ==, "<unk>");
  g_assert_cmpstr (as_session_get_source_text (session, 1), ==, "zebra");
  g_assert_cmpint (as_session_get_source_id (session, 1), ==, 2);
  g_assert_cmpstr (as_session_get_source_text (session, 2), ==, ",");
  g_assert_cmpstr (as_session_get_source_token (session, 4), ==, "<unk>");
  g_assert_cmpstr (as_session_get_source_text (session, 4), ==, "yak");
  g_assert_cmpstr (as_session_get_source_text (session, 6), ==, "EOS");
  g_assert_false (as_session_source_is_unknown (session, 0));
  g_assert_true (as_session_source_is_unknown (session, 1));
  g_assert_true (as_session_source_is_unknown (session, 2));
  g_assert_true (as_session_source_is_unknown (session, 3));
  g_assert_true (as_session_source_is_unknown (session, 4));
  g_assert_false (as_session_source_is_unknown (session, 5));
  g_assert_false (as_session_source_is_unknown (session, 6));  /* the end token */

  /* distinct, in order of appearance */
  g_assert_cmpstr (unknown[0], ==, "zebra");
  g_assert_cmpstr (unknown[1], ==, ",");
  g_assert_cmpstr (unknown[2], ==, "yak");
  g_assert_null (unknown[3]);

  g_assert_true (as_session_can_decode (session, NULL));
  g_assert_true (as_session_decode_greedy (session, NULL));
  check_steps (session);
}

static void
test_unknown_words_without_unknown_token (void)
{
  g_autoptr (AsModel) model = load_tiny_without_unknown ();
  g_autoptr (AsSession) session = NULL;
  g_autoptr (AsSession) known = NULL;
  g_autoptr (GError) error = NULL;
  const char *message = "The model does not know the words \"zebra\", \"yak\" and has no unknown token to stand in";
  const char * const *unknown;

  g_assert_cmpint (as_model_get_source (model)->unknown, ==, -1);

  /* the session is made, so that the words can be shown */
  session = as_session_new (model, "zebra hello yak zebra", &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  unknown = as_session_get_unknown_words (session);
  g_assert_cmpstr (unknown[0], ==, "zebra");
  g_assert_cmpstr (unknown[1], ==, "yak");
  g_assert_null (unknown[2]);
  g_assert_cmpstr (as_session_get_source_token (session, 0), ==, "zebra");
  g_assert_cmpint (as_session_get_source_id (session, 0), ==, -1);
  g_assert_true (as_session_source_is_unknown (session, 0));
  g_assert_cmpstr (as_session_get_source_token (session, 1), ==, "hello");

  /* but every way of decoding fails, naming them */
  g_assert_false (as_session_can_decode (session, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_UNKNOWN_WORDS);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);
  g_assert_false (as_session_decode_greedy (session, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_UNKNOWN_WORDS);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);
  g_assert_false (as_session_decode_beam (session, 3, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_UNKNOWN_WORDS);
  g_clear_error (&error);
  g_assert_false (as_session_decode_forced (session, "bonjour", &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_UNKNOWN_WORDS);
  g_clear_error (&error);
  g_assert_false (as_session_step (session, -1, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_UNKNOWN_WORDS);
  g_clear_error (&error);
  g_assert_false (as_session_decode_from (session, 0, BONJOUR, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_UNKNOWN_WORDS);
  g_clear_error (&error);
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 0);
  {
    g_autofree char *nothing = as_session_get_translation (session);
    g_assert_cmpstr (nothing, ==, "");
  }

  /* one word: singular */
  {
    g_autoptr (AsSession) one = new_session (model, "zebra");
    g_assert_false (as_session_decode_greedy (one, &error));
    g_assert_cmpstr (error->message, ==,
                     "The model does not know the word \"zebra\" and has no unknown token to stand in");
    g_clear_error (&error);
  }

  /* many words: the first twenty are named */
  {
    g_autoptr (AsSession) many = new_session (model, "a b c d e f g h i j k l m n o p q r s t u v w x y z");
    g_assert_false (as_session_decode_greedy (many, &error));
    g_assert_cmpstr (error->message, ==,
                     "The model does not know the words \"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", "
                     "\"h\", \"i\", \"j\", \"k\", \"l\", \"m\", \"n\", \"o\", \"p\", \"q\", \"r\", \"s\", "
                     "\"t\" (and 6 more) and has no unknown token to stand in");
    g_clear_error (&error);
  }

  /* known words decode as with tiny-hello */
  known = new_session (model, "hello world !");
  g_assert_true (as_session_decode_greedy (known, &error));
  g_assert_no_error (error);
  {
    g_autofree char *translation = as_session_get_translation (known);
    g_assert_cmpstr (translation, ==, "bonjour monde !");
  }
}

/* ---- empty and too long ----------------------------------------------------------- */

static void
test_empty_input (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  const char *sentences[] = { "", " ", "\t\n\r \v\f", "\xe3\x80\x80\xc2\xa0", NULL };

  for (guint i = 0; sentences[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AsSession) session = as_session_new (model, sentences[i], &error);

      g_assert_null (session);
      g_assert_error (error, AS_ERROR, AS_ERROR_EMPTY_INPUT);
      g_assert_cmpstr (error->message, ==, "The sentence has no words to translate");
    }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (AsSession) session = as_session_new (model, NULL, &error);
    g_assert_null (session);
    g_assert_error (error, AS_ERROR, AS_ERROR_EMPTY_INPUT);
  }
}

static void
test_too_long (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autoptr (GString) s = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AsSession) longest = NULL;
  g_autoptr (AsSession) too_long = NULL;

  /* the end token makes it AS_MAX_SOURCE_TOKENS */
  for (int i = 0; i < AS_MAX_SOURCE_TOKENS - 1; i++)
    g_string_append (s, "hello ");
  longest = as_session_new (model, s->str, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (as_session_get_n_source (longest), ==, AS_MAX_SOURCE_TOKENS);
  g_assert_true (as_session_decode_greedy (longest, NULL));
  check_steps (longest);

  g_string_append (s, "world");
  too_long = as_session_new (model, s->str, &error);
  g_assert_null (too_long);
  g_assert_error (error, AS_ERROR, AS_ERROR_TOO_LONG);
  g_assert_cmpstr (error->message, ==, "The sentence has 50000 tokens; AttnScope translates at most 49999");
}

/* ---- the length limit ------------------------------------------------------------- */

static void
test_max_length (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autoptr (AsSession) session = new_session (model, "hello world !");
  const int expected[] = { BONJOUR, MONDE };

  as_session_set_max_length (session, 2);
  g_assert_cmpuint (as_session_get_max_length (session), ==, 2);
  g_assert_true (as_session_decode_greedy (session, NULL));
  assert_outputs (session, expected, 2);
  g_assert_true (as_session_is_finished (session));
  {
    g_autofree char *translation = as_session_get_translation (session);
    g_assert_cmpstr (translation, ==, "bonjour monde");
  }
  g_assert_true (as_session_decode_beam (session, 3, NULL));
  g_assert_cmpuint (as_session_get_n_steps (session), <=, 2);
  check_steps (session);

  /* clamped to 1..AS_MAX_DECODE_LENGTH */
  as_session_set_max_length (session, 0);
  g_assert_cmpuint (as_session_get_max_length (session), ==, 1);
  g_assert_true (as_session_decode_greedy (session, NULL));
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 1);
  as_session_set_max_length (session, 5000);
  g_assert_cmpuint (as_session_get_max_length (session), ==, AS_MAX_DECODE_LENGTH);
}

/* A model that never says the end token: decoding stops at max_length. */
static void
test_max_length_without_end (void)
{
  /* the output bias of EOS (-1.572 -> -100) */
  g_autoptr (AsModel) model = load_tiny_with ("[-1.572, 0.065", "[-1.572, -100");
  g_autoptr (AsSession) session = new_session (model, "hello world !");

  g_assert_true (as_session_decode_greedy (session, NULL));
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 6);
  g_assert_true (as_session_is_finished (session));
  for (guint t = 0; t < 6; t++)
    g_assert_cmpint (as_session_get_step (session, t)->output, !=, EOS);
  check_steps (session);

  as_session_set_max_length (session, 200);
  g_assert_true (as_session_decode_greedy (session, NULL));
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 200);
  check_steps (session);
  g_assert_true (as_session_decode_beam (session, 4, NULL));
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 200);
  check_steps (session);

  /* past AS_MAX_DECODE_LENGTH steps, a step is refused */
  as_session_set_max_length (session, AS_MAX_DECODE_LENGTH);
  g_assert_true (as_session_decode_greedy (session, NULL));
  g_assert_cmpuint (as_session_get_n_steps (session), ==, AS_MAX_DECODE_LENGTH);
  {
    g_autoptr (GError) error = NULL;
    g_assert_false (as_session_step (session, -1, &error));
    g_assert_error (error, AS_ERROR, AS_ERROR_INVALID);
  }
}

/* Finite weights so large that float arithmetic overflows: every way of
 * decoding refuses with one line, rather than show NaN. */
static void
test_overflowing_weights (void)
{
  /* the attention scores overflow: decoder.attention.Va.weight */
  g_autoptr (AsModel) model = load_tiny_with ("[2.154, -1.486, -2.433, -1.037]", "[3e38, 3e38, 3e38, 3e38]");
  /* the log-probabilities overflow: decoder.out.bias */
  g_autoptr (AsModel) wide = load_tiny_with ("[-1.572, 0.065", "[3e38, -3e38");
  const char *message = "tiny-hello.json: the decoder's numbers overflow at step 0 (NaN or infinity): "
                        "the model's weights are too large";
  AsModel *models[] = { model, wide };

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autoptr (AsSession) session = new_session (models[m], "hello world !");
      g_autoptr (GError) error = NULL;

      g_assert_false (as_session_decode_greedy (session, &error));
      g_assert_error (error, AS_ERROR, AS_ERROR_FORMAT);
      if (m == 0)
        g_assert_cmpstr (error->message, ==, message);
      g_clear_error (&error);
      g_assert_cmpuint (as_session_get_n_steps (session), ==, 0);
      g_assert_false (as_session_decode_beam (session, 3, &error));
      g_assert_error (error, AS_ERROR, AS_ERROR_FORMAT);
      g_clear_error (&error);
      g_assert_false (as_session_decode_forced (session, "bonjour", &error));
      g_assert_error (error, AS_ERROR, AS_ERROR_FORMAT);
      g_clear_error (&error);
      g_assert_false (as_session_step (session, -1, &error));
      g_assert_error (error, AS_ERROR, AS_ERROR_FORMAT);
      g_assert_cmpuint (as_session_get_n_steps (session), ==, 0);
    }
}


/* ---- the beam's tree, scores, entropy ------------------------------------------------ */

#define REF_MAX 64

typedef struct
{
  int    tokens[REF_MAX];
  guint  length;
  double score;
  int    beam;   /* the live hypothesis it extends, for the order of equal scores */
} RefHyp;

static int
compare_ref (gconstpointer a,
             gconstpointer b)
{
  const RefHyp *x = a, *y = b;

  if (x->score != y->score)
    return x->score < y->score ? 1 : -1;
  if (x->beam != y->beam)
    return x->beam - y->beam;
  return x->tokens[x->length - 1] - y->tokens[y->length - 1];
}

/* The tokens of the hypothesis that ends at @node, walking up its parents. */
static guint
node_tokens (AsSession *session,
             guint      node,
             int       *tokens)
{
  const AsBeamNode *n = as_session_get_beam_node (session, node);
  guint length = n->step + 1;

  for (int i = (int) node; i >= 0; i = as_session_get_beam_node (session, (guint) i)->parent)
    {
      const AsBeamNode *m = as_session_get_beam_node (session, (guint) i);
      g_assert_cmpuint (m->step, <, length);
      tokens[m->step] = m->token;
    }
  return length;
}

/* An independent beam search through the public API: every hypothesis is
 * replayed from the start with as_session_step, its candidates are the
 * @width best of the next step's list, each scored by forcing it. Checks
 * that the session's tree keeps, at every step, the same hypotheses with
 * the same scores, and that its n-best are the same ended ones. */
static void
check_tree_against_reference (AsModel    *model,
                              const char *sentence,
                              guint       width)
{
  g_autoptr (AsSession) beam = new_session (model, sentence);
  g_autoptr (AsSession) ref = new_session (model, sentence);
  const AsVocab *tgt = as_model_get_target (model);
  const guint L = MIN (as_session_get_max_length (ref), REF_MAX);
  g_autoptr (GArray) live = g_array_new (FALSE, FALSE, sizeof (RefHyp));
  g_autoptr (GArray) ended = g_array_new (FALSE, FALSE, sizeof (RefHyp));
  g_autoptr (GError) error = NULL;
  RefHyp root = { { 0 }, 0, 0.0, 0 };
  guint steps_compared = 0;

  as_session_set_max_length (beam, L);
  g_assert_true (as_session_decode_beam (beam, width, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (as_session_get_beam_width (beam), ==, width);
  g_array_append_val (live, root);

  for (guint t = 0; t < L && live->len > 0; t++)
    {
      g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (RefHyp));
      g_autoptr (GArray) next = g_array_new (FALSE, FALSE, sizeof (RefHyp));
      g_autoptr (GPtrArray) kept = g_ptr_array_new ();

      for (guint b = 0; b < live->len; b++)
        {
          const RefHyp *h = &g_array_index (live, RefHyp, b);
          AsStep step;

          as_session_rewind (ref, 0);
          for (guint i = 0; i < h->length; i++)
            g_assert_true (as_session_step (ref, h->tokens[i], NULL));
          g_assert_true (as_session_step (ref, -1, NULL));
          step = *as_session_get_step (ref, t);
          for (guint k = 0; k < MIN (width, step.n_top); k++)
            {
              RefHyp c = *h;

              as_session_rewind (ref, t);
              g_assert_true (as_session_step (ref, step.top_ids[k], NULL));
              c.tokens[c.length++] = step.top_ids[k];
              c.score = h->score + as_session_get_step (ref, t)->logprob;
              c.beam = (int) b;
              g_array_append_val (candidates, c);
            }
        }
      g_array_sort (candidates, compare_ref);
      for (guint c = 0; c < candidates->len && next->len < width; c++)
        {
          RefHyp *h = &g_array_index (candidates, RefHyp, c);

          if (h->tokens[t] == tgt->end || t + 1 == L)
            g_array_append_val (ended, *h);
          else
            g_array_append_val (next, *h);
        }

      /* the session's kept nodes at step t, in order */
      for (guint i = 0; i < as_session_get_n_beam_nodes (beam); i++)
        {
          const AsBeamNode *n = as_session_get_beam_node (beam, i);

          g_assert_true (n->parent < (int) i);
          if (n->parent >= 0)
            {
              const AsBeamNode *p = as_session_get_beam_node (beam, (guint) n->parent);
              g_assert_cmpuint (p->step + 1, ==, n->step);
              g_assert_cmpint (p->fate, ==, AS_BEAM_KEPT);
              g_assert_cmpfloat_with_epsilon (n->score, p->score + n->logprob, 1e-9);
            }
          if (n->step == t && n->fate == AS_BEAM_KEPT)
            g_ptr_array_add (kept, (gpointer) n);
        }
      if (kept->len == 0)
        break;   /* the session stopped here: its n-best could not change */
      g_assert_cmpuint (kept->len, ==, next->len);
      for (guint k = 0; k < kept->len; k++)
        {
          const AsBeamNode *n = g_ptr_array_index (kept, k);
          const RefHyp *h = &g_array_index (next, RefHyp, k);
          int tokens[REF_MAX];
          guint index = (guint) (n - as_session_get_beam_node (beam, 0));

          g_assert_cmpuint (node_tokens (beam, index, tokens), ==, h->length);
          for (guint i = 0; i < h->length; i++)
            g_assert_cmpint (tokens[i], ==, h->tokens[i]);
          g_assert_cmpfloat (n->score, ==, h->score);
        }
      steps_compared++;
      g_array_set_size (live, 0);
      g_array_append_vals (live, next->data, next->len);
    }
  g_assert_cmpuint (steps_compared, >=, 1);

  /* the n-best: the session's are the reference's best ended ones */
  g_array_sort (ended, compare_ref);
  g_assert_cmpuint (as_session_get_n_hypotheses (beam), >=, 1);
  g_assert_cmpuint (as_session_get_n_hypotheses (beam), <=, width);
  for (guint r = 0; r < as_session_get_n_hypotheses (beam); r++)
    {
      guint node = as_session_get_hypothesis (beam, r);
      const AsBeamNode *n = as_session_get_beam_node (beam, node);
      const RefHyp *h = &g_array_index (ended, RefHyp, r);
      AsScore score;

      g_assert_cmpint (n->fate, ==, AS_BEAM_ENDED);
      g_assert_cmpfloat (n->score, ==, h->score);
      if (r > 0)
        g_assert_cmpfloat (n->score, <=, as_session_get_beam_node (beam, as_session_get_hypothesis (beam, r - 1))->score);
      as_session_get_beam_node_score (beam, node, &score);
      g_assert_cmpuint (score.length, ==, h->length);
      g_assert_cmpfloat_with_epsilon (score.total, h->score, 1e-12);
      g_assert_cmpfloat_with_epsilon (score.normalised, h->score / h->length, 1e-12);
      g_assert_cmpfloat_with_epsilon (score.perplexity, exp (-h->score / h->length), 1e-9);
    }

  /* the steps left are the best hypothesis's, and scored as it is */
  {
    int tokens[REF_MAX];
    guint length = node_tokens (beam, as_session_get_hypothesis (beam, 0), tokens);
    AsScore score;

    g_assert_cmpuint (as_session_get_n_steps (beam), ==, length);
    for (guint t = 0; t < length; t++)
      g_assert_cmpint (as_session_get_step (beam, t)->output, ==, tokens[t]);
    as_session_get_score (beam, &score);
    g_assert_cmpfloat_with_epsilon (score.total, as_session_get_beam_node (beam, as_session_get_hypothesis (beam, 0))->score, 1e-4);
  }
}

static void
test_beam_tree_against_reference (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), "en-zh-gru.json", NULL);
  g_autofree char *transformer = g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), "tiny-transformer.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) model = as_model_new_from_file (path, &error);
  g_autoptr (AsModel) tiny = load_tiny ();
  g_autoptr (AsModel) tiny_transformer = as_model_new_from_file (transformer, &error);

  g_assert_no_error (error);
  check_tree_against_reference (model, "i am hungry .", 3);
  check_tree_against_reference (model, "he is a teacher .", 5);
  check_tree_against_reference (tiny, "hello world", 2);
  check_tree_against_reference (tiny, "hello world", 4);
  check_tree_against_reference (tiny_transformer, "hello world", 3);
}

/* Pruned nodes are recorded, with their parents; showing a node replays
 * its prefix; another way of decoding forgets the tree. */
static void
test_beam_tree_nodes (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), "en-zh-gru.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) model = as_model_new_from_file (path, &error);
  g_autoptr (AsSession) session = NULL;
  guint n_pruned = 0, n_ended = 0, pruned = 0;
  int tokens[REF_MAX];
  guint length;

  g_assert_no_error (error);
  session = new_session (model, "i am hungry .");
  g_assert_cmpuint (as_session_get_beam_width (session), ==, 0);
  g_assert_cmpuint (as_session_get_n_beam_nodes (session), ==, 0);
  g_assert_true (as_session_decode_beam (session, 4, &error));
  for (guint i = 0; i < as_session_get_n_beam_nodes (session); i++)
    {
      const AsBeamNode *n = as_session_get_beam_node (session, i);

      if (n->fate == AS_BEAM_PRUNED && n->step >= 1)
        pruned = i, n_pruned++;
      n_ended += n->fate == AS_BEAM_ENDED;
      /* each step: at most width kept per parent's width candidates */
      g_assert_cmpfloat (n->logprob, <=, 0.0);
    }
  /* step 0 has 4 candidates, all kept; later steps 16, of which 12 pruned or ended */
  g_assert_cmpuint (n_pruned, >=, 1);
  g_assert_cmpuint (n_ended, >=, as_session_get_n_hypotheses (session));
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpuint (as_session_get_beam_node (session, i)->step, ==, 0);
      g_assert_cmpint (as_session_get_beam_node (session, i)->parent, ==, -1);
    }

  /* a pruned node: its prefix becomes the steps, and the tree stays */
  length = node_tokens (session, pruned, tokens);
  g_assert_true (as_session_show_beam_node (session, pruned, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (as_session_get_n_steps (session), ==, length);
  for (guint t = 0; t < length; t++)
    g_assert_cmpint (as_session_get_step (session, t)->output, ==, tokens[t]);
  {
    AsScore a, b;
    as_session_get_score (session, &a);
    as_session_get_beam_node_score (session, pruned, &b);
    g_assert_cmpfloat_with_epsilon (a.total, b.total, 1e-4);
  }
  g_assert_cmpuint (as_session_get_beam_width (session), ==, 4);
  g_assert_false (as_session_show_beam_node (session, as_session_get_n_beam_nodes (session), &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (as_session_decode_greedy (session, NULL));
  g_assert_cmpuint (as_session_get_beam_width (session), ==, 0);
  g_assert_cmpuint (as_session_get_n_beam_nodes (session), ==, 0);
  g_assert_cmpuint (as_session_get_n_hypotheses (session), ==, 0);
}

/* The step's entropy on the bundled models against numpy: -sum p ln p of
 * the rows of `attnscope-cli translate MODEL "i am hungry ." --json`
 * (the GRU's attention; the Transformer's last layer's cross-attention,
 * the mean of its 4 heads), computed in float64 by numpy. */
static void
test_entropy_numpy (void)
{
  static const struct { const char *file; double entropy[5]; } golden[] = {
    { "en-zh-gru.json", { 1.159638, 0.551565, 0.757868, 1.031340, 1.072959 } },
    { "en-zh-transformer.json", { 0.639820, 0.278366, 1.520526, 1.156115, 1.138348 } },
  };

  for (guint m = 0; m < G_N_ELEMENTS (golden); m++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), golden[m].file, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (AsModel) model = as_model_new_from_file (path, &error);
      g_autoptr (AsSession) session = NULL;

      g_assert_no_error (error);
      session = new_session (model, "i am hungry .");
      g_assert_true (as_session_decode_greedy (session, NULL));
      g_assert_cmpuint (as_session_get_n_steps (session), ==, 5);
      for (guint t = 0; t < 5; t++)
        {
          g_assert_cmpfloat_with_epsilon (as_session_get_step (session, t)->entropy, golden[m].entropy[t], 2e-6);
          g_assert_cmpfloat_with_epsilon (as_session_get_entropy (session, AS_ATTENTION_CROSS, -1, AS_ATTENTION_MEAN, t),
                                          golden[m].entropy[t], 2e-6);
        }
    }
}

/* A cancelled beam search stops with G_IO_ERROR_CANCELLED, leaving no
 * steps and no tree; the same search uncancelled is the plain one. */
static void
test_beam_cancellable (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autoptr (AsSession) session = new_session (model, "hello world");
  g_autoptr (AsSession) plain = new_session (model, "hello world");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (as_session_decode_greedy (session, NULL));
  g_cancellable_cancel (cancellable);
  g_assert_false (as_session_decode_beam_cancellable (session, 3, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 0);
  g_assert_cmpuint (as_session_get_beam_width (session), ==, 0);
  g_assert_cmpuint (as_session_get_n_beam_nodes (session), ==, 0);

  g_cancellable_reset (cancellable);
  g_assert_true (as_session_decode_beam_cancellable (session, 3, cancellable, NULL));
  g_assert_true (as_session_decode_beam (plain, 3, NULL));
  g_assert_cmpuint (as_session_get_n_steps (session), ==, as_session_get_n_steps (plain));
  g_assert_cmpuint (as_session_get_n_beam_nodes (session), ==, as_session_get_n_beam_nodes (plain));
}

/* A whole target's score: sum, mean, perplexity, by hand from the steps. */
static void
test_score (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autoptr (AsSession) session = new_session (model, "hello world");
  AsScore score;
  double sum = 0.0;
  guint n;

  as_session_get_score (session, &score);
  g_assert_cmpuint (score.length, ==, 0);
  g_assert_cmpfloat (score.total, ==, 0.0);
  g_assert_true (as_session_decode_forced (session, "monde bonjour", NULL));
  n = as_session_get_n_steps (session);
  g_assert_cmpuint (n, ==, 3);
  for (guint t = 0; t < n; t++)
    sum += log (as_session_get_step (session, t)->prob);
  as_session_get_score (session, &score);
  g_assert_cmpuint (score.length, ==, 3);
  g_assert_cmpfloat_with_epsilon (score.total, sum, 1e-5);
  g_assert_cmpfloat_with_epsilon (score.normalised, sum / 3, 1e-5);
  g_assert_cmpfloat_with_epsilon (score.perplexity, exp (-sum / 3), 1e-5);
  g_assert_cmpfloat (score.perplexity, >, 1.0);
}

/* Entropy of each step's attention: log n where the attention is uniform
 * (tiny-hello with a zero Va, every score equal), and -sum p log p of the
 * rows, as computed here, elsewhere. */
static void
test_entropy (void)
{
  g_autoptr (AsModel) uniform = load_tiny_with ("[2.154, -1.486, -2.433, -1.037]", "[0, 0, 0, 0]");
  g_autoptr (AsModel) tiny = load_tiny ();
  g_autofree char *path = g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), "tiny-transformer.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) transformer = as_model_new_from_file (path, &error);
  g_autoptr (AsSession) session = new_session (uniform, "hello world");
  const AsAttention *a;
  guint n;

  g_assert_no_error (error);
  g_assert_true (as_session_decode_greedy (session, NULL));
  n = as_session_get_n_source (session);
  g_assert_cmpuint (n, ==, 3);   /* hello world <eos> */
  for (guint t = 0; t < as_session_get_n_steps (session); t++)
    {
      /* ln 3 = 1.0986123 nats (1.585 bits) */
      g_assert_cmpfloat_with_epsilon (as_session_get_step (session, t)->entropy, 1.0986123, 1e-5);
      g_assert_cmpfloat_with_epsilon (as_session_get_entropy (session, AS_ATTENTION_CROSS, -1, AS_ATTENTION_MEAN, t),
                                      1.0986123, 1e-5);
    }

  /* a peaked attention: below ln n, and as -sum p log p of the row */
  g_clear_pointer (&session, as_session_free);
  session = new_session (tiny, "hello world");
  g_assert_true (as_session_decode_greedy (session, NULL));
  for (guint t = 0; t < as_session_get_n_steps (session); t++)
    {
      const float *row = as_session_get_cross_attention (session, t);
      double h = 0.0;

      for (guint j = 0; j < as_session_get_n_source (session); j++)
        h -= row[j] > 0 ? row[j] * log (row[j]) : 0.0;
      g_assert_cmpfloat (h, <, 1.0986123 - 1e-3);
      g_assert_cmpfloat_with_epsilon (as_session_get_step (session, t)->entropy, h, 1e-5);
    }

  /* several heads: the step's entropy is of the last layer's mean row; a head's is of its own row;
   * decoder self-attention attends over t + 1 columns */
  g_clear_pointer (&session, as_session_free);
  session = new_session (transformer, "hello world");
  g_assert_true (as_session_decode_greedy (session, NULL));
  a = as_session_get_attention (session, AS_ATTENTION_CROSS);
  g_assert_cmpuint (as_attention_get_n_heads (a), >, 1);
  for (guint t = 0; t < as_session_get_n_steps (session); t++)
    {
      guint last = as_attention_get_n_layers (a) - 1, H = as_attention_get_n_heads (a);
      double mean_h = 0.0, head_h = 0.0, self_h = 0.0;
      const AsAttention *d = as_session_get_attention (session, AS_ATTENTION_DECODER_SELF);

      for (guint j = 0; j < as_attention_get_n_columns (a); j++)
        {
          double p = 0.0, q = as_attention_get (a, 0, 1, t, j);

          for (guint h = 0; h < H; h++)
            p += as_attention_get (a, last, h, t, j) / H;
          mean_h -= p > 0 ? p * log (p) : 0.0;
          head_h -= q > 0 ? q * log (q) : 0.0;
        }
      for (guint j = 0; j <= t; j++)
        {
          double p = as_attention_get (d, 0, 0, t, j);
          self_h -= p > 0 ? p * log (p) : 0.0;
        }
      g_assert_cmpfloat_with_epsilon (as_session_get_step (session, t)->entropy, mean_h, 1e-5);
      g_assert_cmpfloat_with_epsilon (as_session_get_entropy (session, AS_ATTENTION_CROSS, 0, 1, t), head_h, 1e-5);
      g_assert_cmpfloat_with_epsilon (as_session_get_entropy (session, AS_ATTENTION_DECODER_SELF, 0, 0, t), self_h, 1e-5);
    }
  g_assert_true (isnan (as_session_get_entropy (session, AS_ATTENTION_CROSS, 0, 0, as_session_get_n_steps (session))));
  g_assert_true (isnan (as_session_get_entropy (session, AS_ATTENTION_CROSS, 99, 0, 0)));
}

/* The GRU's encoding stops when its cancellable is cancelled: a session
 * of 2,000 words with one cancelled beforehand fails with
 * G_IO_ERROR_CANCELLED; with one not cancelled it is the session that
 * as_session_new gives. */
static void
test_encode_cancellable (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GString) sentence = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AsSession) plain = NULL;
  g_autoptr (AsSession) session = NULL;

  for (guint i = 0; i < 2000; i++)
    g_string_append (sentence, i % 2 ? "world " : "hello ");

  session = as_session_new_cancellable (model, sentence->str, cancellable, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  plain = as_session_new (model, sentence->str, &error);
  g_assert_no_error (error);
  g_assert_true (as_session_decode_greedy (session, &error));
  g_assert_true (as_session_decode_greedy (plain, &error));
  g_assert_cmpuint (as_session_get_n_steps (session), ==, as_session_get_n_steps (plain));
  for (guint t = 0; t < as_session_get_n_steps (plain); t++)
    g_assert_cmpfloat (as_session_get_step (session, t)->logprob, ==, as_session_get_step (plain, t)->logprob);
  g_clear_pointer (&session, as_session_free);

  g_cancellable_cancel (cancellable);
  session = as_session_new_cancellable (model, sentence->str, cancellable, &error);
  g_assert_null (session);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/session/greedy/hello-world", test_greedy);
  g_test_add_func ("/session/encode-cancellable", test_encode_cancellable);
  g_test_add_func ("/session/greedy/other-sentences", test_greedy_other_sentences);
  g_test_add_func ("/session/forced/equals-greedy", test_forced_equals_greedy);
  g_test_add_func ("/session/forced/model-probability", test_forced_reports_the_model_probability);
  g_test_add_func ("/session/forced/unknown-and-empty", test_forced_unknown_and_empty_targets);
  g_test_add_func ("/session/forced/long-target", test_forced_long_target);
  g_test_add_func ("/session/decode-from/picked-token", test_decode_from);
  g_test_add_func ("/session/decode-from/invalid", test_decode_from_invalid);
  g_test_add_func ("/session/beam/width-1-is-greedy", test_beam_width_1_is_greedy);
  g_test_add_func ("/session/beam/at-least-greedy", test_beam_is_at_least_greedy);
  g_test_add_func ("/session/beam/invalid", test_beam_invalid);
  g_test_add_func ("/session/beam/tree-against-reference", test_beam_tree_against_reference);
  g_test_add_func ("/session/beam/tree-nodes", test_beam_tree_nodes);
  g_test_add_func ("/session/beam/cancellable", test_beam_cancellable);
  g_test_add_func ("/session/score", test_score);
  g_test_add_func ("/session/entropy", test_entropy);
  g_test_add_func ("/session/entropy-numpy", test_entropy_numpy);
  g_test_add_func ("/session/top/kernel-against-a-sort", test_top_k_against_a_sort);
  g_test_add_func ("/session/top/ties", test_top_ties);
  g_test_add_func ("/session/top/en-zh-gru", test_top_en_zh);
  g_test_add_func ("/session/rewind", test_rewind);
  g_test_add_func ("/session/unknown/with-unknown-token", test_unknown_words_with_unknown_token);
  g_test_add_func ("/session/unknown/without-unknown-token", test_unknown_words_without_unknown_token);
  g_test_add_func ("/session/empty-input", test_empty_input);
  g_test_add_func ("/session/too-long", test_too_long);
  g_test_add_func ("/session/max-length", test_max_length);
  g_test_add_func ("/session/max-length-without-end", test_max_length_without_end);
  g_test_add_func ("/session/overflowing-weights", test_overflowing_weights);

  return g_test_run ();
}
