#pragma once

/* The attention figure: a matrix of weights, a row axis and a column axis
 * (as-figure-axis.h: labels, marks and the words tooltips use), a colour
 * bar with its scale, and a title. Drawn with cairo in one place for the
 * screen (the GTK widget), the SVG/PNG/PDF export and the tests. Knows
 * nothing of GTK, nor of sessions and models: as-figure-session.h turns a
 * session into a figure.
 *
 * The figure shows one matrix (a panel) with the row labels on its left and
 * the column labels above it, zoomed and scrolled as asked; or several
 * matrices over the same axes, one per layer and head, as a grid of panels,
 * each under its caption, shown whole. The same function draws a panel in
 * both. A panel's cells are rendered once into an image (one pixel per
 * cell) and painted scaled with a nearest-neighbour filter; SVG and PDF
 * exports of a modest matrix get one vector rectangle per cell instead. The
 * layout is computed once per size and reused by drawing, hit testing and
 * the widget's highlight. The lines view draws the same matrix as lines
 * between two lists of tokens instead (as_figure_set_view()); masked cells
 * (as_figure_set_row_lengths()) are hatched in the one, lineless in the
 * other.
 *
 * Files: as-figure.c (the object, its data and text), -layout.c, -draw.c,
 * -hit.c (hit testing and tooltips), -export.c. */

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
  AS_FIGURE_PART_CELL,          /* row and column (and panel) */
  AS_FIGURE_PART_ROW_LABEL,     /* row */
  AS_FIGURE_PART_COLUMN_LABEL,  /* column */
  AS_FIGURE_PART_COLOR_BAR,     /* the colour bar (as_figure_get_bar_value() reads it) */
} AsFigurePart;

/* How weights map to colours: 0..1; 0..the largest weight of the figure
 * (so that a long input's small weights are not all dark); each row's
 * weights as shares of that row's largest (0..1 of it); or logarithmic,
 * over the AS_FIGURE_LOG_DECADES decades below the power of ten at or above
 * the largest weight (0.001..1 for attention), smaller weights at the
 * bottom. */
typedef enum
{
  AS_FIGURE_SCALE_ONE,
  AS_FIGURE_SCALE_MAX,
  AS_FIGURE_SCALE_ROW,
  AS_FIGURE_SCALE_LOG,
} AsFigureScale;

#define AS_FIGURE_N_SCALES    4
#define AS_FIGURE_LOG_DECADES 3

/* "one", "max", "row", "log" (the settings' and the command line's names). */
gboolean    as_figure_scale_from_name (const char    *name,
                                       AsFigureScale *scale);
const char *as_figure_scale_to_name   (AsFigureScale  scale);

/* How the matrix is shown: as cells, or as lines between two columns of
 * tokens (the column tokens on the left, the row tokens on the right), as
 * word-alignment figures are drawn. */
typedef enum
{
  AS_FIGURE_VIEW_MATRIX,
  AS_FIGURE_VIEW_LINES,
} AsFigureView;

typedef struct _AsFigure AsFigure;

AsFigure   *as_figure_new             (void);
void        as_figure_free            (AsFigure   *self);

/* Data */

/* One matrix: @weights is (@n_rows, @n_columns), row-major; it is copied.
 * Resets the axes to plain ones (rows without labels, columns numbered). */
void        as_figure_set_matrix      (AsFigure    *self,
                                       guint        n_rows,
                                       guint        n_columns,
                                       const float *weights);
/* A grid of panels, @n_layers rows of @n_heads: @weights is (@n_layers,
 * @n_heads, @n_rows, @n_columns), copied; panel p is layer p / n_heads,
 * head p % n_heads. One panel (1 x 1) is as_figure_set_matrix(). Resets
 * the axes as that does. */
void        as_figure_set_panels      (AsFigure    *self,
                                       guint        n_layers,
                                       guint        n_heads,
                                       guint        n_rows,
                                       guint        n_columns,
                                       const float *weights);
