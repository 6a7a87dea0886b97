#include "config.h"

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
