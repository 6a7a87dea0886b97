/* Where the streaming JSON reader's bytes come from (see
 * as-json-stream-private.h): the messages it fails with, lines and columns,
 * opening the file safely, reading it in blocks and checking them as UTF-8,
 * and the checks that the file did not change.
 *
 * Lines and columns (in characters, as as_json_offset_to_line counts them)
 * are only needed for messages: they are counted then, from the start of the
 * document to the byte in question, reading the file again (pread) or the
 * caller's data. Reading does not pay for them. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "as-json-stream-private.h"

/* Messages */

char *
_as_json_stream_quote_text (const char *text,
                            gssize      length,
                            guint       max_chars,
                            gboolean    cut)
{
  g_autofree char *valid = NULL;
  g_autofree char *head = NULL;
  g_autofree char *escaped = NULL;
  const char *p;

  if (text == NULL)
    text = "", length = 0;
  if (length < 0)
    length = strlen (text);
  valid = g_utf8_make_valid (text, length);
  p = valid;
  for (guint i = 0; i < max_chars && *p != '\0'; i++)
    p = g_utf8_next_char (p);
  if (*p != '\0')
    cut = TRUE;
  head = g_strndup (valid, p - valid);
  escaped = as_escape_controls (head);
  return cut ? g_strconcat (escaped, "...", NULL) : g_steal_pointer (&escaped);
}

char *
as_quote_text (const char *text,
               gssize      length,
               guint       max_chars)
{
  return _as_json_stream_quote_text (text, length, max_chars, FALSE);
}

gboolean
_as_json_stream_fail_take (AsJsonStream *self,
                           GError       *error)
{
  if (self->failure == NULL)
    self->failure = error;
  else
    g_error_free (error);
  self->state = STATE_FAILED;
  return FALSE;
}

gboolean
_as_json_stream_fail_changed (AsJsonStream *self)
{
  return _as_json_stream_fail_take (self, g_error_new (AS_ERROR, AS_ERROR_FILE, "%s: the file changed while it was read",
                                                       self->name));
}

/* The file is not what fstat() described at the opening. */
gboolean
_as_json_stream_file_changed (AsJsonStream *self)
{
  struct stat now;

  if (self->fd < 0)
    return FALSE;
  if (fstat (self->fd, &now) != 0)
    return TRUE;
  if (now.st_size != self->st.st_size ||
      now.st_mtim.tv_sec != self->st.st_mtim.tv_sec || now.st_mtim.tv_nsec != self->st.st_mtim.tv_nsec)
    return TRUE;
  /* The status change time catches a write that put the modification time
   * back (cp -p over the file). It also moves when the file loses its last
   * name: another file saved over it (renamed onto its name, as editors and
   * exporters save) or deleted. What was opened is then intact, and read
   * whole: the model it holds is a complete one. */
  if (now.st_nlink == 0 && self->st.st_nlink > 0)
    return FALSE;
  return now.st_ctim.tv_sec != self->st.st_ctim.tv_sec || now.st_ctim.tv_nsec != self->st.st_ctim.tv_nsec;
}

/* An error in the document, unless the file changed under it. */
gboolean G_GNUC_PRINTF (3, 4)
_as_json_stream_fail_document (AsJsonStream *self,
                               AsError       code,
                               const char   *format,
                               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (_as_json_stream_file_changed (self))
    return _as_json_stream_fail_changed (self);
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  return _as_json_stream_fail_take (self, g_error_new (AS_ERROR, code, "%s: %s", self->name, message));
}

/* Lines and columns */

static void
count_bytes (AsJsonStream *self,
             const guchar *p,
             gsize         n)
{
  const guchar *e = p + n;

  while (p < e)
    {
      guint64 w;

      /* eight bytes at a time while there is no line break among them */
      if (e - p >= 8)
        {
          memcpy (&w, p, 8);
          if ((w & HIGHS) == 0 && !HAS_BYTE (w, '\n'))
            {
              self->column += 8;
              p += 8;
              continue;
            }
          if (!HAS_BYTE (w, '\n'))
            {
              /* continuation bytes (10xxxxxx) are not characters: one bit
               * each, summed into the top byte by the multiplication */
              guint64 continuation = (w & ~(w << 1) & HIGHS) >> 7;
              self->column += 8 - (guint) ((continuation * ONES) >> 56);
              p += 8;
              continue;
            }
        }
      if (*p == '\n')
        {
          self->line++;
          self->column = 1;
        }
      else if ((*p & 0xc0) != 0x80)
        self->column++;
      p++;
    }
}

