#pragma once

/* Real input for the GTK tests: the X server's own pointer, moved and
 * clicked with xdotool (XTEST), so that GTK's event controllers, its tooltip
 * machinery and the widgets' handlers run exactly as for a person. Needs the
 * x11 backend (GDK_BACKEND=x11, set by tests/gui/meson.build) and xdotool. */

#include <gtk/gtk.h>
#include <gdk/x11/gdkx.h>

#include "test-util.h"

/* Runs the main loop until @done (@data) is true; fails after 10 s. */
static inline void
test_wait_for (gboolean (*done) (gpointer), gpointer data)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

static inline void
test_xdotool (const char * const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error))
    g_error ("cannot run xdotool (Debian package xdotool): %s", error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("xdotool %s failed: %s %s", args[0], error->message, err);
}

/* Gives @widget's window the X server's input focus (for real keys) */
static inline void
test_window_focus (GtkWidget *widget)
{
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (widget));
  g_autofree char *xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));

  test_xdotool ((const char *[]) { "windowfocus", "--sync", xid, NULL });
}

typedef struct
{
  gboolean  done;
  char     *text;
} TestReadText;

static void
test_text_read (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  TestReadText *read = data;
  g_autoptr (GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static gboolean
test_read_done (gpointer data)
{
  return ((TestReadText *) data)->done;
}

/* The text @clipboard holds, read as any program would */
static inline char *
test_clipboard_text (GdkClipboard *clipboard)
{
  TestReadText read = { FALSE, NULL };

  gdk_clipboard_read_text_async (clipboard, NULL, test_text_read, &read);
  test_wait_for (test_read_done, &read);
  return read.text;
}

/* Moves the real pointer to (@x, @y) in @widget's coordinates. */
static inline void
test_pointer_move (GtkWidget *widget,
                   double     x,
                   double     y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  graphene_point_t point;
  double dx, dy;
  g_autofree char *window = NULL;
  g_autofree char *sx = NULL;
  g_autofree char *sy = NULL;

  g_assert_true (GDK_IS_X11_SURFACE (surface));
  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (x, y), &point));
  gtk_native_get_surface_transform (native, &dx, &dy);

  window = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  sx = g_strdup_printf ("%d", (int) floor (point.x + dx));
  sy = g_strdup_printf ("%d", (int) floor (point.y + dy));
  test_xdotool ((const char *[]) { "mousemove", "--sync", "--window", window, sx, sy, NULL });
}

/* Moves the real pointer out of every window: to the screen's last pixel. */
static inline void
test_pointer_leave (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  Screen *screen = DefaultScreenOfDisplay (gdk_x11_display_get_xdisplay (display));
  g_autofree char *sx = g_strdup_printf ("%d", WidthOfScreen (screen) - 1);
  g_autofree char *sy = g_strdup_printf ("%d", HeightOfScreen (screen) - 1);

  test_xdotool ((const char *[]) { "mousemove", sx, sy, NULL });
}

/* A click of the first button where the pointer is. */
static inline void
test_pointer_click (void)
{
  test_xdotool ((const char *[]) { "click", "1", NULL });
}

static void
collect_tooltip_text (GtkWidget *widget,
                      gboolean   in_tooltip,
                      GString   *text)
{
  if (!gtk_widget_get_visible (widget))
    return;

  in_tooltip |= g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkTooltipWindow");
  if (in_tooltip && GTK_IS_LABEL (widget))
    g_string_append (text, gtk_label_get_text (GTK_LABEL (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_tooltip_text (child, in_tooltip, text);
}

/* The text of the tooltip that GTK shows on @window now, or NULL. */
static inline char *
test_tooltip_text (GtkWidget *window)
{
  GString *text = g_string_new (NULL);

  collect_tooltip_text (window, FALSE, text);
  if (text->len == 0)
    return (g_string_free (text, TRUE), NULL);
  return g_string_free (text, FALSE);
}

typedef struct
{
  GtkWidget *window;
  char      *text;
} TooltipWait;

static gboolean
tooltip_shown (gpointer data)
{
  TooltipWait *wait = data;

  g_free (wait->text);
  wait->text = test_tooltip_text (wait->window);
  return wait->text != NULL;
}

/* Moves the real pointer to (@x, @y) of @widget and returns the tooltip that
 * GTK then shows (its query-tooltip path), waiting for it up to 10 s. */
static inline char *
test_hover_tooltip (GtkWidget *widget,
                    double     x,
                    double     y)
{
  TooltipWait wait = { GTK_WIDGET (gtk_widget_get_root (widget)), NULL };

  test_pointer_move (widget, x, y);
  test_wait_for (tooltip_shown, &wait);
  return wait.text;
}
