/* The attention heatmap: the core figure (cells, labels, colour bar, title)
 * as a widget, with hover highlight, tooltips, clicks that pick a step,
 * zoom (Ctrl+scroll, Ctrl+plus, Ctrl+minus, Ctrl+0; 1 fits the figure to
 * the widget) and scrolling (GtkScrollable) when the cells would be too
 * small to read. A cell cursor moved by the arrow keys gets the same
 * highlight and the same readout ("readout") as the cell under the
 * pointer; Enter activates its row (or its panel, in a grid). The
 * accessible description says the translation, the step and the cell
 * under the cursor.
 *
 * The figure is drawn once into a render node that is kept until the data,
 * the size, the scroll position or the colours change; a hover appends only
 * the highlight rectangles to it. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "as-heatmap-private.h"

#include "as-figure-session.h"

#define MIN_CELL     14.0   /* smaller cells scroll instead: a cell stays big enough to point at and to keep its label (the labels are 14 px apart at least) */
#define MAX_ZOOM     64.0
#define FOCUS_WIDTH  2.0    /* the focus ring */

/* Zoom levels, times the fit */
static const double zoom_levels[] = { 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0,
                                      12.0, 16.0, 24.0, 32.0, 48.0, 64.0 };

struct _AsHeatmap
{
  GtkWidget           parent_instance;

  AsFigure           *figure;
  /* The figure in two layers (as_figure_draw_layers): what the step does
   * not change, kept as an image until the data, size, scroll, zoom or
   * colours change; and what it does, redrawn at each step over it. The
   * highlight is drawn over both. NULL when to be redrawn. */
  GskRenderNode      *base_node;
  GskRenderNode      *step_node;
  guint               draw_count;      /* base layers drawn */
  guint               step_draw_count; /* step layers drawn */

  GtkAdjustment      *hadjustment;
  GtkAdjustment      *vadjustment;
  guint               hscroll_policy : 1;
  guint               vscroll_policy : 1;

  /* hover: where the pointer is, and what is under it */
  gboolean            pointer_inside;
  double              pointer_x;
  double              pointer_y;
  AsFigurePart        hover_part;
  int                 hover_panel;
  int                 hover_row;
  int                 hover_column;
  GdkFrameClock      *frame_clock;    /* the window's, while realized */
  double              origin_x;       /* where the widget was in its native after the last layout */
  double              origin_y;
  guint               rehit_source;

  /* the cell cursor (-1: none yet) */
  int                 cursor_panel;
  int                 cursor_row;
  int                 cursor_column;
  char               *readout;
  gboolean            focused;
  gboolean            keyboard_focus;  /* a key was used since the last click */
  GtkWidget          *context_menu;    /* "Copy as Table" (win.copy-table), made on first use */

  /* what of the session it shows */
  AsAttentionKind     kind;
  int                 layer;          /* -1: the last */
  int                 head;           /* or AS_ATTENTION_MEAN */
  gboolean            grid;           /* every layer and head */

  /* the decoder's steps: the figure's rows, unless it shows encoder
   * self-attention (rows are source tokens, computed before any step) */
  int                 step;
  guint               n_steps;
  gboolean            rows_are_steps;
};

