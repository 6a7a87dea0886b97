/* What is under a point of the figure, and what a tooltip says about it. */

#include "config.h"

#include <math.h>

#include "as-figure-private.h"

/* Hit testing */

/* The index of the half-open interval [origin + i * size, origin + (i + 1) * size)
 * holding @v, computed so that it agrees exactly with where cells are drawn. */
static int
interval_index (double v,
                double origin,
                double size,
                guint  n)
{
  double i = floor ((v - origin) / size);

  if (origin + i * size > v)
    i -= 1;
  else if (origin + (i + 1) * size <= v)
    i += 1;

  if (i < 0 || i >= n)
    return -1;
  return (int) i;
}

static gboolean
in_rect (const AsFigureRect *r,
         double              x,
         double              y)
{
  return x >= r->x && x < r->x + r->width && y >= r->y && y < r->y + r->height;
}

AsFigurePart
as_figure_hit_test (AsFigure *self,
                    double    width,
                    double    height,
                    double    x,
                    double    y,
                    int      *row,
                    int      *column)
{
  const AsFigureLayout *l;
  int r = -1, c = -1;
  AsFigurePart part = AS_FIGURE_PART_NONE;

  g_return_val_if_fail (self != NULL, AS_FIGURE_PART_NONE);

  l = _as_figure_screen_layout (self, width, height);

  if (self->n_columns > 0)
    {
      if (self->n_rows > 0 && in_rect (&l->grid, x, y))
        {
          r = interval_index (y, l->oy, l->cell, self->n_rows);
          c = interval_index (x, l->ox, l->cell, self->n_columns);
          if (r >= 0 && c >= 0)
            part = AS_FIGURE_PART_CELL;
        }
      else if (in_rect (&l->column_area, x, y))
        {
          c = interval_index (x, l->ox, l->cell, self->n_columns);
          if (c >= 0)
            part = AS_FIGURE_PART_COLUMN_LABEL;
        }
      else if (self->n_rows > 0 && in_rect (&l->row_area, x, y))
        {
          r = interval_index (y, l->oy, l->cell, self->n_rows);
          if (r >= 0)
            part = AS_FIGURE_PART_ROW_LABEL;
        }
    }

  if (part == AS_FIGURE_PART_NONE)
    r = c = -1;
  else if (part == AS_FIGURE_PART_ROW_LABEL)
    c = -1;
  else if (part == AS_FIGURE_PART_COLUMN_LABEL)
    r = -1;

  if (row != NULL)
    *row = r;
  if (column != NULL)
    *column = c;

  return part;
}


/* Tooltips */

static const char *
chosen_note (AsFigure *self,
             guint     row)
{
  return self->row_chosen[row] ? " (chosen, not the model's first choice)" : "";
}

char *
as_figure_describe (AsFigure    *self,
                    AsFigurePart part,
                    int          row,
                    int          column)
{
  g_return_val_if_fail (self != NULL, NULL);

  switch (part)
    {
    case AS_FIGURE_PART_CELL:
      if (row < 0 || row >= (int) self->n_rows || column < 0 || column >= (int) self->n_columns)
        return NULL;
      return g_strdup_printf ("Source: %s%s\n"
                              "Target: %s (fed in: %s)\n"
                              "Weight: %.3f\n"
                              "Step %d of %u",
                              self->column_labels[column],
                              self->column_unknown[column] ? " (not in the vocabulary)" : "",
                              self->row_outputs[row], self->row_inputs[row],
                              self->weights[(gsize) row * self->n_columns + column],
                              row + 1, self->n_rows);

    case AS_FIGURE_PART_ROW_LABEL:
      {
        guint best = 0;
        g_autofree char *prob = NULL;

        if (row < 0 || row >= (int) self->n_rows)
          return NULL;
        for (guint c = 1; c < self->n_columns; c++)
          if (self->weights[(gsize) row * self->n_columns + c] >
              self->weights[(gsize) row * self->n_columns + best])
            best = c;
        prob = self->row_probs != NULL
               ? g_strdup_printf (", probability %.3f", self->row_probs[row])
               : g_strdup ("");
        return g_strdup_printf ("Step %d of %u: fed in %s, came out %s%s%s\n"
                                "Looked most at %s (%.3f)",
                                row + 1, self->n_rows, self->row_inputs[row], self->row_outputs[row],
                                prob, chosen_note (self, row),
                                self->column_labels[best],
                                self->weights[(gsize) row * self->n_columns + best]);
      }

    case AS_FIGURE_PART_COLUMN_LABEL:
      {
        GString *text;
        guint best = 0;

        if (column < 0 || column >= (int) self->n_columns)
          return NULL;
        text = g_string_new (NULL);
        g_string_append_printf (text, "Source token %d of %u: %s",
                                column + 1, self->n_columns, self->column_labels[column]);
        if (self->column_unknown[column])
          g_string_append (text, "\nNot in the model's vocabulary: read as the unknown token");
        if (self->n_rows > 0)
          {
            for (guint r = 1; r < self->n_rows; r++)
              if (self->weights[(gsize) r * self->n_columns + column] >
                  self->weights[(gsize) best * self->n_columns + column])
                best = r;
            g_string_append_printf (text, "\nMost attended at step %u (%s, %.3f)",
                                    best + 1, self->row_outputs[best],
                                    self->weights[(gsize) best * self->n_columns + column]);
          }
        return g_string_free (text, FALSE);
      }

    case AS_FIGURE_PART_NONE:
    default:
      return NULL;
    }
}

