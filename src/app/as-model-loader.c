/* The model document: loads a model file in a thread, keeps the model
 * loaded last, watches its file and loads it again a moment after it
 * changed on disk. It says how each load went ("loaded", "failed"); what to
 * show is the window's business. A model that fails to load never replaces
 * the one in use.
 *
 * A file is often written in several goes (an exporter streaming its JSON,
 * an editor's save): a change is reloaded once the writer says it is done
 * (G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT, a file renamed or moved over
 * ours) or after a quiet period without one, and a reload that fails is
 * tried once more after a quiet period before the failure is reported, so
 * that a file caught half-written never shows as an error. A file deleted
 * or moved away is reported once the dust settles (it may be an editor's
 * save), and loaded again when it comes back.
 *
 * Dropping the last reference cancels a load in progress: its task holds no
 * reference to the loader, and its callback looks at nothing but the task
 * once the load is cancelled. */

#include "config.h"

#include <glib/gi18n.h>

#include "as-model-loader.h"

#define RELOAD_DELAY_MS   300   /* reload this long after the writer said it is done */
#define QUIET_DELAY_MS   2500   /* or this long after the last change without it */
#define RETRY_DELAY_MS   1500   /* try a failed reload again after this long without a change */

typedef struct
{
  GFile    *file;
  gboolean  reload;
  guint     change_serial;      /* the loader's, when the load started */
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
  guint          change_serial;       /* counts the changes seen on disk */
  guint          failed_reloads;      /* of the current change, not yet reported */
  gboolean       missing_reported;    /* the file's deletion was reported */
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
  if (self->file == NULL)
    return G_SOURCE_REMOVE;

  if (g_file_query_exists (self->file, NULL))
    {
      self->missing_reported = FALSE;
      load (self, self->file, TRUE);
    }
  else if (!self->missing_reported)
    {
      g_autoptr (GError) error =
        g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("The file was deleted or moved away; it is loaded again if it comes back"));

      self->missing_reported = TRUE;
      g_signal_emit (self, signals[FAILED], 0, self->file, TRUE, error);
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_reload (AsModelLoader *self,
                 guint          delay_ms)
{
  g_clear_handle_id (&self->reload_source, g_source_remove);
  self->reload_source = g_timeout_add (delay_ms, reload_timeout, self);
}

static void
file_changed (AsModelLoader     *self,
              GFile             *file,
              GFile             *other_file,
              GFileMonitorEvent  event,
              GFileMonitor      *monitor)
{
  guint delay_ms;

  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_CREATED:
      /* being written: wait for the writer to be done */
      if (!g_file_equal (file, self->file))
        return;
      delay_ms = QUIET_DELAY_MS;
      break;
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
      if (!g_file_equal (file, self->file))
        return;
      delay_ms = RELOAD_DELAY_MS;
      break;
    case G_FILE_MONITOR_EVENT_RENAMED:
      /* a new version written elsewhere and renamed over ours, or ours
       * renamed away (an editor keeping a backup) */
      if (!(other_file != NULL && g_file_equal (other_file, self->file)) && !g_file_equal (file, self->file))
        return;
      delay_ms = RELOAD_DELAY_MS;
      break;
    default:
      return;
    }

  self->change_serial++;
  self->failed_reloads = 0;
  schedule_reload (self, delay_ms);
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
      if (request->reload)
        {
          /* the file changed again since this load started: the reload
           * already scheduled says how that went */
          if (request->change_serial != self->change_serial)
            return;
          /* caught half-written? try once more when it has been quiet */
          if (self->failed_reloads++ == 0)
            {
              schedule_reload (self, RETRY_DELAY_MS);
              return;
            }
        }
      if (!g_file_query_exists (request->file, NULL))
        {
          g_clear_error (&error);
          g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("there is no such file"));
        }

      g_signal_emit (self, signals[FAILED], 0, request->file, request->reload, error);
      return;
    }

  g_clear_pointer (&self->model, as_model_unref);
  self->model = model;
  self->failed_reloads = 0;
  self->missing_reported = FALSE;

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
  request->change_serial = self->change_serial;

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
