/* Times AttnScope's engine: load, then encoder + greedy decoding of
 * sentences of several lengths. Prints one JSON object per line; run.sh
 * puts it beside PyTorch's times for the same model and sentences.
 *
 *   bench-engine MODEL STEPS LENGTH...
 *
 * Sentence i of length L is the source tokens vocab[3 + (k * 7919) % (S - 3)]
 * for k = 0..L-1 (bench_torch.py builds the same). Decoding is forced to
 * exactly STEPS steps (the greedy argmax, but never stopping at the end
 * token) so that both sides do the same work. */

#include <stdio.h>
#include <stdlib.h>

#include "as-model.h"
#include "as-session.h"

static char *
make_sentence (const AsVocab *src,
               guint          length)
{
  GString *s = g_string_new (NULL);

  for (guint k = 0; k < length; k++)
    {
      guint id = 3 + (guint) (((guint64) k * 7919) % (src->size - 3));
      g_string_append_printf (s, "%s%s", k ? " " : "", as_vocab_get_token (src, id));
    }
  return g_string_free (s, FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) model = NULL;
  gint64 start;
  guint steps;

  if (argc < 4)
    {
      fprintf (stderr, "usage: bench-engine MODEL STEPS LENGTH...\n");
      return 2;
    }
  steps = atoi (argv[2]);

  start = g_get_monotonic_time ();
  model = as_model_new_from_file (argv[1], &error);
  if (model == NULL)
    {
      fprintf (stderr, "bench-engine: %s\n", error->message);
      return 1;
    }
  printf ("{\"what\": \"load\", \"seconds\": %.6f}\n", (g_get_monotonic_time () - start) / 1e6);

  for (int a = 3; a < argc; a++)
    {
      guint length = atoi (argv[a]);
      g_autofree char *sentence = make_sentence (as_model_get_source (model), length);
      guint runs = length <= 100 ? 50 : length <= 1000 ? 10 : 3;
      double best = G_MAXDOUBLE;

      for (guint r = 0; r < runs; r++)
        {
          g_autoptr (AsSession) session = NULL;

          start = g_get_monotonic_time ();
          session = as_session_new (model, sentence, &error);
          if (session == NULL)
            {
              fprintf (stderr, "bench-engine: %s\n", error->message);
              return 1;
            }
          as_session_set_max_length (session, steps);
          for (guint t = 0; t < steps; t++)
            {
              int token = -1;
              if (!as_session_step (session, token, &error))
                {
                  fprintf (stderr, "bench-engine: %s\n", error->message);
                  return 1;
                }
            }
          best = MIN (best, (g_get_monotonic_time () - start) / 1e6);
        }
      printf ("{\"what\": \"translate\", \"length\": %u, \"steps\": %u, \"seconds\": %.6f}\n", length, steps, best);
    }
  return 0;
}
