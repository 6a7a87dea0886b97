#pragma once

#include "as-heatmap.h"

G_BEGIN_DECLS

/* For the tests: how often the figure itself was drawn (a hover must not
 * draw it again). */
guint  as_heatmap_get_figure_draw_count (AsHeatmap *self);
/* After changing the figure of as_heatmap_get_figure() directly (tests
 * showing synthetic matrices). */
void   as_heatmap_figure_changed        (AsHeatmap *self);

G_END_DECLS
