#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  AS_TOKENIZER_WORDS,      /* white space separates; punctuation and symbols stand alone */
  AS_TOKENIZER_CHARACTERS, /* one token per non-space character */
  AS_TOKENIZER_WHITESPACE, /* white space separates, nothing else: text already cut into tokens */
} AsTokenizerType;

/* What a side of that type does unless its file says otherwise. */
gboolean   as_tokenizer_type_lowercases  (AsTokenizerType  type);
const char *as_tokenizer_type_join       (AsTokenizerType  type);

gboolean   as_tokenizer_type_from_string (const char      *name,
                                          AsTokenizerType *type);
const char *as_tokenizer_type_to_string  (AsTokenizerType  type);

/* Splits valid UTF-8 @text into tokens (a NULL-terminated string array).
 * Text that is not valid UTF-8 has its invalid bytes replaced by U+FFFD first. */
GStrv      as_tokenize                   (const char      *text,
                                          AsTokenizerType  type,
                                          gboolean         lowercase);

G_END_DECLS
