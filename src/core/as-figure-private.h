#pragma once

/* What the files of the figure share (as-figure.c: the object, its data and
 * its text; -axis.c: the axes and the words the prose makes of them;
 * -layout.c: metrics and layout; -draw.c: drawing; -hit.c: hit testing and
 * tooltips; -export.c: files). Not for callers; the session adapter
 * (as-figure-session.c) uses only the public API. */

#include <pango/pangocairo.h>

#include "as-figure.h"

G_BEGIN_DECLS

#define MARGIN          12.0
#define GAP             6.0
#define LABEL_PX        12     /* labels, ticks, subtitle */
#define TITLE_PX        15
#define LABEL_PITCH     (LABEL_PX + 2.0)  /* labels of a line each closer than this would touch (a line's
                                           * box is taller: CJK fonts' ascent and descent) */
#define LABEL_MAX       140.0  /* a longer token is elided (its tooltip has it whole) */
#define TEXT_CHARS_MAX  256    /* text drawn beyond this many characters is cut ("…") before Pango
                                * sees it: no label or title is that wide, and a 10 KB token
                                * would cost its whole length to measure and lay out */
#define WIDTHS_MAX      65536  /* measured texts kept, at most */
#define ROW_TOKEN_MAX   110.0
#define ASPECT_MAX      4.0    /* a cell fills its pane but is at most this much longer one way */
#define ROTATED_SHARE   0.3    /* turned column labels take at most this share of the height */
#define ROTATED_MIN     40.0   /* ...but at least this */
#define ELIDED_MIN      20.0   /* horizontal column labels elided to their cells need this much */
#define COMPACT_ROWS    8      /* a figure too short for this many rows of labels (or all) drops its subtitle, then its title */
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
#define PANEL_GAP       12.0   /* between the panels of a grid */
#define LINES_MIN_WEIGHT 0.02  /* the lines view draws no line for a weight below this */
#define LINES_MIN_WIDTH 0.6    /* a line's width at weight 0 ... */
#define LINES_MAX_WIDTH 5.0    /* ... and at the top of the scale */
#define LINES_MIN_ALPHA 0.15   /* its opacity at 0 ... (1 at the top) */
#define LINES_PAST      0.45   /* rows before the step: their lines this strong */
#define LINES_FADED     0.12   /* lines of what is not hovered, while something is */
#define LINES_NATURAL_W 300.0  /* the width of the lines' area in the export... */
#define LINES_MIN_W     120.0  /* ...and on screen, at least... */
#define LINES_MAX_W     480.0  /* ...and at most */
#define LINES_GAP       8.0    /* between a token list and its lines' ends */
#define LEGEND_SAMPLE   26.0   /* a sample line of the legend */
#define LEGEND_N        3      /* sample lines: _as_figure_legend_fraction (0..LEGEND_N-1) of the scale */
#define STEP_MARKER_W   10.0   /* the step's marker, beside its row label */
#define HATCH_SPACING   6.0    /* masked cells: the background, hatched by lines this far apart... */
#define HATCH_WIDTH     1.0    /* ...this wide... */
#define HATCH_ALPHA     0.45   /* ...in the foreground colour at this opacity */

/* Where everything is, for one size of the figure. One panel (the single
 * view) has its labels around it and may be zoomed and scrolled; a grid of
 * panels is shown whole, each panel under its caption, without labels. */
typedef struct
{
  double width, height;      /* the area it was computed for */
  double sx, sy;             /* scroll actually applied */
  double cell_w, cell_h;     /* a cell's width and height, pixels (not square: the
                              * matrix fills its pane, as matplotlib's aspect='auto') */
  double grid_w, grid_h;     /* one panel's whole matrix, cell_w * n_columns x cell_h * n_rows */
  AsFigureRect title;
  int title_lines;           /* 2: title and subtitle; 1: the title; 0: none (a short figure) */
  AsFigureRect grid;         /* the visible part of the panel; in a grid, all the panels */
  AsFigureRect column_area;  /* above the grid, same x range (empty in a grid) */
  AsFigureRect row_area;     /* left of the grid, same y range (empty in a grid) */
  AsFigureRect bar;          /* the colour bar itself */
  AsFigureRect bar_labels[AS_FIGURE_BAR_TICKS_MAX];   /* its tick labels, from the bottom up... */
  gboolean bar_label_shown[AS_FIGURE_BAR_TICKS_MAX];  /* ...those that do not overlap another */
  AsFigureRect bar_caption;  /* what the scale is (as_figure_get_scale_caption), turned, beside the
                              * labels; empty without one */
  double ox, oy;             /* where cell (0, 0) of panel 0 starts (scroll applied) */
  gboolean rotate_columns;
  double column_label_len;   /* turned column labels are elided past this */
  guint column_every;        /* label thinning: every n-th label drawn */
  guint row_every;
  gboolean panel_grid;       /* a grid of panels rather than one */
  double caption_h;          /* a panel's caption, above its cells */
  double panel_dx, panel_dy; /* from one panel's cell (0, 0) to its right and lower neighbours' */

  /* The lines view (grid is the lines' area; the row and column areas are
   * empty): the column tokens' list on the left, the row tokens' on the
   * right, each token a strip of pitch high, row r's from right_y0 + r *
   * pitch on (column c's from left_y0 + c * pitch). */
  gboolean lines;
  AsFigureRect left_list;
  AsFigureRect right_list;
  double pitch;
  double left_y0, right_y0;
  guint label_every;         /* token labels thinned: every n-th drawn */
  AsFigureRect legend;
} AsFigureLayout;

