#pragma once

/* A one-line text entry for a text too long for GtkEntry to take a key
 * within a frame: GtkEntry lays its whole text out as one line at each
 * change (30 to 55 ms for 60,000 characters, 10,000 words, here), this entry
 * only the part of the text it shows, so that a key costs the same at any
 * length. It is a GtkEditable of its own, with what a person expects of an
 * entry: the caret and selection by keyboard and mouse, words, the input
 * method and its preedit, the clipboard and the primary selection, undo,
 * a context menu. Its text is not exposed to screen readers: GTK 4.8 lets
 * only its own text widgets do that (hence AsSentenceEntry keeps GtkEntry
 * for every sentence but the long ones). */

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AS_TYPE_LONG_ENTRY (as_long_entry_get_type ())
G_DECLARE_FINAL_TYPE (AsLongEntry, as_long_entry, AS, LONG_ENTRY, GtkWidget)

GtkWidget *as_long_entry_new            (void);
/* Attributes for the whole text (its language, for the right glyphs) */
void       as_long_entry_set_attributes (AsLongEntry   *self,
                                         PangoAttrList *attributes);
/* The icon at the entry's start, as GtkEntry's primary icon; NULL: none */
void       as_long_entry_set_icon_name  (AsLongEntry   *self,
                                         const char    *icon_name);
/* The characters shown now: the first and one past the last (tests) */
void       as_long_entry_get_shown      (AsLongEntry   *self,
                                         int           *first,
                                         int           *end);
/* Characters in the last layout it made, to show or to measure (tests:
 * bounded by the width, not by the text) */
int        as_long_entry_get_laid_out   (AsLongEntry   *self);

G_END_DECLS
