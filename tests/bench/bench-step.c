/* Times AttnScope's engine per decoder step, per sentence and per encoding,
 * and the bare OpenBLAS time of exactly the same matrix products: every
 * cblas_sgemv / cblas_sgemm call the engine makes is recorded (the link
 * wraps them: -Wl,--wrap) with its arguments, then replayed alone (on
 * buffers of the same sizes, see rebase ()), so that the two times differ
 * only by what the engine does around OpenBLAS. The engine's own products
 * on packed weights (as_matmul_packed, as_gru_step_packed: the GRU's
 * encoder and decoder step) are recorded as the OpenBLAS calls that compute the same
 * products, so that the replay is still the bare OpenBLAS time of the
 * same work. One thread (openblas_set_num_threads (1)).
 *
 *   bench-step MODEL STEPS RUNS LENGTH...
 *
 * Prints one JSON object per line (tests/bench/table.py reads them): the
 * model's load time (as_model_new_from_file, the first in the process) as a
 * row of its own, then
 *   {"model": "en-zh-gru", "length": 10, "impl": "attnscope" | "blas",
 *    "what": "step" | "encode" | "sentence", "seconds": best of RUNS}
 * "step" is one decoder step (the mean over STEPS steps, greedy but never
 * stopping at the end token, so that every program does the same work);
 * "encode" is as_session_new (tokenizing and the encoder); "sentence" is
 * both. Sentence k of length L is made of the source vocabulary's purely
 * alphabetic tokens, the (k * 7919) mod N-th of them for k = 0..L-1;
 * bench_step_torch.py builds the same. */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cblas.h>

#include "as-kernels.h"
#include "as-model.h"
#include "as-session.h"

/* The wrapped calls (cblas.h's prototypes) */
void __real_cblas_sgemv (const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE trans,
                         const blasint m, const blasint n, const float alpha, const float *a,
                         const blasint lda, const float *x, const blasint incx, const float beta,
                         float *y, const blasint incy);
void __real_cblas_sgemm (const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE ta,
                         const enum CBLAS_TRANSPOSE tb, const blasint m, const blasint n,
                         const blasint k, const float alpha, const float *a, const blasint lda,
                         const float *b, const blasint ldb, const float beta, float *c,
                         const blasint ldc);
void __wrap_cblas_sgemv (const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE trans,
                         const blasint m, const blasint n, const float alpha, const float *a,
                         const blasint lda, const float *x, const blasint incx, const float beta,
                         float *y, const blasint incy);
void __wrap_cblas_sgemm (const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE ta,
                         const enum CBLAS_TRANSPOSE tb, const blasint m, const blasint n,
                         const blasint k, const float alpha, const float *a, const blasint lda,
                         const float *b, const blasint ldb, const float beta, float *c,
                         const blasint ldc);

typedef struct
{
  gboolean              gemm;
  enum CBLAS_ORDER      order;
  enum CBLAS_TRANSPOSE  ta, tb;
  blasint               m, n, k, lda, ldb, ldc, inc_x, inc_y;
  float                 alpha, beta;
  const float          *a, *b;
  float                *c;
} Call;

static GArray *recording;  /* of Call, NULL when not recording */

void
__wrap_cblas_sgemv (const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE trans,
                    const blasint m, const blasint n, const float alpha, const float *a,
                    const blasint lda, const float *x, const blasint incx, const float beta,
                    float *y, const blasint incy)
{
  if (recording != NULL)
    {
      Call call = { .gemm = FALSE, .order = order, .ta = trans, .m = m, .n = n, .alpha = alpha,
                    .a = a, .lda = lda, .b = x, .inc_x = incx, .beta = beta, .c = y, .inc_y = incy };
      g_array_append_val (recording, call);
    }
  __real_cblas_sgemv (order, trans, m, n, alpha, a, lda, x, incx, beta, y, incy);
}

