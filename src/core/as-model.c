/* Loading and validating an AttnScope model file (docs/model-format.md).
 *
 * Everything is checked before anything is used: a model that loads is one
 * that can run. Shapes are compared with the hyperparameters and the data
 * lengths with the shapes before the weights are allocated, so a small file
 * can never ask for a large allocation. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "as-error.h"
#include "as-model.h"

#define MAX_FILE_SIZE    (G_GUINT64_CONSTANT (1) << 30)  /* 1 GiB */
#define MAX_NESTING      64
#define MAX_HIDDEN       4096
#define MAX_VOCAB        1000000
#define MAX_DIMS         4
#define MAX_DIM          100000000
#define MAX_ELEMENTS     (G_GUINT64_CONSTANT (1) << 28)

struct _AsModel
{
  gatomicrefcount ref;
  char           *path;
  AsArchitecture  architecture;
  AsVocab         source;
  AsVocab         target;
  AsGruConfig     config;
  AsGruWeights    weights;
  float          *buffer;      /* every weight, one allocation */
  guint64         n_parameters;
  GHashTable     *metadata;    /* key -> string value */
};

typedef struct
{
  const char *name;       /* the document, for messages */
  GError    **error;
} Loader;

static gboolean G_GNUC_PRINTF (2, 3)
fail (Loader     *ld,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (ld->error, AS_ERROR, AS_ERROR_FORMAT, "%s: %s", ld->name, message);
  return FALSE;
}

static const char *
node_kind (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:  return "a string";
    case G_TYPE_BOOLEAN: return "a boolean";
    case G_TYPE_INT64:   return "an integer";
    case G_TYPE_DOUBLE:  return "a number";
    default:             return "a value";
    }
}

