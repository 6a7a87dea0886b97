/* One side of a model, source or target: its tokenizer, vocabulary and
 * special tokens; reading it from the model document, and turning tokens
 * into ids and back. */

#include <string.h>

#include "as-error.h"
#include "as-loader.h"

void
as_vocab_clear (AsVocab *vocab)
{
  g_clear_pointer (&vocab->tokens, g_strfreev);
  g_clear_pointer (&vocab->ids, g_hash_table_unref);
  g_clear_pointer (&vocab->join, g_free);
}

static gboolean
load_special (AsLoader   *ld,
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
  if (!as_json_is_integer (node))
    return as_loader_fail (ld, "%s.special.%s must be an integer id or null, found %s", where, key, as_json_node_kind (node));
  id = json_node_get_int (node);
  if (id < 0 || id >= size)
    return as_loader_fail (ld, "%s.special.%s is %" G_GINT64_FORMAT ", out of range for a vocabulary of %u tokens",
                           where, key, id, size);
  *out = (int) id;
  return TRUE;
}

gboolean
as_loader_read_side (AsLoader   *ld,
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

  if (!as_loader_get_object (ld, root, where, "", TRUE, &side) ||
      !as_loader_check_keys (ld, side, where, side_keys))
    return FALSE;

  /* tokenizer */
  tokenizer_where = g_strdup_printf ("%s.tokenizer", where);
  if (!as_loader_get_object (ld, side, "tokenizer", where, TRUE, &tokenizer) ||
      !as_loader_check_keys (ld, tokenizer, tokenizer_where, tokenizer_keys))
    return FALSE;
  node = json_object_get_member (tokenizer, "type");
  if (node == NULL)
    return as_loader_fail (ld, "%s.tokenizer: \"type\" is missing", where);
  if (!as_json_is_string (node))
    return as_loader_fail (ld, "%s.tokenizer.type must be a string (\"words\" or \"characters\"), found %s", where, as_json_node_kind (node));
  if (!as_tokenizer_type_from_string (json_node_get_string (node), &vocab->tokenizer))
    return as_loader_fail (ld, "%s.tokenizer.type \"%s\" is unknown (expected \"words\" or \"characters\")",
                           where, json_node_get_string (node));
  vocab->lowercase = vocab->tokenizer == AS_TOKENIZER_WORDS;
  node = json_object_get_member (tokenizer, "lowercase");
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return as_loader_fail (ld, "%s.tokenizer.lowercase must be true or false, found %s", where, as_json_node_kind (node));
      vocab->lowercase = json_node_get_boolean (node);
    }

  /* join */
  node = json_object_get_member (side, "join");
  if (node == NULL)
    vocab->join = g_strdup (vocab->tokenizer == AS_TOKENIZER_WORDS ? " " : "");
  else if (!as_json_is_string (node))
    return as_loader_fail (ld, "%s.join must be a string, found %s", where, as_json_node_kind (node));
  else
    vocab->join = g_strdup (json_node_get_string (node));

  /* vocabulary */
  node = json_object_get_member (side, "vocabulary");
  if (node == NULL)
    return as_loader_fail (ld, "%s: \"vocabulary\" is missing", where);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return as_loader_fail (ld, "%s.vocabulary must be an array of strings, found %s", where, as_json_node_kind (node));
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n == 0)
    return as_loader_fail (ld, "%s.vocabulary is empty", where);
  if (n > AS_LOADER_MAX_VOCAB)
    return as_loader_fail (ld, "%s.vocabulary has %u tokens, at most %d are allowed", where, n, AS_LOADER_MAX_VOCAB);

  vocab->size = n;
  vocab->tokens = g_new0 (char *, n + 1);
  vocab->ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *token;
      gpointer previous;

      if (!as_json_is_string (item))
        return as_loader_fail (ld, "%s.vocabulary[%u] must be a string, found %s", where, i, as_json_node_kind (item));
      token = json_node_get_string (item);
      if (*token == '\0')
        return as_loader_fail (ld, "%s.vocabulary[%u] is an empty string", where, i);
      vocab->tokens[i] = g_strdup (token);
      previous = g_hash_table_lookup (vocab->ids, vocab->tokens[i]);
      if (previous != NULL)
        return as_loader_fail (ld, "%s.vocabulary[%u]: duplicate token \"%s\" (also at %d)",
                               where, i, token, GPOINTER_TO_INT (previous) - 1);
      g_hash_table_insert (vocab->ids, vocab->tokens[i], GINT_TO_POINTER (i + 1));
    }

  /* special ids */
  node = json_object_get_member (side, "special");
  if (node == NULL)
    return as_loader_fail (ld, "%s: \"special\" is missing", where);
  special_where = g_strdup_printf ("%s.special", where);
  if (!as_loader_get_object (ld, side, "special", where, TRUE, &special) ||
      !as_loader_check_keys (ld, special, special_where, special_keys))
    return FALSE;
  if (!load_special (ld, special, where, "start", n, &vocab->start) ||
      !load_special (ld, special, where, "end", n, &vocab->end) ||
      !load_special (ld, special, where, "unknown", n, &vocab->unknown) ||
      !load_special (ld, special, where, "padding", n, &vocab->padding))
    return FALSE;

  return TRUE;
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
