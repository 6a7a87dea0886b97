/* Loading an AttnScope model file (docs/model-format.md): the document,
 * from its format and architecture to its metadata, and the model it makes.
 *
 * The file is read once, in one streaming pass (as-json-stream.h), from a
 * regular file only, with read() in blocks: never a mapping, never the
 * whole file. The document's members may come in any order. The small ones
 * become trees (as-loader.h); the sides' vocabularies (as-vocab.c) and the
 * metadata go straight into their final structures; when "tensors" comes,
 * after the members that say what they must be (as an exporter writes
 * them), the architecture reads them straight into its weights
 * (as-loader-tensors.c). A file that puts "tensors" first is read a second
 * time for them, once the rest is known.
 *
 * Everything is checked before the model is handed out: a model that loads
 * is one that can run. What is wrong is reported in the order the checks
 * have always had: a file that is not strict JSON first (the rest of the
 * file is read for that before a mistake in the model is reported), then
 * the format, its version, unknown members, the architecture, its
 * hyper-parameters, the sides, decoding, metadata and the tensors. A file
 * that changes while it is read gives "NAME: the file changed while it was
 * read" and no model. */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "as-architecture.h"
#include "as-error.h"
#include "as-model-private.h"

struct _AsModel
{
  gatomicrefcount       ref;
  char                 *path;
  const AsArchitecture *architecture;
  gpointer              data;           /* the architecture's: config and weights */
  AsVocab               source;
  AsVocab               target;
  guint                 max_length;     /* decoding.max_length: steps at most, end token included; 0: not set */
  float                *buffer;         /* every weight, one allocation */
  guint64               n_parameters;
  char                 *metadata;       /* key, NUL, value, NUL, ... for the string entries */
  gsize                *metadata_keys;  /* (n_metadata) offsets of the keys, sorted by key */
  guint                 n_metadata;
};

static const char * const top_keys[] = {
  "format", "format_version", "architecture", "hyperparameters", "source",
  "target", "decoding", "metadata", "tensors", NULL
};

/* The document's members as they are read */
typedef struct
{
  JsonObject  *header;           /* the small members, as trees (ld->root) */
  AsSideDraft *source;
  AsSideDraft *target;
  gboolean     has_metadata;
  const char  *metadata_kind;    /* it is not an object: what it is */
  GString     *metadata;         /* the string entries: key, NUL, value, NUL */
  GArray      *metadata_keys;    /* (gsize) */
  char        *unknown;          /* the first member the format does not have */
  gboolean     checked;          /* every member before "tensors" was */
  gboolean     tensors_seen;
  gboolean     tensors_read;
} Document;

static void
document_clear (Document *doc)
{
  g_clear_pointer (&doc->header, json_object_unref);
  g_clear_pointer (&doc->source, as_side_draft_free);
  g_clear_pointer (&doc->target, as_side_draft_free);
  if (doc->metadata != NULL)
    g_string_free (doc->metadata, TRUE);
  g_clear_pointer (&doc->metadata_keys, g_array_unref);
  g_clear_pointer (&doc->unknown, g_free);
}

/* "metadata": its string entries straight into one pool; the others are
 * checked as JSON and left out. */
static gboolean
read_metadata (AsLoader    *ld,
               Document    *doc,
               AsJsonToken  token)
{
  AsJsonStream *st = ld->stream;

  doc->has_metadata = TRUE;
  if (token != AS_JSON_TOKEN_BEGIN_OBJECT)
    {
      doc->metadata_kind = as_loader_token_kind (st, token);
      return as_json_stream_skip (st, ld->error);
    }
  doc->metadata = g_string_new (NULL);
  doc->metadata_keys = g_array_new (FALSE, FALSE, sizeof (gsize));
  for (;;)
    {
      const char *key;
      gsize key_length, start = doc->metadata->len;

      if (!as_json_stream_next (st, &token, ld->error))
        return FALSE;
      if (token == AS_JSON_TOKEN_END_OBJECT)
        return TRUE;
      key = as_json_stream_get_string (st, G_MAXSIZE, &key_length, ld->error);
      if (key == NULL)
        return FALSE;
      g_string_append_len (doc->metadata, key, key_length + 1);
      if (!as_json_stream_next (st, &token, ld->error))
        return FALSE;
      if (token != AS_JSON_TOKEN_STRING)
        {
          g_string_truncate (doc->metadata, start);
          if (!as_json_stream_skip (st, ld->error))
            return FALSE;
          continue;
        }
      if (!as_json_stream_read_string (st, as_loader_append_chunk, doc->metadata, ld->error))
        return FALSE;
      g_string_append_c (doc->metadata, '\0');
      g_array_append_val (doc->metadata_keys, start);
    }
}

