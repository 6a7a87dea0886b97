/* A model document's table of tensors (see as-loader.h), read in the one
 * streaming pass: each tensor's name is looked up in the architecture's
 * table, its data (base64 or numbers, nested or flat) is decoded straight
 * into its place in the one buffer of weights and checked to be finite as
 * it is read, and its shape is compared with the table's.
 *
 * The members of a tensor may come in any order; the data is decoded for
 * the shape the table expects (the only one that can be accepted). What is
 * wrong with a tensor is said in one order, whatever the order of its
 * members: an unknown field, the dtype, the shape, then the data (its kind,
 * its encoding, its length, then a value that is not finite). */

#include <string.h>

#include "as-error.h"
#include "as-loader.h"

#define NO_SLOT  G_MAXUINT64

/* One tensor of the table, its name expanded */
typedef struct
{
  char       *name;
  guint       n_dims;
  gint64      dims[AS_LOADER_MAX_DIMS];
  const char *why;         /* where the expected shape comes from */
  float     **dest;
  guint64     n_elements;
  guint64     offset;      /* in the buffer */
  gboolean    seen;
} Expected;

/* One tensor being read */
typedef struct
{
  AsLoader   *ld;
  Expected   *e;
  const char *shape;       /* the expected shape, "[3, 4]" */
  float      *out;         /* its place in the buffer, or NULL: only checked */
  char       *data_error;  /* the first thing wrong with the data, without the "tensor" prefix */
  guint64     first_bad;   /* the first value that is not finite, or NO_SLOT */
  gboolean    bad_is_nan;

  /* base64 */
  guint64     n_chars;     /* characters so far */
  guint64     n_bytes;     /* bytes decoded so far */
  guint32     quad;
  guint       n_quad;
  guint64     pad_run;     /* '=' at the end so far */
  guint64     middle_pad;  /* the first '=' followed by more data (1-based), or 0 */
  gboolean    stop;        /* a character outside the alphabet: the rest is not looked at */
  guint32     word;        /* bytes of a value, where there is no buffer */
} Reader;

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

static void G_GNUC_PRINTF (2, 3)
data_error (Reader     *r,
            const char *format,
            ...)
{
  va_list args;

  if (r->data_error != NULL)
    return;
  va_start (args, format);
  r->data_error = g_strdup_vprintf (format, args);
  va_end (args);
}

static inline void
check_value (Reader  *r,
             guint64  index,
             float    value)
{
  guint32 bits;

  memcpy (&bits, &value, 4);
  if (G_UNLIKELY ((bits & 0x7f800000) == 0x7f800000) && index < r->first_bad)
    {
      r->first_bad = index;
      r->bad_is_nan = (bits & 0x007fffff) != 0;
    }
}

/* Base64 (RFC 4648, with padding), in pieces */

static const guint8 base64_values[256] = {
#define X 0xff
  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
  X, X, X, X, X, X, X, X, X, X, X, 62, X, X, X, 63,  52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, 0xfe, X, X,
  X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,  15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, X,
  X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,  41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,  X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
#undef X
};
#define PAD 0xfe

/* One decoded byte; past the tensor's length it only counts. */
static inline void
put_byte (Reader *r,
          guint8  byte)
{
  const guint64 need = r->e->n_elements * 4;

  if (r->n_bytes < need)
    {
      if (r->out != NULL)
        ((guint8 *) r->out)[r->n_bytes] = byte;
      else
        {
          r->word = (r->word >> 8) | ((guint32) byte << 24);
          if (r->n_bytes % 4 == 3)
            {
              float value;

              /* the bytes are little-endian: the last one is the top */
              memcpy (&value, &r->word, 4);
              check_value (r, r->n_bytes / 4, value);
            }
        }
    }
  r->n_bytes++;
}

static void
bad_character (Reader     *r,
               const char *at)
{
  gunichar c = g_utf8_get_char (at);
  char utf8[8] = { 0 };

  r->stop = TRUE;
  if (c < 0x20 || c == 0x7f)
    {
      data_error (r, "character %" G_GUINT64_FORMAT " of the base64 data is the control character U+%04X "
                  "(base64 data has no line breaks or spaces)", r->n_chars + 1, c);
      return;
    }
  g_unichar_to_utf8 (c, utf8);
  data_error (r, "character %" G_GUINT64_FORMAT " of the base64 data, '%s', is not in the base64 alphabet "
              "(A-Z, a-z, 0-9, +, /)", r->n_chars + 1, utf8);
}

