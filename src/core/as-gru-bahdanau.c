/* Architecture "gru-bahdanau" (see as-gru-bahdanau.h): loading its
 * hyper-parameters and tensors, the encoder, and one decoder step, in the
 * shape of llama2.c: a config, the weights, and run state allocated once
 * (the encoding of one sentence; a decoder state per hypothesis). */

#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>
#include <glib/gi18n-lib.h>

#include "as-error.h"
#include "as-gru-bahdanau.h"
#include "as-kernels.h"

#define MAX_HIDDEN 4096
/* 2^28 floats (1 GiB) for the encoder's buffers of one sentence */
#define MAX_ENCODER_FLOATS (G_GUINT64_CONSTANT (1) << 28)

/* Each target token's part of W_ih x + b_ih that depends on the token
 * alone: b_ih + W_ih's columns of the embedding times its embedding (3H),
 * made at the token's first step and kept while the model's budget lasts,
 * so that a step multiplies only the context's columns (3H x H). Shared by
 * the sessions of every thread: a row is written before it is published
 * and never after. */
typedef struct
{
  GMutex   lock;
  gsize    left;    /* floats that more rows may take */
  float  **rows;    /* (T) NULL: not made yet */
} RowCache;

typedef struct
{
  AsGruConfig  config;
  AsGruWeights weights;
  /* the encoder's weight matrices again, packed for as_matmul_packed ()
   * and as_gru_step_packed () (about 0.7 MB at hidden 160) */
  AsPacked     enc_w_ih;  /* (3H, H) */
  AsPacked     enc_w_hh;  /* (3H, H) as 3 groups: r, z, n */
  AsPacked     att_ua;    /* (H, H) */
  /* the decoder step's, packed where they fit in the model's budget
   * (pack_decoder, as_packed_budget: data NULL where not, and the step
   * multiplies the row-major matrix, the file's, with OpenBLAS) */
  AsPacked     out_w;     /* (T, H) */
  AsPacked     dec_w_hh;  /* (3H, H) as 3 groups: r, z, n */
  AsPacked     att_wa;    /* (H, H) */
  AsPacked     dec_w_ih_context;  /* (3H, H): W_ih's columns of the context */
  RowCache    *cache;     /* with dec_w_ih_context */
} GruModel;

/* Every activation buffer of one sentence, allocated once: a step allocates
 * nothing. The step's scratch buffers are here too: the steps of one
 * sentence (of all its hypotheses) run one at a time. */
typedef struct
{
  int    n_source;
  float *enc_out;   /* (n, H)  encoder outputs, the attention's values */
  float *keys;      /* (n, H)  Ua o_i + b_Ua + b_Wa, computed once per sentence */
  float *gi;        /* (max (n, 1), 3H)  input projections (encoder: all positions at once) */
  float *gh;        /* (3H)    W_hh h + b_hh */
  float *row;       /* (3H)    an input row not kept (RowCache) */
  float *query;     /* (H)     Wa h */
  float *gru_in;    /* (2H)    [embedded; context] */
  float *h0;        /* (H)     the encoder's final state, the decoder's first */
} GruEncoding;

/* A decoder state: the hidden state before each step taken, so that
 * rewinding is setting the position. */
typedef struct
{
  guint  position;  /* first: as_state_get_position and as_state_rewind read it */
  int    H;
  guint  capacity;  /* positions that @hidden holds a state for, less one */
  float *hidden;    /* (capacity + 1, H) */
} GruState;

static const GruModel *
gru (const AsModel *model)
{
  return as_model_get_data (model);
}

const AsGruConfig *
as_gru_get_config (const AsModel *model)
{
  return &gru (model)->config;
}

const AsGruWeights *
as_gru_get_weights (const AsModel *model)
{
  return &gru (model)->weights;
}

/* Loading */