enum {
  PROP_0,
  PROP_STEP,
  PROP_N_STEPS,
  PROP_COLORMAP,
  PROP_ZOOM,
  PROP_READOUT,
  N_PROPS,

  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

enum {
  ROW_ACTIVATED,
  PANEL_ACTIVATED,
  N_SIGNALS
};

G_DEFINE_ENUM_TYPE (AsColormap, as_colormap,
                    G_DEFINE_ENUM_VALUE (AS_COLORMAP_VIRIDIS, "viridis"),
                    G_DEFINE_ENUM_VALUE (AS_COLORMAP_MAGMA, "magma"),
                    G_DEFINE_ENUM_VALUE (AS_COLORMAP_GREYS, "greys"))

G_DEFINE_FINAL_TYPE_WITH_CODE (AsHeatmap, as_heatmap, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
clear_nodes (AsHeatmap *self)
{
  g_clear_pointer (&self->base_node, gsk_render_node_unref);
  g_clear_pointer (&self->step_node, gsk_render_node_unref);
}

static void
invalidate_figure (AsHeatmap *self)
{
  clear_nodes (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Only what the step changes: the base stays. */
static void
invalidate_step (AsHeatmap *self)
{
  g_clear_pointer (&self->step_node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
figure_has_cells (AsHeatmap *self)
{
  return as_figure_get_n_rows (self->figure) > 0 && as_figure_get_n_columns (self->figure) > 0 &&
         as_figure_get_view (self->figure) == AS_FIGURE_VIEW_MATRIX;
}

static gboolean
cursor_is_set (AsHeatmap *self)
{
  return self->cursor_row >= 0 && self->cursor_column >= 0 && figure_has_cells (self);
}

/* A tooltip's text on one line: "Source: i · Target: 我 · Weight: 0.812". */
static char *
one_line (const char *text)
{
  g_auto (GStrv) lines = NULL;

  if (text == NULL)
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  return g_strjoinv (" · ", lines);
}

/* The accessible name and description: what the figure shows (the
 * translation), the step, and the cell under the cursor. */
static void
update_accessible (AsHeatmap *self)
{
  g_autoptr (GString) description = g_string_new (NULL);
  g_autofree char *title = as_figure_dup_title (self->figure);
  const char *subject = as_figure_get_subject (self->figure);
  g_autofree char *label = NULL;

  if (subject != NULL)
    label = g_strdup_printf (_("Attention heatmap: %s"), subject);
  else
    label = g_strdup (_("Attention heatmap"));

  if (as_figure_get_n_columns (self->figure) == 0)
    g_string_append (description, _("Nothing to show yet"));
  else
    {
      g_string_append (description, title);
      if (self->rows_are_steps && self->step >= 0)
        {
          g_string_append (description, ". ");
          g_string_append_printf (description, _("Step %d of %u"), self->step + 1, self->n_steps);
        }
      if (cursor_is_set (self))
        {
          g_autofree char *text = as_figure_describe_panel (self->figure, AS_FIGURE_PART_CELL,
                                                            MAX (self->cursor_panel, 0),
                                                            self->cursor_row, self->cursor_column);
          g_autofree char *line = one_line (text);

          if (line != NULL)
            {
              g_string_append (description, ". ");
              g_string_append_printf (description, _("Cell: %s"), line);
            }
        }
      else if (figure_has_cells (self))
        {
          g_string_append (description, ". ");
          g_string_append (description, _("Arrow keys move a cell cursor and read its weight"));
        }
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str,
                                  -1);
  if (figure_has_cells (self))
    gtk_accessible_update_relation (GTK_ACCESSIBLE (self),
                                    GTK_ACCESSIBLE_RELATION_ROW_COUNT, (int) as_figure_get_n_rows (self->figure),
                                    GTK_ACCESSIBLE_RELATION_COL_COUNT, (int) as_figure_get_n_columns (self->figure),
                                    -1);
}

/* What the colour bar shows at height @y: "weight 0.42". */
static char *
describe_bar_at (AsHeatmap *self,
                 double     y)
{
  double value;

  if (!as_figure_get_bar_value (self->figure, gtk_widget_get_width (GTK_WIDGET (self)),
                                gtk_widget_get_height (GTK_WIDGET (self)), y, &value))
    return NULL;
  return as_figure_describe_bar_value (self->figure, value);
}

/* The readout: what the pointer is over, else the cell under the cursor
 * while the heatmap has the focus. */
static void
update_readout (AsHeatmap *self)
{
  g_autofree char *described = NULL;
  g_autofree char *text = NULL;

  if (self->hover_part == AS_FIGURE_PART_COLOR_BAR)
    described = describe_bar_at (self, self->pointer_y);
  else if (self->hover_part != AS_FIGURE_PART_NONE)
    described = as_figure_describe_panel (self->figure, self->hover_part, MAX (self->hover_panel, 0),
                                     self->hover_row, self->hover_column);
  else if (cursor_is_set (self) && self->focused)
    described = as_figure_describe_panel (self->figure, AS_FIGURE_PART_CELL, MAX (self->cursor_panel, 0),
                                          self->cursor_row, self->cursor_column);
  text = one_line (described);

  if (g_strcmp0 (text, self->readout) == 0)
    return;
  g_free (self->readout);
  self->readout = g_steal_pointer (&text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READOUT]);
}

static void
update_hover (AsHeatmap *self)
{
  AsFigurePart part = AS_FIGURE_PART_NONE;
  int panel = -1, row = -1, column = -1;

  if (self->pointer_inside)
    part = as_heatmap_panel_cell_at (self, self->pointer_x, self->pointer_y, &panel, &row, &column);

  if (part == self->hover_part && panel == self->hover_panel && row == self->hover_row && column == self->hover_column)
    {
      update_readout (self);
      return;
    }

  self->hover_part = part;
  self->hover_panel = panel;
  self->hover_row = row;
  self->hover_column = column;
  update_readout (self);
  if (self->pointer_inside)
    gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
  if (as_figure_get_view (self->figure) == AS_FIGURE_VIEW_LINES)
    {
      /* the lines of what is hovered are drawn by the figure itself */
      as_figure_set_hover (self->figure, part, row, column);
      invalidate_step (self);
      return;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* After the figure moved or changed under a pointer that may not have
 * moved (a resize, a zoom, new data, scrolling, the widget moved in its
 * window): where the pointer is now, from the pointer device itself, and
 * what is under it. */
static void
rehit (AsHeatmap *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;

  /* only a pointer the widget had: one that never entered it is left to
   * the crossing events (a window opening under the pointer shows no
   * hover until it moves) */
  if (self->pointer_inside && surface != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (GTK_WIDGET (self)));
      GdkDevice *pointer = seat != NULL ? gdk_seat_get_pointer (seat) : NULL;
      graphene_point_t point;
      double x, y, dx, dy;

      if (pointer != NULL && gdk_surface_get_device_position (surface, pointer, &x, &y, NULL))
        {
          gtk_native_get_surface_transform (native, &dx, &dy);
          if (gtk_widget_compute_point (GTK_WIDGET (native), GTK_WIDGET (self),
                                        &GRAPHENE_POINT_INIT (x - dx, y - dy), &point))
            {
              self->pointer_inside = gtk_widget_contains (GTK_WIDGET (self), point.x, point.y);
              self->pointer_x = point.x;
              self->pointer_y = point.y;
            }
        }
      else
        self->pointer_inside = FALSE;
    }

  update_hover (self);
  if (self->pointer_inside)
    gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
}

static gboolean
rehit_idle (gpointer data)
{
  AsHeatmap *self = data;

  self->rehit_source = 0;
  rehit (self);
  return G_SOURCE_REMOVE;
}

static void
queue_rehit (AsHeatmap *self)
{
  if (self->rehit_source == 0)
    self->rehit_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 20, rehit_idle, self, NULL);
}

/* The cursor's cell scrolled into view. */
static void
reveal_cursor (AsHeatmap *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  AsFigureRect cell, grid;

  if (!cursor_is_set (self) || width <= 0 || height <= 0 ||
      !as_figure_get_panel_cell_rect (self->figure, width, height, MAX (self->cursor_panel, 0),
                                      self->cursor_row, self->cursor_column, &cell) ||
      !as_figure_get_grid_rect (self->figure, width, height, &grid))
    return;

  if (self->hadjustment != NULL)
    {
      double value = gtk_adjustment_get_value (self->hadjustment);

      if (cell.x < grid.x)
        gtk_adjustment_set_value (self->hadjustment, value - (grid.x - cell.x));
      else if (cell.x + cell.width > grid.x + grid.width)
        gtk_adjustment_set_value (self->hadjustment, value + (cell.x + cell.width - grid.x - grid.width));
    }
  if (self->vadjustment != NULL)
    {
      double value = gtk_adjustment_get_value (self->vadjustment);

      if (cell.y < grid.y)
        gtk_adjustment_set_value (self->vadjustment, value - (grid.y - cell.y));
      else if (cell.y + cell.height > grid.y + grid.height)
        gtk_adjustment_set_value (self->vadjustment, value + (cell.y + cell.height - grid.y - grid.height));
    }
}

static void
cursor_changed (AsHeatmap *self)
{
  reveal_cursor (self);
  update_readout (self);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The cursor within the figure as it is now (a new matrix may be smaller). */
static void
clamp_cursor (AsHeatmap *self)
{
  guint n_rows = as_figure_get_n_rows (self->figure);
  guint n_columns = as_figure_get_n_columns (self->figure);
  guint n_panels = as_figure_get_n_panels (self->figure);

  if (self->cursor_row < 0 || self->cursor_column < 0)
    return;
  if (n_rows == 0 || n_columns == 0)
    {
      self->cursor_panel = self->cursor_row = self->cursor_column = -1;
      return;
    }
  self->cursor_panel = CLAMP (self->cursor_panel, 0, (int) n_panels - 1);
  self->cursor_row = MIN (self->cursor_row, (int) n_rows - 1);
  self->cursor_column = MIN (self->cursor_column, (int) n_columns - 1);
}

/* The figure changed (data, view, zoom, size): the cursor stays in it,
 * and the hover is found again, at the pointer's last position in the
 * widget: the widget has not moved (when it does, its allocation or its
 * window's layout queues a rehit ()). Not asking the pointer device here
 * spares a round trip to the X server at every result of a key. */
static void
figure_relaid (AsHeatmap *self)
{
  clamp_cursor (self);
  update_accessible (self);
  update_hover (self);
  if (self->pointer_inside)
    gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
}

/* Colours from the theme, so that light and dark styles both look right. */
static void
color_from_rgba (AsFigureColor *color,
                 const GdkRGBA *rgba)
{
  *color = (AsFigureColor) { rgba->red, rgba->green, rgba->blue, rgba->alpha };
}

static gboolean
same_color (const AsFigureColor *a,
            const AsFigureColor *b)
{
  return a->red == b->red && a->green == b->green && a->blue == b->blue && a->alpha == b->alpha;
}

static gboolean
lookup_color (GtkStyleContext *context,
              const char      *first,
              const char      *second,
              GdkRGBA         *rgba)
{
  return gtk_style_context_lookup_color (context, first, rgba) ||
         (second != NULL && gtk_style_context_lookup_color (context, second, rgba));
}

static void
sync_colors (AsHeatmap *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  AsFigureColor fg, bg, accent, warning;
  AsFigureColor old_fg, old_bg, old_accent, old_warning;
  GdkRGBA rgba;

  as_figure_get_colors (self->figure, &old_fg, &old_bg, &old_accent, &old_warning);
  fg = old_fg;
  bg = old_bg;
  accent = old_accent;
  warning = old_warning;

  gtk_style_context_get_color (context, &rgba);
  color_from_rgba (&fg, &rgba);
  if (lookup_color (context, "view_bg_color", "theme_base_color", &rgba))
    {
      rgba.alpha = 1.0;
      color_from_rgba (&bg, &rgba);
    }
  if (lookup_color (context, "accent_color", "theme_selected_bg_color", &rgba))
    color_from_rgba (&accent, &rgba);
  if (lookup_color (context, "warning_color", "error_color", &rgba))
    color_from_rgba (&warning, &rgba);

  if (!same_color (&fg, &old_fg) || !same_color (&bg, &old_bg) ||
      !same_color (&accent, &old_accent) || !same_color (&warning, &old_warning))
    {
      as_figure_set_colors (self->figure, &fg, &bg, &accent, &warning);
      clear_nodes (self);
    }
}

/* Scrolling */

static void
adjustment_value_changed (AsHeatmap *self)
{
  as_figure_set_scroll (self->figure,
                        self->hadjustment ? gtk_adjustment_get_value (self->hadjustment) : 0.0,
                        self->vadjustment ? gtk_adjustment_get_value (self->vadjustment) : 0.0);
  invalidate_figure (self);
  /* (in an idle: the value also changes while the heatmap is allocated) */
  queue_rehit (self);
}

static void
set_adjustment (AsHeatmap      *self,
                GtkAdjustment **slot,
                GtkAdjustment  *adjustment)
{
  if (*slot == adjustment && adjustment != NULL)
    return;

  if (*slot != NULL)
    {
      g_signal_handlers_disconnect_by_func (*slot, adjustment_value_changed, self);
      g_clear_object (slot);
    }

  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);

  *slot = g_object_ref_sink (adjustment);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (adjustment_value_changed), self, G_CONNECT_SWAPPED);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
configure_adjustments (AsHeatmap *self,
                       int        width,
                       int        height)
{
  double max_x = 0, max_y = 0;

  as_figure_get_scroll_range (self->figure, width, height, &max_x, &max_y);

  if (self->hadjustment != NULL)
    gtk_adjustment_configure (self->hadjustment,
                              CLAMP (gtk_adjustment_get_value (self->hadjustment), 0, max_x),
                              0, width + max_x, 24, width * 0.9, width);
  if (self->vadjustment != NULL)
    gtk_adjustment_configure (self->vadjustment,
                              CLAMP (gtk_adjustment_get_value (self->vadjustment), 0, max_y),
                              0, height + max_y, 24, height * 0.9, height);
}

/* Event controllers */

static void
context_menu_cb (AsHeatmap       *self,
                 int              n_press,
                 double           x,
                 double           y,
                 GtkGestureClick *gesture)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  as_heatmap_popup_context_menu (self, x, y);
}

static void
motion_cb (AsHeatmap                *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  update_hover (self);
}

static void
leave_cb (AsHeatmap                *self,
          GtkEventControllerMotion *controller)
{
  self->pointer_inside = FALSE;
  update_hover (self);
}

static void
pressed_cb (AsHeatmap       *self,
            int              n_press,
            double           x,
            double           y,
            GtkGestureClick *gesture)
{
  int panel = -1, row = -1, column = -1;
  AsFigurePart part;

  self->keyboard_focus = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  part = as_heatmap_panel_cell_at (self, x, y, &panel, &row, &column);
  /* the keyboard's cursor goes where the click was */
  if (part == AS_FIGURE_PART_CELL && figure_has_cells (self))
    {
      self->cursor_panel = MAX (panel, 0);
      self->cursor_row = row;
      self->cursor_column = column;
      cursor_changed (self);
    }
  gtk_widget_grab_focus (GTK_WIDGET (self));

  if (as_figure_get_n_panels (self->figure) > 1)
    {
      guint n_layers, n_heads;

      /* a panel of the grid: the person wants to see that layer and head */
      as_figure_get_panel_grid (self->figure, &n_layers, &n_heads);
      if (part == AS_FIGURE_PART_CELL && panel >= 0 && n_heads > 0)
        g_signal_emit (self, signals[PANEL_ACTIVATED], 0, panel / (int) n_heads, panel % (int) n_heads);
      return;
    }
  if ((part == AS_FIGURE_PART_CELL || part == AS_FIGURE_PART_ROW_LABEL) && self->rows_are_steps)
    g_signal_emit (self, signals[ROW_ACTIVATED], 0, row);
}

static gboolean
scroll_cb (AsHeatmap                *self,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *controller)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if ((state & GDK_CONTROL_MASK) == 0 || dy == 0)
    return FALSE;

  if (dy < 0)
    as_heatmap_zoom_in (self);
  else
    as_heatmap_zoom_out (self);
  return TRUE;
}

/* Keys */

/* The cursor moved by (@d_row, @d_column): within a panel, and from one
 * panel's edge to the next panel's (a grid is read as one big matrix of
 * n_layers * n_rows by n_heads * n_columns). */
static void
move_cursor (AsHeatmap *self,
             int        d_row,
             int        d_column)
{
  guint n_rows = as_figure_get_n_rows (self->figure);
  guint n_columns = as_figure_get_n_columns (self->figure);
  guint n_layers = 1, n_heads = 1;
  int big_row, big_column;

  as_figure_get_panel_grid (self->figure, &n_layers, &n_heads);
  n_layers = MAX (n_layers, 1);
  n_heads = MAX (n_heads, 1);

  big_row = (self->cursor_panel / (int) n_heads) * (int) n_rows + self->cursor_row;
  big_column = (self->cursor_panel % (int) n_heads) * (int) n_columns + self->cursor_column;
  big_row = CLAMP (big_row + d_row, 0, (int) (n_layers * n_rows) - 1);
  big_column = CLAMP (big_column + d_column, 0, (int) (n_heads * n_columns) - 1);

  self->cursor_panel = (big_row / (int) n_rows) * (int) n_heads + big_column / (int) n_columns;
  self->cursor_row = big_row % (int) n_rows;
  self->cursor_column = big_column % (int) n_columns;
}

/* Where the cursor starts: the step's row, first column, first panel. */
static void
ensure_cursor (AsHeatmap *self)
{
  if (!figure_has_cells (self) || (self->cursor_row >= 0 && self->cursor_column >= 0))
    return;
  self->cursor_panel = 0;
  self->cursor_row = self->rows_are_steps && self->step >= 0
                     ? MIN (self->step, (int) as_figure_get_n_rows (self->figure) - 1) : 0;
  self->cursor_column = 0;
}

static void
activate_cursor (AsHeatmap *self)
{
  guint n_layers, n_heads;

  if (!cursor_is_set (self))
    return;
  if (as_figure_get_n_panels (self->figure) > 1)
    {
      as_figure_get_panel_grid (self->figure, &n_layers, &n_heads);
      if (n_heads > 0)
        g_signal_emit (self, signals[PANEL_ACTIVATED], 0, self->cursor_panel / (int) n_heads,
                       self->cursor_panel % (int) n_heads);
      return;
    }
  if (self->rows_are_steps)
    g_signal_emit (self, signals[ROW_ACTIVATED], 0, self->cursor_row);
}

static gboolean
key_pressed_cb (AsHeatmap             *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  gboolean control = (state & GDK_CONTROL_MASK) != 0;
  guint n_rows = as_figure_get_n_rows (self->figure);
  guint n_columns = as_figure_get_n_columns (self->figure);
  guint n_layers = 1, n_heads = 1;

  if ((state & (GDK_ALT_MASK | GDK_SUPER_MASK | GDK_SHIFT_MASK)) != 0 || !figure_has_cells (self))
    return FALSE;

  self->keyboard_focus = TRUE;

  /* Ctrl goes with Home and End only (the first and last row) */
  if (control && keyval != GDK_KEY_Home && keyval != GDK_KEY_End &&
      keyval != GDK_KEY_KP_Home && keyval != GDK_KEY_KP_End)
    return FALSE;

  as_figure_get_panel_grid (self->figure, &n_layers, &n_heads);
  ensure_cursor (self);

  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_cursor (self, -1, 0);
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_cursor (self, 1, 0);
      break;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      move_cursor (self, 0, -1);
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      move_cursor (self, 0, 1);
      break;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      /* the first column (of the panel's row of panels); with Ctrl the first row */
      if (control)
        move_cursor (self, -(int) (n_layers * n_rows), 0);
      else
        move_cursor (self, 0, -(int) (n_heads * n_columns));
      break;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      if (control)
        move_cursor (self, (int) (n_layers * n_rows), 0);
      else
        move_cursor (self, 0, (int) (n_heads * n_columns));
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      cursor_changed (self);
      activate_cursor (self);
      return TRUE;
    default:
      return FALSE;
    }

  cursor_changed (self);
  return TRUE;
}

static void
focus_changed (AsHeatmap               *self,
               GParamSpec              *pspec,
               GtkEventControllerFocus *controller)
{
  self->focused = gtk_event_controller_focus_is_focus (controller);
  if (self->focused)
    ensure_cursor (self);
  update_readout (self);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AsHeatmap *self = AS_HEATMAP (widget);

  if (g_str_equal (action_name, "heatmap.zoom-in"))
    as_heatmap_zoom_in (self);
  else if (g_str_equal (action_name, "heatmap.zoom-out"))
    as_heatmap_zoom_out (self);
  else
    as_heatmap_set_zoom (self, 1.0);
}

/* GtkWidget */

static void
as_heatmap_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  AsHeatmap *self = AS_HEATMAP (widget);
  int width, height;

  as_figure_get_natural_size (self->figure, &width, &height);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* small: what does not fit scrolls (cells never shrink below MIN_CELL) */
      *minimum = 120;
      *natural = MAX (*minimum, MIN (width, 1200));
    }
  else
    {
      /* the column labels and a few rows (the title makes way) */
      *minimum = 60;
      *natural = MAX (*minimum, MIN (height, 900));
    }
}

