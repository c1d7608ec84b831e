// Reference implementations: elastic_transform pixelate jpeg_compression. See reference.h.
// Plain single-threaded transcriptions of the published algorithms; the optimised ops (ops/digital.inl) document
// the size conventions and must agree with these up to float rounding.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include "corrupt/reference/reference.h"

namespace rfy::corrupt::reference {
namespace {

// ---- pixelate: Pillow's ImagingResample (BOX filter, uint8 path) -------------------------------------------------

// Pillow's precompute_coeffs + normalize_coeffs_8bpc for one output position: weights[k] for inputs xmin + k.
int box_coeffs(int out_pos, int in_size, int out_size, int* xmin_out, int weights[]) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = 0.5 * filterscale;  // BOX support 0.5
  const double center = (out_pos + 0.5) * scale;
  const double ss = 1.0 / filterscale;
  int xmin = static_cast<int>(center - support + 0.5);
  if (xmin < 0) xmin = 0;
  int xmax = static_cast<int>(center + support + 0.5);
  if (xmax > in_size) xmax = in_size;
  xmax -= xmin;
  double k[64];
  double ww = 0.0;
  for (int x = 0; x < xmax; ++x) {
    const double t = (x + xmin - center + 0.5) * ss;
    k[x] = (t > -0.5 && t <= 0.5) ? 1.0 : 0.0;
    ww += k[x];
  }
  for (int x = 0; x < xmax; ++x) {
    const double v = ww != 0.0 ? k[x] / ww : k[x];
    weights[x] = static_cast<int>(v < 0 ? -0.5 + v * (1 << 22) : 0.5 + v * (1 << 22));
  }
  *xmin_out = xmin;
  return xmax;
}

uint8_t clip8(int acc) {
  const int v = acc >> 22;
  return static_cast<uint8_t>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

// One separable BOX pass over uint8 levels held in floats: src is rows x in_w (horizontal) or in_h x cols
// (vertical); dst receives the resized plane.
void box_pass_h(const float* src, float* dst, int rows, int in_w, int out_w) {
  int weights[64];
  for (int x = 0; x < out_w; ++x) {
    int xmin = 0;
    const int n = box_coeffs(x, in_w, out_w, &xmin, weights);
    for (int y = 0; y < rows; ++y) {
      int acc = 1 << 21;
      for (int k = 0; k < n; ++k) acc += static_cast<int>(src[y * in_w + xmin + k]) * weights[k];
      dst[y * out_w + x] = clip8(acc);
    }
  }
}
void box_pass_v(const float* src, float* dst, int cols, int in_h, int out_h) {
  int weights[64];
  for (int y = 0; y < out_h; ++y) {
    int ymin = 0;
    const int n = box_coeffs(y, in_h, out_h, &ymin, weights);
    for (int x = 0; x < cols; ++x) {
      int acc = 1 << 21;
      for (int k = 0; k < n; ++k) acc += static_cast<int>(src[(ymin + k) * cols + x]) * weights[k];
      dst[y * cols + x] = clip8(acc);
    }
  }
}

// ---- jpeg ---------------------------------------------------------------------------------------------------

int fix16(double x) { return static_cast<int>(x * 65536.0 + 0.5); }
int clamp255(int v) { return v < 0 ? 0 : (v > 255 ? 255 : v); }

const int kLuminance[64] = {16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
                            14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
                            18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
                            49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};
const int kChrominance[64] = {17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
                              24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
                              99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
                              99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99};

// libjpeg's jpeg_quality_scaling + jpeg_add_quant_table (force_baseline).
int scaled_quant(int basic, int quality) {
  if (quality <= 0) quality = 1;
  if (quality > 100) quality = 100;
  const int scale = quality < 50 ? 5000 / quality : 200 - quality * 2;
  const int t = (basic * scale + 50) / 100;
  return t < 1 ? 1 : (t > 255 ? 255 : t);
}

// libjpeg's jfdctint.c / jidctint.c ("islow": LL&M with 13-bit constants, PASS1_BITS = 2), one 1-D pass each.
#define DESCALE(x, n) (((x) + (static_cast<int64_t>(1) << ((n) - 1))) >> (n))
void fdct_islow_pass(int64_t* d, int stride, bool first_pass) {
  const int64_t t0 = d[0] + d[7 * stride], t7 = d[0] - d[7 * stride], t1 = d[stride] + d[6 * stride],
                t6 = d[stride] - d[6 * stride], t2 = d[2 * stride] + d[5 * stride], t5 = d[2 * stride] - d[5 * stride],
                t3 = d[3 * stride] + d[4 * stride], t4 = d[3 * stride] - d[4 * stride];
  const int64_t t10 = t0 + t3, t13 = t0 - t3, t11 = t1 + t2, t12 = t1 - t2;
  const int sh = first_pass ? 13 - 2 : 13 + 2;
  d[0] = first_pass ? (t10 + t11) * 4 : DESCALE(t10 + t11, 2);
  d[4 * stride] = first_pass ? (t10 - t11) * 4 : DESCALE(t10 - t11, 2);
  const int64_t z = (t12 + t13) * 4433;
  d[2 * stride] = DESCALE(z + t13 * 6270, sh);
  d[6 * stride] = DESCALE(z - t12 * 15137, sh);
  int64_t z1 = t4 + t7, z2 = t5 + t6, z3 = t4 + t6, z4 = t5 + t7;
  const int64_t z5 = (z3 + z4) * 9633;
  const int64_t u4 = t4 * 2446, u5 = t5 * 16819, u6 = t6 * 25172, u7 = t7 * 12299;
  z1 *= -7373;
  z2 *= -20995;
  z3 = z3 * -16069 + z5;
  z4 = z4 * -3196 + z5;
  d[7 * stride] = DESCALE(u4 + z1 + z3, sh);
  d[5 * stride] = DESCALE(u5 + z2 + z4, sh);
  d[3 * stride] = DESCALE(u6 + z2 + z3, sh);
  d[stride] = DESCALE(u7 + z1 + z4, sh);
}
// One 1-D inverse pass (in -> out, both strided); first_pass descales by 11 bits, the second by 18.
void idct_islow_pass(const int64_t* in, int istride, int64_t* out, int ostride, bool first_pass) {
  int64_t z2 = in[2 * istride], z3 = in[6 * istride];
  int64_t z1 = (z2 + z3) * 4433;
  const int64_t e2 = z1 - z3 * 15137, e3 = z1 + z2 * 6270;
  z2 = in[0];
  z3 = in[4 * istride];
  const int64_t e0 = (z2 + z3) * 8192, e1 = (z2 - z3) * 8192;
  const int64_t t10 = e0 + e3, t13 = e0 - e3, t11 = e1 + e2, t12 = e1 - e2;
  int64_t o0 = in[7 * istride], o1 = in[5 * istride], o2 = in[3 * istride], o3 = in[istride];
  z1 = o0 + o3;
  z2 = o1 + o2;
  z3 = o0 + o2;
  int64_t z4 = o1 + o3;
  const int64_t z5 = (z3 + z4) * 9633;
  o0 *= 2446;
  o1 *= 16819;
  o2 *= 25172;
  o3 *= 12299;
  z1 *= -7373;
  z2 *= -20995;
  z3 = z3 * -16069 + z5;
  z4 = z4 * -3196 + z5;
  o0 += z1 + z3;
  o1 += z2 + z4;
  o2 += z2 + z3;
  o3 += z1 + z4;
  const int sh = first_pass ? 13 - 2 : 13 + 2 + 3;
  out[0] = DESCALE(t10 + o3, sh);
  out[7 * ostride] = DESCALE(t10 - o3, sh);
  out[ostride] = DESCALE(t11 + o2, sh);
  out[6 * ostride] = DESCALE(t11 - o2, sh);
  out[2 * ostride] = DESCALE(t12 + o1, sh);
  out[5 * ostride] = DESCALE(t12 - o1, sh);
  out[3 * ostride] = DESCALE(t13 + o0, sh);
  out[4 * ostride] = DESCALE(t13 - o0, sh);
}

#undef DESCALE

// Round trip of every 8 x 8 block of a plane (pw x ph; edge blocks replicate-padded): islow forward DCT, quantise,
// dequantise, islow inverse DCT, clamp.
void code_plane(float* plane, int pw, int ph, const int* basic, int quality) {
  int quant[64];
  for (int k = 0; k < 64; ++k) quant[k] = scaled_quant(basic[k], quality);
  for (int by = 0; by < (ph + 7) / 8; ++by)
    for (int bx = 0; bx < (pw + 7) / 8; ++bx) {
      int64_t d[64], ws[64];
      for (int y = 0; y < 8; ++y)  // replicate-padded edge blocks, level shift
        for (int x = 0; x < 8; ++x) {
          const int yy = std::min(by * 8 + y, ph - 1), xx = std::min(bx * 8 + x, pw - 1);
          d[y * 8 + x] = static_cast<int64_t>(plane[yy * pw + xx]) - 128;
        }
      for (int y = 0; y < 8; ++y) fdct_islow_pass(d + 8 * y, 1, true);
      for (int x = 0; x < 8; ++x) fdct_islow_pass(d + x, 8, false);
      for (int k = 0; k < 64; ++k) {  // the islow output is 8x the DCT: divide by 8 q, round half away from 0
        const int64_t div = 8 * quant[k];
        const int64_t level = d[k] < 0 ? -((-d[k] + div / 2) / div) : (d[k] + div / 2) / div;
        d[k] = level * quant[k];  // dequantised
      }
      for (int x = 0; x < 8; ++x) idct_islow_pass(d + x, 8, ws + x, 8, true);
      for (int y = 0; y < 8; ++y) idct_islow_pass(ws + 8 * y, 1, d + 8 * y, 1, false);
      for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x) {
          const int yy = by * 8 + y, xx = bx * 8 + x;
          if (yy < ph && xx < pw) plane[yy * pw + xx] = static_cast<float>(clamp255(static_cast<int>(d[y * 8 + x] + 128)));
        }
    }
}

// libjpeg's h2v2_fancy_upsample at output (y, x) from a chroma plane with cw x ch real samples (row stride pw).
int fancy(const float* p, int pw, int cw, int ch, int y, int x) {
  const int cy = y / 2, cx = x / 2;
  const int ny = std::max(0, std::min(ch - 1, (y % 2) ? cy + 1 : cy - 1));
  const int nx = std::max(0, std::min(cw - 1, (x % 2) ? cx + 1 : cx - 1));
  const int here = 3 * static_cast<int>(p[cy * pw + cx]) + static_cast<int>(p[ny * pw + cx]);
  const int there = 3 * static_cast<int>(p[cy * pw + nx]) + static_cast<int>(p[ny * pw + nx]);
  return (x % 2) ? (3 * here + there + 7) >> 4 : (3 * here + there + 8) >> 4;
}

// ---- elastic ---------------------------------------------------------------------------------------------------

int reflect_index(int i, int n, bool edge_twice) {  // edge_twice: scipy 'reflect'; else cv2 REFLECT_101
  if (n == 1) return 0;
  const int period = edge_twice ? 2 * n : 2 * n - 2;  // the mirrored pattern repeats with this period
  i %= period;
  if (i < 0) i += period;
  if (i >= n) i = edge_twice ? 2 * n - 1 - i : 2 * n - 2 - i;
  return i;
}

float bilinear_at(const float* plane, int h, int w, double y, double x, bool edge_twice) {
  const int y0 = static_cast<int>(std::floor(y)), x0 = static_cast<int>(std::floor(x));
  const double fy = y - y0, fx = x - x0;
  double acc = 0;
  for (int dy = 0; dy < 2; ++dy)
    for (int dx = 0; dx < 2; ++dx) {
      const double wgt = (dy ? fy : 1 - fy) * (dx ? fx : 1 - fx);
      acc += wgt * plane[reflect_index(y0 + dy, h, edge_twice) * w + reflect_index(x0 + dx, w, edge_twice)];
    }
  return static_cast<float>(acc);
}

// skimage.filters.gaussian(mode='reflect', truncate=3): scipy's separable gaussian_filter, one axis at a time.
void gaussian_reflect(float* field, float* tmp, int h, int w, double sigma, float* taps) {
  const int r = sigma > 0 ? static_cast<int>(3.0f * static_cast<float>(sigma) + 0.5f) : 0;
  if (r == 0) return;  // sigma 0 (or below 1/6 px): the filter is the identity
  double sum = 0;
  for (int k = -r; k <= r; ++k) sum += std::exp(-0.5 * k * k / (sigma * sigma));
  for (int k = -r; k <= r; ++k) taps[k + r] = static_cast<float>(std::exp(-0.5 * k * k / (sigma * sigma)) / sum);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double acc = 0;
      for (int k = -r; k <= r; ++k) acc += taps[k + r] * field[y * w + reflect_index(x + k, w, true)];
      tmp[y * w + x] = static_cast<float>(acc);
    }
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double acc = 0;
      for (int k = -r; k <= r; ++k) acc += taps[k + r] * tmp[reflect_index(y + k, h, true) * w + x];
      field[y * w + x] = static_cast<float>(acc);
    }
}

}  // namespace

