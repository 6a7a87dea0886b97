/* A streaming, strict JSON pull reader (see as-json-stream.h).
 *
 * The rules and every message are those of as-json-check.c, whose structure
 * this follows: the same states (a value, a value or ']', a member name, a
 * member name or '}', after a value), the same tests in the same order, so
 * that the first error either finds is the same. What differs is where the
 * bytes come from: a buffer of one block (plus a little room for looking
 * ahead) that read() fills, checked as UTF-8 as it arrives. The tokenizer
 * only ever sees checked bytes; the first byte that is not valid UTF-8 (or
 * is NUL) stops it there, and the error is reported when it needs that byte.
 *
 * Lines and columns (in characters, as as_json_offset_to_line counts them)
 * are only needed for messages: they are counted then, from the start of the
 * document to the byte in question, reading the file again (pread) or the
 * caller's data. Reading does not pay for them. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "as-error.h"
#include "as-json-stream.h"
#include "as-loader.h"

G_STATIC_ASSERT (AS_JSON_STREAM_MAX_NESTING == AS_LOADER_MAX_NESTING);

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

G_DEFINE_QUARK (as-json-stream-error-quark, as_json_stream_error)

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

/* ---- messages ------------------------------------------------------------ */

static char *
quote_text (const char *text,
            gssize      length,
            guint       max_chars,
            gboolean    cut)
{
  g_autofree char *valid = NULL;
  g_autofree char *head = NULL;
  g_autofree char *escaped = NULL;
  const char *p;

  if (text == NULL)
    text = "", length = 0;
  if (length < 0)
    length = strlen (text);
  valid = g_utf8_make_valid (text, length);
  p = valid;
  for (guint i = 0; i < max_chars && *p != '\0'; i++)
    p = g_utf8_next_char (p);
  if (*p != '\0')
    cut = TRUE;
  head = g_strndup (valid, p - valid);
  escaped = as_escape_controls (head);
  return cut ? g_strconcat (escaped, "...", NULL) : g_steal_pointer (&escaped);
}

char *
as_quote_text (const char *text,
               gssize      length,
               guint       max_chars)
{
  return quote_text (text, length, max_chars, FALSE);
}

static gboolean
fail_take (AsJsonStream *self,
           GError       *error)
{
  if (self->failure == NULL)
    self->failure = error;
  else
    g_error_free (error);
  self->state = STATE_FAILED;
  return FALSE;
}

static gboolean
fail_changed (AsJsonStream *self)
{
  return fail_take (self, g_error_new (AS_ERROR, AS_ERROR_FILE, "%s: the file changed while it was read", self->name));
}

/* The file is not what fstat() described at the opening. */
static gboolean
file_changed (AsJsonStream *self)
{
  struct stat now;

  if (self->fd < 0)
    return FALSE;
  if (fstat (self->fd, &now) != 0)
    return TRUE;
  return now.st_size != self->st.st_size ||
         now.st_mtim.tv_sec != self->st.st_mtim.tv_sec || now.st_mtim.tv_nsec != self->st.st_mtim.tv_nsec ||
         now.st_ctim.tv_sec != self->st.st_ctim.tv_sec || now.st_ctim.tv_nsec != self->st.st_ctim.tv_nsec;
}

/* An error in the document, unless the file changed under it. */
static gboolean G_GNUC_PRINTF (3, 4)
fail_document (AsJsonStream *self,
               AsError       code,
               const char   *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (file_changed (self))
    return fail_changed (self);
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  return fail_take (self, g_error_new (AS_ERROR, code, "%s: %s", self->name, message));
}

/* ---- lines and columns ----------------------------------------------------- */

static void
count_bytes (AsJsonStream *self,
             const guchar *p,
             gsize         n)
{
  const guchar *e = p + n;

  while (p < e)
    {
      guint64 w;

      /* eight bytes at a time while there is no line break among them */
      if (e - p >= 8)
        {
          memcpy (&w, p, 8);
          if ((w & HIGHS) == 0 && !HAS_BYTE (w, '\n'))
            {
              self->column += 8;
              p += 8;
              continue;
            }
          if (!HAS_BYTE (w, '\n'))
            {
              /* continuation bytes (10xxxxxx) are not characters: one bit
               * each, summed into the top byte by the multiplication */
              guint64 continuation = (w & ~(w << 1) & HIGHS) >> 7;
              self->column += 8 - (guint) ((continuation * ONES) >> 56);
              p += 8;
              continue;
            }
        }
      if (*p == '\n')
        {
          self->line++;
          self->column = 1;
        }
      else if ((*p & 0xc0) != 0x80)
        self->column++;
      p++;
    }
}

static inline guint64
offset_of_pos (AsJsonStream *self)
{
  return self->buf_offset + self->pos;
}

static void
set_mark (AsJsonStream *self)
{
  self->mark = offset_of_pos (self);
}

/* Line and column of the byte at @offset (at most what was read): counted
 * from the start of the document, or from the last position asked for. A
 * file that cannot be read again gives the position as far as it could. */
static void
position_of (AsJsonStream *self,
             guint64       offset,
             guint        *line,
             guint        *column)
{
  if (offset < self->counted)
    {
      self->counted = 0;
      self->line = 1;
      self->column = 1;
    }
  offset = MIN (offset, self->n_read);
  if (self->fd < 0)
    count_bytes (self, (const guchar *) self->data + self->counted, offset - self->counted);
  else
    {
      guchar block[16384];

      while (self->counted < offset)
        {
          gssize n;

          do
            n = pread (self->fd, block, MIN (sizeof block, offset - self->counted), self->counted);
          while (n < 0 && errno == EINTR);
          if (n <= 0)
            break;
          count_bytes (self, block, n);
          self->counted += n;
        }
    }
  self->counted = MAX (self->counted, offset);
  *line = self->line;
  *column = self->column;
}