static gboolean
is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_integer (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
is_number (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && (json_node_get_value_type (node) == G_TYPE_INT64
             || json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

/* A member of @obj that must be an object (or absent when !required). */
static gboolean
get_object (Loader      *ld,
            JsonObject  *obj,
            const char  *key,
            const char  *where,
            gboolean     required,
            JsonObject **out)
{
  JsonNode *node = json_object_get_member (obj, key);

  *out = NULL;
  if (node == NULL)
    return required ? fail (ld, "%s%s\"%s\" is missing", where, *where ? ": " : "", key) : TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (ld, "%s%s%s must be an object, found %s", where, *where ? "." : "", key, node_kind (node));
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
check_keys (Loader            *ld,
            JsonObject        *obj,
            const char        *where,
            const char * const *allowed)
{
  g_autoptr (GList) members = json_object_get_members (obj);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree char *list = g_strjoinv (", ", (char **) allowed);
        return fail (ld, "%s: unknown field \"%s\" (expected: %s)", where, (const char *) l->data, list);
      }
  return TRUE;
}

static gboolean
get_int (Loader     *ld,
         JsonObject *obj,
         const char *key,
         const char *where,
         gint64      min,
         gint64      max,
         gint64      fallback,
         gint64     *out)
{
  JsonNode *node = json_object_get_member (obj, key);

  if (node == NULL)
    {
      if (fallback < min)
        return fail (ld, "%s: \"%s\" is missing", where, key);
      *out = fallback;
      return TRUE;
    }
  if (!is_integer (node))
    return fail (ld, "%s.%s must be an integer, found %s", where, key, node_kind (node));
  *out = json_node_get_int (node);
  if (*out < min || *out > max)
    return fail (ld, "%s.%s is %" G_GINT64_FORMAT ", must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                 where, key, *out, min, max);
  return TRUE;
}

/* ---- the raw document ---------------------------------------------------- */

static void
offset_to_line (const char *data,
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

/* ---- strict JSON --------------------------------------------------------
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
  Loader     *ld;
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
  offset_to_line (sc->data, offset, &line, &column);
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
          offset_to_line (sc->data, start, &line, &column);
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
      offset_to_line (d, start, &line, &column);
      return fail (sc->ld, "line %u, column %u: the integer %.*s%s is out of range "
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

static gboolean
check_json_text (Loader     *ld,
                 const char *data,
                 gsize       length)
{
  /* a byte order mark is not JSON, but RFC 8259 lets a parser ignore it */
  Scanner sc = { ld, data, length, length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0 };
  Container stack[MAX_NESTING];
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
              if (depth == MAX_NESTING)
                {
                  guint line, column;
                  offset_to_line (data, sc.pos, &line, &column);
                  fail (ld, "line %u, column %u: nested more than %d levels deep", line, column, MAX_NESTING);
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

/* ---- vocabularies -------------------------------------------------------- */

static void
vocab_clear (AsVocab *vocab)
{
  g_clear_pointer (&vocab->tokens, g_strfreev);
  g_clear_pointer (&vocab->ids, g_hash_table_unref);
  g_clear_pointer (&vocab->join, g_free);
}

static gboolean
load_special (Loader     *ld,
              JsonObject *special,
              const char *where,
              const char *key,
              guint       size,
              int        *out)
{
  JsonNode *node = special != NULL ? json_object_get_member (special, key) : NULL;
  gint64 id;

  *out = -1;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!is_integer (node))
    return fail (ld, "%s.special.%s must be an integer id or null, found %s", where, key, node_kind (node));
  id = json_node_get_int (node);
  if (id < 0 || id >= size)
    return fail (ld, "%s.special.%s is %" G_GINT64_FORMAT ", out of range for a vocabulary of %u tokens",
                 where, key, id, size);
  *out = (int) id;
  return TRUE;
}

static gboolean
load_side (Loader     *ld,
           JsonObject *root,
           const char *where,
           AsVocab    *vocab)
{
  static const char * const side_keys[] = { "tokenizer", "join", "vocabulary", "special", NULL };
  static const char * const tokenizer_keys[] = { "type", "lowercase", NULL };
  static const char * const special_keys[] = { "start", "end", "unknown", "padding", NULL };
  g_autofree char *tokenizer_where = NULL;
  g_autofree char *special_where = NULL;
  JsonObject *side, *tokenizer, *special;
  JsonNode *node;
  JsonArray *array;
  guint n;

  if (!get_object (ld, root, where, "", TRUE, &side) ||
      !check_keys (ld, side, where, side_keys))
    return FALSE;

  /* tokenizer */
  tokenizer_where = g_strdup_printf ("%s.tokenizer", where);
  if (!get_object (ld, side, "tokenizer", where, TRUE, &tokenizer) ||
      !check_keys (ld, tokenizer, tokenizer_where, tokenizer_keys))
    return FALSE;
  node = json_object_get_member (tokenizer, "type");
  if (node == NULL)
    return fail (ld, "%s.tokenizer: \"type\" is missing", where);
  if (!is_string (node))
    return fail (ld, "%s.tokenizer.type must be a string (\"words\" or \"characters\"), found %s", where, node_kind (node));
  if (!as_tokenizer_type_from_string (json_node_get_string (node), &vocab->tokenizer))
    return fail (ld, "%s.tokenizer.type \"%s\" is unknown (expected \"words\" or \"characters\")",
                 where, json_node_get_string (node));
  vocab->lowercase = vocab->tokenizer == AS_TOKENIZER_WORDS;
  node = json_object_get_member (tokenizer, "lowercase");
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return fail (ld, "%s.tokenizer.lowercase must be true or false, found %s", where, node_kind (node));
      vocab->lowercase = json_node_get_boolean (node);
    }

  /* join */
  node = json_object_get_member (side, "join");
  if (node == NULL)
    vocab->join = g_strdup (vocab->tokenizer == AS_TOKENIZER_WORDS ? " " : "");
  else if (!is_string (node))
    return fail (ld, "%s.join must be a string, found %s", where, node_kind (node));
  else
    vocab->join = g_strdup (json_node_get_string (node));

  /* vocabulary */
  node = json_object_get_member (side, "vocabulary");
  if (node == NULL)
    return fail (ld, "%s: \"vocabulary\" is missing", where);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (ld, "%s.vocabulary must be an array of strings, found %s", where, node_kind (node));
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n == 0)
    return fail (ld, "%s.vocabulary is empty", where);
  if (n > MAX_VOCAB)
    return fail (ld, "%s.vocabulary has %u tokens, at most %d are allowed", where, n, MAX_VOCAB);

  vocab->size = n;
  vocab->tokens = g_new0 (char *, n + 1);
  vocab->ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *token;
      gpointer previous;

      if (!is_string (item))
        return fail (ld, "%s.vocabulary[%u] must be a string, found %s", where, i, node_kind (item));
      token = json_node_get_string (item);
      if (*token == '\0')
        return fail (ld, "%s.vocabulary[%u] is an empty string", where, i);
      vocab->tokens[i] = g_strdup (token);
      previous = g_hash_table_lookup (vocab->ids, vocab->tokens[i]);
      if (previous != NULL)
        return fail (ld, "%s.vocabulary[%u]: duplicate token \"%s\" (also at %d)",
                     where, i, token, GPOINTER_TO_INT (previous) - 1);
      g_hash_table_insert (vocab->ids, vocab->tokens[i], GINT_TO_POINTER (i + 1));
    }

  /* special ids */
  node = json_object_get_member (side, "special");
  if (node == NULL)
    return fail (ld, "%s: \"special\" is missing", where);
  special_where = g_strdup_printf ("%s.special", where);
  if (!get_object (ld, side, "special", where, TRUE, &special) ||
      !check_keys (ld, special, special_where, special_keys))
    return FALSE;
  if (!load_special (ld, special, where, "start", n, &vocab->start) ||
      !load_special (ld, special, where, "end", n, &vocab->end) ||
      !load_special (ld, special, where, "unknown", n, &vocab->unknown) ||
      !load_special (ld, special, where, "padding", n, &vocab->padding))
    return FALSE;

  return TRUE;
}

/* ---- tensors ------------------------------------------------------------- */

typedef struct
{
  const char *name;
  guint       n_dims;
  gint64      dims[2];
  const char *why;      /* where the expected shape comes from */
  float     **dest;
  /* filled by the first pass */
  JsonNode   *data;
  guint64     n_elements;
} Expected;

static char *
format_shape (const gint64 *dims,
              guint         n_dims)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < n_dims; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? ", " : "", dims[i]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

/* Strict RFC 4648 base64 with padding; returns the decoded byte count. */
static gboolean
check_base64 (Loader     *ld,
              const char *name,
              const char *text,
              gsize      *n_bytes)
{
  gsize len = strlen (text);
  gsize pad = 0;

  for (gsize i = 0; i < len; i++)
    if (!is_base64_char (text[i]) && text[i] != '=')
      {
        gunichar c = g_utf8_get_char (text + i);
        glong at = g_utf8_pointer_to_offset (text, text + i) + 1;
        char utf8[8] = { 0 };

        if (c < 0x20 || c == 0x7f)
          return fail (ld, "tensor \"%s\": character %ld of the base64 data is the control character U+%04X "
                       "(base64 data has no line breaks or spaces)", name, at, c);
        g_unichar_to_utf8 (c, utf8);
        return fail (ld, "tensor \"%s\": character %ld of the base64 data, '%s', is not in the base64 alphabet "
                     "(A-Z, a-z, 0-9, +, /)", name, at, utf8);
      }
  while (pad < len && text[len - 1 - pad] == '=')
    pad++;
  if (pad > 2)
    return fail (ld, "tensor \"%s\": base64 data ends with %" G_GSIZE_FORMAT " '=', at most 2 can be padding", name, pad);
  for (gsize i = 0; i < len - pad; i++)
    if (text[i] == '=')
      return fail (ld, "tensor \"%s\": base64 padding '=' in the middle of the data (character %" G_GSIZE_FORMAT ")",
                   name, i + 1);
  if (len % 4 != 0)
    return fail (ld, "tensor \"%s\": base64 data has %" G_GSIZE_FORMAT " characters, not a multiple of 4%s",
                 name, len, pad == 0 && len % 4 != 1 ? " (is the '=' padding missing?)" : "");
  *n_bytes = len / 4 * 3 - pad;
  return TRUE;
}

/* Checks nested or flat array data against the shape @dims (@n_dims) of
 * tensor @name: at each level either an array of arrays (one per entry of
 * the dimension) or the flat numbers of every remaining dimension. @path
 * ("data", "data[2]", ...) names the array being checked in messages. */
static gboolean
check_array_data (Loader       *ld,
                  const char   *name,
                  JsonNode     *node,
                  const char   *shape,
                  const gint64 *dims,
                  guint         n_dims,
                  guint64       n_elements,
                  GString      *path)
{
  JsonArray *array = json_node_get_array (node);
  guint n = json_array_get_length (array);
  JsonNode *first = n > 0 ? json_array_get_element (array, 0) : NULL;

  if (first != NULL && JSON_NODE_HOLDS_ARRAY (first))
    {
      gsize len = path->len;

      if (n_dims <= 1)
        return fail (ld, "tensor \"%s\": %s[0] is an array, but the shape %s has no dimension left for it",
                     name, path->str, shape);
      if (n != dims[0])
        return fail (ld, "tensor \"%s\": %s has %u rows, the shape %s needs %" G_GINT64_FORMAT,
                     name, path->str, n, shape, dims[0]);
      for (guint i = 0; i < n; i++)
        {
          JsonNode *row = json_array_get_element (array, i);

          g_string_append_printf (path, "[%u]", i);
          if (!JSON_NODE_HOLDS_ARRAY (row))
            return fail (ld, "tensor \"%s\": %s must be an array like the rows before it, found %s",
                         name, path->str, node_kind (row));
          if (!check_array_data (ld, name, row, shape, dims + 1, n_dims - 1, n_elements / dims[0], path))
            return FALSE;
          g_string_truncate (path, len);
        }
      return TRUE;
    }

  if (n != n_elements)
    return fail (ld, "tensor \"%s\": %s has %u numbers, the shape %s needs %" G_GUINT64_FORMAT,
                 name, path->str, n, shape, n_elements);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      if (!is_number (item))
        return fail (ld, "tensor \"%s\": %s[%u] must be a number, found %s", name, path->str, i, node_kind (item));
    }
  return TRUE;
}

static gboolean
check_tensor (Loader     *ld,
              JsonObject *tensors,
              Expected   *e)
{
  static const char * const tensor_keys[] = { "shape", "dtype", "data", NULL };
  g_autofree char *where = g_strdup_printf ("tensor \"%s\"", e->name);
  g_autofree char *expected = format_shape (e->dims, e->n_dims);
  g_autofree char *found = NULL;
  JsonNode *node = json_object_get_member (tensors, e->name);
  JsonObject *tensor;
  JsonArray *shape;
  gint64 dims[MAX_DIMS];
  guint n_dims;
  guint64 n_elements = 1;

  if (node == NULL)
    return fail (ld, "tensors: \"%s\" is missing (expected shape %s)", e->name, expected);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (ld, "%s must be an object with \"shape\" and \"data\", found %s", where, node_kind (node));
  tensor = json_node_get_object (node);
  if (!check_keys (ld, tensor, where, tensor_keys))
    return FALSE;

  node = json_object_get_member (tensor, "dtype");
  if (node != NULL && !is_string (node))
    return fail (ld, "%s: dtype must be the string \"float32\", found %s", where, node_kind (node));
  if (node != NULL && strcmp (json_node_get_string (node), "float32") != 0)
    return fail (ld, "%s: dtype \"%s\" is not supported (only \"float32\" is)", where, json_node_get_string (node));

  node = json_object_get_member (tensor, "shape");
  if (node == NULL)
    return fail (ld, "%s: \"shape\" is missing", where);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (ld, "%s: shape must be an array of integers, found %s", where, node_kind (node));
  shape = json_node_get_array (node);
  n_dims = json_array_get_length (shape);
  if (n_dims == 0 || n_dims > MAX_DIMS)
    return fail (ld, "%s: shape has %u dimensions, must have 1 to %d", where, n_dims, MAX_DIMS);
  for (guint i = 0; i < n_dims; i++)
    {
      JsonNode *dim = json_array_get_element (shape, i);
      if (!is_integer (dim))
        return fail (ld, "%s: shape[%u] must be an integer, found %s", where, i, node_kind (dim));
      dims[i] = json_node_get_int (dim);
      if (dims[i] < 1 || dims[i] > MAX_DIM)
        return fail (ld, "%s: shape[%u] is %" G_GINT64_FORMAT ", must be between 1 and %d", where, i, dims[i], MAX_DIM);
    }
  found = format_shape (dims, n_dims);
  for (guint i = 0; i < n_dims; i++)
    {
      /* both factors are at most 2^28 and 10^8 here: no overflow */
      n_elements *= (guint64) dims[i];
      if (n_elements > MAX_ELEMENTS)
        return fail (ld, "%s: shape %s has more than %" G_GUINT64_FORMAT " (2^28) elements", where, found, MAX_ELEMENTS);
    }

  if (n_dims != e->n_dims || memcmp (dims, e->dims, n_dims * sizeof (gint64)) != 0)
    return fail (ld, "%s: shape %s expected (%s), %s found", where, expected, e->why, found);

  e->n_elements = n_elements;
  e->data = json_object_get_member (tensor, "data");
  if (e->data == NULL)
    return fail (ld, "%s: \"data\" is missing", where);
  if (is_string (e->data))
    {
      gsize n_bytes = 0;
      if (!check_base64 (ld, e->name, json_node_get_string (e->data), &n_bytes))
        return FALSE;
      if (n_bytes != n_elements * 4)
        return fail (ld, "%s: base64 data holds %" G_GSIZE_FORMAT " bytes, the shape %s needs %" G_GUINT64_FORMAT
                     " float32 value%s (%" G_GUINT64_FORMAT " bytes)", where, n_bytes, found, n_elements,
                     n_elements == 1 ? "" : "s", n_elements * 4);
      return TRUE;
    }
  if (JSON_NODE_HOLDS_ARRAY (e->data))
    {
      g_autoptr (GString) path = g_string_new ("data");
      return check_array_data (ld, e->name, e->data, found, dims, n_dims, n_elements, path);
    }
  return fail (ld, "%s: data must be an array of numbers or a base64 string, found %s", where, node_kind (e->data));
}

static float *
fill_array_data (JsonNode *node,
                 float    *out)
{
  JsonArray *array = json_node_get_array (node);
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      if (JSON_NODE_HOLDS_ARRAY (item))
        out = fill_array_data (item, out);
      else
        *out++ = (float) json_node_get_double (item);
    }
  return out;
}

