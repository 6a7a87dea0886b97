/* A one-line entry that lays out only the part of its text it shows.
 *
 * The text is kept as UTF-8 with positions in characters, as GtkEditable
 * counts them. What is shown starts at the character `scroll`; the layout
 * holds the characters from there that can fill the width (twice the
 * width in pixels: no character is narrower than half a pixel that the
 * window would show), so a key, a frame or a caret move costs the same at
 * any length of text. Moving the caret out of sight scrolls by measuring
 * the text before it, again only as much as the width holds. */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "as-long-entry.h"

#define MIN_TEXT_WIDTH 150   /* pixels, GtkText's minimum without width-chars */
#define CARET_ROOM     2     /* pixels kept for the caret at the right end */
#define CONTEXT        256   /* characters around the caret looked at for words and the input method */
#define UNDO_LIMIT     200   /* edits kept for undo, */
#define UNDO_BYTES     (16 << 20)   /* and their text at most (but the last one) */
#define FIRST_PROP     1     /* the editable's properties, from GTK_EDITABLE_PROP_TEXT on */

typedef struct
{
  gboolean  insert;          /* else: a deletion */
  gboolean  typed;           /* made of single characters, one at a time */
  int       position;        /* characters */
  int       n_chars;
  GString  *text;
} Edit;

struct _AsLongEntry
{
  GtkWidget      parent_instance;

  GString       *text;
  int            n_chars;
  int            cursor;     /* characters; the caret */
  int            bound;      /* the selection's other end */
  int            scroll;     /* the first character shown */

  PangoLayout   *layout;     /* characters [layout_start, layout_end), the preedit inserted; NULL: to be made */
  int            layout_start;
  int            layout_end;
  int            laid_out;   /* characters in the last layout made */
  int            text_x;     /* where the text starts: after the icon */
  int            allocated_width;

  PangoAttrList *attributes;
  GtkWidget     *icon;
  GtkWidget     *menu;

  GtkIMContext  *im;
  char          *preedit;
  int            preedit_cursor;   /* characters into the preedit */
  PangoAttrList *preedit_attributes;

  GPtrArray     *undo;       /* of Edit, the last at the end */
  GPtrArray     *redo;
  gsize          edit_bytes; /* the text of both */
  gboolean       undoing;

  gboolean       editable;
  gboolean       enable_undo;
  int            width_chars;
  int            max_width_chars;
  float          xalign;

  guint          blink_id;
  gboolean       caret_shown;
  gint64         blink_since;

  int            drag_anchor;
};

static void as_long_entry_editable_init (GtkEditableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AsLongEntry, as_long_entry, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_EDITABLE, as_long_entry_editable_init))

static void
edit_free (Edit *edit)
{
  g_string_free (edit->text, TRUE);
  g_free (edit);
}

/* The byte where character @chars starts */
static gsize
byte_at (AsLongEntry *self,
         int          chars)
{
  if ((gsize) self->n_chars == self->text->len)   /* all ASCII */
    return (gsize) chars;
  return (gsize) (g_utf8_offset_to_pointer (self->text->str, chars) - self->text->str);
}

static int
text_width (AsLongEntry *self)
{
  return MAX (0, gtk_widget_get_width (GTK_WIDGET (self)) - self->text_x);
}

static void
forget_layout (AsLongEntry *self)
{
  g_clear_object (&self->layout);
}

/* A layout of the characters [@first, @end), with the preedit where the
 * caret is among them if @with_preedit */
static PangoLayout *
make_layout (AsLongEntry *self,
             int          first,
             int          end,
             gboolean     with_preedit)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  gsize from = byte_at (self, first);
  gsize to = byte_at (self, end);
  g_autoptr (PangoAttrList) attributes = self->attributes != NULL ? pango_attr_list_copy (self->attributes)
                                                                  : pango_attr_list_new ();

  pango_layout_set_single_paragraph_mode (layout, TRUE);
  pango_layout_set_auto_dir (layout, FALSE);
  if (with_preedit && self->preedit != NULL && self->cursor >= first && self->cursor <= end)
    {
      gsize at = byte_at (self, self->cursor) - from;
      gsize length = strlen (self->preedit);
      g_autoptr (GString) text = g_string_new_len (self->text->str + from, (gssize) (to - from));

      g_string_insert (text, (gssize) at, self->preedit);
      pango_layout_set_text (layout, text->str, (int) text->len);
      if (self->preedit_attributes != NULL)
        pango_attr_list_splice (attributes, self->preedit_attributes, (int) at, (int) length);
    }
  else
    pango_layout_set_text (layout, self->text->str + from, (int) (to - from));
  pango_layout_set_attributes (layout, attributes);
  self->laid_out = end - first;
  return layout;
}

/* The layout of what is shown */
static PangoLayout *
shown_layout (AsLongEntry *self)
{
  if (self->layout == NULL)
    {
      int span = 2 * text_width (self) + 16;

      self->layout_start = MIN (self->scroll, self->n_chars);
      self->layout_end = (int) MIN ((gint64) self->n_chars, (gint64) self->layout_start + span);
      self->layout = make_layout (self, self->layout_start, self->layout_end, TRUE);
    }
  return self->layout;
}

