/* The figure object: its data (one matrix per panel, the row and column
 * axes), how it is shown (colour map, scale, step, colours, zoom and
 * scroll) and its text. Laid out
 * in as-figure-layout.c, drawn in as-figure-draw.c, hit tested and described
 * in as-figure-hit.c, written to files in as-figure-export.c. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "as-figure-private.h"

static const AsFigureColor light_fg = { 0.12, 0.12, 0.12, 1.0 };
static const AsFigureColor light_bg = { 1.0, 1.0, 1.0, 1.0 };
static const AsFigureColor light_accent = { 0.21, 0.52, 0.89, 1.0 };
static const AsFigureColor light_warning = { 0.75, 0.11, 0.16, 1.0 };

static void
invalidate_layout (AsFigure *self)
{
  self->layout_valid = FALSE;
}

static void
invalidate_metrics (AsFigure *self)
{
  self->metrics_valid = FALSE;
  self->layout_valid = FALSE;
}

static void
invalidate_cells (AsFigure *self)
{
  if (self->cells == NULL)
    return;
  for (guint p = 0; p < _as_figure_n_panels (self); p++)
    g_clear_pointer (&self->cells[p], cairo_surface_destroy);
  g_clear_pointer (&self->cells, g_free);
}

static const AsFigureAxisWords default_row_words = { .noun = N_("row") };
static const AsFigureAxisWords default_column_words = { .noun = N_("column") };

static void
clear_data (AsFigure *self)
{
  invalidate_cells (self);
  g_clear_pointer (&self->weights, g_free);
  g_clear_pointer (&self->row_lengths, g_free);
  g_clear_pointer (&self->row_max, g_free);
  g_clear_pointer (&self->rows, as_figure_axis_free);
  g_clear_pointer (&self->columns, as_figure_axis_free);
  self->n_rows = 0;
  self->n_columns = 0;
  self->n_layers = 1;
  self->n_heads = 1;
  self->max_weight = 0.0f;
  invalidate_metrics (self);
}

AsFigure *
as_figure_new (void)
{
  AsFigure *self = g_new0 (AsFigure, 1);

  self->colormap = AS_COLORMAP_VIRIDIS;
  self->scale = AS_FIGURE_SCALE_ONE;
  self->step = -1;
  self->fg = light_fg;
  self->bg = light_bg;
  self->accent = light_accent;
  self->warning = light_warning;
  self->zoom = 1.0;
  self->view = AS_FIGURE_VIEW_MATRIX;
  self->hover_part = AS_FIGURE_PART_NONE;
  self->hover_row = -1;
  self->hover_column = -1;
  as_figure_set_matrix (self, 0, 0, NULL);

  return self;
}

void
as_figure_free (AsFigure *self)
{
  if (self == NULL)
    return;

  clear_data (self);
  g_clear_object (&self->pango);
  g_clear_pointer (&self->widths, g_hash_table_unref);
  g_free (self->sentence);
  g_free (self->translation);
  g_free (self->subject);
  g_free (self);
}

/* Data */

/* The largest weight of every panel and of each row of each panel, masked
 * cells left out. */
static void
update_max_weight (AsFigure *self)
{
  self->max_weight = 0.0f;
  g_clear_pointer (&self->row_max, g_free);
  self->row_max = g_new0 (float, (gsize) _as_figure_n_panels (self) * MAX (self->n_rows, 1));
  for (guint p = 0; p < _as_figure_n_panels (self); p++)
    {
      const float *weights = _as_figure_panel_weights (self, p);

      for (guint r = 0; r < self->n_rows; r++)
        {
          float top = 0.0f;

          for (guint c = 0; c < _as_figure_row_length (self, r); c++)
            top = MAX (top, weights[(gsize) r * self->n_columns + c]);
          self->row_max[(gsize) p * self->n_rows + r] = top;
          self->max_weight = MAX (self->max_weight, top);
        }
    }
}

void
as_figure_set_matrix (AsFigure    *self,
                      guint        n_rows,
                      guint        n_columns,
                      const float *weights)
{
  as_figure_set_panels (self, 1, 1, n_rows, n_columns, weights);
}

