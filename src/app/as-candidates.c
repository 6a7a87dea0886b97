/* The panel beside the heatmap: at the step shown, the translation so far,
 * the token that came out, and the model's most probable next tokens as bars.
 * Clicking one asks for the decoding to go on from that step with it
 * ("candidate-activated"). */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "as-candidates.h"
#include "as-tooltips.h"

#define MAX_SHOWN 8

/* A row of the list and what changes in it: made once, then updated in
 * place as the step or the sentence changes. */
typedef struct
{
  GtkWidget *row;
  GtkLabel  *token;
  GtkWidget *bar;
  GtkLabel  *value;
} Row;

struct _AsCandidates
{
  GtkWidget   parent_instance;

  GtkLabel   *heading_label;
  GtkLabel   *partial_label;
  GtkLabel   *output_label;
  GtkListBox *list;
  GtkLabel   *hint_label;

  PangoAttrList *language;   /* of the target side's text, or NULL */
  int         step;
  guint       n_items;
  int         tokens[MAX_SHOWN];
  Row         rows[MAX_SHOWN];   /* the list's rows, the first n_rows made */
  guint       n_rows;
};

enum {
  CANDIDATE_ACTIVATED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (AsCandidates, as_candidates, GTK_TYPE_WIDGET)

static guint signals[N_SIGNALS];

static void
row_activated_cb (AsCandidates  *self,
                  GtkListBoxRow *row,
                  GtkListBox    *list)
{
  int index = gtk_list_box_row_get_index (row);

  if (index >= 0)
    as_candidates_activate (self, (guint) index);
}

char *
as_candidates_format_probability (double prob)
{
  double percent = prob * 100.0;

  /* never "100 %" nor "0.0 %" for what is neither */
  /* Translators: probabilities in percent, beside each candidate token;
   * "> 99.9 %" is "more than 99.9 %" */
  if (prob >= 1.0)
    return g_strdup (_("100 %"));
  if (prob <= 0.0)
    return g_strdup (_("0 %"));
  if (percent >= 99.95)
    return g_strdup (_("> 99.9 %"));
  if (percent < 0.1)
    return g_strdup (_("< 0.1 %"));
  /* three significant digits */
  if (percent >= 10.0)
    return g_strdup_printf (_("%.1f %%"), percent);
  if (percent >= 1.0)
    return g_strdup_printf (_("%.2f %%"), percent);
  return g_strdup_printf (_("%.3f %%"), percent);
}

/* A row of the list, empty: update_row fills it. */
static void
make_row (Row           *r,
          PangoAttrList *language)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *value = gtk_label_new (NULL);

  r->row = gtk_list_box_row_new ();
  r->token = GTK_LABEL (label);
  r->bar = gtk_level_bar_new_for_interval (0.0, 1.0);
  r->value = GTK_LABEL (value);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_width_chars (GTK_LABEL (label), 7);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 12);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "candidate-token");
  gtk_label_set_attributes (GTK_LABEL (label), language);

  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (r->bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (r->bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (r->bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_widget_set_hexpand (r->bar, TRUE);
  gtk_widget_set_valign (r->bar, GTK_ALIGN_CENTER);

  gtk_label_set_xalign (GTK_LABEL (value), 1.0);
  gtk_label_set_width_chars (GTK_LABEL (value), 7);
  gtk_widget_add_css_class (value, "numeric");

  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), r->bar);
  gtk_box_append (GTK_BOX (box), value);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (r->row), box);
  gtk_widget_add_css_class (r->row, "candidate");
}

/* @r shows @token (@prob) of @step; @taken: it came out there. */
static void
update_row (Row        *r,
            const char *token,
            float       prob,
            gboolean    taken,
            guint       step)
{
  g_autofree char *percent = as_candidates_format_probability (prob);
  g_autofree char *tooltip = NULL;
  g_autofree char *name = NULL;

  gtk_label_set_text (r->token, token);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (r->bar), CLAMP (prob, 0.0, 1.0));
  gtk_label_set_text (r->value, percent);
  if (taken)
    gtk_widget_add_css_class (r->row, "taken");
  else
    gtk_widget_remove_css_class (r->row, "taken");

  /* Translators: %s is a token (in quotes), %u the step, and in the
   * first, the last %s its probability ("42.0 %") */
  tooltip = taken
            ? g_strdup_printf (_("“%s” came out at step %u (%s)"), token, step + 1, percent)
            : g_strdup_printf (_("Continue the translation with “%s” at step %u"), token, step + 1);
  as_tooltip_set_lazily (r->row, tooltip);

  /* a screen reader reads the token and its probability, not the bar */
  /* Translators: a candidate's accessible name: its token and its
   * probability ("42.0 %"), and whether it is the one that came out */
  name = taken ? g_strdup_printf (_("%s, %s, came out"), token, percent)
               : g_strdup_printf (_("%s, %s"), token, percent);
  gtk_accessible_update_property (GTK_ACCESSIBLE (r->row), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (r->bar), GTK_ACCESSIBLE_PROPERTY_LABEL, percent, -1);
}

