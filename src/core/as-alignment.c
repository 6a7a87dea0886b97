/* Word alignments and their scores (see as-alignment.h). The links are kept
 * sorted in one array, so that the Pharaoh text comes out in order and a
 * lookup is a binary search. */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "as-alignment.h"
#include "as-error.h"

typedef struct
{
  guint    source;
  guint    target;
  gboolean sure;
} Link;

struct _AsAlignment
{
  GArray *links;               /* Link, sorted by (source, target), distinct */
};

AsAlignment *
as_alignment_new (void)
{
  AsAlignment *self = g_new0 (AsAlignment, 1);

  self->links = g_array_new (FALSE, FALSE, sizeof (Link));
  return self;
}

void
as_alignment_free (AsAlignment *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->links);
  g_free (self);
}

static int
compare (guint source_a,
         guint target_a,
         guint source_b,
         guint target_b)
{
  if (source_a != source_b)
    return source_a < source_b ? -1 : 1;
  if (target_a != target_b)
    return target_a < target_b ? -1 : 1;
  return 0;
}

/* The index of link @source-@target, or where it would go (*found FALSE). */
static guint
find (const AsAlignment *self,
      guint              source,
      guint              target,
      gboolean          *found)
{
  guint lo = 0, hi = self->links->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const Link *l = &g_array_index (self->links, Link, mid);
      int c = compare (l->source, l->target, source, target);

      if (c == 0)
        {
          *found = TRUE;
          return mid;
        }
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  *found = FALSE;
  return lo;
}

void
as_alignment_add (AsAlignment *self,
                  guint        source,
                  guint        target,
                  gboolean     sure)
{
  gboolean found;
  guint k;

  g_return_if_fail (self != NULL);

  /* links usually come in order: append without a search */
  if (self->links->len > 0)
    {
      const Link *last = &g_array_index (self->links, Link, self->links->len - 1);

      if (compare (last->source, last->target, source, target) < 0)
        {
          Link l = { source, target, sure != FALSE };

          g_array_append_val (self->links, l);
          return;
        }
    }
  k = find (self, source, target, &found);
  if (found)
    g_array_index (self->links, Link, k).sure |= sure != FALSE;
  else
    {
      Link l = { source, target, sure != FALSE };

      g_array_insert_val (self->links, k, l);
    }
}

guint
as_alignment_get_n_links (const AsAlignment *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->links->len;
}

void
as_alignment_get_link (const AsAlignment *self,
                       guint              k,
                       guint             *source,
                       guint             *target,
                       gboolean          *sure)
{
  const Link *l;

  g_return_if_fail (self != NULL && k < self->links->len);
  l = &g_array_index (self->links, Link, k);
  if (source != NULL)
    *source = l->source;
  if (target != NULL)
    *target = l->target;
  if (sure != NULL)
    *sure = l->sure;
}

gboolean
as_alignment_has_link (const AsAlignment *self,
                       guint              source,
                       guint              target,
                       gboolean          *sure)
{
  gboolean found;
  guint k;

  g_return_val_if_fail (self != NULL, FALSE);
  k = find (self, source, target, &found);
  if (found && sure != NULL)
    *sure = g_array_index (self->links, Link, k).sure;
  return found;
}

void
as_alignment_get_extent (const AsAlignment *self,
                         guint             *n_source,
                         guint             *n_target)
{
  guint s = 0, t = 0;

  for (guint k = 0; k < self->links->len; k++)
    {
      const Link *l = &g_array_index (self->links, Link, k);

      s = MAX (s, l->source + 1);
      t = MAX (t, l->target + 1);
    }
  *n_source = s;
  *n_target = t;
}

AsAlignment *
as_alignment_from_matrix (const float *weights,
                          guint        n_target,
                          guint        n_source,
                          double       threshold)
{
  AsAlignment *self = as_alignment_new ();

  g_return_val_if_fail (weights != NULL || n_target == 0 || n_source == 0, self);

  if (n_source == 0)
    return self;
  for (guint j = 0; j < n_target; j++)
    {
      const float *row = weights + (gsize) j * n_source;

      if (threshold < 0.0)
        {
          guint best = 0;

          for (guint i = 1; i < n_source; i++)
            if (row[i] > row[best])
              best = i;
          as_alignment_add (self, best, j, TRUE);
        }
      else
        for (guint i = 0; i < n_source; i++)
          if (row[i] >= threshold)
            as_alignment_add (self, i, j, TRUE);
    }
  return self;
}

