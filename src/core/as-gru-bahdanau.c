#include <math.h>
#include <string.h>

#include <cblas.h>

#include "as-gru-bahdanau.h"
#include "as-kernels.h"

AsGruState *
as_gru_state_new (const AsModel *model,
                  int            n_source)
{
  const int H = as_model_get_config (model)->hidden;
  const gsize n = MAX (n_source, 1);
  AsGruState *s = g_new0 (AsGruState, 1);

  s->n_source = n_source;
  s->enc_out = g_new0 (float, n * H);
  s->keys = g_new0 (float, n * H);
  s->energy = g_new0 (float, n * H);
  s->gi = g_new0 (float, n * 3 * H);
  s->gh = g_new0 (float, 3 * H);
  s->query = g_new0 (float, H);
  s->gru_in = g_new0 (float, 2 * H);
  return s;
}

void
as_gru_state_free (AsGruState *s)
{
  if (s == NULL)
    return;
  g_free (s->enc_out);
  g_free (s->keys);
  g_free (s->energy);
  g_free (s->gi);
  g_free (s->gh);
  g_free (s->query);
  g_free (s->gru_in);
  g_free (s);
}

void
as_gru_encode (const AsModel *model,
               AsGruState    *s,
               const int     *ids,
               float         *hidden)
{
  const AsGruWeights *w = as_model_get_weights (model);
  const int H = as_model_get_config (model)->hidden;
  const int n = s->n_source;

  /* gather the embeddings into enc_out (reused as the input matrix X (n, H)) */
  for (int i = 0; i < n; i++)
    memcpy (s->enc_out + (gsize) i * H, w->enc_embedding + (gsize) ids[i] * H, H * sizeof (float));

  /* gi (n, 3H) = X @ W_ih^T + b_ih for all positions in one sgemm */
  as_matmul_t (s->gi, s->enc_out, w->enc_w_ih, w->enc_b_ih, n, 3 * H, H);

  memset (hidden, 0, H * sizeof (float));
  for (int i = 0; i < n; i++)
    {
      as_matvec (s->gh, w->enc_w_hh, hidden, w->enc_b_hh, 3 * H, H);
      as_gru_gates (hidden, s->gi + (gsize) i * 3 * H, s->gh, H);
      memcpy (s->enc_out + (gsize) i * H, hidden, H * sizeof (float));
    }

  /* keys (n, H) = O @ Ua^T + b_Ua, once per sentence; fold in b_Wa too */
  as_matmul_t (s->keys, s->enc_out, w->att_ua, w->att_ua_b, n, H, H);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < H; j++)
      s->keys[(gsize) i * H + j] += w->att_wa_b[j];
}

void
as_gru_decode_step (const AsModel *model,
                    AsGruState    *s,
                    int            input,
                    float         *hidden,
                    float         *attention,
                    float         *logprobs)
{
  const AsGruWeights *w = as_model_get_weights (model);
  const AsGruConfig *c = as_model_get_config (model);
  const int H = c->hidden, T = c->tgt_vocab, n = s->n_source;

  /* scores_i = Va . tanh (Wa h + Ua o_i + biases) + b_Va */
  as_matvec (s->query, w->att_wa, hidden, NULL, H, H);
  for (int i = 0; i < n; i++)
    {
      const float *k = s->keys + (gsize) i * H;
      float *e = s->energy + (gsize) i * H;
      for (int j = 0; j < H; j++)
        e[j] = tanhf (k[j] + s->query[j]);
    }
  for (int i = 0; i < n; i++)
    attention[i] = w->att_va_b[0];
  cblas_sgemv (CblasRowMajor, CblasNoTrans, n, H, 1.0f, s->energy, H, w->att_va, 1, 1.0f, attention, 1);
  as_softmax (attention, n);

  /* gru_in = [embedded; context], context (H) = attention (n) @ O (n, H) */
  memcpy (s->gru_in, w->dec_embedding + (gsize) input * H, H * sizeof (float));
  cblas_sgemv (CblasRowMajor, CblasTrans, n, H, 1.0f, s->enc_out, H, attention, 1, 0.0f, s->gru_in + H, 1);

  as_matvec (s->gi, w->dec_w_ih, s->gru_in, w->dec_b_ih, 3 * H, 2 * H);
  as_matvec (s->gh, w->dec_w_hh, hidden, w->dec_b_hh, 3 * H, H);
  as_gru_gates (hidden, s->gi, s->gh, H);

  as_matvec (logprobs, w->out_w, hidden, w->out_b, T, H);
  as_log_softmax (logprobs, T);
}
