/* A decoding session: one source sentence, its encoder states, and the
 * decoder's steps so far, each with its input, output, candidates and
 * attention row. Greedy, forced, picked and beam decoding are all sequences
 * of as_session_step(). */

#include <math.h>
#include <string.h>

#include "as-error.h"
#include "as-gru-bahdanau.h"
#include "as-kernels.h"
#include "as-session.h"

/* 2^28 floats (1 GiB) for the encoder's buffers of one sentence */
#define MAX_ENCODER_FLOATS (G_GUINT64_CONSTANT (1) << 28)

struct _AsSession
{
  AsModel    *model;
  char       *sentence;
  guint       n_source;
  char      **source_text;     /* (n_source) as typed; the end token last */
  int        *source_ids;      /* (n_source) -1 for a word the model does not know */
  GPtrArray  *unknown_words;   /* distinct, NULL-terminated */
  gboolean    encoded;

  AsGruState *state;
  int         hidden_size;
  int         n_target;
  float      *logprobs;        /* (T) of the last step */

  guint       max_length;
  guint       n_steps;
  guint       capacity;        /* steps that the arrays below hold */
  AsStep     *steps;           /* (capacity) */
  float      *attention;       /* (capacity, n_source) */
  float      *hidden;          /* (capacity + 1, H): the decoder state before each step */
};

#define MAX_WORDS_NAMED 20

/* Words go into messages quoted, one line, with control characters as
 * escapes (\u001B...): a sentence cannot drive the terminal through them.
 * Past MAX_WORDS_NAMED, the message says how many more there are. */
static char *
quote_words (char **words)
{
  GString *out = g_string_new (NULL);
  guint n = g_strv_length (words);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (i == MAX_WORDS_NAMED)
        {
          g_string_append_printf (out, " (and %u more)", n - i);
          break;
        }
      if (i > 0)
        g_string_append (out, ", ");
      g_autofree char *word = as_escape_controls (words[i]);
      g_string_append_printf (out, "\"%s\"", word);
    }
  return g_string_free (out, FALSE);
}

/* A model whose weights are finite but huge overflows float arithmetic: the
 * attention and the log-probabilities become NaN or infinite. Such a step is
 * refused rather than shown (and written into JSON as "nan"). */
static gboolean
all_finite (const float *x,
            gsize        n)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (x[i]))
      return FALSE;
  return TRUE;
}

static gboolean
check_finite (AsSession   *self,
              const float *attention,
              guint        t,
              GError     **error)
{
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;

  if (all_finite (attention, self->n_source) && all_finite (self->logprobs, self->n_target))
    return TRUE;
  /* named as the loader names the model: its file's base name */
  base = g_path_get_basename (as_model_get_path (self->model));
  name = as_escape_controls (base);
  g_set_error (error, AS_ERROR, AS_ERROR_FORMAT,
               "%s: the decoder's numbers overflow at step %u (NaN or infinity): the model's weights are too large",
               name, t);
  return FALSE;
}

static void
reserve_steps (AsSession *self,
               guint      needed)
{
  guint capacity = MAX (self->capacity, 16);

  if (needed <= self->capacity)
    return;
  while (capacity < needed)
    capacity *= 2;

  self->steps = g_renew (AsStep, self->steps, capacity);
  self->attention = g_renew (float, self->attention, (gsize) capacity * self->n_source);
  self->hidden = g_renew (float, self->hidden, (gsize) (capacity + 1) * self->hidden_size);
  self->capacity = capacity;

  /* the attention rows moved with their buffer */
  for (guint t = 0; t < self->n_steps; t++)
    self->steps[t].attention = self->attention + (gsize) t * self->n_source;
}

