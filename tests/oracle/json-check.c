/* The strict JSON check of a model file's raw text (see json-check.h). */

#include <string.h>

#include "as-error.h"
#include "as-loader.h"
#include "as-json-stream.h"
#include "json-check.h"

/* Line and column (in characters) of the byte at @offset, for messages. */
void
as_json_offset_to_line (const char *data,
                        gsize       offset,
                        guint      *line,
                        guint      *column)
{
  *line = 1;
  *column = 1;
  for (gsize i = 0; i < offset; i++)
    {
      if (data[i] == '\n')
        {
          (*line)++;
          *column = 1;
        }
      else if (((guchar) data[i] & 0xc0) != 0x80)  /* count characters, not bytes */
        (*column)++;
    }
}


/* Strict JSON
 *
 * json-glib is lenient where a model file must not be: it takes comments,
 * single quotes, hexadecimal and leading-zero numbers, control characters and
 * unknown escapes in strings, and keeps the last of two equal keys. It reads
 * an integer beyond 64 bits wrong without a word (99999999999999999999 as -1,
 * -99999999999999999999 as 1), and parses recursively, so that 100000 '['
 * would overflow the stack. And its messages on a cut-short file point at
 * the wrong place. So the text is first checked against RFC 8259 here, in one
 * pass without recursion; json-glib only ever sees a valid document. */

typedef struct
{
  AsLoader   *ld;
  const char *data;
  gsize       length;
  gsize       pos;
} Scanner;

typedef struct
{
  char        kind;   /* '[' or '{' */
  GHashTable *keys;   /* the object's keys so far (raw text), made at the first */
} Container;

static gboolean G_GNUC_PRINTF (3, 4)
json_fail (Scanner    *sc,
           gsize       offset,
           const char *format,
           ...)
{
  g_autofree char *message = NULL;
  guint line, column;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  as_json_offset_to_line (sc->data, offset, &line, &column);
  g_set_error (sc->ld->error, AS_ERROR, AS_ERROR_JSON, "%s: not valid JSON: line %u, column %u: %s",
               sc->ld->name, line, column, message);
  return FALSE;
}

static gboolean
json_fail_eof (Scanner    *sc,
               const char *what)
{
  g_set_error (sc->ld->error, AS_ERROR, AS_ERROR_JSON,
               "%s: not valid JSON: the file ends %s (is it cut short?)", sc->ld->name, what);
  return FALSE;
}

/* The character at @offset, for a message: 'x', or U+XXXX for a control character. */
static char *
describe_char (Scanner *sc,
               gsize    offset)
{
  gunichar c = g_utf8_get_char (sc->data + offset);
  char utf8[8] = { 0 };

  if (c < 0x20 || c == 0x7f)
    return g_strdup_printf ("the control character U+%04X", c);
  if (c == '\'')
    return g_strdup ("a single quote");
  if (c == 0xfeff)
    return g_strdup ("a byte order mark (U+FEFF)");
  g_unichar_to_utf8 (c, utf8);
  return g_strdup_printf ("'%s'", utf8);
}

/* A word outside a string (TRUE, NaN, Infinity, undefined...), for a message. */
static char *
describe_token (Scanner *sc,
                gsize    offset)
{
  gsize end = offset;

  while (end < sc->length && end - offset < 24 &&
         (g_ascii_isalnum (sc->data[end]) || sc->data[end] == '_' || sc->data[end] == '.' ||
          sc->data[end] == '+' || sc->data[end] == '-'))
    end++;
  if (end == offset)
    return describe_char (sc, offset);
  return g_strdup_printf ("'%.*s'", (int) (end - offset), sc->data + offset);
}

static void
skip_white_space (Scanner *sc)
{
  while (sc->pos < sc->length)
    {
      char c = sc->data[sc->pos];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
        break;
      sc->pos++;
    }
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* \uXXXX at sc->pos (on the backslash): its value, or -1. */
static int
scan_u_escape (Scanner *sc,
               gsize    at)
{
  int value = 0;

  if (at + 6 > sc->length || sc->data[at] != '\\' || sc->data[at + 1] != 'u')
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int h = hex_value (sc->data[at + 2 + i]);
      if (h < 0)
        return -1;
      value = value * 16 + h;
    }
  return value;
}

