#pragma once

/* A decoded session as the JSON object of `attnscope-cli translate --json`,
 * written as it goes (no tree in memory): the window's "session as JSON"
 * export. The members, in order: architecture, source_tokens,
 * unknown_words, target_tokens, translation, steps (input, output, prob,
 * logprob, top: token, prob), attention (the one shown: @kind, @layer,
 * @head, one row per step; decoder self-attention as a square, zero above
 * the diagonal), then cross_attention, decoder_self_attention and
 * encoder_self_attention as [layer][head][row][column], for each kind the
 * model has. Numbers as json-glib writes them. */

#include <glib.h>

#include "as-attention.h"
#include "as-session.h"

G_BEGIN_DECLS

/* Appends the object (no newline) to @out; @top candidates per step at
 * most. @layer and @head must name attention of @kind that the model has. */
void        as_json_append_session    (GString          *out,
                                       AsSession        *session,
                                       AsAttentionKind   kind,
                                       guint             layer,
                                       int               head,
                                       guint             top);

G_END_DECLS