AsSession *
as_session_new (AsModel     *model,
                const char  *sentence,
                GError     **error)
{
  const AsVocab *src;
  g_auto (GStrv) words = NULL;
  g_autoptr (AsSession) self = NULL;
  g_autoptr (GHashTable) seen = NULL;
  guint n_words;

  g_return_val_if_fail (model != NULL, NULL);

  src = as_model_get_source (model);
  words = as_tokenize (sentence, src->tokenizer, src->lowercase);
  n_words = g_strv_length (words);
  if (n_words == 0)
    {
      g_set_error_literal (error, AS_ERROR, AS_ERROR_EMPTY_INPUT,
                           "The sentence has no words to translate");
      return NULL;
    }
  if (n_words + 1 > AS_MAX_SOURCE_TOKENS)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_TOO_LONG,
                   "The sentence has %u tokens; AttnScope translates at most %d",
                   n_words, AS_MAX_SOURCE_TOKENS - 1);
      return NULL;
    }
  /* the encoder keeps about 6 floats per token and hidden unit (outputs,
   * keys, energies, 3 input projections): a wide model and a long sentence
   * would ask for gigabytes, and g_new() aborts rather than fail */
  {
    const guint64 hidden = as_model_get_config (model)->hidden;
    const guint64 most = MAX_ENCODER_FLOATS / (6 * hidden);

    if ((guint64) n_words + 1 > most)
      {
        g_set_error (error, AS_ERROR, AS_ERROR_TOO_LONG,
                     "The sentence has %u tokens; with this model (hidden size %" G_GUINT64_FORMAT
                     ") AttnScope translates at most %" G_GUINT64_FORMAT,
                     n_words, hidden, most - 1);
        return NULL;
      }
  }

  self = g_new0 (AsSession, 1);
  self->model = as_model_ref (model);
  self->sentence = g_utf8_make_valid (sentence, -1);
  self->n_source = n_words + 1;
  self->source_text = g_new0 (char *, self->n_source + 1);
  self->source_ids = g_new0 (int, self->n_source);
  self->unknown_words = g_ptr_array_new_with_free_func (g_free);
  self->hidden_size = as_model_get_config (model)->hidden;
  self->n_target = as_model_get_config (model)->tgt_vocab;
  self->max_length = as_model_get_config (model)->max_length;

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_words; i++)
    {
      int id = as_vocab_lookup (src, words[i]);

      self->source_text[i] = g_strdup (words[i]);
      if (id < 0)
        {
          /* a set, not a search of the list: 50,000 different words would take seconds */
          if (g_hash_table_add (seen, words[i]))
            g_ptr_array_add (self->unknown_words, g_strdup (words[i]));
          id = src->unknown;
        }
      self->source_ids[i] = id;
    }
  self->source_text[n_words] = g_strdup (src->tokens[src->end]);
  self->source_ids[n_words] = src->end;
  g_ptr_array_add (self->unknown_words, NULL);

  self->state = as_gru_state_new (model, self->n_source);
  self->logprobs = g_new0 (float, self->n_target);
  reserve_steps (self, MIN (self->max_length, 64));

  if (as_session_can_decode (self, NULL))
    {
      as_gru_encode (model, self->state, self->source_ids, self->hidden);
      self->encoded = TRUE;
    }

  return g_steal_pointer (&self);
}

void
as_session_free (AsSession *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->model, as_model_unref);
  g_free (self->sentence);
  g_strfreev (self->source_text);
  g_free (self->source_ids);
  g_ptr_array_unref (self->unknown_words);
  as_gru_state_free (self->state);
  g_free (self->logprobs);
  g_free (self->steps);
  g_free (self->attention);
  g_free (self->hidden);
  g_free (self);
}

AsModel *
as_session_get_model (AsSession *self)
{
  return self->model;
}

const char *
as_session_get_sentence (AsSession *self)
{
  return self->sentence;
}

guint
as_session_get_n_source (AsSession *self)
{
  return self->n_source;
}

const char *
as_session_get_source_token (AsSession *self,
                             guint      i)
{
  g_return_val_if_fail (i < self->n_source, NULL);
  if (self->source_ids[i] < 0)
    return self->source_text[i];
  return as_model_get_source (self->model)->tokens[self->source_ids[i]];
}

