/* The main window: a sentence (and optionally a translation of one's own)
 * goes in; the translation, the attention, the decoder steps and the
 * candidates at each step come out.
 *
 * This file is the widget: its template, the entries and the decoding as one
 * types, the steps, the messages, and what the model loader reports. The
 * actions and the keys are in as-window-actions.c, drops in as-window-dnd.c;
 * models are opened, watched and reloaded by an AsModelLoader (one that fails
 * to load never replaces the one in use), and the attention is shown by an
 * AsAttentionView. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "as-window-private.h"

#include "as-decoder-worker.h"

#include "as-settings.h"
#include "as-tooltips.h"

#include "as-error.h"
#include "as-figure.h"

static void run_pending_exports (AsWindow *self);
static gboolean is_blank (const char *text);

#define SPINNER_DELAY_MS  100   /* a decoding still running this long shows the spinner */
#define FRAME_WAIT_MS     8     /* the next frame waits this long at most for a decoding */
#define PLAY_INTERVAL_MS  700
#define INFO_TIMEOUT_S    6
#define TITLE_SENTENCE_CHARS 40   /* the sentence in the title, at most */

typedef struct
{
  char                    *path;
  GApplicationCommandLine *command_line;
} PendingExport;

G_DEFINE_FINAL_TYPE (AsWindow, as_window, GTK_TYPE_APPLICATION_WINDOW)

static const char * const examples[] = {
  "i am hungry .",
  "he is a teacher .",
  "we are friends .",
  "hello world",
  NULL
};

static void
pending_export_free (PendingExport *pending)
{
  g_free (pending->path);
  g_clear_object (&pending->command_line);
  g_free (pending);
}

static char *
file_display_name (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  return path != NULL ? g_filename_display_name (path) : g_file_get_uri (file);
}

/* @message, ending with a full stop (a Chinese one after Chinese). */
static char *
as_sentence (const char *message)
{
  static const char * const stops[] = { ".", "!", "?", "。", "！", "？", NULL };
  gsize length = strlen (message);
  const char *last;

  for (guint i = 0; stops[i] != NULL; i++)
    if (g_str_has_suffix (message, stops[i]))
      return g_strdup (message);
  if (length == 0)
    return g_strdup (message);
  last = g_utf8_find_prev_char (message, message + length);
  if (last != NULL && g_unichar_iswide (g_utf8_get_char (last)))
    return g_strconcat (message, "。", NULL);
  return g_strconcat (message, ".", NULL);
}

/* Messages: one line at the top of the window. */

static void
hide_message (AsWindow *self)
{
  g_clear_handle_id (&self->message_source, g_source_remove);
  gtk_revealer_set_reveal_child (self->message_revealer, FALSE);
  self->message_shown = FALSE;
}

static gboolean
message_timeout (gpointer data)
{
  AsWindow *self = data;

  self->message_source = 0;
  hide_message (self);
  return G_SOURCE_REMOVE;
}

void
_as_window_show_message (AsWindow      *self,
                         AsMessageKind  kind,
                         const char    *text)
{
  static const char * const icons[] = {
    [AS_MESSAGE_INFO] = "dialog-information-symbolic",
    [AS_MESSAGE_WARNING] = "dialog-warning-symbolic",
    [AS_MESSAGE_ERROR] = "dialog-error-symbolic",
  };

  g_autofree char *line = g_strdelimit (g_strdup (text), "\n", ' ');

  g_clear_handle_id (&self->message_source, g_source_remove);

  /* one paragraph: GTK 4.8 mismeasures wrapped labels with line breaks */
  gtk_label_set_text (self->message_label, line);
  gtk_image_set_from_icon_name (self->message_icon, icons[kind]);
  gtk_widget_remove_css_class (self->message_box, "info");
  gtk_widget_remove_css_class (self->message_box, "error");
  if (kind == AS_MESSAGE_INFO)
    gtk_widget_add_css_class (self->message_box, "info");
  else if (kind == AS_MESSAGE_ERROR)
    gtk_widget_add_css_class (self->message_box, "error");

  gtk_revealer_set_reveal_child (self->message_revealer, TRUE);
  self->message_shown = TRUE;

  if (kind == AS_MESSAGE_INFO)
    self->message_source = g_timeout_add_seconds (INFO_TIMEOUT_S, message_timeout, self);
}

/* The note under the entries: it always keeps its line, so that the figure
 * does not move as notes come and go; an icon and a style per kind. */

static void
set_input_note (AsWindow      *self,
                int            kind,
                const char    *text)
{
  static const char * const icons[] = {
    [AS_MESSAGE_INFO] = "dialog-information-symbolic",
    [AS_MESSAGE_WARNING] = "dialog-warning-symbolic",
    [AS_MESSAGE_ERROR] = "dialog-error-symbolic",
  };
  static const char * const classes[] = {
    [AS_MESSAGE_INFO] = "info",
    [AS_MESSAGE_WARNING] = "warning",
    [AS_MESSAGE_ERROR] = "error",
  };
  g_autofree char *line = g_strdelimit (g_strdup (text != NULL ? text : ""), "\n", ' ');

  if (text == NULL || *text == '\0')
    kind = -1;

  gtk_label_set_text (self->input_note_label, line);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (self->input_note_box, classes[i]);
  if (kind >= 0)
    {
      gtk_widget_add_css_class (self->input_note_box, classes[kind]);
      gtk_image_set_from_icon_name (self->input_note_icon, icons[kind]);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->input_note_icon), kind >= 0);
  self->note_kind = kind;
}

static char *
quoted_list (const char * const *words)
{
  /* Translators: between the words of a list ("“xyzzy”, “plugh”") */
  const char *separator = _(", ");
  GString *text = g_string_new (NULL);

  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    g_string_append_printf (text, "%s“%s”", i > 0 ? separator : "", words[i]);

  return g_string_free (text, FALSE);
}

/* Steps */

int
_as_window_get_step (AsWindow *self)
{
  return as_attention_view_get_step (self->attention_view);
}

guint
_as_window_get_n_steps (AsWindow *self)
{
  return self->session != NULL ? as_session_get_n_steps (self->session) : 0;
}

void
_as_window_set_step (AsWindow *self,
                     int       step)
{
  guint n = _as_window_get_n_steps (self);
  g_autofree char *label = NULL;

  if (n == 0)
    step = -1;
  else
    step = CLAMP (step, 0, (int) n - 1);

  as_attention_view_set_step (self->attention_view, step);
  as_candidates_show_step (self->candidates, self->session, step);

  self->syncing = TRUE;
  gtk_adjustment_configure (self->step_adjustment, step + 1, 1, MAX (n, 1), 1, 1, 0);
  self->syncing = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->step_scale), n > 1);

  /* Translators: the decoder step shown, of how many */
  label = n > 0 ? g_strdup_printf (_("Step %d of %u"), step + 1, n) : g_strdup (_("No steps"));
  gtk_label_set_text (self->step_label, label);

  _as_window_actions_update (self);
}

static gboolean
play_tick (gpointer data)
{
  AsWindow *self = data;
  int step = _as_window_get_step (self);

  if (step + 1 >= (int) _as_window_get_n_steps (self))
    {
      self->play_source = 0;
      _as_window_set_playing (self, FALSE);
      return G_SOURCE_REMOVE;
    }

  _as_window_set_step (self, step + 1);
  return G_SOURCE_CONTINUE;
}

