/* The model file as a file, not only its content: what is not a regular file
 * (a FIFO, a device, a /proc file) is refused at once with one message; a
 * file that is truncated, rewritten, appended to or replaced while it is
 * read gives either "the file changed while it was read" or the complete,
 * valid model, never a crash (a loader hook changes the file at chosen
 * points; another process rewrites it at random ones); and memory stays
 * bounded by the file whatever a valid document holds (30 MB of {} in its
 * metadata, a vocabulary of a million tokens). */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "as-error.h"
#include "as-json-stream.h"
#include "as-model.h"
#include "as-model-private.h"

static char *
model_path (const char *name)
{
  return g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), name, NULL);
}

static char *
read_file (const char *path,
           gsize      *length)
{
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, length, NULL));
  return contents;
}

static void
write_file (const char *path,
            const char *contents,
            gsize       length)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

static void
assert_refused (const char *path,
                int         code,
                const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) model = as_model_new_from_file (path, &error);

  g_assert_null (model);
  g_assert_error (error, AS_ERROR, code);
  g_assert_cmpstr (error->message, ==, expected);
}

/* Not regular files */

/* A FIFO with nobody writing to it: opening it must not wait for a writer
 * (the test would hang, and meson's timeout fail it). */
static void
test_fifo (void)
{
  g_autofree char *dir = g_dir_make_tmp ("attnscope-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.json", NULL);

  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  assert_refused (path, AS_ERROR_FILE, "model.json: not a regular file");
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_devices (void)
{
  assert_refused ("/dev/zero", AS_ERROR_FILE, "zero: not a regular file");
  assert_refused ("/dev/null", AS_ERROR_FILE, "null: not a regular file");
  assert_refused ("/dev/urandom", AS_ERROR_FILE, "urandom: not a regular file");
}

/* /proc files say they are regular and empty, yet have content. */
static void
test_proc_file (void)
{
  assert_refused ("/proc/self/status", AS_ERROR_FILE, "status: not a regular file (its size is 0, yet it has content)");
  assert_refused ("/proc/self/maps", AS_ERROR_FILE, "maps: not a regular file (its size is 0, yet it has content)");
}

/* Changed while it is read: a loader hook */

typedef enum
{
  TRUNCATE,   /* cut to half its size */
  REWRITE,    /* the same bytes written again in place (an editor saving) */
  APPEND,     /* a newline more at its end */
  REPLACE,    /* another file renamed over its name (an atomic save) */
} Change;

typedef struct
{
  const char *path;
  Change      change;
  guint64     at;       /* after this many bytes have been read */
  gboolean    done;
  const char *contents;
  gsize       length;
} ChangeData;

static void
change_file (AsJsonStream *stream,
             guint64       n_read,
             gpointer      user_data)
{
  ChangeData *c = user_data;

  if (c->done || n_read < c->at)
    return;
  c->done = TRUE;
  switch (c->change)
    {
    case TRUNCATE:
      g_assert_cmpint (truncate (c->path, c->length / 2), ==, 0);
      break;

    case REWRITE:
      {
        int fd = open (c->path, O_WRONLY);
        g_assert_cmpint (fd, >=, 0);
        g_usleep (2000);  /* a modification time that differs on coarse clocks too */
        g_assert_cmpint (pwrite (fd, c->contents, c->length, 0), ==, (gssize) c->length);
        close (fd);
        break;
      }

    case APPEND:
      {
        int fd = open (c->path, O_WRONLY | O_APPEND);
        g_assert_cmpint (fd, >=, 0);
        g_assert_cmpint (write (fd, "\n", 1), ==, 1);
        close (fd);
        break;
      }

    case REPLACE:
      {
        g_autofree char *other = g_strconcat (c->path, ".new", NULL);
        write_file (other, "{}", 2);
        g_assert_cmpint (g_rename (other, c->path), ==, 0);
        break;
      }
    }
}

static void
test_changed_while_read (void)
{
  g_autofree char *source = model_path ("en-zh-gru.json");
  g_autofree char *dir = g_dir_make_tmp ("attnscope-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.json", NULL);
  gsize length;
  g_autofree char *contents = read_file (source, &length);
  const guint64 points[] = { 1, 4096, length / 2, length - 1 };
  const Change changes[] = { TRUNCATE, REWRITE, APPEND, REPLACE };
  guint64 n_parameters;

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (AsModel) model = as_model_new_from_file (source, &error);
    g_assert_no_error (error);
    n_parameters = as_model_get_n_parameters (model);
  }

  for (guint c = 0; c < G_N_ELEMENTS (changes); c++)
    for (guint p = 0; p < G_N_ELEMENTS (points); p++)
      {
        ChangeData data = { path, changes[c], points[p], FALSE, contents, length };
        g_autoptr (GError) error = NULL;
        g_autoptr (AsModel) model = NULL;
        AsJsonStream *stream;

        write_file (path, contents, length);
        stream = as_json_stream_new_for_path (path, NULL, &error);
        g_assert_no_error (error);
        as_json_stream_set_block_size (stream, 4096);
        as_json_stream_set_read_hook (stream, change_file, &data);
        model = as_model_new_from_stream (stream, path, &error);
        g_assert_true (data.done);

        if (changes[c] == REPLACE)
          {
            /* the file that was opened is read to its end, whole and unchanged */
            g_assert_no_error (error);
            g_assert_nonnull (model);
            g_assert_cmpuint (as_model_get_n_parameters (model), ==, n_parameters);
          }
        else
          {
            g_assert_null (model);
            g_assert_error (error, AS_ERROR, AS_ERROR_FILE);
            g_assert_cmpstr (error->message, ==, "model.json: the file changed while it was read");
          }
      }
  g_unlink (path);
  g_rmdir (dir);
}