static gpointer
load_hyperparameters (AsLoader  *ld,
                      GError   **error)
{
  static const char * const hyper_keys[] = { "hidden_size", NULL };
  g_autofree GruModel *m = g_new0 (GruModel, 1);
  JsonObject *hyper;
  gint64 value;

  if (!as_loader_get_object (ld, ld->root, "hyperparameters", "", TRUE, &hyper) ||
      !as_loader_check_keys (ld, hyper, "hyperparameters", hyper_keys) ||
      !as_loader_get_int (ld, hyper, "hidden_size", "hyperparameters", 1, MAX_HIDDEN, 0, &value))
    return NULL;
  m->config.hidden = (int) value;
  return g_steal_pointer (&m);
}

static gboolean
check_sides (gpointer       data,
             const AsVocab *source,
             const AsVocab *target,
             AsLoader      *ld)
{
  GruModel *m = data;

  if (source->end < 0)
    return as_loader_fail (ld, "source.special.end is needed: the encoder reads the sentence with the end token appended");
  if (target->start < 0)
    return as_loader_fail (ld, "target.special.start is needed: the decoder starts from it");
  if (target->end < 0)
    return as_loader_fail (ld, "target.special.end is needed: decoding stops at it");
  m->config.src_vocab = (int) source->size;
  m->config.tgt_vocab = (int) target->size;
  return TRUE;
}

static void
free_cache (GruModel *m)
{
  if (m->cache == NULL)
    return;
  for (int t = 0; t < m->config.tgt_vocab; t++)
    g_free (m->cache->rows[t]);
  g_free (m->cache->rows);
  g_mutex_clear (&m->cache->lock);
  g_clear_pointer (&m->cache, g_free);
}

static void
clear_packed (GruModel *m)
{
  free_cache (m);
  as_packed_clear (&m->enc_w_ih);
  as_packed_clear (&m->enc_w_hh);
  as_packed_clear (&m->att_ua);
  as_packed_clear (&m->out_w);
  as_packed_clear (&m->dec_w_hh);
  as_packed_clear (&m->att_wa);
  as_packed_clear (&m->dec_w_ih_context);
}

/* Packs the decoder step's matrices, the ones that save the most first,
 * while they fit in the budget (as_packed_budget); what is left goes to
 * the input rows. */
static void
pack_decoder (GruModel *m,
              guint64   n_parameters)
{
  const AsGruWeights *w = &m->weights;
  const int H = m->config.hidden, T = m->config.tgt_vocab;
  guint64 left = as_packed_budget (n_parameters);

  as_packed_init_within (&m->out_w, w->out_w, H, 1, T, H, &left);
  as_packed_init_within (&m->dec_w_hh, w->dec_w_hh, H, 3, H, H, &left);
  as_packed_init_within (&m->att_wa, w->att_wa, H, 1, H, H, &left);
  if (as_packed_init_within (&m->dec_w_ih_context, w->dec_w_ih + H, 2 * H, 1, 3 * H, H, &left))
    {
      m->cache = g_new0 (RowCache, 1);
      g_mutex_init (&m->cache->lock);
      m->cache->rows = g_new0 (float *, T);
      m->cache->left = left;
    }
}

/* b_ih + W_ih's columns of the embedding times @input's embedding: kept in
 * the cache, or made in @s->row (and kept, where the budget lasts) */
static const float *
input_row (const GruModel *m,
           GruEncoding    *s,
           int             input)
{
  const AsGruWeights *w = &m->weights;
  const int H = m->config.hidden;
  RowCache *cache = m->cache;
  float *row = g_atomic_pointer_get (&cache->rows[input]);

  if (row != NULL)
    return row;
  memcpy (s->row, w->dec_b_ih, 3 * H * sizeof (float));
  cblas_sgemv (CblasRowMajor, CblasNoTrans, 3 * H, H, 1.0f, w->dec_w_ih, 2 * H,
               w->dec_embedding + (gsize) input * H, 1, 1.0f, s->row, 1);
  g_mutex_lock (&cache->lock);
  if (cache->rows[input] == NULL && cache->left >= (gsize) 3 * H)
    {
      cache->left -= 3 * H;
      g_atomic_pointer_set (&cache->rows[input], g_memdup2 (s->row, 3 * H * sizeof (float)));
    }
  g_mutex_unlock (&cache->lock);
  return s->row;
}