/* Panel @panel of a layout: its cell (0, 0) and the part of its cells
 * that is visible. */
typedef struct
{
  double       ox, oy;
  AsFigureRect view;
} AsFigurePanelFrame;

/* as_figure_copy_into() (as-figure-compare.c) copies every field as it
 * is, then gives the pointers it knows (weights, row_lengths, rows,
 * columns, the texts, the caches) copies or fresh values of their own: a
 * new pointer field needs a line there. */
struct _AsFigure
{
  /* data */
  guint          n_rows;
  guint          n_columns;
  guint          n_layers;        /* the panels: n_layers rows of n_heads */
  guint          n_heads;
  float         *weights;         /* (n_layers * n_heads, n_rows, n_columns) */
  float          max_weight;      /* over every panel, masked cells left out */
  float         *row_max;         /* (n_panels, n_rows): each row's largest, masked cells left out */
  guint         *row_lengths;     /* n_rows: row r sees columns 0..row_lengths[r]-1, the rest
                                   * is masked; NULL: every row sees every column */
  AsFigureAxis  *rows;            /* n_rows entries */
  AsFigureAxis  *columns;         /* n_columns entries */
  char          *sentence;
  char          *translation;
  char          *subject;         /* "Cross-attention · layer 1 of 0–1 · ...", or NULL */
  PangoLanguage *row_language;    /* the language of the rows' / columns' tokens, or NULL */
  PangoLanguage *column_language;
  PangoLanguage *sentence_language; /* of the title's sentence and translation, or NULL */
  PangoLanguage *translation_language;

  /* how it is shown */
  AsColormap     colormap;
  AsFigureScale  scale;
  gboolean       diverging;       /* a difference: weights in -1..1 on the diverging map */
  int            step;
  AsFigureColor  fg;
  AsFigureColor  bg;
  AsFigureColor  accent;
  AsFigureColor  warning;
  double         min_cell;
  double         zoom;
  double         scroll_x;
  double         scroll_y;
  AsFigureView   view;
  AsFigurePart   hover_part;      /* the lines view's hover */
  int            hover_row;
  int            hover_column;

  /* caches */
  cairo_surface_t **cells;        /* per panel, one pixel per cell (per bin past MAX_IMAGE_SIDE) */
  guint          bin_x, bin_y;    /* cells per image pixel */
  PangoContext  *pango;           /* for measuring */
  GHashTable    *widths;          /* "px weight text" -> its width (a double in a pointer's bits),
                                   * kept across matrices: tokens recur */
  gboolean       metrics_valid;
  double         line_h;          /* one line of label text */
  double         baseline;        /* its baseline, from its top: every label (Latin or CJK)
                                   * is drawn with its own baseline there */
  double         title_h;
  double         subtitle_h;
  double         column_label_w;  /* widest column label (capped) */
  double         index_w;         /* row label columns */
  double         input_w;
  double         arrow_w;
  double         output_w;
  double         prob_w;
  double         row_label_w;
  double         tick_w;
  AsFigureLayout layout;          /* the screen layout, for layout.width x layout.height */
  gboolean       layout_valid;
};

/* as-figure-axis.c: words for the figure's prose. The noun of @axis, or
 * its short noun when @counting ("Step 2 of 3"), capitalised and in the
 * plural as asked: "Source tokens", "steps". */
char        *_as_figure_axis_noun       (const AsFigureAxis *axis,
                                         gboolean            counting,
                                         gboolean            capital,
                                         gboolean            plural);
/* What a cell's tooltip calls an entry: "Source". */
char        *_as_figure_axis_name       (const AsFigureAxis *axis);
/* Entry @i as one line of text: "我 → 饿" where it has an input, else "饿". */
char        *_as_figure_axis_entry_text (const AsFigureAxis *axis,
                                         guint               i);

/* as-figure.c */
double       _as_figure_scale_max       (AsFigure *self);
/* A weight of row @row of @panel as the scale takes it (under
 * AS_FIGURE_SCALE_ROW, its share of the row's largest). */