static gboolean G_GNUC_PRINTF (3, 4)
fail_json (AsJsonStream *self,
           guint64       offset,
           const char   *format,
           ...)
{
  g_autofree char *message = NULL;
  guint line, column;
  va_list args;

  if (file_changed (self))
    return fail_changed (self);
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  position_of (self, offset, &line, &column);
  return fail_document (self, AS_ERROR_JSON, "not valid JSON: line %u, column %u: %s", line, column, message);
}

static gboolean G_GNUC_PRINTF (3, 4)
fail_format_at (AsJsonStream *self,
                guint64       offset,
                const char   *format,
                ...)
{
  g_autofree char *message = NULL;
  guint line, column;
  va_list args;

  if (file_changed (self))
    return fail_changed (self);
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  position_of (self, offset, &line, &column);
  return fail_document (self, AS_ERROR_FORMAT, "line %u, column %u: %s", line, column, message);
}

static gboolean
fail_eof (AsJsonStream *self,
          const char   *what)
{
  return fail_document (self, AS_ERROR_JSON, "not valid JSON: the file ends %s (is it cut short?)", what);
}

/* ---- reading ---------------------------------------------------------------- */

/* Checks the bytes read since the last call as UTF-8, up to the first that is
 * not valid (or NUL); a sequence cut by the end of the bytes read waits for
 * the next block, or is invalid at the end of the file. */
static void
validate (AsJsonStream *self)
{
  const guchar *b = (const guchar *) self->buf;
  gsize i = self->valid;
  const gsize end = self->end;

  while (!self->bad && i < end)
    {
      guint c, n;

      /* eight ASCII bytes at a time, none of them NUL */
      while (i + 8 <= end)
        {
          guint64 w;

          memcpy (&w, b + i, 8);
          if ((w & HIGHS) != 0 || HAS_ZERO_BYTE (w))
            break;
          i += 8;
        }
      if (i >= end)
        break;
      c = b[i];
      if (c == 0)
        {
          self->bad = TRUE;
          break;
        }
      if (c < 0x80)
        {
          i++;
          continue;
        }
      n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
      if (n == 0)
        {
          self->bad = TRUE;
          break;
        }
      if (end - i < n)
        {
          if (self->eof)
            self->bad = TRUE;
          break;
        }
      if (!g_utf8_validate_len ((const char *) b + i, n, NULL))
        {
          self->bad = TRUE;
          break;
        }
      i += n;
    }
  self->valid = i;
}

/* Drops the bytes before pos. */
static void
compact (AsJsonStream *self)
{
  const guint64 drop_to = offset_of_pos (self);

  if (self->pos == 0)
    return;
  memmove (self->buf, self->buf + self->pos, self->end - self->pos);
  self->buf_offset = drop_to;
  self->valid -= self->pos;
  self->end -= self->pos;
  self->pos = 0;
}

/* One more read(). FALSE with the failure set when the file cannot be read
 * or is not the one fstat() described. */
static gboolean
read_more (AsJsonStream *self)
{
  gsize want;
  gssize n;

  if (self->buf == NULL)
    {
      self->capacity = self->block_size + LOOKAHEAD;
      self->buf = g_malloc (self->capacity);
    }
  if (self->capacity - self->end < self->block_size)
    compact (self);
  want = MIN (self->block_size, self->capacity - self->end);
  if (want == 0)  /* cannot happen: the tokenizer looks ahead less than LOOKAHEAD */
    return fail_take (self, g_error_new (AS_ERROR, AS_ERROR_FILE, "%s: cannot read the file: no room left", self->name));

  if (self->fd >= 0)
    {
      do
        n = read (self->fd, self->buf + self->end, want);
      while (n < 0 && errno == EINTR);
      if (n < 0)
        {
          int saved_errno = errno;
          return fail_take (self, g_error_new (AS_ERROR, AS_ERROR_FILE, "%s: cannot read the file: %s",
                                               self->name, g_strerror (saved_errno)));
        }
    }
  else
    {
      n = MIN (want, self->size - self->n_read);
      if (n > 0)
        memcpy (self->buf + self->end, self->data + self->n_read, n);
    }

  if (n == 0)
    {
      self->eof = TRUE;
      if (self->n_read < self->size)
        return fail_changed (self);
    }
  else
    {
      self->n_read += n;
      self->end += n;
      if (self->hook != NULL)
        self->hook (self, self->n_read, self->hook_data);
      if (self->n_read > self->size)
        {
          if (self->size == 0)
            return fail_take (self, g_error_new (AS_ERROR, AS_ERROR_FILE,
                                                 "%s: not a regular file (its size is 0, yet it has content)",
                                                 self->name));
          return fail_changed (self);
        }
    }
  validate (self);
  return TRUE;
}

/* The reader stopped at buf[valid]: invalid UTF-8 or a NUL byte there. */
static gboolean
fail_encoding (AsJsonStream *self)
{
  const guint64 offset = self->buf_offset + self->valid;

  if (self->buf[self->valid] == '\0')
    return fail_format_at (self, offset, "a NUL byte (this is not a text file)");
  return fail_format_at (self, offset, "invalid UTF-8");
}

/* The byte at pos + @k (0..255), reading more when needed; PEEK_EOF after
 * the last byte, PEEK_FAILED (the failure set) at invalid UTF-8 or when the
 * file cannot be read. The bytes from pos stay in the buffer; reading may
 * move them (and pos) to its start. */
static int
peek_at (AsJsonStream *self,
         gsize         k)
{
  while (self->pos + k >= self->valid)
    {
      if (self->bad)
        {
          fail_encoding (self);
          return PEEK_FAILED;
        }
      if (self->eof)
        return PEEK_EOF;
      if (!read_more (self))
        return PEEK_FAILED;
    }
  return (guchar) self->buf[self->pos + k];
}

/* The first byte that is not white space, not consumed. */
static int
skip_white_space (AsJsonStream *self)
{
  for (;;)
    {
      int c;

      while (self->pos < self->valid)
        {
          c = (guchar) self->buf[self->pos];
          if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return c;
          self->pos++;
        }
      c = peek_at (self, 0);
      if (c < 0)
        return c;
    }
}