void
_as_window_set_playing (AsWindow *self,
                        gboolean  playing)
{
  if (playing && _as_window_get_n_steps (self) > 1)
    {
      if (self->play_source == 0)
        {
          if (_as_window_get_step (self) + 1 >= (int) _as_window_get_n_steps (self))
            _as_window_set_step (self, 0);
          self->play_source = g_timeout_add (PLAY_INTERVAL_MS, play_tick, self);
        }
    }
  else
    {
      playing = FALSE;
      g_clear_handle_id (&self->play_source, g_source_remove);
    }

  _as_window_actions_update (self);
  gtk_button_set_icon_name (self->play_button,
                            playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
  as_tooltip_set_text (GTK_WIDGET (self->play_button),
                       playing ? _("Pause (Space)") : _("Play the decoding step by step (Space)"));
  /* Translators: the play button's name: play or pause the stepping through the decoding */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->play_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, playing ? _("Pause") : _("Play"), -1);
}

/* The session */

/* The title: the sentence, the model and the application, bounded. */
static void
update_title (AsWindow *self)
{
  AsModel *model = as_model_loader_get_model (self->loader);
  GFile *file = as_model_loader_get_file (self->loader);
  /* the model by its file's name ("en-zh-gru"): short, as the Open menu lists it */
  g_autofree char *basename = file != NULL ? g_file_get_basename (file) : NULL;
  GString *title = g_string_new (NULL);

  if (self->session != NULL)
    {
      g_autofree char *sentence = g_strstrip (g_strdup (as_session_get_sentence (self->session)));

      if (g_utf8_strlen (sentence, -1) > TITLE_SENTENCE_CHARS)
        {
          g_autofree char *cut = g_utf8_substring (sentence, 0, TITLE_SENTENCE_CHARS - 1);
          g_string_append_printf (title, "%s… — ", g_strchomp (cut));
        }
      else if (*sentence != '\0')
        g_string_append_printf (title, "%s — ", sentence);
    }
  if (basename != NULL && g_str_has_suffix (basename, ".json"))
    basename[strlen (basename) - strlen (".json")] = '\0';
  if (model != NULL)
    /* Translators: in the window title, for a model that has no file name */
    g_string_append_printf (title, "%s — ", basename != NULL ? basename : _("unnamed model"));
  g_string_append (title, "AttnScope");

  gtk_window_set_title (GTK_WINDOW (self), title->str);
  gtk_label_set_text (self->title_label, title->str);
  g_string_free (title, TRUE);
}

/* The beam: the n-best list and the tree of the session's beam search
 * (empty without one), the best hypothesis selected in both. */

/* The drawn node of the tree that shows the session's @node, or -1. */
static int
tree_index_of (AsWindow *self,
               guint     node)
{
  for (guint i = 0; i < as_beam_tree_get_n_nodes (self->beam_tree); i++)
    if (as_beam_tree_get_node (self->beam_tree, i) == node)
      return (int) i;
  return -1;
}

/* The next frame (once the tree has its size): the tree's scroller brings
 * the selected node into view. */
static gboolean
scroll_to_beam_node (GtkWidget     *tree,
                     GdkFrameClock *clock,
                     gpointer       data)
{
  AsWindow *self = AS_WINDOW (data);
  GtkScrolledWindow *scroller = GTK_SCROLLED_WINDOW (self->beam_tree_scroller);
  int i = as_beam_tree_get_selected (self->beam_tree);
  graphene_rect_t r;
  graphene_point_t p;

  if (i >= 0)
    {
      GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (scroller);
      GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (scroller);

      as_beam_tree_get_node_bounds (self->beam_tree, (guint) i, &r);
      /* until the scroller has the tree's new size (a few frames at most:
       * a page not shown never gets it) */
      gboolean placed = gtk_widget_compute_point (tree, gtk_widget_get_parent (tree), &r.origin, &p);

      if (self->beam_scroll_frames++ < 30 &&
          (!placed || gtk_adjustment_get_upper (h) < p.x + r.size.width ||
           gtk_adjustment_get_upper (v) < p.y + r.size.height))
        return G_SOURCE_CONTINUE;
      if (placed)
        {
          gtk_adjustment_clamp_page (h, p.x - 12, p.x + r.size.width + 12);
          gtk_adjustment_clamp_page (v, p.y - 12, p.y + r.size.height + 12);
        }
    }
  self->beam_scroll_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
select_beam_node (AsWindow *self,
                  guint     node)
{
  int rank = -1;

  for (guint r = 0; r < as_nbest_get_n_items (self->nbest); r++)
    if (as_nbest_get_node (self->nbest, r) == node)
      rank = (int) r;
  as_nbest_set_selected (self->nbest, rank);
  as_beam_tree_set_selected (self->beam_tree, tree_index_of (self, node));
  self->beam_scroll_frames = 0;
  if (self->beam_scroll_tick == 0)
    self->beam_scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->beam_tree), scroll_to_beam_node,
                                                           self, NULL);
}

static void
update_beam (AsWindow *self)
{
  gboolean has_tree = self->session != NULL && as_session_get_beam_width (self->session) > 0;

  const char *hint = NULL;

  /* a beam asked for, but something else is shown */
  if (!has_tree && self->beam_width > 1 && self->session != NULL)
    {
      if (self->branched)
        hint = _("A candidate you picked is shown: Back brings the beam's translations again.");
      else if (!is_blank (gtk_editable_get_text (GTK_EDITABLE (self->target_entry))))
        hint = _("Your translation is shown, with the model's probabilities of its tokens: empty "
                 "“Your translation” to see the beam's translations.");
    }

  as_nbest_set_empty_hint (self->nbest, hint);
  as_nbest_set_session (self->nbest, has_tree ? self->session : NULL);
  as_beam_tree_set_session (self->beam_tree, has_tree ? self->session : NULL);
  gtk_label_set_text (GTK_LABEL (self->beam_tree_heading),
                      /* Translators: the line above the beam tree, short (the tooltip explains) */
                      has_tree ? _("Outlined: ended · faded: pruned")
                               : hint != NULL ? hint : _("Set the beam width above 1 to see the beam search as a tree."));
  as_tooltip_set_text (self->beam_tree_heading,
                       has_tree ? _("A column per step, best first; outlined: ended, faded: pruned. Click a "
                                    "node (or use the arrow keys and Enter) to show that translation so far.")
                                : _("Set the beam width above 1 to see the beam search as a tree."));
  gtk_widget_set_visible (GTK_WIDGET (self->beam_tree), has_tree);
  if (has_tree && as_session_get_n_hypotheses (self->session) > 0)
    select_beam_node (self, as_session_get_hypothesis (self->session, 0));
}

static void
show_session (AsWindow  *self,
              AsSession *session,
              int        step)
{
  g_autofree char *translation = NULL;

  if (self->session != session)
    {
      g_clear_pointer (&self->session, as_session_free);
      self->session = session;
    }

  as_attention_view_set_session (self->attention_view, self->session);

  if (self->session != NULL && as_session_get_n_steps (self->session) > 0)
    translation = as_session_get_translation (self->session);
  /* the label shows one line: all of it in the tooltip (as_tooltip_from_label) */
  gtk_label_set_text (self->translation_label, translation != NULL ? translation : "");

  _as_window_set_step (self, step < 0 ? (int) _as_window_get_n_steps (self) - 1 : step);
  update_title (self);
  if (!self->showing_node)
    update_beam (self);
}

