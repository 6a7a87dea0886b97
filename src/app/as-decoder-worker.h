#pragma once

#include <gio/gio.h>

#include "as-session.h"

G_BEGIN_DECLS

/* What a decoding in a worker thread gives back. */
typedef struct
{
  AsSession *session;   /* NULL when the sentence could not be read at all */
  GError    *error;     /* why the session could not be made, or the decoding failed */

  /* where a target was forced: the model's own translation (greedy, or the
   * beam's best) and its score, to compare with the target's */
  gboolean   has_own;
  char      *own_translation;
  AsScore    own_score;
} AsDecodeResult;

/* Makes a session of @sentence and decodes it (forced with @target where it
 * is not blank, else greedily) in a thread of GIO's pool, @max_length steps
 * at most (0: the model's). A greedy decoding checks @cancellable between
 * steps and stops there. Returns the task (a reference), for as_decode_wait. */
GTask          *as_decode_async        (AsModel             *model,
                                        const char          *sentence,
                                        const char          *target,
                                        guint                max_length,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/* The same with a beam search of @beam_width (1: greedy) where there is no
 * target, or for the model's own translation that a target is compared
 * with. The beam stops between two steps once @cancellable is cancelled. */
GTask          *as_decode_async_full   (AsModel             *model,
                                        const char          *sentence,
                                        const char          *target,
                                        guint                max_length,
                                        guint                beam_width,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/* Blocks until the decoding of @task has ended or the monotonic time
 * @end_time has come; then takes its result: NULL if it has not ended, was
 * cancelled, or was taken already. */
AsDecodeResult *as_decode_wait         (GTask               *task,
                                        gint64               end_time);
/* The result, or NULL: with G_IO_ERROR_CANCELLED when cancelled, without
 * an error when as_decode_wait took it. */
AsDecodeResult *as_decode_finish       (GAsyncResult        *result,
                                        GError             **error);
void            as_decode_result_free  (AsDecodeResult      *result);

/* For the tests: decodings started so far, those running in a thread now,
 * and the decoder steps the threads have taken so far. */
guint           as_decode_get_n_started (void);
guint           as_decode_get_n_running (void);
guint           as_decode_get_n_steps   (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AsDecodeResult, as_decode_result_free)

G_END_DECLS
