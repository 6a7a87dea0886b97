/* The viewer's keystroke-to-screen time, in the real window, with real key
 * presses: the X server is asked to press and release a key (XTest), as a
 * keyboard would, and GTK receives it as any key: its event, the input
 * method, the sentence's entry, AttnScope's handling, the decoding, the
 * frame. Not a test; runs under Xvfb (tests/bench/run.sh), GSK_RENDERER=
 * cairo, GDK_BACKEND=x11. Prints the benchmark's JSON lines (tests/bench/
 * table.py), for each bundled model and length (a sentence of WORDS words
 * whose last one, ".", is the key):
 *
 * - keystroke to heatmap on screen: from the key press to the end of the
 *   first frame painted with the new sentence's result (the frame clock's
 *   "after-paint"), RUNS times, each after the window has been idle for
 *   150 ms, as between a person's keys: best, median and worst. The key is
 *   then taken back with BackSpace. While the entry has the focus its caret
 *   fades in and out, so the frame clock ticks every 16.7 ms and a key waits
 *   for the next tick, 8 ms on average, whatever the program: hence also
 *   how many of the keys had their heatmap in the first frame painted after
 *   them (the result within one frame), and that frame's own work, from
 *   its "before-paint" to its "after-paint" (its share of the 16.7 ms).
 * - the longest frame while typing: RUNS keys at 10 a second, a tick
 *   callback keeping the frame clock running; the longest time between two
 *   frames (a frame is 16.7 ms under Xvfb: more means that the main thread
 *   was busy). Beside it, as the reference, the same keys typed into a
 *   bare GtkEntry holding the same text, in a window of its own: what GTK's
 *   entry costs without AttnScope.
 * - the longest the window was busy at once while typing: the longest turn
 *   of the main loop (from poll () returning to the next poll (): its
 *   events, the results shown, a frame), in which the window answers
 *   nothing. The frames above also wait for the X server and for the two
 *   cores, which the decoding worker and Xvfb share; this is what the
 *   viewer itself holds the window for. Beside it, the bare GtkEntry's.
 * - the key's own handling: gtk_editable_insert_text () of one character
 *   into the sentence's entry, timed around the call (the entry, AttnScope's
 *   handling of the change, the decoding started), the worst of RUNS.
 *
 *   bench-keystroke [RUNS [WORDS...]]        (20 runs; 10 and 30 words) */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdk/x11/gdkx.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include "as-paths.h"
#include "as-resources.h"
#include "as-window-private.h"

#define IDLE_MS   150   /* the window idle before a timed key */
#define TYPING_MS 100   /* between two keys while typing */

static gint64 shown_painted;   /* the end of the first frame painted with the result, 0: none yet */
static guint  shown_frame;     /* that frame: 1 the first one painted after the key, ... */
static double shown_work;      /* seconds: that frame's own work (before-paint to after-paint) */
static guint  frames;          /* painted since the key */
static gint64 frame_start;     /* the current frame's before-paint */
static double longest_frame;   /* seconds */
static gint64 last_tick;

static const char *expected;   /* the text the key makes; NULL: any */

/* The window shows the result of the entry's text as it is now (and the
 * key has reached the entry: the text before it shows too) */
static gboolean
shows_text (AsWindow *window)
{
  AsSession *session = as_window_get_session (window);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (window->source_entry));

  return session != NULL && strcmp (as_session_get_sentence (session), text) == 0 &&
         as_session_get_n_steps (session) > 0 && (expected == NULL || strcmp (text, expected) == 0);
}

static void
after_paint (GdkFrameClock *clock,
             AsWindow      *window)
{
  frames++;
  if (shown_painted == 0 && shows_text (window))
    {
      shown_painted = g_get_monotonic_time ();
      shown_frame = frames;
      shown_work = (shown_painted - frame_start) / 1e6;
    }
}

static void
before_paint (GdkFrameClock *clock,
              AsWindow      *window)
{
  frame_start = g_get_monotonic_time ();
}

/* With a tick callback the frame clock runs every frame, so a frame later
 * than the one before by more than a frame's time means the main thread
 * was blocked. */