static gboolean
is_blank (const char *text)
{
  for (; text != NULL && *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}

/* The word the caret of @entry ends, while it is being typed: the entry has
 * the focus, the caret is at the end of the text or before white space, and
 * a word character is before it. NULL otherwise. */
static char *
word_being_typed (AsSentenceEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  int position = gtk_editable_get_position (GTK_EDITABLE (entry));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (entry));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  const char *caret, *start;

  if (focus == NULL || (focus != GTK_WIDGET (entry) && !gtk_widget_is_ancestor (focus, GTK_WIDGET (entry))))
    return NULL;
  if (position <= 0 || (glong) position > g_utf8_strlen (text, -1))
    return NULL;

  caret = g_utf8_offset_to_pointer (text, position);
  if (*caret != '\0' && !g_unichar_isspace (g_utf8_get_char (caret)))
    return NULL;
  start = caret;
  while (start > text)
    {
      const char *previous = g_utf8_prev_char (start);

      if (g_unichar_isspace (g_utf8_get_char (previous)))
        break;
      start = previous;
    }
  if (start == caret || !g_unichar_isalnum (g_utf8_get_char (g_utf8_prev_char (caret))))
    return NULL;

  return g_strndup (start, caret - start);
}

/* The unknown words of @session, leaving out the word being typed in the
 * sentence's entry (it is reported once it is finished). */
static GPtrArray *
unknown_source_words (AsWindow  *self,
                      AsSession *session)
{
  const char * const *unknown = as_session_get_unknown_words (session);
  const AsVocab *source = as_model_get_source (as_session_get_model (session));
  g_autofree char *typing = self->typed ? word_being_typed (self->source_entry) : NULL;
  g_auto (GStrv) typing_tokens = typing != NULL ? as_tokenize (typing, source->tokenizer, source->lowercase) : NULL;
  GPtrArray *words = g_ptr_array_new ();

  for (guint i = 0; unknown != NULL && unknown[i] != NULL; i++)
    {
      guint in_sentence = 0, in_typing = 0;

      for (guint t = 0; t < as_session_get_n_source (session); t++)
        if (g_strcmp0 (as_session_get_source_text (session, t), unknown[i]) == 0)
          in_sentence++;
      for (guint t = 0; typing_tokens != NULL && typing_tokens[t] != NULL; t++)
        if (g_strcmp0 (typing_tokens[t], unknown[i]) == 0)
          in_typing++;
      /* also typed elsewhere, and finished there */
      if (in_sentence > in_typing || in_typing == 0)
        g_ptr_array_add (words, (gpointer) unknown[i]);
    }

  return words;
}

/* The tokens of @target that the target vocabulary lacks, distinct, in order. */
static GPtrArray *
unknown_target_words (AsModel    *model,
                      const char *target)
{
  const AsVocab *vocab = as_model_get_target (model);
  g_auto (GStrv) tokens = as_tokenize (target, vocab->tokenizer, vocab->lowercase);
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; tokens[i] != NULL; i++)
    if (as_vocab_lookup (vocab, tokens[i]) < 0 &&
        !g_ptr_array_find_with_equal_func (words, tokens[i], g_str_equal, NULL))
      g_ptr_array_add (words, g_strdup (tokens[i]));

  return words;
}

/* Whether most of @words (unknown to the source side) are known to the
 * target side: someone typed the target language into the sentence's field. */
static gboolean
words_look_like_target (AsModel          *model,
                        const char * const *words,
                        guint             n)
{
  const AsVocab *target = as_model_get_target (model);
  guint known = 0;

  for (guint i = 0; i < n; i++)
    {
      g_auto (GStrv) tokens = as_tokenize (words[i], target->tokenizer, target->lowercase);
      guint n_tokens = g_strv_length (tokens), found = 0;

      for (guint t = 0; t < n_tokens; t++)
        found += as_vocab_lookup (target, tokens[t]) >= 0;
      if (n_tokens > 0 && found * 2 >= n_tokens)
        known++;
    }

  return n > 0 && known * 2 >= n;
}

static const char *
language_name (const char *tag)
{
  /* Translators: language names, as in "This model translates English into Chinese" */
  static const struct { const char *tag; const char *name; } names[] = {
    { "en", N_("English") },
    { "zh", N_("Chinese") },
    { "fr", N_("French") },
    { "de", N_("German") },
    { "es", N_("Spanish") },
    { "ja", N_("Japanese") },
    { "ko", N_("Korean") },
    { "ru", N_("Russian") },
    { "it", N_("Italian") },
    { "pt", N_("Portuguese") },
  };

  if (tag == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strncasecmp (tag, names[i].tag, 2) == 0 && (tag[2] == '\0' || tag[2] == '-' || tag[2] == '_'))
      return _(names[i].name);
  return tag;
}

/* "This model translates English into Chinese", or from its source side
 * into its target side where the file names no language. */
static char *
model_languages (AsModel *model)
{
  const char *source = language_name (as_model_get_source_language (model));
  const char *target = language_name (as_model_get_target_language (model));

  /* Translators: the source and the target language's names */
  if (source != NULL && target != NULL)
    return g_strdup_printf (_("This model translates %s into %s"), source, target);
  return g_strdup (_("This model translates from the language of its source vocabulary into that of its target vocabulary"));
}

/* One's own translation (forced in @session) scored against the model's
 * own: in full for the beam's panel, or in a line for the note. */
static char *
compare_scores (AsWindow  *self,
                AsSession *session,
                gboolean   full)
{
  AsScore mine, own = self->own_score;
  g_autofree char *mine_total = NULL, *mine_norm = NULL, *own_total = NULL, *own_norm = NULL;
  g_autofree char *verdict = NULL;
  double gap;

  as_session_get_score (session, &mine);
  if (mine.length == 0 || own.length == 0)
    return NULL;
  mine_total = as_nbest_format_logprob (mine.total);
  mine_norm = as_nbest_format_logprob (mine.normalised);
  own_total = as_nbest_format_logprob (own.total);
  own_norm = as_nbest_format_logprob (own.normalised);
  /* per token: the two may differ in length */
  gap = own.normalised - mine.normalised;

  if (fabs (gap) < 0.005)
    verdict = g_strdup (_("The model scores both the same per token."));
  else if (gap > 0)
    /* Translators: a difference of log-probabilities per token, in nats,
     * then e to that power ("2.97") */
    verdict = g_strdup_printf (_("The model prefers its own by %.2f nats per token: each of its tokens is "
                                 "on average %.2f times as probable."), gap, exp (gap));
  else
    verdict = g_strdup_printf (_("The model prefers your translation by %.2f nats per token: each of its "
                                 "tokens is on average %.2f times as probable."), -gap, exp (-gap));

  /* Translators: scores per token (log-probabilities, "−1.30"), then
   * their difference in nats */
  if (!full && fabs (gap) < 0.005)
    return g_strdup_printf (_("Your translation scores %s per token, as does the model's own."), mine_norm);
  if (!full && gap > 0)
    return g_strdup_printf (_("Your translation scores %s per token, the model's own %s: the model prefers its "
                              "own by %.2f nats per token."), mine_norm, own_norm, gap);
  if (!full)
    return g_strdup_printf (_("Your translation scores %s per token, the model's own %s: the model prefers yours "
                              "by %.2f nats per token."), mine_norm, own_norm, -gap);

  /* Translators: a translation's total log-probability, that per token,
   * its number of tokens and its perplexity; then the model's own
   * translation and the same of it; then a sentence */
  return g_strdup_printf (_("Your translation: log-probability %s, %s per token (%u tokens), perplexity %.2f.\n"
                            "The model's own, “%s”: log-probability %s, %s per token (%u tokens), perplexity %.2f.\n"
                            "%s"),
                          mine_total, mine_norm, mine.length, mine.perplexity,
                          self->own_translation != NULL ? self->own_translation : "",
                          own_total, own_norm, own.length, own.perplexity, verdict);
}

