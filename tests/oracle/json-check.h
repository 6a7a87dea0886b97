#pragma once

/* The strict JSON check that the loader ran over a model file's whole text
 * before the streaming reader replaced it: kept here, apart from the
 * product, as an independent reference that the streaming reader's verdicts
 * and messages are compared with (test-json-stream, fuzz-json-stream). */

#include "as-loader.h"

G_BEGIN_DECLS

gboolean     as_json_check_text     (AsLoader    *ld,
                                     const char  *data,
                                     gsize        length);
/* The verdict the loader gave a whole document's text before the strict
 * check: the file is empty, invalid UTF-8 or a NUL byte (*@invalid_at, when
 * not NULL, is where; @length otherwise), then as_json_check_text. */
gboolean     as_json_check_document (const char  *name,
                                     const char  *data,
                                     gsize        length,
                                     gsize       *invalid_at,
                                     GError     **error);
void         as_json_offset_to_line (const char  *data,
                                     gsize        offset,
                                     guint       *line,
                                     guint       *column);

G_END_DECLS
