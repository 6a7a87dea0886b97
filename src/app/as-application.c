/* The application: one window per instance, the command line (a model file,
 * --sentence, --target, --export-to), the About dialog, the dark style and
 * the keyboard accelerators. A second `attnscope` invocation is forwarded to
 * the running one, so `attnscope --export-to=FILE` exports the view that is
 * on screen through the window's "export-to" action; a model forwarded that
 * way keeps the invoking process waiting until it is loaded, and makes it
 * exit non-zero when it cannot be.
 *
 * The dark style: the "dark-style" key once the person chose it in the app
 * (kept across restarts), else the desktop's colour scheme, else what GTK's
 * settings say; the Dark Style menu item (app.dark-style) always shows the
 * style in use. */

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "as-application.h"

#include "as-paths.h"
#include "as-settings.h"
#include "as-window-private.h"

struct _AsApplication
{
  GtkApplication parent_instance;
  GSettings     *settings;    /* ours: dark-style */
  GSettings     *interface;   /* org.gnome.desktop.interface, where it exists */
};

G_DEFINE_FINAL_TYPE (AsApplication, as_application, GTK_TYPE_APPLICATION)

/* The descriptions are translated where the entries are added. */
static const GOptionEntry options[] = {
  { "sentence", 's', 0, G_OPTION_ARG_STRING, NULL, N_("Translate this sentence"), N_("TEXT") },
  { "target", 't', 0, G_OPTION_ARG_STRING, NULL, N_("Score this translation of it instead of the model's own"), N_("TEXT") },
  { "kind", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Show this attention: cross (the default), decoder-self or encoder-self"), N_("KIND") },
  /* a string: GApplication forwards an integer option only when it is not 0 */
  { "layer", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Of this layer, from 0 (default: the last)"), N_("L") },
  { "head", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Of this head, from 0, or mean (the default)"), N_("H") },
  { "grid", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show every layer and head at once"), NULL },
  { "export-to", 'e', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Save the view shown (of the running window, if there is one) as SVG, PNG or PDF"), N_("FILE") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  /* named by the parameter string below */
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, NULL },
  { NULL }
};

/* Translations */

const char *
as_application_get_locale_dir (void)
{
  static const char *dir;
  static gsize looked_up;

  if (g_once_init_enter (&looked_up))
    {
      /* the build folder's po/ when this program is one of the build
       * folder's (the viewer or a test run from there), else the installed
       * translations */
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
      g_autofree char *build_po = realpath (AS_BUILD_LOCALEDIR, NULL);
      g_autofree char *build_root = build_po != NULL ? g_path_get_dirname (build_po) : NULL;
      const char *found = AS_LOCALEDIR;

      if (exe != NULL && build_root != NULL && g_str_has_prefix (exe, build_root) &&
          exe[strlen (build_root)] == G_DIR_SEPARATOR)
        found = AS_BUILD_LOCALEDIR;
      dir = found;
      g_once_init_leave (&looked_up, 1);
    }
  return dir;
}

void
as_application_init_i18n (void)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, as_application_get_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* A model forwarded by another `attnscope` process: that process waits (its
 * GApplicationCommandLine is kept) until the window's loader says how the
 * load went, and exits non-zero when it failed. */
typedef struct
{
  GApplicationCommandLine *command_line;
  GFile                   *file;
  AsModelLoader           *loader;
  gulong                   loaded_id;
  gulong                   failed_id;
} ForwardedLoad;

static void
forwarded_load_free (gpointer data,
                     GClosure *closure)
{
  ForwardedLoad *forwarded = data;

  g_clear_object (&forwarded->command_line);
  g_clear_object (&forwarded->file);
  g_free (forwarded);
}

static void
forwarded_load_finish (ForwardedLoad *forwarded)
{
  AsModelLoader *loader = forwarded->loader;
  gulong failed_id = forwarded->failed_id;

  /* the "loaded" handler owns @forwarded: disconnecting it frees it */
  g_signal_handler_disconnect (loader, failed_id);
  g_signal_handler_disconnect (loader, forwarded->loaded_id);
}

static void
forwarded_model_loaded (AsModelLoader *loader,
                        GFile         *file,
                        gboolean       reloaded,
                        ForwardedLoad *forwarded)
{
  if (reloaded || !g_file_equal (file, forwarded->file))
    return;
  /* the exit status stays what it was: 0, or what a pending export sets */
  forwarded_load_finish (forwarded);
}

static void
forwarded_model_failed (AsModelLoader *loader,
                        GFile         *file,
                        gboolean       reloaded,
                        const GError  *error,
                        ForwardedLoad *forwarded)
{
  g_autofree char *name = NULL;

  if (reloaded || !g_file_equal (file, forwarded->file))
    return;

  /* the loader's messages name the file already ("en-zh.json: not valid
   * JSON: ..."); the others are given its path */
  name = g_file_get_basename (file);
  if (name != NULL && g_str_has_prefix (error->message, name))
    g_application_command_line_printerr (forwarded->command_line, "attnscope: %s\n", error->message);
  else
    {
      g_autofree char *path = g_file_get_parse_name (file);

      /* Translators: the first %s is a file, the second why it cannot be opened */
      g_application_command_line_printerr (forwarded->command_line, _("attnscope: %s: %s\n"), path, error->message);
    }
  g_application_command_line_set_exit_status (forwarded->command_line, 1);
  forwarded_load_finish (forwarded);
}

static void
wait_for_forwarded_load (AsWindow                *window,
                         GApplicationCommandLine *command_line,
                         GFile                   *file)
{
  ForwardedLoad *forwarded = g_new0 (ForwardedLoad, 1);

  forwarded->command_line = g_object_ref (command_line);
  forwarded->file = g_object_ref (file);
  forwarded->loader = window->loader;
  forwarded->failed_id = g_signal_connect (window->loader, "failed", G_CALLBACK (forwarded_model_failed), forwarded);
  forwarded->loaded_id = g_signal_connect_data (window->loader, "loaded", G_CALLBACK (forwarded_model_loaded),
                                                forwarded, forwarded_load_free, 0);
}

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
      g_application_command_line_printerr (command_line, "%s", _("attnscope: --kind must be cross, decoder-self or encoder-self\n"));
      return 2;
    }
  if (head_name != NULL && g_strcmp0 (head_name, "mean") != 0)
    {
      guint64 value;
      if (!g_ascii_string_to_unsigned (head_name, 10, 0, G_MAXINT, &value, NULL))
        {
          g_application_command_line_printerr (command_line, "%s", _("attnscope: --head must be a head's number or mean\n"));
          return 2;
        }
      head = (int) value;
    }
  if (has_layer)
    {
      guint64 value;
      if (!g_ascii_string_to_unsigned (layer_name, 10, 0, G_MAXINT, &value, NULL))
        {
          g_application_command_line_printerr (command_line, "%s", _("attnscope: --layer must be a layer's number, from 0\n"));
          return 2;
        }
      layer = (int) value;
    }
  g_variant_dict_lookup (dict, "export-to", "^&ay", &export_to);

  if (models != NULL && models[0] != NULL && models[1] != NULL)
    {
      g_application_command_line_printerr (command_line, "%s", _("attnscope: give one model file at most\n"));
      return 2;
    }

  window = get_window (self, &created);

  if (models != NULL && models[0] != NULL)
    {
      /* a bundled model's name ("en-zh-transformer") or a path */
      g_autofree char *path = as_model_path_for (models[0]);
      g_autoptr (GFile) file = g_application_command_line_create_file_for_arg (command_line, path);

      as_window_open_model (window, file);
      if (g_application_command_line_get_is_remote (command_line))
        wait_for_forwarded_load (window, command_line, file);
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
  const char *authors[] = { _("The AttnScope developers"), NULL };
  const char *data[] = {
    _("Tatoeba sentence pairs (CC-BY 2.0 FR) https://tatoeba.org"),
    _("prepared by www.manythings.org/anki https://www.manythings.org/anki/"),
    NULL
  };
  const char *colormaps[] = {
    _("viridis and magma: N. J. Smith, S. van der Walt, E. Firing (CC0) https://bids.github.io/colormap/"),
    NULL
  };

  about = GTK_ABOUT_DIALOG (gtk_about_dialog_new ());
  gtk_about_dialog_set_program_name (about, "AttnScope");
  gtk_about_dialog_set_logo_icon_name (about, AS_APP_ID);
  gtk_about_dialog_set_version (about, AS_VERSION);
  gtk_about_dialog_set_comments (about,
                                 _("See where a neural translation model looks while it translates: "
                                   "its attention at every step of the decoding, token by token.\n\n"
                                   "The bundled English→Chinese model was trained on sentence pairs "
                                   "from Tatoeba (tatoeba.org), via www.manythings.org/anki, "
                                   "licensed CC-BY 2.0 FR."));
  gtk_about_dialog_set_license_type (about, GTK_LICENSE_MIT_X11);
  gtk_about_dialog_set_authors (about, authors);
  gtk_about_dialog_add_credit_section (about, _("Training data"), data);
  gtk_about_dialog_add_credit_section (about, _("Colour maps"), colormaps);
  /* Translators: shown in the About dialog's credits; put your names here */
  gtk_about_dialog_set_translator_credits (about, _("translator-credits"));
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

/* The dark style */

static void
apply_dark_style (AsApplication *self,
                  gboolean       dark)
{
  GtkSettings *gtk_settings = gtk_settings_get_default ();
  g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), "dark-style");
  gboolean prefer_dark = FALSE;

  if (state == NULL || g_variant_get_boolean (state) != dark)
    g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "dark-style")),
                               g_variant_new_boolean (dark));
  g_object_get (gtk_settings, "gtk-application-prefer-dark-theme", &prefer_dark, NULL);
  if (prefer_dark != dark)
    g_object_set (gtk_settings, "gtk-application-prefer-dark-theme", dark, NULL);
}

