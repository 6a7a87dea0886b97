#pragma once

/* Tooltips that cost nothing until shown. In GTK 4.8 setting a widget's
 * tooltip text asks the X server where the pointer is (a round trip, to
 * show the new tooltip at once if the pointer is over the widget), even
 * when the text is the one it had: a result of a key set about ten of
 * them, a few milliseconds of the frame the key waits for. */

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* @widget's tooltip is @text (NULL or "": none), set only where it changed */
void  as_tooltip_set_text   (GtkWidget  *widget,
                             const char *text);
/* @widget's tooltip is @text (NULL or "": none), kept and given to GTK
 * only when the tooltip is shown: for a text that changes at each result */
void  as_tooltip_set_lazily (GtkWidget  *widget,
                             const char *text);
/* The text @widget's tooltip shows now, whichever way it was set (for the
 * tests); NULL: none */
const char *as_tooltip_get_text (GtkWidget *widget);
/* @label's tooltip is its own text (of a line cut with an ellipsis: all of
 * it), made when the tooltip is shown; none while the label is empty */
void  as_tooltip_from_label (GtkLabel   *label);

G_END_DECLS