/* After each layout of the window: the widget may have moved in it (a note
 * appeared above it) with its size unchanged, which allocates nothing
 * here; what is under the pointer then is another cell. */
static void
window_laid_out (AsHeatmap     *self,
                 GdkFrameClock *clock)
{
  GtkWidget *widget = GTK_WIDGET (self);
  graphene_point_t origin;

  if (gtk_widget_compute_point (widget, GTK_WIDGET (gtk_widget_get_native (widget)),
                                &GRAPHENE_POINT_INIT (0, 0), &origin) &&
      (origin.x != self->origin_x || origin.y != self->origin_y))
    {
      self->origin_x = origin.x;
      self->origin_y = origin.y;
      queue_rehit (self);
    }
}

static void
as_heatmap_state_flags_changed (GtkWidget     *widget,
                                GtkStateFlags  previous)
{
  GtkStateFlags now = gtk_widget_get_state_flags (widget);

  GTK_WIDGET_CLASS (as_heatmap_parent_class)->state_flags_changed (widget, previous);
  if ((now ^ previous) & (GTK_STATE_FLAG_FOCUS_VISIBLE | GTK_STATE_FLAG_FOCUSED))
    gtk_widget_queue_draw (widget);
}

static void
as_heatmap_realize (GtkWidget *widget)
{
  AsHeatmap *self = AS_HEATMAP (widget);

  GTK_WIDGET_CLASS (as_heatmap_parent_class)->realize (widget);
  self->frame_clock = g_object_ref (gtk_widget_get_frame_clock (widget));
  g_signal_connect_object (self->frame_clock, "layout", G_CALLBACK (window_laid_out), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
}

static void
as_heatmap_unrealize (GtkWidget *widget)
{
  AsHeatmap *self = AS_HEATMAP (widget);

  if (self->frame_clock != NULL)
    g_signal_handlers_disconnect_by_func (self->frame_clock, window_laid_out, self);
  g_clear_object (&self->frame_clock);
  self->origin_x = self->origin_y = NAN;
  GTK_WIDGET_CLASS (as_heatmap_parent_class)->unrealize (widget);
}

static void
as_heatmap_size_allocate (GtkWidget *widget,
                          int        width,
                          int        height,
                          int        baseline)
{
  AsHeatmap *self = AS_HEATMAP (widget);

  configure_adjustments (self, width, height);
  clear_nodes (self);
  /* what is under the pointer, once the allocation is over (the readout
   * it changes resizes other widgets) */
  clamp_cursor (self);
  queue_rehit (self);
  if (self->context_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->context_menu));
}

