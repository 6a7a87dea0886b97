/* Word alignments (as-alignment.h): links from a matrix by arg-max and by
 * threshold, the Pharaoh text both ways, its errors, and precision, recall
 * and AER against values computed by hand from Och and Ney's (2003)
 * definitions; the session's words as alignments count them. */

#include <math.h>
#include <string.h>

#include <glib.h>

#include "as-alignment.h"
#include "as-error.h"
#include "as-session.h"

static AsAlignment *
parse (const char *line)
{
  g_autoptr (GError) error = NULL;
  AsAlignment *a = as_alignment_parse_pharaoh (line, &error);

  g_assert_no_error (error);
  g_assert_nonnull (a);
  return a;
}

static void
assert_pharaoh (const AsAlignment *a,
                const char        *expected)
{
  g_autofree char *text = as_alignment_to_pharaoh (a);

  g_assert_cmpstr (text, ==, expected);
}

/* Rows are target positions, columns source positions. */
static const float matrix[3 * 4] = {
  0.10f, 0.60f, 0.20f, 0.10f,   /* target 0: source 1 */
  0.40f, 0.40f, 0.10f, 0.10f,   /* target 1: a tie, the first (source 0) */
  0.05f, 0.05f, 0.30f, 0.60f,   /* target 2: source 3 */
};

static void
test_argmax (void)
{
  g_autoptr (AsAlignment) a = as_alignment_from_matrix (matrix, 3, 4, -1.0);

  /* sorted by source, then target: (0,1) (1,0) (3,2) */
  assert_pharaoh (a, "0-1 1-0 3-2");
  g_assert_cmpuint (as_alignment_get_n_links (a), ==, 3);
}

static void
test_threshold (void)
{
  g_autoptr (AsAlignment) a = as_alignment_from_matrix (matrix, 3, 4, 0.4);
  g_autoptr (AsAlignment) high = as_alignment_from_matrix (matrix, 3, 4, 0.61);
  g_autoptr (AsAlignment) low = as_alignment_from_matrix (matrix, 3, 4, 0.3);

  /* >= 0.4: target 0 -> 1; target 1 -> 0 and 1; target 2 -> 3 */
  assert_pharaoh (a, "0-1 1-0 1-1 3-2");
  /* nothing reaches 0.61 */
  assert_pharaoh (high, "");
  /* >= 0.3 adds 2-2 */
  assert_pharaoh (low, "0-1 1-0 1-1 2-2 3-2");
}

static void
test_parse (void)
{
  g_autoptr (AsAlignment) a = parse ("3-3\t1?1 0-0  1-2 2?0 1?2\r\n");
  g_autoptr (AsAlignment) empty = parse ("  ");
  gboolean sure = FALSE;
  guint n_source, n_target;

  /* sorted; 1-2 given both ways stays sure */
  assert_pharaoh (a, "0-0 1?1 1-2 2?0 3-3");
  g_assert_true (as_alignment_has_link (a, 1, 2, &sure));
  g_assert_true (sure);
  g_assert_true (as_alignment_has_link (a, 2, 0, &sure));
  g_assert_false (sure);
  g_assert_false (as_alignment_has_link (a, 0, 2, NULL));
  as_alignment_get_extent (a, &n_source, &n_target);
  g_assert_cmpuint (n_source, ==, 4);
  g_assert_cmpuint (n_target, ==, 4);
  g_assert_cmpuint (as_alignment_get_n_links (empty), ==, 0);
}

static void
test_parse_errors (void)
{
  static const struct
  {
    const char *line;
    const char *message;
  } cases[] = {
    { "0-1 x-2", "link 2 “x-2” is not i-j" },
    { "0-", "link 1 “0-” is not i-j" },
    { "1:2", "link 1 “1:2”" },
    { "0-1-2", "link 1 “0-1-2”" },
    { "0-1 -1-2", "link 2 “-1-2”" },
    { "0-1 1?", "link 2 “1?”" },
    { "0-1 12345678901-0", "link 2" },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AsAlignment) a = as_alignment_parse_pharaoh (cases[k].line, &error);

      g_assert_null (a);
      g_assert_error (error, AS_ERROR, AS_ERROR_FORMAT);
      if (strstr (error->message, cases[k].message) == NULL)
        g_error ("“%s”: “%s” does not say “%s”", cases[k].line, error->message, cases[k].message);
    }
}

