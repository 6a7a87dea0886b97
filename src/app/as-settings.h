#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The application's settings (data/settings/org.attnscope.AttnScope.gschema.xml):
 * the installed schema, or the one compiled in the build folder when the
 * viewer runs from there. A new reference each call; every GSettings of the
 * schema shares one backend, so they all see the same values. */
GSettings *as_settings_new (void);

G_END_DECLS
