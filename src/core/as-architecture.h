#pragma once

/* The seam between the trunk and the kinds of model: one table of operations
 * per architecture, registered by the name a model file gives in
 * "architecture" (as-architectures.c). The model document, the session, the
 * figure, the window and the command line use only this table; everything
 * that knows a tensor, a hidden size or a layer lives in the architecture's
 * own file (as-gru-bahdanau.c, ...). See docs/architecture.md.
 *
 * As in whisper.cpp, what is read from the file is shared and never changes
 * (the model data), while each sentence has an encoding and each hypothesis
 * a decoder state of its own, which the session steps, copies (for a beam)
 * and rewinds by position (a number, not a copy). */

#include <gio/gio.h>

#include "as-attention.h"
#include "as-loader.h"
#include "as-model.h"

G_BEGIN_DECLS

struct _AsArchitecture
{
  const char *name;              /* as in the file: "gru-bahdanau" */
  const char *title;             /* for people: "GRU encoder-decoder with Bahdanau attention" */

  /* The source as the encoder reads it: the sentence's tokens with the
   * start token before them and/or the end token after them. */
  gboolean    source_starts;
  gboolean    source_ends;

  /* Loading, in the order of the document: the hyper-parameters (a new
   * model data object), the two sides once read (special tokens that the
   * architecture needs), and the tensors. */
  gpointer  (*load_hyperparameters) (AsLoader        *loader,
                                     GError         **error);
  gboolean  (*check_sides)          (gpointer         data,
                                     const AsVocab   *source,
                                     const AsVocab   *target,
                                     AsLoader        *loader);
  gboolean  (*load_tensors)         (gpointer         data,
                                     const AsVocab   *source,
                                     const AsVocab   *target,
                                     AsLoader        *loader,
                                     float          **buffer,
                                     guint64         *n_parameters);
  void      (*free)                 (gpointer         data);
  /* Lines for as_model_describe (): "hidden size: 160\n". */
  void      (*describe)             (gconstpointer    data,
                                     GString         *out);

  /* Optional. The most positions the model has (source tokens, framed, and
   * decoder steps: a Transformer's positional encoding); NULL: only memory
   * bounds them. */
  guint     (*get_max_positions)    (const AsModel   *model);
  /* Optional. Decoder steps at most, the end token included, for a source
   * of @n_source tokens (framed) when the file sets no decoding.max_length;
   * NULL: AS_MODEL_DEFAULT_MAX_LENGTH. */
  guint     (*get_default_max_length) (const AsModel *model,
                                       guint          n_source);

  /* The layers and heads of attention of @kind (FALSE: the model has none). */
  gboolean  (*get_attention_shape)  (const AsModel   *model,
                                     AsAttentionKind  kind,
                                     guint           *n_layers,
                                     guint           *n_heads);

  /* Encoding one sentence of @n ids (framed). Fails with AS_ERROR_TOO_LONG
   * when its buffers would pass the architecture's memory bound; fills
   * @encoder_self (n rows) where the model has that kind. An encoding
   * whose time grows without bound with the sentence (a recurrent one)
   * stops when @cancellable (may be NULL) is cancelled, failing with
   * G_IO_ERROR_CANCELLED; one bounded by the model's positions may run to
   * its end. */
  gpointer  (*encode)               (const AsModel   *model,
                                     const int       *ids,
                                     guint            n,
                                     AsAttention     *encoder_self,
                                     GCancellable    *cancellable,
                                     GError         **error);
  void      (*free_encoding)        (gpointer         encoding);

  /* A decoder state: the position (steps taken) and whatever rewinding to
   * an earlier position needs. */
  gpointer  (*new_state)            (const AsModel   *model,
                                     gconstpointer    encoding);
  gpointer  (*copy_state)           (gconstpointer    state);
  void      (*free_state)           (gpointer         state);
  guint     (*get_position)         (gconstpointer    state);
  void      (*rewind)               (gpointer         state,
                                     guint            position);
  /* One step at the state's position: feeds @input; writes the logits
   * over the target vocabulary into @logits (the session makes them
   * log-probabilities, with the top candidates, in one kernel) and this
   * step's attention rows into @cross ((layers, heads, n) for the n source
   * positions) and, where the model has it, @decoder_self ((layers, heads,
   * @self_columns), of which each row's first position + 1 are this step's
   * weights over the target positions fed in so far; the rest is left as
   * it is, zero); the position advances by one. The session never steps
   * past get_max_positions, and @self_columns is at least position + 1.
   * The encoding holds the step's scratch buffers: the steps of one
   * sentence run one at a time. Allocates nothing, except where the
   * state's history grows. */
  void      (*step)                 (const AsModel   *model,
                                     gpointer         encoding,
                                     gpointer         state,
                                     int              input,
                                     float           *logits,
                                     float           *cross,
                                     float           *decoder_self,
                                     guint            self_columns);
};

/* For decoder states whose first member is a guint position (the steps
 * taken), where rewinding is setting it: get_position and rewind. */
guint                 as_state_get_position      (gconstpointer  state);
void                  as_state_rewind            (gpointer       state,
                                                  guint          position);

/* The registry (as-architectures.c). */
const AsArchitecture *as_architecture_lookup     (const char    *name);
/* "gru-bahdanau, ...": what this AttnScope runs, for messages. */
char                 *as_architecture_list_names (void);

/* For the architecture's own file: what its load functions returned. */
gconstpointer         as_model_get_data          (const AsModel *model);

G_END_DECLS
