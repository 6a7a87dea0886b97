#pragma once

/* One dimension of the figure: what its rows, or its columns, stand for.
 *
 * Each of the axis's n entries has a label ("hungry") and may have an input
 * shown before it ("我 → 饿": the token fed in, then the one that came out),
 * a value shown after it (the probability of what came out) and marks. The
 * words say what an entry is, for the tooltips, the subtitle and the
 * exported file's description. Whoever has the data (the session adapter,
 * a test) fills an axis in and hands it to the figure, which copies it:
 * the figure itself knows no model. */

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  AS_FIGURE_MARK_NONE    = 0,
  AS_FIGURE_MARK_UNKNOWN = 1 << 0,  /* not in the model's vocabulary: "?" in the warning colour */
  AS_FIGURE_MARK_CHOSEN  = 1 << 1,  /* chosen or forced, not the model's first choice: italic, accent colour */
} AsFigureMarks;

/* What the entries of an axis are, in words; only @noun is required. */
typedef struct
{
  const char *noun;         /* one entry: "source token", "decoder step" ("Source tokens: ...") */
  const char *short_noun;   /* when counting: "step" ("Step 2 of 3", "All 3 steps"); NULL: @noun */
  const char *name;         /* an entry in a cell's tooltip: "Source" ("Source: hungry"); NULL: @noun */
  const char *input_name;   /* the inputs: "fed in" ("Target: 饿 (fed in: 我)") */
  const char *output_name;  /* a label beside its input: "came out" ("fed in 我, came out 饿") */
  const char *value_name;   /* the values: "probability" */
  const char *legend;       /* how "input → label" reads: "token fed in → token that came out" */
} AsFigureAxisWords;

typedef struct _AsFigureAxis AsFigureAxis;

/* @n entries with empty labels, no inputs, no values and no marks. */
AsFigureAxis  *as_figure_axis_new         (guint                    n,
                                           const AsFigureAxisWords *words);
AsFigureAxis  *as_figure_axis_copy        (const AsFigureAxis      *self);
void           as_figure_axis_free        (AsFigureAxis            *self);

guint          as_figure_axis_get_n       (const AsFigureAxis      *self);
const AsFigureAxisWords *as_figure_axis_get_words (const AsFigureAxis *self);

void           as_figure_axis_set_label   (AsFigureAxis            *self,
                                           guint                    i,
                                           const char              *label);
/* Setting one input gives every entry one (the others empty). */
void           as_figure_axis_set_input   (AsFigureAxis            *self,
                                           guint                    i,
                                           const char              *input);
/* Setting one value gives every entry one (the others 0). */
void           as_figure_axis_set_value   (AsFigureAxis            *self,
                                           guint                    i,
                                           float                    value);
void           as_figure_axis_set_marks   (AsFigureAxis            *self,
                                           guint                    i,
                                           AsFigureMarks            marks);

const char    *as_figure_axis_get_label   (const AsFigureAxis      *self,
                                           guint                    i);
gboolean       as_figure_axis_has_inputs  (const AsFigureAxis      *self);
/* NULL when the axis has no inputs. */
const char    *as_figure_axis_get_input   (const AsFigureAxis      *self,
                                           guint                    i);
gboolean       as_figure_axis_has_values  (const AsFigureAxis      *self);
float          as_figure_axis_get_value   (const AsFigureAxis      *self,
                                           guint                    i);
AsFigureMarks  as_figure_axis_get_marks   (const AsFigureAxis      *self,
                                           guint                    i);
/* Whether any entry has @mark. */
gboolean       as_figure_axis_has_mark    (const AsFigureAxis      *self,
                                           AsFigureMarks            mark);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AsFigureAxis, as_figure_axis_free)

G_END_DECLS
