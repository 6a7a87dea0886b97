/* The sentence's entry (as-sentence-entry.c) and the entry for long
 * sentences (as-long-entry.c): what a person does with an entry, with
 * real keys and clicks (xdotool) where GTK's input path matters; that the
 * long entry lays out only what it shows, however long its text; and that
 * the sentence's entry moves the text, the caret, the selection and the
 * focus between GtkEntry and the long entry as the text crosses the
 * threshold, and says "changed" once for each change. */

#include "config.h"

#include <string.h>

#include "as-long-entry.h"
#include "as-sentence-entry.h"
#include "test-input.h"

#define WIDTH 600

/* @words words of the bench's kind, each followed by a space */
static char *
words_text (guint words)
{
  static const char * const some[] = { "i", "am", "hungry", "and", "you", "are", "tired" };
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < words; i++)
    g_string_append_printf (text, "%s ", some[i % G_N_ELEMENTS (some)]);
  return g_string_free (text, FALSE);
}

typedef struct
{
  GtkWidget *window;
  GtkWidget *widget;   /* the entry under test */
  guint      changes;  /* its "changed" signals */
} Fixture;

static void
count_change (Fixture *fixture)
{
  fixture->changes++;
}

/* @widget alone in a window WIDTH wide, shown, with X's input focus */
static void
show_in_window (Fixture   *fixture,
                GtkWidget *widget)
{
  /* a caret that stays, so that what is drawn depends on the text only */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  fixture->window = gtk_window_new ();
  fixture->widget = widget;
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), WIDTH, -1);
  gtk_widget_set_valign (widget, GTK_ALIGN_START);
  gtk_window_set_child (GTK_WINDOW (fixture->window), widget);
  g_signal_connect_swapped (widget, "changed", G_CALLBACK (count_change), fixture);
  gtk_window_present (GTK_WINDOW (fixture->window));
  test_settle ();
  test_window_focus (fixture->window);
  gtk_widget_grab_focus (widget);
  test_settle ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  test_settle ();
}

static void
long_setup (Fixture       *fixture,
            gconstpointer  data)
{
  show_in_window (fixture, as_long_entry_new ());
  g_assert_true (gtk_widget_has_focus (fixture->widget));
}

/* Real keys into the focused widget (xdotool names, as "ctrl+z") */
static void
keys (const char *first,
      ...)
{
  va_list args;

  va_start (args, first);
  for (const char *key = first; key != NULL; key = va_arg (args, const char *))
    test_xdotool ((const char *[]) { "key", "--clearmodifiers", key, NULL });
  va_end (args);
  test_settle ();
}

static void
type (const char *text)
{
  test_xdotool ((const char *[]) { "type", "--delay", "20", text, NULL });
  test_settle ();
}

static int
position (Fixture *fixture)
{
  return gtk_editable_get_position (GTK_EDITABLE (fixture->widget));
}

static void
assert_selection (Fixture *fixture,
                  int      start,
                  int      end)
{
  int s = -1, e = -1;

  g_assert_true (gtk_editable_get_selection_bounds (GTK_EDITABLE (fixture->widget), &s, &e));
  g_assert_cmpint (s, ==, start);
  g_assert_cmpint (e, ==, end);
}

/* The GtkEditable calls, as the window and GTK use them: positions follow
 * a change before them, in characters of any width, one "changed" each */
static void
test_long_editable (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkEditable *entry = GTK_EDITABLE (fixture->widget);
  int at = 3;
  g_autofree char *chars = NULL;

  gtk_editable_set_text (entry, "我饿了 and you");
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "我饿了 and you");
  gtk_editable_set_position (entry, -1);
  g_assert_cmpint (position (fixture), ==, 11);

  fixture->changes = 0;
  gtk_editable_insert_text (entry, "很", -1, &at);
  g_assert_cmpint (at, ==, 4);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "我饿了很 and you");
  g_assert_cmpint (position (fixture), ==, 12);   /* the caret after it moved on */
  g_assert_cmpuint (fixture->changes, ==, 1);

  gtk_editable_select_region (entry, 1, 4);
  assert_selection (fixture, 1, 4);
  chars = gtk_editable_get_chars (entry, 1, 4);
  g_assert_cmpstr (chars, ==, "饿了很");
  gtk_editable_delete_text (entry, 0, 2);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "了很 and you");
  assert_selection (fixture, 0, 2);
  g_assert_cmpuint (fixture->changes, ==, 2);

  gtk_editable_delete_selection (entry);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, " and you");
  g_assert_cmpint (position (fixture), ==, 0);
  g_assert_cmpuint (fixture->changes, ==, 3);

  /* invalid UTF-8 stops at the first bad byte */
  at = 0;
  gtk_editable_insert_text (entry, "ok\xff!", -1, &at);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "ok and you");
}

