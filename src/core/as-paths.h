#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AS_DEFAULT_MODEL_FILE "en-zh-gru.json"

/* The bundled models' folder: $ATTNSCOPE_MODELS_DIR when set, else the
 * installed data directory when it holds the default model, else the source
 * tree's data/models (a build run from its build tree). */
const char *as_models_dir         (void);
/* The full path of the default model (it may not exist). */
char       *as_default_model_path (void);
/* A model named on a command line: the name of a bundled model
 * ("en-zh-transformer": a NAME.json of as_models_dir() that exists, when
 * @name has no '/' and no ".json"), else @name itself, a path. */
char       *as_model_path_for     (const char *name);
/* The bundled models' names (their files without ".json"), sorted. */
GStrv       as_list_bundled_models (void);

G_END_DECLS
