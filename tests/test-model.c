/* Loading models: data/models/tiny-hello.json as written, and variants of it
 * made here (base64 data, flat data, defaults, strict-but-unusual JSON). */

#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "as-error.h"
#include "as-gru-bahdanau.h"
#include "as-kernels.h"
#include "as-model.h"
#include "as-session.h"

static char *
tiny_path (void)
{
  return g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), "tiny-hello.json", NULL);
}

static char *
tiny_text (void)
{
  g_autofree char *path = tiny_path ();
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static AsModel *
load_tiny (void)
{
  g_autofree char *path = tiny_path ();
  g_autoptr (GError) error = NULL;
  AsModel *model = as_model_new_from_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

typedef void (*Edit) (JsonObject *root);

/* tiny-hello, edited as a JSON tree, written out and loaded from memory */
static AsModel *
load_edited (Edit     edit,
             GError **error)
{
  g_autofree char *text = tiny_text ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *out = NULL;
  gsize length = 0;

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  edit (json_node_get_object (json_parser_get_root (parser)));
  json_generator_set_root (generator, json_parser_get_root (parser));
  out = json_generator_to_data (generator, &length);
  return as_model_new_from_data (out, length, "edited.json", error);
}

static AsModel *
load_edited_ok (Edit edit)
{
  g_autoptr (GError) error = NULL;
  AsModel *model = load_edited (edit, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

/* ---- tiny-hello as written ------------------------------------------------ */

static void
test_tiny_sizes (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  const AsGruConfig *c = as_gru_get_config (model);

  g_assert_true (as_model_get_architecture (model) == &as_gru_bahdanau_architecture);
  g_assert_cmpstr (as_model_get_architecture_name (model), ==, "gru-bahdanau");
  g_assert_cmpint (c->hidden, ==, 4);
  g_assert_cmpint (c->src_vocab, ==, 6);
  g_assert_cmpint (c->tgt_vocab, ==, 6);
  g_assert_cmpint (as_model_get_max_length (model), ==, 6);
  /* S*H + 2*3H*H + 2*3H  + T*H + H*H + H + H*H + H + H + 1 + 3H*2H + 3H*H + 2*3H + T*H + T */
  g_assert_cmpuint (as_model_get_n_parameters (model), ==,
                    24 + 96 + 24 + 24 + 16 + 4 + 16 + 4 + 4 + 1 + 96 + 48 + 24 + 24 + 6);
  g_assert_cmpuint (as_model_get_n_parameters (model), ==, 411);
}

static void
test_tiny_vocabularies (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  const AsVocab *src = as_model_get_source (model);
  const AsVocab *tgt = as_model_get_target (model);
  const char *src_tokens[] = { "SOS", "EOS", "<unk>", "hello", "world", "!", NULL };
  const char *tgt_tokens[] = { "SOS", "EOS", "<unk>", "bonjour", "monde", "!", NULL };

  g_assert_cmpuint (src->size, ==, 6);
  g_assert_cmpuint (tgt->size, ==, 6);
  for (int i = 0; i < 6; i++)
    {
      g_assert_cmpstr (as_vocab_get_token (src, i), ==, src_tokens[i]);
      g_assert_cmpstr (as_vocab_get_token (tgt, i), ==, tgt_tokens[i]);
      g_assert_cmpint (as_vocab_lookup (src, src_tokens[i]), ==, i);
      g_assert_cmpint (as_vocab_lookup (tgt, tgt_tokens[i]), ==, i);
    }
  g_assert_cmpint (as_vocab_lookup (src, "bonjour"), ==, -1);
  g_assert_cmpint (as_vocab_lookup (src, "Hello"), ==, -1);
  g_assert_cmpint (as_vocab_lookup (src, ""), ==, -1);

  g_assert_cmpint (src->tokenizer, ==, AS_TOKENIZER_WORDS);
  g_assert_true (src->lowercase);
  g_assert_cmpstr (src->join, ==, " ");
  g_assert_cmpint (src->start, ==, 0);
  g_assert_cmpint (src->end, ==, 1);
  g_assert_cmpint (src->unknown, ==, 2);
  g_assert_cmpint (src->padding, ==, -1);
  g_assert_cmpint (tgt->start, ==, 0);
  g_assert_cmpint (tgt->end, ==, 1);
  g_assert_cmpint (tgt->unknown, ==, 2);
  g_assert_cmpint (tgt->padding, ==, -1);
}

static void
test_tiny_join (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  const AsVocab *tgt = as_model_get_target (model);
  const int ids[] = { 0, 3, 4, 5, 1 };
  const int odd[] = { 3, -1, 6, 1000, 2, 4 };
  g_autofree char *text = as_vocab_join (tgt, ids, G_N_ELEMENTS (ids));
  g_autofree char *odd_text = as_vocab_join (tgt, odd, G_N_ELEMENTS (odd));
  g_autofree char *empty = as_vocab_join (tgt, ids, 0);

  /* the start and end tokens are left out; ids out of range too */
  g_assert_cmpstr (text, ==, "bonjour monde !");
  g_assert_cmpstr (odd_text, ==, "bonjour <unk> monde");
  g_assert_cmpstr (empty, ==, "");
}

static void
edit_languages (JsonObject *root)
{
  json_object_set_string_member (json_object_get_object_member (root, "source"), "language", "en");
  json_object_set_string_member (json_object_get_object_member (root, "target"), "language", "zh-Hant-TW");
}

/* Each side may name its language; where none is named, there is none. */
static void
test_languages (void)
{
  g_autoptr (AsModel) tiny = load_tiny ();
  g_autoptr (AsModel) edited = load_edited_ok (edit_languages);
  const char *bundled[] = { "en-zh-gru.json", "en-zh-transformer.json" };

  g_assert_null (as_model_get_source_language (tiny));
  g_assert_null (as_model_get_target_language (tiny));
  g_assert_cmpstr (as_model_get_source_language (edited), ==, "en");
  g_assert_cmpstr (as_model_get_target_language (edited), ==, "zh-Hant-TW");

  /* the bundled English -> Chinese models say so, so that their Chinese is
   * drawn with the Simplified Chinese forms */
  for (guint i = 0; i < G_N_ELEMENTS (bundled); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), bundled[i], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (AsModel) model = as_model_new_from_file (path, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (as_model_get_source_language (model), ==, "en");
      g_assert_cmpstr (as_model_get_target_language (model), ==, "zh-CN");
    }

  /* the form of a tag: what the loader takes and refuses */
  g_assert_true (as_vocab_language_is_valid ("zh"));
  g_assert_true (as_vocab_language_is_valid ("zh-CN"));
  g_assert_true (as_vocab_language_is_valid ("zh-Hans-CN"));
  g_assert_true (as_vocab_language_is_valid ("yue-HK"));
  g_assert_true (as_vocab_language_is_valid ("es-419"));
  g_assert_false (as_vocab_language_is_valid (""));
  g_assert_false (as_vocab_language_is_valid ("z"));
  g_assert_false (as_vocab_language_is_valid ("chinese"));
  g_assert_false (as_vocab_language_is_valid ("zh_CN"));
  g_assert_false (as_vocab_language_is_valid ("zh-"));
  g_assert_false (as_vocab_language_is_valid ("zh--CN"));
  g_assert_false (as_vocab_language_is_valid ("zh-toolongsubtag"));
  g_assert_false (as_vocab_language_is_valid ("zh-CN "));
  g_assert_false (as_vocab_language_is_valid ("en-aaaaaaaa-bbbbbbbb-cccccccc-dddddd")); /* 36 bytes */
  g_assert_true (as_vocab_language_is_valid ("en-aaaaaaaa-bbbbbbbb-cccccccc-ddddd"));   /* 35 */
}

static void
test_tiny_metadata (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_auto (GStrv) keys = as_model_list_metadata (model);
  const char *expected_keys[] = { "description", "license", "name", "training_data", NULL };

  g_assert_cmpstrv (keys, expected_keys);
  g_assert_cmpstr (as_model_get_metadata (model, "name"), ==, "tiny-hello");
  g_assert_cmpstr (as_model_get_metadata (model, "license"), ==, "CC0-1.0");
  g_assert_cmpstr (as_model_get_metadata (model, "training_data"), ==,
                   "four made-up phrase pairs in tools/make_tiny_model.py");
  g_assert_true (g_str_has_prefix (as_model_get_metadata (model, "description"), "A hand-sized example"));
  g_assert_null (as_model_get_metadata (model, "authors"));
}

static void
test_tiny_describe (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  g_autofree char *path = tiny_path ();
  g_autofree char *text = as_model_describe (model);
  g_autofree char *expected = g_strdup_printf (
    "name: tiny-hello\n"
    "file: %s\n"
    "architecture: gru-bahdanau\n"
    "hidden size: 4\n"
    "parameters: 411\n"
    "source vocabulary: 6 tokens (words, lower-cased)\n"
    "target vocabulary: 6 tokens (words, lower-cased)\n"
    "unknown token: <unk>\n"
    "max target length: 6\n"
    "description: A hand-sized example of the AttnScope model format: hello/world to bonjour/monde, "
    "hidden size 4. For reading and for tests.\n"
    "license: CC0-1.0\n"
    "training_data: four made-up phrase pairs in tools/make_tiny_model.py\n", path);

  g_assert_cmpstr (as_model_get_path (model), ==, path);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_tiny_weights (void)
{
  g_autoptr (AsModel) model = load_tiny ();
  const AsGruWeights *w = as_gru_get_weights (model);
  const float out_b[6] = { -1.572f, 0.065f, -1.613f, 0.092f, 1.3f, -0.586f };

  /* values as the file writes them, rounded to float32 */
  g_assert_cmpfloat (w->enc_embedding[0], ==, -0.82f);
  g_assert_cmpfloat (w->enc_embedding[5 * 4 + 3], ==, 1.604f);
  g_assert_cmpfloat (w->enc_w_ih[0], ==, 0.585f);
  g_assert_cmpfloat (w->enc_b_ih[11], ==, 0.36f);
  g_assert_cmpfloat (w->att_va_b[0], ==, -0.182f);
  g_assert_cmpfloat (w->dec_w_ih[11 * 8 + 7], ==, 2.354f);
  g_assert_cmpfloat (w->dec_w_ih[11 * 8 + 0], ==, 0.976f);
  for (int i = 0; i < 6; i++)
    g_assert_cmpfloat (w->out_b[i], ==, out_b[i]);
}

static void
test_ref_unref (void)
{
  AsModel *model = load_tiny ();

  g_assert_true (as_model_ref (model) == model);
  as_model_unref (model);
  g_assert_cmpint (as_gru_get_config (model)->hidden, ==, 4);
  as_model_unref (model);
}

/* ---- the same weights in every encoding ----------------------------------- */

typedef struct
{
  const float *data;
  gsize        n;
} Span;

static void
spans (AsModel *model,
       Span    *out)
{
  const AsGruWeights *w = as_gru_get_weights (model);
  const AsGruConfig *c = as_gru_get_config (model);
  const gsize H = c->hidden, S = c->src_vocab, T = c->tgt_vocab;
  const Span all[18] = {
    { w->enc_embedding, S * H }, { w->enc_w_ih, 3 * H * H }, { w->enc_w_hh, 3 * H * H },
    { w->enc_b_ih, 3 * H }, { w->enc_b_hh, 3 * H }, { w->dec_embedding, T * H },
    { w->att_wa, H * H }, { w->att_wa_b, H }, { w->att_ua, H * H }, { w->att_ua_b, H },
    { w->att_va, H }, { w->att_va_b, 1 }, { w->dec_w_ih, 3 * H * 2 * H }, { w->dec_w_hh, 3 * H * H },
    { w->dec_b_ih, 3 * H }, { w->dec_b_hh, 3 * H }, { w->out_w, T * H }, { w->out_b, T },
  };
  memcpy (out, all, sizeof all);
}

static void
assert_same_weights (AsModel *a,
                     AsModel *b)
{
  Span sa[18], sb[18];

  spans (a, sa);
  spans (b, sb);
  g_assert_cmpuint (as_model_get_n_parameters (a), ==, as_model_get_n_parameters (b));
  for (int i = 0; i < 18; i++)
    {
      g_assert_cmpuint (sa[i].n, ==, sb[i].n);
      g_assert_cmpmem (sa[i].data, sa[i].n * sizeof (float), sb[i].data, sb[i].n * sizeof (float));
    }
}

static void
flatten (JsonArray *array,
         GArray    *values)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      if (JSON_NODE_HOLDS_ARRAY (item))
        flatten (json_node_get_array (item), values);
      else
        {
          float v = (float) json_node_get_double (item);
          g_array_append_val (values, v);
        }
    }
}

static GArray *
tensor_values (JsonObject *tensor)
{
  GArray *values = g_array_new (FALSE, FALSE, sizeof (float));

  flatten (json_object_get_array_member (tensor, "data"), values);
  return values;
}

/* every tensor as base64 of little-endian float32 */
static void
edit_base64 (JsonObject *root)
{
  JsonObject *tensors = json_object_get_object_member (root, "tensors");
  g_autoptr (GList) names = json_object_get_members (tensors);

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *tensor = json_object_get_object_member (tensors, l->data);
      g_autoptr (GArray) values = tensor_values (tensor);
      g_autofree guchar *bytes = g_new (guchar, values->len * 4);
      g_autofree char *text = NULL;

      for (guint i = 0; i < values->len; i++)
        {
          guint32 bits;
          memcpy (&bits, &g_array_index (values, float, i), 4);
          bits = GUINT32_TO_LE (bits);
          memcpy (bytes + 4 * i, &bits, 4);
        }
      text = g_base64_encode (bytes, values->len * 4);
      json_object_set_string_member (tensor, "data", text);
    }
}

/* every tensor as one flat array */
static void
edit_flat (JsonObject *root)
{
  JsonObject *tensors = json_object_get_object_member (root, "tensors");
  g_autoptr (GList) names = json_object_get_members (tensors);

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *tensor = json_object_get_object_member (tensors, l->data);
      g_autoptr (GArray) values = tensor_values (tensor);
      JsonArray *flat = json_array_sized_new (values->len);

      for (guint i = 0; i < values->len; i++)
        json_array_add_double_element (flat, g_array_index (values, float, i));
      json_object_set_array_member (tensor, "data", flat);
    }
}

/* every other tensor base64, the rest flat, nested as they were, no dtype */
static void
edit_mixed (JsonObject *root)
{
  JsonObject *tensors = json_object_get_object_member (root, "tensors");
  g_autoptr (GList) names = json_object_get_members (tensors);
  guint i = 0;

  edit_base64 (root);
  for (GList *l = names; l != NULL; l = l->next, i++)
    if (i % 2 == 0)
      {
        g_autofree char *text = tiny_text ();
        g_autoptr (JsonParser) parser = json_parser_new ();
        JsonObject *original;

        g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
        original = json_object_get_object_member (json_object_get_object_member (
                     json_node_get_object (json_parser_get_root (parser)), "tensors"), l->data);
        json_object_set_member (json_object_get_object_member (tensors, l->data), "data",
                                json_node_copy (json_object_get_member (original, "data")));
        json_object_remove_member (json_object_get_object_member (tensors, l->data), "dtype");
      }
}

static void
test_encodings_agree (void)
{
  g_autoptr (AsModel) tiny = load_tiny ();
  g_autoptr (AsModel) base64 = load_edited_ok (edit_base64);
  g_autoptr (AsModel) flat = load_edited_ok (edit_flat);
  g_autoptr (AsModel) mixed = load_edited_ok (edit_mixed);

  assert_same_weights (tiny, base64);
  assert_same_weights (tiny, flat);
  assert_same_weights (tiny, mixed);
  g_assert_cmpfloat (as_gru_get_weights (base64)->dec_w_ih[11 * 8 + 7], ==, 2.354f);
}

/* The members in another order than the exporter's: "tensors" first (the
 * loader reads the file a second time for them), "decoding" and "metadata"
 * after them, and in each tensor "data" before "shape". */
static JsonObject *
reordered (JsonObject          *object,
           const char * const  *first)
{
  JsonObject *copy = json_object_new ();
  g_autoptr (GList) members = json_object_get_members (object);

  for (guint i = 0; first[i] != NULL; i++)
    if (json_object_has_member (object, first[i]))
      json_object_set_member (copy, first[i], json_node_copy (json_object_get_member (object, first[i])));
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (first, l->data))
      json_object_set_member (copy, l->data, json_node_copy (json_object_get_member (object, l->data)));
  return copy;
}

