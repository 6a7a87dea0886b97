/* The figure as a file: SVG, PNG or PDF, drawn by the same function as the
 * screen and written atomically. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "as-error.h"
#include "as-figure-compare.h"
#include "as-figure-private.h"
#include "as-file-write.h"

/* The export's styles (exports never follow the screen's): the light one is
 * the figure's own default (as-figure.c); the dark one is Adwaita's dark
 * view. */
static const AsFigureColor light_fg = { 0.12, 0.12, 0.12, 1.0 };
static const AsFigureColor light_bg = { 1.0, 1.0, 1.0, 1.0 };
static const AsFigureColor light_accent = { 0.21, 0.52, 0.89, 1.0 };
static const AsFigureColor light_warning = { 0.75, 0.11, 0.16, 1.0 };
static const AsFigureColor dark_fg = { 1.0, 1.0, 1.0, 1.0 };
static const AsFigureColor dark_bg = { 0.12, 0.12, 0.12, 1.0 };
static const AsFigureColor dark_accent = { 0.47, 0.68, 0.93, 1.0 };
static const AsFigureColor dark_warning = { 1.0, 0.48, 0.39, 1.0 };
static const AsFigureColor transparent_bg = { 1.0, 1.0, 1.0, 0.0 };

static const char *const background_names[] = { "light", "dark", "transparent" };

gboolean
as_figure_background_from_name (const char         *name,
                                AsFigureBackground *background)
{
  for (guint i = 0; i < G_N_ELEMENTS (background_names); i++)
    if (g_strcmp0 (name, background_names[i]) == 0)
      {
        *background = (AsFigureBackground) i;
        return TRUE;
      }
  return FALSE;
}

const char *
as_figure_background_to_name (AsFigureBackground background)
{
  g_return_val_if_fail ((guint) background < G_N_ELEMENTS (background_names), NULL);
  return background_names[background];
}

/* Export */

/* The largest side of an SVG or PDF, in units: 16 metres at 96 per inch */
#define MAX_VECTOR_SIDE 600000

typedef enum
{
  FORMAT_SVG,
  FORMAT_PNG,
  FORMAT_PDF,
} Format;

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* What the figure shows, in words: "Source tokens: i am hungry(?) EOS.
 * Decoder steps (token fed in → token that came out): 1. SOS → 我; ...".
 * (Each entry cut as the figure draws it: a 100,000-character token
 * would otherwise be in the file once per row.) */
