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
 * and each call takes the AVX2 one where the processor has it (the
 * energies also for AVX-512, below); all give the same bits. Sums of many terms stay in double (as before), with 8
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
typedef float    v16f __attribute__ ((vector_size (16 * sizeof (float))));

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
#define gru8 gru8_avx2
#define TILE_M 4
#define TILE_Q 1
#include "as-kernels-products.h"
#undef TILE_M
#undef TILE_Q
#undef gru8
#undef VARIANT
#undef NATIVE_COMPARE
#pragma GCC pop_options
#endif

#ifdef AS_KERNELS_AVX2
/* With AVX-512, the energies take two rows at a time in one vector of 16
 * lanes (row i in lanes 0..7, row i + 1 in 8..15), with tanh8's operations
 * in the same order: each row's sum is the same, bit for bit, as the
 * AVX2 and baseline kernels'. */
#pragma GCC push_options
#pragma GCC target ("avx512f")
#include <immintrin.h>
typedef int32_t  v16i __attribute__ ((vector_size (16 * sizeof (int32_t))));

#define SPLAT16(x) ((v16f) { x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x })

/* as as-kernels-lanes.h's at_most and at_least: vminps, vmaxps keep a NaN x */
INLINE v16f
at_most16 (v16f x,
           v16f c)
{
  return (v16f) _mm512_min_ps ((__m512) c, (__m512) x);
}

INLINE v16f
at_least16 (v16f x,
            v16f c)
{
  return (v16f) _mm512_max_ps ((__m512) c, (__m512) x);
}

/* tanh8 of as-kernels-lanes.h on 16 lanes */
INLINE v16f
tanh16 (v16f x)
{
  const v16f clamp = SPLAT16 (7.90531110763549805f);
  __mmask16 tiny;
  v16f x2, p, q;

  tiny = _mm512_cmp_ps_mask ((__m512) ((v16i) x & 0x7fffffff), (__m512) SPLAT16 (0.0004f), _CMP_LT_OQ);
  x = at_most16 (x, clamp);
  x = at_least16 (x, -clamp);
  x2 = x * x;
  p = SPLAT16 (-2.76076847742355e-16f);
  p = p * x2 + SPLAT16 (2.00018790482477e-13f);
  p = p * x2 + SPLAT16 (-8.60467152213735e-11f);
  p = p * x2 + SPLAT16 (5.12229709037114e-08f);
  p = p * x2 + SPLAT16 (1.48572235717979e-05f);
  p = p * x2 + SPLAT16 (6.37261928875436e-04f);
  p = p * x2 + SPLAT16 (4.89352455891786e-03f);
  p = p * x;
  q = SPLAT16 (1.19825839466702e-06f);
  q = q * x2 + SPLAT16 (1.18534705686654e-04f);
  q = q * x2 + SPLAT16 (2.26843463243900e-03f);
  q = q * x2 + SPLAT16 (4.89352518554385e-03f);
  return (v16f) _mm512_mask_blend_ps (tiny, (__m512) (p / q), (__m512) x);
}

typedef uint32_t v16u __attribute__ ((vector_size (16 * sizeof (uint32_t))));

/* exp8 and sigmoid8 of as-kernels-lanes.h on 16 lanes, the same operations */
INLINE v16f
exp16 (v16f x)
{
  const v16f magic = SPLAT16 (12582912.0f);
  v16f fx, nf, r, p;
  v16i n, n1, n2;

  x = at_most16 (x, SPLAT16 (89.0f));
  x = at_least16 (x, SPLAT16 (-104.0f));
  fx = x * SPLAT16 (1.44269504088896341f) + magic;
  n = (v16i) ((v16u) fx - (v16u) magic);
  nf = fx - magic;
  r = x - nf * SPLAT16 (0.693359375f);
  r = r - nf * SPLAT16 (-2.12194440e-4f);
  p = SPLAT16 (1.9875691500e-4f);
  p = p * r + SPLAT16 (1.3981999507e-3f);
  p = p * r + SPLAT16 (8.3334519073e-3f);
  p = p * r + SPLAT16 (4.1665795894e-2f);
  p = p * r + SPLAT16 (1.6666665459e-1f);
  p = p * r + SPLAT16 (5.0000001201e-1f);
  p = p * (r * r) + r + SPLAT16 (1.0f);
  n1 = n >> 1;
  n2 = n - n1;
  p = p * (v16f) ((v16u) (n1 + 127) << 23);
  return p * (v16f) ((v16u) (n2 + 127) << 23);
}