void
_as_json_stream_set_mark (AsJsonStream *self)
{
  self->mark = _as_json_stream_offset_of_pos (self);
}

/* Line and column of the byte at @offset (at most what was read): counted
 * from the start of the document, or from the last position asked for. A
 * file that cannot be read again gives the position as far as it could. */
void
_as_json_stream_position_of (AsJsonStream *self,
                             guint64       offset,
                             guint        *line,
                             guint        *column)
{
  if (offset < self->counted)
    {
      self->counted = 0;
      self->line = 1;
      self->column = 1;
    }
  offset = MIN (offset, self->n_read);
  if (self->fd < 0)
    count_bytes (self, (const guchar *) self->data + self->counted, offset - self->counted);
  else
    {
      guchar block[16384];

      while (self->counted < offset)
        {
          gssize n;

          do
            n = pread (self->fd, block, MIN (sizeof block, offset - self->counted), self->counted);
          while (n < 0 && errno == EINTR);
          if (n <= 0)
            break;
          count_bytes (self, block, n);
          self->counted += n;
        }
    }
  self->counted = MAX (self->counted, offset);
  *line = self->line;
  *column = self->column;
}

gboolean G_GNUC_PRINTF (3, 4)
_as_json_stream_fail_json (AsJsonStream *self,
                           guint64       offset,
                           const char   *format,
                           ...)
{
  g_autofree char *message = NULL;
  guint line, column;
  va_list args;

  if (_as_json_stream_file_changed (self))
    return _as_json_stream_fail_changed (self);
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  _as_json_stream_position_of (self, offset, &line, &column);
  return _as_json_stream_fail_document (self, AS_ERROR_JSON, "not valid JSON: line %u, column %u: %s",
                                        line, column, message);
}

gboolean G_GNUC_PRINTF (3, 4)
_as_json_stream_fail_format_at (AsJsonStream *self,
                                guint64       offset,
                                const char   *format,
                                ...)
{
  g_autofree char *message = NULL;
  guint line, column;
  va_list args;

  if (_as_json_stream_file_changed (self))
    return _as_json_stream_fail_changed (self);
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  _as_json_stream_position_of (self, offset, &line, &column);
  return _as_json_stream_fail_document (self, AS_ERROR_FORMAT, "line %u, column %u: %s", line, column, message);
}

gboolean
_as_json_stream_fail_eof (AsJsonStream *self,
                          const char   *what)
{
  return _as_json_stream_fail_document (self, AS_ERROR_JSON, "not valid JSON: the file ends %s (is it cut short?)",
                                        what);
}

/* Reading */

/* Checks the bytes read since the last call as UTF-8, up to the first that is
 * not valid (or NUL); a sequence cut by the end of the bytes read waits for
 * the next block, or is invalid at the end of the file. */
static void
validate (AsJsonStream *self)
{
  const guchar *b = (const guchar *) self->buf;
  gsize i = self->valid;
  const gsize end = self->end;

  while (!self->bad && i < end)
    {
      guint c, n;

      /* eight ASCII bytes at a time, none of them NUL */
      while (i + 8 <= end)
        {
          guint64 w;

          memcpy (&w, b + i, 8);
          if ((w & HIGHS) != 0 || HAS_ZERO_BYTE (w))
            break;
          i += 8;
        }
      if (i >= end)
        break;
      c = b[i];
      if (c == 0)
        {
          self->bad = TRUE;
          break;
        }
      if (c < 0x80)
        {
          i++;
          continue;
        }
      n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
      if (n == 0)
        {
          self->bad = TRUE;
          break;
        }
      if (end - i < n)
        {
          if (self->eof)
            self->bad = TRUE;
          break;
        }
      if (!g_utf8_validate_len ((const char *) b + i, n, NULL))
        {
          self->bad = TRUE;
          break;
        }
      i += n;
    }
  self->valid = i;
}

