/* Reading a text file line by line for the commands that take one, and
 * their one line of failure. */

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "as-cli-commands.h"
#include "as-error.h"

GPtrArray *
as_cli_read_lines (const char  *path,
                   GError     **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *text = NULL;
  gsize length;
  const char *p, *end;

  if (!g_file_get_contents (path, &text, &length, &local))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s", local->message);
      return NULL;
    }
  if (memchr (text, '\0', length) != NULL)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s: not a text file (it has NUL bytes)", path);
      return NULL;
    }
  p = text;
  end = text + length;
  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *stop = nl != NULL ? nl : end;
      gsize n = stop - p;

      if (n > 0 && p[n - 1] == '\r')
        n--;
      if (!g_utf8_validate_len (p, n, NULL))
        {
          g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s:%u: the line is not valid UTF-8", path, lines->len + 1);
          return NULL;
        }
      g_ptr_array_add (lines, g_strndup (p, n));
      p = nl != NULL ? nl + 1 : end;
    }
  return g_steal_pointer (&lines);
}

int
as_cli_fail (const char *format,
             ...)
{
  va_list args;
  g_autofree char *message = NULL;
  g_autofree char *escaped = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  escaped = as_escape_controls (message);
  fprintf (stderr, "attnscope-cli: %s\n", escaped);
  return EXIT_FAILURE;
}