static gboolean
fill_tensor (Loader   *ld,
             Expected *e,
             float    *out)
{
  if (is_string (e->data))
    {
      gsize n_bytes;
      g_autofree guchar *bytes = g_base64_decode (json_node_get_string (e->data), &n_bytes);

      g_assert (n_bytes == e->n_elements * 4);
      for (guint64 i = 0; i < e->n_elements; i++)
        {
          guint32 bits;
          memcpy (&bits, bytes + 4 * i, 4);
          bits = GUINT32_FROM_LE (bits);
          memcpy (&out[i], &bits, 4);
        }
    }
  else
    fill_array_data (e->data, out);

  for (guint64 i = 0; i < e->n_elements; i++)
    if (!isfinite (out[i]))
      {
        const char *what = isnan (out[i]) ? "NaN" : "infinite (or too large for float32)";
        if (e->n_dims == 2)
          return fail (ld, "tensor \"%s\": the value at [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "] is %s",
                       e->name, i / e->dims[1], i % e->dims[1], what);
        return fail (ld, "tensor \"%s\": the value at [%" G_GUINT64_FORMAT "] is %s", e->name, i, what);
      }
  *e->dest = out;
  return TRUE;
}

static gboolean
load_gru_tensors (Loader     *ld,
                  JsonObject *root,
                  AsModel    *self)
{
  const gint64 H = self->config.hidden, S = self->source.size, T = self->target.size;
  g_autofree char *why_s = g_strdup_printf ("the source vocabulary has %" G_GINT64_FORMAT " tokens, hidden_size is %" G_GINT64_FORMAT, S, H);
  g_autofree char *why_t = g_strdup_printf ("the target vocabulary has %" G_GINT64_FORMAT " tokens, hidden_size is %" G_GINT64_FORMAT, T, H);
  g_autofree char *why_h = g_strdup_printf ("hidden_size is %" G_GINT64_FORMAT, H);
  g_autofree char *why_tv = g_strdup_printf ("the target vocabulary has %" G_GINT64_FORMAT " tokens", T);
  AsGruWeights *w = &self->weights;
  Expected expected[] = {
    { "encoder.embedding.weight",    2, { S, H },         why_s,  &w->enc_embedding },
    { "encoder.gru.weight_ih_l0",    2, { 3 * H, H },     why_h,  &w->enc_w_ih },
    { "encoder.gru.weight_hh_l0",    2, { 3 * H, H },     why_h,  &w->enc_w_hh },
    { "encoder.gru.bias_ih_l0",      1, { 3 * H },        why_h,  &w->enc_b_ih },
    { "encoder.gru.bias_hh_l0",      1, { 3 * H },        why_h,  &w->enc_b_hh },
    { "decoder.embedding.weight",    2, { T, H },         why_t,  &w->dec_embedding },
    { "decoder.attention.Wa.weight", 2, { H, H },         why_h,  &w->att_wa },
    { "decoder.attention.Wa.bias",   1, { H },            why_h,  &w->att_wa_b },
    { "decoder.attention.Ua.weight", 2, { H, H },         why_h,  &w->att_ua },
    { "decoder.attention.Ua.bias",   1, { H },            why_h,  &w->att_ua_b },
    { "decoder.attention.Va.weight", 2, { 1, H },         why_h,  &w->att_va },
    { "decoder.attention.Va.bias",   1, { 1 },            "a single score per position", &w->att_va_b },
    { "decoder.gru.weight_ih_l0",    2, { 3 * H, 2 * H }, why_h,  &w->dec_w_ih },
    { "decoder.gru.weight_hh_l0",    2, { 3 * H, H },     why_h,  &w->dec_w_hh },
    { "decoder.gru.bias_ih_l0",      1, { 3 * H },        why_h,  &w->dec_b_ih },
    { "decoder.gru.bias_hh_l0",      1, { 3 * H },        why_h,  &w->dec_b_hh },
    { "decoder.out.weight",          2, { T, H },         why_t,  &w->out_w },
    { "decoder.out.bias",            1, { T },            why_tv, &w->out_b },
  };
  g_autoptr (GList) members = NULL;
  JsonObject *tensors;
  guint64 total = 0;
  float *p;

  if (!get_object (ld, root, "tensors", "", TRUE, &tensors))
    return FALSE;

  members = json_object_get_members (tensors);
  for (GList *l = members; l != NULL; l = l->next)
    {
      gboolean known = FALSE;
      for (guint i = 0; i < G_N_ELEMENTS (expected) && !known; i++)
        known = strcmp (expected[i].name, l->data) == 0;
      if (!known)
        return fail (ld, "tensors: unexpected tensor \"%s\" (not part of a gru-bahdanau model)", (const char *) l->data);
    }

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      if (!check_tensor (ld, tensors, &expected[i]))
        return FALSE;
      total += expected[i].n_elements;
    }

  /* every shape and data length is right: now the allocation is bounded by the file */
  self->buffer = g_try_new (float, total);
  if (self->buffer == NULL)
    return fail (ld, "not enough memory for %" G_GUINT64_FORMAT " weights", total);
  self->n_parameters = total;

  p = self->buffer;
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      if (!fill_tensor (ld, &expected[i], p))
        return FALSE;
      p += expected[i].n_elements;
    }
  return TRUE;
}