/* A string at sc->pos (on its opening quote); leaves sc->pos after it. */
static gboolean
scan_string (Scanner *sc)
{
  const gsize start = sc->pos;

  sc->pos++;
  for (;;)
    {
      guchar c;

      if (sc->pos >= sc->length)
        {
          guint line, column;
          g_autofree char *what = NULL;
          as_json_offset_to_line (sc->data, start, &line, &column);
          what = g_strdup_printf ("inside the string that starts at line %u, column %u", line, column);
          return json_fail_eof (sc, what);
        }
      c = sc->data[sc->pos];
      if (c == '"')
        {
          sc->pos++;
          return TRUE;
        }
      if (c == '\n' || c == '\r')
        return json_fail (sc, start, "the string is not closed at the end of its line");
      if (c < 0x20)
        return json_fail (sc, sc->pos, "the control character U+%04X must be written as an escape inside a string", c);
      if (c != '\\')
        {
          sc->pos++;
          continue;
        }
      if (sc->pos + 1 >= sc->length)
        return json_fail_eof (sc, "inside a string");
      switch (sc->data[sc->pos + 1])
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          sc->pos += 2;
          break;
        case 'u':
          {
            int value = scan_u_escape (sc, sc->pos);

            if (value < 0)
              return json_fail (sc, sc->pos, "\\u must be followed by four hexadecimal digits");
            if (value == 0)
              return json_fail (sc, sc->pos, "\\u0000 (a NUL character) is not allowed in a string");
            if (value >= 0xdc00 && value <= 0xdfff)
              return json_fail (sc, sc->pos, "\\u%04x is the second half of a UTF-16 surrogate pair without the first",
                                value);
            if (value >= 0xd800 && value <= 0xdbff)
              {
                int low = scan_u_escape (sc, sc->pos + 6);
                if (low < 0xdc00 || low > 0xdfff)
                  return json_fail (sc, sc->pos, "\\u%04x is the first half of a UTF-16 surrogate pair without the second",
                                    value);
                sc->pos += 6;
              }
            sc->pos += 6;
          }
          break;
        default:
          {
            g_autofree char *what = describe_char (sc, sc->pos + 1);
            return json_fail (sc, sc->pos, "\\ followed by %s is not an escape of JSON", what);
          }
        }
    }
}

/* A number at sc->pos; leaves sc->pos after it. Also refuses an integer
 * beyond 64 bits, which json-glib would read wrong. */
static gboolean
scan_number (Scanner *sc)
{
  const gsize start = sc->pos;
  const char *d = sc->data;
  gsize p = sc->pos, int_start, n_digits;
  gboolean is_integer = TRUE;

  if (p < sc->length && d[p] == '-')
    p++;
  int_start = p;
  if (p < sc->length && d[p] == '0')
    p++;
  else if (p < sc->length && d[p] >= '1' && d[p] <= '9')
    while (p < sc->length && g_ascii_isdigit (d[p]))
      p++;
  else
    goto invalid;
  n_digits = p - int_start;
  if (p < sc->length && d[p] == '.')
    {
      is_integer = FALSE;
      p++;
      if (p >= sc->length || !g_ascii_isdigit (d[p]))
        goto invalid;
      while (p < sc->length && g_ascii_isdigit (d[p]))
        p++;
    }
  if (p < sc->length && (d[p] == 'e' || d[p] == 'E'))
    {
      is_integer = FALSE;
      p++;
      if (p < sc->length && (d[p] == '+' || d[p] == '-'))
        p++;
      if (p >= sc->length || !g_ascii_isdigit (d[p]))
        goto invalid;
      while (p < sc->length && g_ascii_isdigit (d[p]))
        p++;
    }
  if (p < sc->length && (g_ascii_isalnum (d[p]) || d[p] == '.' || d[p] == '_'))
    goto invalid;  /* 0x10, 04, 1.5.2, 12abc */

  if (is_integer && (n_digits > 19 || (n_digits == 19 && strncmp (d + int_start, "9223372036854775807", 19) > 0)))
    {
      guint line, column;
      as_json_offset_to_line (d, start, &line, &column);
      return as_loader_fail (sc->ld, "line %u, column %u: the integer %.*s%s is out of range "
                   "(-9223372036854775807 to 9223372036854775807)", line, column,
                   (int) MIN (p - start, 24), d + start, p - start > 24 ? "..." : "");
    }
  sc->pos = p;
  return TRUE;

invalid:
  {
    g_autofree char *what = describe_token (sc, start);
    return json_fail (sc, start, "%s is not a JSON number", what);
  }
}

