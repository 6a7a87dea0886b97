/* Comparing figures: a copy that stays (the pinned view), the difference of
 * two figures over the same axes, and a pair side by side, drawn by the
 * figure's own drawing once per half. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "as-figure-compare.h"
#include "as-figure-private.h"

/* Copies */

static gsize
n_weights (AsFigure *self)
{
  return (gsize) _as_figure_n_panels (self) * self->n_rows * self->n_columns;
}

void
as_figure_copy_into (AsFigure *self,
                     AsFigure *source)
{
  PangoContext *pango;
  GHashTable *widths;

  g_return_if_fail (self != NULL);
  g_return_if_fail (source != NULL);

  if (self == source)
    return;

  /* what @self has of its own: its data, freed; its caches of measured
   * text, kept (measures do not depend on the data) */
  if (self->cells != NULL)
    {
      for (guint p = 0; p < _as_figure_n_panels (self); p++)
        g_clear_pointer (&self->cells[p], cairo_surface_destroy);
      g_clear_pointer (&self->cells, g_free);
    }
  g_free (self->weights);
  g_free (self->row_lengths);
  g_free (self->row_max);
  as_figure_axis_free (self->rows);
  as_figure_axis_free (self->columns);
  g_free (self->sentence);
  g_free (self->translation);
  g_free (self->subject);
  pango = g_steal_pointer (&self->pango);
  widths = g_steal_pointer (&self->widths);

  /* every field, then new copies of what is pointed to (the languages are
   * pango's, never freed) */
  *self = *source;
  self->weights = g_memdup2 (source->weights, sizeof (float) * MAX (n_weights (source), 1));
  self->row_lengths = source->row_lengths != NULL
                      ? g_memdup2 (source->row_lengths, sizeof (guint) * source->n_rows) : NULL;
  self->row_max = source->row_max != NULL
                  ? g_memdup2 (source->row_max, sizeof (float) * _as_figure_n_panels (source) * MAX (source->n_rows, 1))
                  : NULL;
  self->rows = as_figure_axis_copy (source->rows);
  self->columns = as_figure_axis_copy (source->columns);
  self->sentence = g_strdup (source->sentence);
  self->translation = g_strdup (source->translation);
  self->subject = g_strdup (source->subject);
  self->cells = NULL;
  self->pango = pango;
  self->widths = widths;
  self->metrics_valid = FALSE;
  self->layout_valid = FALSE;
}

AsFigure *
as_figure_copy (AsFigure *self)
{
  AsFigure *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = as_figure_new ();
  as_figure_copy_into (copy, self);
  return copy;
}

/* Axes */

/* Where two axes of the same length differ: the first entry whose label
 * or input differs, or -1. */
static int
first_difference (const AsFigureAxis *a,
                  const AsFigureAxis *b)
{
  guint n = as_figure_axis_get_n (a);

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (as_figure_axis_get_label (a, i), as_figure_axis_get_label (b, i)) != 0 ||
        g_strcmp0 (as_figure_axis_get_input (a, i), as_figure_axis_get_input (b, i)) != 0)
      return (int) i;
  return -1;
}

gboolean
as_figure_same_axes (AsFigure  *a,
                     AsFigure  *b,
                     char     **why)
{
  int i;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (why != NULL)
    *why = NULL;

  if (a->n_rows == 0 || a->n_columns == 0 || b->n_rows == 0 || b->n_columns == 0)
    {
      if (why != NULL)
        *why = g_strdup (_("There is no difference to show: one of the views is empty"));
      return FALSE;
    }
  if (a->n_layers != b->n_layers || a->n_heads != b->n_heads)
    {
      if (why != NULL)
        /* Translators: the difference of two views that are not the same grid of layers and heads */
        *why = g_strdup_printf (_("No difference: one view shows %u × %u panels, the other %u × %u"),
                                a->n_layers, a->n_heads, b->n_layers, b->n_heads);
      return FALSE;
    }
  if (a->n_rows != b->n_rows || a->n_columns != b->n_columns)
    {
      if (why != NULL)
        /* Translators: the difference of two matrices of different sizes: rows x columns of each */
        *why = g_strdup_printf (_("No difference: the matrices differ in size (%u × %u here, %u × %u pinned)"),
                                a->n_rows, a->n_columns, b->n_rows, b->n_columns);
      return FALSE;
    }
  if ((i = first_difference (a->rows, b->rows)) >= 0)
    {
      if (why != NULL)
        /* Translators: the difference of two matrices whose rows are other tokens: the row's number, its
         * token here and in the pinned view */
        *why = g_strdup_printf (_("No difference: row %d is “%s” here and “%s” pinned"), i + 1,
                                as_figure_axis_get_label (a->rows, (guint) i),
                                as_figure_axis_get_label (b->rows, (guint) i));
      return FALSE;
    }
  if ((i = first_difference (a->columns, b->columns)) >= 0)
    {
      if (why != NULL)
        /* Translators: as for a row, of a column */
        *why = g_strdup_printf (_("No difference: column %d is “%s” here and “%s” pinned"), i + 1,
                                as_figure_axis_get_label (a->columns, (guint) i),
                                as_figure_axis_get_label (b->columns, (guint) i));
      return FALSE;
    }
  return TRUE;
}

