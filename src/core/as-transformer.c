/* Architecture "transformer" (see as-transformer.h): loading its
 * hyper-parameters and per-layer tensors, the encoder (every position at
 * once, with sgemm), and one decoder step with cached keys and values, in
 * the shape of llama2.c: a config, the weights stacked by layer, the run
 * state of one sentence (the encoding, with the cross-attention's keys and
 * values and the step's scratch buffers) and a decoder state per
 * hypothesis (the self-attention's keys and values of the positions fed so
 * far, so that rewinding is setting the position).
 *
 * nn.TransformerEncoderLayer and nn.TransformerDecoderLayer, eval mode:
 *   post-norm  x = norm1 (x + sa (x));        x = norm2 (x + ca (x, m));      x = norm3 (x + ff (x))
 *   pre-norm   x = x + sa (norm1 (x));        x = x + ca (norm2 (x), m);      x = x + ff (norm3 (x))
 * (the encoder has no ca and its ff is norm2), ff (x) = linear2 (act (linear1 (x))),
 * and nn.Transformer's final encoder and decoder norms. Attention is
 * nn.MultiheadAttention: q, k, v from in_proj, per head softmax (q k^T /
 * sqrt (d_head)) v, then out_proj. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>
#include <glib/gi18n-lib.h>

#include "as-error.h"
#include "as-kernels.h"
#include "as-transformer.h"

#define MAX_D_MODEL    8192
#define MAX_HEADS      256
#define MAX_LAYERS     64
#define MAX_FF         65536
#define MAX_POSITIONS  100000

typedef struct
{
  float **in_w;    /* (layer) (3d, d)  in_proj_weight: q, k, v */
  float **in_b;    /* (layer) (3d) */
  float **out_w;   /* (layer) (d, d)   out_proj.weight */
  float **out_b;   /* (layer) (d) */
} Attention;

typedef struct
{
  float     *src_embedding;  /* (S, d)     src_tok_emb.embedding.weight */
  float     *tgt_embedding;  /* (T, d)     tgt_tok_emb.embedding.weight */
  float     *positions;      /* (P, 1, d)  positional_encoding.pos_embedding */

  Attention  enc_self;       /* transformer.encoder.layers.L.self_attn */
  float    **enc_l1_w;       /* (layer) (ff, d)  linear1 */
  float    **enc_l1_b;       /* (layer) (ff) */
  float    **enc_l2_w;       /* (layer) (d, ff)  linear2 */
  float    **enc_l2_b;       /* (layer) (d) */
  float    **enc_n1_w, **enc_n1_b, **enc_n2_w, **enc_n2_b;  /* (layer) (d) */
  float     *enc_norm_w, *enc_norm_b;                        /* (d) transformer.encoder.norm */

  Attention  dec_self;       /* transformer.decoder.layers.L.self_attn */
  Attention  dec_cross;      /* transformer.decoder.layers.L.multihead_attn */
  float    **dec_l1_w, **dec_l1_b, **dec_l2_w, **dec_l2_b;
  float    **dec_n1_w, **dec_n1_b, **dec_n2_w, **dec_n2_b, **dec_n3_w, **dec_n3_b;
  float     *dec_norm_w, *dec_norm_b;                        /* (d) transformer.decoder.norm */

  float     *generator_w;    /* (T, d) */
  float     *generator_b;    /* (T) */
} Weights;

/* A decoder layer's matrices again, packed for as_matmul_packed () with one
 * row: a step's products (the row-major ones are the file's, as read), where
 * they fit in the budget (pack_decoder; data NULL where not) */
typedef struct
{
  AsPacked self_in;    /* (3d, d) */
  AsPacked self_out;   /* (d, d) */
  AsPacked cross_q;    /* (d, d): the query rows of the cross-attention's in_proj_weight */
  AsPacked cross_out;  /* (d, d) */
  AsPacked l1;         /* (ff, d) */
  AsPacked l2;         /* (d, ff) */
} PackedLayer;

typedef struct
{
  AsTransformerConfig config;
  Weights             weights;
  float             **pointers;  /* the per-layer pointer arrays of @weights, one allocation */
  PackedLayer        *packed;    /* (n_decoder) */
  AsPacked            generator; /* (T, d) */
} TfModel;

/* One sentence: the cross-attention's keys and values, and the scratch
 * buffers of a decoder step (the steps of one sentence run one at a time). */
typedef struct
{
  int    n_source;
  float *cross_k;   /* (n_decoder, n, d) */
  float *cross_v;   /* (n_decoder, n, d) */
  float *x;         /* (d)   the residual stream */
  float *a;         /* (d)   its normalised copy */
  float *qkv;       /* (3d) */
  float *heads;     /* (d)   the heads' outputs, side by side */
  float *out;       /* (d) */
  float *hidden;    /* (ff) */
  float *scores;    /* (max (n, P)) */
} TfEncoding;