static int
compare_keys (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const char *pool = user_data;

  return strcmp (pool + *(const gsize *) a, pool + *(const gsize *) b);
}

static gboolean
check_decoding (AsLoader *ld,
                AsModel  *self)
{
  static const char * const decoding_keys[] = { "max_length", NULL };
  JsonObject *decoding;
  gint64 value;

  self->max_length = 0;
  if (!as_loader_get_object (ld, ld->root, "decoding", "", FALSE, &decoding))
    return FALSE;
  if (decoding != NULL)
    {
      if (!as_loader_check_keys (ld, decoding, "decoding", decoding_keys))
        return FALSE;
      if (json_object_has_member (decoding, "max_length"))
        {
          if (!as_loader_get_int (ld, decoding, "max_length", "decoding", 1, 1000, 1, &value))
            return FALSE;
          self->max_length = (int) value;
        }
    }
  return TRUE;
}

static gboolean
check_metadata (AsLoader *ld,
                Document *doc,
                AsModel  *self)
{
  if (doc->metadata_kind != NULL)
    return as_loader_fail (ld, "metadata must be an object, found %s", doc->metadata_kind);
  if (doc->metadata != NULL)
    {
      self->n_metadata = doc->metadata_keys->len;
      self->metadata = g_string_free (g_steal_pointer (&doc->metadata), FALSE);
      self->metadata_keys = (gsize *) (gpointer) g_array_free (g_steal_pointer (&doc->metadata_keys), FALSE);
      g_qsort_with_data (self->metadata_keys, self->n_metadata, sizeof (gsize), compare_keys, self->metadata);
    }
  return TRUE;
}

static gboolean
fail_unknown (AsLoader   *ld,
              const char *key)
{
  g_autofree char *list = g_strjoinv (", ", (char **) top_keys);

  return as_loader_fail (ld, "the top level: unknown field \"%s\" (expected: %s)", as_loader_quote (ld, key), list);
}

/* Everything but the tensors, in the order of the checks */
static gboolean
check_members (AsLoader *ld,
               Document *doc,
               AsModel  *self)
{
  JsonObject *root = doc->header;
  JsonNode *node;
  gint64 version;

  node = json_object_get_member (root, "format");
  if (node == NULL)
    return as_loader_fail (ld, "not an AttnScope model (no \"format\": \"%s\")", AS_MODEL_FORMAT_NAME);
  if (!as_json_is_string (node))
    return as_loader_fail (ld, "not an AttnScope model (\"format\" must be \"%s\", found %s)", AS_MODEL_FORMAT_NAME,
                           as_json_node_kind (node));
  if (strcmp (json_node_get_string (node), AS_MODEL_FORMAT_NAME) != 0)
    return as_loader_fail (ld, "not an AttnScope model (\"format\" is \"%s\", must be \"%s\")",
                           as_loader_quote (ld, json_node_get_string (node)), AS_MODEL_FORMAT_NAME);

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

  if (doc->unknown != NULL)
    return fail_unknown (ld, doc->unknown);

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
                   ld->name, as_loader_quote (ld, json_node_get_string (node)), names);
      return FALSE;
    }
  ld->architecture = self->architecture->name;

  self->data = self->architecture->load_hyperparameters (ld, ld->error);
  if (self->data == NULL)
    return FALSE;

  if (!as_loader_read_side (ld, doc->source, "source", &self->source) ||
      !as_loader_read_side (ld, doc->target, "target", &self->target) ||
      !self->architecture->check_sides (self->data, &self->source, &self->target, ld))
    return FALSE;

  return check_decoding (ld, self) && check_metadata (ld, doc, self);
}

/* What must be known before the tensors can be read */
static gboolean
ready_for_tensors (Document *doc)
{
  static const char * const needed[] = { "format", "format_version", "architecture", "hyperparameters", NULL };

  for (guint i = 0; needed[i] != NULL; i++)
    if (!json_object_has_member (doc->header, needed[i]))
      return FALSE;
  return doc->source != NULL && doc->target != NULL;
}

/* @present: the stream is at the value of "tensors"; else the document has none */
static gboolean
read_tensors (AsLoader *ld,
              AsModel  *self,
              gboolean  present)
{
  gboolean ok;

  ld->at_tensors = present;
  ok = self->architecture->load_tensors (self->data, &self->source, &self->target, ld,
                                         &self->buffer, &self->n_parameters);
  ld->at_tensors = FALSE;
  return ok;
}

