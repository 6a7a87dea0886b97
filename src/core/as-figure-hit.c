/* What is under a point of the figure, and what a tooltip says about it. */

#include "config.h"

#include <glib/gi18n-lib.h>

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

/* Whether (@x, @y) is on the colour bar, or beside it on its ticks and
 * their labels, within its height. */
static gboolean
in_bar (AsFigure             *self,
        const AsFigureLayout *l,
        double                x,
        double                y)
{
  AsFigureRect area = l->bar;

  if (l->lines || l->bar.height <= 0)
    return FALSE;
  area.width += 6.0 + self->tick_w;
  return in_rect (&area, x, y);
}

/* The panel whose visible cells hold (@x, @y), and where it is. */
static gboolean
panel_under (AsFigure             *self,
             const AsFigureLayout *l,
             double                x,
             double                y,
             guint                *panel,
             AsFigurePanelFrame   *frame)
{
  for (guint p = 0; p < _as_figure_n_panels (self); p++)
    {
      _as_figure_panel_frame (self, l, p, frame);
      if (in_rect (&frame->view, x, y))
        {
          *panel = p;
          return TRUE;
        }
    }
  return FALSE;
}

AsFigurePart
as_figure_hit_test_panel (AsFigure *self,
                          double    width,
                          double    height,
                          double    x,
                          double    y,
                          int      *panel,
                          int      *row,
                          int      *column)
{
  const AsFigureLayout *l;
  AsFigurePanelFrame frame;
  guint hit = 0;
  int r = -1, c = -1;
  AsFigurePart part = AS_FIGURE_PART_NONE;

  g_return_val_if_fail (self != NULL, AS_FIGURE_PART_NONE);

  l = _as_figure_screen_layout (self, width, height);

  if (l->lines)
    {
      /* the lines view: its two lists of tokens */
      if (self->n_rows > 0 && in_rect (&l->right_list, x, y))
        {
          r = interval_index (y, l->right_y0, l->pitch, self->n_rows);
          part = r >= 0 ? AS_FIGURE_PART_ROW_LABEL : AS_FIGURE_PART_NONE;
        }
      else if (in_rect (&l->left_list, x, y))
        {
          c = interval_index (y, l->left_y0, l->pitch, self->n_columns);
          part = c >= 0 ? AS_FIGURE_PART_COLUMN_LABEL : AS_FIGURE_PART_NONE;
        }
    }
  else if (self->n_columns > 0)
    {
      if (self->n_rows > 0 && panel_under (self, l, x, y, &hit, &frame))
        {
          r = interval_index (y, frame.oy, l->cell_h, self->n_rows);
          c = interval_index (x, frame.ox, l->cell_w, self->n_columns);
          if (r >= 0 && c >= 0)
            part = AS_FIGURE_PART_CELL;
        }
      else if (in_rect (&l->column_area, x, y))
        {
          c = interval_index (x, l->ox, l->cell_w, self->n_columns);
          if (c >= 0)
            part = AS_FIGURE_PART_COLUMN_LABEL;
        }
      else if (self->n_rows > 0 && in_rect (&l->row_area, x, y))
        {
          r = interval_index (y, l->oy, l->cell_h, self->n_rows);
          if (r >= 0)
            part = AS_FIGURE_PART_ROW_LABEL;
        }
      else if (in_bar (self, l, x, y))
        part = AS_FIGURE_PART_COLOR_BAR;
    }

  if (part == AS_FIGURE_PART_NONE)
    r = c = -1;
  else if (part == AS_FIGURE_PART_ROW_LABEL)
    c = -1;
  else if (part == AS_FIGURE_PART_COLUMN_LABEL)
    r = -1;
  else if (part == AS_FIGURE_PART_COLOR_BAR)
    r = c = -1;

  if (panel != NULL)
    *panel = part == AS_FIGURE_PART_NONE ? -1 : (int) hit;
  if (row != NULL)
    *row = r;
  if (column != NULL)
    *column = c;

  return part;
}

gboolean
as_figure_get_bar_value (AsFigure *self,
                         double    width,
                         double    height,
                         double    y,
                         double   *value)
{
  const AsFigureLayout *l;

  g_return_val_if_fail (self != NULL, FALSE);

  l = _as_figure_screen_layout (self, width, height);
  if (l->lines || l->bar.height <= 0)
    return FALSE;
  if (value != NULL)
    *value = as_figure_scale_value (self, (l->bar.y + l->bar.height - y) / l->bar.height);
  return TRUE;
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
  return as_figure_hit_test_panel (self, width, height, x, y, NULL, row, column);
}

