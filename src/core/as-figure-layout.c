/* The figure's metrics (text sizes) and layout: where the title, the cells,
 * the labels and the colour bar go in a given size (or, in the lines view,
 * the two token lists, the lines between them and the legend), and the
 * rectangles that the widget's highlight and the tests ask for. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "as-figure-private.h"

/* Text */

/* @text, or where it is longer than anything the figure shows, its first
 * TEXT_CHARS_MAX characters and an ellipsis in *@cut (to be freed). */
const char *
_as_figure_cut_text (const char  *text,
                     char       **cut)
{
  const char *end = text;

  *cut = NULL;
  for (guint n = 0; n < TEXT_CHARS_MAX && *end != '\0'; n++)
    end = g_utf8_next_char (end);
  if (*end == '\0')
    return text;
  *cut = g_strdup_printf ("%.*s…", (int) (end - text), text);
  return *cut;
}

PangoLayout *
_as_figure_make_layout (AsFigure     *self,
                        PangoContext *context,
                        const char   *text,
                        int           px,
                        PangoWeight   weight,
                        PangoStyle    style)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *font = pango_font_description_new ();
  g_autofree char *cut = NULL;

  pango_font_description_set_family (font, FONT_FAMILY);
  pango_font_description_set_absolute_size (font, px * PANGO_SCALE);
  pango_font_description_set_weight (font, weight);
  pango_font_description_set_style (font, style);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_font_description_free (font);
  pango_layout_set_text (layout, _as_figure_cut_text (text, &cut), -1);

  return layout;
}

static PangoContext *
measuring_context (AsFigure *self)
{
  if (self->pango == NULL)
    {
      PangoFontMap *map = pango_cairo_font_map_get_default ();
      cairo_font_options_t *options = cairo_font_options_create ();

      self->pango = pango_font_map_create_context (map);
      cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
      cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
      pango_cairo_context_set_font_options (self->pango, options);
      cairo_font_options_destroy (options);
    }

  return self->pango;
}

/* The logical width of @text in whole pixels, measured once: a figure's tokens recur
 * (within a matrix and from one sentence to the next). */
static double
text_width (AsFigure   *self,
            const char *text,
            int         px,
            PangoWeight weight)
{
  g_autoptr (PangoLayout) layout = NULL;
  g_autofree char *cut = NULL;
  g_autofree char *key = g_strdup_printf ("%d %d %s", px, (int) weight, _as_figure_cut_text (text, &cut));
  PangoRectangle logical;
  gpointer value;

  if (self->widths == NULL || g_hash_table_size (self->widths) >= WIDTHS_MAX)
    {
      g_clear_pointer (&self->widths, g_hash_table_unref);
      self->widths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }
  if (g_hash_table_lookup_extended (self->widths, key, NULL, &value))
    return GPOINTER_TO_INT (value);

  layout = _as_figure_make_layout (self, measuring_context (self), text, px, weight, PANGO_STYLE_NORMAL);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  g_hash_table_insert (self->widths, g_steal_pointer (&key), GINT_TO_POINTER (logical.width));
  return logical.width;
}

/* The height of a line of text: Latin ascenders and descenders and a CJK
 * glyph; and where its baseline is, from its top. */
static double
text_height (AsFigure   *self,
             int         px,
             PangoWeight weight,
             double     *baseline)
{
  g_autoptr (PangoLayout) layout = _as_figure_make_layout (self, measuring_context (self), "Ag我", px,
                                                weight, PANGO_STYLE_NORMAL);
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  if (baseline != NULL)
    *baseline = (double) pango_layout_get_baseline (layout) / PANGO_SCALE;
  return logical.height;
}

void
_as_figure_format_tick (AsFigure *self,
                        double    value,
                        char     *buffer,
                        gsize     size)
{
  if (value == 0.0)
    g_strlcpy (buffer, "0", size);
  else if (value == 1.0)
    g_strlcpy (buffer, "1", size);
  else
    g_snprintf (buffer, size, "%.2g", value);
}

/* The width of entry @i's label of @axis, its unknown-word mark included. */
static double
label_width (AsFigure           *self,
             const AsFigureAxis *axis,
             guint               i,
             PangoWeight         weight)
{
  double w = text_width (self, as_figure_axis_get_label (axis, i), LABEL_PX, weight);

  if (as_figure_axis_get_marks (axis, i) & AS_FIGURE_MARK_UNKNOWN)
    w += text_width (self, "?", LABEL_PX, PANGO_WEIGHT_BOLD);
  return w;
}

