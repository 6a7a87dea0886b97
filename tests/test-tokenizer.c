/* The "words" and "characters" tokenizers of docs/model-format.md. */

#include <locale.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "as-tokenizer.h"

/* Tokenizes @text and compares with @expected, tokens separated by '|'. */
static void
check (const char      *text,
       AsTokenizerType  type,
       gboolean         lowercase,
       const char      *expected)
{
  g_auto (GStrv) tokens = as_tokenize (text, type, lowercase);
  g_autofree char *joined = g_strjoinv ("|", tokens);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      g_assert_cmpstr (tokens[i], !=, "");
      g_assert_true (g_utf8_validate (tokens[i], -1, NULL));
    }
  if (g_strcmp0 (joined, expected) != 0)
    g_test_message ("tokenizing \"%s\"", text);
  g_assert_cmpstr (joined, ==, expected);
}

static void
words (const char *text,
       const char *expected)
{
  check (text, AS_TOKENIZER_WORDS, TRUE, expected);
}

static void
characters (const char *text,
            const char *expected)
{
  check (text, AS_TOKENIZER_CHARACTERS, FALSE, expected);
}

static void
test_type_names (void)
{
  AsTokenizerType type = AS_TOKENIZER_CHARACTERS;

  g_assert_true (as_tokenizer_type_from_string ("words", &type));
  g_assert_cmpint (type, ==, AS_TOKENIZER_WORDS);
  g_assert_true (as_tokenizer_type_from_string ("characters", &type));
  g_assert_cmpint (type, ==, AS_TOKENIZER_CHARACTERS);
  g_assert_false (as_tokenizer_type_from_string ("Words", &type));
  g_assert_false (as_tokenizer_type_from_string ("bpe", &type));
  g_assert_false (as_tokenizer_type_from_string ("", &type));
  g_assert_false (as_tokenizer_type_from_string (NULL, &type));
  g_assert_cmpstr (as_tokenizer_type_to_string (AS_TOKENIZER_WORDS), ==, "words");
  g_assert_cmpstr (as_tokenizer_type_to_string (AS_TOKENIZER_CHARACTERS), ==, "characters");
}

static void
test_words_document_examples (void)
{
  words ("Don't stop, Bob!", "don't|stop|,|bob|!");
  characters ("我 饿了。", "我|饿|了|。");
}

static void
test_words_punctuation (void)
{
  words ("hello,world", "hello|,|world");
  words ("Wait... what?!", "wait|.|.|.|what|?|!");
  words ("a--b", "a|-|-|b");
  words ("(x) [y] {z}", "(|x|)|[|y|]|{|z|}");
  words ("e-mail", "e|-|mail");
  words ("snake_case", "snake|_|case");          /* Pc is punctuation */
  words ("«Salut» „hallo“", "«|salut|»|„|hallo|“");
  words ("hello…", "hello|…");
  /* symbols: currency, math, modifier, other */
  words ("$5 + 3€ = 8£", "$|5|+|3|€|=|8|£");
  words ("a^b `c`", "a|^|b|`|c|`");
  words ("©2024 ™", "©|2024|™");
  words ("3.14", "3|.|14");
  words ("!!!", "!|!|!");
  words ("¿Qué?", "¿|qué|?");
}

static void
test_words_apostrophes (void)
{
  words ("I'm here", "i'm|here");
  words ("don’t", "don’t");                      /* U+2019 too */
  words ("rock'n'roll", "rock'n'roll");
  words ("the 80's", "the|80's");                /* between digits and letters */
  words ("'quoted'", "'|quoted|'");              /* at the edges of a word */
  words ("dogs' toys", "dogs|'|toys");
  words ("o' clock", "o|'|clock");
  words ("'", "'");
  words ("a''b", "a|'|'|b");                     /* two: neither stands between letters */
  words ("a'", "a|'");
  words ("l'été", "l'été");
  words ("x²'s", "x²'s");                        /* ² is a digit (No) */
  words ("a‘b", "a|‘|b");                        /* U+2018 is not an apostrophe */
}

