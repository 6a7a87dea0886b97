/* libFuzzer target: any bytes as a sentence, for both tokenizers with and
 * without lower-casing, and through a session of tiny-hello.
 *
 * Every token is non-empty valid UTF-8 without white space in it (a
 * "characters" token is one character); the tokens of the lower-cased text
 * are those of the text lower-cased again (lower-casing is idempotent); a
 * session either decodes with attention rows that sum to 1 or refuses with
 * one AS_ERROR line. */

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "config.h"

#include "as-error.h"
#include "as-session.h"
#include "as-tokenizer.h"

static AsModel *tiny;

static AsModel *
load_tiny (void)
{
  const char *dir = g_getenv ("ATTNSCOPE_MODELS_DIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : AS_SOURCE_MODELS_DIR, "tiny-hello.json", NULL);
  g_autoptr (GError) error = NULL;
  AsModel *model = as_model_new_from_file (path, &error);

  if (model == NULL)
    g_error ("fuzz-tokenizer needs tiny-hello.json: %s", error->message);
  return model;
}

static void
check_tokens (char            **tokens,
              AsTokenizerType   type)
{
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *t = tokens[i];

      if (*t == '\0' || !g_utf8_validate (t, -1, NULL))
        abort ();
      if (type == AS_TOKENIZER_CHARACTERS && *g_utf8_next_char (t) != '\0')
        abort ();
      for (const char *p = t; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);
          if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000)
            abort ();
        }
    }
}

static void
check_session (const char *sentence)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AsSession) session = as_session_new (tiny, sentence, &error);

  if (session == NULL)
    {
      if (error == NULL || error->domain != AS_ERROR ||
          (error->code != AS_ERROR_EMPTY_INPUT && error->code != AS_ERROR_TOO_LONG))
        abort ();
      return;
    }
  if (!as_session_decode_greedy (session, &error))
    abort ();
  for (guint t = 0; t < as_session_get_n_steps (session); t++)
    {
      const float *attention = as_session_get_cross_attention (session, t);
      double sum = 0.0;

      for (guint i = 0; i < as_session_get_n_source (session); i++)
        sum += attention[i];
      if (!(fabs (sum - 1.0) < 1e-5))
        abort ();
    }
  for (const char * const *w = as_session_get_unknown_words (session); *w != NULL; w++)
    if (!g_utf8_validate (*w, -1, NULL))
      abort ();
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);  /* up to the first NUL */

  if (tiny == NULL)
    tiny = load_tiny ();

  for (int type = 0; type < 2; type++)
    for (int lowercase = 0; lowercase < 2; lowercase++)
      {
        g_auto (GStrv) tokens = as_tokenize (text, type, lowercase);
        check_tokens (tokens, type);
        if (lowercase)
          {
            /* lower-casing twice changes nothing */
            g_autofree char *joined = g_strjoinv (" ", tokens);
            g_auto (GStrv) again = as_tokenize (joined, type, TRUE);
            if (g_strv_length (again) != g_strv_length (tokens))
              abort ();
            for (guint i = 0; tokens[i] != NULL; i++)
              if (strcmp (tokens[i], again[i]) != 0)
                abort ();
          }
      }

  check_session (text);
  return 0;
}
