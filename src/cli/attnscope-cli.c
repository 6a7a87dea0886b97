/* attnscope-cli: the engine without a window.
 *
 *   attnscope-cli info [MODEL]
 *   attnscope-cli translate [MODEL] SENTENCE [--target T] [--beam K] [--max-len N] [--top K] [--json]
 *                           [--kind K] [--layer L] [--head H|mean]
 *   attnscope-cli render [MODEL] SENTENCE -o FILE.svg|png|pdf [--step N] [--target T] [--colormap NAME]
 *                        [--color-scale one|max|row|log]
 *                        [--kind K] [--layer L] [--head H|mean]
 *                        [--scale S | --dpi D] [--width W] [--height H] [--background B] [--svg-text]
 *   attnscope-cli render [MODEL] --batch SENTENCES -o FIGURES.pdf | -o FOLDER/ [--format svg|png|pdf] [...]
 *   attnscope-cli align [MODEL] PAIRS [--gold GOLD] [--threshold T] [-o FILE] [--layer L] [--head H|mean]
 *
 * Without MODEL, the bundled default model is used. Every failure is one
 * line on stderr and a non-zero exit; nothing is written on failure.
 * Text is taken and printed as UTF-8 whatever the locale (GOption would
 * convert --target from the locale's character set, g_print() to it), so
 * --target is read as raw bytes and checked here. */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "as-cli-commands.h"
#include "as-error.h"
#include "as-json-session.h"
#include "as-figure-session.h"
#include "as-model.h"
#include "as-paths.h"
#include "as-session.h"

#define EXIT_USAGE 2

/* An option whose every int value means something (-2147483648 included),
 * so that none is left to stand for "not given": --step, --max-len, --layer
 * (default: the kind's last layer), --width and --height (default: the
 * figure's natural size). */
typedef struct
{
  int      value;
  gboolean given;
} IntOption;

typedef struct
{
  char    *target;
  int      beam;
  IntOption max_len;
  int      top;
  gboolean json;
  char    *output;
  IntOption step;
  char    *colormap;
  char    *color_scale;
  char    *kind_name;
  IntOption layer;
  char    *head_name;
  gboolean grid;
  gboolean list;
  /* render's file */
  char    *scale_text;
  char    *dpi_text;
  IntOption width;
  IntOption height;
  char    *background;
  gboolean svg_text;
  /* render --batch (as-cli-batch.c) and align (as-cli-align.c) */
  char    *batch;
  char    *format;
  char    *gold;
  char    *threshold_text;
  /* the attention shown, from --kind, --layer and --head */
  AsAttentionKind kind;
  int      head;                /* or AS_ATTENTION_MEAN */
} Options;