static void
append_band (GtkSnapshot        *snapshot,
             const AsFigureRect *rect,
             const GdkRGBA      *color)
{
  gtk_snapshot_append_color (snapshot, color,
                             &GRAPHENE_RECT_INIT (rect->x, rect->y, rect->width, rect->height));
}

/* An outline just outside @rect, clipped to the cells' area (widened by
 * the outline): the cells inside keep their colour. */
static void
append_outline (GtkSnapshot        *snapshot,
                const AsFigureRect *rect,
                const AsFigureRect *grid,
                const GdkRGBA      *color)
{
  GskRoundedRect border;
  const float widths[4] = { 2, 2, 2, 2 };
  const GdkRGBA colors[4] = { *color, *color, *color, *color };

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (grid->x - 2, grid->y - 2,
                                                         grid->width + 4, grid->height + 4));
  gsk_rounded_rect_init_from_rect (&border,
                                   &GRAPHENE_RECT_INIT (rect->x - 2, rect->y - 2,
                                                        rect->width + 4, rect->height + 4),
                                   0);
  gtk_snapshot_append_border (snapshot, &border, widths, colors);
  gtk_snapshot_pop (snapshot);
}

/* What is hovered (or under the cursor): its row's and column's labels
 * tinted, the cell (or the label's row or column of cells) outlined. */
