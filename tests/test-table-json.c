/* The window's data out, in the core: the figure's matrix as TSV and CSV
 * (token headers, quoting as RFC 4180 and pandas read it, masked cells
 * empty, a grid's panels under their captions), and the session as
 * translate --json's object written as it goes: the same values as
 * json-glib generates from a tree of them (strings, and numbers as
 * floats), with control characters escaped. */

#include <math.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "as-figure-session.h"
#include "as-figure-table.h"
#include "as-json-session.h"

static AsFigure *
make_figure (void)
{
  static const float weights[3 * 3] = {
    1.0f, 0.0f, 0.0f,
    0.25f, 0.75f, 0.0f,
    0.125f, 0.5f, 0.375f,
  };
  static const char *const columns[] = { "a,b", "say \"hi\"", "tab\there" };
  static const char *const rows[] = { "x", "y\nz", "w" };
  static const guint lengths[] = { 1, 2, 3 };
  AsFigure *figure = as_figure_new ();
  g_autoptr (AsFigureAxis) row_axis = as_figure_axis_new (3, as_figure_session_get_row_words (AS_ATTENTION_DECODER_SELF));
  g_autoptr (AsFigureAxis) column_axis = as_figure_axis_new (3, as_figure_session_get_column_words (AS_ATTENTION_DECODER_SELF));

  as_figure_set_matrix (figure, 3, 3, weights);
  for (guint i = 0; i < 3; i++)
    {
      as_figure_axis_set_label (row_axis, i, rows[i]);
      as_figure_axis_set_label (column_axis, i, columns[i]);
    }
  as_figure_set_axes (figure, row_axis, column_axis);
  as_figure_set_row_lengths (figure, lengths);
  return figure;
}

static void
test_table (void)
{
  g_autoptr (AsFigure) figure = make_figure ();
  g_autofree char *tsv = as_figure_to_table (figure, '\t');
  g_autofree char *csv = as_figure_to_table (figure, ',');

  /* masked cells (above the diagonal) are empty; a field with the
   * separator, a quote or a line break is quoted, its quotes doubled */
  g_assert_cmpstr (tsv, ==,
                   "\ta,b\t\"say \"\"hi\"\"\"\t\"tab\there\"\n"
                   "x\t1\t\t\n"
                   "\"y\nz\"\t0.25\t0.75\t\n"
                   "w\t0.125\t0.5\t0.375\n");
  g_assert_cmpstr (csv, ==,
                   ",\"a,b\",\"say \"\"hi\"\"\",tab\there\n"
                   "x,1,,\n"
                   "\"y\nz\",0.25,0.75,\n"
                   "w,0.125,0.5,0.375\n");
}

static void
test_table_grid (void)
{
  static const float weights[2 * 1 * 2] = { 0.5f, 0.5f, 0.1f, 0.9f };
  g_autoptr (AsFigure) figure = as_figure_new ();
  g_autofree char *tsv = NULL;
  g_auto (GStrv) blocks = NULL;

  as_figure_set_panels (figure, 1, 2, 1, 2, weights);
  tsv = as_figure_to_table (figure, '\t');
  blocks = g_strsplit (tsv, "\n\n", -1);
  g_assert_cmpuint (g_strv_length (blocks), ==, 2);
  /* each under its caption, with its own weights */
  g_assert_true (g_str_has_suffix (blocks[0], "\t0.5\t0.5"));
  g_assert_true (g_str_has_suffix (blocks[1], "\t0.1\t0.9\n"));
  g_assert_cmpstr (strchr (blocks[0], '\n') + 1, !=, strchr (blocks[1], '\n') + 1);
}

