/* The viewer's keystroke-to-screen time, in the real window: a character
 * is typed at the end of the sentence's entry (inserted at the caret, as a
 * key press's text is), and the clock stops at the end of the first frame
 * that is painted after the window shows the new sentence's result (the
 * frame clock's "after-paint"; the heatmap was queued for drawing when the
 * result came). The character is then deleted, and the window settles,
 * before the next run. Prints the benchmark's JSON lines (tests/bench/
 * table.py): for each bundled model and length, the best and the median
 * of RUNS. Runs under Xvfb (tests/bench/run.sh), GSK_RENDERER=cairo. Not a
 * test.
 *
 *   bench-keystroke [RUNS [WORDS...]]        (20 runs; 10 and 30 words) */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "as-paths.h"
#include "as-resources.h"
#include "as-window-private.h"

static gboolean shows_text (AsWindow *window);

static gint64 shown_painted;   /* the end of the first frame painted with the result, 0: none yet */

static void
after_paint (GdkFrameClock *clock,
             AsWindow      *window)
{
  if (shown_painted == 0 && shows_text (window))
    shown_painted = g_get_monotonic_time ();
}

/* The window shows the result of the entry's text as it is now. */
static gboolean
shows_text (AsWindow *window)
{
  AsSession *session = as_window_get_session (window);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (window->source_entry));

  return session != NULL && strcmp (as_session_get_sentence (session), text) == 0 &&
         as_session_get_n_steps (session) > 0;
}

/* Iterates the main loop until a frame has been painted with @window
 * showing the result of its entry's text (the text changed at @start); the
 * time from @start to the end of that frame, in seconds. */
/* The longest time between two frames of the window while a result is
 * due: with a tick callback the frame clock runs every frame, so a frame
 * later than the one before by more than a frame's time means the main
 * thread was blocked. */
static double longest_frame;     /* seconds */
static double longest_key;       /* seconds: the key's own handling (the entry, starting the decoding) */
static gint64 last_tick;

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

/* (-1 after 20 s without: the model refused the sentence, a Transformer's
 * positions being fewer than its tokens) */
static double
wait_on_screen (AsWindow *window,
                gint64    start)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  shown_painted = 0;
  while (shown_painted == 0)
    {
      if (g_get_monotonic_time () > deadline)
        return -1.0;
      g_main_context_iteration (NULL, FALSE) || (g_usleep (500), TRUE);
    }
  return (shown_painted - start) / 1e6;
}

static void
settle (void)
{
  gint64 end = g_get_monotonic_time () + 150 * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static int
compare (const void *a,
         const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
measure (AsWindow   *window,
         const char *model,
         guint       words,
         guint       runs)
{
  static const char * const sentence[] = { "i", "am", "hungry", "and", "you", "are", "tired", "." };
  GtkEditable *entry = GTK_EDITABLE (window->source_entry);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree double *times = g_new (double, runs);

  /* @words words, the last one "." typed by the runs */
  for (guint i = 0; i + 1 < words; i++)
    g_string_append_printf (text, "%s ", sentence[i % (G_N_ELEMENTS (sentence) - 1)]);
  as_window_set_sentence (window, text->str);
  if (wait_on_screen (window, g_get_monotonic_time ()) < 0)
    {
      fprintf (stderr, "bench-keystroke: %s does not take %u words\n", model, words);
      return;
    }
  settle ();

  longest_frame = 0.0;
  longest_key = 0.0;
  for (guint run = 0; run < runs; run++)
    {
      int position = gtk_editable_get_position (entry);
      guint id = gtk_widget_add_tick_callback (GTK_WIDGET (window), tick, NULL, NULL);
      gint64 start;

      /* frames running before the key, and from it to the result */
      last_tick = 0;
      while (last_tick == 0)
        g_main_context_iteration (NULL, TRUE);
      start = g_get_monotonic_time ();
      gtk_editable_insert_text (entry, ".", 1, &position);
      gtk_editable_set_position (entry, position);
      longest_key = MAX (longest_key, (g_get_monotonic_time () - start) / 1e6);
      times[run] = wait_on_screen (window, start);
      gtk_widget_remove_tick_callback (GTK_WIDGET (window), id);
      settle ();

      gtk_editable_delete_text (entry, position - 1, position);
      wait_on_screen (window, g_get_monotonic_time ());
      settle ();
    }

  qsort (times, runs, sizeof *times, compare);
  printf ("{\"row\": \"keystroke to heatmap on screen, %s, %u words (viewer under Xvfb, best of %u)\", "
          "\"seconds\": %.6f, \"order\": 100}\n", model, words, runs, times[0]);
  printf ("{\"row\": \"keystroke to heatmap on screen, %s, %u words (viewer under Xvfb, median of %u)\", "
          "\"seconds\": %.6f, \"order\": 101}\n", model, words, runs, times[runs / 2]);
  printf ("{\"row\": \"longest frame while typing, %s, %u words (viewer under Xvfb, worst of %u)\", "
          "\"seconds\": %.6f, \"order\": 102}\n", model, words, runs, longest_frame);
  printf ("{\"row\": \"the key's own handling (text changed, decoding started), %s, %u words (worst of %u)\", "
          "\"seconds\": %.6f, \"order\": 103}\n", model, words, runs, longest_key);
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
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint", G_CALLBACK (after_paint), window);
  gtk_widget_grab_focus (GTK_WIDGET (window->source_entry));

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autofree char *name = g_strconcat (models[m], ".json", NULL);
      g_autofree char *path = g_build_filename (as_models_dir (), name, NULL);
      g_autoptr (GFile) file = g_file_new_for_path (path);

      as_window_open_model (window, file);
      while (as_window_is_loading (window) || as_window_get_model (window) == NULL)
        g_main_context_iteration (NULL, TRUE);
      settle ();
      for (guint i = 0; i < lengths->len; i++)
        measure (window, models[m], g_array_index (lengths, guint, i), runs);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