/* ---- descriptions for messages ------------------------------------------- */

/* The character at pos + @k: 'x', or U+XXXX for a control character. */
static char *
describe_char (AsJsonStream *self,
               gsize         k)
{
  int b = peek_at (self, k);
  gunichar c;
  char utf8[8] = { 0 };
  g_autofree char *quoted = NULL;

  if (b == PEEK_FAILED)
    return NULL;
  if (b == PEEK_EOF)
    return g_strdup ("the end of the file");
  c = g_utf8_get_char (self->buf + self->pos + k);
  if (c < 0x20 || c == 0x7f)
    return g_strdup_printf ("the control character U+%04X", c);
  if (c == '\'')
    return g_strdup ("a single quote");
  if (c == 0xfeff)
    return g_strdup ("a byte order mark (U+FEFF)");
  g_unichar_to_utf8 (c, utf8);
  quoted = quote_text (utf8, -1, 1, FALSE);
  return g_strdup_printf ("'%s'", quoted);
}

static inline gboolean
is_word_char (int c)
{
  return c >= 0 && (g_ascii_isalnum (c) || c == '_' || c == '.' || c == '+' || c == '-');
}

/* A word outside a string (TRUE, NaN, Infinity, 0x10...), for a message: the
 * @n_prefix bytes of @prefix already read of it, then what follows pos; at
 * most 24 characters. */
static char *
describe_word (AsJsonStream *self,
               const char   *prefix,
               gsize         n_prefix)
{
  g_autoptr (GString) word = g_string_new_len (prefix, MIN (n_prefix, 24));
  g_autofree char *quoted = NULL;

  for (gsize k = 0; word->len < 24; k++)
    {
      int c = peek_at (self, k);

      if (c == PEEK_FAILED)
        return NULL;
      if (!is_word_char (c))
        break;
      g_string_append_c (word, c);
    }
  if (word->len == 0)
    return describe_char (self, 0);
  quoted = quote_text (word->str, word->len, 24, FALSE);
  return g_strdup_printf ("'%s'", quoted);
}

/* ---- member names ---------------------------------------------------------- */

#define ROTL(x, b) (guint64) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                      \
  G_STMT_START {                                                      \
    v0 += v1; v1 = ROTL (v1, 13); v1 ^= v0; v0 = ROTL (v0, 32);       \
    v2 += v3; v3 = ROTL (v3, 16); v3 ^= v2;                           \
    v0 += v3; v3 = ROTL (v3, 21); v3 ^= v0;                           \
    v2 += v1; v1 = ROTL (v1, 17); v1 ^= v2; v2 = ROTL (v2, 32);       \
  } G_STMT_END

/* SipHash-2-4 with a key of the stream's own: a file cannot be made of names
 * that all fall into one slot of the table. */
static guint32
hash_name (AsJsonStream *self,
           const char   *name,
           gsize         length)
{
  const guchar *in = (const guchar *) name;
  guint64 v0 = G_GUINT64_CONSTANT (0x736f6d6570736575) ^ self->hash_key[0];
  guint64 v1 = G_GUINT64_CONSTANT (0x646f72616e646f6d) ^ self->hash_key[1];
  guint64 v2 = G_GUINT64_CONSTANT (0x6c7967656e657261) ^ self->hash_key[0];
  guint64 v3 = G_GUINT64_CONSTANT (0x7465646279746573) ^ self->hash_key[1];
  guint64 last = ((guint64) length) << 56;
  gsize i;

  for (i = 0; i + 8 <= length; i += 8)
    {
      guint64 m;

      memcpy (&m, in + i, 8);
      m = GUINT64_FROM_LE (m);
      v3 ^= m;
      SIPROUND;
      SIPROUND;
      v0 ^= m;
    }
  for (gsize j = 0; i + j < length; j++)
    last |= ((guint64) in[i + j]) << (8 * j);
  v3 ^= last;
  SIPROUND;
  SIPROUND;
  v0 ^= last;
  v2 ^= 0xff;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  return (guint32) (v0 ^ v1 ^ v2 ^ v3);
}

static gsize
name_entry_size (const char *entry)
{
  gsize n = strlen (entry) + 1;
  return n + strlen (entry + n) + 1;
}

static inline gboolean
name_equal (const char *entry,
            const char *name,
            gsize       length)
{
  return strlen (entry) == length && memcmp (entry, name, length) == 0;
}

static void
table_insert (Container *top,
              guint32    hash,
              guint32    offset)
{
  guint mask = top->table_size - 1;
  guint i = hash & mask;

  while (top->table[2 * i + 1] != 0)
    i = (i + 1) & mask;
  top->table[2 * i] = hash;
  top->table[2 * i + 1] = offset + 1;
}

/* A table of twice as many slots as names, at least. */
static void
table_grow (AsJsonStream *self,
            Container    *top)
{
  guint size = MAX (32, top->table_size);
  guint32 *old = top->table;
  guint old_size = top->table_size;

  while (size < 2 * (top->n_names + 1))
    size *= 2;
  if (size == old_size)
    return;
  top->table = g_new0 (guint32, 2 * size);
  top->table_size = size;
  if (old != NULL)
    {
      for (guint i = 0; i < old_size; i++)
        if (old[2 * i + 1] != 0)
          table_insert (top, old[2 * i], old[2 * i + 1] - 1);
      g_free (old);
    }
  else
    {
      gsize at = top->names_start;
      for (guint n = 0; n < top->n_names; n++)
        {
          const char *entry = self->names + at;
          table_insert (top, hash_name (self, entry, strlen (entry)), at);
          at += name_entry_size (entry);
        }
    }
}

