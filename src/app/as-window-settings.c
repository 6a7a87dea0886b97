/* What the window keeps between runs (GSettings, as-settings.h): its size
 * and whether it is maximized, the colour map, and the models opened last
 * (the Open button's menu lists them, newest first). */

#include "config.h"

#include "as-window-private.h"

#include "as-paths.h"

#define MAX_RECENT 10

/* The size to come back to: the unmaximized one. */
static void
save_size (AsWindow *self)
{
  int width, height;

  if (self->settings == NULL || gtk_window_is_maximized (GTK_WINDOW (self)))
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

/* Only when the state changes (a window being mapped is not yet maximized). */
static void
save_maximized (AsWindow *self)
{
  if (self->settings != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
}

void
_as_window_settings_init (AsWindow *self)
{
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");
  g_autofree char *colormap = g_settings_get_string (self->settings, "colormap");
  g_autofree char *scale = g_settings_get_string (self->settings, "scale");

  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_signal_connect_object (self, "notify::default-width", G_CALLBACK (save_size), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "notify::default-height", G_CALLBACK (save_size), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "notify::maximized", G_CALLBACK (save_maximized), self, G_CONNECT_SWAPPED);

  /* "win.colormap" writes it back when it changes */
  g_action_group_change_action_state (G_ACTION_GROUP (self), "colormap", g_variant_new_string (colormap));
  /* "win.scale" too */
  g_action_group_change_action_state (G_ACTION_GROUP (self), "scale", g_variant_new_string (scale));
}

static gboolean
is_bundled (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *bundled = g_canonicalize_filename (as_models_dir (), NULL);
  g_autofree char *canonical = g_canonicalize_filename (folder, NULL);

  return g_strcmp0 (bundled, canonical) == 0;
}

void
_as_window_settings_add_recent (AsWindow *self,
                                GFile    *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_auto (GStrv) old = NULL;
  g_autoptr (GStrvBuilder) builder = NULL;
  g_auto (GStrv) recent = NULL;
  guint n = 1;

  /* the bundled models have their own section of the menu */
  if (path == NULL || is_bundled (path))
    return;

  old = g_settings_get_strv (self->settings, "recent-models");
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT; i++)
    if (g_strcmp0 (old[i], path) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-models", (const char * const *) recent);
}

GStrv
_as_window_settings_get_recent (AsWindow *self)
{
  g_auto (GStrv) recent = g_settings_get_strv (self->settings, "recent-models");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  /* files moved or deleted since are left out */
  for (guint i = 0; recent[i] != NULL; i++)
    if (g_file_test (recent[i], G_FILE_TEST_IS_REGULAR))
      g_strv_builder_add (builder, recent[i]);

  return g_strv_builder_end (builder);
}