/* A decoder state: the self-attention's keys and values of every position
 * fed so far, per layer. */
typedef struct
{
  guint  position;  /* first: as_state_get_position and as_state_rewind read it */
  int    n_decoder;
  int    d;
  guint  capacity;  /* positions */
  float *k;         /* (n_decoder, capacity, d) */
  float *v;         /* (n_decoder, capacity, d) */
} TfState;

static const TfModel *
transformer (const AsModel *model)
{
  return as_model_get_data (model);
}

/* Loading */

static gboolean
get_boolean (AsLoader   *ld,
             JsonObject *obj,
             const char *key,
             gboolean   *out)
{
  JsonNode *node = json_object_get_member (obj, key);

  if (node == NULL)
    return as_loader_fail (ld, "hyperparameters: \"%s\" is missing", key);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return as_loader_fail (ld, "hyperparameters.%s must be true or false, found %s", key, as_json_node_kind (node));
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gpointer
load_hyperparameters (AsLoader  *ld,
                      GError   **error)
{
  static const char * const hyper_keys[] = {
    "d_model", "nhead", "num_encoder_layers", "num_decoder_layers", "dim_feedforward",
    "norm_first", "activation", "layer_norm_eps", "max_positions", NULL
  };
  g_autofree TfModel *m = g_new0 (TfModel, 1);
  AsTransformerConfig *c = &m->config;
  JsonObject *hyper;
  JsonNode *node;
  const char *activation;
  gint64 d, h, n_enc, n_dec, ff, positions;
  double eps;

  if (!as_loader_get_object (ld, ld->root, "hyperparameters", "", TRUE, &hyper) ||
      !as_loader_check_keys (ld, hyper, "hyperparameters", hyper_keys) ||
      !as_loader_get_int (ld, hyper, "d_model", "hyperparameters", 1, MAX_D_MODEL, 0, &d) ||
      !as_loader_get_int (ld, hyper, "nhead", "hyperparameters", 1, MAX_HEADS, 0, &h) ||
      !as_loader_get_int (ld, hyper, "num_encoder_layers", "hyperparameters", 1, MAX_LAYERS, 0, &n_enc) ||
      !as_loader_get_int (ld, hyper, "num_decoder_layers", "hyperparameters", 1, MAX_LAYERS, 0, &n_dec) ||
      !as_loader_get_int (ld, hyper, "dim_feedforward", "hyperparameters", 1, MAX_FF, 0, &ff) ||
      !get_boolean (ld, hyper, "norm_first", &c->norm_first))
    return NULL;
  if (d % h != 0)
    {
      as_loader_fail (ld, "hyperparameters.nhead is %" G_GINT64_FORMAT ", which does not divide d_model (%" G_GINT64_FORMAT
                      "): each head takes an equal share of the model's width", h, d);
      return NULL;
    }

  node = json_object_get_member (hyper, "activation");
  if (node == NULL)
    {
      as_loader_fail (ld, "hyperparameters: \"activation\" is missing");
      return NULL;
    }
  if (!as_json_is_string (node))
    {
      as_loader_fail (ld, "hyperparameters.activation must be \"relu\" or \"gelu\", found %s", as_json_node_kind (node));
      return NULL;
    }
  activation = json_node_get_string (node);
  if (strcmp (activation, "relu") != 0 && strcmp (activation, "gelu") != 0)
    {
      as_loader_fail (ld, "hyperparameters.activation \"%s\" is not supported (this AttnScope runs \"relu\" and \"gelu\")",
                      as_loader_quote (ld, activation));
      return NULL;
    }
  c->gelu = strcmp (activation, "gelu") == 0;

  node = json_object_get_member (hyper, "layer_norm_eps");
  if (node == NULL)
    {
      as_loader_fail (ld, "hyperparameters: \"layer_norm_eps\" is missing");
      return NULL;
    }
  if (!as_json_is_number (node))
    {
      as_loader_fail (ld, "hyperparameters.layer_norm_eps must be a number, found %s", as_json_node_kind (node));
      return NULL;
    }
  eps = json_node_get_double (node);
  if (!(eps > 0 && eps < 1))
    {
      as_loader_fail (ld, "hyperparameters.layer_norm_eps is %g, must be above 0 and below 1", eps);
      return NULL;
    }

  if (!as_loader_get_int (ld, hyper, "max_positions", "hyperparameters", 1, MAX_POSITIONS, 0, &positions))
    return NULL;

  c->d_model = (int) d;
  c->n_heads = (int) h;
  c->n_encoder = (int) n_enc;
  c->n_decoder = (int) n_dec;
  c->d_ff = (int) ff;
  c->eps = (float) eps;
  c->n_positions = (int) positions;
  return g_steal_pointer (&m);
}

static gboolean
check_sides (gpointer       data,
             const AsVocab *source,
             const AsVocab *target,
             AsLoader      *ld)
{
  TfModel *m = data;

  if (source->start < 0)
    return as_loader_fail (ld, "source.special.start is needed: the encoder reads the sentence between the start and end tokens");
  if (source->end < 0)
    return as_loader_fail (ld, "source.special.end is needed: the encoder reads the sentence between the start and end tokens");
  if (target->start < 0)
    return as_loader_fail (ld, "target.special.start is needed: the decoder starts from it");
  if (target->end < 0)
    return as_loader_fail (ld, "target.special.end is needed: decoding stops at it");
  m->config.src_vocab = (int) source->size;
  m->config.tgt_vocab = (int) target->size;
  return TRUE;
}

static void
clear_packed (TfModel *m)
{
  for (int l = 0; m->packed != NULL && l < m->config.n_decoder; l++)
    {
      as_packed_clear (&m->packed[l].self_in);
      as_packed_clear (&m->packed[l].self_out);
      as_packed_clear (&m->packed[l].cross_q);
      as_packed_clear (&m->packed[l].cross_out);
      as_packed_clear (&m->packed[l].l1);
      as_packed_clear (&m->packed[l].l2);
    }
  g_clear_pointer (&m->packed, g_free);
  as_packed_clear (&m->generator);
}

/* The decoder step's matrices packed, the generator first, then layer
 * after layer, while they fit in the budget (as_packed_budget). A matrix
 * not packed (data NULL) is multiplied by OpenBLAS on the file's one. */
static void
pack_decoder (TfModel *m,
              guint64  n_parameters)
{
  const Weights *w = &m->weights;
  const int d = m->config.d_model, ff = m->config.d_ff;
  guint64 left = as_packed_budget (n_parameters);

  clear_packed (m);
  m->packed = g_new0 (PackedLayer, m->config.n_decoder);
  as_packed_init_within (&m->generator, w->generator_w, d, 1, m->config.tgt_vocab, d, &left);
  for (int l = 0; l < m->config.n_decoder; l++)
    {
      as_packed_init_within (&m->packed[l].self_in, w->dec_self.in_w[l], d, 1, 3 * d, d, &left);
      as_packed_init_within (&m->packed[l].self_out, w->dec_self.out_w[l], d, 1, d, d, &left);
      as_packed_init_within (&m->packed[l].cross_q, w->dec_cross.in_w[l], d, 1, d, d, &left);
      as_packed_init_within (&m->packed[l].cross_out, w->dec_cross.out_w[l], d, 1, d, d, &left);
      as_packed_init_within (&m->packed[l].l1, w->dec_l1_w[l], d, 1, ff, d, &left);
      as_packed_init_within (&m->packed[l].l2, w->dec_l2_w[l], ff, 1, d, ff, &left);
    }
}

static void
free_model (gpointer data)
{
  TfModel *m = data;

  if (m == NULL)
    return;
  clear_packed (m);
  g_free (m->pointers);
  g_free (m);
}

/* The per-layer pointer arrays of the weights, carved from one allocation */
static float **
take_pointers (float ***cursor,
               int      n)
{
  float **p = *cursor;

  *cursor += n;
  return p;
}

static gboolean
load_tensors (gpointer        data,
              const AsVocab  *source,
              const AsVocab  *target,
              AsLoader       *ld,
              float         **buffer,
              guint64        *n_parameters)
{
  TfModel *m = data;
  const AsTransformerConfig *c = &m->config;
  const gint64 d = c->d_model, ff = c->d_ff, S = source->size, T = target->size, P = c->n_positions;
  const guint E = c->n_encoder, D = c->n_decoder;
  Weights *w = &m->weights;
  g_autofree char *why_d = g_strdup_printf ("d_model is %" G_GINT64_FORMAT, d);
  g_autofree char *why_ff = g_strdup_printf ("d_model is %" G_GINT64_FORMAT ", dim_feedforward is %" G_GINT64_FORMAT, d, ff);
  g_autofree char *why_s = g_strdup_printf ("the source vocabulary has %" G_GINT64_FORMAT " tokens, d_model is %" G_GINT64_FORMAT, S, d);
  g_autofree char *why_t = g_strdup_printf ("the target vocabulary has %" G_GINT64_FORMAT " tokens, d_model is %" G_GINT64_FORMAT, T, d);
  g_autofree char *why_tv = g_strdup_printf ("the target vocabulary has %" G_GINT64_FORMAT " tokens", T);
  g_autofree char *why_p = g_strdup_printf ("max_positions is %" G_GINT64_FORMAT ", d_model is %" G_GINT64_FORMAT, P, d);
  float **cursor;

  /* 12 arrays of encoder layers, 18 of decoder layers */
  m->pointers = g_new0 (float *, 12 * E + 18 * D);
  cursor = m->pointers;
  w->enc_self.in_w = take_pointers (&cursor, E);
  w->enc_self.in_b = take_pointers (&cursor, E);
  w->enc_self.out_w = take_pointers (&cursor, E);
  w->enc_self.out_b = take_pointers (&cursor, E);
  w->enc_l1_w = take_pointers (&cursor, E);
  w->enc_l1_b = take_pointers (&cursor, E);
  w->enc_l2_w = take_pointers (&cursor, E);
  w->enc_l2_b = take_pointers (&cursor, E);
  w->enc_n1_w = take_pointers (&cursor, E);
  w->enc_n1_b = take_pointers (&cursor, E);
  w->enc_n2_w = take_pointers (&cursor, E);
  w->enc_n2_b = take_pointers (&cursor, E);
  w->dec_self.in_w = take_pointers (&cursor, D);
  w->dec_self.in_b = take_pointers (&cursor, D);
  w->dec_self.out_w = take_pointers (&cursor, D);
  w->dec_self.out_b = take_pointers (&cursor, D);
  w->dec_cross.in_w = take_pointers (&cursor, D);
  w->dec_cross.in_b = take_pointers (&cursor, D);
  w->dec_cross.out_w = take_pointers (&cursor, D);
  w->dec_cross.out_b = take_pointers (&cursor, D);
  w->dec_l1_w = take_pointers (&cursor, D);
  w->dec_l1_b = take_pointers (&cursor, D);
  w->dec_l2_w = take_pointers (&cursor, D);
  w->dec_l2_b = take_pointers (&cursor, D);
  w->dec_n1_w = take_pointers (&cursor, D);
  w->dec_n1_b = take_pointers (&cursor, D);
  w->dec_n2_w = take_pointers (&cursor, D);
  w->dec_n2_b = take_pointers (&cursor, D);
  w->dec_n3_w = take_pointers (&cursor, D);
  w->dec_n3_b = take_pointers (&cursor, D);

  {
#define ENC "transformer.encoder.layers.%u."
#define DEC "transformer.decoder.layers.%u."
    const AsTensorSpec specs[] = {
      { "src_tok_emb.embedding.weight",         0, 2, { S, d },     why_s,  &w->src_embedding },
      { "tgt_tok_emb.embedding.weight",         0, 2, { T, d },     why_t,  &w->tgt_embedding },
      { "positional_encoding.pos_embedding",    0, 3, { P, 1, d },  why_p,  &w->positions },
      { ENC "self_attn.in_proj_weight",         E, 2, { 3 * d, d }, why_d,  w->enc_self.in_w },
      { ENC "self_attn.in_proj_bias",           E, 1, { 3 * d },    why_d,  w->enc_self.in_b },
      { ENC "self_attn.out_proj.weight",        E, 2, { d, d },     why_d,  w->enc_self.out_w },
      { ENC "self_attn.out_proj.bias",          E, 1, { d },        why_d,  w->enc_self.out_b },
      { ENC "linear1.weight",                   E, 2, { ff, d },    why_ff, w->enc_l1_w },
      { ENC "linear1.bias",                     E, 1, { ff },       why_ff, w->enc_l1_b },
      { ENC "linear2.weight",                   E, 2, { d, ff },    why_ff, w->enc_l2_w },
      { ENC "linear2.bias",                     E, 1, { d },        why_d,  w->enc_l2_b },
      { ENC "norm1.weight",                     E, 1, { d },        why_d,  w->enc_n1_w },
      { ENC "norm1.bias",                       E, 1, { d },        why_d,  w->enc_n1_b },
      { ENC "norm2.weight",                     E, 1, { d },        why_d,  w->enc_n2_w },
      { ENC "norm2.bias",                       E, 1, { d },        why_d,  w->enc_n2_b },
      { "transformer.encoder.norm.weight",      0, 1, { d },        why_d,  &w->enc_norm_w },
      { "transformer.encoder.norm.bias",        0, 1, { d },        why_d,  &w->enc_norm_b },
      { DEC "self_attn.in_proj_weight",         D, 2, { 3 * d, d }, why_d,  w->dec_self.in_w },
      { DEC "self_attn.in_proj_bias",           D, 1, { 3 * d },    why_d,  w->dec_self.in_b },
      { DEC "self_attn.out_proj.weight",        D, 2, { d, d },     why_d,  w->dec_self.out_w },
      { DEC "self_attn.out_proj.bias",          D, 1, { d },        why_d,  w->dec_self.out_b },
      { DEC "multihead_attn.in_proj_weight",    D, 2, { 3 * d, d }, why_d,  w->dec_cross.in_w },
      { DEC "multihead_attn.in_proj_bias",      D, 1, { 3 * d },    why_d,  w->dec_cross.in_b },
      { DEC "multihead_attn.out_proj.weight",   D, 2, { d, d },     why_d,  w->dec_cross.out_w },
      { DEC "multihead_attn.out_proj.bias",     D, 1, { d },        why_d,  w->dec_cross.out_b },
      { DEC "linear1.weight",                   D, 2, { ff, d },    why_ff, w->dec_l1_w },
      { DEC "linear1.bias",                     D, 1, { ff },       why_ff, w->dec_l1_b },
      { DEC "linear2.weight",                   D, 2, { d, ff },    why_ff, w->dec_l2_w },
      { DEC "linear2.bias",                     D, 1, { d },        why_d,  w->dec_l2_b },
      { DEC "norm1.weight",                     D, 1, { d },        why_d,  w->dec_n1_w },
      { DEC "norm1.bias",                       D, 1, { d },        why_d,  w->dec_n1_b },
      { DEC "norm2.weight",                     D, 1, { d },        why_d,  w->dec_n2_w },
      { DEC "norm2.bias",                       D, 1, { d },        why_d,  w->dec_n2_b },
      { DEC "norm3.weight",                     D, 1, { d },        why_d,  w->dec_n3_w },
      { DEC "norm3.bias",                       D, 1, { d },        why_d,  w->dec_n3_b },
      { "transformer.decoder.norm.weight",      0, 1, { d },        why_d,  &w->dec_norm_w },
      { "transformer.decoder.norm.bias",        0, 1, { d },        why_d,  &w->dec_norm_b },
      { "generator.weight",                     0, 2, { T, d },     why_t,  &w->generator_w },
      { "generator.bias",                       0, 1, { T },        why_tv, &w->generator_b },
    };
#undef ENC
#undef DEC

    if (!as_loader_read_tensors (ld, specs, G_N_ELEMENTS (specs), buffer, n_parameters))
      return FALSE;
    pack_decoder (m, *n_parameters);
    return TRUE;
  }
}

static void
describe (gconstpointer  data,
          GString       *out)
{
  const AsTransformerConfig *c = &((const TfModel *) data)->config;

  /* Translators: the lines of the model's tooltip that a Transformer adds */
  g_string_append_printf (out, _("layers: %d encoder, %d decoder"), c->n_encoder, c->n_decoder);
  g_string_append_c (out, '\n');
  /* Translators: the number of attention heads, and how wide each is */
  g_string_append_printf (out, _("heads: %d (%d wide each)"), c->n_heads, c->d_model / c->n_heads);
  g_string_append_c (out, '\n');
  g_string_append_printf (out, _("model width (d_model): %d"), c->d_model);
  g_string_append_c (out, '\n');
  g_string_append_printf (out, _("feed-forward size: %d"), c->d_ff);
  g_string_append_c (out, '\n');
  /* Translators: the options are PyTorch's names: pre-norm (norm_first) or
   * post-norm, gelu or relu; layer_norm_eps is a parameter's name */
  g_string_append_printf (out, _("options: %s, %s, layer_norm_eps %g"),
                          c->norm_first ? "pre-norm (norm_first)" : "post-norm",
                          c->gelu ? "gelu" : "relu", c->eps);
  g_string_append_c (out, '\n');
  /* Translators: how many positions the model has encodings for */
  g_string_append_printf (out, _("positions: %d"), c->n_positions);
  g_string_append_c (out, '\n');
}

static gboolean
get_attention_shape (const AsModel   *model,
                     AsAttentionKind  kind,
                     guint           *n_layers,
                     guint           *n_heads)
{
  const AsTransformerConfig *c = &transformer (model)->config;

  *n_layers = kind == AS_ATTENTION_ENCODER_SELF ? c->n_encoder : c->n_decoder;
  *n_heads = c->n_heads;
  return TRUE;
}

static guint
get_max_positions (const AsModel *model)
{
  return transformer (model)->config.n_positions;
}

/* The tutorial's greedy_decode: max_len = num_tokens + 5, of which the
 * start token is one; num_tokens counts the source's start and end. */
static guint
get_default_max_length (const AsModel *model,
                        guint          n_source)
{
  return n_source + 4;
}

/* The computation */

/* x (n, d) += the positional encoding of positions from..from + n - 1 */
static void
add_positions (const TfModel *m,
               float         *x,
               int            n,
               int            from)
{
  const int d = m->config.d_model;

  for (int i = 0; i < n; i++)
    for (int j = 0; j < d; j++)
      x[(gsize) i * d + j] += m->weights.positions[(gsize) (from + i) * d + j];
}

static void
activate (const TfModel *m,
          float         *x,
          gsize          n)
{
  if (m->config.gelu)
    as_gelu (x, n);
  else
    as_relu (x, n);
}

/* Runs the encoder over @ids (n); leaves its output (after the final norm)
 * in @memory (n, d) and every layer's and head's attention in @record. */
static void
encode (const TfModel *m,
        const int     *ids,
        int            n,
        float         *memory,
        AsAttention   *record)
{
  const AsTransformerConfig *c = &m->config;
  const Weights *w = &m->weights;
  const int d = c->d_model, H = c->n_heads, dh = d / H, ff = c->d_ff;
  const float scale = 1.0f / sqrtf ((float) dh);
  const float embed_scale = sqrtf ((float) d);
  g_autofree float *x = memory;   /* (n, d) the residual stream, in place */
  g_autofree float *a = g_new (float, (gsize) n * d);
  g_autofree float *qkv = g_new (float, (gsize) n * 3 * d);
  g_autofree float *heads = g_new (float, (gsize) n * d);
  g_autofree float *hidden = g_new (float, (gsize) n * ff);
  float *weights = record != NULL ? as_attention_begin_rows (record, n) : NULL;  /* (n, E, H, n) */
  g_autofree float *scores = g_new (float, (gsize) n * n);

  for (int i = 0; i < n; i++)
    for (int j = 0; j < d; j++)
      x[(gsize) i * d + j] = w->src_embedding[(gsize) ids[i] * d + j] * embed_scale;
  add_positions (m, x, n, 0);

  for (int l = 0; l < c->n_encoder; l++)
    {
      /* self-attention block */
      memcpy (a, x, (gsize) n * d * sizeof (float));
      if (c->norm_first)
        for (int i = 0; i < n; i++)
          as_layer_norm (a + (gsize) i * d, w->enc_n1_w[l], w->enc_n1_b[l], d, c->eps);
      as_matmul_t (qkv, a, w->enc_self.in_w[l], w->enc_self.in_b[l], n, 3 * d, d);
      for (int h = 0; h < H; h++)
        {
          /* scores (n, n) = Q_h K_h^T / sqrt (dh); out_h (n, dh) = softmax (scores) V_h */
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, n, n, dh, scale,
                       qkv + h * dh, 3 * d, qkv + d + h * dh, 3 * d, 0.0f, scores, n);
          for (int i = 0; i < n; i++)
            {
              as_softmax (scores + (gsize) i * n, n);
              if (weights != NULL)
                memcpy (weights + (((gsize) i * c->n_encoder + l) * H + h) * n, scores + (gsize) i * n, n * sizeof (float));
            }
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, dh, n, 1.0f,
                       scores, n, qkv + 2 * d + h * dh, 3 * d, 0.0f, heads + h * dh, d);
        }
      as_matmul_t (a, heads, w->enc_self.out_w[l], w->enc_self.out_b[l], n, d, d);
      for (gsize k = 0; k < (gsize) n * d; k++)
        x[k] += a[k];
      if (!c->norm_first)
        for (int i = 0; i < n; i++)
          as_layer_norm (x + (gsize) i * d, w->enc_n1_w[l], w->enc_n1_b[l], d, c->eps);

      /* feed-forward block */
      memcpy (a, x, (gsize) n * d * sizeof (float));
      if (c->norm_first)
        for (int i = 0; i < n; i++)
          as_layer_norm (a + (gsize) i * d, w->enc_n2_w[l], w->enc_n2_b[l], d, c->eps);
      as_matmul_t (hidden, a, w->enc_l1_w[l], w->enc_l1_b[l], n, ff, d);
      activate (m, hidden, (gsize) n * ff);
      as_matmul_t (a, hidden, w->enc_l2_w[l], w->enc_l2_b[l], n, d, ff);
      for (gsize k = 0; k < (gsize) n * d; k++)
        x[k] += a[k];
      if (!c->norm_first)
        for (int i = 0; i < n; i++)
          as_layer_norm (x + (gsize) i * d, w->enc_n2_w[l], w->enc_n2_b[l], d, c->eps);
    }

  for (int i = 0; i < n; i++)
    as_layer_norm (x + (gsize) i * d, w->enc_norm_w, w->enc_norm_b, d, c->eps);
  g_steal_pointer (&x);  /* it is @memory */
}

