/* A decoding session: one source sentence, its encoding, and the decoder's
 * steps so far, each with its input, output and candidates, and the
 * attention of every kind the model has, one record each. Greedy, forced,
 * picked and beam decoding are all sequences of as_session_step(). The
 * session runs any architecture through its table of operations
 * (as-architecture.h) and never asks which one it is. */

#include <math.h>
#include <string.h>

#include "as-architecture.h"
#include "as-error.h"
#include "as-kernels.h"
#include "as-session-private.h"


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
gboolean
_as_session_check_finite (AsSession   *self,
                          gboolean     logprobs_finite,
                          const float *cross,
                          gsize        n_cross,
                          const float *decoder_self,
                          gsize        n_decoder_self,
                          guint        t,
                          GError     **error)
{
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;

  if (logprobs_finite && as_all_finite (cross, n_cross) && as_all_finite (decoder_self, n_decoder_self))
    return TRUE;
  /* named as the loader names the model: its file's base name */
  base = g_path_get_basename (as_model_get_path (self->model));
  name = as_escape_controls (base);
  g_set_error (error, AS_ERROR, AS_ERROR_FORMAT,
               "%s: the decoder's numbers overflow at step %u (NaN or infinity): the model's weights are too large",
               name, t);
  return FALSE;
}

/* -sum p log p (nats) of the mean over @n_heads rows of @n_columns weights
 * that follow each other in @block, over the first @length columns. */
static double
row_entropy (const float *block,
             guint        n_heads,
             guint        n_columns,
             guint        length)
{
  double entropy = 0.0;

  for (guint j = 0; j < length; j++)
    {
      double p = 0.0;

      for (guint h = 0; h < n_heads; h++)
        p += block[(gsize) h * n_columns + j];
      p /= n_heads;
      if (p > 0.0)
        entropy -= p * log (p);
    }
  return entropy;
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
  self->capacity = capacity;
}

/* The size of one row of @kind's record: every layer and head. */
gsize
_as_session_row_block (AsSession       *self,
           AsAttentionKind  kind)
{
  const AsAttention *a = self->attention[kind];

  if (a == NULL)
    return 0;
  return (gsize) as_attention_get_n_layers (a) * as_attention_get_n_heads (a) * as_attention_get_n_columns (a);
}

guint
_as_session_self_columns (AsSession *self)
{
  const AsAttention *a = self->attention[AS_ATTENTION_DECODER_SELF];

  return a != NULL ? as_attention_get_n_columns (a) : 0;
}

/* The layers times heads of @kind's attention (0 when the model has none). */
static guint64
layers_heads (AsSession       *self,
              AsAttentionKind  kind)
{
  guint n_layers, n_heads;

  if (!self->arch->get_attention_shape (self->model, kind, &n_layers, &n_heads))
    return 0;
  return (guint64) n_layers * n_heads;
}

/* The attention weights that @n_steps steps compute, once: each step's
 * cross-attention over the source, and its self-attention over the steps
 * so far (counted as @n_steps each: an upper bound). */
static guint64
decode_weights (AsSession *self,
                guint64    n_steps)
{
  return n_steps * (self->n_source * layers_heads (self, AS_ATTENTION_CROSS) +
                    n_steps * layers_heads (self, AS_ATTENTION_DECODER_SELF));
}

/* The most steps, of @n_steps at most, that fit @fits. */
static guint
most_steps (AsSession *self,
            guint      n_steps,
            guint      n_runs,
            gboolean (*fits) (AsSession *, guint64, guint))
{
  guint lo = 0, hi = n_steps;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo + 1) / 2;

      if (fits (self, mid, n_runs))
        lo = mid;
      else
        hi = mid - 1;
    }
  return lo;
}

static gboolean
weights_fit (AsSession *self,
             guint64    n_steps,
             guint      n_runs)
{
  return n_runs * decode_weights (self, n_steps) <= AS_MAX_ATTENTION_WEIGHTS;
}

/* a decoder step reads (at most) each of the model's parameters once */
static gboolean
steps_fit (AsSession *self,
           guint64    n_steps,
           guint      n_runs)
{
  return n_runs * n_steps * as_model_get_n_parameters (self->model) <= AS_MAX_DECODER_WORK;
}