static void
append_highlight (AsHeatmap     *self,
                  GtkSnapshot   *snapshot,
                  int            width,
                  int            height,
                  AsFigurePart   part,
                  int            panel,
                  int            row,
                  int            column,
                  const GdkRGBA *band,
                  const GdkRGBA *outline)
{
  AsFigureRect rect, grid;

  if (!as_figure_get_grid_rect (self->figure, width, height, &grid))
    return;

  if (row >= 0 && as_figure_get_row_rect (self->figure, width, height, row, &rect))
    {
      AsFigureRect label = { rect.x, rect.y, grid.x - rect.x, rect.height };
      AsFigureRect cells = { grid.x, rect.y, rect.x + rect.width - grid.x, rect.height };

      if (label.width > 0)
        append_band (snapshot, &label, band);
      if (part == AS_FIGURE_PART_ROW_LABEL)
        append_outline (snapshot, &cells, &grid, outline);
    }
  if (column >= 0 && as_figure_get_column_rect (self->figure, width, height, column, &rect))
    {
      AsFigureRect label = { rect.x, rect.y, rect.width, grid.y - rect.y };
      AsFigureRect cells = { rect.x, grid.y, rect.width, rect.y + rect.height - grid.y };

      if (label.height > 0)
        append_band (snapshot, &label, band);
      if (part == AS_FIGURE_PART_COLUMN_LABEL)
        append_outline (snapshot, &cells, &grid, outline);
    }

  if (part == AS_FIGURE_PART_CELL &&
      as_figure_get_panel_cell_rect (self->figure, width, height, MAX (panel, 0), row, column, &rect))
    append_outline (snapshot, &rect, &grid, outline);
}

/* The base layer as an image at the screen's scale: painting it again
 * (under a new step layer or highlight) is a copy, however many cells,
 * labels and glyphs it has. The image is painted through a cairo node,
 * not a texture: GTK 4.8's cairo renderer converts a memory texture's
 * pixels to floats and back at every frame that draws it, the whole
 * image, where painting a cairo surface copies only what the frame
 * redraws. */
static GskRenderNode *
draw_base (AsHeatmap *self,
           int        width,
           int        height)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  g_autoptr (GtkSnapshot) snapshot = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  as_figure_draw_layers (self->figure, cr, width, height, AS_FIGURE_LAYER_BASE);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }

  snapshot = gtk_snapshot_new ();
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

