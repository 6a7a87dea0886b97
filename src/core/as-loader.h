#pragma once

/* For the loader's own files and the architectures' load functions only:
 * reading a model document's typed fields and its table of tensors, with
 * messages that name the document, the field and what is wrong.
 *
 *   as-json-check.c   the strict JSON check of the raw text
 *   as-loader.c       typed fields and tensor tables
 *   as-vocab.c        one side (source or target): tokenizer, vocabulary,
 *                     special tokens
 *   as-model.c        the document: format, architecture, decoding, metadata
 *
 * Every function returns FALSE with the loader's error set when something
 * is wrong. */

#include <json-glib/json-glib.h>

#include "as-model.h"

G_BEGIN_DECLS

#define AS_LOADER_MAX_VOCAB     1000000
#define AS_LOADER_MAX_DIMS      4
#define AS_LOADER_MAX_DIM       100000000
#define AS_LOADER_MAX_ELEMENTS  (G_GUINT64_CONSTANT (1) << 28)
#define AS_LOADER_MAX_NESTING   64

typedef struct
{
  const char *name;          /* the document, for messages */
  GError    **error;
  JsonObject *root;          /* the document, once it is known to be an object */
  const char *architecture;  /* its architecture's name, once known */
} AsLoader;

gboolean G_GNUC_PRINTF (2, 3)
             as_loader_fail        (AsLoader     *ld,
                                    const char   *format,
                                    ...);

/* Typed fields */
const char  *as_json_node_kind     (JsonNode     *node);
gboolean     as_json_is_string     (JsonNode     *node);
gboolean     as_json_is_integer    (JsonNode     *node);
gboolean     as_json_is_number     (JsonNode     *node);
/* A member of @obj that must be an object (or absent when !required). */
gboolean     as_loader_get_object  (AsLoader     *ld,
                                    JsonObject   *obj,
                                    const char   *key,
                                    const char   *where,
                                    gboolean      required,
                                    JsonObject  **out);
/* @obj has no member but those of @allowed. */
gboolean     as_loader_check_keys  (AsLoader            *ld,
                                    JsonObject          *obj,
                                    const char          *where,
                                    const char * const  *allowed);
/* An integer member in [@min, @max]; @fallback when absent, or an error
 * when @fallback < @min. */
gboolean     as_loader_get_int     (AsLoader     *ld,
                                    JsonObject   *obj,
                                    const char   *key,
                                    const char   *where,
                                    gint64        min,
                                    gint64        max,
                                    gint64        fallback,
                                    gint64       *out);

/* The strict JSON check of the raw text (as-json-check.c). */
gboolean     as_json_check_text    (AsLoader     *ld,
                                    const char   *data,
                                    gsize         length);
void         as_json_offset_to_line (const char  *data,
                                     gsize        offset,
                                     guint       *line,
                                     guint       *column);

/* One side of the model, root.@where (as-vocab.c). */
gboolean     as_loader_read_side   (AsLoader     *ld,
                                    JsonObject   *root,
                                    const char   *where,
                                    AsVocab      *vocab);
void         as_vocab_clear        (AsVocab      *vocab);

/* A tensor that a model must have, or one per layer: @name is a state_dict
 * key or, with @n_layers > 0, a pattern with one %u for the layer
 * ("transformer.encoder.layers.%u.linear1.weight"); @data points to one
 * pointer, or to @n_layers of them, that are set to the tensor's values. */
typedef struct
{
  const char *name;
  guint       n_layers;
  guint       n_dims;
  gint64      dims[AS_LOADER_MAX_DIMS];
  const char *why;       /* where the shape comes from, for messages */
  float     **data;
} AsTensorSpec;

/* Reads root.tensors, which must hold exactly the tensors of @specs: every
 * name and shape is checked before the one allocation of all the weights
 * (*@buffer, @n_parameters floats), then the values are read and checked
 * to be finite. */
gboolean     as_loader_read_tensors (AsLoader           *ld,
                                     const AsTensorSpec *specs,
                                     guint               n_specs,
                                     float             **buffer,
                                     guint64            *n_parameters);

G_END_DECLS