const char *
as_session_get_source_text (AsSession *self,
                            guint      i)
{
  g_return_val_if_fail (i < self->n_source, NULL);
  return self->source_text[i];
}

int
as_session_get_source_id (AsSession *self,
                          guint      i)
{
  g_return_val_if_fail (i < self->n_source, -1);
  return self->source_ids[i];
}

gboolean
as_session_source_is_unknown (AsSession *self,
                              guint      i)
{
  const AsVocab *src = as_model_get_source (self->model);

  g_return_val_if_fail (i < self->n_source, FALSE);
  return i + 1 < self->n_source && as_vocab_lookup (src, self->source_text[i]) < 0;
}

const char * const *
as_session_get_unknown_words (AsSession *self)
{
  return (const char * const *) self->unknown_words->pdata;
}

gboolean
as_session_can_decode (AsSession  *self,
                       GError    **error)
{
  guint n_unknown = self->unknown_words->len - 1;

  if (n_unknown > 0 && as_model_get_source (self->model)->unknown < 0)
    {
      g_autofree char *list = quote_words ((char **) self->unknown_words->pdata);
      g_set_error (error, AS_ERROR, AS_ERROR_UNKNOWN_WORDS,
                   "The model does not know %s %s and has no unknown token to stand in",
                   n_unknown == 1 ? "the word" : "the words", list);
      return FALSE;
    }
  return TRUE;
}

guint
as_session_get_max_length (AsSession *self)
{
  return self->max_length;
}

void
as_session_set_max_length (AsSession *self,
                           guint      max_length)
{
  self->max_length = CLAMP (max_length, 1, AS_MAX_DECODE_LENGTH);
}

guint
as_session_get_n_steps (AsSession *self)
{
  return self->n_steps;
}

const AsStep *
as_session_get_step (AsSession *self,
                     guint      t)
{
  g_return_val_if_fail (t < self->n_steps, NULL);
  return &self->steps[t];
}

const char *
as_session_get_target_token (AsSession *self,
                             int        id)
{
  const AsVocab *tgt = as_model_get_target (self->model);

  g_return_val_if_fail (id >= 0 && (guint) id < tgt->size, NULL);
  return tgt->tokens[id];
}

char *
as_session_get_translation (AsSession *self)
{
  g_autofree int *ids = g_new (int, MAX (self->n_steps, 1));

  for (guint t = 0; t < self->n_steps; t++)
    ids[t] = self->steps[t].output;
  return as_vocab_join (as_model_get_target (self->model), ids, self->n_steps);
}

gboolean
as_session_is_finished (AsSession *self)
{
  const AsVocab *tgt = as_model_get_target (self->model);

  return self->n_steps >= self->max_length ||
         (self->n_steps > 0 && self->steps[self->n_steps - 1].output == tgt->end);
}

gboolean
as_session_step (AsSession  *self,
                 int         token,
                 GError    **error)
{
  const AsVocab *tgt = as_model_get_target (self->model);
  const guint t = self->n_steps;
  const gsize H = self->hidden_size;
  AsStep *step;
  float *hidden;

  if (!as_session_can_decode (self, error))
    return FALSE;
  if (token < -1 || token >= self->n_target)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, "Token id %d is not in the target vocabulary (0..%d)",
                   token, self->n_target - 1);
      return FALSE;
    }
  if (t >= AS_MAX_DECODE_LENGTH)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, "The decoder takes at most %d steps", AS_MAX_DECODE_LENGTH);
      return FALSE;
    }

  reserve_steps (self, t + 1);
  step = &self->steps[t];
  memset (step, 0, sizeof *step);
  step->input = t == 0 ? tgt->start : self->steps[t - 1].output;
  step->attention = self->attention + (gsize) t * self->n_source;

  /* the state after the step goes in the next slot; the one before stays for rewinding */
  hidden = self->hidden + (t + 1) * H;
  memcpy (hidden, self->hidden + t * H, H * sizeof (float));
  as_gru_decode_step (self->model, self->state, step->input, hidden,
                      (float *) step->attention, self->logprobs);
  if (!check_finite (self, step->attention, t, error))
    return FALSE;

  step->n_top = as_top_k (self->logprobs, self->n_target, AS_MAX_TOP, step->top_ids, step->top_probs);
  for (guint k = 0; k < step->n_top; k++)
    step->top_probs[k] = expf (step->top_probs[k]);
  step->output = token >= 0 ? token : step->top_ids[0];
  step->chosen = token >= 0 && token != step->top_ids[0];
  step->logprob = self->logprobs[step->output];
  step->prob = expf (step->logprob);

  self->n_steps = t + 1;
  return TRUE;
}

