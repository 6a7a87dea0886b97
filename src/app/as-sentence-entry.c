/* The sentence's entry: GtkEntry, or AsLongEntry for the long sentences.
 * See as-sentence-entry.h. */

#include "config.h"

#include <string.h>

#include "as-long-entry.h"
#include "as-sentence-entry.h"

struct _AsSentenceEntry
{
  GtkWidget      parent_instance;

  GtkWidget     *entry;        /* GtkEntry */
  GtkWidget     *long_entry;   /* AsLongEntry */
  GtkWidget     *shown;        /* one of them */
  gboolean       switching;
  guint          check_id;     /* which one is to show, after a change */
};

enum
{
  PROP_0,
  PROP_PLACEHOLDER_TEXT,
  PROP_PRIMARY_ICON_NAME,
  PROP_ACCESSIBLE_LABEL,
  N_PROPS   /* then the editable's */
};

static void as_sentence_entry_editable_init (GtkEditableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AsSentenceEntry, as_sentence_entry, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_EDITABLE, as_sentence_entry_editable_init))

static GtkEditable *
get_delegate (GtkEditable *editable)
{
  return GTK_EDITABLE (AS_SENTENCE_ENTRY (editable)->shown);
}

static void
as_sentence_entry_editable_init (GtkEditableInterface *iface)
{
  iface->get_delegate = get_delegate;
}

/* @to shows the text, with the caret, the selection and the focus where
 * they were (its undo starts there), and the other one gives its text up */
static void
switch_to (AsSentenceEntry *self,
           GtkWidget       *to)
{
  GtkWidget *from = self->shown;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  gboolean focused = focus != NULL && (focus == from || gtk_widget_is_ancestor (focus, from));
  int cursor = 0, bound = 0;

  g_object_get (from, "cursor-position", &cursor, "selection-bound", &bound, NULL);
  self->switching = TRUE;
  gtk_editable_set_enable_undo (GTK_EDITABLE (to), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (to), gtk_editable_get_text (GTK_EDITABLE (from)));
  gtk_editable_set_enable_undo (GTK_EDITABLE (to), TRUE);
  gtk_widget_set_visible (to, TRUE);
  self->shown = to;
  if (focused && GTK_IS_ENTRY (to))
    gtk_entry_grab_focus_without_selecting (GTK_ENTRY (to));
  else if (focused)
    gtk_widget_grab_focus (to);
  gtk_editable_select_region (GTK_EDITABLE (to), bound, cursor);
  gtk_widget_set_visible (from, FALSE);
  gtk_editable_set_enable_undo (GTK_EDITABLE (from), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (from), "");
  gtk_editable_set_enable_undo (GTK_EDITABLE (from), TRUE);
  self->switching = FALSE;
}

/* After a change, once the entry that made it is done with it (GtkEntry
 * moves its caret after saying "changed"), and before the next frame */
static gboolean
check_length (gpointer data)
{
  AsSentenceEntry *self = data;
  size_t length = strlen (gtk_editable_get_text (GTK_EDITABLE (self->shown)));

  self->check_id = 0;
  if (self->shown == self->entry && length > AS_SENTENCE_ENTRY_LONG)
    switch_to (self, self->long_entry);
  else if (self->shown == self->long_entry && length < AS_SENTENCE_ENTRY_SHORT)
    switch_to (self, self->entry);
  return G_SOURCE_REMOVE;
}

static void
child_changed (GtkEditable     *child,
               AsSentenceEntry *self)
{
  if (self->switching || GTK_WIDGET (child) != self->shown)
    return;
  if (self->check_id == 0)
    self->check_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, check_length, self, NULL);
  g_signal_emit_by_name (self, "changed");
}

static gboolean
as_sentence_entry_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (AS_SENTENCE_ENTRY (widget)->shown);
}

