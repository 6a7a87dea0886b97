#pragma once

/* Small pure kernels on float arrays. The matrix products go to OpenBLAS;
 * every matrix is row-major with the shape in the comment.
 *
 * exp, tanh and the sigmoid are computed in single precision, 8 lanes at a
 * time (as-kernels.c), within a few ulp of the exact values (tests/test-
 * kernels.c checks the bounds against double precision); NaN stays NaN,
 * overflow gives infinity and underflow denormals, then zero. */

#include <glib.h>

G_BEGIN_DECLS

/* For the tests and benchmarks: the most the kernels may use, 0 the
 * baseline (x86-64 without AVX), 1 AVX2, 2 AVX-512 (the default), each
 * where the processor has it. All give the same bits. */
void  as_kernels_set_level (int limit);

/* out (rows) = W (rows, cols) @ x (cols) [+ b (rows), when b is not NULL] */
void  as_matvec       (float       *out,
                       const float *w,
                       const float *x,
                       const float *b,
                       int          rows,
                       int          cols);
/* out (n, rows) = X (n, cols) @ W (rows, cols)^T + b (rows), broadcast over the n rows */
void  as_matmul_t     (float       *out,
                       const float *x,
                       const float *w,
                       const float *b,
                       int          n,
                       int          rows,
                       int          cols);
/* A weight matrix packed once for as_matmul_packed () and
 * as_gru_step_packed (): W (groups * rows, cols), each group of @rows rows
 * (a GRU's gates r, z, n) cut into panels of 16 rows (the last one padded
 * with zeros), stored column after column, 16 floats per column, and the
 * groups' panels p side by side, so that a product takes one vector of 16
 * outputs per input value and a GRU step reads one stream. Hand-written instead of OpenBLAS: for a sentence's few rows its
 * sgemm spends more time packing than multiplying. Every output is summed
 * in the order of k (no FMA), whatever the processor and the number of
 * rows, so all levels give the same bits. */
typedef struct
{
  int    groups;
  int    rows;    /* per group */
  int    cols;
  int    panels;  /* per group: ceil (rows / 16) */
  float *data;    /* (panels, cols, groups, 16), 64-byte aligned */
} AsPacked;

void  as_packed_init  (AsPacked    *packed,
                       const float *w,
                       int          groups,
                       int          rows,
                       int          cols);
/* The same of the first @cols columns of W, whose rows are @ld floats apart
 * (a block of columns: W + c0, ld the whole width) */
void  as_packed_init_columns (AsPacked    *packed,
                              const float *w,
                              gsize        ld,
                              int          groups,
                              int          rows,
                              int          cols);
/* The floats that a model's packed copies of its decoder step's matrices
 * (and the GRU's kept input rows) may take: 15 % of its @n_parameters, and
 * at least 1 M (4 MB) for a small model. With a base64 file, whose 5.3
 * bytes hold 4 of weights, the 10 M and 100 M parameter models of
 * tests/bench/run-loader.sh then stay within the loader's bound of 1.25
 * times their file. What does not fit is multiplied by OpenBLAS on the
 * file's row-major matrix. */
guint64 as_packed_budget (guint64 n_parameters);
/* For the tests: the budget of models loaded after this, whatever their
 * size (0: nothing packed in their decoders); -1: the rule above. */
void  as_packed_set_budget (gint64 floats);
/* as_packed_init_columns () where the packed matrix fits in *@left floats
 * (a model's budget), taking them from it: TRUE; else @packed stays empty
 * (data NULL) and *@left as it was: FALSE */
gboolean as_packed_init_within (AsPacked    *packed,
                                const float *w,
                                gsize        ld,
                                int          groups,
                                int          rows,
                                int          cols,
                                guint64     *left);
/* The floats that as_packed_init () of that shape takes */
gsize as_packed_size  (int          groups,
                       int          rows,
                       int          cols);
