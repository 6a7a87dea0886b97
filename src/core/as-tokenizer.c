#include <string.h>

#include "as-tokenizer.h"

gboolean
as_tokenizer_type_from_string (const char      *name,
                               AsTokenizerType *type)
{
  if (g_strcmp0 (name, "words") == 0)
    *type = AS_TOKENIZER_WORDS;
  else if (g_strcmp0 (name, "characters") == 0)
    *type = AS_TOKENIZER_CHARACTERS;
  else if (g_strcmp0 (name, "whitespace") == 0)
    *type = AS_TOKENIZER_WHITESPACE;
  else
    return FALSE;
  return TRUE;
}

const char *
as_tokenizer_type_to_string (AsTokenizerType type)
{
  switch (type)
    {
    case AS_TOKENIZER_WORDS:      return "words";
    case AS_TOKENIZER_CHARACTERS: return "characters";
    case AS_TOKENIZER_WHITESPACE: return "whitespace";
    default:                      g_return_val_if_reached ("words");
    }
}

gboolean
as_tokenizer_type_lowercases (AsTokenizerType type)
{
  return type == AS_TOKENIZER_WORDS;
}

const char *
as_tokenizer_type_join (AsTokenizerType type)
{
  return type == AS_TOKENIZER_CHARACTERS ? "" : " ";
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
 * characters (the vertical tab, the information separators, NEL); both
 * tokenizers treat exactly these as white space. */
static gboolean
is_space (gunichar c)
{
  return g_unichar_isspace (c) || c == 0x0b || (c >= 0x1c && c <= 0x1f) || c == 0x85;
}

/* Lower-casing
 *
 * Unicode lower-casing as Python's str.lower() does it, whatever the locale.
 * g_utf8_strdown() is not that: in a Turkish or Azeri locale it lower-cases
 * "I" to dotless "ı" (so "HI" became "hı", a word no model knows), and it
 * leaves the Roman numerals and circled letters, which have lower-case forms,
 * as they are. Here: the simple mapping of every character, plus the two
 * rules of SpecialCasing.txt that apply in every language: U+0130 becomes
 * "i" + U+0307, and a capital sigma at the end of a word becomes the final
 * sigma. */

/* Unicode's Case_Ignorable, as near as the general category tells it */
static gboolean
is_case_ignorable (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_FORMAT:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_MODIFIER_SYMBOL:
      return TRUE;
    default:
      break;
    }
  switch (c)
    {
    case 0x27: case 0x2e: case 0x3a: case 0xb7: case 0x387: case 0x55f: case 0x5f4:
    case 0x2018: case 0x2019: case 0x2024: case 0x2027: case 0xfe13: case 0xfe52:
    case 0xfe55: case 0xff07: case 0xff0e: case 0xff1a:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Unicode's Cased */
static gboolean
is_cased (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
      return TRUE;
    default:
      return c == 0xaa || c == 0xba || (c >= 0x2160 && c <= 0x217f) || (c >= 0x24b6 && c <= 0x24e9) ||
             (c >= 0x1f130 && c <= 0x1f149) || (c >= 0x1f150 && c <= 0x1f169) || (c >= 0x1f170 && c <= 0x1f189);
    }
}

/* The Final_Sigma context of the capital sigma at @i of @chars (@n). */
static gboolean
is_final_sigma (const gunichar *chars,
                glong           n,
                glong           i)
{
  glong j;

  for (j = i - 1; j >= 0 && is_case_ignorable (chars[j]); j--)
    ;
  if (j < 0 || !is_cased (chars[j]))
    return FALSE;
  for (j = i + 1; j < n && is_case_ignorable (chars[j]); j++)
    ;
  return j == n || !is_cased (chars[j]);
}

static char *
unicode_lowercase (const char *text)
{
  glong n = 0;
  g_autofree gunichar *chars = g_utf8_to_ucs4_fast (text, -1, &n);
  GString *out = g_string_sized_new (strlen (text) + 8);

  for (glong i = 0; i < n; i++)
    {
      gunichar c = chars[i];

      if (c == 0x130)
        {
          g_string_append (out, "i\xcc\x87");  /* i + U+0307 COMBINING DOT ABOVE */
          continue;
        }
      if (c == 0x3a3)
        c = is_final_sigma (chars, n, i) ? 0x3c2 : 0x3c3;
      else if (c >= 0x2160 && c <= 0x216f)  /* Roman numerals (Nl) */
        c += 0x10;
      else if (c >= 0x24b6 && c <= 0x24cf)  /* circled capital letters (So) */
        c += 0x1a;
      else
        c = g_unichar_tolower (c);
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
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
  g_autofree char *lowered = lowercase ? unicode_lowercase (valid) : NULL;
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
      else if (type == AS_TOKENIZER_WHITESPACE)
        g_string_append_len (word, p, next - p);
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