/* translate --json's tree, built with json-glib as the command line built it. */
static char *
reference_json (AsSession       *session,
                AsAttentionKind  kind,
                guint            layer,
                int              head,
                guint            top)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *translation = as_session_get_translation (session);
  guint n_steps = as_session_get_n_steps (session);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "architecture");
  json_builder_add_string_value (b, as_model_get_architecture_name (as_session_get_model (session)));
  json_builder_set_member_name (b, "source_tokens");
  json_builder_begin_array (b);
  for (guint i = 0; i < as_session_get_n_source (session); i++)
    json_builder_add_string_value (b, as_session_get_source_token (session, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "unknown_words");
  json_builder_begin_array (b);
  for (const char * const *w = as_session_get_unknown_words (session); *w != NULL; w++)
    json_builder_add_string_value (b, *w);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "target_tokens");
  json_builder_begin_array (b);
  for (guint t = 0; t < n_steps; t++)
    json_builder_add_string_value (b, as_session_get_target_token (session, as_session_get_step (session, t)->output));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "translation");
  json_builder_add_string_value (b, translation);
  {
    /* the whole hypothesis, by hand: the sum of its steps' log-probabilities,
     * per token, and e to the minus that */
    double total = 0.0;

    for (guint t = 0; t < n_steps; t++)
      total += as_session_get_step (session, t)->logprob;
    json_builder_set_member_name (b, "logprob");
    json_builder_add_double_value (b, (float) total);
    json_builder_set_member_name (b, "score");
    json_builder_add_double_value (b, (float) (total / n_steps));
    json_builder_set_member_name (b, "perplexity");
    json_builder_add_double_value (b, (float) exp (-total / n_steps));
  }
  json_builder_set_member_name (b, "steps");
  json_builder_begin_array (b);
  for (guint t = 0; t < n_steps; t++)
    {
      const AsStep *step = as_session_get_step (session, t);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "input");
      json_builder_add_string_value (b, as_session_get_target_token (session, step->input));
      json_builder_set_member_name (b, "output");
      json_builder_add_string_value (b, as_session_get_target_token (session, step->output));
      json_builder_set_member_name (b, "prob");
      json_builder_add_double_value (b, step->prob);
      json_builder_set_member_name (b, "logprob");
      json_builder_add_double_value (b, step->logprob);
      json_builder_set_member_name (b, "entropy");
      json_builder_add_double_value (b, step->entropy);
      json_builder_set_member_name (b, "top");
      json_builder_begin_array (b);
      for (guint k = 0; k < MIN (top, step->n_top); k++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "token");
          json_builder_add_string_value (b, as_session_get_target_token (session, step->top_ids[k]));
          json_builder_set_member_name (b, "prob");
          json_builder_add_double_value (b, step->top_probs[k]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  {
    const AsAttention *shown = as_session_get_attention (session, kind);
    g_autofree float *row = g_new (float, as_attention_get_n_columns (shown));

    json_builder_set_member_name (b, "attention");
    json_builder_begin_array (b);
    for (guint r = 0; r < as_attention_get_n_rows (shown); r++)
      {
        guint n = kind == AS_ATTENTION_DECODER_SELF ? as_attention_get_n_rows (shown)
                                                    : as_attention_get_row_length (shown, r);

        as_attention_copy_row (shown, layer, head, r, row);
        json_builder_begin_array (b);
        for (guint c = 0; c < n; c++)
          json_builder_add_double_value (b, row[c]);
        json_builder_end_array (b);
      }
    json_builder_end_array (b);
  }
  for (guint k = 0; k < AS_N_ATTENTION_KINDS; k++)
    {
      const AsAttention *a = as_session_get_attention (session, k);
      g_autofree char *name = NULL;

      if (a == NULL)
        continue;
      name = g_strdelimit (g_strdup_printf ("%s_attention", as_attention_kind_get_name (k)), "-", '_');
      json_builder_set_member_name (b, name);
      json_builder_begin_array (b);
      for (guint l = 0; l < as_attention_get_n_layers (a); l++)
        {
          json_builder_begin_array (b);
          for (guint h = 0; h < as_attention_get_n_heads (a); h++)
            {
              json_builder_begin_array (b);
              for (guint r = 0; r < as_attention_get_n_rows (a); r++)
                {
                  guint n = k == AS_ATTENTION_DECODER_SELF ? as_attention_get_n_rows (a)
                                                           : as_attention_get_row_length (a, r);

                  json_builder_begin_array (b);
                  for (guint c = 0; c < n; c++)
                    json_builder_add_double_value (b, as_attention_get_row (a, l, h, r)[c]);
                  json_builder_end_array (b);
                }
              json_builder_end_array (b);
            }
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static AsModel *
load (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), name, NULL);
  g_autoptr (GError) error = NULL;
  AsModel *model = as_model_new_from_file (path, &error);

  g_assert_no_error (error);
  return model;
}

/* @a and @b hold the same values: the same members in the same order,
 * the same strings, and numbers that are the same float (the writer gives
 * 9 significant digits, json-glib 17). */
static void
assert_same_json (JsonNode *a,
                  JsonNode *b)
{
  g_assert_cmpint (json_node_get_node_type (a), ==, json_node_get_node_type (b));
  switch (json_node_get_node_type (a))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *oa = json_node_get_object (a), *ob = json_node_get_object (b);
        g_autoptr (GList) ma = json_object_get_members (oa);
        g_autoptr (GList) mb = json_object_get_members (ob);

        g_assert_cmpuint (g_list_length (ma), ==, g_list_length (mb));
        for (GList *x = ma, *y = mb; x != NULL; x = x->next, y = y->next)
          {
            g_assert_cmpstr (x->data, ==, y->data);
            assert_same_json (json_object_get_member (oa, x->data), json_object_get_member (ob, y->data));
          }
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *xa = json_node_get_array (a), *xb = json_node_get_array (b);

        g_assert_cmpuint (json_array_get_length (xa), ==, json_array_get_length (xb));
        for (guint i = 0; i < json_array_get_length (xa); i++)
          assert_same_json (json_array_get_element (xa, i), json_array_get_element (xb, i));
      }
      break;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (a) == G_TYPE_STRING)
        g_assert_cmpstr (json_node_get_string (a), ==, json_node_get_string (b));
      else
        g_assert_cmpfloat ((float) json_node_get_double (a), ==, (float) json_node_get_double (b));
      break;
    case JSON_NODE_NULL:
      break;
    }
}

