/* The Transformer behind the session, on data/models/tiny-transformer.json
 * (random weights, 2 + 2 layers, 2 heads): what the incremental decoder
 * with its cache of keys and values must keep true whatever the weights
 * (the values themselves are PyTorch's: tests/parity). Rewinding and
 * continuing with another token gives exactly what a fresh forced decoding
 * of the same prefix gives; a beam of width 1 is greedy; every kind of
 * attention has its shape, rows that are distributions, and decoder
 * self-attention nothing above the diagonal; the tutorial's length rule;
 * sentences and targets past the model's positions are refused. */

#include <math.h>
#include <string.h>

#include <glib.h>

#include "as-error.h"
#include "as-session.h"
#include "as-kernels.h"

static char *
tiny_text (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), "tiny-transformer.json", NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* tiny-transformer with @old replaced by @new */
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
  model = as_model_new_from_data (s->str, s->len, "tiny-transformer.json", &error);
  g_assert_no_error (error);
  return model;
}

static AsSession *
new_session (AsModel    *model,
             const char *sentence)
{
  g_autoptr (GError) error = NULL;
  AsSession *session = as_session_new (model, sentence, &error);

  g_assert_no_error (error);
  return session;
}

static void
assert_same_step (AsSession *a,
                  AsSession *b,
                  guint      t)
{
  const AsStep *x = as_session_get_step (a, t);
  const AsStep *y = as_session_get_step (b, t);

  g_assert_cmpint (x->input, ==, y->input);
  g_assert_cmpint (x->output, ==, y->output);
  g_assert_cmpfloat (x->logprob, ==, y->logprob);
  for (guint kind = 0; kind < AS_N_ATTENTION_KINDS; kind++)
    {
      const AsAttention *p = as_session_get_attention (a, kind);
      const AsAttention *q = as_session_get_attention (b, kind);
      guint row = kind == AS_ATTENTION_ENCODER_SELF ? 0 : t;

      for (guint l = 0; l < as_attention_get_n_layers (p); l++)
        for (guint h = 0; h < as_attention_get_n_heads (p); h++)
          g_assert_cmpmem (as_attention_get_row (p, l, h, row), as_attention_get_n_columns (p) * sizeof (float),
                           as_attention_get_row (q, l, h, row), as_attention_get_n_columns (q) * sizeof (float));
    }
}

/* Rewinding to step t and feeding another token: the cache of keys and
 * values is cut at t, and what follows is what a fresh session forced
 * through the same prefix computes, bit for bit. */
static void
test_decode_from_equals_fresh (void)
{
  g_autoptr (AsModel) model = load_tiny_with ("\"max_length\":8", "\"max_length\":12");
  const char *sentences[] = { "hello world !", "world world hello !", "! hello" };

  for (guint i = 0; i < G_N_ELEMENTS (sentences); i++)
    for (guint t = 0; t < 3; t++)
      for (int token = 4; token <= 6; token++)
        {
          g_autoptr (AsSession) picked = new_session (model, sentences[i]);
          g_autoptr (AsSession) fresh = new_session (model, sentences[i]);
          g_autoptr (GError) error = NULL;

          g_assert_true (as_session_decode_greedy (picked, &error));
          g_assert_no_error (error);
          if (t > as_session_get_n_steps (picked) - 1)
            continue;
          g_assert_true (as_session_decode_from (picked, t, token, &error));
          g_assert_no_error (error);

          /* the same prefix and token, then greedy, from scratch */
          for (guint k = 0; k < t; k++)
            g_assert_true (as_session_step (fresh, as_session_get_step (picked, k)->output, &error));
          g_assert_true (as_session_step (fresh, token, &error));
          if (!as_session_is_finished (fresh))
            g_assert_true (as_session_decode_from (fresh, t + 1, -1, &error));
          g_assert_no_error (error);

          g_assert_cmpuint (as_session_get_n_steps (picked), ==, as_session_get_n_steps (fresh));
          for (guint s = 0; s < as_session_get_n_steps (picked); s++)
            assert_same_step (picked, fresh, s);
        }
}

