/* Colour maps for the attention figure.
 *
 * viridis and magma are the perceptually uniform maps of Nathaniel J. Smith,
 * Stefan van der Walt and Eric Firing (matplotlib; released under CC0). The
 * tables below hold 33 of their 256 entries (every eighth, and the last), and
 * the lookup interpolates linearly between them: the difference from the full
 * table is below 0.003 in every channel.
 *
 * greys is matplotlib's "Greys": the nine-class ColorBrewer sequence from
 * white (0) to black (1), interpolated the same way. */

#include "as-colormap.h"

#include <math.h>
#include <string.h>

typedef struct
{
  float r, g, b;
} Rgb;

static const Rgb viridis[] = {
  { 0.267004f, 0.004874f, 0.329415f }, /*   0 */
  { 0.277018f, 0.050344f, 0.375715f }, /*   8 */
  { 0.282327f, 0.094955f, 0.417331f }, /*  16 */
  { 0.282884f, 0.135920f, 0.453427f }, /*  24 */
  { 0.278826f, 0.175490f, 0.483397f }, /*  32 */
  { 0.270595f, 0.214069f, 0.507052f }, /*  40 */
  { 0.258965f, 0.251537f, 0.524736f }, /*  48 */
  { 0.244972f, 0.287675f, 0.537260f }, /*  56 */
  { 0.229739f, 0.322361f, 0.545706f }, /*  64 */
  { 0.214298f, 0.355619f, 0.551184f }, /*  72 */
  { 0.199430f, 0.387607f, 0.554642f }, /*  80 */
  { 0.185556f, 0.418570f, 0.556753f }, /*  88 */
  { 0.172719f, 0.448791f, 0.557885f }, /*  96 */
  { 0.160665f, 0.478540f, 0.558115f }, /* 104 */
  { 0.149039f, 0.508051f, 0.557250f }, /* 112 */
  { 0.137770f, 0.537492f, 0.554906f }, /* 120 */
  { 0.127568f, 0.566949f, 0.550556f }, /* 128 */
  { 0.120565f, 0.596422f, 0.543611f }, /* 136 */
  { 0.120638f, 0.625828f, 0.533488f }, /* 144 */
  { 0.132268f, 0.655014f, 0.519661f }, /* 152 */
  { 0.157851f, 0.683765f, 0.501686f }, /* 160 */
  { 0.196571f, 0.711827f, 0.479221f }, /* 168 */
  { 0.246070f, 0.738910f, 0.452024f }, /* 176 */
  { 0.304148f, 0.764704f, 0.419943f }, /* 184 */
  { 0.369214f, 0.788888f, 0.382914f }, /* 192 */
  { 0.440137f, 0.811138f, 0.340967f }, /* 200 */
  { 0.515992f, 0.831158f, 0.294279f }, /* 208 */
  { 0.595839f, 0.848717f, 0.243329f }, /* 216 */
  { 0.678489f, 0.863742f, 0.189503f }, /* 224 */
  { 0.762373f, 0.876424f, 0.137064f }, /* 232 */
  { 0.845561f, 0.887322f, 0.099702f }, /* 240 */
  { 0.926106f, 0.897330f, 0.104071f }, /* 248 */
  { 0.993248f, 0.906157f, 0.143936f }, /* 255 */
};

