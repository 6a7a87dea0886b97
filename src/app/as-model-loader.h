#pragma once

#include <gio/gio.h>

#include "as-model.h"

G_BEGIN_DECLS

#define AS_TYPE_MODEL_LOADER (as_model_loader_get_type ())

G_DECLARE_FINAL_TYPE (AsModelLoader, as_model_loader, AS, MODEL_LOADER, GObject)

AsModelLoader *as_model_loader_new         (void);
/* Loads @file in a thread, then emits "loaded" or "failed". Once a file is
 * loaded, it is watched: a change on disk loads it again once the writer is
 * done ("loaded" or "failed" with @reloaded TRUE; a reload that fails is
 * tried again after a quiet period before "failed" says so), and its
 * deletion is reported once as "failed" with @reloaded TRUE and
 * G_IO_ERROR_NOT_FOUND. A model that fails to load never replaces the one
 * loaded before. */
void           as_model_loader_load        (AsModelLoader *self,
                                            GFile         *file);
/* The model loaded last (NULL: none yet), and its file. */
AsModel       *as_model_loader_get_model   (AsModelLoader *self);
GFile         *as_model_loader_get_file    (AsModelLoader *self);
/* Whether a load is running (its signal not yet emitted). */
gboolean       as_model_loader_is_loading  (AsModelLoader *self);

G_END_DECLS