INLINE v16f
sigmoid16 (v16f x)
{
  __mmask16 negative = _mm512_cmp_ps_mask ((__m512) x, (__m512) SPLAT16 (0.0f), _CMP_LT_OQ);
  v16f e = exp16 ((v16f) _mm512_mask_blend_ps (negative, (__m512) -x, (__m512) x));
  v16f d = SPLAT16 (1.0f) / (SPLAT16 (1.0f) + e);

  return (v16f) _mm512_mask_blend_ps (negative, (__m512) d, (__m512) (e * d));
}

/* gru8 of as-kernels-lanes.h on 16 lanes */
INLINE v16f
gru16 (v16f gi_r, v16f gi_z, v16f gi_n,
       v16f gh_r, v16f gh_z, v16f gh_n,
       v16f h)
{
  v16f r = sigmoid16 (gi_r + gh_r);
  v16f z = sigmoid16 (gi_z + gh_z);
  v16f n = tanh16 (gi_n + r * gh_n);

  return (SPLAT16 (1.0f) - z) * n + z * h;
}

/* Two rows' 8 lanes side by side; the first @n of each, the rest 0 */
INLINE v16f
pair (const float *a,
      const float *b,
      gsize        n)
{
  float buffer[16] = { 0 };

  memcpy (buffer, a, n * sizeof (float));
  memcpy (buffer + 8, b, n * sizeof (float));
  return (v16f) { buffer[0], buffer[1], buffer[2], buffer[3], buffer[4], buffer[5], buffer[6], buffer[7],
                  buffer[8], buffer[9], buffer[10], buffer[11], buffer[12], buffer[13], buffer[14], buffer[15] };
}

INLINE float
sum_half (v16f v,
          int  h)
{
  const int o = 8 * h;

  return ((v[o + 0] + v[o + 4]) + (v[o + 2] + v[o + 6])) + ((v[o + 1] + v[o + 5]) + (v[o + 3] + v[o + 7]));
}