static void
as_heatmap_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  AsHeatmap *self = AS_HEATMAP (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  AsFigureColor accent_color;
  GdkRGBA band, outline;
  /* the focus ring and the cursor's outline while the focus is to be seen
   * (GTK's :focus-visible, or a key used here: the window's own key
   * handlers, which set :focus-visible, do not see the keys the heatmap
   * takes), not after a click */
  gboolean focus_visible = self->focused &&
                           ((gtk_widget_get_state_flags (widget) & GTK_STATE_FLAG_FOCUS_VISIBLE) != 0 ||
                            self->keyboard_focus);

  if (width <= 0 || height <= 0)
    return;

  sync_colors (self);

  if (self->base_node == NULL)
    {
      self->base_node = draw_base (self, width, height);
      self->draw_count++;
    }
  if (self->step_node == NULL)
    {
      GtkSnapshot *step_snapshot = gtk_snapshot_new ();
      cairo_t *cr;

      cr = gtk_snapshot_append_cairo (step_snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      as_figure_draw_layers (self->figure, cr, width, height, AS_FIGURE_LAYER_STEP);
      cairo_destroy (cr);
      self->step_node = gtk_snapshot_free_to_node (step_snapshot);
      self->step_draw_count++;
    }

  if (self->base_node != NULL)
    gtk_snapshot_append_node (snapshot, self->base_node);
  if (self->step_node != NULL)
    gtk_snapshot_append_node (snapshot, self->step_node);

  as_figure_get_colors (self->figure, NULL, NULL, &accent_color, NULL);
  band = (GdkRGBA) { accent_color.red, accent_color.green, accent_color.blue, 0.22 };
  outline = (GdkRGBA) { accent_color.red, accent_color.green, accent_color.blue, 1.0 };

  if (as_figure_get_view (self->figure) != AS_FIGURE_VIEW_LINES)
    {
      /* The highlight: plain rectangles over the cached figure. */
      if (self->hover_part != AS_FIGURE_PART_NONE)
        append_highlight (self, snapshot, width, height, self->hover_part, self->hover_panel,
                          self->hover_row, self->hover_column, &band, &outline);
      if (focus_visible && cursor_is_set (self) &&
          (self->hover_part != AS_FIGURE_PART_CELL || self->hover_panel != self->cursor_panel ||
           self->hover_row != self->cursor_row || self->hover_column != self->cursor_column))
        append_highlight (self, snapshot, width, height, AS_FIGURE_PART_CELL, self->cursor_panel,
                          self->cursor_row, self->cursor_column, &band, &outline);
    }

  if (focus_visible)
    {
      /* the focus ring, inside the widget's edges */
      GskRoundedRect ring;
      const float widths[4] = { FOCUS_WIDTH, FOCUS_WIDTH, FOCUS_WIDTH, FOCUS_WIDTH };
      const GdkRGBA colors[4] = { outline, outline, outline, outline };

      gsk_rounded_rect_init_from_rect (&ring, &GRAPHENE_RECT_INIT (1, 1, width - 2, height - 2), 4);
      gtk_snapshot_append_border (snapshot, &ring, widths, colors);
    }
}

static gboolean
as_heatmap_query_tooltip (GtkWidget  *widget,
                          int         x,
                          int         y,
                          gboolean    keyboard_mode,
                          GtkTooltip *tooltip)
{
  AsHeatmap *self = AS_HEATMAP (widget);
  g_autofree char *text = NULL;
  AsFigurePart part;
  AsFigureRect rect;
  int panel, row, column;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean have_area = FALSE;

  part = as_heatmap_panel_cell_at (self, x, y, &panel, &row, &column);
  if (part == AS_FIGURE_PART_COLOR_BAR)
    text = describe_bar_at (self, y);
  else
    text = as_figure_describe_panel (self->figure, part, MAX (panel, 0), row, column);
  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);

  /* a new tooltip for each cell or label */
  if (part == AS_FIGURE_PART_CELL)
    have_area = as_figure_get_panel_cell_rect (self->figure, width, height, MAX (panel, 0), row, column, &rect);
  else if (part == AS_FIGURE_PART_ROW_LABEL)
    have_area = as_figure_get_row_rect (self->figure, width, height, row, &rect);
  else if (part == AS_FIGURE_PART_COLUMN_LABEL)
    have_area = as_figure_get_column_rect (self->figure, width, height, column, &rect);
  else if (part == AS_FIGURE_PART_COLOR_BAR && as_figure_get_bar_rect (self->figure, width, height, &rect))
    {
      /* a new tooltip for each pixel up the bar: its value changes */
      rect = (AsFigureRect) { rect.x, y, rect.width, 1.0 };
      have_area = TRUE;
    }
  if (have_area)
    gtk_tooltip_set_tip_area (tooltip, &(GdkRectangle) { (int) floor (rect.x), (int) floor (rect.y),
                                                         (int) ceil (rect.width), (int) ceil (rect.height) });

  return TRUE;
}

/* GObject */

static void
as_heatmap_dispose (GObject *object)
{
  AsHeatmap *self = AS_HEATMAP (object);

  clear_nodes (self);
  g_clear_handle_id (&self->rehit_source, g_source_remove);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->hadjustment, adjustment_value_changed, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (self->vadjustment, adjustment_value_changed, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);

  G_OBJECT_CLASS (as_heatmap_parent_class)->dispose (object);
}

static void
as_heatmap_finalize (GObject *object)
{
  AsHeatmap *self = AS_HEATMAP (object);

  g_clear_pointer (&self->figure, as_figure_free);
  g_clear_pointer (&self->readout, g_free);

  G_OBJECT_CLASS (as_heatmap_parent_class)->finalize (object);
}