static void
ensure_metrics (AsFigure *self)
{
  gboolean has_inputs = as_figure_axis_has_inputs (self->rows);
  char buffer[32];

  if (self->metrics_valid)
    return;

  self->line_h = ceil (text_height (self, LABEL_PX, PANGO_WEIGHT_NORMAL, &self->baseline));
  self->title_h = ceil (text_height (self, TITLE_PX, PANGO_WEIGHT_BOLD, NULL));
  self->subtitle_h = self->line_h;

  self->column_label_w = 0.0;
  for (guint c = 0; c < self->n_columns && self->column_label_w < LABEL_MAX; c++)
    self->column_label_w = MAX (self->column_label_w,
                                MIN (ceil (label_width (self, self->columns, c, PANGO_WEIGHT_NORMAL)),
                                     LABEL_MAX));

  /* the rows' labels: index, input → label, value */
  g_snprintf (buffer, sizeof buffer, "%u", MAX (self->n_rows, 1));
  self->index_w = ceil (text_width (self, buffer, LABEL_PX, PANGO_WEIGHT_NORMAL));
  self->input_w = 0.0;
  self->output_w = 0.0;
  /* (no more to measure once both columns are as wide as they can be) */
  for (guint r = 0; r < self->n_rows && (self->output_w < ROW_TOKEN_MAX ||
                                         (has_inputs && self->input_w < ROW_TOKEN_MAX)); r++)
    {
      if (has_inputs)
        self->input_w = MAX (self->input_w,
                             MIN (ceil (text_width (self, as_figure_axis_get_input (self->rows, r),
                                                    LABEL_PX, PANGO_WEIGHT_NORMAL)),
                                  ROW_TOKEN_MAX));
      self->output_w = MAX (self->output_w,
                            MIN (ceil (label_width (self, self->rows, r, PANGO_WEIGHT_BOLD)), ROW_TOKEN_MAX));
    }
  self->arrow_w = has_inputs ? ceil (text_width (self, " → ", LABEL_PX, PANGO_WEIGHT_NORMAL)) : 0.0;
  self->prob_w = as_figure_axis_has_values (self->rows)
                 ? ceil (MAX (text_width (self, ">0.999", LABEL_PX, PANGO_WEIGHT_NORMAL),
                              text_width (self, "<0.001", LABEL_PX, PANGO_WEIGHT_NORMAL)))
                 : 0.0;
  self->row_label_w = self->n_rows == 0 ? 0.0
                      : self->index_w + GAP + self->input_w + self->arrow_w + self->output_w +
                        (self->prob_w > 0 ? GAP + self->prob_w : 0.0);

  self->tick_w = 0.0;
  for (int i = 0; i <= 2; i++)
    {
      _as_figure_format_tick (self, _as_figure_bar_value (self, i / 2.0), buffer, sizeof buffer);
      self->tick_w = MAX (self->tick_w, ceil (text_width (self, buffer, LABEL_PX, PANGO_WEIGHT_NORMAL)));
    }

  self->metrics_valid = TRUE;
}


/* Layout */

static double
bar_total_width (AsFigure *self)
{
  if (self->n_rows == 0)
    return 0.0;
  return GAP * 2 + BAR_WIDTH + 4.0 + 2.0 + self->tick_w;
}

/* Cells fill the space they are given, as matplotlib's aspect='auto', but
 * are at most ASPECT_MAX times longer one way than the other (a matrix of
 * one row is not a band of tall stripes); never below @min_cell. */
static void
fit_aspect (double *cell_w,
            double *cell_h,
            double  min_cell)
{
  if (*cell_h > ASPECT_MAX * *cell_w)
    *cell_h = MAX (ASPECT_MAX * *cell_w, min_cell);
  else if (*cell_w > ASPECT_MAX * *cell_h)
    *cell_w = MAX (ASPECT_MAX * *cell_h, min_cell);
}

/* The colour bar's tick labels (0, the middle, the top of the scale), each
 * centred on its tick and kept within the bar's height; a label that would
 * overlap one already placed is left out: the top of the scale first, then
 * 0, then the middle. */
