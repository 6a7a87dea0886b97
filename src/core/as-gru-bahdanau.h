#pragma once

/* The encoder and one decoder step of the PyTorch tutorial's GRU encoder-
 * decoder with Bahdanau attention (see docs/model-format.md). */

#include "as-model.h"

G_BEGIN_DECLS

/* Every activation buffer of one sentence, allocated once: a step allocates nothing. */
typedef struct
{
  int    n_source;
  float *enc_out;   /* (n, H)  encoder outputs, the attention's values */
  float *keys;      /* (n, H)  Ua o_i + b_Ua + b_Wa, computed once per sentence */
  float *energy;    /* (n, H)  tanh (keys + Wa h) */
  float *gi;        /* (max (n, 1), 3H)  input projections (encoder: all positions at once) */
  float *gh;        /* (3H)    W_hh h + b_hh */
  float *query;     /* (H)     Wa h */
  float *gru_in;    /* (2H)    [embedded; context] */
} AsGruState;

AsGruState *as_gru_state_new   (const AsModel *model,
                                int            n_source);
void        as_gru_state_free  (AsGruState    *state);

/* Runs the encoder over @ids (n_source); leaves the final hidden state in @hidden (H). */
void        as_gru_encode      (const AsModel *model,
                                AsGruState    *state,
                                const int     *ids,
                                float         *hidden);
/* One decoder step: feeds @input with the state @hidden (H, updated in place),
 * writes the attention row (n_source) and the log-probabilities (T). */
void        as_gru_decode_step (const AsModel *model,
                                AsGruState    *state,
                                int            input,
                                float         *hidden,
                                float         *attention,
                                float         *logprobs);

G_END_DECLS
