#pragma once

#include <gtk/gtk.h>

#include "as-figure.h"
#include "as-heatmap.h"
#include "as-session.h"

G_BEGIN_DECLS

#define AS_TYPE_ATTENTION_VIEW (as_attention_view_get_type ())

G_DECLARE_FINAL_TYPE (AsAttentionView, as_attention_view, AS, ATTENTION_VIEW, GtkWidget)

GtkWidget  *as_attention_view_new           (void);
/* Shows the attention of @session (copied; NULL: nothing); the step becomes
 * the last. @session must stay until the next call (the selectors show it
 * again when the choice changes). */
void        as_attention_view_set_session   (AsAttentionView *self,
                                             AsSession       *session);
/* What is shown where the model has more than one matrix: @kind, @layer
 * (-1: the last), @head (or AS_ATTENTION_MEAN), or every layer and head
 * (@grid). The selectors show it; the step stays. */
void        as_attention_view_set_attention (AsAttentionView *self,
                                             AsAttentionKind  kind,
                                             int              layer,
                                             int              head,
                                             gboolean         grid);
void        as_attention_view_get_attention (AsAttentionView *self,
                                             AsAttentionKind *kind,
                                             int             *layer,
                                             int             *head,
                                             gboolean        *grid);
/* The step shown (-1: none). */
int         as_attention_view_get_step      (AsAttentionView *self);
void        as_attention_view_set_step      (AsAttentionView *self,
                                             int              step);
void        as_attention_view_set_colormap  (AsAttentionView *self,
                                             AsColormap       colormap);
void        as_attention_view_set_scale     (AsAttentionView *self,
                                             AsFigureScale    scale);
double      as_attention_view_get_zoom      (AsAttentionView *self);
void        as_attention_view_set_zoom      (AsAttentionView *self,
                                             double           zoom);
/* To the next zoom level up or down (Fit, 125 %, 150 %, 200 %, ...), as the
 * bar's buttons do: for the window's zoom actions. */
void        as_attention_view_zoom_in       (AsAttentionView *self);
void        as_attention_view_zoom_out      (AsAttentionView *self);
/* The figure as shown, for exporting. */
AsFigure   *as_attention_view_get_figure    (AsAttentionView *self);
/* For the tests. */
AsHeatmap  *as_attention_view_get_heatmap   (AsAttentionView *self);

G_END_DECLS
