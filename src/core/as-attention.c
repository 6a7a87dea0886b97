/* The attention record (see as-attention.h). Rows are stored one after the
 * other, each as a block of (n_layers, n_heads, n_columns) floats, so that a
 * decoder step appends one block and a rewind forgets the last ones. */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "as-attention.h"

struct _AsAttention
{
  AsAttentionKind kind;
  guint           n_layers;
  guint           n_heads;
  guint           n_columns;
  guint           n_rows;
  guint           capacity;   /* rows */
  float          *data;       /* (capacity, n_layers, n_heads, n_columns) */
};

static const struct
{
  const char *name;
  const char *title;
  const char *row_noun;
  const char *column_noun;
} kinds[AS_N_ATTENTION_KINDS] = {
  /* the name is an identifier (--kind, file names); the title and the
   * nouns are shown, translated by the getters */
  [AS_ATTENTION_CROSS]         = { "cross", N_("Cross-attention"), N_("decoder step"), N_("source token") },
  [AS_ATTENTION_DECODER_SELF]  = { "decoder-self", N_("Decoder self-attention"), N_("decoder step"), N_("target token") },
  [AS_ATTENTION_ENCODER_SELF]  = { "encoder-self", N_("Encoder self-attention"), N_("source token"), N_("source token") },
};

const char *
as_attention_kind_get_name (AsAttentionKind kind)
{
  g_return_val_if_fail ((guint) kind < AS_N_ATTENTION_KINDS, NULL);
  return kinds[kind].name;
}

const char *
as_attention_kind_get_title (AsAttentionKind kind)
{
  g_return_val_if_fail ((guint) kind < AS_N_ATTENTION_KINDS, NULL);
  return _(kinds[kind].title);
}

const char *
as_attention_kind_get_row_noun (AsAttentionKind kind)
{
  g_return_val_if_fail ((guint) kind < AS_N_ATTENTION_KINDS, NULL);
  return _(kinds[kind].row_noun);
}

const char *
as_attention_kind_get_column_noun (AsAttentionKind kind)
{
  g_return_val_if_fail ((guint) kind < AS_N_ATTENTION_KINDS, NULL);
  return _(kinds[kind].column_noun);
}

gboolean
as_attention_kind_from_name (const char      *name,
                             AsAttentionKind *kind)
{
  for (guint k = 0; k < AS_N_ATTENTION_KINDS; k++)
    if (g_strcmp0 (name, kinds[k].name) == 0)
      {
        *kind = k;
        return TRUE;
      }
  return FALSE;
}

static gsize
row_size (const AsAttention *self)
{
  return (gsize) self->n_layers * self->n_heads * self->n_columns;
}

AsAttention *
as_attention_new (AsAttentionKind kind,
                  guint           n_layers,
                  guint           n_heads,
                  guint           n_columns)
{
  AsAttention *self;

  g_return_val_if_fail ((guint) kind < AS_N_ATTENTION_KINDS, NULL);
  g_return_val_if_fail (n_layers > 0 && n_heads > 0, NULL);

  self = g_new0 (AsAttention, 1);
  self->kind = kind;
  self->n_layers = n_layers;
  self->n_heads = n_heads;
  self->n_columns = n_columns;
  return self;
}

void
as_attention_free (AsAttention *self)
{
  if (self == NULL)
    return;
  g_free (self->data);
  g_free (self);
}

AsAttention *
as_attention_copy (const AsAttention *self)
{
  AsAttention *copy = g_memdup2 (self, sizeof *self);

  copy->capacity = self->n_rows;
  copy->data = g_memdup2 (self->data, self->n_rows * row_size (self) * sizeof (float));
  return copy;
}

AsAttentionKind
as_attention_get_kind (const AsAttention *self)
{
  return self->kind;
}

guint
as_attention_get_n_layers (const AsAttention *self)
{
  return self->n_layers;
}

guint
as_attention_get_n_heads (const AsAttention *self)
{
  return self->n_heads;
}

