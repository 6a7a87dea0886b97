#pragma once

#include <gtk/gtk.h>

#include "as-session.h"

G_BEGIN_DECLS

#define AS_TYPE_NBEST (as_nbest_get_type ())

G_DECLARE_FINAL_TYPE (AsNbest, as_nbest, AS, NBEST, GtkWidget)

GtkWidget  *as_nbest_new            (void);
/* Lists the n-best of @session's last beam search (copied; NULL or none:
 * an empty list and a hint), each with its translation, total
 * log-probability, length-normalised score and perplexity. */
void        as_nbest_set_session    (AsNbest    *self,
                                     AsSession  *session);
/* A paragraph above the list (a translation of one's own scored against
 * the model's own), or NULL for none. */
void        as_nbest_set_comparison (AsNbest    *self,
                                     const char *text);
const char *as_nbest_get_comparison (AsNbest    *self);
/* What the empty list says (NULL: how to get a beam search). */
void        as_nbest_set_empty_hint (AsNbest    *self,
                                     const char *text);
guint       as_nbest_get_n_items    (AsNbest    *self);
/* The session's node that hypothesis @index (best first) ends at. */
guint       as_nbest_get_node       (AsNbest    *self,
                                     guint       index);
/* Its translation and its numbers, as the row shows them. */
const char *as_nbest_get_translation (AsNbest   *self,
                                     guint       index);
const char *as_nbest_get_numbers    (AsNbest    *self,
                                     guint       index);
/* The row shown as selected (-1: none), without asking to show it. */
void        as_nbest_set_selected   (AsNbest    *self,
                                     int         index);
int         as_nbest_get_selected   (AsNbest    *self);
/* As if the person clicked row @index: emits "hypothesis-activated". */
void        as_nbest_activate       (AsNbest    *self,
                                     guint       index);
/* "−2.31" with a real minus sign, as the panels write log-probabilities. */
char       *as_nbest_format_logprob (double      value);

G_END_DECLS