static void
place_bar_labels (AsFigure       *self,
                  AsFigureLayout *l)
{
  static const int order[3] = { 2, 0, 1 };

  for (int k = 0; k < 3; k++)
    {
      int i = order[k];
      double y = l->bar.y + l->bar.height - l->bar.height * i / 2.0;
      AsFigureRect *rect = &l->bar_labels[i];
      gboolean free = TRUE;

      y = CLAMP (y - self->line_h / 2.0, l->bar.y - self->line_h / 2.0,
                 l->bar.y + l->bar.height - self->line_h / 2.0);
      *rect = (AsFigureRect) { l->bar.x + l->bar.width + 6.0, y, self->tick_w, self->line_h };
      for (int j = 0; j < k; j++)
        {
          const AsFigureRect *other = &l->bar_labels[order[j]];

          if (l->bar_label_shown[order[j]] &&
              rect->y < other->y + other->height + 1.0 && other->y < rect->y + rect->height + 1.0)
            free = FALSE;
        }
      l->bar_label_shown[i] = free && l->bar.height > 0;
    }
}

/* A grid of panels, @n_layers rows of @n_heads, shown whole from @top on:
 * each panel's caption above its cells, the colour bar on the right. */
static void
compute_panel_grid (AsFigure       *self,
                    double          width,
                    double          height,
                    double          top,
                    AsFigureLayout *l)
{
  double avail_w, avail_h, cell_w, cell_h, block_w, left;

  l->panel_grid = TRUE;
  l->caption_h = self->line_h + 2.0;

  avail_w = MAX (width - 2 * MARGIN - bar_total_width (self) - (self->n_heads - 1) * PANEL_GAP, 1.0);
  avail_h = MAX (height - top - MARGIN - self->n_layers * l->caption_h - (self->n_layers - 1) * PANEL_GAP, 1.0);
  cell_w = avail_w / ((double) self->n_heads * self->n_columns);
  cell_h = self->n_rows > 0 ? avail_h / ((double) self->n_layers * self->n_rows) : cell_w;
  fit_aspect (&cell_w, &cell_h, 0.0);
  if (cell_w >= SNAP_CELL)
    cell_w = floor (cell_w);
  if (cell_h >= SNAP_CELL)
    cell_h = floor (cell_h);
  l->cell_w = MAX (cell_w, 0.25);
  l->cell_h = MAX (cell_h, 0.25);

  l->grid_w = l->cell_w * self->n_columns;
  l->grid_h = l->cell_h * self->n_rows;
  l->panel_dx = l->grid_w + PANEL_GAP;
  l->panel_dy = l->caption_h + l->grid_h + PANEL_GAP;

  block_w = self->n_heads * l->panel_dx - PANEL_GAP + bar_total_width (self);
  left = floor (MARGIN + MAX (0.0, (width - 2 * MARGIN - block_w) / 2.0));
  l->grid = (AsFigureRect) { left, top, self->n_heads * l->panel_dx - PANEL_GAP,
                             self->n_layers * l->panel_dy - PANEL_GAP };
  l->column_area = (AsFigureRect) { left, top, 0.0, 0.0 };
  l->row_area = (AsFigureRect) { left, top, 0.0, 0.0 };
  l->ox = left;
  l->oy = top + l->caption_h;

  if (self->n_rows > 0)
    l->bar = (AsFigureRect) { l->grid.x + l->grid.width + GAP * 2, l->oy, BAR_WIDTH,
                              MAX (l->grid.height - l->caption_h, MIN (BAR_MIN_HEIGHT, avail_h)) };
  place_bar_labels (self, l);
}

/* The lines view */

double
_as_figure_legend_fraction (guint i)
{
  static const double fractions[LEGEND_N] = { 1.0, 0.5, 0.1 };

  return fractions[MIN (i, LEGEND_N - 1)];
}

/* The legend of the lines view: "weight" over LEGEND_N sample lines, each
 * with its weight. */
static double
legend_width (AsFigure *self)
{
  double w = text_width (self, C_("lines legend", "weight"), LABEL_PX, PANGO_WEIGHT_NORMAL);

  for (guint i = 0; i < LEGEND_N; i++)
    {
      char buffer[32];

      _as_figure_format_tick (self, _as_figure_scale_max (self) * _as_figure_legend_fraction (i),
                              buffer, sizeof buffer);
      w = MAX (w, LEGEND_SAMPLE + 6.0 + text_width (self, buffer, LABEL_PX, PANGO_WEIGHT_NORMAL));
    }
  return ceil (w);
}

static double
legend_height (AsFigure *self)
{
  return (1 + LEGEND_N) * (self->line_h + 2.0);
}

