#include <string.h>

#include <stdlib.h>
#include <sys/mman.h>

#include "as-error.h"

G_DEFINE_QUARK (attnscope-error-quark, as_error)

/* Control characters written as escapes (\n, \t, \u001B...), and invalid
 * UTF-8 as U+FFFD: a file name, a key or a token from a model file goes into
 * a message or a description as one line that cannot drive the terminal. */
char *
as_escape_controls (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
        g_string_append_printf (out, "\\u%04X", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  return g_string_free (out, FALSE);
}

gpointer
as_try_alloc_large (gsize size)
{
  const gsize huge = 2 * 1024 * 1024;
  void *p = NULL;

  if (size < huge)
    return g_try_malloc (MAX (size, 1));
  if (posix_memalign (&p, huge, size) != 0)
    return NULL;
#ifdef MADV_HUGEPAGE
  madvise (p, size / huge * huge, MADV_HUGEPAGE);
#endif
  return p;
}
