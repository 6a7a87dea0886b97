/* Atomic replacement of a file (see as-file-write.h). */

#include "as-file-write.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "as-error.h"

static gboolean
set_file_error (GError    **error,
                const char *path,
                int         saved_errno)
{
  /* the path as messages show model paths: no escape reaches the terminal */
  g_autofree char *shown = as_escape_controls (path);

  if (saved_errno == EFBIG)
    g_set_error (error, AS_ERROR, AS_ERROR_FILE, "Could not write “%s”: %s (the limit on the size of the files this "
                 "program writes, ulimit -f)", shown, g_strerror (saved_errno));
  else
    g_set_error (error, AS_ERROR, AS_ERROR_FILE, "Could not write “%s”: %s", shown, g_strerror (saved_errno));
  return FALSE;
}

/* Writes @bytes next to @path under a temporary name, then renames it over
 * @path: readers see the old file or the new one, never a part. The
 * temporary name is short (".attnscope-XXXXXX"), so that any name that the
 * file system takes (up to NAME_MAX, 255 bytes) can be written: a name
 * made from @path's would pass NAME_MAX. A write past the limit on file
 * sizes (ulimit -f) fails with EFBIG where SIGXFSZ is ignored, as the
 * command line and the app do; else the signal kills the process. */
gboolean
as_file_write_atomically (const char   *path,
                          const guint8 *data,
                          gsize         length,
                          GError      **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *tmp = NULL;
  struct stat existing;
  gsize written = 0;
  int fd;
  int saved_errno;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dir = g_path_get_dirname (path);
  tmp = g_build_filename (dir, ".attnscope-XXXXXX", NULL);

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    return set_file_error (error, path, errno);

  /* keep the permissions of a file that is replaced; else the usual
   * 0666 less the umask, as any new file */
  if (g_stat (path, &existing) == 0 && S_ISREG (existing.st_mode))
    {
      if (fchmod (fd, existing.st_mode & 07777) != 0)
        goto fail;
    }
  else
    {
      mode_t mask = umask (022);

      umask (mask);
      if (fchmod (fd, 0666 & ~mask) != 0)
        goto fail;
    }

  while (written < length)
    {
      ssize_t n = write (fd, data + written, length - written);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          goto fail;
        }
      written += (gsize) n;
    }

  if (fsync (fd) != 0)
    goto fail;
  if (close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }
  fd = -1;

  if (g_rename (tmp, path) != 0)
    goto fail;

  return TRUE;

fail:
  saved_errno = errno;
  if (fd >= 0)
    close (fd);
  g_unlink (tmp);
  return set_file_error (error, path, saved_errno);
}