static void
container_clear (Container *c)
{
  g_clear_pointer (&c->keys, g_hash_table_unref);
}

gboolean
as_json_check_text (AsLoader   *ld,
                 const char *data,
                 gsize       length)
{
  /* a byte order mark is not JSON, but RFC 8259 lets a parser ignore it */
  Scanner sc = { ld, data, length, length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0 };
  Container stack[AS_JSON_STREAM_MAX_NESTING];
  guint depth = 0;
  gboolean ok = FALSE;
  enum { VALUE, VALUE_OR_CLOSE, KEY, KEY_OR_CLOSE, AFTER_VALUE } state = VALUE;

  skip_white_space (&sc);
  if (sc.pos == length)
    {
      g_set_error (ld->error, AS_ERROR, AS_ERROR_JSON, "%s: not valid JSON: there is only white space", ld->name);
      return FALSE;
    }

  for (;;)
    {
      char c;

      skip_white_space (&sc);
      if (sc.pos == length)
        {
          if (state == AFTER_VALUE && depth == 0)
            {
              ok = TRUE;
              break;
            }
          if (depth > 0)
            {
              g_autofree char *what = g_strdup_printf ("with %u bracket%s still open", depth, depth == 1 ? "" : "s");
              json_fail_eof (&sc, what);
            }
          else
            json_fail_eof (&sc, "where a value is expected");
          break;
        }
      c = data[sc.pos];

      if (state == VALUE_OR_CLOSE && c == ']')
        {
          depth--;
          sc.pos++;
          state = AFTER_VALUE;
          continue;
        }
      if (state == KEY_OR_CLOSE && c == '}')
        {
          container_clear (&stack[--depth]);
          sc.pos++;
          state = AFTER_VALUE;
          continue;
        }

      if (state == VALUE || state == VALUE_OR_CLOSE)
        {
          if (c == '[' || c == '{')
            {
              if (depth == AS_JSON_STREAM_MAX_NESTING)
                {
                  guint line, column;
                  as_json_offset_to_line (data, sc.pos, &line, &column);
                  as_loader_fail (ld, "line %u, column %u: nested more than %d levels deep", line, column, AS_JSON_STREAM_MAX_NESTING);
                  break;
                }
              stack[depth++] = (Container) { c, NULL };
              sc.pos++;
              state = c == '[' ? VALUE_OR_CLOSE : KEY_OR_CLOSE;
              continue;
            }
          if (c == '"')
            {
              if (!scan_string (&sc))
                break;
            }
          else if (c == '-' || g_ascii_isdigit (c))
            {
              if (!scan_number (&sc))
                break;
            }
          else if (strncmp (data + sc.pos, "true", MIN (4, length - sc.pos)) == 0 && length - sc.pos >= 4 &&
                   (length - sc.pos == 4 || !g_ascii_isalnum (data[sc.pos + 4])))
            sc.pos += 4;
          else if (strncmp (data + sc.pos, "false", MIN (5, length - sc.pos)) == 0 && length - sc.pos >= 5 &&
                   (length - sc.pos == 5 || !g_ascii_isalnum (data[sc.pos + 5])))
            sc.pos += 5;
          else if (strncmp (data + sc.pos, "null", MIN (4, length - sc.pos)) == 0 && length - sc.pos >= 4 &&
                   (length - sc.pos == 4 || !g_ascii_isalnum (data[sc.pos + 4])))
            sc.pos += 4;
          else
            {
              g_autofree char *what = describe_token (&sc, sc.pos);
              json_fail (&sc, sc.pos, "a value is expected, found %s", what);
              break;
            }
          state = AFTER_VALUE;
          continue;
        }

      if (state == KEY || state == KEY_OR_CLOSE)
        {
          Container *top = &stack[depth - 1];
          gsize key_start = sc.pos;
          char *key;

          if (c != '"')
            {
              g_autofree char *what = describe_token (&sc, sc.pos);
              json_fail (&sc, sc.pos, "a member name in double quotes is expected, found %s", what);
              break;
            }
          if (!scan_string (&sc))
            break;
          if (top->keys == NULL)
            top->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          key = g_strndup (data + key_start + 1, sc.pos - key_start - 2);
          if (!g_hash_table_add (top->keys, key))
            {
              g_autofree char *shown = g_utf8_strlen (key, -1) > 60 ? g_utf8_substring (key, 0, 60) : NULL;
              json_fail (&sc, key_start, "\"%s%s\" appears twice in the same object",
                         shown != NULL ? shown : key, shown != NULL ? "..." : "");
              break;
            }
          skip_white_space (&sc);
          if (sc.pos == length)
            {
              json_fail_eof (&sc, "after a member name");
              break;
            }
          if (data[sc.pos] != ':')
            {
              g_autofree char *what = describe_char (&sc, sc.pos);
              json_fail (&sc, sc.pos, "':' is expected after the member name, found %s", what);
              break;
            }
          sc.pos++;
          state = VALUE;
          continue;
        }

      /* AFTER_VALUE */
      if (depth == 0)
        {
          g_autofree char *what = describe_token (&sc, sc.pos);
          json_fail (&sc, sc.pos, "%s after the end of the document", what);
          break;
        }
      if (c == ',')
        {
          gsize comma = sc.pos++;

          state = stack[depth - 1].kind == '{' ? KEY : VALUE;
          skip_white_space (&sc);
          if (sc.pos < length && (data[sc.pos] == ']' || data[sc.pos] == '}'))
            {
              json_fail (&sc, comma, "a comma before the closing '%c' (JSON has no trailing commas)", data[sc.pos]);
              break;
            }
          continue;
        }
      if ((c == ']' && stack[depth - 1].kind == '[') || (c == '}' && stack[depth - 1].kind == '{'))
        {
          container_clear (&stack[--depth]);
          sc.pos++;
          continue;
        }
      {
        g_autofree char *what = describe_char (&sc, sc.pos);
        json_fail (&sc, sc.pos, "',' or '%c' is expected, found %s", stack[depth - 1].kind == '[' ? ']' : '}', what);
        break;
      }
    }

  while (depth > 0)
    container_clear (&stack[--depth]);
  return ok;
}


gboolean
as_json_check_document (const char  *name,
                        const char  *data,
                        gsize        length,
                        gsize       *invalid_at,
                        GError     **error)
{
  AsLoader ld = { name, error, NULL, NULL };
  const char *invalid;

  if (invalid_at != NULL)
    *invalid_at = length;
  if (length == 0)
    return as_loader_fail (&ld, "the file is empty");
  if (!g_utf8_validate_len (data, length, &invalid))
    {
      guint line, column;

      if (invalid_at != NULL)
        *invalid_at = invalid - data;
      as_json_offset_to_line (data, invalid - data, &line, &column);
      if (memchr (data, '\0', length) == invalid)
        return as_loader_fail (&ld, "line %u, column %u: a NUL byte (this is not a text file)", line, column);
      return as_loader_fail (&ld, "line %u, column %u: invalid UTF-8", line, column);
    }
  return as_json_check_text (&ld, data, length);
}
