/* The n-best list of a beam search: each hypothesis that ended, best first,
 * with its translation, its total log-probability, that total per token
 * (the length-normalised score) and its perplexity, exp (-score per token).
 * Choosing one asks for it to be shown ("hypothesis-activated"). Above the
 * list, a paragraph compares a translation of one's own with the model's. */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "as-nbest.h"
#include "as-tooltips.h"

typedef struct
{
  guint  node;
  char  *translation;
  char  *numbers;
} Item;

struct _AsNbest
{
  GtkWidget   parent_instance;

  GtkLabel   *comparison_label;
  GtkLabel   *heading_label;
  GtkWidget  *header;
  GtkSizeGroup *columns[3];   /* the numbers' columns, header and rows alike */
  GtkListBox *list;
  GtkLabel   *hint_label;

  GArray     *items;      /* of Item */
  char       *empty_hint;
  gboolean    selecting;
};

enum {
  HYPOTHESIS_ACTIVATED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (AsNbest, as_nbest, GTK_TYPE_WIDGET)

static guint signals[N_SIGNALS];

static void
clear_item (gpointer data)
{
  Item *item = data;

  g_free (item->translation);
  g_free (item->numbers);
}

char *
as_nbest_format_logprob (double value)
{
  /* a real minus sign, as in print */
  if (value < 0 && fabs (value) >= 0.005)
    return g_strdup_printf ("−%.2f", -value);
  return g_strdup_printf ("%.2f", fabs (value));
}

static void
row_activated (AsNbest       *self,
               GtkListBoxRow *row,
               GtkListBox    *list)
{
  int index = gtk_list_box_row_get_index (row);

  if (index >= 0 && !self->selecting)
    as_nbest_activate (self, (guint) index);
}

static void
as_nbest_dispose (GObject *object)
{
  AsNbest *self = AS_NBEST (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->items, g_array_unref);
  g_clear_pointer (&self->empty_hint, g_free);
  for (guint c = 0; c < G_N_ELEMENTS (self->columns); c++)
    g_clear_object (&self->columns[c]);

  G_OBJECT_CLASS (as_nbest_parent_class)->dispose (object);
}

static void
as_nbest_class_init (AsNbestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = as_nbest_dispose;

  /**
   * AsNbest::hypothesis-activated:
   * @node: the session's node the hypothesis ends at
   */
  signals[HYPOTHESIS_ACTIVATED] =
    g_signal_new ("hypothesis-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "nbest");
}

static GtkWidget *make_line (AsNbest    *self,
                             const char *texts[5]);

static GtkLabel *
paragraph (AsNbest *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
  gtk_widget_set_parent (label, GTK_WIDGET (self));
  return GTK_LABEL (label);
}

static void
as_nbest_init (AsNbest *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);

  self->items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (self->items, clear_item);

  self->comparison_label = paragraph (self);
  gtk_label_set_selectable (self->comparison_label, TRUE);
  gtk_widget_set_can_focus (GTK_WIDGET (self->comparison_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->comparison_label), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->comparison_label), "comparison");

  self->heading_label = paragraph (self);
  gtk_widget_add_css_class (GTK_WIDGET (self->heading_label), "heading");
  /* Translators: the heading of the list of a beam search's best translations */
  gtk_label_set_text (self->heading_label, _("Best translations of the beam"));

