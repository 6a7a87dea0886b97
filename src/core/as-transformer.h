#pragma once

/* Architecture "transformer": the model of PyTorch's tutorial "Language
 * Translation with nn.Transformer" (Seq2SeqTransformer: token embeddings
 * times sqrt (d_model), the sinusoidal positional encoding,
 * torch.nn.Transformer with its final LayerNorms, the generator), in eval
 * mode; see docs/model-format.md. Only the registry and this
 * architecture's tests include this header. */

#include "as-architecture.h"

G_BEGIN_DECLS

extern const AsArchitecture as_transformer_architecture;

/* The shapes and options of a transformer model. */
typedef struct
{
  int      d_model;       /* d */
  int      n_heads;       /* h; d_head = d / h */
  int      n_encoder;     /* encoder layers */
  int      n_decoder;     /* decoder layers */
  int      d_ff;          /* feed-forward size */
  int      n_positions;   /* P: rows of the positional encoding */
  int      src_vocab;     /* S */
  int      tgt_vocab;     /* T */
  gboolean norm_first;    /* pre-norm */
  gboolean gelu;          /* else relu */
  float    eps;           /* layer_norm_eps */
} AsTransformerConfig;

G_END_DECLS