/* The offset + 1 of @name in the object at the top, or 0. */
static gsize
find_name (AsJsonStream *self,
           Container    *top,
           const char   *name,
           gsize         length,
           guint32       hash)
{
  if (top->table == NULL)
    {
      gsize at = top->names_start;
      for (guint n = 0; n < top->n_names; n++)
        {
          const char *entry = self->names + at;
          if (name_equal (entry, name, length))
            return at + 1;
          at += name_entry_size (entry);
        }
      return 0;
    }
  for (guint i = hash & (top->table_size - 1);; i = (i + 1) & (top->table_size - 1))
    {
      guint32 at = top->table[2 * i + 1];
      const char *entry;

      if (at == 0)
        return 0;
      entry = self->names + at - 1;
      if (top->table[2 * i] == hash && name_equal (entry, name, length))
        return at;
    }
}

static gboolean
fail_duplicate (AsJsonStream *self,
                gsize         at)
{
  const char *first = self->names + at;
  const char *first_raw = first + strlen (first) + 1;
  const char *raw = self->raw->str;

  if (*first_raw == '\0')
    first_raw = first;
  if (strcmp (first_raw, raw) == 0)
    {
      g_autofree char *quoted = as_quote_text (raw, -1, AS_QUOTE_MAX_CHARS);
      return fail_json (self, self->mark, "\"%s\" appears twice in the same object", quoted);
    }
  else
    {
      g_autofree char *quoted = as_quote_text (self->text->str, self->text->len, AS_QUOTE_MAX_CHARS);
      g_autofree char *quoted_first = as_quote_text (first_raw, -1, AS_QUOTE_MAX_CHARS);
      g_autofree char *quoted_raw = as_quote_text (raw, -1, AS_QUOTE_MAX_CHARS);
      return fail_json (self, self->mark, "\"%s\" appears twice in the same object (written \"%s\" and \"%s\")",
                        quoted, quoted_first, quoted_raw);
    }
}

/* The member name just read (self->text, as written self->raw) into the
 * object at the top, unless it is there already. */
static gboolean
add_name (AsJsonStream *self)
{
  Container *top = &self->stack[self->depth - 1];
  const char *name = self->text->str;
  const gsize length = self->text->len;
  const gboolean escaped = self->raw->len != length || memcmp (self->raw->str, name, length) != 0;
  const gsize size = length + 1 + (escaped ? self->raw->len : 0) + 1;
  const gsize at = self->names_length;
  guint32 hash = 0;
  gsize found;

  if (top->table != NULL || top->n_names >= SMALL_OBJECT)
    hash = hash_name (self, name, length);
  found = find_name (self, top, name, length, hash);
  if (found != 0)
    return fail_duplicate (self, found - 1);

  if (at + size >= G_MAXUINT32)
    return fail_format_at (self, self->mark, "the member names of the open objects take more than 4 GiB");
  if (at + size > self->names_capacity)
    {
      self->names_capacity = MAX (256, MAX (2 * self->names_capacity, at + size));
      self->names = g_realloc (self->names, self->names_capacity);
    }
  memcpy (self->names + at, name, length + 1);
  if (escaped)
    memcpy (self->names + at + length + 1, self->raw->str, self->raw->len);
  self->names[at + size - 1] = '\0';
  self->names_length += size;

  if (top->table != NULL)
    {
      top->n_names++;
      if (2 * top->n_names > top->table_size)
        table_grow (self, top);
      table_insert (top, hash, at);
    }
  else
    {
      top->n_names++;
      if (top->n_names > SMALL_OBJECT)
        table_grow (self, top);  /* hashes every name, this one too */
    }
  return TRUE;
}

static void
push (AsJsonStream *self,
      char          kind)
{
  self->stack[self->depth++] = (Container) { kind, self->names_length, 0, NULL, 0 };
}

static void
pop (AsJsonStream *self)
{
  Container *top = &self->stack[--self->depth];

  self->names_length = top->names_start;
  g_clear_pointer (&top->table, g_free);
}

/* ---- strings ---------------------------------------------------------------- */

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

static gboolean
sink_flush (AsJsonStream *self,
            Sink         *sink)
{
  gsize n = sink->n_pending;

  if (n == 0)
    return TRUE;
  sink->n_pending = 0;
  if (sink->func (sink->pending, n, sink->user_data, &sink->error))
    return TRUE;
  if (sink->error == NULL)
    sink->error = g_error_new (AS_ERROR, AS_ERROR_FORMAT, "%s: reading a string was stopped", self->name);
  return fail_take (self, g_steal_pointer (&sink->error));
}

/* @n bytes of the string, unescaped: whole characters. */
static gboolean
sink_add (AsJsonStream *self,
          Sink         *sink,
          const char   *text,
          gsize         n,
          gboolean      from_escape)
{
  switch (sink->kind)
    {
    case SINK_SKIP:
      break;
    case SINK_WHOLE:
    case SINK_NAME:
      if (sink->length + n <= sink->max_length)
        g_string_append_len (self->text, text, n);
      else if (sink->length <= sink->max_length)
        {
          /* as much as fits, cut between characters */
          gsize m = sink->max_length - sink->length;
          while (m > 0 && ((guchar) text[m] & 0xc0) == 0x80)
            m--;
          g_string_append_len (self->text, text, m);
        }
      break;
    case SINK_CHUNKS:
      if (from_escape)
        {
          if (sink->n_pending + n > sizeof sink->pending && !sink_flush (self, sink))
            return FALSE;
          memcpy (sink->pending + sink->n_pending, text, n);
          sink->n_pending += n;
        }
      else
        {
          if (!sink_flush (self, sink))
            return FALSE;
          if (!sink->func (text, n, sink->user_data, &sink->error))
            {
              if (sink->error == NULL)
                sink->error = g_error_new (AS_ERROR, AS_ERROR_FORMAT, "%s: reading a string was stopped", self->name);
              return fail_take (self, g_steal_pointer (&sink->error));
            }
        }
      break;
    default:
      g_assert_not_reached ();
    }
  sink->length += n;
  return TRUE;
}

/* The end of the run of bytes from @from that need nothing done: not '"',
 * '\\' or a control character. */