/* Everything right of the lines: the gap, the row tokens, the step's
 * marker, the legend; and left of them: the column tokens and the gap. */
static double
lines_sides_width (AsFigure *self)
{
  double w = self->column_label_w + LINES_GAP;

  if (self->n_rows > 0)
    w += LINES_GAP + self->output_w + STEP_MARKER_W + GAP * 2 + legend_width (self);
  return w;
}

/* The token lists of the lines view: a token every pitch, the longer
 * list's height, the shorter centred against it. */
static double
lines_pitch (AsFigure *self)
{
  return self->line_h + 8.0;
}

/* The lines view from @top down. Column tokens on the left, row tokens on
 * the right, in two vertical lists: a token per line reads 5 to 40 tokens
 * of any length (CJK, long subwords) without turning or eliding the
 * labels, which a row of tokens above and below could not, and the lines
 * run from what was read (source) to what was written (target), as the
 * sentence is translated, left to right. */
static void
compute_lines (AsFigure       *self,
               double          width,
               double          height,
               double          top,
               AsFigureLayout *l)
{
  guint n = MAX (MAX (self->n_rows, self->n_columns), 1);
  double sides = lines_sides_width (self);
  double lines_w = CLAMP (width - 2 * MARGIN - sides, LINES_MIN_W, LINES_MAX_W);
  double left = floor (MARGIN + MAX (0.0, (width - 2 * MARGIN - sides - lines_w) / 2.0));
  double avail_h, list_h, x;

  l->lines = TRUE;
  /* a grid shows its panel 0, under its caption */
  if (_as_figure_n_panels (self) > 1)
    l->caption_h = self->line_h + 2.0;
  top += l->caption_h;

  avail_h = MAX (height - top - MARGIN, 1.0);
  l->pitch = MIN (avail_h / n, 2.0 * self->line_h);
  l->label_every = (guint) MAX (1.0, ceil ((self->line_h - 1.0) / l->pitch));
  l->row_every = l->label_every;
  l->column_every = l->label_every;
  list_h = n * l->pitch;

  l->left_y0 = top + (list_h - self->n_columns * l->pitch) / 2.0;
  l->right_y0 = top + (list_h - self->n_rows * l->pitch) / 2.0;
  l->left_list = (AsFigureRect) { left, l->left_y0, self->column_label_w + LINES_GAP,
                                  self->n_columns * l->pitch };
  x = left + self->column_label_w + LINES_GAP;
  l->grid = (AsFigureRect) { x, top, lines_w, list_h };
  l->ox = l->grid.x;
  l->oy = l->grid.y;
  l->column_area = (AsFigureRect) { left, top, 0.0, 0.0 };
  l->row_area = (AsFigureRect) { left, top, 0.0, 0.0 };

  if (self->n_rows > 0)
    {
      x += lines_w;
      l->right_list = (AsFigureRect) { x, l->right_y0, LINES_GAP + self->output_w + STEP_MARKER_W,
                                       self->n_rows * l->pitch };
      x += l->right_list.width + GAP * 2;
      l->legend = (AsFigureRect) { x, top, legend_width (self), legend_height (self) };
    }
}