  for (guint c = 0; c < G_N_ELEMENTS (self->columns); c++)
    self->columns[c] = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  {
    /* Translators: the n-best table's column headings: rank, translation,
     * total log-probability, log-probability per token, perplexity */
    const char *texts[5] = { "#", _("Translation"), _("Total"), _("Per token"), _("PPL") };
    GtkWidget *cells;

    self->header = make_line (self, texts);
    /* the heading of the translations on one line */
    gtk_label_set_wrap (GTK_LABEL (gtk_widget_get_next_sibling (gtk_widget_get_first_child (self->header))), FALSE);
    /* the short headings explained */
    cells = gtk_widget_get_first_child (self->header);
    for (guint c = 0; cells != NULL; c++, cells = gtk_widget_get_next_sibling (cells))
      if (c >= 2)
        as_tooltip_set_text (cells, c == 2 ? _("The sum of the tokens' log-probabilities, in nats")
                                    : c == 3 ? _("The total divided by the number of tokens, the end token included")
                                    : _("Perplexity: e to the minus the score per token"));
    gtk_widget_add_css_class (self->header, "nbest-header");
    gtk_widget_add_css_class (self->header, "dim-label");
    gtk_widget_add_css_class (self->header, "caption");
    /* the header's side matches the rows' padding */
    gtk_widget_set_margin_start (self->header, 6);
    gtk_widget_set_margin_end (self->header, 6);
    gtk_widget_set_parent (self->header, GTK_WIDGET (self));
  }

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_SINGLE);
  gtk_list_box_set_activate_on_single_click (self->list, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "nbest-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Best translations of the beam"), -1);
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (row_activated), self, G_CONNECT_SWAPPED);
  gtk_widget_set_parent (GTK_WIDGET (self->list), GTK_WIDGET (self));

  self->hint_label = paragraph (self);
  gtk_widget_add_css_class (GTK_WIDGET (self->hint_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->hint_label), "caption");

  as_nbest_set_session (self, NULL);
}

/* Public API */

GtkWidget *
as_nbest_new (void)
{
  return g_object_new (AS_TYPE_NBEST, NULL);
}

static GtkWidget *
cell (const char   *text,
      int           width_chars,
      GtkSizeGroup *group)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), width_chars > 0 ? 1.0 : 0.0);
  if (width_chars > 0)
    {
      gtk_label_set_width_chars (GTK_LABEL (label), width_chars);
      gtk_widget_add_css_class (label, "numeric");
    }
  else
    {
      gtk_widget_set_hexpand (label, TRUE);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      /* at least a few words' room: the numbers never squeeze it to a column of letters */
      gtk_label_set_width_chars (GTK_LABEL (label), 7);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 16);
    }
  if (group != NULL)
    gtk_size_group_add_widget (group, label);
  return label;
}

/* A line of the table: rank, translation, total, per token, perplexity. */
static GtkWidget *
make_line (AsNbest    *self,
           const char *texts[5])
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  gtk_box_append (GTK_BOX (box), cell (texts[0], 2, NULL));
  gtk_box_append (GTK_BOX (box), cell (texts[1], 0, NULL));
  for (guint c = 2; c < 5; c++)
    gtk_box_append (GTK_BOX (box), cell (texts[c], 5, self->columns[c - 2]));
  return box;
}

static GtkWidget *
make_row (AsNbest    *self,
          guint       rank,
          const Item *item,
          AsScore    *score)
{
  GtkWidget *row = gtk_list_box_row_new ();
  g_autofree char *number = g_strdup_printf ("%u", rank + 1);
  g_autofree char *total = as_nbest_format_logprob (score->total);
  g_autofree char *normalised = as_nbest_format_logprob (score->normalised);
  g_autofree char *perplexity = g_strdup_printf ("%.2f", score->perplexity);
  const char *texts[5] = { number, item->translation, total, normalised, perplexity };
  g_autofree char *name = NULL;

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), make_line (self, texts));
  gtk_widget_add_css_class (row, "hypothesis");

  /* Translators: a row of the n-best list, read out: its rank, its
   * translation, then its numbers */
  name = g_strdup_printf (_("%u. %s: %s"), rank + 1, item->translation, item->numbers);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  as_tooltip_set_text (row, item->numbers);
  return row;
}

