/* The kernels of one decoder step. Besides the matrix products (OpenBLAS),
 * a step's time goes into exp and tanh over arrays: the GRU's attention
 * energies (n x H tanh per step), its gates, the softmax over positions and
 * the log-softmax over the vocabulary. They are written 8 lanes at a time
 * with GCC's vector extensions (as-kernels-lanes.h), so that they need no
 * libm call: exp by Cody-Waite range reduction and Cephes' polynomial (as
 * Cephes' expf), tanh by Eigen's clamped rational approximation
 * (generic_fast_tanh_float), the sigmoid from exp. The file is built with
 * -O3. On x86-64 with GCC the array kernels are compiled twice, for AVX2
 * and for the baseline (SSE2, where a vector of 8 lanes is two registers),
 * and each call takes the AVX2 one where the processor has it; both give
 * the same bits. Sums of many terms stay in double (as before), with 8
 * partial sums in a fixed order. */

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <cblas.h>

#include "as-kernels.h"

#define LANES 8
typedef float    v8f __attribute__ ((vector_size (LANES * sizeof (float))));
typedef int32_t  v8i __attribute__ ((vector_size (LANES * sizeof (int32_t))));
typedef uint32_t v8u __attribute__ ((vector_size (LANES * sizeof (uint32_t))));
typedef double   v4d __attribute__ ((vector_size (4 * sizeof (double))));
typedef float    v4f __attribute__ ((vector_size (4 * sizeof (float))));
typedef int32_t  v4i __attribute__ ((vector_size (4 * sizeof (int32_t))));

#define INLINE static inline __attribute__ ((always_inline))

/* The two halves of 8 lanes, and 8 lanes from two halves */
#define HALF(v, h)   __builtin_shufflevector (v, v, 4 * (h), 4 * (h) + 1, 4 * (h) + 2, 4 * (h) + 3)
#define JOIN(lo, hi) __builtin_shufflevector (lo, hi, 0, 1, 2, 3, 4, 5, 6, 7)

/* x (n) = f (x) for one of the lane functions of as-kernels-lanes.h */
#define MAP(f, x, n) \
  G_STMT_START { \
    gsize _i = 0; \
    for (; _i + LANES <= (n); _i += LANES) \
      store ((x) + _i, f (load ((x) + _i))); \
    if (_i < (n)) \
      store_part ((x) + _i, (n) - _i, f (load_part ((x) + _i, (n) - _i, 0.0f))); \
  } G_STMT_END

/* The candidate @value with @id into the best @count of at most @k,
 * best first, ties to the earlier one */
