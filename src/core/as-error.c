#include <string.h>

#include <stdlib.h>
#include <sys/mman.h>

#include "as-error.h"

G_DEFINE_QUARK (attnscope-error-quark, as_error)

gboolean
as_char_needs_escape (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||   /* C0, DEL, C1 (0x9B is the 8-bit CSI) */
         c == 0x061c || c == 0x200e || c == 0x200f ||  /* bidi marks */
         (c >= 0x202a && c <= 0x202e) ||               /* bidi embeddings and overrides */
         (c >= 0x2066 && c <= 0x2069) ||               /* bidi isolates */
         c == 0x2028 || c == 0x2029 ||                 /* line and paragraph separators */
         c == 0xfffe || c == 0xffff;                   /* not characters (XML forbids them) */
}

/* Control characters written as escapes (\n, \t, \u001B...), and invalid
 * UTF-8 as U+FFFD: a file name, a key or a token from a model file goes into
 * a message or a description as one line that cannot drive the terminal.
 * The one rule for everything printed: as_char_needs_escape (). */
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
      else if (as_char_needs_escape (c))
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
