#pragma once

/* What the files of the streaming JSON reader share (as-json-stream.c: the
 * object, the tokenizer and the public API; -input.c: messages, lines and
 * columns, opening the file, reading it in blocks and checking it as UTF-8,
 * the changed-file checks; -strings.c: member names and the duplicate check,
 * strings and their escapes; -numbers.c: numbers). Not for callers. */

#include <sys/stat.h>

#include "as-error.h"
#include "as-json-stream.h"

G_BEGIN_DECLS

/* Room after a block: the longest look-ahead (a word of 24 characters for a
 * message, a \u escape pair of 12 bytes) and a UTF-8 sequence cut by a block. */
#define LOOKAHEAD     64
#define SMALL_OBJECT  8    /* member names looked up one by one; past this, a table */

#define PEEK_EOF      (-1)
#define PEEK_FAILED   (-2)  /* self->failure is set */

#define ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS G_GUINT64_CONSTANT (0x8080808080808080)
#define HAS_ZERO_BYTE(w) ((((w) - ONES) & ~(w) & HIGHS) != 0)
#define HAS_BYTE(w, b) HAS_ZERO_BYTE ((w) ^ (ONES * (b)))
#define HAS_BYTE_BELOW(w, n) ((((w) - ONES * (n)) & ~(w) & HIGHS) != 0)

typedef struct
{
  char     kind;          /* '[' or '{' */
  gsize    names_start;   /* its member names in self->names from here */
  guint    n_names;
  guint32 *table;         /* past SMALL_OBJECT names: pairs (hash, offset + 1) */
  guint    table_size;    /* slots, a power of two */
} Container;

typedef enum
{
  STATE_START,
  STATE_VALUE,
  STATE_VALUE_OR_CLOSE,
  STATE_KEY,
  STATE_KEY_OR_CLOSE,
  STATE_AFTER_VALUE,
  STATE_DONE,
  STATE_FAILED,
} State;

typedef enum
{
  STRING_NONE,
  STRING_PENDING,   /* a string value whose content is not read yet */
  STRING_WHOLE,     /* in self->text */
  STRING_CONSUMED,  /* read in pieces, or too long: gone */
} StringState;

struct _AsJsonStream
{
  char           *name;
  int             fd;           /* -1 for a document in memory */
  const char     *data;
  guint64         size;         /* what fstat() said, or the length of @data */
  struct stat     st;           /* at the opening, to see a change */
  guint64         n_read;
  gboolean        eof;
  gsize           block_size;
  AsJsonReadHook  hook;
  gpointer        hook_data;

  /* buf[0] is the byte at buf_offset of the file; the tokenizer reads
   * buf[pos], bytes up to buf[valid] are valid UTF-8 without NUL, bytes up to
   * buf[end] have been read. */
  char           *buf;
  gsize           capacity;
  guint64         buf_offset;
  gsize           pos;
  gsize           valid;
  gsize           end;
  gboolean        bad;          /* buf[valid] starts invalid UTF-8 or is NUL */

  /* the line and column of the byte at @counted, once asked for */
  guint64         counted;
  guint           line;
  guint           column;
  /* where the current token starts (or the comma being checked) */
  guint64         mark;

  State           state;
  guint           depth;
  Container       stack[AS_JSON_STREAM_MAX_NESTING];
  /* the member names of the open objects, one after the other: the name
   * unescaped, NUL, the name as written when it differs (else nothing), NUL */
  char           *names;
  gsize           names_length;
  gsize           names_capacity;
  guint64         hash_key[2];

  AsJsonToken     token;
  StringState     string_state;
  GString        *text;         /* a number, a member name, a string read whole */
  GString        *raw;          /* a member name as written */
  gboolean        is_integer;
  GError         *failure;
};

/* Where a string read goes */

typedef enum
{
  SINK_SKIP,
  SINK_WHOLE,    /* into self->text, up to max_length bytes */
  SINK_NAME,     /* into self->text, and as written into self->raw */
  SINK_CHUNKS,   /* to func */
} SinkKind;

typedef struct
{
  SinkKind         kind;
  gsize            max_length;
  gsize            length;        /* unescaped bytes so far */
  AsJsonChunkFunc  func;
  gpointer         user_data;
  GError          *error;         /* func's */
  gsize            n_pending;
  char             pending[256];  /* unescaped characters not given to func yet */
} Sink;

/* The offset in the file of the byte at pos. */
static inline guint64
_as_json_stream_offset_of_pos (AsJsonStream *self)
{
  return self->buf_offset + self->pos;
}

/* as-json-stream.c */
AsJsonStream *_as_json_stream_new              (const char   *name);

/* as-json-stream-input.c: messages. The fail_ functions keep the first
 * failure, leave the stream failed and return FALSE. */
char         *_as_json_stream_quote_text       (const char   *text,
                                                gssize        length,
                                                guint         max_chars,
                                                gboolean      cut);
gboolean      _as_json_stream_fail_take        (AsJsonStream *self,
                                                GError       *error);
gboolean      _as_json_stream_fail_changed     (AsJsonStream *self);
/* The file is not what fstat() described at the opening. */
gboolean      _as_json_stream_file_changed     (AsJsonStream *self);
gboolean      _as_json_stream_fail_document    (AsJsonStream *self,
                                                AsError       code,
                                                const char   *format,
                                                ...) G_GNUC_PRINTF (3, 4);
gboolean      _as_json_stream_fail_json        (AsJsonStream *self,
                                                guint64       offset,
                                                const char   *format,
                                                ...) G_GNUC_PRINTF (3, 4);
gboolean      _as_json_stream_fail_format_at   (AsJsonStream *self,
                                                guint64       offset,
                                                const char   *format,
                                                ...) G_GNUC_PRINTF (3, 4);
gboolean      _as_json_stream_fail_eof         (AsJsonStream *self,
                                                const char   *what);

/* as-json-stream-input.c: lines and columns */
void          _as_json_stream_set_mark         (AsJsonStream *self);
void          _as_json_stream_position_of      (AsJsonStream *self,
                                                guint64       offset,
                                                guint        *line,
                                                guint        *column);

/* as-json-stream-input.c: reading, and descriptions for messages */
int           _as_json_stream_peek_at          (AsJsonStream *self,
                                                gsize         k);
int           _as_json_stream_skip_white_space (AsJsonStream *self);
char         *_as_json_stream_describe_char    (AsJsonStream *self,
                                                gsize         k);
char         *_as_json_stream_describe_word    (AsJsonStream *self,
                                                const char   *prefix,
                                                gsize         n_prefix);

/* as-json-stream-strings.c */
void          _as_json_stream_push             (AsJsonStream *self,
                                                char          kind);
void          _as_json_stream_pop              (AsJsonStream *self);
gboolean      _as_json_stream_sink_add         (AsJsonStream *self,
                                                Sink         *sink,
                                                const char   *text,
                                                gsize         n,
                                                gboolean      from_escape);
gboolean      _as_json_stream_scan_string      (AsJsonStream *self,
                                                Sink         *sink);
/* The member name at the mark (pos on its opening quote), whole and as
 * written, added to the object at the top unless it is there already. */
gboolean      _as_json_stream_read_member_name (AsJsonStream *self);

/* as-json-stream-numbers.c */
gboolean      _as_json_stream_scan_number      (AsJsonStream *self);

G_END_DECLS
