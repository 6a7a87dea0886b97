/* The attention figure, drawn with cairo for the screen, the exports and the
 * tests. See as-figure.h for what it shows and how it is laid out. */

#include "config.h"

#include "as-figure.h"

#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include "as-error.h"
#include "as-file-write.h"

#define MARGIN          12.0
#define GAP             6.0
#define LABEL_PX        12     /* labels, ticks, subtitle */
#define TITLE_PX        15
#define LABEL_MAX       140.0  /* a longer token is elided (its tooltip has it whole) */
#define ROW_TOKEN_MAX   110.0
#define MAX_CELL        64.0   /* cells never grow beyond this at zoom 1 */
#define SNAP_CELL       4.0    /* from this size on, cells are whole pixels */
#define BAR_WIDTH       14.0
#define BAR_MIN_HEIGHT  120.0
#define MAX_IMAGE_SIDE  16384  /* longer sides are binned (each pixel the max of its cells) */
#define VECTOR_CELLS    (300 * 300)
#define NATURAL_GRID    720.0  /* the export aims at a grid this large... */
#define NATURAL_CELL    36.0   /* ...with cells at most this... */
#define NATURAL_MIN     3.0    /* ...and at least this */
#define DIM_ALPHA       0.78   /* how much of the background covers a row after the step */
#define FONT_FAMILY     "Sans" /* fontconfig falls back per glyph (CJK, emoji, RTL) */

typedef struct
{
  double width, height;      /* the area it was computed for */
  double sx, sy;             /* scroll actually applied */
  double cell;               /* cell side, pixels */
  double grid_w, grid_h;     /* whole grid, cell * n */
  AsFigureRect title;
  AsFigureRect grid;         /* the visible part of the grid */
  AsFigureRect column_area;  /* above the grid, same x range */
  AsFigureRect row_area;     /* left of the grid, same y range */
  AsFigureRect bar;          /* the colour bar itself */
  double ox, oy;             /* where cell (0, 0) starts (scroll applied) */
  gboolean rotate_columns;
  guint column_every;        /* label thinning: every n-th label drawn */
  guint row_every;
} Layout;

struct _AsFigure
{
  /* data */
  guint          n_rows;
  guint          n_columns;
  float         *weights;         /* (n_rows, n_columns) */
  float          max_weight;
  char         **column_labels;   /* n_columns */
  gboolean      *column_unknown;  /* n_columns */
  gboolean       any_unknown;
  char         **row_inputs;      /* n_rows */
  char         **row_outputs;     /* n_rows */
  float         *row_probs;       /* n_rows, or NULL */
  gboolean      *row_chosen;      /* n_rows */
  char          *sentence;
  char          *translation;

  /* how it is shown */
  AsColormap     colormap;
  AsFigureScale  scale;
  int            step;
  AsFigureColor  fg;
  AsFigureColor  bg;
  AsFigureColor  accent;
  AsFigureColor  warning;
  double         min_cell;
  double         zoom;
  double         scroll_x;
  double         scroll_y;

  /* caches */
  cairo_surface_t *cells;         /* one pixel per cell (per bin past MAX_IMAGE_SIDE) */
  guint          bin_x, bin_y;    /* cells per image pixel */
  PangoContext  *pango;           /* for measuring */
  gboolean       metrics_valid;
  double         line_h;          /* one line of label text */
  double         title_h;
  double         subtitle_h;
  double         column_label_w;  /* widest source label (capped) */
  double         index_w;         /* row label columns */
  double         input_w;
  double         arrow_w;
  double         output_w;
  double         prob_w;
  double         row_label_w;
  double         tick_w;
  Layout         layout;          /* the screen layout, for layout.width x layout.height */
  gboolean       layout_valid;
};

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
  g_clear_pointer (&self->cells, cairo_surface_destroy);
}

static void
clear_data (AsFigure *self)
{
  g_clear_pointer (&self->weights, g_free);
  g_clear_pointer (&self->column_labels, g_strfreev);
  g_clear_pointer (&self->column_unknown, g_free);
  g_clear_pointer (&self->row_inputs, g_strfreev);
  g_clear_pointer (&self->row_outputs, g_strfreev);
  g_clear_pointer (&self->row_probs, g_free);
  g_clear_pointer (&self->row_chosen, g_free);
  self->n_rows = 0;
  self->n_columns = 0;
  self->max_weight = 0.0f;
  self->any_unknown = FALSE;
  invalidate_cells (self);
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

  return self;
}

void
as_figure_free (AsFigure *self)
{
  if (self == NULL)
    return;

  clear_data (self);
  g_clear_object (&self->pango);
  g_free (self->sentence);
  g_free (self->translation);
  g_free (self);
}

/* Data */

void
as_figure_set_matrix (AsFigure    *self,
                      guint        n_rows,
                      guint        n_columns,
                      const float *weights)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (weights != NULL || n_rows == 0 || n_columns == 0);

  clear_data (self);

  self->n_rows = n_columns > 0 ? n_rows : 0;
  self->n_columns = n_columns;
  self->weights = g_new0 (float, (gsize) MAX (self->n_rows, 1) * MAX (n_columns, 1));
  if (self->n_rows > 0)
    memcpy (self->weights, weights, sizeof (float) * self->n_rows * n_columns);

  for (gsize i = 0; i < (gsize) self->n_rows * n_columns; i++)
    {
      if (!isfinite (self->weights[i]))
        self->weights[i] = 0.0f;
      self->max_weight = MAX (self->max_weight, self->weights[i]);
    }

  self->column_labels = g_new0 (char *, n_columns + 1);
  self->column_unknown = g_new0 (gboolean, MAX (n_columns, 1));
  for (guint c = 0; c < n_columns; c++)
    self->column_labels[c] = g_strdup_printf ("%u", c + 1);

  self->row_inputs = g_new0 (char *, self->n_rows + 1);
  self->row_outputs = g_new0 (char *, self->n_rows + 1);
  self->row_chosen = g_new0 (gboolean, MAX (self->n_rows, 1));
  for (guint r = 0; r < self->n_rows; r++)
    {
      self->row_inputs[r] = g_strdup ("");
      self->row_outputs[r] = g_strdup ("");
    }

  if (self->step >= (int) self->n_rows)
    self->step = (int) self->n_rows - 1;
}