static char *
describe_for_file (AsFigure *self)
{
  GString *text = g_string_new (NULL);
  g_autofree char *columns = _as_figure_axis_noun (self->columns, FALSE, TRUE, TRUE);
  g_autofree char *rows = _as_figure_axis_noun (self->rows, FALSE, TRUE, TRUE);
  const char *legend = as_figure_axis_get_words (self->rows)->legend;

  if (self->subject != NULL)
    {
      g_string_append (text, self->subject);
      g_string_append (text, C_("end of a sentence", "."));
      g_string_append_c (text, '\n');
    }
  g_string_append (text, columns);
  g_string_append (text, C_("before a list", ":"));
  for (guint c = 0; c < self->n_columns; c++)
    {
      g_autofree char *entry = _as_figure_axis_entry_text (self->columns, c);
      g_autofree char *cut = NULL;

      g_string_append_printf (text, " %s%s", _as_figure_cut_text (entry, &cut),
                              (as_figure_axis_get_marks (self->columns, c) & AS_FIGURE_MARK_UNKNOWN) ? "(?)" : "");
    }
  g_string_append (text, C_("end of a sentence", "."));
  g_string_append_c (text, '\n');
  g_string_append (text, rows);
  if (legend != NULL)
    /* Translators: how to read the rows, after their noun: "Decoder steps (token fed in → token that came out)" */
    g_string_append_printf (text, _(" (%s)"), _(legend));
  g_string_append (text, C_("before a list", ":"));
  for (guint r = 0; r < self->n_rows; r++)
    {
      g_autofree char *entry = _as_figure_axis_entry_text (self->rows, r);
      g_autofree char *cut = NULL;

      g_string_append_printf (text, "%s%u. %s%s", r == 0 ? " " : C_("between the items of a list", "; "), r + 1,
                              _as_figure_cut_text (entry, &cut),
                              (as_figure_axis_get_marks (self->rows, r) & AS_FIGURE_MARK_UNKNOWN) ? "(?)" : "");
    }
  g_string_append (text, C_("end of a sentence", "."));
  if (self->n_rows > 0)
    {
      g_autofree char *step = _as_figure_axis_noun (self->rows, TRUE, FALSE, self->step < 0);

      g_string_append_c (text, '\n');
      if (self->step >= 0)
        /* Translators: the row shown: a noun, its number, of how many */
        g_string_append_printf (text, _("Shown at %s %d of %u: rows after it are dimmed."),
                                step, self->step + 1, self->n_rows);
      else
        /* Translators: the number of rows and their noun, in plural */
        g_string_append_printf (text, _("All %u %s shown."), self->n_rows, step);
    }
  if (_as_figure_shows_lines (self))
    {
      g_autofree char *from = _as_figure_axis_noun (self->columns, FALSE, FALSE, TRUE);
      g_autofree char *to = _as_figure_axis_noun (self->rows, FALSE, FALSE, TRUE);

      g_string_append_c (text, '\n');
      /* Translators: the lines view: the columns' noun, the rows' noun (both plural), the least weight drawn */
      g_string_append_printf (text, _("Drawn as lines from each of the %s (left) to each of the %s (right), "
                                      "wider and more opaque as the weight grows; weights below %.2f are not drawn."),
                              from, to, LINES_MIN_WEIGHT);
    }
  if (self->row_lengths != NULL)
    {
      g_autofree char *rows_noun = _as_figure_axis_noun (self->rows, TRUE, FALSE, TRUE);
      g_autofree char *columns_noun = _as_figure_axis_noun (self->columns, TRUE, FALSE, TRUE);

      g_string_append_c (text, '\n');
      /* Translators: the rows' noun, the columns' noun, both plural */
      g_string_append_printf (text, _("Hatched cells are masked: %s do not see the %s that come after them."),
                              rows_noun, columns_noun);
    }

  return g_string_free (text, FALSE);
}

static char *
title_for_file (AsFigure *self)
{
  if (self->sentence != NULL)
    /* Translators: an exported file's title: the sentence and its translation */
    return g_strdup_printf (_("Attention: %s → %s"), self->sentence,
                            self->translation != NULL ? self->translation : "");
  return g_strdup (_("Attention"));
}

/* @text (@length bytes, or -1) as XML character data or an attribute:
 * markup escaped, and the characters that XML 1.0 forbids (C0 controls but
 * tab, newline and carriage return; U+FFFE, U+FFFF), with the others that
 * are never printed as they are (as_char_needs_escape: DEL, C1, bidi
 * controls, the line and paragraph separators), shown as the command line
 * shows them,
 * "\u0001": an SVG is always well-formed, and says what it holds. */
static char *
escape_for_xml (const char *text,
                gssize      length)
{
  g_autofree char *valid = g_utf8_make_valid (text, length);
  GString *out = g_string_sized_new (strlen (valid) + 16);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '&': g_string_append (out, "&amp;"); break;
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        case '\'': g_string_append (out, "&apos;"); break;
        case '\t': case '\n': case '\r':
          g_string_append_c (out, (char) c);
          break;
        default:
          if (as_char_needs_escape (c))
            g_string_append_printf (out, "\\u%04X", c);
          else
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
          break;
        }
    }
  return g_string_free (out, FALSE);
}

