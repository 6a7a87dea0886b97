#pragma once

/* Attention of any kind, as one record: the weights of every layer and head,
 * one row per query position, and what a row and a column stand for.
 *
 *   kind           rows                     columns
 *   cross          decoder steps            source tokens
 *   decoder-self   decoder steps            target tokens fed in so far
 *                                           (row t has t + 1; the rest is
 *                                           masked, stored as 0)
 *   encoder-self   source tokens            source tokens
 *
 * Rows are added as they are computed (a decoder step adds one row to each
 * decoder kind) and taken away when the decoding rewinds. A pointer returned
 * by as_attention_get_row() is valid until the record next changes. */

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  AS_ATTENTION_CROSS,
  AS_ATTENTION_DECODER_SELF,
  AS_ATTENTION_ENCODER_SELF,
  AS_N_ATTENTION_KINDS
} AsAttentionKind;

/* A head index that means "the mean over all heads". */
#define AS_ATTENTION_MEAN (-1)

/* "cross", "decoder-self", "encoder-self": the command line and JSON. */
const char  *as_attention_kind_get_name        (AsAttentionKind  kind);
/* "Cross-attention", ...: the interface. */
const char  *as_attention_kind_get_title       (AsAttentionKind  kind);
/* What a row and a column stand for, in the singular: "decoder step",
 * "source token", "target token". */
const char  *as_attention_kind_get_row_noun    (AsAttentionKind  kind);
const char  *as_attention_kind_get_column_noun (AsAttentionKind  kind);
gboolean     as_attention_kind_from_name       (const char      *name,
                                                AsAttentionKind *kind);

typedef struct _AsAttention AsAttention;

AsAttention *as_attention_new          (AsAttentionKind    kind,
                                        guint              n_layers,
                                        guint              n_heads,
                                        guint              n_columns);
void         as_attention_free         (AsAttention       *self);
AsAttention *as_attention_copy         (const AsAttention *self);

AsAttentionKind as_attention_get_kind  (const AsAttention *self);
guint        as_attention_get_n_layers (const AsAttention *self);
guint        as_attention_get_n_heads  (const AsAttention *self);
guint        as_attention_get_n_rows   (const AsAttention *self);
guint        as_attention_get_n_columns (const AsAttention *self);
/* The columns that row @row attends over (decoder self-attention: @row + 1;
 * the others: all of them). */
guint        as_attention_get_row_length (const AsAttention *self,
                                          guint              row);

/* Row @row of @layer and @head: n_columns weights. */
const float *as_attention_get_row      (const AsAttention *self,
                                        guint              layer,
                                        guint              head,
                                        guint              row);
float        as_attention_get          (const AsAttention *self,
                                        guint              layer,
                                        guint              head,
                                        guint              row,
                                        guint              column);
/* Row @row of @layer for @head, or the mean over the heads for
 * AS_ATTENTION_MEAN, into @out (n_columns). */
void         as_attention_copy_row     (const AsAttention *self,
                                        guint              layer,
                                        int                head,
                                        guint              row,
                                        float             *out);
/* The column of row @row with the largest weight (the first of equal ones),
 * among the row's length; @head may be AS_ATTENTION_MEAN. */
guint        as_attention_argmax_row   (const AsAttention *self,
                                        guint              layer,
                                        int                head,
                                        guint              row);
/* The row that gives column @column its largest weight (the first of equal ones). */
guint        as_attention_argmax_column (const AsAttention *self,
                                         guint              layer,
                                         int                head,
                                         guint              column);

/* For those who compute attention: makes room for row @row (the rows after
 * it are dropped) and returns its block, (n_layers, n_heads, n_columns),
 * zeroed. */
float       *as_attention_begin_row    (AsAttention       *self,
                                        guint              row);
/* For those who compute every row at once (encoder self-attention): the
 * record holds @n_rows rows, zeroed, returned as one block (n_rows,
 * n_layers, n_heads, n_columns). */
float       *as_attention_begin_rows   (AsAttention       *self,
                                        guint              n_rows);
/* Keeps the first @n_rows rows. */
void         as_attention_truncate     (AsAttention       *self,
                                        guint              n_rows);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AsAttention, as_attention_free)

G_END_DECLS