void
as_figure_set_column_labels (AsFigure           *self,
                             const char * const *labels,
                             const gboolean     *unknown)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (labels != NULL);

  self->any_unknown = FALSE;
  for (guint c = 0; c < self->n_columns; c++)
    {
      g_free (self->column_labels[c]);
      self->column_labels[c] = g_strdup (labels[c] != NULL ? labels[c] : "");
      self->column_unknown[c] = unknown != NULL && unknown[c];
      self->any_unknown |= self->column_unknown[c];
    }

  invalidate_metrics (self);
}

void
as_figure_set_row_labels (AsFigure           *self,
                          const char * const *inputs,
                          const char * const *outputs,
                          const float        *probs,
                          const gboolean     *chosen)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (inputs != NULL || self->n_rows == 0);
  g_return_if_fail (outputs != NULL || self->n_rows == 0);

  g_clear_pointer (&self->row_probs, g_free);
  if (probs != NULL && self->n_rows > 0)
    self->row_probs = g_memdup2 (probs, sizeof (float) * self->n_rows);

  for (guint r = 0; r < self->n_rows; r++)
    {
      g_free (self->row_inputs[r]);
      g_free (self->row_outputs[r]);
      self->row_inputs[r] = g_strdup (inputs[r] != NULL ? inputs[r] : "");
      self->row_outputs[r] = g_strdup (outputs[r] != NULL ? outputs[r] : "");
      self->row_chosen[r] = chosen != NULL && chosen[r];
    }

  invalidate_metrics (self);
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
as_figure_set_session (AsFigure  *self,
                       AsSession *session)
{
  guint n_columns, n_rows;
  g_autofree float *weights = NULL;
  g_autofree float *probs = NULL;
  g_autofree gboolean *unknown = NULL;
  g_autofree gboolean *chosen = NULL;
  g_autofree const char **columns = NULL;
  g_autofree const char **inputs = NULL;
  g_autofree const char **outputs = NULL;
  g_autofree char *translation = NULL;

  g_return_if_fail (self != NULL);

  if (session == NULL)
    {
      as_figure_set_matrix (self, 0, 0, NULL);
      as_figure_set_text (self, NULL, NULL);
      return;
    }

  n_columns = as_session_get_n_source (session);
  n_rows = as_session_get_n_steps (session);

  weights = g_new0 (float, (gsize) MAX (n_rows, 1) * MAX (n_columns, 1));
  probs = g_new0 (float, MAX (n_rows, 1));
  chosen = g_new0 (gboolean, MAX (n_rows, 1));
  inputs = g_new0 (const char *, n_rows + 1);
  outputs = g_new0 (const char *, n_rows + 1);
  for (guint r = 0; r < n_rows; r++)
    {
      const AsStep *step = as_session_get_step (session, r);

      memcpy (weights + (gsize) r * n_columns, as_session_get_cross_attention (session, r), sizeof (float) * n_columns);
      probs[r] = step->prob;
      chosen[r] = step->chosen;
      inputs[r] = as_session_get_target_token (session, step->input);
      outputs[r] = as_session_get_target_token (session, step->output);
    }

  columns = g_new0 (const char *, n_columns + 1);
  unknown = g_new0 (gboolean, MAX (n_columns, 1));
  for (guint c = 0; c < n_columns; c++)
    {
      columns[c] = as_session_get_source_text (session, c);
      unknown[c] = as_session_source_is_unknown (session, c);
    }

  as_figure_set_matrix (self, n_rows, n_columns, weights);
  as_figure_set_column_labels (self, columns, unknown);
  as_figure_set_row_labels (self, inputs, outputs, probs, chosen);

  translation = as_session_get_translation (session);
  as_figure_set_text (self, as_session_get_sentence (session), translation);
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
  g_return_val_if_fail (self != NULL, 0.0f);
  g_return_val_if_fail (row < self->n_rows && column < self->n_columns, 0.0f);

  return self->weights[(gsize) row * self->n_columns + column];
}

const char *
as_figure_get_column_label (AsFigure *self,
                            guint     column)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (column < self->n_columns, NULL);
  return self->column_labels[column];
}

gboolean
as_figure_get_column_unknown (AsFigure *self,
                              guint     column)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (column < self->n_columns, FALSE);
  return self->column_unknown[column];
}

const char *
as_figure_get_row_input (AsFigure *self,
                         guint     row)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (row < self->n_rows, NULL);
  return self->row_inputs[row];
}

const char *
as_figure_get_row_output (AsFigure *self,
                          guint     row)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (row < self->n_rows, NULL);
  return self->row_outputs[row];
}

/* Appearance */