/* The byte in the shown layout where character @chars is; -1: not in it */
static int
layout_index (AsLongEntry *self,
              int          chars,
              gboolean     after_preedit)
{
  gsize index;

  if (chars < self->layout_start || chars > self->layout_end)
    return -1;
  index = byte_at (self, chars) - byte_at (self, self->layout_start);
  if (self->preedit != NULL && chars >= self->cursor && (chars > self->cursor || after_preedit))
    index += (gsize) (g_utf8_offset_to_pointer (self->preedit, after_preedit && chars == self->cursor
                                                                ? self->preedit_cursor
                                                                : (int) g_utf8_strlen (self->preedit, -1))
                      - self->preedit);
  return (int) index;
}

/* The x of the caret in the shown text, G_MAXINT where it is past it */
static int
caret_x (AsLongEntry *self)
{
  PangoRectangle strong;
  int index;

  shown_layout (self);
  index = layout_index (self, self->cursor, TRUE);
  if (index < 0)
    return self->cursor < self->layout_start ? G_MININT : G_MAXINT;
  pango_layout_get_cursor_pos (self->layout, index, &strong, NULL);
  return PANGO_PIXELS (strong.x);
}

/* The first character from which the text up to @end is at most @pixels
 * wide (measuring only what @pixels can hold) */
static int
first_showing (AsLongEntry *self,
               int          end,
               int          pixels)
{
  int first = MAX (0, end - (2 * pixels + 16));
  g_autoptr (PangoLayout) layout = make_layout (self, first, end, FALSE);
  const char *text = pango_layout_get_text (layout);
  int width, index, trailing;

  pango_layout_get_pixel_size (layout, &width, NULL);
  if (width <= pixels)
    return first;
  pango_layout_xy_to_index (layout, (width - pixels) * PANGO_SCALE, 0, &index, &trailing);
  /* the character under that x is cut: start after it */
  return MIN (end, first + (int) g_utf8_pointer_to_offset (text, text + index) + 1);
}

static void
set_scroll (AsLongEntry *self,
            int          scroll)
{
  if (scroll != self->scroll)
    {
      self->scroll = scroll;
      forget_layout (self);
    }
}

/* Scrolls so that the caret is shown (a third of the width from the left
 * edge when it went out on that side, at the right edge on the other), and
 * no room is left empty at the end while text is hidden at the start */
static void
show_caret (AsLongEntry *self)
{
  int width = text_width (self);
  int shown;

  if (width <= CARET_ROOM)
    return;
  set_scroll (self, MIN (self->scroll, self->n_chars));
  if (self->cursor < self->scroll)
    set_scroll (self, first_showing (self, self->cursor, width / 3));
  else if (caret_x (self) > width - CARET_ROOM)
    set_scroll (self, first_showing (self, self->cursor, width - CARET_ROOM));
  if (self->scroll == 0)
    return;
  pango_layout_get_pixel_size (shown_layout (self), &shown, NULL);
  if (self->layout_end == self->n_chars && shown < width - CARET_ROOM)
    set_scroll (self, first_showing (self, self->n_chars, width - CARET_ROOM));
}

/* The character nearest to @x (the widget's) */
static int
char_at (AsLongEntry *self,
         double       x)
{
  PangoLayout *layout = shown_layout (self);
  const char *text = pango_layout_get_text (layout);
  int index, trailing, chars;

  if (x < self->text_x)
    return self->scroll > 0 ? self->scroll - 1 : 0;
  pango_layout_xy_to_index (layout, (int) ((x - self->text_x) * PANGO_SCALE), 0, &index, &trailing);
  chars = (int) g_utf8_pointer_to_offset (text, text + index) + trailing;
  if (self->preedit != NULL)
    {
      int at = self->cursor - self->layout_start;
      int length = (int) g_utf8_strlen (self->preedit, -1);

      if (chars > at)
        chars = MAX (at, chars - length);
    }
  return MIN (self->layout_start + chars, self->n_chars);
}

/* The caret: shown now, blinking as the settings say */
static gboolean
blink (gpointer data)
{
  AsLongEntry *self = data;
  int timeout = 10;

  g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)), "gtk-cursor-blink-timeout", &timeout, NULL);
  self->caret_shown = !self->caret_shown;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->caret_shown && g_get_monotonic_time () - self->blink_since > (gint64) timeout * G_USEC_PER_SEC)
    {
      self->blink_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
restart_blink (AsLongEntry *self)
{
  gboolean blinks = TRUE;
  int time = 1200;

  g_clear_handle_id (&self->blink_id, g_source_remove);
  self->caret_shown = TRUE;
  if (!gtk_widget_has_focus (GTK_WIDGET (self)) || !self->editable)
    return;
  g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)),
                "gtk-cursor-blink", &blinks, "gtk-cursor-blink-time", &time, NULL);
  if (blinks && time > 0)
    {
      self->blink_since = g_get_monotonic_time ();
      self->blink_id = g_timeout_add ((guint) time / 2, blink, self);
    }
}

/* Where the caret is, for the input method's window */
static void
tell_input_method (AsLongEntry *self)
{
  GdkRectangle area = { 0, 0, 1, gtk_widget_get_height (GTK_WIDGET (self)) };
  int x = caret_x (self);

  area.x = self->text_x + CLAMP (x, 0, text_width (self));
  gtk_im_context_set_cursor_location (self->im, &area);
}

static char *
selected_text (AsLongEntry *self)
{
  int start = MIN (self->cursor, self->bound), end = MAX (self->cursor, self->bound);
  gsize from = byte_at (self, start);

  return g_strndup (self->text->str + from, byte_at (self, end) - from);
}