static gboolean
tick (GtkWidget     *widget,
      GdkFrameClock *clock,
      gpointer       data)
{
  gint64 now = g_get_monotonic_time ();

  if (last_tick != 0)
    longest_frame = MAX (longest_frame, (now - last_tick) / 1e6);
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
set_flag (gpointer flag)
{
  *(gboolean *) flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms milliseconds */
static void
run_for (int ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The main thread busy: from poll () returning to the next poll (), one
 * turn of the main loop (its events, sources and frame) in which the
 * window answers nothing; the longest while `timing_turns` */
static GPollFunc default_poll;
static gboolean  timing_turns;
static gint64    poll_returned;
static double    longest_turn;   /* seconds */

static int
timed_poll (GPollFD *fds,
            guint    n_fds,
            int      timeout)
{
  int ready;

  if (timing_turns && poll_returned != 0)
    longest_turn = MAX (longest_turn, (g_get_monotonic_time () - poll_returned) / 1e6);
  ready = default_poll (fds, n_fds, timeout);
  poll_returned = g_get_monotonic_time ();
  return ready;
}

/* Iterates the main loop until a frame has been painted with @window
 * showing the result of its entry's text; the time from @start to the end
 * of that frame, in seconds (-1 after 20 s without: the model refused the
 * sentence, a Transformer's positions being fewer than its tokens) */
static double
wait_on_screen (AsWindow *window,
                gint64    start)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  shown_painted = 0;
  frames = 0;
  while (shown_painted == 0)
    {
      if (g_get_monotonic_time () > deadline)
        return -1.0;
      g_main_context_iteration (NULL, FALSE) || (g_usleep (200), TRUE);
    }
  return (shown_painted - start) / 1e6;
}

/* The X server's keyboard: presses and releases @keysym now */
static void
press (KeySym keysym)
{
  Display *display = gdk_x11_display_get_xdisplay (gdk_display_get_default ());
  KeyCode code = XKeysymToKeycode (display, keysym);

  XTestFakeKeyEvent (display, code, True, CurrentTime);
  XTestFakeKeyEvent (display, code, False, CurrentTime);
  XFlush (display);
}

/* Gives @window the X server's keyboard focus and @widget GTK's */
static void
focus (GtkWindow *window,
       GtkWidget *widget)
{
  Display *display = gdk_x11_display_get_xdisplay (gdk_display_get_default ());

  gtk_window_present (window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  XSetInputFocus (display, gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window))),
                  RevertToParent, CurrentTime);
  XFlush (display);
  gtk_widget_grab_focus (widget);
  run_for (IDLE_MS);
}

/* Types @keys "." into the focused entry at TYPING_MS apart with the frame
 * clock of @window running, then takes them back; the longest frame, and
 * in @turn the longest turn of the main loop */
static double
typing (GtkWidget *window,
        guint      keys,
        double    *turn)
{
  guint id = gtk_widget_add_tick_callback (window, tick, NULL, NULL);

  longest_frame = 0.0;
  last_tick = 0;
  longest_turn = 0.0;
  poll_returned = 0;
  timing_turns = TRUE;
  for (guint i = 0; i < keys; i++)
    {
      press (XK_period);
      run_for (TYPING_MS);
    }
  timing_turns = FALSE;
  *turn = longest_turn;
  gtk_widget_remove_tick_callback (window, id);
  for (guint i = 0; i < keys; i++)
    {
      press (XK_BackSpace);
      run_for (10);
    }
  run_for (500);
  return longest_frame;
}

static int
compare (const void *a,
         const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
row (const char *what,
     const char *model,
     guint       words,
     const char *how,
     double      seconds,
     double      order)
{
  printf ("{\"row\": \"%s, %s, %u words (%s)\", \"seconds\": %.6f, \"order\": %g}\n",
          what, model, words, how, seconds, order);
}

/* The sentence of @words words, the last one "." to be typed */
static char *
sentence (guint words)
{
  static const char * const some[] = { "i", "am", "hungry", "and", "you", "are", "tired", "." };
  GString *text = g_string_new (NULL);

  for (guint i = 0; i + 1 < words; i++)
    g_string_append_printf (text, "%s ", some[i % (G_N_ELEMENTS (some) - 1)]);
  return g_string_free (text, FALSE);
}

/* The longest frame while typing into a bare GtkEntry holding the
 * sentence of @words words */
static double
bare_entry (guint   words,
            guint   keys,
            double *turn)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_autofree char *text = sentence (words);
  double longest;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  focus (GTK_WINDOW (window), entry);
  gtk_editable_set_position (GTK_EDITABLE (entry), -1);
  longest = typing (window, keys, turn);
  gtk_window_destroy (GTK_WINDOW (window));
  run_for (IDLE_MS);
  return longest;
}