/* The note that goes with @session as decoded (@error: how it failed). */
static void
update_note (AsWindow     *self,
             AsSession    *session,
             const char   *target,
             const GError *error)
{
  AsModel *model = as_session_get_model (session);
  g_autoptr (GPtrArray) unknown = unknown_source_words (self, session);
  g_autoptr (GPtrArray) unknown_target = NULL;
  GString *note = g_string_new (NULL);
  int kind = -1;
  guint n = as_session_get_n_steps (session);

  if (error != NULL)
    {
      set_input_note (self, AS_MESSAGE_ERROR, error->message);
      g_string_free (note, TRUE);
      return;
    }

  if (unknown->len > 0)
    {
      const AsVocab *source = as_model_get_source (model);
      g_autofree char *words = NULL;

      g_ptr_array_add (unknown, NULL);
      words = quoted_list ((const char * const *) unknown->pdata);
      /* Translators: the words (each in quotes, separated by commas) and the unknown token, "<unk>" */
      g_string_append_printf (note, _("Not in the model's vocabulary (marked ? in the heatmap): %s. "
                                      "The model reads each as “%s” and cannot know what it means."),
                              words, as_vocab_get_token (source, source->unknown));
      if (words_look_like_target (model, (const char * const *) unknown->pdata, unknown->len - 1))
        {
          g_autofree char *languages = model_languages (model);
          /* Translators: follows the sentence above; %s is "This model translates English into Chinese" */
          g_string_append_printf (note, _(" %s: this looks like the target side, which goes under "
                                          "“Your translation”."), languages);
        }
      kind = AS_MESSAGE_WARNING;
    }

  if (!is_blank (target))
    {
      unknown_target = unknown_target_words (model, target);
      if (unknown_target->len > 0)
        {
          const AsVocab *vocab = as_model_get_target (model);
          g_autofree char *words = NULL;

          g_ptr_array_add (unknown_target, NULL);
          words = quoted_list ((const char * const *) unknown_target->pdata);
          if (note->len > 0)
            g_string_append_c (note, ' ');
          /* Translators: the words (each in quotes, separated by commas) and the unknown token, "<unk>" */
          g_string_append_printf (note, _("Not in the target vocabulary (marked ? in the heatmap): %s. "
                                          "The model reads each as “%s”."),
                                  words, vocab->unknown >= 0 ? as_vocab_get_token (vocab, vocab->unknown) : "?");
          kind = AS_MESSAGE_WARNING;
        }
    }

  if (is_blank (target) && n > 0 && as_session_get_step (session, n - 1)->output != as_model_get_target (model)->end &&
      n >= as_session_get_max_length (session))
    {
      if (note->len > 0)
        g_string_append_c (note, ' ');
      /* Translators: “Max steps” is the label of the spin button beside the note */
      g_string_append_printf (note, _("The translation was cut at the maximum of %u steps before the model ended it: "
                                      "raise “Max steps” to let it go on."), as_session_get_max_length (session));
      kind = AS_MESSAGE_WARNING;
    }

  if (self->branched)
    {
      if (note->len > 0)
        g_string_append_c (note, ' ');
      /* Translators: %d is the step; “Back” is the button that undoes it */
      g_string_append_printf (note, self->branch_target != NULL
                                    ? _("Continued with your choice at step %d, then the model's own tokens: your "
                                        "translation was put aside (Back brings it again).")
                                    : _("Continued with your choice at step %d, then the model's own tokens "
                                        "(Back brings the model's translation again)."),
                              self->branch_step + 1);
      if (kind < 0)
        kind = AS_MESSAGE_INFO;
    }
  else if (!is_blank (target) && kind < 0)
    {
      g_autofree char *compared = self->has_own ? compare_scores (self, session, FALSE) : NULL;

      /* the comparison first: the line is cut at the window's width */
      if (compared != NULL)
        g_string_append_printf (note, "%s ", compared);
      g_string_append (note, _("Showing your translation: each row gives the model's probability of your token."));
      kind = AS_MESSAGE_INFO;
    }

  set_input_note (self, kind, note->str);
  g_string_free (note, TRUE);
}

/* The maximum length: the one chosen in the window, else the model's for
 * this sentence, which the spin button then shows. */
static void
apply_max_length (AsWindow  *self,
                  AsSession *session)
{
  if (self->max_length > 0)
    as_session_set_max_length (session, self->max_length);

  self->syncing = TRUE;
  gtk_adjustment_set_value (self->max_length_adjustment, as_session_get_max_length (session));
  self->syncing = FALSE;
}

static void
forget_branch (AsWindow *self)
{
  self->branched = FALSE;
  g_clear_pointer (&self->branch_target, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), FALSE);
  if (self->loader != NULL)
    _as_window_actions_update (self);
}

/* Decoding as one types: each change bumps the generation and asks for a
 * decoding of the text as it is now, in a worker thread. One decoding is in
 * flight at most: a change while it runs cancels it (it stops between two
 * decoder steps) and the latest text is decoded once it has stopped. A
 * result whose generation is not the latest is dropped; until the new one
 * comes, the previous one stays on screen, and the spinner shows when it
 * takes longer than SPINNER_DELAY_MS. A short sentence is decoded in a few
 * milliseconds: the frame after the key waits for it (FRAME_WAIT_MS at
 * most, once), so that the key and its result reach the screen together;
 * not where the last decoding took more than half that (a long sentence),
 * since the frame would then only come late. */

typedef struct
{
  GWeakRef window;
  guint64  generation;
} DecodeCall;

static void start_decoding (AsWindow *self);

static gboolean
show_spinner (gpointer data)
{
  AsWindow *self = data;

  self->spinner_source = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->decode_spinner), TRUE);
  gtk_spinner_start (self->decode_spinner);
  return G_SOURCE_REMOVE;
}

static void
hide_spinner (AsWindow *self)
{
  g_clear_handle_id (&self->spinner_source, g_source_remove);
  gtk_spinner_stop (self->decode_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->decode_spinner), FALSE);
}

