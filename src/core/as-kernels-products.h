/* The small matrix products of as-kernels.c on packed weights (AsPacked:
 * rows in panels of 16, column after column), written with GCC's vectors of
 * 16 floats. as-kernels.c includes this file three times: for AVX-512 (a
 * vector is one register), AVX2 (two) and the baseline (four), with a tile
 * of TILE_M rows of X by TILE_Q panels that fits each one's registers.
 * Every output is summed the same way whatever the tile and the level:
 * acc = 0, then acc = acc + w[k] * x[k] for k = 0, 1, ..., cols - 1 (no
 * FMA: ISO C does not contract), then acc + b. So all give the same bits,
 * for any number of rows of X. VARIANT (name) names this inclusion's
 * functions; gru8 is the lane function of as-kernels-lanes.h to use, and
 * GRU16, where defined, the same on 16 lanes (AVX-512). */

#define packed_tile        VARIANT (packed_tile)
#define packed_block       VARIANT (packed_block)
#define matmul_packed      VARIANT (matmul_packed)
#define gru_step_packed    VARIANT (gru_step_packed)
#define load8              VARIANT (load8)
#define load16             VARIANT (load16)
#define gates16            VARIANT (gates16)

INLINE v16f
load16 (const float *x)
{
  v16f v;

  memcpy (&v, x, sizeof v);
  return v;
}

INLINE v8f
load8 (const float *x)
{
  v8f v;

  memcpy (&v, x, sizeof v);
  return v;
}

/* out (m, 16 q) = X (m, cols) @ q panels [+ b (16 q), where b is not NULL]: panel j starts at
 * w + (j % qa) * stride_a + (j / qa) * stride_b, its column k at
 * + k * ld_k. Only the first @valid lanes of the last panel are written
 * (and the b read). */
INLINE void
packed_tile (float       *out,
             gsize        ld_out,
             const float *x,
             gsize        ld_x,
             const float *w,
             gsize        stride_a,
             gsize        stride_b,
             gsize        ld_k,
             gsize        cols,
             const float *b,
             int          valid,
             const int    m,
             const int    q,
             const int    qa)
{
  v16f acc[MAX (TILE_M, 1)][MAX (TILE_Q, 3)];

  for (int i = 0; i < m; i++)
    for (int j = 0; j < q; j++)
      acc[i][j] = (v16f) { 0 };
  for (gsize k = 0; k < cols; k++)
    {
      v16f wk[MAX (TILE_Q, 3)];

      for (int j = 0; j < q; j++)
        memcpy (&wk[j], w + (j % qa) * stride_a + (j / qa) * stride_b + k * ld_k, sizeof (v16f));
      for (int i = 0; i < m; i++)
        {
          const float xk = x[i * ld_x + k];
          const v16f xv = { xk, xk, xk, xk, xk, xk, xk, xk, xk, xk, xk, xk, xk, xk, xk, xk };

          for (int j = 0; j < q; j++)
            acc[i][j] = acc[i][j] + wk[j] * xv;
        }
    }
  for (int j = 0; j < q; j++)
    {
      const int lanes = j == q - 1 ? valid : 16;
      v16f bias = { 0 };

      if (b == NULL)
        ;
      else if (lanes == 16)
        memcpy (&bias, b + 16 * j, sizeof bias);
      else
        memcpy (&bias, b + 16 * j, lanes * sizeof (float));
      for (int i = 0; i < m; i++)
        {
          const v16f v = acc[i][j] + bias;

          memcpy (out + i * ld_out + 16 * j, &v, lanes * sizeof (float));
        }
    }
}

