/* The float kernels against values computed by hand or by plain loops in
 * double precision; exp, tanh and the sigmoid over dense grids, with their
 * error bounds in ulps, and at the edges (0, denormals, the overflow and
 * underflow thresholds, infinities, NaN). */

#include <float.h>
#include <math.h>
#include <string.h>

#include <glib.h>

#include "as-kernels.h"

#define assert_close(a, b, tol) \
  G_STMT_START { \
    double _a = (a), _b = (b); \
    if (!(fabs (_a - _b) <= (tol))) \
      g_error ("%s:%d: %s = %.9g, expected %.9g (tolerance %g)", __FILE__, __LINE__, #a, _a, _b, (double) (tol)); \
  } G_STMT_END

static void
test_softmax_values (void)
{
  /* e^1, e^2, e^3 over their sum 30.19287485 */
  float x[3] = { 1.0f, 2.0f, 3.0f };
  float single[1] = { -42.0f };
  float equal[4] = { 0.5f, 0.5f, 0.5f, 0.5f };

  as_softmax (x, 3);
  assert_close (x[0], 0.0900305732, 1e-7);
  assert_close (x[1], 0.2447284711, 1e-7);
  assert_close (x[2], 0.6652409558, 1e-7);

  as_softmax (single, 1);
  g_assert_cmpfloat (single[0], ==, 1.0f);

  as_softmax (equal, 4);
  for (int i = 0; i < 4; i++)
    assert_close (equal[i], 0.25, 1e-7);
}

static void
test_log_softmax_values (void)
{
  /* log (e^1 + e^2 + e^3) = 3.40760596 */
  float x[3] = { 1.0f, 2.0f, 3.0f };
  float y[2] = { 0.0f, 0.0f };

  as_log_softmax (x, 3);
  assert_close (x[0], -2.4076059644, 1e-6);
  assert_close (x[1], -1.4076059644, 1e-6);
  assert_close (x[2], -0.4076059644, 1e-6);

  as_log_softmax (y, 2);
  assert_close (y[0], -G_LN2, 1e-7);
  assert_close (y[1], -G_LN2, 1e-7);
}

/* Inputs whose exponentials overflow or underflow a float: the result is the
 * same as for the shifted inputs. */
static void
test_softmax_stability (void)
{
  float big[3] = { 1000.0f, 1001.0f, 1002.0f };
  float small[3] = { -1000.0f, -999.0f, -998.0f };
  float huge[2] = { FLT_MAX, FLT_MAX };
  float apart[2] = { -1e30f, 1e30f };
  float lbig[3] = { 1000.0f, 1001.0f, 1002.0f };
  float lapart[2] = { -1000.0f, 1000.0f };

  as_softmax (big, 3);
  as_softmax (small, 3);
  for (int i = 0; i < 3; i++)
    {
      g_assert_true (isfinite (big[i]) && isfinite (small[i]));
      assert_close (big[i], small[i], 1e-7);
    }
  assert_close (big[2], 0.6652409558, 1e-7);

  as_softmax (huge, 2);
  assert_close (huge[0], 0.5, 1e-7);
  assert_close (huge[1], 0.5, 1e-7);

  as_softmax (apart, 2);
  g_assert_cmpfloat (apart[0], ==, 0.0f);
  g_assert_cmpfloat (apart[1], ==, 1.0f);

  as_log_softmax (lbig, 3);
  assert_close (lbig[0], -2.4076059644, 1e-5);
  assert_close (lbig[2], -0.4076059644, 1e-5);

  as_log_softmax (lapart, 2);
  g_assert_true (isfinite (lapart[0]));
  assert_close (lapart[0], -2000.0, 1e-3);
  assert_close (lapart[1], 0.0, 1e-6);
}

/* Many entries: the sums are still 1, and log_softmax is log (softmax). */
static void
test_softmax_many (void)
{
  const int n = 5000;
  g_autofree float *x = g_new (float, n);
  g_autofree float *y = g_new (float, n);
  double sum = 0.0;

  for (int i = 0; i < n; i++)
    x[i] = y[i] = (float) sin (i * 0.37) * 20.0f;
  as_softmax (x, n);
  as_log_softmax (y, n);
  for (int i = 0; i < n; i++)
    {
      g_assert_cmpfloat (x[i], >=, 0.0f);
      sum += x[i];
      assert_close (expf (y[i]), x[i], 1e-6);
    }
  assert_close (sum, 1.0, 1e-5);
}

static double
sigmoid (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

/* One GRU cell, PyTorch's formulas, hidden 3, input 2, in double precision:
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr)
 *   z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
 *   h' = (1 - z) * n + z * h                                            */
static void
test_gru_cell (void)
{
  enum { H = 3, I = 2 };
  static const float w_ih[3 * H][I] = {
    { 0.5f, -0.3f }, { 0.1f, 0.8f }, { -0.7f, 0.2f },    /* r */
    { 0.05f, 0.4f }, { -0.6f, -0.1f }, { 0.3f, 0.3f },   /* z */
    { 1.2f, -0.9f }, { 0.0f, 0.6f }, { -0.4f, -1.1f },   /* n */
  };
  static const float w_hh[3 * H][H] = {
    { 0.2f, -0.1f, 0.4f }, { -0.5f, 0.3f, 0.0f }, { 0.1f, 0.1f, -0.2f },
    { 0.7f, 0.2f, -0.3f }, { 0.0f, -0.4f, 0.5f }, { -0.2f, 0.6f, 0.1f },
    { 0.9f, -0.8f, 0.3f }, { 0.4f, 0.4f, -0.6f }, { -1.0f, 0.2f, 0.7f },
  };
  static const float b_ih[3 * H] = { 0.1f, -0.2f, 0.0f, 0.3f, 0.05f, -0.1f, 0.2f, -0.3f, 0.15f };
  static const float b_hh[3 * H] = { -0.05f, 0.1f, 0.2f, 0.0f, -0.15f, 0.25f, -0.1f, 0.05f, 0.3f };
  static const float x[I] = { 0.9f, -1.3f };
  static const float h0[H] = { 0.25f, -0.5f, 0.75f };
  float gi[3 * H], gh[3 * H], h[H];
  double ref[H];

  /* the reference, gate by gate */
  for (int j = 0; j < H; j++)
    {
      double ir = b_ih[j], iz = b_ih[H + j], in = b_ih[2 * H + j];
      double hr = b_hh[j], hz = b_hh[H + j], hn = b_hh[2 * H + j];
      double r, z, n;

      for (int k = 0; k < I; k++)
        {
          ir += (double) w_ih[j][k] * x[k];
          iz += (double) w_ih[H + j][k] * x[k];
          in += (double) w_ih[2 * H + j][k] * x[k];
        }
      for (int k = 0; k < H; k++)
        {
          hr += (double) w_hh[j][k] * h0[k];
          hz += (double) w_hh[H + j][k] * h0[k];
          hn += (double) w_hh[2 * H + j][k] * h0[k];
        }
      r = sigmoid (ir + hr);
      z = sigmoid (iz + hz);
      n = tanh (in + r * hn);
      ref[j] = (1.0 - z) * n + z * h0[j];
    }

  /* the engine: the projections with as_matvec, the gates with as_gru_gates */
  as_matvec (gi, &w_ih[0][0], x, b_ih, 3 * H, I);
  as_matvec (gh, &w_hh[0][0], h0, b_hh, 3 * H, H);
  memcpy (h, h0, sizeof h);
  as_gru_gates (h, gi, gh, H);
  for (int j = 0; j < H; j++)
    assert_close (h[j], ref[j], 1e-6);

  /* the first unit by hand: r = σ(1.29) = 0.7841472, z = σ(-0.325) = 0.4194577,
   * n = tanh(2.45 + r * 0.75) = 0.9954168, h' = (1 - z) n + z 0.25 = 0.6827460 */
  assert_close (ref[0], 0.6827460, 5e-7);
}

/* Saturated gates: z = 1 keeps h, z = 0 takes n; nothing becomes NaN. */
static void
test_gru_saturation (void)
{
  float h[2] = { 0.3f, -0.7f };
  const float gi_keep[6] = { 0, 0, 100, 100, 5, 5 };
  const float gh_zero[6] = { 0 };
  const float gi_take[6] = { 0, 0, -100, -100, 100, -100 };

  as_gru_gates (h, gi_keep, gh_zero, 2);
  assert_close (h[0], 0.3, 1e-6);
  assert_close (h[1], -0.7, 1e-6);
  as_gru_gates (h, gi_take, gh_zero, 2);
  assert_close (h[0], 1.0, 1e-6);
  assert_close (h[1], -1.0, 1e-6);
}

static void
test_top_k (void)
{
  const float x[6] = { 0.1f, 0.5f, -2.0f, 0.5f, 0.3f, 0.5f };
  int ids[6];
  float values[6];
  guint n;

  n = as_top_k (x, 6, 3, ids, values);
  g_assert_cmpuint (n, ==, 3);
  /* ties go to the lower index */
  g_assert_cmpint (ids[0], ==, 1);
  g_assert_cmpint (ids[1], ==, 3);
  g_assert_cmpint (ids[2], ==, 5);
  for (guint i = 0; i < n; i++)
    g_assert_cmpfloat (values[i], ==, 0.5f);

  n = as_top_k (x, 6, 5, ids, values);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpint (ids[3], ==, 4);
  g_assert_cmpint (ids[4], ==, 0);
  g_assert_cmpfloat (values[3], ==, 0.3f);

  /* k past n: all of them, best first */
  n = as_top_k (x, 6, 20, ids, values);
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpint (ids[5], ==, 2);
  g_assert_cmpfloat (values[5], ==, -2.0f);

  n = as_top_k (x, 6, 1, ids, values);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (ids[0], ==, 1);
}

static void
test_top_k_ties_everywhere (void)
{
  const float x[5] = { -1.0f, -1.0f, -1.0f, -1.0f, -1.0f };
  const float ascending[5] = { 1.0f, 2.0f, 3.0f, 4.0f, 5.0f };
  int ids[5];
  float values[5];

  g_assert_cmpuint (as_top_k (x, 5, 3, ids, values), ==, 3);
  g_assert_cmpint (ids[0], ==, 0);
  g_assert_cmpint (ids[1], ==, 1);
  g_assert_cmpint (ids[2], ==, 2);

  g_assert_cmpuint (as_top_k (ascending, 5, 2, ids, values), ==, 2);
  g_assert_cmpint (ids[0], ==, 4);
  g_assert_cmpint (ids[1], ==, 3);
}

/* A deterministic, repeatable fill */
static void
fill (float *x,
      gsize  n,
      guint  seed)
{
  GRand *rand = g_rand_new_with_seed (seed);

  for (gsize i = 0; i < n; i++)
    x[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
  g_rand_free (rand);
}

static void
check_matvec (int rows,
              int cols)
{
  g_autofree float *w = g_new (float, (gsize) rows * cols);
  g_autofree float *x = g_new (float, cols);
  g_autofree float *b = g_new (float, rows);
  g_autofree float *out = g_new (float, rows);
  g_autofree float *out_nb = g_new (float, rows);

  fill (w, (gsize) rows * cols, 1);
  fill (x, cols, 2);
  fill (b, rows, 3);
  for (int i = 0; i < rows; i++)
    out_nb[i] = NAN;  /* without a bias, the output is written, not added to */

  as_matvec (out, w, x, b, rows, cols);
  as_matvec (out_nb, w, x, NULL, rows, cols);
  for (int i = 0; i < rows; i++)
    {
      double ref = 0.0;
      for (int k = 0; k < cols; k++)
        ref += (double) w[(gsize) i * cols + k] * x[k];
      assert_close (out_nb[i], ref, 1e-5 * (1 + sqrt (cols)));
      assert_close (out[i], ref + b[i], 1e-5 * (1 + sqrt (cols)));
    }
}

static void
test_matvec (void)
{
  check_matvec (1, 1);
  check_matvec (7, 5);
  check_matvec (12, 8);
  check_matvec (384, 256);
  check_matvec (3, 1000);
}

static void
check_matmul_t (int n,
                int rows,
                int cols)
{
  g_autofree float *x = g_new (float, (gsize) n * cols);
  g_autofree float *w = g_new (float, (gsize) rows * cols);
  g_autofree float *b = g_new (float, rows);
  g_autofree float *out = g_new (float, (gsize) n * rows);

  fill (x, (gsize) n * cols, 4);
  fill (w, (gsize) rows * cols, 5);
  fill (b, rows, 6);
  as_matmul_t (out, x, w, b, n, rows, cols);
  for (int i = 0; i < n; i++)
    for (int r = 0; r < rows; r++)
      {
        double ref = b[r];
        for (int k = 0; k < cols; k++)
          ref += (double) x[(gsize) i * cols + k] * w[(gsize) r * cols + k];
        assert_close (out[(gsize) i * rows + r], ref, 1e-5 * (1 + sqrt (cols)));
      }
}

static void
test_matmul_t (void)
{
  check_matmul_t (1, 1, 1);
  check_matmul_t (3, 4, 5);
  check_matmul_t (11, 12, 4);
  check_matmul_t (50, 96, 32);
  check_matmul_t (1, 300, 300);
}


/* The error of @got against the exact @want in units in the last place of
 * the float nearest @want (the least denormal's below FLT_MIN); 0 when
 * both are the same infinity or both NaN, G_MAXDOUBLE when only one is. */
static double
ulps (float  got,
      double want)
{
  double unit;

  if (isnan (want) || isnan (got))
    return isnan (want) && isnan (got) ? 0.0 : G_MAXDOUBLE;
  if (isinf ((float) want) || isinf (got))
    return (float) want == got ? 0.0 : G_MAXDOUBLE;
  unit = fabs (want) < FLT_MIN ? ldexp (1.0, -149) : ldexp (1.0, ilogb ((float) fabs (want)) - 23);
  return fabs (got - want) / unit;
}

typedef void (*ArrayFunc) (float *x, gsize n);

/* The largest error in ulps of @f over @n points evenly from @lo to @hi
 * (the array kernels take them in blocks of 8 and a tail: @n is odd) */
static double
worst_ulps (ArrayFunc   f,
            double    (*exact) (double),
            double      lo,
            double      hi,
            gsize       n,
            float      *where)
{
  g_autofree float *x = g_new (float, n);
  g_autofree float *y = g_new (float, n);
  double worst = 0.0;

  for (gsize i = 0; i < n; i++)
    x[i] = y[i] = (float) (lo + (hi - lo) * i / (n - 1));
  f (y, n);
  for (gsize i = 0; i < n; i++)
    {
      double e = ulps (y[i], exact (x[i]));
      if (e > worst)
        {
          worst = e;
          *where = x[i];
        }
    }
  return worst;
}

static double
exact_sigmoid (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

#define assert_ulps(f, exact, lo, hi, bound) \
  G_STMT_START { \
    float _where = 0; \
    double _e = worst_ulps (f, exact, lo, hi, 1000001, &_where); \
    g_test_message ("%s on [%g, %g]: at most %.2f ulp (at %.9g)", #f, (double) (lo), (double) (hi), _e, _where); \
    if (!(_e <= (bound))) \
      g_error ("%s on [%g, %g]: %.3g ulp at %.9g, more than %g", #f, (double) (lo), (double) (hi), _e, _where, (double) (bound)); \
  } G_STMT_END

/* One value through an array kernel */
static float
one (ArrayFunc f,
     float     x)
{
  f (&x, 1);
  return x;
}

/* exp within 2 ulp over its whole range, denormal results included (below
 * about -87.3), infinite above FLT_MAX */
static void
test_exp_accuracy (void)
{
  assert_ulps (as_exp, exp, -1.0, 1.0, 2.0);
  assert_ulps (as_exp, exp, -20.0, 20.0, 2.0);
  assert_ulps (as_exp, exp, -87.3, 88.7, 2.0);
  assert_ulps (as_exp, exp, -104.0, -87.0, 2.0);  /* denormal results, in ulps of the least denormal */
  /* just below the overflow threshold the result may round to infinity one ulp early */
  {
    float x = 88.72f, y = one (as_exp, x);
    g_assert_true (isfinite (y) && ulps (y, exp (x)) <= 2.0);
  }
}

static void
test_exp_special (void)
{
  g_assert_cmpfloat (one (as_exp, 0.0f), ==, 1.0f);
  g_assert_cmpfloat (one (as_exp, -0.0f), ==, 1.0f);
  g_assert_cmpfloat (one (as_exp, 1e-40f), ==, 1.0f);    /* a denormal */
  g_assert_cmpfloat (one (as_exp, -1e-45f), ==, 1.0f);
  g_assert_cmpfloat (one (as_exp, 1.0f), ==, (float) M_E);
  g_assert_cmpfloat (one (as_exp, 88.8f), ==, INFINITY);
  g_assert_cmpfloat (one (as_exp, FLT_MAX), ==, INFINITY);
  g_assert_cmpfloat (one (as_exp, INFINITY), ==, INFINITY);
  g_assert_cmpfloat (one (as_exp, -104.0f), ==, 0.0f);
  g_assert_cmpfloat (one (as_exp, -FLT_MAX), ==, 0.0f);
  g_assert_cmpfloat (one (as_exp, -INFINITY), ==, 0.0f);
  g_assert_true (isnan (one (as_exp, NAN)));
  g_assert_true (isnan (one (as_exp, -NAN)));
  /* the least denormal and the largest ones */
  g_assert_cmpfloat (one (as_exp, -103.5f), >, 0.0f);
  g_assert_cmpfloat (ulps (one (as_exp, -88.0f), exp (-88.0)), <=, 2.0);
}

/* tanh within 7 ulp (3.9e-7 at most, near 5.8 where it nears 1), 5 ulp
 * near 0 and 1 ulp below 4e-4 (where it is x), exactly odd, never past 1 */
static void
test_tanh_accuracy (void)
{
  g_autofree float *x = g_new (float, 20001);
  g_autofree float *y = g_new (float, 20001);

  assert_ulps (as_tanh, tanh, -10.0, 10.0, 7.0);
  assert_ulps (as_tanh, tanh, -1.0, 1.0, 5.0);
  assert_ulps (as_tanh, tanh, -0.01, 0.01, 5.0);
  assert_ulps (as_tanh, tanh, -1e-3, 1e-3, 5.0);
  assert_ulps (as_tanh, tanh, -3.9e-4, 3.9e-4, 1.0);  /* tanh (x) = x there */
  for (int i = 0; i <= 20000; i++)
    {
      x[i] = (float) (i / 1000.0);
      y[i] = -x[i];
    }
  as_tanh (x, 20001);
  as_tanh (y, 20001);
  for (int i = 0; i <= 20000; i++)
    {
      g_assert_cmpfloat (y[i], ==, -x[i]);
      g_assert_cmpfloat (fabsf (x[i]), <=, 1.0f);  /* (not monotonic within its few ulps, near 5) */
    }
}

static void
test_tanh_special (void)
{
  g_assert_cmpfloat (one (as_tanh, 0.0f), ==, 0.0f);
  g_assert_true (signbit (one (as_tanh, -0.0f)));
  g_assert_cmpfloat (one (as_tanh, 1e-40f), ==, 1e-40f);  /* denormals are their own tanh */
  g_assert_cmpfloat (one (as_tanh, -1e-45f), ==, -1e-45f);
  g_assert_cmpfloat (one (as_tanh, 9.0f), ==, 1.0f);
  g_assert_cmpfloat (one (as_tanh, -9.0f), ==, -1.0f);
  g_assert_cmpfloat (one (as_tanh, FLT_MAX), ==, 1.0f);
  g_assert_cmpfloat (one (as_tanh, INFINITY), ==, 1.0f);
  g_assert_cmpfloat (one (as_tanh, -INFINITY), ==, -1.0f);
  g_assert_true (isnan (one (as_tanh, NAN)));
}

/* the sigmoid within 3 ulp everywhere, the far left tail denormal */
static void
test_sigmoid_accuracy (void)
{
  assert_ulps (as_sigmoid, exact_sigmoid, -10.0, 10.0, 3.0);
  assert_ulps (as_sigmoid, exact_sigmoid, -110.0, 110.0, 3.0);
  assert_ulps (as_sigmoid, exact_sigmoid, -103.0, -87.0, 3.0);
  g_assert_cmpfloat (one (as_sigmoid, 0.0f), ==, 0.5f);
  g_assert_cmpfloat (one (as_sigmoid, 1e-40f), ==, 0.5f);
  g_assert_cmpfloat (one (as_sigmoid, 20.0f), ==, 1.0f);
  g_assert_cmpfloat (one (as_sigmoid, INFINITY), ==, 1.0f);
  g_assert_cmpfloat (one (as_sigmoid, -INFINITY), ==, 0.0f);
  g_assert_cmpfloat (one (as_sigmoid, -FLT_MAX), ==, 0.0f);
  g_assert_cmpfloat (one (as_sigmoid, -90.0f), >, 0.0f);
  g_assert_true (isnan (one (as_sigmoid, NAN)));
}

/* A value that is not finite anywhere in arrays of every length up to 33 */
static void
test_all_finite (void)
{
  const float bad[] = { NAN, INFINITY, -INFINITY };
  float x[33];

  g_assert_true (as_all_finite (NULL, 0));
  for (gsize n = 1; n <= G_N_ELEMENTS (x); n++)
    {
      for (gsize i = 0; i < n; i++)
        x[i] = i % 2 ? FLT_MAX : -FLT_MAX;
      g_assert_true (as_all_finite (x, n));
      for (gsize at = 0; at < n; at++)
        for (gsize b = 0; b < G_N_ELEMENTS (bad); b++)
          {
            float keep = x[at];

            x[at] = bad[b];
            g_assert_false (as_all_finite (x, n));
            x[at] = keep;
          }
    }
}

/* scores_i = bias + sum_j v_j tanh (k_ij + q_j) against double precision,
 * for widths that are and are not multiples of 8 */
static void
test_attention_energies (void)
{
  static const int shapes[][2] = { { 1, 1 }, { 3, 7 }, { 5, 8 }, { 11, 13 }, { 10, 160 }, { 101, 160 }, { 2, 300 } };

  for (gsize s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      const int n = shapes[s][0], H = shapes[s][1];
      g_autofree float *keys = g_new (float, (gsize) n * H);
      g_autofree float *query = g_new (float, H);
      g_autofree float *v = g_new (float, H);
      g_autofree float *scores = g_new (float, n + 1);

      fill (keys, (gsize) n * H, 7 + s);
      fill (query, H, 8 + s);
      fill (v, H, 9 + s);
      for (int j = 0; j < H; j++)
        keys[j] *= 6.0f;  /* the first row also in tanh's flat parts */
      scores[n] = 42.0f;
      as_attention_energies (scores, keys, query, v, 0.25f, n, H);
      for (int i = 0; i < n; i++)
        {
          double ref = 0.25, mass = 0.0;
          for (int j = 0; j < H; j++)
            {
              ref += (double) v[j] * tanh ((double) keys[(gsize) i * H + j] + query[j]);
              mass += fabs (v[j]);
            }
          /* tanh's 4e-7 and the float sum's rounding, per unit of |v| */
          assert_close (scores[i], ref, 6e-7 * mass + 1e-7 * H);
        }
      g_assert_cmpfloat (scores[n], ==, 42.0f);  /* nothing written past n */
    }
}

/* The softmax of lengths that are and are not multiples of 8 against
 * double precision */
static void
test_softmax_lengths (void)
{
  for (int n = 1; n <= 41; n++)
    {
      float x[41];
      double ref[41], sum = 0.0, max = -INFINITY;

      fill (x, n, 100 + n);
      for (int i = 0; i < n; i++)
        {
          x[i] *= 30.0f;
          max = MAX (max, x[i]);
        }
      /* x - max rounded to float, as the kernel computes it: from there
       * on, the exp and the division (a few ulp) */
      for (int i = 0; i < n; i++)
        sum += ref[i] = exp ((float) (x[i] - (float) max));
      as_softmax (x, n);
      for (int i = 0; i < n; i++)
        assert_close (x[i], ref[i] / sum, 4e-7 * (ref[i] / sum) + 1e-30);
    }
}

/* log-softmax, finiteness and top-k in one kernel: the same log-
 * probabilities as double precision, the same candidates and order as
 * as_top_k on them (ties to the lower id), k of 0, within and past n. */
static void
test_log_softmax_top_k (void)
{
  static const int lengths[] = { 1, 2, 7, 8, 9, 20, 31, 64, 2027 };
  static const guint ks[] = { 0, 1, 5, 20, 3000 };

  for (gsize a = 0; a < G_N_ELEMENTS (lengths); a++)
    for (gsize b = 0; b < G_N_ELEMENTS (ks); b++)
      {
        const int n = lengths[a];
        const guint k = ks[b];
        g_autofree float *x = g_new (float, n);
        g_autofree float *y = g_new (float, n);
        g_autofree int *ids = g_new (int, MAX (k, 1));
        g_autofree int *ref_ids = g_new (int, MAX (k, 1));
        g_autofree float *values = g_new (float, MAX (k, 1));
        g_autofree float *ref_values = g_new (float, MAX (k, 1));
        double sum = 0.0, max = -INFINITY;
        gboolean finite = FALSE;
        guint count, ref_count;

        fill (x, n, 200 + a);
        for (int i = 0; i < n; i++)
          {
            /* ties: a few equal values, some of them among the best */
            x[i] = i % 5 == 3 ? 0.875f : 12.0f * x[i];
            max = MAX (max, x[i]);
          }
        for (int i = 0; i < n; i++)
          sum += exp (x[i] - max);
        memcpy (y, x, n * sizeof (float));
        count = as_log_softmax_top_k (y, n, k, ids, values, &finite);
        g_assert_true (finite);
        for (int i = 0; i < n; i++)
          assert_close (y[i], x[i] - max - log (sum), 2e-6 * (1.0 + fabs (x[i] - max)));
        ref_count = as_top_k (y, n, k, ref_ids, ref_values);
        g_assert_cmpuint (count, ==, MIN (k, (guint) n));
        g_assert_cmpuint (count, ==, ref_count);
        for (guint i = 0; i < count; i++)
          {
            g_assert_cmpint (ids[i], ==, ref_ids[i]);
            g_assert_cmpfloat (values[i], ==, y[ids[i]]);
            if (i > 0)
              g_assert_true (values[i] < values[i - 1] || (values[i] == values[i - 1] && ids[i] > ids[i - 1]));
          }
      }
}

/* NaN or an infinity anywhere, or a spread that overflows: not finite */
static void
test_log_softmax_top_k_not_finite (void)
{
  const float bad[] = { NAN, INFINITY, -INFINITY };
  const float spread[2] = { -3e38f, 3e38f };
  float x[19], y[19], values[5];
  int ids[5];
  gboolean finite = TRUE;

  for (gsize at = 0; at < G_N_ELEMENTS (x); at++)
    for (gsize b = 0; b < G_N_ELEMENTS (bad); b++)
      {
        fill (x, G_N_ELEMENTS (x), 300);
        x[at] = bad[b];
        finite = TRUE;
        as_log_softmax_top_k (x, G_N_ELEMENTS (x), 5, ids, values, &finite);
        g_assert_false (finite);
      }
  memcpy (y, spread, sizeof spread);
  finite = TRUE;
  as_log_softmax_top_k (y, 2, 1, ids, values, &finite);
  g_assert_false (finite);
  g_assert_cmpint (ids[0], ==, 1);
}

/* The GRU cell over widths that are and are not multiples of 8, against
 * PyTorch's formulas in double precision */
static void
test_gru_widths (void)
{
  static const int widths[] = { 1, 5, 8, 21, 160 };

  for (gsize w = 0; w < G_N_ELEMENTS (widths); w++)
    {
      const int H = widths[w];
      g_autofree float *gi = g_new (float, 3 * H);
      g_autofree float *gh = g_new (float, 3 * H);
      g_autofree float *h = g_new (float, H + 1);
      g_autofree float *h0 = g_new (float, H);

      fill (gi, 3 * H, 400 + w);
      fill (gh, 3 * H, 500 + w);
      fill (h0, H, 600 + w);
      for (int j = 0; j < 3 * H; j++)
        {
          gi[j] *= 8.0f;
          gh[j] *= 8.0f;
        }
      memcpy (h, h0, H * sizeof (float));
      h[H] = 42.0f;
      as_gru_gates (h, gi, gh, H);
      for (int j = 0; j < H; j++)
        {
          double r = sigmoid ((double) gi[j] + gh[j]);
          double z = sigmoid ((double) gi[H + j] + gh[H + j]);
          double n = tanh ((double) gi[2 * H + j] + r * gh[2 * H + j]);
          assert_close (h[j], (1.0 - z) * n + z * h0[j], 1e-6);
        }
      g_assert_cmpfloat (h[H], ==, 42.0f);
    }
}


/* as_matmul_packed () against the product in double precision, for
 * @groups groups of @rows rows, @cols columns and n = 1..@max_n rows of X
 * (every tile shape of every level); the float sum of @cols products in
 * order errs by at most about cols ulps of the sum of their magnitudes.
 * Row i of the output has the same bits whatever n: nothing depends on
 * the sentence's length. The output's row past n is not written. */
static void
check_matmul_packed (int groups,
                     int rows,
                     int cols,
                     int max_n)
{
  const int R = groups * rows;
  g_autofree float *w = g_new (float, (gsize) R * cols);
  g_autofree float *x = g_new (float, (gsize) max_n * cols);
  g_autofree float *b = g_new (float, R);
  g_autofree float *all = g_new (float, (gsize) max_n * R);
  g_autofree float *out = g_new (float, (gsize) (max_n + 1) * R);
  AsPacked packed;

  fill (w, (gsize) R * cols, 1000 + rows);
  fill (x, (gsize) max_n * cols, 1100 + cols);
  fill (b, R, 1200 + groups);
  as_packed_init (&packed, w, groups, rows, cols);
  g_assert_cmpint (packed.panels, ==, (rows + 15) / 16);
  as_matmul_packed (all, x, &packed, b, max_n);
  for (int n = 1; n <= max_n; n++)
    {
      for (gsize i = 0; i < (gsize) (n + 1) * R; i++)
        out[i] = 42.0f;
      as_matmul_packed (out, x, &packed, b, n);
      for (int i = 0; i < n; i++)
        for (int r = 0; r < R; r++)
          {
            double want = b[r], size = fabs (b[r]);

            for (int k = 0; k < cols; k++)
              {
                want += (double) w[(gsize) r * cols + k] * x[(gsize) i * cols + k];
                size += fabs ((double) w[(gsize) r * cols + k] * x[(gsize) i * cols + k]);
              }
            assert_close (out[(gsize) i * R + r], want, (cols + 1) * FLT_EPSILON * size);
            g_assert_true (memcmp (&out[(gsize) i * R + r], &all[(gsize) i * R + r], sizeof (float)) == 0);
          }
      for (int r = 0; r < R; r++)
        g_assert_cmpfloat (out[(gsize) n * R + r], ==, 42.0f);
    }
  as_packed_clear (&packed);
  g_assert_null (packed.data);
}

static void
test_matmul_packed (void)
{
  check_matmul_packed (1, 1, 1, 3);
  check_matmul_packed (1, 16, 8, 13);
  check_matmul_packed (1, 37, 21, 14);
  check_matmul_packed (3, 21, 5, 7);
  check_matmul_packed (3, 48, 33, 4);
  check_matmul_packed (1, 480, 160, 13);
}

/* Without a bias (b NULL, a decoder step's Wa h), the same bits as with a
 * bias of zeros, for one row of X (a decoder step) and for several; the
 * output past the rows of X is not written */
static void
test_matmul_packed_no_bias (void)
{
  const int shapes[][2] = { { 37, 21 }, { 160, 160 }, { 2027, 160 } };

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      const int rows = shapes[s][0], cols = shapes[s][1];
      g_autofree float *w = g_new (float, (gsize) rows * cols);
      g_autofree float *x = g_new (float, 3 * (gsize) cols);
      g_autofree float *zeros = g_new0 (float, rows);
      g_autofree float *with = g_new (float, 4 * (gsize) rows);
      g_autofree float *without = g_new (float, 4 * (gsize) rows);
      AsPacked packed;

      fill (w, (gsize) rows * cols, 1300 + rows);
      fill (x, 3 * (gsize) cols, 1400 + cols);
      as_packed_init (&packed, w, 1, rows, cols);
      for (int n = 1; n <= 3; n++)
        {
          for (gsize i = 0; i < 4 * (gsize) rows; i++)
            with[i] = without[i] = 42.0f;
          as_matmul_packed (with, x, &packed, zeros, n);
          as_matmul_packed (without, x, &packed, NULL, n);
          g_assert_true (memcmp (with, without, (gsize) n * rows * sizeof (float)) == 0);
          for (int r = 0; r < rows; r++)
            g_assert_cmpfloat (without[(gsize) n * rows + r], ==, 42.0f);
          /* and it is the product: row 0, output 0 */
          {
            double want = 0.0, size = 0.0;

            for (int k = 0; k < cols; k++)
              {
                want += (double) w[k] * x[k];
                size += fabs ((double) w[k] * x[k]);
              }
            assert_close (without[0], want, (cols + 1) * FLT_EPSILON * size);
          }
        }
      as_packed_clear (&packed);
    }
}

/* as_gru_step_packed () against PyTorch's GRU step in double precision
 * (gh = W_hh h + b_hh, then the gates), over widths that are and are not
 * multiples of 16; and the same bits as its two halves: gh by
 * as_matmul_packed (), then as_gru_gates (). */
static void
test_gru_step_packed (void)
{
  static const int widths[] = { 1, 5, 16, 21, 40, 160 };

  for (gsize a = 0; a < G_N_ELEMENTS (widths); a++)
    {
      const int H = widths[a];
      g_autofree float *w = g_new (float, 3 * H * H);
      g_autofree float *b = g_new (float, 3 * H);
      g_autofree float *gi = g_new (float, 3 * H);
      g_autofree float *h = g_new (float, H);
      g_autofree float *h_new = g_new (float, H + 1);
      g_autofree float *gh = g_new (float, 3 * H);
      g_autofree float *h_ref = g_new (float, H);
      AsPacked grouped, plain;

      fill (w, 3 * H * H, 1300 + a);
      fill (b, 3 * H, 1400 + a);
      fill (gi, 3 * H, 1500 + a);
      fill (h, H, 1600 + a);
      for (int j = 0; j < 3 * H * H; j++)
        w[j] *= 4.0f / sqrtf (H);
      as_packed_init (&grouped, w, 3, H, H);
      as_packed_init (&plain, w, 1, 3 * H, H);
      h_new[H] = 42.0f;
      as_gru_step_packed (h_new, h, gi, &grouped, b, H);
      g_assert_cmpfloat (h_new[H], ==, 42.0f);
      for (int j = 0; j < H; j++)
        {
          double g[3], size = 0.0;
          double r, z, n;

          for (int t = 0; t < 3; t++)
            {
              g[t] = b[t * H + j];
              for (int k = 0; k < H; k++)
                {
                  g[t] += (double) w[(gsize) (t * H + j) * H + k] * h[k];
                  size += fabs ((double) w[(gsize) (t * H + j) * H + k] * h[k]);
                }
            }
          r = sigmoid (gi[j] + g[0]);
          z = sigmoid (gi[H + j] + g[1]);
          n = tanh (gi[2 * H + j] + r * g[2]);
          assert_close (h_new[j], (1.0 - z) * n + z * h[j], 1e-6 + (H + 1) * FLT_EPSILON * size);
        }

      as_matmul_packed (gh, h, &plain, b, 1);
      memcpy (h_ref, h, H * sizeof (float));
      as_gru_gates (h_ref, gi, gh, H);
      g_assert_cmpmem (h_new, H * sizeof (float), h_ref, H * sizeof (float));
      as_packed_clear (&grouped);
      as_packed_clear (&plain);
    }
}

/* The packed products of every level give the same bits */
static void
test_packed_levels_same_bits (void)
{
  enum { H = 37, N = 13, LEVELS = 3 };
  g_autofree float *w = g_new (float, 3 * H * H);
  g_autofree float *x = g_new (float, N * H);
  g_autofree float *b = g_new (float, 3 * H);
  float *out[LEVELS], *h[LEVELS];
  AsPacked plain, grouped;

  fill (w, 3 * H * H, 1700);
  fill (x, N * H, 1701);
  fill (b, 3 * H, 1702);
  as_packed_init (&plain, w, 1, 3 * H, H);
  as_packed_init (&grouped, w, 3, H, H);
  for (int v = 0; v < LEVELS; v++)
    {
      as_kernels_set_level (v);
      out[v] = g_new (float, N * 3 * H);
      h[v] = g_new (float, N * H);
      as_matmul_packed (out[v], x, &plain, b, N);
      for (int i = 0; i < N; i++)
        as_gru_step_packed (h[v] + i * H, i > 0 ? h[v] + (i - 1) * H : x, out[v] + i * 3 * H, &grouped, b, H);
    }
  as_kernels_set_level (2);
  for (int v = 1; v < LEVELS; v++)
    {
      g_assert_cmpmem (out[0], N * 3 * H * sizeof (float), out[v], N * 3 * H * sizeof (float));
      g_assert_cmpmem (h[0], N * H * sizeof (float), h[v], N * H * sizeof (float));
    }
  for (int v = 0; v < LEVELS; v++)
    {
      g_free (out[v]);
      g_free (h[v]);
    }
  as_packed_clear (&plain);
  as_packed_clear (&grouped);
}


/* The AVX-512, AVX2 and baseline kernels give the same bits (each where
 * the processor has it: the runs of the others take the next below) */
static void
test_levels_same_bits (void)
{
  enum { N = 4099, H = 37, T = 2027, LEVELS = 3 };
  g_autofree float *x = g_new (float, N + 16);
  float *out[LEVELS][7];
  int ids[LEVELS][20];
  guint counts[LEVELS];
  gboolean finite[LEVELS];

  fill (x, N + 16, 900);
  for (gsize i = 0; i < N + 16; i++)
    x[i] *= (i % 3 == 0) ? 120.0f : (i % 3 == 1) ? 9.0f : 1e-3f;
  x[5] = NAN;
  x[6] = INFINITY;
  x[7] = -INFINITY;
  x[8] = 1e-40f;
  x[9] = -0.0f;
  for (int v = 0; v < LEVELS; v++)
    {
      as_kernels_set_level (v);
      for (int k = 0; k < 7; k++)
        out[v][k] = g_memdup2 (x + 16, N * sizeof (float));
      as_exp (out[v][0], N);
      as_tanh (out[v][1], N - 16);
      as_sigmoid (out[v][2], N - 16);
      as_attention_energies (out[v][3], x + 16, x + 1000, x + 2000, 0.5f, (N - 2100) / H, H);
      as_attention_energies (out[v][6], x + 16, x + 1000, x + 2000, 0.5f, 25, 160);  /* an odd number of rows */
      as_softmax (out[v][4], 1000);
      counts[v] = as_log_softmax_top_k (out[v][5], T, 20, ids[v], out[v][4] + 1000, &finite[v]);
      as_gru_gates (out[v][4] + 2000, x + 2100, x + 2100 + 3 * H, H);
    }
  as_kernels_set_level (2);
  for (int v = 1; v < LEVELS; v++)
    {
      for (int k = 0; k < 7; k++)
        for (gsize i = 0; i < N; i++)
          if (memcmp (&out[0][k][i], &out[v][k][i], sizeof (float)) != 0)
            g_error ("kernel %d, [%" G_GSIZE_FORMAT "]: %.9g (baseline) but %.9g (level %d)",
                     k, i, out[0][k][i], out[v][k][i], v);
      g_assert_cmpuint (counts[0], ==, counts[v]);
      g_assert_cmpmem (ids[0], sizeof ids[0], ids[v], sizeof ids[v]);
      g_assert_true (finite[0] == finite[v]);
    }
  for (int v = 0; v < LEVELS; v++)
    for (int k = 0; k < 7; k++)
      g_free (out[v][k]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kernels/softmax/values", test_softmax_values);
  g_test_add_func ("/kernels/softmax/log-values", test_log_softmax_values);
  g_test_add_func ("/kernels/softmax/stability", test_softmax_stability);
  g_test_add_func ("/kernels/softmax/many", test_softmax_many);
  g_test_add_func ("/kernels/gru/cell", test_gru_cell);
  g_test_add_func ("/kernels/gru/saturation", test_gru_saturation);
  g_test_add_func ("/kernels/top-k/ties", test_top_k);
  g_test_add_func ("/kernels/top-k/ties-everywhere", test_top_k_ties_everywhere);
  g_test_add_func ("/kernels/matvec", test_matvec);
  g_test_add_func ("/kernels/matmul-t", test_matmul_t);
  g_test_add_func ("/kernels/exp/accuracy", test_exp_accuracy);
  g_test_add_func ("/kernels/exp/special", test_exp_special);
  g_test_add_func ("/kernels/tanh/accuracy", test_tanh_accuracy);
  g_test_add_func ("/kernels/tanh/special", test_tanh_special);
  g_test_add_func ("/kernels/sigmoid", test_sigmoid_accuracy);
  g_test_add_func ("/kernels/all-finite", test_all_finite);
  g_test_add_func ("/kernels/attention-energies", test_attention_energies);
  g_test_add_func ("/kernels/softmax/lengths", test_softmax_lengths);
  g_test_add_func ("/kernels/log-softmax-top-k/values", test_log_softmax_top_k);
  g_test_add_func ("/kernels/log-softmax-top-k/not-finite", test_log_softmax_top_k_not_finite);
  g_test_add_func ("/kernels/gru/widths", test_gru_widths);
  g_test_add_func ("/kernels/levels-same-bits", test_levels_same_bits);
  g_test_add_func ("/kernels/matmul-packed", test_matmul_packed);
  g_test_add_func ("/kernels/matmul-packed-no-bias", test_matmul_packed_no_bias);
  g_test_add_func ("/kernels/gru/step-packed", test_gru_step_packed);
  g_test_add_func ("/kernels/packed-levels-same-bits", test_packed_levels_same_bits);

  return g_test_run ();
}
