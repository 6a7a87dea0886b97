#pragma once

#include <gio/gio.h>

#include "as-attention.h"
#include "as-model.h"

G_BEGIN_DECLS

#define AS_MAX_TOP            20     /* candidates kept per decoder step */
#define AS_MAX_SOURCE_TOKENS  50000  /* a longer sentence is refused with AS_ERROR_TOO_LONG */
#define AS_MAX_DECODE_LENGTH  1000
#define AS_MAX_BEAM           64     /* beam widths 1..AS_MAX_BEAM */
/* The work of one sentence is bounded by the attention weights it computes
 * (each is a dot product over the model's width, and each is kept, drawn
 * and written by --json): source tokens x steps x the layers and heads of
 * each kind the model has, every hypothesis of a beam counted, and the
 * encoder's self-attention, source tokens squared. A decode that would pass
 * it is refused before it starts, with AS_ERROR_TOO_LONG saying the limit,
 * what would be computed, and the most steps that fit. */
#define AS_MAX_ATTENTION_WEIGHTS (G_GUINT64_CONSTANT (1) << 23)
/* and by the decoder steps it takes (every hypothesis of a beam counted)
 * times the model's parameters, each of which a step reads at most once */
#define AS_MAX_DECODER_WORK      (G_GUINT64_CONSTANT (1) << 33)

/* One decoder step, as the viewer and the command line show it. */
typedef struct
{
  int    input;                /* target id fed in (the start token at step 0) */
  int    output;               /* target id that came out (chosen or forced) */
  float  prob;                 /* the model's probability of @output */
  float  logprob;              /* its log-probability */
  float  entropy;              /* of the step's cross-attention (the last layer, the mean over
                                * its heads, as the viewer shows it first), in nats */
  gboolean chosen;             /* @output was forced or picked by a person, not the argmax */
  guint  n_top;
  int    top_ids[AS_MAX_TOP];  /* the most probable next tokens, best first */
  float  top_probs[AS_MAX_TOP];
} AsStep;

typedef struct _AsSession AsSession;

/* What happened to a node of a beam search's tree. */
typedef enum
{
  AS_BEAM_KEPT,     /* among the best @width that had not ended: extended at the next step */
  AS_BEAM_ENDED,    /* its token is the end token (or the last step allowed): a finished hypothesis */
  AS_BEAM_PRUNED,   /* a candidate that fell out of the beam */
} AsBeamFate;

/* One node of the beam's tree: the hypothesis that ends with @token at @step. */
typedef struct
{
  guint      step;
  int        parent;    /* the node (at @step - 1) it extends; -1 at step 0 */
  int        token;
  float      logprob;   /* the model's log-probability of @token there */
  double     score;     /* the hypothesis's total log-probability, @token included */
  AsBeamFate fate;
} AsBeamNode;

/* A sequence of steps scored as a whole: the sum of the log-probabilities
 * of its @length tokens (the end token included), that sum divided by
 * @length, and the perplexity exp (-normalised). */
typedef struct
{
  guint  length;
  double total;
  double normalised;
  double perplexity;
} AsScore;

/* Tokenizes @sentence on the model's source side and runs the encoder.
 * Fails with AS_ERROR_EMPTY_INPUT when there is no token, AS_ERROR_TOO_LONG
 * past AS_MAX_SOURCE_TOKENS, the model's positions or memory bound, or when
 * the encoder's self-attention alone would pass AS_MAX_ATTENTION_WEIGHTS.
 * Every decoding call fails with AS_ERROR_TOO_LONG, before it starts, where
 * it would pass the work limits. Words the model does not know map to its unknown
 * token; where it has none, the session is created (so that the words can be
 * shown) but every decoding call fails with AS_ERROR_UNKNOWN_WORDS naming them. */
AsSession     *as_session_new                (AsModel        *model,
                                              const char     *sentence,
                                              GError        **error);
/* The same, stopping (G_IO_ERROR_CANCELLED) when @cancellable is cancelled
 * during an encoding that grows with the sentence (the GRU's recurrence;
 * a Transformer's is bounded by its positions). */
AsSession     *as_session_new_cancellable    (AsModel        *model,
                                              const char     *sentence,
                                              GCancellable   *cancellable,
                                              GError        **error);
void           as_session_free               (AsSession      *self);

AsModel       *as_session_get_model          (AsSession      *self);
const char    *as_session_get_sentence       (AsSession      *self);

/* Source tokens as the encoder reads them: the sentence's tokens with the
 * model's start and/or end token around them. */
guint          as_session_get_n_source       (AsSession      *self);
const char    *as_session_get_source_token   (AsSession      *self,
                                              guint           i);
/* Where the sentence's own tokens are among the source tokens: @first
 * (after a start token, if the model has one) and @n_words of them. */
void           as_session_get_words          (AsSession      *self,
                                              guint          *first,
                                              guint          *n_words);