static gsize
plain_run_end (const char *buf,
               gsize       from,
               gsize       to)
{
  gsize i = from;

  while (i + 8 <= to)
    {
      guint64 w;

      memcpy (&w, buf + i, 8);
      if (HAS_BYTE (w, '"') || HAS_BYTE (w, '\\') || HAS_BYTE_BELOW (w, 0x20))
        break;
      i += 8;
    }
  for (; i < to; i++)
    {
      guchar c = buf[i];
      if (c == '"' || c == '\\' || c < 0x20)
        break;
    }
  return i;
}

static int
hex_value (int c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* \uXXXX at pos + @k: its value, -1 when it is not one, PEEK_FAILED. */
static int
u_escape (AsJsonStream *self,
          gsize         k)
{
  int value = 0;

  for (gsize i = 0; i < 6; i++)
    {
      int c = peek_at (self, k + i);

      if (c == PEEK_FAILED)
        return PEEK_FAILED;
      if (c == PEEK_EOF)
        return -1;
      if (i == 0 ? c != '\\' : i == 1 ? c != 'u' : hex_value (c) < 0)
        return -1;
      if (i >= 2)
        value = value * 16 + hex_value (c);
    }
  return value;
}

/* The escape at pos (on its backslash); leaves pos after it. */
static gboolean
scan_escape (AsJsonStream *self,
             Sink         *sink)
{
  const guint64 at = offset_of_pos (self);
  int c = peek_at (self, 1);
  gsize n_raw = 2;
  char out[8];
  gsize n_out = 1;

  if (c == PEEK_FAILED)
    return FALSE;
  if (c == PEEK_EOF)
    return fail_eof (self, "inside a string");
  switch (c)
    {
    case '"': case '\\': case '/':
      out[0] = c;
      break;
    case 'b':
      out[0] = '\b';
      break;
    case 'f':
      out[0] = '\f';
      break;
    case 'n':
      out[0] = '\n';
      break;
    case 'r':
      out[0] = '\r';
      break;
    case 't':
      out[0] = '\t';
      break;
    case 'u':
      {
        int value = u_escape (self, 0);
        gunichar code_point;

        if (value == PEEK_FAILED)
          return FALSE;
        if (value < 0)
          return fail_json (self, at, "\\u must be followed by four hexadecimal digits");
        if (value == 0)
          return fail_json (self, at, "\\u0000 (a NUL character) is not allowed in a string");
        if (value >= 0xdc00 && value <= 0xdfff)
          return fail_json (self, at, "\\u%04x is the second half of a UTF-16 surrogate pair without the first", value);
        code_point = value;
        n_raw = 6;
        if (value >= 0xd800 && value <= 0xdbff)
          {
            int low = u_escape (self, 6);

            if (low == PEEK_FAILED)
              return FALSE;
            if (low < 0xdc00 || low > 0xdfff)
              return fail_json (self, at, "\\u%04x is the first half of a UTF-16 surrogate pair without the second",
                                value);
            code_point = 0x10000 + ((value - 0xd800) << 10) + (low - 0xdc00);
            n_raw = 12;
          }
        n_out = g_unichar_to_utf8 (code_point, out);
      }
      break;
    default:
      {
        g_autofree char *what = describe_char (self, 1);
        if (what == NULL)
          return FALSE;
        return fail_json (self, at, "\\ followed by %s is not an escape of JSON", what);
      }
    }
  if (sink->kind == SINK_NAME)
    g_string_append_len (self->raw, self->buf + self->pos, n_raw);
  self->pos += n_raw;
  return sink_add (self, sink, out, n_out, TRUE);
}

/* The string at the mark, pos on its opening quote; leaves pos after it. */
static gboolean
scan_string (AsJsonStream *self,
             Sink         *sink)
{
  const guint64 start = self->mark;

  self->pos++;
  for (;;)
    {
      const gsize run = self->pos;
      int c;

      self->pos = plain_run_end (self->buf, self->pos, self->valid);
      if (self->pos > run)
        {
          if (sink->kind == SINK_NAME)
            g_string_append_len (self->raw, self->buf + run, self->pos - run);
          if (!sink_add (self, sink, self->buf + run, self->pos - run, FALSE))
            return FALSE;
        }
      c = peek_at (self, 0);
      if (c == PEEK_FAILED)
        return FALSE;
      if (c == PEEK_EOF)
        {
          guint line, column;
          g_autofree char *what = NULL;

          if (file_changed (self))
            return fail_changed (self);
          position_of (self, start, &line, &column);
          what = g_strdup_printf ("inside the string that starts at line %u, column %u", line, column);
          return fail_eof (self, what);
        }
      if (c == '"')
        {
          self->pos++;
          return sink->kind != SINK_CHUNKS || sink_flush (self, sink);
        }
      if (c == '\n' || c == '\r')
        return fail_json (self, start, "the string is not closed at the end of its line");
      if (c < 0x20)
        return fail_json (self, offset_of_pos (self),
                          "the control character U+%04X must be written as an escape inside a string", c);
      if (c == '\\' && !scan_escape (self, sink))
        return FALSE;
    }
}

/* ---- numbers ---------------------------------------------------------------- */

/* Appends the digits at pos to self->text; the byte after them. */
static int
take_digits (AsJsonStream *self)
{
  for (;;)
    {
      const gsize from = self->pos;
      int c;

      while (self->pos < self->valid && g_ascii_isdigit (self->buf[self->pos]))
        self->pos++;
      g_string_append_len (self->text, self->buf + from, self->pos - from);
      c = peek_at (self, 0);
      if (c < '0' || c > '9')
        return c;
    }
}

static int
take (AsJsonStream *self,
      int           c)
{
  g_string_append_c (self->text, c);
  self->pos++;
  return peek_at (self, 0);
}

/* The number at the mark (pos on it); leaves pos after it. Also refuses an
 * integer beyond 64 bits. */
static gboolean
scan_number (AsJsonStream *self)
{
  GString *t = self->text;
  gboolean is_integer = TRUE;
  gsize int_start, n_digits;
  int c;

  g_string_truncate (t, 0);
  c = peek_at (self, 0);
  if (c == '-')
    c = take (self, c);
  if (c == PEEK_FAILED)
    return FALSE;
  int_start = t->len;
  if (c == '0')
    c = take (self, c);
  else if (c >= '1' && c <= '9')
    c = take_digits (self);
  else
    goto invalid;
  if (c == PEEK_FAILED)
    return FALSE;
  n_digits = t->len - int_start;
  if (c == '.')
    {
      is_integer = FALSE;
      c = take (self, c);
      if (c == PEEK_FAILED)
        return FALSE;
      if (c < '0' || c > '9')
        goto invalid;
      c = take_digits (self);
      if (c == PEEK_FAILED)
        return FALSE;
    }
  if (c == 'e' || c == 'E')
    {
      is_integer = FALSE;
      c = take (self, c);
      if (c == '+' || c == '-')
        c = take (self, c);
      if (c == PEEK_FAILED)
        return FALSE;
      if (c < '0' || c > '9')
        goto invalid;
      c = take_digits (self);
      if (c == PEEK_FAILED)
        return FALSE;
    }
  if (c >= 0 && (g_ascii_isalnum (c) || c == '.' || c == '_'))
    goto invalid;  /* 0x10, 04, 1.5.2, 12abc */

  if (is_integer && (n_digits > 19 || (n_digits == 19 && strncmp (t->str + int_start, "9223372036854775807", 19) > 0)))
    {
      g_autofree char *quoted = as_quote_text (t->str, t->len, 24);
      return fail_format_at (self, self->mark, "the integer %s is out of range "
                             "(-9223372036854775807 to 9223372036854775807)", quoted);
    }
  self->is_integer = is_integer;
  return TRUE;

invalid:
  {
    g_autofree char *what = describe_word (self, t->str, t->len);
    if (what == NULL)
      return FALSE;
    return fail_json (self, self->mark, "%s is not a JSON number", what);
  }
}

/* ---- tokens ----------------------------------------------------------------- */

/* 1 when @word (true, false, null) is at pos and is not followed by a letter
 * or a digit, 0 when not, -1 when the reader failed. */
static int
match_literal (AsJsonStream *self,
               const char   *word)
{
  const gsize n = strlen (word);
  int c;

  for (gsize k = 0; k < n; k++)
    {
      c = peek_at (self, k);
      if (c == PEEK_FAILED)
        return -1;
      if (c != word[k])
        return 0;
    }
  c = peek_at (self, n);
  if (c == PEEK_FAILED)
    return -1;
  return c == PEEK_EOF || !g_ascii_isalnum (c);
}

static gboolean
read_member_name (AsJsonStream *self)
{
  Sink sink = { .kind = SINK_NAME, .max_length = G_MAXSIZE };

  g_string_truncate (self->text, 0);
  g_string_truncate (self->raw, 0);
  return scan_string (self, &sink) && add_name (self);
}

static gboolean
next_token (AsJsonStream *self,
            AsJsonToken  *token)
{
  static const struct { const char *word; AsJsonToken token; } literals[] = {
    { "true", AS_JSON_TOKEN_TRUE }, { "false", AS_JSON_TOKEN_FALSE }, { "null", AS_JSON_TOKEN_NULL },
  };
  int c;

  if (self->string_state == STRING_PENDING)
    {
      Sink sink = { .kind = SINK_SKIP };
      if (!scan_string (self, &sink))
        return FALSE;
    }
  self->string_state = STRING_NONE;

  if (self->state == STATE_DONE)
    {
      *token = AS_JSON_TOKEN_END;
      return TRUE;
    }

  if (self->state == STATE_START)
    {
      c = peek_at (self, 0);
      if (c == PEEK_FAILED)
        return FALSE;
      if (c == PEEK_EOF)
        return fail_document (self, AS_ERROR_FORMAT, "the file is empty");
      /* a byte order mark is not JSON, but RFC 8259 lets a parser ignore it */
      if (c == 0xef && peek_at (self, 1) == 0xbb && peek_at (self, 2) == 0xbf)
        self->pos += 3;
      if (self->state == STATE_FAILED)
        return FALSE;
      c = skip_white_space (self);
      if (c == PEEK_FAILED)
        return FALSE;
      if (c == PEEK_EOF)
        return fail_document (self, AS_ERROR_JSON, "not valid JSON: there is only white space");
      self->state = STATE_VALUE;
    }

  for (;;)
    {
      c = skip_white_space (self);
      if (c == PEEK_FAILED)
        return FALSE;
      set_mark (self);
      if (c == PEEK_EOF)
        {
          if (self->state == STATE_AFTER_VALUE && self->depth == 0)
            {
              if (file_changed (self))
                return fail_changed (self);
              self->state = STATE_DONE;
              *token = AS_JSON_TOKEN_END;
              return TRUE;
            }
          if (self->depth > 0)
            {
              g_autofree char *what = g_strdup_printf ("with %u bracket%s still open", self->depth,
                                                       self->depth == 1 ? "" : "s");
              return fail_eof (self, what);
            }
          return fail_eof (self, "where a value is expected");
        }

      if (self->state == STATE_VALUE_OR_CLOSE && c == ']')
        {
          pop (self);
          self->pos++;
          self->state = STATE_AFTER_VALUE;
          *token = AS_JSON_TOKEN_END_ARRAY;
          return TRUE;
        }
      if (self->state == STATE_KEY_OR_CLOSE && c == '}')
        {
          pop (self);
          self->pos++;
          self->state = STATE_AFTER_VALUE;
          *token = AS_JSON_TOKEN_END_OBJECT;
          return TRUE;
        }

      if (self->state == STATE_VALUE || self->state == STATE_VALUE_OR_CLOSE)
        {
          g_autofree char *what = NULL;

          if (c == '[' || c == '{')
            {
              if (self->depth == AS_JSON_STREAM_MAX_NESTING)
                return fail_format_at (self, self->mark, "nested more than %d levels deep", AS_JSON_STREAM_MAX_NESTING);
              push (self, c);
              self->pos++;
              self->state = c == '[' ? STATE_VALUE_OR_CLOSE : STATE_KEY_OR_CLOSE;
              *token = c == '[' ? AS_JSON_TOKEN_BEGIN_ARRAY : AS_JSON_TOKEN_BEGIN_OBJECT;
              return TRUE;
            }
          self->state = STATE_AFTER_VALUE;
          if (c == '"')
            {
              self->string_state = STRING_PENDING;
              *token = AS_JSON_TOKEN_STRING;
              return TRUE;
            }
          if (c == '-' || g_ascii_isdigit (c))
            {
              if (!scan_number (self))
                return FALSE;
              *token = AS_JSON_TOKEN_NUMBER;
              return TRUE;
            }
          for (guint i = 0; i < G_N_ELEMENTS (literals); i++)
            {
              int found = match_literal (self, literals[i].word);

              if (found < 0)
                return FALSE;
              if (found)
                {
                  self->pos += strlen (literals[i].word);
                  *token = literals[i].token;
                  return TRUE;
                }
            }
          what = describe_word (self, NULL, 0);
          if (what == NULL)
            return FALSE;
          return fail_json (self, self->mark, "a value is expected, found %s", what);
        }

      if (self->state == STATE_KEY || self->state == STATE_KEY_OR_CLOSE)
        {
          if (c != '"')
            {
              g_autofree char *what = describe_word (self, NULL, 0);
              if (what == NULL)
                return FALSE;
              return fail_json (self, self->mark, "a member name in double quotes is expected, found %s", what);
            }
          if (!read_member_name (self))
            return FALSE;
          c = skip_white_space (self);
          if (c == PEEK_FAILED)
            return FALSE;
          if (c == PEEK_EOF)
            return fail_eof (self, "after a member name");
          if (c != ':')
            {
              g_autofree char *what = describe_char (self, 0);
              if (what == NULL)
                return FALSE;
              return fail_json (self, offset_of_pos (self), "':' is expected after the member name, found %s", what);
            }
          self->pos++;
          self->state = STATE_VALUE;
          self->string_state = STRING_WHOLE;
          *token = AS_JSON_TOKEN_MEMBER_NAME;
          return TRUE;
        }

      /* STATE_AFTER_VALUE */
      if (self->depth == 0)
        {
          g_autofree char *what = describe_word (self, NULL, 0);
          if (what == NULL)
            return FALSE;
          return fail_json (self, self->mark, "%s after the end of the document", what);
        }
      if (c == ',')
        {
          const guint64 comma = self->mark;

          self->pos++;
          self->state = self->stack[self->depth - 1].kind == '{' ? STATE_KEY : STATE_VALUE;
          c = skip_white_space (self);
          if (c == PEEK_FAILED)
            return FALSE;
          if (c == ']' || c == '}')
            return fail_json (self, comma, "a comma before the closing '%c' (JSON has no trailing commas)", c);
          continue;
        }
      if ((c == ']' && self->stack[self->depth - 1].kind == '[') ||
          (c == '}' && self->stack[self->depth - 1].kind == '{'))
        {
          pop (self);
          self->pos++;
          *token = c == ']' ? AS_JSON_TOKEN_END_ARRAY : AS_JSON_TOKEN_END_OBJECT;
          return TRUE;
        }
      {
        g_autofree char *what = describe_char (self, 0);
        if (what == NULL)
          return FALSE;
        return fail_json (self, self->mark, "',' or '%c' is expected, found %s",
                          self->stack[self->depth - 1].kind == '[' ? ']' : '}', what);
      }
    }
}

/* ---- public ----------------------------------------------------------------- */

static AsJsonStream *
stream_new (const char *name)
{
  AsJsonStream *self = g_new0 (AsJsonStream, 1);

  self->name = g_strdup (name);
  self->fd = -1;
  self->block_size = AS_JSON_STREAM_BLOCK_SIZE;
  self->line = 1;
  self->column = 1;
  self->text = g_string_new (NULL);
  self->raw = g_string_new (NULL);
  self->hash_key[0] = ((guint64) g_random_int () << 32) | g_random_int ();
  self->hash_key[1] = ((guint64) g_random_int () << 32) | g_random_int ();
  return self;
}

AsJsonStream *
as_json_stream_new_for_path (const char  *path,
                             const char  *name,
                             GError     **error)
{
  g_autofree char *base = NULL;
  AsJsonStream *self;
  struct stat st;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  if (name == NULL)
    name = base = g_path_get_basename (path);
  /* O_NONBLOCK: opening a FIFO must not wait for a writer */
  fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;
      close (fd);
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    {
      close (fd);
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s: is a folder, not a model file", path);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s: not a regular file", name);
      return NULL;
    }
  if ((guint64) st.st_size > AS_JSON_STREAM_MAX_FILE_SIZE)
    {
      close (fd);
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s: the file is larger than 1 GiB", name);
      return NULL;
    }

  self = stream_new (name);
  self->fd = fd;
  self->st = st;
  self->size = st.st_size;
  return self;
}