static void
as_heatmap_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  AsHeatmap *self = AS_HEATMAP (object);

  switch (prop_id)
    {
    case PROP_STEP:
      g_value_set_int (value, as_heatmap_get_step (self));
      break;
    case PROP_N_STEPS:
      g_value_set_uint (value, as_heatmap_get_n_steps (self));
      break;
    case PROP_COLORMAP:
      g_value_set_enum (value, as_heatmap_get_colormap (self));
      break;
    case PROP_ZOOM:
      g_value_set_double (value, as_heatmap_get_zoom (self));
      break;
    case PROP_READOUT:
      g_value_set_string (value, self->readout);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
as_heatmap_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  AsHeatmap *self = AS_HEATMAP (object);

  switch (prop_id)
    {
    case PROP_STEP:
      as_heatmap_set_step (self, g_value_get_int (value));
      break;
    case PROP_COLORMAP:
      as_heatmap_set_colormap (self, g_value_get_enum (value));
      break;
    case PROP_ZOOM:
      as_heatmap_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      if (self->hscroll_policy != (guint) g_value_get_enum (value))
        {
          self->hscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_VSCROLL_POLICY:
      if (self->vscroll_policy != (guint) g_value_get_enum (value))
        {
          self->vscroll_policy = g_value_get_enum (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
as_heatmap_class_init (AsHeatmapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = as_heatmap_dispose;
  object_class->finalize = as_heatmap_finalize;
  object_class->get_property = as_heatmap_get_property;
  object_class->set_property = as_heatmap_set_property;

  widget_class->measure = as_heatmap_measure;
  widget_class->size_allocate = as_heatmap_size_allocate;
  widget_class->realize = as_heatmap_realize;
  widget_class->state_flags_changed = as_heatmap_state_flags_changed;
  widget_class->unrealize = as_heatmap_unrealize;
  widget_class->snapshot = as_heatmap_snapshot;
  widget_class->query_tooltip = as_heatmap_query_tooltip;

  /**
   * AsHeatmap:step:
   * The decoder step shown: rows after it are dimmed and it is outlined.
   * -1 shows every step.
   */
  properties[PROP_STEP] =
    g_param_spec_int ("step", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_STEPS] =
    g_param_spec_uint ("n-steps", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLORMAP] =
    g_param_spec_enum ("colormap", NULL, NULL, AS_TYPE_COLORMAP, AS_COLORMAP_VIRIDIS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 1.0, MAX_ZOOM, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * AsHeatmap:readout:
   * What the cell (or label) under the pointer is, else the cell under the
   * cursor while the heatmap has the focus: its tokens and its weight, on
   * one line of text, as the tooltip says it. NULL over nothing.
   */
  properties[PROP_READOUT] =
    g_param_spec_string ("readout", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  /**
   * AsHeatmap::row-activated:
   * A cell or a row label was clicked: the person wants to see that step.
   */
  signals[ROW_ACTIVATED] =
    g_signal_new ("row-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  /**
   * AsHeatmap::panel-activated:
   * @layer: the layer of the panel clicked
   * @head: its head
   *
   * A panel of the grid was clicked: the person wants to see it alone.
   */
  signals[PANEL_ACTIVATED] =
    g_signal_new ("panel-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);

  /* Zoom while the heatmap has the focus (the window's actions do the same
   * from anywhere) */
  gtk_widget_class_install_action (widget_class, "heatmap.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "heatmap.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "heatmap.zoom-fit", NULL, zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "heatmap.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "heatmap.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "heatmap.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "heatmap.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "heatmap.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "heatmap.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "heatmap.zoom-fit", NULL);

  gtk_widget_class_set_css_name (widget_class, "heatmap");
  /* a grid of cells that the arrow keys move through (ARIA's grid pattern);
   * its cells are read through the description */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
as_heatmap_init (AsHeatmap *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  self->figure = as_figure_new ();
  as_figure_set_min_cell (self->figure, MIN_CELL);
  self->hover_part = AS_FIGURE_PART_NONE;
  self->hover_panel = -1;
  self->hover_row = -1;
  self->hover_column = -1;
  self->kind = AS_ATTENTION_CROSS;
  self->layer = -1;
  self->head = AS_ATTENTION_MEAN;
  self->step = -1;
  self->rows_are_steps = TRUE;
  self->cursor_panel = -1;
  self->cursor_row = -1;
  self->cursor_column = -1;
  self->origin_x = self->origin_y = NAN;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_object (controller, "enter", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "leave", G_CALLBACK (leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (context_menu_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect_object (controller, "scroll", G_CALLBACK (scroll_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  /* (is-focus: "enter" comes before the widget has the focus) */
  controller = gtk_event_controller_focus_new ();
  g_signal_connect_object (controller, "notify::is-focus", G_CALLBACK (focus_changed), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  update_accessible (self);
}

/* Public API */

void
as_heatmap_popup_context_menu (AsHeatmap *self,
                               double     x,
                               double     y)
{
  g_return_if_fail (AS_IS_HEATMAP (self));

  if (self->context_menu == NULL)
    {
      g_autoptr (GMenu) menu = g_menu_new ();

      g_menu_append (menu, _("Copy as Table"), "win.copy-table");
      self->context_menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
      gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
      gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self));
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

GtkPopover *
as_heatmap_get_context_menu (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), NULL);
  return self->context_menu != NULL ? GTK_POPOVER (self->context_menu) : NULL;
}

GtkWidget *
as_heatmap_new (void)
{
  return g_object_new (AS_TYPE_HEATMAP, NULL);
}

/* The figure of @session's attention as chosen (as_heatmap_set_attention);
 * FALSE when the session's model has no such attention (the default then). */
static gboolean
show_choice (AsHeatmap *self,
             AsSession *session)
{
  guint n_layers, n_heads;
  int layer = self->layer;

  if (session == NULL ||
      !as_model_get_attention_shape (as_session_get_model (session), self->kind, &n_layers, &n_heads))
    return FALSE;
  if (self->grid)
    return as_figure_set_session_grid (self->figure, session, self->kind, NULL);
  if (layer < 0)
    layer = (int) n_layers - 1;
  if ((guint) layer >= n_layers || (self->head != AS_ATTENTION_MEAN && (guint) self->head >= n_heads))
    return FALSE;
  return as_figure_set_session_attention (self->figure, session, self->kind, layer, self->head, NULL);
}

void
as_heatmap_set_session (AsHeatmap *self,
                        AsSession *session)
{
  guint old_n_steps;

  g_return_if_fail (AS_IS_HEATMAP (self));

  old_n_steps = self->n_steps;
  if (show_choice (self, session))
    self->rows_are_steps = self->kind != AS_ATTENTION_ENCODER_SELF;
  else
    {
      as_figure_set_session (self->figure, session);
      self->rows_are_steps = TRUE;
    }
  self->n_steps = session != NULL ? as_session_get_n_steps (session) : 0;
  self->step = (int) self->n_steps - 1;
  as_figure_set_step (self->figure, self->rows_are_steps ? self->step : -1);

  invalidate_figure (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  figure_relaid (self);

  if (old_n_steps != self->n_steps)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STEPS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

void
as_heatmap_set_view (AsHeatmap    *self,
                     AsFigureView  view)
{
  g_return_if_fail (AS_IS_HEATMAP (self));

  if (as_figure_get_view (self->figure) == view)
    return;
  as_figure_set_view (self->figure, view);
  as_figure_set_hover (self->figure, AS_FIGURE_PART_NONE, -1, -1);
  invalidate_figure (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  self->hover_part = AS_FIGURE_PART_NONE;
  figure_relaid (self);
}

AsFigureView
as_heatmap_get_view (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), AS_FIGURE_VIEW_MATRIX);

  return as_figure_get_view (self->figure);
}

void
as_heatmap_set_attention (AsHeatmap       *self,
                          AsAttentionKind  kind,
                          int              layer,
                          int              head,
                          gboolean         grid)
{
  g_return_if_fail (AS_IS_HEATMAP (self));

  self->kind = kind;
  self->layer = layer;
  self->head = head;
  self->grid = grid;
}

guint
as_heatmap_get_n_steps (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), 0);

  return self->n_steps;
}

int
as_heatmap_get_step (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), -1);

  return self->step;
}

void
as_heatmap_set_step (AsHeatmap *self,
                     int        step)
{
  g_return_if_fail (AS_IS_HEATMAP (self));

  step = step < 0 ? -1 : MIN (step, (int) self->n_steps - 1);
  if (self->step == step)
    return;

  self->step = step;
  if (self->rows_are_steps)
    {
      as_figure_set_step (self->figure, step);
      invalidate_step (self);
    }
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

AsColormap
as_heatmap_get_colormap (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), AS_COLORMAP_VIRIDIS);

  return as_figure_get_colormap (self->figure);
}

void
as_heatmap_set_colormap (AsHeatmap  *self,
                         AsColormap  colormap)
{
  g_return_if_fail (AS_IS_HEATMAP (self));
  g_return_if_fail ((guint) colormap < AS_N_COLORMAPS);

  if (as_figure_get_colormap (self->figure) == colormap)
    return;

  as_figure_set_colormap (self->figure, colormap);
  invalidate_figure (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLORMAP]);
}

AsFigureScale
as_heatmap_get_scale (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), AS_FIGURE_SCALE_ONE);

  return as_figure_get_scale (self->figure);
}

void
as_heatmap_set_scale (AsHeatmap    *self,
                      AsFigureScale scale)
{
  g_return_if_fail (AS_IS_HEATMAP (self));
  g_return_if_fail ((guint) scale < AS_FIGURE_N_SCALES);

  if (as_figure_get_scale (self->figure) == scale)
    return;

  as_figure_set_scale (self->figure, scale);
  invalidate_figure (self);
  /* the bar's labels may change width, and with them the layout */
  queue_rehit (self);
}

double
as_heatmap_get_zoom (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), 1.0);

  return as_figure_get_zoom (self->figure);
}

void
as_heatmap_set_zoom (AsHeatmap *self,
                     double     zoom)
{
  g_return_if_fail (AS_IS_HEATMAP (self));

  zoom = CLAMP (zoom, 1.0, MAX_ZOOM);
  if (as_figure_get_zoom (self->figure) == zoom)
    return;

  as_figure_set_zoom (self->figure, zoom);
  /* a resize, not only an allocation: the scrolled window around it then
   * allocates again with the new scroll range */
  gtk_widget_queue_resize (GTK_WIDGET (self));
  invalidate_figure (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

static guint
zoom_level_index (double zoom)
{
  guint i = 0;

  while (i + 1 < G_N_ELEMENTS (zoom_levels) && zoom_levels[i + 1] <= zoom + 1e-6)
    i++;
  return i;
}

void
as_heatmap_zoom_in (AsHeatmap *self)
{
  g_return_if_fail (AS_IS_HEATMAP (self));

  as_heatmap_set_zoom (self, zoom_levels[MIN (zoom_level_index (as_heatmap_get_zoom (self)) + 1,
                                              G_N_ELEMENTS (zoom_levels) - 1)]);
}

void
as_heatmap_zoom_out (AsHeatmap *self)
{
  double zoom;
  guint i;

  g_return_if_fail (AS_IS_HEATMAP (self));

  zoom = as_heatmap_get_zoom (self);
  i = zoom_level_index (zoom);
  /* between two levels: down to the lower one */
  if (fabs (zoom_levels[i] - zoom) < 1e-6 && i > 0)
    i--;
  as_heatmap_set_zoom (self, zoom_levels[i]);
}

const char *
as_heatmap_get_readout (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), NULL);

  return self->readout;
}

AsFigure *
as_heatmap_get_figure (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), NULL);

  return self->figure;
}

AsFigurePart
as_heatmap_cell_at (AsHeatmap *self,
                    double     x,
                    double     y,
                    int       *row,
                    int       *column)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), AS_FIGURE_PART_NONE);

  return as_figure_hit_test (self->figure,
                             gtk_widget_get_width (GTK_WIDGET (self)),
                             gtk_widget_get_height (GTK_WIDGET (self)),
                             x, y, row, column);
}

