/* The array kernels of as-kernels.c, written 8 lanes at a time with GCC's
 * vector extensions. as-kernels.c includes this file twice: once compiled
 * for AVX2 (VARIANT (name) is name_avx2, comparisons of 8 lanes at once)
 * and once for the baseline (name_base; on x86-64 without AVX, GCC would
 * lower a comparison of 8 lanes lane by lane, so they are made of two
 * comparisons of 4). Both compute the same operations in the same order
 * (no FMA: ISO C does not contract a * b + c), so they give the same bits.
 * The types (v8f, ...) and top_k_insert () are as-kernels.c's. */

#define splat              VARIANT (splat)
#define load               VARIANT (load)
#define store              VARIANT (store)
#define load_part          VARIANT (load_part)
#define store_part         VARIANT (store_part)
#define less               VARIANT (less)
#define less_equal         VARIANT (less_equal)
#define blend              VARIANT (blend)
#define at_most            VARIANT (at_most)
#define at_least           VARIANT (at_least)
#define any                VARIANT (any)
#define exp8               VARIANT (exp8)
#define tanh8              VARIANT (tanh8)
#define sigmoid8           VARIANT (sigmoid8)
#define sum8               VARIANT (sum8)
#define max8               VARIANT (max8)
#define add_double         VARIANT (add_double)
#define sum_double         VARIANT (sum_double)
#define max_finite         VARIANT (max_finite)
#define log_sum_exp        VARIANT (log_sum_exp)
#define gru8               VARIANT (gru8)
#define exp_array          VARIANT (exp_array)
#define tanh_array         VARIANT (tanh_array)
#define sigmoid_array      VARIANT (sigmoid_array)
#define all_finite         VARIANT (all_finite)
#define attention_energies VARIANT (attention_energies)
#define softmax            VARIANT (softmax)
#define log_softmax        VARIANT (log_softmax)
#define log_softmax_top_k  VARIANT (log_softmax_top_k)
#define gru_gates          VARIANT (gru_gates)


INLINE v8f
splat (float x)
{
  return (v8f) { x, x, x, x, x, x, x, x };
}

INLINE v8f
load (const float *x)
{
  v8f v;

  memcpy (&v, x, sizeof v);
  return v;
}

INLINE void
store (float *x,
       v8f    v)
{
  memcpy (x, &v, sizeof v);
}

/* The first @n (< LANES) of x, the rest @fill */
INLINE v8f
load_part (const float *x,
           gsize        n,
           float        fill)
{
  float buffer[LANES];

  for (gsize i = 0; i < LANES; i++)
    buffer[i] = i < n ? x[i] : fill;
  return load (buffer);
}

INLINE void
store_part (float *x,
            gsize  n,
            v8f    v)
{
  float buffer[LANES];

  store (buffer, v);
  memcpy (x, buffer, n * sizeof (float));
}

/* Comparisons, lanes 0 or -1 */
#if NATIVE_COMPARE
INLINE v8i
less (v8f a,
      v8f b)
{
  return a < b;
}

INLINE v8i
less_equal (v8f a,
            v8f b)
{
  return a <= b;
}
#else
INLINE v8i
less (v8f a,
      v8f b)
{
  v4i lo = HALF (a, 0) < HALF (b, 0), hi = HALF (a, 1) < HALF (b, 1);

  return JOIN (lo, hi);
}

INLINE v8i
less_equal (v8f a,
            v8f b)
{
  v4i lo = HALF (a, 0) <= HALF (b, 0), hi = HALF (a, 1) <= HALF (b, 1);

  return JOIN (lo, hi);
}
#endif

/* a where mask, else b (mask lanes are 0 or -1, as comparisons give them);
 * min (x, c) and max (x, c) that keep a NaN x. With AVX2, the instructions
 * that do just that (vblendvps; vminps and vmaxps return their second
 * operand when either is NaN or both are equal). */
#if NATIVE_COMPARE
INLINE v8f
blend (v8i mask,
       v8f a,
       v8f b)
{
  return __builtin_ia32_blendvps256 (b, a, (v8f) mask);
}

INLINE v8f
at_most (v8f x,
         v8f c)
{
  return __builtin_ia32_minps256 (c, x);
}

INLINE v8f
at_least (v8f x,
          v8f c)
{
  return __builtin_ia32_maxps256 (c, x);
}

/* Whether any lane of a mask is set */
INLINE gboolean
any (v8i mask)
{
  return __builtin_ia32_movmskps256 ((v8f) mask) != 0;
}
#else
INLINE gboolean
any (v8i mask)
{
  v4i m = HALF (mask, 0) | HALF (mask, 1);

  return (m[0] | m[1] | m[2] | m[3]) != 0;
}