static void
replace_members (JsonObject *root,
                 JsonObject *with)
{
  g_autoptr (GList) members = json_object_get_members (root);
  g_autoptr (GList) new_members = json_object_get_members (with);

  for (GList *l = members; l != NULL; l = l->next)
    json_object_remove_member (root, l->data);
  for (GList *l = new_members; l != NULL; l = l->next)
    json_object_set_member (root, l->data, json_node_copy (json_object_get_member (with, l->data)));
}

static void
edit_order (JsonObject *root)
{
  static const char * const tensor_order[] = { "data", "dtype", "shape", NULL };
  static const char * const top_order[] = { "tensors", "metadata", "source", "format", "decoding", NULL };
  JsonObject *tensors = json_object_get_object_member (root, "tensors");
  g_autoptr (GList) names = json_object_get_members (tensors);
  g_autoptr (JsonObject) top = NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autoptr (JsonObject) tensor = reordered (json_object_get_object_member (tensors, l->data), tensor_order);
      json_object_set_object_member (tensors, l->data, json_object_ref (tensor));
    }
  top = reordered (root, top_order);
  replace_members (root, top);
}

static void
edit_base64_order (JsonObject *root)
{
  edit_base64 (root);
  edit_order (root);
}

static void
test_member_order (void)
{
  g_autoptr (AsModel) tiny = load_tiny ();
  g_autoptr (AsModel) numbers = load_edited_ok (edit_order);
  g_autoptr (AsModel) base64 = load_edited_ok (edit_base64_order);

  assert_same_weights (tiny, numbers);
  assert_same_weights (tiny, base64);
  g_assert_cmpuint (as_model_get_max_length (numbers), ==, as_model_get_max_length (tiny));
  g_assert_cmpstr (as_model_get_metadata (numbers, "name"), ==, "tiny-hello");
  g_assert_cmpuint (as_model_get_source (base64)->size, ==, 6);
}