static gboolean
xml_allows (gunichar c)
{
  return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xd7ff) ||
         (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/* The SVG is well-formed XML 1.0 (GMarkup for the structure; it lets
 * forbidden characters through, raw or as references such as "&#x1;",
 * which every XML parser refuses, so they are looked for here): an export
 * never reports success for a file that browsers and Inkscape refuse. */
static gboolean
check_svg (GByteArray  *svg,
           const char  *path,
           GError     **error)
{
  static const GMarkupParser parser = { NULL, NULL, NULL, NULL, NULL };
  const char *data = (const char *) svg->data;
  const char *end = data + svg->len;
  const char *bad = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (GMarkupParseContext) context = NULL;

  if (!g_utf8_validate_len (data, svg->len, &bad))
    goto fail;
  for (const char *p = data; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!xml_allows (c))
        {
          bad = p;
          goto fail;
        }
      if (c == '&' && end - p > 2 && p[1] == '#')
        {
          gboolean hex = p[2] == 'x';
          guint64 value = 0;
          const char *q = p + (hex ? 3 : 2);

          for (; q < end && g_ascii_isxdigit (*q) && value <= 0x10ffff; q++)
            value = value * (hex ? 16 : 10) + (hex ? g_ascii_xdigit_value (*q) : g_ascii_digit_value (*q));
          if (value > 0x10ffff || !xml_allows ((gunichar) value))
            {
              bad = p;
              goto fail;
            }
        }
    }
  context = g_markup_parse_context_new (&parser, 0, NULL, NULL);
  if (g_markup_parse_context_parse (context, data, svg->len, &local) &&
      g_markup_parse_context_end_parse (context, &local))
    return TRUE;

fail:
  g_set_error (error, AS_ERROR, AS_ERROR_FILE,
               _("Could not export to “%s”: the SVG made is not well-formed XML (%s); nothing was written"), path,
               local != NULL ? local->message : bad != NULL ? _("a character XML does not allow") : "?");
  return FALSE;
}

/* Of a pair (@right not NULL): both titles, both descriptions, each named
 * by its side. */
static char *
pair_title_for_file (AsFigure *self,
                     AsFigure *right)
{
  g_autofree char *left_title = title_for_file (self);
  g_autofree char *right_title = NULL;

  if (right == NULL)
    return g_steal_pointer (&left_title);
  right_title = title_for_file (right);
  /* Translators: the title of a file of two figures side by side: the left one's, the right one's */
  return g_strdup_printf (_("%s | %s"), left_title, right_title);
}

static char *
pair_describe_for_file (AsFigure *self,
                        AsFigure *right)
{
  g_autofree char *left_desc = describe_for_file (self);
  g_autofree char *right_desc = NULL;
  g_autofree char *left_title = NULL;
  g_autofree char *right_title = NULL;

  if (right == NULL)
    return g_steal_pointer (&left_desc);
  right_desc = describe_for_file (right);
  left_title = title_for_file (self);
  right_title = title_for_file (right);
  /* Translators: the description of a file of two figures side by side: each one's title and description */
  return g_strdup_printf (_("Left: %s\n%s\n\nRight: %s\n%s"), left_title, left_desc, right_title, right_desc);
}

/* cairo's SVG has no text elements (glyphs are paths): give the document a
 * <title> and <desc> so that it says what it shows, to people using screen
 * readers and to anything searching the file. */
static void
add_svg_description (AsFigure   *self,
                     AsFigure   *right,
                     GByteArray *svg)
{
  g_autofree char *title = pair_title_for_file (self, right);
  g_autofree char *desc = pair_describe_for_file (self, right);
  g_autofree char *title_escaped = escape_for_xml (title, -1);
  g_autofree char *desc_escaped = escape_for_xml (desc, -1);
  g_autofree char *insert = g_strdup_printf ("\n<title>%s</title>\n<desc>%s</desc>",
                                             title_escaped, desc_escaped);
  const char *data = (const char *) svg->data;
  const char *root = g_strstr_len (data, svg->len, "<svg");
  const char *end;

  if (root == NULL)
    return;
  end = memchr (root, '>', svg->len - (root - data));
  if (end == NULL)
    return;

  {
    guint at = (guint) (end - data) + 1;
    g_autoptr (GByteArray) rest = g_byte_array_new ();

    g_byte_array_append (rest, svg->data + at, svg->len - at);
    g_byte_array_set_size (svg, at);
    g_byte_array_append (svg, (const guint8 *) insert, strlen (insert));
    g_byte_array_append (svg, rest->data, rest->len);
  }
}

/* The cells of a large matrix are one embedded image, one pixel per cell:
 * ask SVG renderers to scale it without smoothing, as the screen does. */