AsJsonStream *
as_json_stream_new_for_data (const char *data,
                             gsize       length,
                             const char *name)
{
  AsJsonStream *self;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  self = stream_new (name != NULL ? name : "data");
  self->data = data;
  self->size = length;
  return self;
}

void
as_json_stream_free (AsJsonStream *self)
{
  if (self == NULL)
    return;
  while (self->depth > 0)
    pop (self);
  if (self->fd >= 0)
    close (self->fd);
  g_free (self->buf);
  g_free (self->names);
  g_string_free (self->text, TRUE);
  g_string_free (self->raw, TRUE);
  g_clear_error (&self->failure);
  g_free (self->name);
  g_free (self);
}

void
as_json_stream_set_block_size (AsJsonStream *self,
                               gsize         block_size)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->buf == NULL);
  g_return_if_fail (block_size > 0 && block_size <= G_MAXSIZE - LOOKAHEAD);

  self->block_size = block_size;
}

void
as_json_stream_set_read_hook (AsJsonStream   *self,
                              AsJsonReadHook  hook,
                              gpointer        user_data)
{
  g_return_if_fail (self != NULL);

  self->hook = hook;
  self->hook_data = user_data;
}

static gboolean
propagate_failure (AsJsonStream  *self,
                   GError       **error)
{
  g_propagate_error (error, g_error_copy (self->failure));
  return FALSE;
}

