#include "config.h"

#include "as-tooltips.h"

void
as_tooltip_set_text (GtkWidget  *widget,
                     const char *text)
{
  const char *now = gtk_widget_get_tooltip_text (widget);

  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (now, text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}

/* Whichever way the tooltip was kept (as_tooltip_get_text) */
static gboolean
query_tooltip (GtkWidget  *widget,
               int         x,
               int         y,
               gboolean    keyboard,
               GtkTooltip *tooltip,
               gpointer    data)
{
  const char *text = as_tooltip_get_text (widget);

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

void
as_tooltip_from_label (GtkLabel *label)
{
  g_object_set_data (G_OBJECT (label), "as-tooltip-from-label", GINT_TO_POINTER (TRUE));
  gtk_widget_set_has_tooltip (GTK_WIDGET (label), TRUE);
  g_signal_connect (label, "query-tooltip", G_CALLBACK (query_tooltip), NULL);
}

void
as_tooltip_set_lazily (GtkWidget  *widget,
                       const char *text)
{
  if (g_object_get_data (G_OBJECT (widget), "as-tooltip-lazy") == NULL)
    {
      g_object_set_data (G_OBJECT (widget), "as-tooltip-lazy", GINT_TO_POINTER (TRUE));
      gtk_widget_set_has_tooltip (widget, TRUE);
      g_signal_connect (widget, "query-tooltip", G_CALLBACK (query_tooltip), NULL);
    }
  g_object_set_data_full (G_OBJECT (widget), "as-tooltip-text", g_strdup (text), g_free);
}

const char *
as_tooltip_get_text (GtkWidget *widget)
{
  const char *text;

  if (g_object_get_data (G_OBJECT (widget), "as-tooltip-lazy") != NULL)
    text = g_object_get_data (G_OBJECT (widget), "as-tooltip-text");
  else if (g_object_get_data (G_OBJECT (widget), "as-tooltip-from-label") != NULL)
    text = gtk_label_get_text (GTK_LABEL (widget));
  else
    text = gtk_widget_get_tooltip_text (widget);
  return text != NULL && *text != '\0' ? text : NULL;
}