static void
options_clear (Options *o)
{
  g_free (o->target);
  g_free (o->output);
  g_free (o->colormap);
  g_free (o->color_scale);
  g_free (o->kind_name);
  g_free (o->head_name);
  g_free (o->scale_text);
  g_free (o->dpi_text);
  g_free (o->background);
  g_free (o->batch);
  g_free (o->format);
  g_free (o->gold);
  g_free (o->threshold_text);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

/* GOption's callback for the IntOption options (@data: the Options). */
static gboolean
parse_int_option (const char  *name,
                  const char  *value,
                  gpointer     data,
                  GError     **error)
{
  Options *o = data;
  IntOption *option;
  gint64 number;

  if (g_str_equal (name, "--step") || g_str_equal (name, "-s"))
    option = &o->step;
  else if (g_str_equal (name, "--max-len") || g_str_equal (name, "-m"))
    option = &o->max_len;
  else if (g_str_equal (name, "--layer"))
    option = &o->layer;
  else if (g_str_equal (name, "--width"))
    option = &o->width;
  else if (g_str_equal (name, "--height"))
    option = &o->height;
  else
    g_return_val_if_reached (FALSE);
  if (!g_ascii_string_to_signed (value, 10, G_MININT, G_MAXINT, &number, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s must be a whole number, not “%s”", name, value);
      return FALSE;
    }
  option->value = (int) number;
  option->given = TRUE;
  return TRUE;
}

/* Every message goes out as one line, escaped by the rule of everything
 * printed (as_escape_controls): a path, a command or a token in it cannot
 * drive the terminal. */
static void
print_message (const char *message,
               const char *after)
{
  g_autofree char *shown = as_escape_controls (message);

  fprintf (stderr, "attnscope-cli: %s%s\n", shown, after);
}

static int
usage_error (const char *message)
{
  print_message (message, " (see attnscope-cli --help)");
  return EXIT_USAGE;
}

static int
report (const GError *error)
{
  print_message (error->message, "");
  return EXIT_FAILURE;
}

/* [MODEL] SENTENCE, or [MODEL] for info: loads the model named or the default one. */
static AsModel *
load_model (const char  *path,
            GError     **error)
{
  g_autofree char *fallback = NULL;

  if (path == NULL)
    {
      fallback = as_default_model_path ();
      if (!g_file_test (fallback, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, AS_ERROR, AS_ERROR_FILE,
                       "no model named and the default model %s is missing", fallback);
          return NULL;
        }
      path = fallback;
    }
  {
    /* a bundled model's name ("en-zh-transformer") or a path */
    g_autofree char *resolved = as_model_path_for (path);

    /* said plainly, not as the system's message */
    if (!g_file_test (resolved, G_FILE_TEST_EXISTS))
      {
        gboolean is_name = strchr (path, '/') == NULL && !g_str_has_suffix (path, ".json");

        if (is_name)
          g_set_error (error, AS_ERROR, AS_ERROR_FILE,
                       "%s: no such file, nor a bundled model of that name (attnscope-cli info --list lists them)", path);
        else
          g_set_error (error, AS_ERROR, AS_ERROR_FILE, "%s: no such file", path);
        return NULL;
      }
    return as_model_new_from_file (resolved, error);
  }
}

static gboolean
parse_head (const char *text,
            int        *head)
{
  guint64 value;

  if (g_strcmp0 (text, "mean") == 0)
    {
      *head = AS_ATTENTION_MEAN;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT, &value, NULL))
    return FALSE;
  *head = (int) value;
  return TRUE;
}

/* What the model has, for a message: "cross-attention (1 layer, 1 head)". */
static char *
describe_kinds (const AsModel *model)
{
  GString *text = g_string_new (NULL);

  for (guint kind = 0; kind < AS_N_ATTENTION_KINDS; kind++)
    {
      guint n_layers, n_heads;

      if (!as_model_get_attention_shape (model, kind, &n_layers, &n_heads))
        continue;
      g_string_append_printf (text, "%s%s (%u layer%s, %u head%s)", text->len > 0 ? ", " : "",
                              as_attention_kind_get_name (kind), n_layers, n_layers == 1 ? "" : "s",
                              n_heads, n_heads == 1 ? "" : "s");
    }
  return g_string_free (text, FALSE);
}

static void
write_stdout (const char *text,
              gsize       length,
              gpointer    data)
{
  fwrite (text, 1, length, stdout);
}

/* --kind, --layer and --head name attention that @model has. */
static gboolean
check_attention_choice (const AsModel  *model,
                        Options        *o,
                        GError        **error)
{
  guint n_layers, n_heads;

  if (!as_model_get_attention_shape (model, o->kind, &n_layers, &n_heads))
    {
      g_autofree char *has = describe_kinds (model);

      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, "--kind %s: this model (%s) has no %s attention; it has %s",
                   as_attention_kind_get_name (o->kind), as_model_get_architecture_name (model),
                   as_attention_kind_get_name (o->kind), has);
      return FALSE;
    }
  if (!o->layer.given)
    o->layer.value = (int) n_layers - 1;
  if (o->layer.value < 0 || (guint) o->layer.value >= n_layers)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, "--layer %d: this model's %s attention has %u layer%s, numbered from 0",
                   o->layer.value, as_attention_kind_get_name (o->kind), n_layers, n_layers == 1 ? "" : "s");
      return FALSE;
    }
  if (o->head != AS_ATTENTION_MEAN && (guint) o->head >= n_heads)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID, "--head %d: this model's %s attention has %u head%s, numbered from 0 (or mean)",
                   o->head, as_attention_kind_get_name (o->kind), n_heads, n_heads == 1 ? "" : "s");
      return FALSE;
    }
  return TRUE;
}

/* Tokenizes, runs the encoder and decodes as the options say. */
static AsSession *
run_session (AsModel        *model,
             const char     *sentence,
             const Options  *o,
             GError        **error)
{
  g_autoptr (AsSession) session = NULL;
  const char *invalid;

  if (!g_utf8_validate (sentence, -1, &invalid))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_INVALID,
                   "the sentence is not valid UTF-8 (byte %ld)", (long) (invalid - sentence) + 1);
      return NULL;
    }
  session = as_session_new (model, sentence, error);
  if (session == NULL)
    return NULL;
  if (o->max_len.given)
    as_session_set_max_length (session, o->max_len.value);

  if (o->target != NULL)
    {
      if (!g_utf8_validate (o->target, -1, NULL))
        {
          g_set_error_literal (error, AS_ERROR, AS_ERROR_INVALID, "the target is not valid UTF-8");
          return NULL;
        }
      if (!as_session_decode_forced (session, o->target, error))
        return NULL;
    }
  else if (o->beam > 1)
    {
      if (!as_session_decode_beam (session, o->beam, error))
        return NULL;
    }
  else if (!as_session_decode_greedy (session, error))
    return NULL;

  return g_steal_pointer (&session);
}

