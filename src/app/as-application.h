#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AS_TYPE_APPLICATION (as_application_get_type ())

G_DECLARE_FINAL_TYPE (AsApplication, as_application, AS, APPLICATION, GtkApplication)

AsApplication *as_application_new (void);

G_END_DECLS
