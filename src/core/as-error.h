#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AS_ERROR (as_error_quark ())

/* Every failure that a person can cause: a broken model file, a sentence the
 * model cannot read, a figure that cannot be written. The message always says
 * what and where. */
typedef enum
{
  AS_ERROR_FILE,          /* the file cannot be read or written */
  AS_ERROR_JSON,          /* not JSON at all, or truncated */
  AS_ERROR_FORMAT,        /* JSON, but not a valid AttnScope model */
  AS_ERROR_UNSUPPORTED,   /* a newer format version or an unknown architecture */
  AS_ERROR_EMPTY_INPUT,   /* the sentence has no tokens */
  AS_ERROR_TOO_LONG,      /* the sentence has more tokens than the engine accepts */
  AS_ERROR_UNKNOWN_WORDS, /* words the model does not know, and it has no unknown token */
  AS_ERROR_INVALID,       /* an argument out of range (a token id, a step, a beam width) */
} AsError;

GQuark as_error_quark     (void);

/* The characters that are never printed as they are, to a terminal, in a
 * message or in JSON: C0 and C1 controls and DEL, the bidirectional marks,
 * embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069), the line and paragraph separators U+2028, U+2029, and
 * the non-characters U+FFFE, U+FFFF. */
gboolean as_char_needs_escape (gunichar c);
/* @text as one safe line for a message or a terminal: invalid UTF-8 becomes
 * U+FFFD, \n \r \t and every other character of as_char_needs_escape ()
 * an escape (\u001B, \u202E). */
char  *as_escape_controls (const char *text);
/* @size bytes for a large buffer (freed with g_free), NULL when there is
 * not enough memory: aligned so that the kernel can back it with huge
 * pages, which makes its first use many times cheaper than 4 KiB faults. */
gpointer as_try_alloc_large (gsize size);

G_END_DECLS