void
as_figure_set_panels (AsFigure    *self,
                      guint        n_layers,
                      guint        n_heads,
                      guint        n_rows,
                      guint        n_columns,
                      const float *weights)
{
  gsize panel_size, size;

  g_return_if_fail (self != NULL);
  g_return_if_fail (n_layers > 0 && n_heads > 0);
  g_return_if_fail (weights != NULL || n_rows == 0 || n_columns == 0);

  clear_data (self);

  self->n_rows = n_columns > 0 ? n_rows : 0;
  self->n_columns = n_columns;
  self->n_layers = n_layers;
  self->n_heads = n_heads;
  panel_size = (gsize) self->n_rows * n_columns;
  size = panel_size * n_layers * n_heads;
  self->weights = g_new0 (float, MAX (size, 1));
  /* panel by panel: @weights is (n_layers, n_heads, n_rows, n_columns) */
  if (panel_size > 0)
    memcpy (self->weights, weights, sizeof (float) * size);

  for (gsize i = 0; i < size; i++)
    if (!isfinite (self->weights[i]))
      self->weights[i] = 0.0f;
  update_max_weight (self);

  self->rows = as_figure_axis_new (self->n_rows, &default_row_words);
  self->columns = as_figure_axis_new (n_columns, &default_column_words);
  for (guint c = 0; c < n_columns; c++)
    {
      g_autofree char *number = g_strdup_printf ("%u", c + 1);

      as_figure_axis_set_label (self->columns, c, number);
    }

  if (self->step >= (int) self->n_rows)
    self->step = (int) self->n_rows - 1;
}

void
as_figure_set_row_lengths (AsFigure    *self,
                           const guint *lengths)
{
  gboolean masked = FALSE;

  g_return_if_fail (self != NULL);

  for (guint r = 0; lengths != NULL && r < self->n_rows; r++)
    masked |= lengths[r] < self->n_columns;

  if (!masked && self->row_lengths == NULL)
    return;

  g_clear_pointer (&self->row_lengths, g_free);
  if (masked)
    {
      self->row_lengths = g_new (guint, self->n_rows);
      for (guint r = 0; r < self->n_rows; r++)
        self->row_lengths[r] = MIN (lengths[r], self->n_columns);
    }

  update_max_weight (self);
  invalidate_cells (self);
  invalidate_metrics (self);
}

guint
as_figure_get_row_length (AsFigure *self,
                          guint     row)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (row < self->n_rows, 0);
  return _as_figure_row_length (self, row);
}

gboolean
as_figure_is_masked (AsFigure *self,
                     guint     row,
                     guint     column)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (row < self->n_rows && column < self->n_columns, FALSE);
  return column >= _as_figure_row_length (self, row);
}

void
as_figure_set_axes (AsFigure           *self,
                    const AsFigureAxis *rows,
                    const AsFigureAxis *columns)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (rows == NULL || as_figure_axis_get_n (rows) == self->n_rows);
  g_return_if_fail (columns == NULL || as_figure_axis_get_n (columns) == self->n_columns);

  if (rows != NULL)
    {
      as_figure_axis_free (self->rows);
      self->rows = as_figure_axis_copy (rows);
    }
  if (columns != NULL)
    {
      as_figure_axis_free (self->columns);
      self->columns = as_figure_axis_copy (columns);
    }

  invalidate_metrics (self);
}

const AsFigureAxis *
as_figure_get_row_axis (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->rows;
}

const AsFigureAxis *
as_figure_get_column_axis (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->columns;
}

void
as_figure_set_text (AsFigure   *self,
                    const char *sentence,
                    const char *translation)
{
  g_return_if_fail (self != NULL);

  g_free (self->sentence);
  g_free (self->translation);
  self->sentence = g_strdup (sentence);
  self->translation = g_strdup (translation);
}

void
as_figure_set_subject (AsFigure   *self,
                       const char *subject)
{
  g_return_if_fail (self != NULL);

  if (g_strcmp0 (self->subject, subject) == 0)
    return;

  g_free (self->subject);
  self->subject = g_strdup (subject);
  invalidate_layout (self);
}