void elastic_transform(const Sample& s) {
  const int h = s.h, w = s.w, c = s.c;
  const int64_t hw = s.plane();
  const double ref = s.preset_size == 224 ? 244.0 : s.preset_size;
  const float unit = static_cast<float>(ref) * static_cast<float>(std::min(h, w)) / static_cast<float>(s.preset_size);
  const float alpha = s.p[0] * unit, sigma = s.p[1] * unit, amount = s.p[2] * unit;
  const int r = sigma > 0 ? static_cast<int>(3.0f * sigma + 0.5f) : 0;
  float* taps = s.scratch + 8;
  float* warped = taps + 2 * r + 1;
  float* dx = warped + s.size();
  float* dy = dx + hw;
  float* tmp = dy + hw;

  // (1) Random affine of the centre square's 3 points; cv2.getAffineTransform solves the 6 x 6 system.
  const double cx = w / 2, cy = h / 2, sq = std::min(h, w) / 3;
  const double pts1[3][2] = {{cx + sq, cy + sq}, {cx + sq, cy - sq}, {cx - sq, cy - sq}};
  double pts2[3][2];
  for (int k = 0; k < 3; ++k)
    for (int a = 0; a < 2; ++a) pts2[k][a] = pts1[k][a] + (uniform(s.key, 0, 2 * k + a) * 2.0 - 1.0) * amount;
  double sys[6][7] = {};
  for (int k = 0; k < 3; ++k) {
    sys[2 * k][0] = sys[2 * k + 1][3] = pts1[k][0];
    sys[2 * k][1] = sys[2 * k + 1][4] = pts1[k][1];
    sys[2 * k][2] = sys[2 * k + 1][5] = 1.0;
    sys[2 * k][6] = pts2[k][0];
    sys[2 * k + 1][6] = pts2[k][1];
  }
  for (int col = 0; col < 6; ++col) {  // Gauss-Jordan with partial pivoting
    int pivot = col;
    for (int row = col + 1; row < 6; ++row)
      if (std::fabs(sys[row][col]) > std::fabs(sys[pivot][col])) pivot = row;
    for (int k = 0; k < 7; ++k) std::swap(sys[col][k], sys[pivot][k]);
    for (int row = 0; row < 6; ++row) {
      if (row == col || sys[col][col] == 0) continue;
      const double f = sys[row][col] / sys[col][col];
      for (int k = 0; k < 7; ++k) sys[row][k] -= f * sys[col][k];
    }
  }
  double m[6];
  for (int k = 0; k < 6; ++k) m[k] = sys[k][k] != 0 ? sys[k][6] / sys[k][k] : 0.0;
  // cv2.warpAffine: dst(x, y) = src(M^-1 (x, y)), bilinear, BORDER_REFLECT_101.
  const double det = m[0] * m[4] - m[1] * m[3];
  const double id = det != 0 ? 1.0 / det : 0.0;
  const double i0 = m[4] * id, i1 = -m[1] * id, i3 = -m[3] * id, i4 = m[0] * id;
  const double i2 = -i0 * m[2] - i1 * m[5], i5 = -i3 * m[2] - i4 * m[5];
  for (int ch = 0; ch < c; ++ch)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        warped[ch * hw + y * w + x] =
            bilinear_at(s.channel(ch), h, w, i3 * x + i4 * y + i5, i0 * x + i1 * y + i2, false);

  // (2) Displacement fields: alpha * gaussian(U(-1, 1), sigma, reflect, truncate 3).
  for (int64_t i = 0; i < hw; ++i) {
    dx[i] = uniform(s.key, 1, static_cast<uint64_t>(i)) * 2.0f - 1.0f;
    dy[i] = uniform(s.key, 2, static_cast<uint64_t>(i)) * 2.0f - 1.0f;
  }
  gaussian_reflect(dx, tmp, h, w, sigma, taps);
  gaussian_reflect(dy, tmp, h, w, sigma, taps);

  // (3) map_coordinates(order=1, mode='reflect') at (y + dy, x + dx), per channel.
  for (int ch = 0; ch < c; ++ch)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const int64_t p = static_cast<int64_t>(y) * w + x;
        s.img[ch * hw + p] = bilinear_at(warped + ch * hw, h, w, y + static_cast<double>(alpha) * dy[p],
                                         x + static_cast<double>(alpha) * dx[p], true);
      }
}