static const Rgb magma[] = {
  { 0.001462f, 0.000466f, 0.013866f }, /*   0 */
  { 0.013708f, 0.011771f, 0.068667f }, /*   8 */
  { 0.039608f, 0.031090f, 0.133515f }, /*  16 */
  { 0.074257f, 0.052017f, 0.202660f }, /*  24 */
  { 0.113094f, 0.065492f, 0.276784f }, /*  32 */
  { 0.159018f, 0.068354f, 0.352688f }, /*  40 */
  { 0.211718f, 0.061992f, 0.418647f }, /*  48 */
  { 0.265447f, 0.060237f, 0.461840f }, /*  56 */
  { 0.316654f, 0.071690f, 0.485380f }, /*  64 */
  { 0.366012f, 0.090314f, 0.497960f }, /*  72 */
  { 0.414709f, 0.110431f, 0.504662f }, /*  80 */
  { 0.463508f, 0.129893f, 0.507652f }, /*  88 */
  { 0.512831f, 0.148179f, 0.507648f }, /*  96 */
  { 0.562866f, 0.165368f, 0.504692f }, /* 104 */
  { 0.613617f, 0.181811f, 0.498536f }, /* 112 */
  { 0.664915f, 0.198075f, 0.488836f }, /* 120 */
  { 0.716387f, 0.214982f, 0.475290f }, /* 128 */
  { 0.767398f, 0.233705f, 0.457755f }, /* 136 */
  { 0.816914f, 0.255895f, 0.436461f }, /* 144 */
  { 0.863320f, 0.283729f, 0.412403f }, /* 152 */
  { 0.904281f, 0.319610f, 0.388137f }, /* 160 */
  { 0.937221f, 0.364929f, 0.368567f }, /* 168 */
  { 0.960949f, 0.418323f, 0.359630f }, /* 176 */
  { 0.976690f, 0.476226f, 0.364466f }, /* 184 */
  { 0.986700f, 0.535582f, 0.382210f }, /* 192 */
  { 0.992785f, 0.594891f, 0.410283f }, /* 200 */
  { 0.996096f, 0.653659f, 0.446213f }, /* 208 */
  { 0.997325f, 0.711848f, 0.488154f }, /* 216 */
  { 0.996898f, 0.769591f, 0.534892f }, /* 224 */
  { 0.995131f, 0.827052f, 0.585701f }, /* 232 */
  { 0.992440f, 0.884330f, 0.640099f }, /* 240 */
  { 0.989434f, 0.941470f, 0.697519f }, /* 248 */
  { 0.987053f, 0.991438f, 0.749504f }, /* 255 */
};

/* #ffffff #f0f0f0 #d9d9d9 #bdbdbd #969696 #737373 #525252 #252525 #000000 */
static const Rgb greys[] = {
  { 1.000000f, 1.000000f, 1.000000f },
  { 0.941176f, 0.941176f, 0.941176f },
  { 0.850980f, 0.850980f, 0.850980f },
  { 0.741176f, 0.741176f, 0.741176f },
  { 0.588235f, 0.588235f, 0.588235f },
  { 0.450980f, 0.450980f, 0.450980f },
  { 0.321569f, 0.321569f, 0.321569f },
  { 0.145098f, 0.145098f, 0.145098f },
  { 0.000000f, 0.000000f, 0.000000f },
};

typedef struct
{
  const char *name;
  const Rgb  *table;
  guint       n;
  /* TRUE: the anchors are entries 0, 8, ... 248, 255 of a 256-entry table
   * (the last gap is shorter); FALSE: evenly spaced over 0..1. */
  gboolean    sampled_256;
} ColormapInfo;

static const ColormapInfo colormaps[AS_N_COLORMAPS] = {
  [AS_COLORMAP_VIRIDIS] = { "viridis", viridis, G_N_ELEMENTS (viridis), TRUE },
  [AS_COLORMAP_MAGMA]   = { "magma",   magma,   G_N_ELEMENTS (magma),   TRUE },
  [AS_COLORMAP_GREYS]   = { "greys",   greys,   G_N_ELEMENTS (greys),   FALSE },
};

gboolean
as_colormap_from_name (const char *name,
                       AsColormap *colormap)
{
  g_return_val_if_fail (colormap != NULL, FALSE);

  if (name == NULL)
    return FALSE;

  for (guint i = 0; i < AS_N_COLORMAPS; i++)
    {
      if (g_ascii_strcasecmp (name, colormaps[i].name) == 0)
        {
          *colormap = (AsColormap) i;
          return TRUE;
        }
    }

  /* matplotlib's spelling */
  if (g_ascii_strcasecmp (name, "grays") == 0 || g_ascii_strcasecmp (name, "gray") == 0 ||
      g_ascii_strcasecmp (name, "grey") == 0)
    {
      *colormap = AS_COLORMAP_GREYS;
      return TRUE;
    }

  return FALSE;
}

