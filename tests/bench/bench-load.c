/* Times AttnScope's loader: as_model_new_from_file() RUNS times in one
 * process, and the peak memory it takes. Prints one JSON object;
 * run-loader.sh puts it beside bench_load_python.py's numbers for the same
 * file.
 *
 *   bench-load MODEL RUNS
 *
 * "first" is the first load (cold caches in the allocator, page faults on
 * fresh memory: what a user sees when the viewer opens a file), "best" the
 * fastest of all RUNS. "peak_rss_bytes" is the kernel's high-water mark of
 * the resident set (VmHWM) minus the resident set just before the first
 * load (VmRSS): what loading added on top of the program itself. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "as-model.h"

/* A "Key:   1234 kB" line of /proc/self/status, in bytes; 0 if unreadable
 * (not Linux), which makes the peak meaningless but the times still right. */
static guint64
status_bytes (const char *key)
{
  g_autofree char *status = NULL;
  gsize key_len = strlen (key);
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  for (line = status; line != NULL && *line != '\0'; line = strchr (line, '\n'))
    {
      if (*line == '\n')
        line++;
      if (strncmp (line, key, key_len) == 0 && line[key_len] == ':')
        return g_ascii_strtoull (line + key_len + 1, NULL, 10) * 1024;
    }
  return 0;
}

int
main (int    argc,
      char **argv)
{
  guint64 baseline, peak, n_parameters = 0;
  double first = 0, best = G_MAXDOUBLE;
  int runs;

  if (argc != 3 || (runs = atoi (argv[2])) < 1)
    {
      fprintf (stderr, "usage: bench-load MODEL RUNS\n");
      return 2;
    }

  /* Taken right before the first load, so that the program's own startup
   * (libraries, GLib's type system) is not counted as the loader's memory. */
  baseline = status_bytes ("VmRSS");

  for (int r = 0; r < runs; r++)
    {
      g_autoptr (GError) error = NULL;
      AsModel *model;
      gint64 start;
      double seconds;

      start = g_get_monotonic_time ();
      model = as_model_new_from_file (argv[1], &error);
      seconds = (g_get_monotonic_time () - start) / 1e6;
      if (model == NULL)
        {
          fprintf (stderr, "bench-load: %s\n", error->message);
          return 1;
        }
      if (r == 0)
        first = seconds;
      best = MIN (best, seconds);
      n_parameters = as_model_get_n_parameters (model);
      as_model_unref (model);
    }

  /* VmHWM never goes down, so after all runs it is the peak of the worst
   * one; every run loads the same file, the first included. */
  peak = status_bytes ("VmHWM");
  printf ("{\"first\": %.6f, \"best\": %.6f, \"peak_rss_bytes\": %" G_GUINT64_FORMAT
          ", \"parameters\": %" G_GUINT64_FORMAT "}\n",
          first, best, peak > baseline ? peak - baseline : 0, n_parameters);
  return 0;
}
