/* Reading a model document's typed fields and its table of tensors (see
 * as-loader.h), from the streaming reader: small values as json-glib trees,
 * the tensors' data decoded as it is read, straight into the weights. */

#include <math.h>
#include <string.h>

#include "as-error.h"
#include "as-loader.h"

gboolean G_GNUC_PRINTF (2, 3)
as_loader_fail (AsLoader   *ld,
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

const char *
as_loader_quote (AsLoader   *ld,
                 const char *text)
{
  char *quoted = as_quote_text (text, -1, AS_QUOTE_MAX_CHARS);

  if (ld->quotes == NULL)
    ld->quotes = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (ld->quotes, quoted);
  return quoted;
}

void
as_loader_clear (AsLoader *ld)
{
  g_clear_pointer (&ld->quotes, g_ptr_array_unref);
}

/* Kinds, in the words of messages */

const char *
as_json_node_kind (JsonNode *node)
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

const char *
as_loader_token_kind (AsJsonStream *stream,
                      AsJsonToken   token)
{
  switch (token)
    {
    case AS_JSON_TOKEN_BEGIN_OBJECT: return "an object";
    case AS_JSON_TOKEN_BEGIN_ARRAY:  return "an array";
    case AS_JSON_TOKEN_STRING:       return "a string";
    case AS_JSON_TOKEN_TRUE:
    case AS_JSON_TOKEN_FALSE:        return "a boolean";
    case AS_JSON_TOKEN_NUMBER:       return as_json_stream_get_int (stream, NULL) ? "an integer" : "a number";
    case AS_JSON_TOKEN_NULL:
    default:                         return "null";
    }
}

gboolean
as_json_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING;
}

gboolean
as_json_is_integer (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_INT64;
}

