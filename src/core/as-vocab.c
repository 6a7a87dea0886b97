/* One side of a model, source or target: its tokenizer, vocabulary and
 * special tokens; reading it from the model document, and turning tokens
 * into ids and back.
 *
 * The vocabulary is read from the stream straight into one pool of strings,
 * an array of offsets into it and a sorted array of ids (for lookups and
 * the duplicate check): about the size of its text in the file plus eight
 * bytes a token, whatever the tokens are. The side's other members are
 * small and read as trees. */

#include <string.h>

#include "as-error.h"
#include "as-loader.h"

#define MAX_JOIN  4096

struct _AsSideDraft
{
  const char *kind;             /* the side is not an object: what it is */
  JsonObject *members;          /* every member but "vocabulary", as trees */
  gboolean    has_vocabulary;
  const char *vocabulary_kind;  /* it is not an array: what it is */
  guint64     n_items;
  GString    *pool;             /* the first AS_LOADER_MAX_VOCAB items, strings or "" */
  GArray     *offsets;          /* (guint32) of each in @pool: the file is at most 4 GiB */
  guint64     first_other;      /* the first item that is not a string, or G_MAXUINT64 */
  const char *other_kind;
  guint64     first_empty;      /* the first empty string, or G_MAXUINT64 */
};

void
as_vocab_clear (AsVocab *vocab)
{
  g_clear_pointer (&vocab->offsets, g_free);
  g_clear_pointer (&vocab->pool, g_free);
  g_clear_pointer (&vocab->sorted, g_free);
  g_clear_pointer (&vocab->join, g_free);
  g_clear_pointer (&vocab->language, g_free);
}

void
as_side_draft_free (AsSideDraft *draft)
{
  if (draft == NULL)
    return;
  g_clear_pointer (&draft->members, json_object_unref);
  if (draft->pool != NULL)
    g_string_free (draft->pool, TRUE);
  g_clear_pointer (&draft->offsets, g_array_unref);
  g_free (draft);
}

/* Reading */

static gboolean
read_vocabulary (AsLoader    *ld,
                 AsSideDraft *draft,
                 AsJsonToken  token)
{
  AsJsonStream *st = ld->stream;

  draft->has_vocabulary = TRUE;
  if (token != AS_JSON_TOKEN_BEGIN_ARRAY)
    {
      draft->vocabulary_kind = as_loader_token_kind (st, token);
      return as_json_stream_skip (st, ld->error);
    }
  draft->pool = g_string_new (NULL);
  draft->offsets = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (;;)
    {
      if (!as_json_stream_next (st, &token, ld->error))
        return FALSE;
      if (token == AS_JSON_TOKEN_END_ARRAY)
        break;
      if (draft->n_items < AS_LOADER_MAX_VOCAB)
        {
          guint32 start = draft->pool->len;

          G_STATIC_ASSERT (AS_JSON_STREAM_MAX_FILE_SIZE <= G_MAXUINT32 + G_GUINT64_CONSTANT (1));

          g_array_append_val (draft->offsets, start);
          if (token == AS_JSON_TOKEN_STRING)
            {
              if (!as_json_stream_read_string (st, as_loader_append_chunk, draft->pool, ld->error))
                return FALSE;
              if (draft->pool->len == start && draft->first_empty == G_MAXUINT64)
                draft->first_empty = draft->n_items;
            }
          else
            {
              if (draft->first_other == G_MAXUINT64)
                {
                  draft->first_other = draft->n_items;
                  draft->other_kind = as_loader_token_kind (st, token);
                }
              if (!as_json_stream_skip (st, ld->error))
                return FALSE;
            }
          g_string_append_c (draft->pool, '\0');
        }
      else if (!as_json_stream_skip (st, ld->error))
        return FALSE;
      draft->n_items++;
    }
  return TRUE;
}

