/* The session as `translate --json`'s object (see as-json-session.h),
 * written as it goes through a sink: the command line's standard output,
 * the window's export. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "as-error.h"
#include "as-json-session.h"

/* --json, written as it goes (no tree of the whole result is kept: the
 * attention of a long sentence is millions of numbers): compact, as
 * json-glib wrote it, strings escaped by the rule of everything printed
 * (as_char_needs_escape) in JSON's own \u form, floats with the 9 digits
 * that give the same float back. */
typedef struct
{
  AsJsonWrite  write;
  gpointer     data;
  gboolean     first;    /* no value yet in the array or object open */
} JsonOut;

static void
put (JsonOut    *j,
     const char *text,
     gsize       length)
{
  j->write (text, length, j->data);
}

static void
put_c (JsonOut *j,
       char     c)
{
  put (j, &c, 1);
}

static void
put_s (JsonOut    *j,
       const char *text)
{
  put (j, text, strlen (text));
}

static void
json_separator (JsonOut *j)
{
  if (!j->first)
    put_c (j, ',');
  j->first = FALSE;
}

static void
json_open (JsonOut *j,
           char     bracket)
{
  json_separator (j);
  put_c (j, bracket);
  j->first = TRUE;
}

static void
json_close (JsonOut *j,
            char     bracket)
{
  put_c (j, bracket);
  j->first = FALSE;
}

static void
json_string_body (JsonOut    *j,
                  const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  const char *run = valid;

  put_c (j, '"');
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != '"' && c != '\\' && !as_char_needs_escape (c))
        continue;
      put (j, run, p - run);
      run = g_utf8_next_char (p);
      switch (c)
        {
        case '"': put_s (j, "\\\""); break;
        case '\\': put_s (j, "\\\\"); break;
        case '\n': put_s (j, "\\n"); break;
        case '\r': put_s (j, "\\r"); break;
        case '\t': put_s (j, "\\t"); break;
        default:
          {
            char escape[8];

            g_snprintf (escape, sizeof escape, "\\u%04X", c);   /* all in the BMP */
            put_s (j, escape);
          }
          break;
        }
    }
  put_s (j, run);
  put_c (j, '"');
}

static void
json_member (JsonOut    *j,
             const char *name)
{
  json_separator (j);
  json_string_body (j, name);
  put_c (j, ':');
  j->first = TRUE;   /* the value follows without a comma */
}

static void
json_string (JsonOut    *j,
             const char *text)
{
  json_separator (j);
  json_string_body (j, text);
}

