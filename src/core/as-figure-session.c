/* The adapter from a session to the figure (see as-figure-session.h): the
 * only code that reads a session for the figure.
 *
 *   kind           rows                       columns
 *   cross          decoder steps              source tokens
 *   decoder-self   decoder steps              the tokens fed in, one per step
 *   encoder-self   source tokens              source tokens
 *
 * A decoder step is labelled with the token that came out, after the token
 * fed in, with the model's probability of it; a source token is labelled as
 * typed, marked when the model does not know it. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "as-error.h"
#include "as-figure-session.h"

/* What a decoder step is: "Step 2 of 3: fed in 我, came out 饿, probability 0.800". */
static const AsFigureAxisWords step_words = {
  .noun = N_("decoder step"),
  .short_noun = N_("step"),
  .name = N_("Target"),
  /* Translators: a decoder step's input token: "fed in 我, came out 饿" */
  .input_name = N_("fed in"),
  /* Translators: a decoder step's output token: "fed in 我, came out 饿" */
  .output_name = N_("came out"),
  .value_name = N_("probability"),
  /* Translators: how to read the heatmap's rows, after "rows: " */
  .legend = N_("token fed in → token that came out"),
};

/* "Source: hungry", "Source token 3 of 4: hungry". */
static const AsFigureAxisWords source_words = {
  .noun = N_("source token"),
  .name = N_("Source"),
};

/* "Target token 2 of 3: 我". */
static const AsFigureAxisWords target_words = {
  .noun = N_("target token"),
};

const AsFigureAxisWords *
as_figure_session_get_row_words (AsAttentionKind kind)
{
  g_return_val_if_fail ((guint) kind < AS_N_ATTENTION_KINDS, NULL);
  return kind == AS_ATTENTION_ENCODER_SELF ? &source_words : &step_words;
}

const AsFigureAxisWords *
as_figure_session_get_column_words (AsAttentionKind kind)
{
  g_return_val_if_fail ((guint) kind < AS_N_ATTENTION_KINDS, NULL);
  return kind == AS_ATTENTION_DECODER_SELF ? &target_words : &source_words;
}

/* The decoder's steps: "input → output", the probability, chosen or not. */
static AsFigureAxis *
step_axis (AsSession       *session,
           AsAttentionKind  kind,
           guint            n)
{
  AsFigureAxis *axis = as_figure_axis_new (n, as_figure_session_get_row_words (kind));
  const AsVocab *target = as_model_get_target (as_session_get_model (session));

  for (guint t = 0; t < n; t++)
    {
      const AsStep *step = as_session_get_step (session, t);

      as_figure_axis_set_input (axis, t, as_session_get_target_token (session, step->input));
      as_figure_axis_set_label (axis, t, as_session_get_target_token (session, step->output));
      as_figure_axis_set_value (axis, t, step->prob);
      as_figure_axis_set_marks (axis, t, (step->chosen ? AS_FIGURE_MARK_CHOSEN : AS_FIGURE_MARK_NONE) |
                                         /* a word of one's own translation the target side lacks */
                                         (step->chosen && step->output == target->unknown ? AS_FIGURE_MARK_UNKNOWN
                                                                                           : AS_FIGURE_MARK_NONE));
    }

  return axis;
}

/* The source tokens as typed, those the model does not know marked. */
static AsFigureAxis *
source_axis (AsSession                *session,
             const AsFigureAxisWords  *words,
             guint                     n)
{
  AsFigureAxis *axis = as_figure_axis_new (n, words);

  for (guint i = 0; i < n; i++)
    {
      as_figure_axis_set_label (axis, i, as_session_get_source_text (session, i));
      if (as_session_source_is_unknown (session, i))
        as_figure_axis_set_marks (axis, i, AS_FIGURE_MARK_UNKNOWN);
    }

  return axis;
}

/* The tokens fed in to the decoder, one per step. */
static AsFigureAxis *
fed_in_axis (AsSession       *session,
             AsAttentionKind  kind,
             guint            n)
{
  AsFigureAxis *axis = as_figure_axis_new (n, as_figure_session_get_column_words (kind));

  for (guint t = 0; t < n; t++)
    as_figure_axis_set_label (axis, t, as_session_get_target_token (session, as_session_get_step (session, t)->input));

  return axis;
}

/* How many rows and columns attention of @kind has in the figure: every
 * step so far (decoder self-attention: over the tokens fed in so far). */
static void
matrix_shape (AsSession         *session,
              const AsAttention *attention,
              AsAttentionKind    kind,
              guint             *n_rows,
              guint             *n_columns)
{
  guint n_steps = as_session_get_n_steps (session);
  guint n_source = as_session_get_n_source (session);

  switch (kind)
    {
    case AS_ATTENTION_DECODER_SELF:
      *n_rows = MIN (n_steps, as_attention_get_n_rows (attention));
      *n_columns = MIN (*n_rows, as_attention_get_n_columns (attention));
      break;
    case AS_ATTENTION_ENCODER_SELF:
      *n_rows = MIN (n_source, as_attention_get_n_rows (attention));
      *n_columns = MIN (n_source, as_attention_get_n_columns (attention));
      break;
    case AS_ATTENTION_CROSS:
    default:
      *n_rows = MIN (n_steps, as_attention_get_n_rows (attention));
      *n_columns = MIN (n_source, as_attention_get_n_columns (attention));
      break;
    }
}

