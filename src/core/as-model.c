/* Loading an AttnScope model file (docs/model-format.md): the document,
 * from its format and architecture to its metadata, and the model it makes.
 * The file's text is checked as strict JSON first (as-json-check.c); the
 * sides are read by as-vocab.c, the hyper-parameters and tensors by the
 * architecture (as-architecture.h) through as-loader.c.
 *
 * Everything is checked before anything is used: a model that loads is one
 * that can run. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "as-architecture.h"
#include "as-error.h"

#define MAX_FILE_SIZE    (G_GUINT64_CONSTANT (1) << 30)  /* 1 GiB */

struct _AsModel
{
  gatomicrefcount       ref;
  char                 *path;
  const AsArchitecture *architecture;
  gpointer              data;         /* the architecture's: config and weights */
  AsVocab               source;
  AsVocab               target;
  guint                 max_length;   /* decoding default: steps at most, end token included */
  float                *buffer;       /* every weight, one allocation */
  guint64               n_parameters;
  GHashTable           *metadata;     /* key -> string value */
};

static gboolean
load_document (AsLoader   *ld,
               JsonObject *root,
               AsModel    *self)
{
  static const char * const top_keys[] = {
    "format", "format_version", "architecture", "hyperparameters", "source",
    "target", "decoding", "metadata", "tensors", NULL
  };
  static const char * const decoding_keys[] = { "max_length", NULL };
  JsonObject *decoding, *metadata;
  JsonNode *node;
  gint64 version, value;

  node = json_object_get_member (root, "format");
  if (node == NULL)
    return as_loader_fail (ld, "not an AttnScope model (no \"format\": \"%s\")", AS_MODEL_FORMAT_NAME);
  if (!as_json_is_string (node))
    return as_loader_fail (ld, "not an AttnScope model (\"format\" must be \"%s\", found %s)", AS_MODEL_FORMAT_NAME,
                           as_json_node_kind (node));
  if (strcmp (json_node_get_string (node), AS_MODEL_FORMAT_NAME) != 0)
    return as_loader_fail (ld, "not an AttnScope model (\"format\" is \"%s\", must be \"%s\")",
                           json_node_get_string (node), AS_MODEL_FORMAT_NAME);

  node = json_object_get_member (root, "format_version");
  if (node == NULL)
    return as_loader_fail (ld, "\"format_version\" is missing");
  if (!as_json_is_integer (node))
    return as_loader_fail (ld, "\"format_version\" must be an integer, found %s", as_json_node_kind (node));
  version = json_node_get_int (node);
  if (version > AS_MODEL_FORMAT_VERSION)
    {
      g_set_error (ld->error, AS_ERROR, AS_ERROR_UNSUPPORTED,
                   "%s: format version %" G_GINT64_FORMAT " is newer than this AttnScope reads (%d)",
                   ld->name, version, AS_MODEL_FORMAT_VERSION);
      return FALSE;
    }
  if (version < 1)
    return as_loader_fail (ld, "\"format_version\" is %" G_GINT64_FORMAT ", must be %d", version, AS_MODEL_FORMAT_VERSION);

  if (!as_loader_check_keys (ld, root, "the top level", top_keys))
    return FALSE;

  node = json_object_get_member (root, "architecture");
  if (node == NULL)
    return as_loader_fail (ld, "\"architecture\" is missing");
  if (!as_json_is_string (node))
    return as_loader_fail (ld, "\"architecture\" must be a string, found %s", as_json_node_kind (node));
  self->architecture = as_architecture_lookup (json_node_get_string (node));
  if (self->architecture == NULL)
    {
      g_autofree char *names = as_architecture_list_names ();
      g_set_error (ld->error, AS_ERROR, AS_ERROR_UNSUPPORTED,
                   "%s: architecture \"%s\" is not supported (this AttnScope runs: %s)",
                   ld->name, json_node_get_string (node), names);
      return FALSE;
    }
  ld->architecture = self->architecture->name;

  self->data = self->architecture->load_hyperparameters (ld, ld->error);
  if (self->data == NULL)
    return FALSE;

  if (!as_loader_read_side (ld, root, "source", &self->source) ||
      !as_loader_read_side (ld, root, "target", &self->target) ||
      !self->architecture->check_sides (self->data, &self->source, &self->target, ld))
    return FALSE;

  self->max_length = 10;
  if (!as_loader_get_object (ld, root, "decoding", "", FALSE, &decoding))
    return FALSE;
  if (decoding != NULL)
    {
      if (!as_loader_check_keys (ld, decoding, "decoding", decoding_keys) ||
          !as_loader_get_int (ld, decoding, "max_length", "decoding", 1, 1000, 10, &value))
        return FALSE;
      self->max_length = (int) value;
    }

  if (!as_loader_get_object (ld, root, "metadata", "", FALSE, &metadata))
    return FALSE;
  if (metadata != NULL)
    {
      g_autoptr (GList) members = json_object_get_members (metadata);
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *item = json_object_get_member (metadata, l->data);
          if (as_json_is_string (item))
            g_hash_table_insert (self->metadata, g_strdup (l->data), g_strdup (json_node_get_string (item)));
        }
    }

  return self->architecture->load_tensors (self->data, &self->source, &self->target, ld,
                                           &self->buffer, &self->n_parameters);
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
  AsLoader ld = { name, error, NULL, NULL };
  const char *invalid;
  JsonNode *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length == 0)
    {
      as_loader_fail (&ld, "the file is empty");
      return NULL;
    }
  if (!g_utf8_validate_len (data, length, &invalid))
    {
      guint line, column;
      as_json_offset_to_line (data, invalid - data, &line, &column);
      if (memchr (data, '\0', length) == invalid)
        as_loader_fail (&ld, "line %u, column %u: a NUL byte (this is not a text file)", line, column);
      else
        as_loader_fail (&ld, "line %u, column %u: invalid UTF-8", line, column);
      return NULL;
    }
  if (!as_json_check_text (&ld, data, length))
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
      as_loader_fail (&ld, "the document must be a JSON object, found %s", as_json_node_kind (root));
      return NULL;
    }

  self = g_new0 (AsModel, 1);
  g_atomic_ref_count_init (&self->ref);
  self->path = g_strdup (where != NULL ? where : "model");
  self->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  ld.root = json_node_get_object (root);
  if (!load_document (&ld, ld.root, self))
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
  as_vocab_clear (&self->source);
  as_vocab_clear (&self->target);
  if (self->data != NULL)
    self->architecture->free (self->data);
  g_clear_pointer (&self->metadata, g_hash_table_unref);
  g_free (self->buffer);
  g_free (self->path);
  g_free (self);
}