/* A float32 in base64 that JSON numbers cannot write exactly: the bits are kept. */
static void
edit_subnormal (JsonObject *root)
{
  JsonObject *bias = json_object_get_object_member (json_object_get_object_member (root, "tensors"),
                                                    "decoder.attention.Va.bias");
  const guchar bytes[4] = { 0x01, 0x00, 0x00, 0x80 };  /* -1.4e-45, the smallest negative subnormal */
  g_autofree char *text = g_base64_encode (bytes, 4);

  json_object_set_string_member (bias, "data", text);
}

static void
test_base64_bits (void)
{
  g_autoptr (AsModel) model = load_edited_ok (edit_subnormal);
  const float v = as_gru_get_weights (model)->att_va_b[0];
  guint32 bits;

  memcpy (&bits, &v, 4);
  g_assert_cmphex (bits, ==, 0x80000001);
}

/* ---- optional fields and their defaults ------------------------------------- */

static void
edit_defaults (JsonObject *root)
{
  JsonObject *src = json_object_get_object_member (root, "source");
  JsonObject *tgt = json_object_get_object_member (root, "target");

  json_object_remove_member (root, "decoding");
  json_object_remove_member (root, "metadata");
  json_object_remove_member (src, "join");
  json_object_remove_member (json_object_get_object_member (src, "tokenizer"), "lowercase");
  json_object_remove_member (json_object_get_object_member (src, "special"), "unknown");
  json_object_remove_member (json_object_get_object_member (src, "special"), "start");
  json_object_remove_member (json_object_get_object_member (src, "special"), "padding");
  json_object_remove_member (tgt, "join");
  json_object_set_string_member (json_object_get_object_member (tgt, "tokenizer"), "type", "characters");
  json_object_remove_member (json_object_get_object_member (tgt, "tokenizer"), "lowercase");
  json_object_set_null_member (json_object_get_object_member (tgt, "special"), "unknown");
}