/* packed_tile for m rows (1..TILE_M) and q panels (1..TILE_Q), as constants */
static void
packed_block (float       *out,
              gsize        ld_out,
              const float *x,
              gsize        ld_x,
              const float *w,
              gsize        stride,
              gsize        ld_k,
              gsize        cols,
              const float *b,
              int          valid,
              int          m,
              int          q)
{
#define TILE(M, Q) \
  if (m == (M) && q == (Q)) \
    { \
      packed_tile (out, ld_out, x, ld_x, w, stride, 0, ld_k, cols, b, valid, (M), (Q), (Q)); \
      return; \
    }
#if TILE_M >= 1 && TILE_Q >= 1
  TILE (1, 1)
#endif
#if TILE_M >= 2 && TILE_Q >= 1
  TILE (2, 1)
#endif
#if TILE_M >= 3 && TILE_Q >= 1
  TILE (3, 1)
#endif
#if TILE_M >= 4 && TILE_Q >= 1
  TILE (4, 1)
#endif
#if TILE_M >= 5 && TILE_Q >= 1
  TILE (5, 1)
#endif
#if TILE_M >= 6 && TILE_Q >= 1
  TILE (6, 1)
#endif
#if TILE_M >= 1 && TILE_Q >= 2
  TILE (1, 2)
#endif
#if TILE_M >= 2 && TILE_Q >= 2
  TILE (2, 2)
#endif
#if TILE_M >= 3 && TILE_Q >= 2
  TILE (3, 2)
#endif
#if TILE_M >= 4 && TILE_Q >= 2
  TILE (4, 2)
#endif
#if TILE_M >= 5 && TILE_Q >= 2
  TILE (5, 2)
#endif
#if TILE_M >= 6 && TILE_Q >= 2
  TILE (6, 2)
#endif
#undef TILE
  g_assert_not_reached ();
}

static void
matmul_packed (float          *out,
               const float    *x,
               const AsPacked *w,
               const float    *b,
               int             n)
{
  const gsize cols = w->cols, ld_k = 16 * (gsize) w->groups, panel = cols * ld_k;
  const gsize ld_out = (gsize) w->groups * w->rows;

  for (int p = 0; p < w->panels; p += TILE_Q)
    for (int g = 0; g < w->groups; g++)
      {
        const int q = MIN (TILE_Q, w->panels - p);
        const int first = g * w->rows + 16 * p;
        const int valid = MIN (16, w->rows - 16 * (p + q - 1));
        const float *wp = w->data + p * panel + 16 * g;

        for (int i = 0; i < n; i += TILE_M)
          packed_block (out + (gsize) i * ld_out + first, ld_out, x + (gsize) i * cols, cols,
                        wp, panel, ld_k, cols, b != NULL ? b + first : NULL, valid, MIN (TILE_M, n - i), q);
      }
}

/* The gates of as_gru_gates () for 16 units: h_new (valid) from gi, gh
 * (16 r, 16 z, 16 n each) and h (16) */
INLINE void
gates16 (float       *h_new,
         const float *gi,
         const float *gh,
         const float *h,
         int          valid)
{
#ifdef GRU16
  v16f v = GRU16 (load16 (gi), load16 (gi + 16), load16 (gi + 32),
                  load16 (gh), load16 (gh + 16), load16 (gh + 32), load16 (h));

  memcpy (h_new, &v, valid * sizeof (float));
#else
  for (int half = 0; half < 16 && half < valid; half += LANES)
    {
      float out[LANES];
      v8f v = gru8 (load8 (gi + half), load8 (gi + 16 + half), load8 (gi + 32 + half),
                    load8 (gh + half), load8 (gh + 16 + half), load8 (gh + 32 + half),
                    load8 (h + half));

      memcpy (out, &v, sizeof v);
      memcpy (h_new + half, out, MIN (LANES, valid - half) * sizeof (float));
    }
#endif
}

/* One GRU step, the recurrent product and the gates in one pass over 16
 * hidden units at a time: gh = W_hh h + b_hh for their r, z and n rows
 * (the panels of the three groups, side by side: one stream), then h_new
 * from gi, gh and h, as gru_gates. @h_new and @h do not overlap. */
static void
gru_step_packed (float          *h_new,
                 const float    *h,
                 const float    *gi,
                 const AsPacked *w_hh,
                 const float    *b_hh,
                 int             hidden)
{
  const gsize H = hidden, cols = w_hh->cols, panel = cols * 48;

  for (int p = 0; p < w_hh->panels; p++)
    {
      const gsize j = 16 * (gsize) p;
      const int valid = MIN (16, hidden - (int) j);
      /* 16 r, 16 z, 16 n */
      float gh[48], a[48] = { 0 }, b[48] = { 0 }, old[16] = { 0 };

      for (int t = 0; t < 3; t++)
        {
          memcpy (b + 16 * t, b_hh + t * H + j, valid * sizeof (float));
          memcpy (a + 16 * t, gi + t * H + j, valid * sizeof (float));
        }
      memcpy (old, h + j, valid * sizeof (float));
      packed_tile (gh, 0, h, 0, w_hh->data + p * panel, 16, 0, 48, cols, b, 16, 1, 3, 3);
      gates16 (h_new + j, a, gh, old, valid);
    }
}

#undef packed_tile
#undef packed_block
#undef matmul_packed
#undef gru_step_packed
#undef load8
#undef load16
#undef gates16