gboolean
as_json_stream_next (AsJsonStream  *self,
                     AsJsonToken   *token,
                     GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (token != NULL, FALSE);

  if (self->state != STATE_FAILED && next_token (self, token))
    {
      self->token = *token;
      return TRUE;
    }
  return propagate_failure (self, error);
}

const char *
as_json_stream_get_string (AsJsonStream  *self,
                           gsize          max_length,
                           gsize         *length,
                           GError       **error)
{
  gsize full_length;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->state == STATE_FAILED)
    {
      propagate_failure (self, error);
      return NULL;
    }
  g_return_val_if_fail (self->string_state == STRING_PENDING || self->string_state == STRING_WHOLE, NULL);

  if (self->string_state == STRING_PENDING)
    {
      Sink sink = { .kind = SINK_WHOLE, .max_length = max_length };

      g_string_truncate (self->text, 0);
      if (!scan_string (self, &sink))
        {
          propagate_failure (self, error);
          return NULL;
        }
      full_length = sink.length;
      self->string_state = full_length > max_length ? STRING_CONSUMED : STRING_WHOLE;
    }
  else
    full_length = self->text->len;

  if (full_length > max_length)
    {
      /* what it holds of the string, at most @max_length bytes of whole characters */
      gsize shown = MIN (self->text->len, max_length);
      g_autofree char *quoted = NULL;
      guint line, column;

      while (shown > 0 && shown < self->text->len && ((guchar) self->text->str[shown] & 0xc0) == 0x80)
        shown--;
      quoted = quote_text (self->text->str, shown, AS_QUOTE_MAX_CHARS, TRUE);

      position_of (self, self->mark, &line, &column);
      g_set_error (error, AS_JSON_STREAM_ERROR, AS_JSON_STREAM_ERROR_TOO_LONG,
                   "%s: line %u, column %u: the string \"%s\" is longer than %" G_GSIZE_FORMAT " bytes",
                   self->name, line, column, quoted, max_length);
      return NULL;
    }
  if (length != NULL)
    *length = self->text->len;
  return self->text->str;
}