static void
test_defaults (void)
{
  g_autoptr (AsModel) model = load_edited_ok (edit_defaults);
  const AsVocab *src = as_model_get_source (model);
  const AsVocab *tgt = as_model_get_target (model);
  g_autofree char *text = as_model_describe (model);
  g_auto (GStrv) keys = as_model_list_metadata (model);
  const int ids[] = { 3, 4, 5, 1 };
  g_autofree char *joined = as_vocab_join (tgt, ids, 4);

  /* no decoding.max_length: a GRU decodes at most 10 steps, whatever the sentence */
  g_assert_cmpint (as_model_get_max_length (model), ==, 0);
  g_assert_cmpint (as_model_get_max_length_for (model, 3), ==, 10);
  g_assert_cmpint (as_model_get_max_length_for (model, 300), ==, 10);
  g_assert_true (src->lowercase);
  g_assert_cmpstr (src->join, ==, " ");
  g_assert_cmpint (src->start, ==, -1);
  g_assert_cmpint (src->unknown, ==, -1);
  g_assert_cmpint (src->padding, ==, -1);
  g_assert_cmpint (src->end, ==, 1);
  g_assert_cmpint (tgt->tokenizer, ==, AS_TOKENIZER_CHARACTERS);
  g_assert_false (tgt->lowercase);
  g_assert_cmpstr (tgt->join, ==, "");
  g_assert_cmpint (tgt->unknown, ==, -1);
  g_assert_cmpstr (joined, ==, "bonjourmonde!");
  g_assert_cmpuint (g_strv_length (keys), ==, 0);
  g_assert_cmpstr (as_model_get_path (model), ==, "edited.json");
  g_assert_true (g_str_has_prefix (text, "name: (unnamed)\nfile: edited.json\n"));
  g_assert_nonnull (strstr (text, "\nunknown token: (none)\n"));
  g_assert_nonnull (strstr (text, "\ntarget vocabulary: 6 tokens (characters)\n"));
  g_assert_nonnull (strstr (text, "\nmax target length: 10\n"));
}

