#pragma once

#include <gtk/gtk.h>

#include "as-figure.h"
#include "as-session.h"

G_BEGIN_DECLS

#define AS_TYPE_COLORMAP (as_colormap_get_type ())
GType as_colormap_get_type (void);

#define AS_TYPE_HEATMAP (as_heatmap_get_type ())

G_DECLARE_FINAL_TYPE (AsHeatmap, as_heatmap, AS, HEATMAP, GtkWidget)

GtkWidget    *as_heatmap_new           (void);
/* Copies what it shows from @session (NULL: nothing); the step becomes the last. */
void          as_heatmap_set_session   (AsHeatmap  *self,
                                        AsSession  *session);
/* What it shows of the session given next: the attention of @kind, @layer
 * (-1: the last) and @head (or AS_ATTENTION_MEAN), or with @grid every
 * layer and head of @kind as a grid of panels. A choice the session's
 * model does not have shows the default (the last layer's cross-attention,
 * mean of heads). */
void          as_heatmap_set_attention (AsHeatmap       *self,
                                        AsAttentionKind  kind,
                                        int              layer,
                                        int              head,
                                        gboolean         grid);
/* The matrix, or alignment lines between the two token lists (hovering a
 * token highlights its lines). */
void          as_heatmap_set_view      (AsHeatmap    *self,
                                        AsFigureView  view);
AsFigureView  as_heatmap_get_view      (AsHeatmap    *self);
guint         as_heatmap_get_n_steps   (AsHeatmap  *self);
int           as_heatmap_get_step      (AsHeatmap  *self);
void          as_heatmap_set_step      (AsHeatmap  *self,
                                        int         step);
AsColormap    as_heatmap_get_colormap  (AsHeatmap  *self);
void          as_heatmap_set_colormap  (AsHeatmap  *self,
                                        AsColormap  colormap);
AsFigureScale as_heatmap_get_scale     (AsHeatmap    *self);
void          as_heatmap_set_scale     (AsHeatmap    *self,
                                        AsFigureScale scale);
double        as_heatmap_get_zoom      (AsHeatmap  *self);
/* 1 fits the figure to the widget; more scales the fit (and scrolls). */
void          as_heatmap_set_zoom      (AsHeatmap  *self,
                                        double      zoom);
/* To the next zoom level up or down (Fit, 125 %, 150 %, 200 %, ...). */
void          as_heatmap_zoom_in       (AsHeatmap  *self);
void          as_heatmap_zoom_out      (AsHeatmap  *self);
/* What the pointer is over, else the cell under the keyboard's cursor, on
 * one line ("readout"); NULL: nothing. */
const char   *as_heatmap_get_readout   (AsHeatmap  *self);
/* The figure as shown (colours, step, colour map), for exporting. */
AsFigure     *as_heatmap_get_figure    (AsHeatmap  *self);
/* What is under (@x, @y), in widget coordinates: of the one panel, or with
 * the panel of a grid. */
AsFigurePart  as_heatmap_panel_cell_at (AsHeatmap  *self,
                                        double      x,
                                        double      y,
                                        int        *panel,
                                        int        *row,
                                        int        *column);
AsFigurePart  as_heatmap_cell_at       (AsHeatmap  *self,
                                        double      x,
                                        double      y,
                                        int        *row,
                                        int        *column);

/* The context menu ("Copy as Table": win.copy-table) at (@x, @y), as a
 * secondary click opens it; the menu once made (NULL before), for the tests. */
void          as_heatmap_popup_context_menu (AsHeatmap *self,
                                             double     x,
                                             double     y);
GtkPopover   *as_heatmap_get_context_menu   (AsHeatmap *self);

G_END_DECLS