void
_as_figure_compute_layout (AsFigure       *self,
                           double          width,
                           double          height,
                           double          zoom,
                           double          min_cell,
                           double          scroll_x,
                           double          scroll_y,
                           AsFigureLayout *l)
{
  double top, avail_w, avail_h, view_w, view_h, block_w, left, bar_h;
  double column_h = 0.0;

  ensure_metrics (self);
  memset (l, 0, sizeof *l);
  l->width = width;
  l->height = height;
  l->column_every = 1;
  l->row_every = 1;

  /* A short figure (a small window) keeps its room for the cells: the
   * subtitle goes first, then the title, when what is left would not show
   * the rows' labels (up to COMPACT_ROWS of them) under the column labels. */
  {
    double need = self->line_h + 4.0 + MIN (MAX (self->n_rows, 1), COMPACT_ROWS) * LABEL_PITCH + MARGIN;

    l->title_lines = 2;
    if (height - (MARGIN + self->title_h + 2.0 + self->subtitle_h + GAP * 2) < need)
      l->title_lines = 1;
    if (l->title_lines == 1 && height - (MARGIN + self->title_h + GAP * 2) < need)
      l->title_lines = 0;
  }
  l->title = (AsFigureRect) { MARGIN, MARGIN, MAX (width - 2 * MARGIN, 0.0),
                              l->title_lines == 2 ? self->title_h + 2.0 + self->subtitle_h
                              : l->title_lines == 1 ? self->title_h : 0.0 };
  top = l->title_lines > 0 ? l->title.y + l->title.height + GAP * 2 : MARGIN;

  if (self->n_columns == 0)
    return;

  if (_as_figure_shows_lines (self))
    {
      compute_lines (self, width, height, top, l);
      return;
    }

  if (_as_figure_n_panels (self) > 1)
    {
      compute_panel_grid (self, width, height, top, l);
      return;
    }

  avail_w = MAX (width - 2 * MARGIN - self->row_label_w - (self->n_rows > 0 ? GAP : 0.0) -
                 bar_total_width (self), 1.0);

  /* Labels horizontal if every one fits in its cell, else turned (and
   * elided past a share of the height); but in a figure too short for a
   * few rows under turned labels, horizontal and elided to their cells
   * (when the cells are wide enough for a few letters): the tooltip and
   * the readout say them whole. The cells fill what is left, zoomed,
   * never below min_cell (what does not fit scrolls). */
  {
    double cell_w[2], cell_h[2], heights[2], lengths[2];
    int rotated;

    for (rotated = 0; rotated <= 1; rotated++)
      {
        /* turned labels take a share of the height, less where the rows
         * would then be too short for their labels */
        lengths[rotated] = rotated
                           ? MIN (self->column_label_w,
                                  MAX (ROTATED_MIN,
                                       MIN (floor ((height - top - MARGIN) * ROTATED_SHARE),
                                            floor (height - top - MARGIN - 8.0 - self->n_rows * LABEL_PITCH))))
                           : self->column_label_w;
        heights[rotated] = rotated ? lengths[rotated] + 8.0 : self->line_h + 4.0;
        avail_h = MAX (height - top - heights[rotated] - MARGIN, 1.0);

        cell_w[rotated] = avail_w / self->n_columns;
        cell_h[rotated] = self->n_rows > 0 ? avail_h / self->n_rows : cell_w[rotated];
        cell_w[rotated] = MAX (cell_w[rotated] * zoom, min_cell);
        cell_h[rotated] = MAX (cell_h[rotated] * zoom, min_cell);
        fit_aspect (&cell_w[rotated], &cell_h[rotated], min_cell);
      }

    if (self->column_label_w + 4.0 <= cell_w[0])
      rotated = 0;
    else if (cell_w[0] >= ELIDED_MIN + 4.0 &&
             height - top - heights[1] - MARGIN < MIN (MAX (self->n_rows, 1), COMPACT_ROWS) * LABEL_PITCH)
      {
        rotated = 0;
        lengths[0] = cell_w[0] - 4.0;
      }
    else
      rotated = 1;

    l->rotate_columns = rotated;
    l->column_label_len = lengths[rotated];
    column_h = heights[rotated];
    l->cell_w = MAX (cell_w[rotated], 0.25);
    l->cell_h = MAX (cell_h[rotated], 0.25);
  }

  avail_h = MAX (height - top - column_h - MARGIN, 1.0);
  l->grid_w = l->cell_w * self->n_columns;
  l->grid_h = l->cell_h * self->n_rows;
  view_w = MIN (l->grid_w, avail_w);
  view_h = MIN (l->grid_h, avail_h);

  block_w = self->row_label_w + (self->n_rows > 0 ? GAP : 0.0) + view_w + bar_total_width (self);
  left = floor (MARGIN + MAX (0.0, (width - 2 * MARGIN - block_w) / 2.0));

  /* the row labels' strip runs up to the grid, gap included */
  l->row_area = (AsFigureRect) { left, top + column_h,
                                 self->row_label_w + (self->n_rows > 0 ? GAP : 0.0), view_h };
  l->grid = (AsFigureRect) { left + self->row_label_w + (self->n_rows > 0 ? GAP : 0.0),
                             top + column_h, view_w, view_h };
  l->column_area = (AsFigureRect) { l->grid.x, top, view_w, column_h };

  /* whole pixels, except at the end of the range, which shows the last
   * row and column whole */
  l->sx = MIN (round (MAX (scroll_x, 0.0)), MAX (l->grid_w - view_w, 0.0));
  l->sy = MIN (round (MAX (scroll_y, 0.0)), MAX (l->grid_h - view_h, 0.0));
  l->ox = l->grid.x - l->sx;
  l->oy = l->grid.y - l->sy;

  bar_h = MAX (view_h, MIN (BAR_MIN_HEIGHT, avail_h));
  if (self->n_rows > 0)
    {
      l->bar = (AsFigureRect) { l->grid.x + view_w + GAP * 2, l->grid.y, BAR_WIDTH, bar_h };
      place_bar_labels (self, l);
    }

  if (l->rotate_columns)
    l->column_every = (guint) MAX (1.0, ceil (LABEL_PITCH / l->cell_w));
  l->row_every = (guint) MAX (1.0, ceil (LABEL_PITCH / l->cell_h));
}