gboolean
_as_session_check_work (AsSession   *self,
                        guint        n_steps,
                        guint        n_runs,
                        const char  *what,
                        GError     **error)
{
  g_autofree char *runs = n_runs > 1 ? g_strdup_printf (" x %u hypotheses and the replay", n_runs - 1) : g_strdup ("");

  if (!weights_fit (self, n_steps, n_runs))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_TOO_LONG,
                   "Too much work: %u steps (%s)%s over %u source tokens would compute %" G_GUINT64_FORMAT
                   " attention weights with this model; the limit is %" G_GUINT64_FORMAT
                   " (AttnScope's work limit): this sentence can have at most %u steps%s",
                   n_steps, what, runs, self->n_source, n_runs * decode_weights (self, n_steps),
                   AS_MAX_ATTENTION_WEIGHTS, most_steps (self, n_steps, n_runs, weights_fit),
                   n_runs > 1 ? " at this beam width" : "");
      return FALSE;
    }
  if (!steps_fit (self, n_steps, n_runs))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_TOO_LONG,
                   "Too much work: %u steps (%s)%s of this model's %" G_GUINT64_FORMAT
                   " parameters would take %" G_GUINT64_FORMAT " multiply-adds; the limit is %" G_GUINT64_FORMAT
                   " (AttnScope's work limit): this model can take at most %u steps%s",
                   n_steps, what, runs, as_model_get_n_parameters (self->model),
                   (guint64) n_runs * n_steps * as_model_get_n_parameters (self->model), AS_MAX_DECODER_WORK,
                   most_steps (self, n_steps, n_runs, steps_fit), n_runs > 1 ? " at this beam width" : "");
      return FALSE;
    }
  return TRUE;
}

/* The (empty) record of @kind, if the model has that kind. */
static void
make_record (AsSession       *self,
             AsAttentionKind  kind)
{
  guint n_layers, n_heads, n_columns;

  g_clear_pointer (&self->attention[kind], as_attention_free);
  if (!self->arch->get_attention_shape (self->model, kind, &n_layers, &n_heads))
    return;
  /* decoder self-attention has a column per step that can ever be taken */
  n_columns = kind == AS_ATTENTION_DECODER_SELF ? self->step_limit : self->n_source;
  self->attention[kind] = as_attention_new (kind, n_layers, n_heads, n_columns);
}

AsSession *
as_session_new (AsModel     *model,
                const char  *sentence,
                GError     **error)
{
  return as_session_new_cancellable (model, sentence, NULL, error);
}

AsSession *
as_session_new_cancellable (AsModel       *model,
                            const char    *sentence,
                            GCancellable  *cancellable,
                            GError       **error)
{
  const AsVocab *src;
  g_auto (GStrv) words = NULL;
  g_autoptr (AsSession) self = NULL;
  g_autoptr (GHashTable) seen = NULL;
  const AsArchitecture *arch;
  guint n_words, n_source;

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
  arch = as_model_get_architecture (model);
  n_source = n_words + (arch->source_starts ? 1 : 0) + (arch->source_ends ? 1 : 0);
  if (n_source > AS_MAX_SOURCE_TOKENS)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_TOO_LONG,
                   "The sentence has %u tokens; AttnScope translates at most %u",
                   n_words, AS_MAX_SOURCE_TOKENS - (n_source - n_words));
      return NULL;
    }
  if (as_model_get_max_positions (model) > 0 && n_source > as_model_get_max_positions (model))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_TOO_LONG,
                   "The sentence has %u tokens; this model reads at most %u",
                   n_words, as_model_get_max_positions (model) - (n_source - n_words));
      return NULL;
    }

  /* the encoder's self-attention is source tokens squared: the work limit */
  {
    guint n_layers, n_heads;

    if (arch->get_attention_shape (model, AS_ATTENTION_ENCODER_SELF, &n_layers, &n_heads) &&
        (guint64) n_source * n_source * n_layers * n_heads > AS_MAX_ATTENTION_WEIGHTS)
      {
        g_set_error (error, AS_ERROR, AS_ERROR_TOO_LONG,
                     "Too much work: the encoder's self-attention over %u source tokens would compute %" G_GUINT64_FORMAT
                     " attention weights with this model; the limit is %" G_GUINT64_FORMAT " (AttnScope's work limit)",
                     n_source, (guint64) n_source * n_source * n_layers * n_heads, AS_MAX_ATTENTION_WEIGHTS);
        return NULL;
      }
  }

  self = g_new0 (AsSession, 1);
  self->model = as_model_ref (model);
  self->arch = arch;
  self->sentence = g_utf8_make_valid (sentence, -1);
  self->n_source = n_source;
  self->first_word = arch->source_starts ? 1 : 0;
  self->n_words = n_words;
  self->source_text = g_new0 (char *, self->n_source + 1);
  self->source_ids = g_new0 (int, self->n_source);
  self->unknown_words = g_ptr_array_new_with_free_func (g_free);
  self->n_target = as_model_get_target (model)->size;
  self->step_limit = AS_MAX_DECODE_LENGTH;
  if (as_model_get_max_positions (model) > 0)
    self->step_limit = MIN (self->step_limit, as_model_get_max_positions (model));
  self->max_length = MIN (as_model_get_max_length_for (model, n_source), self->step_limit);

  if (arch->source_starts)
    {
      self->source_text[0] = g_strdup (as_vocab_get_token (src, src->start));
      self->source_ids[0] = src->start;
    }
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_words; i++)
    {
      int id = as_vocab_lookup (src, words[i]);

      self->source_text[self->first_word + i] = g_strdup (words[i]);
      if (id < 0)
        {
          /* a set, not a search of the list: 50,000 different words would take seconds */
          if (g_hash_table_add (seen, words[i]))
            g_ptr_array_add (self->unknown_words, g_strdup (words[i]));
          id = src->unknown;
        }
      self->source_ids[self->first_word + i] = id;
    }
  if (arch->source_ends)
    {
      self->source_text[n_source - 1] = g_strdup (as_vocab_get_token (src, src->end));
      self->source_ids[n_source - 1] = src->end;
    }
  g_ptr_array_add (self->unknown_words, NULL);

  for (guint kind = 0; kind < AS_N_ATTENTION_KINDS; kind++)
    make_record (self, kind);
  /* words it cannot read are shown, but not encoded: only the memory bound is checked */
  self->encoding = arch->encode (model, as_session_can_decode (self, NULL) ? self->source_ids : NULL,
                                 self->n_source, self->attention[AS_ATTENTION_ENCODER_SELF], cancellable, error);
  if (self->encoding == NULL)
    return NULL;
  self->state = arch->new_state (model, self->encoding);
  self->logprobs = g_new0 (float, self->n_target);
  reserve_steps (self, MIN (self->max_length, 64));

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
  if (self->state != NULL)
    self->arch->free_state (self->state);
  if (self->encoding != NULL)
    self->arch->free_encoding (self->encoding);
  for (guint kind = 0; kind < AS_N_ATTENTION_KINDS; kind++)
    g_clear_pointer (&self->attention[kind], as_attention_free);
  g_free (self->logprobs);
  g_free (self->steps);
  g_clear_pointer (&self->beam_nodes, g_array_unref);
  g_clear_pointer (&self->beam_best, g_array_unref);
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
  return as_vocab_get_token (as_model_get_source (self->model), self->source_ids[i]);
}