static void
update_actions (AsLongEntry *self)
{
  gboolean selection = self->cursor != self->bound;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "clipboard.cut", selection && self->editable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "clipboard.copy", selection);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "clipboard.paste", self->editable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "selection.delete", selection && self->editable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "selection.select-all", self->n_chars > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "text.undo", self->undo->len > 0 && self->editable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "text.redo", self->redo->len > 0 && self->editable);
}

/* The caret at @cursor, the selection from @bound to it */
static void
set_positions (AsLongEntry *self,
               int          cursor,
               int          bound)
{
  cursor = CLAMP (cursor, 0, self->n_chars);
  bound = CLAMP (bound, 0, self->n_chars);
  g_object_freeze_notify (G_OBJECT (self));
  if (cursor != self->cursor)
    {
      self->cursor = cursor;
      g_object_notify (G_OBJECT (self), "cursor-position");
      if (self->preedit != NULL)   /* the preedit follows the caret; else the text laid out is the same */
        forget_layout (self);
    }
  if (bound != self->bound)
    {
      self->bound = bound;
      g_object_notify (G_OBJECT (self), "selection-bound");
    }
  g_object_thaw_notify (G_OBJECT (self));
  show_caret (self);
  restart_blink (self);
  tell_input_method (self);
  update_actions (self);
  if (self->cursor != self->bound && gtk_widget_get_realized (GTK_WIDGET (self)))
    {
      g_autofree char *text = selected_text (self);

      gdk_clipboard_set_text (gtk_widget_get_primary_clipboard (GTK_WIDGET (self)), text);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Forgets the first @n edits of @edits */
static void
forget_edits (AsLongEntry *self,
              GPtrArray   *edits,
              guint        n)
{
  for (guint i = 0; i < n; i++)
    self->edit_bytes -= ((Edit *) g_ptr_array_index (edits, i))->text->len;
  g_ptr_array_remove_range (edits, 0, n);
}

static void
remember (AsLongEntry *self,
          gboolean     insert,
          int          position,
          const char  *text,
          gsize        length,
          int          n_chars)
{
  Edit *last = self->undo->len > 0 ? g_ptr_array_index (self->undo, self->undo->len - 1) : NULL;
  Edit *edit;

  if (self->undoing || !self->enable_undo)
    return;
  forget_edits (self, self->redo, self->redo->len);
  self->edit_bytes += length;
  /* typing a word is one edit, the spaces after it another */
  if (insert && n_chars == 1 && last != NULL && last->insert && last->typed &&
      last->position + last->n_chars == position &&
      g_unichar_isspace (g_utf8_get_char (text)) ==
      g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (last->text->str + last->text->len))))
    {
      g_string_append_len (last->text, text, (gssize) length);
      last->n_chars++;
      return;
    }
  edit = g_new0 (Edit, 1);
  edit->insert = insert;
  edit->typed = insert && n_chars == 1;
  edit->position = position;
  edit->n_chars = n_chars;
  edit->text = g_string_new_len (text, (gssize) length);
  g_ptr_array_add (self->undo, edit);
  while (self->undo->len > 1 && (self->undo->len > UNDO_LIMIT || self->edit_bytes > UNDO_BYTES))
    forget_edits (self, self->undo, 1);
}

static void
text_changed (AsLongEntry *self)
{
  forget_layout (self);
  show_caret (self);
  tell_input_method (self);
  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify (G_OBJECT (self), "text");
  g_signal_emit_by_name (self, "changed");
}

/* The "insert-text" signal's own handler: the text goes in */
static void
real_insert_text (GtkEditable *editable,
                  const char  *text,
                  int          length,
                  int         *position)
{
  AsLongEntry *self = AS_LONG_ENTRY (editable);
  const char *end = NULL;
  int at = CLAMP (*position, 0, self->n_chars);
  int n_chars;

  if (length < 0)
    length = (int) strlen (text);
  if (!g_utf8_validate (text, length, &end))
    length = (int) (end - text);
  n_chars = (int) g_utf8_strlen (text, length);
  if (n_chars == 0)
    return;
  g_string_insert_len (self->text, (gssize) byte_at (self, at), text, length);
  self->n_chars += n_chars;
  remember (self, TRUE, at, text, (gsize) length, n_chars);
  if (self->cursor > at)
    self->cursor += n_chars;
  if (self->bound > at)
    self->bound += n_chars;
  *position = at + n_chars;
  text_changed (self);
}

/* The "delete-text" signal's own handler */
static void
real_delete_text (GtkEditable *editable,
                  int          start,
                  int          end)
{
  AsLongEntry *self = AS_LONG_ENTRY (editable);
  gsize from, to;

  if (end < 0 || end > self->n_chars)
    end = self->n_chars;
  start = CLAMP (start, 0, end);
  if (start == end)
    return;
  from = byte_at (self, start);
  to = byte_at (self, end);
  remember (self, FALSE, start, self->text->str + from, to - from, end - start);
  g_string_erase (self->text, (gssize) from, (gssize) (to - from));
  self->n_chars -= end - start;
  if (self->cursor > start)
    self->cursor -= MIN (self->cursor, end) - start;
  if (self->bound > start)
    self->bound -= MIN (self->bound, end) - start;
  self->scroll = MIN (self->scroll, self->n_chars);
  text_changed (self);
}

static const char *
get_text (GtkEditable *editable)
{
  return AS_LONG_ENTRY (editable)->text->str;
}

