#pragma once

/* The adapter from a session to the figure: the only code that reads a
 * session for the figure, which knows neither sessions nor models. It turns
 * one attention record of the session into the figure's matrix and two
 * axes (with their labels, marks and words) and gives it the text. */

#include "as-attention.h"
#include "as-figure.h"
#include "as-session.h"

G_BEGIN_DECLS

/* Shows @session's attention of @kind, of @layer and @head (or
 * AS_ATTENTION_MEAN: the mean of the heads), every step so far; NULL shows
 * nothing. FALSE, with AS_ERROR_INVALID and the figure as it was, when the
 * session's model has no such attention. */
gboolean    as_figure_set_session_attention (AsFigure         *self,
                                             AsSession        *session,
                                             AsAttentionKind   kind,
                                             guint             layer,
                                             int               head,
                                             GError          **error);
/* Every layer and head of @session's attention of @kind, as a grid of
 * panels (one row of panels per layer). FALSE as above. */
gboolean    as_figure_set_session_grid      (AsFigure         *self,
                                             AsSession        *session,
                                             AsAttentionKind   kind,
                                             GError          **error);
/* The default: cross-attention of the last layer, the mean of its heads
 * (an empty figure with the session's text where the model has none). */
void        as_figure_set_session           (AsFigure         *self,
                                             AsSession        *session);

/* The words of the row and the column axes of attention of @kind, as the
 * adapter gives them ("decoder step", "source token", ...), for figures of
 * the same kind made without a session. */
const AsFigureAxisWords *as_figure_session_get_row_words    (AsAttentionKind kind);
const AsFigureAxisWords *as_figure_session_get_column_words (AsAttentionKind kind);

G_END_DECLS