/* The result of the latest text, as decoded in the worker. */
static void
show_result (AsWindow       *self,
             AsDecodeResult *result)
{
  const char *target = gtk_editable_get_text (GTK_EDITABLE (self->target_entry));
  int step = self->decode_step;

  self->decode_step = -1;
  if (result->session == NULL)
    {
      self->has_own = FALSE;
      as_nbest_set_comparison (self->nbest, NULL);
      show_session (self, NULL, -1);
      set_input_note (self, AS_MESSAGE_ERROR, result->error->message);
      return;
    }

  apply_max_length (self, result->session);
  self->has_own = result->has_own;
  self->own_score = result->own_score;
  g_free (self->own_translation);
  self->own_translation = g_steal_pointer (&result->own_translation);
  {
    g_autofree char *compared = self->has_own && result->error == NULL
                                ? compare_scores (self, result->session, TRUE) : NULL;

    as_nbest_set_comparison (self->nbest, compared);
  }
  update_note (self, result->session, target, result->error);
  show_session (self, g_steal_pointer (&result->session), step);
}

static void
decoding_done (GObject      *source,
               GAsyncResult *async_result,
               gpointer      data)
{
  DecodeCall *call = data;
  g_autoptr (AsWindow) self = g_weak_ref_get (&call->window);
  guint64 generation = call->generation;
  /* NULL where the frame took it (frame_tick) */
  g_autoptr (AsDecodeResult) result = as_decode_finish (async_result, NULL);

  g_weak_ref_clear (&call->window);
  g_free (call);
  if (self == NULL)   /* the window is gone */
    return;

  g_clear_object (&self->decode_cancellable);
  g_clear_object (&self->decode_task);
  if (result != NULL)
    self->last_decode_time = g_get_monotonic_time () - self->decode_started;
  if (result != NULL && generation == self->generation)
    show_result (self, result);

  if (self->decode_queued)
    start_decoding (self);
  else if (self->blank_source == 0)
    {
      hide_spinner (self);
      run_pending_exports (self);
    }
}

/* The frame after a decoding started: where it is still the latest, it may
 * end within FRAME_WAIT_MS, and its result is then drawn in this frame. */
static gboolean
frame_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       data)
{
  AsWindow *self = AS_WINDOW (widget);

  self->tick_id = 0;
  /* only where the last decoding took at most half the wait: else the
   * frame may wait in vain and come late (a long sentence, whose decoding
   * takes about as long as the wait or longer) */
  if (self->decode_task != NULL && self->decode_generation == self->generation &&
      self->last_decode_time <= FRAME_WAIT_MS * 1000 / 2)
    {
      g_autoptr (AsDecodeResult) result = NULL;

      self->frame_waits++;
      result = as_decode_wait (self->decode_task, g_get_monotonic_time () + FRAME_WAIT_MS * 1000);
      if (result != NULL)
        self->last_decode_time = g_get_monotonic_time () - self->decode_started;
      if (result != NULL && self->decode_generation == self->generation)
        show_result (self, result);
    }
  return G_SOURCE_REMOVE;
}

static void
start_decoding (AsWindow *self)
{
  DecodeCall *call = g_new0 (DecodeCall, 1);

  g_assert (self->decode_cancellable == NULL);

  self->decode_queued = FALSE;
  self->decode_cancellable = g_cancellable_new ();
  self->decode_generation = self->generation;
  self->decode_started = g_get_monotonic_time ();
  g_weak_ref_init (&call->window, self);
  call->generation = self->generation;
  self->decode_task = as_decode_async_full (as_model_loader_get_model (self->loader),
                                            gtk_editable_get_text (GTK_EDITABLE (self->source_entry)),
                                            gtk_editable_get_text (GTK_EDITABLE (self->target_entry)),
                                            self->max_length,
                                            self->beam_width,
                                            self->decode_cancellable,
                                            decoding_done, call);
  if (self->tick_id == 0 && gtk_widget_get_realized (GTK_WIDGET (self)))
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), frame_tick, NULL, NULL);

  if (self->spinner_source == 0 && !gtk_widget_get_visible (GTK_WIDGET (self->decode_spinner)))
    self->spinner_source = g_timeout_add (self->spinner_delay_ms, show_spinner, self);
}

/* A blank sentence (or no model): nothing to show. On the next turn of the
 * main loop, not at once: replacing the text (Ctrl+A and a key, a paste,
 * as_window_set_sentence) empties it first, and the figure is not to be
 * emptied and made again on the way. */
static gboolean
show_blank (gpointer data)
{
  AsWindow *self = data;

  self->blank_source = 0;
  show_session (self, NULL, -1);
  set_input_note (self, -1, NULL);
  if (self->decode_cancellable == NULL)
    {
      hide_spinner (self);
      run_pending_exports (self);
    }
  return G_SOURCE_REMOVE;
}

/* Decodes the text as it is now, showing @step of the result (-1: the last). */
static void
decode (AsWindow *self,
        int       step)
{
  const char *sentence = gtk_editable_get_text (GTK_EDITABLE (self->source_entry));
  AsModel *model = as_model_loader_get_model (self->loader);

  self->generation++;
  self->decode_step = step;
  _as_window_set_playing (self, FALSE);
  g_clear_handle_id (&self->blank_source, g_source_remove);

  if (model == NULL || is_blank (sentence))
    {
      /* nothing to decode; whatever is in flight is stale */
      if (self->decode_cancellable != NULL)
        g_cancellable_cancel (self->decode_cancellable);
      self->decode_queued = FALSE;
      self->blank_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, show_blank, self, NULL);
      return;
    }

  if (self->decode_cancellable != NULL)
    {
      g_cancellable_cancel (self->decode_cancellable);
      self->decode_queued = TRUE;
      return;
    }

  start_decoding (self);
}

static void
input_changed (AsWindow *self)
{
  if (self->syncing)
    return;
  self->typed = !self->setting_text;
  forget_branch (self);
  decode (self, -1);
}

/* The sentence's entry lost the focus: the word typed last is finished
 * (a note of an error stays as it is). */
static void
source_focus_left (AsWindow *self)
{
  if (self->loader != NULL && self->session != NULL && !as_window_is_decoding (self) && !self->branched &&
      self->note_kind != AS_MESSAGE_ERROR)
    {
      const char *target = gtk_editable_get_text (GTK_EDITABLE (self->target_entry));

      update_note (self, self->session, target, NULL);
    }
}

static void
max_length_changed (AsWindow      *self,
                    GtkAdjustment *adjustment)
{
  if (self->syncing || self->loader == NULL)   /* still being built */
    return;
  self->max_length = (guint) gtk_adjustment_get_value (adjustment);
  forget_branch (self);
  decode (self, -1);
}

static void
beam_width_changed (AsWindow      *self,
                    GtkAdjustment *adjustment)
{
  guint width = (guint) gtk_adjustment_get_value (adjustment);

  if (self->syncing || self->loader == NULL || width == self->beam_width)
    return;
  /* a beam asked for: its list and tree are what one wants to see */
  if (width > 1 && self->beam_width <= 1)
    gtk_notebook_set_current_page (self->side_notebook,
                                   is_blank (gtk_editable_get_text (GTK_EDITABLE (self->target_entry))) ? 2 : 1);
  self->beam_width = width;
  forget_branch (self);
  decode (self, -1);
}

/* A hypothesis of the n-best, or a node of the tree (a prefix), chosen:
 * its steps, attention and candidates are shown; the list and the tree
 * stay, with it selected. */
