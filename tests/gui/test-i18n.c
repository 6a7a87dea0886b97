/* The interface in Chinese: under LANG=zh_CN.UTF-8 (the locale made with
 * localedef into a temporary folder that LOCPATH points at, so that the test
 * runs on any machine) and the translations built in the build folder
 * (po/), the main window, with the default bundled model loaded, shows no
 * English: every label, button, tooltip, placeholder, accessible label and
 * description, window title, item of the primary menus and of the dropdowns
 * is collected by walking the widget tree, and every string that still holds
 * an English word is listed in the failure.
 *
 * Allowed, as exact values taken from the loaded model (never as words that
 * would then pass anywhere): its metadata values, its file's path and name,
 * its architecture's name, its unknown tokens, the tokens of the sentence
 * and of the translation, the sentence typed in the entry and the bundled
 * models' names; the UI words around them must be translated. Allowed as
 * words: "AttnScope", "PyTorch", file types (SVG, PNG, PDF, JSON), key names
 * (Ctrl, Home, ...), units, the colour maps' own names.
 *
 * When it fails: translate the strings it lists in po/zh_CN.po (see
 * po/README.md: `meson compile -C build attnscope-update-po` brings new
 * strings in) and make sure the source marks them (_() in C,
 * translatable="yes" in .ui files). */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "as-application.h"
#include "as-figure-private.h"
#include "as-paths.h"
#include "as-resources.h"
#include "as-tooltips.h"
#include "as-window-private.h"
#include "test-input.h"

static char *locale_dir;        /* made by localedef */
static char *locale_error;      /* why it could not be made */

static const char *allowed_words[] = {
  "AttnScope", "PyTorch", "SVG", "PNG", "PDF", "JSON", "dpi", "px",
  /* key names */
  "Ctrl", "Alt", "Shift", "Home", "End", "Left", "Right", "Up", "Down", "Space", "Enter",
  "Tab", "Esc", "PgUp", "PgDn", "F1", "Insert", "Delete",
  /* the colour maps' names (matplotlib's) */
  "viridis", "magma", "greys",
  NULL
};

typedef struct
{
  GHashTable *allowed;          /* lower-cased words */
  GPtrArray  *values;           /* exact texts from the model, longest first */
  GPtrArray  *english;          /* "where: text" */
  GHashTable *seen;             /* of "where: text", so each is listed once */
  guint       n_strings;
} Walk;

static void
allow_words (Walk       *walk,
             const char *text)
{
  g_auto (GStrv) words = NULL;

  if (text == NULL)
    return;
  words = g_regex_split_simple ("[^A-Za-z<>]+", text, 0, 0);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_hash_table_add (walk->allowed, g_ascii_strdown (words[i], -1));
}

/* Text that comes from the model is let be where it stands, exactly: @value
 * is allowed where it occurs whole (not inside a longer word). */
static void
allow_value (Walk       *walk,
             const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  if (walk->values == NULL)
    walk->values = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (walk->values, g_strdup (value));
}

static int
longest_first (gconstpointer a,
               gconstpointer b)
{
  return (int) strlen (*(const char * const *) b) - (int) strlen (*(const char * const *) a);
}

/* @text with each allowed value blanked where it occurs whole. */
static char *
without_values (Walk       *walk,
                const char *text)
{
  GString *out = g_string_new (text);

  if (walk->values == NULL)
    return g_string_free (out, FALSE);
  g_ptr_array_sort (walk->values, longest_first);
  for (guint i = 0; i < walk->values->len; i++)
    {
      const char *value = g_ptr_array_index (walk->values, i);
      gsize length = strlen (value);
      char *at = out->str;

      while ((at = strstr (at, value)) != NULL)
        {
          gboolean starts = at == out->str || !g_ascii_isalpha (at[-1]) || !g_ascii_isalpha (value[0]);
          gboolean ends = !g_ascii_isalpha (at[length]) || !g_ascii_isalpha (value[length - 1]);

          if (starts && ends)
            memset (at, ' ', length);
          at += starts && ends ? length : 1;
        }
    }
  return g_string_free (out, FALSE);
}