/* ---- the document -------------------------------------------------------- */

static gboolean
load_document (Loader     *ld,
               JsonObject *root,
               AsModel    *self)
{
  static const char * const top_keys[] = {
    "format", "format_version", "architecture", "hyperparameters", "source",
    "target", "decoding", "metadata", "tensors", NULL
  };
  static const char * const hyper_keys[] = { "hidden_size", NULL };
  static const char * const decoding_keys[] = { "max_length", NULL };
  JsonObject *hyper, *decoding, *metadata;
  JsonNode *node;
  const char *arch;
  gint64 version, value;

  node = json_object_get_member (root, "format");
  if (node == NULL)
    return fail (ld, "not an AttnScope model (no \"format\": \"%s\")", AS_MODEL_FORMAT_NAME);
  if (!is_string (node))
    return fail (ld, "not an AttnScope model (\"format\" must be \"%s\", found %s)", AS_MODEL_FORMAT_NAME,
                 node_kind (node));
  if (strcmp (json_node_get_string (node), AS_MODEL_FORMAT_NAME) != 0)
    return fail (ld, "not an AttnScope model (\"format\" is \"%s\", must be \"%s\")",
                 json_node_get_string (node), AS_MODEL_FORMAT_NAME);

  node = json_object_get_member (root, "format_version");
  if (node == NULL)
    return fail (ld, "\"format_version\" is missing");
  if (!is_integer (node))
    return fail (ld, "\"format_version\" must be an integer, found %s", node_kind (node));
  version = json_node_get_int (node);
  if (version > AS_MODEL_FORMAT_VERSION)
    {
      g_set_error (ld->error, AS_ERROR, AS_ERROR_UNSUPPORTED,
                   "%s: format version %" G_GINT64_FORMAT " is newer than this AttnScope reads (%d)",
                   ld->name, version, AS_MODEL_FORMAT_VERSION);
      return FALSE;
    }
  if (version < 1)
    return fail (ld, "\"format_version\" is %" G_GINT64_FORMAT ", must be %d", version, AS_MODEL_FORMAT_VERSION);

  if (!check_keys (ld, root, "the top level", top_keys))
    return FALSE;

  node = json_object_get_member (root, "architecture");
  if (node == NULL)
    return fail (ld, "\"architecture\" is missing");
  if (!is_string (node))
    return fail (ld, "\"architecture\" must be a string, found %s", node_kind (node));
  arch = json_node_get_string (node);
  if (strcmp (arch, "gru-bahdanau") != 0)
    {
      g_set_error (ld->error, AS_ERROR, AS_ERROR_UNSUPPORTED,
                   "%s: architecture \"%s\" is not supported (this AttnScope runs: gru-bahdanau)",
                   ld->name, arch);
      return FALSE;
    }
  self->architecture = AS_ARCHITECTURE_GRU_BAHDANAU;

  if (!get_object (ld, root, "hyperparameters", "", TRUE, &hyper) ||
      !check_keys (ld, hyper, "hyperparameters", hyper_keys) ||
      !get_int (ld, hyper, "hidden_size", "hyperparameters", 1, MAX_HIDDEN, 0, &value))
    return FALSE;
  self->config.hidden = (int) value;

  if (!load_side (ld, root, "source", &self->source) ||
      !load_side (ld, root, "target", &self->target))
    return FALSE;
  if (self->source.end < 0)
    return fail (ld, "source.special.end is needed: the encoder reads the sentence with the end token appended");
  if (self->target.start < 0)
    return fail (ld, "target.special.start is needed: the decoder starts from it");
  if (self->target.end < 0)
    return fail (ld, "target.special.end is needed: decoding stops at it");
  self->config.src_vocab = (int) self->source.size;
  self->config.tgt_vocab = (int) self->target.size;

  self->config.max_length = 10;
  if (!get_object (ld, root, "decoding", "", FALSE, &decoding))
    return FALSE;
  if (decoding != NULL)
    {
      if (!check_keys (ld, decoding, "decoding", decoding_keys) ||
          !get_int (ld, decoding, "max_length", "decoding", 1, 1000, 10, &value))
        return FALSE;
      self->config.max_length = (int) value;
    }

  if (!get_object (ld, root, "metadata", "", FALSE, &metadata))
    return FALSE;
  if (metadata != NULL)
    {
      g_autoptr (GList) members = json_object_get_members (metadata);
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *item = json_object_get_member (metadata, l->data);
          if (is_string (item))
            g_hash_table_insert (self->metadata, g_strdup (l->data), g_strdup (json_node_get_string (item)));
        }
    }

  return load_gru_tensors (ld, root, self);
}