static void
beam_node_activated (AsWindow *self,
                     guint     node,
                     gpointer  source)
{
  g_autoptr (GError) error = NULL;

  if (self->session == NULL || as_window_is_decoding (self) ||
      node >= as_session_get_n_beam_nodes (self->session))
    return;
  _as_window_set_playing (self, FALSE);
  if (!as_session_show_beam_node (self->session, node, &error))
    {
      _as_window_show_message (self, AS_MESSAGE_ERROR, error->message);
      return;
    }
  self->showing_node = TRUE;
  show_session (self, self->session, -1);
  self->showing_node = FALSE;
  select_beam_node (self, node);
}

/* A candidate picked: the translation goes on from there with it, greedily.
 * Where one's own translation was shown, the branch replaces it: the entry
 * is emptied (and kept, for Back) so that the entry, the note and the
 * figure all describe what is shown. */
static void
candidate_activated (AsWindow *self,
                     guint     step,
                     int       token,
                     gpointer  candidates)
{
  g_autoptr (GError) error = NULL;
  const char *target = gtk_editable_get_text (GTK_EDITABLE (self->target_entry));
  gboolean first_branch = !self->branched;

  /* the candidates shown are of a text that has changed since: the pick is
   * dropped, as that text's result is, for the one being decoded */
  if (self->session == NULL || as_window_is_decoding (self))
    return;

  _as_window_set_playing (self, FALSE);
  if (!as_session_decode_from (self->session, step, token, &error))
    {
      _as_window_show_message (self, AS_MESSAGE_ERROR, error->message);
      return;
    }

  if (first_branch)
    {
      self->branch_target = is_blank (target) ? NULL : g_strdup (target);
      self->branch_step = (int) step;
    }
  self->branched = TRUE;
  self->branch_step = MIN (self->branch_step, (int) step);
  if (!is_blank (target))
    {
      self->syncing = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->target_entry), "");
      self->syncing = FALSE;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), TRUE);

  update_note (self, self->session, "", NULL);
  show_session (self, self->session, (int) step);
}

void
_as_window_branch_back (AsWindow *self)
{
  g_autofree char *target = NULL;
  int step;

  if (!self->branched)
    return;

  target = g_steal_pointer (&self->branch_target);
  step = self->branch_step;
  forget_branch (self);

  self->syncing = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->target_entry), target != NULL ? target : "");
  self->syncing = FALSE;
  decode (self, step);
}

static void
attention_view_step_activated (AsWindow        *self,
                               int              step,
                               AsAttentionView *view)
{
  _as_window_set_playing (self, FALSE);
  _as_window_set_step (self, step);
}

static void
step_adjustment_changed (AsWindow      *self,
                         GtkAdjustment *adjustment)
{
  int step = (int) lround (gtk_adjustment_get_value (adjustment)) - 1;

  if (self->syncing || step == _as_window_get_step (self))
    return;

  _as_window_set_step (self, step);
}

/* The model */

static char *
format_count (guint64 n)
{
  /* Translators: a count of parameters in millions ("12 M", "1.6 M") and
   * in thousands ("25 k") */
  if (n >= 10000000)
    return g_strdup_printf (_("%.0f M"), n / 1e6);
  if (n >= 1000000)
    return g_strdup_printf (_("%.1f M"), n / 1e6);
  if (n >= 10000)
    return g_strdup_printf (_("%.0f k"), n / 1e3);
  return g_strdup_printf ("%" G_GUINT64_FORMAT, n);
}

static void
update_model_label (AsWindow *self)
{
  g_autofree char *text = NULL;
  g_autofree char *describe = NULL;
  g_autofree char *parameters = NULL;
  g_autofree char *architecture = NULL;
  g_autofree char *file = NULL;
  AsModel *model = as_model_loader_get_model (self->loader);
  GFile *model_file = as_model_loader_get_file (self->loader);
  const char *name, *license;

  if (model == NULL)
    {
      gtk_label_set_text (self->model_label, _("No model loaded"));
      as_tooltip_set_text (GTK_WIDGET (self->model_label), NULL);
      return;
    }

  file = model_file != NULL ? g_file_get_basename (model_file) : NULL;
  name = as_model_get_metadata (model, "name");
  license = as_model_get_metadata (model, "license");
  parameters = format_count (as_model_get_n_parameters (model));
  {
    guint n_encoder, n_decoder, n_heads;

    /* a model with attention layers of its own says how many */
    if (as_model_get_attention_shape (model, AS_ATTENTION_ENCODER_SELF, &n_encoder, &n_heads) &&
        as_model_get_attention_shape (model, AS_ATTENTION_CROSS, &n_decoder, &n_heads))
      /* Translators: the architecture's name ("transformer"), its encoder
       * + decoder layers and its heads per layer */
      architecture = g_strdup_printf (ngettext ("%s (%u + %u layers, %u head)", "%s (%u + %u layers, %u heads)",
                                                n_heads),
                                      as_model_get_architecture_name (model), n_encoder, n_decoder, n_heads);
    else
      architecture = g_strdup (as_model_get_architecture_name (model));
  }
  /* Translators: the model's name, architecture, number of parameters
   * ("1.6 M"), source → target vocabulary sizes and licence (from the file) */
  text = g_strdup_printf (_("Model: %s  ·  %s  ·  %s parameters  ·  vocabulary %u → %u  ·  licence %s"),
                          /* Translators: a model that names itself nowhere */
                          name != NULL ? name : (file != NULL ? file : _("unnamed")),
                          architecture,
                          parameters,
                          as_model_get_source (model)->size,
                          as_model_get_target (model)->size,
                          /* Translators: the licence, when the model file names none */
                          license != NULL ? license : _("not stated"));
  gtk_label_set_text (self->model_label, text);

  describe = as_model_describe (model);
  as_tooltip_set_text (GTK_WIDGET (self->model_label), describe);
}

/* A sentence the model knows every word of, so that the first thing one sees
 * is a real translation. */
static char *
choose_example (AsModel *model)
{
  const AsVocab *source = as_model_get_source (model);
  GString *text;
  guint n = 0;

  for (guint i = 0; examples[i] != NULL; i++)
    {
      g_autoptr (AsSession) session = as_session_new (model, examples[i], NULL);
      const char * const *unknown;

      if (session == NULL)
        continue;
      unknown = as_session_get_unknown_words (session);
      if (unknown == NULL || unknown[0] == NULL)
        return g_strdup (examples[i]);
    }

  /* else the first few ordinary words of its vocabulary */
  text = g_string_new (NULL);
  for (guint id = 0; id < source->size && n < 3; id++)
    {
      if ((int) id == source->start || (int) id == source->end ||
          (int) id == source->unknown || (int) id == source->padding)
        continue;
      if (n++ > 0)
        g_string_append (text, as_tokenizer_type_join (source->tokenizer));
      g_string_append (text, as_vocab_get_token (source, id));
    }

  return g_string_free (text, FALSE);
}

/* Text of a side is drawn in its language (the right regional glyphs and
 * fonts: Simplified Chinese, not Japanese forms), where the model names it. */
static PangoAttrList *
language_attributes (const char *language)
{
  PangoAttrList *attributes = pango_attr_list_new ();

  if (language != NULL)
    pango_attr_list_insert (attributes, pango_attr_language_new (pango_language_from_string (language)));
  return attributes;
}