/* Tooltips */

static const char *
or_default (const char *word,
            const char *fallback)
{
  return word != NULL ? word : fallback;
}

/* In a cell's tooltip: "hungry (not in the vocabulary)", "饿 (fed in: 我)". */
static void
append_entry (GString            *text,
              const AsFigureAxis *axis,
              guint               i)
{
  g_string_append (text, as_figure_axis_get_label (axis, i));
  if (as_figure_axis_get_marks (axis, i) & AS_FIGURE_MARK_UNKNOWN)
    g_string_append (text, _(" (not in the vocabulary)"));
  if (as_figure_axis_has_inputs (axis))
    /* Translators: after a token, the token fed in before it: "饿 (fed in: 我)" */
    g_string_append_printf (text, _(" (%s: %s)"), _(or_default (as_figure_axis_get_words (axis)->input_name, N_("input"))),
                            as_figure_axis_get_input (axis, i));
}

/* Over a label: "fed in 我, came out 饿, probability 0.800", or the label
 * alone, and the line about an unknown word. */
static void
append_about (GString            *text,
              const AsFigureAxis *axis,
              guint               i)
{
  const AsFigureAxisWords *words = as_figure_axis_get_words (axis);
  AsFigureMarks marks = as_figure_axis_get_marks (axis, i);

  if (as_figure_axis_has_inputs (axis))
    /* Translators: "fed in 我, came out 饿": a name, a token, a name, a token */
    g_string_append_printf (text, _("%s %s, %s %s"),
                            _(or_default (words->input_name, N_("input"))), as_figure_axis_get_input (axis, i),
                            _(or_default (words->output_name, N_("output"))), as_figure_axis_get_label (axis, i));
  else
    g_string_append (text, as_figure_axis_get_label (axis, i));
  if (as_figure_axis_has_values (axis))
    /* Translators: after "fed in 我, came out 饿": ", probability 0.800" */
    g_string_append_printf (text, _(", %s %.3f"), _(or_default (words->value_name, N_("value"))),
                            as_figure_axis_get_value (axis, i));
  if (marks & AS_FIGURE_MARK_CHOSEN)
    g_string_append (text, _(" (chosen, not the model's first choice)"));
  if (marks & AS_FIGURE_MARK_UNKNOWN)
    {
      g_string_append_c (text, '\n');
      g_string_append (text, _("Not in the model's vocabulary: read as the unknown token"));
    }
}

static char *
describe_cell (AsFigure    *self,
               const float *weights,
               guint        row,
               guint        column)
{
  g_autofree char *column_name = _as_figure_axis_name (self->columns);
  g_autofree char *row_name = _as_figure_axis_name (self->rows);
  g_autofree char *step = _as_figure_axis_noun (self->rows, TRUE, TRUE, FALSE);
  GString *text = g_string_new (NULL);

  /* Translators: an axis's name before a token: "Source: hungry" */
  g_string_append_printf (text, _("%s: "), column_name);
  append_entry (text, self->columns, column);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("%s: "), row_name);
  append_entry (text, self->rows, row);
  if (column >= _as_figure_row_length (self, row))
    {
      /* "Masked: step 2 does not see target token 4, which comes after it" */
      g_autofree char *counted = _as_figure_axis_noun (self->rows, TRUE, FALSE, FALSE);
      g_autofree char *seen = _as_figure_axis_noun (self->columns, TRUE, FALSE, FALSE);

      g_string_append_c (text, '\n');
      /* Translators: a masked cell: "Masked: step 2 does not see target token 4, which comes after it" */
      g_string_append_printf (text, _("Masked: %s %u does not see %s %u, which comes after it"),
                              counted, row + 1, seen, column + 1);
    }
  else
    {
      g_string_append_c (text, '\n');
      /* Translators: a cell's attention weight */
      g_string_append_printf (text, _("Weight: %.3f"), weights[(gsize) row * self->n_columns + column]);
    }
  g_string_append_c (text, '\n');
  /* Translators: a noun (capitalised where the language has capitals), its
   * number, of how many: "Step 2 of 3", "Source token 3 of 4" */
  g_string_append_printf (text, _("%s %d of %u"), step, (int) row + 1, self->n_rows);

  return g_string_free (text, FALSE);
}