void
as_session_rewind (AsSession *self,
                   guint      n_steps)
{
  self->n_steps = MIN (self->n_steps, n_steps);
}

static gboolean
decode_greedy_on (AsSession  *self,
                  GError    **error)
{
  while (!as_session_is_finished (self))
    if (!as_session_step (self, -1, error))
      return FALSE;
  return TRUE;
}

gboolean
as_session_decode_greedy (AsSession  *self,
                          GError    **error)
{
  as_session_rewind (self, 0);
  return decode_greedy_on (self, error);
}

gboolean
as_session_decode_forced (AsSession   *self,
                          const char  *target,
                          GError     **error)
{
  const AsVocab *tgt = as_model_get_target (self->model);
  g_auto (GStrv) words = as_tokenize (target, tgt->tokenizer, tgt->lowercase);
  g_autoptr (GPtrArray) unknown = g_ptr_array_new ();
  guint n = g_strv_length (words);
  g_autofree int *ids = g_new (int, n + 1);

  if (!as_session_can_decode (self, error))
    return FALSE;
  if (n == 0)
    {
      g_set_error_literal (error, AS_ERROR, AS_ERROR_EMPTY_INPUT, "The target translation has no tokens");
      return FALSE;
    }
  if (n + 1 > AS_MAX_DECODE_LENGTH)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_TOO_LONG, "The target translation has %u tokens; at most %d can be forced",
                   n, AS_MAX_DECODE_LENGTH - 1);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      ids[i] = as_vocab_lookup (tgt, words[i]);
      if (ids[i] < 0)
        {
          ids[i] = tgt->unknown;
          if (tgt->unknown < 0)
            g_ptr_array_add (unknown, words[i]);
        }
    }
  ids[n] = tgt->end;
  if (unknown->len > 0)
    {
      g_autofree char *list = NULL;
      g_ptr_array_add (unknown, NULL);
      list = quote_words ((char **) unknown->pdata);
      g_set_error (error, AS_ERROR, AS_ERROR_UNKNOWN_WORDS,
                   "The target vocabulary has no %s and no unknown token", list);
      return FALSE;
    }

  as_session_rewind (self, 0);
  for (guint i = 0; i <= n; i++)
    if (!as_session_step (self, ids[i], error))
      return FALSE;
  return TRUE;
}

gboolean
as_session_decode_from (AsSession  *self,
                        guint       step,
                        int         token,
                        GError    **error)
{
  if (step > self->n_steps)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, "Step %u is past the %u step%s decoded so far",
                   step, self->n_steps, self->n_steps == 1 ? "" : "s");
      return FALSE;
    }
  as_session_rewind (self, step);
  if (!as_session_step (self, token, error))
    return FALSE;
  return decode_greedy_on (self, error);
}

/* ---- beam search --------------------------------------------------------- */

typedef struct
{
  double score;   /* total log-probability */
  int    beam;    /* the hypothesis it extends */
  int    token;
} Candidate;

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *x = a, *y = b;

  if (x->score != y->score)
    return x->score < y->score ? 1 : -1;
  return x->beam != y->beam ? x->beam - y->beam : x->token - y->token;
}