/* One head's attention of a query over @n keys and values (rows @stride
 * apart): the weights into @p (n), the output into @out (dh). */
static void
attend (const float *q,
        const float *k,
        const float *v,
        int          n,
        int          dh,
        int          stride,
        float        scale,
        float       *p,
        float       *out)
{
  cblas_sgemv (CblasRowMajor, CblasNoTrans, n, dh, scale, k, stride, q, 1, 0.0f, p, 1);
  as_softmax (p, n);
  cblas_sgemv (CblasRowMajor, CblasTrans, n, dh, 1.0f, v, stride, p, 1, 0.0f, out, 1);
}

/* The residual around a block: x += f, then norm (post-norm); the block's
 * input was normalised before it (pre-norm) */
static void
add_residual (const TfModel *m,
              float         *x,
              const float   *f,
              const float   *norm_w,
              const float   *norm_b)
{
  const int d = m->config.d_model;

  for (int j = 0; j < d; j++)
    x[j] += f[j];
  if (!m->config.norm_first)
    as_layer_norm (x, norm_w, norm_b, d, m->config.eps);
}

/* The input of a block: x itself (post-norm), or x normalised (pre-norm) */
static const float *
block_input (const TfModel *m,
             TfEncoding    *s,
             const float   *norm_w,
             const float   *norm_b)
{
  const int d = m->config.d_model;

  if (!m->config.norm_first)
    return s->x;
  memcpy (s->a, s->x, d * sizeof (float));
  as_layer_norm (s->a, norm_w, norm_b, d, m->config.eps);
  return s->a;
}

