/* The help page (F1): a window built from the application's resources, its
 * text translatable, nothing fetched from the network. */

#include "config.h"

#include "as-help-window.h"

#define HELP_KEY "as-help-window"

static void
help_destroyed (GtkWindow *parent,
                GtkWindow *help)
{
  if (g_object_get_data (G_OBJECT (parent), HELP_KEY) == help)
    g_object_set_data (G_OBJECT (parent), HELP_KEY, NULL);
}

GtkWindow *
as_help_window_present (GtkWindow *parent)
{
  GtkWindow *help = parent != NULL ? g_object_get_data (G_OBJECT (parent), HELP_KEY) : NULL;

  if (help == NULL)
    {
      g_autoptr (GtkBuilder) builder = gtk_builder_new_from_resource ("/org/attnscope/AttnScope/as-help-window.ui");
      GtkEventController *keys = gtk_shortcut_controller_new ();

      help = GTK_WINDOW (gtk_builder_get_object (builder, "help_window"));
      gtk_window_set_transient_for (help, parent);
      gtk_window_set_destroy_with_parent (help, TRUE);

      /* Escape and Ctrl+W close it */
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                            gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("Escape|<Control>w"),
                                                              gtk_named_action_new ("window.close")));
      gtk_widget_add_controller (GTK_WIDGET (help), keys);

      if (parent != NULL)
        {
          g_object_set_data (G_OBJECT (parent), HELP_KEY, help);
          g_signal_connect_object (help, "destroy", G_CALLBACK (help_destroyed), parent, G_CONNECT_SWAPPED);
        }
    }

  gtk_window_present (help);
  return help;
}
