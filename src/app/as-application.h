#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AS_TYPE_APPLICATION (as_application_get_type ())

G_DECLARE_FINAL_TYPE (AsApplication, as_application, AS, APPLICATION, GtkApplication)

AsApplication *as_application_new              (void);
/* setlocale (LC_ALL, "") and the gettext domain of the interface, bound to
 * the translations built in the build folder when this program runs from
 * it, else to the installed ones. Call it first in main(). */
void           as_application_init_i18n        (void);
/* The folder the translations are read from (as bound by the above). */
const char    *as_application_get_locale_dir   (void);

G_END_DECLS
