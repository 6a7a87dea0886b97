/* Beam search over a session (as_session_decode_beam): each hypothesis has
 * a decoder state of its own, copied from its parent's; the winner is
 * replayed in the session so that every step has its candidates and
 * attention. */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "as-error.h"
#include "as-kernels.h"
#include "as-session-private.h"

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

static void
free_states (AsSession *self,
             gpointer  *states,
             guint      n)
{
  for (guint b = 0; b < n; b++)
    g_clear_pointer (&states[b], self->arch->free_state);
}

gboolean
as_session_decode_beam (AsSession  *self,
                        guint       width,
                        GError    **error)
{
  const AsVocab *tgt = as_model_get_target (self->model);
  const guint L = self->max_length;
  const gsize n_cross = _as_session_row_block (self, AS_ATTENTION_CROSS);
  const gsize n_decoder_self = _as_session_row_block (self, AS_ATTENTION_DECODER_SELF);
  g_autofree int *tokens = NULL, *next_tokens = NULL;   /* (width, L) */
  g_autofree gpointer *states = NULL, *next_states = NULL;  /* (width) decoder states */
  g_autofree double *scores = NULL;
  g_autofree Candidate *candidates = NULL;
  g_autofree int *best_tokens = g_new (int, L);
  g_autofree int *top_ids = NULL;
  g_autofree float *top_values = NULL;
  g_autofree float *cross = g_new (float, n_cross);
  g_autofree float *decoder_self = n_decoder_self > 0 ? g_new0 (float, n_decoder_self) : NULL;
  double best_score = -INFINITY;
  guint best_length = 0, n_live = 1;
  gboolean ok = FALSE;

  if (!as_session_can_decode (self, error))
    return FALSE;
  if (width < 1 || width > AS_MAX_BEAM)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, "The beam width is %u; it must be between 1 and %d",
                   width, AS_MAX_BEAM);
      return FALSE;
    }
  width = MIN (width, (guint) self->n_target);
  /* each hypothesis steps, then the winner is replayed */
  if (!_as_session_check_work (self, L, width + 1, "the most the translation can have", error))
    return FALSE;

  tokens = g_new0 (int, width * L);
  next_tokens = g_new0 (int, width * L);
  states = g_new0 (gpointer, width);
  next_states = g_new0 (gpointer, width);
  scores = g_new0 (double, width);
  candidates = g_new0 (Candidate, width * width);
  top_ids = g_new0 (int, width);
  top_values = g_new0 (float, width);
  as_session_rewind (self, 0);
  states[0] = self->arch->copy_state (self->state);

  for (guint t = 0; t < L && n_live > 0; t++)
    {
      guint n_candidates = 0, n_next = 0;

      for (guint b = 0; b < n_live; b++)
        {
          int input = t == 0 ? tgt->start : tokens[b * L + t - 1];
          guint n_top;
          gboolean finite;

          self->arch->step (self->model, self->encoding, states[b], input, self->logprobs, cross, decoder_self,
                            _as_session_self_columns (self));
          n_top = as_log_softmax_top_k (self->logprobs, self->n_target, width, top_ids, top_values, &finite);
          if (!_as_session_check_finite (self, finite, cross, n_cross, decoder_self, n_decoder_self, t, error))
            goto out;
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
          next_states[n_next] = self->arch->copy_state (states[cand->beam]);
          scores[n_next] = cand->score;
          n_next++;
        }

      /* log-probabilities only fall: once the best ended hypothesis beats every live one, it wins */
      free_states (self, states, n_live);
      n_live = n_next;
      if (n_live > 0 && best_score >= scores[0])
        {
          free_states (self, next_states, n_live);
          n_live = 0;
        }
      { int *tk = tokens; tokens = next_tokens; next_tokens = tk; }
      { gpointer *st = states; states = next_states; next_states = st; }
    }

  /* replay the winner so that every step has its candidates and attention */
  as_session_rewind (self, 0);
  ok = TRUE;
  for (guint t = 0; t < best_length && ok; t++)
    ok = as_session_step (self, best_tokens[t], error);

out:
  free_states (self, states, width);
  free_states (self, next_states, width);
  return ok;
}
