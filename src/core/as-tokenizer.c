#include "as-tokenizer.h"

gboolean
as_tokenizer_type_from_string (const char      *name,
                               AsTokenizerType *type)
{
  if (g_strcmp0 (name, "words") == 0)
    *type = AS_TOKENIZER_WORDS;
  else if (g_strcmp0 (name, "characters") == 0)
    *type = AS_TOKENIZER_CHARACTERS;
  else
    return FALSE;
  return TRUE;
}

const char *
as_tokenizer_type_to_string (AsTokenizerType type)
{
  return type == AS_TOKENIZER_WORDS ? "words" : "characters";
}

static gboolean
is_punctuation (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONNECT_PUNCTUATION:
    case G_UNICODE_DASH_PUNCTUATION:
    case G_UNICODE_CLOSE_PUNCTUATION:
    case G_UNICODE_FINAL_PUNCTUATION:
    case G_UNICODE_INITIAL_PUNCTUATION:
    case G_UNICODE_OTHER_PUNCTUATION:
    case G_UNICODE_OPEN_PUNCTUATION:
    case G_UNICODE_CURRENCY_SYMBOL:
    case G_UNICODE_MODIFIER_SYMBOL:
    case G_UNICODE_MATH_SYMBOL:
    case G_UNICODE_OTHER_SYMBOL:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_apostrophe (gunichar c)
{
  return c == '\'' || c == 0x2019;
}

/* Python's str.isspace() and g_unichar_isspace() differ on a few control
 * characters; both tokenizers treat exactly these as white space. */
static gboolean
is_space (gunichar c)
{
  return g_unichar_isspace (c) || (c >= 0x1c && c <= 0x1f) || c == 0x85;
}

static void
flush (GPtrArray *tokens,
       GString   *word)
{
  if (word->len > 0)
    {
      g_ptr_array_add (tokens, g_strndup (word->str, word->len));
      g_string_truncate (word, 0);
    }
}

GStrv
as_tokenize (const char      *text,
             AsTokenizerType  type,
             gboolean         lowercase)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  g_autofree char *lowered = lowercase ? g_utf8_strdown (valid, -1) : NULL;
  const char *s = lowered != NULL ? lowered : valid;
  g_autoptr (GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) word = g_string_new (NULL);
  gunichar prev = 0;

  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);

      if (is_space (c))
        flush (tokens, word);
      else if (type == AS_TOKENIZER_CHARACTERS)
        g_ptr_array_add (tokens, g_strndup (p, next - p));
      else if (is_apostrophe (c) && g_unichar_isalnum (prev) && *next != '\0'
               && g_unichar_isalnum (g_utf8_get_char (next)))
        g_string_append_len (word, p, next - p);
      else if (is_punctuation (c))
        {
          flush (tokens, word);
          g_ptr_array_add (tokens, g_strndup (p, next - p));
        }
      else
        g_string_append_len (word, p, next - p);

      prev = c;
    }
  flush (tokens, word);

  g_ptr_array_add (tokens, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&tokens), FALSE);
}