guint
as_attention_get_n_rows (const AsAttention *self)
{
  return self->n_rows;
}

guint
as_attention_get_n_columns (const AsAttention *self)
{
  return self->n_columns;
}

guint
as_attention_get_row_length (const AsAttention *self,
                             guint              row)
{
  if (self->kind == AS_ATTENTION_DECODER_SELF)
    return MIN (row + 1, self->n_columns);
  return self->n_columns;
}

const float *
as_attention_get_row (const AsAttention *self,
                      guint              layer,
                      guint              head,
                      guint              row)
{
  g_return_val_if_fail (row < self->n_rows && layer < self->n_layers && head < self->n_heads, NULL);

  return self->data + row * row_size (self) + ((gsize) layer * self->n_heads + head) * self->n_columns;
}

float
as_attention_get (const AsAttention *self,
                  guint              layer,
                  guint              head,
                  guint              row,
                  guint              column)
{
  g_return_val_if_fail (column < self->n_columns, 0.0f);

  return as_attention_get_row (self, layer, head, row)[column];
}

static float
weight (const AsAttention *self,
        guint              layer,
        int                head,
        guint              row,
        guint              column)
{
  double sum = 0.0;

  if (head != AS_ATTENTION_MEAN)
    return as_attention_get_row (self, layer, head, row)[column];
  for (guint h = 0; h < self->n_heads; h++)
    sum += as_attention_get_row (self, layer, h, row)[column];
  return (float) (sum / self->n_heads);
}

void
as_attention_copy_row (const AsAttention *self,
                       guint              layer,
                       int                head,
                       guint              row,
                       float             *out)
{
  if (head != AS_ATTENTION_MEAN)
    {
      memcpy (out, as_attention_get_row (self, layer, head, row), self->n_columns * sizeof (float));
      return;
    }

  for (guint c = 0; c < self->n_columns; c++)
    out[c] = weight (self, layer, head, row, c);
}

guint
as_attention_argmax_row (const AsAttention *self,
                         guint              layer,
                         int                head,
                         guint              row)
{
  guint n = as_attention_get_row_length (self, row);
  guint best = 0;
  float best_weight = n > 0 ? weight (self, layer, head, row, 0) : 0.0f;

  for (guint c = 1; c < n; c++)
    {
      float w = weight (self, layer, head, row, c);
      if (w > best_weight)
        {
          best = c;
          best_weight = w;
        }
    }
  return best;
}

guint
as_attention_argmax_column (const AsAttention *self,
                            guint              layer,
                            int                head,
                            guint              column)
{
  guint best = 0;
  float best_weight = -1.0f;

  for (guint r = 0; r < self->n_rows; r++)
    {
      float w;

      if (column >= as_attention_get_row_length (self, r))
        continue;
      w = weight (self, layer, head, r, column);
      if (w > best_weight)
        {
          best = r;
          best_weight = w;
        }
    }
  return best;
}

float *
as_attention_begin_row (AsAttention *self,
                        guint        row)
{
  float *block;

  g_return_val_if_fail (row <= self->n_rows, NULL);

  if (row >= self->capacity)
    {
      self->capacity = MAX (row + 1, MAX (self->capacity * 2, 8));
      self->data = g_renew (float, self->data, self->capacity * row_size (self));
    }
  self->n_rows = row + 1;
  block = self->data + row * row_size (self);
  memset (block, 0, row_size (self) * sizeof (float));
  return block;
}

float *
as_attention_begin_rows (AsAttention *self,
                         guint        n_rows)
{
  g_return_val_if_fail (n_rows > 0, NULL);

  if (n_rows > self->capacity)
    {
      self->capacity = n_rows;
      self->data = g_renew (float, self->data, self->capacity * row_size (self));
    }
  self->n_rows = n_rows;
  memset (self->data, 0, n_rows * row_size (self) * sizeof (float));
  return self->data;
}

void
as_attention_truncate (AsAttention *self,
                       guint        n_rows)
{
  self->n_rows = MIN (self->n_rows, n_rows);
}