static gboolean
decode_base64 (const char  *chunk,
               gsize        length,
               gpointer     user_data,
               GError     **error)
{
  Reader *r = user_data;
  const guint8 *p = (const guint8 *) chunk;
  const guint8 *end = p + length;
  const guint64 need = r->e->n_elements * 4;
  const guint64 checked = MIN (r->n_bytes, need) / 4;

  if (r->stop)
    return TRUE;

  while (p < end)
    {
      /* four characters at a time, straight into the buffer */
      if (r->n_quad == 0 && r->pad_run == 0 && r->out != NULL && end - p >= 4 && r->n_bytes + 3 <= need)
        {
          guint8 a = base64_values[p[0]], b = base64_values[p[1]], c = base64_values[p[2]], d = base64_values[p[3]];

          if ((a | b | c | d) < 64)
            {
              guint32 v = (guint32) a << 18 | (guint32) b << 12 | (guint32) c << 6 | d;
              guint8 *o = (guint8 *) r->out + r->n_bytes;

              o[0] = v >> 16;
              o[1] = v >> 8;
              o[2] = v;
              r->n_bytes += 3;
              r->n_chars += 4;
              p += 4;
              continue;
            }
        }

      {
        guint8 v = base64_values[*p];

        if (v == 0xff)
          {
            bad_character (r, (const char *) p);
            break;
          }
        if (v == PAD)
          {
            if (r->pad_run == 0)
              {
                /* what the padding ends */
                if (r->n_quad == 2)
                  put_byte (r, r->quad >> 4);
                else if (r->n_quad == 3)
                  {
                    put_byte (r, r->quad >> 10);
                    put_byte (r, r->quad >> 2);
                  }
              }
            r->pad_run++;
          }
        else
          {
            if (r->pad_run > 0 && r->middle_pad == 0)
              r->middle_pad = r->n_chars - r->pad_run + 1;
            r->pad_run = 0;
            if (r->middle_pad == 0)
              {
                r->quad = r->quad << 6 | v;
                if (++r->n_quad == 4)
                  {
                    put_byte (r, r->quad >> 16);
                    put_byte (r, r->quad >> 8);
                    put_byte (r, r->quad);
                    r->quad = 0;
                    r->n_quad = 0;
                  }
              }
          }
        r->n_chars++;
        p++;
      }
    }

  if (r->out != NULL)
    {
      guint64 done = MIN (r->n_bytes, need) / 4;

      for (guint64 i = checked; i < done; i++)
        check_value (r, i, r->out[i]);
    }
  return TRUE;
}

static void
finish_base64 (Reader *r)
{
  const guint64 need = r->e->n_elements * 4;
  guint64 n_bytes;

  if (r->stop)
    return;
  if (r->pad_run > 2)
    {
      data_error (r, "base64 data ends with %" G_GUINT64_FORMAT " '=', at most 2 can be padding", r->pad_run);
      return;
    }
  if (r->middle_pad != 0)
    {
      data_error (r, "base64 padding '=' in the middle of the data (character %" G_GUINT64_FORMAT ")", r->middle_pad);
      return;
    }
  if (r->n_chars % 4 != 0)
    {
      data_error (r, "base64 data has %" G_GUINT64_FORMAT " characters, not a multiple of 4%s", r->n_chars,
                  r->pad_run == 0 && r->n_chars % 4 != 1 ? " (is the '=' padding missing?)" : "");
      return;
    }
  n_bytes = r->n_chars / 4 * 3 - r->pad_run;
  if (n_bytes != need)
    data_error (r, "base64 data holds %" G_GUINT64_FORMAT " bytes, the shape %s needs %" G_GUINT64_FORMAT
                " float32 value%s (%" G_GUINT64_FORMAT " bytes)", n_bytes, r->shape, r->e->n_elements,
                r->e->n_elements == 1 ? "" : "s", need);
#if G_BYTE_ORDER == G_BIG_ENDIAN
  else if (r->out != NULL)
    for (guint64 i = 0; i < r->e->n_elements; i++)
      {
        guint32 bits;
        memcpy (&bits, &r->out[i], 4);
        bits = GUINT32_FROM_LE (bits);
        memcpy (&r->out[i], &bits, 4);
      }
#endif
}

