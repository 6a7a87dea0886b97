#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  AS_TOKENIZER_WORDS,      /* white space separates; punctuation and symbols stand alone */
  AS_TOKENIZER_CHARACTERS, /* one token per non-space character */
} AsTokenizerType;

gboolean   as_tokenizer_type_from_string (const char      *name,
                                          AsTokenizerType *type);
const char *as_tokenizer_type_to_string  (AsTokenizerType  type);

/* Splits valid UTF-8 @text into tokens (a NULL-terminated string array).
 * Text that is not valid UTF-8 has its invalid bytes replaced by U+FFFD first. */
GStrv      as_tokenize                   (const char      *text,
                                          AsTokenizerType  type,
                                          gboolean         lowercase);

G_END_DECLS
