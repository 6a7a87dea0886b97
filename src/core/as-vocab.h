#pragma once

#include <glib.h>

#include "as-tokenizer.h"

G_BEGIN_DECLS

/* One side of the model (source or target): how text becomes ids and back. */
typedef struct
{
  AsTokenizerType tokenizer;
  gboolean        lowercase;
  char           *join;       /* put between tokens when turned back into text */
  char           *language;   /* BCP 47 ("zh-CN"), or NULL where the file names none */
  guint           size;
  char           *pool;       /* every token, each followed by a NUL */
  guint32        *offsets;    /* (size) where each id's token starts in @pool */
  guint32        *sorted;     /* (size) the ids in the order of their tokens (strcmp) */
  int             start;      /* special ids; -1 where the model has none */
  int             end;
  int             unknown;
  int             padding;
} AsVocab;

/* The token of @id (0 <= @id < size). */
static inline const char *
as_vocab_get_token (const AsVocab *vocab,
                    guint          id)
{
  return vocab->pool + vocab->offsets[id];
}

/* The id of @token, or -1. */
int            as_vocab_lookup                  (const AsVocab  *vocab,
                                                 const char     *token);
/* Whether @tag is a well-formed language tag as model files may name one:
 * a 2 or 3 letter primary language (ISO 639) and subtags of 1 to 8 letters
 * or digits, joined by hyphens ("en", "zh-CN", "zh-Hans-CN"), 35 bytes at
 * most. */
gboolean       as_vocab_language_is_valid       (const char     *tag);
/* Tokens to text with the side's join string, leaving out start/end/padding. */
char          *as_vocab_join                    (const AsVocab  *vocab,
                                                 const int      *ids,
                                                 guint           n);

G_END_DECLS