void  as_packed_clear (AsPacked    *packed);
/* out (n, groups * rows) = X (n, cols) @ W^T [+ b (groups * rows), when b is
 * not NULL], b broadcast over the n rows. With n = 1 it is the decoder
 * steps' matrix-vector product: at their sizes, 1.5 to 2 times as fast as
 * OpenBLAS 0.3.21's sgemv on the row-major matrix (tests/bench). */
void  as_matmul_packed (float          *out,
                        const float    *x,
                        const AsPacked *w,
                        const float    *b,
                        int             n);
/* One PyTorch GRU step with the recurrent product inside: w_hh packed with
 * 3 groups of @hidden rows (r, z, n), gi (3H) = W_ih x + b_ih;
 * h_new (H) = the cell of as_gru_gates () on gi, gh = W_hh h + b_hh and
 * h (H). @h_new and @h must not overlap. */
void  as_gru_step_packed (float          *h_new,
                          const float    *h,
                          const float    *gi,
                          const AsPacked *w_hh,
                          const float    *b_hh,
                          int             hidden);
/* In place: x (n) = exp (x), tanh (x), 1 / (1 + exp (-x)). */
void  as_exp          (float       *x,
                       gsize        n);
void  as_tanh         (float       *x,
                       gsize        n);
void  as_sigmoid      (float       *x,
                       gsize        n);
/* Whether every x (n) is finite (neither NaN nor infinite). */
gboolean as_all_finite (const float *x,
                        gsize        n);
/* Bahdanau's energies, fused: scores (n) = bias + v (H) . tanh (keys (n, H) + query (H)),
 * one score per row of @keys. */
void  as_attention_energies (float       *scores,
                             const float *keys,
                             const float *query,
                             const float *v,
                             float        bias,
                             int          n,
                             int          hidden);
/* In place, numerically stable: x (n) becomes a probability distribution. */
void  as_softmax      (float       *x,
                       int          n);
/* In place: x (n) becomes log_softmax (x). */
void  as_log_softmax  (float       *x,
                       int          n);
/* In place: x (n) becomes log_softmax (x); the @k largest of the result
 * into @ids and @values as as_top_k () gives them; *finite tells whether
 * every result is finite (FALSE: x held a NaN or an infinity, or overflowed).
 * Returns how many (min (k, n)). */
guint as_log_softmax_top_k (float       *x,
                            int          n,
                            guint        k,
                            int         *ids,
                            float       *values,
                            gboolean    *finite);
/* A PyTorch GRU cell, gates (r, z, n):
 * gi (3H) = W_ih x + b_ih, gh (3H) = W_hh h + b_hh, h (H) is updated in place. */
void  as_gru_gates    (float       *h,
                       const float *gi,
                       const float *gh,
                       int          hidden);
/* In place: x (n) = (x - mean) / sqrt (var + eps) * w + b, as torch's LayerNorm. */
void  as_layer_norm   (float       *x,
                       const float *w,
                       const float *b,
                       int          n,
                       float        eps);
/* In place: max (x, 0). */
void  as_relu         (float       *x,
                       gsize        n);
/* In place: x * Phi (x), the exact (erf) GELU of torch's F.gelu. */
void  as_gelu         (float       *x,
                       gsize        n);
/* The @k largest of x (n), best first, ties to the lower index; returns how many (min (k, n)). */
guint as_top_k        (const float *x,
                       int          n,
                       guint        k,
                       int         *ids,
                       float       *values);

/* out (rows) = W (rows, cols) @ x [+ b]: on @packed where it holds W
 * (as_packed_init_within), else OpenBLAS on the row-major W. Inline, so
 * that its products are the caller's own calls (bench-step wraps them). */
static inline void
as_matvec_either (float          *out,
                  const AsPacked *packed,
                  const float    *w,
                  const float    *x,
                  const float    *b,
                  int             rows,
                  int             cols)
{
  if (packed->data != NULL)
    as_matmul_packed (out, x, packed, b, 1);
  else
    as_matvec (out, w, x, b, rows, cols);
}

G_END_DECLS