INLINE v8f
blend (v8i mask,
       v8f a,
       v8f b)
{
  return (v8f) ((mask & (v8i) a) | (~mask & (v8i) b));
}

INLINE v8f
at_most (v8f x,
         v8f c)
{
  return blend (less (c, x), c, x);
}

INLINE v8f
at_least (v8f x,
          v8f c)
{
  return blend (less (x, c), c, x);
}
#endif

/* exp (x): n = round (x / ln 2), r = x - n ln 2 in two parts (exact to
 * about 2^-32), exp (r) = 1 + r + r^2 p (r) with Cephes' degree-5
 * polynomial, times 2^n as two powers of two, so that results below
 * FLT_MIN come out denormal (rounded once) and above FLT_MAX infinite.
 * NaN stays NaN: the clamps compare so that NaN passes through. */
INLINE v8f
exp8 (v8f x)
{
  const v8f magic = splat (12582912.0f);  /* 1.5 * 2^23: adding it rounds to an integer */
  v8f fx, nf, r, p;
  v8i n, n1, n2;

  x = at_most (x, splat (89.0f));      /* exp (89) > FLT_MAX */
  x = at_least (x, splat (-104.0f));   /* exp (-104) < the least denormal / 2 */
  fx = x * splat (1.44269504088896341f) + magic;
  n = (v8i) ((v8u) fx - (v8u) magic);               /* round (x / ln 2), -150..129 */
  nf = fx - magic;
  r = x - nf * splat (0.693359375f);
  r = r - nf * splat (-2.12194440e-4f);
  p = splat (1.9875691500e-4f);
  p = p * r + splat (1.3981999507e-3f);
  p = p * r + splat (8.3334519073e-3f);
  p = p * r + splat (4.1665795894e-2f);
  p = p * r + splat (1.6666665459e-1f);
  p = p * r + splat (5.0000001201e-1f);
  p = p * (r * r) + r + splat (1.0f);
  n1 = n >> 1;
  n2 = n - n1;
  p = p * (v8f) ((v8u) (n1 + 127) << 23);
  return p * (v8f) ((v8u) (n2 + 127) << 23);
}

/* tanh (x) as Eigen's generic_fast_tanh_float: odd rational function of
 * degree 13 / 6 on [-7.905, 7.905] (beyond, tanh rounds to +-1), and x
 * itself below 0.0004 in magnitude (where tanh (x) rounds to x). NaN stays
 * NaN. */
INLINE v8f
tanh8 (v8f x)
{
  const v8f clamp = splat (7.90531110763549805f);
  v8i tiny;
  v8f x2, p, q;

  tiny = less ((v8f) ((v8i) x & 0x7fffffff), splat (0.0004f));  /* |x| < 0.0004 */
  x = at_most (x, clamp);
  x = at_least (x, -clamp);
  x2 = x * x;
  p = splat (-2.76076847742355e-16f);
  p = p * x2 + splat (2.00018790482477e-13f);
  p = p * x2 + splat (-8.60467152213735e-11f);
  p = p * x2 + splat (5.12229709037114e-08f);
  p = p * x2 + splat (1.48572235717979e-05f);
  p = p * x2 + splat (6.37261928875436e-04f);
  p = p * x2 + splat (4.89352455891786e-03f);
  p = p * x;
  q = splat (1.19825839466702e-06f);
  q = q * x2 + splat (1.18534705686654e-04f);
  q = q * x2 + splat (2.26843463243900e-03f);
  q = q * x2 + splat (4.89352518554385e-03f);
  return blend (tiny, x, p / q);
}

/* 1 / (1 + exp (-x)) for x >= 0; exp (x) / (1 + exp (x)) below, so that
 * exp never overflows and the far left tail comes out denormal, not 0 */
INLINE v8f
sigmoid8 (v8f x)
{
  v8i negative = less (x, splat (0.0f));
  v8f e = exp8 (blend (negative, x, -x));
  v8f d = splat (1.0f) / (splat (1.0f) + e);

  return blend (negative, e * d, d);
}

/* Lanes summed in a fixed order */
INLINE float
sum8 (v8f v)
{
  return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
}

INLINE float
max8 (v8f v)
{
  float max = v[0];

  for (int i = 1; i < LANES; i++)
    if (v[i] > max)
      max = v[i];
  return max;
}

INLINE void
add_double (v4d *lo,
            v4d *hi,
            v8f  v)
{
  *lo += (v4d) { v[0], v[1], v[2], v[3] };
  *hi += (v4d) { v[4], v[5], v[6], v[7] };
}

