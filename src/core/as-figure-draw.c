/* Drawing the figure with cairo: one function for the screen, the exports
 * and the tests; the matrix view's cells, labels and colour bar, or the
 * lines view's tokens, lines and legend. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "as-figure-private.h"

/* Cells */

static guint32
position_pixel (AsFigure *self,
                double    position)
{
  double r, g, b;

  _as_figure_position_color (self, position, &r, &g, &b);

  return 0xff000000u |
         (guint32) lround (r * 255.0) << 16 |
         (guint32) lround (g * 255.0) << 8 |
         (guint32) lround (b * 255.0);
}

/* The colour of a weight of row @row of @panel, under the scale. */
static guint32
cell_pixel (AsFigure *self,
            guint     panel,
            guint     row,
            float     weight)
{
  return position_pixel (self, as_figure_scale_position (self, _as_figure_cell_value (self, panel, row, weight)));
}

#define CELL_SHADES 4096

/* Which of the CELL_SHADES shades paints a cell at @position (0..1) of
 * the colour bar, clamped (NaN as 0, as the colour map takes it). */
static inline guint
shade_index (float position)
{
  if (!(position > 0.0f))
    return 0;
  if (position >= 1.0f)
    return CELL_SHADES - 1;
  return (guint) (position * (CELL_SHADES - 1) + 0.5f);
}

/* Row @r of @panel's weights as positions on the colour bar (0..1), into
 * @out (as as_figure_scale_position () gives them): a difference is
 * shifted from -1..1; linear scales multiply by one factor (1 / the scale's top, or per
 * row 1 / the row's largest); the logarithmic one takes each weight's
 * logarithm. */
static void
row_positions (AsFigure    *self,
               guint        panel,
               guint        r,
               const float *row,
               float       *out)
{
  if (self->diverging)
    {
      /* a difference: -1 to 1, 0 in the middle of the bar */
      for (guint c = 0; c < self->n_columns; c++)
        out[c] = (row[c] + 1.0f) * 0.5f;
    }
  else if (self->scale == AS_FIGURE_SCALE_LOG)
    {
      /* as as_figure_scale_position() does, in single precision (shade_index
       * clamps; log10f of 0 is -inf, of a negative weight NaN: both 0) */
      float bottom = (float) log10 (as_figure_scale_value (self, 0.0));

      for (guint c = 0; c < self->n_columns; c++)
        out[c] = (log10f (row[c]) - bottom) * (1.0f / AS_FIGURE_LOG_DECADES);
    }
  else
    {
      double top = self->scale == AS_FIGURE_SCALE_ROW ? self->row_max[(gsize) panel * self->n_rows + r]
                                                      : _as_figure_scale_max (self);
      float factor = top > 0.0 ? (float) (1.0 / top) : 0.0f;

      for (guint c = 0; c < self->n_columns; c++)
        out[c] = row[c] * factor;
    }
}

/* Panel @panel's cells as an image, one pixel per cell, or per bin of
 * @bin_x x @bin_y cells, the strongest cell of the bin (so that a peak
 * never fades into its neighbours when many cells share a pixel). Made
 * once for the figure's data, scale and these bins. */
static cairo_surface_t *
ensure_cells (AsFigure *self,
              guint     panel,
              guint     bin_x,
              guint     bin_y)
{
  const float *weights = _as_figure_panel_weights (self, panel);
  cairo_surface_t *surface;
  g_autofree float *positions = NULL;
  g_autofree float *more = NULL;
  guint32 shades[CELL_SHADES];
  guint width, height;
  guchar *data;
  int stride;

  if (self->cells != NULL && (self->bin_x != bin_x || self->bin_y != bin_y))
    {
      for (guint p = 0; p < _as_figure_n_panels (self); p++)
        g_clear_pointer (&self->cells[p], cairo_surface_destroy);
    }
  if (self->cells == NULL)
    self->cells = g_new0 (cairo_surface_t *, _as_figure_n_panels (self));
  if (self->cells[panel] != NULL)
    return self->cells[panel];

  self->bin_x = bin_x;
  self->bin_y = bin_y;
  width = (self->n_columns + bin_x - 1) / bin_x;
  height = (self->n_rows + bin_y - 1) / bin_y;

  /* the colour of each of CELL_SHADES positions up the colour bar, the
   * nearest of which paints a cell: within a level of 255 of its own
   * colour, for a thousandth of the colour map's work. Each weight is
   * first mapped to its position by the scale. */
  for (guint i = 0; i < CELL_SHADES; i++)
    shades[i] = position_pixel (self, (double) i / (CELL_SHADES - 1));

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) height);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  positions = g_new (float, MAX (self->n_columns, 1));
  if (bin_y > 1)
    more = g_new (float, MAX (self->n_columns, 1));

  for (guint y = 0; y < height; y++)
    {
      guint32 *line = (guint32 *) (gpointer) (data + (gsize) y * stride);
      guint r0 = y * bin_y;

      row_positions (self, panel, r0, weights + (gsize) r0 * self->n_columns, positions);
      /* the strongest of the bin's rows, column by column (the scale's
       * mapping is monotonic along a row, but per row it differs between
       * rows: the positions, not the weights, are compared) */
      for (guint r = r0 + 1; r < MIN (r0 + bin_y, self->n_rows); r++)
        {
          row_positions (self, panel, r, weights + (gsize) r * self->n_columns, more);
          for (guint c = 0; c < self->n_columns; c++)
            positions[c] = MAX (positions[c], more[c]);
        }
      if (bin_x == 1)
        for (guint x = 0; x < width; x++)
          line[x] = shades[shade_index (positions[x])];
      else
        for (guint x = 0; x < width; x++)
          {
            float v = positions[x * bin_x];

            for (guint c = x * bin_x + 1; c < MIN ((x + 1) * bin_x, self->n_columns); c++)
              v = MAX (v, positions[c]);
            line[x] = shades[shade_index (v)];
          }
    }

  cairo_surface_mark_dirty (surface);
  self->cells[panel] = surface;
  return surface;
}

