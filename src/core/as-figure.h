#pragma once

/* The attention figure: cells, source labels along the top, target rows
 * (input -> output) along the left, a colour bar with its scale, and a title.
 * Drawn with cairo in one place for the screen (the GTK widget), the
 * SVG/PNG/PDF export and the tests. Knows nothing of GTK. */

#include <cairo.h>
#include <glib.h>

#include "as-session.h"

G_BEGIN_DECLS

typedef enum
{
  AS_COLORMAP_VIRIDIS,
  AS_COLORMAP_MAGMA,
  AS_COLORMAP_GREYS,
  AS_N_COLORMAPS
} AsColormap;

gboolean    as_colormap_from_name     (const char *name,
                                       AsColormap *colormap);
const char *as_colormap_get_name      (AsColormap  colormap);
/* @value in 0..1 (clamped) to red, green, blue in 0..1. */
void        as_colormap_lookup        (AsColormap  colormap,
                                       double      value,
                                       double     *r,
                                       double     *g,
                                       double     *b);

typedef struct _AsFigure AsFigure;

AsFigure   *as_figure_new             (void);
void        as_figure_free            (AsFigure   *self);

/* Takes the session's source tokens, steps and attention (copied). */
void        as_figure_set_session     (AsFigure   *self,
                                       AsSession  *session);
void        as_figure_set_colormap    (AsFigure   *self,
                                       AsColormap  colormap);
/* -1 shows every step; otherwise rows after @step are dimmed and @step is outlined. */
void        as_figure_set_step        (AsFigure   *self,
                                       int         step);
void        as_figure_set_title       (AsFigure   *self,
                                       const char *title);

/* Draws the whole figure into a @width x @height area of @cr. */
void        as_figure_draw            (AsFigure   *self,
                                       cairo_t    *cr,
                                       double      width,
                                       double      height);

/* Writes the figure to @path as SVG, PNG or PDF by its extension, atomically:
 * a failure leaves no partial file and any existing file as it was. */
gboolean    as_figure_export          (AsFigure   *self,
                                       const char *path,
                                       GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AsFigure, as_figure_free)

G_END_DECLS
