#pragma once

/* A streaming, strict JSON pull reader for model files.
 *
 * The file is read once, front to back, with read() in blocks into the
 * reader's own buffer (never a mapping, never the whole file): memory is one
 * block, the token the caller asks for whole (a number, a member name, a
 * string read with as_json_stream_get_string), and the member names of the
 * objects still open (needed to refuse a duplicate), whatever the file holds.
 * A long string can be read in pieces (as_json_stream_read_string), so that
 * base64 data goes straight into a weight buffer.
 *
 * The rules are those of the strict check (as-json-check.c), with the same
 * messages, byte for byte: no comments, no single quotes, no leading zeros or
 * hexadecimal, no control characters or unknown escapes in strings, no lone
 * surrogates, no integer beyond 64 bits, at most AS_JSON_STREAM_MAX_NESTING
 * levels, UTF-8 only (a byte order mark allowed at the start), nothing after
 * the document. Member names are compared once unescaped ("vocabul\u0061ry"
 * is "vocabulary"): two names written alike give the check's message,
 * "line L, column C: "NAME" appears twice in the same object"; written
 * differently, "...appears twice in the same object (written "vocabulary"
 * and "vocabul\u0061ry")", NAME unescaped, the spellings as written.
 * Lines and columns are counted in characters, as as_json_offset_to_line
 * does, only when a message needs them (reading the file again).
 *
 * Where two things are wrong, the first one met reading the file in order is
 * reported: invalid UTF-8 (or a NUL byte) is an error where the reader looks
 * at it, a syntax error where the strict check finds it.
 *
 * A file that changes while it is read: the document is the file that fstat()
 * described when it was opened. Whenever the reader stops, at the end of the
 * document or at an error in it, and whenever read() gives fewer or more
 * bytes than that, it checks the file again; if anything differs (fewer or
 * more bytes, another size, modification or status change time), the error
 * is "NAME: the file changed while it was read" (AS_ERROR_FILE), in place of
 * what the bytes would say. */

#include <glib.h>

G_BEGIN_DECLS

#define AS_JSON_STREAM_BLOCK_SIZE     (4 * 1024 * 1024)
#define AS_JSON_STREAM_MAX_FILE_SIZE  (G_GUINT64_CONSTANT (4) << 30)  /* 4 GiB */
#define AS_JSON_STREAM_MAX_NESTING    64
#define AS_QUOTE_MAX_CHARS            60

#define AS_JSON_STREAM_ERROR (as_json_stream_error_quark ())

/* Errors that the caller words for its context: the stream can go on. */
typedef enum
{
  AS_JSON_STREAM_ERROR_TOO_LONG,  /* a string past the caller's maximum length */
} AsJsonStreamError;

typedef enum
{
  AS_JSON_TOKEN_BEGIN_OBJECT,
  AS_JSON_TOKEN_END_OBJECT,
  AS_JSON_TOKEN_BEGIN_ARRAY,
  AS_JSON_TOKEN_END_ARRAY,
  AS_JSON_TOKEN_MEMBER_NAME,  /* read whole and checked: as_json_stream_get_string */
  AS_JSON_TOKEN_STRING,       /* not read yet: as_json_stream_get_string or _read_string */
  AS_JSON_TOKEN_NUMBER,
  AS_JSON_TOKEN_TRUE,
  AS_JSON_TOKEN_FALSE,
  AS_JSON_TOKEN_NULL,
  AS_JSON_TOKEN_END,          /* the end of the document, after a check of the whole file */
} AsJsonToken;

typedef struct _AsJsonStream AsJsonStream;

/* A piece of a string, unescaped and valid UTF-8 on its own. Return FALSE
 * with @error set to stop reading: the stream then fails with that error. */
typedef gboolean (*AsJsonChunkFunc) (const char  *chunk,
                                     gsize        length,
                                     gpointer     user_data,
                                     GError     **error);

/* For tests: called after each read() that gave bytes, with the number of
 * bytes read so far (to change the file while it is read). */
typedef void     (*AsJsonReadHook)  (AsJsonStream *stream,
                                     guint64       n_read,
                                     gpointer      user_data);

GQuark        as_json_stream_error_quark     (void);

/* @text (@length bytes, or up to its NUL when -1) for a message: invalid
 * UTF-8 as U+FFFD, control characters as escapes (as_escape_controls), at
 * most @max_chars characters followed by "..." when there were more. Every
 * piece of a file quoted in a message goes through it. */