gboolean
as_json_is_number (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && (json_node_get_value_type (node) == G_TYPE_INT64
             || json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

/* Reading */

gboolean
as_loader_next_member (AsLoader     *ld,
                       char        **key,
                       AsJsonToken  *token)
{
  const char *name;

  *key = NULL;
  if (!as_json_stream_next (ld->stream, token, ld->error))
    return FALSE;
  if (*token == AS_JSON_TOKEN_END_OBJECT)
    return TRUE;
  name = as_json_stream_get_string (ld->stream, G_MAXSIZE, NULL, ld->error);
  if (name == NULL)
    return FALSE;
  *key = g_strdup (name);
  if (!as_json_stream_next (ld->stream, token, ld->error))
    {
      g_clear_pointer (key, g_free);
      return FALSE;
    }
  return TRUE;
}

gboolean
as_loader_append_chunk (const char  *chunk,
                        gsize        length,
                        gpointer     string,
                        GError     **error)
{
  g_string_append_len (string, chunk, length);
  return TRUE;
}

/* Small values as trees */

/* Keeps the first AS_LOADER_MAX_STRING bytes of a string, cut between
 * characters: enough for any comparison with a name the format knows, and
 * for any message (which quotes far less). */
static gboolean
keep_head (const char  *chunk,
           gsize        length,
           gpointer     user_data,
           GError     **error)
{
  GString *s = user_data;
  gsize room = AS_LOADER_MAX_STRING - MIN (s->len, AS_LOADER_MAX_STRING);

  if (length > room)
    {
      length = room;
      while (length > 0 && ((guchar) chunk[length] & 0xc0) == 0x80)
        length--;
    }
  g_string_append_len (s, chunk, length);
  return TRUE;
}

static gboolean
fail_too_large (AsLoader   *ld,
                const char *what)
{
  guint line, column;

  as_json_stream_get_position (ld->stream, &line, &column);
  return as_loader_fail (ld, "line %u, column %u: %s is too large (more than %d values)",
                         line, column, what, AS_LOADER_MAX_VALUES);
}

static JsonNode *
read_node (AsLoader    *ld,
           AsJsonToken  token,
           const char  *what,
           guint       *budget)
{
  g_autoptr (JsonNode) node = NULL;
  AsJsonStream *st = ld->stream;

  if (*budget == 0)
    {
      fail_too_large (ld, what);
      return NULL;
    }
  (*budget)--;

  switch (token)
    {
    case AS_JSON_TOKEN_BEGIN_OBJECT:
      {
        g_autoptr (JsonObject) object = json_object_new ();

        for (;;)
          {
            g_autofree char *key = NULL;
            JsonNode *member;

            if (!as_loader_next_member (ld, &key, &token))
              return NULL;
            if (key == NULL)
              break;
            member = read_node (ld, token, what, budget);
            if (member == NULL)
              return NULL;
            json_object_set_member (object, key, member);
          }
        node = json_node_init_object (json_node_alloc (), object);
        break;
      }

    case AS_JSON_TOKEN_BEGIN_ARRAY:
      {
        g_autoptr (JsonArray) array = json_array_new ();

        for (;;)
          {
            JsonNode *element;

            if (!as_json_stream_next (st, &token, ld->error))
              return NULL;
            if (token == AS_JSON_TOKEN_END_ARRAY)
              break;
            element = read_node (ld, token, what, budget);
            if (element == NULL)
              return NULL;
            json_array_add_element (array, element);
          }
        node = json_node_init_array (json_node_alloc (), array);
        break;
      }

    case AS_JSON_TOKEN_STRING:
      {
        g_autoptr (GString) s = g_string_new (NULL);

        if (!as_json_stream_read_string (st, keep_head, s, ld->error))
          return NULL;
        node = json_node_init_string (json_node_alloc (), s->str);
        break;
      }

    case AS_JSON_TOKEN_NUMBER:
      {
        gint64 value;

        if (as_json_stream_get_int (st, &value))
          node = json_node_init_int (json_node_alloc (), value);
        else
          node = json_node_init_double (json_node_alloc (), as_json_stream_get_double (st));
        break;
      }

    case AS_JSON_TOKEN_TRUE:
    case AS_JSON_TOKEN_FALSE:
      node = json_node_init_boolean (json_node_alloc (), token == AS_JSON_TOKEN_TRUE);
      break;

    case AS_JSON_TOKEN_NULL:
      node = json_node_init_null (json_node_alloc ());
      break;

    default:
      g_return_val_if_reached (NULL);
    }
  return g_steal_pointer (&node);
}

JsonNode *
as_loader_read_node (AsLoader    *ld,
                     AsJsonToken  token,
                     const char  *what)
{
  guint budget = AS_LOADER_MAX_VALUES;

  return read_node (ld, token, what, &budget);
}

/* Typed fields */

gboolean
as_loader_get_object (AsLoader    *ld,
                      JsonObject  *obj,
                      const char  *key,
                      const char  *where,
                      gboolean     required,
                      JsonObject **out)
{
  JsonNode *node = json_object_get_member (obj, key);

  *out = NULL;
  if (node == NULL)
    return required ? as_loader_fail (ld, "%s%s\"%s\" is missing", where, *where ? ": " : "", key) : TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return as_loader_fail (ld, "%s%s%s must be an object, found %s", where, *where ? "." : "", key, as_json_node_kind (node));
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
as_loader_check_keys (AsLoader          *ld,
                      JsonObject        *obj,
                      const char        *where,
                      const char * const *allowed)
{
  g_autoptr (GList) members = json_object_get_members (obj);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree char *list = g_strjoinv (", ", (char **) allowed);
        return as_loader_fail (ld, "%s: unknown field \"%s\" (expected: %s)", where, as_loader_quote (ld, l->data), list);
      }
  return TRUE;
}

gboolean
as_loader_get_int (AsLoader   *ld,
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
        return as_loader_fail (ld, "%s: \"%s\" is missing", where, key);
      *out = fallback;
      return TRUE;
    }
  if (!as_json_is_integer (node))
    return as_loader_fail (ld, "%s.%s must be an integer, found %s", where, key, as_json_node_kind (node));
  *out = json_node_get_int (node);
  if (*out < min || *out > max)
    return as_loader_fail (ld, "%s.%s is %" G_GINT64_FORMAT ", must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                           where, key, *out, min, max);
  return TRUE;
}