static void
apply_languages (AsWindow *self)
{
  AsModel *model = as_model_loader_get_model (self->loader);
  const char *source = model != NULL ? as_model_get_source_language (model) : NULL;
  const char *target = model != NULL ? as_model_get_target_language (model) : NULL;
  g_autoptr (PangoAttrList) source_attributes = language_attributes (source);
  g_autoptr (PangoAttrList) target_attributes = language_attributes (target);

  as_sentence_entry_set_attributes (self->source_entry, source_attributes);
  as_sentence_entry_set_attributes (self->target_entry, target_attributes);
  gtk_label_set_attributes (self->translation_label, target_attributes);
  as_candidates_set_language (self->candidates, target);
}

static void
run_pending_exports (AsWindow *self)
{
  g_autoptr (GPtrArray) pending = NULL;

  if (as_model_loader_is_loading (self->loader) || as_window_is_decoding (self) ||
      self->pending_exports->len == 0)
    return;

  pending = g_steal_pointer (&self->pending_exports);
  self->pending_exports = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_export_free);

  for (guint i = 0; i < pending->len; i++)
    {
      PendingExport *p = g_ptr_array_index (pending, i);

      as_window_export_to (self, p->path, p->command_line);
    }
}

static void
model_loaded (AsWindow      *self,
              GFile         *file,
              gboolean       reloaded,
              AsModelLoader *loader)
{
  g_autofree char *name = file_display_name (file);

  update_model_label (self);
  apply_languages (self);

  /* nothing typed is ever replaced: the example goes only into an empty entry */
  if (is_blank (gtk_editable_get_text (GTK_EDITABLE (self->source_entry))))
    {
      g_autofree char *example = choose_example (as_model_loader_get_model (loader));

      self->setting_text = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->source_entry), example);
      self->setting_text = FALSE;
      /* the caret after the example, nothing selected: the first key typed
       * goes on from it, or Ctrl+A replaces it */
      gtk_editable_set_position (GTK_EDITABLE (self->source_entry), -1);
    }

  forget_branch (self);
  decode (self, -1);
  if (!reloaded)
    {
      _as_window_settings_add_recent (self, file);
      _as_window_actions_update_open_menu (self);
    }

  if (reloaded)
    {
      /* Translators: the model file's name */
      g_autofree char *text = g_strdup_printf (_("Reloaded “%s”, which changed on disk."), name);

      _as_window_show_message (self, AS_MESSAGE_INFO, text);
    }
  else if (self->message_shown)
    hide_message (self);

  run_pending_exports (self);
}

static void
model_failed (AsWindow      *self,
              GFile         *file,
              gboolean       reloaded,
              const GError  *error,
              AsModelLoader *loader)
{
  g_autofree char *name = file_display_name (file);
  g_autofree char *reason = as_sentence (error->message);
  g_autofree char *text = NULL;

  /* Translators: the model file's name, then why it could not be loaded
   * (a sentence, from the loader) */
  if (reloaded)
    text = g_strdup_printf (_("“%s” changed on disk and cannot be loaded: %s "
                              "The version loaded before stays in use."), name, reason);
  else if (as_model_loader_get_model (loader) != NULL)
    text = g_strdup_printf (_("Could not open “%s”: %s The model already loaded stays in use."),
                            name, reason);
  else
    text = g_strdup_printf (_("Could not open the model “%s”: %s "
                              "Open one with the Open button, or drop one on this window."),
                            name, reason);
  _as_window_show_message (self, AS_MESSAGE_ERROR, text);

  run_pending_exports (self);
}

/* GObject */

static void
as_window_dispose (GObject *object)
{
  AsWindow *self = AS_WINDOW (object);

  if (self->loader != NULL)
    {
      /* cancels a load in progress */
      g_signal_handlers_disconnect_by_data (self->loader, self);
      g_clear_object (&self->loader);
    }
  /* a decoding in flight stops at its next step; its result is dropped */
  if (self->decode_cancellable != NULL)
    g_cancellable_cancel (self->decode_cancellable);
  g_clear_object (&self->decode_cancellable);
  g_clear_object (&self->decode_task);
  self->decode_queued = FALSE;
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  if (self->beam_scroll_tick != 0 && self->beam_tree != NULL)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->beam_tree), self->beam_scroll_tick);
  self->beam_scroll_tick = 0;
  g_clear_handle_id (&self->spinner_source, g_source_remove);
  g_clear_handle_id (&self->blank_source, g_source_remove);
  g_clear_handle_id (&self->play_source, g_source_remove);
  g_clear_handle_id (&self->message_source, g_source_remove);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), AS_TYPE_WINDOW);

  G_OBJECT_CLASS (as_window_parent_class)->dispose (object);
}

static void
as_window_finalize (GObject *object)
{
  AsWindow *self = AS_WINDOW (object);

  g_clear_pointer (&self->session, as_session_free);
  g_clear_pointer (&self->pending_exports, g_ptr_array_unref);
  g_clear_pointer (&self->branch_target, g_free);
  g_clear_pointer (&self->own_translation, g_free);

  G_OBJECT_CLASS (as_window_parent_class)->finalize (object);
}

static void
as_window_class_init (AsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = as_window_dispose;
  object_class->finalize = as_window_finalize;

  g_type_ensure (AS_TYPE_SENTENCE_ENTRY);
  g_type_ensure (AS_TYPE_ATTENTION_VIEW);
  g_type_ensure (AS_TYPE_CANDIDATES);
  g_type_ensure (AS_TYPE_NBEST);
  g_type_ensure (AS_TYPE_BEAM_TREE);
  g_type_ensure (AS_TYPE_COMPARE_PANE);
  g_type_ensure (AS_TYPE_COMPARE_BOX);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/attnscope/AttnScope/as-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AsWindow, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, message_box);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, message_icon);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, source_entry);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, target_entry);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, translation_label);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, input_note_box);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, input_note_icon);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, input_note_label);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, max_length_spin);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, max_length_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, attention_view);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, compare_pane);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, open_menu_button);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, candidates);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, step_scale);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, step_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, step_label);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, colormap_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, scale_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, title_label);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, model_label);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, decode_spinner);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, beam_spin);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, beam_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, side_notebook);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, nbest);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, beam_tree);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, beam_tree_heading);
  gtk_widget_class_bind_template_child (widget_class, AsWindow, beam_tree_scroller);
  gtk_widget_class_bind_template_callback (widget_class, hide_message);
  gtk_widget_class_bind_template_callback (widget_class, input_changed);
  gtk_widget_class_bind_template_callback (widget_class, candidate_activated);
  gtk_widget_class_bind_template_callback (widget_class, attention_view_step_activated);
  gtk_widget_class_bind_template_callback (widget_class, step_adjustment_changed);
  gtk_widget_class_bind_template_callback (widget_class, max_length_changed);
  gtk_widget_class_bind_template_callback (widget_class, beam_width_changed);
  gtk_widget_class_bind_template_callback (widget_class, beam_node_activated);

  /* desktop conventions */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);

  _as_window_class_actions_init (klass);
}