static void
set_color (cairo_t             *cr,
           const AsFigureColor *color,
           double               alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}


/* Drawing */

static void
show_text (cairo_t     *cr,
           PangoLayout *layout,
           double       x,
           double       y)
{
  cairo_move_to (cr, x, y);
  if (_as_figure_text_sink_take (cr, layout))  /* an SVG export writing text as <text> */
    return;
  pango_cairo_show_layout (cr, layout);
}

/* @layout, a label of one line whose box's top is at @y, drawn with its
 * baseline where the figure's lines of label text have theirs: a CJK
 * label, whose font has a taller ascent, sits on the same baseline as a
 * Latin one instead of lower. */
static void
show_label (AsFigure    *self,
            cairo_t     *cr,
            PangoLayout *layout,
            double       x,
            double       y)
{
  show_text (cr, layout, x, y + self->baseline - (double) pango_layout_get_baseline (layout) / PANGO_SCALE);
}

static double
layout_width (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  return logical.width;
}

/* The title's first line: the sentence and its translation. */
static void
draw_title (AsFigure             *self,
            cairo_t              *cr,
            PangoContext         *context,
            const AsFigureLayout *l)
{
  g_autoptr (PangoLayout) title = NULL;
  g_autofree char *text = NULL;

  if (l->title_lines == 0)
    return;
  text = _as_figure_title_text (self);
  title = _as_figure_make_layout (self, context, text, TITLE_PX, PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL);
  _as_figure_set_title_languages (self, title);
  pango_layout_set_width (title, (int) (l->title.width * PANGO_SCALE));
  pango_layout_set_ellipsize (title, PANGO_ELLIPSIZE_END);
  set_color (cr, &self->fg, 1.0);
  show_text (cr, title, l->title.x, l->title.y);
}