static gboolean
get_selection_bounds (GtkEditable *editable,
                      int         *start,
                      int         *end)
{
  AsLongEntry *self = AS_LONG_ENTRY (editable);

  *start = self->bound;
  *end = self->cursor;
  return self->bound != self->cursor;
}

static void
set_selection_bounds (GtkEditable *editable,
                      int          start,
                      int          end)
{
  AsLongEntry *self = AS_LONG_ENTRY (editable);

  set_positions (self, end < 0 ? self->n_chars : end, start < 0 ? self->n_chars : start);
}

static void
as_long_entry_editable_init (GtkEditableInterface *iface)
{
  iface->insert_text = real_insert_text;
  iface->delete_text = real_delete_text;
  iface->get_text = get_text;
  iface->get_selection_bounds = get_selection_bounds;
  iface->set_selection_bounds = set_selection_bounds;
}

/* What a person does: the selection replaced, the caret after the change */

static void
delete_selection (AsLongEntry *self)
{
  int start = MIN (self->cursor, self->bound), end = MAX (self->cursor, self->bound);

  if (start == end)
    return;
  gtk_editable_delete_text (GTK_EDITABLE (self), start, end);
  set_positions (self, start, start);
}

static void
insert_at_caret (AsLongEntry *self,
                 const char  *text)
{
  int position;

  if (!self->editable)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  delete_selection (self);
  position = self->cursor;
  gtk_editable_insert_text (GTK_EDITABLE (self), text, -1, &position);
  set_positions (self, position, position);
}

/* Where a word ends after @from (@direction 1) or starts before it (-1),
 * looking at CONTEXT characters */
static int
word_boundary (AsLongEntry *self,
               int          from,
               int          direction)
{
  int first = MAX (0, from - CONTEXT), end = MIN (self->n_chars, from + CONTEXT);
  gsize start = byte_at (self, first);
  int n = end - first;
  g_autofree PangoLogAttr *attributes = g_new0 (PangoLogAttr, n + 1);

  pango_get_log_attrs (self->text->str + start, (int) (byte_at (self, end) - start), -1,
                       pango_language_get_default (), attributes, n + 1);
  if (direction > 0)
    {
      for (int i = from - first + 1; i <= n; i++)
        if (attributes[i].is_word_end)
          return first + i;
      return end;
    }
  for (int i = from - first - 1; i >= 0; i--)
    if (attributes[i].is_word_start)
      return first + i;
  return first;
}

enum { CHARS = 1, WORDS, ENDS };

static int
moved (AsLongEntry *self,
       int          from,
       int          unit,
       int          direction)
{
  switch (unit)
    {
    case CHARS:
      return CLAMP (from + direction, 0, self->n_chars);
    case WORDS:
      return word_boundary (self, from, direction);
    default:
      return direction < 0 ? 0 : self->n_chars;
    }
}

/* Arrows, Home, End: "(iib)" the unit, the direction, whether to extend
 * the selection */
static gboolean
move (GtkWidget *widget,
      GVariant  *args,
      gpointer   data)
{
  AsLongEntry *self = AS_LONG_ENTRY (widget);
  int unit, direction, to;
  gboolean extend;

  g_variant_get (args, "(iib)", &unit, &direction, &extend);
  if (self->cursor != self->bound && !extend && unit == CHARS)   /* an arrow leaves the selection at its end */
    to = direction < 0 ? MIN (self->cursor, self->bound) : MAX (self->cursor, self->bound);
  else
    to = moved (self, self->cursor, unit, direction);
  set_positions (self, to, extend ? self->bound : to);
  return TRUE;
}

/* BackSpace, Delete: "(ii)" the unit, the direction */
static gboolean
erase (GtkWidget *widget,
       GVariant  *args,
       gpointer   data)
{
  AsLongEntry *self = AS_LONG_ENTRY (widget);
  int unit, direction, to;

  g_variant_get (args, "(ii)", &unit, &direction);
  if (!self->editable)
    {
      gtk_widget_error_bell (widget);
      return TRUE;
    }
  if (self->cursor != self->bound)
    {
      delete_selection (self);
      return TRUE;
    }
  to = moved (self, self->cursor, unit, direction);
  if (to == self->cursor)
    {
      gtk_widget_error_bell (widget);
      return TRUE;
    }
  gtk_editable_delete_text (GTK_EDITABLE (self), MIN (to, self->cursor), MAX (to, self->cursor));
  set_positions (self, MIN (to, self->cursor), MIN (to, self->cursor));
  return TRUE;
}