/* One decoder step at position t = st->position (the cache holds room for it). */
static void
decode_step (const TfModel *m,
             TfEncoding    *s,
             TfState       *st,
             int            input,
             float         *logits,
             float         *cross,
             float         *self_rows,
             guint          self_columns)
{
  const AsTransformerConfig *c = &m->config;
  const Weights *w = &m->weights;
  const int d = c->d_model, H = c->n_heads, dh = d / H, ff = c->d_ff, n = s->n_source;
  const int t = st->position;
  const float scale = 1.0f / sqrtf ((float) dh);
  const float embed_scale = sqrtf ((float) d);

  for (int j = 0; j < d; j++)
    s->x[j] = w->tgt_embedding[(gsize) input * d + j] * embed_scale;
  add_positions (m, s->x, 1, t);

  for (int l = 0; l < c->n_decoder; l++)
    {
      float *k_cache = st->k + (gsize) l * st->capacity * d;
      float *v_cache = st->v + (gsize) l * st->capacity * d;
      const float *k_cross = s->cross_k + (gsize) l * n * d;
      const float *v_cross = s->cross_v + (gsize) l * n * d;
      const float *in;

      /* masked self-attention over the positions 0..t */
      in = block_input (m, s, w->dec_n1_w[l], w->dec_n1_b[l]);
      as_matvec_either (s->qkv, &m->packed[l].self_in, w->dec_self.in_w[l], in, w->dec_self.in_b[l], 3 * d, d);
      memcpy (k_cache + (gsize) t * d, s->qkv + d, d * sizeof (float));
      memcpy (v_cache + (gsize) t * d, s->qkv + 2 * d, d * sizeof (float));
      for (int h = 0; h < H; h++)
        {
          attend (s->qkv + h * dh, k_cache + h * dh, v_cache + h * dh, t + 1, dh, d, scale,
                  s->scores, s->heads + h * dh);
          if (self_rows != NULL)
            memcpy (self_rows + ((gsize) l * H + h) * self_columns, s->scores, (t + 1) * sizeof (float));
        }
      as_matvec_either (s->out, &m->packed[l].self_out, w->dec_self.out_w[l], s->heads, w->dec_self.out_b[l], d, d);
      add_residual (m, s->x, s->out, w->dec_n1_w[l], w->dec_n1_b[l]);

      /* cross-attention over the source */
      in = block_input (m, s, w->dec_n2_w[l], w->dec_n2_b[l]);
      as_matvec_either (s->qkv, &m->packed[l].cross_q, w->dec_cross.in_w[l], in, w->dec_cross.in_b[l], d, d);  /* the query rows only */
      for (int h = 0; h < H; h++)
        {
          attend (s->qkv + h * dh, k_cross + h * dh, v_cross + h * dh, n, dh, d, scale,
                  s->scores, s->heads + h * dh);
          memcpy (cross + ((gsize) l * H + h) * n, s->scores, n * sizeof (float));
        }
      as_matvec_either (s->out, &m->packed[l].cross_out, w->dec_cross.out_w[l], s->heads, w->dec_cross.out_b[l], d, d);
      add_residual (m, s->x, s->out, w->dec_n2_w[l], w->dec_n2_b[l]);

      /* feed-forward */
      in = block_input (m, s, w->dec_n3_w[l], w->dec_n3_b[l]);
      as_matvec_either (s->hidden, &m->packed[l].l1, w->dec_l1_w[l], in, w->dec_l1_b[l], ff, d);
      activate (m, s->hidden, ff);
      as_matvec_either (s->out, &m->packed[l].l2, w->dec_l2_w[l], s->hidden, w->dec_l2_b[l], d, ff);
      add_residual (m, s->x, s->out, w->dec_n3_w[l], w->dec_n3_b[l]);
    }

  as_layer_norm (s->x, w->dec_norm_w, w->dec_norm_b, d, c->eps);
  as_matvec_either (logits, &m->generator, w->generator_w, s->x, w->generator_b, c->tgt_vocab, d);
}