/* Prints @text as one safe line fragment: tokens come from the sentence and
 * the model file, and their control characters must not reach the terminal. */
static void
print_escaped (const char *before,
               const char *text,
               const char *after)
{
  g_autofree char *escaped = as_escape_controls (text);

  printf ("%s%s%s", before, escaped, after);
}

/* The token that column @c of @kind's attention stands for. */
static const char *
column_token (AsSession       *session,
              AsAttentionKind  kind,
              guint            c)
{
  if (kind == AS_ATTENTION_DECODER_SELF)
    return as_session_get_target_token (session, as_session_get_step (session, c)->input);
  return as_session_get_source_token (session, c);
}

static void
print_text (AsSession     *session,
            const Options *o)
{
  const AsAttention *shown = as_session_get_attention (session, o->kind);
  g_autofree float *row = g_new (float, as_attention_get_n_columns (shown));
  const guint top = o->top;
  g_autofree char *translation = as_session_get_translation (session);
  guint n_source = as_session_get_n_source (session);
  const char * const *unknown = as_session_get_unknown_words (session);

  print_escaped ("", translation, "\n");
  printf ("\nsource:");
  for (guint i = 0; i < n_source; i++)
    print_escaped (" ", as_session_get_source_token (session, i), "");
  printf ("\n");
  if (unknown[0] != NULL)
    {
      printf ("unknown words:");
      for (guint i = 0; unknown[i] != NULL; i++)
        print_escaped (i == 0 ? " " : ", ", unknown[i], "");
      printf ("\n");
    }
  printf ("\nstep  input -> output   prob    attends most to\n");
  for (guint t = 0; t < as_session_get_n_steps (session); t++)
    {
      const AsStep *step = as_session_get_step (session, t);

      /* steps are counted from 1, as the window counts them */
      printf ("%4u  ", t + 1);
      print_escaped ("", as_session_get_target_token (session, step->input), " -> ");
      print_escaped ("", as_session_get_target_token (session, step->output), "");
      printf ("   %.4f  ", step->prob);
      if (o->kind != AS_ATTENTION_ENCODER_SELF)
        {
          guint best = as_attention_argmax_row (shown, o->layer.value, o->head, t);

          as_attention_copy_row (shown, o->layer.value, o->head, t, row);
          print_escaped ("", column_token (session, o->kind, best), "");
          printf (" (%.3f)", row[best]);
        }
      if (top > 0)
        {
          printf ("   top:");
          for (guint k = 0; k < MIN (top, step->n_top); k++)
            {
              print_escaped (" ", as_session_get_target_token (session, step->top_ids[k]), "");
              printf (" %.3f", step->top_probs[k]);
            }
        }
      printf ("\n");
    }

  if (o->kind == AS_ATTENTION_ENCODER_SELF)
    {
      printf ("\nsource token attends most to\n");
      for (guint r = 0; r < as_attention_get_n_rows (shown); r++)
        {
          guint best = as_attention_argmax_row (shown, o->layer.value, o->head, r);

          as_attention_copy_row (shown, o->layer.value, o->head, r, row);
          printf ("%4u  ", r);
          print_escaped ("", as_session_get_source_token (session, r), " -> ");
          print_escaped ("", as_session_get_source_token (session, best), "");
          printf (" (%.3f)\n", row[best]);
        }
    }
}

/* info --list: each bundled model's name, architecture and description. */
static int
list_models (void)
{
  g_auto (GStrv) names = as_list_bundled_models ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *path = as_model_path_for (names[i]);
      g_autoptr (AsModel) model = as_model_new_from_file (path, &error);

      if (model == NULL)
        {
          g_autofree char *shown = as_escape_controls (error->message);

          printf ("%-20s (cannot be read: %s)\n", names[i], shown);
          continue;
        }
      {
        const char *description = as_model_get_metadata (model, "description");
        g_autofree char *shown = as_escape_controls (description != NULL ? description : "");

        printf ("%-20s %-14s %8.2f M parameters  %s\n", names[i], as_model_get_architecture_name (model),
                as_model_get_n_parameters (model) / 1e6, shown);
      }
    }
  return EXIT_SUCCESS;
}

