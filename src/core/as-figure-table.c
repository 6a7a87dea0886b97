/* The figure's matrix as TSV or CSV (see as-figure-table.h). */

#include "config.h"

#include <string.h>

#include "as-figure-private.h"
#include "as-figure-table.h"

static void
append_field (GString    *out,
              const char *text,
              char        separator)
{
  if (text == NULL)
    text = "";
  if (strchr (text, separator) == NULL && strpbrk (text, "\"\n\r") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_panel (GString  *out,
              AsFigure *self,
              guint     panel,
              char      separator)
{
  guint n_rows = as_figure_get_n_rows (self);
  guint n_columns = as_figure_get_n_columns (self);

  for (guint c = 0; c < n_columns; c++)
    {
      g_string_append_c (out, separator);
      append_field (out, as_figure_get_column_label (self, c), separator);
    }
  g_string_append_c (out, '\n');
  for (guint r = 0; r < n_rows; r++)
    {
      append_field (out, as_figure_get_row_output (self, r), separator);
      for (guint c = 0; c < n_columns; c++)
        {
          char number[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append_c (out, separator);
          if (as_figure_is_masked (self, r, c))
            continue;
          g_ascii_formatd (number, sizeof number, "%.6g", as_figure_get_panel_weight (self, panel, r, c));
          g_string_append (out, number);
        }
      g_string_append_c (out, '\n');
    }
}

char *
as_figure_to_table (AsFigure *self,
                    char      separator)
{
  GString *out = g_string_new (NULL);
  guint n_panels;

  g_return_val_if_fail (self != NULL, g_string_free (out, FALSE));

  n_panels = as_figure_get_n_panels (self);
  if (n_panels <= 1)
    {
      append_panel (out, self, 0, separator);
      return g_string_free (out, FALSE);
    }
  for (guint p = 0; p < n_panels; p++)
    {
      g_autofree char *caption = _as_figure_panel_caption (self, p);

      if (p > 0)
        g_string_append_c (out, '\n');
      append_field (out, caption, separator);
      g_string_append_c (out, '\n');
      append_panel (out, self, p, separator);
    }
  return g_string_free (out, FALSE);
}