void
as_figure_set_languages (AsFigure   *self,
                         const char *row_language,
                         const char *column_language)
{
  PangoLanguage *rows, *columns;

  g_return_if_fail (self != NULL);

  rows = row_language != NULL ? pango_language_from_string (row_language) : NULL;
  columns = column_language != NULL ? pango_language_from_string (column_language) : NULL;
  if (rows == self->row_language && columns == self->column_language)
    return;

  /* PangoLanguages live as long as the program: no copies to free */
  self->row_language = rows;
  self->column_language = columns;
  invalidate_layout (self);
}

void
as_figure_set_text_languages (AsFigure   *self,
                              const char *sentence_language,
                              const char *translation_language)
{
  g_return_if_fail (self != NULL);

  self->sentence_language = sentence_language != NULL ? pango_language_from_string (sentence_language) : NULL;
  self->translation_language = translation_language != NULL ? pango_language_from_string (translation_language) : NULL;
  invalidate_layout (self);
}

static void
insert_language (PangoAttrList *attrs,
                 PangoLanguage *language,
                 guint          start,
                 guint          end)
{
  PangoAttribute *attr;

  if (language == NULL)
    return;
  attr = pango_attr_language_new (language);
  attr->start_index = start;
  attr->end_index = end;
  pango_attr_list_insert (attrs, attr);
}

void
_as_figure_set_title_languages (AsFigure    *self,
                                PangoLayout *title)
{
  PangoAttrList *attrs;
  guint sentence_end, translation_start;

  if (self->sentence == NULL || (self->sentence_language == NULL && self->translation_language == NULL))
    return;
  /* as _as_figure_title_text writes it: "sentence  →  translation" */
  sentence_end = strlen (self->sentence);
  translation_start = sentence_end + strlen ("  →  ");
  attrs = pango_attr_list_new ();
  insert_language (attrs, self->sentence_language, 0, sentence_end);
  insert_language (attrs, self->translation_language, translation_start, G_MAXUINT);
  pango_layout_set_attributes (title, attrs);
  pango_attr_list_unref (attrs);
}

const char *
as_figure_get_row_language (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->row_language != NULL ? pango_language_to_string (self->row_language) : NULL;
}

const char *
as_figure_get_column_language (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->column_language != NULL ? pango_language_to_string (self->column_language) : NULL;
}

void
_as_figure_set_axis_language (AsFigure           *self,
                              PangoLayout        *layout,
                              const AsFigureAxis *axis)
{
  PangoLanguage *language = axis == self->rows ? self->row_language : self->column_language;
  PangoAttrList *attrs;

  if (language == NULL)
    return;
  attrs = pango_layout_get_attributes (layout);
  attrs = attrs != NULL ? pango_attr_list_copy (attrs) : pango_attr_list_new ();
  pango_attr_list_insert_before (attrs, pango_attr_language_new (language));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
}

const char *
as_figure_get_subject (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->subject;
}

guint
as_figure_get_n_rows (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_rows;
}

guint
as_figure_get_n_columns (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_columns;
}

float
as_figure_get_weight (AsFigure *self,
                      guint     row,
                      guint     column)
{
  return as_figure_get_panel_weight (self, 0, row, column);
}

guint
_as_figure_n_panels (AsFigure *self)
{
  return self->n_layers * self->n_heads;
}

guint
as_figure_get_n_panels (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, 1);
  return _as_figure_n_panels (self);
}

void
as_figure_get_panel_grid (AsFigure *self,
                          guint    *n_layers,
                          guint    *n_heads)
{
  g_return_if_fail (self != NULL);

  if (n_layers != NULL)
    *n_layers = self->n_layers;
  if (n_heads != NULL)
    *n_heads = self->n_heads;
}

const float *
_as_figure_panel_weights (AsFigure *self,
                          guint     panel)
{
  return self->weights + (gsize) panel * self->n_rows * self->n_columns;
}