static void
test_words_lowercase (void)
{
  words ("HELLO World", "hello|world");
  check ("HELLO World", AS_TOKENIZER_WORDS, FALSE, "HELLO|World");
  words ("ÉCOLE Ñandú", "école|ñandú");
  words ("ΟΔΟΣ", "οδος");                        /* the final sigma */
  words ("ΣΑΣ", "σας");
  words ("Σ", "σ");                              /* alone: not final */
  words ("ΑΣ.", "ας|.");
  words ("İstanbul", "i̇stanbul");                /* U+0130 -> i + U+0307 */
  words ("STRASSE Straße", "strasse|straße");
  words ("Ⅻ", "ⅻ");                              /* Roman numerals lower-case too */
  words ("Ⓐ", "ⓐ");
  words ("ǅ", "ǆ");                              /* title case */
  words ("ПРИВЕТ", "привет");
}

/* The capital sigma lower-cases to the final "ς" only at the end of a word
 * and to "σ" everywhere else: Unicode's Final_Sigma context, as Python's
 * str.lower() applies it (docs/model-format.md; every expected value below is
 * what tools/attnscope_tokenize.py gives under /usr/bin/python3 3.11). The
 * context is that of the text before it is cut into tokens: a cased letter
 * before the sigma, none after, skipping the case-ignorable characters (marks,
 * format characters, apostrophes, "." ":" "·") on both sides. */
static void
test_words_final_sigma (void)
{
  /* in the middle of a word, and twice in a row */
  words ("ΟΔΥΣΣΕΥΣ", "οδυσσευς");
  words ("ΣΟΦΙΑ", "σοφια");                      /* at the start */
  words ("ΑΣΣ", "ασς");
  words ("ΣΣ", "σς");
  words ("Οδυσσευσ", "οδυσσευσ");                /* already lower-case: left alone */
  /* followed by punctuation, white space, a symbol: the end of the word */
  words ("ΟΔΥΣΣΕΥΣ.", "οδυσσευς|.");
  words ("ΟΔΥΣΣΕΥΣ, ΣΑΣ!", "οδυσσευς|,|σας|!");
  words ("ΑΣ-Β", "ας|-|β");
  words ("ΑΣ_Β", "ας|_|β");
  words ("ΑΣ\xc2\xa0" "Β", "ας|β");              /* no-break space */
  words ("ΑΣ😀", "ας|😀");
  words ("ΑΣ1", "ας1");                          /* a digit is not cased */
  /* alone, or after no cased letter: not final */
  words ("Σ.", "σ|.");
  words ("Σ Σ", "σ|σ");
  words ("(Σ)", "(|σ|)");
  words (".Σ", ".|σ");
  words ("1Σ", "1σ");
  /* case-ignorable characters are skipped: the next cased letter decides,
   * also across a "." or ":" that the tokenizer then cuts at */
  words ("ΑΣ'Β", "ασ'β");
  words ("ΑΣ’Β", "ασ’β");
  words ("ΑΣ.Β", "ασ|.|β");
  words ("ΑΣ:Β", "ασ|:|β");
  words ("ΟΔΟΣ·ΟΔΟΣ", "οδοσ|·|οδος");
  words ("ΑΣ\xcc\x81", "ας\xcc\x81");           /* a combining acute after it */
  words ("ΑΣ\xcc\x81" "Β", "ασ\xcc\x81" "β");
  words ("ΑΣ\xe2\x80\x8b" "Β", "ασ\xe2\x80\x8b" "β");  /* zero-width space (Cf) */
  /* Roman numerals and title case are cased too */
  words ("ⅧΣ", "ⅷς");
  words ("ΑΣⅧ", "ασⅷ");
  words ("ΑΣǅ", "ασǆ");
}

/* Removes @path and everything in it. */
static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, entry, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

/* The lower-casing must not depend on the locale: in Turkish, GLib's
 * g_utf8_strdown() makes "I" a dotless "ı". The Turkish locale is made here
 * with localedef (from glibc's locale sources, Debian's package "locales")
 * into a temporary folder that LOCPATH points at, which glibc reads at every
 * setlocale(), so that the test runs on any machine; where it cannot be made,
 * the test fails rather than skip. */