/* The English words of @text that are not allowed, or NULL. */
static char *
english_words (Walk       *walk,
               const char *text)
{
  g_autoptr (GRegex) regex = g_regex_new ("<?[A-Za-z]{2,}>?", 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree char *rest = without_values (walk, text);
  GString *found = NULL;

  g_regex_match (regex, rest, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *word = g_match_info_fetch (match, 0);
      g_autofree char *lower = g_ascii_strdown (word, -1);
      g_autofree char *bare = g_strdup (lower);

      g_strdelimit (bare, "<>", ' ');
      g_strstrip (bare);
      if (!g_hash_table_contains (walk->allowed, lower) && !g_hash_table_contains (walk->allowed, bare))
        {
          if (found == NULL)
            found = g_string_new (NULL);
          else
            g_string_append (found, ", ");
          g_string_append (found, word);
        }
      g_match_info_next (match, NULL);
    }
  return found != NULL ? g_string_free (found, FALSE) : NULL;
}

static void
check_string (Walk       *walk,
              const char *where,
              const char *text)
{
  g_autofree char *words = NULL;
  g_autofree char *entry = NULL;

  if (text == NULL || *text == '\0')
    return;
  walk->n_strings++;
  words = english_words (walk, text);
  if (words == NULL)
    return;
  {
    /* one line each: the failure lists them as TAP comments */
    g_autoptr (GString) shown = g_string_new (text);

    g_string_replace (shown, "\n", "\\n", 0);
    entry = g_strdup_printf ("%s: “%s” (%s)", where, shown->str, words);
  }
  if (g_hash_table_add (walk->seen, g_strdup (entry)))
    g_ptr_array_add (walk->english, g_steal_pointer (&entry));
}

static void
check_menu_model (Walk       *walk,
                  GMenuModel *model,
                  const char *where)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *label = NULL;
      g_autoptr (GMenuLinkIter) links = NULL;
      const char *link_name;
      GMenuModel *link;

      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label))
        {
          /* a mnemonic's underscore is not shown */
          g_autoptr (GString) shown = g_string_new (label);

          g_string_replace (shown, "_", "", 0);
          check_string (walk, where, shown->str);
        }
      links = g_menu_model_iterate_item_links (model, i);
      while (g_menu_link_iter_get_next (links, &link_name, &link))
        {
          check_menu_model (walk, link, where);
          g_object_unref (link);
        }
    }
}

static void
check_accessible (Walk       *walk,
                  GtkWidget  *widget,
                  const char *type)
{
  static const struct {
    GtkAccessibleProperty property;
    const char           *name;
  } properties[] = {
    { GTK_ACCESSIBLE_PROPERTY_LABEL, "accessible label" },
    { GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, "accessible description" },
    { GTK_ACCESSIBLE_PROPERTY_PLACEHOLDER, "accessible placeholder" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (properties); i++)
    {
      g_autofree char *value = NULL;
      g_autofree char *where = NULL;

      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), properties[i].property))
        continue;
      /* GTK 4.8 has no getter: the check returns the value when it differs */
      value = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), properties[i].property,
                                                  "\x01 not this \x01");
      where = g_strdup_printf ("%s, %s", type, properties[i].name);
      check_string (walk, where, value);
    }
}

static void
walk_widget (Walk      *walk,
             GtkWidget *widget)
{
  const char *type = G_OBJECT_TYPE_NAME (widget);
  GObjectClass *klass = G_OBJECT_GET_CLASS (widget);

  if (GTK_IS_LABEL (widget))
    {
      g_autofree char *where = g_strdup_printf ("%s text", type);
      check_string (walk, where, gtk_label_get_text (GTK_LABEL (widget)));
    }
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
      gtk_button_get_child (GTK_BUTTON (widget)) == NULL)
    check_string (walk, "GtkButton label", gtk_button_get_label (GTK_BUTTON (widget)));
  if (GTK_IS_WINDOW (widget))
    check_string (walk, "window title", gtk_window_get_title (GTK_WINDOW (widget)));
  {
    g_autofree char *where = g_strdup_printf ("%s tooltip", type);
    check_string (walk, where, as_tooltip_get_text (widget));
  }
  if (g_object_class_find_property (klass, "placeholder-text") != NULL)
    {
      g_autofree char *placeholder = NULL;
      g_autofree char *where = g_strdup_printf ("%s placeholder", type);

      g_object_get (widget, "placeholder-text", &placeholder, NULL);
      check_string (walk, where, placeholder);
    }
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)) != NULL)
    {
      g_autofree char *where = g_strdup_printf ("menu of %s “%s”", type,
                                                gtk_widget_get_tooltip_text (widget) != NULL ?
                                                gtk_widget_get_tooltip_text (widget) : "");
      check_menu_model (walk, gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)), where);
    }
  if (GTK_IS_DROP_DOWN (widget) && gtk_drop_down_get_model (GTK_DROP_DOWN (widget)) != NULL)
    {
      GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (widget));

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr (GObject) item = g_list_model_get_item (model, i);

          if (GTK_IS_STRING_OBJECT (item))
            check_string (walk, "dropdown item", gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
        }
    }
  check_accessible (walk, widget, type);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    walk_widget (walk, child);
}