AsFigure *
as_figure_new_difference (AsFigure  *live,
                          AsFigure  *pinned,
                          char     **why)
{
  AsFigure *difference;
  gsize n;

  g_return_val_if_fail (live != NULL, NULL);
  g_return_val_if_fail (pinned != NULL, NULL);

  if (!as_figure_same_axes (live, pinned, why))
    return NULL;

  difference = as_figure_copy (live);
  n = n_weights (live);
  for (gsize i = 0; i < n; i++)
    difference->weights[i] = live->weights[i] - pinned->weights[i];
  difference->max_weight = 1.0f;
  as_figure_set_diverging (difference, TRUE);
  as_figure_set_view (difference, AS_FIGURE_VIEW_MATRIX);
  /* Translators: what a difference figure shows, at the start of its subtitle */
  as_figure_set_subject (difference, _("Difference: live − pinned (−1 … 1)"));
  return difference;
}

/* Pairs */

void
as_figure_get_pair_rects (double        width,
                          double        height,
                          AsFigureRect *left,
                          AsFigureRect *right)
{
  double half = MAX ((width - AS_FIGURE_PAIR_GAP) / 2.0, 0.0);

  if (left != NULL)
    *left = (AsFigureRect) { 0.0, 0.0, half, height };
  if (right != NULL)
    *right = (AsFigureRect) { width - half, 0.0, half, height };
}

void
as_figure_get_pair_natural_size (AsFigure *left,
                                 AsFigure *right,
                                 int      *width,
                                 int      *height)
{
  int lw, lh, rw, rh;

  g_return_if_fail (left != NULL);
  g_return_if_fail (right != NULL);

  as_figure_get_natural_size (left, &lw, &lh);
  as_figure_get_natural_size (right, &rw, &rh);
  if (width != NULL)
    *width = 2 * MAX (lw, rw) + (int) AS_FIGURE_PAIR_GAP;
  if (height != NULL)
    *height = MAX (lh, rh);
}

/* One half: as on screen (the figure's zoom and scroll), or unzoomed and
 * unscrolled, as an export at the natural size draws a figure. */
static void
draw_half (AsFigure           *self,
           cairo_t            *cr,
           const AsFigureRect *rect,
           gboolean            natural)
{
  cairo_save (cr);
  cairo_translate (cr, rect->x, rect->y);
  cairo_rectangle (cr, 0, 0, rect->width, rect->height);
  cairo_clip (cr);
  _as_figure_draw_for_file (self, cr, rect->width, rect->height, natural);
  cairo_restore (cr);
}

void
_as_figure_draw_pair (AsFigure *left,
                      AsFigure *right,
                      cairo_t  *cr,
                      double    width,
                      double    height,
                      gboolean  natural)
{
  AsFigureRect l, r;

  as_figure_get_pair_rects (width, height, &l, &r);

  /* the gap on the left figure's background, then a faint rule in it */
  cairo_save (cr);
  cairo_set_source_rgba (cr, left->bg.red, left->bg.green, left->bg.blue, left->bg.alpha);
  cairo_rectangle (cr, l.x + l.width, 0, r.x - (l.x + l.width), height);
  cairo_fill (cr);
  cairo_set_source_rgba (cr, left->fg.red, left->fg.green, left->fg.blue, left->fg.alpha * 0.2);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, floor (width / 2.0) + 0.5, MARGIN);
  cairo_line_to (cr, floor (width / 2.0) + 0.5, height - MARGIN);
  cairo_stroke (cr);
  cairo_restore (cr);

  draw_half (left, cr, &l, natural);
  draw_half (right, cr, &r, natural);
}

void
as_figure_draw_pair (AsFigure *left,
                     AsFigure *right,
                     cairo_t  *cr,
                     double    width,
                     double    height)
{
  g_return_if_fail (left != NULL);
  g_return_if_fail (right != NULL);
  g_return_if_fail (cr != NULL);

  _as_figure_draw_pair (left, right, cr, width, height, FALSE);
}
