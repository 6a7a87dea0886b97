/* attnscope-cli align [MODEL] PAIRS [--gold GOLD] [--threshold T]
 *
 * Each line of PAIRS is a source sentence, a tab and its target; the target
 * is forced (teacher forcing) and the cross-attention of the layer and head
 * chosen between the two sentences' words becomes one line of Pharaoh links
 * "i-j" (source position i, target position j). Positions count the model's
 * tokens of each side (its tokenizer's words, or characters), from 0,
 * without the start and end tokens, as fast_align and awesome-align count
 * the words of tokenized text: step j is the one whose output is target
 * token j, and the step that puts out the end token is left out. With
 * --gold, the alignments are scored against GOLD's sure (i-j) and possible
 * (i?j) links, one line per pair. */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "as-alignment.h"
#include "as-cli-commands.h"
#include "as-error.h"
#include "as-file-write.h"
#include "as-session.h"

static void
print_score (GString    *out,
             const char *name,
             double      value,
             const char *undefined)
{
  if (isnan (value))
    g_string_append_printf (out, "%s: n/a (%s)\n", name, undefined);
  else
    g_string_append_printf (out, "%s: %.4f\n", name, value);
}

int
as_cli_align (AsModel         *model,
              const char      *pairs_path,
              const char      *gold_path,
              const char      *threshold_text,
              const char      *output,
              AsAttentionKind  kind,
              int              layer,
              int              head)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) pairs = NULL;
  g_autoptr (GPtrArray) gold_lines = NULL;
  g_autoptr (GPtrArray) gold = g_ptr_array_new_with_free_func ((GDestroyNotify) as_alignment_free);
  g_autoptr (GString) alignments = g_string_new (NULL);
  AsAlignmentScore score = { 0 };
  double threshold = -1.0;

  if (kind != AS_ATTENTION_CROSS)
    return as_cli_fail ("align needs cross-attention (--kind cross): %s attention does not join the source "
                 "to the target", as_attention_kind_get_name (kind));
  if (threshold_text != NULL)
    {
      char *end = NULL;

      threshold = g_ascii_strtod (threshold_text, &end);
      if (*threshold_text == '\0' || end == NULL || *end != '\0' || !(threshold >= 0.0 && threshold <= 1.0))
        return as_cli_fail ("--threshold must be a weight from 0 to 1, not “%s”", threshold_text);
    }

  pairs = as_cli_read_lines (pairs_path, &error);
  if (pairs == NULL)
    return as_cli_fail ("%s", error->message);
  if (pairs->len == 0)
    return as_cli_fail ("%s: no pairs (each line: a source sentence, a tab, its target)", pairs_path);

  if (gold_path != NULL)
    {
      gold_lines = as_cli_read_lines (gold_path, &error);
      if (gold_lines == NULL)
        return as_cli_fail ("%s", error->message);
      if (gold_lines->len != pairs->len)
        return as_cli_fail ("%s has %u line%s but %s has %u pair%s: the gold standard needs one line per pair",
                     gold_path, gold_lines->len, gold_lines->len == 1 ? "" : "s",
                     pairs_path, pairs->len, pairs->len == 1 ? "" : "s");
      for (guint n = 0; n < gold_lines->len; n++)
        {
          AsAlignment *a = as_alignment_parse_pharaoh (gold_lines->pdata[n], &error);

          if (a == NULL)
            return as_cli_fail ("%s:%u: %s", gold_path, n + 1, error->message);
          g_ptr_array_add (gold, a);
        }
    }

  for (guint n = 0; n < pairs->len; n++)
    {
      const char *line = pairs->pdata[n];
      const char *tab = strchr (line, '\t');
      g_autofree char *source = NULL;
      g_autoptr (AsSession) session = NULL;
      g_autoptr (AsAlignment) made = NULL;
      g_autofree float *weights = NULL;
      g_autofree char *text = NULL;
      guint n_target, n_source;

      {
        g_autofree char *copy = g_strdup (line);

        if (g_strstrip (copy)[0] == '\0')
          return as_cli_fail ("%s:%u: the line is empty (expected a source sentence, a tab, its target)",
                       pairs_path, n + 1);
      }
      if (tab == NULL)
        return as_cli_fail ("%s:%u: no tab between the source sentence and its target", pairs_path, n + 1);
      if (strchr (tab + 1, '\t') != NULL)
        return as_cli_fail ("%s:%u: more than one tab (expected a source sentence, a tab, its target)", pairs_path, n + 1);
      source = g_strndup (line, tab - line);
      {
        g_autofree char *target = g_strdup (tab + 1);

        if (g_strstrip (target)[0] == '\0')
          return as_cli_fail ("%s:%u: the target after the tab is empty", pairs_path, n + 1);
      }

      session = as_session_new (model, source, &error);
      if (session == NULL)
        return as_cli_fail ("%s:%u: the source: %s", pairs_path, n + 1, error->message);
      if (!as_session_decode_forced (session, tab + 1, &error))
        return as_cli_fail ("%s:%u: the target: %s", pairs_path, n + 1, error->message);
      if (!as_alignment_session_matrix (session, (guint) layer, head, &weights, &n_target, &n_source, NULL, &error))
        return as_cli_fail ("%s:%u: %s", pairs_path, n + 1, error->message);
      made = as_alignment_from_matrix (weights, n_target, n_source, threshold);
      text = as_alignment_to_pharaoh (made);
      g_string_append_printf (alignments, "%s\n", text);

      if (gold_path != NULL)
        {
          const AsAlignment *g = gold->pdata[n];
          guint gold_source, gold_target;

          as_alignment_get_extent (g, &gold_source, &gold_target);
          if (gold_source > n_source || gold_target > n_target)
            {
              for (guint k = 0; k < as_alignment_get_n_links (g); k++)
                {
                  guint i, j;
                  gboolean sure;

                  as_alignment_get_link (g, k, &i, &j, &sure);
                  if (i >= n_source || j >= n_target)
                    return as_cli_fail ("%s:%u: link %u%c%u is out of range: pair %u has %u source and %u target "
                                 "tokens (positions from 0, as the model tokenizes them)",
                                 gold_path, n + 1, i, sure ? '-' : '?', j, n + 1, n_source, n_target);
                }
            }
          as_alignment_score_add (&score, made, g);
        }
    }

  if (output != NULL &&
      !as_file_write_atomically (output, (const guint8 *) alignments->str, alignments->len, &error))
    return as_cli_fail ("%s", error->message);

  if (gold_path != NULL)
    {
      g_autoptr (GString) out = g_string_new (NULL);

      print_score (out, "precision", as_alignment_score_precision (&score), "no links were made");
      print_score (out, "recall", as_alignment_score_recall (&score), "the gold standard has no sure links");
      print_score (out, "AER", as_alignment_score_aer (&score), "no links made nor sure");
      fputs (out->str, stdout);
    }
  else if (output == NULL)
    fputs (alignments->str, stdout);
  return EXIT_SUCCESS;
}
