/* The adapter from a session to the figure: the only code that reads a
 * session for the figure (see as-figure-session.h). */

#include "config.h"

#include <string.h>

#include "as-figure-session.h"

void
as_figure_set_session (AsFigure  *self,
                       AsSession *session)
{
  guint n_columns, n_rows;
  g_autofree float *weights = NULL;
  g_autofree float *probs = NULL;
  g_autofree gboolean *unknown = NULL;
  g_autofree gboolean *chosen = NULL;
  g_autofree const char **columns = NULL;
  g_autofree const char **inputs = NULL;
  g_autofree const char **outputs = NULL;
  g_autofree char *translation = NULL;

  g_return_if_fail (self != NULL);

  if (session == NULL)
    {
      as_figure_set_matrix (self, 0, 0, NULL);
      as_figure_set_text (self, NULL, NULL);
      return;
    }

  n_columns = as_session_get_n_source (session);
  n_rows = as_session_get_n_steps (session);

  weights = g_new0 (float, (gsize) MAX (n_rows, 1) * MAX (n_columns, 1));
  probs = g_new0 (float, MAX (n_rows, 1));
  chosen = g_new0 (gboolean, MAX (n_rows, 1));
  inputs = g_new0 (const char *, n_rows + 1);
  outputs = g_new0 (const char *, n_rows + 1);
  for (guint r = 0; r < n_rows; r++)
    {
      const AsStep *step = as_session_get_step (session, r);

      memcpy (weights + (gsize) r * n_columns, as_session_get_cross_attention (session, r), sizeof (float) * n_columns);
      probs[r] = step->prob;
      chosen[r] = step->chosen;
      inputs[r] = as_session_get_target_token (session, step->input);
      outputs[r] = as_session_get_target_token (session, step->output);
    }

  columns = g_new0 (const char *, n_columns + 1);
  unknown = g_new0 (gboolean, MAX (n_columns, 1));
  for (guint c = 0; c < n_columns; c++)
    {
      columns[c] = as_session_get_source_text (session, c);
      unknown[c] = as_session_source_is_unknown (session, c);
    }

  as_figure_set_matrix (self, n_rows, n_columns, weights);
  as_figure_set_column_labels (self, columns, unknown);
  as_figure_set_row_labels (self, inputs, outputs, probs, chosen);

  translation = as_session_get_translation (session);
  as_figure_set_text (self, as_session_get_sentence (session), translation);
}