static inline void
top_k_insert (float  value,
              int    id,
              guint  k,
              guint *count,
              int   *ids,
              float *values)
{
  guint pos;

  if (*count == k && !(value > values[k - 1]))
    return;
  pos = *count < k ? (*count)++ : k - 1;
  while (pos > 0 && value > values[pos - 1])
    {
      values[pos] = values[pos - 1];
      ids[pos] = ids[pos - 1];
      pos--;
    }
  values[pos] = value;
  ids[pos] = id;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define AS_KERNELS_AVX2 1
#pragma GCC push_options
#pragma GCC target ("avx2")
#define VARIANT(name) name##_avx2
#define NATIVE_COMPARE 1
#include "as-kernels-lanes.h"
#undef VARIANT
#undef NATIVE_COMPARE
#pragma GCC pop_options
#endif

#define VARIANT(name) name##_base
#define NATIVE_COMPARE 0
#include "as-kernels-lanes.h"
#undef VARIANT
#undef NATIVE_COMPARE

static gboolean force_baseline;

#ifdef AS_KERNELS_AVX2
static gboolean
use_avx2 (void)
{
  static gsize once = 0;
  static gboolean avx2;

  if (g_once_init_enter (&once))
    {
      __builtin_cpu_init ();
      avx2 = __builtin_cpu_supports ("avx2");
      g_once_init_leave (&once, 1);
    }
  return avx2 && !force_baseline;
}
#define KERNEL(name, ...) (use_avx2 () ? name##_avx2 (__VA_ARGS__) : name##_base (__VA_ARGS__))
#else
#define KERNEL(name, ...) name##_base (__VA_ARGS__)
#endif

void
as_kernels_force_baseline (gboolean force)
{
  force_baseline = force;
}

void
as_exp (float *x,
        gsize  n)
{
  KERNEL (exp_array, x, n);
}

void
as_tanh (float *x,
         gsize  n)
{
  KERNEL (tanh_array, x, n);
}

void
as_sigmoid (float *x,
            gsize  n)
{
  KERNEL (sigmoid_array, x, n);
}

gboolean
as_all_finite (const float *x,
               gsize        n)
{
  return KERNEL (all_finite, x, n);
}

void
as_attention_energies (float       *scores,
                       const float *keys,
                       const float *query,
                       const float *v,
                       float        bias,
                       int          n,
                       int          hidden)
{
  KERNEL (attention_energies, scores, keys, query, v, bias, n, hidden);
}

void
as_softmax (float *x,
            int    n)
{
  KERNEL (softmax, x, n);
}

void
as_log_softmax (float *x,
                int    n)
{
  KERNEL (log_softmax, x, n);
}

guint
as_log_softmax_top_k (float    *x,
                      int       n,
                      guint     k,
                      int      *ids,
                      float    *values,
                      gboolean *finite)
{
  return KERNEL (log_softmax_top_k, x, n, k, ids, values, finite);
}

void
as_gru_gates (float       *h,
              const float *gi,
              const float *gh,
              int          hidden)
{
  KERNEL (gru_gates, h, gi, gh, hidden);
}

void
as_matvec (float       *out,
           const float *w,
           const float *x,
           const float *b,
           int          rows,
           int          cols)
{
  if (b != NULL)
    memcpy (out, b, rows * sizeof (float));
  cblas_sgemv (CblasRowMajor, CblasNoTrans, rows, cols, 1.0f, w, cols, x, 1,
               b != NULL ? 1.0f : 0.0f, out, 1);
}

void
as_matmul_t (float       *out,
             const float *x,
             const float *w,
             const float *b,
             int          n,
             int          rows,
             int          cols)
{
  for (int i = 0; i < n; i++)
    memcpy (out + (gsize) i * rows, b, rows * sizeof (float));
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, n, rows, cols,
               1.0f, x, cols, w, cols, 1.0f, out, rows);
}

guint
as_top_k (const float *x,
          int          n,
          guint        k,
          int         *ids,
          float       *values)
{
  guint count = 0;

  if ((guint) n < k)
    k = n;
  if (k == 0)
    return 0;
  for (int i = 0; i < n; i++)
    top_k_insert (x[i], i, k, &count, ids, values);
  return count;
}

void
as_layer_norm (float       *x,
               const float *w,
               const float *b,
               int          n,
               float        eps)
{
  double sum = 0, sum_sq = 0;
  float mean, inv;

  for (int i = 0; i < n; i++)
    sum += x[i];
  mean = (float) (sum / n);
  for (int i = 0; i < n; i++)
    {
      double d = x[i] - mean;
      sum_sq += d * d;
    }
  /* the biased variance, as torch's */
  inv = (float) (1.0 / sqrt (sum_sq / n + eps));
  for (int i = 0; i < n; i++)
    x[i] = (x[i] - mean) * inv * w[i] + b[i];
}

void
as_relu (float *x,
         gsize  n)
{
  for (gsize i = 0; i < n; i++)
    x[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void
as_gelu (float *x,
         gsize  n)
{
  for (gsize i = 0; i < n; i++)
    x[i] = 0.5f * x[i] * (1.0f + erff (x[i] * (float) M_SQRT1_2));
}