/* @d (> 0) times 10^(8 - @e), rounded: 9 digits when 10^e <= d < 10^(e+1). */
static gint64
nine_digits (double d,
             int    e)
{
  static const double powers[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
  int k = 8 - e;

  for (; k > 22; k -= 22)
    d *= 1e22;
  for (; k < -22; k += 22)
    d /= 1e22;
  return llround (k >= 0 ? d * powers[k] : d / powers[-k]);
}

/* A finite @value with 9 significant digits, which give the same float
 * back, as %.9g writes it but without the locale's decimal comma and five
 * times faster (millions of attention weights): "0.143376112", "1e-07".
 * Returns the length; @out holds 20 bytes. */
static int
format_float (char  *out,
              float  value)
{
  double d = fabs ((double) value);
  char digits[9];
  char *p = out;
  gint64 m;
  int e, n = 9;

  if (value == 0.0f)
    return (int) g_strlcpy (out, "0", 20);
  if (value < 0.0f)
    *p++ = '-';
  e = (int) floor (log10 (d));
  m = nine_digits (d, e);
  /* log10 () rounded across a power of ten */
  if (m >= 1000000000)
    m = nine_digits (d, ++e);
  else if (m < 100000000)
    m = nine_digits (d, --e);
  if (m >= 1000000000)   /* 9.999999995 rounds up to 10 */
    m /= 10, e++;
  for (int i = 8; i >= 0; i--, m /= 10)
    digits[i] = (char) ('0' + m % 10);
  while (n > 1 && digits[n - 1] == '0')
    n--;
  if (e >= -5 && e < 0)
    {
      *p++ = '0';
      *p++ = '.';
      for (int i = -1; i > e; i--)
        *p++ = '0';
      memcpy (p, digits, n);
      p += n;
    }
  else if (e >= 0 && e < 9)
    {
      for (int i = 0; i <= e; i++)
        *p++ = i < n ? digits[i] : '0';
      if (n > e + 1)
        {
          *p++ = '.';
          memcpy (p, digits + e + 1, n - e - 1);
          p += n - e - 1;
        }
    }
  else
    {
      *p++ = digits[0];
      if (n > 1)
        {
          *p++ = '.';
          memcpy (p, digits + 1, n - 1);
          p += n - 1;
        }
      p += g_snprintf (p, 6, "e%d", e);
    }
  *p = '\0';
  return (int) (p - out);
}

static void
json_float (JsonOut *j,
            float    value)
{
  char buffer[20];

  json_separator (j);
  /* the session refuses NaN and infinity; null rather than invalid JSON */
  if (isfinite (value))
    put (j, buffer, format_float (buffer, value));
  else
    put_s (j, "null");
}

/* An array of floats, formatted in a buffer a row at a time: a call of
 * stdio per character costs more than the formatting. */
static void
json_floats (JsonOut     *j,
             const float *values,
             guint        n)
{
  char buffer[8192];
  gsize used = 0;

  json_separator (j);
  buffer[used++] = '[';
  for (guint i = 0; i < n; i++)
    {
      if (used > sizeof buffer - 32)
        {
          put (j, buffer, used);
          used = 0;
        }
      if (i > 0)
        buffer[used++] = ',';
      if (isfinite (values[i]))
        used += format_float (buffer + used, values[i]);
      else
        used += g_strlcpy (buffer + used, "null", 5);
    }
  buffer[used++] = ']';
  put (j, buffer, used);
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
as_json_write_session (AsSession       *session,
                       AsAttentionKind  kind,
                       guint            layer,
                       int              head,
                       guint            top,
                       AsJsonWrite      write,
                       gpointer         data)
{
  JsonOut j = { write, data, TRUE };
  AsModel *model = as_session_get_model (session);
  guint n_source = as_session_get_n_source (session);
  guint n_steps = as_session_get_n_steps (session);
  g_autofree char *translation = as_session_get_translation (session);

  json_open (&j, '{');
  json_member (&j, "architecture");
  json_string (&j, as_model_get_architecture_name (model));

  json_member (&j, "source_tokens");
  json_open (&j, '[');
  for (guint i = 0; i < n_source; i++)
    json_string (&j, as_session_get_source_token (session, i));
  json_close (&j, ']');

  json_member (&j, "unknown_words");
  json_open (&j, '[');
  for (const char * const *w = as_session_get_unknown_words (session); *w != NULL; w++)
    json_string (&j, *w);
  json_close (&j, ']');

  json_member (&j, "target_tokens");
  json_open (&j, '[');
  for (guint t = 0; t < n_steps; t++)
    json_string (&j, as_session_get_target_token (session, as_session_get_step (session, t)->output));
  json_close (&j, ']');

  json_member (&j, "translation");
  json_string (&j, translation);

  /* the whole hypothesis: its log-probability, per token, and perplexity */
  {
    AsScore score;

    as_session_get_score (session, &score);
    json_member (&j, "logprob");
    json_float (&j, (float) score.total);
    json_member (&j, "score");
    json_float (&j, (float) score.normalised);
    json_member (&j, "perplexity");
    json_float (&j, (float) score.perplexity);
  }

  json_member (&j, "steps");
  json_open (&j, '[');
  for (guint t = 0; t < n_steps; t++)
    {
      const AsStep *step = as_session_get_step (session, t);

      json_open (&j, '{');
      json_member (&j, "input");
      json_string (&j, as_session_get_target_token (session, step->input));
      json_member (&j, "output");
      json_string (&j, as_session_get_target_token (session, step->output));
      json_member (&j, "prob");
      json_float (&j, step->prob);
      json_member (&j, "logprob");
      json_float (&j, step->logprob);
      json_member (&j, "entropy");
      json_float (&j, step->entropy);
      json_member (&j, "top");
      json_open (&j, '[');
      for (guint k = 0; k < MIN (top, step->n_top); k++)
        {
          json_open (&j, '{');
          json_member (&j, "token");
          json_string (&j, as_session_get_target_token (session, step->top_ids[k]));
          json_member (&j, "prob");
          json_float (&j, step->top_probs[k]);
          json_close (&j, '}');
        }
      json_close (&j, ']');
      json_close (&j, '}');
    }
  json_close (&j, ']');

  /* "attention": the one shown (--kind, --layer, --head), [row][column];
   * then every kind the model has, "cross_attention" and so on,
   * [layer][head][row][column] */
  {
    const AsAttention *shown = as_session_get_attention (session, kind);
    g_autofree float *row = g_new (float, as_attention_get_n_columns (shown));

    json_member (&j, "attention");
    json_open (&j, '[');
    for (guint r = 0; r < as_attention_get_n_rows (shown); r++)
      {
        as_attention_copy_row (shown, layer, head, r, row);
        json_floats (&j, row, row_length (shown, r));
      }
    json_close (&j, ']');
  }
  for (guint k = 0; k < AS_N_ATTENTION_KINDS; k++)
    {
      const AsAttention *a = as_session_get_attention (session, k);
      g_autofree char *name = NULL;

      if (a == NULL)
        continue;
      name = g_strdelimit (g_strdup_printf ("%s_attention", as_attention_kind_get_name (k)), "-", '_');
      json_member (&j, name);
      json_open (&j, '[');
      for (guint l = 0; l < as_attention_get_n_layers (a); l++)
        {
          json_open (&j, '[');
          for (guint h = 0; h < as_attention_get_n_heads (a); h++)
            {
              json_open (&j, '[');
              for (guint r = 0; r < as_attention_get_n_rows (a); r++)
                json_floats (&j, as_attention_get_row (a, l, h, r), row_length (a, r));
              json_close (&j, ']');
            }
          json_close (&j, ']');
        }
      json_close (&j, ']');
    }

  json_close (&j, '}');
}

static void
append_to_string (const char *text,
                  gsize       length,
                  gpointer    data)
{
  g_string_append_len (data, text, length);
}

void
as_json_append_session (GString         *out,
                        AsSession       *session,
                        AsAttentionKind  kind,
                        guint            layer,
                        int              head,
                        guint            top)
{
  as_json_write_session (session, kind, layer, head, top, append_to_string, out);
}