/* A model whose "tensors" come first is read in two passes: a file that
 * changes between them is caught too. */
static void
test_changed_between_passes (void)
{
  g_autofree char *source = model_path ("tiny-hello.json");
  g_autofree char *dir = g_dir_make_tmp ("attnscope-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (JsonObject) reordered = json_object_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) model = NULL;
  g_autofree char *text = NULL;
  JsonObject *original;
  ChangeData data;
  AsJsonStream *stream;
  gsize length;

  g_assert_true (json_parser_load_from_file (parser, source, NULL));
  original = json_node_get_object (json_parser_get_root (parser));
  json_object_set_member (reordered, "tensors", json_node_copy (json_object_get_member (original, "tensors")));
  {
    g_autoptr (GList) members = json_object_get_members (original);
    for (GList *l = members; l != NULL; l = l->next)
      if (strcmp (l->data, "tensors") != 0)
        json_object_set_member (reordered, l->data, json_node_copy (json_object_get_member (original, l->data)));
  }
  json_node_set_object (root, reordered);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);

  /* unchanged: it loads */
  write_file (path, text, length);
  model = as_model_new_from_file (path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&model, as_model_unref);

  /* changed after the first pass read it all: the second pass sees it */
  data = (ChangeData) { path, APPEND, length, FALSE, text, length };
  stream = as_json_stream_new_for_path (path, NULL, &error);
  g_assert_no_error (error);
  as_json_stream_set_block_size (stream, 512);
  as_json_stream_set_read_hook (stream, change_file, &data);
  model = as_model_new_from_stream (stream, path, &error);
  g_assert_true (data.done);
  g_assert_null (model);
  g_assert_error (error, AS_ERROR, AS_ERROR_FILE);
  g_assert_cmpstr (error->message, ==, "model.json: the file changed while it was read");

  g_unlink (path);
  g_rmdir (dir);
}

/* Changed while it is read: another process, at random moments */

static void
rewrite_forever (const char *path,
                 const char *a,
                 gsize       a_length,
                 const char *b,
                 gsize       b_length)
{
  for (guint i = 0;; i++)
    {
      const char *text = i % 2 ? b : a;
      gsize length = i % 2 ? b_length : a_length;
      int fd = open (path, O_WRONLY | O_TRUNC);

      if (fd < 0)
        _exit (1);
      /* in pieces, as a program exporting a model writes it */
      for (gsize done = 0; done < length; )
        {
          gssize n = write (fd, text + done, MIN (length - done, 65536));
          if (n <= 0)
            _exit (1);
          done += n;
        }
      close (fd);
      g_usleep (g_random_int_range (0, 30000));
    }
}