/* Masked cells: row r sees columns 0..@lengths[r]-1 and the rest of it is
 * masked (decoder self-attention: step t sees the t + 1 tokens fed in so
 * far). Masked cells are drawn as the background hatched in a muted
 * foreground colour, in every panel, never as a weight; their tooltip says
 * they are masked and AS_FIGURE_SCALE_MAX leaves them out. @lengths has
 * n_rows entries (copied); NULL: every row sees every column. Reset by
 * as_figure_set_matrix() and as_figure_set_panels(). */
void        as_figure_set_row_lengths (AsFigure    *self,
                                       const guint *lengths);
guint       as_figure_get_row_length  (AsFigure    *self,
                                       guint        row);
gboolean    as_figure_is_masked       (AsFigure    *self,
                                       guint        row,
                                       guint        column);
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

/* The title drawn above the figure ("i am hungry → 我饿"), newly allocated. */
char       *as_figure_dup_title       (AsFigure   *self);

/* What the figure shows, in a few words ("Cross-attention · layer 1 of
 * 0–1 · mean of 2 heads"): the start of the subtitle and of the exported
 * file's description. NULL (the default) says nothing. Kept by
 * as_figure_set_matrix(). */
void        as_figure_set_subject     (AsFigure   *self,
                                       const char *subject);
const char *as_figure_get_subject     (AsFigure   *self);

/* A row's value (a probability) as the row labels show it: three
 * decimals, "1" and "0" only when exact, ">0.999" and "<0.001" near them,
 * so that 0.995 is not shown as 1. */
void        as_figure_format_value    (double      value,
                                       char       *buffer,
                                       gsize       size);

/* The languages of the rows' and the columns' tokens (BCP 47, "zh-CN"), or
 * NULL for none: their labels are drawn in it, on screen and in files, so
 * that Chinese gets Chinese glyph forms and fonts. Kept by
 * as_figure_set_matrix(). */
void        as_figure_set_languages   (AsFigure   *self,
                                       const char *row_language,
                                       const char *column_language);
/* The languages of the title's sentence and translation, the same way. */
void        as_figure_set_text_languages (AsFigure   *self,
                                          const char *sentence_language,
                                          const char *translation_language);
const char *as_figure_get_row_language    (AsFigure *self);
const char *as_figure_get_column_language (AsFigure *self);

guint       as_figure_get_n_rows      (AsFigure   *self);
guint       as_figure_get_n_columns   (AsFigure   *self);
/* 1, or n_layers * n_heads of a grid. */
guint       as_figure_get_n_panels    (AsFigure   *self);
void        as_figure_get_panel_grid  (AsFigure   *self,
                                       guint      *n_layers,
                                       guint      *n_heads);
/* A weight of panel 0 (of the only panel, unless the figure is a grid). */
float       as_figure_get_weight      (AsFigure   *self,
                                       guint       row,
                                       guint       column);
float       as_figure_get_panel_weight (AsFigure  *self,
                                        guint      panel,
                                        guint      row,
                                        guint      column);
/* The axes' labels and marks, one at a time. */
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

/* How it is shown */

void        as_figure_set_colormap    (AsFigure   *self,
                                       AsColormap  colormap);
AsColormap  as_figure_get_colormap    (AsFigure   *self);
/* -1 shows every row; otherwise rows after @step are dimmed and @step is
 * outlined (in every panel). */
void        as_figure_set_step        (AsFigure   *self,
                                       int         step);
int         as_figure_get_step        (AsFigure   *self);
void        as_figure_set_scale       (AsFigure     *self,
                                       AsFigureScale scale);
/* A difference of two figures (as-figure-compare.h): weights from -1 to
 * 1 painted with the diverging map (as_colormap_diverging_lookup), 0
 * neutral, the colour bar from -1 through 0 to 1; the colour map and the
 * scale are then not used. FALSE (the default): weights from 0. */
void        as_figure_set_diverging   (AsFigure   *self,
                                       gboolean    diverging);
gboolean    as_figure_get_diverging   (AsFigure   *self);
AsFigureScale as_figure_get_scale     (AsFigure     *self);
/* Where @value is on the colour bar, 0 (its bottom) to 1 (its top),
 * clamped: under AS_FIGURE_SCALE_ROW, @value is a share of a row's largest
 * weight, as the bar's ticks are. */