static void
copy_clipboard (AsLongEntry *self)
{
  g_autofree char *text = NULL;

  if (self->cursor == self->bound)
    return;
  text = selected_text (self);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

/* Pasted text: its line breaks and tabs become spaces (the sentence is
 * one line) */
static void
paste_received (GObject      *clipboard,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr (AsLongEntry) self = data;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (clipboard), result, NULL);

  if (text == NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  g_strdelimit (text, "\r\n\t", ' ');
  insert_at_caret (self, text);
}

static void
paste_from (AsLongEntry  *self,
            GdkClipboard *clipboard)
{
  gdk_clipboard_read_text_async (clipboard, NULL, paste_received, g_object_ref (self));
}

static void
undo_or_redo (AsLongEntry *self,
              gboolean     undo)
{
  GPtrArray *from = undo ? self->undo : self->redo;
  GPtrArray *to = undo ? self->redo : self->undo;
  Edit *edit;
  gboolean insert;
  int position;

  if (from->len == 0 || !self->editable)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  edit = g_ptr_array_steal_index (from, from->len - 1);
  insert = edit->insert != undo;   /* undoing an insertion deletes it */
  self->undoing = TRUE;
  position = edit->position;
  if (insert)
    gtk_editable_insert_text (GTK_EDITABLE (self), edit->text->str, (int) edit->text->len, &position);
  else
    gtk_editable_delete_text (GTK_EDITABLE (self), edit->position, edit->position + edit->n_chars);
  self->undoing = FALSE;
  g_ptr_array_add (to, edit);
  set_positions (self, position, position);
}

static void
activate_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *parameter)
{
  AsLongEntry *self = AS_LONG_ENTRY (widget);

  if (g_str_equal (name, "clipboard.copy"))
    copy_clipboard (self);
  else if (g_str_equal (name, "clipboard.cut"))
    {
      copy_clipboard (self);
      if (self->editable)
        delete_selection (self);
    }
  else if (g_str_equal (name, "clipboard.paste"))
    paste_from (self, gtk_widget_get_clipboard (widget));
  else if (g_str_equal (name, "selection.delete"))
    delete_selection (self);
  else if (g_str_equal (name, "selection.select-all"))
    set_positions (self, self->n_chars, 0);
  else if (g_str_equal (name, "text.undo"))
    undo_or_redo (self, TRUE);
  else if (g_str_equal (name, "text.redo"))
    undo_or_redo (self, FALSE);
}

/* The input method */

static void
im_commit (AsLongEntry *self,
           const char  *text)
{
  insert_at_caret (self, text);
}