static void
attention_energies_avx512 (float       *scores,
                           const float *keys,
                           const float *query,
                           const float *v,
                           float        bias,
                           int          n,
                           int          hidden)
{
  const gsize H = hidden;
  int i = 0;

  for (; i + 2 <= n; i += 2)
    {
      const float *k0 = keys + (gsize) i * H, *k1 = k0 + H;
      v16f acc = SPLAT16 (0.0f);
      gsize j = 0;

      for (; j + LANES <= H; j += LANES)
        {
          v8f w8, q8, a8, b8;
          v16f w, q, k;

          memcpy (&w8, v + j, sizeof w8);
          memcpy (&q8, query + j, sizeof q8);
          memcpy (&a8, k0 + j, sizeof a8);
          memcpy (&b8, k1 + j, sizeof b8);
          w = __builtin_shufflevector (w8, w8, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7);
          q = __builtin_shufflevector (q8, q8, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7);
          k = __builtin_shufflevector (a8, b8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
          acc += w * tanh16 (k + q);
        }
      if (j < H)
        acc += pair (v + j, v + j, H - j) *
               tanh16 (pair (k0 + j, k1 + j, H - j) + pair (query + j, query + j, H - j));
      scores[i] = bias + sum_half (acc, 0);
      scores[i + 1] = bias + sum_half (acc, 1);
    }
  if (i < n)
    attention_energies_avx2 (scores + i, keys + (gsize) i * H, query, v, bias, n - i, hidden);
}

/* The products with a vector of 16 lanes in one register, 6 rows of X by 2 panels */
#define VARIANT(name) name##_avx512
#define gru8 gru8_avx2
#define GRU16 gru16
#define TILE_M 6
#define TILE_Q 2
#include "as-kernels-products.h"
#undef TILE_M
#undef TILE_Q
#undef gru8
#undef GRU16
#undef VARIANT
#pragma GCC pop_options
#endif

#define VARIANT(name) name##_base
#define NATIVE_COMPARE 0
#include "as-kernels-lanes.h"
#define gru8 gru8_base
#define TILE_M 2
#define TILE_Q 1
#include "as-kernels-products.h"
#undef TILE_M
#undef TILE_Q
#undef gru8
#undef VARIANT
#undef NATIVE_COMPARE

static int level_limit = 2;

#ifdef AS_KERNELS_AVX2
/* 2 with AVX-512, 1 with AVX2, else 0; at most level_limit */
static int
level (void)
{
  static gsize once = 0;
  static int best;

  if (g_once_init_enter (&once))
    {
      __builtin_cpu_init ();
      best = __builtin_cpu_supports ("avx512f") ? 2 : __builtin_cpu_supports ("avx2") ? 1 : 0;
      g_once_init_leave (&once, 1);
    }
  return MIN (best, level_limit);
}
#define KERNEL(name, ...) (level () >= 1 ? name##_avx2 (__VA_ARGS__) : name##_base (__VA_ARGS__))
/* the products have an AVX-512 variant too */
#define KERNEL3(name, ...) \
  (level () >= 2 ? name##_avx512 (__VA_ARGS__) : KERNEL (name, __VA_ARGS__))
#else
#define KERNEL(name, ...) name##_base (__VA_ARGS__)
#define KERNEL3(name, ...) name##_base (__VA_ARGS__)
#endif

void
as_kernels_set_level (int limit)
{
  level_limit = limit;
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
#ifdef AS_KERNELS_AVX2
  if (level () >= 2)
    {
      attention_energies_avx512 (scores, keys, query, v, bias, n, hidden);
      return;
    }
#endif
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
as_packed_init (AsPacked    *packed,
                const float *w,
                int          groups,
                int          rows,
                int          cols)
{
  as_packed_init_columns (packed, w, cols, groups, rows, cols);
}

void
as_packed_init_columns (AsPacked    *packed,
                        const float *w,
                        gsize        ld,
                        int          groups,
                        int          rows,
                        int          cols)
{
  const int panels = (rows + 15) / 16;

  packed->groups = groups;
  packed->rows = rows;
  packed->cols = cols;
  packed->panels = panels;
  packed->data = g_aligned_alloc0 ((gsize) panels * cols * groups * 16, sizeof (float), 64);
  for (int g = 0; g < groups; g++)
    for (int r = 0; r < rows; r++)
      {
        float *to = packed->data + ((gsize) (r / 16) * cols * groups + g) * 16 + r % 16;
        const float *from = w + ((gsize) g * rows + r) * ld;

        for (int k = 0; k < cols; k++)
          to[(gsize) k * groups * 16] = from[k];
      }
}

#define PACK_FLOOR_FLOATS (1024 * 1024)
static gint64 pack_budget = -1;

void
as_packed_set_budget (gint64 floats)
{
  pack_budget = floats;
}

guint64
as_packed_budget (guint64 n_parameters)
{
  return pack_budget >= 0 ? (guint64) pack_budget : MAX (PACK_FLOOR_FLOATS, n_parameters * 15 / 100);
}

gboolean
as_packed_init_within (AsPacked    *packed,
                       const float *w,
                       gsize        ld,
                       int          groups,
                       int          rows,
                       int          cols,
                       guint64     *left)
{
  const gsize size = as_packed_size (groups, rows, cols);

  if (size > *left)
    return FALSE;
  *left -= size;
  as_packed_init_columns (packed, w, ld, groups, rows, cols);
  return TRUE;
}

gsize
as_packed_size (int groups,
                int rows,
                int cols)
{
  return (gsize) ((rows + 15) / 16) * cols * groups * 16;
}

void
as_packed_clear (AsPacked *packed)
{
  g_clear_pointer (&packed->data, g_aligned_free);
}

void
as_matmul_packed (float          *out,
                  const float    *x,
                  const AsPacked *w,
                  const float    *b,
                  int             n)
{
  KERNEL3 (matmul_packed, out, x, w, b, n);
}

void
as_gru_step_packed (float          *h_new,
                    const float    *h,
                    const float    *gi,
                    const AsPacked *w_hh,
                    const float    *b_hh,
                    int             hidden)
{
  g_assert (w_hh->groups == 3 && w_hh->rows == hidden);
  KERNEL3 (gru_step_packed, h_new, h, gi, w_hh, b_hh, hidden);
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
