#pragma once

/* Commands of attnscope-cli that live in files of their own; the dispatch,
 * the options and the loading of the model stay in attnscope-cli.c. Each
 * prints its result on stdout or writes its files, and on failure one line
 * on stderr ("attnscope-cli: ..."), writing nothing; it returns the exit
 * status. */

#include "as-attention.h"
#include "as-colormap.h"
#include "as-figure.h"
#include "as-model.h"

G_BEGIN_DECLS

/* align [MODEL] PAIRS: one Pharaoh line per pair of @pairs_path (source TAB
 * target), made from @kind's attention of @layer and @head (only
 * cross-attention aligns a source with a target) while the target is
 * forced; by arg-max, or every weight of at least @threshold_text. With
 * @gold_path, precision, recall and AER instead; @output (or NULL: stdout)
 * takes the alignments. */
int as_cli_align        (AsModel         *model,
                         const char      *pairs_path,
                         const char      *gold_path,
                         const char      *threshold_text,
                         const char      *output,
                         AsAttentionKind  kind,
                         int              layer,
                         int              head);

/* How render draws each sentence of a batch: what a single render takes. */
typedef struct
{
  AsAttentionKind              kind;
  int                          layer;
  int                          head;
  gboolean                     grid;
  AsColormap                   colormap;
  AsFigureScale                scale;
  int                          step;      /* from 1, or 0: every step */
  int                          beam;      /* 1: greedy */
  int                          max_len;   /* 0: the model's */
  const AsFigureExportOptions *export_options;
} AsCliRenderChoice;

/* render [MODEL] --batch SENTENCES -o FILE.pdf | -o FOLDER/: one page, or
 * one file FOLDER/NNNN.@format (svg, png or pdf; NNNN the line's number),
 * per sentence; blank lines are skipped. */
int as_cli_render_batch (AsModel                 *model,
                         const char              *sentences_path,
                         const char              *output,
                         const char              *format,
                         const AsCliRenderChoice *choice);

/* Whether render's -o names a folder for --batch: it ends in "/" or is one. */
gboolean as_cli_output_is_folder (const char *output);

G_END_DECLS

G_BEGIN_DECLS

/* The lines of the text file @path, without their ends ("\n", "\r\n"); a
 * final line end does not start another line. FALSE (AS_ERROR_FILE) naming
 * the file, and the line where it is not UTF-8. */
GPtrArray *as_cli_read_lines (const char  *path,
                              GError     **error);

/* Prints "attnscope-cli: MESSAGE" on stderr, escaped as everything printed
 * (as_escape_controls); returns EXIT_FAILURE. */
int        as_cli_fail       (const char  *format,
                              ...) G_GNUC_PRINTF (1, 2);

G_END_DECLS
