/* Hostile sentences through the library: each gives a session that decodes
 * in every way with attention rows that sum to 1, or one clear error; never
 * a crash or a hang. With tiny-hello as it is, reading characters, and
 * without an unknown token. */

#include <math.h>
#include <string.h>

#include <glib.h>

#include "as-error.h"
#include "as-session.h"

typedef enum { TINY, CHARACTERS, NO_UNKNOWN, N_MODELS } Variant;

static AsModel *models[N_MODELS];

static AsModel *
load_variant (Variant variant)
{
  g_autofree char *path = g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), "tiny-hello.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GString) s = NULL;
  g_autoptr (GError) error = NULL;
  AsModel *model;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  s = g_string_new (text);
  if (variant == CHARACTERS)
    g_assert_cmpuint (g_string_replace (s, "\"type\": \"words\"", "\"type\": \"characters\"", 1), ==, 1);
  else if (variant == NO_UNKNOWN)
    g_assert_cmpuint (g_string_replace (s, "\"unknown\": 2", "\"unknown\": null", 1), ==, 1);
  model = as_model_new_from_data (s->str, s->len, "tiny-hello.json", &error);
  g_assert_no_error (error);
  return model;
}

static void
check_session (AsSession *session)
{
  const guint n_source = as_session_get_n_source (session);
  g_autofree char *translation = as_session_get_translation (session);

  g_assert_true (g_utf8_validate (translation, -1, NULL));
  g_assert_true (g_utf8_validate (as_session_get_sentence (session), -1, NULL));
  for (guint i = 0; i < n_source; i++)
    g_assert_true (g_utf8_validate (as_session_get_source_token (session, i), -1, NULL));
  for (guint t = 0; t < as_session_get_n_steps (session); t++)
    {
      const AsStep *step = as_session_get_step (session, t);
      double sum = 0.0;

      g_assert_true (isfinite (step->prob) && step->prob > 0.0f && step->prob <= 1.0f);
      for (guint i = 0; i < n_source; i++)
        {
          const float *attention = as_session_get_cross_attention (session, t);

          g_assert_true (attention[i] >= 0.0f && attention[i] <= 1.0f);
          sum += attention[i];
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
    }
}

/* Every way of decoding, each checked */
static void
decode_every_way (AsSession *session)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (as_session_decode_greedy (session, &error));
  g_assert_no_error (error);
  check_session (session);
  g_assert_true (as_session_decode_beam (session, 4, &error));
  g_assert_no_error (error);
  check_session (session);
  g_assert_true (as_session_decode_forced (session, "bonjour 😀 monde", &error));
  g_assert_no_error (error);
  check_session (session);
  g_assert_true (as_session_decode_from (session, 1, 5, &error));
  g_assert_no_error (error);
  check_session (session);
  as_session_set_max_length (session, 40);
  g_assert_true (as_session_decode_greedy (session, &error));
  g_assert_no_error (error);
  check_session (session);
}

typedef enum
{
  DECODES,      /* a session that decodes every way */
  EMPTY,        /* AS_ERROR_EMPTY_INPUT */
  TOO_LONG,     /* AS_ERROR_TOO_LONG */
  UNKNOWN,      /* a session whose decoding fails with AS_ERROR_UNKNOWN_WORDS */
} Outcome;

typedef struct
{
  const char *name;
  char       *sentence;
  Outcome     outcome[N_MODELS];   /* tiny-hello, characters, no unknown token */
} Case;

static void
test_case (gconstpointer data)
{
  const Case *c = data;

  for (Variant v = 0; v < N_MODELS; v++)
    {
      const AsVocab *src = as_model_get_source (models[v]);
      g_auto (GStrv) tokens = as_tokenize (c->sentence, src->tokenizer, src->lowercase);
      g_autoptr (GError) error = NULL;
      g_autoptr (AsSession) session = as_session_new (models[v], c->sentence, &error);

      if (c->outcome[v] == EMPTY || c->outcome[v] == TOO_LONG)
        {
          g_assert_null (session);
          g_assert_error (error, AS_ERROR, (int) (c->outcome[v] == EMPTY ? AS_ERROR_EMPTY_INPUT : AS_ERROR_TOO_LONG));
          g_assert_null (strchr (error->message, '\n'));
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (session);
      /* the sentence's tokens and the end token */
      g_assert_cmpuint (as_session_get_n_source (session), ==, g_strv_length (tokens) + 1);
      if (c->outcome[v] == UNKNOWN)
        {
          g_assert_nonnull (as_session_get_unknown_words (session)[0]);
          g_assert_false (as_session_decode_greedy (session, &error));
          g_assert_error (error, AS_ERROR, AS_ERROR_UNKNOWN_WORDS);
          g_assert_true (g_str_has_prefix (error->message, "The model does not know the word"));
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          /* one line, and no control character from the sentence reaches the terminal */
          for (const char *p = error->message; *p != '\0'; p++)
            g_assert_cmpint ((guchar) *p, >=, 0x20);
          continue;
        }
      decode_every_way (session);
    }
}

/* @n different words */
static char *
distinct_words (guint n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "w%x ", i);
  return g_string_free (s, FALSE);
}

static char *
repeat (const char *piece,
        guint       n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (s, piece);
  return g_string_free (s, FALSE);
}