/* Rows 0..@n_rows-1 of @layer and @head, their first @n_columns weights,
 * into @out (@n_rows, @n_columns). */
static void
copy_matrix (const AsAttention *attention,
             guint              layer,
             int                head,
             guint              n_rows,
             guint              n_columns,
             float             *out)
{
  g_autofree float *row = g_new (float, MAX (as_attention_get_n_columns (attention), 1));

  for (guint r = 0; r < n_rows; r++)
    {
      as_attention_copy_row (attention, layer, head, r, row);
      memcpy (out + (gsize) r * n_columns, row, sizeof (float) * n_columns);
    }
}

/* Where a row attends over fewer columns than the figure has (decoder
 * self-attention: step t over the t + 1 tokens fed in so far), the rest of
 * it is masked. */
static void
set_row_lengths (AsFigure          *self,
                 const AsAttention *attention)
{
  guint n_rows = as_figure_get_n_rows (self);
  g_autofree guint *lengths = g_new (guint, MAX (n_rows, 1));

  for (guint r = 0; r < n_rows; r++)
    lengths[r] = as_attention_get_row_length (attention, r);
  as_figure_set_row_lengths (self, lengths);
}

static void
set_axes (AsFigure        *self,
          AsSession       *session,
          AsAttentionKind  kind,
          guint            n_rows,
          guint            n_columns)
{
  g_autoptr (AsFigureAxis) rows = NULL;
  g_autoptr (AsFigureAxis) columns = NULL;

  if (kind == AS_ATTENTION_ENCODER_SELF)
    rows = source_axis (session, as_figure_session_get_row_words (kind), n_rows);
  else
    rows = step_axis (session, kind, n_rows);

  if (kind == AS_ATTENTION_DECODER_SELF)
    columns = fed_in_axis (session, kind, n_columns);
  else
    columns = source_axis (session, as_figure_session_get_column_words (kind), n_columns);

  as_figure_set_axes (self, rows, columns);
  /* rows are source tokens for the encoder's self-attention, else target
   * tokens (steps); columns are target tokens for the decoder's own */
  {
    const AsModel *model = as_session_get_model (session);
    const char *source = as_model_get_source_language (model);
    const char *target = as_model_get_target_language (model);

    as_figure_set_languages (self, kind == AS_ATTENTION_ENCODER_SELF ? source : target,
                             kind == AS_ATTENTION_DECODER_SELF ? target : source);
    as_figure_set_text_languages (self, source, target);
  }
}

static void
set_text (AsFigure  *self,
          AsSession *session)
{
  g_autofree char *translation = session != NULL ? as_session_get_translation (session) : NULL;

  as_figure_set_text (self, session != NULL ? as_session_get_sentence (session) : NULL, translation);
}

/* What is shown, where the model has more than one layer or head: "Cross-
 * attention · layer 1 (of 0–1) · mean of 2 heads" (layers and heads counted
 * from 0, as the window, the command line and the panels' captions count
 * them), "Encoder self-attention · all 2 layers × 2 heads" for the grid;
 * nothing where it has one of each (the figure reads as it always has). */
static void
set_subject (AsFigure          *self,
             const AsAttention *attention,
             gboolean           grid,
             guint              layer,
             int                head)
{
  guint n_layers = as_attention_get_n_layers (attention);
  guint n_heads = as_attention_get_n_heads (attention);
  GString *subject;

  if (n_layers <= 1 && n_heads <= 1)
    {
      as_figure_set_subject (self, NULL);
      return;
    }

  subject = g_string_new (as_attention_kind_get_title (as_attention_get_kind (attention)));
  if (grid)
    {
      if (n_layers > 1)
        /* Translators: after the kind of attention, the grid of all layers and heads:
         * "Cross-attention · all 2 layers × 4 heads" */
        g_string_append_printf (subject, g_dngettext (GETTEXT_PACKAGE, " · all %u layer", " · all %u layers",
                                                      n_layers), n_layers);
      else
        g_string_append (subject, _(" · 1 layer"));
      /* Translators: after " · all 2 layers": "Cross-attention · all 2 layers × 4 heads" */
      g_string_append_printf (subject, g_dngettext (GETTEXT_PACKAGE, " × %u head", " × %u heads", n_heads), n_heads);
    }
  else
    {
      if (n_layers > 1)
        /* Translators: the layer shown, and the last layer (counted from 0):
         * "Cross-attention · layer 1 (of 0–1)" */
        g_string_append_printf (subject, _(" · layer %u (of 0–%u)"), layer, n_layers - 1);
      if (n_heads > 1 && head == AS_ATTENTION_MEAN)
        /* Translators: "Cross-attention · layer 1 (of 0–1) · mean of 4 heads" */
        g_string_append_printf (subject, g_dngettext (GETTEXT_PACKAGE, " · mean of %u head", " · mean of %u heads",
                                                      n_heads), n_heads);
      else if (n_heads > 1)
        /* Translators: the head shown, and the last head (counted from 0):
         * "Cross-attention · layer 1 (of 0–1) · head 2 (of 0–3)" */
        g_string_append_printf (subject, _(" · head %d (of 0–%u)"), head, n_heads - 1);
    }

  as_figure_set_subject (self, subject->str);
  g_string_free (subject, TRUE);
}