static void
as_sentence_entry_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AsSentenceEntry *self = AS_SENTENCE_ENTRY (object);

  if (gtk_editable_delegate_set_property (object, prop_id, value, pspec))
    return;
  switch (prop_id)
    {
    case PROP_PLACEHOLDER_TEXT:
      gtk_entry_set_placeholder_text (GTK_ENTRY (self->entry), g_value_get_string (value));
      break;
    case PROP_PRIMARY_ICON_NAME:
      gtk_entry_set_icon_from_icon_name (GTK_ENTRY (self->entry), GTK_ENTRY_ICON_PRIMARY, g_value_get_string (value));
      as_long_entry_set_icon_name (AS_LONG_ENTRY (self->long_entry), g_value_get_string (value));
      break;
    case PROP_ACCESSIBLE_LABEL:
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      g_value_get_string (value), -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->long_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      g_value_get_string (value), -1);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
as_sentence_entry_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AsSentenceEntry *self = AS_SENTENCE_ENTRY (object);

  if (gtk_editable_delegate_get_property (object, prop_id, value, pspec))
    return;
  switch (prop_id)
    {
    case PROP_PLACEHOLDER_TEXT:
      g_value_set_string (value, gtk_entry_get_placeholder_text (GTK_ENTRY (self->entry)));
      break;
    case PROP_PRIMARY_ICON_NAME:
      g_value_set_string (value, gtk_entry_get_icon_name (GTK_ENTRY (self->entry), GTK_ENTRY_ICON_PRIMARY));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
as_sentence_entry_dispose (GObject *object)
{
  AsSentenceEntry *self = AS_SENTENCE_ENTRY (object);

  g_clear_handle_id (&self->check_id, g_source_remove);
  g_clear_pointer (&self->entry, gtk_widget_unparent);
  g_clear_pointer (&self->long_entry, gtk_widget_unparent);
  G_OBJECT_CLASS (as_sentence_entry_parent_class)->dispose (object);
}

static void
as_sentence_entry_class_init (AsSentenceEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->set_property = as_sentence_entry_set_property;
  object_class->get_property = as_sentence_entry_get_property;
  object_class->dispose = as_sentence_entry_dispose;
  widget_class->grab_focus = as_sentence_entry_grab_focus;

  g_object_class_install_property (object_class, PROP_PLACEHOLDER_TEXT,
    g_param_spec_string ("placeholder-text", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, PROP_PRIMARY_ICON_NAME,
    g_param_spec_string ("primary-icon-name", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  /* the label screen readers say for either entry */
  g_object_class_install_property (object_class, PROP_ACCESSIBLE_LABEL,
    g_param_spec_string ("accessible-label", NULL, NULL, NULL, G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS));
  gtk_editable_install_properties (object_class, N_PROPS);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sentenceentry");
}

static void
as_sentence_entry_init (AsSentenceEntry *self)
{
  self->entry = gtk_entry_new ();
  self->long_entry = as_long_entry_new ();
  self->shown = self->entry;
  gtk_widget_set_visible (self->long_entry, FALSE);
  gtk_widget_set_parent (self->entry, GTK_WIDGET (self));
  gtk_widget_set_parent (self->long_entry, GTK_WIDGET (self));
  g_signal_connect (self->entry, "changed", G_CALLBACK (child_changed), self);
  g_signal_connect (self->long_entry, "changed", G_CALLBACK (child_changed), self);
}

void
as_sentence_entry_set_attributes (AsSentenceEntry *self,
                                  PangoAttrList   *attributes)
{
  g_return_if_fail (AS_IS_SENTENCE_ENTRY (self));

  gtk_entry_set_attributes (GTK_ENTRY (self->entry), attributes);
  as_long_entry_set_attributes (AS_LONG_ENTRY (self->long_entry), attributes);
}

PangoAttrList *
as_sentence_entry_get_attributes (AsSentenceEntry *self)
{
  g_return_val_if_fail (AS_IS_SENTENCE_ENTRY (self), NULL);

  return gtk_entry_get_attributes (GTK_ENTRY (self->entry));
}

GtkWidget *
as_sentence_entry_get_shown (AsSentenceEntry *self)
{
  g_return_val_if_fail (AS_IS_SENTENCE_ENTRY (self), NULL);

  return self->shown;
}
