#pragma once

/* The sentence's entry (and one's own translation's): a GtkEntry, whose
 * text screen readers can read, for every text that it takes within a
 * frame, and an AsLongEntry, which lays out only what it shows, for the
 * texts too long for that (more than AS_SENTENCE_ENTRY_LONG bytes). It moves the text, the caret,
 * the selection and the focus from one to the other as the text grows or
 * shrinks past that, and is a GtkEditable that is always the one shown:
 * "changed", gtk_editable_get_text () and the rest as of an entry. */

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Bytes: GtkEntry takes a key in a text of 4,000 characters in a few ms,
 * in one of 60,000 (10,000 words) in 30 to 55 ms */
#define AS_SENTENCE_ENTRY_LONG  4096
#define AS_SENTENCE_ENTRY_SHORT 2048   /* back to GtkEntry below this */

#define AS_TYPE_SENTENCE_ENTRY (as_sentence_entry_get_type ())
G_DECLARE_FINAL_TYPE (AsSentenceEntry, as_sentence_entry, AS, SENTENCE_ENTRY, GtkWidget)

/* Attributes for the whole text (its language); NULL: none */
void           as_sentence_entry_set_attributes (AsSentenceEntry *self,
                                                 PangoAttrList   *attributes);
PangoAttrList *as_sentence_entry_get_attributes (AsSentenceEntry *self);
/* The entry in use now: the GtkEntry or the AsLongEntry */
GtkWidget     *as_sentence_entry_get_shown      (AsSentenceEntry *self);

G_END_DECLS