static gboolean
load_tensors (gpointer        data,
              const AsVocab  *source,
              const AsVocab  *target,
              AsLoader       *ld,
              float         **buffer,
              guint64        *n_parameters)
{
  GruModel *m = data;
  const gint64 H = m->config.hidden, S = source->size, T = target->size;
  g_autofree char *why_s = g_strdup_printf ("the source vocabulary has %" G_GINT64_FORMAT " tokens, hidden_size is %" G_GINT64_FORMAT, S, H);
  g_autofree char *why_t = g_strdup_printf ("the target vocabulary has %" G_GINT64_FORMAT " tokens, hidden_size is %" G_GINT64_FORMAT, T, H);
  g_autofree char *why_h = g_strdup_printf ("hidden_size is %" G_GINT64_FORMAT, H);
  g_autofree char *why_tv = g_strdup_printf ("the target vocabulary has %" G_GINT64_FORMAT " tokens", T);
  AsGruWeights *w = &m->weights;
  const AsTensorSpec specs[] = {
    { "encoder.embedding.weight",     0, 2, { S, H },         why_s,  &w->enc_embedding },
    { "encoder.gru.weight_ih_l0",     0, 2, { 3 * H, H },     why_h,  &w->enc_w_ih },
    { "encoder.gru.weight_hh_l0",     0, 2, { 3 * H, H },     why_h,  &w->enc_w_hh },
    { "encoder.gru.bias_ih_l0",       0, 1, { 3 * H },        why_h,  &w->enc_b_ih },
    { "encoder.gru.bias_hh_l0",       0, 1, { 3 * H },        why_h,  &w->enc_b_hh },
    { "decoder.embedding.weight",     0, 2, { T, H },         why_t,  &w->dec_embedding },
    { "decoder.attention.Wa.weight",  0, 2, { H, H },         why_h,  &w->att_wa },
    { "decoder.attention.Wa.bias",    0, 1, { H },            why_h,  &w->att_wa_b },
    { "decoder.attention.Ua.weight",  0, 2, { H, H },         why_h,  &w->att_ua },
    { "decoder.attention.Ua.bias",    0, 1, { H },            why_h,  &w->att_ua_b },
    { "decoder.attention.Va.weight",  0, 2, { 1, H },         why_h,  &w->att_va },
    { "decoder.attention.Va.bias",    0, 1, { 1 },            "a single score per position", &w->att_va_b },
    { "decoder.gru.weight_ih_l0",     0, 2, { 3 * H, 2 * H }, why_h,  &w->dec_w_ih },
    { "decoder.gru.weight_hh_l0",     0, 2, { 3 * H, H },     why_h,  &w->dec_w_hh },
    { "decoder.gru.bias_ih_l0",       0, 1, { 3 * H },        why_h,  &w->dec_b_ih },
    { "decoder.gru.bias_hh_l0",       0, 1, { 3 * H },        why_h,  &w->dec_b_hh },
    { "decoder.out.weight",           0, 2, { T, H },         why_t,  &w->out_w },
    { "decoder.out.bias",             0, 1, { T },            why_tv, &w->out_b },
  };

  if (!as_loader_read_tensors (ld, specs, G_N_ELEMENTS (specs), buffer, n_parameters))
    return FALSE;
  clear_packed (m);
  as_packed_init (&m->enc_w_ih, w->enc_w_ih, 1, 3 * H, H);
  as_packed_init (&m->enc_w_hh, w->enc_w_hh, 3, H, H);
  as_packed_init (&m->att_ua, w->att_ua, 1, H, H);
  pack_decoder (m, *n_parameters);
  return TRUE;
}

static void
free_model (gpointer data)
{
  GruModel *m = data;

  clear_packed (m);
  g_free (m);
}

static void
describe (gconstpointer  data,
          GString       *out)
{
  const GruModel *m = data;

  /* Translators: a line of the model's tooltip */
  g_string_append_printf (out, _("hidden size: %d"), m->config.hidden);
  g_string_append_c (out, '\n');
}

static gboolean
get_attention_shape (const AsModel   *model,
                     AsAttentionKind  kind,
                     guint           *n_layers,
                     guint           *n_heads)
{
  /* one additive attention over the encoder's outputs */
  *n_layers = 1;
  *n_heads = 1;
  return kind == AS_ATTENTION_CROSS;
}

