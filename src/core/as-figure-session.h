#pragma once

/* The adapter from a session to the figure: the only code that reads a
 * session (or a model) for the figure, which knows neither. */

#include "as-figure.h"
#include "as-session.h"

G_BEGIN_DECLS

/* Takes the session's source tokens, steps and attention (copied); NULL
 * shows nothing. */
void        as_figure_set_session     (AsFigure   *self,
                                       AsSession  *session);

G_END_DECLS