void
as_figure_set_colormap (AsFigure   *self,
                        AsColormap  colormap)
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
as_figure_set_scale (AsFigure      *self,
                     AsFigureScale  scale)
{
  g_return_if_fail (self != NULL);

  if (self->scale == scale)
    return;

  self->scale = scale;
  invalidate_cells (self);
  invalidate_metrics (self);
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

static double
scale_max (AsFigure *self)
{
  if (self->scale == AS_FIGURE_SCALE_MAX && self->max_weight > 0.0f)
    return self->max_weight;
  return 1.0;
}

void
as_figure_weight_color (AsFigure *self,
                        float     weight,
                        double   *r,
                        double   *g,
                        double   *b)
{
  g_return_if_fail (self != NULL);

  as_colormap_lookup (self->colormap, weight / scale_max (self), r, g, b);
}

static guint32
weight_pixel (AsFigure *self,
              float     weight)
{
  double r, g, b;

  as_figure_weight_color (self, weight, &r, &g, &b);

  return 0xff000000u |
         (guint32) lround (r * 255.0) << 16 |
         (guint32) lround (g * 255.0) << 8 |
         (guint32) lround (b * 255.0);
}

static void
ensure_cells (AsFigure *self)
{
  guint width, height;
  guchar *data;
  int stride;

  if (self->cells != NULL || self->n_rows == 0 || self->n_columns == 0)
    return;

  self->bin_x = (self->n_columns + MAX_IMAGE_SIDE - 1) / MAX_IMAGE_SIDE;
  self->bin_y = (self->n_rows + MAX_IMAGE_SIDE - 1) / MAX_IMAGE_SIDE;
  width = (self->n_columns + self->bin_x - 1) / self->bin_x;
  height = (self->n_rows + self->bin_y - 1) / self->bin_y;

  self->cells = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) height);
  cairo_surface_flush (self->cells);
  data = cairo_image_surface_get_data (self->cells);
  stride = cairo_image_surface_get_stride (self->cells);

  for (guint y = 0; y < height; y++)
    {
      guint32 *line = (guint32 *) (gpointer) (data + (gsize) y * stride);

      for (guint x = 0; x < width; x++)
        {
          float w = 0.0f;

          for (guint r = y * self->bin_y; r < MIN ((y + 1) * self->bin_y, self->n_rows); r++)
            for (guint c = x * self->bin_x; c < MIN ((x + 1) * self->bin_x, self->n_columns); c++)
              w = MAX (w, self->weights[(gsize) r * self->n_columns + c]);

          line[x] = weight_pixel (self, w);
        }
    }

  cairo_surface_mark_dirty (self->cells);
}