/* The computation */

/* Runs the encoder over @ids (n_source); leaves the final hidden state in
 * @hidden (H). FALSE when @cancellable was cancelled: it is looked at every
 * ENCODE_CHECK positions of the recurrence (a 10,000-word sentence takes a
 * good part of a second). */
#define ENCODE_CHECK 256

static gboolean
encode (const GruModel *m,
        GruEncoding    *s,
        const int      *ids,
        float          *hidden,
        GCancellable   *cancellable)
{
  const AsGruWeights *w = &m->weights;
  const int H = m->config.hidden;
  const int n = s->n_source;

  /* gather the embeddings into enc_out (reused as the input matrix X (n, H)) */
  for (int i = 0; i < n; i++)
    memcpy (s->enc_out + (gsize) i * H, w->enc_embedding + (gsize) ids[i] * H, H * sizeof (float));

  /* gi (n, 3H) = X @ W_ih^T + b_ih for all positions in one product */
  as_matmul_packed (s->gi, s->enc_out, &m->enc_w_ih, w->enc_b_ih, n);

  /* o_i = GRU (gi_i, o_(i-1)), written over x_i, which gi already holds */
  memset (hidden, 0, H * sizeof (float));
  for (int i = 0; i < n; i++)
    {
      float *out = s->enc_out + (gsize) i * H;

      if (i % ENCODE_CHECK == 0 && g_cancellable_is_cancelled (cancellable))
        return FALSE;
      as_gru_step_packed (out, i > 0 ? out - H : hidden, s->gi + (gsize) i * 3 * H,
                          &m->enc_w_hh, w->enc_b_hh, H);
    }
  if (n > 0)
    memcpy (hidden, s->enc_out + (gsize) (n - 1) * H, H * sizeof (float));

  /* keys (n, H) = O @ Ua^T + b_Ua, once per sentence; fold in b_Wa too */
  as_matmul_packed (s->keys, s->enc_out, &m->att_ua, w->att_ua_b, n);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < H; j++)
      s->keys[(gsize) i * H + j] += w->att_wa_b[j];
  return TRUE;
}

/* One decoder step: feeds @input with the state @hidden (H, updated in place),
 * writes the attention row (n_source) and the logits (T). */
static void
decode_step (const GruModel *m,
             GruEncoding    *s,
             int             input,
             float          *hidden,
             float          *attention,
             float          *logits)
{
  const AsGruWeights *w = &m->weights;
  const AsGruConfig *c = &m->config;
  const int H = c->hidden, n = s->n_source;

  /* scores_i = Va . tanh (Wa h + Ua o_i + biases) + b_Va */
  as_matvec_either (s->query, &m->att_wa, w->att_wa, hidden, NULL, H, H);
  as_attention_energies (attention, s->keys, s->query, w->att_va, w->att_va_b[0], n, H);
  as_softmax (attention, n);

  /* gru_in = [embedded; context], context (H) = attention (n) @ O (n, H);
   * gi = W_ih gru_in + b_ih: the input's row (input_row) plus the context's
   * columns times the context, where they are packed */
  cblas_sgemv (CblasRowMajor, CblasTrans, n, H, 1.0f, s->enc_out, H, attention, 1, 0.0f, s->gru_in + H, 1);
  if (m->dec_w_ih_context.data != NULL)
    as_matmul_packed (s->gi, s->gru_in + H, &m->dec_w_ih_context, input_row (m, s, input), 1);
  else
    {
      memcpy (s->gru_in, w->dec_embedding + (gsize) input * H, H * sizeof (float));
      as_matvec (s->gi, w->dec_w_ih, s->gru_in, w->dec_b_ih, 3 * H, 2 * H);
    }

  if (m->dec_w_hh.data != NULL)
    {
      as_gru_step_packed (s->gh, hidden, s->gi, &m->dec_w_hh, w->dec_b_hh, H);
      memcpy (hidden, s->gh, H * sizeof (float));
    }
  else
    {
      as_matvec (s->gh, w->dec_w_hh, hidden, w->dec_b_hh, 3 * H, H);
      as_gru_gates (hidden, s->gi, s->gh, H);
    }

  as_matvec_either (logits, &m->out_w, w->out_w, hidden, w->out_b, c->tgt_vocab, H);
}