static void
keep_svg_images_crisp (GByteArray *svg)
{
  GString *text = g_string_new_len ((const char *) svg->data, svg->len);

  g_string_replace (text, "<image ",
                    "<image image-rendering=\"optimizeSpeed\" style=\"image-rendering:pixelated\" ", 0);
  g_byte_array_set_size (svg, 0);
  g_byte_array_append (svg, (const guint8 *) text->str, text->len);
  g_string_free (text, TRUE);
}

/* Text as text (SVG): show_text() hands each layout to the sink set on the
 * cairo context, which writes one <text> per run of it (a run has one font
 * and one language: a Chinese run names the CJK font that drew it) where
 * pango would have drawn it, in the context's matrix (the rotated column
 * labels), colour and clip. They are added over the drawing at its end. */

static cairo_user_data_key_t text_sink_key;

static void
append_number (GString    *out,
               const char *name,
               double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, " %s=\"%s\"", name, g_ascii_formatd (buffer, sizeof buffer, "%.3f", value));
}

static void
append_family (GString    *out,
               const char *family)
{
  g_autofree char *escaped = escape_for_xml (family, -1);

  /* a family name in CSS: quoted when it is more than a word */
  if (strpbrk (family, " ,'\"") != NULL)
    {
      g_string_append_c (out, '\'');
      for (const char *p = escaped; *p != '\0'; p++)
        if (*p != '\'')
          g_string_append_c (out, *p);
      g_string_append_c (out, '\'');
    }
  else
    g_string_append (out, escaped);
}

/* The language of @item, when the text says one: a language attribute, or
 * one the context was given (not the locale's default). */
static const char *
item_language (PangoLayout *layout,
               PangoItem   *item)
{
  PangoLanguage *language = item->analysis.language;
  PangoAttrList *attributes = pango_layout_get_attributes (layout);
  gboolean known = language != NULL && language != pango_language_get_default ();

  if (!known && attributes != NULL && language != NULL)
    {
      PangoAttrIterator *iter = pango_attr_list_get_iterator (attributes);

      do
        {
          gint start, end;

          pango_attr_iterator_range (iter, &start, &end);
          if (start <= item->offset && item->offset < end &&
              pango_attr_iterator_get (iter, PANGO_ATTR_LANGUAGE) != NULL)
            known = TRUE;
        }
      while (!known && pango_attr_iterator_next (iter));
      pango_attr_iterator_destroy (iter);
    }
  return known ? pango_language_to_string (language) : NULL;
}

/* pango's "zh-cn" in BCP 47's usual case: "zh-CN" (a region upper case, a
 * script title case: "zh-Hans"), markup-safe. */
static char *
language_tag (const char *language)
{
  g_auto (GStrv) subtags = g_strsplit (language, "-", -1);
  g_autofree char *tag = NULL;

  for (guint i = 0; subtags[i] != NULL; i++)
    {
      for (char *p = subtags[i]; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p))
          *p = 'x';
      if (i > 0 && strlen (subtags[i]) == 2)
        for (char *p = subtags[i]; *p != '\0'; p++)
          *p = g_ascii_toupper (*p);
      else if (i > 0 && strlen (subtags[i]) == 4)
        subtags[i][0] = g_ascii_toupper (subtags[i][0]);
    }
  tag = g_strjoinv ("-", subtags);
  return g_steal_pointer (&tag);
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