const AsFigureLayout *
_as_figure_screen_layout (AsFigure *self,
                          double    width,
                          double    height)
{
  if (!self->layout_valid || !self->metrics_valid ||
      self->layout.width != width || self->layout.height != height)
    {
      _as_figure_compute_layout (self, width, height, self->zoom, self->min_cell,
                                 self->scroll_x, self->scroll_y, &self->layout);
      self->layout_valid = TRUE;
    }

  return &self->layout;
}

void
_as_figure_panel_frame (AsFigure             *self,
                        const AsFigureLayout *l,
                        guint                 panel,
                        AsFigurePanelFrame   *frame)
{
  if (!l->panel_grid)
    {
      frame->ox = l->ox;
      frame->oy = l->oy;
      frame->view = l->grid;
      return;
    }

  frame->ox = l->ox + (panel % self->n_heads) * l->panel_dx;
  frame->oy = l->oy + (panel / self->n_heads) * l->panel_dy;
  frame->view = (AsFigureRect) { frame->ox, frame->oy, l->grid_w, l->grid_h };
}

void
as_figure_get_scroll_range (AsFigure *self,
                            double    width,
                            double    height,
                            double   *max_x,
                            double   *max_y)
{
  const AsFigureLayout *l;

  g_return_if_fail (self != NULL);

  l = _as_figure_screen_layout (self, width, height);
  if (max_x != NULL)
    *max_x = MAX (l->grid_w - l->grid.width, 0.0);
  if (max_y != NULL)
    *max_y = MAX (l->grid_h - l->grid.height, 0.0);
}

void
as_figure_get_natural_size (AsFigure *self,
                            int      *width,
                            int      *height)
{
  double cell, column_h, grid_h, w, h, title_w;
  guint n;

  g_return_if_fail (self != NULL);

  ensure_metrics (self);

  if (_as_figure_shows_lines (self))
    {
      /* the token lists a pitch per token, the lines' area between them */
      n = MAX (MAX (self->n_rows, self->n_columns), 1);
      w = 2 * MARGIN + lines_sides_width (self) + LINES_NATURAL_W;
      h = MARGIN + self->title_h + 2.0 + self->subtitle_h + GAP * 2 +
          (_as_figure_n_panels (self) > 1 ? self->line_h + 2.0 : 0.0) +
          MAX (n * lines_pitch (self), self->n_rows > 0 ? legend_height (self) : 0.0) + MARGIN;
    }
  else if (_as_figure_n_panels (self) > 1 && self->n_columns > 0)
    {
      /* the grid of panels, each under its caption */
      n = MAX (MAX (self->n_layers * self->n_rows, self->n_heads * self->n_columns), 1);
      cell = floor (CLAMP (NATURAL_GRID / n, NATURAL_MIN, NATURAL_CELL));
      w = 2 * MARGIN + self->n_heads * (cell * self->n_columns + PANEL_GAP) - PANEL_GAP + bar_total_width (self);
      grid_h = self->n_layers * (self->line_h + 2.0 + cell * self->n_rows + PANEL_GAP) - PANEL_GAP;
      h = MARGIN + self->title_h + 2.0 + self->subtitle_h + GAP * 2 +
          MAX (grid_h, self->n_rows > 0 ? BAR_MIN_HEIGHT + self->line_h + 2.0 : 0.0) + MARGIN;
    }
  else
    {
      n = MAX (MAX (self->n_rows, self->n_columns), 1);
      cell = floor (CLAMP (NATURAL_GRID / n, NATURAL_MIN, NATURAL_CELL));
      column_h = self->column_label_w + 4.0 <= cell ? self->line_h + 4.0 : self->column_label_w + 8.0;

      w = 2 * MARGIN + self->row_label_w + (self->n_rows > 0 ? GAP : 0.0) +
          cell * self->n_columns + bar_total_width (self);
      h = MARGIN + self->title_h + 2.0 + self->subtitle_h + GAP * 2 + column_h +
          MAX (cell * self->n_rows, self->n_rows > 0 ? BAR_MIN_HEIGHT : 0.0) + MARGIN;
    }

  /* wide enough for the title, within reason */
  {
    g_autofree char *title = _as_figure_title_text (self);
    g_autofree char *sub = _as_figure_subtitle_text (self);

    title_w = MAX (text_width (self, title, TITLE_PX, PANGO_WEIGHT_BOLD),
                   text_width (self, sub, LABEL_PX, PANGO_WEIGHT_NORMAL)) + 2 * MARGIN + 4;
  }
  w = MAX (w, MIN (title_w, 1600.0));
  w = MAX (w, 480.0);

  if (width != NULL)
    *width = (int) ceil (w);
  if (height != NULL)
    *height = (int) ceil (h);
}


