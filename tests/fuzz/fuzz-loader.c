/* libFuzzer target: any bytes as a model file.
 *
 * The loader must refuse with one AS_ERROR line that starts with the
 * document's name and holds no control character, or give a model that runs:
 * a small model is described and decodes a sentence greedily and with a beam. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "as-error.h"
#include "as-model.h"
#include "as-session.h"

static void
check_message (const GError *error)
{
  if (error == NULL || error->domain != AS_ERROR || error->message == NULL)
    abort ();
  if (!g_str_has_prefix (error->message, "fuzz.json: ") || error->message[strlen ("fuzz.json: ")] == '\0')
    abort ();
  if (!g_utf8_validate (error->message, -1, NULL))
    abort ();
  for (const char *p = error->message; *p != '\0'; p++)
    if ((guchar) *p < 0x20)
      abort ();
}

static void
run_model (AsModel *model)
{
  g_autofree char *description = as_model_describe (model);
  g_autoptr (AsSession) session = NULL;
  g_autoptr (GError) error = NULL;

  for (const char *p = description; *p != '\0'; p++)
    if ((guchar) *p < 0x20 && *p != '\n')
      abort ();

  /* decoding costs about max_length times the weights: keep it to small models */
  if (as_model_get_n_parameters (model) > 400000)
    return;
  session = as_session_new (model, "hello world ! zebra", &error);
  if (session == NULL)
    {
      check_message (error);
      return;
    }
  as_session_set_max_length (session, MIN (as_session_get_max_length (session), 20));
  if (as_session_decode_greedy (session, &error))
    {
      g_autofree char *translation = as_session_get_translation (session);
      if (!g_utf8_validate (translation, -1, NULL))
        abort ();
      as_session_decode_beam (session, 3, NULL);
    }
  else if (error == NULL || error->domain != AS_ERROR)
    abort ();
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GError) error = NULL;
  AsModel *model = as_model_new_from_data ((const char *) data, size, "fuzz.json", &error);

  if (model == NULL)
    check_message (error);
  else
    {
      if (error != NULL)
        abort ();
      run_model (model);
      as_model_unref (model);
    }
  return 0;
}