static AsModel *
load_from_data (const char  *data,
                gsize        length,
                const char  *where,
                GError     **error)
{
  g_autoptr (AsModel) self = NULL;
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *name = g_path_get_basename (where != NULL ? where : "model");
  Loader ld = { name, error };
  const char *invalid;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length == 0)
    {
      fail (&ld, "the file is empty");
      return NULL;
    }
  if (!g_utf8_validate_len (data, length, &invalid))
    {
      guint line, column;
      offset_to_line (data, invalid - data, &line, &column);
      if (memchr (data, '\0', length) == invalid)
        fail (&ld, "line %u, column %u: a NUL byte (this is not a text file)", line, column);
      else
        fail (&ld, "line %u, column %u: invalid UTF-8", line, column);
      return NULL;
    }
  if (!check_json_text (&ld, data, length))
    return NULL;

  parser = json_parser_new_immutable ();
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    data += 3, length -= 3;
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      /* json-glib says "<data>:LINE:COLUMN: Parse error: WHAT" */
      guint line, column;
      int end = 0;

      if (sscanf (local_error->message, "<data>:%u:%u: Parse error: %n", &line, &column, &end) == 2 && end > 0)
        g_set_error (error, AS_ERROR, AS_ERROR_JSON, "%s: not valid JSON: line %u, column %u: %s",
                     name, line, column, local_error->message + end);
      else
        g_set_error (error, AS_ERROR, AS_ERROR_JSON, "%s: not valid JSON: %s", name, local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_JSON, "%s: not valid JSON: there is only white space", name);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      fail (&ld, "the document must be a JSON object, found %s", node_kind (root));
      return NULL;
    }

  self = g_new0 (AsModel, 1);
  g_atomic_ref_count_init (&self->ref);
  self->path = g_strdup (where != NULL ? where : "model");
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!load_document (&ld, json_node_get_object (root), self))
    return NULL;

  return g_steal_pointer (&self);
}

