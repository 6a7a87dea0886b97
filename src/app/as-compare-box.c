/* The live view and the pinned one: two children side by side where the
 * width allows both their minimums (of the same width where it allows
 * that, else the first at its minimum and the second the rest), else
 * the second (the pinned view) above the first, so that pinning never
 * makes the window wider than the live view alone. A hidden second child
 * leaves the first all the room. Children are added from a .ui file. */

#include "config.h"

#include "as-compare-box.h"

#define SPACING 6

struct _AsCompareBox
{
  GtkWidget  parent_instance;

  gboolean   side_by_side;
};

G_DEFINE_FINAL_TYPE (AsCompareBox, as_compare_box, GTK_TYPE_WIDGET)

/* The first child and the second, if shown. */
static void
children (AsCompareBox  *self,
          GtkWidget    **first,
          GtkWidget    **second)
{
  *first = gtk_widget_get_first_child (GTK_WIDGET (self));
  *second = *first != NULL ? gtk_widget_get_next_sibling (*first) : NULL;
  if (*second != NULL && !gtk_widget_get_visible (*second))
    *second = NULL;
}

static int
min_width (GtkWidget *child)
{
  int minimum = 0;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  return minimum;
}

static gboolean
fits_side_by_side (GtkWidget *first,
                   GtkWidget *second,
                   int        width)
{
  return width >= min_width (first) + min_width (second) + SPACING;
}

/* Side by side at @width: the first child's width (the second's is the
 * rest): half, unless its minimum is more. */
static int
first_width (GtkWidget *first,
             int        width)
{
  return MAX ((width - SPACING) / 2, min_width (first));
}

static GtkSizeRequestMode
as_compare_box_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
as_compare_box_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  AsCompareBox *self = AS_COMPARE_BOX (widget);
  GtkWidget *first, *second;
  int first_min = 0, first_nat = 0, second_min = 0, second_nat = 0;

  children (self, &first, &second);
  if (first == NULL)
    {
      *minimum = *natural = 0;
      return;
    }
  if (second == NULL)
    {
      gtk_widget_measure (first, orientation, for_size, minimum, natural, NULL, NULL);
      return;
    }

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* stacked at the least; side by side at the natural size */
      gtk_widget_measure (first, orientation, -1, &first_min, &first_nat, NULL, NULL);
      gtk_widget_measure (second, orientation, -1, &second_min, &second_nat, NULL, NULL);
      *minimum = MAX (first_min, second_min);
      *natural = 2 * MAX (first_nat, second_nat) + SPACING;
    }
  else if (for_size >= 0 && fits_side_by_side (first, second, for_size))
    {
      int left = first_width (first, for_size);

      gtk_widget_measure (first, orientation, left, &first_min, &first_nat, NULL, NULL);
      gtk_widget_measure (second, orientation, for_size - left - SPACING, &second_min, &second_nat, NULL, NULL);
      *minimum = MAX (first_min, second_min);
      *natural = MAX (first_nat, second_nat);
    }
  else
    {
      gtk_widget_measure (first, orientation, for_size, &first_min, &first_nat, NULL, NULL);
      gtk_widget_measure (second, orientation, for_size, &second_min, &second_nat, NULL, NULL);
      *minimum = first_min + SPACING + second_min;
      *natural = first_nat + SPACING + second_nat;
    }
}

static void
as_compare_box_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  AsCompareBox *self = AS_COMPARE_BOX (widget);
  GtkWidget *first, *second;

  children (self, &first, &second);
  if (first == NULL)
    return;
  if (second == NULL)
    {
      gtk_widget_allocate (first, width, height, -1, NULL);
      return;
    }

  self->side_by_side = fits_side_by_side (first, second, width);
  if (self->side_by_side)
    {
      int left = first_width (first, width);

      gtk_widget_allocate (first, left, height, -1, NULL);
      gtk_widget_allocate (second, width - left - SPACING, height, -1,
                           gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (left + SPACING, 0)));
    }
  else
    {
      /* the pinned view above, half of the height each (at least each one's minimum) */
      int second_min = 0, first_min = 0, top;

      gtk_widget_measure (first, GTK_ORIENTATION_VERTICAL, width, &first_min, NULL, NULL, NULL);
      gtk_widget_measure (second, GTK_ORIENTATION_VERTICAL, width, &second_min, NULL, NULL, NULL);
      top = CLAMP ((height - SPACING) / 2, second_min, MAX (height - SPACING - first_min, second_min));
      gtk_widget_allocate (second, width, top, -1, NULL);
      gtk_widget_allocate (first, width, MAX (height - top - SPACING, 0), -1,
                           gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (0, top + SPACING)));
    }
}

static void
as_compare_box_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (as_compare_box_parent_class)->dispose (object);
}

static void
as_compare_box_class_init (AsCompareBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = as_compare_box_dispose;

  widget_class->get_request_mode = as_compare_box_get_request_mode;
  widget_class->measure = as_compare_box_measure;
  widget_class->size_allocate = as_compare_box_size_allocate;

  gtk_widget_class_set_css_name (widget_class, "comparebox");
}

static void
as_compare_box_init (AsCompareBox *self)
{
}

GtkWidget *
as_compare_box_new (void)
{
  return g_object_new (AS_TYPE_COMPARE_BOX, NULL);
}

gboolean
as_compare_box_is_side_by_side (AsCompareBox *self)
{
  g_return_val_if_fail (AS_IS_COMPARE_BOX (self), FALSE);

  return self->side_by_side;
}