/* The encoder */

static void
free_encoding (gpointer data)
{
  TfEncoding *s = data;

  if (s == NULL)
    return;
  g_free (s->cross_k);
  g_free (s->cross_v);
  g_free (s->x);
  g_free (s->a);
  g_free (s->qkv);
  g_free (s->heads);
  g_free (s->out);
  g_free (s->hidden);
  g_free (s->scores);
  g_free (s);
}

static gpointer
encode_sentence (const AsModel  *model,
                 const int      *ids,
                 guint           n_source,
                 AsAttention    *encoder_self,
                 GCancellable   *cancellable,
                 GError        **error)
{
  const TfModel *m = transformer (model);
  const AsTransformerConfig *c = &m->config;
  const int d = c->d_model;
  const gsize n = MAX (n_source, 1);
  TfEncoding *s;

  /* the session never asks for more source positions than the model has */
  g_return_val_if_fail (n_source <= (guint) c->n_positions, NULL);

  s = g_new0 (TfEncoding, 1);
  s->n_source = n_source;
  s->cross_k = g_new0 (float, (gsize) c->n_decoder * n * d);
  s->cross_v = g_new0 (float, (gsize) c->n_decoder * n * d);
  s->x = g_new0 (float, d);
  s->a = g_new0 (float, d);
  s->qkv = g_new0 (float, 3 * d);
  s->heads = g_new0 (float, d);
  s->out = g_new0 (float, d);
  s->hidden = g_new0 (float, c->d_ff);
  s->scores = g_new0 (float, MAX (n, (gsize) c->n_positions));
  if (ids != NULL)
    {
      float *memory = g_new (float, n * d);

      encode (m, ids, n_source, memory, encoder_self);
      /* each decoder layer's keys and values of the memory, once per sentence */
      for (int l = 0; l < c->n_decoder; l++)
        {
          const float *in_w = m->weights.dec_cross.in_w[l];
          const float *in_b = m->weights.dec_cross.in_b[l];

          as_matmul_t (s->cross_k + (gsize) l * n * d, memory, in_w + (gsize) d * d, in_b + d, n_source, d, d);
          as_matmul_t (s->cross_v + (gsize) l * n * d, memory, in_w + (gsize) 2 * d * d, in_b + 2 * d, n_source, d, d);
        }
      g_free (memory);
    }
  return s;
}