static void
test_score (void)
{
  /* Sentence 1. Gold: S = {0-0, 1-2, 3-3} (3 sure), P = S ∪ {1-1, 2-0} (5).
   * Made: A = {0-0, 1-1, 2-2, 3-3} (4).
   * A ∩ S = {0-0, 3-3} = 2, A ∩ P = {0-0, 1-1, 3-3} = 3.
   * precision = 3/4 = 0.75, recall = 2/3, AER = 1 - (2 + 3)/(4 + 3) = 2/7. */
  g_autoptr (AsAlignment) gold1 = parse ("0-0 1?1 1-2 2?0 3-3");
  g_autoptr (AsAlignment) made1 = parse ("0-0 1-1 2-2 3-3");
  /* Sentence 2. Gold: S = P = {0-1, 1-0}. Made: A = {0-1, 1-1}.
   * A ∩ S = A ∩ P = {0-1} = 1: precision 1/2, recall 1/2, AER 1 - 2/4 = 1/2. */
  g_autoptr (AsAlignment) gold2 = parse ("0-1 1-0");
  g_autoptr (AsAlignment) made2 = parse ("0-1 1-1");
  AsAlignmentScore one = { 0 }, corpus = { 0 }, none = { 0 };

  as_alignment_score_add (&one, made1, gold1);
  g_assert_cmpfloat_with_epsilon (as_alignment_score_precision (&one), 0.75, 1e-12);
  g_assert_cmpfloat_with_epsilon (as_alignment_score_recall (&one), 2.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (as_alignment_score_aer (&one), 2.0 / 7.0, 1e-12);

  /* The corpus sums the counts: |A| = 6, |S| = 5, |A ∩ S| = 3, |A ∩ P| = 4:
   * precision 4/6, recall 3/5, AER 1 - 7/11 = 4/11 (not the mean of the
   * sentences' AERs, (2/7 + 1/2)/2 = 0.393). */
  as_alignment_score_add (&corpus, made1, gold1);
  as_alignment_score_add (&corpus, made2, gold2);
  g_assert_cmpuint (corpus.n_predicted, ==, 6);
  g_assert_cmpuint (corpus.n_sure, ==, 5);
  g_assert_cmpuint (corpus.n_predicted_sure, ==, 3);
  g_assert_cmpuint (corpus.n_predicted_possible, ==, 4);
  g_assert_cmpfloat_with_epsilon (as_alignment_score_precision (&corpus), 4.0 / 6.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (as_alignment_score_recall (&corpus), 3.0 / 5.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (as_alignment_score_aer (&corpus), 4.0 / 11.0, 1e-12);

  /* a perfect alignment of the sure links: AER 0 */
  {
    g_autoptr (AsAlignment) sure_only = parse ("0-0 1-2 3-3");
    AsAlignmentScore perfect = { 0 };

    as_alignment_score_add (&perfect, sure_only, gold1);
    g_assert_cmpfloat (as_alignment_score_aer (&perfect), ==, 0.0);
    g_assert_cmpfloat (as_alignment_score_precision (&perfect), ==, 1.0);
    g_assert_cmpfloat (as_alignment_score_recall (&perfect), ==, 1.0);
  }

  /* nothing to divide by */
  g_assert_true (isnan (as_alignment_score_precision (&none)));
  g_assert_true (isnan (as_alignment_score_recall (&none)));
  g_assert_true (isnan (as_alignment_score_aer (&none)));
}

/* The session's words: tiny-hello's source is "hello world EOS" (no start
 * token), the forced target "bonjour monde" then EOS; the matrix is the
 * cross-attention without the EOS column and the EOS step. */
static void
test_session_matrix (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), "tiny-hello.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) model = as_model_new_from_file (path, &error);
  g_autoptr (AsSession) session = NULL;
  g_autofree float *weights = NULL;
  guint n_target, n_source, first;

  g_assert_no_error (error);
  session = as_session_new (model, "hello world", &error);
  g_assert_no_error (error);
  g_assert_true (as_session_decode_forced (session, "bonjour monde", &error));
  g_assert_cmpuint (as_session_get_n_source (session), ==, 3);
  g_assert_cmpuint (as_session_get_n_steps (session), ==, 3);

  g_assert_true (as_alignment_session_matrix (session, 0, AS_ATTENTION_MEAN, &weights, &n_target, &n_source,
                                              &first, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_target, ==, 2);
  g_assert_cmpuint (n_source, ==, 2);
  g_assert_cmpuint (first, ==, 0);
  for (guint j = 0; j < 2; j++)
    for (guint i = 0; i < 2; i++)
      g_assert_cmpfloat (weights[j * 2 + i], ==, as_session_get_cross_attention (session, j)[i]);

  /* a head the model does not have */
  g_clear_pointer (&weights, g_free);
  g_assert_false (as_alignment_session_matrix (session, 0, 1, &weights, &n_target, &n_source, NULL, &error));
  g_assert_error (error, AS_ERROR, AS_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/alignment/argmax", test_argmax);
  g_test_add_func ("/alignment/threshold", test_threshold);
  g_test_add_func ("/alignment/parse", test_parse);
  g_test_add_func ("/alignment/parse-errors", test_parse_errors);
  g_test_add_func ("/alignment/score", test_score);
  g_test_add_func ("/alignment/session-matrix", test_session_matrix);

  return g_test_run ();
}
