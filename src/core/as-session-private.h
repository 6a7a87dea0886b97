#pragma once

/* What the session's own files share (as-session.c, as-session-beam.c). */

#include "as-architecture.h"
#include "as-session.h"

G_BEGIN_DECLS

struct _AsSession
{
  AsModel    *model;
  char       *sentence;
  guint       n_source;
  guint       first_word;      /* the first position that is a word (after a start token) */
  guint       n_words;
  char      **source_text;     /* (n_source) as typed, special tokens as they are */
  int        *source_ids;      /* (n_source) -1 for a word the model does not know */
  GPtrArray  *unknown_words;   /* distinct, NULL-terminated */

  const AsArchitecture *arch;
  gpointer    encoding;        /* NULL when the words cannot all be read */
  gpointer    state;           /* the decoder state after the steps so far */
  int         n_target;
  float      *logprobs;        /* (T) of the last step: the logits, then log-softmax in place */
  AsAttention *attention[AS_N_ATTENTION_KINDS];  /* NULL for a kind the model lacks */

  guint       max_length;
  guint       step_limit;      /* the most steps at all: the model's positions, AS_MAX_DECODE_LENGTH */
  guint       n_steps;
  guint       capacity;        /* steps that @steps holds */
  AsStep     *steps;           /* (capacity) */

  /* the last beam search's tree (as-session-beam.c) */
  guint       beam_width;      /* 0: none */
  GArray     *beam_nodes;      /* of AsBeamNode */
  GArray     *beam_best;       /* of guint: the n-best's nodes, best first */
};

/* Refuses (with AS_ERROR_FORMAT naming the model) a step whose attention
 * or log-probabilities are NaN or infinite (@logprobs_finite, as
 * as_log_softmax_top_k () found them): a model whose weights are finite but
 * huge overflows float arithmetic. */
gboolean _as_session_check_finite (AsSession   *self,
                                   gboolean     logprobs_finite,
                                   const float *cross,
                                   gsize        n_cross,
                                   const float *decoder_self,
                                   gsize        n_decoder_self,
                                   guint        t,
                                   GError     **error);
/* The size of one row of @kind's record (every layer and head); 0 when the
 * model has no such kind. */
gsize    _as_session_row_block    (AsSession       *self,
                                   AsAttentionKind  kind);
/* The columns of a decoder self-attention row (0 when the model has none). */
guint    _as_session_self_columns (AsSession       *self);
/* Refuses (AS_ERROR_TOO_LONG, naming AS_MAX_ATTENTION_WEIGHTS) a decode of
 * @n_steps steps run @n_runs times over (a beam's hypotheses, and its
 * replay) that would pass the work limit; @what says which, for the
 * message ("--max-len", "the forced translation", "a beam of 4"). */
gboolean _as_session_check_work   (AsSession       *self,
                                   guint            n_steps,
                                   guint            n_runs,
                                   const char      *what,
                                   GError         **error);

/* Forgets the beam's tree: the steps are decoded another way. */
void     _as_session_clear_beam   (AsSession       *self);

G_END_DECLS