void
__wrap_cblas_sgemm (const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE ta,
                    const enum CBLAS_TRANSPOSE tb, const blasint m, const blasint n,
                    const blasint k, const float alpha, const float *a, const blasint lda,
                    const float *b, const blasint ldb, const float beta, float *c,
                    const blasint ldc)
{
  if (recording != NULL)
    {
      Call call = { .gemm = TRUE, .order = order, .ta = ta, .tb = tb, .m = m, .n = n, .k = k,
                    .alpha = alpha, .a = a, .lda = lda, .b = b, .ldb = ldb, .beta = beta,
                    .c = c, .ldc = ldc };
      g_array_append_val (recording, call);
    }
  __real_cblas_sgemm (order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/* The engine's own products on packed weights (the GRU's) are wrapped
 * too, and each is recorded as the OpenBLAS call that computes the same
 * product, as the engine made it before it had them: X @ W^T + b as one
 * sgemm (beta 1 on the bias), or one sgemv for a single row (a decoder
 * step's), a GRU step's W_hh h + b_hh as one sgemv into a buffer of its
 * own (the gates stay on the engine's side). The
 * packed matrix stands for W: one buffer per weight matrix in the replay. */
void __real_as_matmul_packed (float *out, const float *x, const AsPacked *w, const float *b, int n);
void __real_as_gru_step_packed (float *h_new, const float *h, const float *gi, const AsPacked *w_hh,
                                const float *b_hh, int hidden);
void __wrap_as_matmul_packed (float *out, const float *x, const AsPacked *w, const float *b, int n);
void __wrap_as_gru_step_packed (float *h_new, const float *h, const float *gi, const AsPacked *w_hh,
                                const float *b_hh, int hidden);

static float gh_buffer[1];  /* stands for the engine's former gh (3H): the replay gives it its size */

void
__wrap_as_matmul_packed (float          *out,
                         const float    *x,
                         const AsPacked *w,
                         const float    *b,
                         int             n)
{
  if (recording != NULL && n == 1)
    {
      /* a decoder step's W x [+ b]: as_matvec's sgemv */
      const blasint rows = w->groups * w->rows;
      Call call = { .gemm = FALSE, .order = CblasRowMajor, .ta = CblasNoTrans,
                    .m = rows, .n = w->cols, .alpha = 1.0f, .a = w->data, .lda = w->cols,
                    .b = x, .inc_x = 1, .beta = b != NULL ? 1.0f : 0.0f, .c = out, .inc_y = 1 };
      g_array_append_val (recording, call);
    }
  else if (recording != NULL)
    {
      const blasint rows = w->groups * w->rows;
      Call call = { .gemm = TRUE, .order = CblasRowMajor, .ta = CblasNoTrans, .tb = CblasTrans,
                    .m = n, .n = rows, .k = w->cols, .alpha = 1.0f, .a = x, .lda = w->cols,
                    .b = w->data, .ldb = w->cols, .beta = 1.0f, .c = out, .ldc = rows };
      g_array_append_val (recording, call);
    }
  __real_as_matmul_packed (out, x, w, b, n);
}

void
__wrap_as_gru_step_packed (float          *h_new,
                           const float    *h,
                           const float    *gi,
                           const AsPacked *w_hh,
                           const float    *b_hh,
                           int             hidden)
{
  if (recording != NULL)
    {
      Call call = { .gemm = FALSE, .order = CblasRowMajor, .ta = CblasNoTrans,
                    .m = w_hh->groups * w_hh->rows, .n = w_hh->cols, .alpha = 1.0f,
                    .a = w_hh->data, .lda = w_hh->cols, .b = h, .inc_x = 1, .beta = 1.0f,
                    .c = gh_buffer, .inc_y = 1 };
      g_array_append_val (recording, call);
    }
  __real_as_gru_step_packed (h_new, h, gi, w_hh, b_hh, hidden);
}

/* The floats that a call reads or writes through each of its pointers */
static void
extents (const Call *c,
         gsize      *na,
         gsize      *nb,
         gsize      *nc)
{
  g_assert (c->order == CblasRowMajor);
  if (c->gemm)
    {
      gsize a_rows = c->ta == CblasNoTrans ? c->m : c->k, a_cols = c->ta == CblasNoTrans ? c->k : c->m;
      gsize b_rows = c->tb == CblasNoTrans ? c->k : c->n, b_cols = c->tb == CblasNoTrans ? c->n : c->k;

      *na = (a_rows - 1) * c->lda + a_cols;
      *nb = (b_rows - 1) * c->ldb + b_cols;
      *nc = (gsize) (c->m - 1) * c->ldc + c->n;
    }
  else
    {
      gsize len_x = c->ta == CblasNoTrans ? c->n : c->m, len_y = c->ta == CblasNoTrans ? c->m : c->n;

      *na = (gsize) (c->m - 1) * c->lda + c->n;
      *nb = (len_x - 1) * c->inc_x + 1;
      *nc = (len_y - 1) * c->inc_y + 1;
    }
}

static void
grow (GHashTable  *sizes,
      const float *p,
      gsize        n)
{
  gsize old = GPOINTER_TO_SIZE (g_hash_table_lookup (sizes, p));

  if (n > old)
    g_hash_table_insert (sizes, (gpointer) p, GSIZE_TO_POINTER (n));
}

/* The recorded calls moved onto buffers of their own: one per distinct
 * pointer the engine passed, as large as the most any call touches through
 * it, filled with small values. The engine's buffers may be gone (the
 * encoder's scratch, a cache that grew); a weight matrix that every step
 * reads is still one buffer that every replayed step reads. */
static void
rebase (GArray     **lists,
        guint        n_lists,
        GHashTable  *buffers)
{
  g_autoptr (GHashTable) sizes = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key, value;

  for (guint l = 0; l < n_lists; l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        const Call *c = &g_array_index (lists[l], Call, i);
        gsize na, nb, nc;

        extents (c, &na, &nb, &nc);
        grow (sizes, c->a, na);
        grow (sizes, c->b, nb);
        grow (sizes, c->c, nc);
      }
  g_hash_table_iter_init (&iter, sizes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gsize n = GPOINTER_TO_SIZE (value);
      float *buffer = g_new (float, n);

      for (gsize j = 0; j < n; j++)
        buffer[j] = 0.01f * (float) ((j * 37) % 17) - 0.08f;
      g_hash_table_insert (buffers, key, buffer);
    }
  for (guint l = 0; l < n_lists; l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        Call *c = &g_array_index (lists[l], Call, i);

        c->a = g_hash_table_lookup (buffers, c->a);
        c->b = g_hash_table_lookup (buffers, c->b);
        c->c = g_hash_table_lookup (buffers, c->c);
      }
}

static void
replay (GArray *calls)
{
  for (guint i = 0; i < calls->len; i++)
    {
      const Call *c = &g_array_index (calls, Call, i);

      if (c->gemm)
        __real_cblas_sgemm (c->order, c->ta, c->tb, c->m, c->n, c->k, c->alpha, c->a, c->lda,
                            c->b, c->ldb, c->beta, c->c, c->ldc);
      else
        __real_cblas_sgemv (c->order, c->ta, c->m, c->n, c->alpha, c->a, c->lda, c->b, c->inc_x,
                            c->beta, c->c, c->inc_y);
    }
}

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static gboolean
is_word (const char *token)
{
  if (*token == '\0')
    return FALSE;
  for (; *token != '\0'; token++)
    if (!g_ascii_isalpha (*token))
      return FALSE;
  return TRUE;
}

static char *
make_sentence (const AsVocab *src,
               guint          length)
{
  g_autoptr (GPtrArray) words = g_ptr_array_new ();
  GString *s = g_string_new (NULL);

  for (guint id = 0; id < src->size; id++)
    if ((int) id != src->start && (int) id != src->end && (int) id != src->unknown &&
        (int) id != src->padding && is_word (as_vocab_get_token (src, id)))
      g_ptr_array_add (words, (gpointer) as_vocab_get_token (src, id));
  for (guint k = 0; k < length; k++)
    g_string_append_printf (s, "%s%s", k ? " " : "",
                            (const char *) words->pdata[((guint64) k * 7919) % words->len]);
  return g_string_free (s, FALSE);
}

static void
emit (const char *model,
      guint       length,
      const char *impl,
      const char *what,
      double      seconds)
{
  printf ("{\"model\": \"%s\", \"length\": %u, \"impl\": \"%s\", \"what\": \"%s\", \"seconds\": %.9f}\n",
          model, length, impl, what, seconds);
}

static void
die (const char *what,
     GError     *error)
{
  fprintf (stderr, "bench-step: %s: %s\n", what, error->message);
  exit (1);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) model = NULL;
  g_autofree char *name = NULL;
  guint steps, runs;

  if (argc < 5)
    {
      fprintf (stderr, "usage: bench-step MODEL STEPS RUNS LENGTH...\n");
      return 2;
    }
  openblas_set_num_threads (1);
  printf ("{\"info\": \"%s (kernels for %s)\"}\n", openblas_get_config (), openblas_get_corename ());
  steps = atoi (argv[2]);
  runs = atoi (argv[3]);
  {
    double t0 = now ();

    model = as_model_new_from_file (argv[1], &error);
    if (model == NULL)
      die (argv[1], error);
    name = g_path_get_basename (argv[1]);
    printf ("{\"row\": \"load %s\", \"seconds\": %.9f, \"order\": -1}\n", name, now () - t0);
  }
  if (g_str_has_suffix (name, ".json"))
    name[strlen (name) - 5] = '\0';

  for (int a = 4; a < argc; a++)
    {
      const guint length = atoi (argv[a]);
      g_autofree char *sentence = make_sentence (as_model_get_source (model), length);
      g_autoptr (GArray) encode_calls = g_array_new (FALSE, FALSE, sizeof (Call));
      g_autoptr (GArray) step_calls = g_array_new (FALSE, FALSE, sizeof (Call));
      g_autoptr (GHashTable) buffers = g_hash_table_new_full (NULL, NULL, NULL, g_free);
      double best_encode = G_MAXDOUBLE, best_step = G_MAXDOUBLE, best_sentence = G_MAXDOUBLE;
      double blas_encode = G_MAXDOUBLE, blas_step = G_MAXDOUBLE;

      /* run 0 warms up (the GRU keeps the input rows of the tokens it
       * met), run 1 records the calls as a warm run makes them */
      for (guint r = 0; r <= runs + 1; r++)
        {
          g_autoptr (AsSession) session = NULL;
          double t0, t1, t2;

          recording = r == 1 ? encode_calls : NULL;
          t0 = now ();
          session = as_session_new (model, sentence, &error);
          t1 = now ();
          if (session == NULL)
            die ("the sentence", error);
          as_session_set_max_length (session, steps);
          recording = r == 1 ? step_calls : NULL;
          for (guint t = 0; t < steps; t++)
            if (!as_session_step (session, -1, &error))
              die ("a step", error);
          t2 = now ();
          recording = NULL;
          if (r <= 1)
            {
              if (as_session_get_n_source (session) < length)
                {
                  fprintf (stderr, "bench-step: the sentence of %u words has %u source tokens\n",
                           length, as_session_get_n_source (session));
                  return 1;
                }
              continue;
            }
          best_encode = MIN (best_encode, t1 - t0);
          best_step = MIN (best_step, (t2 - t1) / steps);
          best_sentence = MIN (best_sentence, t2 - t0);
        }

      /* the same products alone */
      {
        GArray *lists[] = { encode_calls, step_calls };

        rebase (lists, G_N_ELEMENTS (lists), buffers);
      }
      for (guint r = 0; r <= runs; r++)
        {
          double t0, t1, t2;

          t0 = now ();
          replay (encode_calls);
          t1 = now ();
          replay (step_calls);
          t2 = now ();
          if (r == 0)
            continue;
          blas_encode = MIN (blas_encode, t1 - t0);
          blas_step = MIN (blas_step, (t2 - t1) / steps);
        }

      emit (name, length, "attnscope", "step", best_step);
      emit (name, length, "attnscope", "encode", best_encode);
      emit (name, length, "attnscope", "sentence", best_sentence);
      emit (name, length, "blas", "step", blas_step);
      emit (name, length, "blas", "encode", blas_encode);
      printf ("{\"model\": \"%s\", \"length\": %u, \"impl\": \"blas\", \"what\": \"calls\", \"step_calls\": %u, \"encode_calls\": %u}\n",
              name, length, step_calls->len / steps, encode_calls->len);
      fflush (stdout);
    }
  return 0;
}