gboolean
as_alignment_session_matrix (AsSession  *session,
                             guint       layer,
                             int         head,
                             float     **weights,
                             guint      *n_target,
                             guint      *n_source,
                             guint      *first_source,
                             GError    **error)
{
  const AsAttention *cross = as_session_get_attention (session, AS_ATTENTION_CROSS);
  int end = as_model_get_target (as_session_get_model (session))->end;
  g_autofree float *row = NULL;
  guint first, n_words, n_steps;

  if (cross == NULL)
    {
      g_set_error_literal (error, AS_ERROR, AS_ERROR_INVALID,
                           "this model has no cross-attention, which alignments are made from");
      return FALSE;
    }
  if (layer >= as_attention_get_n_layers (cross) ||
      (head != AS_ATTENTION_MEAN && (head < 0 || (guint) head >= as_attention_get_n_heads (cross))))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID,
                   "the cross-attention has no layer %u head %d", layer, head);
      return FALSE;
    }
  as_session_get_words (session, &first, &n_words);
  n_steps = as_session_get_n_steps (session);
  if (n_steps > 0 && as_session_get_step (session, n_steps - 1)->output == end)
    n_steps--;

  row = g_new (float, as_attention_get_n_columns (cross));
  *weights = g_new (float, (gsize) MAX (n_steps, 1) * MAX (n_words, 1));
  for (guint j = 0; j < n_steps; j++)
    {
      as_attention_copy_row (cross, layer, head, j, row);
      memcpy (*weights + (gsize) j * n_words, row + first, n_words * sizeof (float));
    }
  *n_target = n_steps;
  *n_source = n_words;
  if (first_source != NULL)
    *first_source = first;
  return TRUE;
}

char *
as_alignment_to_pharaoh (const AsAlignment *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, g_string_free (text, FALSE));

  for (guint k = 0; k < self->links->len; k++)
    {
      const Link *l = &g_array_index (self->links, Link, k);

      g_string_append_printf (text, "%s%u%c%u", k > 0 ? " " : "", l->source, l->sure ? '-' : '?', l->target);
    }
  return g_string_free (text, FALSE);
}

/* A position: decimal digits only, at most 9 of them. */
static gboolean
parse_position (const char *start,
                const char *end,
                guint      *value)
{
  guint v = 0;

  if (start == end || end - start > 9)
    return FALSE;
  for (const char *p = start; p < end; p++)
    {
      if (*p < '0' || *p > '9')
        return FALSE;
      v = v * 10 + (guint) (*p - '0');
    }
  *value = v;
  return TRUE;
}

AsAlignment *
as_alignment_parse_pharaoh (const char  *line,
                            GError     **error)
{
  g_autoptr (AsAlignment) self = as_alignment_new ();
  const char *p = line;
  guint n = 0;

  g_return_val_if_fail (line != NULL, NULL);

  while (TRUE)
    {
      const char *start, *end, *mark = NULL;
      guint source, target;

      while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
      if (*p == '\0')
        break;
      start = p;
      while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
        {
          if ((*p == '-' || *p == '?') && mark == NULL)
            mark = p;
          p++;
        }
      end = p;
      n++;
      if (mark == NULL || !parse_position (start, mark, &source) || !parse_position (mark + 1, end, &target))
        {
          g_autofree char *quoted = g_strndup (start, MIN (end - start, 60));
          g_autofree char *escaped = as_escape_controls (quoted);

          g_set_error (error, AS_ERROR, AS_ERROR_FORMAT,
                       "link %u “%s” is not i-j (sure) or i?j (possible) with positions counted from 0",
                       n, escaped);
          return NULL;
        }
      as_alignment_add (self, source, target, *mark == '-');
    }
  return g_steal_pointer (&self);
}

void
as_alignment_score_add (AsAlignmentScore  *score,
                        const AsAlignment *predicted,
                        const AsAlignment *gold)
{
  g_return_if_fail (score != NULL && predicted != NULL && gold != NULL);

  score->n_predicted += predicted->links->len;
  for (guint k = 0; k < gold->links->len; k++)
    score->n_sure += g_array_index (gold->links, Link, k).sure ? 1 : 0;
  for (guint k = 0; k < predicted->links->len; k++)
    {
      const Link *l = &g_array_index (predicted->links, Link, k);
      gboolean sure;

      /* every gold link is possible; the sure ones are sure too (S ⊆ P) */
      if (as_alignment_has_link (gold, l->source, l->target, &sure))
        {
          score->n_predicted_possible++;
          if (sure)
            score->n_predicted_sure++;
        }
    }
}

double
as_alignment_score_precision (const AsAlignmentScore *score)
{
  if (score->n_predicted == 0)
    return NAN;
  return (double) score->n_predicted_possible / (double) score->n_predicted;
}

double
as_alignment_score_recall (const AsAlignmentScore *score)
{
  if (score->n_sure == 0)
    return NAN;
  return (double) score->n_predicted_sure / (double) score->n_sure;
}

double
as_alignment_score_aer (const AsAlignmentScore *score)
{
  if (score->n_predicted + score->n_sure == 0)
    return NAN;
  return 1.0 - (double) (score->n_predicted_sure + score->n_predicted_possible) /
               (double) (score->n_predicted + score->n_sure);
}