double       _as_figure_cell_value      (AsFigure *self,
                                         guint     panel,
                                         guint     row,
                                         float     weight);
/* The weight at @fraction (0..1) of the colour bar, bottom to top. */
double       _as_figure_bar_value       (AsFigure *self,
                                         double    fraction);
/* The colour at @position (0..1) of the colour bar. */
void         _as_figure_position_color  (AsFigure *self,
                                         double    position,
                                         double   *r,
                                         double   *g,
                                         double   *b);
/* Whether the figure is drawn as lines (the lines view, with something to draw). */
gboolean     _as_figure_shows_lines     (AsFigure *self);
/* The columns row @row sees (n_columns unless masked). */
static inline guint
_as_figure_row_length (AsFigure *self,
                       guint     row)
{
  return self->row_lengths != NULL ? self->row_lengths[row] : self->n_columns;
}
guint        _as_figure_n_panels        (AsFigure *self);
/* Panel @panel's matrix, (n_rows, n_columns). */
const float *_as_figure_panel_weights   (AsFigure *self,
                                         guint     panel);
/* "Layer 0 · head 1": what a panel of a grid shows. */
char        *_as_figure_panel_caption   (AsFigure *self,
                                         guint     panel);
/* The first line: "sentence → translation"; the second: the step, how to
 * read the rows, the unknown-word marker. */
char        *_as_figure_title_text      (AsFigure *self);
char        *_as_figure_subtitle_text   (AsFigure *self);

/* as-figure-layout.c */
PangoLayout *_as_figure_make_layout     (AsFigure     *self,
                                         PangoContext *context,
                                         const char   *text,
                                         int           px,
                                         PangoWeight   weight,
                                         PangoStyle    style);
void         _as_figure_format_tick     (AsFigure *self,
                                         double    value,
                                         char     *buffer,
                                         gsize     size);
/* The layout of @width x @height at @zoom, @min_cell and scrolled by
 * (@scroll_x, @scroll_y), into @l. */
void         _as_figure_compute_layout  (AsFigure       *self,
                                         double          width,
                                         double          height,
                                         double          zoom,
                                         double          min_cell,
                                         double          scroll_x,
                                         double          scroll_y,
                                         AsFigureLayout *l);
/* Marks all of @layout's text as being in the language of @axis's tokens
 * (as_figure_set_languages), so that the font and glyph forms suit it. */
void _as_figure_set_axis_language (AsFigure           *self,
                                   PangoLayout        *layout,
                                   const AsFigureAxis *axis);
/* Marks the sentence and the translation in @title (the text of
 * _as_figure_title_text) with their languages. */
void _as_figure_set_title_languages (AsFigure    *self,
                                     PangoLayout *title);

/* The screen's layout (zoom, minimum cell and scroll as set), cached. */
const AsFigureLayout *_as_figure_screen_layout (AsFigure *self,
                                                double    width,
                                                double    height);
void         _as_figure_panel_frame     (AsFigure             *self,
                                         const AsFigureLayout *l,
                                         guint                 panel,
                                         AsFigurePanelFrame   *frame);

/* Entries @first..@last-1 (of @n, a cell every @cell from @origin on)
 * are at least partly within the view from @view_start on, @view_size long. */
void         _as_figure_visible_range   (double  origin,
                                         double  cell,
                                         double  view_start,
                                         double  view_size,
                                         guint   n,
                                         guint  *first,
                                         guint  *last);
/* The next row whose label is drawn after @r when there is no room for
 * all: every row_every-th, and always the current step's, which pushes
 * its neighbours aside. */
guint        _as_figure_next_row_label  (AsFigure             *self,
                                         const AsFigureLayout *l,
                                         guint                 r);

/* The legend's sample lines: 1, 0.5 and 0.1 of the scale. */
double       _as_figure_legend_fraction (guint i);

/* as-figure-compare.c: a pair side by side in @width x @height, each half
 * as on screen, or (@natural) unzoomed and unscrolled. */
void         _as_figure_draw_pair       (AsFigure *left,
                                         AsFigure *right,
                                         cairo_t  *cr,
                                         double    width,
                                         double    height,
                                         gboolean  natural);

/* as-figure-draw.c */
void         _as_figure_draw_for_file   (AsFigure *self,
                                         cairo_t  *cr,
                                         double    width,
                                         double    height,
                                         gboolean  natural);
const char  *_as_figure_cut_text        (const char  *text,
                                         char       **cut);
void         _as_figure_draw_layout     (AsFigure             *self,
                                         cairo_t              *cr,
                                         const AsFigureLayout *l,
                                         AsFigureLayers        layers);

/* The colours an export uses for @background (as-figure-export.c). */
void         _as_figure_set_export_colors (AsFigure           *self,
                                           AsFigureBackground  background);

G_END_DECLS