/* The Dark Style menu item: the person's choice, kept for the next start. */
static void
dark_style_change_state (GSimpleAction *action,
                         GVariant      *value,
                         gpointer       user_data)
{
  AsApplication *self = user_data;

  apply_dark_style (self, g_variant_get_boolean (value));
  g_settings_set_boolean (self->settings, "dark-style", g_variant_get_boolean (value));
}

static const GActionEntry app_entries[] = {
  { "about", about_activated },
  { "quit", quit_activated },
  { "dark-style", NULL, NULL, "false", dark_style_change_state },
};

/* The key changed from elsewhere (gsettings, another program): follow it,
 * unless it was reset, which gives the decision back to the desktop. */
static void
dark_style_key_changed (AsApplication *self)
{
  g_autoptr (GVariant) chosen = g_settings_get_user_value (self->settings, "dark-style");

  if (chosen != NULL)
    apply_dark_style (self, g_variant_get_boolean (chosen));
}

static gboolean
desktop_prefers_dark (AsApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->interface, "color-scheme");

  return g_strcmp0 (scheme, "prefer-dark") == 0;
}

/* The desktop's colour scheme changed while the application runs: the latest
 * choice wins, so the style follows it and the app's own choice is
 * forgotten (the desktop decides again at the next start). */
static void
color_scheme_changed (AsApplication *self)
{
  g_settings_reset (self->settings, "dark-style");
  apply_dark_style (self, desktop_prefers_dark (self));
}

