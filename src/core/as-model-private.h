#pragma once

/* For tests of the loader: a model read from a stream that the caller set
 * up (its block size, a read hook that changes the file while it is read).
 * Takes @stream; @path is the model's as_model_get_path(). */

#include "as-json-stream.h"
#include "as-model.h"

G_BEGIN_DECLS

AsModel       *as_model_new_from_stream         (AsJsonStream   *stream,
                                                 const char     *path,
                                                 GError        **error);

G_END_DECLS