static void
im_preedit_changed (AsLongEntry *self)
{
  g_clear_pointer (&self->preedit, g_free);
  g_clear_pointer (&self->preedit_attributes, pango_attr_list_unref);
  gtk_im_context_get_preedit_string (self->im, &self->preedit, &self->preedit_attributes, &self->preedit_cursor);
  if (self->preedit != NULL && self->preedit[0] == '\0')
    {
      g_clear_pointer (&self->preedit, g_free);
      g_clear_pointer (&self->preedit_attributes, pango_attr_list_unref);
    }
  forget_layout (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
im_retrieve_surrounding (AsLongEntry *self)
{
  int first = MAX (0, self->cursor - CONTEXT), end = MIN (self->n_chars, self->cursor + CONTEXT);
  gsize start = byte_at (self, first);

  gtk_im_context_set_surrounding_with_selection (self->im, self->text->str + start,
                                                 (int) (byte_at (self, end) - start),
                                                 (int) (byte_at (self, self->cursor) - start),
                                                 (int) (byte_at (self, self->bound) - start));
  return TRUE;
}

static gboolean
im_delete_surrounding (AsLongEntry *self,
                       int          offset,
                       int          n_chars)
{
  int start = CLAMP (self->cursor + offset, 0, self->n_chars);
  int end = CLAMP (start + n_chars, start, self->n_chars);

  if (self->editable && start < end)   /* (an end below 0 would mean "to the end") */
    gtk_editable_delete_text (GTK_EDITABLE (self), start, end);
  return TRUE;
}

/* The mouse */

static void
show_menu (AsLongEntry *self,
           double       x,
           double       y)
{
  GdkRectangle at = { (int) x, (int) y, 1, 1 };

  update_actions (self);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &at);
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
pressed (GtkGestureClick *gesture,
         int              n_press,
         double           x,
         double           y,
         AsLongEntry     *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  int at;

  if (!gtk_widget_has_focus (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self));
  if (button == GDK_BUTTON_SECONDARY)
    {
      show_menu (self, x, y);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      return;
    }
  at = char_at (self, x);
  if (button == GDK_BUTTON_MIDDLE)
    {
      if (self->editable)
        {
          set_positions (self, at, at);
          paste_from (self, gtk_widget_get_primary_clipboard (GTK_WIDGET (self)));
        }
      return;
    }
  if (n_press == 2)
    {
      int start = word_boundary (self, MIN (at + 1, self->n_chars), -1);

      set_positions (self, word_boundary (self, start, 1), start);
    }
  else if (n_press >= 3)
    set_positions (self, self->n_chars, 0);
  else if (state & GDK_SHIFT_MASK)
    set_positions (self, at, self->bound);
  else
    set_positions (self, at, at);
  self->drag_anchor = n_press == 1 ? self->bound : -1;
}

static void
dragged (GtkGestureDrag *gesture,
         double          dx,
         double          dy,
         AsLongEntry    *self)
{
  double x, y;

  if (self->drag_anchor < 0 || !gtk_gesture_drag_get_start_point (gesture, &x, &y))
    return;
  set_positions (self, char_at (self, x + dx), self->drag_anchor);
}

/* Focus */

static void
focus_entered (AsLongEntry *self)
{
  gtk_im_context_focus_in (self->im);
  restart_blink (self);
  tell_input_method (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
focus_left (AsLongEntry *self)
{
  gtk_im_context_focus_out (self->im);
  g_clear_handle_id (&self->blink_id, g_source_remove);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The widget */

static void
as_long_entry_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  AsLongEntry *self = AS_LONG_ENTRY (widget);
  PangoFontMetrics *metrics = pango_context_get_metrics (gtk_widget_get_pango_context (widget), NULL, NULL);
  int icon_min = 0, icon_nat = 0;

  if (self->icon != NULL && gtk_widget_get_visible (self->icon))
    gtk_widget_measure (self->icon, orientation, -1, &icon_min, &icon_nat, NULL, NULL);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int digit = PANGO_PIXELS_CEIL (pango_font_metrics_get_approximate_digit_width (metrics));
      int width = self->width_chars >= 0 ? self->width_chars * digit : MIN_TEXT_WIDTH;

      *minimum = icon_min + width;
      *natural = icon_nat + MAX (width, self->max_width_chars > 0 ? self->max_width_chars * digit : 0);
    }
  else
    {
      int height = PANGO_PIXELS_CEIL (pango_font_metrics_get_ascent (metrics) +
                                      pango_font_metrics_get_descent (metrics));

      *minimum = MAX (height, icon_min);
      *natural = MAX (height, icon_nat);
    }
  pango_font_metrics_unref (metrics);
}

static void
as_long_entry_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  AsLongEntry *self = AS_LONG_ENTRY (widget);
  int text_x = 0;

  if (self->icon != NULL && gtk_widget_get_visible (self->icon))
    {
      int icon_width, icon_height;

      gtk_widget_measure (self->icon, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &icon_width, NULL, NULL);
      gtk_widget_measure (self->icon, GTK_ORIENTATION_VERTICAL, -1, NULL, &icon_height, NULL, NULL);
      gtk_widget_size_allocate (self->icon,
                                &(GtkAllocation) { 0, (height - icon_height) / 2, icon_width, icon_height }, -1);
      text_x = icon_width;
    }
  if (text_x != self->text_x || width != self->allocated_width)
    {
      self->text_x = text_x;
      self->allocated_width = width;
      forget_layout (self);
      show_caret (self);
    }
  tell_input_method (self);
}

/* The theme's selection in entries: its accent, see-through */
static GdkRGBA
selection_colour (AsLongEntry *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA colour = { 0.55f, 0.55f, 0.55f, 0.5f };

  if (gtk_widget_has_focus (GTK_WIDGET (self)) &&
      gtk_style_context_lookup_color (context, "theme_selected_bg_color", &colour))
    colour.alpha = 0.3f;
  return colour;
}

static void
as_long_entry_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  AsLongEntry *self = AS_LONG_ENTRY (widget);
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  PangoLayout *layout;
  PangoRectangle logical;
  GdkRGBA colour;
  int y;

  if (self->icon != NULL)
    gtk_widget_snapshot_child (widget, self->icon, snapshot);
  layout = shown_layout (self);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  y = (height - logical.height) / 2;
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (self->text_x, 0, width - self->text_x, height));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (self->text_x, y));
  if (self->cursor != self->bound)
    {
      int start = layout_index (self, CLAMP (MIN (self->cursor, self->bound), self->layout_start, self->layout_end), FALSE);
      int end = layout_index (self, CLAMP (MAX (self->cursor, self->bound), self->layout_start, self->layout_end), FALSE);
      GdkRGBA selection = selection_colour (self);
      int *ranges = NULL, n_ranges = 0;

      pango_layout_line_get_x_ranges (pango_layout_get_line_readonly (layout, 0), start, end, &ranges, &n_ranges);
      for (int i = 0; i < n_ranges; i++)
        gtk_snapshot_append_color (snapshot, &selection,
                                   &GRAPHENE_RECT_INIT (PANGO_PIXELS (ranges[2 * i]), 0,
                                                        PANGO_PIXELS (ranges[2 * i + 1] - ranges[2 * i]),
                                                        logical.height));
      g_free (ranges);
    }
  gtk_style_context_get_color (context, &colour);
  gtk_snapshot_append_layout (snapshot, layout, &colour);
  gtk_snapshot_restore (snapshot);
  if (gtk_widget_has_focus (widget) && self->caret_shown && self->cursor == self->bound && self->editable)
    {
      int index = layout_index (self, self->cursor, TRUE);

      if (index >= 0)
        gtk_snapshot_render_insertion_cursor (snapshot, context, self->text_x, y, layout, index,
                                              PANGO_DIRECTION_LTR);
    }
  gtk_snapshot_pop (snapshot);
}

static void
as_long_entry_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (as_long_entry_parent_class)->css_changed (widget, change);
  forget_layout (AS_LONG_ENTRY (widget));
  gtk_widget_queue_resize (widget);
}

static void
as_long_entry_realize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (as_long_entry_parent_class)->realize (widget);
  gtk_im_context_set_client_widget (AS_LONG_ENTRY (widget)->im, widget);
}

static void
as_long_entry_unrealize (GtkWidget *widget)
{
  gtk_im_context_set_client_widget (AS_LONG_ENTRY (widget)->im, NULL);
  GTK_WIDGET_CLASS (as_long_entry_parent_class)->unrealize (widget);
}

