/* The streaming JSON reader's strings (see as-json-stream-private.h): the
 * member names of the open objects and the check for a duplicate, and
 * strings read whole, in pieces or skipped, with their escapes. */

#include <string.h>

#include "as-json-stream-private.h"

/* Member names */

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
      return _as_json_stream_fail_json (self, self->mark, "\"%s\" appears twice in the same object", quoted);
    }
  else
    {
      g_autofree char *quoted = as_quote_text (self->text->str, self->text->len, AS_QUOTE_MAX_CHARS);
      g_autofree char *quoted_first = as_quote_text (first_raw, -1, AS_QUOTE_MAX_CHARS);
      g_autofree char *quoted_raw = as_quote_text (raw, -1, AS_QUOTE_MAX_CHARS);
      return _as_json_stream_fail_json (self, self->mark,
                                        "\"%s\" appears twice in the same object (written \"%s\" and \"%s\")",
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
    return _as_json_stream_fail_format_at (self, self->mark,
                                           "the member names of the open objects take more than 4 GiB");
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

void
_as_json_stream_push (AsJsonStream *self,
                      char          kind)
{
  self->stack[self->depth++] = (Container) { kind, self->names_length, 0, NULL, 0 };
}

void
_as_json_stream_pop (AsJsonStream *self)
{
  Container *top = &self->stack[--self->depth];

  self->names_length = top->names_start;
  g_clear_pointer (&top->table, g_free);
}

/* Strings */

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
  return _as_json_stream_fail_take (self, g_steal_pointer (&sink->error));
}

/* @n bytes of the string, unescaped: whole characters. */
gboolean
_as_json_stream_sink_add (AsJsonStream *self,
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
              return _as_json_stream_fail_take (self, g_steal_pointer (&sink->error));
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
      int c = _as_json_stream_peek_at (self, k + i);

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
  const guint64 at = _as_json_stream_offset_of_pos (self);
  int c = _as_json_stream_peek_at (self, 1);
  gsize n_raw = 2;
  char out[8];
  gsize n_out = 1;

  if (c == PEEK_FAILED)
    return FALSE;
  if (c == PEEK_EOF)
    return _as_json_stream_fail_eof (self, "inside a string");
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
          return _as_json_stream_fail_json (self, at, "\\u must be followed by four hexadecimal digits");
        if (value == 0)
          return _as_json_stream_fail_json (self, at, "\\u0000 (a NUL character) is not allowed in a string");
        if (value >= 0xdc00 && value <= 0xdfff)
          return _as_json_stream_fail_json (self, at,
                                            "\\u%04x is the second half of a UTF-16 surrogate pair without the first",
                                            value);
        code_point = value;
        n_raw = 6;
        if (value >= 0xd800 && value <= 0xdbff)
          {
            int low = u_escape (self, 6);

            if (low == PEEK_FAILED)
              return FALSE;
            if (low < 0xdc00 || low > 0xdfff)
              return _as_json_stream_fail_json (self, at,
                                                "\\u%04x is the first half of a UTF-16 surrogate pair without the second",
                                                value);
            code_point = 0x10000 + ((value - 0xd800) << 10) + (low - 0xdc00);
            n_raw = 12;
          }
        n_out = g_unichar_to_utf8 (code_point, out);
      }
      break;
    default:
      {
        g_autofree char *what = _as_json_stream_describe_char (self, 1);
        if (what == NULL)
          return FALSE;
        return _as_json_stream_fail_json (self, at, "\\ followed by %s is not an escape of JSON", what);
      }
    }
  if (sink->kind == SINK_NAME)
    g_string_append_len (self->raw, self->buf + self->pos, n_raw);
  self->pos += n_raw;
  return _as_json_stream_sink_add (self, sink, out, n_out, TRUE);
}

/* The string at the mark, pos on its opening quote; leaves pos after it. */
gboolean
_as_json_stream_scan_string (AsJsonStream *self,
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
          if (!_as_json_stream_sink_add (self, sink, self->buf + run, self->pos - run, FALSE))
            return FALSE;
        }
      c = _as_json_stream_peek_at (self, 0);
      if (c == PEEK_FAILED)
        return FALSE;
      if (c == PEEK_EOF)
        {
          guint line, column;
          g_autofree char *what = NULL;

          if (_as_json_stream_file_changed (self))
            return _as_json_stream_fail_changed (self);
          _as_json_stream_position_of (self, start, &line, &column);
          what = g_strdup_printf ("inside the string that starts at line %u, column %u", line, column);
          return _as_json_stream_fail_eof (self, what);
        }
      if (c == '"')
        {
          self->pos++;
          return sink->kind != SINK_CHUNKS || sink_flush (self, sink);
        }
      if (c == '\n' || c == '\r')
        return _as_json_stream_fail_json (self, start, "the string is not closed at the end of its line");
      if (c < 0x20)
        return _as_json_stream_fail_json (self, _as_json_stream_offset_of_pos (self),
                                          "the control character U+%04X must be written as an escape inside a string",
                                          c);
      if (c == '\\' && !scan_escape (self, sink))
        return FALSE;
    }
}

gboolean
_as_json_stream_read_member_name (AsJsonStream *self)
{
  Sink sink = { .kind = SINK_NAME, .max_length = G_MAXSIZE };

  g_string_truncate (self->text, 0);
  g_string_truncate (self->raw, 0);
  return _as_json_stream_scan_string (self, &sink) && add_name (self);
}