/* 10,000 words, 60,000 characters: what is laid out is bounded by the
 * width, at the end, at the start and in the middle, and the caret is
 * always among the characters shown */
static void
test_long_lays_out_what_it_shows (Fixture       *fixture,
                                  gconstpointer  data)
{
  AsLongEntry *entry = AS_LONG_ENTRY (fixture->widget);
  g_autofree char *text = words_text (10000);
  int n = (int) strlen (text), first, end;
  int bound = 2 * gtk_widget_get_width (fixture->widget) + 16;

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  gtk_editable_set_position (GTK_EDITABLE (entry), -1);
  test_settle ();
  as_long_entry_get_shown (entry, &first, &end);
  g_assert_cmpint (end, ==, n);
  g_assert_cmpint (first, >, n - gtk_widget_get_width (fixture->widget));   /* at least a pixel a character */
  g_assert_cmpint (as_long_entry_get_laid_out (entry), <=, bound);

  keys ("Home", NULL);
  as_long_entry_get_shown (entry, &first, &end);
  g_assert_cmpint (position (fixture), ==, 0);
  g_assert_cmpint (first, ==, 0);
  g_assert_cmpint (end, >, 20);
  g_assert_cmpint (as_long_entry_get_laid_out (entry), <=, bound);

  /* the caret moved out of sight to the right scrolls, to the left too */
  gtk_editable_set_position (GTK_EDITABLE (entry), n / 2);
  as_long_entry_get_shown (entry, &first, &end);
  g_assert_cmpint (first, <=, n / 2);
  g_assert_cmpint (end, >=, n / 2);
  keys ("ctrl+Left", "ctrl+Left", NULL);
  as_long_entry_get_shown (entry, &first, &end);
  g_assert_cmpint (first, <=, position (fixture));
  g_assert_cmpint (end, >=, position (fixture));
  g_assert_cmpint (position (fixture), <, n / 2);
}

/* Typing, erasing and moving with real keys */
static void
test_long_keys (Fixture       *fixture,
                gconstpointer  data)
{
  GtkEditable *entry = GTK_EDITABLE (fixture->widget);

  gtk_editable_set_text (entry, "i am hungry");
  gtk_editable_set_position (entry, -1);
  fixture->changes = 0;
  type (" now");
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "i am hungry now");
  g_assert_cmpuint (fixture->changes, ==, 4);
  keys ("BackSpace", NULL);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "i am hungry no");
  keys ("ctrl+BackSpace", NULL);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "i am hungry ");
  keys ("Home", "Delete", NULL);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, " am hungry ");
  keys ("ctrl+Right", NULL);
  g_assert_cmpint (position (fixture), ==, 3);   /* the end of "am" */
  keys ("Right", "shift+End", NULL);
  assert_selection (fixture, 4, 11);
  type ("tired");
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, " am tired");
  keys ("shift+Left", "shift+Left", "Left", NULL);
  g_assert_false (gtk_editable_get_selection_bounds (GTK_EDITABLE (entry), NULL, NULL));
  g_assert_cmpint (position (fixture), ==, 7);   /* a Left leaves a selection at its start */
  keys ("ctrl+Delete", NULL);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, " am tir");
  keys ("ctrl+a", NULL);
  assert_selection (fixture, 0, 7);
  keys ("Delete", NULL);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
}