float
as_figure_get_panel_weight (AsFigure *self,
                            guint     panel,
                            guint     row,
                            guint     column)
{
  g_return_val_if_fail (self != NULL, 0.0f);
  g_return_val_if_fail (panel < _as_figure_n_panels (self), 0.0f);
  g_return_val_if_fail (row < self->n_rows && column < self->n_columns, 0.0f);

  return _as_figure_panel_weights (self, panel)[(gsize) row * self->n_columns + column];
}

const char *
as_figure_get_column_label (AsFigure *self,
                            guint     column)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (column < self->n_columns, NULL);
  return as_figure_axis_get_label (self->columns, column);
}

gboolean
as_figure_get_column_unknown (AsFigure *self,
                              guint     column)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (column < self->n_columns, FALSE);
  return (as_figure_axis_get_marks (self->columns, column) & AS_FIGURE_MARK_UNKNOWN) != 0;
}

const char *
as_figure_get_row_input (AsFigure *self,
                         guint     row)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (row < self->n_rows, NULL);
  return as_figure_axis_get_input (self->rows, row);
}

const char *
as_figure_get_row_output (AsFigure *self,
                          guint     row)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (row < self->n_rows, NULL);
  return as_figure_axis_get_label (self->rows, row);
}

/* Appearance */

void
as_figure_set_colormap (AsFigure  *self,
                        AsColormap colormap)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail ((guint) colormap < AS_N_COLORMAPS);

  if (self->colormap == colormap)
    return;

  self->colormap = colormap;
  invalidate_cells (self);
}

AsColormap
as_figure_get_colormap (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, AS_COLORMAP_VIRIDIS);
  return self->colormap;
}

void
as_figure_set_scale (AsFigure     *self,
                     AsFigureScale scale)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail ((guint) scale < AS_FIGURE_N_SCALES);

  if (self->scale == scale)
    return;

  self->scale = scale;
  invalidate_cells (self);
  invalidate_metrics (self);
}

AsFigureScale
as_figure_get_scale (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, AS_FIGURE_SCALE_ONE);
  return self->scale;
}

static const char *const scale_names[AS_FIGURE_N_SCALES] = { "one", "max", "row", "log" };

gboolean
as_figure_scale_from_name (const char    *name,
                           AsFigureScale *scale)
{
  for (guint i = 0; i < AS_FIGURE_N_SCALES; i++)
    if (g_strcmp0 (name, scale_names[i]) == 0)
      {
        *scale = (AsFigureScale) i;
        return TRUE;
      }
  return FALSE;
}

const char *
as_figure_scale_to_name (AsFigureScale scale)
{
  g_return_val_if_fail ((guint) scale < AS_FIGURE_N_SCALES, NULL);
  return scale_names[scale];
}

void
as_figure_set_diverging (AsFigure *self,
                         gboolean  diverging)
{
  g_return_if_fail (self != NULL);

  diverging = !!diverging;
  if (self->diverging == diverging)
    return;

  self->diverging = diverging;
  invalidate_cells (self);
  invalidate_metrics (self);
}

gboolean
as_figure_get_diverging (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->diverging;
}

void
as_figure_set_step (AsFigure *self,
                    int       step)
{
  g_return_if_fail (self != NULL);

  self->step = step < 0 ? -1 : MIN (step, (int) self->n_rows - 1);
}

int
as_figure_get_step (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->step;
}

void
as_figure_set_colors (AsFigure            *self,
                      const AsFigureColor *foreground,
                      const AsFigureColor *background,
                      const AsFigureColor *accent,
                      const AsFigureColor *warning)
{
  g_return_if_fail (self != NULL);

  if (foreground != NULL)
    self->fg = *foreground;
  if (background != NULL)
    self->bg = *background;
  if (accent != NULL)
    self->accent = *accent;
  if (warning != NULL)
    self->warning = *warning;
}

void
as_figure_get_colors (AsFigure      *self,
                      AsFigureColor *foreground,
                      AsFigureColor *background,
                      AsFigureColor *accent,
                      AsFigureColor *warning)
{
  g_return_if_fail (self != NULL);

  if (foreground != NULL)
    *foreground = self->fg;
  if (background != NULL)
    *background = self->bg;
  if (accent != NULL)
    *accent = self->accent;
  if (warning != NULL)
    *warning = self->warning;
}