static void
test_rewritten_by_another_process (void)
{
  g_autofree char *a_path = model_path ("en-zh-gru.json");
  g_autofree char *b_path = model_path ("tiny-hello.json");
  g_autofree char *dir = g_dir_make_tmp ("attnscope-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.json", NULL);
  gsize a_length, b_length;
  g_autofree char *a = read_file (a_path, &a_length);
  g_autofree char *b = read_file (b_path, &b_length);
  guint64 a_parameters, b_parameters;
  guint n_models = 0, n_changed = 0, n_other = 0;
  int status;
  pid_t child;

  {
    g_autoptr (AsModel) ma = as_model_new_from_file (a_path, NULL);
    g_autoptr (AsModel) mb = as_model_new_from_file (b_path, NULL);
    a_parameters = as_model_get_n_parameters (ma);
    b_parameters = as_model_get_n_parameters (mb);
  }

  write_file (path, a, a_length);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    rewrite_forever (path, a, a_length, b, b_length);

  /* 150 loads, and more (up to 2000) until both outcomes have happened */
  for (guint i = 0; i < 2000 && (i < 150 || n_changed == 0 || n_models == 0); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AsModel) model = as_model_new_from_file (path, &error);

      if (model != NULL)
        {
          guint64 n = as_model_get_n_parameters (model);
          g_assert_true (n == a_parameters || n == b_parameters);
          n_models++;
          continue;
        }
      /* one line, about this file: it changed, or was caught half written */
      g_assert_nonnull (error);
      g_assert_true (error->domain == AS_ERROR);
      g_assert_true (g_str_has_prefix (error->message, "model.json: "));
      g_assert_null (strchr (error->message, '\n'));
      if (strcmp (error->message, "model.json: the file changed while it was read") == 0)
        n_changed++;
      else
        {
          if (n_other++ < 5)
            g_test_message ("%s", error->message);
        }
    }

  kill (child, SIGKILL);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFSIGNALED (status));  /* it was still writing, not stopped by an error */
  g_test_message ("%u loads while another process rewrote the file: %u models, %u changed-file errors, "
                  "%u other errors (a file caught half written)", n_models + n_changed + n_other,
                  n_models, n_changed, n_other);
  /* both outcomes happened, or the test did not test a file changing */
  g_assert_cmpuint (n_changed, >, 0);
  g_assert_cmpuint (n_models, >, 0);

  g_unlink (path);
  g_rmdir (dir);
}

/* Memory */

static gsize
status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *at;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  at = strstr (status, field);
  g_assert_nonnull (at);
  return g_ascii_strtoull (at + strlen (field) + 1, NULL, 10);
}

typedef struct
{
  gsize    peak_kib;  /* VmRSS seen by the hook, where the peak cannot be reset */
} Sampler;

static void
sample_rss (AsJsonStream *stream,
            guint64       n_read,
            gpointer      user_data)
{
  Sampler *s = user_data;

  s->peak_kib = MAX (s->peak_kib, status_kib ("VmRSS:"));
}

/* Loads @path and returns the peak growth of the process's resident memory
 * during the load, in bytes: the kernel's own peak (VmHWM) after resetting
 * it, or where that cannot be reset, the largest VmRSS seen between reads. */
static gsize
load_peak (const char *path,
           guint64    *n_parameters)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) model = NULL;
  Sampler sampler = { 0 };
  AsJsonStream *stream;
  gboolean reset;
  gsize before, peak;
  int fd;

  fd = open ("/proc/self/clear_refs", O_WRONLY);
  reset = fd >= 0 && write (fd, "5", 1) == 1;
  if (fd >= 0)
    close (fd);
  before = status_kib ("VmRSS:");
  stream = as_json_stream_new_for_path (path, NULL, &error);
  g_assert_no_error (error);
  as_json_stream_set_read_hook (stream, sample_rss, &sampler);
  model = as_model_new_from_stream (stream, path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  *n_parameters = as_model_get_n_parameters (model);
  peak = reset ? status_kib ("VmHWM:") : MAX (sampler.peak_kib, status_kib ("VmRSS:"));
  return (peak > before ? peak - before : 0) * 1024;
}

static JsonObject *
tiny_hello (JsonParser *parser)
{
  g_autofree char *path = model_path ("tiny-hello.json");

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
write_json (const char *path,
            JsonObject *object)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (GError) error = NULL;

  json_node_set_object (root, object);
  json_generator_set_root (generator, root);
  json_generator_to_file (generator, path, &error);
  g_assert_no_error (error);
}