/* Drops the bytes before pos. */
static void
compact (AsJsonStream *self)
{
  const guint64 drop_to = _as_json_stream_offset_of_pos (self);

  if (self->pos == 0)
    return;
  memmove (self->buf, self->buf + self->pos, self->end - self->pos);
  self->buf_offset = drop_to;
  self->valid -= self->pos;
  self->end -= self->pos;
  self->pos = 0;
}

/* One more read(). FALSE with the failure set when the file cannot be read
 * or is not the one fstat() described. */
static gboolean
read_more (AsJsonStream *self)
{
  gsize want;
  gssize n;

  if (self->buf == NULL)
    {
      /* a block, or the whole document when it is smaller (the bundled
       * tiny model needs 7 KiB, not 4 MiB); a file that grows past that
       * changed, which the next read sees */
      self->capacity = MIN (self->block_size, MAX (self->size, 1)) + LOOKAHEAD;
      self->buf = as_try_alloc_large (self->capacity);
      if (self->buf == NULL)
        return _as_json_stream_fail_take (self, g_error_new (AS_ERROR, AS_ERROR_FILE, "%s: not enough memory to read the file",
                                                             self->name));
    }
  if (self->capacity - self->end < self->block_size)
    compact (self);
  want = MIN (self->block_size, self->capacity - self->end);
  if (want == 0)  /* cannot happen: the tokenizer looks ahead less than LOOKAHEAD */
    return _as_json_stream_fail_take (self, g_error_new (AS_ERROR, AS_ERROR_FILE, "%s: cannot read the file: no room left",
                                                         self->name));

  if (self->fd >= 0)
    {
      do
        n = read (self->fd, self->buf + self->end, want);
      while (n < 0 && errno == EINTR);
      if (n < 0)
        {
          int saved_errno = errno;
          return _as_json_stream_fail_take (self, g_error_new (AS_ERROR, AS_ERROR_FILE, "%s: cannot read the file: %s",
                                                               self->name, g_strerror (saved_errno)));
        }
    }
  else
    {
      n = MIN (want, self->size - self->n_read);
      if (n > 0)
        memcpy (self->buf + self->end, self->data + self->n_read, n);
    }

  if (n == 0)
    {
      self->eof = TRUE;
      if (self->n_read < self->size)
        return _as_json_stream_fail_changed (self);
    }
  else
    {
      self->n_read += n;
      self->end += n;
      if (self->hook != NULL)
        self->hook (self, self->n_read, self->hook_data);
      if (self->n_read > self->size)
        {
          /* an empty file that has grown since it was opened (a file being
           * written) changed; one that still says it is empty (a /proc
           * file) is not a regular file */
          if (self->size == 0 && !_as_json_stream_file_changed (self))
            return _as_json_stream_fail_take (self, g_error_new (AS_ERROR, AS_ERROR_FILE,
                                                                 "%s: not a regular file (its size is 0, yet it has content)",
                                                                 self->name));
          return _as_json_stream_fail_changed (self);
        }
    }
  validate (self);
  return TRUE;
}

/* The reader stopped at buf[valid]: invalid UTF-8 or a NUL byte there. */
static gboolean
fail_encoding (AsJsonStream *self)
{
  const guint64 offset = self->buf_offset + self->valid;

  if (self->buf[self->valid] == '\0')
    return _as_json_stream_fail_format_at (self, offset, "a NUL byte (this is not a text file)");
  return _as_json_stream_fail_format_at (self, offset, "invalid UTF-8");
}

/* The byte at pos + @k (0..255), reading more when needed; PEEK_EOF after
 * the last byte, PEEK_FAILED (the failure set) at invalid UTF-8 or when the
 * file cannot be read. The bytes from pos stay in the buffer; reading may
 * move them (and pos) to its start. */
int
_as_json_stream_peek_at (AsJsonStream *self,
                         gsize         k)
{
  while (self->pos + k >= self->valid)
    {
      if (self->bad)
        {
          fail_encoding (self);
          return PEEK_FAILED;
        }
      if (self->eof)
        return PEEK_EOF;
      if (!read_more (self))
        return PEEK_FAILED;
    }
  return (guchar) self->buf[self->pos + k];
}

