/* An axis of the figure (see as-figure-axis.h), and the words the figure's
 * prose makes of it. */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "as-figure-private.h"

struct _AsFigureAxis
{
  guint              n;
  char             **labels;   /* n */
  char             **inputs;   /* n, or NULL */
  float             *values;   /* n, or NULL */
  AsFigureMarks     *marks;    /* n */
  AsFigureAxisWords  words;    /* each string owned */
};

static void
copy_words (AsFigureAxisWords       *to,
            const AsFigureAxisWords *from)
{
  to->noun = g_strdup (from->noun);
  to->short_noun = g_strdup (from->short_noun);
  to->name = g_strdup (from->name);
  to->input_name = g_strdup (from->input_name);
  to->output_name = g_strdup (from->output_name);
  to->value_name = g_strdup (from->value_name);
  to->legend = g_strdup (from->legend);
}

AsFigureAxis *
as_figure_axis_new (guint                    n,
                    const AsFigureAxisWords *words)
{
  AsFigureAxis *self;

  g_return_val_if_fail (words != NULL && words->noun != NULL, NULL);

  self = g_new0 (AsFigureAxis, 1);
  self->n = n;
  self->labels = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    self->labels[i] = g_strdup ("");
  self->marks = g_new0 (AsFigureMarks, MAX (n, 1));
  copy_words (&self->words, words);

  return self;
}

AsFigureAxis *
as_figure_axis_copy (const AsFigureAxis *self)
{
  AsFigureAxis *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (AsFigureAxis, 1);
  copy->n = self->n;
  copy->labels = g_strdupv (self->labels);
  copy->inputs = self->inputs != NULL ? g_strdupv (self->inputs) : NULL;
  copy->values = self->values != NULL ? g_memdup2 (self->values, sizeof (float) * MAX (self->n, 1)) : NULL;
  copy->marks = g_memdup2 (self->marks, sizeof (AsFigureMarks) * MAX (self->n, 1));
  copy_words (&copy->words, &self->words);

  return copy;
}

void
as_figure_axis_free (AsFigureAxis *self)
{
  if (self == NULL)
    return;

  g_strfreev (self->labels);
  g_strfreev (self->inputs);
  g_free (self->values);
  g_free (self->marks);
  g_free ((char *) self->words.noun);
  g_free ((char *) self->words.short_noun);
  g_free ((char *) self->words.name);
  g_free ((char *) self->words.input_name);
  g_free ((char *) self->words.output_name);
  g_free ((char *) self->words.value_name);
  g_free ((char *) self->words.legend);
  g_free (self);
}

guint
as_figure_axis_get_n (const AsFigureAxis *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n;
}

const AsFigureAxisWords *
as_figure_axis_get_words (const AsFigureAxis *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->words;
}

void
as_figure_axis_set_label (AsFigureAxis *self,
                          guint         i,
                          const char   *label)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (i < self->n);

  g_free (self->labels[i]);
  self->labels[i] = g_strdup (label != NULL ? label : "");
}

void
as_figure_axis_set_input (AsFigureAxis *self,
                          guint         i,
                          const char   *input)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (i < self->n);

  if (self->inputs == NULL)
    {
      self->inputs = g_new0 (char *, self->n + 1);
      for (guint j = 0; j < self->n; j++)
        self->inputs[j] = g_strdup ("");
    }
  g_free (self->inputs[i]);
  self->inputs[i] = g_strdup (input != NULL ? input : "");
}

void
as_figure_axis_set_value (AsFigureAxis *self,
                          guint         i,
                          float         value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (i < self->n);

  if (self->values == NULL)
    self->values = g_new0 (float, MAX (self->n, 1));
  self->values[i] = value;
}

void
as_figure_axis_set_marks (AsFigureAxis  *self,
                          guint          i,
                          AsFigureMarks  marks)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (i < self->n);

  self->marks[i] = marks;
}

