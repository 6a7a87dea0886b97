#pragma once

#include <gtk/gtk.h>

#include "as-session.h"

G_BEGIN_DECLS

#define AS_TYPE_CANDIDATES (as_candidates_get_type ())

G_DECLARE_FINAL_TYPE (AsCandidates, as_candidates, AS, CANDIDATES, GtkWidget)

GtkWidget *as_candidates_new          (void);
/* Shows the candidates for the output of @step of @session (copied; NULL
 * or a step out of range shows none). */
void       as_candidates_show_step    (AsCandidates *self,
                                       AsSession    *session,
                                       int           step);
/* The language of the target side (BCP 47), for its tokens; NULL: none. */
void       as_candidates_set_language (AsCandidates *self,
                                       const char   *language);
guint      as_candidates_get_n_items  (AsCandidates *self);
/* The target id of candidate @index (best first), or -1. */
int        as_candidates_get_token    (AsCandidates *self,
                                       guint         index);
/* @prob as a percentage with enough digits to tell values apart: three
 * significant digits, "> 99.9 %" and "< 0.1 %" at the ends. */
char      *as_candidates_format_probability (double prob);
/* As if the person clicked candidate @index. */
void       as_candidates_activate     (AsCandidates *self,
                                       guint         index);

G_END_DECLS