gboolean
as_session_decode_beam (AsSession  *self,
                        guint       width,
                        GError    **error)
{
  const AsVocab *tgt = as_model_get_target (self->model);
  const guint L = self->max_length, H = self->hidden_size;
  g_autofree int *tokens = NULL, *next_tokens = NULL;   /* (width, L) */
  g_autofree float *hidden = NULL, *next_hidden = NULL; /* (width, H) */
  g_autofree float *stepped = NULL;                     /* (width, H) */
  g_autofree double *scores = NULL;
  g_autofree Candidate *candidates = NULL;
  g_autofree int *best_tokens = g_new (int, L);
  g_autofree int *top_ids = NULL;
  g_autofree float *top_values = NULL;
  g_autofree float *attention = g_new (float, self->n_source);
  double best_score = -INFINITY;
  guint best_length = 0, n_live = 1;

  if (!as_session_can_decode (self, error))
    return FALSE;
  if (width < 1 || width > 64)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, "The beam width is %u; it must be between 1 and 64", width);
      return FALSE;
    }
  width = MIN (width, (guint) self->n_target);

  tokens = g_new0 (int, width * L);
  next_tokens = g_new0 (int, width * L);
  hidden = g_new0 (float, width * H);
  next_hidden = g_new0 (float, width * H);
  stepped = g_new0 (float, width * H);
  scores = g_new0 (double, width);
  candidates = g_new0 (Candidate, width * width);
  top_ids = g_new0 (int, width);
  top_values = g_new0 (float, width);
  memcpy (hidden, self->hidden, H * sizeof (float));

  for (guint t = 0; t < L && n_live > 0; t++)
    {
      guint n_candidates = 0, n_next = 0;

      for (guint b = 0; b < n_live; b++)
        {
          int input = t == 0 ? tgt->start : tokens[b * L + t - 1];
          guint n_top;

          memcpy (stepped + b * H, hidden + b * H, H * sizeof (float));
          as_gru_decode_step (self->model, self->state, input, stepped + b * H, attention, self->logprobs);
          if (!check_finite (self, attention, t, error))
            return FALSE;
          n_top = as_top_k (self->logprobs, self->n_target, width, top_ids, top_values);
          for (guint k = 0; k < n_top; k++)
            candidates[n_candidates++] = (Candidate) { scores[b] + top_values[k], b, top_ids[k] };
        }
      qsort (candidates, n_candidates, sizeof (Candidate), compare_candidates);

      for (guint c = 0; c < n_candidates && n_next < width; c++)
        {
          const Candidate *cand = &candidates[c];
          gboolean ends = cand->token == tgt->end || t + 1 == L;

          if (ends)
            {
              if (cand->score > best_score)
                {
                  best_score = cand->score;
                  best_length = t + 1;
                  memcpy (best_tokens, tokens + cand->beam * L, t * sizeof (int));
                  best_tokens[t] = cand->token;
                }
              continue;
            }
          memcpy (next_tokens + n_next * L, tokens + cand->beam * L, t * sizeof (int));
          next_tokens[n_next * L + t] = cand->token;
          memcpy (next_hidden + n_next * H, stepped + cand->beam * H, H * sizeof (float));
          scores[n_next] = cand->score;
          n_next++;
        }

      /* log-probabilities only fall: once the best ended hypothesis beats every live one, it wins */
      n_live = n_next;
      if (n_live > 0 && best_score >= scores[0])
        n_live = 0;
      { int *tk = tokens; tokens = next_tokens; next_tokens = tk; }
      { float *hd = hidden; hidden = next_hidden; next_hidden = hd; }
    }

  /* replay the winner so that every step has its candidates and attention */
  as_session_rewind (self, 0);
  for (guint t = 0; t < best_length; t++)
    if (!as_session_step (self, best_tokens[t], error))
      return FALSE;
  return TRUE;
}
