#pragma once

/* Architecture "gru-bahdanau": the recurrent encoder-decoder with additive
 * attention of PyTorch's tutorial "NLP From Scratch: Translation with a
 * Sequence to Sequence Network and Attention" (EncoderRNN, AttnDecoderRNN
 * with BahdanauAttention); see docs/model-format.md. Only the registry and
 * this architecture's tests include this header. */

#include "as-architecture.h"

G_BEGIN_DECLS

extern const AsArchitecture as_gru_bahdanau_architecture;

/* The shapes of a gru-bahdanau model. */
typedef struct
{
  int hidden;       /* H */
  int src_vocab;    /* S */
  int tgt_vocab;    /* T */
} AsGruConfig;

/* The weights, named as in the PyTorch state_dict. Each points into the
 * model's one weight buffer. */
typedef struct
{
  float *enc_embedding;  /* (S, H)   encoder.embedding.weight */
  float *enc_w_ih;       /* (3H, H)  encoder.gru.weight_ih_l0, gates r, z, n */
  float *enc_w_hh;       /* (3H, H)  encoder.gru.weight_hh_l0 */
  float *enc_b_ih;       /* (3H)     encoder.gru.bias_ih_l0 */
  float *enc_b_hh;       /* (3H)     encoder.gru.bias_hh_l0 */
  float *dec_embedding;  /* (T, H)   decoder.embedding.weight */
  float *att_wa;         /* (H, H)   decoder.attention.Wa.weight */
  float *att_wa_b;       /* (H)      decoder.attention.Wa.bias */
  float *att_ua;         /* (H, H)   decoder.attention.Ua.weight */
  float *att_ua_b;       /* (H)      decoder.attention.Ua.bias */
  float *att_va;         /* (1, H)   decoder.attention.Va.weight */
  float *att_va_b;       /* (1)      decoder.attention.Va.bias */
  float *dec_w_ih;       /* (3H, 2H) decoder.gru.weight_ih_l0, input [embedded; context] */
  float *dec_w_hh;       /* (3H, H)  decoder.gru.weight_hh_l0 */
  float *dec_b_ih;       /* (3H)     decoder.gru.bias_ih_l0 */
  float *dec_b_hh;       /* (3H)     decoder.gru.bias_hh_l0 */
  float *out_w;          /* (T, H)   decoder.out.weight */
  float *out_b;          /* (T)      decoder.out.bias */
} AsGruWeights;

/* The config and weights of a gru-bahdanau @model (for its tests). */
const AsGruConfig  *as_gru_get_config  (const AsModel *model);
const AsGruWeights *as_gru_get_weights (const AsModel *model);

G_END_DECLS
