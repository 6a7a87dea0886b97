/* The session as `translate --json`'s object (see as-json-session.h),
 * appended piece by piece. Strings are escaped and numbers formatted as
 * json-glib 1.6's generator does, so that the text parses to the same
 * values as the command line's. */

#include "config.h"

#include <string.h>

#include "as-json-session.h"

static void
append_string (GString    *out,
               const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    switch (*p)
      {
      case '"':
        g_string_append (out, "\\\"");
        break;
      case '\\':
        g_string_append (out, "\\\\");
        break;
      case '\b':
        g_string_append (out, "\\b");
        break;
      case '\f':
        g_string_append (out, "\\f");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\r':
        g_string_append (out, "\\r");
        break;
      case '\t':
        g_string_append (out, "\\t");
        break;
      default:
        if ((guchar) *p < 0x20)
          g_string_append_printf (out, "\\u%04x", (guint) (guchar) *p);
        else
          g_string_append_c (out, *p);
        break;
      }
  g_string_append_c (out, '"');
}

static void
append_double (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (buffer, sizeof buffer, value);
  g_string_append (out, buffer);
  /* as json-glib: a double never reads as an integer */
  if (strchr (buffer, '.') == NULL)
    g_string_append (out, ".0");
}

static void
append_member (GString    *out,
               const char *name)
{
  if (out->len > 0 && out->str[out->len - 1] != '{')
    g_string_append_c (out, ',');
  append_string (out, name);
  g_string_append_c (out, ':');
}

static void
append_floats (GString     *out,
               const float *values,
               guint        n)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_double (out, values[i]);
    }
  g_string_append_c (out, ']');
}

/* Decoder self-attention as a square (a column per step), the others whole. */
static guint
row_length (const AsAttention *a,
            guint              row)
{
  if (as_attention_get_kind (a) == AS_ATTENTION_DECODER_SELF)
    return as_attention_get_n_rows (a);
  return as_attention_get_row_length (a, row);
}

void
as_json_append_session (GString         *out,
                        AsSession       *session,
                        AsAttentionKind  kind,
                        guint            layer,
                        int              head,
                        guint            top)
{
  AsModel *model = as_session_get_model (session);
  guint n_source = as_session_get_n_source (session);
  guint n_steps = as_session_get_n_steps (session);
  g_autofree char *translation = as_session_get_translation (session);
  GString *object = out;

  g_string_append_c (object, '{');

  append_member (object, "architecture");
  append_string (object, as_model_get_architecture_name (model));

  append_member (object, "source_tokens");
  g_string_append_c (object, '[');
  for (guint i = 0; i < n_source; i++)
    {
      if (i > 0)
        g_string_append_c (object, ',');
      append_string (object, as_session_get_source_token (session, i));
    }
  g_string_append_c (object, ']');

  append_member (object, "unknown_words");
  g_string_append_c (object, '[');
  for (const char * const *w = as_session_get_unknown_words (session); *w != NULL; w++)
    {
      if (w != as_session_get_unknown_words (session))
        g_string_append_c (object, ',');
      append_string (object, *w);
    }
  g_string_append_c (object, ']');

  append_member (object, "target_tokens");
  g_string_append_c (object, '[');
  for (guint t = 0; t < n_steps; t++)
    {
      if (t > 0)
        g_string_append_c (object, ',');
      append_string (object, as_session_get_target_token (session, as_session_get_step (session, t)->output));
    }
  g_string_append_c (object, ']');

  append_member (object, "translation");
  append_string (object, translation);

  append_member (object, "steps");
  g_string_append_c (object, '[');
  for (guint t = 0; t < n_steps; t++)
    {
      const AsStep *step = as_session_get_step (session, t);

      g_string_append (object, t > 0 ? ",{" : "{");
      append_member (object, "input");
      append_string (object, as_session_get_target_token (session, step->input));
      append_member (object, "output");
      append_string (object, as_session_get_target_token (session, step->output));
      append_member (object, "prob");
      append_double (object, step->prob);
      append_member (object, "logprob");
      append_double (object, step->logprob);
      append_member (object, "top");
      g_string_append_c (object, '[');
      for (guint k = 0; k < MIN (top, step->n_top); k++)
        {
          g_string_append (object, k > 0 ? ",{" : "{");
          append_member (object, "token");
          append_string (object, as_session_get_target_token (session, step->top_ids[k]));
          append_member (object, "prob");
          append_double (object, step->top_probs[k]);
          g_string_append_c (object, '}');
        }
      g_string_append (object, "]}");
    }
  g_string_append_c (object, ']');

  {
    const AsAttention *shown = as_session_get_attention (session, kind);

    append_member (object, "attention");
    g_string_append_c (object, '[');
    if (shown != NULL)
      {
        g_autofree float *row = g_new (float, as_attention_get_n_columns (shown));

        for (guint r = 0; r < as_attention_get_n_rows (shown); r++)
          {
            if (r > 0)
              g_string_append_c (object, ',');
            as_attention_copy_row (shown, layer, head, r, row);
            append_floats (object, row, row_length (shown, r));
          }
      }
    g_string_append_c (object, ']');
  }
  for (guint k = 0; k < AS_N_ATTENTION_KINDS; k++)
    {
      const AsAttention *a = as_session_get_attention (session, k);
      g_autofree char *name = NULL;

      if (a == NULL)
        continue;
      name = g_strdelimit (g_strdup_printf ("%s_attention", as_attention_kind_get_name (k)), "-", '_');
      append_member (object, name);
      g_string_append_c (object, '[');
      for (guint l = 0; l < as_attention_get_n_layers (a); l++)
        {
          g_string_append (object, l > 0 ? ",[" : "[");
          for (guint h = 0; h < as_attention_get_n_heads (a); h++)
            {
              g_string_append (object, h > 0 ? ",[" : "[");
              for (guint r = 0; r < as_attention_get_n_rows (a); r++)
                {
                  if (r > 0)
                    g_string_append_c (object, ',');
                  append_floats (object, as_attention_get_row (a, l, h, r), row_length (a, r));
                }
              g_string_append_c (object, ']');
            }
          g_string_append_c (object, ']');
        }
      g_string_append_c (object, ']');
    }
  g_string_append_c (object, '}');
}