/* The encoder */

static void
free_encoding (gpointer data)
{
  GruEncoding *s = data;

  if (s == NULL)
    return;
  g_free (s->enc_out);
  g_free (s->keys);
  g_free (s->gi);
  g_free (s->gh);
  g_free (s->row);
  g_free (s->query);
  g_free (s->gru_in);
  g_free (s->h0);
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
  const GruModel *m = gru (model);
  const int H = m->config.hidden;
  const gsize n = MAX (n_source, 1);
  GruEncoding *s;

  /* the encoder keeps about 6 floats per token and hidden unit (outputs,
   * keys, 3 input projections, and room to spare): a wide model and a long sentence
   * would ask for gigabytes, and g_new() aborts rather than fail */
  {
    const guint64 most = MAX_ENCODER_FLOATS / (6 * (guint64) H);

    if ((guint64) n_source > most)
      {
        g_set_error (error, AS_ERROR, AS_ERROR_TOO_LONG,
                     "The sentence has %u tokens; with this model (hidden size %d"
                     ") AttnScope translates at most %" G_GUINT64_FORMAT,
                     n_source - 1, H, most - 1);
        return NULL;
      }
  }

  s = g_new0 (GruEncoding, 1);
  s->n_source = n_source;
  s->enc_out = g_new0 (float, n * H);
  s->keys = g_new0 (float, n * H);
  s->gi = g_new0 (float, n * 3 * H);
  s->gh = g_new0 (float, 3 * H);
  s->row = g_new0 (float, 3 * H);
  s->query = g_new0 (float, H);
  s->gru_in = g_new0 (float, 2 * H);
  s->h0 = g_new0 (float, H);
  if (ids != NULL && !encode (m, s, ids, s->h0, cancellable))
    {
      free_encoding (s);
      g_cancellable_set_error_if_cancelled (cancellable, error);
      return NULL;
    }
  return s;
}

/* Decoder states */

static void
reserve (GruState *st,
         guint     position)
{
  if (position <= st->capacity)
    return;
  st->capacity = MAX (position, MAX (2 * st->capacity, 16));
  st->hidden = g_renew (float, st->hidden, (gsize) (st->capacity + 1) * st->H);
}

static gpointer
new_state (const AsModel *model,
           gconstpointer  encoding)
{
  const GruEncoding *e = encoding;
  GruState *st = g_new0 (GruState, 1);

  st->H = gru (model)->config.hidden;
  reserve (st, 1);
  memcpy (st->hidden, e->h0, st->H * sizeof (float));
  return st;
}

static gpointer
copy_state (gconstpointer data)
{
  const GruState *from = data;
  GruState *st = g_new0 (GruState, 1);

  st->H = from->H;
  st->position = from->position;
  reserve (st, MAX (from->position, 1));
  memcpy (st->hidden, from->hidden, (gsize) (from->position + 1) * st->H * sizeof (float));
  return st;
}

static void
free_state (gpointer data)
{
  GruState *st = data;

  if (st == NULL)
    return;
  g_free (st->hidden);
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
  GruState *st = data;
  float *hidden;

  /* the state after the step goes in the next slot; the one before stays for rewinding */
  reserve (st, st->position + 1);
  hidden = st->hidden + (gsize) (st->position + 1) * st->H;
  memcpy (hidden, st->hidden + (gsize) st->position * st->H, st->H * sizeof (float));
  decode_step (gru (model), encoding, input, hidden, cross, logits);
  st->position++;
}

const AsArchitecture as_gru_bahdanau_architecture = {
  .name = "gru-bahdanau",
  .title = "GRU encoder-decoder with Bahdanau attention",
  .source_starts = FALSE,
  .source_ends = TRUE,
  .load_hyperparameters = load_hyperparameters,
  .check_sides = check_sides,
  .load_tensors = load_tensors,
  .free = free_model,
  .describe = describe,
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
