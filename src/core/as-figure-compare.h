#pragma once

/* Two figures compared: a copy that stays as it was (a pinned view), the
 * difference of two figures over the same axes (drawn with the diverging
 * map, as_figure_set_diverging()), and two figures side by side in one
 * drawing or one file. Each half is drawn by as_figure_draw(): the figure's
 * drawing exists once. */

#include "as-figure.h"

G_BEGIN_DECLS

/* Between the two halves of a pair, in units. */
#define AS_FIGURE_PAIR_GAP 16.0

/* A copy of @self: its data, axes, text, languages and how it is shown
 * (colour map, scale, step, colours, view, zoom); none of it shared. */
AsFigure   *as_figure_copy            (AsFigure    *self);
/* Makes @self a copy of @source (as as_figure_copy()), keeping nothing of
 * what it showed. */
void        as_figure_copy_into       (AsFigure    *self,
                                       AsFigure    *source);

/* Whether @a and @b have the same shape (rows, columns, grid of panels)
 * and the same row and column labels, so that a cell of the one stands for
 * the same pair of tokens as in the other. When not, @why (if not NULL)
 * gets a sentence saying where they differ, for a person. */
gboolean    as_figure_same_axes       (AsFigure    *a,
                                       AsFigure    *b,
                                       char       **why);
/* A new figure over @live's axes whose weights are @live's minus
 * @pinned's, cell by cell (masked cells as @live has them), diverging,
 * as a matrix (not lines), its subject saying what it shows. NULL, with
 * @why set as by as_figure_same_axes(), when the axes differ. */
AsFigure   *as_figure_new_difference  (AsFigure    *live,
                                       AsFigure    *pinned,
                                       char       **why);

/* The two halves of a pair laid out in @width x @height: each (@width -
 * AS_FIGURE_PAIR_GAP) / 2 wide and @height high, @left's at x 0. */
void        as_figure_get_pair_rects  (double        width,
                                       double        height,
                                       AsFigureRect *left,
                                       AsFigureRect *right);
/* A size at which both are shown at their natural size: twice the wider
 * natural width and the gap, the taller natural height. */
void        as_figure_get_pair_natural_size (AsFigure *left,
                                             AsFigure *right,
                                             int      *width,
                                             int      *height);
/* @left and @right side by side into @width x @height of @cr, each by
 * as_figure_draw() at the size of its half, on @left's background, a
 * faint rule between them. */
void        as_figure_draw_pair       (AsFigure    *left,
                                       AsFigure    *right,
                                       cairo_t     *cr,
                                       double       width,
                                       double       height);

/* Writes both side by side to @path as SVG, PNG or PDF, as
 * as_figure_export_with_options() writes one (as-figure-export.c): with
 * @options' size 0 x 0, at as_figure_get_pair_natural_size(), each half
 * unzoomed; else at that size, each half as its figure is on screen. */
gboolean    as_figure_export_pair_with_options (AsFigure                    *left,
                                                AsFigure                    *right,
                                                const char                  *path,
                                                const AsFigureExportOptions *options,
                                                GError                     **error);

G_END_DECLS