void
as_figure_set_view (AsFigure     *self,
                    AsFigureView  view)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (view == AS_FIGURE_VIEW_MATRIX || view == AS_FIGURE_VIEW_LINES);

  if (self->view == view)
    return;

  self->view = view;
  invalidate_layout (self);
}

AsFigureView
as_figure_get_view (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, AS_FIGURE_VIEW_MATRIX);
  return self->view;
}

gboolean
_as_figure_shows_lines (AsFigure *self)
{
  return self->view == AS_FIGURE_VIEW_LINES && self->n_columns > 0;
}

void
as_figure_set_hover (AsFigure     *self,
                     AsFigurePart  part,
                     int           row,
                     int           column)
{
  g_return_if_fail (self != NULL);

  self->hover_part = part;
  self->hover_row = part == AS_FIGURE_PART_ROW_LABEL || part == AS_FIGURE_PART_CELL ? row : -1;
  self->hover_column = part == AS_FIGURE_PART_COLUMN_LABEL || part == AS_FIGURE_PART_CELL ? column : -1;
  if ((part == AS_FIGURE_PART_ROW_LABEL || part == AS_FIGURE_PART_CELL) && self->hover_row < 0)
    self->hover_part = AS_FIGURE_PART_NONE;
  if ((part == AS_FIGURE_PART_COLUMN_LABEL || part == AS_FIGURE_PART_CELL) && self->hover_column < 0)
    self->hover_part = AS_FIGURE_PART_NONE;
}

void
as_figure_set_min_cell (AsFigure *self,
                        double    min_cell)
{
  g_return_if_fail (self != NULL);

  min_cell = MAX (min_cell, 0.0);
  if (self->min_cell == min_cell)
    return;

  self->min_cell = min_cell;
  invalidate_layout (self);
}

void
as_figure_set_zoom (AsFigure *self,
                    double    zoom)
{
  g_return_if_fail (self != NULL);

  zoom = CLAMP (zoom, 1.0, 64.0);
  if (self->zoom == zoom)
    return;

  self->zoom = zoom;
  invalidate_layout (self);
}

double
as_figure_get_zoom (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, 1.0);
  return self->zoom;
}

void
as_figure_set_scroll (AsFigure *self,
                      double    x,
                      double    y)
{
  g_return_if_fail (self != NULL);

  if (self->scroll_x == x && self->scroll_y == y)
    return;

  self->scroll_x = x;
  self->scroll_y = y;
  invalidate_layout (self);
}

/* Colours */

/* The weight at @fraction (0..1) of the colour bar, bottom to top. */
double
_as_figure_bar_value (AsFigure *self,
                      double    fraction)
{
  return as_figure_scale_value (self, fraction);
}

/* The colour at @position (0..1) of the colour bar: the colour map's, or
 * for a difference the diverging map's, -1 at the bottom to 1 at the top. */
void
_as_figure_position_color (AsFigure *self,
                           double    position,
                           double   *r,
                           double   *g,
                           double   *b)
{
  if (self->diverging)
    as_colormap_diverging_lookup (2.0 * position - 1.0, r, g, b);
  else
    as_colormap_lookup (self->colormap, position, r, g, b);
}

/* The top of a linear scale: 1, or the largest weight. */
double
_as_figure_scale_max (AsFigure *self)
{
  if (self->diverging)
    return 1.0;
  if (self->scale == AS_FIGURE_SCALE_MAX && self->max_weight > 0.0f)
    return self->max_weight;
  return 1.0;
}

/* The logarithmic scale's top, as a power of ten: the one at or above the
 * largest weight (0 for attention: 10^0 = 1); its bottom is
 * AS_FIGURE_LOG_DECADES below. */
static int
log_top (AsFigure *self)
{
  if (!(self->max_weight > 0.0f))
    return 0;
  return (int) ceil (log10 (self->max_weight) - 1e-9);
}