static void
as_window_init (AsWindow *self)
{
  GtkEventController *focus;

  self->pending_exports = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_export_free);
  self->note_kind = -1;
  self->decode_step = -1;
  self->spinner_delay_ms = SPINNER_DELAY_MS;
  self->last_decode_time = -1;
  self->beam_width = 1;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = as_settings_new ();
  gtk_adjustment_set_upper (self->beam_adjustment, AS_MAX_BEAM);

  /* GtkBuilder sets these as it adds the children, after the properties of
   * the .ui: the figure's pane takes every extra pixel, the candidates keep
   * their natural width, and neither goes below its minimum */
  gtk_paned_set_resize_start_child (self->paned, TRUE);
  gtk_paned_set_shrink_start_child (self->paned, FALSE);
  gtk_paned_set_resize_end_child (self->paned, FALSE);
  gtk_paned_set_shrink_end_child (self->paned, FALSE);

  /* the note keeps the room of its line, shown or not (a longer note is
   * cut with an ellipsis: its tooltip has all of it) */
  {
    g_autoptr (PangoLayout) line = gtk_widget_create_pango_layout (GTK_WIDGET (self->input_note_label), "Xy我");
    int height;

    pango_layout_get_pixel_size (line, NULL, &height);
    gtk_widget_set_size_request (GTK_WIDGET (self->input_note_label), -1, height);
  }

  /* one line each, all of it in their tooltips */
  as_tooltip_from_label (self->translation_label);
  as_tooltip_from_label (self->input_note_label);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_object (focus, "leave", G_CALLBACK (source_focus_left), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->source_entry), focus);

  self->loader = as_model_loader_new ();
  g_signal_connect_object (self->loader, "loaded", G_CALLBACK (model_loaded), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->loader, "failed", G_CALLBACK (model_failed), self, G_CONNECT_SWAPPED);

  _as_window_actions_init (self);
  _as_window_dnd_init (self);
  _as_window_compare_init (self);
  _as_window_settings_init (self);

  update_model_label (self);
  show_session (self, NULL, -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->source_entry));
}

/* Public API */

AsWindow *
as_window_new (GtkApplication *application)
{
  return g_object_new (AS_TYPE_WINDOW, "application", application, NULL);
}

void
as_window_open_model (AsWindow *self,
                      GFile    *file)
{
  g_return_if_fail (AS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  as_model_loader_load (self->loader, file);
}

AsModel *
as_window_get_model (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), NULL);

  return as_model_loader_get_model (self->loader);
}

void
as_window_set_sentence (AsWindow   *self,
                        const char *sentence)
{
  g_return_if_fail (AS_IS_WINDOW (self));

  self->setting_text = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->source_entry), sentence != NULL ? sentence : "");
  self->setting_text = FALSE;
  /* the caret after it: what is typed next goes on from it */
  gtk_editable_set_position (GTK_EDITABLE (self->source_entry), -1);
}

void
as_window_set_target (AsWindow   *self,
                      const char *target)
{
  g_return_if_fail (AS_IS_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->target_entry), target != NULL ? target : "");
  gtk_editable_set_position (GTK_EDITABLE (self->target_entry), -1);
}

void
as_window_set_attention (AsWindow        *self,
                         AsAttentionKind  kind,
                         int              layer,
                         int              head,
                         gboolean         grid)
{
  g_return_if_fail (AS_IS_WINDOW (self));

  as_attention_view_set_attention (self->attention_view, kind, layer, head, grid);
}

void
as_window_export_to (AsWindow                *self,
                     const char              *path,
                     GApplicationCommandLine *command_line)
{
  g_autoptr (GError) error = NULL;
  AsFigure *figure;

  g_return_if_fail (AS_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  /* the view of the text as it is now: after the model's load and the decoding */
  if (as_model_loader_is_loading (self->loader) || as_window_is_decoding (self))
    {
      PendingExport *pending = g_new0 (PendingExport, 1);

      pending->path = g_strdup (path);
      pending->command_line = command_line != NULL ? g_object_ref (command_line) : NULL;
      g_ptr_array_add (self->pending_exports, pending);
      return;
    }

  figure = as_attention_view_get_figure (self->attention_view);
  if (as_figure_get_n_columns (figure) == 0)
    /* Translators: the file the view was to be exported to */
    g_set_error (&error, AS_ERROR, AS_ERROR_EMPTY_INPUT,
                 _("Nothing to export to “%s”: type a sentence first"), path);
  else if (!_as_window_compare_export (self, path, &error))
    _as_window_export_figure (self, figure, path, &error);

  if (error != NULL)
    {
      g_autofree char *reason = as_sentence (error->message);
      /* Translators: why (a sentence) */
      g_autofree char *text = g_strdup_printf (_("Export failed. %s"), reason);

      _as_window_show_message (self, AS_MESSAGE_ERROR, text);
      if (command_line != NULL)
        {
          g_application_command_line_printerr (command_line, "attnscope: %s\n", error->message);
          g_application_command_line_set_exit_status (command_line, 1);
        }
    }
  else
    {
      g_autofree char *name = g_filename_display_name (path);
      /* Translators: the file the view was exported to */
      g_autofree char *text = g_strdup_printf (_("Saved “%s”."), name);

      _as_window_show_message (self, AS_MESSAGE_INFO, text);
      if (command_line != NULL)
        g_application_command_line_set_exit_status (command_line, 0);
    }
}

/* Private API */

AsAttentionView *
as_window_get_attention_view (AsWindow *self)
{
  return self->attention_view;
}

AsComparePane *
as_window_get_compare_pane (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), NULL);

  return self->compare_pane;
}

AsHeatmap *
as_window_get_heatmap (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), NULL);
  return as_attention_view_get_heatmap (self->attention_view);
}

AsCandidates *
as_window_get_candidates (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), NULL);
  return self->candidates;
}

AsSession *
as_window_get_session (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), NULL);
  return self->session;
}

gboolean
as_window_is_loading (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), FALSE);
  return as_model_loader_is_loading (self->loader);
}

const char *
as_window_get_message (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), NULL);
  return self->message_shown ? gtk_label_get_text (self->message_label) : NULL;
}

const char *
as_window_get_translation (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), NULL);
  return gtk_label_get_text (self->translation_label);
}

const char *
as_window_get_step_text (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), NULL);
  return gtk_label_get_text (self->step_label);
}

GtkRange *
as_window_get_step_scale (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), NULL);
  return GTK_RANGE (self->step_scale);
}

const char *
as_window_get_input_note (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), NULL);
  return self->note_kind >= 0 ? gtk_label_get_text (self->input_note_label) : NULL;
}

int
as_window_get_input_note_kind (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), -1);
  return self->note_kind;
}

gboolean
as_window_is_decoding (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), FALSE);
  return self->decode_cancellable != NULL || self->decode_queued || self->blank_source != 0;
}

void
as_window_flush (AsWindow *self)
{
  g_return_if_fail (AS_IS_WINDOW (self));

  while (as_window_is_decoding (self))
    g_main_context_iteration (NULL, TRUE);
}

GtkSpinner *
as_window_get_spinner (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), NULL);
  return self->decode_spinner;
}

GtkSpinButton *
as_window_get_beam_spin (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), NULL);
  return self->beam_spin;
}

AsNbest *
as_window_get_nbest (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), NULL);
  return self->nbest;
}

AsBeamTree *
as_window_get_beam_tree (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), NULL);
  return self->beam_tree;
}

GtkNotebook *
as_window_get_side_notebook (AsWindow *self)
{
  g_return_val_if_fail (AS_IS_WINDOW (self), NULL);
  return self->side_notebook;
}
