#pragma once

#include <gtk/gtk.h>

#include "as-model.h"
#include "as-session.h"

G_BEGIN_DECLS

#define AS_TYPE_WINDOW (as_window_get_type ())

G_DECLARE_FINAL_TYPE (AsWindow, as_window, AS, WINDOW, GtkApplicationWindow)

AsWindow  *as_window_new            (GtkApplication          *application);
/* Loads @file in a thread; on failure the model already loaded stays and the
 * loader's message is shown in the window. */
void       as_window_open_model     (AsWindow                *self,
                                     GFile                   *file);
AsModel   *as_window_get_model      (AsWindow                *self);
void       as_window_set_sentence   (AsWindow                *self,
                                     const char              *sentence);
void       as_window_set_target     (AsWindow                *self,
                                     const char              *target);
/* The attention shown (as_attention_view_set_attention), also for a model
 * being loaded: it applies to the next model that arrives. */
void       as_window_set_attention  (AsWindow                *self,
                                     AsAttentionKind          kind,
                                     int                      layer,
                                     int                      head,
                                     gboolean                 grid);
/* What "win.export-to" does: writes the view to @path once any model being
 * loaded is there. With @command_line, its exit status says how it went. */
void       as_window_export_to      (AsWindow                *self,
                                     const char              *path,
                                     GApplicationCommandLine *command_line);

G_END_DECLS
