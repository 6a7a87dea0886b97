/* Reading a model document's typed fields and its table of tensors (see
 * as-loader.h). Shapes are compared with what the architecture expects and
 * the data lengths with the shapes before the weights are allocated, so a
 * small file can never ask for a large allocation. */

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

/* A member of @obj that must be an object (or absent when !required). */
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
        return as_loader_fail (ld, "%s: unknown field \"%s\" (expected: %s)", where, (const char *) l->data, list);
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

/* Tensors */

/* One tensor of a table, its name expanded */
typedef struct
{
  char       *name;
  guint       n_dims;
  gint64      dims[AS_LOADER_MAX_DIMS];
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
check_base64 (AsLoader   *ld,
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
          return as_loader_fail (ld, "tensor \"%s\": character %ld of the base64 data is the control character U+%04X "
                                 "(base64 data has no line breaks or spaces)", name, at, c);
        g_unichar_to_utf8 (c, utf8);
        return as_loader_fail (ld, "tensor \"%s\": character %ld of the base64 data, '%s', is not in the base64 alphabet "
                               "(A-Z, a-z, 0-9, +, /)", name, at, utf8);
      }
  while (pad < len && text[len - 1 - pad] == '=')
    pad++;
  if (pad > 2)
    return as_loader_fail (ld, "tensor \"%s\": base64 data ends with %" G_GSIZE_FORMAT " '=', at most 2 can be padding", name, pad);
  for (gsize i = 0; i < len - pad; i++)
    if (text[i] == '=')
      return as_loader_fail (ld, "tensor \"%s\": base64 padding '=' in the middle of the data (character %" G_GSIZE_FORMAT ")",
                             name, i + 1);
  if (len % 4 != 0)
    return as_loader_fail (ld, "tensor \"%s\": base64 data has %" G_GSIZE_FORMAT " characters, not a multiple of 4%s",
                           name, len, pad == 0 && len % 4 != 1 ? " (is the '=' padding missing?)" : "");
  *n_bytes = len / 4 * 3 - pad;
  return TRUE;
}

/* Checks nested or flat array data against the shape @dims (@n_dims) of
 * tensor @name: at each level either an array of arrays (one per entry of
 * the dimension) or the flat numbers of every remaining dimension. @path
 * ("data", "data[2]", ...) names the array being checked in messages. */
static gboolean
check_array_data (AsLoader     *ld,
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
        return as_loader_fail (ld, "tensor \"%s\": %s[0] is an array, but the shape %s has no dimension left for it",
                               name, path->str, shape);
      if (n != dims[0])
        return as_loader_fail (ld, "tensor \"%s\": %s has %u rows, the shape %s needs %" G_GINT64_FORMAT,
                               name, path->str, n, shape, dims[0]);
      for (guint i = 0; i < n; i++)
        {
          JsonNode *row = json_array_get_element (array, i);

          g_string_append_printf (path, "[%u]", i);
          if (!JSON_NODE_HOLDS_ARRAY (row))
            return as_loader_fail (ld, "tensor \"%s\": %s must be an array like the rows before it, found %s",
                                   name, path->str, as_json_node_kind (row));
          if (!check_array_data (ld, name, row, shape, dims + 1, n_dims - 1, n_elements / dims[0], path))
            return FALSE;
          g_string_truncate (path, len);
        }
      return TRUE;
    }

  if (n != n_elements)
    return as_loader_fail (ld, "tensor \"%s\": %s has %u numbers, the shape %s needs %" G_GUINT64_FORMAT,
                           name, path->str, n, shape, n_elements);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      if (!as_json_is_number (item))
        return as_loader_fail (ld, "tensor \"%s\": %s[%u] must be a number, found %s", name, path->str, i, as_json_node_kind (item));
    }
  return TRUE;
}