INLINE double
sum_double (v4d lo,
            v4d hi)
{
  v4d s = lo + hi;

  return (s[0] + s[2]) + (s[1] + s[3]);
}


static void
exp_array (float *x,
        gsize  n)
{
  MAP (exp8, x, n);
}

static void
tanh_array (float *x,
         gsize  n)
{
  MAP (tanh8, x, n);
}

static void
sigmoid_array (float *x,
            gsize  n)
{
  MAP (sigmoid8, x, n);
}

static gboolean
all_finite (const float *x,
               gsize        n)
{
  v8i ok = (v8i) { -1, -1, -1, -1, -1, -1, -1, -1 };
  gsize i = 0;

  for (; i + LANES <= n; i += LANES)
    {
      v8f v = load (x + i);
      ok &= less_equal (v, splat (FLT_MAX)) & less_equal (splat (-FLT_MAX), v);
    }
  for (int l = 0; l < LANES; l++)
    if (ok[l] == 0)
      return FALSE;
  for (; i < n; i++)
    if (!isfinite (x[i]))
      return FALSE;
  return TRUE;
}

static void
attention_energies (float       *scores,
                    const float *keys,
                    const float *query,
                    const float *v,
                    float        bias,
                    int          n,
                    int          hidden)
{
  const gsize H = hidden;
  int i = 0;

  /* two rows at a time: two independent chains of tanh for the processor
   * to overlap; each row's sum is the same as alone */
  for (; i + 2 <= n; i += 2)
    {
      const float *k0 = keys + (gsize) i * H, *k1 = k0 + H;
      v8f acc0 = splat (0.0f), acc1 = splat (0.0f);
      gsize j = 0;

      for (; j + LANES <= H; j += LANES)
        {
          v8f q = load (query + j), w = load (v + j);

          acc0 += w * tanh8 (load (k0 + j) + q);
          acc1 += w * tanh8 (load (k1 + j) + q);
        }
      if (j < H)
        {
          v8f q = load_part (query + j, H - j, 0.0f), w = load_part (v + j, H - j, 0.0f);

          acc0 += w * tanh8 (load_part (k0 + j, H - j, 0.0f) + q);
          acc1 += w * tanh8 (load_part (k1 + j, H - j, 0.0f) + q);
        }
      scores[i] = bias + sum8 (acc0);
      scores[i + 1] = bias + sum8 (acc1);
    }
  for (; i < n; i++)
    {
      const float *k = keys + (gsize) i * H;
      v8f acc = splat (0.0f);
      gsize j = 0;

      for (; j + LANES <= H; j += LANES)
        acc += load (v + j) * tanh8 (load (k + j) + load (query + j));
      if (j < H)
        acc += load_part (v + j, H - j, 0.0f) *
               tanh8 (load_part (k + j, H - j, 0.0f) + load_part (query + j, H - j, 0.0f));
      scores[i] = bias + sum8 (acc);
    }
}


static void
softmax (float *x,
            int    n)
{
  const gsize N = n;
  v8f vmax = splat (x[0]);
  v4d lo = { 0 }, hi = { 0 };
  float max;
  double sum, scale;
  gsize i;

  for (i = 0; i + LANES <= N; i += LANES)
    {
      v8f v = load (x + i);
      vmax = blend (less (vmax, v), v, vmax);
    }
  max = max8 (vmax);
  for (; i < N; i++)
    if (x[i] > max)
      max = x[i];
  /* summed in double: over tens of thousands of positions a float sum drifts
   * far enough that the row no longer adds up to 1 */
  for (i = 0; i + LANES <= N; i += LANES)
    {
      v8f e = exp8 (load (x + i) - splat (max));
      store (x + i, e);
      add_double (&lo, &hi, e);
    }
  if (i < N)
    {
      v8f e = exp8 (load_part (x + i, N - i, -INFINITY) - splat (max));  /* exp (-inf) = 0 */
      store_part (x + i, N - i, e);
      add_double (&lo, &hi, e);
    }
  sum = sum_double (lo, hi);
  scale = 1.0 / sum;
  for (i = 0; i < N; i++)
    x[i] = (float) (x[i] * scale);
}

/* The largest of x (n), and whether none is NaN or infinite */
INLINE float
max_finite (const float *x,
            gsize        n,
            gboolean    *finite)
{
  v8f vmax = splat (x[0]);
  v8i ok = (v8i) { -1, -1, -1, -1, -1, -1, -1, -1 };
  float max;
  gsize i;

  for (i = 0; i + LANES <= n; i += LANES)
    {
      v8f v = load (x + i);
      vmax = blend (less (vmax, v), v, vmax);
      ok &= less_equal (v, splat (FLT_MAX)) & less_equal (splat (-FLT_MAX), v);
    }
  max = max8 (vmax);
  *finite = TRUE;
  for (int l = 0; l < LANES; l++)
    if (ok[l] == 0)
      *finite = FALSE;
  for (; i < n; i++)
    {
      if (x[i] > max)
        max = x[i];
      if (!isfinite (x[i]))
        *finite = FALSE;
    }
  return max;
}