/* The list has @n rows: those it has are kept (and updated by the caller),
 * only the missing ones are made, the extra ones removed. */
static void
set_n_rows (AsCandidates *self,
            guint         n)
{
  while (self->n_rows > n)
    {
      Row *r = &self->rows[--self->n_rows];

      gtk_list_box_remove (self->list, r->row);
      memset (r, 0, sizeof *r);
    }
  while (self->n_rows < n)
    {
      Row *r = &self->rows[self->n_rows++];

      make_row (r, self->language);
      gtk_list_box_append (self->list, r->row);
    }
}

/* The list is one stop of the Tab key: Tab enters at the row of the token
 * that came out (else the first), the arrow keys move among the rows, and
 * the next Tab leaves. */
static gboolean
as_candidates_focus (GtkWidget        *widget,
                     GtkDirectionType  direction)
{
  AsCandidates *self = AS_CANDIDATES (widget);

  if (direction == GTK_DIR_TAB_FORWARD || direction == GTK_DIR_TAB_BACKWARD)
    {
      GtkListBoxRow *row = NULL;

      if (gtk_widget_get_focus_child (widget) != NULL)
        return FALSE;

      for (guint i = 0; i < self->n_items && row == NULL; i++)
        {
          GtkListBoxRow *candidate = gtk_list_box_get_row_at_index (self->list, (int) i);

          if (gtk_widget_has_css_class (GTK_WIDGET (candidate), "taken"))
            row = candidate;
        }
      if (row == NULL)
        row = gtk_list_box_get_row_at_index (self->list, 0);
      return row != NULL && gtk_widget_grab_focus (GTK_WIDGET (row));
    }

  return GTK_WIDGET_CLASS (as_candidates_parent_class)->focus (widget, direction);
}

static void
as_candidates_dispose (GObject *object)
{
  g_clear_pointer (&AS_CANDIDATES (object)->language, pango_attr_list_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), AS_TYPE_CANDIDATES);

  G_OBJECT_CLASS (as_candidates_parent_class)->dispose (object);
}

static void
as_candidates_class_init (AsCandidatesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = as_candidates_dispose;
  widget_class->focus = as_candidates_focus;

  /**
   * AsCandidates::candidate-activated:
   * @step: the step whose output is to be replaced
   * @token: the target id picked
   */
  signals[CANDIDATE_ACTIVATED] =
    g_signal_new ("candidate-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/attnscope/AttnScope/as-candidates.ui");
  gtk_widget_class_bind_template_child (widget_class, AsCandidates, heading_label);
  gtk_widget_class_bind_template_child (widget_class, AsCandidates, partial_label);
  gtk_widget_class_bind_template_child (widget_class, AsCandidates, output_label);
  gtk_widget_class_bind_template_child (widget_class, AsCandidates, list);
  gtk_widget_class_bind_template_child (widget_class, AsCandidates, hint_label);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "candidates");
}

static void
as_candidates_init (AsCandidates *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);

  self->step = -1;
  as_candidates_show_step (self, NULL, -1);
}

GtkWidget *
as_candidates_new (void)
{
  return g_object_new (AS_TYPE_CANDIDATES, NULL);
}

