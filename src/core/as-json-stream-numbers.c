/* The streaming JSON reader's numbers (see as-json-stream-private.h): the
 * text of one, checked as the strict check does, integers within 64 bits. */

#include <string.h>

#include "as-json-stream-private.h"

/* Numbers */

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
      c = _as_json_stream_peek_at (self, 0);
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
  return _as_json_stream_peek_at (self, 0);
}

/* The number at the mark (pos on it); leaves pos after it. Also refuses an
 * integer beyond 64 bits. */
gboolean
_as_json_stream_scan_number (AsJsonStream *self)
{
  GString *t = self->text;
  gboolean is_integer = TRUE;
  gsize int_start, n_digits;
  int c;

  g_string_truncate (t, 0);
  c = _as_json_stream_peek_at (self, 0);
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
      return _as_json_stream_fail_format_at (self, self->mark, "the integer %s is out of range "
                                             "(-9223372036854775807 to 9223372036854775807)", quoted);
    }
  self->is_integer = is_integer;
  return TRUE;

invalid:
  {
    g_autofree char *what = _as_json_stream_describe_word (self, t->str, t->len);
    if (what == NULL)
      return FALSE;
    return _as_json_stream_fail_json (self, self->mark, "%s is not a JSON number", what);
  }
}
