#pragma once

#include <glib.h>

#include "as-tokenizer.h"

G_BEGIN_DECLS

#define AS_MODEL_FORMAT_NAME    "attnscope-model"
#define AS_MODEL_FORMAT_VERSION 1

typedef enum
{
  AS_ARCHITECTURE_GRU_BAHDANAU,
} AsArchitecture;

/* One side of the model (source or target): how text becomes ids and back. */
typedef struct
{
  AsTokenizerType tokenizer;
  gboolean        lowercase;
  char           *join;       /* put between tokens when turned back into text */
  char          **tokens;     /* (size), indexed by id */
  guint           size;
  GHashTable     *ids;        /* token -> GINT_TO_POINTER (id + 1) */
  int             start;      /* special ids; -1 where the model has none */
  int             end;
  int             unknown;
  int             padding;
} AsVocab;

/* The shapes of a gru-bahdanau model. */
typedef struct
{
  int hidden;       /* H */
  int src_vocab;    /* S */
  int tgt_vocab;    /* T */
  int max_length;   /* decoding default: steps at most, end token included */
} AsGruConfig;

/* The weights of a gru-bahdanau model, named as in the PyTorch state_dict.
 * Each points into the model's one weight buffer. */
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

typedef struct _AsModel AsModel;

AsModel       *as_model_new_from_file           (const char     *path,
                                                 GError        **error);
/* @where names the document in messages (a file name, "<test>"). */
AsModel       *as_model_new_from_data           (const char     *data,
                                                 gsize           length,
                                                 const char     *where,
                                                 GError        **error);
AsModel       *as_model_ref                     (AsModel        *self);
void           as_model_unref                   (AsModel        *self);

AsArchitecture as_model_get_architecture        (const AsModel  *self);
const char    *as_model_get_architecture_name   (const AsModel  *self);
const AsVocab *as_model_get_source              (const AsModel  *self);
const AsVocab *as_model_get_target              (const AsModel  *self);
const AsGruConfig  *as_model_get_config         (const AsModel  *self);
const AsGruWeights *as_model_get_weights        (const AsModel  *self);
guint64        as_model_get_n_parameters        (const AsModel  *self);
/* The file it was loaded from, or the @where of as_model_new_from_data(). */
const char    *as_model_get_path                (const AsModel  *self);
/* A string entry of "metadata" (name, description, license, training_data,
 * ...), or NULL. */
const char    *as_model_get_metadata            (const AsModel  *self,
                                                 const char     *key);
/* The keys of "metadata" whose values are strings, sorted; free with g_strfreev. */
GStrv          as_model_list_metadata           (const AsModel  *self);
/* A multi-line, human-readable summary: name, architecture, sizes, metadata. */
char          *as_model_describe                (const AsModel  *self);

/* Token <-> id on one side. */
int            as_vocab_lookup                  (const AsVocab  *vocab,
                                                 const char     *token);
/* Tokens to text with the side's join string, leaving out start/end/padding. */
char          *as_vocab_join                    (const AsVocab  *vocab,
                                                 const int      *ids,
                                                 guint           n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AsModel, as_model_unref)

G_END_DECLS