double
as_figure_scale_position (AsFigure *self,
                          double    value)
{
  double v;

  g_return_val_if_fail (self != NULL, 0.0);

  if (self->diverging)
    v = (value + 1.0) / 2.0;   /* a difference: -1 to 1, 0 in the middle */
  else if (self->scale == AS_FIGURE_SCALE_LOG)
    {
      int top = log_top (self);

      if (!(value > 0.0))
        return 0.0;
      v = (log10 (value) - (top - AS_FIGURE_LOG_DECADES)) / AS_FIGURE_LOG_DECADES;
    }
  else
    v = value / _as_figure_scale_max (self);

  /* NaN as 0, as the colour map takes it */
  if (!(v > 0.0))
    return 0.0;
  return MIN (v, 1.0);
}

double
as_figure_scale_value (AsFigure *self,
                       double    position)
{
  g_return_val_if_fail (self != NULL, 0.0);

  position = CLAMP (position, 0.0, 1.0);
  if (self->diverging)
    return 2.0 * position - 1.0;
  if (self->scale == AS_FIGURE_SCALE_LOG)
    return pow (10.0, log_top (self) - AS_FIGURE_LOG_DECADES * (1.0 - position));
  return _as_figure_scale_max (self) * position;
}

double
as_figure_cell_position (AsFigure *self,
                         guint     panel,
                         guint     row,
                         guint     column)
{
  g_return_val_if_fail (self != NULL, 0.0);
  g_return_val_if_fail (panel < _as_figure_n_panels (self), 0.0);
  g_return_val_if_fail (row < self->n_rows && column < self->n_columns, 0.0);

  return as_figure_scale_position (self, _as_figure_cell_value (self, panel, row,
                                                                _as_figure_panel_weights (self, panel)
                                                                [(gsize) row * self->n_columns + column]));
}

void
as_figure_cell_color (AsFigure *self,
                      guint     panel,
                      guint     row,
                      guint     column,
                      double   *r,
                      double   *g,
                      double   *b)
{
  g_return_if_fail (self != NULL);

  _as_figure_position_color (self, as_figure_cell_position (self, panel, row, column), r, g, b);
}

/* @weight of row @row of @panel as the scale takes it: under
 * AS_FIGURE_SCALE_ROW, its share of the row's largest (0 in a row of
 * zeros); else itself. */
double
_as_figure_cell_value (AsFigure *self,
                       guint     panel,
                       guint     row,
                       float     weight)
{
  float top;

  if (self->scale != AS_FIGURE_SCALE_ROW || self->diverging)
    return weight;
  top = self->row_max[(gsize) panel * self->n_rows + row];
  return top > 0.0f ? weight / top : 0.0;
}

guint
as_figure_get_bar_ticks (AsFigure *self,
                         double   *positions,
                         double   *values)
{
  guint n = self->scale == AS_FIGURE_SCALE_LOG && !self->diverging ? AS_FIGURE_LOG_DECADES + 1 : 3;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < n; i++)
    {
      double position = (double) i / (n - 1);

      if (positions != NULL)
        positions[i] = position;
      if (values != NULL)
        values[i] = self->scale == AS_FIGURE_SCALE_LOG
                    ? pow (10.0, log_top (self) - AS_FIGURE_LOG_DECADES + (int) i)
                    : as_figure_scale_value (self, position);
    }
  return n;
}

const char *
as_figure_get_scale_caption (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  switch (self->scale)
    {
    case AS_FIGURE_SCALE_ROW:
      /* Translators: beside the colour bar: its ticks are shares of each row's largest weight */
      return _("per row");
    case AS_FIGURE_SCALE_LOG:
      /* Translators: beside the colour bar: its ticks are powers of ten */
      return _("log scale");
    case AS_FIGURE_SCALE_ONE:
    case AS_FIGURE_SCALE_MAX:
    default:
      return NULL;
    }
}