/* The first byte that is not white space, not consumed. */
int
_as_json_stream_skip_white_space (AsJsonStream *self)
{
  for (;;)
    {
      int c;

      while (self->pos < self->valid)
        {
          c = (guchar) self->buf[self->pos];
          if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return c;
          self->pos++;
        }
      c = _as_json_stream_peek_at (self, 0);
      if (c < 0)
        return c;
    }
}

/* Descriptions for messages */

/* The character at pos + @k: 'x', or U+XXXX for a control character. */
char *
_as_json_stream_describe_char (AsJsonStream *self,
                               gsize         k)
{
  int b = _as_json_stream_peek_at (self, k);
  gunichar c;
  char utf8[8] = { 0 };
  g_autofree char *quoted = NULL;

  if (b == PEEK_FAILED)
    return NULL;
  if (b == PEEK_EOF)
    return g_strdup ("the end of the file");
  c = g_utf8_get_char (self->buf + self->pos + k);
  if (c < 0x20 || c == 0x7f)
    return g_strdup_printf ("the control character U+%04X", c);
  if (c == '\'')
    return g_strdup ("a single quote");
  if (c == 0xfeff)
    return g_strdup ("a byte order mark (U+FEFF)");
  g_unichar_to_utf8 (c, utf8);
  quoted = _as_json_stream_quote_text (utf8, -1, 1, FALSE);
  return g_strdup_printf ("'%s'", quoted);
}

static inline gboolean
is_word_char (int c)
{
  return c >= 0 && (g_ascii_isalnum (c) || c == '_' || c == '.' || c == '+' || c == '-');
}

/* A word outside a string (TRUE, NaN, Infinity, 0x10...), for a message: the
 * @n_prefix bytes of @prefix already read of it, then what follows pos; at
 * most 24 characters. */
char *
_as_json_stream_describe_word (AsJsonStream *self,
                               const char   *prefix,
                               gsize         n_prefix)
{
  g_autoptr (GString) word = g_string_new_len (prefix, MIN (n_prefix, 24));
  g_autofree char *quoted = NULL;

  for (gsize k = 0; word->len < 24; k++)
    {
      int c = _as_json_stream_peek_at (self, k);

      if (c == PEEK_FAILED)
        return NULL;
      if (!is_word_char (c))
        break;
      g_string_append_c (word, c);
    }
  if (word->len == 0)
    return _as_json_stream_describe_char (self, 0);
  quoted = _as_json_stream_quote_text (word->str, word->len, 24, FALSE);
  return g_strdup_printf ("'%s'", quoted);
}

/* Opening */

AsJsonStream *
as_json_stream_new_for_path (const char  *path,
                             const char  *name,
                             GError     **error)
{
  g_autofree char *base = NULL;
  AsJsonStream *self;
  struct stat st;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  if (name == NULL)
    name = base = g_path_get_basename (path);
  /* O_NONBLOCK: opening a FIFO must not wait for a writer */
  fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;
      close (fd);
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    {
      close (fd);
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s: is a folder, not a model file", path);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s: not a regular file", name);
      return NULL;
    }
  if ((guint64) st.st_size > AS_JSON_STREAM_MAX_FILE_SIZE)
    {
      close (fd);
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s: the file is larger than 4 GiB", name);
      return NULL;
    }

  self = _as_json_stream_new (name);
  self->fd = fd;
  self->st = st;
  self->size = st.st_size;
  return self;
}

AsJsonStream *
as_json_stream_reopen (AsJsonStream  *self,
                       GError       **error)
{
  AsJsonStream *copy;
  int fd = -1;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->fd >= 0)
    {
      fd = fcntl (self->fd, F_DUPFD_CLOEXEC, 0);
      if (fd < 0 || lseek (fd, 0, SEEK_SET) != 0)
        {
          int saved_errno = errno;
          if (fd >= 0)
            close (fd);
          g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s: %s", self->name, g_strerror (saved_errno));
          return NULL;
        }
    }
  copy = _as_json_stream_new (self->name);
  copy->fd = fd;
  copy->data = self->data;
  copy->size = self->size;
  copy->st = self->st;
  copy->block_size = self->block_size;
  copy->hook = self->hook;
  copy->hook_data = self->hook_data;
  return copy;
}

guint64
as_json_stream_get_size (AsJsonStream *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->size;
}