/* Decoder states */

/* The keys and values of @from's positions so far into @k and @v, laid
 * out (n_decoder, @capacity, d) */
static void
copy_cache (float         *k,
            float         *v,
            guint          capacity,
            const TfState *from)
{
  const gsize n = (gsize) from->position * from->d;

  for (int l = 0; l < from->n_decoder && n > 0; l++)
    {
      memcpy (k + (gsize) l * capacity * from->d, from->k + (gsize) l * from->capacity * from->d, n * sizeof (float));
      memcpy (v + (gsize) l * capacity * from->d, from->v + (gsize) l * from->capacity * from->d, n * sizeof (float));
    }
}

static void
reserve (TfState *st,
         guint    positions)
{
  guint capacity;
  float *k, *v;

  if (positions <= st->capacity)
    return;
  capacity = MAX (positions, MAX (2 * st->capacity, 16));
  k = g_new0 (float, (gsize) st->n_decoder * capacity * st->d);
  v = g_new0 (float, (gsize) st->n_decoder * capacity * st->d);
  copy_cache (k, v, capacity, st);
  g_free (st->k);
  g_free (st->v);
  st->k = k;
  st->v = v;
  st->capacity = capacity;
}

static gpointer
new_state (const AsModel *model,
           gconstpointer  encoding)
{
  const AsTransformerConfig *c = &transformer (model)->config;
  TfState *st = g_new0 (TfState, 1);

  st->n_decoder = c->n_decoder;
  st->d = c->d_model;
  reserve (st, 1);
  return st;
}