/* The attention of @kind, @layer and @head, or NULL with @error set. */
static const AsAttention *
find_attention (AsSession        *session,
                AsAttentionKind   kind,
                guint             layer,
                int               head,
                GError          **error)
{
  const AsAttention *attention;

  if ((guint) kind >= AS_N_ATTENTION_KINDS)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, _("There is no attention of kind %d"), (int) kind);
      return NULL;
    }
  attention = as_session_get_attention (session, kind);
  if (attention == NULL)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, _("This model has no %s attention"),
                   as_attention_kind_get_name (kind));
      return NULL;
    }
  if (layer >= as_attention_get_n_layers (attention))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, _("This model's %s attention has %u layers; there is no layer %u"),
                   as_attention_kind_get_name (kind), as_attention_get_n_layers (attention), layer);
      return NULL;
    }
  if (head != AS_ATTENTION_MEAN && (head < 0 || (guint) head >= as_attention_get_n_heads (attention)))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, _("This model's %s attention has %u heads; there is no head %d"),
                   as_attention_kind_get_name (kind), as_attention_get_n_heads (attention), head);
      return NULL;
    }

  return attention;
}

gboolean
as_figure_set_session_attention (AsFigure         *self,
                                 AsSession        *session,
                                 AsAttentionKind   kind,
                                 guint             layer,
                                 int               head,
                                 GError          **error)
{
  const AsAttention *attention;
  g_autofree float *weights = NULL;
  guint n_rows, n_columns;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (session == NULL)
    {
      as_figure_set_matrix (self, 0, 0, NULL);
      as_figure_set_text (self, NULL, NULL);
      as_figure_set_subject (self, NULL);
      return TRUE;
    }

  attention = find_attention (session, kind, layer, head, error);
  if (attention == NULL)
    return FALSE;

  matrix_shape (session, attention, kind, &n_rows, &n_columns);
  weights = g_new0 (float, (gsize) MAX (n_rows, 1) * MAX (n_columns, 1));
  copy_matrix (attention, layer, head, n_rows, n_columns, weights);

  as_figure_set_matrix (self, n_rows, n_columns, weights);
  set_row_lengths (self, attention);
  set_axes (self, session, kind, as_figure_get_n_rows (self), n_columns);
  set_text (self, session);
  set_subject (self, attention, FALSE, layer, head);

  return TRUE;
}

gboolean
as_figure_set_session_grid (AsFigure         *self,
                            AsSession        *session,
                            AsAttentionKind   kind,
                            GError          **error)
{
  const AsAttention *attention;
  g_autofree float *weights = NULL;
  guint n_layers, n_heads, n_rows, n_columns;
  gsize panel_size;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (session == NULL)
    return as_figure_set_session_attention (self, NULL, kind, 0, 0, error);

  attention = find_attention (session, kind, 0, 0, error);
  if (attention == NULL)
    return FALSE;

  n_layers = as_attention_get_n_layers (attention);
  n_heads = as_attention_get_n_heads (attention);
  matrix_shape (session, attention, kind, &n_rows, &n_columns);
  panel_size = (gsize) n_rows * n_columns;
  weights = g_new0 (float, MAX (panel_size * n_layers * n_heads, 1));
  for (guint l = 0; l < n_layers; l++)
    for (guint h = 0; h < n_heads; h++)
      copy_matrix (attention, l, (int) h, n_rows, n_columns, weights + ((gsize) l * n_heads + h) * panel_size);

  as_figure_set_panels (self, n_layers, n_heads, n_rows, n_columns, weights);
  set_row_lengths (self, attention);
  set_axes (self, session, kind, as_figure_get_n_rows (self), n_columns);
  set_text (self, session);
  set_subject (self, attention, TRUE, 0, 0);

  return TRUE;
}

void
as_figure_set_session (AsFigure  *self,
                       AsSession *session)
{
  g_return_if_fail (self != NULL);

  guint n_layers = 1, n_heads;

  if (session != NULL)
    as_model_get_attention_shape (as_session_get_model (session), AS_ATTENTION_CROSS, &n_layers, &n_heads);
  if (!as_figure_set_session_attention (self, session, AS_ATTENTION_CROSS, MAX (n_layers, 1) - 1, AS_ATTENTION_MEAN, NULL))
    {
      as_figure_set_matrix (self, 0, 0, NULL);
      set_text (self, session);
      as_figure_set_subject (self, NULL);
    }
}