static void
test_words_lowercase_any_locale (void)
{
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  g_autofree char *saved_locpath = g_strdup (g_getenv ("LOCPATH"));
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("attnscope-locale-XXXXXX", &error);
  g_autofree char *out = NULL;
  g_autofree char *localedef_err = NULL;
  g_autofree char *lowered = NULL;
  const char *set;
  int status = 0;

  g_assert_no_error (error);
  out = g_build_filename (dir, "tr_TR.UTF-8", NULL);
  {
    const char *argv[] = { "localedef", "-i", "tr_TR", "-f", "UTF-8", out, NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                       NULL, NULL, NULL, &localedef_err, &status, &error) ||
        !g_spawn_check_wait_status (status, &error))
      {
        g_test_fail_printf ("could not make a Turkish locale with \"localedef -i tr_TR -f UTF-8 %s\" "
                            "(it needs Debian's package \"locales\"): %s%s%s", out, error->message,
                            localedef_err != NULL && *localedef_err ? ": " : "",
                            localedef_err != NULL ? g_strchomp (localedef_err) : "");
        remove_tree (dir);
        return;
      }
  }

  g_setenv ("LOCPATH", dir, TRUE);
  set = setlocale (LC_ALL, "tr_TR.UTF-8");
  if (set == NULL)
    g_test_fail_printf ("setlocale (LC_ALL, \"tr_TR.UTF-8\") failed with LOCPATH=%s, where localedef made it", dir);
  else
    {
      /* the trap is set: GLib lower-cases in Turkish now */
      lowered = g_utf8_strdown ("I", -1);
      g_assert_cmpstr (lowered, ==, "ı");
      words ("HI IŞIK İ", "hi|işik|i̇");
      words ("DIŞ İÇ", "diş|i̇ç");
      check ("I", AS_TOKENIZER_CHARACTERS, TRUE, "i");
    }

  setlocale (LC_ALL, saved);
  if (saved_locpath != NULL)
    g_setenv ("LOCPATH", saved_locpath, TRUE);
  else
    g_unsetenv ("LOCPATH");
  remove_tree (dir);
  words ("HI IŞIK İ", "hi|işik|i̇");
}

static void
test_words_cjk (void)
{
  words ("我饿了。", "我饿了|。");                /* no spaces: one word */
  words ("我 饿了。", "我|饿了|。");
  words ("日本語、テスト", "日本語|、|テスト");
  words ("안녕하세요!", "안녕하세요|!");
  characters ("我饿了。", "我|饿|了|。");
  characters ("東京タワー", "東|京|タ|ワ|ー");
}

static void
test_white_space (void)
{
  words ("  hello \t world\n!\r\n", "hello|world|!");
  words ("a\vb\fc", "a|b|c");                    /* vertical tab, form feed */
  words ("a\xc2\xa0" "b", "a|b");                /* no-break space */
  words ("a\xe3\x80\x80" "b", "a|b");            /* ideographic space */
  words ("a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", "a|b|c");  /* line and paragraph separators */
  words ("a\xc2\x85" "b", "a|b");                /* NEL */
  words ("a\x1c" "b\x1f" "c", "a|b|c");          /* information separators, as Python's isspace */
  words ("a\xe2\x80\x8b" "b", "a\xe2\x80\x8b" "b");  /* zero-width space is not white space */
  characters (" a \t b\n", "a|b");
  characters ("a\xe3\x80\x80" "b", "a|b");
  words ("", "");
  words ("   \t\n\r ", "");
  characters ("", "");
  characters (" \n ", "");
  check (NULL, AS_TOKENIZER_WORDS, TRUE, "");
  check (NULL, AS_TOKENIZER_CHARACTERS, FALSE, "");
}

static void
test_control_characters (void)
{
  /* neither white space nor punctuation: part of the word */
  words ("a\x01" "b c", "a\x01" "b|c");
  words ("\x07", "\x07");
  characters ("a\x01", "a|\x01");
}

static void
test_invalid_utf8 (void)
{
  /* each invalid byte becomes U+FFFD, a symbol (So): a token of its own */
  words ("a\xff" "b", "a|\xef\xbf\xbd|b");
  words ("caf\xc3", "caf|\xef\xbf\xbd");         /* cut in the middle of a character */
  words ("\xc0\xaf", "\xef\xbf\xbd|\xef\xbf\xbd");  /* overlong '/' */
  words ("\xed\xa0\x80", "\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd");  /* a surrogate */
  characters ("a\xfe" "b", "a|\xef\xbf\xbd|b");
}