/* log (sum exp (x - max)), the sum in double */
INLINE float
log_sum_exp (const float *x,
             gsize        n,
             float        max)
{
  v4d lo = { 0 }, hi = { 0 };
  gsize i;

  for (i = 0; i + LANES <= n; i += LANES)
    add_double (&lo, &hi, exp8 (load (x + i) - splat (max)));
  if (i < n)
    add_double (&lo, &hi, exp8 (load_part (x + i, n - i, -INFINITY) - splat (max)));
  return (float) log (sum_double (lo, hi));
}

static void
log_softmax (float *x,
                int    n)
{
  gboolean finite;
  float max = max_finite (x, n, &finite);
  float log_sum = log_sum_exp (x, n, max);

  for (int i = 0; i < n; i++)
    x[i] = x[i] - max - log_sum;
}

static guint
log_softmax_top_k (float    *x,
                      int       n,
                      guint     k,
                      int      *ids,
                      float    *values,
                      gboolean *finite)
{
  const gsize N = n;
  v8i ok = (v8i) { -1, -1, -1, -1, -1, -1, -1, -1 };
  guint count = 0;
  float max, log_sum;
  gsize i;

  k = MIN (k, (guint) n);
  max = max_finite (x, N, finite);
  log_sum = log_sum_exp (x, N, max);
  /* the log-probabilities, and the best k of them: a block of 8 is looked
   * at one by one only when one of them beats the k-th best so far */
  for (i = 0; i + LANES <= N; i += LANES)
    {
      v8f y = load (x + i) - splat (max) - splat (log_sum);
      v8i better;

      store (x + i, y);
      ok &= less_equal (y, splat (FLT_MAX)) & less_equal (splat (-FLT_MAX), y);
      if (k == 0)
        continue;
      better = less (splat (count == k ? values[k - 1] : -INFINITY), y);
      if (count < k || any (better))
        for (int l = 0; l < LANES; l++)
          top_k_insert (y[l], (int) (i + l), k, &count, ids, values);
    }
  for (; i < N; i++)
    {
      x[i] = x[i] - max - log_sum;
      if (!isfinite (x[i]))
        *finite = FALSE;
      if (k > 0)
        top_k_insert (x[i], (int) i, k, &count, ids, values);
    }
  for (int l = 0; l < LANES; l++)
    if (ok[l] == 0)
      *finite = FALSE;
  return count;
}

/* One block of the GRU cell: the new h from gi, gh (r, z, n parts) and h */
INLINE v8f
gru8 (v8f gi_r, v8f gi_z, v8f gi_n,
      v8f gh_r, v8f gh_z, v8f gh_n,
      v8f h)
{
  v8f r = sigmoid8 (gi_r + gh_r);
  v8f z = sigmoid8 (gi_z + gh_z);
  v8f n = tanh8 (gi_n + r * gh_n);

  return (splat (1.0f) - z) * n + z * h;
}

static void
gru_gates (float       *h,
              const float *gi,
              const float *gh,
              int          hidden)
{
  const gsize H = hidden;
  gsize j = 0;

  for (; j + LANES <= H; j += LANES)
    store (h + j, gru8 (load (gi + j), load (gi + H + j), load (gi + 2 * H + j),
                        load (gh + j), load (gh + H + j), load (gh + 2 * H + j),
                        load (h + j)));
  if (j < H)
    {
      const gsize m = H - j;

      store_part (h + j, m, gru8 (load_part (gi + j, m, 0), load_part (gi + H + j, m, 0),
                                  load_part (gi + 2 * H + j, m, 0), load_part (gh + j, m, 0),
                                  load_part (gh + H + j, m, 0), load_part (gh + 2 * H + j, m, 0),
                                  load_part (h + j, m, 0)));
    }
}

#undef splat
#undef load
#undef store
#undef load_part
#undef store_part
#undef less
#undef less_equal
#undef blend
#undef at_most
#undef at_least
#undef any
#undef exp8
#undef tanh8
#undef sigmoid8
#undef sum8
#undef max8
#undef add_double
#undef sum_double
#undef max_finite
#undef log_sum_exp
#undef gru8
#undef exp_array
#undef tanh_array
#undef sigmoid_array
#undef all_finite
#undef attention_energies
#undef softmax
#undef log_softmax
#undef log_softmax_top_k
#undef gru_gates
