/* A streaming, strict JSON pull reader (see as-json-stream.h): the object,
 * the tokenizer and the public API. The bytes, strings and numbers are in
 * files of their own (see as-json-stream-private.h).
 *
 * The rules and every message are those of as-json-check.c, whose structure
 * this follows: the same states (a value, a value or ']', a member name, a
 * member name or '}', after a value), the same tests in the same order, so
 * that the first error either finds is the same. What differs is where the
 * bytes come from: a buffer of one block (plus a little room for looking
 * ahead) that read() fills, checked as UTF-8 as it arrives. The tokenizer
 * only ever sees checked bytes; the first byte that is not valid UTF-8 (or
 * is NUL) stops it there, and the error is reported when it needs that byte.
 * Lines and columns are counted only for messages (as-json-stream-input.c). */

#include <float.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "as-json-stream-private.h"


G_DEFINE_QUARK (as-json-stream-error-quark, as_json_stream_error)

/* Tokens */

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
      c = _as_json_stream_peek_at (self, k);
      if (c == PEEK_FAILED)
        return -1;
      if (c != word[k])
        return 0;
    }
  c = _as_json_stream_peek_at (self, n);
  if (c == PEEK_FAILED)
    return -1;
  return c == PEEK_EOF || !g_ascii_isalnum (c);
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
      if (!_as_json_stream_scan_string (self, &sink))
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
      c = _as_json_stream_peek_at (self, 0);
      if (c == PEEK_FAILED)
        return FALSE;
      if (c == PEEK_EOF)
        return _as_json_stream_fail_document (self, AS_ERROR_FORMAT, "the file is empty");
      /* a byte order mark is not JSON, but RFC 8259 lets a parser ignore it */
      if (c == 0xef && _as_json_stream_peek_at (self, 1) == 0xbb && _as_json_stream_peek_at (self, 2) == 0xbf)
        self->pos += 3;
      if (self->state == STATE_FAILED)
        return FALSE;
      c = _as_json_stream_skip_white_space (self);
      if (c == PEEK_FAILED)
        return FALSE;
      if (c == PEEK_EOF)
        return _as_json_stream_fail_document (self, AS_ERROR_JSON, "not valid JSON: there is only white space");
      self->state = STATE_VALUE;
    }

  for (;;)
    {
      c = _as_json_stream_skip_white_space (self);
      if (c == PEEK_FAILED)
        return FALSE;
      _as_json_stream_set_mark (self);
      if (c == PEEK_EOF)
        {
          if (self->state == STATE_AFTER_VALUE && self->depth == 0)
            {
              if (_as_json_stream_file_changed (self))
                return _as_json_stream_fail_changed (self);
              self->state = STATE_DONE;
              *token = AS_JSON_TOKEN_END;
              return TRUE;
            }
          if (self->depth > 0)
            {
              g_autofree char *what = g_strdup_printf ("with %u bracket%s still open", self->depth,
                                                       self->depth == 1 ? "" : "s");
              return _as_json_stream_fail_eof (self, what);
            }
          return _as_json_stream_fail_eof (self, "where a value is expected");
        }

      if (self->state == STATE_VALUE_OR_CLOSE && c == ']')
        {
          _as_json_stream_pop (self);
          self->pos++;
          self->state = STATE_AFTER_VALUE;
          *token = AS_JSON_TOKEN_END_ARRAY;
          return TRUE;
        }
      if (self->state == STATE_KEY_OR_CLOSE && c == '}')
        {
          _as_json_stream_pop (self);
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
                return _as_json_stream_fail_format_at (self, self->mark, "nested more than %d levels deep",
                                                       AS_JSON_STREAM_MAX_NESTING);
              _as_json_stream_push (self, c);
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
              if (!_as_json_stream_scan_number (self))
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
          what = _as_json_stream_describe_word (self, NULL, 0);
          if (what == NULL)
            return FALSE;
          return _as_json_stream_fail_json (self, self->mark, "a value is expected, found %s", what);
        }

      if (self->state == STATE_KEY || self->state == STATE_KEY_OR_CLOSE)
        {
          if (c != '"')
            {
              g_autofree char *what = _as_json_stream_describe_word (self, NULL, 0);
              if (what == NULL)
                return FALSE;
              return _as_json_stream_fail_json (self, self->mark,
                                                "a member name in double quotes is expected, found %s", what);
            }
          if (!_as_json_stream_read_member_name (self))
            return FALSE;
          c = _as_json_stream_skip_white_space (self);
          if (c == PEEK_FAILED)
            return FALSE;
          if (c == PEEK_EOF)
            return _as_json_stream_fail_eof (self, "after a member name");
          if (c != ':')
            {
              g_autofree char *what = _as_json_stream_describe_char (self, 0);
              if (what == NULL)
                return FALSE;
              return _as_json_stream_fail_json (self, _as_json_stream_offset_of_pos (self),
                                                "':' is expected after the member name, found %s", what);
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
          g_autofree char *what = _as_json_stream_describe_word (self, NULL, 0);
          if (what == NULL)
            return FALSE;
          return _as_json_stream_fail_json (self, self->mark, "%s after the end of the document", what);
        }
      if (c == ',')
        {
          const guint64 comma = self->mark;

          self->pos++;
          self->state = self->stack[self->depth - 1].kind == '{' ? STATE_KEY : STATE_VALUE;
          c = _as_json_stream_skip_white_space (self);
          if (c == PEEK_FAILED)
            return FALSE;
          if (c == ']' || c == '}')
            return _as_json_stream_fail_json (self, comma,
                                              "a comma before the closing '%c' (JSON has no trailing commas)", c);
          continue;
        }
      if ((c == ']' && self->stack[self->depth - 1].kind == '[') ||
          (c == '}' && self->stack[self->depth - 1].kind == '{'))
        {
          _as_json_stream_pop (self);
          self->pos++;
          *token = c == ']' ? AS_JSON_TOKEN_END_ARRAY : AS_JSON_TOKEN_END_OBJECT;
          return TRUE;
        }
      {
        g_autofree char *what = _as_json_stream_describe_char (self, 0);
        if (what == NULL)
          return FALSE;
        return _as_json_stream_fail_json (self, self->mark, "',' or '%c' is expected, found %s",
                                          self->stack[self->depth - 1].kind == '[' ? ']' : '}', what);
      }
    }
}