AsFigurePart
as_heatmap_panel_cell_at (AsHeatmap *self,
                          double     x,
                          double     y,
                          int       *panel,
                          int       *row,
                          int       *column)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), AS_FIGURE_PART_NONE);

  return as_figure_hit_test_panel (self->figure,
                                   gtk_widget_get_width (GTK_WIDGET (self)),
                                   gtk_widget_get_height (GTK_WIDGET (self)),
                                   x, y, panel, row, column);
}

/* Private API */

guint
as_heatmap_get_figure_draw_count (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), 0);

  return self->draw_count;
}

guint
as_heatmap_get_step_draw_count (AsHeatmap *self)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), 0);

  return self->step_draw_count;
}

void
as_heatmap_figure_changed (AsHeatmap *self)
{
  g_return_if_fail (AS_IS_HEATMAP (self));

  self->n_steps = as_figure_get_n_rows (self->figure);
  self->step = as_figure_get_step (self->figure);
  self->rows_are_steps = TRUE;
  invalidate_figure (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  figure_relaid (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STEPS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

void
as_heatmap_get_cursor (AsHeatmap *self,
                       int       *panel,
                       int       *row,
                       int       *column)
{
  g_return_if_fail (AS_IS_HEATMAP (self));

  if (panel != NULL)
    *panel = self->cursor_panel;
  if (row != NULL)
    *row = self->cursor_row;
  if (column != NULL)
    *column = self->cursor_column;
}

AsFigurePart
as_heatmap_get_hover (AsHeatmap *self,
                      int       *panel,
                      int       *row,
                      int       *column)
{
  g_return_val_if_fail (AS_IS_HEATMAP (self), AS_FIGURE_PART_NONE);

  if (panel != NULL)
    *panel = self->hover_panel;
  if (row != NULL)
    *row = self->hover_row;
  if (column != NULL)
    *column = self->hover_column;
  return self->hover_part;
}
