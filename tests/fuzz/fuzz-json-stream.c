/* libFuzzer target: any bytes as a document for the streaming JSON reader
 * (as-json-stream.c), compared with today's check (as-model.c's empty,
 * UTF-8 and NUL checks, then as_json_check_text).
 *
 * - Valid UTF-8: the same verdict and the same message (control characters
 *   escaped, as the loader shows every message), except that the reader also
 *   refuses names that are equal once unescaped ("...appears twice in the
 *   same object (written ...").
 * - Invalid UTF-8 or a NUL byte at X: the reader reports the first flaw
 *   reading in order, so its message is today's ("line L, column C: invalid
 *   UTF-8") or exactly what the check says about the text before X.
 * - At two block sizes, the same tokens or the same message; accepted, the
 *   tokens of json-glib's tree. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "as-error.h"
#include "as-json-stream.h"
#include "as-loader.h"
#include "json-check.h"

static gboolean
append_chunk (const char  *chunk,
              gsize        length,
              gpointer     user_data,
              GError     **error)
{
  if (length == 0 || !g_utf8_validate_len (chunk, length, NULL))
    abort ();
  g_string_append_len (user_data, chunk, length);
  return TRUE;
}

/* The tokens as text, or NULL with @error. */
static GString *
pull (const char  *data,
      gsize        length,
      gsize        block_size,
      int          mode,
      GError     **error)
{
  g_autoptr (AsJsonStream) stream = as_json_stream_new_for_data (data, length, "fuzz.json");
  g_autoptr (GString) out = g_string_new (NULL);
  AsJsonToken token;

  as_json_stream_set_block_size (stream, block_size);
  do
    {
      gint64 integer;

      if (!as_json_stream_next (stream, &token, error))
        return NULL;
      switch (token)
        {
        case AS_JSON_TOKEN_MEMBER_NAME:
          g_string_append_printf (out, "k:%s\n", as_json_stream_get_string (stream, G_MAXSIZE, NULL, NULL));
          break;
        case AS_JSON_TOKEN_STRING:
          if (mode == 0)
            {
              const char *value = as_json_stream_get_string (stream, G_MAXSIZE, NULL, error);
              if (value == NULL)
                return NULL;
              g_string_append_printf (out, "s:%s\n", value);
            }
          else
            {
              g_string_append (out, "s:");
              if (!as_json_stream_read_string (stream, append_chunk, out, error))
                return NULL;
              g_string_append_c (out, '\n');
            }
          break;
        case AS_JSON_TOKEN_NUMBER:
          if (as_json_stream_get_int (stream, &integer))
            g_string_append_printf (out, "i:%" G_GINT64_FORMAT "\n", integer);
          else
            g_string_append_printf (out, "d:%.17g\n", as_json_stream_get_double (stream));
          break;
        case AS_JSON_TOKEN_END:
          break;
        default:
          g_string_append_printf (out, "%d\n", token);
          break;
        }
    }
  while (token != AS_JSON_TOKEN_END);
  return g_steal_pointer (&out);
}

static void
walk (JsonNode *node,
      GString  *out)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr (GList) members = json_object_get_members (object);

        g_string_append_printf (out, "%d\n", AS_JSON_TOKEN_BEGIN_OBJECT);
        for (GList *l = members; l != NULL; l = l->next)
          {
            g_string_append_printf (out, "k:%s\n", (const char *) l->data);
            walk (json_object_get_member (object, l->data), out);
          }
        g_string_append_printf (out, "%d\n", AS_JSON_TOKEN_END_OBJECT);
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_printf (out, "%d\n", AS_JSON_TOKEN_BEGIN_ARRAY);
        for (guint i = 0; i < json_array_get_length (array); i++)
          walk (json_array_get_element (array, i), out);
        g_string_append_printf (out, "%d\n", AS_JSON_TOKEN_END_ARRAY);
      }
      break;
    case JSON_NODE_NULL:
      g_string_append_printf (out, "%d\n", AS_JSON_TOKEN_NULL);
      break;
    default:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          g_string_append_printf (out, "s:%s\n", json_node_get_string (node));
          break;
        case G_TYPE_INT64:
          g_string_append_printf (out, "i:%" G_GINT64_FORMAT "\n", json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          g_string_append_printf (out, "d:%.17g\n", json_node_get_double (node));
          break;
        default:
          g_string_append_printf (out, "%d\n", json_node_get_boolean (node) ? AS_JSON_TOKEN_TRUE : AS_JSON_TOKEN_FALSE);
          break;
        }
    }
}

static gboolean
is_escaped_duplicate (const GError *error)
{
  return strstr (error->message, " appears twice in the same object (written \"") != NULL;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  g_autoptr (GError) expected = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) error_small = NULL;
  g_autoptr (GString) tokens = NULL;
  g_autoptr (GString) tokens_small = NULL;
  gsize invalid_at;
  gboolean ok = as_json_check_document ("fuzz.json", text, size, &invalid_at, &expected);
  const gsize small_block = 1 + (size > 0 ? data[size - 1] % 11 : 0);
  const int mode = size % 2;

  /* the whole input in one block (inputs are at most 8 KiB), then in small ones */
  tokens = pull (text, size, 65536, mode, &error);
  tokens_small = pull (text, size, small_block, 1 - mode, &error_small);

  /* the block size changes nothing */
  if ((tokens == NULL) != (tokens_small == NULL))
    abort ();
  if (tokens == NULL)
    {
      if (strcmp (error->message, error_small->message) != 0 || error->domain != AS_ERROR ||
          error->code != error_small->code)
        abort ();
    }
  else if (strcmp (tokens->str, tokens_small->str) != 0)
    abort ();

  if (ok)
    {
      g_autoptr (JsonParser) parser = NULL;
      g_autoptr (GString) glib_tokens = g_string_new (NULL);
      gsize skip = size >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;

      if (tokens == NULL)
        {
          if (!is_escaped_duplicate (error))
            abort ();
          return 0;
        }
      parser = json_parser_new_immutable ();
      if (!json_parser_load_from_data (parser, text + skip, size - skip, NULL))
        return 0;  /* json-glib's own limits are not the reader's concern */
      walk (json_parser_get_root (parser), glib_tokens);
      if (strcmp (tokens->str, glib_tokens->str) != 0)
        abort ();
      return 0;
    }

  if (tokens != NULL)
    abort ();
  {
    g_autofree char *want = as_escape_controls (expected->message);

    if (strcmp (error->message, want) == 0 && error->code == expected->code)
      return 0;
  }
  if (invalid_at < size)
    {
      /* a flaw before the invalid byte: what the check says of the text before it */
      g_autoptr (GError) prefix_error = NULL;
      AsLoader ld = { "fuzz.json", &prefix_error, NULL, NULL };

      if (invalid_at > 0 && !as_json_check_text (&ld, text, invalid_at))
        {
          g_autofree char *want = as_escape_controls (prefix_error->message);
          if (strcmp (error->message, want) == 0 && error->code == prefix_error->code)
            return 0;
        }
    }
  if (is_escaped_duplicate (error))
    return 0;
  abort ();
}
