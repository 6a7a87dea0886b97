#pragma once

/* Writing a file so that readers see the old contents or the new ones,
 * never a part: a temporary file in the same folder, fsync, rename. */

#include <glib.h>

G_BEGIN_DECLS

/* Replaces @path with @length bytes of @data. A file that is replaced keeps
 * its permissions; a new one gets 0666 less the umask. On failure nothing is
 * left behind and an existing @path is as it was; the error (AS_ERROR_FILE)
 * reads "Could not write “@path”: <reason>", @path escaped as
 * as_escape_controls () does. The temporary file, in @path's folder, is
 * named ".attnscope-XXXXXX". Callers that may write past a limit on file
 * sizes (ulimit -f) ignore SIGXFSZ, so that the write fails and the
 * temporary file is removed, rather than the process being killed. */
gboolean    as_file_write_atomically  (const char    *path,
                                       const guint8  *data,
                                       gsize          length,
                                       GError       **error);

G_END_DECLS
