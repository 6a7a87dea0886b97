#pragma once

/* The figure's matrix as text for a spreadsheet or pandas: one header line
 * (an empty corner, then the column tokens), then one line per row (its
 * token, then its weights), fields separated by a tab (TSV, what Copy puts
 * on the clipboard) or a comma (CSV, the export). A field holding the
 * separator, a quote or a line break is quoted with its quotes doubled
 * (RFC 4180), as pandas.read_csv and spreadsheets read it; masked cells are
 * empty (NaN to pandas). A grid gives each panel's table under a line with
 * its caption, the tables separated by an empty line.
 *
 *   pandas.read_csv(path, sep='\t', index_col=0)   (one panel) */

#include "as-figure.h"

G_BEGIN_DECLS

/* Newly allocated; every line ends in "\n". */
char       *as_figure_to_table        (AsFigure   *self,
                                       char        separator);

G_END_DECLS