gboolean
as_json_stream_read_string (AsJsonStream     *self,
                            AsJsonChunkFunc   func,
                            gpointer          user_data,
                            GError          **error)
{
  Sink sink = { .kind = SINK_CHUNKS, .func = func, .user_data = user_data };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  if (self->state == STATE_FAILED)
    return propagate_failure (self, error);
  g_return_val_if_fail (self->string_state == STRING_PENDING || self->string_state == STRING_WHOLE, FALSE);

  if (self->string_state == STRING_WHOLE)
    {
      if (self->text->len > 0 && !sink_add (self, &sink, self->text->str, self->text->len, FALSE))
        return propagate_failure (self, error);
      return TRUE;
    }
  self->string_state = STRING_CONSUMED;
  if (!scan_string (self, &sink))
    return propagate_failure (self, error);
  return TRUE;
}

const char *
as_json_stream_get_number_text (AsJsonStream *self,
                                gsize        *length)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->state != STATE_FAILED && self->token == AS_JSON_TOKEN_NUMBER, NULL);

  if (length != NULL)
    *length = self->text->len;
  return self->text->str;
}

gboolean
as_json_stream_get_int (AsJsonStream *self,
                        gint64       *value)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->state != STATE_FAILED && self->token == AS_JSON_TOKEN_NUMBER, FALSE);

  if (!self->is_integer)
    return FALSE;
  if (value != NULL)
    *value = g_ascii_strtoll (self->text->str, NULL, 10);
  return TRUE;
}

double
as_json_stream_get_double (AsJsonStream *self)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (self->state != STATE_FAILED && self->token == AS_JSON_TOKEN_NUMBER, 0);

  return g_ascii_strtod (self->text->str, NULL);
}

gboolean
as_json_stream_skip (AsJsonStream  *self,
                     GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->state == STATE_FAILED)
    return propagate_failure (self, error);
  if (self->string_state == STRING_PENDING)
    {
      Sink sink = { .kind = SINK_SKIP };

      self->string_state = STRING_CONSUMED;
      if (!scan_string (self, &sink))
        return propagate_failure (self, error);
    }
  if (self->token == AS_JSON_TOKEN_BEGIN_OBJECT || self->token == AS_JSON_TOKEN_BEGIN_ARRAY)
    {
      const guint depth = self->depth - 1;

      while (self->depth > depth)
        {
          AsJsonToken token;
          if (!as_json_stream_next (self, &token, error))
            return FALSE;
        }
    }
  return TRUE;
}

void
as_json_stream_get_position (AsJsonStream *self,
                             guint        *line,
                             guint        *column)
{
  guint l = 0, c = 0;

  g_return_if_fail (self != NULL);

  position_of (self, self->mark, &l, &c);
  if (line != NULL)
    *line = l;
  if (column != NULL)
    *column = c;
}

guint
as_json_stream_get_depth (AsJsonStream *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->depth;
}

const char *
as_json_stream_get_name (AsJsonStream *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

gsize
as_json_stream_get_buffer_size (AsJsonStream *self)
{
  gsize size;

  g_return_val_if_fail (self != NULL, 0);

  size = (self->buf != NULL ? self->capacity : 0) + self->text->allocated_len + self->raw->allocated_len +
         self->names_capacity;
  for (guint i = 0; i < self->depth; i++)
    size += self->stack[i].table_size * 2 * sizeof (guint32);
  return size;
}