static gboolean
check_tensor (AsLoader   *ld,
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
  gint64 dims[AS_LOADER_MAX_DIMS];
  guint n_dims;
  guint64 n_elements = 1;

  if (node == NULL)
    return as_loader_fail (ld, "tensors: \"%s\" is missing (expected shape %s)", e->name, expected);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return as_loader_fail (ld, "%s must be an object with \"shape\" and \"data\", found %s", where, as_json_node_kind (node));
  tensor = json_node_get_object (node);
  if (!as_loader_check_keys (ld, tensor, where, tensor_keys))
    return FALSE;

  node = json_object_get_member (tensor, "dtype");
  if (node != NULL && !as_json_is_string (node))
    return as_loader_fail (ld, "%s: dtype must be the string \"float32\", found %s", where, as_json_node_kind (node));
  if (node != NULL && strcmp (json_node_get_string (node), "float32") != 0)
    return as_loader_fail (ld, "%s: dtype \"%s\" is not supported (only \"float32\" is)", where, json_node_get_string (node));

  node = json_object_get_member (tensor, "shape");
  if (node == NULL)
    return as_loader_fail (ld, "%s: \"shape\" is missing", where);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return as_loader_fail (ld, "%s: shape must be an array of integers, found %s", where, as_json_node_kind (node));
  shape = json_node_get_array (node);
  n_dims = json_array_get_length (shape);
  if (n_dims == 0 || n_dims > AS_LOADER_MAX_DIMS)
    return as_loader_fail (ld, "%s: shape has %u dimensions, must have 1 to %d", where, n_dims, AS_LOADER_MAX_DIMS);
  for (guint i = 0; i < n_dims; i++)
    {
      JsonNode *dim = json_array_get_element (shape, i);
      if (!as_json_is_integer (dim))
        return as_loader_fail (ld, "%s: shape[%u] must be an integer, found %s", where, i, as_json_node_kind (dim));
      dims[i] = json_node_get_int (dim);
      if (dims[i] < 1 || dims[i] > AS_LOADER_MAX_DIM)
        return as_loader_fail (ld, "%s: shape[%u] is %" G_GINT64_FORMAT ", must be between 1 and %d", where, i, dims[i], AS_LOADER_MAX_DIM);
    }
  found = format_shape (dims, n_dims);
  for (guint i = 0; i < n_dims; i++)
    {
      /* both factors are at most 2^28 and 10^8 here: no overflow */
      n_elements *= (guint64) dims[i];
      if (n_elements > AS_LOADER_MAX_ELEMENTS)
        return as_loader_fail (ld, "%s: shape %s has more than %" G_GUINT64_FORMAT " (2^28) elements", where, found, AS_LOADER_MAX_ELEMENTS);
    }

  if (n_dims != e->n_dims || memcmp (dims, e->dims, n_dims * sizeof (gint64)) != 0)
    return as_loader_fail (ld, "%s: shape %s expected (%s), %s found", where, expected, e->why, found);

  e->n_elements = n_elements;
  e->data = json_object_get_member (tensor, "data");
  if (e->data == NULL)
    return as_loader_fail (ld, "%s: \"data\" is missing", where);
  if (as_json_is_string (e->data))
    {
      gsize n_bytes = 0;
      if (!check_base64 (ld, e->name, json_node_get_string (e->data), &n_bytes))
        return FALSE;
      if (n_bytes != n_elements * 4)
        return as_loader_fail (ld, "%s: base64 data holds %" G_GSIZE_FORMAT " bytes, the shape %s needs %" G_GUINT64_FORMAT
                               " float32 value%s (%" G_GUINT64_FORMAT " bytes)", where, n_bytes, found, n_elements,
                               n_elements == 1 ? "" : "s", n_elements * 4);
      return TRUE;
    }
  if (JSON_NODE_HOLDS_ARRAY (e->data))
    {
      g_autoptr (GString) path = g_string_new ("data");
      return check_array_data (ld, e->name, e->data, found, dims, n_dims, n_elements, path);
    }
  return as_loader_fail (ld, "%s: data must be an array of numbers or a base64 string, found %s", where, as_json_node_kind (e->data));
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
fill_tensor (AsLoader *ld,
             Expected *e,
             float    *out)
{
  if (as_json_is_string (e->data))
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
          return as_loader_fail (ld, "tensor \"%s\": the value at [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "] is %s",
                                 e->name, i / e->dims[1], i % e->dims[1], what);
        return as_loader_fail (ld, "tensor \"%s\": the value at [%" G_GUINT64_FORMAT "] is %s", e->name, i, what);
      }
  *e->dest = out;
  return TRUE;
}


/* @pattern with its "%u" replaced by @layer */
static char *
layer_name (const char *pattern,
            guint       layer)
{
  const char *at = strstr (pattern, "%u");

  g_return_val_if_fail (at != NULL, g_strdup (pattern));
  return g_strdup_printf ("%.*s%u%s", (int) (at - pattern), pattern, layer, at + 2);
}

gboolean
as_loader_read_tensors (AsLoader           *ld,
                        const AsTensorSpec *specs,
                        guint               n_specs,
                        float             **buffer,
                        guint64            *n_parameters)
{
  g_autoptr (GArray) expected = g_array_new (FALSE, TRUE, sizeof (Expected));
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GList) members = NULL;
  JsonObject *tensors;
  guint64 total = 0;
  gboolean ok = FALSE;
  float *p;

  *buffer = NULL;
  *n_parameters = 0;

  /* the table, one entry per tensor (per layer where a spec has layers) */
  for (guint i = 0; i < n_specs; i++)
    for (guint layer = 0; layer < MAX (specs[i].n_layers, 1); layer++)
      {
        Expected e = { NULL, specs[i].n_dims, { 0 }, specs[i].why, specs[i].data + layer, NULL, 0 };

        e.name = specs[i].n_layers > 0 ? layer_name (specs[i].name, layer) : g_strdup (specs[i].name);
        memcpy (e.dims, specs[i].dims, sizeof e.dims);
        g_array_append_val (expected, e);
        g_hash_table_add (names, e.name);
      }

  if (!as_loader_get_object (ld, ld->root, "tensors", "", TRUE, &tensors))
    goto out;

  members = json_object_get_members (tensors);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_hash_table_contains (names, l->data))
      {
        as_loader_fail (ld, "tensors: unexpected tensor \"%s\" (not part of a %s model)",
                        (const char *) l->data, ld->architecture);
        goto out;
      }

  for (guint i = 0; i < expected->len; i++)
    {
      Expected *e = &g_array_index (expected, Expected, i);

      if (!check_tensor (ld, tensors, e))
        goto out;
      total += e->n_elements;
    }

  /* every shape and data length is right: now the allocation is bounded by the file */
  *buffer = g_try_new (float, total);
  if (*buffer == NULL)
    {
      as_loader_fail (ld, "not enough memory for %" G_GUINT64_FORMAT " weights", total);
      goto out;
    }

  p = *buffer;
  for (guint i = 0; i < expected->len; i++)
    {
      Expected *e = &g_array_index (expected, Expected, i);

      if (!fill_tensor (ld, e, p))
        goto out;
      p += e->n_elements;
    }
  *n_parameters = total;
  ok = TRUE;

out:
  for (guint i = 0; i < expected->len; i++)
    g_free (g_array_index (expected, Expected, i).name);
  if (!ok)
    g_clear_pointer (buffer, g_free);
  return ok;
}