void pixelate(const Sample& s) {
  const int h = s.h, w = s.w, c = s.c;
  const int h2 = std::max(1, static_cast<int>(static_cast<double>(h) * s.p[0] + 1e-4));
  const int w2 = std::max(1, static_cast<int>(static_cast<double>(w) * s.p[0] + 1e-4));
  float* a = s.scratch;
  float* b = a + static_cast<int64_t>(c) * std::max(h, h2) * std::max(w, w2);
  for (int64_t i = 0; i < s.size(); ++i) s.img[i] = to_u8(s.img[i]);
  for (int ch = 0; ch < c; ++ch) {
    float* img = s.channel(ch);
    box_pass_h(img, a, h, w, w2);  // PIL resizes horizontally first, storing uint8
    box_pass_v(a, b, w2, h, h2);
    box_pass_h(b, a, h2, w2, w);
    box_pass_v(a, img, w, h2, h);
  }
  for (int64_t i = 0; i < s.size(); ++i) s.img[i] /= 255.0f;
}

void jpeg_compression(const Sample& s) {
  const int h = s.h, w = s.w;
  const int64_t hw = s.plane();
  const int quality = static_cast<int>(s.p[0] + 0.5f);
  float* yp = s.scratch + 128;
  if (s.c == 1) {  // greyscale JPEG: the single channel is the luminance
    for (int64_t i = 0; i < hw; ++i) yp[i] = to_u8(s.img[i]);
    code_plane(yp, w, h, kLuminance, quality);
    for (int64_t i = 0; i < hw; ++i) s.img[i] = yp[i] / 255.0f;
    return;
  }
  const int cw = (w + 1) / 2, ch = (h + 1) / 2;
  const int cwp = (cw + 7) / 8 * 8, chp = (ch + 7) / 8 * 8;
  float* cb = yp + hw;
  float* cr = cb + static_cast<int64_t>(cwp) * chp;
  auto rgb = [&](int y, int x, int k) { return static_cast<int>(to_u8(s.img[k * hw + static_cast<int64_t>(y) * w + x])); };
  // rgb_ycc_convert (JFIF, 16-bit fixed point).
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      yp[y * w + x] = static_cast<float>(
          (fix16(0.299) * rgb(y, x, 0) + fix16(0.587) * rgb(y, x, 1) + fix16(0.114) * rgb(y, x, 2) + 32768) >> 16);
  // h2v2_downsample of the edge-replicated full-resolution Cb, Cr; chroma rows past ceil(H/2) repeat the last one.
  for (int cy = 0; cy < chp; ++cy)
    for (int cx = 0; cx < cwp; ++cx) {
      const int sy = std::min(cy, ch - 1);
      int sb = 0, sr = 0;
      for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx) {
          const int y = std::min(2 * sy + dy, h - 1), x = std::min(2 * cx + dx, w - 1);
          const int r = rgb(y, x, 0), g = rgb(y, x, 1), b = rgb(y, x, 2);
          sb += (-fix16(0.16874) * r - fix16(0.33126) * g + fix16(0.5) * b + (128 << 16) + 32767) >> 16;
          sr += (fix16(0.5) * r - fix16(0.41869) * g - fix16(0.08131) * b + (128 << 16) + 32767) >> 16;
        }
      const int bias = (cx % 2) ? 2 : 1;
      cb[cy * cwp + cx] = static_cast<float>((sb + bias) >> 2);
      cr[cy * cwp + cx] = static_cast<float>((sr + bias) >> 2);
    }
  code_plane(yp, w, h, kLuminance, quality);
  code_plane(cb, cwp, chp, kChrominance, quality);
  code_plane(cr, cwp, chp, kChrominance, quality);
  // Fancy upsampling and ycc_rgb_convert.
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const int lum = static_cast<int>(yp[y * w + x]);
      const int b = fancy(cb, cwp, cw, ch, y, x) - 128, r = fancy(cr, cwp, cw, ch, y, x) - 128;
      const int64_t i = static_cast<int64_t>(y) * w + x;
      s.img[i] = clamp255(lum + ((fix16(1.402) * r + 32768) >> 16)) / 255.0f;
      s.img[hw + i] = clamp255(lum + ((-fix16(0.34414) * b - fix16(0.71414) * r + 32768) >> 16)) / 255.0f;
      s.img[2 * hw + i] = clamp255(lum + ((fix16(1.772) * b + 32768) >> 16)) / 255.0f;
    }
}

}  // namespace rfy::corrupt::reference