/* Splits the positional arguments into MODEL and SENTENCE. */
static gboolean
positional (int          argc,
            char       **argv,
            gboolean     wants_sentence,
            const char **model,
            const char **sentence,
            GError     **error)
{
  int expected_max = wants_sentence ? 2 : 1;
  int n = argc - 2;

  *model = NULL;
  *sentence = NULL;
  if (n > expected_max || (wants_sentence && n < 1))
    {
      g_set_error_literal (error, AS_ERROR, AS_ERROR_INVALID,
                           wants_sentence ? "expected [MODEL] SENTENCE" : "expected [MODEL]");
      return FALSE;
    }
  if (wants_sentence)
    {
      *sentence = argv[argc - 1];
      if (n == 2)
        *model = argv[2];
    }
  else if (n == 1)
    *model = argv[2];
  return TRUE;
}

/* A number that is the whole of @text, finite, within [@min, @max]. */
static gboolean
parse_number (const char *text,
              double      min,
              double      max,
              double     *value)
{
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0' && isfinite (*value) && *value >= min && *value <= max;
}

static gboolean
has_extension (const char *path,
               const char *extension)
{
  gsize n = strlen (path), m = strlen (extension);

  return n >= m && g_ascii_strcasecmp (path + n - m, extension) == 0;
}

/* render's --scale, --dpi, --width, --height, --background and --svg-text. */
static gboolean
render_export_options (const Options         *o,
                       AsFigureExportOptions *options,
                       GError               **error)
{
  const double min_dpi = AS_FIGURE_EXPORT_MIN_SCALE * AS_FIGURE_EXPORT_UNITS_PER_INCH;
  const double max_dpi = AS_FIGURE_EXPORT_MAX_SCALE * AS_FIGURE_EXPORT_UNITS_PER_INCH;
  const int max_side = 16384;

  if (o->scale_text != NULL && o->dpi_text != NULL)
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, _("--scale and --dpi cannot be used together"));
      return FALSE;
    }
  if (o->scale_text != NULL &&
      !parse_number (o->scale_text, AS_FIGURE_EXPORT_MIN_SCALE, AS_FIGURE_EXPORT_MAX_SCALE, &options->scale))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, _("--scale must be a number from %g to %g, not “%s”"),
                   AS_FIGURE_EXPORT_MIN_SCALE, AS_FIGURE_EXPORT_MAX_SCALE, o->scale_text);
      return FALSE;
    }
  if (o->dpi_text != NULL)
    {
      double dpi;

      if (!parse_number (o->dpi_text, min_dpi, max_dpi, &dpi))
        {
          g_set_error (error, AS_ERROR, AS_ERROR_FILE, _("--dpi must be a number from %g to %g, not “%s”"),
                       min_dpi, max_dpi, o->dpi_text);
          return FALSE;
        }
      options->scale = dpi / AS_FIGURE_EXPORT_UNITS_PER_INCH;
    }
  if ((o->scale_text != NULL || o->dpi_text != NULL) && !has_extension (o->output, ".png"))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE,
                   _("--scale and --dpi are for PNG files (SVG and PDF are drawn in vectors, at any size)"));
      return FALSE;
    }
  if (o->width.given && (o->width.value < 1 || o->width.value > max_side))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, _("--width must be from 1 to %d"), max_side);
      return FALSE;
    }
  if (o->height.given && (o->height.value < 1 || o->height.value > max_side))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, _("--height must be from 1 to %d"), max_side);
      return FALSE;
    }
  options->width = o->width.given ? o->width.value : 0;
  options->height = o->height.given ? o->height.value : 0;
  if (o->background != NULL && !as_figure_background_from_name (o->background, &options->background))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, _("--background must be light, dark or transparent"));
      return FALSE;
    }
  if (o->svg_text && !has_extension (o->output, ".svg"))
    {
      g_set_error (error, AS_ERROR, AS_ERROR_FILE, _("--svg-text is for SVG files"));
      return FALSE;
    }
  options->svg_text = o->svg_text;
  return TRUE;
}

/* What `attnscope-cli COMMAND --help` says above and below the options. */
typedef struct
{
  const char *parameters;
  const char *summary;
  const char *description;
} CommandHelp;

