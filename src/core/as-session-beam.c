/* Beam search over a session (as_session_decode_beam): each hypothesis has
 * a decoder state of its own, copied from its parent's; the winner is
 * replayed in the session so that every step has its candidates and
 * attention. Every candidate of every step goes into a tree (kept, ended
 * or pruned, with its parent), which the viewer draws and from which any
 * hypothesis or prefix can be replayed in the session. */

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
  float  logprob; /* of @token */
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

/* Ended nodes by score, best first; of equal ones, the one met first. */
static int
compare_ended (gconstpointer a,
               gconstpointer b,
               gpointer      data)
{
  AsSession *self = data;
  const AsBeamNode *x = &g_array_index (self->beam_nodes, AsBeamNode, *(const guint *) a);
  const AsBeamNode *y = &g_array_index (self->beam_nodes, AsBeamNode, *(const guint *) b);

  if (x->score != y->score)
    return x->score < y->score ? 1 : -1;
  return *(const guint *) a < *(const guint *) b ? -1 : *(const guint *) a > *(const guint *) b;
}

/* Keeps the @width best ended nodes, best first (the winner, the first
 * met of the best score, comes first). */
static void
trim_best (AsSession *self)
{
  g_array_sort_with_data (self->beam_best, compare_ended, self);
  if (self->beam_best->len > self->beam_width)
    g_array_set_size (self->beam_best, self->beam_width);
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
  return as_session_decode_beam_cancellable (self, width, NULL, error);
}

gboolean
as_session_decode_beam_cancellable (AsSession     *self,
                                    guint          width,
                                    GCancellable  *cancellable,
                                    GError       **error)
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
  g_autofree int *live_nodes = NULL, *next_nodes = NULL;  /* (width) each hypothesis's node in the tree */
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
  live_nodes = g_new0 (int, width);
  next_nodes = g_new0 (int, width);
  live_nodes[0] = -1;
  _as_session_clear_beam (self);
  self->beam_width = width;
  self->beam_nodes = g_array_new (FALSE, FALSE, sizeof (AsBeamNode));
  self->beam_best = g_array_new (FALSE, FALSE, sizeof (guint));
  as_session_rewind (self, 0);
  states[0] = self->arch->copy_state (self->state);

  for (guint t = 0; t < L && n_live > 0; t++)
    {
      guint n_candidates = 0, n_next = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          as_session_rewind (self, 0);
          goto out;
        }

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
            candidates[n_candidates++] = (Candidate) { scores[b] + top_values[k], b, top_ids[k], top_values[k] };
        }
      qsort (candidates, n_candidates, sizeof (Candidate), compare_candidates);

      for (guint c = 0; c < n_candidates; c++)
        {
          const Candidate *cand = &candidates[c];
          gboolean ends = cand->token == tgt->end || t + 1 == L;
          AsBeamNode node = { t, live_nodes[cand->beam], cand->token, cand->logprob, cand->score, AS_BEAM_PRUNED };
          guint index = self->beam_nodes->len;

          if (n_next >= width)
            ;   /* pruned: the beam is full */
          else if (ends)
            {
              node.fate = AS_BEAM_ENDED;
              g_array_append_val (self->beam_best, index);
              if (cand->score > best_score)
                {
                  best_score = cand->score;
                  best_length = t + 1;
                  memcpy (best_tokens, tokens + cand->beam * L, t * sizeof (int));
                  best_tokens[t] = cand->token;
                }
            }
          else
            {
              node.fate = AS_BEAM_KEPT;
              memcpy (next_tokens + n_next * L, tokens + cand->beam * L, t * sizeof (int));
              next_tokens[n_next * L + t] = cand->token;
              next_states[n_next] = self->arch->copy_state (states[cand->beam]);
              next_nodes[n_next] = (int) index;
              scores[n_next] = cand->score;
              n_next++;
            }
          g_array_append_val (self->beam_nodes, node);
        }

      /* log-probabilities only fall: once @width ended hypotheses beat every
       * live one, the n-best is complete (and the best of them wins) */
      free_states (self, states, n_live);
      n_live = n_next;
      trim_best (self);
      if (n_live > 0 && self->beam_best->len >= width &&
          g_array_index (self->beam_nodes, AsBeamNode, g_array_index (self->beam_best, guint, width - 1)).score >= scores[0])
        {
          free_states (self, next_states, n_live);
          n_live = 0;
        }
      { int *nd = live_nodes; live_nodes = next_nodes; next_nodes = nd; }
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
  if (!ok)
    _as_session_clear_beam (self);
  return ok;
}

void
_as_session_clear_beam (AsSession *self)
{
  self->beam_width = 0;
  g_clear_pointer (&self->beam_nodes, g_array_unref);
  g_clear_pointer (&self->beam_best, g_array_unref);
}

guint
as_session_get_beam_width (AsSession *self)
{
  return self->beam_width;
}

guint
as_session_get_n_beam_nodes (AsSession *self)
{
  return self->beam_nodes != NULL ? self->beam_nodes->len : 0;
}

const AsBeamNode *
as_session_get_beam_node (AsSession *self,
                          guint      node)
{
  g_return_val_if_fail (node < as_session_get_n_beam_nodes (self), NULL);
  return &g_array_index (self->beam_nodes, AsBeamNode, node);
}

guint
as_session_get_n_hypotheses (AsSession *self)
{
  return self->beam_best != NULL ? self->beam_best->len : 0;
}

guint
as_session_get_hypothesis (AsSession *self,
                           guint      rank)
{
  g_return_val_if_fail (rank < as_session_get_n_hypotheses (self), 0);
  return g_array_index (self->beam_best, guint, rank);
}

void
as_session_get_beam_node_score (AsSession *self,
                                guint      node,
                                AsScore   *score)
{
  const AsBeamNode *n = as_session_get_beam_node (self, node);

  memset (score, 0, sizeof *score);
  if (n == NULL)
    return;
  score->length = n->step + 1;
  score->total = n->score;
  score->normalised = n->score / score->length;
  score->perplexity = exp (-score->normalised);
}

gboolean
as_session_show_beam_node (AsSession  *self,
                           guint       node,
                           GError    **error)
{
  const AsBeamNode *n;
  g_autofree int *tokens = NULL;
  guint length;

  if (node >= as_session_get_n_beam_nodes (self))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, "Node %u is not in the beam's tree (%u nodes)", node,
                   as_session_get_n_beam_nodes (self));
      return FALSE;
    }
  n = as_session_get_beam_node (self, node);
  length = n->step + 1;
  tokens = g_new (int, length);
  for (int i = (int) node; i >= 0; i = g_array_index (self->beam_nodes, AsBeamNode, i).parent)
    {
      const AsBeamNode *m = &g_array_index (self->beam_nodes, AsBeamNode, i);

      tokens[m->step] = m->token;
    }

  as_session_rewind (self, 0);
  for (guint t = 0; t < length; t++)
    if (!as_session_step (self, tokens[t], error))
      return FALSE;
  return TRUE;
}
