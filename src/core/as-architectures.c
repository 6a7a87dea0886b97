/* The registry of architectures: the file's "architecture" name to its
 * table of operations. A new architecture is one entry here. */

#include <string.h>

#include "as-architecture.h"
#include "as-gru-bahdanau.h"
#include "as-transformer.h"

static const AsArchitecture * const architectures[] = {
  &as_gru_bahdanau_architecture,
  &as_transformer_architecture,
};

const AsArchitecture *
as_architecture_lookup (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (architectures); i++)
    if (g_strcmp0 (name, architectures[i]->name) == 0)
      return architectures[i];
  return NULL;
}

char *
as_architecture_list_names (void)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (architectures); i++)
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", architectures[i]->name);
  return g_string_free (names, FALSE);
}

guint
as_state_get_position (gconstpointer state)
{
  return *(const guint *) state;
}

void
as_state_rewind (gpointer state,
                 guint    position)
{
  guint *at = state;

  *at = MIN (*at, position);
}
