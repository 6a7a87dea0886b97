#include <math.h>
#include <string.h>

#include <cblas.h>

#include "as-kernels.h"

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

void
as_softmax (float *x,
            int    n)
{
  float max = x[0];
  double sum = 0.0, scale;

  for (int i = 1; i < n; i++)
    if (x[i] > max)
      max = x[i];
  /* summed in double: over tens of thousands of positions a float sum drifts
   * far enough that the row no longer adds up to 1 */
  for (int i = 0; i < n; i++)
    {
      x[i] = expf (x[i] - max);
      sum += x[i];
    }
  scale = 1.0 / sum;
  for (int i = 0; i < n; i++)
    x[i] = (float) (x[i] * scale);
}

void
as_log_softmax (float *x,
                int    n)
{
  float max = x[0];
  double sum = 0.0;
  float log_sum;

  for (int i = 1; i < n; i++)
    if (x[i] > max)
      max = x[i];
  for (int i = 0; i < n; i++)
    sum += exp ((double) (x[i] - max));
  log_sum = (float) log (sum);
  for (int i = 0; i < n; i++)
    x[i] = x[i] - max - log_sum;
}

static inline float
sigmoid (float x)
{
  return 1.0f / (1.0f + expf (-x));
}

void
as_gru_gates (float       *h,
              const float *gi,
              const float *gh,
              int          hidden)
{
  for (int j = 0; j < hidden; j++)
    {
      float r = sigmoid (gi[j] + gh[j]);
      float z = sigmoid (gi[hidden + j] + gh[hidden + j]);
      float n = tanhf (gi[2 * hidden + j] + r * gh[2 * hidden + j]);
      h[j] = (1.0f - z) * n + z * h[j];
    }
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
    {
      guint pos;

      if (count == k && !(x[i] > values[k - 1]))
        continue;
      pos = count < k ? count++ : k - 1;
      while (pos > 0 && x[i] > values[pos - 1])
        {
          values[pos] = values[pos - 1];
          ids[pos] = ids[pos - 1];
          pos--;
        }
      values[pos] = x[i];
      ids[pos] = i;
    }
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