/* The work limit (AS_MAX_ATTENTION_WEIGHTS): 49,999 tokens and their end
 * take 167 steps at most (50,000 x 167 < 2^23 < 50,000 x 168), on every
 * path, each refused before it starts with the limit named. */
static void
check_work_refused (GError  *error,
                    guint64  limit)
{
  g_autofree char *value = g_strdup_printf ("%" G_GUINT64_FORMAT, limit);

  g_assert_error (error, AS_ERROR, AS_ERROR_TOO_LONG);
  g_assert_nonnull (strstr (error->message, "work limit"));
  g_assert_nonnull (strstr (error->message, value));
}

static void
test_work_limit (void)
{
  g_autofree char *sentence = repeat ("!", 49999);
  g_autofree char *forced = repeat ("bonjour ", 999);
  g_autoptr (AsSession) session = as_session_new (models[TINY], sentence, NULL);
  gint64 start = g_get_monotonic_time ();

  g_assert_nonnull (session);
  g_assert_cmpuint (as_session_get_n_source (session), ==, 50000);
  {
    g_autoptr (GError) error = NULL;

    as_session_set_max_length (session, 1000);
    g_assert_false (as_session_decode_greedy (session, &error));
    check_work_refused (error, AS_MAX_ATTENTION_WEIGHTS);
    g_assert_nonnull (strstr (error->message, "at most 167 steps"));
    g_assert_cmpuint (as_session_get_n_steps (session), ==, 0);
  }
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (as_session_decode_forced (session, forced, &error));
    check_work_refused (error, AS_MAX_ATTENTION_WEIGHTS);
  }
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (as_session_decode_from (session, 0, 3, &error));
    check_work_refused (error, AS_MAX_ATTENTION_WEIGHTS);
  }
  {
    g_autoptr (GError) error = NULL;

    /* 4 hypotheses and the replay of 100 steps */
    as_session_set_max_length (session, 100);
    g_assert_false (as_session_decode_beam (session, 4, &error));
    check_work_refused (error, AS_MAX_ATTENTION_WEIGHTS);
  }
  /* refused before any work: well under a second for all four */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);

  /* just inside: 167 steps one at a time, then the 168th is refused */
  as_session_rewind (session, 0);
  for (guint t = 0; t < 167; t++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_true (as_session_step (session, 3, &error));
      g_assert_no_error (error);
    }
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (as_session_step (session, 3, &error));
    check_work_refused (error, AS_MAX_ATTENTION_WEIGHTS);
    g_assert_cmpuint (as_session_get_n_steps (session), ==, 167);
  }
  check_session (session);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  for (Variant v = 0; v < N_MODELS; v++)
    models[v] = load_variant (v);

#define D DECODES
#define U UNKNOWN
  /*                                                                            tiny  chars  no unknown token */
  Case all[] = {
    { "empty",              g_strdup (""),                                       { EMPTY, EMPTY, EMPTY } },
    { "only-spaces",        g_strdup ("     "),                                  { EMPTY, EMPTY, EMPTY } },
    { "only-white-space",   g_strdup ("\t\n\r\v\f \u3000\u00a0\u2028\x1f"),     { EMPTY, EMPTY, EMPTY } },
    { "only-punctuation",   g_strdup ("?!.,;:"),                                 { D, D, U } },
    { "only-bang",          g_strdup ("! ! !"),                                  { D, D, D } },
    { "only-unknown-words", g_strdup ("zebra yak gnu"),                          { D, D, U } },
    { "ten-thousand-words", repeat ("hello world ! zebra ", 2500),              { D, D, U } },
    { "ten-thousand-known", repeat ("hello world ! ", 3334),                    { D, D, D } },
    { "distinct-unknown-words", distinct_words (AS_MAX_SOURCE_TOKENS - 1),  { D, TOO_LONG, U } },
    { "one-long-word",      repeat ("x", 100000),                                { D, TOO_LONG, U } },
    { "longest",            repeat ("!", 49999),                                 { D, D, D } },
    { "too-long",           repeat ("! ", 50000),                                { TOO_LONG, TOO_LONG, TOO_LONG } },
    { "control-characters", g_strdup ("hello\x01 \x1b[31mworld\x7f !\x07"),      { D, D, U } },
    { "invalid-utf8",       g_strdup ("hello \xff\xfe world \xc3"),               { D, D, U } },
    { "emoji",              g_strdup ("hello 😀 world 👍🏽 ! 👨\u200d👩"),          { D, D, U } },
    { "right-to-left",      g_strdup ("שלום world مرحبا، عالم! \u202ehello\u202c"), { D, D, U } },
    { "mixed-scripts",      g_strdup ("Hello мир 世界 ΓΕΙΑ!"),                    { D, D, U } },
  };
#undef D
#undef U

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      g_autofree char *path = g_strconcat ("/hostile/", all[i].name, NULL);
      g_test_add_data_func (path, &all[i], test_case);
    }
  g_test_add_func ("/hostile/work-limit", test_work_limit);
  status = g_test_run ();

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    g_free (all[i].sentence);
  for (Variant v = 0; v < N_MODELS; v++)
    as_model_unref (models[v]);
  return status;
}