void
as_candidates_show_step (AsCandidates *self,
                         AsSession    *session,
                         int           step)
{
  const AsStep *s;
  g_autofree int *previous = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *output = NULL;
  gboolean output_listed = FALSE;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  int focused_row = -1;
  const AsVocab *target;
  struct { int id; float prob; } shown[MAX_SHOWN];
  guint n_shown = 0;

  g_return_if_fail (AS_IS_CANDIDATES (self));

  /* the rows stay (updated in place), and so does the focus on one of
   * them; where there are fewer, it goes to the last */
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list)))
    {
      GtkWidget *row = GTK_IS_LIST_BOX_ROW (focus) ? focus : gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW);

      focused_row = row != NULL ? gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)) : 0;
    }

  self->n_items = 0;
  self->step = -1;

  if (session == NULL || step < 0 || (guint) step >= as_session_get_n_steps (session))
    {
      set_n_rows (self, 0);
      gtk_label_set_text (self->heading_label, _("Next token"));
      gtk_label_set_text (self->partial_label, "");
      gtk_label_set_text (self->output_label, _("No decoder step to show."));
      gtk_widget_set_visible (GTK_WIDGET (self->hint_label), FALSE);
      return;
    }

  self->step = step;
  s = as_session_get_step (session, step);

  previous = g_new0 (int, MAX (step, 1));
  for (int t = 0; t < step; t++)
    previous[t] = as_session_get_step (session, t)->output;
  partial = as_vocab_join (as_model_get_target (as_session_get_model (session)), previous, step);

  /* Translators: the decoder step shown, of how many */
  heading = g_strdup_printf (_("Step %d of %u: next token"), step + 1, as_session_get_n_steps (session));
  gtk_label_set_text (self->heading_label, heading);
  if (step == 0)
    gtk_label_set_text (self->partial_label, _("So far: (nothing yet)"));
  else
    {
      /* Translators: the translation written before this step */
      g_autofree char *text = g_strdup_printf (_("So far: %s"), partial);
      gtk_label_set_text (self->partial_label, text);
    }

  target = as_model_get_target (as_session_get_model (session));
  for (guint i = 0; i < s->n_top && n_shown < MAX_SHOWN; i++)
    {
      /* the start token is fed in, never written: not a choice */
      if (s->top_ids[i] == target->start || (s->top_ids[i] == target->padding && s->top_ids[i] != s->output))
        continue;
      shown[n_shown].id = s->top_ids[i];
      shown[n_shown].prob = s->top_probs[i];
      n_shown++;
    }

  set_n_rows (self, n_shown);
  for (guint i = 0; i < n_shown; i++)
    {
      gboolean taken = shown[i].id == s->output;

      output_listed |= taken;
      self->tokens[i] = shown[i].id;
      update_row (&self->rows[i], as_session_get_target_token (session, shown[i].id), shown[i].prob,
                  taken, (guint) step);
    }
  self->n_items = n_shown;

  {
    g_autofree char *percent = as_candidates_format_probability (s->prob);
    g_autofree char *entropy = g_strdup_printf ("%.2f", s->entropy);
    g_autofree char *explained = NULL;
    guint n_source = as_session_get_n_source (session);

    /* Translators: the token that came out at this step, its probability
     * ("42.0 %"), the entropy of the step's attention in nats ("0.83"),
     * then the two notes below (or nothing) */
    output = g_strdup_printf (_("Came out: %s, probability %s, attention entropy %s nats%s%s"),
                              as_session_get_target_token (session, s->output), percent, entropy,
                              s->chosen ? _(" (chosen, not the model's first choice)") : "",
                              output_listed ? "" : _(" — not among the top candidates"));
    /* Translators: the entropy's meaning; %.2f are nats and bits, %u the
     * source tokens, the last %.2f ln of their number */
    explained = g_strdup_printf (_("Attention entropy: %.2f nats (%.2f bits) of the step's cross-attention "
                                   "(the last layer, the mean of its heads). 0 when the step looks at one "
                                   "token; %.2f nats when it spreads evenly over all %u."),
                                 s->entropy, s->entropy / G_LN2, log ((double) n_source), n_source);
    as_tooltip_set_lazily (GTK_WIDGET (self->output_label), explained);
  }
  gtk_label_set_text (self->output_label, output);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), self->n_items > 0);

  if (focused_row >= 0 && self->n_items > 0)
    {
      GtkWidget *row = self->rows[MIN (focused_row, (int) self->n_items - 1)].row;

      if (!gtk_widget_has_focus (row))
        gtk_widget_grab_focus (row);
    }
}

void
as_candidates_set_language (AsCandidates *self,
                            const char   *language)
{
  g_return_if_fail (AS_IS_CANDIDATES (self));

  g_clear_pointer (&self->language, pango_attr_list_unref);
  if (language != NULL)
    {
      self->language = pango_attr_list_new ();
      pango_attr_list_insert (self->language, pango_attr_language_new (pango_language_from_string (language)));
    }
  /* the tokens and the translation so far are of the target side */
  gtk_label_set_attributes (self->partial_label, self->language);
  for (guint i = 0; i < self->n_rows; i++)
    gtk_label_set_attributes (self->rows[i].token, self->language);
}

guint
as_candidates_get_n_items (AsCandidates *self)
{
  g_return_val_if_fail (AS_IS_CANDIDATES (self), 0);

  return self->n_items;
}

int
as_candidates_get_token (AsCandidates *self,
                         guint         index)
{
  g_return_val_if_fail (AS_IS_CANDIDATES (self), -1);

  return index < self->n_items ? self->tokens[index] : -1;
}

void
as_candidates_activate (AsCandidates *self,
                        guint         index)
{
  g_return_if_fail (AS_IS_CANDIDATES (self));
  g_return_if_fail (index < self->n_items);

  g_signal_emit (self, signals[CANDIDATE_ACTIVATED], 0, (guint) self->step, self->tokens[index]);
}