/* The token as typed (before mapping to the unknown token). */
const char    *as_session_get_source_text    (AsSession      *self,
                                              guint           i);
int            as_session_get_source_id      (AsSession      *self,
                                              guint           i);
gboolean       as_session_source_is_unknown  (AsSession      *self,
                                              guint           i);
/* The distinct words the model does not know, in order of appearance (NULL-terminated). */
const char * const *as_session_get_unknown_words (AsSession  *self);
gboolean       as_session_can_decode         (AsSession      *self,
                                              GError        **error);

/* Steps at most (default: the model's max_length; 1..AS_MAX_DECODE_LENGTH). */
guint          as_session_get_max_length     (AsSession      *self);
void           as_session_set_max_length     (AsSession      *self,
                                              guint           max_length);

guint          as_session_get_n_steps        (AsSession      *self);
const AsStep  *as_session_get_step           (AsSession      *self,
                                              guint           t);
const char    *as_session_get_target_token   (AsSession      *self,
                                              int             id);
/* The attention of @kind over the steps so far (encoder self-attention:
 * over the source), or NULL when the model has no such kind. Valid until
 * the session next changes. */
const AsAttention *as_session_get_attention  (AsSession      *self,
                                              AsAttentionKind kind);
/* The cross-attention of step @t over the source tokens (n_source weights
 * that sum to 1): of its only head where the model has one layer and head. */
const float   *as_session_get_cross_attention (AsSession     *self,
                                              guint           t);
/* The translation so far, as text (the end token left out). */
char          *as_session_get_translation    (AsSession      *self);
/* The end token came out, or max_length steps were taken. */
gboolean       as_session_is_finished        (AsSession      *self);

/* One decoder step. @token: -1 takes the argmax, otherwise that target id is
 * the step's output (forced or picked by a person). */
gboolean       as_session_step               (AsSession      *self,
                                              int             token,
                                              GError        **error);
/* Forget the steps from @n_steps on (the decoder state goes back with them). */
void           as_session_rewind             (AsSession      *self,
                                              guint           n_steps);

gboolean       as_session_decode_greedy      (AsSession      *self,
                                              GError        **error);
/* Teacher forcing: @target is tokenized on the target side and fed, then the end token. */
gboolean       as_session_decode_forced      (AsSession      *self,
                                              const char     *target,
                                              GError        **error);
/* Keep steps 0..@step-1, make @token the output of step @step, decode greedily on. */
gboolean       as_session_decode_from        (AsSession      *self,
                                              guint           step,
                                              int             token,
                                              GError        **error);
/* Beam search of @width; the steps left are those of the best hypothesis
 * (highest total log-probability among those that ended). The search goes on
 * until @width hypotheses have ended and none alive can beat them (or
 * max_length), and its tree is kept (as_session_get_beam_node) until the
 * session next decodes another way. */
gboolean       as_session_decode_beam        (AsSession      *self,
                                              guint           width,
                                              GError        **error);
/* The same, stopping between two steps with G_IO_ERROR_CANCELLED (no steps
 * and no tree left) once @cancellable is cancelled. */
gboolean       as_session_decode_beam_cancellable (AsSession  *self,
                                              guint           width,
                                              GCancellable   *cancellable,
                                              GError        **error);

/* The beam search's tree, as the last as_session_decode_beam made it: its
 * width (0: the steps were not made by a beam search), its nodes, step by
 * step (a node's parent comes before it), and the n-best: the hypotheses
 * that ended, best first (at most the width), as node indices. */
guint          as_session_get_beam_width     (AsSession      *self);
guint          as_session_get_n_beam_nodes   (AsSession      *self);
const AsBeamNode *as_session_get_beam_node   (AsSession      *self,
                                              guint           node);
guint          as_session_get_n_hypotheses   (AsSession      *self);
guint          as_session_get_hypothesis     (AsSession      *self,
                                              guint           rank);
/* The score of the hypothesis (or prefix) that ends at @node. */
void           as_session_get_beam_node_score (AsSession     *self,
                                              guint           node,
                                              AsScore        *score);
/* Makes the session's steps those of the hypothesis (or prefix) that ends
 * at @node, with their candidates and attention; the tree stays. */
gboolean       as_session_show_beam_node     (AsSession      *self,
                                              guint           node,
                                              GError        **error);

/* The steps so far scored as a whole (all zero without steps). */
void           as_session_get_score          (AsSession      *self,
                                              AsScore        *score);
/* The entropy, in nats, of row @row of the attention of @kind, @layer
 * (-1: the last) and @head (AS_ATTENTION_MEAN: of the mean over the heads,
 * as the viewer shows it): -sum p log p over the columns the row attends
 * over. NaN when the model has no such kind or the row is not there. */
double         as_session_get_entropy        (AsSession      *self,
                                              AsAttentionKind kind,
                                              int             layer,
                                              int             head,
                                              guint           row);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AsSession, as_session_free)

G_END_DECLS
