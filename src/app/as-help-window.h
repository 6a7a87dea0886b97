#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The short help page shipped with the application (F1): one per @parent,
 * shown again if it is open. Returns it (owned by GTK). */
GtkWindow *as_help_window_present (GtkWindow *parent);

G_END_DECLS