const char *
as_figure_axis_get_label (const AsFigureAxis *self,
                          guint               i)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (i < self->n, NULL);
  return self->labels[i];
}

gboolean
as_figure_axis_has_inputs (const AsFigureAxis *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->inputs != NULL;
}

const char *
as_figure_axis_get_input (const AsFigureAxis *self,
                          guint               i)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (i < self->n, NULL);
  return self->inputs != NULL ? self->inputs[i] : NULL;
}

gboolean
as_figure_axis_has_values (const AsFigureAxis *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->values != NULL;
}

float
as_figure_axis_get_value (const AsFigureAxis *self,
                          guint               i)
{
  g_return_val_if_fail (self != NULL, 0.0f);
  g_return_val_if_fail (i < self->n, 0.0f);
  return self->values != NULL ? self->values[i] : 0.0f;
}

AsFigureMarks
as_figure_axis_get_marks (const AsFigureAxis *self,
                          guint               i)
{
  g_return_val_if_fail (self != NULL, AS_FIGURE_MARK_NONE);
  g_return_val_if_fail (i < self->n, AS_FIGURE_MARK_NONE);
  return self->marks[i];
}

gboolean
as_figure_axis_has_mark (const AsFigureAxis *self,
                         AsFigureMarks       mark)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->n; i++)
    if (self->marks[i] & mark)
      return TRUE;
  return FALSE;
}

/* Words */

/* The nouns the figure's axes are made with (as-figure.c, as-figure-session.c),
 * singular and plural, translated at use: the English rule below (a capital
 * letter, a plural "s") holds for English alone. */
static const struct
{
  const char *singular;
  const char *plural;
} nouns[] = {
  { N_("decoder step"), N_("decoder steps") },
  { N_("step"), N_("steps") },
  { N_("source token"), N_("source tokens") },
  { N_("target token"), N_("target tokens") },
  { N_("row"), N_("rows") },
  { N_("column"), N_("columns") },
  /* the axes' names */
  { N_("Target"), NULL },
  { N_("Source"), NULL },
};

/* @noun in the interface's language, its first letter capital if @capital
 * (where the language has capitals), plural if @plural; a noun not in the
 * table (an axis of another caller) by the English rule. */
static char *
inflect (const char *noun,
         gboolean    capital,
         gboolean    plural)
{
  GString *text = g_string_new (NULL);
  const char *word = NULL;
  gboolean english_plural = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (nouns) && word == NULL; i++)
    if (strcmp (noun, nouns[i].singular) == 0)
      {
        if (!plural)
          word = _(nouns[i].singular);
        else if (nouns[i].plural != NULL)
          word = _(nouns[i].plural);
        else
          {
            word = _(nouns[i].singular);
            english_plural = TRUE;
          }
      }
  if (word == NULL)
    {
      word = noun;
      english_plural = plural;
    }

  if (capital && *word != '\0')
    {
      g_string_append_unichar (text, g_unichar_totitle (g_utf8_get_char (word)));
      g_string_append (text, g_utf8_next_char (word));
    }
  else
    g_string_append (text, word);
  if (english_plural)
    g_string_append_c (text, 's');

  return g_string_free (text, FALSE);
}

char *
_as_figure_axis_noun (const AsFigureAxis *axis,
                      gboolean            counting,
                      gboolean            capital,
                      gboolean            plural)
{
  const char *noun = counting && axis->words.short_noun != NULL ? axis->words.short_noun : axis->words.noun;

  return inflect (noun, capital, plural);
}

char *
_as_figure_axis_name (const AsFigureAxis *axis)
{
  return inflect (axis->words.name != NULL ? axis->words.name : axis->words.noun, TRUE, FALSE);
}

char *
_as_figure_axis_entry_text (const AsFigureAxis *axis,
                            guint               i)
{
  if (axis->inputs != NULL)
    return g_strdup_printf ("%s → %s", axis->inputs[i], axis->labels[i]);
  return g_strdup (axis->labels[i]);
}