static void
edit_limits (JsonObject *root)
{
  JsonObject *metadata = json_object_get_object_member (root, "metadata");

  json_object_set_int_member (json_object_get_object_member (root, "decoding"), "max_length", 1000);
  json_object_set_string_member (json_object_get_object_member (root, "target"), "join", "_");
  json_object_set_boolean_member (json_object_get_object_member (
                                    json_object_get_object_member (root, "target"), "tokenizer"), "lowercase", FALSE);
  /* metadata is free: values that are not strings are kept out of the list */
  json_object_set_int_member (metadata, "name", 5);
  json_object_set_array_member (metadata, "authors", json_array_new ());
  json_object_set_string_member (metadata, "version", "");
}

/* metadata comes from the file: describe writes it one line each, and no
 * control character reaches the terminal */
static void
edit_hostile_metadata (JsonObject *root)
{
  JsonObject *metadata = json_object_get_object_member (root, "metadata");

  json_object_set_string_member (metadata, "name", "tiny\nfake: line");
  json_object_set_string_member (metadata, "description", "\x1b]0;title\x07\x1b[2J\tend\xc2\x9b");
  json_object_set_string_member (metadata, "la\rbel", "é");
}

static void
test_describe_escapes (void)
{
  g_autoptr (AsModel) model = load_edited_ok (edit_hostile_metadata);
  g_autofree char *text = as_model_describe (model);

  g_assert_cmpstr (as_model_get_metadata (model, "name"), ==, "tiny\nfake: line");
  g_assert_true (g_str_has_prefix (text, "name: tiny\\nfake: line\n"));
  g_assert_nonnull (strstr (text, "\ndescription: \\u001B]0;title\\u0007\\u001B[2J\\tend\\u009B\n"));
  g_assert_nonnull (strstr (text, "\nla\\rbel: é\n"));
  for (const char *p = text; *p != '\0'; p++)
    g_assert_true (*p == '\n' || (guchar) *p >= 0x20);
}