/* @widget as it draws now, as pixels */
static GBytes *
widget_pixels (GtkWidget *widget)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  guchar *data = g_malloc ((gsize) width * height * 4);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_download (texture, data, (gsize) width * 4);
  return g_bytes_new_take (data, (gsize) width * height * 4);
}

/* The input method: GTK's own (GtkIMContextSimple, as where no other is
 * running) composes a character from its code, Ctrl+Shift+U then hex
 * digits, showing them as a preedit at the caret until they are
 * committed; the preedit is not the entry's text */
static void
test_long_input_method (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkEditable *entry = GTK_EDITABLE (fixture->widget);

  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) composing = NULL;

  gtk_editable_set_text (entry, "我饿 and");
  gtk_editable_set_position (entry, 2);
  test_settle ();
  before = widget_pixels (fixture->widget);
  fixture->changes = 0;
  keys ("ctrl+shift+u", NULL);
  type ("4e86");
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "我饿 and");
  g_assert_cmpuint (fixture->changes, ==, 0);
  composing = widget_pixels (fixture->widget);   /* the preedit is drawn */
  g_assert_false (g_bytes_equal (before, composing));
  keys ("space", NULL);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "我饿了 and");
  g_assert_cmpint (position (fixture), ==, 3);
  g_assert_cmpuint (fixture->changes, ==, 1);
}

static void
test_long_undo (Fixture       *fixture,
                gconstpointer  data)
{
  GtkEditable *entry = GTK_EDITABLE (fixture->widget);

  gtk_editable_set_text (entry, "you are");
  gtk_editable_set_position (entry, -1);
  type (" tired");
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "you are tired");
  keys ("ctrl+z", NULL);   /* the word */
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "you are ");
  keys ("ctrl+z", NULL);   /* the space */
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "you are");
  keys ("ctrl+shift+z", "ctrl+shift+z", NULL);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "you are tired");
  g_assert_cmpint (position (fixture), ==, 13);
  keys ("ctrl+a", "BackSpace", NULL);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
  keys ("ctrl+z", NULL);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "you are tired");
  keys ("ctrl+y", NULL);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
}

/* Undo keeps at most 16 MiB of text (and the last edit): six texts of
 * 4 MiB set one after the other (each a deletion and an insertion) leave
 * a few steps to undo, not twelve */
static void
test_long_undo_bounded (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkEditable *entry = GTK_EDITABLE (fixture->widget);
  g_autofree char *big = g_strnfill (4 << 20, 'a');
  guint undone = 0;

  for (char c = 'a'; c < 'a' + 6; c++)
    {
      big[0] = c;
      gtk_editable_set_text (entry, big);
    }
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *before = g_strdup (gtk_editable_get_text (entry));

      gtk_widget_activate_action (fixture->widget, "text.undo", NULL);
      if (strcmp (before, gtk_editable_get_text (entry)) == 0)
        break;
      undone++;
    }
  g_assert_cmpuint (undone, >=, 2);   /* the last text out, the one before in */
  g_assert_cmpuint (undone, <=, 4);
  g_assert_cmpint (gtk_editable_get_text (entry)[0], >=, 'd');
}

static gboolean
text_is (gpointer data)
{
  gpointer *pair = data;

  return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (pair[0])), pair[1]) == 0;
}

static void
wait_for_text (Fixture    *fixture,
               const char *text)
{
  gpointer pair[2] = { fixture->widget, (gpointer) text };

  test_wait_for (text_is, pair);
}

/* Copy, cut and paste, the primary selection, and a pasted line break */
static void
test_long_clipboard (Fixture       *fixture,
                     gconstpointer  data)
{
  GtkEditable *entry = GTK_EDITABLE (fixture->widget);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (fixture->widget);
  g_autofree char *copied = NULL;
  g_autofree char *primary = NULL;
  g_autofree char *cut = NULL;

  gtk_editable_set_text (entry, "i am hungry");
  keys ("End", "shift+ctrl+Left", "ctrl+c", NULL);
  copied = test_clipboard_text (clipboard);
  g_assert_cmpstr (copied, ==, "hungry");
  primary = test_clipboard_text (gtk_widget_get_primary_clipboard (fixture->widget));
  g_assert_cmpstr (primary, ==, "hungry");

  keys ("Home", "shift+Right", "ctrl+x", NULL);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, " am hungry");
  cut = test_clipboard_text (clipboard);
  g_assert_cmpstr (cut, ==, "i");

  gdk_clipboard_set_text (clipboard, "you\nare");
  keys ("End", "ctrl+v", NULL);
  wait_for_text (fixture, " am hungryyou are");
  g_assert_cmpint (position (fixture), ==, 17);
}