static gboolean
loaded (AsWindow *window)
{
  return !as_window_is_loading (window) && as_window_get_model (window) != NULL &&
         as_window_get_session (window) != NULL;
}

static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/* The walk's allowed words and the values of @window's model and session
 * (the model file at @path). */
static void
walk_init (Walk       *walk_ptr,
           AsWindow   *window,
           const char *path)
{
  Walk walk = { 0 };
  AsSession *session;
  AsModel *model;

  walk.allowed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  walk.english = g_ptr_array_new_with_free_func (g_free);
  walk.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; allowed_words[i] != NULL; i++)
    allow_words (&walk, allowed_words[i]);
  model = as_window_get_model (window);
  session = as_window_get_session (window);
  {
    /* what the model file says of itself, exactly, and the bundled models' names */
    g_auto (GStrv) keys = as_model_list_metadata (model);
    g_auto (GStrv) bundled = as_list_bundled_models ();
    g_autofree char *base = g_path_get_basename (path);
    g_autofree char *translation = as_session_get_translation (session);
    const AsVocab *sides[] = { as_model_get_source (model), as_model_get_target (model) };

    for (guint i = 0; keys[i] != NULL; i++)
      allow_value (&walk, as_model_get_metadata (model, keys[i]));
    for (guint i = 0; bundled[i] != NULL; i++)
      allow_value (&walk, bundled[i]);
    allow_value (&walk, path);
    allow_value (&walk, base);
    allow_value (&walk, as_model_get_architecture_name (model));
    for (guint i = 0; i < G_N_ELEMENTS (sides); i++)
      if (sides[i]->unknown >= 0)
        allow_value (&walk, as_vocab_get_token (sides[i], sides[i]->unknown));
    /* the sentence as typed in the entry, its tokens and the translation's */
    allow_value (&walk, as_session_get_sentence (session));
    allow_value (&walk, translation);
  }
  for (guint i = 0; i < as_session_get_n_source (session); i++)
    allow_value (&walk, as_session_get_source_token (session, i));
  for (guint t = 0; t < as_session_get_n_steps (session); t++)
    {
      allow_value (&walk, as_session_get_target_token (session, as_session_get_step (session, t)->input));
      allow_value (&walk, as_session_get_target_token (session, as_session_get_step (session, t)->output));
    }

  *walk_ptr = walk;
}

static void
walk_clear (Walk *walk)
{
  g_hash_table_unref (walk->allowed);
  g_hash_table_unref (walk->seen);
  g_ptr_array_unref (walk->english);
  g_clear_pointer (&walk->values, g_ptr_array_unref);
}

/* Fails listing the English strings found, if any. */
static void
walk_report (Walk       *walk,
             const char *what)
{
  if (walk->english->len > 0)
    {
      GString *list = g_string_new (NULL);

      for (guint i = 0; i < walk->english->len; i++)
        g_string_append_printf (list, "\n#   %s", (char *) g_ptr_array_index (walk->english, i));
      g_test_fail_printf ("%u of the %u strings of %s are still (partly) in English "
                          "(translate them in po/zh_CN.po, see po/README.md):%s",
                          walk->english->len, walk->n_strings, what, list->str);
      g_string_free (list, TRUE);
    }
}

static void
test_main_window_in_chinese (void)
{
  g_autofree char *path = as_default_model_path ();
  g_autoptr (GFile) file = g_file_new_for_path (path);
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  Walk walk = { 0 };
  AsWindow *window;
  const char *messages = setlocale (LC_MESSAGES, NULL);

  if (locale_error != NULL)
    {
      g_test_fail_printf ("%s", locale_error);
      return;
    }
  g_assert_cmpstr (messages, ==, "zh_CN.UTF-8");
  /* the catalogue is there and read: one string of every kind of source */
  g_assert_cmpstr (_("translator-credits"), !=, "translator-credits");

  window = as_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  as_window_open_model (window, file);
  while (!loaded (window))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  as_window_flush (window);
  settle (300);

  walk_init (&walk, window, path);
  walk_widget (&walk, GTK_WIDGET (window));
  g_assert_cmpuint (walk.n_strings, >, 10);

  walk_report (&walk, "the main window");
  walk_clear (&walk);
  gtk_window_destroy (GTK_WINDOW (window));
  settle (100);
}

