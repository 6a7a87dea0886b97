#pragma once

#include "as-heatmap.h"

G_BEGIN_DECLS

/* For the tests: how often the figure's base layer was drawn (a hover or
 * a step must not draw it again), and its step layer (a step draws it,
 * a hover does not). */
guint  as_heatmap_get_figure_draw_count (AsHeatmap *self);
guint  as_heatmap_get_step_draw_count   (AsHeatmap *self);
/* After changing the figure of as_heatmap_get_figure() directly (tests
 * showing synthetic matrices). */
void   as_heatmap_figure_changed        (AsHeatmap *self);

/* The cell cursor (-1: none) and what the hover highlight is on. */
void          as_heatmap_get_cursor     (AsHeatmap *self,
                                         int       *panel,
                                         int       *row,
                                         int       *column);
AsFigurePart  as_heatmap_get_hover      (AsHeatmap *self,
                                         int       *panel,
                                         int       *row,
                                         int       *column);

G_END_DECLS
