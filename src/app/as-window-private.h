#pragma once

#include "as-window.h"
#include "as-attention-view.h"
#include "as-beam-tree.h"
#include "as-nbest.h"
#include "as-candidates.h"
#include "as-export-dialog.h"
#include "as-compare-box.h"
#include "as-compare-pane.h"
#include "as-heatmap.h"
#include "as-model-loader.h"
#include "as-sentence-entry.h"

G_BEGIN_DECLS

typedef enum
{
  AS_MESSAGE_INFO,
  AS_MESSAGE_WARNING,
  AS_MESSAGE_ERROR,
} AsMessageKind;

struct _AsWindow
{
  GtkApplicationWindow  parent_instance;

  /* template children */
  GtkRevealer          *message_revealer;
  GtkWidget            *message_box;
  GtkImage             *message_icon;
  GtkLabel             *message_label;
  AsSentenceEntry      *source_entry;
  AsSentenceEntry      *target_entry;
  GtkLabel             *translation_label;
  GtkWidget            *input_note_box;
  GtkImage             *input_note_icon;
  GtkLabel             *input_note_label;
  GtkButton            *back_button;
  GtkSpinButton        *max_length_spin;
  GtkAdjustment        *max_length_adjustment;
  AsAttentionView      *attention_view;
  AsComparePane        *compare_pane;      /* the pinned view (as-window-compare.c) */
  AsCandidates         *candidates;
  GtkPaned             *paned;
  GtkScale             *step_scale;
  GtkAdjustment        *step_adjustment;
  GtkLabel             *step_label;
  GtkButton            *play_button;
  GtkDropDown          *colormap_dropdown;
  GtkDropDown          *scale_dropdown;
  GtkLabel             *title_label;
  GtkLabel             *model_label;
  GtkMenuButton        *open_menu_button;
  GtkSpinner           *decode_spinner;
  /* the beam (beside the candidates) */
  GtkSpinButton        *beam_spin;
  GtkAdjustment        *beam_adjustment;
  GtkNotebook          *side_notebook;
  AsNbest              *nbest;
  AsBeamTree           *beam_tree;
  GtkWidget            *beam_tree_heading;
  GtkWidget            *beam_tree_scroller;

  GSettings            *settings;

  /* the model */
  AsModelLoader        *loader;
  GPtrArray            *pending_exports;   /* of PendingExport, run once loaded */

  /* the sentence */
  AsSession            *session;
  /* decoding in a worker thread (as-decoder-worker.c): one at a time */
  guint64               generation;        /* bumped by each change of what is to be decoded */
  GCancellable         *decode_cancellable; /* of the decoding in flight, NULL when none */
  GTask                *decode_task;       /* the decoding in flight */
  guint64               decode_generation; /* of the decoding in flight */
  guint                 tick_id;           /* the next frame waits for it a little */
  gint64                decode_started;    /* when the decoding in flight started (monotonic, µs) */
  gint64                last_decode_time;  /* how long the last finished decoding took (µs), -1: none yet */
  guint                 frame_waits;       /* frames that waited for a decoding (for the tests) */
  gboolean              decode_queued;     /* a newer text waits for the one in flight to stop */
  int                   decode_step;       /* the step to show with the result, -1: the last */
  guint                 spinner_source;    /* shows the spinner once a decoding takes long */
  guint                 spinner_delay_ms;  /* how long: SPINNER_DELAY_MS (the tests make it short) */
  guint                 blank_source;      /* empties the view: the sentence is blank */
  guint                 play_source;
  guint                 message_source;
  gboolean              message_shown;
  gboolean              syncing;
  gboolean              setting_text;      /* the entries' text set by the program, not typed */
  gboolean              typed;             /* the sentence's last change was typed */
  int                   note_kind;         /* AsMessageKind of the note, -1: none */
  guint                 max_length;        /* chosen in the window; 0: the model's */
  guint                 beam_width;        /* chosen in the window; 1: greedy */
  gboolean              showing_node;      /* a node of the beam is being shown: the tree stays */
  guint                 beam_scroll_tick;  /* brings the selected node into view */
  guint                 beam_scroll_frames;
  /* where one's own translation was scored: the model's own, to compare */
  gboolean              has_own;
  AsScore               own_score;
  char                 *own_translation;

  /* a candidate picked: what was shown before, for "Back" */
  gboolean              branched;
  char                 *branch_target;     /* the translation of one's own it replaced, or NULL */
  int                   branch_step;
};