static AsModel *
load_from_file (const char  *path,
                GError     **error)
{
  g_autoptr (GMappedFile) file = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *name = g_path_get_basename (path);
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_stat (path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s: is a folder, not a model file", path);
      return NULL;
    }
  file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s", local_error->message);
      return NULL;
    }
  if (g_mapped_file_get_length (file) > MAX_FILE_SIZE)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s: the file is larger than 1 GiB", name);
      return NULL;
    }
  return load_from_data (g_mapped_file_get_contents (file),
                         g_mapped_file_get_length (file), path, error);
}

static AsModel *
finish (AsModel  *model,
        GError   *local_error,
        GError  **error)
{
  if (local_error != NULL)
    {
      char *message = as_escape_controls (local_error->message);
      g_free (local_error->message);
      local_error->message = message;
      g_propagate_error (error, local_error);
    }
  return model;
}

AsModel *
as_model_new_from_data (const char  *data,
                        gsize        length,
                        const char  *where,
                        GError     **error)
{
  GError *local_error = NULL;
  AsModel *model = load_from_data (data, length, where, &local_error);

  return finish (model, local_error, error);
}

AsModel *
as_model_new_from_file (const char  *path,
                        GError     **error)
{
  GError *local_error = NULL;
  AsModel *model;

  g_return_val_if_fail (path != NULL, NULL);
  model = load_from_file (path, &local_error);
  return finish (model, local_error, error);
}

