#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AS_TYPE_COMPARE_BOX (as_compare_box_get_type ())

G_DECLARE_FINAL_TYPE (AsCompareBox, as_compare_box, AS, COMPARE_BOX, GtkWidget)

GtkWidget  *as_compare_box_new            (void);
/* Whether the two children are side by side (TRUE) or the second above
 * the first (FALSE), as last allocated. */
gboolean    as_compare_box_is_side_by_side (AsCompareBox *self);

G_END_DECLS
