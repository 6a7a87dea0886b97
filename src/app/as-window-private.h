#pragma once

#include "as-window.h"
#include "as-attention-view.h"
#include "as-candidates.h"
#include "as-heatmap.h"
#include "as-model-loader.h"

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
  GtkEntry             *source_entry;
  GtkEntry             *target_entry;
  GtkLabel             *translation_label;
  GtkLabel             *input_note_label;
  AsAttentionView      *attention_view;
  AsCandidates         *candidates;
  GtkScale             *step_scale;
  GtkAdjustment        *step_adjustment;
  GtkLabel             *step_label;
  GtkButton            *play_button;
  GtkDropDown          *colormap_dropdown;
  GtkLabel             *model_label;
  GtkMenuButton        *open_menu_button;

  /* the model */
  AsModelLoader        *loader;
  GPtrArray            *pending_exports;   /* of PendingExport, run once loaded */

  /* the sentence */
  AsSession            *session;
  guint                 decode_source;
  guint                 play_source;
  guint                 message_source;
  gboolean              message_shown;
  gboolean              syncing;
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
/* Enables each action (and sets the state of "play") as the window is now. */
void          _as_window_actions_update     (AsWindow      *self);

/* as-window-dnd.c: model files dropped on the window. */
void          _as_window_dnd_init           (AsWindow      *self);

/* For the tests. */
AsHeatmap    *as_window_get_heatmap         (AsWindow *self);
AsAttentionView *as_window_get_attention_view (AsWindow *self);
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
/* Runs a pending (debounced) decoding now. */
void          as_window_flush               (AsWindow *self);

G_END_DECLS
