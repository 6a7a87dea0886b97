#include "config.h"

#include <string.h>

#include "as-paths.h"

const char *
as_models_dir (void)
{
  static char *dir;

  if (g_once_init_enter (&dir))
    {
      const char *env = g_getenv ("ATTNSCOPE_MODELS_DIR");
      g_autofree char *installed = g_build_filename (AS_PKGDATADIR, "models", NULL);
      g_autofree char *probe = g_build_filename (installed, AS_DEFAULT_MODEL_FILE, NULL);
      char *chosen;

      if (env != NULL && *env != '\0')
        chosen = g_strdup (env);
      else if (g_file_test (probe, G_FILE_TEST_IS_REGULAR))
        chosen = g_steal_pointer (&installed);
      else
        chosen = g_strdup (AS_SOURCE_MODELS_DIR);

      g_once_init_leave (&dir, chosen);
    }

  return dir;
}

char *
as_default_model_path (void)
{
  return g_build_filename (as_models_dir (), AS_DEFAULT_MODEL_FILE, NULL);
}

char *
as_model_path_for (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  if (*name != '\0' && strchr (name, '/') == NULL && !g_str_has_suffix (name, ".json"))
    {
      g_autofree char *file = g_strconcat (name, ".json", NULL);
      g_autofree char *path = g_build_filename (as_models_dir (), file, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return g_strdup (name);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

GStrv
as_list_bundled_models (void)
{
  g_autoptr (GDir) dir = g_dir_open (as_models_dir (), 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (entry, ".json"))
      g_ptr_array_add (names, g_strndup (entry, strlen (entry) - strlen (".json")));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}