static gpointer
copy_state (gconstpointer data)
{
  const TfState *from = data;
  TfState *st = g_new0 (TfState, 1);

  st->n_decoder = from->n_decoder;
  st->d = from->d;
  reserve (st, MAX (from->position, 1));
  st->position = from->position;
  copy_cache (st->k, st->v, st->capacity, from);
  return st;
}

static void
free_state (gpointer data)
{
  TfState *st = data;

  if (st == NULL)
    return;
  g_free (st->k);
  g_free (st->v);
  g_free (st);
}

static void
step (const AsModel *model,
      gpointer       encoding,
      gpointer       data,
      int            input,
      float         *logits,
      float         *cross,
      float         *decoder_self,
      guint          self_columns)
{
  TfState *st = data;

  g_return_if_fail (st->position < (guint) transformer (model)->config.n_positions);
  g_return_if_fail (decoder_self == NULL || self_columns > st->position);

  reserve (st, st->position + 1);
  decode_step (transformer (model), encoding, st, input, logits, cross, decoder_self, self_columns);
  st->position++;
}

const AsArchitecture as_transformer_architecture = {
  .name = "transformer",
  .title = "Transformer (PyTorch's nn.Transformer tutorial)",
  .source_starts = TRUE,
  .source_ends = TRUE,
  .load_hyperparameters = load_hyperparameters,
  .check_sides = check_sides,
  .load_tensors = load_tensors,
  .free = free_model,
  .describe = describe,
  .get_max_positions = get_max_positions,
  .get_default_max_length = get_default_max_length,
  .get_attention_shape = get_attention_shape,
  .encode = encode_sentence,
  .free_encoding = free_encoding,
  .new_state = new_state,
  .copy_state = copy_state,
  .free_state = free_state,
  .get_position = as_state_get_position,
  .rewind = as_state_rewind,
  .step = step,
};