/* The text of every <title>, <desc> and <text> element of the SVG at @path,
 * unescaped, checked. */
static void
check_svg (Walk       *walk,
           const char *path,
           const char *where)
{
  g_autofree char *svg = NULL;
  g_autoptr (GRegex) element = g_regex_new ("<(title|desc|text)\\b[^>]*>([^<]*)</\\1>", 0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &svg, NULL, NULL));
  g_regex_match (element, svg, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *kind = g_match_info_fetch (match, 1);
      g_autofree char *escaped = g_match_info_fetch (match, 2);
      g_autoptr (GString) text = g_string_new (escaped);
      g_autofree char *at = g_strdup_printf ("%s, SVG <%s>", where, kind);

      g_string_replace (text, "&lt;", "<", 0);
      g_string_replace (text, "&gt;", ">", 0);
      g_string_replace (text, "&quot;", "\"", 0);
      g_string_replace (text, "&apos;", "'", 0);
      g_string_replace (text, "&#39;", "'", 0);
      g_string_replace (text, "&amp;", "&", 0);
      check_string (walk, at, text->str);
      n++;
      g_match_info_next (match, NULL);
    }
  /* the title, the description and the figure's words */
  g_assert_cmpuint (n, >, 5);
}

/* Everything the figure @figure says: its title and subtitle, each panel's
 * caption, the hit test's text of every cell and label, and its export's
 * title, description and drawn words (as SVG text). */
static void
check_figure (Walk       *walk,
              AsFigure   *figure,
              const char *what)
{
  g_autofree char *title = as_figure_dup_title (figure);
  g_autofree char *subtitle = _as_figure_subtitle_text (figure);
  g_autofree char *where = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *svg = NULL;
  g_autoptr (GError) error = NULL;
  AsFigureExportOptions options = { .background = AS_FIGURE_BACKGROUND_LIGHT, .scale = 1.0, .svg_text = TRUE };
  guint n_panels = as_figure_get_n_panels (figure);

  where = g_strdup_printf ("figure (%s) title", what);
  check_string (walk, where, title);
  g_free (where);
  where = g_strdup_printf ("figure (%s) subtitle", what);
  check_string (walk, where, subtitle);
  g_free (where);
  for (guint p = 0; p < n_panels; p++)
    {
      where = g_strdup_printf ("figure (%s) panel caption", what);
      if (n_panels > 1)
        {
          g_autofree char *caption = _as_figure_panel_caption (figure, p);

          check_string (walk, where, caption);
        }
      g_free (where);
      where = g_strdup_printf ("figure (%s) hover text", what);
      for (guint r = 0; r < as_figure_get_n_rows (figure); r++)
        {
          g_autofree char *row = as_figure_describe_panel (figure, AS_FIGURE_PART_ROW_LABEL, p, r, -1);

          check_string (walk, where, row);
          for (guint c = 0; c < as_figure_get_n_columns (figure); c++)
            {
              g_autofree char *cell = as_figure_describe_panel (figure, AS_FIGURE_PART_CELL, p, r, c);

              check_string (walk, where, cell);
            }
        }
      for (guint c = 0; c < as_figure_get_n_columns (figure); c++)
        {
          g_autofree char *column = as_figure_describe_panel (figure, AS_FIGURE_PART_COLUMN_LABEL, p, -1, c);

          check_string (walk, where, column);
        }
      g_free (where);
    }

  dir = g_dir_make_tmp ("attnscope-i18n-XXXXXX", &error);
  g_assert_no_error (error);
  svg = g_build_filename (dir, "figure.svg", NULL);
  g_assert_true (as_figure_export_with_options (figure, svg, &options, &error));
  g_assert_no_error (error);
  where = g_strdup_printf ("figure (%s) export", what);
  check_svg (walk, svg, where);
  g_unlink (svg);
  g_rmdir (dir);
}