static void
check_json (AsModel         *model,
            const char      *sentence,
            AsAttentionKind  kind,
            guint            layer,
            int              head)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AsSession) session = as_session_new (model, sentence, &error);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree char *expected = NULL;

  g_assert_no_error (error);
  g_assert_true (as_session_decode_greedy (session, &error));
  as_json_append_session (out, session, kind, layer, head, 5);
  expected = reference_json (session, kind, layer, head, 5);
  {
    g_autoptr (JsonParser) ours = json_parser_new ();
    g_autoptr (JsonParser) theirs = json_parser_new ();

    g_assert_true (json_parser_load_from_data (ours, out->str, -1, &error));
    g_assert_no_error (error);
    g_assert_true (json_parser_load_from_data (theirs, expected, -1, &error));
    g_assert_no_error (error);
    assert_same_json (json_parser_get_root (ours), json_parser_get_root (theirs));
  }
  /* no byte that a terminal would act on: control characters escaped */
  for (const char *p = out->str; *p != '\0'; p++)
    g_assert_cmpint ((guchar) *p, >=, 0x20);
}

static void
test_json (void)
{
  g_autoptr (AsModel) tiny = load ("tiny-hello.json");
  g_autoptr (AsModel) transformer = load ("tiny-transformer.json");

  /* unknown words with a quote, a backslash, a control character and a tab */
  check_json (tiny, "hello \"wo\\rld\" \x01x ! é", AS_ATTENTION_CROSS, 0, AS_ATTENTION_MEAN);
  check_json (transformer, "hello world", AS_ATTENTION_CROSS, 1, AS_ATTENTION_MEAN);
  check_json (transformer, "hello world", AS_ATTENTION_DECODER_SELF, 0, 1);
  check_json (transformer, "hello world", AS_ATTENTION_ENCODER_SELF, 1, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/table/quoting-masked", test_table);
  g_test_add_func ("/table/grid", test_table_grid);
  g_test_add_func ("/session-json/as-json-glib", test_json);

  return g_test_run ();
}