static void
write_text (GString     *out,
            cairo_t     *cr,
            PangoLayout *layout)
{
  const PangoFontDescription *font = pango_layout_get_font_description (layout);
  const char *text = pango_layout_get_text (layout);
  const char *generic = font != NULL ? pango_font_description_get_family (font) : NULL;
  double x0, y0, clip_x1, clip_y1, clip_x2, clip_y2;
  double red = 0.0, green = 0.0, blue = 0.0, alpha = 1.0;
  double size = 12.0;
  int weight = PANGO_WEIGHT_NORMAL;
  gboolean italic = FALSE;
  cairo_matrix_t matrix;
  PangoLayoutIter *iter;

  cairo_get_current_point (cr, &x0, &y0);
  cairo_get_matrix (cr, &matrix);
  cairo_clip_extents (cr, &clip_x1, &clip_y1, &clip_x2, &clip_y2);
  if (cairo_pattern_get_rgba (cairo_get_source (cr), &red, &green, &blue, &alpha) != CAIRO_STATUS_SUCCESS)
    red = green = blue = 0.0, alpha = 1.0;
  if (font != NULL)
    {
      size = pango_font_description_get_size (font) / (double) PANGO_SCALE;
      if (!pango_font_description_get_size_is_absolute (font))
        size *= AS_FIGURE_EXPORT_UNITS_PER_INCH / 72.0;
      weight = pango_font_description_get_weight (font);
      italic = pango_font_description_get_style (font) != PANGO_STYLE_NORMAL;
    }

  iter = pango_layout_get_iter (layout);
  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (iter);
      PangoItem *item;
      PangoRectangle logical;
      g_autofree char *escaped = NULL;
      g_autoptr (PangoFontDescription) used = NULL;
      const char *language;
      double x, y;

      if (run == NULL)
        continue;
      item = run->item;
      pango_layout_iter_get_run_extents (iter, NULL, &logical);
      x = x0 + logical.x / (double) PANGO_SCALE;
      y = y0 + pango_layout_iter_get_baseline (iter) / (double) PANGO_SCALE;

      /* clipped away (a label scrolled out of view) */
      if (x + logical.width / (double) PANGO_SCALE <= clip_x1 || x >= clip_x2 ||
          y0 + (logical.y + logical.height) / (double) PANGO_SCALE <= clip_y1 ||
          y0 + logical.y / (double) PANGO_SCALE >= clip_y2)
        continue;

      if (item->analysis.flags & PANGO_ANALYSIS_FLAG_IS_ELLIPSIS)
        escaped = g_strdup ("…");
      else
        escaped = escape_for_xml (text + item->offset, item->length);
      if (is_blank (escaped))
        continue;

      g_string_append (out, "<text xml:space=\"preserve\"");
      append_number (out, "x", x);
      append_number (out, "y", y);
      if (matrix.xx != 1.0 || matrix.yx != 0.0 || matrix.xy != 0.0 || matrix.yy != 1.0 ||
          matrix.x0 != 0.0 || matrix.y0 != 0.0)
        {
          char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE];
          char d[G_ASCII_DTOSTR_BUF_SIZE], e[G_ASCII_DTOSTR_BUF_SIZE], f[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append_printf (out, " transform=\"matrix(%s %s %s %s %s %s)\"",
                                  g_ascii_formatd (a, sizeof a, "%.6f", matrix.xx),
                                  g_ascii_formatd (b, sizeof b, "%.6f", matrix.yx),
                                  g_ascii_formatd (c, sizeof c, "%.6f", matrix.xy),
                                  g_ascii_formatd (d, sizeof d, "%.6f", matrix.yy),
                                  g_ascii_formatd (e, sizeof e, "%.3f", matrix.x0),
                                  g_ascii_formatd (f, sizeof f, "%.3f", matrix.y0));
        }

      /* the font that drew the run, then the family asked for */
      g_string_append (out, " font-family=\"");
      if (item->analysis.font != NULL)
        used = pango_font_describe (item->analysis.font);
      if (used != NULL && pango_font_description_get_family (used) != NULL &&
          g_strcmp0 (pango_font_description_get_family (used), generic) != 0)
        {
          append_family (out, pango_font_description_get_family (used));
          g_string_append (out, ", ");
        }
      if (generic != NULL && g_ascii_strcasecmp (generic, "sans") != 0 &&
          g_ascii_strcasecmp (generic, "sans-serif") != 0)
        {
          append_family (out, generic);
          g_string_append (out, ", ");
        }
      g_string_append (out, "sans-serif\"");
      append_number (out, "font-size", size);
      if (weight != PANGO_WEIGHT_NORMAL)
        g_string_append_printf (out, " font-weight=\"%d\"", weight);
      if (italic)
        g_string_append (out, " font-style=\"italic\"");
      g_string_append_printf (out, " fill=\"#%02x%02x%02x\"", (int) round (red * 255.0),
                              (int) round (green * 255.0), (int) round (blue * 255.0));
      if (alpha < 1.0)
        append_number (out, "fill-opacity", alpha);
      language = item_language (layout, item);
      if (language != NULL)
        {
          g_autofree char *tag = language_tag (language);

          g_string_append_printf (out, " xml:lang=\"%s\"", tag);
        }
      g_string_append_printf (out, ">%s</text>\n", escaped);
    }
  while (pango_layout_iter_next_run (iter));
  pango_layout_iter_free (iter);
}