static AsWindow *
open_window (const char *path,
             int         width,
             int         height)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  AsWindow *window = as_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  as_window_open_model (window, file);
  while (!loaded (window))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  as_window_flush (window);
  settle (300);
  return window;
}

/* The figure in Chinese: what it draws (title, subtitle, captions, the
 * subject of a model of several layers and heads, the axis words, the lines
 * view's legend), what it returns (the hover text, the export's title and
 * description) and the readout under the heatmap after the cell cursor moved
 * with a key press, for each kind of attention the model has, one head and
 * the grid, a step and all steps. */
static void
test_figure_in_chinese (gconstpointer data)
{
  g_autofree char *path = as_model_path_for (data);
  AsWindow *window;
  AsAttentionView *view;
  AsHeatmap *heatmap;
  AsFigure *figure;
  Walk walk = { 0 };
  const char *readout;
  guint n_kinds = 0;

  if (locale_error != NULL)
    {
      g_test_fail_printf ("%s", locale_error);
      return;
    }
  window = open_window (path, 1100, 720);
  view = window->attention_view;
  heatmap = as_attention_view_get_heatmap (view);
  figure = as_heatmap_get_figure (heatmap);
  walk_init (&walk, window, path);

  /* the readout, after a key moved the cell cursor: the cell's text */
  {
    test_pointer_leave (GTK_WIDGET (heatmap));
    test_window_focus (GTK_WIDGET (heatmap));
    settle (100);
    gtk_widget_grab_focus (GTK_WIDGET (heatmap));
    settle (100);
    g_assert_true (gtk_widget_has_focus (GTK_WIDGET (heatmap)));
    test_xdotool ((const char *[]) { "key", "--clearmodifiers", "ctrl+Home", NULL });
    settle (100);
    test_xdotool ((const char *[]) { "key", "--clearmodifiers", "Right", NULL });
    settle (200);
  }
  readout = as_heatmap_get_readout (heatmap);
  g_assert_nonnull (readout);
  check_string (&walk, "heatmap readout", readout);
  /* the cell's text, with its weight in Chinese ("权重：0.123") */
  if (strstr (readout, "权重") == NULL)
    g_test_fail_printf ("the readout after a key press is not the cell's text in Chinese: “%s”", readout);

  for (AsAttentionKind kind = 0; kind < AS_N_ATTENTION_KINDS; kind++)
    {
      if (as_session_get_attention (as_window_get_session (window), kind) == NULL)
        continue;
      n_kinds++;
      for (int grid = 0; grid <= 1; grid++)
        for (int step = -1; step <= 1; step += 2)
          {
            g_autofree char *what = g_strdup_printf ("%s, %s, step %d", as_attention_kind_get_name (kind),
                                                     grid ? "grid" : "one", step);

            as_attention_view_set_attention (view, kind, -1, AS_ATTENTION_MEAN, grid);
            as_attention_view_set_step (view, step);
            settle (100);
            check_figure (&walk, figure, what);
            walk_widget (&walk, GTK_WIDGET (view));
          }
    }
  g_assert_cmpuint (n_kinds, >, 0);

  /* the lines view: its legend */
  as_attention_view_set_attention (view, AS_ATTENTION_CROSS, -1, AS_ATTENTION_MEAN, FALSE);
  as_heatmap_set_view (heatmap, AS_FIGURE_VIEW_LINES);
  settle (100);
  check_figure (&walk, figure, "lines");
  walk_widget (&walk, GTK_WIDGET (view));
  as_heatmap_set_view (heatmap, AS_FIGURE_VIEW_MATRIX);

  /* the titles before there is a sentence */
  {
    g_autoptr (AsFigure) empty = as_figure_new ();
    g_autofree char *placeholder = as_figure_dup_title (empty);
    float weights[4] = { 0.5f, 0.5f, 0.25f, 0.75f };
    g_autofree char *attention = NULL;

    check_string (&walk, "empty figure title", placeholder);
    as_figure_set_matrix (empty, 2, 2, weights);
    attention = as_figure_dup_title (empty);
    check_string (&walk, "figure title without a sentence", attention);
    g_assert_cmpstr (attention, ==, "注意力");
  }

  g_assert_cmpuint (walk.n_strings, >, 50);
  walk_report (&walk, "the figure");
  walk_clear (&walk);
  gtk_window_destroy (GTK_WINDOW (window));
  settle (100);
}