/* A row: what it is, and the column it gave the most weight to. */
static char *
describe_row (AsFigure    *self,
              const float *weights,
              guint        row)
{
  g_autofree char *step = _as_figure_axis_noun (self->rows, TRUE, TRUE, FALSE);
  GString *text = g_string_new (NULL);
  guint best = 0;

  for (guint c = 1; c < _as_figure_row_length (self, row); c++)
    if (weights[(gsize) row * self->n_columns + c] > weights[(gsize) row * self->n_columns + best])
      best = c;

  g_string_append_printf (text, _("%s %d of %u"), step, (int) row + 1, self->n_rows);
  g_string_append (text, _(": "));
  append_about (text, self->rows, row);
  if (_as_figure_row_length (self, row) == 0)
    return g_string_free (text, FALSE);
  g_string_append_c (text, '\n');
  /* Translators: the token a row gave the most weight to, and the weight */
  g_string_append_printf (text, _("Looked most at %s (%.3f)"), as_figure_axis_get_label (self->columns, best),
                          weights[(gsize) row * self->n_columns + best]);

  return g_string_free (text, FALSE);
}

/* A column: what it is, and the row that gave it the most weight. */
static char *
describe_column (AsFigure    *self,
                 const float *weights,
                 guint        column)
{
  g_autofree char *token = _as_figure_axis_noun (self->columns, TRUE, TRUE, FALSE);
  GString *text = g_string_new (NULL);
  guint best = 0;

  g_string_append_printf (text, _("%s %d of %u"), token, (int) column + 1, self->n_columns);
  g_string_append (text, _(": "));
  append_about (text, self->columns, column);
  /* the rows that see the column (a row that does not is masked there) */
  while (best < self->n_rows && column >= _as_figure_row_length (self, best))
    best++;
  if (best < self->n_rows)
    {
      g_autofree char *step = _as_figure_axis_noun (self->rows, TRUE, FALSE, FALSE);

      for (guint r = best + 1; r < self->n_rows; r++)
        if (column < _as_figure_row_length (self, r) &&
            weights[(gsize) r * self->n_columns + column] > weights[(gsize) best * self->n_columns + column])
          best = r;
      g_string_append_c (text, '\n');
      /* Translators: the row that gave a column the most weight: a noun, its
       * number, its token, the weight: "Most attended at step 2 (饿, 0.800)" */
      g_string_append_printf (text, _("Most attended at %s %u (%s, %.3f)"), step, best + 1,
                              as_figure_axis_get_label (self->rows, best),
                              weights[(gsize) best * self->n_columns + column]);
    }

  return g_string_free (text, FALSE);
}

char *
as_figure_describe_panel (AsFigure    *self,
                          AsFigurePart part,
                          int          panel,
                          int          row,
                          int          column)
{
  const float *weights;
  char *text;

  g_return_val_if_fail (self != NULL, NULL);

  if (panel < 0 || panel >= (int) _as_figure_n_panels (self))
    return NULL;
  weights = _as_figure_panel_weights (self, panel);

  switch (part)
    {
    case AS_FIGURE_PART_CELL:
      if (row < 0 || row >= (int) self->n_rows || column < 0 || column >= (int) self->n_columns)
        return NULL;
      text = describe_cell (self, weights, row, column);
      break;

    case AS_FIGURE_PART_ROW_LABEL:
      if (row < 0 || row >= (int) self->n_rows)
        return NULL;
      text = describe_row (self, weights, row);
      break;

    case AS_FIGURE_PART_COLUMN_LABEL:
      if (column < 0 || column >= (int) self->n_columns)
        return NULL;
      text = describe_column (self, weights, column);
      break;

    case AS_FIGURE_PART_COLOR_BAR:  /* as_figure_describe_bar_value() says what is at a height */
    case AS_FIGURE_PART_NONE:
    default:
      return NULL;
    }

  /* which panel of a grid */
  if (_as_figure_n_panels (self) > 1)
    {
      g_autofree char *caption = _as_figure_panel_caption (self, panel);
      char *with_caption = g_strconcat (text, "\n", caption, NULL);

      g_free (text);
      text = with_caption;
    }

  return text;
}

char *
as_figure_describe (AsFigure    *self,
                    AsFigurePart part,
                    int          row,
                    int          column)
{
  return as_figure_describe_panel (self, part, 0, row, column);
}