AsModel *
as_model_ref (AsModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
as_model_unref (AsModel *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref))
    return;
  vocab_clear (&self->source);
  vocab_clear (&self->target);
  g_clear_pointer (&self->metadata, g_hash_table_unref);
  g_free (self->buffer);
  g_free (self->path);
  g_free (self);
}

AsArchitecture
as_model_get_architecture (const AsModel *self)
{
  return self->architecture;
}

const char *
as_model_get_architecture_name (const AsModel *self)
{
  return "gru-bahdanau";
}

const AsVocab *
as_model_get_source (const AsModel *self)
{
  return &self->source;
}

const AsVocab *
as_model_get_target (const AsModel *self)
{
  return &self->target;
}

const AsGruConfig *
as_model_get_config (const AsModel *self)
{
  return &self->config;
}

const AsGruWeights *
as_model_get_weights (const AsModel *self)
{
  return &self->weights;
}

guint64
as_model_get_n_parameters (const AsModel *self)
{
  return self->n_parameters;
}

const char *
as_model_get_path (const AsModel *self)
{
  return self->path;
}

const char *
as_model_get_metadata (const AsModel *self,
                       const char    *key)
{
  return g_hash_table_lookup (self->metadata, key);
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

GStrv
as_model_list_metadata (const AsModel *self)
{
  GStrv keys = (GStrv) g_hash_table_get_keys_as_array (self->metadata, NULL);
  GStrv copy = g_strdupv (keys);

  g_free (keys);
  qsort (copy, g_strv_length (copy), sizeof (char *), compare_strings);
  return copy;
}

char *
as_model_describe (const AsModel *self)
{
  GString *s = g_string_new (NULL);
  g_auto (GStrv) keys = as_model_list_metadata (self);
  const char *name = as_model_get_metadata (self, "name");
  g_autofree char *shown_name = as_escape_controls (name != NULL ? name : "(unnamed)");
  g_autofree char *shown_path = as_escape_controls (self->path);
  g_autofree char *shown_unknown = as_escape_controls (self->source.unknown >= 0
                                                    ? self->source.tokens[self->source.unknown] : "(none)");

  g_string_append_printf (s, "name: %s\n", shown_name);
  g_string_append_printf (s, "file: %s\n", shown_path);
  g_string_append_printf (s, "architecture: %s\n", as_model_get_architecture_name (self));
  g_string_append_printf (s, "hidden size: %d\n", self->config.hidden);
  g_string_append_printf (s, "parameters: %" G_GUINT64_FORMAT "\n", self->n_parameters);
  g_string_append_printf (s, "source vocabulary: %u tokens (%s%s)\n", self->source.size,
                          as_tokenizer_type_to_string (self->source.tokenizer),
                          self->source.lowercase ? ", lower-cased" : "");
  g_string_append_printf (s, "target vocabulary: %u tokens (%s%s)\n", self->target.size,
                          as_tokenizer_type_to_string (self->target.tokenizer),
                          self->target.lowercase ? ", lower-cased" : "");
  g_string_append_printf (s, "unknown token: %s\n", shown_unknown);
  g_string_append_printf (s, "max target length: %d\n", self->config.max_length);
  for (guint i = 0; keys[i] != NULL; i++)
    if (strcmp (keys[i], "name") != 0)
      {
        /* metadata comes from the file: one line each, no terminal escapes */
        g_autofree char *key = as_escape_controls (keys[i]);
        g_autofree char *value = as_escape_controls (as_model_get_metadata (self, keys[i]));
        g_string_append_printf (s, "%s: %s\n", key, value);
      }
  return g_string_free (s, FALSE);
}

int
as_vocab_lookup (const AsVocab *vocab,
                 const char    *token)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (vocab->ids, token)) - 1;
}

char *
as_vocab_join (const AsVocab *vocab,
               const int     *ids,
               guint          n)
{
  GString *s = g_string_new (NULL);
  gboolean first = TRUE;

  for (guint i = 0; i < n; i++)
    {
      int id = ids[i];
      if (id < 0 || (guint) id >= vocab->size ||
          id == vocab->start || id == vocab->end || id == vocab->padding)
        continue;
      if (!first)
        g_string_append (s, vocab->join);
      g_string_append (s, vocab->tokens[id]);
      first = FALSE;
    }
  return g_string_free (s, FALSE);
}