/* A click puts the caret, a double click selects a word, a drag selects,
 * the secondary button (or Shift+F10) opens the menu, whose items are the
 * actions, and Escape closes it */
static void
test_long_mouse (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkEditable *entry = GTK_EDITABLE (fixture->widget);
  int height = gtk_widget_get_height (fixture->widget);
  GtkWidget *menu = NULL;

  gtk_editable_set_text (entry, "hungry and tired");
  gtk_editable_set_position (entry, -1);
  test_settle ();
  test_pointer_move (fixture->widget, 1, height / 2.0);
  test_pointer_click ();
  test_settle ();
  g_assert_cmpint (position (fixture), ==, 0);

  /* past the double-click time, so that the next two are a double click */
  g_usleep (G_USEC_PER_SEC);
  test_settle ();
  test_xdotool ((const char *[]) { "click", "--repeat", "2", "--delay", "50", "1", NULL });
  test_settle ();
  assert_selection (fixture, 0, 6);

  test_xdotool ((const char *[]) { "mousedown", "1", NULL });
  test_pointer_move (fixture->widget, gtk_widget_get_width (fixture->widget) - 2, height / 2.0);
  test_xdotool ((const char *[]) { "mouseup", "1", NULL });
  test_settle ();
  assert_selection (fixture, 0, 16);

  test_xdotool ((const char *[]) { "click", "3", NULL });
  test_settle ();
  for (GtkWidget *child = gtk_widget_get_first_child (fixture->widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child))
      menu = child;
  g_assert_nonnull (menu);
  g_assert_true (gtk_widget_get_visible (menu));
  keys ("Escape", NULL);
  g_assert_false (gtk_widget_get_visible (menu));
  g_assert_true (gtk_widget_has_focus (fixture->widget));

  /* and from the keyboard */
  keys ("shift+F10", NULL);
  g_assert_true (gtk_widget_get_visible (menu));
  gtk_popover_popdown (GTK_POPOVER (menu));
  g_assert_true (gtk_widget_activate_action (fixture->widget, "selection.delete", NULL));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
}

static void
sentence_setup (Fixture       *fixture,
                gconstpointer  data)
{
  show_in_window (fixture, g_object_new (AS_TYPE_SENTENCE_ENTRY,
                                         "accessible-label", "Sentence to translate",
                                         "primary-icon-name", "input-keyboard-symbolic",
                                         NULL));
}

static GtkWidget *
shown (Fixture *fixture)
{
  return as_sentence_entry_get_shown (AS_SENTENCE_ENTRY (fixture->widget));
}