char *
as_figure_describe_bar_value (AsFigure *self,
                              double    value)
{
  char buffer[32];

  g_return_val_if_fail (self != NULL, NULL);

  if (self->scale == AS_FIGURE_SCALE_LOG && value < 0.0005)
    g_snprintf (buffer, sizeof buffer, "%.2g", value);
  else
    as_figure_format_value (value, buffer, sizeof buffer);
  if (self->scale == AS_FIGURE_SCALE_ROW)
    /* Translators: hovering the colour bar under per-row scaling: "0.420 of its row's largest weight" */
    return g_strdup_printf (_("%s of its row's largest weight"), buffer);
  /* Translators: hovering the colour bar: "weight 0.420" */
  return g_strdup_printf (_("weight %s"), buffer);
}

void
as_figure_format_value (double  value,
                        char   *buffer,
                        gsize   size)
{
  /* three decimals, and never a rounded 1 or 0 for what is neither */
  if (!(value > 0.0) && value > -0.0005)
    g_snprintf (buffer, size, "0");
  else if (value >= 1.0 && value < 1.0005)
    g_snprintf (buffer, size, "1");
  else if (value > 0.0 && value < 0.0005)
    g_snprintf (buffer, size, "<0.001");
  else if (value >= 0.9995 && value < 1.0)
    g_snprintf (buffer, size, ">0.999");
  else
    g_snprintf (buffer, size, "%.3f", value);
}

void
as_figure_weight_color (AsFigure *self,
                        float     weight,
                        double   *r,
                        double   *g,
                        double   *b)
{
  g_return_if_fail (self != NULL);

  _as_figure_position_color (self, as_figure_scale_position (self, weight), r, g, b);
}


/* Text */

char *
as_figure_dup_title (AsFigure *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return _as_figure_title_text (self);
}

/* The first line: "sentence → translation". */
char *
_as_figure_title_text (AsFigure *self)
{
  if (self->sentence != NULL)
    return g_strdup_printf ("%s  →  %s", self->sentence,
                            self->translation != NULL ? self->translation : "");
  if (self->n_columns == 0)
    return g_strdup (_("Type a sentence to see where the model looks"));
  /* Translators: the figure's title before there is a sentence */
  return g_strdup (_("Attention"));
}

char *
_as_figure_panel_caption (AsFigure *self,
                          guint     panel)
{
  /* Translators: a panel's caption in the grid of all layers and heads */
  return g_strdup_printf (_("Layer %u · head %u"), panel / self->n_heads, panel % self->n_heads);
}

/* The second line: what is shown, the step, how to read the rows, the
 * unknown-word marker. */
char *
_as_figure_subtitle_text (AsFigure *self)
{
  GString *sub = g_string_new (NULL);
  const AsFigureAxisWords *words = as_figure_axis_get_words (self->rows);

  if (self->subject != NULL)
    g_string_append (sub, self->subject);
  if (self->n_rows > 0)
    {
      if (sub->len > 0)
        g_string_append (sub, "   ·   ");
      if (self->step < 0)
        {
          g_autofree char *steps = _as_figure_axis_noun (self->rows, TRUE, FALSE, TRUE);

          /* Translators: the number of rows and their noun, in plural: "All 7 steps" */
          g_string_append_printf (sub, _("All %u %s"), self->n_rows, steps);
        }
      else
        {
          g_autofree char *step = _as_figure_axis_noun (self->rows, TRUE, TRUE, FALSE);
          g_autofree char *entry = _as_figure_axis_entry_text (self->rows, (guint) self->step);

          g_string_append_printf (sub, _("%s %d of %u"), step, self->step + 1, self->n_rows);
          if (*entry != '\0')
            {
              g_string_append (sub, _(": "));
              g_string_append (sub, entry);
            }
        }
      if (words->legend != NULL)
        {
          g_string_append (sub, "   ·   ");
          /* Translators: how to read the rows: "rows: token fed in → token that came out" */
          g_string_append_printf (sub, _("rows: %s"), _(words->legend));
        }
    }
  if (as_figure_axis_has_mark (self->rows, AS_FIGURE_MARK_UNKNOWN) ||
      as_figure_axis_has_mark (self->columns, AS_FIGURE_MARK_UNKNOWN))
    {
      g_string_append (sub, "   ·   ");
      /* Translators: the key to the "?" after an unknown word */
      g_string_append (sub, _("? not in the vocabulary"));
    }

  return g_string_free (sub, FALSE);
}
