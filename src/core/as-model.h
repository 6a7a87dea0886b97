#pragma once

#include <glib.h>

#include "as-attention.h"
#include "as-vocab.h"

G_BEGIN_DECLS

#define AS_MODEL_FORMAT_NAME    "attnscope-model"
#define AS_MODEL_FORMAT_VERSION 1

typedef struct _AsArchitecture AsArchitecture;
typedef struct _AsModel AsModel;

AsModel       *as_model_new_from_file           (const char     *path,
                                                 GError        **error);
/* @where names the document in messages (a file name, "<test>"). */
AsModel       *as_model_new_from_data           (const char     *data,
                                                 gsize           length,
                                                 const char     *where,
                                                 GError        **error);
AsModel       *as_model_ref                     (AsModel        *self);
void           as_model_unref                   (AsModel        *self);

/* What it is and how to run it (as-architecture.h). */
const AsArchitecture *as_model_get_architecture (const AsModel  *self);
const char    *as_model_get_architecture_name   (const AsModel  *self);
/* The layers and heads of its attention of @kind; FALSE when it has none. */
gboolean       as_model_get_attention_shape     (const AsModel  *self,
                                                 AsAttentionKind kind,
                                                 guint          *n_layers,
                                                 guint          *n_heads);
const AsVocab *as_model_get_source              (const AsModel  *self);
const AsVocab *as_model_get_target              (const AsModel  *self);
/* The language each side names in the file (BCP 47: "en", "zh-CN"), or
 * NULL. Text of that side is drawn with it, so that the fonts and regional
 * glyph forms are chosen right. */
const char    *as_model_get_source_language     (const AsModel  *self);
const char    *as_model_get_target_language     (const AsModel  *self);
#define AS_MODEL_DEFAULT_MAX_LENGTH 10

/* Decoding takes at most this many steps, the end token included: the
 * file's decoding.max_length, or 0 when it sets none (then the
 * architecture's rule, or AS_MODEL_DEFAULT_MAX_LENGTH, applies:
 * as_model_get_max_length_for). */
guint          as_model_get_max_length          (const AsModel  *self);
/* The steps at most for a source of @n_source tokens (framed). */
guint          as_model_get_max_length_for      (const AsModel  *self,
                                                 guint           n_source);
/* The most positions (framed source tokens, decoder steps) the model has,
 * or 0 when only memory bounds them. */
guint          as_model_get_max_positions       (const AsModel  *self);
guint64        as_model_get_n_parameters        (const AsModel  *self);
/* The file it was loaded from, or the @where of as_model_new_from_data(). */
const char    *as_model_get_path                (const AsModel  *self);
/* A string entry of "metadata" (name, description, license, training_data,
 * ...), or NULL. */
const char    *as_model_get_metadata            (const AsModel  *self,
                                                 const char     *key);
/* The keys of "metadata" whose values are strings, sorted; free with g_strfreev. */
GStrv          as_model_list_metadata           (const AsModel  *self);
/* A multi-line, human-readable summary: name, architecture, sizes, metadata. */
char          *as_model_describe                (const AsModel  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AsModel, as_model_unref)

G_END_DECLS
