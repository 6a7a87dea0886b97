#pragma once

#include <gtk/gtk.h>

#include "as-figure.h"
#include "as-heatmap.h"

G_BEGIN_DECLS

#define AS_TYPE_COMPARE_PANE (as_compare_pane_get_type ())

G_DECLARE_FINAL_TYPE (AsComparePane, as_compare_pane, AS, COMPARE_PANE, GtkWidget)

GtkWidget    *as_compare_pane_new              (void);
/* The live view to compare with (borrowed; it must outlive the pane's use
 * of it): its figure is what the difference subtracts from, and its colour
 * map the pinned view's. Its changes (another sentence, model, target,
 * kind, layer or head) update the difference. */
void          as_compare_pane_set_live         (AsComparePane *self,
                                                AsHeatmap     *live);
/* Pins a copy of the live view's figure as it is now, under @caption
 * (what it shows, for a person: "Pinned · en-zh-gru · your translation").
 * A second pin replaces the first. */
void          as_compare_pane_pin              (AsComparePane *self,
                                                const char    *caption);
void          as_compare_pane_unpin            (AsComparePane *self);
gboolean      as_compare_pane_is_pinned        (AsComparePane *self);
/* The pinned copy (NULL when nothing is pinned). */
AsFigure     *as_compare_pane_get_pinned       (AsComparePane *self);
/* Shows live − pinned (as_figure_new_difference()) instead of the pinned
 * view, where the two have the same axes; the toggle is insensitive, its
 * tooltip saying why, where they do not. */
void          as_compare_pane_set_difference   (AsComparePane *self,
                                                gboolean       difference);
gboolean      as_compare_pane_get_difference   (AsComparePane *self);
/* Whether the difference can be shown now, and why not (a sentence, or
 * NULL when it can). */
gboolean      as_compare_pane_can_difference   (AsComparePane *self,
                                                const char   **why);
/* The figure the pane shows: the pinned view, or the difference. */
AsFigure     *as_compare_pane_get_shown_figure (AsComparePane *self);
/* For the tests. */
AsHeatmap    *as_compare_pane_get_heatmap      (AsComparePane *self);
GtkWidget    *as_compare_pane_get_difference_button (AsComparePane *self);
const char   *as_compare_pane_get_caption      (AsComparePane *self);

G_END_DECLS