const char *
as_colormap_get_name (AsColormap colormap)
{
  g_return_val_if_fail ((guint) colormap < AS_N_COLORMAPS, NULL);

  return colormaps[colormap].name;
}

void
as_colormap_lookup (AsColormap  colormap,
                    double      value,
                    double     *r,
                    double     *g,
                    double     *b)
{
  const ColormapInfo *info;
  double position;
  guint i;
  double f;

  g_return_if_fail ((guint) colormap < AS_N_COLORMAPS);

  info = &colormaps[colormap];

  if (isnan (value))
    value = 0.0;
  value = CLAMP (value, 0.0, 1.0);

  if (info->sampled_256)
    {
      /* anchor i is entry 8i (the last one entry 255) */
      double entry = value * 255.0;

      if (entry >= 248.0)
        {
          i = info->n - 2;
          f = (entry - 248.0) / 7.0;
        }
      else
        {
          position = entry / 8.0;
          i = (guint) position;
          f = position - i;
        }
    }
  else
    {
      position = value * (info->n - 1);
      i = MIN ((guint) position, info->n - 2);
      f = position - i;
    }

  *r = info->table[i].r + f * (info->table[i + 1].r - info->table[i].r);
  *g = info->table[i].g + f * (info->table[i + 1].g - info->table[i].g);
  *b = info->table[i].b + f * (info->table[i + 1].b - info->table[i].b);
}

/* ColorBrewer's RdBu (eleven classes, Cynthia Brewer, Apache-2.0 licence),
 * reversed: #053061 at -1, #f7f7f7 at 0, #67001f at 1. */
static const Rgb rdbu_r[] = {
  { 0x05 / 255.0f, 0x30 / 255.0f, 0x61 / 255.0f },
  { 0x21 / 255.0f, 0x66 / 255.0f, 0xac / 255.0f },
  { 0x43 / 255.0f, 0x93 / 255.0f, 0xc3 / 255.0f },
  { 0x92 / 255.0f, 0xc5 / 255.0f, 0xde / 255.0f },
  { 0xd1 / 255.0f, 0xe5 / 255.0f, 0xf0 / 255.0f },
  { 0xf7 / 255.0f, 0xf7 / 255.0f, 0xf7 / 255.0f },
  { 0xfd / 255.0f, 0xdb / 255.0f, 0xc7 / 255.0f },
  { 0xf4 / 255.0f, 0xa5 / 255.0f, 0x82 / 255.0f },
  { 0xd6 / 255.0f, 0x60 / 255.0f, 0x4d / 255.0f },
  { 0xb2 / 255.0f, 0x18 / 255.0f, 0x2b / 255.0f },
  { 0x67 / 255.0f, 0x00 / 255.0f, 0x1f / 255.0f },
};

void
as_colormap_diverging_lookup (double  value,
                              double *r,
                              double *g,
                              double *b)
{
  const guint n = G_N_ELEMENTS (rdbu_r);
  double position, f;
  guint i;

  if (isnan (value))
    value = 0.0;
  value = CLAMP (value, -1.0, 1.0);

  position = (value + 1.0) / 2.0 * (n - 1);
  i = MIN ((guint) position, n - 2);
  f = position - i;

  *r = rdbu_r[i].r + f * (rdbu_r[i + 1].r - rdbu_r[i].r);
  *g = rdbu_r[i].g + f * (rdbu_r[i + 1].g - rdbu_r[i].g);
  *b = rdbu_r[i].b + f * (rdbu_r[i + 1].b - rdbu_r[i].b);
}
