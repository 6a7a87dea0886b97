#pragma once

/* A PDF of several figures, one page each, every page the size of its
 * figure (cairo_pdf_surface_set_size): what `attnscope-cli render --batch`
 * writes. Drawn as as_figure_export_with_options() draws a PDF. */

#include "as-figure.h"

G_BEGIN_DECLS

typedef struct _AsFigureBook AsFigureBook;

/* @options as for as_figure_export_with_options() (the scale and svg_text
 * do not apply); NULL: the defaults. @title: the document's title, or NULL. */
AsFigureBook *as_figure_book_new        (const AsFigureExportOptions *options,
                                         const char                  *title);
void          as_figure_book_free       (AsFigureBook                *self);
/* Draws @figure as the next page; FALSE (AS_ERROR_FILE) when cairo fails. */
gboolean      as_figure_book_add_page   (AsFigureBook                *self,
                                         AsFigure                    *figure,
                                         GError                     **error);
guint         as_figure_book_get_n_pages (AsFigureBook               *self);
/* Finishes the document and writes it to @path atomically (a failure
 * leaves any existing file as it was). The book takes no more pages. */
gboolean      as_figure_book_write      (AsFigureBook                *self,
                                         const char                  *path,
                                         GError                     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AsFigureBook, as_figure_book_free)

G_END_DECLS