static void
test_limits_and_free_metadata (void)
{
  g_autoptr (AsModel) model = load_edited_ok (edit_limits);
  g_auto (GStrv) keys = as_model_list_metadata (model);
  const char *expected_keys[] = { "description", "license", "training_data", "version", NULL };

  g_assert_cmpint (as_model_get_max_length (model), ==, 1000);
  g_assert_cmpstr (as_model_get_target (model)->join, ==, "_");
  g_assert_false (as_model_get_target (model)->lowercase);
  g_assert_cmpstrv (keys, expected_keys);
  g_assert_null (as_model_get_metadata (model, "name"));
  g_assert_cmpstr (as_model_get_metadata (model, "version"), ==, "");
}

/* ---- JSON that is strict but unusual ----------------------------------------- */

static char *
replace_once (const char *text,
              const char *old,
              const char *new)
{
  const char *at = strstr (text, old);

  g_assert_nonnull (at);
  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, new, at + strlen (old));
}

static void
test_unusual_json (void)
{
  g_autofree char *text = tiny_text ();
  g_autofree char *a = replace_once (text, "-0.82", "-8.2E-1");
  g_autofree char *b = replace_once (a, "0.396", "3.96e-1");
  g_autofree char *c = replace_once (b, "0.899", "0.899E+0");
  g_autofree char *d = replace_once (c, "\"start\": 0", "\"start\": -0");
  g_autofree char *e = replace_once (d, "\"tiny-hello\"",
                                     "\"tiny\\/hello \\u00e9\\ud83d\\ude00 \\\"q\\\" \\\\ \\t\"");
  g_autofree char *f = replace_once (e, "\"license\"", "\"big\": 9223372036854775807, \"small\": -9223372036854775807, "
                                     "\"tiny\": 1e-999, \"license\"");
  g_auto (GStrv) lines = g_strsplit (f, "\n", -1);
  g_autofree char *crlf = g_strjoinv ("\r\n", lines);
  g_autofree char *bom = g_strconcat ("\xef\xbb\xbf", crlf, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) unusual = as_model_new_from_data (bom, strlen (bom), "unusual.json", &error);
  g_autoptr (AsModel) tiny = load_tiny ();

  g_assert_no_error (error);
  g_assert_nonnull (unusual);
  assert_same_weights (tiny, unusual);
  g_assert_cmpstr (as_model_get_metadata (unusual, "name"), ==, "tiny/hello é😀 \"q\" \\ \t");
  g_assert_cmpint (as_model_get_target (unusual)->start, ==, 0);
}