static const CommandHelp command_help[] = {
  { "[MODEL]",
    "Describe a model: its architecture and sizes, vocabularies, licence and file.\n"
    "With --list, list the bundled models by the names that can stand for MODEL.",
    "MODEL is a model file or a bundled model's name; without it, the default bundled model.\n"
    "Examples:\n"
    "  attnscope-cli info en-zh-transformer\n"
    "  attnscope-cli info --list" },
  { "[MODEL] SENTENCE",
    "Translate SENTENCE and print the translation, then each decoder step (counted from 1\n"
    "as in the window): the token fed in and the token out, its probability, the source\n"
    "token attended to most and the most probable tokens. --json prints it all as one object.",
    "MODEL is a model file or a bundled model's name; without it, the default bundled model.\n"
    "Examples:\n"
    "  attnscope-cli translate \"i am hungry .\"\n"
    "  attnscope-cli translate en-zh-transformer \"i am hungry .\" --kind decoder-self --head 0 --json" },
  { "[MODEL] SENTENCE",
    "Translate SENTENCE and draw its attention as a figure (heatmap, or a grid of them),\n"
    "as the window shows it, into an SVG, PNG or PDF file chosen by -o's extension.",
    "MODEL is a model file or a bundled model's name; without it, the default bundled model.\n"
    "Examples:\n"
    "  attnscope-cli render \"i am hungry .\" -o figure.svg\n"
    "  attnscope-cli render \"i am hungry .\" -o step2.png --step 2\n"
    "  attnscope-cli render --batch sentences.txt -o figures.pdf\n"
    "  attnscope-cli render --batch sentences.txt -o figures/ --format png\n"
    "With --batch, SENTENCES has one sentence a line: -o FILE.pdf gets one page per sentence,\n"
    "-o FOLDER/ one file per sentence named by its line's number (0001.svg, ...; --format).\n"
    "Blank lines are skipped." },
  { "[MODEL] PAIRS",
    "Align the words of each pair of PAIRS (a source sentence, a tab, its target: one pair a\n"
    "line) from the cross-attention, the target forced, and print one line of Pharaoh links\n"
    "i-j per pair (source position i, target position j). With --gold, print the precision,\n"
    "recall and alignment error rate (Och and Ney 2003) against GOLD instead.",
    "MODEL is a model file or a bundled model's name; without it, the default bundled model.\n"
    "Positions count the model's tokens of each side from 0 (its words, or characters for a\n"
    "side tokenized by characters), without the start and end tokens. Target token j is\n"
    "linked to the source token it attends to most (or, with --threshold T, to every source\n"
    "token given a weight of at least T). GOLD has one line per pair: sure links i-j and\n"
    "possible links i?j.\n"
    "Examples:\n"
    "  attnscope-cli align pairs.tsv\n"
    "  attnscope-cli align en-zh-transformer pairs.tsv --gold gold.txt --layer 0 --head 2" },
};

