/* The float kernels against values computed by hand or by plain loops in
 * double precision. */

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

  return g_test_run ();
}