static void
test_from_data_names (void)
{
  g_autofree char *text = tiny_text ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) model = as_model_new_from_data (text, strlen (text), NULL, &error);
  g_autoptr (AsModel) bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (as_model_get_path (model), ==, "model");

  /* messages name the base name of @where */
  bad = as_model_new_from_data ("[]", 2, "/some/folder/x.json", &error);
  g_assert_null (bad);
  g_assert_error (error, AS_ERROR, AS_ERROR_FORMAT);
  g_assert_cmpstr (error->message, ==, "x.json: the document must be a JSON object, found an array");
  g_clear_error (&error);

  bad = as_model_new_from_data (NULL, 0, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, AS_ERROR, AS_ERROR_FORMAT);
  g_assert_cmpstr (error->message, ==, "model: the file is empty");
}

/* The length is honoured: what follows it is not read. */
static void
test_length_is_honoured (void)
{
  g_autofree char *text = tiny_text ();
  g_autofree char *padded = g_strconcat (text, "garbage that is not JSON", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AsModel) model = as_model_new_from_data (padded, strlen (text), "padded.json", &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
}

/* The GRU's decoder step on packed matrices and kept input rows (b_ih +
 * W_ih's embedding columns times the token's embedding) gives what it
 * gives on OpenBLAS with the file's matrices, as PyTorch computes it: on
 * the bundled en-zh-gru and on tiny-hello, with the default budget, none,
 * room for the output layer only, and the output layer, W_hh and Wa but
 * no room for the rows (each input row made at each step), greedy
 * decodings of a few sentences take the same tokens, with every attention
 * weight and candidate's probability within the tolerances of the parity
 * checks against PyTorch. Run twice on one model, the second time from
 * the kept rows. */
static void
test_pack_budget (void)
{
  /* the tolerances of the parity checks against PyTorch (tests/parity) */
  const struct { const char *file; double attention, prob; } models[] = {
    { "en-zh-gru.json", 1.5e-5, 1e-4 },
    { "tiny-hello.json", 1e-6, 1e-5 },
  };
  const char * const sentences[] = { "Where is the station?", "hello world", "I am hungry and you are tired .",
                                     "Tom said he would come tomorrow, but he did not." };

  for (guint f = 0; f < G_N_ELEMENTS (models); f++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("ATTNSCOPE_MODELS_DIR"), models[f].file, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (AsModel) plain = NULL;
      gint64 budgets[4];

      as_packed_set_budget (0);
      plain = as_model_new_from_file (path, &error);
      g_assert_no_error (error);
      {
        const gint64 H = as_gru_get_config (plain)->hidden, T = as_gru_get_config (plain)->tgt_vocab;
        const gint64 out = (T + 15) / 16 * 16 * H, hh = (H + 15) / 16 * 16 * H * 3, wa = (H + 15) / 16 * 16 * H;

        budgets[0] = -1;
        budgets[1] = out;
        budgets[2] = out + hh + wa;
        budgets[3] = out + hh + wa + (3 * H + 15) / 16 * 16 * H;  /* the context's columns, no row kept */
      }

      for (guint b = 0; b < G_N_ELEMENTS (budgets); b++)
        {
          g_autoptr (AsModel) packed = NULL;

          as_packed_set_budget (budgets[b]);
          packed = as_model_new_from_file (path, &error);
          as_packed_set_budget (-1);
          g_assert_no_error (error);

          for (guint run = 0; run < 2; run++)
            for (guint i = 0; i < G_N_ELEMENTS (sentences); i++)
              {
                g_autoptr (AsSession) a = as_session_new (packed, sentences[i], &error);
                g_autoptr (AsSession) c = as_session_new (plain, sentences[i], &error);
                guint n_source;

                g_assert_no_error (error);
                g_assert_true (as_session_decode_greedy (a, &error));
                g_assert_true (as_session_decode_greedy (c, &error));
                g_assert_no_error (error);
                g_assert_cmpuint (as_session_get_n_steps (a), ==, as_session_get_n_steps (c));
                g_assert_cmpuint (as_session_get_n_steps (a), >, 0);
                n_source = as_session_get_n_source (a);
                for (guint t = 0; t < as_session_get_n_steps (a); t++)
                  {
                    const AsStep *x = as_session_get_step (a, t), *y = as_session_get_step (c, t);
                    const float *ax = as_session_get_cross_attention (a, t), *ay = as_session_get_cross_attention (c, t);

                    g_assert_cmpint (x->output, ==, y->output);
                    g_assert_cmpuint (x->n_top, ==, y->n_top);
                    for (guint k = 0; k < x->n_top; k++)
                      {
                        g_assert_cmpint (x->top_ids[k], ==, y->top_ids[k]);
                        g_assert_cmpfloat_with_epsilon (x->top_probs[k], y->top_probs[k], models[f].prob);
                      }
                    for (guint j = 0; j < n_source; j++)
                      g_assert_cmpfloat_with_epsilon (ax[j], ay[j], models[f].attention);
                  }
              }
        }
    }
  as_packed_set_budget (-1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/tiny/sizes", test_tiny_sizes);
  g_test_add_func ("/model/tiny/vocabularies", test_tiny_vocabularies);
  g_test_add_func ("/model/tiny/join", test_tiny_join);
  g_test_add_func ("/model/languages", test_languages);
  g_test_add_func ("/model/tiny/metadata", test_tiny_metadata);
  g_test_add_func ("/model/tiny/describe", test_tiny_describe);
  g_test_add_func ("/model/tiny/weights", test_tiny_weights);
  g_test_add_func ("/model/ref-unref", test_ref_unref);
  g_test_add_func ("/model/encodings/agree", test_encodings_agree);
  g_test_add_func ("/model/encodings/base64-keeps-the-bits", test_base64_bits);
  g_test_add_func ("/model/member-order", test_member_order);
  g_test_add_func ("/model/defaults", test_defaults);
  g_test_add_func ("/model/gru/pack-budget", test_pack_budget);
  g_test_add_func ("/model/limits-and-free-metadata", test_limits_and_free_metadata);
  g_test_add_func ("/model/describe-escapes", test_describe_escapes);
  g_test_add_func ("/model/json/strict-but-unusual", test_unusual_json);
  g_test_add_func ("/model/from-data/names", test_from_data_names);
  g_test_add_func ("/model/from-data/length", test_length_is_honoured);

  return g_test_run ();
}
