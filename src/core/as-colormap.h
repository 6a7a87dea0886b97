#pragma once

/* The colour maps a weight is painted with: matplotlib's viridis and magma
 * and ColorBrewer's greys (see as-colormap.c for where the tables come from). */

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  AS_COLORMAP_VIRIDIS,
  AS_COLORMAP_MAGMA,
  AS_COLORMAP_GREYS,
  AS_N_COLORMAPS
} AsColormap;

/* "viridis", "magma", "greys" (any case; also matplotlib's "grays"). */
gboolean    as_colormap_from_name     (const char *name,
                                       AsColormap *colormap);
const char *as_colormap_get_name      (AsColormap  colormap);
/* @value in 0..1 (clamped) to red, green, blue in 0..1. */
void        as_colormap_lookup        (AsColormap  colormap,
                                       double      value,
                                       double     *r,
                                       double     *g,
                                       double     *b);

/* The diverging map of differences (live − pinned), apart from the maps
 * above (never a choice of the colour map menu): ColorBrewer's eleven-class
 * RdBu reversed, as matplotlib's "RdBu_r": @value in -1..1 (clamped; NaN as
 * 0) from dark blue (-1) through a near white (0) to dark red (1). */
void        as_colormap_diverging_lookup (double   value,
                                          double  *r,
                                          double  *g,
                                          double  *b);

G_END_DECLS