/* The second pass of a file that puts "tensors" before what they depend
 * on: the same file again, up to its "tensors", and to its end. */
static gboolean
read_tensors_again (AsLoader *ld,
                    AsModel  *self)
{
  g_autoptr (AsJsonStream) stream = as_json_stream_reopen (ld->stream, ld->error);
  AsJsonStream *first = ld->stream;
  AsJsonToken token;
  gboolean ok = FALSE;

  if (stream == NULL)
    return FALSE;
  ld->stream = stream;
  if (!as_json_stream_next (stream, &token, ld->error))
    goto out;
  for (;;)
    {
      const char *key;

      if (!as_json_stream_next (stream, &token, ld->error))
        goto out;
      g_assert (token == AS_JSON_TOKEN_MEMBER_NAME);  /* the first pass found "tensors" */
      key = as_json_stream_get_string (stream, G_MAXSIZE, NULL, ld->error);
      if (key == NULL)
        goto out;
      if (strcmp (key, "tensors") == 0)
        break;
      if (!as_json_stream_next (stream, &token, ld->error) || !as_json_stream_skip (stream, ld->error))
        goto out;
    }
  if (!read_tensors (ld, self, TRUE))
    goto out;
  do
    if (!as_json_stream_next (stream, &token, ld->error))
      goto out;
  while (token != AS_JSON_TOKEN_END);
  ok = TRUE;

out:
  if (!ok)
    {
      /* the mistake is reported from the stream it was found in */
      ld->stream = g_steal_pointer (&stream);
      as_json_stream_free (first);
    }
  else
    ld->stream = first;
  return ok;
}

static gboolean
read_document (AsLoader *ld,
               Document *doc,
               AsModel  *self)
{
  AsJsonStream *st = ld->stream;
  AsJsonToken token;

  if (!as_json_stream_next (st, &token, ld->error))
    return FALSE;
  if (token != AS_JSON_TOKEN_BEGIN_OBJECT)
    return as_loader_fail (ld, "the document must be a JSON object, found %s", as_loader_token_kind (st, token));

  doc->header = json_object_new ();
  ld->root = doc->header;
  for (;;)
    {
      g_autofree char *key = NULL;

      if (!as_json_stream_next (st, &token, ld->error))
        return FALSE;
      if (token == AS_JSON_TOKEN_END_OBJECT)
        break;
      key = g_strdup (as_json_stream_get_string (st, G_MAXSIZE, NULL, ld->error));
      if (key == NULL)
        return FALSE;

      if (strcmp (key, "tensors") == 0)
        {
          doc->tensors_seen = TRUE;
          if (ready_for_tensors (doc))
            {
              if (!check_members (ld, doc, self) || !read_tensors (ld, self, TRUE))
                return FALSE;
              doc->checked = TRUE;
              doc->tensors_read = TRUE;
            }
          else if (!as_json_stream_next (st, &token, ld->error) || !as_json_stream_skip (st, ld->error))
            return FALSE;
          continue;
        }

      if (!as_json_stream_next (st, &token, ld->error))
        return FALSE;
      if (strcmp (key, "source") == 0 || strcmp (key, "target") == 0)
        {
          AsSideDraft *draft = as_side_draft_read (ld, token, key);
          if (draft == NULL)
            return FALSE;
          if (key[0] == 's')
            doc->source = draft;
          else
            doc->target = draft;
        }
      else if (strcmp (key, "metadata") == 0)
        {
          if (!read_metadata (ld, doc, token) ||
              (doc->checked && !check_metadata (ld, doc, self)))
            return FALSE;
        }
      else if (g_strv_contains (top_keys, key))
        {
          JsonNode *node = as_loader_read_node (ld, token, as_loader_quote (ld, key));
          if (node == NULL)
            return FALSE;
          json_object_set_member (doc->header, key, node);
          if (doc->checked && !check_decoding (ld, self))  /* "decoding" after "tensors" */
            return FALSE;
        }
      else
        {
          if (doc->checked)
            return fail_unknown (ld, key);
          if (doc->unknown == NULL)
            doc->unknown = g_strdup (key);
          if (!as_json_stream_skip (st, ld->error))
            return FALSE;
        }
    }

  if (!doc->checked && !check_members (ld, doc, self))
    return FALSE;
  if (!doc->tensors_read)
    {
      if (doc->tensors_seen)
        return as_json_stream_next (st, &token, ld->error) && read_tensors_again (ld, self);
      if (!read_tensors (ld, self, FALSE))
        return FALSE;
    }
  /* the end of the document: the whole file is checked */
  return as_json_stream_next (st, &token, ld->error);
}

