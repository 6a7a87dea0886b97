/* The application: one window per instance, the command line (a model file,
 * --sentence, --target, --export-to), the About dialog, the dark style and
 * the keyboard accelerators. A second `attnscope` invocation is forwarded to
 * the running one, so `attnscope --export-to=FILE` exports the view that is
 * on screen through the window's "export-to" action. */

#include "config.h"

#include "as-application.h"

#include "as-paths.h"
#include "as-window.h"

struct _AsApplication
{
  GtkApplication parent_instance;
  GSettings     *interface;   /* org.gnome.desktop.interface, where it exists */
};

G_DEFINE_FINAL_TYPE (AsApplication, as_application, GTK_TYPE_APPLICATION)

static const GOptionEntry options[] = {
  { "sentence", 's', 0, G_OPTION_ARG_STRING, NULL, "Translate this sentence", "TEXT" },
  { "target", 't', 0, G_OPTION_ARG_STRING, NULL, "Score this translation of it instead of the model's own", "TEXT" },
  { "kind", 0, 0, G_OPTION_ARG_STRING, NULL,
    "Show this attention: cross (the default), decoder-self or encoder-self", "KIND" },
  /* a string: GApplication forwards an integer option only when it is not 0 */
  { "layer", 0, 0, G_OPTION_ARG_STRING, NULL, "Of this layer, from 0 (default: the last)", "L" },
  { "head", 0, 0, G_OPTION_ARG_STRING, NULL, "Of this head, from 0, or mean (the default)", "H" },
  { "grid", 0, 0, G_OPTION_ARG_NONE, NULL, "Show every layer and head at once", NULL },
  { "export-to", 'e', 0, G_OPTION_ARG_FILENAME, NULL,
    "Save the view shown (of the running window, if there is one) as SVG, PNG or PDF", "FILE" },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, "Print the version and exit", NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, "[MODEL.json]" },
  { NULL }
};

static AsWindow *
get_window (AsApplication *self,
            gboolean      *created)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  *created = window == NULL;
  if (window == NULL)
    window = GTK_WINDOW (as_window_new (GTK_APPLICATION (self)));

  return AS_WINDOW (window);
}

static void
open_default_model (AsWindow *window)
{
  g_autofree char *path = as_default_model_path ();
  g_autoptr (GFile) file = g_file_new_for_path (path);

  as_window_open_model (window, file);
}

static void
as_application_activate (GApplication *application)
{
  gboolean created;
  AsWindow *window = get_window (AS_APPLICATION (application), &created);

  if (created)
    open_default_model (window);
  gtk_window_present (GTK_WINDOW (window));
}

static int
as_application_handle_local_options (GApplication *application,
                                     GVariantDict *dict)
{
  if (g_variant_dict_contains (dict, "version"))
    {
      g_print ("attnscope %s\n", AS_VERSION);
      return 0;
    }

  return -1;
}