static void
as_long_entry_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AsLongEntry *self = AS_LONG_ENTRY (object);

  switch (prop_id - FIRST_PROP)
    {
    case GTK_EDITABLE_PROP_TEXT:
      gtk_editable_set_text (GTK_EDITABLE (self), g_value_get_string (value));
      break;
    case GTK_EDITABLE_PROP_EDITABLE:
      self->editable = g_value_get_boolean (value);
      update_actions (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    case GTK_EDITABLE_PROP_WIDTH_CHARS:
      self->width_chars = g_value_get_int (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    case GTK_EDITABLE_PROP_MAX_WIDTH_CHARS:
      self->max_width_chars = g_value_get_int (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    case GTK_EDITABLE_PROP_XALIGN:   /* kept for the property; the text is drawn from the start */
      self->xalign = g_value_get_float (value);
      break;
    case GTK_EDITABLE_PROP_ENABLE_UNDO:
      self->enable_undo = g_value_get_boolean (value);
      if (!self->enable_undo)
        {
          forget_edits (self, self->undo, self->undo->len);
          forget_edits (self, self->redo, self->redo->len);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
as_long_entry_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AsLongEntry *self = AS_LONG_ENTRY (object);

  switch (prop_id - FIRST_PROP)
    {
    case GTK_EDITABLE_PROP_TEXT:
      g_value_set_string (value, self->text->str);
      break;
    case GTK_EDITABLE_PROP_CURSOR_POSITION:
      g_value_set_int (value, self->cursor);
      break;
    case GTK_EDITABLE_PROP_SELECTION_BOUND:
      g_value_set_int (value, self->bound);
      break;
    case GTK_EDITABLE_PROP_EDITABLE:
      g_value_set_boolean (value, self->editable);
      break;
    case GTK_EDITABLE_PROP_WIDTH_CHARS:
      g_value_set_int (value, self->width_chars);
      break;
    case GTK_EDITABLE_PROP_MAX_WIDTH_CHARS:
      g_value_set_int (value, self->max_width_chars);
      break;
    case GTK_EDITABLE_PROP_XALIGN:
      g_value_set_float (value, self->xalign);
      break;
    case GTK_EDITABLE_PROP_ENABLE_UNDO:
      g_value_set_boolean (value, self->enable_undo);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
as_long_entry_dispose (GObject *object)
{
  AsLongEntry *self = AS_LONG_ENTRY (object);

  g_clear_handle_id (&self->blink_id, g_source_remove);
  g_clear_pointer (&self->icon, gtk_widget_unparent);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  if (self->im != NULL)
    g_signal_handlers_disconnect_by_data (self->im, self);
  g_clear_object (&self->im);
  forget_layout (self);
  G_OBJECT_CLASS (as_long_entry_parent_class)->dispose (object);
}

static void
as_long_entry_finalize (GObject *object)
{
  AsLongEntry *self = AS_LONG_ENTRY (object);

  g_string_free (self->text, TRUE);
  g_clear_pointer (&self->attributes, pango_attr_list_unref);
  g_clear_pointer (&self->preedit, g_free);
  g_clear_pointer (&self->preedit_attributes, pango_attr_list_unref);
  g_ptr_array_unref (self->undo);
  g_ptr_array_unref (self->redo);
  G_OBJECT_CLASS (as_long_entry_parent_class)->finalize (object);
}

static void
popup_menu (GtkWidget  *widget,
            const char *name,
            GVariant   *parameter)
{
  AsLongEntry *self = AS_LONG_ENTRY (widget);

  show_menu (self, self->text_x + CLAMP (caret_x (self), 0, text_width (self)), gtk_widget_get_height (widget));
}

static GMenuModel *
menu_model (void)
{
  GMenu *menu = g_menu_new ();
  GMenu *edit = g_menu_new ();
  GMenu *history = g_menu_new ();
  GMenu *all = g_menu_new ();

  g_menu_append (history, _("_Undo"), "text.undo");
  g_menu_append (history, _("_Redo"), "text.redo");
  g_menu_append (edit, _("Cu_t"), "clipboard.cut");
  g_menu_append (edit, _("_Copy"), "clipboard.copy");
  g_menu_append (edit, _("_Paste"), "clipboard.paste");
  g_menu_append (edit, _("_Delete"), "selection.delete");
  g_menu_append (all, _("Select _All"), "selection.select-all");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (history));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (edit));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (all));
  g_object_unref (history);
  g_object_unref (edit);
  g_object_unref (all);
  return G_MENU_MODEL (menu);
}

static void
bind_move (GtkWidgetClass *widget_class,
           guint           keyval,
           guint           keypad,
           GdkModifierType mods,
           int             unit,
           int             direction)
{
  gtk_widget_class_add_binding (widget_class, keyval, mods, move, "(iib)", unit, direction, FALSE);
  gtk_widget_class_add_binding (widget_class, keyval, mods | GDK_SHIFT_MASK, move, "(iib)", unit, direction, TRUE);
  gtk_widget_class_add_binding (widget_class, keypad, mods, move, "(iib)", unit, direction, FALSE);
  gtk_widget_class_add_binding (widget_class, keypad, mods | GDK_SHIFT_MASK, move, "(iib)", unit, direction, TRUE);
}

static void
as_long_entry_class_init (AsLongEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char * const actions[] = {
    "clipboard.cut", "clipboard.copy", "clipboard.paste", "selection.delete", "selection.select-all",
    "text.undo", "text.redo",
  };

  object_class->set_property = as_long_entry_set_property;
  object_class->get_property = as_long_entry_get_property;
  object_class->dispose = as_long_entry_dispose;
  object_class->finalize = as_long_entry_finalize;
  widget_class->measure = as_long_entry_measure;
  widget_class->size_allocate = as_long_entry_size_allocate;
  widget_class->snapshot = as_long_entry_snapshot;
  widget_class->css_changed = as_long_entry_css_changed;
  widget_class->realize = as_long_entry_realize;
  widget_class->unrealize = as_long_entry_unrealize;
  gtk_editable_install_properties (object_class, FIRST_PROP);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_class_install_action (widget_class, actions[i], NULL, activate_action);
  gtk_widget_class_install_action (widget_class, "menu.popup", NULL, popup_menu);

  bind_move (widget_class, GDK_KEY_Left, GDK_KEY_KP_Left, 0, CHARS, -1);
  bind_move (widget_class, GDK_KEY_Right, GDK_KEY_KP_Right, 0, CHARS, 1);
  bind_move (widget_class, GDK_KEY_Left, GDK_KEY_KP_Left, GDK_CONTROL_MASK, WORDS, -1);
  bind_move (widget_class, GDK_KEY_Right, GDK_KEY_KP_Right, GDK_CONTROL_MASK, WORDS, 1);
  bind_move (widget_class, GDK_KEY_Home, GDK_KEY_KP_Home, 0, ENDS, -1);
  bind_move (widget_class, GDK_KEY_End, GDK_KEY_KP_End, 0, ENDS, 1);
  bind_move (widget_class, GDK_KEY_Home, GDK_KEY_KP_Home, GDK_CONTROL_MASK, ENDS, -1);
  bind_move (widget_class, GDK_KEY_End, GDK_KEY_KP_End, GDK_CONTROL_MASK, ENDS, 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_BackSpace, 0, erase, "(ii)", CHARS, -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_BackSpace, GDK_SHIFT_MASK, erase, "(ii)", CHARS, -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_BackSpace, GDK_CONTROL_MASK, erase, "(ii)", WORDS, -1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Delete, 0, erase, "(ii)", CHARS, 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Delete, 0, erase, "(ii)", CHARS, 1);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK, erase, "(ii)", WORDS, 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "selection.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "clipboard.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, GDK_CONTROL_MASK, "clipboard.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, GDK_CONTROL_MASK, "clipboard.cut", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_SHIFT_MASK, "clipboard.cut", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "clipboard.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, GDK_SHIFT_MASK, "clipboard.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "text.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "text.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "text.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "menu.popup", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "menu.popup", NULL);

  gtk_widget_class_set_css_name (widget_class, "entry");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_TEXT_BOX);
}

static void
as_long_entry_init (AsLongEntry *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();
  g_autoptr (GMenuModel) model = menu_model ();

  self->text = g_string_new (NULL);
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) edit_free);
  self->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) edit_free);
  self->editable = TRUE;
  self->enable_undo = TRUE;
  self->width_chars = -1;
  self->max_width_chars = -1;
  self->caret_shown = TRUE;
  self->drag_anchor = -1;

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_cursor_from_name (widget, "text");

  self->im = gtk_im_multicontext_new ();
  g_signal_connect_swapped (self->im, "commit", G_CALLBACK (im_commit), self);
  g_signal_connect_swapped (self->im, "preedit-changed", G_CALLBACK (im_preedit_changed), self);
  g_signal_connect_swapped (self->im, "retrieve-surrounding", G_CALLBACK (im_retrieve_surrounding), self);
  g_signal_connect_swapped (self->im, "delete-surrounding", G_CALLBACK (im_delete_surrounding), self);
  gtk_event_controller_key_set_im_context (GTK_EVENT_CONTROLLER_KEY (key), self->im);
  gtk_widget_add_controller (widget, key);

  g_signal_connect_swapped (focus, "enter", G_CALLBACK (focus_entered), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (focus_left), self);
  gtk_widget_add_controller (widget, focus);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));
  g_signal_connect (drag, "drag-update", G_CALLBACK (dragged), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  self->menu = gtk_popover_menu_new_from_model (model);
  gtk_widget_set_parent (self->menu, widget);
  gtk_popover_set_position (GTK_POPOVER (self->menu), GTK_POS_BOTTOM);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_MULTI_LINE, FALSE,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("A long sentence: screen readers cannot read its text here"),
                                  -1);
  update_actions (self);
}