void
as_nbest_set_session (AsNbest   *self,
                      AsSession *session)
{
  guint n = session != NULL ? as_session_get_n_hypotheses (session) : 0;
  GtkWidget *child;

  g_return_if_fail (AS_IS_NBEST (self));

  self->selecting = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  self->selecting = FALSE;
  g_array_set_size (self->items, 0);

  for (guint r = 0; r < n; r++)
    {
      guint node = as_session_get_hypothesis (session, r);
      const AsBeamNode *b = as_session_get_beam_node (session, node);
      g_autofree int *ids = g_new (int, b->step + 1);
      g_autofree char *total = NULL, *normalised = NULL;
      AsScore score;
      Item item = { node, NULL, NULL };

      for (int i = (int) node; i >= 0; i = as_session_get_beam_node (session, (guint) i)->parent)
        ids[as_session_get_beam_node (session, (guint) i)->step] = as_session_get_beam_node (session, (guint) i)->token;
      item.translation = as_vocab_join (as_model_get_target (as_session_get_model (session)), ids, b->step + 1);
      as_session_get_beam_node_score (session, node, &score);
      total = as_nbest_format_logprob (score.total);
      normalised = as_nbest_format_logprob (score.normalised);
      /* Translators: a hypothesis's total log-probability, that total per
       * token (over its number of tokens) and its perplexity */
      item.numbers = g_strdup_printf (ngettext ("log-probability %s, %s per token (%u token), perplexity %.2f",
                                                "log-probability %s, %s per token (%u tokens), perplexity %.2f",
                                                score.length),
                                      total, normalised, score.length, score.perplexity);
      g_array_append_val (self->items, item);
      gtk_list_box_append (self->list, make_row (self, r, &g_array_index (self->items, Item, r), &score));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->heading_label), n > 0);
  gtk_widget_set_visible (self->header, n > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->list), n > 0);
  gtk_label_set_text (self->hint_label,
                      n > 0
                      ? _("Choose one to see its attention and its steps. Total: the sum of the tokens' "
                          "log-probabilities (in nats); per token: the total divided by the number of tokens, "
                          "the end token included; perplexity: e to the minus that.")
                      : self->empty_hint != NULL
                      ? self->empty_hint
                      : _("Set the beam width above 1 to search several translations at once and list the "
                          "best of them here."));
}

void
as_nbest_set_comparison (AsNbest    *self,
                         const char *text)
{
  g_return_if_fail (AS_IS_NBEST (self));

  gtk_label_set_text (self->comparison_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->comparison_label), text != NULL && *text != '\0');
}

void
as_nbest_set_empty_hint (AsNbest    *self,
                         const char *text)
{
  g_return_if_fail (AS_IS_NBEST (self));

  g_free (self->empty_hint);
  self->empty_hint = g_strdup (text);
  if (self->items->len == 0)
    as_nbest_set_session (self, NULL);
}

const char *
as_nbest_get_comparison (AsNbest *self)
{
  g_return_val_if_fail (AS_IS_NBEST (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->comparison_label))
         ? gtk_label_get_text (self->comparison_label) : NULL;
}

guint
as_nbest_get_n_items (AsNbest *self)
{
  g_return_val_if_fail (AS_IS_NBEST (self), 0);
  return self->items->len;
}

guint
as_nbest_get_node (AsNbest *self,
                   guint    index)
{
  g_return_val_if_fail (AS_IS_NBEST (self), 0);
  g_return_val_if_fail (index < self->items->len, 0);
  return g_array_index (self->items, Item, index).node;
}

const char *
as_nbest_get_translation (AsNbest *self,
                          guint    index)
{
  g_return_val_if_fail (AS_IS_NBEST (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);
  return g_array_index (self->items, Item, index).translation;
}

const char *
as_nbest_get_numbers (AsNbest *self,
                      guint    index)
{
  g_return_val_if_fail (AS_IS_NBEST (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);
  return g_array_index (self->items, Item, index).numbers;
}

void
as_nbest_set_selected (AsNbest *self,
                       int      index)
{
  g_return_if_fail (AS_IS_NBEST (self));

  self->selecting = TRUE;
  if (index >= 0 && (guint) index < self->items->len)
    gtk_list_box_select_row (self->list, gtk_list_box_get_row_at_index (self->list, index));
  else
    gtk_list_box_unselect_all (self->list);
  self->selecting = FALSE;
}

int
as_nbest_get_selected (AsNbest *self)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (AS_IS_NBEST (self), -1);
  row = gtk_list_box_get_selected_row (self->list);
  return row != NULL ? gtk_list_box_row_get_index (row) : -1;
}

void
as_nbest_activate (AsNbest *self,
                   guint    index)
{
  g_return_if_fail (AS_IS_NBEST (self));
  g_return_if_fail (index < self->items->len);

  as_nbest_set_selected (self, (int) index);
  g_signal_emit (self, signals[HYPOTHESIS_ACTIVATED], 0, g_array_index (self->items, Item, index).node);
}