/* 30 MB of {} in the metadata: checked as JSON, kept nowhere. */
static void
test_memory_empty_objects (void)
{
  g_autofree char *dir = g_dir_make_tmp ("attnscope-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.json", NULL);
  g_autofree char *tiny = model_path ("tiny-hello.json");
  gsize length = 0, file_size, peak, at;
  g_autofree char *text = NULL;
  const gsize n = 15 * 1000 * 1000;
  guint64 n_parameters;
  GString *s;

  g_assert_true (g_file_get_contents (tiny, &text, &length, NULL));
  g_assert_nonnull (strstr (text, "\"metadata\": {"));
  at = strstr (text, "\"metadata\": {") - text + strlen ("\"metadata\": {");
  s = g_string_sized_new (length + 3 * n);
  g_string_append_len (s, text, at);
  g_string_append (s, "\"junk\": [");
  for (gsize i = 0; i < n; i++)
    g_string_append (s, i ? ",{}" : "{}");
  g_string_append (s, "], ");
  g_string_append (s, text + at);
  file_size = s->len;
  write_file (path, s->str, s->len);
  g_string_free (s, TRUE);

  peak = load_peak (path, &n_parameters);
  g_test_message ("%.1f MB of {} in the metadata: the load's peak memory grew by %.1f MB",
                  file_size / 1e6, peak / 1e6);
#ifndef __SANITIZE_ADDRESS__
  /* the reader's block of 4 MiB and the model: nothing like the 2.9 GB of a tree */
  g_assert_cmpuint (peak, <, 12 * 1024 * 1024);
#endif
  g_unlink (path);
  g_rmdir (dir);
}

/* A valid model with a vocabulary of a million short tokens, each with its
 * row of embedding: at most 1.25 times the file. */
static void
test_memory_large_vocabulary (void)
{
  g_autofree char *dir = g_dir_make_tmp ("attnscope-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root = tiny_hello (parser);
  JsonObject *source = json_object_get_object_member (root, "source");
  JsonArray *old_vocabulary = json_object_get_array_member (source, "vocabulary");
  JsonObject *tensors = json_object_get_object_member (root, "tensors");
  JsonObject *embedding = json_object_new ();
  JsonArray *vocabulary = json_array_new ();
  JsonArray *shape = json_array_new ();
  const guint n = 1000000, hidden = 4;
  g_autofree float *weights = g_new (float, (gsize) n * hidden);
  g_autofree char *data = NULL;
  guint64 n_parameters;
  gsize peak;
  GStatBuf st;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *token = i < json_array_get_length (old_vocabulary)
                               ? g_strdup (json_array_get_string_element (old_vocabulary, i))
                               : g_strdup_printf ("t%u", i);
      json_array_add_string_element (vocabulary, token);
    }
  json_object_set_array_member (source, "vocabulary", vocabulary);
  for (gsize i = 0; i < (gsize) n * hidden; i++)
    weights[i] = (float) (i % 1000) / 1000.0f;
  data = g_base64_encode ((const guchar *) weights, (gsize) n * hidden * sizeof (float));
  json_array_add_int_element (shape, n);
  json_array_add_int_element (shape, hidden);
  json_object_set_array_member (embedding, "shape", shape);
  json_object_set_string_member (embedding, "data", data);
  json_object_set_object_member (tensors, "encoder.embedding.weight", embedding);
  write_json (path, root);
  g_assert_cmpint (g_stat (path, &st), ==, 0);

  peak = load_peak (path, &n_parameters);
  g_test_message ("a vocabulary of %u tokens, %.1f MB: the load's peak memory grew by %.1f MB (%.2fx the file)",
                  n, st.st_size / 1e6, peak / 1e6, (double) peak / st.st_size);
  g_assert_cmpuint (n_parameters, >, (guint64) n * hidden);
#ifndef __SANITIZE_ADDRESS__
  g_assert_cmpuint (peak, <=, st.st_size * 5 / 4);
#endif
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/file/fifo", test_fifo);
  g_test_add_func ("/file/devices", test_devices);
  g_test_add_func ("/file/proc", test_proc_file);
  g_test_add_func ("/file/changed-while-read", test_changed_while_read);
  g_test_add_func ("/file/changed-between-passes", test_changed_between_passes);
  g_test_add_func ("/file/rewritten-by-another-process", test_rewritten_by_another_process);
  g_test_add_func ("/memory/30-MB-of-empty-objects", test_memory_empty_objects);
  g_test_add_func ("/memory/a-million-tokens", test_memory_large_vocabulary);

  return g_test_run ();
}
