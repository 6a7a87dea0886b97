/* The model loader and model files that change on disk (no display needed):
 * a file deleted while open is reported and the model kept; a file written
 * in several goes is reloaded once, when the writer is done, with no failure
 * reported in between; a file that stays broken is reported once. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "as-model-loader.h"

typedef struct
{
  AsModelLoader *loader;
  char          *dir;
  char          *path;
  GFile         *file;
  char          *contents;      /* tiny-hello.json */
  gsize          length;
  guint          n_loaded;
  guint          n_reloaded;
  guint          n_failed;
  GError        *last_error;
  gboolean       last_failed_reload;
} Fixture;

static void
on_loaded (AsModelLoader *loader,
           GFile         *file,
           gboolean       reloaded,
           Fixture       *f)
{
  f->n_loaded++;
  if (reloaded)
    f->n_reloaded++;
}

static void
on_failed (AsModelLoader *loader,
           GFile         *file,
           gboolean       reloaded,
           const GError  *error,
           Fixture       *f)
{
  f->n_failed++;
  f->last_failed_reload = reloaded;
  g_clear_error (&f->last_error);
  f->last_error = g_error_copy (error);
}

/* Runs the main loop for @ms milliseconds. */
static void
run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5000);
}

/* Runs the main loop until *@counter reaches @value, for @ms at most. */
static gboolean
run_until (guint *counter,
           guint  value,
           guint  ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (*counter < value && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (5000);
  return *counter >= value;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *source = g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), "tiny-hello.json", NULL);

  g_assert_true (g_file_get_contents (source, &f->contents, &f->length, &error));
  g_assert_no_error (error);
  f->dir = g_dir_make_tmp ("attnscope-loader-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "model.json", NULL);
  g_assert_true (g_file_set_contents (f->path, f->contents, f->length, &error));
  f->file = g_file_new_for_path (f->path);

  f->loader = as_model_loader_new ();
  g_signal_connect (f->loader, "loaded", G_CALLBACK (on_loaded), f);
  g_signal_connect (f->loader, "failed", G_CALLBACK (on_failed), f);
  as_model_loader_load (f->loader, f->file);
  g_assert_true (run_until (&f->n_loaded, 1, 10000));
  g_assert_nonnull (as_model_loader_get_model (f->loader));
  g_assert_cmpuint (f->n_failed, ==, 0);
  /* the monitor is set up once the first load is in */
  run_for (100);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->loader);
  g_clear_object (&f->file);
  g_clear_error (&f->last_error);
  g_unlink (f->path);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
  g_free (f->contents);
}

static void
test_deleted_is_reported (Fixture       *f,
                          gconstpointer  data)
{
  AsModel *model = as_model_loader_get_model (f->loader);

  g_assert_cmpint (g_unlink (f->path), ==, 0);
  g_assert_true (run_until (&f->n_failed, 1, 5000));
  g_assert_true (f->last_failed_reload);
  g_assert_error (f->last_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (f->last_error->message, "deleted"));
  /* the model loaded stays */
  g_assert_true (as_model_loader_get_model (f->loader) == model);
  g_assert_true (g_file_equal (as_model_loader_get_file (f->loader), f->file));

  /* said once, not again and again */
  run_for (1500);
  g_assert_cmpuint (f->n_failed, ==, 1);

  /* and when it comes back, it is loaded again */
  g_assert_true (g_file_set_contents (f->path, f->contents, f->length, NULL));
  g_assert_true (run_until (&f->n_reloaded, 1, 8000));
  g_assert_cmpuint (f->n_failed, ==, 1);
}

typedef struct
{
  int         fd;
  const char *rest;
  gsize       rest_length;
} Writer;

static gboolean
finish_writing (gpointer data)
{
  Writer *w = data;

  g_assert_cmpint (write (w->fd, w->rest, w->rest_length), ==, (gssize) w->rest_length);
  g_assert_cmpint (close (w->fd), ==, 0);
  return G_SOURCE_REMOVE;
}

/* A writer that truncates the file, writes half of it, pauses (well past
 * the old fixed 300 ms delay) and writes the rest before closing it. */
static void
test_written_in_two_goes (Fixture       *f,
                          gconstpointer  data)
{
  gsize half = f->length / 2;
  Writer w = { .rest = f->contents + half, .rest_length = f->length - half };

  w.fd = open (f->path, O_WRONLY | O_TRUNC);
  g_assert_cmpint (w.fd, >=, 0);
  g_assert_cmpint (write (w.fd, f->contents, half), ==, (gssize) half);
  g_timeout_add (1200, finish_writing, &w);

  g_assert_true (run_until (&f->n_reloaded, 1, 10000));
  run_for (3000);
  if (f->n_failed > 0)
    g_test_fail_printf ("a failure was reported while the file was being written: %s",
                        f->last_error->message);
  g_assert_cmpuint (f->n_failed, ==, 0);
  g_assert_cmpuint (f->n_reloaded, ==, 1);
  g_assert_nonnull (as_model_loader_get_model (f->loader));
}

/* Written broken and closed, then fixed a moment later (an exporter that
 * writes the file twice): no failure is reported, only the reload. */
static gboolean
write_whole (gpointer data)
{
  Fixture *f = data;

  g_assert_true (g_file_set_contents (f->path, f->contents, f->length, NULL));
  return G_SOURCE_REMOVE;
}

static void
test_broken_then_fixed (Fixture       *f,
                        gconstpointer  data)
{
  g_assert_true (g_file_set_contents (f->path, "{\"format\": \"attnscope-model\", ", -1, NULL));
  g_timeout_add (900, write_whole, f);

  g_assert_true (run_until (&f->n_reloaded, 1, 10000));
  run_for (2500);
  g_assert_cmpuint (f->n_failed, ==, 0);
  g_assert_cmpuint (f->n_reloaded, ==, 1);
}

/* A file that stays broken is reported, once, and the model stays. */
static void
test_broken_is_reported (Fixture       *f,
                         gconstpointer  data)
{
  AsModel *model = as_model_loader_get_model (f->loader);

  g_assert_true (g_file_set_contents (f->path, "{\"format\": \"attnscope-model\", ", -1, NULL));
  g_assert_true (run_until (&f->n_failed, 1, 10000));
  g_assert_true (f->last_failed_reload);
  g_assert_true (as_model_loader_get_model (f->loader) == model);
  run_for (3000);
  g_assert_cmpuint (f->n_failed, ==, 1);
  g_assert_cmpuint (f->n_reloaded, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/model-loader/deleted-is-reported", test_deleted_is_reported);
  ADD ("/model-loader/written-in-two-goes", test_written_in_two_goes);
  ADD ("/model-loader/broken-then-fixed", test_broken_then_fixed);
  ADD ("/model-loader/broken-is-reported", test_broken_is_reported);

  return g_test_run ();
}