/* as-window.c, for the other parts of the window. */
void          _as_window_show_message       (AsWindow      *self,
                                             AsMessageKind  kind,
                                             const char    *text);
/* The step shown (-1: none) and how many there are. */
int           _as_window_get_step           (AsWindow      *self);
guint         _as_window_get_n_steps        (AsWindow      *self);
/* Shows @step (clamped) in the attention view, the candidates and the slider. */
void          _as_window_set_step           (AsWindow      *self,
                                             int            step);
void          _as_window_set_playing        (AsWindow      *self,
                                             gboolean       playing);

/* as-window-actions.c: the actions and the keys. */
void          _as_window_class_actions_init (AsWindowClass *klass);
void          _as_window_actions_init       (AsWindow      *self);
/* Writes @figure to @path as the settings ask (background, PNG scale, SVG
 * text), laid out at the size it has on screen. */
gboolean      _as_window_export_figure      (AsWindow      *self,
                                             AsFigure      *figure,
                                             const char    *path,
                                             GError       **error);
/* Writes the view's data (not AS_EXPORT_FIGURE) to @path: the session as
 * JSON, the matrix as CSV, the alignment (@threshold: -1 for the arg-max). */
gboolean      _as_window_export_data        (AsWindow      *self,
                                             AsExportData   data,
                                             const char    *path,
                                             double         threshold,
                                             GError       **error);
/* Enables each action (and sets the state of "play") as the window is now. */
void          _as_window_actions_update     (AsWindow      *self);

/* Back to the translation shown before a candidate was picked. */
void          _as_window_branch_back        (AsWindow      *self);

/* as-window-settings.c: the window's size, the colour map and the recent
 * models, kept in GSettings. */
void          _as_window_settings_init      (AsWindow      *self);
/* Adds @file to the recent models (newest first, at most ten). */
void          _as_window_settings_add_recent (AsWindow     *self,
                                              GFile        *file);
/* The recent models' paths that still exist, newest first. */
GStrv         _as_window_settings_get_recent (AsWindow     *self);

/* as-window-actions.c: rebuilds the Open button's menu (bundled, recent). */
void          _as_window_actions_update_open_menu (AsWindow *self);

/* as-window-dnd.c: model files dropped on the window. */
void          _as_window_dnd_init           (AsWindow      *self);

/* as-window-compare.c: "win.pin" pins the view beside the live one. */
void          _as_window_compare_init       (AsWindow      *self);
/* When a view is pinned, writes it and the live one side by side to @path
 * (as the settings ask, at their size on screen) and returns TRUE, with
 * @error set on failure; FALSE when nothing is pinned. */
gboolean      _as_window_compare_export     (AsWindow      *self,
                                             const char    *path,
                                             GError       **error);

/* For the tests. */
AsHeatmap    *as_window_get_heatmap         (AsWindow *self);
AsAttentionView *as_window_get_attention_view (AsWindow *self);
AsComparePane *as_window_get_compare_pane   (AsWindow *self);
AsCandidates *as_window_get_candidates      (AsWindow *self);
AsSession    *as_window_get_session         (AsWindow *self);
gboolean      as_window_is_loading          (AsWindow *self);
/* The text of the message shown at the top, or NULL when none is. */
const char   *as_window_get_message         (AsWindow *self);
const char   *as_window_get_translation     (AsWindow *self);
/* The text of the label beside the step slider ("Step 2 of 5"). */
const char   *as_window_get_step_text       (AsWindow *self);
/* The step slider, to be moved as a person moves it. */
GtkRange     *as_window_get_step_scale      (AsWindow *self);
/* The note under the entries (unknown words, sentences it cannot read). */
const char   *as_window_get_input_note      (AsWindow *self);
/* The kind (AsMessageKind) of the note under the entries, -1 when none. */
int           as_window_get_input_note_kind (AsWindow *self);
/* A decoding is in flight or waits for one to stop. */
gboolean      as_window_is_decoding         (AsWindow *self);
/* Runs the main loop until the decoding of the latest text is shown. */
void          as_window_flush               (AsWindow *self);
GtkSpinner   *as_window_get_spinner         (AsWindow *self);
/* The beam: its width's spin button, the n-best list and the tree. */
GtkSpinButton *as_window_get_beam_spin      (AsWindow *self);
AsNbest      *as_window_get_nbest           (AsWindow *self);
AsBeamTree   *as_window_get_beam_tree       (AsWindow *self);
GtkNotebook  *as_window_get_side_notebook   (AsWindow *self);

G_END_DECLS