const AsArchitecture *
as_model_get_architecture (const AsModel *self)
{
  return self->architecture;
}

const char *
as_model_get_architecture_name (const AsModel *self)
{
  return self->architecture->name;
}

gboolean
as_model_get_attention_shape (const AsModel   *self,
                              AsAttentionKind  kind,
                              guint           *n_layers,
                              guint           *n_heads)
{
  g_return_val_if_fail ((guint) kind < AS_N_ATTENTION_KINDS, FALSE);
  return self->architecture->get_attention_shape (self, kind, n_layers, n_heads);
}

gconstpointer
as_model_get_data (const AsModel *self)
{
  return self->data;
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

guint
as_model_get_max_length (const AsModel *self)
{
  return self->max_length;
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
  self->architecture->describe (self->data, s);
  g_string_append_printf (s, "parameters: %" G_GUINT64_FORMAT "\n", self->n_parameters);
  g_string_append_printf (s, "source vocabulary: %u tokens (%s%s)\n", self->source.size,
                          as_tokenizer_type_to_string (self->source.tokenizer),
                          self->source.lowercase ? ", lower-cased" : "");
  g_string_append_printf (s, "target vocabulary: %u tokens (%s%s)\n", self->target.size,
                          as_tokenizer_type_to_string (self->target.tokenizer),
                          self->target.lowercase ? ", lower-cased" : "");
  g_string_append_printf (s, "unknown token: %s\n", shown_unknown);
  g_string_append_printf (s, "max target length: %u\n", self->max_length);
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