const char *
as_session_get_source_text (AsSession *self,
                            guint      i)
{
  g_return_val_if_fail (i < self->n_source, NULL);
  return self->source_text[i];
}

void
as_session_get_words (AsSession *self,
                      guint     *first,
                      guint     *n_words)
{
  *first = self->first_word;
  *n_words = self->n_words;
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
  return i >= self->first_word && i < self->first_word + self->n_words &&
         as_vocab_lookup (src, self->source_text[i]) < 0;
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
  self->max_length = CLAMP (max_length, 1, self->step_limit);
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
  return as_vocab_get_token (tgt, id);
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
  AsAttention *cross = self->attention[AS_ATTENTION_CROSS];
  AsAttention *decoder_self = self->attention[AS_ATTENTION_DECODER_SELF];
  const guint t = self->n_steps;
  AsStep *step;
  float *cross_row, *self_row;
  gboolean finite;

  if (!as_session_can_decode (self, error))
    return FALSE;
  if (token < -1 || token >= self->n_target)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, "Token id %d is not in the target vocabulary (0..%d)",
                   token, self->n_target - 1);
      return FALSE;
    }
  if (t >= self->step_limit)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, "The decoder takes at most %u steps%s", self->step_limit,
                   self->step_limit < AS_MAX_DECODE_LENGTH ? " with this model" : "");
      return FALSE;
    }

  /* every path (greedy, forced, picked, a beam's replay) within the work limit */
  if (!weights_fit (self, t + 1, 1) || !steps_fit (self, t + 1, 1))
    return _as_session_check_work (self, t + 1, 1, "one at a time", error);

  reserve_steps (self, t + 1);
  step = &self->steps[t];
  memset (step, 0, sizeof *step);
  step->input = t == 0 ? tgt->start : self->steps[t - 1].output;

  cross_row = as_attention_begin_row (cross, t);
  self_row = decoder_self != NULL ? as_attention_begin_row (decoder_self, t) : NULL;
  /* the logits, made log-probabilities in place with the best candidates */
  self->arch->step (self->model, self->encoding, self->state, step->input, self->logprobs, cross_row, self_row,
                    _as_session_self_columns (self));
  step->n_top = as_log_softmax_top_k (self->logprobs, self->n_target, AS_MAX_TOP, step->top_ids, step->top_probs, &finite);
  if (!_as_session_check_finite (self, finite, cross_row, _as_session_row_block (self, AS_ATTENTION_CROSS),
                                 self_row, _as_session_row_block (self, AS_ATTENTION_DECODER_SELF), t, error))
    {
      as_session_rewind (self, t);
      return FALSE;
    }

  for (guint k = 0; k < step->n_top; k++)
    step->top_probs[k] = expf (step->top_probs[k]);
  step->output = token >= 0 ? token : step->top_ids[0];
  step->chosen = token >= 0 && token != step->top_ids[0];
  step->logprob = self->logprobs[step->output];
  step->prob = expf (step->logprob);
  {
    /* of the last layer's heads' mean, as the viewer shows it first */
    guint n_layers = as_attention_get_n_layers (cross), n_heads = as_attention_get_n_heads (cross);
    guint n_columns = as_attention_get_n_columns (cross);

    step->entropy = (float) row_entropy (cross_row + (gsize) (n_layers - 1) * n_heads * n_columns,
                                         n_heads, n_columns, n_columns);
  }

  self->n_steps = t + 1;
  return TRUE;
}