gboolean
_as_figure_text_sink_take (cairo_t             *cr,
                           struct _PangoLayout *layout)
{
  GString *out = cairo_get_user_data (cr, &text_sink_key);

  if (out == NULL)
    return FALSE;
  write_text (out, cr, layout);
  return TRUE;
}

/* Adds @text before the end of the document. */
static void
add_svg_text (GByteArray *svg,
              GString    *text)
{
  const char *data = (const char *) svg->data;
  const char *end = NULL;

  for (const char *p = g_strstr_len (data, svg->len, "</svg>"); p != NULL;
       p = g_strstr_len (p + 1, svg->len - (p + 1 - data), "</svg>"))
    end = p;
  if (end == NULL || text->len == 0)
    return;

  {
    guint at = (guint) (end - data);
    g_autoptr (GByteArray) rest = g_byte_array_new ();

    g_byte_array_append (rest, svg->data + at, svg->len - at);
    g_byte_array_set_size (svg, at);
    g_byte_array_append (svg, (const guint8 *) text->str, text->len);
    g_byte_array_append (svg, rest->data, rest->len);
  }
}

/* A PNG says its resolution (a pHYs chunk after the header), so that a
 * word processor places a 300 dpi figure at its size in inches. */
static guint32
png_crc (const guint8 *data,
         gsize         length)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320 & (0u - (crc & 1)));
    }
  return crc ^ 0xffffffff;
}

static void
put_be32 (guint8  *p,
          guint32  value)
{
  p[0] = value >> 24;
  p[1] = value >> 16;
  p[2] = value >> 8;
  p[3] = value;
}

static void
add_png_resolution (GByteArray *png,
                    double      scale)
{
  const guint header_end = 8 + 4 + 4 + 13 + 4;  /* signature, IHDR */
  guint32 per_metre = (guint32) round (scale * AS_FIGURE_EXPORT_UNITS_PER_INCH / 0.0254);
  guint8 chunk[4 + 4 + 9 + 4];

  if (png->len < header_end || memcmp (png->data + 12, "IHDR", 4) != 0)
    return;
  put_be32 (chunk, 9);
  memcpy (chunk + 4, "pHYs", 4);
  put_be32 (chunk + 8, per_metre);
  put_be32 (chunk + 12, per_metre);
  chunk[16] = 1;  /* the unit is the metre */
  put_be32 (chunk + 17, png_crc (chunk + 4, 4 + 9));
  g_byte_array_set_size (png, png->len + sizeof chunk);
  memmove (png->data + header_end + sizeof chunk, png->data + header_end, png->len - sizeof chunk - header_end);
  memcpy (png->data + header_end, chunk, sizeof chunk);
}

static void
set_export_colors (AsFigure           *self,
                   AsFigureBackground  background)
{
  switch (background)
    {
    case AS_FIGURE_BACKGROUND_DARK:
      as_figure_set_colors (self, &dark_fg, &dark_bg, &dark_accent, &dark_warning);
      break;
    case AS_FIGURE_BACKGROUND_TRANSPARENT:
      as_figure_set_colors (self, &light_fg, &transparent_bg, &light_accent, &light_warning);
      break;
    case AS_FIGURE_BACKGROUND_LIGHT:
    default:
      as_figure_set_colors (self, &light_fg, &light_bg, &light_accent, &light_warning);
      break;
    }
}