/* Numbers, nested or flat */

static inline void
put_number (Reader  *r,
            guint64  index,
            float    value)
{
  if (r->out != NULL)
    r->out[index] = value;
  check_value (r, index, value);
}

/* The array at @path (its '[' read), for @dims (@n_dims): at each level
 * either an array of arrays (one per entry of the dimension) or the flat
 * numbers of every remaining dimension, written from @slot on (NO_SLOT: not
 * written). What is wrong goes to *@error, the count of this level before
 * what is wrong inside it. FALSE when the stream fails. */
static gboolean
read_array (Reader       *r,
            const gint64 *dims,
            guint         n_dims,
            guint64       n_elements,
            guint64       slot,
            GString      *path,
            char        **error)
{
  AsJsonStream *st = r->ld->stream;
  g_autofree char *level_error = NULL;
  g_autofree char *inner_error = NULL;
  gboolean rows = FALSE;
  guint64 n = 0;

  for (;; n++)
    {
      AsJsonToken token;

      if (!as_json_stream_next (st, &token, r->ld->error))
        return FALSE;
      if (token == AS_JSON_TOKEN_END_ARRAY)
        break;
      if (n == 0)
        rows = token == AS_JSON_TOKEN_BEGIN_ARRAY;

      if (rows && n_dims <= 1)
        {
          if (level_error == NULL)
            level_error = g_strdup_printf ("%s[0] is an array, but the shape %s has no dimension left for it", path->str, r->shape);
          if (!as_json_stream_skip (st, r->ld->error))
            return FALSE;
        }
      else if (rows && token == AS_JSON_TOKEN_BEGIN_ARRAY)
        {
          const gsize len = path->len;
          const guint64 row_elements = n_elements / dims[0];
          char *row_error = NULL;

          g_string_append_printf (path, "[%" G_GUINT64_FORMAT "]", n);
          if (!read_array (r, dims + 1, n_dims - 1, row_elements,
                           slot != NO_SLOT && n < (guint64) dims[0] ? slot + n * row_elements : NO_SLOT,
                           path, &row_error))
            return FALSE;
          g_string_truncate (path, len);
          if (inner_error == NULL)
            inner_error = row_error;
          else
            g_free (row_error);
        }
      else if (rows)
        {
          if (inner_error == NULL)
            inner_error = g_strdup_printf ("%s[%" G_GUINT64_FORMAT "] must be an array like the rows before it, found %s",
                                           path->str, n, as_loader_token_kind (st, token));
          if (!as_json_stream_skip (st, r->ld->error))
            return FALSE;
        }
      else if (token == AS_JSON_TOKEN_NUMBER)
        {
          if (slot != NO_SLOT && n < n_elements)
            put_number (r, slot + n, as_json_stream_get_float (st));
        }
      else
        {
          if (inner_error == NULL)
            inner_error = g_strdup_printf ("%s[%" G_GUINT64_FORMAT "] must be a number, found %s",
                                           path->str, n, as_loader_token_kind (st, token));
          if (!as_json_stream_skip (st, r->ld->error))
            return FALSE;
        }
    }

  if (level_error != NULL)
    *error = g_steal_pointer (&level_error);
  else if (rows && n != (guint64) dims[0])
    *error = g_strdup_printf ("%s has %" G_GUINT64_FORMAT " rows, the shape %s needs %" G_GINT64_FORMAT,
                              path->str, n, r->shape, dims[0]);
  else if (!rows && n != n_elements)
    *error = g_strdup_printf ("%s has %" G_GUINT64_FORMAT " numbers, the shape %s needs %" G_GUINT64_FORMAT,
                              path->str, n, r->shape, n_elements);
  else
    *error = g_steal_pointer (&inner_error);
  return TRUE;
}

/* A tensor's members */

