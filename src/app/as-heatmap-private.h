#pragma once

#include "as-heatmap.h"

G_BEGIN_DECLS

/* For the tests: how often the figure itself was drawn (a hover must not
 * draw it again), what the pointer controller does, and the tooltip text. */
guint  as_heatmap_get_figure_draw_count (AsHeatmap *self);
void   as_heatmap_pointer_moved         (AsHeatmap *self,
                                         double     x,
                                         double     y);
void   as_heatmap_pointer_left          (AsHeatmap *self);
char  *as_heatmap_get_tooltip_text_at   (AsHeatmap *self,
                                         double     x,
                                         double     y);
/* After changing the figure of as_heatmap_get_figure() directly (tests
 * showing synthetic matrices). */
void   as_heatmap_figure_changed        (AsHeatmap *self);

G_END_DECLS