double      as_figure_scale_position  (AsFigure     *self,
                                       double        value);
/* The inverse: the value the colour bar shows at @position (0..1). */
double      as_figure_scale_value     (AsFigure     *self,
                                       double        position);
/* The colour a value of the bar is painted with (sRGB, 0..1), under the
 * current map and scale: a weight, or under AS_FIGURE_SCALE_ROW a share
 * of its row's largest. */
void        as_figure_weight_color    (AsFigure   *self,
                                       float       weight,
                                       double     *r,
                                       double     *g,
                                       double     *b);
/* Where cell (@row, @column) of @panel is on the colour bar (0..1): its
 * weight under the scale, per row under AS_FIGURE_SCALE_ROW. */
double      as_figure_cell_position   (AsFigure   *self,
                                       guint       panel,
                                       guint       row,
                                       guint       column);
/* The colour the cell is painted with. */
void        as_figure_cell_color      (AsFigure   *self,
                                       guint       panel,
                                       guint       row,
                                       guint       column,
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

/* The matrix view (the default) or the lines view. The lines view shows
 * the matrix of panel 0 (of a grid: under its caption): each column token
 * joined to each row token it gave a weight of 0.02 or more by a curve
 * whose width and opacity grow with the weight, in the accent colour, a
 * legend of widths where the matrix has its colour bar; masked pairs have
 * no line; the step's row is emphasised and the rows after it dimmed. Its
 * token lists are AS_FIGURE_PART_COLUMN_LABEL and AS_FIGURE_PART_ROW_LABEL
 * to the hit test, to as_figure_get_column_rect() and _get_row_rect(); it
 * has no cells, zoom nor scroll. */
void        as_figure_set_view        (AsFigure     *self,
                                       AsFigureView  view);
AsFigureView as_figure_get_view       (AsFigure     *self);
/* What the pointer is over, as the hit test says it (AS_FIGURE_PART_NONE:
 * nothing): in the lines view, the lines of a hovered token (row or
 * column label) or of a cell are drawn highlighted and the others faded.
 * The matrix view draws no hover (the widget highlights over it); exports
 * never do. */
void        as_figure_set_hover       (AsFigure     *self,
                                       AsFigurePart  part,
                                       int           row,
                                       int           column);

/* At zoom 1 ("fit") the cells fill the area given (their width and height
 * apart, as matplotlib's aspect='auto', at most 4:1 either way); on screen,
 * one panel: cells are never smaller than @min_cell (pixels) either way
 * and are @zoom (>= 1) times the size that fits; what does not fit is
 * scrolled by (@x, @y), clamped to as_figure_get_scroll_range(), whose end
 * shows the last row and column whole. A grid of panels is shown whole.
 * A figure too short for a few rows drops its subtitle, then its title. */
void        as_figure_set_min_cell    (AsFigure   *self,
                                       double      min_cell);
void        as_figure_set_zoom        (AsFigure   *self,
                                       double      zoom);
double      as_figure_get_zoom        (AsFigure   *self);
void        as_figure_set_scroll      (AsFigure   *self,
                                       double      x,
                                       double      y);

/* Layout (as-figure-layout.c): where things are in the figure laid out in
 * @width x @height */

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
/* A cell of panel 0, unclipped. FALSE when out of range. */
gboolean    as_figure_get_cell_rect   (AsFigure     *self,
                                       double        width,
                                       double        height,
                                       guint         row,
                                       guint         column,
                                       AsFigureRect *rect);
gboolean    as_figure_get_panel_cell_rect (AsFigure     *self,
                                           double        width,
                                           double        height,
                                           guint         panel,
                                           guint         row,
                                           guint         column,
                                           AsFigureRect *rect);
/* The visible cell area: of the one panel, or of the whole grid. FALSE
 * when the figure has no cells. */
gboolean    as_figure_get_grid_rect   (AsFigure     *self,
                                       double        width,
                                       double        height,
                                       AsFigureRect *rect);
/* The visible cells of one panel. */
gboolean    as_figure_get_panel_rect  (AsFigure     *self,
                                       double        width,
                                       double        height,
                                       guint         panel,
                                       AsFigureRect *rect);
/* A row: its label and its cells, clipped to what is visible (one panel
 * only: a grid has no labels). */
gboolean    as_figure_get_row_rect    (AsFigure     *self,
                                       double        width,
                                       double        height,
                                       guint         row,
                                       AsFigureRect *rect);
/* A column: its label and its cells, clipped to what is visible (one
 * panel only). */
gboolean    as_figure_get_column_rect (AsFigure     *self,
                                       double        width,
                                       double        height,
                                       guint         column,
                                       AsFigureRect *rect);

/* Whether the label of row or column @index (@part AS_FIGURE_PART_ROW_LABEL
 * or _COLUMN_LABEL) is drawn: labels are left out only where they would
 * overlap (cells thinner than a line of text), and outside the view. */
gboolean    as_figure_get_label_shown (AsFigure     *self,
                                       double        width,
                                       double        height,
                                       AsFigurePart  part,
                                       guint         index);
/* The colour bar's ticks, from the bottom up: 0, the middle and the top
 * of the scale (log: one per decade, 0.001, 0.01, 0.1, 1). At most
 * AS_FIGURE_BAR_TICKS_MAX; fills @positions (0..1 up the bar) and @values
 * when not NULL; returns how many. */
#define AS_FIGURE_BAR_TICKS_MAX (AS_FIGURE_LOG_DECADES + 1)
guint       as_figure_get_bar_ticks   (AsFigure     *self,
                                       double       *positions,
                                       double       *values);
/* What the scale is, written beside the bar ("per row", "log scale"), or
 * NULL when its ticks say it all (0..1, 0..the largest). */
const char *as_figure_get_scale_caption (AsFigure   *self);
/* Where the colour bar's tick label @i is (0: the bottom, 1: the next one
 * up...: for a linear scale, 0, the middle, the top). FALSE when it is not
 * drawn: no such tick, no bar, or the bar too short for it beside the
 * others (labels never overlap). */
gboolean    as_figure_get_bar_label_rect (AsFigure     *self,
                                          double        width,
                                          double        height,
                                          guint         i,
                                          AsFigureRect *rect);
/* The colour bar itself. FALSE when it is not drawn. */
gboolean    as_figure_get_bar_rect    (AsFigure     *self,
                                       double        width,
                                       double        height,
                                       AsFigureRect *rect);
/* The value the colour bar shows at height @y (clamped to the bar): what
 * hovering it reads. FALSE when there is no bar. */
gboolean    as_figure_get_bar_value   (AsFigure     *self,
                                       double        width,
                                       double        height,
                                       double        y,
                                       double       *value);
/* "weight 0.42" ("0.42 of its row's largest" per row), newly allocated. */
char       *as_figure_describe_bar_value (AsFigure  *self,
                                          double     value);

/* Drawing (as-figure-draw.c): the whole figure into a @width x @height
 * area of @cr. */
void        as_figure_draw            (AsFigure   *self,
                                       cairo_t    *cr,
                                       double      width,
                                       double      height);

/* The figure in two layers, so that a viewer keeps the first as an image
 * and redraws only the second when the step changes. Both, the base first,
 * are exactly as_figure_draw(). */
typedef enum
{
  /* what the step does not change: the background, the title's first
   * line, the cells, the captions, the column labels and the colour bar */
  AS_FIGURE_LAYER_BASE = 1 << 0,
  /* what it does, over the base: the title's second line, the rows after
   * the step dimmed and its own outlined, the row labels, the lines view */
  AS_FIGURE_LAYER_STEP = 1 << 1,
  AS_FIGURE_LAYER_ALL  = AS_FIGURE_LAYER_BASE | AS_FIGURE_LAYER_STEP,
} AsFigureLayers;

void        as_figure_draw_layers     (AsFigure      *self,
                                       cairo_t       *cr,
                                       double         width,
                                       double         height,
                                       AsFigureLayers layers);

/* Hit testing and tooltips (as-figure-hit.c) */

/* Which cell or label is under (@x, @y). Cells and label strips are
 * half-open: a point on the border between two cells belongs to the right
 * / lower one. @panel (of a cell, or 0 for a label), @row and @column are
 * set to -1 when they do not apply. */
AsFigurePart as_figure_hit_test_panel (AsFigure   *self,
                                       double      width,
                                       double      height,
                                       double      x,
                                       double      y,
                                       int        *panel,
                                       int        *row,
                                       int        *column);
/* The same, for the figures of one panel. */
AsFigurePart as_figure_hit_test       (AsFigure   *self,
                                       double      width,
                                       double      height,
                                       double      x,
                                       double      y,
                                       int        *row,
                                       int        *column);
/* What a tooltip says about a part of @panel (plain text), or NULL over
 * nothing. In a grid, the last line names the panel. */
char       *as_figure_describe_panel  (AsFigure     *self,
                                       AsFigurePart  part,
                                       int           panel,
                                       int           row,
                                       int           column);
/* The same, of panel 0. */
char       *as_figure_describe        (AsFigure     *self,
                                       AsFigurePart  part,
                                       int           row,
                                       int           column);

/* Export (as-figure-export.c) */

/* The colours of an exported figure: exports never follow the screen's
 * style. LIGHT (the default): dark text on white, for paper; DARK: light
 * text on a dark background; TRANSPARENT: the light style's text and no
 * background. */
typedef enum
{
  AS_FIGURE_BACKGROUND_LIGHT,
  AS_FIGURE_BACKGROUND_DARK,
  AS_FIGURE_BACKGROUND_TRANSPARENT,
} AsFigureBackground;

/* PNG scales: at 1, one pixel per unit of the layout, a CSS pixel, 1/96
 * inch (the SVG's unit; the PDF takes a unit as a point). A resolution in
 * dpi is the scale dpi / 96: 300 dpi is 3.125. */
#define AS_FIGURE_EXPORT_UNITS_PER_INCH 96.0
#define AS_FIGURE_EXPORT_MIN_SCALE      0.25
#define AS_FIGURE_EXPORT_MAX_SCALE      10.0
/* The largest side of a layout, and of a PNG, in pixels. */
#define AS_FIGURE_EXPORT_MAX_SIDE       32000

typedef struct
{
  AsFigureBackground background;
  /* PNG only: pixels per unit of the layout (0 means 1) */
  double             scale;
  /* SVG only: the text as <text> elements naming the font (searchable,
   * editable, as matplotlib's svg.fonttype "none") instead of glyph
   * outlines (exact looks, the default) */
  gboolean           svg_text;
  /* The size to lay the figure out at: the screen's, so that the file
   * shows what the screen does (same layout, zoom and scroll, drawn by
   * as_figure_draw()); 0 x 0: the natural size, unzoomed and unscrolled. */
  int                width;
  int                height;
} AsFigureExportOptions;

/* "light", "dark", "transparent" (the settings' and the command line's
 * names). */
gboolean    as_figure_background_from_name (const char         *name,
                                            AsFigureBackground *background);
const char *as_figure_background_to_name   (AsFigureBackground  background);

/* Writes the figure to @path as SVG, PNG or PDF by its extension,
 * atomically: a failure leaves no partial file and any existing file as it
 * was. @options NULL: the defaults (light, 1x, outlined text, the natural
 * size). The figure's own colours are as they were afterwards. */
gboolean    as_figure_export_with_options (AsFigure                    *self,
                                           const char                  *path,
                                           const AsFigureExportOptions *options,
                                           GError                     **error);
/* The figure as it is set up (its own colours, which callers such as the
 * tests set themselves), at its natural size, 1x, text outlined. */
gboolean    as_figure_export          (AsFigure   *self,
                                       const char *path,
                                       GError    **error);

/* For as-figure-draw.c: an export that writes text as text sets a sink on
 * its cairo context; show_text() then hands each layout (a PangoLayout) to
 * it, with the current point at the layout's origin and the context's
 * matrix, source and clip as they are, instead of drawing it. FALSE: no
 * sink, draw it. */
struct _PangoLayout;
gboolean    _as_figure_text_sink_take (cairo_t              *cr,
                                       struct _PangoLayout  *layout);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AsFigure, as_figure_free)

G_END_DECLS