/* @self, or @self and @right side by side (as_figure_draw_pair()) */
static gboolean
render_to_bytes (AsFigure                    *self,
                 AsFigure                    *right,
                 Format                       format,
                 const AsFigureExportOptions *options,
                 gboolean                     restyle,
                 GByteArray                  *bytes,
                 const char                  *path,
                 GError                     **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  AsFigurePart hover_part, right_hover_part = AS_FIGURE_PART_NONE;
  AsFigureColor fg, bg, accent, warning;
  AsFigureColor right_fg, right_bg, right_accent, right_warning;
  g_autoptr (GString) text = NULL;
  gboolean as_on_screen = options->width > 0 || options->height > 0;
  double scale = format == FORMAT_PNG && options->scale > 0.0 ? options->scale : 1.0;
  int width, height, pixel_width, pixel_height;

  if (right != NULL)
    as_figure_get_pair_natural_size (self, right, &width, &height);
  else
    as_figure_get_natural_size (self, &width, &height);
  if (options->width > 0)
    width = options->width;
  if (options->height > 0)
    height = options->height;
  pixel_width = (int) ceil (width * scale - 1e-6);
  pixel_height = (int) ceil (height * scale - 1e-6);
  /* cairo's images stop at 32767 pixels a side (its own message would be
   * "invalid value (typically too big) for the size of the input (surface,
   * pattern, etc.)"); vectors have no such bound */
  if (format == FORMAT_PNG && (pixel_width > AS_FIGURE_EXPORT_MAX_SIDE || pixel_height > AS_FIGURE_EXPORT_MAX_SIDE))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE,
                   _("Could not export to “%s”: %d x %d pixels is too large for PNG (at most %d on a side); "
                     "export to SVG or PDF instead, which have no such limit"),
                   path, pixel_width, pixel_height, AS_FIGURE_EXPORT_MAX_SIDE);
      return FALSE;
    }
  if (width > MAX_VECTOR_SIDE || height > MAX_VECTOR_SIDE)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE,
                   _("Could not export to “%s”: %d x %d units is too large (at most %d on a side)"),
                   path, width, height, MAX_VECTOR_SIDE);
      return FALSE;
    }

  switch (format)
    {
    case FORMAT_SVG:
      surface = cairo_svg_surface_create_for_stream (append_bytes, bytes, width, height);
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
      break;
    case FORMAT_PDF:
      {
        g_autofree char *title = pair_title_for_file (self, right);

        surface = cairo_pdf_surface_create_for_stream (append_bytes, bytes, width, height);
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
        if (self->subject != NULL)
          cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_SUBJECT, self->subject);
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "AttnScope " AS_VERSION);
      }
      break;
    case FORMAT_PNG:
    default:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pixel_width, pixel_height);
      break;
    }

  /* what the pointer is over is no part of the file, nor the screen's style */
  hover_part = self->hover_part;
  self->hover_part = AS_FIGURE_PART_NONE;
  as_figure_get_colors (self, &fg, &bg, &accent, &warning);
  if (restyle)
    set_export_colors (self, options->background);
  if (right != NULL)
    {
      right_hover_part = right->hover_part;
      right->hover_part = AS_FIGURE_PART_NONE;
      as_figure_get_colors (right, &right_fg, &right_bg, &right_accent, &right_warning);
      if (restyle)
        set_export_colors (right, options->background);
    }

  cr = cairo_create (surface);
  if (format == FORMAT_SVG && options->svg_text)
    {
      text = g_string_new ("<g class=\"text\">\n");
      cairo_set_user_data (cr, &text_sink_key, text, NULL);
    }
  if (format == FORMAT_PNG && self->bg.alpha > 0.0)
    {
      /* the last row and column of pixels, partly covered at a scale such as 300 dpi's */
      cairo_set_source_rgb (cr, self->bg.red, self->bg.green, self->bg.blue);
      cairo_paint (cr);
    }
  if (scale != 1.0)
    cairo_scale (cr, scale, scale);
  if (right != NULL)
    _as_figure_draw_pair (self, right, cr, width, height, !as_on_screen);
  else
    _as_figure_draw_for_file (self, cr, width, height, !as_on_screen);
  status = cairo_status (cr);
  cairo_destroy (cr);

  as_figure_set_colors (self, &fg, &bg, &accent, &warning);
  self->hover_part = hover_part;
  if (right != NULL)
    {
      as_figure_set_colors (right, &right_fg, &right_bg, &right_accent, &right_warning);
      right->hover_part = right_hover_part;
    }

  if (status == CAIRO_STATUS_SUCCESS && format == FORMAT_PNG)
    status = cairo_surface_write_to_png_stream (surface, append_bytes, bytes);

  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE,
                   _("Could not draw the figure for “%s”: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }

  if (format == FORMAT_SVG)
    {
      add_svg_description (self, right, bytes);
      keep_svg_images_crisp (bytes);
      if (text != NULL)
        {
          g_string_append (text, "</g>\n");
          add_svg_text (bytes, text);
        }
      if (!check_svg (bytes, path, error))
        return FALSE;
    }
  else if (format == FORMAT_PNG)
    add_png_resolution (bytes, scale);

  return TRUE;
}

