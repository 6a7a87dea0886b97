/* The model document: loads a model file in a thread, keeps the model
 * loaded last, watches its file and loads it again a moment after it
 * changed on disk. It says how each load went ("loaded", "failed"); what to
 * show is the window's business. A model that fails to load never replaces
 * the one in use.
 *
 * Dropping the last reference cancels a load in progress: its task holds no
 * reference to the loader, and its callback looks at nothing but the task
 * once the load is cancelled. */

#include "config.h"

#include "as-model-loader.h"

#define RELOAD_DELAY_MS   300   /* reload this long after the model file last changed */

typedef struct
{
  GFile    *file;
  gboolean  reload;
} LoadRequest;

struct _AsModelLoader
{
  GObject        parent_instance;

  AsModel       *model;
  GFile         *file;
  GFileMonitor  *monitor;
  GCancellable  *cancellable;
  guint          reload_source;
  guint          n_loading;
};

enum {
  LOADED,
  FAILED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (AsModelLoader, as_model_loader, G_TYPE_OBJECT)

static guint signals[N_SIGNALS];

static void load (AsModelLoader *self,
                  GFile         *file,
                  gboolean       reload);

static void
load_request_free (LoadRequest *request)
{
  g_clear_object (&request->file);
  g_free (request);
}

/* Watching the file */

static gboolean
reload_timeout (gpointer data)
{
  AsModelLoader *self = data;

  self->reload_source = 0;
  if (self->file != NULL && g_file_query_exists (self->file, NULL))
    load (self, self->file, TRUE);
  return G_SOURCE_REMOVE;
}

static void
file_changed (AsModelLoader     *self,
              GFile             *file,
              GFile             *other_file,
              GFileMonitorEvent  event,
              GFileMonitor      *monitor)
{
  gboolean ours = FALSE;

  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
      ours = g_file_equal (file, self->file);
      break;
    case G_FILE_MONITOR_EVENT_RENAMED:
      /* a new version written elsewhere and renamed over ours */
      ours = other_file != NULL && g_file_equal (other_file, self->file);
      break;
    default:
      break;
    }

  if (!ours)
    return;

  g_clear_handle_id (&self->reload_source, g_source_remove);
  self->reload_source = g_timeout_add (RELOAD_DELAY_MS, reload_timeout, self);
}

static void
stop_watching (AsModelLoader *self)
{
  if (self->monitor == NULL)
    return;

  g_signal_handlers_disconnect_by_func (self->monitor, file_changed, self);
  g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
}

static void
watch_file (AsModelLoader *self)
{
  g_autoptr (GError) error = NULL;

  stop_watching (self);

  if (self->file == NULL || !g_file_is_native (self->file))
    return;

  self->monitor = g_file_monitor_file (self->file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (self->monitor == NULL)
    {
      g_debug ("Not watching the model file for changes: %s", error->message);
      return;
    }

  g_signal_connect_object (self->monitor, "changed", G_CALLBACK (file_changed),
                           self, G_CONNECT_SWAPPED);
}

/* Loading */

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadRequest *request = task_data;
  g_autofree char *path = g_file_get_path (request->file);
  GError *error = NULL;
  AsModel *model;

  if (path != NULL)
    model = as_model_new_from_file (path, &error);
  else
    {
      g_autofree char *contents = NULL;
      g_autofree char *uri = g_file_get_uri (request->file);
      gsize length;

      if (g_file_load_contents (request->file, cancellable, &contents, &length, NULL, &error))
        model = as_model_new_from_data (contents, length, uri, &error);
      else
        model = NULL;
    }

  if (model != NULL)
    g_task_return_pointer (task, model, (GDestroyNotify) as_model_unref);
  else
    g_task_return_error (task, error);
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  LoadRequest *request = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  AsModelLoader *self;
  AsModel *model;

  model = g_task_propagate_pointer (G_TASK (result), &error);

  /* the loader is gone (or going) */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = AS_MODEL_LOADER (user_data);
  self->n_loading--;

  if (model == NULL)
    {
      if (!g_file_query_exists (request->file, NULL))
        {
          g_clear_error (&error);
          g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "there is no such file");
        }

      g_signal_emit (self, signals[FAILED], 0, request->file, request->reload, error);
      return;
    }

  g_clear_pointer (&self->model, as_model_unref);
  self->model = model;

  if (self->file == NULL || !g_file_equal (request->file, self->file))
    {
      g_set_object (&self->file, request->file);
      watch_file (self);
    }

  g_signal_emit (self, signals[LOADED], 0, request->file, request->reload);
}

static void
load (AsModelLoader *self,
      GFile         *file,
      gboolean       reload)
{
  g_autoptr (GTask) task = NULL;
  LoadRequest *request = g_new0 (LoadRequest, 1);

  request->file = g_object_ref (file);
  request->reload = reload;

  task = g_task_new (NULL, self->cancellable, load_done, self);
  g_task_set_source_tag (task, load);
  g_task_set_task_data (task, request, (GDestroyNotify) load_request_free);
  self->n_loading++;
  g_task_run_in_thread (task, load_thread);
}

/* GObject */

static void
as_model_loader_dispose (GObject *object)
{
  AsModelLoader *self = AS_MODEL_LOADER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  stop_watching (self);

  G_OBJECT_CLASS (as_model_loader_parent_class)->dispose (object);
}

static void
as_model_loader_finalize (GObject *object)
{
  AsModelLoader *self = AS_MODEL_LOADER (object);

  g_clear_pointer (&self->model, as_model_unref);
  g_clear_object (&self->file);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (as_model_loader_parent_class)->finalize (object);
}

static void
as_model_loader_class_init (AsModelLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = as_model_loader_dispose;
  object_class->finalize = as_model_loader_finalize;

  /**
   * AsModelLoader::loaded:
   * @file: the file loaded
   * @reloaded: whether it was loaded again because it changed on disk
   *
   * The model of @file is now as_model_loader_get_model()'s.
   */
  signals[LOADED] =
    g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_FILE, G_TYPE_BOOLEAN);

  /**
   * AsModelLoader::failed:
   * @file: the file that could not be loaded
   * @reloaded: whether it was being loaded again because it changed on disk
   * @error: why, as the model loader said (or "there is no such file")
   *
   * The model loaded before, if any, stays.
   */
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_FILE, G_TYPE_BOOLEAN, G_TYPE_ERROR);
}

static void
as_model_loader_init (AsModelLoader *self)
{
  self->cancellable = g_cancellable_new ();
}

/* Public API */

AsModelLoader *
as_model_loader_new (void)
{
  return g_object_new (AS_TYPE_MODEL_LOADER, NULL);
}

void
as_model_loader_load (AsModelLoader *self,
                      GFile         *file)
{
  g_return_if_fail (AS_IS_MODEL_LOADER (self));
  g_return_if_fail (G_IS_FILE (file));

  load (self, file, FALSE);
}

AsModel *
as_model_loader_get_model (AsModelLoader *self)
{
  g_return_val_if_fail (AS_IS_MODEL_LOADER (self), NULL);

  return self->model;
}

GFile *
as_model_loader_get_file (AsModelLoader *self)
{
  g_return_val_if_fail (AS_IS_MODEL_LOADER (self), NULL);

  return self->file;
}

gboolean
as_model_loader_is_loading (AsModelLoader *self)
{
  g_return_val_if_fail (AS_IS_MODEL_LOADER (self), FALSE);

  return self->n_loading > 0;
}