/* A beam of width 1 is greedy decoding; replayed, its steps are the same. */
static void
test_beam_width_1 (void)
{
  g_autoptr (AsModel) model = load_tiny_with (NULL, NULL);
  g_autoptr (AsSession) greedy = new_session (model, "hello world !");
  g_autoptr (AsSession) beam = new_session (model, "hello world !");
  g_autoptr (AsSession) wide = new_session (model, "hello world !");
  g_autoptr (GError) error = NULL;
  double greedy_score = 0, wide_score = 0;

  g_assert_true (as_session_decode_greedy (greedy, &error));
  g_assert_true (as_session_decode_beam (beam, 1, &error));
  g_assert_true (as_session_decode_beam (wide, 4, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (as_session_get_n_steps (greedy), ==, as_session_get_n_steps (beam));
  for (guint t = 0; t < as_session_get_n_steps (greedy); t++)
    {
      assert_same_step (greedy, beam, t);
      greedy_score += as_session_get_step (greedy, t)->logprob;
    }
  /* a wider beam finds a hypothesis at least as probable (when both end) */
  for (guint t = 0; t < as_session_get_n_steps (wide); t++)
    wide_score += as_session_get_step (wide, t)->logprob;
  if (as_session_is_finished (greedy) && as_session_get_step (wide, as_session_get_n_steps (wide) - 1)->output == 3 &&
      as_session_get_step (greedy, as_session_get_n_steps (greedy) - 1)->output == 3)
    g_assert_cmpfloat (wide_score, >=, greedy_score - 1e-5);
}

static void
assert_distribution (const float *row,
                     guint        n)
{
  double sum = 0;

  for (guint j = 0; j < n; j++)
    {
      g_assert_cmpfloat (row[j], >=, 0.0f);
      sum += row[j];
    }
  g_assert_cmpfloat (fabs (sum - 1.0), <, 1e-5);
}

/* Every layer and head of the three kinds, with their shapes; rows are
 * distributions; decoder self-attention is zero above the diagonal. */
static void
test_attention_kinds (void)
{
  g_autoptr (AsModel) model = load_tiny_with (NULL, NULL);
  g_autoptr (AsSession) session = new_session (model, "hello world ! hello");
  g_autoptr (GError) error = NULL;
  const AsAttention *cross, *dself, *eself;
  guint n_layers, n_heads, n_steps;

  g_assert_true (as_session_decode_forced (session, "bonjour monde ! monde", &error));
  g_assert_no_error (error);
  n_steps = as_session_get_n_steps (session);
  g_assert_cmpuint (n_steps, ==, 5);
  g_assert_cmpuint (as_session_get_n_source (session), ==, 6);  /* <bos> 4 words <eos> */

  for (guint kind = 0; kind < AS_N_ATTENTION_KINDS; kind++)
    {
      g_assert_true (as_model_get_attention_shape (model, kind, &n_layers, &n_heads));
      g_assert_cmpuint (n_layers, ==, 2);
      g_assert_cmpuint (n_heads, ==, 2);
    }
  cross = as_session_get_attention (session, AS_ATTENTION_CROSS);
  dself = as_session_get_attention (session, AS_ATTENTION_DECODER_SELF);
  eself = as_session_get_attention (session, AS_ATTENTION_ENCODER_SELF);
  g_assert_cmpuint (as_attention_get_n_rows (cross), ==, n_steps);
  g_assert_cmpuint (as_attention_get_n_columns (cross), ==, 6);
  g_assert_cmpuint (as_attention_get_n_rows (dself), ==, n_steps);
  g_assert_cmpuint (as_attention_get_n_rows (eself), ==, 6);
  g_assert_cmpuint (as_attention_get_n_columns (eself), ==, 6);

  for (guint l = 0; l < 2; l++)
    for (guint h = 0; h < 2; h++)
      {
        for (guint t = 0; t < n_steps; t++)
          {
            const float *row = as_attention_get_row (dself, l, h, t);

            assert_distribution (as_attention_get_row (cross, l, h, t), 6);
            g_assert_cmpuint (as_attention_get_row_length (dself, t), ==, t + 1);
            assert_distribution (row, t + 1);
            for (guint j = t + 1; j < as_attention_get_n_columns (dself); j++)
              g_assert_cmpfloat (row[j], ==, 0.0f);
          }
        for (guint i = 0; i < 6; i++)
          assert_distribution (as_attention_get_row (eself, l, h, i), 6);
      }
  /* the first step attends to the start token only */
  g_assert_cmpfloat (as_attention_get_row (dself, 1, 1, 0)[0], ==, 1.0f);
}

/* No decoding.max_length: the tutorial's greedy_decode takes at most
 * num_tokens + 4 steps (num_tokens counts the start and end tokens). */
static void
test_default_length_rule (void)
{
  g_autofree char *text = tiny_text ();
  g_autoptr (GString) s = g_string_new (text);
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) model = NULL;
  g_autoptr (AsSession) session = NULL;
  const char *decoding = strstr (s->str, "\"decoding\"");
  const char *end;

  /* the document without its "decoding" member */
  g_assert_nonnull (decoding);
  end = strchr (decoding, '}');
  g_assert_nonnull (end);
  g_string_erase (s, decoding - s->str, end + 1 - decoding);
  {
    /* the comma that followed the member, or the one before it */
    gsize at = decoding - s->str;
    while (s->str[at] == ' ' || s->str[at] == '\n')
      at++;
    if (s->str[at] == ',')
      g_string_erase (s, at, 1);
  }
  model = as_model_new_from_data (s->str, s->len, "no-decoding.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (as_model_get_max_length (model), ==, 0);
  g_assert_cmpuint (as_model_get_max_length_for (model, 5), ==, 9);

  session = new_session (model, "hello world !");  /* 5 tokens framed */
  g_assert_cmpuint (as_session_get_max_length (session), ==, 9);
  g_assert_true (as_session_decode_greedy (session, &error));
  g_assert_cmpuint (as_session_get_n_steps (session), <=, 9);
}

/* The model has 24 positions: 22 words framed are the most it reads, and
 * a decoder takes at most 24 steps, forced or not. */
static void
test_positions (void)
{
  g_autoptr (AsModel) model = load_tiny_with (NULL, NULL);
  g_autoptr (GString) words = g_string_new (NULL);
  g_autoptr (GString) target = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AsSession) session = NULL;

  for (guint i = 0; i < 23; i++)
    g_string_append (words, i ? " hello" : "hello");
  session = as_session_new (model, words->str, &error);
  g_assert_null (session);
  g_assert_error (error, AS_ERROR, AS_ERROR_TOO_LONG);
  g_assert_cmpstr (error->message, ==, "The sentence has 23 tokens; this model reads at most 22");
  g_clear_error (&error);

  g_string_truncate (words, strlen ("hello") * 22 + 21);
  session = as_session_new (model, words->str, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 24; i++)
    g_string_append (target, i ? " monde" : "monde");
  g_assert_false (as_session_decode_forced (session, target->str, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_TOO_LONG);
  g_assert_cmpstr (error->message, ==, "The target translation has 24 tokens; at most 23 can be forced with this model");
  g_clear_error (&error);

  g_string_truncate (target, strlen ("monde") * 23 + 22);
  g_assert_true (as_session_decode_forced (session, target->str, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 24);
  g_assert_false (as_session_step (session, -1, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "The decoder takes at most 24 steps with this model");

  /* a longer --max-len is cut to the positions */
  as_session_set_max_length (session, 500);
  g_assert_cmpuint (as_session_get_max_length (session), ==, 24);
}

/* The decoder step on packed matrices gives what it gives on OpenBLAS with
 * the file's matrices: on tiny-transformer and the bundled en-zh-transformer,
 * with the default budget and with budgets that pack only some of them
 * (the generator first, then layer after layer, each where it fits),
 * greedy decodings take the same tokens, with every weight of every
 * attention, layer and head, and every candidate's probability within the
 * tolerances of the parity checks against PyTorch. */
static void
test_pack_budget (void)
{
  const struct { const char *file; double attention, prob; } models[] = {
    { "tiny-transformer.json", 1e-5, 2e-5 },
    { "en-zh-transformer.json", 1e-5, 4e-5 },
  };
  const gint64 budgets[] = { -1, 1, 300, 5000, 60000, 400000 };
  const char * const sentences[] = { "hello world", "Where is the station?", "I am hungry ." };

  for (guint f = 0; f < G_N_ELEMENTS (models); f++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), models[f].file, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (AsModel) plain = NULL;

      as_packed_set_budget (0);
      plain = as_model_new_from_file (path, &error);
      g_assert_no_error (error);
      for (guint b = 0; b < G_N_ELEMENTS (budgets); b++)
        {
          g_autoptr (AsModel) packed = NULL;

          as_packed_set_budget (budgets[b]);
          packed = as_model_new_from_file (path, &error);
          as_packed_set_budget (-1);
          g_assert_no_error (error);
          for (guint i = 0; i < G_N_ELEMENTS (sentences); i++)
            {
              g_autoptr (AsSession) x = new_session (packed, sentences[i]);
              g_autoptr (AsSession) y = new_session (plain, sentences[i]);

              g_assert_true (as_session_decode_greedy (x, &error));
              g_assert_true (as_session_decode_greedy (y, &error));
              g_assert_no_error (error);
              g_assert_cmpuint (as_session_get_n_steps (x), ==, as_session_get_n_steps (y));
              for (guint t = 0; t < as_session_get_n_steps (x); t++)
                {
                  const AsStep *p = as_session_get_step (x, t), *q = as_session_get_step (y, t);

                  g_assert_cmpint (p->output, ==, q->output);
                  for (guint k = 0; k < p->n_top; k++)
                    {
                      g_assert_cmpint (p->top_ids[k], ==, q->top_ids[k]);
                      g_assert_cmpfloat_with_epsilon (p->top_probs[k], q->top_probs[k], models[f].prob);
                    }
                }
              for (guint kind = 0; kind < AS_N_ATTENTION_KINDS; kind++)
                {
                  const AsAttention *p = as_session_get_attention (x, kind);
                  const AsAttention *q = as_session_get_attention (y, kind);

                  for (guint row = 0; row < as_attention_get_n_rows (p); row++)
                    for (guint l = 0; l < as_attention_get_n_layers (p); l++)
                      for (guint h = 0; h < as_attention_get_n_heads (p); h++)
                        for (guint c = 0; c < as_attention_get_row_length (p, row); c++)
                          g_assert_cmpfloat_with_epsilon (as_attention_get_row (p, l, h, row)[c],
                                                          as_attention_get_row (q, l, h, row)[c],
                                                          models[f].attention);
                }
            }
        }
    }
  as_packed_set_budget (-1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/transformer/decode-from-equals-fresh", test_decode_from_equals_fresh);
  g_test_add_func ("/transformer/beam", test_beam_width_1);
  g_test_add_func ("/transformer/attention-kinds", test_attention_kinds);
  g_test_add_func ("/transformer/default-length", test_default_length_rule);
  g_test_add_func ("/transformer/positions", test_positions);
  g_test_add_func ("/transformer/pack-budget", test_pack_budget);

  return g_test_run ();
}
