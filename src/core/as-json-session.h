#pragma once

/* A decoded session as the JSON object of `attnscope-cli translate --json`,
 * written as it goes (no tree in memory): the window's "session as JSON"
 * export. The members, in order: architecture, source_tokens,
 * unknown_words, target_tokens, translation, logprob (the whole
 * translation's, natural log), score (per token), perplexity, steps (input,
 * output, prob, logprob, entropy (of the step's cross-attention, the last
 * layer's mean over heads, in nats), top: token, prob), attention (the one shown: @kind, @layer,
 * @head, one row per step; decoder self-attention as a square, zero above
 * the diagonal), then cross_attention, decoder_self_attention and
 * encoder_self_attention as [layer][head][row][column], for each kind the
 * model has. Compact; strings escaped by the rule of everything printed
 * (as_char_needs_escape) in JSON's \u form; floats with the 9 significant
 * digits that give the same float back. One writer for the command line
 * and the window. */

#include <glib.h>

#include "as-attention.h"
#include "as-session.h"

G_BEGIN_DECLS

/* Receives the text piece by piece. */
typedef void (*AsJsonWrite) (const char *text,
                             gsize       length,
                             gpointer    data);

/* Writes the object (no newline) through @write, as it goes;
 * @top candidates per step at most. @layer and @head must name attention
 * of @kind that the model has. */
void        as_json_write_session     (AsSession        *session,
                                       AsAttentionKind   kind,
                                       guint             layer,
                                       int               head,
                                       guint             top,
                                       AsJsonWrite       write,
                                       gpointer          data);
/* The same, appended to @out; @top candidates per step at
 * most. @layer and @head must name attention of @kind that the model has. */
void        as_json_append_session    (GString          *out,
                                       AsSession        *session,
                                       AsAttentionKind   kind,
                                       guint             layer,
                                       int               head,
                                       guint             top);

G_END_DECLS