static gboolean
focus_in (GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* Typing across AS_SENTENCE_ENTRY_LONG bytes moves everything to the
 * long entry, and erasing below AS_SENTENCE_ENTRY_SHORT back, as one
 * entry to the window */
static void
test_sentence_switches (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkEditable *entry = GTK_EDITABLE (fixture->widget);
  g_autofree char *text = words_text (AS_SENTENCE_ENTRY_LONG / 3);   /* more than LONG bytes */
  g_autoptr (GString) expected = NULL;
  int n, cursor = -1, bound = -1;

  g_assert_true (GTK_IS_ENTRY (shown (fixture)));
  g_assert_true (focus_in (shown (fixture)));
  g_assert_cmpuint (strlen (text), >, AS_SENTENCE_ENTRY_LONG);
  expected = g_string_new_len (text, AS_SENTENCE_ENTRY_LONG - 1);
  gtk_editable_set_text (entry, expected->str);
  g_assert_true (GTK_IS_ENTRY (shown (fixture)));
  gtk_editable_set_position (entry, 10);
  test_settle ();

  fixture->changes = 0;
  type ("xy");
  g_string_insert (expected, 10, "xy");
  g_assert_true (AS_IS_LONG_ENTRY (shown (fixture)));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, expected->str);
  g_assert_cmpint (position (fixture), ==, 12);
  g_assert_true (gtk_widget_has_focus (shown (fixture)));
  g_assert_cmpuint (fixture->changes, ==, 2);

  /* the long entry's undo starts where it took over: the text stays */
  keys ("ctrl+z", NULL);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, expected->str);

  /* a selection travels too */
  n = (int) expected->len;
  gtk_editable_select_region (entry, 100, n);
  keys ("BackSpace", NULL);
  g_assert_true (GTK_IS_ENTRY (shown (fixture)));
  g_string_truncate (expected, 100);
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, expected->str);
  g_assert_cmpint (position (fixture), ==, 100);
  g_assert_true (focus_in (shown (fixture)));
  g_assert_cmpuint (fixture->changes, ==, 3);
  type ("z");
  g_string_append (expected, "z");
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, expected->str);

  /* the caret and the selection as they were, the caret before it */
  gtk_editable_set_text (entry, "i am hungry and you are tired, very tired");
  test_settle ();
  g_assert_true (GTK_IS_ENTRY (shown (fixture)));
  gtk_editable_select_region (entry, 40, 5);   /* the caret at 5, selected from 40 */
  gtk_editable_insert_text (entry, text, -1, &(int) { 0 });
  test_settle ();
  g_assert_true (AS_IS_LONG_ENTRY (shown (fixture)));
  g_object_get (fixture->widget, "cursor-position", &cursor, "selection-bound", &bound, NULL);
  g_assert_cmpint (cursor, ==, 5 + (int) strlen (text));
  g_assert_cmpint (bound, ==, 40 + (int) strlen (text));

  /* the hidden one gives its text up */
  for (GtkWidget *child = gtk_widget_get_first_child (fixture->widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (child != shown (fixture))
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child)), ==, "");
}

/* Both entries are text boxes with the label screen readers say */
static void
test_sentence_accessible (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *text = words_text (2000);

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (shown (fixture)), GTK_ACCESSIBLE_ROLE_TEXT_BOX);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (shown (fixture)), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Sentence to translate");
  gtk_editable_set_text (GTK_EDITABLE (fixture->widget), text);
  test_settle ();
  g_assert_true (AS_IS_LONG_ENTRY (shown (fixture)));
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (shown (fixture)), GTK_ACCESSIBLE_ROLE_TEXT_BOX);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (shown (fixture)), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Sentence to translate");
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (shown (fixture)),
                                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add ("/long-entry/editable", Fixture, NULL, long_setup, test_long_editable, fixture_tear_down);
  g_test_add ("/long-entry/lays-out-what-it-shows", Fixture, NULL, long_setup, test_long_lays_out_what_it_shows,
              fixture_tear_down);
  g_test_add ("/long-entry/keys", Fixture, NULL, long_setup, test_long_keys, fixture_tear_down);
  g_test_add ("/long-entry/input-method", Fixture, NULL, long_setup, test_long_input_method, fixture_tear_down);
  g_test_add ("/long-entry/undo", Fixture, NULL, long_setup, test_long_undo, fixture_tear_down);
  g_test_add ("/long-entry/undo-bounded", Fixture, NULL, long_setup, test_long_undo_bounded, fixture_tear_down);
  g_test_add ("/long-entry/clipboard", Fixture, NULL, long_setup, test_long_clipboard, fixture_tear_down);
  g_test_add ("/long-entry/mouse", Fixture, NULL, long_setup, test_long_mouse, fixture_tear_down);
  g_test_add ("/sentence-entry/switches", Fixture, NULL, sentence_setup, test_sentence_switches, fixture_tear_down);
  g_test_add ("/sentence-entry/accessible", Fixture, NULL, sentence_setup, test_sentence_accessible,
              fixture_tear_down);

  return g_test_run ();
}