/* Where things are */

void
_as_figure_visible_range (double origin,
                          double cell,
                          double view_start,
                          double view_size,
                          guint  n,
                          guint *first,
                          guint *last)
{
  double a = floor ((view_start - origin) / cell);
  double b = ceil ((view_start + view_size - origin) / cell);

  *first = (guint) CLAMP (a, 0.0, (double) n);
  *last = (guint) CLAMP (b, 0.0, (double) n);   /* exclusive */
}

guint
_as_figure_next_row_label (AsFigure             *self,
                           const AsFigureLayout *l,
                           guint                 r)
{
  guint every = l->row_every;
  guint next;

  if (every == 1)
    return r + 1;

  next = r - r % every + every;
  if (self->step >= 0)
    {
      guint step = (guint) self->step;

      if (r < step && next + every > step)
        return step;                    /* the step comes before the next one */
      if (r == step && next < step + every)
        next += every;                  /* too close after the step */
    }
  return next;
}

gboolean
as_figure_get_label_shown (AsFigure     *self,
                           double        width,
                           double        height,
                           AsFigurePart  part,
                           guint         index)
{
  const AsFigureLayout *l;
  guint first, last;

  g_return_val_if_fail (self != NULL, FALSE);

  l = _as_figure_screen_layout (self, width, height);
  if (l->panel_grid || self->n_columns == 0)
    return FALSE;

  if (part == AS_FIGURE_PART_ROW_LABEL)
    {
      if (index >= self->n_rows)
        return FALSE;
      if (l->lines)
        first = 0, last = self->n_rows;
      else
        {
          _as_figure_visible_range (l->oy, l->cell_h, l->grid.y, l->grid.height, self->n_rows, &first, &last);
          first -= first % l->row_every;
        }
      for (guint r = first; r < last; r = _as_figure_next_row_label (self, l, r))
        if (r == index)
          return TRUE;
      return FALSE;
    }

  if (part == AS_FIGURE_PART_COLUMN_LABEL)
    {
      if (index >= self->n_columns)
        return FALSE;
      if (l->lines)
        return index % l->label_every == 0;
      _as_figure_visible_range (l->ox, l->cell_w, l->grid.x, l->grid.width, self->n_columns, &first, &last);
      return index >= first - first % l->column_every && index < last && index % l->column_every == 0;
    }

  return FALSE;
}

gboolean
as_figure_get_bar_label_rect (AsFigure     *self,
                              double        width,
                              double        height,
                              guint         i,
                              AsFigureRect *rect)
{
  const AsFigureLayout *l;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (i > 2)
    return FALSE;
  l = _as_figure_screen_layout (self, width, height);
  if (l->lines || !l->bar_label_shown[i])
    return FALSE;
  *rect = l->bar_labels[i];
  return TRUE;
}

/* Cell (@row, @column) of a panel whose cell (0, 0) is at (@ox, @oy), with
 * its edges computed exactly as the hit test computes them (origin + i *
 * cell), so that x + width is the next cell's x. */
static AsFigureRect
span_rect (const AsFigureLayout *l,
           double                ox,
           double                oy,
           guint                 row,
           guint                 column)
{
  double x0 = ox + column * l->cell_w;
  double x1 = ox + (column + 1) * l->cell_w;
  double y0 = oy + row * l->cell_h;
  double y1 = oy + (row + 1) * l->cell_h;

  return (AsFigureRect) { x0, y0, x1 - x0, y1 - y0 };
}