static AsModel *
load (AsJsonStream *stream,
      const char   *path,
      GError      **error)
{
  g_autoptr (AsModel) self = g_new0 (AsModel, 1);
  g_autoptr (GError) local_error = NULL;
  AsLoader ld = { as_json_stream_get_name (stream), &local_error, NULL, NULL, stream, FALSE, NULL };
  Document doc = { 0 };
  gboolean ok;

  g_atomic_ref_count_init (&self->ref);
  self->path = g_strdup (path);

  ok = read_document (&ld, &doc, self);
  if (!ok && !g_error_matches (local_error, AS_ERROR, AS_ERROR_JSON) &&
      !g_error_matches (local_error, AS_ERROR, AS_ERROR_FILE))
    {
      /* a mistake in the model: unless the file is not JSON after all, or
       * changed while it was read, which come first */
      g_autoptr (GError) json_error = NULL;
      AsJsonToken token;

      while (as_json_stream_next (ld.stream, &token, &json_error) && token != AS_JSON_TOKEN_END)
        ;
      if (json_error != NULL)
        {
          g_clear_error (&local_error);
          local_error = g_steal_pointer (&json_error);
        }
    }
  document_clear (&doc);
  as_loader_clear (&ld);
  as_json_stream_free (ld.stream);
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&self);
}

static AsModel *
load_from_data (const char  *data,
                gsize        length,
                const char  *where,
                GError     **error)
{
  g_autofree char *name = g_path_get_basename (where != NULL ? where : "model");

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  return load (as_json_stream_new_for_data (data, length, name), where != NULL ? where : "model", error);
}