typedef struct
{
  gboolean  present;
  char     *kind_error;          /* not an array */
  guint64   n_dims;
  gint64    dims[AS_LOADER_MAX_DIMS];
  const char *kinds[AS_LOADER_MAX_DIMS];  /* NULL: an integer */
} Shape;

static gboolean
read_shape (Reader      *r,
            AsJsonToken  token,
            Shape       *shape)
{
  AsJsonStream *st = r->ld->stream;

  shape->present = TRUE;
  if (token != AS_JSON_TOKEN_BEGIN_ARRAY)
    {
      shape->kind_error = g_strdup (as_loader_token_kind (st, token));
      return as_json_stream_skip (st, r->ld->error);
    }
  for (;;)
    {
      if (!as_json_stream_next (st, &token, r->ld->error))
        return FALSE;
      if (token == AS_JSON_TOKEN_END_ARRAY)
        return TRUE;
      if (shape->n_dims < AS_LOADER_MAX_DIMS)
        {
          if (token == AS_JSON_TOKEN_NUMBER && as_json_stream_get_int (st, &shape->dims[shape->n_dims]))
            shape->kinds[shape->n_dims] = NULL;
          else
            shape->kinds[shape->n_dims] = as_loader_token_kind (st, token);
        }
      shape->n_dims++;
      if (!as_json_stream_skip (st, r->ld->error))
        return FALSE;
    }
}

/* What is wrong with the tensor's shape, or NULL */
static char *
check_shape (Reader *r,
             Shape  *shape)
{
  g_autofree char *found = NULL;
  guint64 n_elements = 1;

  if (!shape->present)
    return g_strdup ("\"shape\" is missing");
  if (shape->kind_error != NULL)
    return g_strdup_printf ("shape must be an array of integers, found %s", shape->kind_error);
  if (shape->n_dims == 0 || shape->n_dims > AS_LOADER_MAX_DIMS)
    return g_strdup_printf ("shape has %" G_GUINT64_FORMAT " dimensions, must have 1 to %d", shape->n_dims, AS_LOADER_MAX_DIMS);
  for (guint i = 0; i < shape->n_dims; i++)
    {
      if (shape->kinds[i] != NULL)
        return g_strdup_printf ("shape[%u] must be an integer, found %s", i, shape->kinds[i]);
      if (shape->dims[i] < 1 || shape->dims[i] > AS_LOADER_MAX_DIM)
        return g_strdup_printf ("shape[%u] is %" G_GINT64_FORMAT ", must be between 1 and %d", i, shape->dims[i], AS_LOADER_MAX_DIM);
    }
  found = format_shape (shape->dims, shape->n_dims);
  for (guint i = 0; i < shape->n_dims; i++)
    {
      /* both factors are at most 2^28 and 10^8 here: no overflow */
      n_elements *= (guint64) shape->dims[i];
      if (n_elements > AS_LOADER_MAX_ELEMENTS)
        return g_strdup_printf ("shape %s has more than %" G_GUINT64_FORMAT " (2^28) elements", found, AS_LOADER_MAX_ELEMENTS);
    }
  if (shape->n_dims != r->e->n_dims || memcmp (shape->dims, r->e->dims, shape->n_dims * sizeof (gint64)) != 0)
    return g_strdup_printf ("shape %s expected (%s), %s found", r->shape, r->e->why, found);
  return NULL;
}

static gboolean
read_data (Reader      *r,
           AsJsonToken  token)
{
  AsJsonStream *st = r->ld->stream;

  if (token == AS_JSON_TOKEN_STRING)
    {
      if (!as_json_stream_read_string (st, decode_base64, r, r->ld->error))
        return FALSE;
      finish_base64 (r);
      return TRUE;
    }
  if (token == AS_JSON_TOKEN_BEGIN_ARRAY)
    {
      g_autoptr (GString) path = g_string_new ("data");
      g_autofree char *error = NULL;

      if (!read_array (r, r->e->dims, r->e->n_dims, r->e->n_elements, 0, path, &error))
        return FALSE;
      if (error != NULL)
        data_error (r, "%s", error);
      return TRUE;
    }
  data_error (r, "data must be an array of numbers or a base64 string, found %s", as_loader_token_kind (st, token));
  return as_json_stream_skip (st, r->ld->error);
}