static void
test_emoji (void)
{
  words ("hi😀!", "hi|😀|!");
  words ("I ❤️ you", "i|❤|\xef\xb8\x8f|you");     /* the variation selector (Mn) is a word of its own */
  words ("👍🏽", "👍|🏽");                        /* the skin tone is a modifier symbol (Sk) */
  words ("👨\xe2\x80\x8d👩", "👨|\xe2\x80\x8d|👩");  /* ZWJ (Cf) */
  words ("🇫🇷", "🇫|🇷");                         /* a flag is two regional indicators, each So */
  characters ("a😀b", "a|😀|b");
  characters ("👍🏽", "👍|🏽");
}

static void
test_right_to_left (void)
{
  words ("שלום עולם!", "שלום|עולם|!");
  words ("مرحبا، عالم؟", "مرحبا|،|عالم|؟");
  words ("שָׁלוֹם", "שָׁלוֹם");                  /* points (Mn) stay in the word */
  words ("\xe2\x80\x8fשלום\xe2\x80\x8e", "\xe2\x80\x8fשלום\xe2\x80\x8e");  /* RLM/LRM are Cf */
  characters ("שלום", "ש|ל|ו|ם");
}

static void
test_combining_marks (void)
{
  words ("e\xcc\x81t\xc3\xa9", "e\xcc\x81t\xc3\xa9");
  characters ("e\xcc\x81", "e|\xcc\x81");         /* a token per character, not per grapheme */
}

static void
test_characters_lowercase (void)
{
  characters ("AbC", "A|b|C");
  check ("AbC", AS_TOKENIZER_CHARACTERS, TRUE, "a|b|c");
  check ("İ", AS_TOKENIZER_CHARACTERS, TRUE, "i|\xcc\x87");
}

static void
test_long_input (void)
{
  GString *s = g_string_new (NULL);
  g_auto (GStrv) tokens = NULL;

  for (int i = 0; i < 20000; i++)
    g_string_append (s, "Word, ");
  tokens = as_tokenize (s->str, AS_TOKENIZER_WORDS, TRUE);
  g_assert_cmpuint (g_strv_length (tokens), ==, 40000);
  g_assert_cmpstr (tokens[39998], ==, "word");
  g_assert_cmpstr (tokens[39999], ==, ",");
  g_string_free (s, TRUE);

  {
    g_autofree char *word = g_strnfill (100000, 'X');
    g_auto (GStrv) one = as_tokenize (word, AS_TOKENIZER_WORDS, TRUE);
    g_assert_cmpuint (g_strv_length (one), ==, 1);
    g_assert_cmpuint (strlen (one[0]), ==, 100000);
    g_assert_cmpint (one[0][99999], ==, 'x');
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tokenizer/type-names", test_type_names);
  g_test_add_func ("/tokenizer/document-examples", test_words_document_examples);
  g_test_add_func ("/tokenizer/words/punctuation", test_words_punctuation);
  g_test_add_func ("/tokenizer/words/apostrophes", test_words_apostrophes);
  g_test_add_func ("/tokenizer/words/lowercase", test_words_lowercase);
  g_test_add_func ("/tokenizer/words/final-sigma", test_words_final_sigma);
  g_test_add_func ("/tokenizer/words/lowercase-in-any-locale", test_words_lowercase_any_locale);
  g_test_add_func ("/tokenizer/cjk", test_words_cjk);
  g_test_add_func ("/tokenizer/white-space", test_white_space);
  g_test_add_func ("/tokenizer/control-characters", test_control_characters);
  g_test_add_func ("/tokenizer/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/tokenizer/emoji", test_emoji);
  g_test_add_func ("/tokenizer/right-to-left", test_right_to_left);
  g_test_add_func ("/tokenizer/combining-marks", test_combining_marks);
  g_test_add_func ("/tokenizer/characters/lowercase", test_characters_lowercase);
  g_test_add_func ("/tokenizer/long-input", test_long_input);

  return g_test_run ();
}
