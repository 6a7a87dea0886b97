/* Decoding off the main thread: a sentence typed in the window is encoded
 * and decoded in a thread of GIO's pool, so that a long one never blocks the
 * window. The model is immutable and shared; the session is the thread's own
 * until it is handed back. The window keeps one decoding in flight at most
 * and drops a result that a newer text made stale. */

#include "config.h"

#include <cblas.h>

#include "as-decoder-worker.h"

typedef struct
{
  AsModel *model;
  char    *sentence;
  char    *target;      /* NULL: greedy */
  guint    max_length;
  guint    beam_width;  /* 1: greedy */

  /* the result, for as_decode_wait () or as_decode_finish (), whichever
   * takes it first */
  GMutex          lock;
  GCond           cond;
  gboolean        done;
  AsDecodeResult *result;
} Request;

/* for the tests */
static gint n_started;
static gint n_running;
static gint n_steps;

static gsize blas_threads;

static void
request_free (Request *request)
{
  g_clear_pointer (&request->model, as_model_unref);
  g_free (request->sentence);
  g_free (request->target);
  g_clear_pointer (&request->result, as_decode_result_free);
  g_mutex_clear (&request->lock);
  g_cond_clear (&request->cond);
  g_free (request);
}

void
as_decode_result_free (AsDecodeResult *result)
{
  g_clear_pointer (&result->session, as_session_free);
  g_clear_error (&result->error);
  g_free (result->own_translation);
  g_free (result);
}

static gboolean
is_blank (const char *text)
{
  for (; text != NULL && *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}

/* The model's own translation of @session's sentence: greedy, a step at a
 * time so that a newer text stops it, or a beam search. FALSE when
 * cancelled (@error not set) or failed (@error set). */
static gboolean
decode_own (AsSession     *session,
            guint          beam_width,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!as_session_can_decode (session, error))
    return FALSE;
  if (beam_width > 1)
    {
      if (as_session_decode_beam_cancellable (session, beam_width, cancellable, &local_error))
        return TRUE;
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  while (!as_session_is_finished (session))
    {
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      if (!as_session_step (session, -1, error))
        return FALSE;
      g_atomic_int_inc (&n_steps);
    }
  return TRUE;
}

static AsDecodeResult *
decode (Request      *request,
        GCancellable *cancellable)
{
  g_autoptr (AsDecodeResult) result = g_new0 (AsDecodeResult, 1);

  result->session = as_session_new_cancellable (request->model, request->sentence, cancellable, &result->error);
  if (result->session == NULL)
    return g_steal_pointer (&result);
  if (request->max_length > 0)
    as_session_set_max_length (result->session, request->max_length);

  if (request->target != NULL)
    {
      g_autoptr (AsSession) own = NULL;

      if (!as_session_decode_forced (result->session, request->target, &result->error))
        return g_steal_pointer (&result);
      /* the model's own, to say by how much it prefers it to the target */
      own = as_session_new_cancellable (request->model, request->sentence, cancellable, NULL);
      if (own == NULL)
        return g_steal_pointer (&result);
      if (request->max_length > 0)
        as_session_set_max_length (own, request->max_length);
      if (!decode_own (own, request->beam_width, cancellable, NULL))
        return g_cancellable_is_cancelled (cancellable) ? NULL : g_steal_pointer (&result);
      result->has_own = TRUE;
      result->own_translation = as_session_get_translation (own);
      as_session_get_score (own, &result->own_score);
    }
  else if (!decode_own (result->session, request->beam_width, cancellable, &result->error) &&
           result->error == NULL)
    return NULL;   /* cancelled */

  return g_steal_pointer (&result);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Request *request = task_data;
  AsDecodeResult *result;

  g_atomic_int_inc (&n_running);
  result = decode (request, cancellable);
  /* before the result goes back: the window may look as soon as it has it */
  g_atomic_int_add (&n_running, -1);

  if (g_cancellable_is_cancelled (cancellable))
    g_clear_pointer (&result, as_decode_result_free);
  g_mutex_lock (&request->lock);
  request->result = result;
  request->done = TRUE;
  g_cond_broadcast (&request->cond);
  g_mutex_unlock (&request->lock);

  if (result == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  else
    g_task_return_boolean (task, TRUE);
}

GTask *
as_decode_async (AsModel             *model,
                 const char          *sentence,
                 const char          *target,
                 guint                max_length,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  return as_decode_async_full (model, sentence, target, max_length, 1, cancellable, callback, user_data);
}

GTask *
as_decode_async_full (AsModel             *model,
                      const char          *sentence,
                      const char          *target,
                      guint                max_length,
                      guint                beam_width,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  Request *request;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (sentence != NULL, NULL);

  request = g_new0 (Request, 1);
  g_mutex_init (&request->lock);
  g_cond_init (&request->cond);
  request->model = as_model_ref (model);
  request->sentence = g_strdup (sentence);
  request->target = is_blank (target) ? NULL : g_strdup (target);
  request->max_length = max_length;
  request->beam_width = CLAMP (beam_width, 1, AS_MAX_BEAM);

  /* OpenBLAS's own threads wait for work by spinning: beside the worker
   * they would take the cores the window draws with, and the viewer's
   * products are small. One thread (the worker's) does them. */
  if (g_once_init_enter (&blas_threads))
    {
      openblas_set_num_threads (1);
      g_once_init_leave (&blas_threads, 1);
    }

  g_atomic_int_inc (&n_started);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, as_decode_async_full);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  /* a newer text is decoded once this one stops: only its result is wanted */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, decode_thread);
  return g_steal_pointer (&task);
}

AsDecodeResult *
as_decode_wait (GTask  *task,
                gint64  end_time)
{
  Request *request;
  AsDecodeResult *result;

  g_return_val_if_fail (g_task_is_valid (task, NULL), NULL);

  request = g_task_get_task_data (task);
  g_mutex_lock (&request->lock);
  while (!request->done)
    if (!g_cond_wait_until (&request->cond, &request->lock, end_time))
      break;
  result = g_steal_pointer (&request->result);
  g_mutex_unlock (&request->lock);
  return result;
}

AsDecodeResult *
as_decode_finish (GAsyncResult  *result,
                  GError       **error)
{
  Request *request;
  AsDecodeResult *taken;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  request = g_task_get_task_data (G_TASK (result));
  g_mutex_lock (&request->lock);
  taken = g_steal_pointer (&request->result);
  g_mutex_unlock (&request->lock);
  return taken;
}

guint
as_decode_get_n_started (void)
{
  return (guint) g_atomic_int_get (&n_started);
}

guint
as_decode_get_n_running (void)
{
  return (guint) g_atomic_int_get (&n_running);
}

guint
as_decode_get_n_steps (void)
{
  return (guint) g_atomic_int_get (&n_steps);
}
