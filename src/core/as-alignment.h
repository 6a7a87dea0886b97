#pragma once

/* Word alignments: links between source position i and target position j,
 * counted from 0, in the Pharaoh format that fast_align, Moses and
 * awesome-align write ("0-0 1-2 2-1"); a gold standard also has possible
 * links ("1?2"). Made from an attention matrix by arg-max or threshold, and
 * scored against a gold standard by precision, recall and alignment error
 * rate (Och and Ney 2003, "A Systematic Comparison of Various Statistical
 * Alignment Models", section 5):
 *
 *   precision = |A ∩ P| / |A|     recall = |A ∩ S| / |S|
 *   AER = 1 - (|A ∩ S| + |A ∩ P|) / (|A| + |S|)
 *
 * A the links made, S the gold's sure links, P its possible ones, S ⊆ P (a
 * sure link counts as possible too). Over a corpus the counts are summed
 * before dividing (AsAlignmentScore), as the standard scripts do. */

#include <glib.h>

#include "as-attention.h"
#include "as-session.h"

G_BEGIN_DECLS

typedef struct _AsAlignment AsAlignment;

AsAlignment *as_alignment_new          (void);
void         as_alignment_free         (AsAlignment       *self);

/* Adds link @source-@target; @sure FALSE makes it possible only. Adding a
 * link twice keeps one, sure if either was. */
void         as_alignment_add          (AsAlignment       *self,
                                        guint              source,
                                        guint              target,
                                        gboolean           sure);
/* The links, sorted by source position, then target position. */
guint        as_alignment_get_n_links  (const AsAlignment *self);
void         as_alignment_get_link     (const AsAlignment *self,
                                        guint              k,
                                        guint             *source,
                                        guint             *target,
                                        gboolean          *sure);
gboolean     as_alignment_has_link     (const AsAlignment *self,
                                        guint              source,
                                        guint              target,
                                        gboolean          *sure);
/* The largest source and target positions named, plus one (0 when empty). */
void         as_alignment_get_extent   (const AsAlignment *self,
                                        guint             *n_source,
                                        guint             *n_target);

/* From a matrix of weights: row j is target position j, column i source
 * position i; @weights is (@n_target, @n_source), row-major. @threshold
 * negative: each target position is linked to the source position it gives
 * the largest weight (the first of equal ones); otherwise every cell whose
 * weight is at least @threshold is a link. All links are sure. */
AsAlignment *as_alignment_from_matrix  (const float       *weights,
                                        guint              n_target,
                                        guint              n_source,
                                        double             threshold);

/* The words of a decoded session, as alignments count them: the source
 * tokens without the model's start and end tokens, the target steps
 * without the one that put out the end token. Fills @weights (allocated,
 * @n_target x @n_source) with the cross-attention of @layer and @head (or
 * AS_ATTENTION_MEAN) between them; the first source word is column 0 and
 * the first target word row 0. FALSE (AS_ERROR_INVALID) when the model has
 * no such attention. */
gboolean     as_alignment_session_matrix (AsSession       *session,
                                          guint            layer,
                                          int              head,
                                          float          **weights,
                                          guint           *n_target,
                                          guint           *n_source,
                                          guint           *first_source,
                                          GError         **error);

/* "0-0 1-2 2-1": sure links as i-j, possible ones as i?j, no newline. */
char        *as_alignment_to_pharaoh   (const AsAlignment *self);
/* Reads one line of Pharaoh links separated by spaces or tabs (an empty
 * line is an alignment without links). AS_ERROR_FORMAT naming the link
 * (counted from 1) and what is wrong with it. */
AsAlignment *as_alignment_parse_pharaoh (const char        *line,
                                         GError           **error);

/* Counts summed over a corpus. */
typedef struct
{
  guint64 n_predicted;          /* |A| */
  guint64 n_sure;               /* |S| */
  guint64 n_predicted_sure;     /* |A ∩ S| */
  guint64 n_predicted_possible; /* |A ∩ P| */
} AsAlignmentScore;

void         as_alignment_score_add    (AsAlignmentScore  *score,
                                        const AsAlignment *predicted,
                                        const AsAlignment *gold);
/* Each is NAN where its denominator is 0 (no link made: precision; no
 * sure link: recall; neither: AER). */
double       as_alignment_score_precision (const AsAlignmentScore *score);
double       as_alignment_score_recall    (const AsAlignmentScore *score);
double       as_alignment_score_aer       (const AsAlignmentScore *score);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AsAlignment, as_alignment_free)

G_END_DECLS