AsSideDraft *
as_side_draft_read (AsLoader    *ld,
                    AsJsonToken  token,
                    const char  *where)
{
  g_autoptr (AsSideDraft) draft = g_new0 (AsSideDraft, 1);
  AsJsonStream *st = ld->stream;

  draft->first_other = G_MAXUINT64;
  draft->first_empty = G_MAXUINT64;
  if (token != AS_JSON_TOKEN_BEGIN_OBJECT)
    {
      draft->kind = as_loader_token_kind (st, token);
      return as_json_stream_skip (st, ld->error) ? g_steal_pointer (&draft) : NULL;
    }
  draft->members = json_object_new ();
  for (;;)
    {
      g_autofree char *key = NULL;

      if (!as_loader_next_member (ld, &key, &token))
        return NULL;
      if (key == NULL)
        break;
      if (strcmp (key, "vocabulary") == 0)
        {
          if (!read_vocabulary (ld, draft, token))
            return NULL;
        }
      else
        {
          g_autofree char *what = g_strdup_printf ("%s.%s", where, as_loader_quote (ld, key));
          JsonNode *node = as_loader_read_node (ld, token, what);

          if (node == NULL)
            return NULL;
          json_object_set_member (draft->members, key, node);
        }
    }
  return g_steal_pointer (&draft);
}

/* Checking */

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

static int
compare_ids (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  const AsVocab *vocab = user_data;
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;
  int c = strcmp (as_vocab_get_token (vocab, x), as_vocab_get_token (vocab, y));

  return c != 0 ? c : (x > y) - (x < y);
}

/* Moves the draft's tokens into @vocab (its pool and offsets) and sorts
 * them; the first token that repeats an earlier one (*@duplicate, the
 * earlier one *@original), or G_MAXUINT64. Empty strings are left out. */
static void
take_tokens (AsSideDraft *draft,
             AsVocab     *vocab,
             guint64     *duplicate,
             guint64     *original)
{
  const guint n = draft->offsets->len;
  const gsize length = draft->pool->len;

  vocab->size = n;
  vocab->pool = g_realloc (g_string_free (g_steal_pointer (&draft->pool), FALSE), length);
  vocab->offsets = (guint32 *) (gpointer) g_array_free (g_steal_pointer (&draft->offsets), FALSE);

  vocab->sorted = g_new (guint32, n);
  for (guint i = 0; i < n; i++)
    vocab->sorted[i] = i;
  g_qsort_with_data (vocab->sorted, n, sizeof (guint32), compare_ids, vocab);

  *duplicate = G_MAXUINT64;
  *original = G_MAXUINT64;
  for (guint i = 0; i + 1 < n; )
    {
      const char *token = as_vocab_get_token (vocab, vocab->sorted[i]);
      guint j = i + 1;

      /* a run of equal tokens, its ids in order: the second one repeats the first */
      while (j < n && strcmp (token, as_vocab_get_token (vocab, vocab->sorted[j])) == 0)
        j++;
      if (j > i + 1 && *token != '\0' && vocab->sorted[i + 1] < *duplicate)
        {
          *duplicate = vocab->sorted[i + 1];
          *original = vocab->sorted[i];
        }
      i = j;
    }
}

gboolean
as_vocab_language_is_valid (const char *tag)
{
  const char *p = tag;
  gsize n = 0;

  if (tag == NULL || strlen (tag) > 35)
    return FALSE;
  while (g_ascii_isalpha (p[n]))
    n++;
  if (n < 2 || n > 3)
    return FALSE;
  p += n;
  while (*p == '-')
    {
      p++;
      for (n = 0; g_ascii_isalnum (p[n]); n++)
        ;
      if (n < 1 || n > 8)
        return FALSE;
      p += n;
    }
  return *p == '\0';
}