/* Public */

AsJsonStream *
_as_json_stream_new (const char *name)
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
as_json_stream_new_for_data (const char *data,
                             gsize       length,
                             const char *name)
{
  AsJsonStream *self;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  self = _as_json_stream_new (name != NULL ? name : "data");
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
    _as_json_stream_pop (self);
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
      if (!_as_json_stream_scan_string (self, &sink))
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
      quoted = _as_json_stream_quote_text (self->text->str, shown, AS_QUOTE_MAX_CHARS, TRUE);

      _as_json_stream_position_of (self, self->mark, &line, &column);
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
      if (self->text->len > 0 && !_as_json_stream_sink_add (self, &sink, self->text->str, self->text->len, FALSE))
        return propagate_failure (self, error);
      return TRUE;
    }
  self->string_state = STRING_CONSUMED;
  if (!_as_json_stream_scan_string (self, &sink))
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

/* 10^0 .. 10^27, each exact in a long double's 64-bit significand (5^27 < 2^64) */
static const long double powers_of_ten[] = {
  1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L, 1e6L, 1e7L, 1e8L, 1e9L, 1e10L, 1e11L, 1e12L, 1e13L,
  1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L,
};

/* The decimal @text (a JSON number) as a float equal to (float) strtod
 * (text), or FALSE where that cannot be promised without strtod.
 *
 * With at most 19 significant digits m and |exponent| e <= 27, m and 10^e
 * are exact in a long double (x86's 64-bit significand or wider), so
 * m * 10^e or m / 10^e is the true value x within a relative 2^-64. strtod
 * rounds x to a double (2^-53), then to a float. Both roundings, and the
 * float rounding of our value, agree unless x lies within about 2^-52 of
 * a point halfway between two floats: such values (and subnormals, and
 * values past the float range) go to strtod. */
static gboolean
decimal_to_float (const char *text,
                  float      *out)
{
  const char *p = text;
  gboolean negative = FALSE;
  guint64 m = 0;
  int n_digits = 0, e10 = 0;
  long double v, low, high;
  float f;

  if (sizeof (long double) <= sizeof (double))
    return FALSE;
  if (*p == '-')
    negative = TRUE, p++;
  for (; g_ascii_isdigit (*p); p++)
    {
      if (m == 0 && *p == '0')
        continue;
      if (n_digits == 19)
        return FALSE;
      m = m * 10 + (guint64) (*p - '0');
      n_digits++;
    }
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++)
      {
        if (m == 0 && *p == '0')
          {
            e10--;
            continue;
          }
        if (n_digits == 19)
          return FALSE;
        m = m * 10 + (guint64) (*p - '0');
        n_digits++;
        e10--;
      }
  if (*p == 'e' || *p == 'E')
    {
      gboolean minus = FALSE;
      int e = 0;

      p++;
      if (*p == '+' || *p == '-')
        minus = *p == '-', p++;
      for (; g_ascii_isdigit (*p); p++)
        {
          e = e * 10 + (*p - '0');
          if (e > 1000)
            return FALSE;
        }
      e10 += minus ? -e : e;
    }
  if (*p != '\0')
    return FALSE;
  if (m == 0)
    {
      *out = negative ? -0.0f : 0.0f;
      return TRUE;
    }
  if (e10 > 27 || e10 < -27)
    return FALSE;

  v = e10 >= 0 ? (long double) m * powers_of_ten[e10] : (long double) m / powers_of_ten[-e10];
  f = (float) v;
  if (!(f >= FLT_MIN && f <= FLT_MAX))
    return FALSE;
  /* the points halfway to the neighbouring floats */
  low = ((long double) f + (long double) nextafterf (f, 0.0f)) / 2;
  high = ((long double) f + (long double) nextafterf (f, INFINITY)) / 2;
  if (fabsl (v - low) <= v * 0x1p-50L || fabsl (high - v) <= v * 0x1p-50L)
    return FALSE;
  *out = negative ? -f : f;
  return TRUE;
}

float
as_json_stream_get_float (AsJsonStream *self)
{
  float value;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (self->state != STATE_FAILED && self->token == AS_JSON_TOKEN_NUMBER, 0);

  if (decimal_to_float (self->text->str, &value))
    return value;
  return (float) g_ascii_strtod (self->text->str, NULL);
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
      if (!_as_json_stream_scan_string (self, &sink))
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

  _as_json_stream_position_of (self, self->mark, &l, &c);
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