static void
set_color (cairo_t             *cr,
           const AsFigureColor *color,
           double               alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

/* Text */

static PangoLayout *
make_layout (AsFigure     *self,
             PangoContext *context,
             const char   *text,
             int           px,
             PangoWeight   weight,
             PangoStyle    style)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *font = pango_font_description_new ();

  pango_font_description_set_family (font, FONT_FAMILY);
  pango_font_description_set_absolute_size (font, px * PANGO_SCALE);
  pango_font_description_set_weight (font, weight);
  pango_font_description_set_style (font, style);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (font);

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

/* The logical width of @text. */
static double
text_width (AsFigure   *self,
            const char *text,
            int         px,
            PangoWeight weight)
{
  g_autoptr (PangoLayout) layout = make_layout (self, measuring_context (self), text, px,
                                                weight, PANGO_STYLE_NORMAL);
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  return logical.width;
}

/* The height of a line of text: Latin ascenders and descenders and a CJK glyph. */
static double
text_height (AsFigure   *self,
             int         px,
             PangoWeight weight)
{
  g_autoptr (PangoLayout) layout = make_layout (self, measuring_context (self), "Ag我", px,
                                                weight, PANGO_STYLE_NORMAL);
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  return logical.height;
}

static void
format_tick (AsFigure *self,
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

static void
ensure_metrics (AsFigure *self)
{
  char buffer[32];

  if (self->metrics_valid)
    return;

  self->line_h = ceil (text_height (self, LABEL_PX, PANGO_WEIGHT_NORMAL));
  self->title_h = ceil (text_height (self, TITLE_PX, PANGO_WEIGHT_BOLD));
  self->subtitle_h = self->line_h;

  self->column_label_w = 0.0;
  for (guint c = 0; c < self->n_columns; c++)
    {
      double w = text_width (self, self->column_labels[c], LABEL_PX, PANGO_WEIGHT_NORMAL);

      if (self->column_unknown[c])
        w += text_width (self, "?", LABEL_PX, PANGO_WEIGHT_BOLD);
      self->column_label_w = MAX (self->column_label_w, MIN (ceil (w), LABEL_MAX));
    }

  g_snprintf (buffer, sizeof buffer, "%u", MAX (self->n_rows, 1));
  self->index_w = ceil (text_width (self, buffer, LABEL_PX, PANGO_WEIGHT_NORMAL));
  self->input_w = 0.0;
  self->output_w = 0.0;
  for (guint r = 0; r < self->n_rows; r++)
    {
      self->input_w = MAX (self->input_w,
                           MIN (ceil (text_width (self, self->row_inputs[r], LABEL_PX, PANGO_WEIGHT_NORMAL)),
                                ROW_TOKEN_MAX));
      self->output_w = MAX (self->output_w,
                            MIN (ceil (text_width (self, self->row_outputs[r], LABEL_PX, PANGO_WEIGHT_BOLD)),
                                 ROW_TOKEN_MAX));
    }
  self->arrow_w = ceil (text_width (self, " → ", LABEL_PX, PANGO_WEIGHT_NORMAL));
  self->prob_w = self->row_probs != NULL
                 ? ceil (text_width (self, "0.00", LABEL_PX, PANGO_WEIGHT_NORMAL))
                 : 0.0;
  self->row_label_w = self->n_rows == 0 ? 0.0
                      : self->index_w + GAP + self->input_w + self->arrow_w + self->output_w +
                        (self->prob_w > 0 ? GAP + self->prob_w : 0.0);

  self->tick_w = 0.0;
  for (int i = 0; i <= 2; i++)
    {
      format_tick (self, scale_max (self) * i / 2.0, buffer, sizeof buffer);
      self->tick_w = MAX (self->tick_w, ceil (text_width (self, buffer, LABEL_PX, PANGO_WEIGHT_NORMAL)));
    }

  self->metrics_valid = TRUE;
}

/* The first line: "sentence → translation". */
static char *
title_text (AsFigure *self)
{
  if (self->sentence != NULL)
    return g_strdup_printf ("%s  →  %s", self->sentence,
                            self->translation != NULL ? self->translation : "");
  if (self->n_columns == 0)
    return g_strdup ("Type a sentence to see where the model looks");
  return g_strdup ("Attention");
}

/* The second line: the step, how to read the rows, the unknown-word marker. */
static char *
subtitle_text (AsFigure *self)
{
  GString *sub = g_string_new (NULL);

  if (self->n_rows > 0)
    {
      if (self->step < 0)
        g_string_append_printf (sub, "All %u steps", self->n_rows);
      else
        g_string_append_printf (sub, "Step %d of %u: %s → %s", self->step + 1, self->n_rows,
                                self->row_inputs[self->step], self->row_outputs[self->step]);
      g_string_append (sub, "   ·   rows: token fed in → token that came out");
    }
  if (self->any_unknown)
    g_string_append (sub, "   ·   ? not in the vocabulary");

  return g_string_free (sub, FALSE);
}

/* Layout */

static double
bar_total_width (AsFigure *self)
{
  if (self->n_rows == 0)
    return 0.0;
  return GAP * 2 + BAR_WIDTH + 4.0 + 2.0 + self->tick_w;
}

static void
compute_layout (AsFigure *self,
                double    width,
                double    height,
                double    zoom,
                double    min_cell,
                double    scroll_x,
                double    scroll_y,
                Layout   *l)
{
  double top, avail_w, avail_h, view_w, view_h, block_w, left, bar_h;
  double column_h = 0.0;

  ensure_metrics (self);
  memset (l, 0, sizeof *l);
  l->width = width;
  l->height = height;
  l->column_every = 1;
  l->row_every = 1;

  l->title = (AsFigureRect) { MARGIN, MARGIN, MAX (width - 2 * MARGIN, 0.0),
                              self->title_h + 2.0 + self->subtitle_h };
  top = l->title.y + l->title.height + GAP * 2;

  if (self->n_columns == 0)
    return;

  avail_w = MAX (width - 2 * MARGIN - self->row_label_w - (self->n_rows > 0 ? GAP : 0.0) -
                 bar_total_width (self), 1.0);

  /* Labels horizontal if they fit in a cell, else rotated: try both. */
  for (int rotated = 0; rotated <= 1; rotated++)
    {
      double fit, cell;

      column_h = rotated ? self->column_label_w + 8.0 : self->line_h + 4.0;
      avail_h = MAX (height - top - column_h - MARGIN, 1.0);

      fit = avail_w / self->n_columns;
      if (self->n_rows > 0)
        fit = MIN (fit, avail_h / self->n_rows);
      cell = MIN (fit, MAX_CELL) * zoom;
      cell = MAX (cell, min_cell);
      if (cell >= SNAP_CELL)
        cell = floor (cell);
      cell = MAX (cell, 0.25);

      l->cell = cell;
      l->rotate_columns = rotated;
      if (!rotated && self->column_label_w + 4.0 <= cell)
        break;
    }

  avail_h = MAX (height - top - column_h - MARGIN, 1.0);
  l->grid_w = l->cell * self->n_columns;
  l->grid_h = l->cell * self->n_rows;
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

  l->sx = floor (CLAMP (scroll_x, 0.0, MAX (l->grid_w - view_w, 0.0)));
  l->sy = floor (CLAMP (scroll_y, 0.0, MAX (l->grid_h - view_h, 0.0)));
  l->ox = l->grid.x - l->sx;
  l->oy = l->grid.y - l->sy;

  bar_h = MAX (view_h, MIN (BAR_MIN_HEIGHT, avail_h));
  if (self->n_rows > 0)
    l->bar = (AsFigureRect) { l->grid.x + view_w + GAP * 2, l->grid.y, BAR_WIDTH, bar_h };

  if (l->rotate_columns)
    l->column_every = (guint) MAX (1.0, ceil ((self->line_h + 1.0) / l->cell));
  l->row_every = (guint) MAX (1.0, ceil (self->line_h / l->cell));
}

static const Layout *
screen_layout (AsFigure *self,
               double    width,
               double    height)
{
  if (!self->layout_valid || !self->metrics_valid ||
      self->layout.width != width || self->layout.height != height)
    {
      compute_layout (self, width, height, self->zoom, self->min_cell,
                      self->scroll_x, self->scroll_y, &self->layout);
      self->layout_valid = TRUE;
    }

  return &self->layout;
}

void
as_figure_get_scroll_range (AsFigure *self,
                            double    width,
                            double    height,
                            double   *max_x,
                            double   *max_y)
{
  const Layout *l;

  g_return_if_fail (self != NULL);

  l = screen_layout (self, width, height);
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
  double cell, column_h, w, h, title_w;
  guint n;

  g_return_if_fail (self != NULL);

  ensure_metrics (self);

  n = MAX (MAX (self->n_rows, self->n_columns), 1);
  cell = floor (CLAMP (NATURAL_GRID / n, NATURAL_MIN, NATURAL_CELL));
  column_h = self->column_label_w + 4.0 <= cell ? self->line_h + 4.0 : self->column_label_w + 8.0;

  w = 2 * MARGIN + self->row_label_w + (self->n_rows > 0 ? GAP : 0.0) +
      cell * self->n_columns + bar_total_width (self);
  h = MARGIN + self->title_h + 2.0 + self->subtitle_h + GAP * 2 + column_h +
      MAX (cell * self->n_rows, self->n_rows > 0 ? BAR_MIN_HEIGHT : 0.0) + MARGIN;

  /* wide enough for the title, within reason */
  {
    g_autofree char *title = title_text (self);
    g_autofree char *sub = subtitle_text (self);

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
  const Layout *l;
  int r = -1, c = -1;
  AsFigurePart part = AS_FIGURE_PART_NONE;

  g_return_val_if_fail (self != NULL, AS_FIGURE_PART_NONE);

  l = screen_layout (self, width, height);

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

/* Cell (@row, @column), with its edges computed exactly as the hit test
 * computes them (origin + i * cell), so that x + width is the next cell's x. */
static AsFigureRect
span_rect (const Layout *l,
           guint         row,
           guint         column)
{
  double x0 = l->ox + column * l->cell;
  double x1 = l->ox + (column + 1) * l->cell;
  double y0 = l->oy + row * l->cell;
  double y1 = l->oy + (row + 1) * l->cell;

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
as_figure_get_cell_rect (AsFigure     *self,
                         double        width,
                         double        height,
                         guint         row,
                         guint         column,
                         AsFigureRect *rect)
{
  const Layout *l;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (row >= self->n_rows || column >= self->n_columns)
    return FALSE;

  l = screen_layout (self, width, height);
  *rect = span_rect (l, row, column);
  return TRUE;
}

gboolean
as_figure_get_grid_rect (AsFigure     *self,
                         double        width,
                         double        height,
                         AsFigureRect *rect)
{
  const Layout *l;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (self->n_columns == 0 || self->n_rows == 0)
    return FALSE;

  l = screen_layout (self, width, height);
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
  const Layout *l;
  AsFigureRect band, visible;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (row >= self->n_rows || self->n_columns == 0)
    return FALSE;

  l = screen_layout (self, width, height);
  band = span_rect (l, row, 0);
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
  const Layout *l;
  AsFigureRect band, visible;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (column >= self->n_columns)
    return FALSE;

  l = screen_layout (self, width, height);
  band = span_rect (l, 0, column);
  band.y = l->column_area.y;
  band.height = l->grid.y + l->grid.height - l->column_area.y;
  visible = (AsFigureRect) { l->grid.x, l->column_area.y,
                             l->grid.width, l->grid.y + l->grid.height - l->column_area.y };
  return intersect (&band, &visible, rect);
}

static const char *
chosen_note (AsFigure *self,
             guint     row)
{
  return self->row_chosen[row] ? " (chosen, not the model's first choice)" : "";
}

char *
as_figure_describe (AsFigure     *self,
                    AsFigurePart  part,
                    int           row,
                    int           column)
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

/* Drawing */

static void
show_text (cairo_t     *cr,
           PangoLayout *layout,
           double       x,
           double       y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

static double
layout_width (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  return logical.width;
}

static void
draw_title (AsFigure     *self,
            cairo_t      *cr,
            PangoContext *context,
            const Layout *l)
{
  g_autoptr (PangoLayout) title = NULL;
  g_autoptr (PangoLayout) subtitle = NULL;
  g_autofree char *text = title_text (self);
  g_autofree char *sub = subtitle_text (self);

  title = make_layout (self, context, text, TITLE_PX, PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL);
  pango_layout_set_width (title, (int) (l->title.width * PANGO_SCALE));
  pango_layout_set_ellipsize (title, PANGO_ELLIPSIZE_END);
  set_color (cr, &self->fg, 1.0);
  show_text (cr, title, l->title.x, l->title.y);

  subtitle = make_layout (self, context, sub, LABEL_PX, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
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

static void
visible_range (double  origin,
               double  cell,
               double  view_start,
               double  view_size,
               guint   n,
               guint  *first,
               guint  *last)
{
  double a = floor ((view_start - origin) / cell);
  double b = ceil ((view_start + view_size - origin) / cell);

  *first = (guint) CLAMP (a, 0.0, (double) n);
  *last = (guint) CLAMP (b, 0.0, (double) n);   /* exclusive */
}

static void
draw_cells (AsFigure     *self,
            cairo_t      *cr,
            const Layout *l)
{
  guint r0, r1, c0, c1;

  cairo_save (cr);
  cairo_rectangle (cr, l->grid.x, l->grid.y, l->grid.width, l->grid.height);
  cairo_clip (cr);

  visible_range (l->ox, l->cell, l->grid.x, l->grid.width, self->n_columns, &c0, &c1);
  visible_range (l->oy, l->cell, l->grid.y, l->grid.height, self->n_rows, &r0, &r1);

  if (target_is_vector (cr) && (gsize) self->n_rows * self->n_columns <= VECTOR_CELLS)
    {
      /* One rectangle per cell; each overlaps its right and lower
       * neighbours a little so that no renderer shows seams. */
      for (guint r = r0; r < r1; r++)
        for (guint c = c0; c < c1; c++)
          {
            double red, green, blue;
            double over_x = c + 1 < c1 ? 0.5 : 0.0;
            double over_y = r + 1 < r1 ? 0.5 : 0.0;

            as_figure_weight_color (self, self->weights[(gsize) r * self->n_columns + c],
                                    &red, &green, &blue);
            cairo_set_source_rgb (cr, red, green, blue);
            cairo_rectangle (cr, l->ox + c * l->cell, l->oy + r * l->cell,
                             l->cell + over_x, l->cell + over_y);
            cairo_fill (cr);
          }
    }
  else
    {
      cairo_pattern_t *pattern;
      cairo_matrix_t matrix;

      ensure_cells (self);
      pattern = cairo_pattern_create_for_surface (self->cells);
      /* pattern space = image pixels; user space = figure pixels */
      cairo_matrix_init_scale (&matrix, 1.0 / (l->cell * self->bin_x), 1.0 / (l->cell * self->bin_y));
      cairo_matrix_translate (&matrix, -l->ox, -l->oy);
      cairo_pattern_set_matrix (pattern, &matrix);
      cairo_pattern_set_filter (pattern, l->cell * MIN (self->bin_x, self->bin_y) >= 1.0
                                         ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
      cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
      cairo_set_source (cr, pattern);
      cairo_rectangle (cr, MAX (l->ox, l->grid.x), MAX (l->oy, l->grid.y),
                       MIN (l->grid_w, l->grid.width), MIN (l->grid_h, l->grid.height));
      cairo_fill (cr);
      cairo_pattern_destroy (pattern);
    }

  /* Rows after the step: dimmed. The current one: outlined. */
  if (self->step >= 0 && self->step + 1 < (int) self->n_rows)
    {
      double y = l->oy + (self->step + 1) * l->cell;

      set_color (cr, &self->bg, DIM_ALPHA);
      cairo_rectangle (cr, l->grid.x, y, l->grid.width, l->grid.y + l->grid.height - y);
      cairo_fill (cr);
    }

  cairo_restore (cr);

  if (self->step >= 0)
    {
      double y = l->oy + self->step * l->cell;
      double lw = l->cell >= 8.0 ? 2.0 : 1.0;

      if (y + l->cell > l->grid.y && y < l->grid.y + l->grid.height)
        {
          set_color (cr, &self->fg, 1.0);
          cairo_set_line_width (cr, lw);
          cairo_rectangle (cr, l->grid.x - lw / 2, y - lw / 2,
                           l->grid.width + lw, l->cell + lw);
          cairo_stroke (cr);
        }
    }
}

static void
draw_column_labels (AsFigure     *self,
                    cairo_t      *cr,
                    PangoContext *context,
                    const Layout *l)
{
  guint c0, c1;

  visible_range (l->ox, l->cell, l->grid.x, l->grid.width, self->n_columns, &c0, &c1);

  cairo_save (cr);
  cairo_rectangle (cr, l->column_area.x - (l->rotate_columns ? self->line_h : LABEL_MAX / 2),
                   l->column_area.y - 2,
                   l->column_area.width + (l->rotate_columns ? 2 * self->line_h : LABEL_MAX),
                   l->column_area.height + 2);
  cairo_clip (cr);

  for (guint c = c0 - c0 % l->column_every; c < c1; c += l->column_every)
    {
      g_autoptr (PangoLayout) layout = NULL;
      double cx = l->ox + (c + 0.5) * l->cell;

      layout = make_layout (self, context, self->column_labels[c], LABEL_PX,
                            PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
      if (self->column_unknown[c])
        {
          PangoAttrList *attrs = pango_attr_list_new ();
          PangoAttribute *attr;
          g_autofree char *marked = g_strconcat (self->column_labels[c], "?", NULL);
          guint16 r16 = (guint16) (self->warning.red * 65535);
          guint16 g16 = (guint16) (self->warning.green * 65535);
          guint16 b16 = (guint16) (self->warning.blue * 65535);

          pango_layout_set_text (layout, marked, -1);
          attr = pango_attr_foreground_new (r16, g16, b16);
          pango_attr_list_insert (attrs, attr);
          attr = pango_attr_underline_new (PANGO_UNDERLINE_ERROR);
          attr->end_index = strlen (self->column_labels[c]);
          pango_attr_list_insert (attrs, attr);
          attr = pango_attr_weight_new (PANGO_WEIGHT_BOLD);
          attr->start_index = strlen (self->column_labels[c]);
          pango_attr_list_insert (attrs, attr);
          pango_layout_set_attributes (layout, attrs);
          pango_attr_list_unref (attrs);
        }

      set_color (cr, &self->fg, 1.0);
      if (l->rotate_columns)
        {
          pango_layout_set_width (layout, (int) (LABEL_MAX * PANGO_SCALE));
          pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
          cairo_save (cr);
          cairo_translate (cr, cx - self->line_h / 2.0, l->grid.y - 4.0);
          cairo_rotate (cr, -G_PI / 2.0);
          show_text (cr, layout, 0.0, 0.0);
          cairo_restore (cr);
        }
      else
        {
          show_text (cr, layout, cx - layout_width (layout) / 2.0, l->grid.y - 2.0 - self->line_h);
        }
    }

  cairo_restore (cr);
}

/* The next row whose label is drawn after @r when there is no room for
 * all: every row_every-th, and always the current step's, which pushes its
 * neighbours aside. */
static guint
next_row_label (AsFigure     *self,
                const Layout *l,
                guint         r)
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

static void
draw_row_labels (AsFigure     *self,
                 cairo_t      *cr,
                 PangoContext *context,
                 const Layout *l)
{
  guint r0, r1;
  double x_index = l->row_area.x;
  double x_input = x_index + self->index_w + GAP;
  double x_arrow = x_input + self->input_w;
  double x_output = x_arrow + self->arrow_w;
  double x_prob = x_output + self->output_w + GAP;

  visible_range (l->oy, l->cell, l->grid.y, l->grid.height, self->n_rows, &r0, &r1);

  cairo_save (cr);
  cairo_rectangle (cr, l->row_area.x, l->row_area.y - self->line_h, l->row_area.width,
                   l->row_area.height + 2 * self->line_h);
  cairo_clip (cr);

  for (guint r = r0 - r0 % l->row_every; r < r1; r = next_row_label (self, l, r))
    {
      g_autoptr (PangoLayout) index = NULL;
      g_autoptr (PangoLayout) input = NULL;
      g_autoptr (PangoLayout) arrow = NULL;
      g_autoptr (PangoLayout) output = NULL;
      char buffer[32];
      double y = l->oy + r * l->cell + (l->cell * l->row_every - self->line_h) / 2.0;
      double alpha = self->step >= 0 && (int) r > self->step ? 0.35 : 1.0;
      gboolean current = (int) r == self->step;

      if (l->row_every > 1)
        y = l->oy + (r + 0.5) * l->cell - self->line_h / 2.0;

      g_snprintf (buffer, sizeof buffer, "%u", r + 1);
      index = make_layout (self, context, buffer, LABEL_PX, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
      set_color (cr, &self->fg, 0.55 * alpha);
      show_text (cr, index, x_index + self->index_w - layout_width (index), y);

      input = make_layout (self, context, self->row_inputs[r], LABEL_PX,
                           PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
      pango_layout_set_width (input, (int) (ROW_TOKEN_MAX * PANGO_SCALE));
      pango_layout_set_ellipsize (input, PANGO_ELLIPSIZE_END);
      set_color (cr, &self->fg, 0.8 * alpha);
      show_text (cr, input, x_arrow - MIN (layout_width (input), ROW_TOKEN_MAX), y);

      arrow = make_layout (self, context, " → ", LABEL_PX, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
      set_color (cr, &self->fg, 0.55 * alpha);
      show_text (cr, arrow, x_arrow, y);

      output = make_layout (self, context, self->row_outputs[r], LABEL_PX, PANGO_WEIGHT_BOLD,
                            self->row_chosen[r] ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
      pango_layout_set_width (output, (int) (ROW_TOKEN_MAX * PANGO_SCALE));
      pango_layout_set_ellipsize (output, PANGO_ELLIPSIZE_END);
      set_color (cr, self->row_chosen[r] ? &self->accent : &self->fg, alpha);
      show_text (cr, output, x_output, y);

      if (self->row_probs != NULL)
        {
          g_autoptr (PangoLayout) prob = NULL;

          g_snprintf (buffer, sizeof buffer, "%.2f", self->row_probs[r]);
          prob = make_layout (self, context, buffer, LABEL_PX, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
          set_color (cr, &self->fg, 0.55 * alpha);
          show_text (cr, prob, x_prob + self->prob_w - layout_width (prob), y);
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
draw_colorbar (AsFigure     *self,
               cairo_t      *cr,
               PangoContext *context,
               const Layout *l)
{
  cairo_pattern_t *gradient;
  const AsFigureRect *bar = &l->bar;

  if (bar->height <= 0)
    return;

  gradient = cairo_pattern_create_linear (0, bar->y + bar->height, 0, bar->y);
  for (int i = 0; i <= 32; i++)
    {
      double r, g, b;

      as_colormap_lookup (self->colormap, i / 32.0, &r, &g, &b);
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

  for (int i = 0; i <= 2; i++)
    {
      g_autoptr (PangoLayout) tick = NULL;
      char buffer[32];
      double y = bar->y + bar->height - bar->height * i / 2.0;

      y = i == 0 ? y - 0.5 : i == 2 ? y + 0.5 : floor (y) + 0.5;
      set_color (cr, &self->fg, 0.8);
      cairo_move_to (cr, bar->x + bar->width, y);
      cairo_rel_line_to (cr, 4.0, 0.0);
      cairo_stroke (cr);

      format_tick (self, scale_max (self) * i / 2.0, buffer, sizeof buffer);
      tick = make_layout (self, context, buffer, LABEL_PX, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL);
      show_text (cr, tick, bar->x + bar->width + 6.0,
                 CLAMP (y - self->line_h / 2.0, bar->y - self->line_h / 2.0,
                        bar->y + bar->height - self->line_h / 2.0));
    }
}

static void
draw_with_layout (AsFigure     *self,
                  cairo_t      *cr,
                  const Layout *l)
{
  PangoContext *context;
  cairo_font_options_t *options;

  cairo_save (cr);

  context = pango_cairo_create_context (cr);
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);

  if (self->bg.alpha > 0.0)
    {
      set_color (cr, &self->bg, 1.0);
      cairo_rectangle (cr, 0, 0, l->width, l->height);
      cairo_fill (cr);
    }

  draw_title (self, cr, context, l);

  if (self->n_columns > 0)
    {
      if (self->n_rows > 0)
        {
          draw_cells (self, cr, l);
          draw_row_labels (self, cr, context, l);
          draw_colorbar (self, cr, context, l);
        }
      draw_column_labels (self, cr, context, l);
    }

  g_object_unref (context);
  cairo_restore (cr);
}

void
as_figure_draw (AsFigure *self,
                cairo_t  *cr,
                double    width,
                double    height)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (cr != NULL);

  draw_with_layout (self, cr, screen_layout (self, width, height));
}

/* Export */

typedef enum
{
  FORMAT_SVG,
  FORMAT_PNG,
  FORMAT_PDF,
} Format;

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static char *
describe_for_file (AsFigure *self)
{
  GString *text = g_string_new (NULL);

  g_string_append (text, "Source tokens:");
  for (guint c = 0; c < self->n_columns; c++)
    g_string_append_printf (text, " %s%s", self->column_labels[c], self->column_unknown[c] ? "(?)" : "");
  g_string_append (text, ".\nDecoder steps (token fed in → token that came out):");
  for (guint r = 0; r < self->n_rows; r++)
    g_string_append_printf (text, "%s%u. %s → %s", r == 0 ? " " : "; ", r + 1,
                            self->row_inputs[r], self->row_outputs[r]);
  g_string_append (text, ".");
  if (self->step >= 0 && self->n_rows > 0)
    g_string_append_printf (text, "\nShown at step %d of %u: rows after it are dimmed.",
                            self->step + 1, self->n_rows);
  else if (self->n_rows > 0)
    g_string_append_printf (text, "\nAll %u steps shown.", self->n_rows);

  return g_string_free (text, FALSE);
}

static char *
title_for_file (AsFigure *self)
{
  if (self->sentence != NULL)
    return g_strdup_printf ("Attention: %s → %s", self->sentence,
                            self->translation != NULL ? self->translation : "");
  return g_strdup ("Attention");
}

/* cairo's SVG has no text elements (glyphs are paths): give the document a
 * <title> and <desc> so that it says what it shows, to people using screen
 * readers and to anything searching the file. */
static void
add_svg_description (AsFigure   *self,
                     GByteArray *svg)
{
  g_autofree char *title = title_for_file (self);
  g_autofree char *desc = describe_for_file (self);
  g_autofree char *title_escaped = g_markup_escape_text (title, -1);
  g_autofree char *desc_escaped = g_markup_escape_text (desc, -1);
  g_autofree char *insert = g_strdup_printf ("\n<title>%s</title>\n<desc>%s</desc>",
                                             title_escaped, desc_escaped);
  const char *data = (const char *) svg->data;
  const char *root = g_strstr_len (data, svg->len, "<svg");
  const char *end;

  if (root == NULL)
    return;
  end = memchr (root, '>', svg->len - (root - data));
  if (end == NULL)
    return;

  {
    guint at = (guint) (end - data) + 1;
    g_autoptr (GByteArray) rest = g_byte_array_new ();

    g_byte_array_append (rest, svg->data + at, svg->len - at);
    g_byte_array_set_size (svg, at);
    g_byte_array_append (svg, (const guint8 *) insert, strlen (insert));
    g_byte_array_append (svg, rest->data, rest->len);
  }
}

/* The cells of a large matrix are one embedded image, one pixel per cell:
 * ask SVG renderers to scale it without smoothing, as the screen does. */
static void
keep_svg_images_crisp (GByteArray *svg)
{
  GString *text = g_string_new_len ((const char *) svg->data, svg->len);

  g_string_replace (text, "<image ",
                    "<image image-rendering=\"optimizeSpeed\" style=\"image-rendering:pixelated\" ", 0);
  g_byte_array_set_size (svg, 0);
  g_byte_array_append (svg, (const guint8 *) text->str, text->len);
  g_string_free (text, TRUE);
}

static gboolean
render_to_bytes (AsFigure    *self,
                 Format       format,
                 GByteArray  *bytes,
                 const char  *path,
                 GError     **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  Layout layout;
  int width, height;

  as_figure_get_natural_size (self, &width, &height);
  compute_layout (self, width, height, 1.0, 0.0, 0.0, 0.0, &layout);

  switch (format)
    {
    case FORMAT_SVG:
      surface = cairo_svg_surface_create_for_stream (append_bytes, bytes, width, height);
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
      break;
    case FORMAT_PDF:
      {
        g_autofree char *title = title_for_file (self);

        surface = cairo_pdf_surface_create_for_stream (append_bytes, bytes, width, height);
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "AttnScope " AS_VERSION);
      }
      break;
    case FORMAT_PNG:
    default:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      break;
    }

  cr = cairo_create (surface);
  draw_with_layout (self, cr, &layout);
  status = cairo_status (cr);
  cairo_destroy (cr);

  if (status == CAIRO_STATUS_SUCCESS && format == FORMAT_PNG)
    status = cairo_surface_write_to_png_stream (surface, append_bytes, bytes);

  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE,
                   "Could not draw the figure for “%s”: %s", path, cairo_status_to_string (status));
      return FALSE;
    }

  if (format == FORMAT_SVG)
    {
      add_svg_description (self, bytes);
      keep_svg_images_crisp (bytes);
    }

  return TRUE;
}

gboolean
as_figure_export (AsFigure    *self,
                  const char  *path,
                  GError     **error)
{
  g_autoptr (GByteArray) bytes = NULL;
  g_autofree char *lower = NULL;
  const char *dot;
  Format format;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  dot = strrchr (lower, '.');
  if (dot != NULL && strchr (dot, '/') == NULL && strcmp (dot, ".svg") == 0)
    format = FORMAT_SVG;
  else if (dot != NULL && strchr (dot, '/') == NULL && strcmp (dot, ".png") == 0)
    format = FORMAT_PNG;
  else if (dot != NULL && strchr (dot, '/') == NULL && strcmp (dot, ".pdf") == 0)
    format = FORMAT_PDF;
  else
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE,
                   "Could not export to “%s”: the file name must end in .svg, .png or .pdf", path);
      return FALSE;
    }

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "Could not write “%s”: it is a folder", path);
      return FALSE;
    }

  bytes = g_byte_array_new ();
  if (!render_to_bytes (self, format, bytes, path, error))
    return FALSE;

  return as_file_write_atomically (path, bytes->data, bytes->len, error);
}