static gboolean
export (AsFigure                    *self,
        AsFigure                    *right,
        const char                  *path,
        const AsFigureExportOptions *options,
        gboolean                     restyle,
        GError                     **error)
{
  g_autoptr (GByteArray) bytes = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *shown = as_escape_controls (path);
  const char *dot;
  Format format;

  lower = g_ascii_strdown (path, -1);
  dot = strrchr (lower, '.');
  if (dot != NULL && strchr (dot, '/') == NULL && strcmp (dot, ".svg") == 0)
    format = FORMAT_SVG;
  else if (dot != NULL && strchr (dot, '/') == NULL && strcmp (dot, ".png") == 0)
    format = FORMAT_PNG;
  else if (dot != NULL && strchr (dot, '/') == NULL && strcmp (dot, ".pdf") == 0)
    format = FORMAT_PDF;
  else
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE,
                   _("Could not export to “%s”: the file name must end in .svg, .png or .pdf"), shown);
      return FALSE;
    }

  if ((guint) options->background > AS_FIGURE_BACKGROUND_TRANSPARENT)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, _("Could not export to “%s”: unknown background"), shown);
      return FALSE;
    }
  if (options->scale != 0.0 &&
      !(options->scale >= AS_FIGURE_EXPORT_MIN_SCALE && options->scale <= AS_FIGURE_EXPORT_MAX_SCALE))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE,
                   _("Could not export to “%s”: the scale must be between %g and %g"), shown,
                   AS_FIGURE_EXPORT_MIN_SCALE, AS_FIGURE_EXPORT_MAX_SCALE);
      return FALSE;
    }
  if (options->width < 0 || options->height < 0 ||
      options->width > AS_FIGURE_EXPORT_MAX_SIDE || options->height > AS_FIGURE_EXPORT_MAX_SIDE)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE,
                   _("Could not export to “%s”: the size must be between 1 and %d on a side"), shown,
                   AS_FIGURE_EXPORT_MAX_SIDE);
      return FALSE;
    }

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, _("Could not write “%s”: it is a folder"), shown);
      return FALSE;
    }

  bytes = g_byte_array_new ();
  /* its messages show the path as model paths are shown (as_escape_controls) */
  if (!render_to_bytes (self, right, format, options, restyle, bytes, shown, error))
    return FALSE;

  return as_file_write_atomically (path, bytes->data, bytes->len, error);
}

gboolean
as_figure_export (AsFigure   *self,
                  const char *path,
                  GError    **error)
{
  static const AsFigureExportOptions defaults = { AS_FIGURE_BACKGROUND_LIGHT, 1.0, FALSE, 0, 0 };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return export (self, NULL, path, &defaults, FALSE, error);
}

gboolean
as_figure_export_with_options (AsFigure                    *self,
                               const char                  *path,
                               const AsFigureExportOptions *options,
                               GError                     **error)
{
  static const AsFigureExportOptions defaults = { AS_FIGURE_BACKGROUND_LIGHT, 1.0, FALSE, 0, 0 };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return export (self, NULL, path, options != NULL ? options : &defaults, TRUE, error);
}

gboolean
as_figure_export_pair_with_options (AsFigure                    *left,
                                    AsFigure                    *right,
                                    const char                  *path,
                                    const AsFigureExportOptions *options,
                                    GError                     **error)
{
  static const AsFigureExportOptions defaults = { AS_FIGURE_BACKGROUND_LIGHT, 1.0, FALSE, 0, 0 };

  g_return_val_if_fail (left != NULL, FALSE);
  g_return_val_if_fail (right != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return export (left, right, path, options != NULL ? options : &defaults, TRUE, error);
}

/* For as-figure-book.c: the colours of an exported figure. */
void
_as_figure_set_export_colors (AsFigure           *self,
                              AsFigureBackground  background)
{
  set_export_colors (self, background);
}
