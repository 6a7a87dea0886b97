#pragma once

#include <gtk/gtk.h>

#include "as-session.h"

G_BEGIN_DECLS

#define AS_TYPE_BEAM_TREE (as_beam_tree_get_type ())

G_DECLARE_FINAL_TYPE (AsBeamTree, as_beam_tree, AS, BEAM_TREE, GtkWidget)

GtkWidget  *as_beam_tree_new              (void);
/* Shows the tree of @session's last beam search (copied; NULL or a session
 * without one: none). A column per step, the hypotheses of that step in it
 * best first: the kept and ended ones, then the best pruned ones (faded),
 * each joined to its parent. */
void        as_beam_tree_set_session      (AsBeamTree *self,
                                           AsSession  *session);
/* The nodes drawn (a step's worst pruned ones may be left out). */
guint       as_beam_tree_get_n_nodes      (AsBeamTree *self);
/* The session's node (as_session_get_beam_node) that drawn node @i shows. */
guint       as_beam_tree_get_node         (AsBeamTree *self,
                                           guint       i);
const char *as_beam_tree_get_label        (AsBeamTree *self,
                                           guint       i);
/* Where drawn node @i is, in the widget's coordinates. */
void        as_beam_tree_get_node_bounds  (AsBeamTree      *self,
                                           guint            i,
                                           graphene_rect_t *bounds);
/* The drawn node at (@x, @y), or -1. */
int         as_beam_tree_node_at          (AsBeamTree *self,
                                           double      x,
                                           double      y);
/* The drawn node shown as the session's steps (-1: none), and the one the
 * keyboard cursor is on. */
int         as_beam_tree_get_selected     (AsBeamTree *self);
void        as_beam_tree_set_selected     (AsBeamTree *self,
                                           int         i);
int         as_beam_tree_get_cursor       (AsBeamTree *self);
/* As if drawn node @i were clicked: emits "node-activated" with the
 * session's node. */
void        as_beam_tree_activate         (AsBeamTree *self,
                                           guint       i);

G_END_DECLS