static void
measure (AsWindow   *window,
         const char *model,
         guint       words,
         guint       runs)
{
  GtkEditable *entry = GTK_EDITABLE (window->source_entry);
  g_autofree char *text = sentence (words);
  g_autofree double *times = g_new (double, runs);
  g_autofree double *works = g_new (double, runs);
  guint first_frame = 0;
  g_autofree char *how = g_strdup_printf ("a key pressed after %d ms idle, viewer under Xvfb", IDLE_MS);
  double longest, reference, key = 0.0, turn, reference_turn;

  as_window_set_sentence (window, text);
  if (wait_on_screen (window, g_get_monotonic_time ()) < 0)
    {
      fprintf (stderr, "bench-keystroke: %s does not take %u words\n", model, words);
      return;
    }
  focus (GTK_WINDOW (window), GTK_WIDGET (entry));
  gtk_editable_set_position (entry, -1);

  /* run 0 warms up (the first glyphs drawn, the first figure of the size),
   * and is not counted */
  for (guint run = 0; run <= runs; run++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autofree char *typed = g_strconcat (text, ".", NULL);
      guint i = run > 0 ? run - 1 : 0;

      expected = typed;
      press (XK_period);
      times[i] = wait_on_screen (window, start);
      works[i] = shown_work;
      first_frame += run > 0 && shown_frame == 1;
      run_for (IDLE_MS);
      expected = text;
      press (XK_BackSpace);
      wait_on_screen (window, g_get_monotonic_time ());
      expected = NULL;
      run_for (IDLE_MS);
    }
  qsort (times, runs, sizeof *times, compare);
  qsort (works, runs, sizeof *works, compare);
  if (times[0] < 0)
    {
      fprintf (stderr, "bench-keystroke: the key did not reach %s's entry\n", model);
      return;
    }

  longest = typing (GTK_WIDGET (window), runs, &turn);
  wait_on_screen (window, g_get_monotonic_time ());

  for (guint run = 0; run < runs; run++)
    {
      int position = gtk_editable_get_position (entry);
      gint64 start = g_get_monotonic_time ();

      gtk_editable_insert_text (entry, ".", 1, &position);
      key = MAX (key, (g_get_monotonic_time () - start) / 1e6);
      wait_on_screen (window, start);
      gtk_editable_delete_text (entry, position - 1, position);
      wait_on_screen (window, g_get_monotonic_time ());
      run_for (IDLE_MS / 3);
    }

  reference = bare_entry (words, runs, &reference_turn);
  focus (GTK_WINDOW (window), GTK_WIDGET (entry));

  {
    g_autofree char *best = g_strdup_printf ("%s, best of %u", how, runs);
    g_autofree char *median = g_strdup_printf ("%s, median of %u", how, runs);
    g_autofree char *worst = g_strdup_printf ("%s, worst of %u", how, runs);

    row ("keystroke to heatmap on screen", model, words, best, times[0], 100);
    row ("keystroke to heatmap on screen", model, words, median, times[runs / 2], 101);
    row ("keystroke to heatmap on screen", model, words, worst, times[runs - 1], 102);
  }
  /* a count, not a time: table.py prints the best round's */
  printf ("{\"row\": \"keys whose heatmap was in the first frame painted after the key, %s, %u words\", "
          "\"count\": %u, \"of\": %u, \"order\": 102.5}\n", model, words, first_frame, runs);
  {
    g_autofree char *median = g_strdup_printf ("before-paint to after-paint, median of %u", runs);
    g_autofree char *worst = g_strdup_printf ("before-paint to after-paint, worst of %u", runs);

    row ("the frame that shows a key's heatmap, its own work", model, words, median, works[runs / 2], 102.6);
    row ("the frame that shows a key's heatmap, its own work", model, words, worst, works[runs - 1], 102.7);
  }
  printf ("{\"row\": \"longest frame while typing 10 keys a second, %s, %u words (%u keys, viewer under Xvfb)\", "
          "\"seconds\": %.6f, \"reference\": %.6f, \"reference_name\": \"beside it: a bare GtkEntry with the same text\", "
          "\"order\": 103}\n", model, words, runs, longest, reference);
  printf ("{\"row\": \"longest the window was busy at once while typing 10 keys a second (a turn of its main loop), "
          "%s, %u words (%u keys, viewer under Xvfb)\", "
          "\"seconds\": %.6f, \"reference\": %.6f, \"reference_name\": \"beside it: a bare GtkEntry with the same text\", "
          "\"order\": 103.5}\n", model, words, runs, turn, reference_turn);
  {
    g_autofree char *worst = g_strdup_printf ("gtk_editable_insert_text, worst of %u", runs);

    row ("the key's own handling (the entry, AttnScope's handling, the decoding started)", model, words,
         worst, key, 104);
  }
  fflush (stdout);
}

int
main (int   argc,
      char *argv[])
{
  static const char * const models[] = { "en-zh-gru", "en-zh-transformer" };
  guint runs = argc > 1 ? (guint) atoi (argv[1]) : 20;
  g_autoptr (GArray) lengths = g_array_new (FALSE, FALSE, sizeof (guint));
  AsWindow *window;

  gtk_init ();
  default_poll = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, timed_poll);
  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      fprintf (stderr, "bench-keystroke: runs on X11 (GDK_BACKEND=x11, under Xvfb): it presses keys with XTest\n");
      return 1;
    }
  as_register_resource ();
  for (int i = 2; i < argc; i++)
    {
      guint n = (guint) atoi (argv[i]);
      g_array_append_val (lengths, n);
    }
  if (lengths->len == 0)
    {
      guint defaults[] = { 10, 30 };
      g_array_append_vals (lengths, defaults, G_N_ELEMENTS (defaults));
    }
  runs = MAX (runs, 1);

  window = as_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "before-paint", G_CALLBACK (before_paint), window);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint", G_CALLBACK (after_paint), window);

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autofree char *name = g_strconcat (models[m], ".json", NULL);
      g_autofree char *path = g_build_filename (as_models_dir (), name, NULL);
      g_autoptr (GFile) file = g_file_new_for_path (path);

      as_window_open_model (window, file);
      while (as_window_is_loading (window) || as_window_get_model (window) == NULL)
        g_main_context_iteration (NULL, TRUE);
      run_for (IDLE_MS);
      for (guint i = 0; i < lengths->len; i++)
        measure (window, models[m], g_array_index (lengths, guint, i), runs);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