char         *as_quote_text                  (const char      *text,
                                              gssize           length,
                                              guint            max_chars);

/* Opens @path without blocking (a FIFO or a device is refused at once):
 * "NAME: not a regular file", "PATH: is a folder, not a model file",
 * "NAME: the file is larger than 4 GiB", or the system's reason. @name
 * names the document in messages (the base name of @path when NULL). */
AsJsonStream *as_json_stream_new_for_path    (const char      *path,
                                              const char      *name,
                                              GError         **error);
/* @data must stay until the stream is freed; it is read in blocks too. */
AsJsonStream *as_json_stream_new_for_data    (const char      *data,
                                              gsize            length,
                                              const char      *name);
void          as_json_stream_free            (AsJsonStream    *self);
/* A new stream of the same document from its start (the same open file, or
 * the same data), for a second pass: a file that changed since @self opened
 * it gives "NAME: the file changed while it was read" when it is read. */
AsJsonStream *as_json_stream_reopen          (AsJsonStream    *self,
                                              GError         **error);
/* The document's length in bytes, as fstat() gave it at the opening. */
guint64       as_json_stream_get_size        (AsJsonStream    *self);

/* Before the first token: bytes per read() (default AS_JSON_STREAM_BLOCK_SIZE). */
void          as_json_stream_set_block_size  (AsJsonStream    *self,
                                              gsize            block_size);
void          as_json_stream_set_read_hook   (AsJsonStream    *self,
                                              AsJsonReadHook   hook,
                                              gpointer         user_data);

/* The next token. A string that was not read is skipped (and checked).
 * FALSE with @error when the document is not valid or the file cannot be
 * read; every later call then gives the same error. */
gboolean      as_json_stream_next            (AsJsonStream    *self,
                                              AsJsonToken     *token,
                                              GError         **error);

/* After AS_JSON_TOKEN_STRING or AS_JSON_TOKEN_MEMBER_NAME: the string,
 * unescaped, NUL-terminated (it holds no NUL), owned by the stream until the
 * next token. Longer than @max_length bytes: the string is read to its end
 * (and checked) but not kept, and the error is AS_JSON_STREAM_ERROR_TOO_LONG,
 * worded "NAME: line L, column C: the string "..." is longer than N bytes",
 * for the caller to word for its context; the stream can go on. */
const char   *as_json_stream_get_string      (AsJsonStream    *self,
                                              gsize            max_length,
                                              gsize           *length,
                                              GError         **error);
/* After AS_JSON_TOKEN_STRING: the string, unescaped, in pieces of at most
 * about a block, never held whole. */
gboolean      as_json_stream_read_string     (AsJsonStream    *self,
                                              AsJsonChunkFunc  func,
                                              gpointer         user_data,
                                              GError         **error);

/* After AS_JSON_TOKEN_NUMBER: its text as written, and its value. An
 * integer (no fraction, no exponent) is always within 64 bits: larger ones
 * are refused by as_json_stream_next. */
const char   *as_json_stream_get_number_text (AsJsonStream    *self,
                                              gsize           *length);
gboolean      as_json_stream_get_int         (AsJsonStream    *self,
                                              gint64          *value);
double        as_json_stream_get_double      (AsJsonStream    *self);
/* The same value as (float) as_json_stream_get_double(), bit for bit, but
 * without strtod() for the numbers an exporter writes (up to 19 significant
 * digits, exponents within 27): tensor data. */
float         as_json_stream_get_float       (AsJsonStream    *self);

/* After a token: skips what it opens (an object or an array up to its end,
 * or a string not read yet); nothing for the others. */
gboolean      as_json_stream_skip            (AsJsonStream    *self,
                                              GError         **error);

/* Line and column (in characters, from 1) where the last token starts. */
void          as_json_stream_get_position    (AsJsonStream    *self,
                                              guint           *line,
                                              guint           *column);
/* Objects and arrays open after the last token. */
guint         as_json_stream_get_depth       (AsJsonStream    *self);
const char   *as_json_stream_get_name        (AsJsonStream    *self);
/* Bytes that the reader holds now: its buffer, the token's text, the member
 * names it keeps and their tables. */
gsize         as_json_stream_get_buffer_size (AsJsonStream    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AsJsonStream, as_json_stream_free)

G_END_DECLS