/* GTK's own setting changed (settings.ini, XSettings): the menu item shows
 * the style in use. */
static void
gtk_prefer_dark_changed (AsApplication *self)
{
  gboolean dark = FALSE;
  g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), "dark-style");

  g_object_get (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", &dark, NULL);
  if (state != NULL && g_variant_get_boolean (state) != dark)
    g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "dark-style")),
                               g_variant_new_boolean (dark));
}

static void
init_dark_style (AsApplication *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GVariant) chosen = NULL;
  gboolean dark = FALSE;

  self->settings = as_settings_new ();
  g_signal_connect_object (self->settings, "changed::dark-style",
                           G_CALLBACK (dark_style_key_changed), self, G_CONNECT_SWAPPED);

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "color-scheme"))
    {
      self->interface = g_settings_new ("org.gnome.desktop.interface");
      g_signal_connect_object (self->interface, "changed::color-scheme",
                               G_CALLBACK (color_scheme_changed), self, G_CONNECT_SWAPPED);
    }

  chosen = g_settings_get_user_value (self->settings, "dark-style");
  if (chosen != NULL)
    dark = g_variant_get_boolean (chosen);
  else if (self->interface != NULL)
    dark = desktop_prefers_dark (self);
  else
    g_object_get (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", &dark, NULL);
  apply_dark_style (self, dark);

  g_signal_connect_object (gtk_settings_get_default (), "notify::gtk-application-prefer-dark-theme",
                           G_CALLBACK (gtk_prefer_dark_changed), self, G_CONNECT_SWAPPED);
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
    { "win.pin", { "<Control><Shift>p", NULL } },
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

  init_dark_style (AS_APPLICATION (application));
}

static void
as_application_shutdown (GApplication *application)
{
  AsApplication *self = AS_APPLICATION (application);

  /* the choices of this run are on disk before the process ends */
  if (self->settings != NULL)
    g_settings_sync ();

  G_APPLICATION_CLASS (as_application_parent_class)->shutdown (application);
}

static void
as_application_dispose (GObject *object)
{
  AsApplication *self = AS_APPLICATION (object);

  g_clear_object (&self->interface);
  g_clear_object (&self->settings);

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
  app_class->shutdown = as_application_shutdown;
  app_class->command_line = as_application_command_line;
  app_class->handle_local_options = as_application_handle_local_options;
}

static void
as_application_init (AsApplication *self)
{
  GOptionEntry translated[G_N_ELEMENTS (options)];

  /* GApplication's option context has no translation domain of its own */
  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    {
      translated[i] = options[i];
      if (options[i].description != NULL)
        translated[i].description = _(options[i].description);
      if (options[i].arg_description != NULL)
        translated[i].arg_description = _(options[i].arg_description);
    }
  g_application_add_main_option_entries (G_APPLICATION (self), translated);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[MODEL.json]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("See where a translation model looks while it translates."));
}

AsApplication *
as_application_new (void)
{
  return g_object_new (AS_TYPE_APPLICATION,
                       "application-id", AS_APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       NULL);
}