GtkWidget *
as_long_entry_new (void)
{
  return g_object_new (AS_TYPE_LONG_ENTRY, NULL);
}

void
as_long_entry_set_attributes (AsLongEntry   *self,
                              PangoAttrList *attributes)
{
  g_return_if_fail (AS_IS_LONG_ENTRY (self));

  g_clear_pointer (&self->attributes, pango_attr_list_unref);
  self->attributes = attributes != NULL ? pango_attr_list_ref (attributes) : NULL;
  forget_layout (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
as_long_entry_set_icon_name (AsLongEntry *self,
                             const char  *icon_name)
{
  g_return_if_fail (AS_IS_LONG_ENTRY (self));

  g_clear_pointer (&self->icon, gtk_widget_unparent);
  if (icon_name != NULL)
    {
      self->icon = gtk_image_new_from_icon_name (icon_name);
      gtk_widget_add_css_class (self->icon, "left");
      gtk_widget_set_parent (self->icon, GTK_WIDGET (self));
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
as_long_entry_get_shown (AsLongEntry *self,
                         int         *first,
                         int         *end)
{
  g_return_if_fail (AS_IS_LONG_ENTRY (self));

  *end = char_at (self, self->text_x + text_width (self));
  *first = self->layout_start;
}

int
as_long_entry_get_laid_out (AsLongEntry *self)
{
  g_return_val_if_fail (AS_IS_LONG_ENTRY (self), 0);

  return self->laid_out;
}