gboolean
as_loader_read_side (AsLoader    *ld,
                     AsSideDraft *draft,
                     const char  *where,
                     AsVocab     *vocab)
{
  static const char * const side_keys[] = { "tokenizer", "join", "language", "vocabulary", "special", NULL };
  static const char * const tokenizer_keys[] = { "type", "lowercase", NULL };
  static const char * const special_keys[] = { "start", "end", "unknown", "padding", NULL };
  g_autofree char *tokenizer_where = NULL;
  g_autofree char *special_where = NULL;
  JsonObject *side, *tokenizer, *special;
  guint64 duplicate, original;
  JsonNode *node;
  guint64 first;

  if (draft == NULL)
    return as_loader_fail (ld, "\"%s\" is missing", where);
  if (draft->kind != NULL)
    return as_loader_fail (ld, "%s must be an object, found %s", where, draft->kind);
  side = draft->members;
  if (!as_loader_check_keys (ld, side, where, side_keys))
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
    return as_loader_fail (ld, "%s.tokenizer.type must be a string (\"words\", \"characters\" or \"whitespace\"), found %s", where, as_json_node_kind (node));
  if (!as_tokenizer_type_from_string (json_node_get_string (node), &vocab->tokenizer))
    return as_loader_fail (ld, "%s.tokenizer.type \"%s\" is unknown (expected \"words\", \"characters\" or \"whitespace\")",
                           where, as_loader_quote (ld, json_node_get_string (node)));
  vocab->lowercase = as_tokenizer_type_lowercases (vocab->tokenizer);
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
    vocab->join = g_strdup (as_tokenizer_type_join (vocab->tokenizer));
  else if (!as_json_is_string (node))
    return as_loader_fail (ld, "%s.join must be a string, found %s", where, as_json_node_kind (node));
  else if (strlen (json_node_get_string (node)) > MAX_JOIN)
    return as_loader_fail (ld, "%s.join is longer than %d bytes", where, MAX_JOIN);
  else
    vocab->join = g_strdup (json_node_get_string (node));

  /* language */
  node = json_object_get_member (side, "language");
  if (node != NULL && !as_json_is_string (node))
    return as_loader_fail (ld, "%s.language must be a string, a language tag such as \"en\" or \"zh-CN\", found %s",
                           where, as_json_node_kind (node));
  if (node != NULL && !as_vocab_language_is_valid (json_node_get_string (node)))
    return as_loader_fail (ld, "%s.language \"%s\" is not a language tag (BCP 47, such as \"en\" or \"zh-CN\")",
                           where, as_loader_quote (ld, json_node_get_string (node)));
  if (node != NULL)
    vocab->language = g_strdup (json_node_get_string (node));

  /* vocabulary */
  if (!draft->has_vocabulary)
    return as_loader_fail (ld, "%s: \"vocabulary\" is missing", where);
  if (draft->vocabulary_kind != NULL)
    return as_loader_fail (ld, "%s.vocabulary must be an array of strings, found %s", where, draft->vocabulary_kind);
  if (draft->n_items == 0)
    return as_loader_fail (ld, "%s.vocabulary is empty", where);
  if (draft->n_items > AS_LOADER_MAX_VOCAB)
    return as_loader_fail (ld, "%s.vocabulary has %" G_GUINT64_FORMAT " tokens, at most %d are allowed",
                           where, draft->n_items, AS_LOADER_MAX_VOCAB);
  take_tokens (draft, vocab, &duplicate, &original);
  first = MIN (MIN (draft->first_other, draft->first_empty), duplicate);
  if (first == G_MAXUINT64)
    ;
  else if (first == draft->first_other)
    return as_loader_fail (ld, "%s.vocabulary[%" G_GUINT64_FORMAT "] must be a string, found %s", where, first, draft->other_kind);
  else if (first == draft->first_empty)
    return as_loader_fail (ld, "%s.vocabulary[%" G_GUINT64_FORMAT "] is an empty string", where, first);
  else
    return as_loader_fail (ld, "%s.vocabulary[%" G_GUINT64_FORMAT "]: duplicate token \"%s\" (also at %" G_GUINT64_FORMAT ")",
                           where, duplicate, as_loader_quote (ld, as_vocab_get_token (vocab, duplicate)), original);

  /* special ids */
  node = json_object_get_member (side, "special");
  if (node == NULL)
    return as_loader_fail (ld, "%s: \"special\" is missing", where);
  special_where = g_strdup_printf ("%s.special", where);
  if (!as_loader_get_object (ld, side, "special", where, TRUE, &special) ||
      !as_loader_check_keys (ld, special, special_where, special_keys))
    return FALSE;
  if (!load_special (ld, special, where, "start", vocab->size, &vocab->start) ||
      !load_special (ld, special, where, "end", vocab->size, &vocab->end) ||
      !load_special (ld, special, where, "unknown", vocab->size, &vocab->unknown) ||
      !load_special (ld, special, where, "padding", vocab->size, &vocab->padding))
    return FALSE;

  return TRUE;
}

/* Lookups */

int
as_vocab_lookup (const AsVocab *vocab,
                 const char    *token)
{
  guint lo = 0, hi = vocab->size;

  /* the first sorted token not below @token */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (strcmp (as_vocab_get_token (vocab, vocab->sorted[mid]), token) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo < vocab->size && strcmp (as_vocab_get_token (vocab, vocab->sorted[lo]), token) == 0)
    return (int) vocab->sorted[lo];
  return -1;
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
      g_string_append (s, as_vocab_get_token (vocab, id));
      first = FALSE;
    }
  return g_string_free (s, FALSE);
}