/* The tensor whose name was just read: FALSE when the stream fails or the
 * tensor is wrong (the loader's error set). */
static gboolean
read_tensor (AsLoader *ld,
             Expected *e,
             float    *buffer)
{
  static const char * const tensor_keys[] = { "shape", "dtype", "data", NULL };
  AsJsonStream *st = ld->stream;
  g_autofree Reader *r = g_new0 (Reader, 1);
  g_autofree char *shape_text = format_shape (e->dims, e->n_dims);
  g_autofree char *unknown = NULL;
  g_autofree char *dtype = NULL;
  g_autofree char *shape_error = NULL;
  const char *dtype_kind = NULL;
  gboolean has_data = FALSE;
  Shape shape = { 0 };
  AsJsonToken token;
  gboolean ok = FALSE;

  r->ld = ld;
  r->e = e;
  r->shape = shape_text;
  r->out = buffer != NULL ? buffer + e->offset : NULL;
  r->first_bad = NO_SLOT;

  if (!as_json_stream_next (st, &token, ld->error))
    return FALSE;
  if (token != AS_JSON_TOKEN_BEGIN_OBJECT)
    return as_loader_fail (ld, "tensor \"%s\" must be an object with \"shape\" and \"data\", found %s",
                           e->name, as_loader_token_kind (st, token));

  for (;;)
    {
      const char *key;

      if (!as_json_stream_next (st, &token, ld->error))
        goto out;
      if (token == AS_JSON_TOKEN_END_OBJECT)
        break;
      key = as_json_stream_get_string (st, G_MAXSIZE, NULL, ld->error);
      if (key == NULL)
        goto out;
      if (strcmp (key, "shape") == 0)
        {
          if (!as_json_stream_next (st, &token, ld->error) || !read_shape (r, token, &shape))
            goto out;
        }
      else if (strcmp (key, "dtype") == 0)
        {
          if (!as_json_stream_next (st, &token, ld->error))
            goto out;
          if (token == AS_JSON_TOKEN_STRING)
            {
              g_autoptr (JsonNode) node = as_loader_read_node (ld, token, "dtype");
              if (node == NULL)
                goto out;
              dtype = g_strdup (json_node_get_string (node));
            }
          else
            {
              dtype_kind = as_loader_token_kind (st, token);
              if (!as_json_stream_skip (st, ld->error))
                goto out;
            }
        }
      else if (strcmp (key, "data") == 0)
        {
          has_data = TRUE;
          if (!as_json_stream_next (st, &token, ld->error) || !read_data (r, token))
            goto out;
        }
      else
        {
          if (unknown == NULL)
            unknown = g_strdup (key);
          if (!as_json_stream_next (st, &token, ld->error) || !as_json_stream_skip (st, ld->error))
            goto out;
        }
    }

  /* what is wrong, in one order */
  if (unknown != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) tensor_keys);
      as_loader_fail (ld, "tensor \"%s\": unknown field \"%s\" (expected: %s)", e->name, as_loader_quote (ld, unknown), list);
      goto out;
    }
  if (dtype_kind != NULL)
    {
      as_loader_fail (ld, "tensor \"%s\": dtype must be the string \"float32\", found %s", e->name, dtype_kind);
      goto out;
    }
  if (dtype != NULL && strcmp (dtype, "float32") != 0)
    {
      as_loader_fail (ld, "tensor \"%s\": dtype \"%s\" is not supported (only \"float32\" is)", e->name, as_loader_quote (ld, dtype));
      goto out;
    }
  shape_error = check_shape (r, &shape);
  if (shape_error != NULL)
    {
      as_loader_fail (ld, "tensor \"%s\": %s", e->name, shape_error);
      goto out;
    }
  if (!has_data)
    {
      as_loader_fail (ld, "tensor \"%s\": \"data\" is missing", e->name);
      goto out;
    }
  if (r->data_error != NULL)
    {
      as_loader_fail (ld, "tensor \"%s\": %s", e->name, r->data_error);
      goto out;
    }
  if (r->first_bad != NO_SLOT)
    {
      const char *what = r->bad_is_nan ? "NaN" : "infinite (or too large for float32)";

      if (e->n_dims == 2)
        as_loader_fail (ld, "tensor \"%s\": the value at [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "] is %s",
                        e->name, r->first_bad / e->dims[1], r->first_bad % e->dims[1], what);
      else
        as_loader_fail (ld, "tensor \"%s\": the value at [%" G_GUINT64_FORMAT "] is %s", e->name, r->first_bad, what);
      goto out;
    }
  ok = TRUE;