/* The title's second line, which names the step. */
static void
draw_subtitle (AsFigure             *self,
               cairo_t              *cr,
               PangoContext         *context,
               const AsFigureLayout *l)
{
  g_autoptr (PangoLayout) subtitle = NULL;
  g_autofree char *sub = NULL;

  if (l->title_lines < 2)
    return;
  sub = _as_figure_subtitle_text (self);
  subtitle = _as_figure_make_layout (self, context, sub, LABEL_PX, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
  pango_layout_set_width (subtitle, (int) (l->title.width * PANGO_SCALE));
  pango_layout_set_ellipsize (subtitle, PANGO_ELLIPSIZE_END);
  set_color (cr, &self->fg, 0.7);
  show_text (cr, subtitle, l->title.x, l->title.y + self->title_h + 2.0);
}

static gboolean
target_is_vector (cairo_t *cr)
{
  switch (cairo_surface_get_type (cairo_get_target (cr)))
    {
    case CAIRO_SURFACE_TYPE_SVG:
    case CAIRO_SURFACE_TYPE_PDF:
    case CAIRO_SURFACE_TYPE_PS:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Diagonal lines ("/"), HATCH_SPACING apart from (@ox, @oy) on, across
 * @area, in the muted foreground colour: what is masked. */
static void
hatch (AsFigure           *self,
       cairo_t            *cr,
       double              ox,
       double              oy,
       const AsFigureRect *area)
{
  double x0 = area->x, y0 = area->y;
  double x1 = area->x + area->width, y1 = area->y + area->height;
  double k0 = floor ((x0 - ox + y0 - oy) / HATCH_SPACING);
  double k1 = ceil ((x1 - ox + y1 - oy) / HATCH_SPACING);

  /* the line k: (x - ox) + (y - oy) = k * HATCH_SPACING */
  for (double k = k0; k <= k1; k++)
    {
      double s = ox + oy + k * HATCH_SPACING;

      cairo_move_to (cr, s - (y0 - HATCH_WIDTH), y0 - HATCH_WIDTH);
      cairo_line_to (cr, s - (y1 + HATCH_WIDTH), y1 + HATCH_WIDTH);
    }
  set_color (cr, &self->fg, HATCH_ALPHA);
  cairo_set_line_width (cr, HATCH_WIDTH);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  cairo_stroke (cr);
}

/* The masked cells of rows @r0..@r1-1 and columns @c0..@c1-1 of a panel
 * whose cell (0, 0) is at (@ox, @oy): the background, hatched. */
static void
draw_masked (AsFigure             *self,
             cairo_t              *cr,
             const AsFigureLayout *l,
             double                ox,
             double                oy,
             guint                 r0,
             guint                 r1,
             guint                 c0,
             guint                 c1)
{
  double x0, y0, x1, y1;
  gboolean any = FALSE;

  if (self->row_lengths == NULL)
    return;

  x0 = y0 = G_MAXDOUBLE;
  x1 = y1 = -G_MAXDOUBLE;
  cairo_save (cr);
  cairo_new_path (cr);
  for (guint r = r0; r < r1; r++)
    {
      guint from = MAX (_as_figure_row_length (self, r), c0);

      if (from >= c1)
        continue;
      /* edges where the cells' are (origin + i * cell), so that masked and
       * visible cells meet without a gap */
      cairo_rectangle (cr, ox + from * l->cell_w, oy + r * l->cell_h,
                       (ox + c1 * l->cell_w) - (ox + from * l->cell_w),
                       (oy + (r + 1) * l->cell_h) - (oy + r * l->cell_h));
      x0 = MIN (x0, ox + from * l->cell_w);
      x1 = MAX (x1, ox + c1 * l->cell_w);
      y0 = MIN (y0, oy + r * l->cell_h);
      y1 = MAX (y1, oy + (r + 1) * l->cell_h);
      any = TRUE;
    }

  if (any)
    {
      AsFigureRect area = { x0, y0, x1 - x0, y1 - y0 };

      cairo_clip_preserve (cr);
      cairo_set_source_rgb (cr, self->bg.red, self->bg.green, self->bg.blue);
      cairo_fill (cr);
      hatch (self, cr, ox, oy, &area);
    }
  cairo_restore (cr);
}

/* One panel's cells (those in view), the masked ones hatched. The single
 * view and every panel of a grid. */
static void
draw_panel_cells (AsFigure             *self,
                  cairo_t              *cr,
                  const AsFigureLayout *l,
                  guint                 panel)
{
  const float *weights = _as_figure_panel_weights (self, panel);
  AsFigurePanelFrame frame;
  const AsFigureRect *view = &frame.view;
  double ox, oy;
  guint r0, r1, c0, c1;

  _as_figure_panel_frame (self, l, panel, &frame);
  ox = frame.ox;
  oy = frame.oy;

  cairo_save (cr);
  cairo_rectangle (cr, view->x, view->y, view->width, view->height);
  cairo_clip (cr);

  _as_figure_visible_range (ox, l->cell_w, view->x, view->width, self->n_columns, &c0, &c1);
  _as_figure_visible_range (oy, l->cell_h, view->y, view->height, self->n_rows, &r0, &r1);

  if (target_is_vector (cr) && (gsize) self->n_rows * self->n_columns <= VECTOR_CELLS)
    {
      /* One rectangle per run of cells of one colour along a row (in
       * 8-bit sRGB, as the file has it: runs of near-zero weights are
       * common); each overlaps its right and lower neighbours a little so
       * that no renderer shows seams. Masked cells are drawn below. */
      for (guint r = r0; r < r1; r++)
        {
          const float *row = weights + (gsize) r * self->n_columns;
          guint end = MIN (c1, _as_figure_row_length (self, r));
          double over_y = r + 1 < r1 ? 0.5 : 0.0;

          for (guint c = c0, run; c < end; c = run)
            {
              guint32 pixel = cell_pixel (self, panel, r, row[c]);

              for (run = c + 1; run < end && cell_pixel (self, panel, r, row[run]) == pixel; run++)
                ;
              cairo_set_source_rgb (cr, ((pixel >> 16) & 0xff) / 255.0, ((pixel >> 8) & 0xff) / 255.0,
                                    (pixel & 0xff) / 255.0);
              cairo_rectangle (cr, ox + c * l->cell_w, oy + r * l->cell_h,
                               (run - c) * l->cell_w + (run < c1 ? 0.5 : 0.0), l->cell_h + over_y);
              cairo_fill (cr);
            }
        }
    }
  else
    {
      cairo_pattern_t *pattern;
      cairo_matrix_t matrix;

      guint bin_x = (self->n_columns + MAX_IMAGE_SIDE - 1) / MAX_IMAGE_SIDE;
      guint bin_y = (self->n_rows + MAX_IMAGE_SIDE - 1) / MAX_IMAGE_SIDE;

      if (!target_is_vector (cr))
        {
          /* On a raster, cells thinner than a pixel are binned so that
           * each bin has a pixel or more: painted without filtering, a
           * strong weight shows even among a thousand cells in 700 pixels.
           * (A file keeps every cell, to be zoomed into.) */
          double dw = l->cell_w, dh = l->cell_h;

          cairo_user_to_device_distance (cr, &dw, &dh);
          dw = fabs (dw);
          dh = fabs (dh);
          if (dw > 0.0 && dw < 1.0)
            bin_x = MAX (bin_x, (guint) ceil (1.0 / dw - 1e-9));
          if (dh > 0.0 && dh < 1.0)
            bin_y = MAX (bin_y, (guint) ceil (1.0 / dh - 1e-9));
        }

      pattern = cairo_pattern_create_for_surface (ensure_cells (self, panel, bin_x, bin_y));
      /* pattern space = image pixels; user space = figure pixels */
      cairo_matrix_init_scale (&matrix, 1.0 / (l->cell_w * bin_x), 1.0 / (l->cell_h * bin_y));
      cairo_matrix_translate (&matrix, -ox, -oy);
      cairo_pattern_set_matrix (pattern, &matrix);
      cairo_pattern_set_filter (pattern, MIN (l->cell_w * bin_x, l->cell_h * bin_y) >= 1.0
                                         ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
      cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
      cairo_set_source (cr, pattern);
      cairo_rectangle (cr, MAX (ox, view->x), MAX (oy, view->y),
                       MIN (l->grid_w, view->width), MIN (l->grid_h, view->height));
      cairo_fill (cr);
      cairo_pattern_destroy (pattern);
    }

  draw_masked (self, cr, l, ox, oy, r0, r1, c0, c1);
  cairo_restore (cr);
}

/* Over a panel's cells: the rows after the step dimmed, the step's
 * outlined. */
static void
draw_panel_step (AsFigure             *self,
                 cairo_t              *cr,
                 const AsFigureLayout *l,
                 guint                 panel)
{
  AsFigurePanelFrame frame;
  const AsFigureRect *view = &frame.view;
  double oy;

  if (self->step < 0)
    return;
  _as_figure_panel_frame (self, l, panel, &frame);
  oy = frame.oy;

  cairo_save (cr);
  cairo_rectangle (cr, view->x, view->y, view->width, view->height);
  cairo_clip (cr);
  if (self->step + 1 < (int) self->n_rows)
    {
      double y = oy + (self->step + 1) * l->cell_h;

      set_color (cr, &self->bg, DIM_ALPHA);
      cairo_rectangle (cr, view->x, y, view->width, view->y + view->height - y);
      cairo_fill (cr);
    }

  cairo_restore (cr);

  {
    double y = oy + self->step * l->cell_h;
    double lw = l->cell_h >= 8.0 ? 2.0 : 1.0;

    if (y + l->cell_h > view->y && y < view->y + view->height)
      {
        set_color (cr, &self->fg, 1.0);
        cairo_set_line_width (cr, lw);
        cairo_rectangle (cr, view->x - lw / 2, y - lw / 2,
                         view->width + lw, l->cell_h + lw);
        cairo_stroke (cr);
      }
  }
}

/* A panel's caption, above its cells: "Layer 0 · head 1". */
static void
draw_caption (AsFigure             *self,
              cairo_t              *cr,
              PangoContext         *context,
              const AsFigureLayout *l,
              guint                 panel)
{
  g_autoptr (PangoLayout) caption = NULL;
  g_autofree char *text = _as_figure_panel_caption (self, panel);
  AsFigurePanelFrame frame;

  _as_figure_panel_frame (self, l, panel, &frame);
  caption = _as_figure_make_layout (self, context, text, LABEL_PX, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
  pango_layout_set_width (caption, (int) (MAX (l->grid_w, 1.0) * PANGO_SCALE));
  pango_layout_set_ellipsize (caption, PANGO_ELLIPSIZE_END);
  set_color (cr, &self->fg, 0.7);
  show_text (cr, caption, frame.ox, frame.oy - l->caption_h);
}

/* Entry @i of @axis as text to draw: its label in @weight, italic when it
 * was chosen; a word the model does not know in the warning colour,
 * underlined, with a bold "?". */
static PangoLayout *
label_layout (AsFigure           *self,
              PangoContext       *context,
              const AsFigureAxis *axis,
              guint               i,
              PangoWeight         weight)
{
  const char *label = as_figure_axis_get_label (axis, i);
  AsFigureMarks marks = as_figure_axis_get_marks (axis, i);
  PangoLayout *layout;

  layout = _as_figure_make_layout (self, context, label, LABEL_PX, weight,
                                   (marks & AS_FIGURE_MARK_CHOSEN) ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
  if (marks & AS_FIGURE_MARK_UNKNOWN)
    {
      PangoAttrList *attrs = pango_attr_list_new ();
      PangoAttribute *attr;
      g_autofree char *marked = g_strconcat (label, "?", NULL);
      guint16 r16 = (guint16) (self->warning.red * 65535);
      guint16 g16 = (guint16) (self->warning.green * 65535);
      guint16 b16 = (guint16) (self->warning.blue * 65535);

      pango_layout_set_text (layout, marked, -1);
      attr = pango_attr_foreground_new (r16, g16, b16);
      pango_attr_list_insert (attrs, attr);
      attr = pango_attr_underline_new (PANGO_UNDERLINE_ERROR);
      attr->end_index = strlen (label);
      pango_attr_list_insert (attrs, attr);
      attr = pango_attr_weight_new (PANGO_WEIGHT_BOLD);
      attr->start_index = strlen (label);
      pango_attr_list_insert (attrs, attr);
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  _as_figure_set_axis_language (self, layout, axis);

  return layout;
}

/* The colour of entry @i's label: the accent where it was chosen. */
static const AsFigureColor *
label_color (AsFigure           *self,
             const AsFigureAxis *axis,
             guint               i)
{
  return (as_figure_axis_get_marks (axis, i) & AS_FIGURE_MARK_CHOSEN) ? &self->accent : &self->fg;
}

static void
draw_column_labels (AsFigure             *self,
                    cairo_t              *cr,
                    PangoContext         *context,
                    const AsFigureLayout *l)
{
  guint c0, c1;

  _as_figure_visible_range (l->ox, l->cell_w, l->grid.x, l->grid.width, self->n_columns, &c0, &c1);

  cairo_save (cr);
  cairo_rectangle (cr, l->column_area.x - (l->rotate_columns ? self->line_h : LABEL_MAX / 2),
                   l->column_area.y - 2,
                   l->column_area.width + (l->rotate_columns ? 2 * self->line_h : LABEL_MAX),
                   l->column_area.height + 2);
  cairo_clip (cr);

  for (guint c = c0 - c0 % l->column_every; c < c1; c += l->column_every)
    {
      g_autoptr (PangoLayout) layout = NULL;
      double cx = l->ox + (c + 0.5) * l->cell_w;

      layout = label_layout (self, context, self->columns, c, PANGO_WEIGHT_NORMAL);
      set_color (cr, label_color (self, self->columns, c), 1.0);
      if (l->rotate_columns)
        {
          pango_layout_set_width (layout, (int) (l->column_label_len * PANGO_SCALE));
          pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
          cairo_save (cr);
          cairo_translate (cr, cx - self->line_h / 2.0, l->grid.y - 4.0);
          cairo_rotate (cr, -G_PI / 2.0);
          show_label (self, cr, layout, 0.0, 0.0);
          cairo_restore (cr);
        }
      else
        {
          /* elided to its cell where the figure is short */
          if (l->column_label_len < self->column_label_w)
            {
              pango_layout_set_width (layout, (int) (l->column_label_len * PANGO_SCALE));
              pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
            }
          show_label (self, cr, layout, cx - layout_width (layout) / 2.0, l->grid.y - 2.0 - self->line_h);
        }
    }

  cairo_restore (cr);
}

static void
draw_row_labels (AsFigure             *self,
                 cairo_t              *cr,
                 PangoContext         *context,
                 const AsFigureLayout *l)
{
  gboolean has_inputs = as_figure_axis_has_inputs (self->rows);
  guint r0, r1;
  double x_index = l->row_area.x;
  double x_input = x_index + self->index_w + GAP;
  double x_arrow = x_input + self->input_w;
  double x_output = x_arrow + self->arrow_w;
  double x_prob = x_output + self->output_w + GAP;

  _as_figure_visible_range (l->oy, l->cell_h, l->grid.y, l->grid.height, self->n_rows, &r0, &r1);

  cairo_save (cr);
  cairo_rectangle (cr, l->row_area.x, l->row_area.y - self->line_h, l->row_area.width,
                   l->row_area.height + 2 * self->line_h);
  cairo_clip (cr);

  for (guint r = r0 - r0 % l->row_every; r < r1; r = _as_figure_next_row_label (self, l, r))
    {
      g_autoptr (PangoLayout) index = NULL;
      g_autoptr (PangoLayout) output = NULL;
      char buffer[32];
      double y = l->oy + r * l->cell_h + (l->cell_h * l->row_every - self->line_h) / 2.0;
      double alpha = self->step >= 0 && (int) r > self->step ? 0.35 : 1.0;
      gboolean current = (int) r == self->step;

      if (l->row_every > 1)
        y = l->oy + (r + 0.5) * l->cell_h - self->line_h / 2.0;

      g_snprintf (buffer, sizeof buffer, "%u", r + 1);
      index = _as_figure_make_layout (self, context, buffer, LABEL_PX, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
      set_color (cr, &self->fg, 0.55 * alpha);
      show_label (self, cr, index, x_index + self->index_w - layout_width (index), y);

      if (has_inputs)
        {
          g_autoptr (PangoLayout) input = NULL;
          g_autoptr (PangoLayout) arrow = NULL;

          input = _as_figure_make_layout (self, context, as_figure_axis_get_input (self->rows, r), LABEL_PX,
                                          PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
          _as_figure_set_axis_language (self, input, self->rows);
          pango_layout_set_width (input, (int) (ROW_TOKEN_MAX * PANGO_SCALE));
          pango_layout_set_ellipsize (input, PANGO_ELLIPSIZE_END);
          set_color (cr, &self->fg, 0.8 * alpha);
          show_label (self, cr, input, x_arrow - MIN (layout_width (input), ROW_TOKEN_MAX), y);

          arrow = _as_figure_make_layout (self, context, " → ", LABEL_PX, PANGO_WEIGHT_NORMAL,
                                          PANGO_STYLE_NORMAL);
          set_color (cr, &self->fg, 0.55 * alpha);
          show_label (self, cr, arrow, x_arrow, y);
        }

      output = label_layout (self, context, self->rows, r, PANGO_WEIGHT_BOLD);
      pango_layout_set_width (output, (int) (ROW_TOKEN_MAX * PANGO_SCALE));
      pango_layout_set_ellipsize (output, PANGO_ELLIPSIZE_END);
      set_color (cr, label_color (self, self->rows, r), alpha);
      show_label (self, cr, output, x_output, y);

      if (as_figure_axis_has_values (self->rows))
        {
          g_autoptr (PangoLayout) value = NULL;

          as_figure_format_value (as_figure_axis_get_value (self->rows, r), buffer, sizeof buffer);
          value = _as_figure_make_layout (self, context, buffer, LABEL_PX, PANGO_WEIGHT_NORMAL,
                                          PANGO_STYLE_NORMAL);
          set_color (cr, &self->fg, 0.55 * alpha);
          show_label (self, cr, value, x_prob + self->prob_w - layout_width (value), y);
        }

      if (current)
        {
          set_color (cr, &self->fg, 1.0);
          cairo_move_to (cr, x_index - 8.0, y + self->line_h / 2.0 - 4.0);
          cairo_rel_line_to (cr, 5.0, 4.0);
          cairo_rel_line_to (cr, -5.0, 4.0);
          cairo_close_path (cr);
          cairo_fill (cr);
        }
    }

  cairo_restore (cr);
}

static void
draw_colorbar (AsFigure             *self,
               cairo_t              *cr,
               PangoContext         *context,
               const AsFigureLayout *l)
{
  cairo_pattern_t *gradient;
  const AsFigureRect *bar = &l->bar;
  double positions[AS_FIGURE_BAR_TICKS_MAX], values[AS_FIGURE_BAR_TICKS_MAX];
  const char *caption;
  guint n;

  if (bar->height <= 0)
    return;

  gradient = cairo_pattern_create_linear (0, bar->y + bar->height, 0, bar->y);
  for (int i = 0; i <= 32; i++)
    {
      double r, g, b;

      _as_figure_position_color (self, i / 32.0, &r, &g, &b);
      cairo_pattern_add_color_stop_rgb (gradient, i / 32.0, r, g, b);
    }
  cairo_set_source (cr, gradient);
  cairo_rectangle (cr, bar->x, bar->y, bar->width, bar->height);
  cairo_fill (cr);
  cairo_pattern_destroy (gradient);

  set_color (cr, &self->fg, 0.6);
  cairo_set_line_width (cr, 1.0);
  cairo_rectangle (cr, bar->x + 0.5, bar->y + 0.5, bar->width - 1.0, bar->height - 1.0);
  cairo_stroke (cr);

  n = as_figure_get_bar_ticks (self, positions, values);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PangoLayout) tick = NULL;
      char buffer[32];
      double y = bar->y + bar->height - bar->height * positions[i];

      y = i == 0 ? y - 0.5 : i == n - 1 ? y + 0.5 : floor (y) + 0.5;
      set_color (cr, &self->fg, 0.8);
      cairo_move_to (cr, bar->x + bar->width, y);
      cairo_rel_line_to (cr, 4.0, 0.0);
      cairo_stroke (cr);

      /* the labels that do not overlap (as-figure-layout.c placed them) */
      if (!l->bar_label_shown[i])
        continue;
      _as_figure_format_tick (self, values[i], buffer, sizeof buffer);
      tick = _as_figure_make_layout (self, context, buffer, LABEL_PX, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
      show_label (self, cr, tick, l->bar_labels[i].x, l->bar_labels[i].y);
    }

  /* what the scale is, turned to read upwards beside the labels */
  caption = as_figure_get_scale_caption (self);
  if (caption != NULL && l->bar_caption.width > 0)
    {
      g_autoptr (PangoLayout) text = NULL;
      int text_w, text_h;

      text = _as_figure_make_layout (self, context, caption, LABEL_PX, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
      pango_layout_set_width (text, (int) (l->bar_caption.height * PANGO_SCALE));
      pango_layout_set_ellipsize (text, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (text, &text_w, &text_h);
      cairo_save (cr);
      cairo_translate (cr, l->bar_caption.x,
                       l->bar_caption.y + (l->bar_caption.height + MIN (text_w, l->bar_caption.height)) / 2.0);
      cairo_rotate (cr, -G_PI / 2);
      set_color (cr, &self->fg, 0.8);
      show_text (cr, text, 0.0, 0.0);
      cairo_restore (cr);
    }
}

/* The lines view */

/* The width and opacity of a line of @weight: both grow with the weight,
 * on the figure's scale. The lines are in the accent colour, not in the
 * colour map's: the maps end in colours close to a background (magma's 1
 * is near white, greys' 0 is white, viridis' 1 a pale yellow), so a line
 * coloured by its weight would vanish at one end of the scale; one hue,
 * wider and more opaque as the weight grows, reads on any background, and
 * a legend of widths takes the colour bar's place. */
static void
line_style (AsFigure *self,
            float     weight,
            double   *width,
            double   *alpha)
{
  double v = CLAMP (weight / _as_figure_scale_max (self), 0.0, 1.0);

  *width = LINES_MIN_WIDTH + (LINES_MAX_WIDTH - LINES_MIN_WIDTH) * v;
  *alpha = LINES_MIN_ALPHA + (1.0 - LINES_MIN_ALPHA) * v;
}

/* Whether the hover is on row @r's token, column @c's or their cell. */
static gboolean
hover_touches (AsFigure *self,
               guint     r,
               guint     c)
{
  switch (self->hover_part)
    {
    case AS_FIGURE_PART_ROW_LABEL:
      return (int) r == self->hover_row;
    case AS_FIGURE_PART_COLUMN_LABEL:
      return (int) c == self->hover_column;
    case AS_FIGURE_PART_CELL:
      return (int) r == self->hover_row && (int) c == self->hover_column;
    case AS_FIGURE_PART_NONE:
    default:
      return FALSE;
    }
}

/* How strongly the line from column @c to row @r is drawn, 0..1. With no
 * step set, fully; with one, the step's row fully, the rows before it
 * less (LINES_PAST), the rows after it dimmed as the matrix dims them.
 * While a token is hovered, its lines fully and the others faded. */
static double
line_strength (AsFigure *self,
               guint     r,
               guint     c)
{
  double strength = 1.0;

  if (self->step >= 0 && (int) r < self->step)
    strength = LINES_PAST;
  else if (self->step >= 0 && (int) r > self->step)
    strength = 1.0 - DIM_ALPHA;

  if (self->hover_part == AS_FIGURE_PART_NONE)
    return strength;
  return hover_touches (self, r, c) ? 1.0 : LINES_FADED * strength;
}

typedef struct
{
  guint  row, column;
  float  weight;
  double strength;
} Line;

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  const Line *la = a, *lb = b;

  /* the strongest on top */
  if (la->strength != lb->strength)
    return la->strength < lb->strength ? -1 : 1;
  if (la->weight != lb->weight)
    return la->weight < lb->weight ? -1 : 1;
  return 0;
}

/* A line from (@x0, @y0) to (@x1, @y1), leaving and arriving level. */
static void
curve (cairo_t *cr,
       double   x0,
       double   y0,
       double   x1,
       double   y1)
{
  double bend = (x1 - x0) * 0.5;

  cairo_move_to (cr, x0, y0);
  cairo_curve_to (cr, x0 + bend, y0, x1 - bend, y1, x1, y1);
}

/* The lines of panel 0, those below LINES_MIN_WEIGHT and the masked ones
 * left out, the strongest drawn last; a dot where each token's lines
 * meet. */
static void
draw_lines (AsFigure             *self,
            cairo_t              *cr,
            const AsFigureLayout *l)
{
  const float *weights = _as_figure_panel_weights (self, 0);
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (Line));
  double x0 = l->grid.x, x1 = l->grid.x + l->grid.width;

  for (guint r = 0; r < self->n_rows; r++)
    for (guint c = 0; c < _as_figure_row_length (self, r); c++)
      {
        Line line = { r, c, weights[(gsize) r * self->n_columns + c], line_strength (self, r, c) };

        if (line.weight >= LINES_MIN_WEIGHT)
          g_array_append_val (lines, line);
      }
  g_array_sort (lines, compare_lines);

  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  for (guint i = 0; i < lines->len; i++)
    {
      const Line *line = &g_array_index (lines, Line, i);
      double width, alpha;

      line_style (self, line->weight, &width, &alpha);
      curve (cr, x0, l->left_y0 + (line->column + 0.5) * l->pitch,
             x1, l->right_y0 + (line->row + 0.5) * l->pitch);
      set_color (cr, &self->accent, alpha * line->strength);
      cairo_set_line_width (cr, width);
      cairo_stroke (cr);
    }

  /* the ends */
  set_color (cr, &self->fg, 0.45);
  for (guint c = 0; c < self->n_columns; c++)
    {
      cairo_new_sub_path (cr);
      cairo_arc (cr, x0, l->left_y0 + (c + 0.5) * l->pitch, 1.5, 0, 2 * G_PI);
    }
  for (guint r = 0; r < self->n_rows; r++)
    {
      cairo_new_sub_path (cr);
      cairo_arc (cr, x1, l->right_y0 + (r + 0.5) * l->pitch, 1.5, 0, 2 * G_PI);
    }
  cairo_fill (cr);
  cairo_restore (cr);
}

/* The column tokens, right-aligned against the lines' left ends. */
static void
draw_left_tokens (AsFigure             *self,
                  cairo_t              *cr,
                  PangoContext         *context,
                  const AsFigureLayout *l)
{
  double right = l->grid.x - LINES_GAP;

  for (guint c = 0; c < self->n_columns; c += l->label_every)
    {
      g_autoptr (PangoLayout) layout = label_layout (self, context, self->columns, c, PANGO_WEIGHT_NORMAL);
      double y = l->left_y0 + (c + 0.5) * l->pitch - self->line_h / 2.0;
      double w;

      pango_layout_set_width (layout, (int) (LABEL_MAX * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      w = MIN (layout_width (layout), LABEL_MAX);
      set_color (cr, label_color (self, self->columns, c), 1.0);
      show_label (self, cr, layout, right - w, y);
    }
}

/* The row tokens, left-aligned after the lines' right ends; those after
 * the step faint, the step's outlined and marked. */
static void
draw_right_tokens (AsFigure             *self,
                   cairo_t              *cr,
                   PangoContext         *context,
                   const AsFigureLayout *l)
{
  double x = l->grid.x + l->grid.width + LINES_GAP;

  for (guint r = 0; r < self->n_rows; r = _as_figure_next_row_label (self, l, r))
    {
      g_autoptr (PangoLayout) layout = label_layout (self, context, self->rows, r, PANGO_WEIGHT_BOLD);
      double y = l->right_y0 + (r + 0.5) * l->pitch - self->line_h / 2.0;
      double alpha = self->step >= 0 && (int) r > self->step ? 0.35 : 1.0;
      double w;

      pango_layout_set_width (layout, (int) (ROW_TOKEN_MAX * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      w = MIN (layout_width (layout), ROW_TOKEN_MAX);
      set_color (cr, label_color (self, self->rows, r), alpha);
      show_label (self, cr, layout, x, y);

      if ((int) r == self->step)
        {
          set_color (cr, &self->fg, 1.0);
          cairo_set_line_width (cr, 1.5);
          cairo_rectangle (cr, x - 3.5, y - 1.5, w + 7.0, self->line_h + 3.0);
          cairo_stroke (cr);
          cairo_move_to (cr, x + self->output_w + STEP_MARKER_W, y + self->line_h / 2.0 - 4.0);
          cairo_rel_line_to (cr, -5.0, 4.0);
          cairo_rel_line_to (cr, 5.0, 4.0);
          cairo_close_path (cr);
          cairo_fill (cr);
        }
    }
}

/* "weight" over a sample line of each of LEGEND_N weights, drawn as the
 * lines are. */
static void
draw_legend (AsFigure             *self,
             cairo_t              *cr,
             PangoContext         *context,
             const AsFigureLayout *l)
{
  g_autoptr (PangoLayout) title = NULL;

  if (l->legend.width <= 0)
    return;

  title = _as_figure_make_layout (self, context, C_("lines legend", "weight"), LABEL_PX, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
  set_color (cr, &self->fg, 0.7);
  show_text (cr, title, l->legend.x, l->legend.y);

  for (guint i = 0; i < LEGEND_N; i++)
    {
      g_autoptr (PangoLayout) tick = NULL;
      double weight = _as_figure_scale_max (self) * _as_figure_legend_fraction (i);
      double y = l->legend.y + (i + 1) * (self->line_h + 2.0);
      double width, alpha;
      char buffer[32];

      line_style (self, weight, &width, &alpha);
      set_color (cr, &self->accent, alpha);
      cairo_set_line_width (cr, width);
      cairo_move_to (cr, l->legend.x, y + self->line_h / 2.0);
      cairo_rel_line_to (cr, LEGEND_SAMPLE, 0.0);
      cairo_stroke (cr);

      _as_figure_format_tick (self, weight, buffer, sizeof buffer);
      tick = _as_figure_make_layout (self, context, buffer, LABEL_PX, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
      set_color (cr, &self->fg, 0.8);
      show_label (self, cr, tick, l->legend.x + LEGEND_SAMPLE + 6.0, y);
    }
}

static void
draw_lines_view (AsFigure             *self,
                 cairo_t              *cr,
                 PangoContext         *context,
                 const AsFigureLayout *l)
{
  if (l->caption_h > 0)
    {
      g_autofree char *text = _as_figure_panel_caption (self, 0);
      g_autoptr (PangoLayout) caption = NULL;

      caption = _as_figure_make_layout (self, context, text, LABEL_PX, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
      set_color (cr, &self->fg, 0.7);
      show_text (cr, caption, l->left_list.x, l->grid.y - l->caption_h);
    }

  draw_lines (self, cr, l);
  draw_left_tokens (self, cr, context, l);
  draw_right_tokens (self, cr, context, l);
  draw_legend (self, cr, context, l);
}

void
_as_figure_draw_layout (AsFigure             *self,
                        cairo_t              *cr,
                        const AsFigureLayout *l,
                        AsFigureLayers        layers)
{
  gboolean base = (layers & AS_FIGURE_LAYER_BASE) != 0;
  gboolean step = (layers & AS_FIGURE_LAYER_STEP) != 0;
  guint n_panels = l->panel_grid ? _as_figure_n_panels (self) : 1;
  PangoContext *context;
  cairo_font_options_t *options;

  cairo_save (cr);

  context = pango_cairo_create_context (cr);
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);

  /* What no step changes: the background, the title, the cells, the
   * captions, the column labels and the colour bar. */
  if (base)
    {
      if (self->bg.alpha > 0.0)
        {
          set_color (cr, &self->bg, 1.0);
          cairo_rectangle (cr, 0, 0, l->width, l->height);
          cairo_fill (cr);
        }
      draw_title (self, cr, context, l);
      if (!l->lines && self->n_columns > 0)
        {
          for (guint p = 0; p < n_panels; p++)
            {
              if (l->panel_grid)
                draw_caption (self, cr, context, l, p);
              if (self->n_rows > 0)
                draw_panel_cells (self, cr, l, p);
            }
          if (self->n_rows > 0)
            draw_colorbar (self, cr, context, l);
          if (!l->panel_grid)
            draw_column_labels (self, cr, context, l);
        }
    }

  /* What the step changes: the subtitle, which names it; the rows after it
   * dimmed and its own outlined; the row labels (dimmed after it, an arrow
   * at it); the whole lines view. */
  if (step)
    {
      draw_subtitle (self, cr, context, l);
      if (l->lines)
        draw_lines_view (self, cr, context, l);
      else if (self->n_columns > 0 && self->n_rows > 0)
        {
          for (guint p = 0; p < n_panels; p++)
            draw_panel_step (self, cr, l, p);
          if (!l->panel_grid)
            draw_row_labels (self, cr, context, l);
        }
    }

  g_object_unref (context);
  cairo_restore (cr);
}

/* A file's drawing: as on screen (the figure's zoom and scroll, at the
 * screen's size), or @natural: unzoomed and unscrolled, at the natural
 * size. */
void
_as_figure_draw_for_file (AsFigure *self,
                          cairo_t  *cr,
                          double    width,
                          double    height,
                          gboolean  natural)
{
  AsFigureLayout layout;

  if (!natural)
    {
      as_figure_draw (self, cr, width, height);
      return;
    }
  _as_figure_compute_layout (self, width, height, 1.0, 0.0, 0.0, 0.0, &layout);
  _as_figure_draw_layout (self, cr, &layout, AS_FIGURE_LAYER_ALL);
}

void
as_figure_draw (AsFigure *self,
                cairo_t  *cr,
                double    width,
                double    height)
{
  as_figure_draw_layers (self, cr, width, height, AS_FIGURE_LAYER_ALL);
}

void
as_figure_draw_layers (AsFigure      *self,
                       cairo_t       *cr,
                       double         width,
                       double         height,
                       AsFigureLayers layers)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (cr != NULL);

  _as_figure_draw_layout (self, cr, _as_figure_screen_layout (self, width, height), layers);
}