static AsModel *
load_from_file (const char  *path,
                GError     **error)
{
  AsJsonStream *stream;

  g_return_val_if_fail (path != NULL, NULL);
  stream = as_json_stream_new_for_path (path, NULL, error);
  if (stream == NULL)
    return NULL;
  return load (stream, path, error);
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
as_model_new_from_stream (AsJsonStream  *stream,
                          const char    *path,
                          GError       **error)
{
  GError *local_error = NULL;
  AsModel *model;

  g_return_val_if_fail (stream != NULL, NULL);
  model = load (stream, path, &local_error);
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
  g_free (self->metadata);
  g_free (self->metadata_keys);
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

const char *
as_model_get_source_language (const AsModel *self)
{
  return self->source.language;
}

const char *
as_model_get_target_language (const AsModel *self)
{
  return self->target.language;
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

guint
as_model_get_max_length_for (const AsModel *self,
                             guint          n_source)
{
  if (self->max_length > 0)
    return self->max_length;
  if (self->architecture->get_default_max_length != NULL)
    return self->architecture->get_default_max_length (self, n_source);
  return AS_MODEL_DEFAULT_MAX_LENGTH;
}

guint
as_model_get_max_positions (const AsModel *self)
{
  return self->architecture->get_max_positions != NULL ? self->architecture->get_max_positions (self) : 0;
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

/* The entry of the sorted keys that is @key, or -1 */
static int
find_metadata (const AsModel *self,
               const char    *key)
{
  guint lo = 0, hi = self->n_metadata;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      int c = strcmp (self->metadata + self->metadata_keys[mid], key);

      if (c == 0)
        return (int) mid;
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return -1;
}

const char *
as_model_get_metadata (const AsModel *self,
                       const char    *key)
{
  int i = find_metadata (self, key);
  const char *entry;

  if (i < 0)
    return NULL;
  entry = self->metadata + self->metadata_keys[i];
  return entry + strlen (entry) + 1;
}

GStrv
as_model_list_metadata (const AsModel *self)
{
  GStrv keys = g_new (char *, self->n_metadata + 1);

  for (guint i = 0; i < self->n_metadata; i++)
    keys[i] = g_strdup (self->metadata + self->metadata_keys[i]);
  keys[self->n_metadata] = NULL;
  return keys;
}

/* A side's tokenizer, as the description names it. */
static char *
describe_tokenizer (const AsVocab *side)
{
  const char *kind;

  switch (side->tokenizer)
    {
    /* Translators: how a vocabulary cuts text, in the model's tooltip:
     * "source vocabulary: 3030 tokens (words, lower-cased)" */
    case AS_TOKENIZER_WORDS:      kind = _("words"); break;
    case AS_TOKENIZER_CHARACTERS: kind = _("characters"); break;
    case AS_TOKENIZER_WHITESPACE: kind = _("whitespace"); break;
    default:                      kind = as_tokenizer_type_to_string (side->tokenizer); break;
    }
  /* Translators: a tokenizer ("words") and that the text is lower-cased first */
  return side->lowercase ? g_strdup_printf (_("%s, lower-cased"), kind) : g_strdup (kind);
}

/* The name a metadata key of the file is shown under: the known ones in the
 * reader's language, the others as the file spells them. */
static const char *
describe_metadata_key (const char *key)
{
  /* Translators: the metadata keys of a model file, shown as field names in
   * the model's tooltip ("license: CC0-1.0"); the English is the key itself */
  static const struct { const char *key; const char *label; } known[] = {
    { "description", N_("description") },
    { "authors", N_("authors") },
    { "license", N_("license") },
    { "training_data", N_("training_data") },
    { "version", N_("version") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (strcmp (key, known[i].key) == 0)
      return _(known[i].label);
  return NULL;
}

/* Appends one line, "field: value", to @s. */
G_GNUC_PRINTF (2, 3)
static void
describe_line (GString    *s,
               const char *format,
               ...)
{
  va_list args;

  va_start (args, format);
  g_string_append_vprintf (s, format, args);
  va_end (args);
  g_string_append_c (s, '\n');
}

char *
as_model_describe (const AsModel *self)
{
  GString *s = g_string_new (NULL);
  g_auto (GStrv) keys = as_model_list_metadata (self);
  const char *name = as_model_get_metadata (self, "name");
  g_autofree char *shown_name = as_escape_controls (name != NULL ? name : _("(unnamed)"));
  g_autofree char *shown_path = as_escape_controls (self->path);
  g_autofree char *shown_unknown = as_escape_controls (self->source.unknown >= 0
                                                    ? as_vocab_get_token (&self->source, self->source.unknown)
                                                    : _("(none)"));
  g_autofree char *source_tokenizer = describe_tokenizer (&self->source);
  g_autofree char *target_tokenizer = describe_tokenizer (&self->target);
  g_autofree char *parameters = g_strdup_printf ("%" G_GUINT64_FORMAT, self->n_parameters);

  /* Translators: the lines of the model's tooltip, "field: value" */
  describe_line (s, _("name: %s"), shown_name);
  describe_line (s, _("file: %s"), shown_path);
  describe_line (s, _("architecture: %s"), as_model_get_architecture_name (self));
  self->architecture->describe (self->data, s);
  describe_line (s, _("parameters: %s"), parameters);
  /* Translators: the size of the source side's vocabulary and how it cuts text ("words, lower-cased") */
  describe_line (s, g_dngettext (GETTEXT_PACKAGE, "source vocabulary: %u token (%s)", "source vocabulary: %u tokens (%s)",
                                 self->source.size),
                 self->source.size, source_tokenizer);
  describe_line (s, g_dngettext (GETTEXT_PACKAGE, "target vocabulary: %u token (%s)", "target vocabulary: %u tokens (%s)",
                                 self->target.size),
                 self->target.size, target_tokenizer);
  describe_line (s, _("unknown token: %s"), shown_unknown);
  if (self->max_length > 0)
    describe_line (s, _("max target length: %u"), self->max_length);
  else if (self->architecture->get_default_max_length != NULL)
    describe_line (s, _("max target length: %u for a sentence of one word, one more for each word more"),
                   self->architecture->get_default_max_length (self, 1 + (self->architecture->source_starts ? 1 : 0) +
                                                               (self->architecture->source_ends ? 1 : 0)));
  else
    describe_line (s, _("max target length: %u"), AS_MODEL_DEFAULT_MAX_LENGTH);
  for (guint i = 0; keys[i] != NULL; i++)
    if (strcmp (keys[i], "name") != 0)
      {
        /* metadata comes from the file: one line each, no terminal escapes */
        const char *label = describe_metadata_key (keys[i]);
        g_autofree char *key = label != NULL ? g_strdup (label) : as_escape_controls (keys[i]);
        g_autofree char *value = as_escape_controls (as_model_get_metadata (self, keys[i]));

        /* Translators: a metadata field of the model file and its value */
        describe_line (s, _("%s: %s"), key, value);
      }
  return g_string_free (s, FALSE);
}