out:
  g_free (shape.kind_error);
  g_free (r->data_error);
  return ok;
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
  g_autoptr (GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  AsJsonStream *st = ld->stream;
  g_autofree float *weights = NULL;
  guint64 total = 0;
  AsJsonToken token;
  gboolean ok = FALSE;

  *buffer = NULL;
  *n_parameters = 0;

  /* the table, one entry per tensor (per layer where a spec has layers) */
  for (guint i = 0; i < n_specs; i++)
    for (guint layer = 0; layer < MAX (specs[i].n_layers, 1); layer++)
      {
        Expected e = { NULL, specs[i].n_dims, { 0 }, specs[i].why, specs[i].data + layer, 1, total, FALSE };

        e.name = specs[i].n_layers > 0 ? layer_name (specs[i].name, layer) : g_strdup (specs[i].name);
        memcpy (e.dims, specs[i].dims, sizeof e.dims);
        for (guint d = 0; d < e.n_dims; d++)
          e.n_elements *= (guint64) e.dims[d];
        total += e.n_elements;
        g_array_append_val (expected, e);
      }
  for (guint i = 0; i < expected->len; i++)
    g_hash_table_insert (index, g_array_index (expected, Expected, i).name, GUINT_TO_POINTER (i + 1));

  if (!ld->at_tensors)
    {
      as_loader_fail (ld, "\"tensors\" is missing");
      goto out;
    }
  if (!as_json_stream_next (st, &token, ld->error))
    goto out;
  if (token != AS_JSON_TOKEN_BEGIN_OBJECT)
    {
      as_loader_fail (ld, "tensors must be an object, found %s", as_loader_token_kind (st, token));
      goto out;
    }

  /* Every value takes at least two bytes of the file ("0,"): a table that
   * the file cannot hold is not allocated, and its tensors are only checked
   * (one of them is bound to be missing or short). */
  if (total * 2 <= as_json_stream_get_size (st))
    {
      weights = as_try_alloc_large (total * sizeof (float));
      if (weights == NULL)
        {
          as_loader_fail (ld, "not enough memory for %" G_GUINT64_FORMAT " weights", total);
          goto out;
        }
    }

  for (;;)
    {
      const char *name;
      Expected *e;
      guint i;

      if (!as_json_stream_next (st, &token, ld->error))
        goto out;
      if (token == AS_JSON_TOKEN_END_OBJECT)
        break;
      name = as_json_stream_get_string (st, G_MAXSIZE, NULL, ld->error);
      if (name == NULL)
        goto out;
      i = GPOINTER_TO_UINT (g_hash_table_lookup (index, name));
      if (i == 0)
        {
          as_loader_fail (ld, "tensors: unexpected tensor \"%s\" (not part of a %s model)",
                          as_loader_quote (ld, name), ld->architecture);
          goto out;
        }
      e = &g_array_index (expected, Expected, i - 1);
      e->seen = TRUE;
      if (!read_tensor (ld, e, weights))
        goto out;
    }

  for (guint i = 0; i < expected->len; i++)
    {
      Expected *e = &g_array_index (expected, Expected, i);

      if (!e->seen)
        {
          g_autofree char *shape = format_shape (e->dims, e->n_dims);
          as_loader_fail (ld, "tensors: \"%s\" is missing (expected shape %s)", e->name, shape);
          goto out;
        }
    }

  /* every tensor was there, whole: the file held the table */
  g_assert (weights != NULL);
  for (guint i = 0; i < expected->len; i++)
    {
      Expected *e = &g_array_index (expected, Expected, i);
      *e->dest = weights + e->offset;
    }
  *buffer = g_steal_pointer (&weights);
  *n_parameters = total;
  ok = TRUE;

out:
  for (guint i = 0; i < expected->len; i++)
    g_free (g_array_index (expected, Expected, i).name);
  return ok;
}