static int
as_application_command_line (GApplication            *application,
                             GApplicationCommandLine *command_line)
{
  AsApplication *self = AS_APPLICATION (application);
  GVariantDict *dict = g_application_command_line_get_options_dict (command_line);
  g_autofree const char **models = NULL;
  const char *sentence = NULL, *target = NULL, *export_to = NULL, *kind_name = NULL, *head_name = NULL;
  const char *layer_name = NULL;
  AsAttentionKind kind = AS_ATTENTION_CROSS;
  int layer = -1, head = AS_ATTENTION_MEAN;
  gboolean has_layer, grid = FALSE;
  AsWindow *window;
  gboolean created;

  g_variant_dict_lookup (dict, G_OPTION_REMAINING, "^a&ay", &models);
  g_variant_dict_lookup (dict, "sentence", "&s", &sentence);
  g_variant_dict_lookup (dict, "target", "&s", &target);
  g_variant_dict_lookup (dict, "kind", "&s", &kind_name);
  g_variant_dict_lookup (dict, "head", "&s", &head_name);
  has_layer = g_variant_dict_lookup (dict, "layer", "&s", &layer_name);
  g_variant_dict_lookup (dict, "grid", "b", &grid);
  if (kind_name != NULL && !as_attention_kind_from_name (kind_name, &kind))
    {
      g_application_command_line_printerr (command_line, "attnscope: --kind must be cross, decoder-self or encoder-self\n");
      return 2;
    }
  if (head_name != NULL && g_strcmp0 (head_name, "mean") != 0)
    {
      guint64 value;
      if (!g_ascii_string_to_unsigned (head_name, 10, 0, G_MAXINT, &value, NULL))
        {
          g_application_command_line_printerr (command_line, "attnscope: --head must be a head's number or mean\n");
          return 2;
        }
      head = (int) value;
    }
  if (has_layer)
    {
      guint64 value;
      if (!g_ascii_string_to_unsigned (layer_name, 10, 0, G_MAXINT, &value, NULL))
        {
          g_application_command_line_printerr (command_line, "attnscope: --layer must be a layer's number, from 0\n");
          return 2;
        }
      layer = (int) value;
    }
  g_variant_dict_lookup (dict, "export-to", "^&ay", &export_to);

  if (models != NULL && models[0] != NULL && models[1] != NULL)
    {
      g_application_command_line_printerr (command_line, "attnscope: give one model file at most\n");
      return 2;
    }

  window = get_window (self, &created);

  if (models != NULL && models[0] != NULL)
    {
      /* a bundled model's name ("en-zh-transformer") or a path */
      g_autofree char *path = as_model_path_for (models[0]);
      g_autoptr (GFile) file = g_application_command_line_create_file_for_arg (command_line, path);

      as_window_open_model (window, file);
    }
  else if (created)
    open_default_model (window);

  if (kind_name != NULL || has_layer || head_name != NULL || grid)
    as_window_set_attention (window, kind, layer, head, grid);
  if (target != NULL)
    as_window_set_target (window, target);
  if (sentence != NULL)
    as_window_set_sentence (window, sentence);

  gtk_window_present (GTK_WINDOW (window));

  if (export_to != NULL)
    {
      g_autoptr (GFile) file = g_application_command_line_create_file_for_arg (command_line, export_to);
      g_autofree char *path = g_file_get_path (file);

      /* the exit status is set when the export has run (after a model
       * being loaded is there); the invoking process waits until then */
      g_application_command_line_set_exit_status (command_line, 1);
      as_window_export_to (window, path, command_line);
    }

  return g_application_command_line_get_exit_status (command_line);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *application = user_data;
  GtkWindow *parent = gtk_application_get_active_window (application);
  GtkAboutDialog *about;
  static const char *authors[] = { "The AttnScope developers", NULL };
  static const char *data[] = {
    "Tatoeba sentence pairs (CC-BY 2.0 FR) https://tatoeba.org",
    "prepared by www.manythings.org/anki https://www.manythings.org/anki/",
    NULL
  };
  static const char *colormaps[] = {
    "viridis and magma: N. J. Smith, S. van der Walt, E. Firing (CC0) https://bids.github.io/colormap/",
    NULL
  };

  about = GTK_ABOUT_DIALOG (gtk_about_dialog_new ());
  gtk_about_dialog_set_program_name (about, "AttnScope");
  gtk_about_dialog_set_logo_icon_name (about, AS_APP_ID);
  gtk_about_dialog_set_version (about, AS_VERSION);
  gtk_about_dialog_set_comments (about,
                                 "See where a neural translation model looks while it translates: "
                                 "its attention at every step of the decoding, token by token.\n\n"
                                 "The bundled English→Chinese model was trained on sentence pairs "
                                 "from Tatoeba (tatoeba.org), via www.manythings.org/anki, "
                                 "licensed CC-BY 2.0 FR.");
  gtk_about_dialog_set_license_type (about, GTK_LICENSE_MIT_X11);
  gtk_about_dialog_set_authors (about, authors);
  gtk_about_dialog_add_credit_section (about, "Training data", data);
  gtk_about_dialog_add_credit_section (about, "Colour maps", colormaps);
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_set_modal (GTK_WINDOW (about), TRUE);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
dark_style_changed (GSimpleAction *action,
                    GVariant      *value,
                    gpointer       user_data)
{
  g_simple_action_set_state (action, value);
  g_object_set (gtk_settings_get_default (),
                "gtk-application-prefer-dark-theme", g_variant_get_boolean (value),
                NULL);
}

static const GActionEntry app_entries[] = {
  { "about", about_activated },
  { "quit", quit_activated },
  { "dark-style", NULL, NULL, "false", dark_style_changed },
};

/* Follow the desktop's colour scheme where it says one, also when it changes
 * while the application runs. */
static void
color_scheme_changed (AsApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->interface, "color-scheme");

  g_action_group_change_action_state (G_ACTION_GROUP (self), "dark-style",
                                      g_variant_new_boolean (g_strcmp0 (scheme, "prefer-dark") == 0));
}

static void
follow_desktop_color_scheme (AsApplication *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source == NULL)
    return;
  schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "color-scheme"))
    return;

  self->interface = g_settings_new ("org.gnome.desktop.interface");
  g_signal_connect_object (self->interface, "changed::color-scheme",
                           G_CALLBACK (color_scheme_changed), self, G_CONNECT_SWAPPED);
  color_scheme_changed (self);
}

static void
as_application_startup (GApplication *application)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.export", { "<Control>e", NULL } },
    { "win.step-previous", { "<Alt>Left", NULL } },
    { "win.step-next", { "<Alt>Right", NULL } },
    { "win.step-first", { "<Alt>Home", NULL } },
    { "win.step-last", { "<Alt>End", NULL } },
    { "win.play", { "<Control>p", NULL } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal", NULL } },
    { "win.zoom-out", { "<Control>minus", NULL } },
    { "win.zoom-reset", { "<Control>0", NULL } },
    { "win.focus-sentence", { "<Control>l", NULL } },
  };
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (as_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_entries,
                                   G_N_ELEMENTS (app_entries), application);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application),
                                           accels[i].action, accels[i].accels);

  gtk_css_provider_load_from_resource (css, "/org/attnscope/AttnScope/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/org/attnscope/AttnScope/icons");
  gtk_window_set_default_icon_name (AS_APP_ID);

  follow_desktop_color_scheme (AS_APPLICATION (application));
}

static void
as_application_dispose (GObject *object)
{
  AsApplication *self = AS_APPLICATION (object);

  g_clear_object (&self->interface);

  G_OBJECT_CLASS (as_application_parent_class)->dispose (object);
}

static void
as_application_class_init (AsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = as_application_dispose;

  app_class->activate = as_application_activate;
  app_class->startup = as_application_startup;
  app_class->command_line = as_application_command_line;
  app_class->handle_local_options = as_application_handle_local_options;
}

static void
as_application_init (AsApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), "[MODEL.json]");
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            "See where a translation model looks while it translates.");
}

AsApplication *
as_application_new (void)
{
  return g_object_new (AS_TYPE_APPLICATION,
                       "application-id", AS_APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       NULL);
}
