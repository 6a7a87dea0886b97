#pragma once

/* The attention figure: cells, source labels along the top, target rows
 * (input -> output) along the left, a colour bar with its scale, and a title.
 * Drawn with cairo in one place for the screen (the GTK widget), the
 * SVG/PNG/PDF export and the tests. Knows nothing of GTK.
 *
 * Rows are decoder steps (0-based), columns are source tokens. The cells are
 * rendered once into an image (one pixel per cell) and painted scaled with a
 * nearest-neighbour filter; SVG and PDF exports of a modest matrix get one
 * vector rectangle per cell instead. The layout (cell size, label areas,
 * which labels are shown) is computed once per size and reused by drawing,
 * hit testing and the widget's highlight. */

#include <cairo.h>
#include <glib.h>

#include "as-colormap.h"
#include "as-figure-axis.h"

G_BEGIN_DECLS

typedef struct
{
  double red, green, blue, alpha;
} AsFigureColor;

typedef struct
{
  double x, y, width, height;
} AsFigureRect;

/* What is under a point of the figure. */
typedef enum
{
  AS_FIGURE_PART_NONE,
  AS_FIGURE_PART_CELL,          /* row and column */
  AS_FIGURE_PART_ROW_LABEL,     /* row */
  AS_FIGURE_PART_COLUMN_LABEL,  /* column */
} AsFigurePart;

/* How weights map to colours: 0..1, or 0..the largest weight of the matrix. */
typedef enum
{
  AS_FIGURE_SCALE_ONE,
  AS_FIGURE_SCALE_MAX,
} AsFigureScale;

typedef struct _AsFigure AsFigure;

AsFigure   *as_figure_new             (void);
void        as_figure_free            (AsFigure   *self);

void        as_figure_set_colormap    (AsFigure   *self,
                                       AsColormap  colormap);
AsColormap  as_figure_get_colormap    (AsFigure   *self);
/* -1 shows every step; otherwise rows after @step are dimmed and @step is outlined. */
void        as_figure_set_step        (AsFigure   *self,
                                       int         step);
int         as_figure_get_step        (AsFigure   *self);
void        as_figure_set_scale       (AsFigure     *self,
                                       AsFigureScale scale);

/* The matrix: @weights is (@n_rows, @n_columns), row-major; it is copied.
 * Resets the axes to plain ones (rows without labels, columns numbered). */
void        as_figure_set_matrix      (AsFigure    *self,
                                       guint        n_rows,
                                       guint        n_columns,
                                       const float *weights);
/* What the rows and the columns stand for (copied; NULL keeps the axis as
 * it is): @rows has n_rows entries, @columns n_columns. The tooltips, the
 * subtitle and the exported file's description use their words. */
void        as_figure_set_axes        (AsFigure           *self,
                                       const AsFigureAxis *rows,
                                       const AsFigureAxis *columns);
const AsFigureAxis *as_figure_get_row_axis    (AsFigure *self);
const AsFigureAxis *as_figure_get_column_axis (AsFigure *self);
/* For the default title and the exported file's description. */
void        as_figure_set_text        (AsFigure   *self,
                                       const char *sentence,
                                       const char *translation);

guint       as_figure_get_n_rows      (AsFigure   *self);
guint       as_figure_get_n_columns   (AsFigure   *self);
float       as_figure_get_weight      (AsFigure   *self,
                                       guint       row,
                                       guint       column);
const char *as_figure_get_column_label (AsFigure  *self,
                                        guint      column);
/* Whether the column has AS_FIGURE_MARK_UNKNOWN. */
gboolean    as_figure_get_column_unknown (AsFigure *self,
                                          guint     column);
/* A row's input (NULL where the row axis has none) and its label. */
const char *as_figure_get_row_input   (AsFigure   *self,
                                       guint       row);
const char *as_figure_get_row_output  (AsFigure   *self,
                                       guint       row);
/* The colour a weight is painted with (sRGB, 0..1), under the current map and scale. */
void        as_figure_weight_color    (AsFigure   *self,
                                       float       weight,
                                       double     *r,
                                       double     *g,
                                       double     *b);

/* Text (foreground), background, highlight (accent) and unknown-word
 * (warning) colours; the defaults are the light style's. */
void        as_figure_set_colors      (AsFigure            *self,
                                       const AsFigureColor *foreground,
                                       const AsFigureColor *background,
                                       const AsFigureColor *accent,
                                       const AsFigureColor *warning);
void        as_figure_get_colors      (AsFigure            *self,
                                       AsFigureColor       *foreground,
                                       AsFigureColor       *background,
                                       AsFigureColor       *accent,
                                       AsFigureColor       *warning);

/* On screen: cells are never smaller than @min_cell (pixels) and are
 * @zoom (>= 1) times the size that fits; what does not fit is scrolled
 * by (@x, @y), clamped to as_figure_get_scroll_range(). */
void        as_figure_set_min_cell    (AsFigure   *self,
                                       double      min_cell);
void        as_figure_set_zoom        (AsFigure   *self,
                                       double      zoom);
double      as_figure_get_zoom        (AsFigure   *self);
void        as_figure_set_scroll      (AsFigure   *self,
                                       double      x,
                                       double      y);
void        as_figure_get_scroll_range (AsFigure  *self,
                                        double     width,
                                        double     height,
                                        double    *max_x,
                                        double    *max_y);
/* A size at which everything is shown unscrolled with readable labels:
 * what the export uses. */
void        as_figure_get_natural_size (AsFigure  *self,
                                        int       *width,
                                        int       *height);

/* Draws the whole figure into a @width x @height area of @cr. */
void        as_figure_draw            (AsFigure   *self,
                                       cairo_t    *cr,
                                       double      width,
                                       double      height);

/* Hit test of the figure laid out in @width x @height: which cell or label
 * is under (@x, @y). Cells and label strips are half-open: a point on the
 * border between two cells belongs to the right / lower one. @row and
 * @column are set to -1 when they do not apply. */
AsFigurePart as_figure_hit_test       (AsFigure   *self,
                                       double      width,
                                       double      height,
                                       double      x,
                                       double      y,
                                       int        *row,
                                       int        *column);
/* Where things are in that layout, unclipped. FALSE when out of range or
 * when the figure has nothing there. */
gboolean    as_figure_get_cell_rect   (AsFigure     *self,
                                       double        width,
                                       double        height,
                                       guint         row,
                                       guint         column,
                                       AsFigureRect *rect);
/* The visible cell area (the part of the grid inside the view). */
gboolean    as_figure_get_grid_rect   (AsFigure     *self,
                                       double        width,
                                       double        height,
                                       AsFigureRect *rect);
/* A row: its label and its cells, clipped to what is visible. */
gboolean    as_figure_get_row_rect    (AsFigure     *self,
                                       double        width,
                                       double        height,
                                       guint         row,
                                       AsFigureRect *rect);
/* A column: its label and its cells, clipped to what is visible. */
gboolean    as_figure_get_column_rect (AsFigure     *self,
                                       double        width,
                                       double        height,
                                       guint         column,
                                       AsFigureRect *rect);

/* What a tooltip says about a part (plain text), or NULL over nothing. */
char       *as_figure_describe        (AsFigure     *self,
                                       AsFigurePart  part,
                                       int           row,
                                       int           column);

/* Writes the figure to @path as SVG, PNG or PDF by its extension, atomically:
 * a failure leaves no partial file and any existing file as it was. */
gboolean    as_figure_export          (AsFigure   *self,
                                       const char *path,
                                       GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AsFigure, as_figure_free)

G_END_DECLS