static int
run (int    argc,
     char **argv)
{
  g_auto (Options) o = { .beam = 1, .top = 5, .head = AS_ATTENTION_MEAN };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) model = NULL;
  g_autoptr (AsSession) session = NULL;
  const char *command = argc > 1 ? argv[1] : NULL;
  const char *model_path, *sentence;
  gboolean is_info, is_translate, is_render, is_align;
  GOptionEntry translate_entries[] = {
    { "target", 't', 0, G_OPTION_ARG_FILENAME, &o.target, "Force this target translation (teacher forcing)", "TEXT" },
    { "beam", 'b', 0, G_OPTION_ARG_INT, &o.beam, "Beam search of width K (default 1: greedy)", "K" },
    { "max-len", 'm', 0, G_OPTION_ARG_CALLBACK, parse_int_option, "Decode at most N steps (default: the model's)", "N" },
    { "top", 'k', 0, G_OPTION_ARG_INT, &o.top, "Report the K most probable tokens of each step (default 5)", "K" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &o.json, "Print one JSON object", NULL },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &o.kind_name, "The attention shown: cross (default), decoder-self or encoder-self", "KIND" },
    { "layer", 0, 0, G_OPTION_ARG_CALLBACK, parse_int_option, "Of this layer, from 0 (default: the last)", "L" },
    { "head", 0, 0, G_OPTION_ARG_STRING, &o.head_name, "Of this head, from 0, or mean: the mean of the heads (default)", "H" },
    { NULL }
  };
  GOptionEntry render_entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, "Write the figure here (.svg, .png or .pdf)", "FILE" },
    { "step", 's', 0, G_OPTION_ARG_CALLBACK, parse_int_option, "Show the figure at decoder step N, counted from 1 (default: all steps)", "N" },
    { "target", 't', 0, G_OPTION_ARG_FILENAME, &o.target, "Force this target translation", "TEXT" },
    { "beam", 'b', 0, G_OPTION_ARG_INT, &o.beam, "Beam search of width K", "K" },
    { "max-len", 'm', 0, G_OPTION_ARG_CALLBACK, parse_int_option, "Decode at most N steps", "N" },
    { "colormap", 'c', 0, G_OPTION_ARG_STRING, &o.colormap, "viridis (default), magma or greys", "NAME" },
    { "color-scale", 0, 0, G_OPTION_ARG_STRING, &o.color_scale, "How weights map to colours: one (0 to 1, the default), max (0 to the largest weight), row (each row to its largest) or log (logarithmic)", "one|max|row|log" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &o.kind_name, "The attention shown: cross (default), decoder-self or encoder-self", "KIND" },
    { "layer", 0, 0, G_OPTION_ARG_CALLBACK, parse_int_option, "Of this layer, from 0 (default: the last)", "L" },
    { "head", 0, 0, G_OPTION_ARG_STRING, &o.head_name, "Of this head, from 0, or mean: the mean of the heads (default)", "H" },
    { "grid", 'g', 0, G_OPTION_ARG_NONE, &o.grid, "Every layer and head of the kind, as a grid of small heatmaps", NULL },
    { "scale", 0, 0, G_OPTION_ARG_STRING, &o.scale_text, _("PNG: pixels per unit of the layout, 0.25 to 10 (default 1)"), "S" },
    { "dpi", 0, 0, G_OPTION_ARG_STRING, &o.dpi_text, _("PNG: this many pixels per inch, 24 to 960, a unit of the layout being 1/96 inch (300 dpi is --scale 3.125)"), "D" },
    { "width", 0, 0, G_OPTION_ARG_CALLBACK, parse_int_option, _("Lay the figure out this wide, in units (default: its natural size)"), "W" },
    { "height", 0, 0, G_OPTION_ARG_CALLBACK, parse_int_option, _("Lay the figure out this high, in units (default: its natural size)"), "H" },
    { "background", 0, 0, G_OPTION_ARG_STRING, &o.background, _("light (default: dark text on white), dark or transparent"), "B" },
    { "svg-text", 0, 0, G_OPTION_ARG_NONE, &o.svg_text, _("SVG: write the text as text naming its font, not as glyph outlines"), NULL },
    { "batch", 0, 0, G_OPTION_ARG_FILENAME, &o.batch, "Draw each sentence of this file (one a line) instead of SENTENCE: -o FILE.pdf or -o FOLDER/", "SENTENCES" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o.format, "--batch -o FOLDER/: svg (default), png or pdf", "FORMAT" },
    { NULL }
  };
  GOptionEntry align_entries[] = {
    { "gold", 0, 0, G_OPTION_ARG_FILENAME, &o.gold, "Score against this gold standard: one line per pair, sure links i-j, possible i?j", "GOLD" },
    { "threshold", 0, 0, G_OPTION_ARG_STRING, &o.threshold_text, "Link every weight of at least T, 0 to 1 (default: the arg-max of each target token)", "T" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, "Write the alignments to FILE (with --gold, beside the scores)", "FILE" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &o.kind_name, "The attention aligned: cross (the default; the only kind that joins source and target)", "KIND" },
    { "layer", 0, 0, G_OPTION_ARG_CALLBACK, parse_int_option, "Of this layer, from 0 (default: the last)", "L" },
    { "head", 0, 0, G_OPTION_ARG_STRING, &o.head_name, "Of this head, from 0, or mean: the mean of the heads (default)", "H" },
    { NULL }
  };
  GOptionEntry info_entries[] = {
    { "list", 'l', 0, G_OPTION_ARG_NONE, &o.list, "List the bundled models, by the names that can stand for MODEL", NULL },
    { NULL }
  };

  is_info = g_strcmp0 (command, "info") == 0;
  is_translate = g_strcmp0 (command, "translate") == 0;
  is_render = g_strcmp0 (command, "render") == 0;
  is_align = g_strcmp0 (command, "align") == 0;

  if (command == NULL || g_str_equal (command, "--help") || g_str_equal (command, "-h") || g_str_equal (command, "help"))
    {
      printf ("Usage:\n"
               "  attnscope-cli info [MODEL] | info --list\n"
               "  attnscope-cli translate [MODEL] SENTENCE [--target T] [--beam K] [--max-len N] [--top K] [--json]\n"
               "                          [--kind K] [--layer L] [--head H|mean]\n"
               "  attnscope-cli render [MODEL] SENTENCE -o FILE.svg|.png|.pdf [--step N] [--target T] [--colormap NAME]\n"
               "                       [--color-scale one|max|row|log]\n"
               "                       [--kind K] [--layer L] [--head H|mean] [--grid]\n"
               "                       [--scale S | --dpi D] [--width W] [--height H] [--background B] [--svg-text]\n"
               "  attnscope-cli render [MODEL] --batch SENTENCES -o FIGURES.pdf | -o FOLDER/ [--format svg|png|pdf] [...]\n"
               "  attnscope-cli align [MODEL] PAIRS [--gold GOLD] [--threshold T] [-o FILE] [--layer L] [--head H|mean]\n"
               "\nMODEL is a model file or the name of a bundled model (info --list); without it the\n"
               "default bundled model is used (%s).\n"
               "The attention shown (and --json's \"attention\") is, unless --kind, --layer and --head\n"
               "say otherwise, the cross-attention of the last decoder layer, the mean of its heads;\n"
               "--json also writes every kind the model has, every layer and head:\n"
               "cross_attention [layer][head][step][source], decoder_self_attention [layer][head][step][step]\n"
               "(zero above the diagonal), encoder_self_attention [layer][head][source][source].\n"
               "attnscope-cli COMMAND --help lists a command's options.\n", as_default_model_path ());
      return command == NULL ? EXIT_USAGE : EXIT_SUCCESS;
    }
  if (g_str_equal (command, "--version"))
    {
      printf ("attnscope-cli %s\n", AS_VERSION);
      return EXIT_SUCCESS;
    }
  if (!is_info && !is_translate && !is_render && !is_align)
    {
      g_autofree char *message = g_strdup_printf ("unknown command \"%s\"", command);
      return usage_error (message);
    }

  {
    /* `attnscope-cli COMMAND --help` names the command and says what it does */
    g_autofree char *prgname = g_strdup_printf ("attnscope-cli %s", command);
    const CommandHelp *help = is_translate ? &command_help[1] : is_render ? &command_help[2]
                            : is_align ? &command_help[3] : &command_help[0];

    g_set_prgname (prgname);
    context = g_option_context_new (help->parameters);
    g_option_context_set_summary (context, help->summary);
    g_option_context_set_description (context, help->description);
  }
  {
    /* the main group carries the Options to parse_int_option */
    GOptionGroup *group = g_option_group_new (NULL, NULL, NULL, &o, NULL);

    g_option_group_add_entries (group, is_translate ? translate_entries : is_render ? render_entries
                                       : is_align ? align_entries : info_entries);
    g_option_context_set_main_group (context, group);
  }
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (!positional (argc, argv, !is_info && !(is_render && o.batch != NULL), &model_path, &sentence, &error))
    return usage_error (error->message);

  if (o.beam < 1 || o.beam > AS_MAX_BEAM)
    {
      g_autofree char *message = g_strdup_printf ("--beam must be between 1 and %d", AS_MAX_BEAM);
      return usage_error (message);
    }
  if (o.max_len.given && (o.max_len.value < 1 || o.max_len.value > AS_MAX_DECODE_LENGTH))
    {
      g_autofree char *message = g_strdup_printf ("--max-len %d: the translation's length must be between 1 and %d steps",
                                                  o.max_len.value, AS_MAX_DECODE_LENGTH);
      return usage_error (message);
    }
  if (o.top < 0 || o.top > AS_MAX_TOP)
    {
      g_autofree char *message = g_strdup_printf ("--top must be between 0 and %d", AS_MAX_TOP);
      return usage_error (message);
    }
  if (o.kind_name != NULL && !as_attention_kind_from_name (o.kind_name, &o.kind))
    return usage_error ("--kind must be cross, decoder-self or encoder-self");
  if (o.head_name != NULL && !parse_head (o.head_name, &o.head))
    return usage_error ("--head must be a head's number or mean");
  if (o.target != NULL && o.beam > 1)
    return usage_error ("--target and --beam cannot be used together");

  AsColormap colormap = AS_COLORMAP_VIRIDIS;
  AsFigureScale color_scale = AS_FIGURE_SCALE_ONE;
  AsFigureExportOptions export_options = { AS_FIGURE_BACKGROUND_LIGHT, 1.0, FALSE, 0, 0 };
  if (is_render)
    {
      if (o.output == NULL)
        return usage_error ("render needs -o FILE.svg, FILE.png or FILE.pdf");
      if (o.colormap != NULL && !as_colormap_from_name (o.colormap, &colormap))
        return usage_error ("--colormap must be viridis, magma or greys");
      if (o.batch != NULL && o.target != NULL)
        return usage_error ("--target is for one sentence, not --batch");
      if (o.format != NULL && (o.batch == NULL || !as_cli_output_is_folder (o.output)))
        return usage_error ("--format is for --batch -o FOLDER/ (a single file's format is its extension)");
      if (o.batch != NULL && !as_cli_output_is_folder (o.output) && !has_extension (o.output, ".pdf"))
        return usage_error ("--batch writes one PDF (-o FIGURES.pdf) or a folder of files (-o FOLDER/)");
      {
        /* --batch -o FOLDER/: the options are checked against the files' format */
        g_autofree char *probe = o.batch != NULL && as_cli_output_is_folder (o.output)
                                 ? g_strconcat ("figure.", o.format != NULL ? o.format : "svg", NULL) : NULL;
        Options checked = o;

        if (probe != NULL)
          checked.output = probe;
        if (!render_export_options (&checked, &export_options, &error))
          return usage_error (error->message);
      }
      if (o.step.given && o.kind == AS_ATTENTION_ENCODER_SELF)
        return usage_error ("--step shows the figure at a decoder step; encoder self-attention is computed once, before them");
      if (o.step.given && o.step.value < 1)
        {
          g_autofree char *message = g_strdup_printf ("--step %d: steps are counted from 1", o.step.value);
          return usage_error (message);
        }
      if (o.color_scale != NULL && !as_figure_scale_from_name (o.color_scale, &color_scale))
        return usage_error ("--color-scale must be one, max, row or log");
    }

  if (is_info && o.list)
    {
      if (model_path != NULL)
        return usage_error ("info --list takes no MODEL");
      return list_models ();
    }

  model = load_model (model_path, &error);
  if (model == NULL)
    return report (error);
  if (!is_info && !check_attention_choice (model, &o, &error))
    return report (error);
  if (is_align)
    return as_cli_align (model, sentence, o.gold, o.threshold_text, o.output, o.kind, o.layer.value, o.head);
  if (is_render && o.batch != NULL)
    {
      AsCliRenderChoice choice = { o.kind, o.layer.value, o.head, o.grid, colormap, color_scale,
                                   o.step.given ? o.step.value : 0, o.beam,
                                   o.max_len.given ? o.max_len.value : 0, &export_options };

      return as_cli_render_batch (model, o.batch, o.output, o.format, &choice);
    }

  if (is_info)
    {
      g_autofree char *text = as_model_describe (model);
      printf ("%s", text);
      return EXIT_SUCCESS;
    }

  session = run_session (model, sentence, &o, &error);
  if (session == NULL)
    return report (error);

  if (is_translate)
    {
      if (o.json)
        {
          /* written as it goes: the attention of a long sentence is
           * millions of numbers */
          as_json_write_session (session, o.kind, (guint) o.layer.value, o.head, (guint) o.top,
                                 write_stdout, NULL);
          putchar ('\n');
        }
      else
        print_text (session, &o);
      /* a full disk or a file-size limit: not a silent success */
      if (fflush (stdout) != 0 || ferror (stdout))
        {
          int saved_errno = errno;

          fprintf (stderr, "attnscope-cli: could not write the output: %s\n", g_strerror (saved_errno));
          return EXIT_FAILURE;
        }
      return EXIT_SUCCESS;
    }

  /* render */
  if (o.step.given && o.step.value > (int) as_session_get_n_steps (session))
    {
      g_autofree char *message = g_strdup_printf ("--step %d is past the last step (%u)", o.step.value,
                                                  as_session_get_n_steps (session));
      return usage_error (message);
    }
  {
    g_autoptr (AsFigure) figure = as_figure_new ();

    if (o.grid ? !as_figure_set_session_grid (figure, session, o.kind, &error)
               : !as_figure_set_session_attention (figure, session, o.kind, (guint) o.layer.value, o.head, &error))
      return report (error);
    as_figure_set_colormap (figure, colormap);
    as_figure_set_scale (figure, color_scale);
    /* the figure counts from 0, -1 for every step */
    as_figure_set_step (figure, o.step.given ? o.step.value - 1 : -1);
    if (!as_figure_export_with_options (figure, o.output, &export_options, &error))
      return report (error);
  }
  return EXIT_SUCCESS;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  /* past the limit on file sizes (ulimit -f), the export fails with an
   * error and removes its temporary file (as-file-write.h); --json's
   * output fails as a write does (below) */
  signal (SIGXFSZ, SIG_IGN);
  return run (argc, argv);
}