static gboolean
intersect (const AsFigureRect *a,
           const AsFigureRect *b,
           AsFigureRect       *out)
{
  double x0 = MAX (a->x, b->x);
  double y0 = MAX (a->y, b->y);
  double x1 = MIN (a->x + a->width, b->x + b->width);
  double y1 = MIN (a->y + a->height, b->y + b->height);

  if (x1 <= x0 || y1 <= y0)
    return FALSE;

  *out = (AsFigureRect) { x0, y0, x1 - x0, y1 - y0 };
  return TRUE;
}

gboolean
as_figure_get_panel_cell_rect (AsFigure     *self,
                               double        width,
                               double        height,
                               guint         panel,
                               guint         row,
                               guint         column,
                               AsFigureRect *rect)
{
  const AsFigureLayout *l;
  AsFigurePanelFrame frame;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (panel >= _as_figure_n_panels (self) || row >= self->n_rows || column >= self->n_columns)
    return FALSE;

  l = _as_figure_screen_layout (self, width, height);
  if (l->lines)
    return FALSE;   /* no cells */
  _as_figure_panel_frame (self, l, panel, &frame);
  *rect = span_rect (l, frame.ox, frame.oy, row, column);
  return TRUE;
}

gboolean
as_figure_get_cell_rect (AsFigure     *self,
                         double        width,
                         double        height,
                         guint         row,
                         guint         column,
                         AsFigureRect *rect)
{
  return as_figure_get_panel_cell_rect (self, width, height, 0, row, column, rect);
}

gboolean
as_figure_get_panel_rect (AsFigure     *self,
                          double        width,
                          double        height,
                          guint         panel,
                          AsFigureRect *rect)
{
  const AsFigureLayout *l;
  AsFigurePanelFrame frame;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (panel >= _as_figure_n_panels (self) || self->n_columns == 0 || self->n_rows == 0)
    return FALSE;

  l = _as_figure_screen_layout (self, width, height);
  if (l->lines)
    {
      /* the lines' area, of the one panel shown */
      *rect = l->grid;
      return panel == 0;
    }
  _as_figure_panel_frame (self, l, panel, &frame);
  *rect = frame.view;
  return TRUE;
}

gboolean
as_figure_get_grid_rect (AsFigure     *self,
                         double        width,
                         double        height,
                         AsFigureRect *rect)
{
  const AsFigureLayout *l;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (self->n_columns == 0 || self->n_rows == 0)
    return FALSE;

  l = _as_figure_screen_layout (self, width, height);
  *rect = l->grid;
  return TRUE;
}

gboolean
as_figure_get_row_rect (AsFigure     *self,
                        double        width,
                        double        height,
                        guint         row,
                        AsFigureRect *rect)
{
  const AsFigureLayout *l;
  AsFigureRect band, visible;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (row >= self->n_rows || self->n_columns == 0)
    return FALSE;

  l = _as_figure_screen_layout (self, width, height);
  if (l->lines)
    {
      /* its token, in the list on the right */
      *rect = (AsFigureRect) { l->right_list.x, l->right_y0 + row * l->pitch,
                               l->right_list.width, l->pitch };
      return TRUE;
    }
  if (l->panel_grid)
    return FALSE;
  band = span_rect (l, l->ox, l->oy, row, 0);
  band.x = l->row_area.x;
  band.width = l->grid.x + l->grid.width - l->row_area.x;
  visible = (AsFigureRect) { l->row_area.x, l->grid.y,
                             l->grid.x + l->grid.width - l->row_area.x, l->grid.height };
  return intersect (&band, &visible, rect);
}

gboolean
as_figure_get_column_rect (AsFigure     *self,
                           double        width,
                           double        height,
                           guint         column,
                           AsFigureRect *rect)
{
  const AsFigureLayout *l;
  AsFigureRect band, visible;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (column >= self->n_columns)
    return FALSE;

  l = _as_figure_screen_layout (self, width, height);
  if (l->lines)
    {
      /* its token, in the list on the left */
      *rect = (AsFigureRect) { l->left_list.x, l->left_y0 + column * l->pitch,
                               l->left_list.width, l->pitch };
      return TRUE;
    }
  if (l->panel_grid)
    return FALSE;
  band = span_rect (l, l->ox, l->oy, 0, column);
  band.y = l->column_area.y;
  band.height = l->grid.y + l->grid.height - l->column_area.y;
  visible = (AsFigureRect) { l->grid.x, l->column_area.y,
                             l->grid.width, l->grid.y + l->grid.height - l->column_area.y };
  return intersect (&band, &visible, rect);
}