/* The checker itself: it finds English, and lets the allowed words be. */
static void
test_checker (void)
{
  Walk walk = { 0 };
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;

  walk.allowed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; allowed_words[i] != NULL; i++)
    allow_words (&walk, allowed_words[i]);
  allow_value (&walk, "hungry");
  allow_value (&walk, "i");
  allow_value (&walk, "A small model: it knows short sentences only.");
  a = english_words (&walk, "第 1 步，共 5 步");
  b = english_words (&walk, "导出为 SVG、PNG 或 PDF（Ctrl+E）：hungry");
  c = english_words (&walk, "Step 1 of 5");
  g_assert_null (a);
  g_assert_null (b);
  g_assert_cmpstr (c, ==, "Step, of");
  {
    /* a value of the model is allowed whole, where it stands, not its words
     * elsewhere, nor inside a longer word */
    g_autofree char *d = english_words (&walk, "描述：A small model: it knows short sentences only.\n许可：见上");
    g_autofree char *e = english_words (&walk, "A small model");
    g_autofree char *f = english_words (&walk, "“i” is hungry");
    g_autofree char *g = english_words (&walk, "hungryish");

    g_assert_null (d);
    g_assert_cmpstr (e, ==, "small, model");
    g_assert_cmpstr (f, ==, "is");
    g_assert_cmpstr (g, ==, "hungryish");
  }
  g_hash_table_unref (walk.allowed);
  g_clear_pointer (&walk.values, g_ptr_array_unref);
}

/* Makes the Chinese locale with localedef into a temporary folder. */
static void
make_locale (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  const char *argv[] = { "localedef", "-i", "zh_CN", "-f", "UTF-8", NULL, NULL };

  locale_dir = g_dir_make_tmp ("attnscope-locale-XXXXXX", &error);
  g_assert_no_error (error);
  out = g_build_filename (locale_dir, "zh_CN.UTF-8", NULL);
  argv[5] = out;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      locale_error = g_strdup_printf ("could not make the Chinese locale with \"localedef -i zh_CN -f UTF-8 %s\" "
                                      "(it needs Debian's package \"locales\"): %s %s", out,
                                      error->message, err != NULL ? err : "");
      return;
    }
  g_setenv ("LOCPATH", locale_dir, TRUE);
}

static void
remove_locale (void)
{
  g_autofree char *sub = NULL;
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (locale_dir == NULL)
    return;
  /* localedef writes one folder of files */
  sub = g_build_filename (locale_dir, "zh_CN.UTF-8", NULL);
  dir = g_dir_open (sub, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (sub, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_autoptr (GDir) inner = g_dir_open (path, 0, NULL);
          const char *n2;

          while (inner != NULL && (n2 = g_dir_read_name (inner)) != NULL)
            {
              g_autofree char *p2 = g_build_filename (path, n2, NULL);
              g_unlink (p2);
            }
          g_rmdir (path);
        }
      else
        g_unlink (path);
    }
  g_rmdir (sub);
  g_rmdir (locale_dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  make_locale ();
  g_setenv ("LANG", "zh_CN.UTF-8", TRUE);
  g_setenv ("LC_ALL", "zh_CN.UTF-8", TRUE);
  g_unsetenv ("LANGUAGE");
  /* the test accessibility backend keeps the accessible properties readable */
  g_setenv ("GTK_A11Y", "test", TRUE);

  /* gtk_test_init sets an English locale: the viewer's set-up comes after */
  gtk_test_init (&argc, &argv, NULL);
  as_application_init_i18n ();
  if (locale_error == NULL && g_strcmp0 (setlocale (LC_MESSAGES, NULL), "zh_CN.UTF-8") != 0)
    locale_error = g_strdup_printf ("setlocale (LC_ALL, \"\") did not take zh_CN.UTF-8 with LOCPATH=%s", locale_dir);
  as_register_resource ();

  g_test_add_func ("/i18n/checker", test_checker);
  g_test_add_func ("/i18n/main-window-in-chinese", test_main_window_in_chinese);
  g_test_add_data_func ("/i18n/figure-in-chinese/gru", "en-zh-gru", test_figure_in_chinese);
  g_test_add_data_func ("/i18n/figure-in-chinese/transformer", "en-zh-transformer", test_figure_in_chinese);

  status = g_test_run ();
  remove_locale ();
  return status;
}
