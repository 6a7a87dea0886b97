#pragma once

/* For the loader's own files and the architectures' load functions only:
 * reading a model document in one streaming pass (as-json-stream.h), its
 * typed fields and its table of tensors, with messages that name the
 * document, the field and what is wrong.
 *
 *   as-json-stream*.c  the strict JSON reader, in blocks, never a mapping
 *   as-loader.c        small values as trees, typed fields, tensor tables
 *                      (data decoded straight into the weights)
 *   as-vocab.c         one side (source or target): tokenizer, vocabulary
 *                      (read straight into one pool), special tokens
 *   as-model.c         the document: its members in any order, format,
 *                      architecture, decoding, metadata
 *
 * The members of a document other than the sides' vocabularies, the
 * metadata and the tensors are small: they are read into json-glib trees
 * (at most AS_LOADER_MAX_VALUES values each, strings cut at
 * AS_LOADER_MAX_STRING bytes) and checked there, in the same order as
 * always, once every one of them has been read. The large ones go straight
 * into their final structures as they are read.
 *
 * Every function returns FALSE with the loader's error set when something
 * is wrong. Every piece of the file quoted in a message goes through
 * as_loader_quote(). */

#include <json-glib/json-glib.h>

#include "as-json-stream.h"
#include "as-model.h"

G_BEGIN_DECLS

#define AS_LOADER_MAX_VOCAB     1000000
#define AS_LOADER_MAX_DIMS      4
#define AS_LOADER_MAX_DIM       100000000
#define AS_LOADER_MAX_ELEMENTS  (G_GUINT64_CONSTANT (1) << 28)
#define AS_LOADER_MAX_VALUES    10000      /* in one small member's tree */
#define AS_LOADER_MAX_STRING    65536      /* bytes of a string kept in a tree */

typedef struct _AsSideDraft AsSideDraft;

typedef struct
{
  const char   *name;          /* the document, for messages */
  GError      **error;
  JsonObject   *root;          /* the document's small members, once read */
  const char   *architecture;  /* its architecture's name, once known */
  AsJsonStream *stream;        /* the document */
  gboolean      at_tensors;    /* the stream is at the value of "tensors" */
  GPtrArray    *quotes;        /* as_loader_quote's */
} AsLoader;

gboolean G_GNUC_PRINTF (2, 3)
             as_loader_fail        (AsLoader     *ld,
                                    const char   *format,
                                    ...);
/* Text from the file for a message (as_quote_text at AS_QUOTE_MAX_CHARS),
 * owned by @ld: valid until as_loader_clear(). */
const char  *as_loader_quote       (AsLoader     *ld,
                                    const char   *text);
void         as_loader_clear       (AsLoader     *ld);

/* Typed fields */
const char  *as_json_node_kind     (JsonNode     *node);
/* The same words for the value that @token starts. */
const char  *as_loader_token_kind  (AsJsonStream *stream,
                                    AsJsonToken   token);
gboolean     as_json_is_string     (JsonNode     *node);
gboolean     as_json_is_integer    (JsonNode     *node);
gboolean     as_json_is_number     (JsonNode     *node);
/* The value that @token starts, as a tree: small values only (see above).
 * NULL with the loader's error set when the stream fails or the value is
 * too large; @what names it in that message. */
JsonNode    *as_loader_read_node   (AsLoader     *ld,
                                    AsJsonToken   token,
                                    const char   *what);
/* In an object: the next member's name (*@key, to free; NULL at the end of
 * the object) and the token that starts its value. FALSE when the stream
 * fails. */
gboolean     as_loader_next_member (AsLoader     *ld,
                                    char        **key,
                                    AsJsonToken  *token);
/* An AsJsonChunkFunc that appends the string's pieces to a GString. */
gboolean     as_loader_append_chunk (const char  *chunk,
                                     gsize        length,
                                     gpointer     string,
                                     GError     **error);
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

/* One side of the model (as-vocab.c): read from the stream at the value
 * that @token starts (NULL when the stream failed), then checked. */
AsSideDraft *as_side_draft_read    (AsLoader     *ld,
                                    AsJsonToken   token,
                                    const char   *where);
void         as_side_draft_free    (AsSideDraft  *draft);
/* @draft NULL: the side is missing. */
gboolean     as_loader_read_side   (AsLoader     *ld,
                                    AsSideDraft  *draft,
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

/* Reads the value of "tensors" from ld->stream (unless !ld->at_tensors:
 * the document has none), which must hold exactly the tensors of @specs. The one buffer of
 * all the weights (*@buffer, @n_parameters floats, in the order of @specs)
 * is allocated from the table when the file is large enough to hold it;
 * each tensor's name and shape is checked against the table before its data
 * is accepted, and the data (base64 or numbers) is decoded straight into
 * the buffer and checked to be finite in the same pass. */
gboolean     as_loader_read_tensors (AsLoader           *ld,
                                     const AsTensorSpec *specs,
                                     guint               n_specs,
                                     float             **buffer,
                                     guint64            *n_parameters);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AsSideDraft, as_side_draft_free)

G_END_DECLS
