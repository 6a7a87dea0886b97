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
guint         as_heatmap_get_n_steps   (AsHeatmap  *self);
int           as_heatmap_get_step      (AsHeatmap  *self);
void          as_heatmap_set_step      (AsHeatmap  *self,
                                        int         step);
AsColormap    as_heatmap_get_colormap  (AsHeatmap  *self);
void          as_heatmap_set_colormap  (AsHeatmap  *self,
                                        AsColormap  colormap);
double        as_heatmap_get_zoom      (AsHeatmap  *self);
void          as_heatmap_set_zoom      (AsHeatmap  *self,
                                        double      zoom);
/* The figure as shown (colours, step, colour map), for exporting. */
AsFigure     *as_heatmap_get_figure    (AsHeatmap  *self);
/* What is under (@x, @y), in widget coordinates. */
AsFigurePart  as_heatmap_cell_at       (AsHeatmap  *self,
                                        double      x,
                                        double      y,
                                        int        *row,
                                        int        *column);

G_END_DECLS