void
as_session_rewind (AsSession *self,
                   guint      n_steps)
{
  self->n_steps = MIN (self->n_steps, n_steps);
  self->arch->rewind (self->state, self->n_steps);
  for (guint kind = 0; kind < AS_N_ATTENTION_KINDS; kind++)
    if (kind != AS_ATTENTION_ENCODER_SELF && self->attention[kind] != NULL)
      as_attention_truncate (self->attention[kind], self->n_steps);
}

const AsAttention *
as_session_get_attention (AsSession       *self,
                          AsAttentionKind  kind)
{
  g_return_val_if_fail ((guint) kind < AS_N_ATTENTION_KINDS, NULL);
  return self->attention[kind];
}

const float *
as_session_get_cross_attention (AsSession *self,
                                guint      t)
{
  g_return_val_if_fail (t < self->n_steps, NULL);
  return as_attention_get_row (self->attention[AS_ATTENTION_CROSS], 0, 0, t);
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
  if (!_as_session_check_work (self, self->max_length, 1, "the most the translation can have", error))
    return FALSE;
  _as_session_clear_beam (self);
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
  if (n + 1 > self->step_limit)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_TOO_LONG, "The target translation has %u tokens; at most %u can be forced%s",
                   n, self->step_limit - 1, self->step_limit < AS_MAX_DECODE_LENGTH ? " with this model" : "");
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
  if (!_as_session_check_work (self, n + 1, 1, "the forced translation and its end", error))
    return FALSE;
  if (unknown->len > 0)
    {
      g_autofree char *list = NULL;
      g_ptr_array_add (unknown, NULL);
      list = quote_words ((char **) unknown->pdata);
      g_set_error (error, AS_ERROR, AS_ERROR_UNKNOWN_WORDS,
                   "The target vocabulary has no %s and no unknown token", list);
      return FALSE;
    }

  _as_session_clear_beam (self);
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
  if (!_as_session_check_work (self, MAX (self->max_length, step + 1), 1, "the most the translation can have", error))
    return FALSE;
  _as_session_clear_beam (self);
  as_session_rewind (self, step);
  if (!as_session_step (self, token, error))
    return FALSE;
  return decode_greedy_on (self, error);
}

void
as_session_get_score (AsSession *self,
                      AsScore   *score)
{
  double total = 0.0;

  for (guint t = 0; t < self->n_steps; t++)
    total += self->steps[t].logprob;
  score->length = self->n_steps;
  score->total = total;
  score->normalised = self->n_steps > 0 ? total / self->n_steps : 0.0;
  score->perplexity = self->n_steps > 0 ? exp (-score->normalised) : 0.0;
}

double
as_session_get_entropy (AsSession       *self,
                        AsAttentionKind  kind,
                        int              layer,
                        int              head,
                        guint            row)
{
  const AsAttention *a;
  guint n_layers, n_heads, n_columns;
  const float *block;

  g_return_val_if_fail ((guint) kind < AS_N_ATTENTION_KINDS, NAN);
  a = self->attention[kind];
  if (a == NULL || row >= as_attention_get_n_rows (a))
    return NAN;
  n_layers = as_attention_get_n_layers (a);
  n_heads = as_attention_get_n_heads (a);
  n_columns = as_attention_get_n_columns (a);
  if (layer < 0)
    layer = (int) n_layers - 1;
  if ((guint) layer >= n_layers || head >= (int) n_heads || head < AS_ATTENTION_MEAN)
    return NAN;
  block = as_attention_get_row (a, (guint) layer, head == AS_ATTENTION_MEAN ? 0 : (guint) head, row);
  return row_entropy (block, head == AS_ATTENTION_MEAN ? n_heads : 1, n_columns,
                      as_attention_get_row_length (a, row));
}
