/* Where the settings' schema is found: installed (the system's schema
 * folders, or GSETTINGS_SCHEMA_DIR as the tests set it), else compiled in the
 * build folder, so that `bash tools/bootstrap.sh run` works without
 * installing anything. */

#include "config.h"

#include "as-settings.h"

GSettings *
as_settings_new (void)
{
  static GSettingsSchema *schema;
  static gsize looked_up;

  if (g_once_init_enter (&looked_up))
    {
      GSettingsSchemaSource *installed = g_settings_schema_source_get_default ();
      GSettingsSchema *found = NULL;

      if (installed != NULL)
        found = g_settings_schema_source_lookup (installed, AS_APP_ID, TRUE);
      if (found == NULL)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (GSettingsSchemaSource) built =
            g_settings_schema_source_new_from_directory (AS_BUILD_SCHEMA_DIR, installed, FALSE, &error);

          if (built != NULL)
            found = g_settings_schema_source_lookup (built, AS_APP_ID, FALSE);
        }
      /* Without its schema the program cannot run at all: GSettings itself
       * aborts in this case, this says where it looked. */
      if (found == NULL)
        g_error ("The settings schema %s is neither installed nor compiled in %s: "
                 "run `meson install` or build AttnScope again.", AS_APP_ID, AS_BUILD_SCHEMA_DIR);
      schema = found;
      g_once_init_leave (&looked_up, 1);
    }
  return g_settings_new_full (schema, NULL, NULL);
}
