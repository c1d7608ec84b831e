// Optimised ops: elastic_transform pixelate jpeg_compression. Shared by the fast CPU path and CUDA (see corrupt/parallel.h). Included by ops.inl.
//
// Sizes other than the preset's reference size:
//  - pixelate: PIL BOX resize to (int(W * c), int(H * c)) and back to (W, H): the reference's int(224 * c) with the
//    real width and height. PIL's uint8 path is reproduced exactly (22-bit integer weights, horizontal pass then
//    vertical pass, each rounded to uint8), so the result is bit-identical to Pillow.
//  - jpeg_compression: no size parameter; any H x W (edge blocks replicate-padded the way libjpeg pads them).
//  - elastic_transform: the constants are fractions of the reference side (244 for the imagenet preset: the
//    published quirk for 224 images; 64 tinyimagenet; 32 cifar); they are multiplied by M = ref * min(H, W) /
//    preset_size. The affine square is centred at (W // 2, H // 2) with half side min(H, W) // 3 (the reference
//    uses shape[:2] // 2 as an (x, y) point, the same for square images).
#pragma once

#if !defined(__CUDACC__)
#include "corrupt/random_fill.h"
#endif

namespace rfy::corrupt {

// ---------------------------------------------------------------------------------------------------------------
// pixelate
// ---------------------------------------------------------------------------------------------------------------

// PIL's precompute_coeffs for the BOX filter (support 0.5), output index `o` of an in_size -> out_size pass: the
// contributing inputs are [first, first + count), each with the 8-bit path's integer weight `weight` (22 bits).
RFY_OP void digital_box_taps(int o, int in_size, int out_size, int& first, int& count, int& weight) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = 0.5 * filterscale;
  const double center = (o + 0.5) * scale;
  const double ss = 1.0 / filterscale;
  int xmin = static_cast<int>(center - support + 0.5);
  if (xmin < 0) xmin = 0;
  int xmax = static_cast<int>(center + support + 0.5);
  if (xmax > in_size) xmax = in_size;
  xmax -= xmin;
  first = -1;
  count = 0;
  for (int x = 0; x < xmax; ++x) {
    const double t = (x + xmin - center + 0.5) * ss;
    if (t > -0.5 && t <= 0.5) {  // box_filter
      if (first < 0) first = xmin + x;
      ++count;
    }
  }
  if (first < 0) first = xmin;
  weight = count > 0 ? static_cast<int>(0.5 + (1.0 / count) * (1 << 22)) : 0;
}

// int(size * c) as the reference's float64 product (the + 1e-4 keeps float32 constants such as 0.9f from
// landing just below an integer that the decimal constant reaches); at least 1.
RFY_HD int digital_pixelate_size(int size, float c) {
  const int n = static_cast<int>(static_cast<double>(size) * c + 1e-4);
  return n < 1 ? 1 : n;
}

// Fills the tap table of one BOX pass: (first, count, weight) per output index, 3 int32 each.
RFY_OP void digital_box_table(int32_t* tab, int in_size, int out_size) {
  RFY_PAR_FOR(o, out_size) {
    int first, count, weight;
    digital_box_taps(static_cast<int>(o), in_size, out_size, first, count, weight);
    tab[3 * o] = first;
    tab[3 * o + 1] = count;
    tab[3 * o + 2] = weight;
  }
}

RFY_OP float digital_clip8(int acc) {
  const int v = acc >> 22;
  return static_cast<float>(v < 0 ? 0 : (v > 255 ? 255 : v));
}

// Horizontal BOX pass: `rows` rows of in_w uint8 levels (floats) -> rows of out_w, by the table `tab`.
// CPU: the taps of one output share one weight, so the sum of products is the weight times a difference of the
// row's prefix sums (`prefix`, in_w + 1 int32): the same integer (no term overflows int32: at most
// 255 * 2^22), with no per-output loop whose trip count varies (and mispredicts).
RFY_OP void digital_box_hpass(const float* src, float* dst, int rows, int in_w, int out_w, const int32_t* tab,
                              int32_t* prefix) {
#if defined(__CUDA_ARCH__)
  (void)prefix;
  RFY_PAR_FOR_2D(i, y, x, rows, out_w) {
    const int first = tab[3 * x], count = tab[3 * x + 1], weight = tab[3 * x + 2];
    const float* row = src + static_cast<int64_t>(y) * in_w + first;
    int acc = 1 << 21;
    for (int k = 0; k < count; ++k) acc += static_cast<int>(row[k]) * weight;
    dst[i] = digital_clip8(acc);
  }
#else
  for (int y = 0; y < rows; ++y) {
    const float* row = src + static_cast<int64_t>(y) * in_w;
    float* out = dst + static_cast<int64_t>(y) * out_w;
    int32_t sum = 0;
    prefix[0] = 0;
    for (int k = 0; k < in_w; ++k) {
      sum += static_cast<int32_t>(row[k]);
      prefix[k + 1] = sum;
    }
    for (int x = 0; x < out_w; ++x) {
      const int first = tab[3 * x], count = tab[3 * x + 1], weight = tab[3 * x + 2];
      out[x] = digital_clip8((1 << 21) + weight * (prefix[first + count] - prefix[first]));
    }
  }
#endif
}

// Vertical BOX pass over `planes` planes of in_h x cols -> out_h x cols, each value times `scale` (1 or 1 / 255).
// CPU: row-at-a-time accumulation into `acc_row` (cols int32), so the column loops vectorise.
RFY_OP void digital_box_vpass(const float* src, float* dst, int planes, int in_h, int out_h, int cols,
                              const int32_t* tab, int32_t* acc_row, float scale) {
#if defined(__CUDA_ARCH__)
  (void)acc_row;
  RFY_PAR_FOR_3D(i, ch, y, x, planes, out_h, cols) {
    const int first = tab[3 * y], count = tab[3 * y + 1], weight = tab[3 * y + 2];
    const float* col = src + (static_cast<int64_t>(ch) * in_h + first) * cols + x;
    int acc = 1 << 21;
    for (int k = 0; k < count; ++k) acc += static_cast<int>(col[static_cast<int64_t>(k) * cols]) * weight;
    dst[i] = digital_clip8(acc) * scale;
  }
#else
  for (int ch = 0; ch < planes; ++ch)
    for (int y = 0; y < out_h; ++y) {
      const int first = tab[3 * y], count = tab[3 * y + 1], weight = tab[3 * y + 2];
      const float* in = src + (static_cast<int64_t>(ch) * in_h + first) * cols;
      float* out = dst + (static_cast<int64_t>(ch) * out_h + y) * cols;
      if (count == 1 && weight == (1 << 22)) {  // a copy: (v * 2^22 + 2^21) >> 22 = v
        for (int x = 0; x < cols; ++x) out[x] = in[x] * scale;
        continue;
      }
      for (int x = 0; x < cols; ++x) acc_row[x] = 1 << 21;
      for (int k = 0; k < count; ++k) {
        const float* r = in + static_cast<int64_t>(k) * cols;
        for (int x = 0; x < cols; ++x) acc_row[x] += static_cast<int>(r[x]) * weight;
      }
      for (int x = 0; x < cols; ++x) out[x] = digital_clip8(acc_row[x]) * scale;
    }
#endif
}

// Scratch: a (c x max(h, h2) x max(w, w2)), b (c x h2 x w2), then int32 tables: 3 x (w2 + h2 + w + h) taps and
// a max(w, w2) + 1 accumulator row (the vertical passes' sums; the CPU horizontal passes' prefix sums).
RFY_OP void op_pixelate(const Sample& s) {
  const int h = s.h, w = s.w, c = s.c;
  const int h2 = digital_pixelate_size(h, s.p[0]), w2 = digital_pixelate_size(w, s.p[0]);
  const int64_t wa = w2 > w ? w2 : w, ha = h2 > h ? h2 : h;
  float* a = s.scratch;                                   // c x h x w2 (pass 1), later c x h2 x w (pass 3)
  float* b = a + static_cast<int64_t>(c) * ha * wa;       // c x h2 x w2 (pass 2)
  int32_t* t1 = reinterpret_cast<int32_t*>(b + static_cast<int64_t>(c) * h2 * w2);
  int32_t* t2 = t1 + 3 * w2;
  int32_t* t3 = t2 + 3 * h2;
  int32_t* t4 = t3 + 3 * w;
  int32_t* acc_row = t4 + 3 * h;
  digital_box_table(t1, w, w2);
  digital_box_table(t2, h, h2);
  digital_box_table(t3, w2, w);
  digital_box_table(t4, h2, h);
  // The uint8 image, in place.
  RFY_PAR_FOR(i, s.size()) s.img[i] = static_cast<float>(to_u8(s.img[i]));
  RFY_BARRIER();
  // Down: horizontal W -> w2, then vertical H -> h2.
  digital_box_hpass(s.img, a, c * h, w, w2, t1, acc_row);
  RFY_BARRIER();
  digital_box_vpass(a, b, c, h, h2, w2, t2, acc_row, 1.0f);
  RFY_BARRIER();
  // Up: horizontal w2 -> W, then vertical h2 -> H (into the image, as [0, 1] values).
  digital_box_hpass(b, a, c * h2, w2, w, t3, acc_row);
  RFY_BARRIER();
  digital_box_vpass(a, s.img, c, h2, h, w, t4, acc_row, 1.0f / 255.0f);
  RFY_BARRIER();
}
inline int64_t op_pixelate_scratch(int c, int h, int w, const float* p) {
  const int h2 = digital_pixelate_size(h, p[0]), w2 = digital_pixelate_size(w, p[0]);
  const int64_t wa = w2 > w ? w2 : w, ha = h2 > h ? h2 : h;
  return static_cast<int64_t>(c) * ha * wa + static_cast<int64_t>(c) * h2 * w2 + 3 * static_cast<int64_t>(w2 + h2 + w + h) +
         wa + 1;
}

// ---------------------------------------------------------------------------------------------------------------
// jpeg_compression
// ---------------------------------------------------------------------------------------------------------------
// A baseline JPEG round trip written from the standard and libjpeg's documented behaviour (no libjpeg):
//  encode: RGB -> YCbCr (JFIF, libjpeg's 16-bit fixed point, rounded to 8 bits); 4:2:0 chroma by libjpeg's h2v2
//          box average ((sum of 2 x 2 + bias 1, 2, 1, 2, ...) >> 2); edge blocks replicate-padded (luma to a
//          multiple of 8; chroma: the full-resolution image replicated to a multiple of 16 columns, chroma rows
//          replicated to a multiple of 8); level shift; 8 x 8 DCT (libjpeg's islow integer DCT, transcribed);
//          quantisation by libjpeg's standard tables scaled by jpeg_quality_scaling, rounded half away from 0;
//  decode: dequantise, inverse islow integer DCT, clamp to 0..255; libjpeg's "fancy" h2v2 triangular chroma
//          upsampling (3/4, 1/4 weights in each direction, libjpeg's integer rounding); YCbCr -> RGB with
//          libjpeg's fixed-point tables, clamp.
// 1-channel images are coded as a greyscale JPEG (luminance only). Measured: bit-identical to Pillow 12.3 /
// libjpeg-turbo 3.1 (quality, 4:2:0, islow, fancy upsampling) on every committed golden.
// Scratch: [0, 128) quant tables (luma, chroma), then the Y plane (H x W) and, for colour, the
// padded Cb and Cr planes.

constexpr int kDigitalJpegHeader = 128;

RFY_HD int digital_jpeg_chroma_w(int w) { return ((w + 1) / 2 + 7) / 8 * 8; }
RFY_HD int digital_jpeg_chroma_h(int h) { return ((h + 1) / 2 + 7) / 8 * 8; }

// libjpeg's fixed point: FIX(x) = x * 2^16 rounded.
RFY_OP int digital_fix(double x) { return static_cast<int>(x * 65536.0 + 0.5); }

// Quant tables into scratch[0, 128): run by one thread.
RFY_OP void digital_jpeg_tables(float* t, int quality) {
  const int lum[64] = {16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
                       14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
                       18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
                       49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};
  const int chr[64] = {17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
                       24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
                       99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
                       99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99};
  if (quality <= 0) quality = 1;
  if (quality > 100) quality = 100;
  const int scale = quality < 50 ? 5000 / quality : 200 - quality * 2;
  for (int k = 0; k < 64; ++k) {
    const int cq = chr[k];
    int lq = (lum[k] * scale + 50) / 100, cq2 = (cq * scale + 50) / 100;
    lq = lq < 1 ? 1 : (lq > 255 ? 255 : lq);
    cq2 = cq2 < 1 ? 1 : (cq2 > 255 ? 255 : cq2);
    t[k] = static_cast<float>(lq);
    t[64 + k] = static_cast<float>(cq2);
  }
}

// libjpeg's "islow" integer DCT (jfdctint.c / jidctint.c: the Loeffler-Ligtenberg-Moschytz factorisation with
// 13-bit constants and 2 extra bits between the passes), the default of libjpeg(-turbo) and so of Pillow.
// 32-bit arithmetic as libjpeg's own (its INT32 / 32-bit JLONG builds): exact for 8-bit samples.
#define RFY_DIGITAL_DESCALE(x, n) (((x) + (static_cast<int32_t>(1) << ((n) - 1))) >> (n))
// T is int32_t, or (fast CPU path, jpeg_cpu.inl) a vector of 8 int32 lanes doing 8 independent 1-D passes.
template <typename T>
RFY_OP void digital_fdct_islow(T* d, int stride, bool first_pass) {
  const T t0 = d[0] + d[7 * stride], t7 = d[0] - d[7 * stride], t1 = d[stride] + d[6 * stride],
                t6 = d[stride] - d[6 * stride], t2 = d[2 * stride] + d[5 * stride], t5 = d[2 * stride] - d[5 * stride],
                t3 = d[3 * stride] + d[4 * stride], t4 = d[3 * stride] - d[4 * stride];
  const T t10 = t0 + t3, t13 = t0 - t3, t11 = t1 + t2, t12 = t1 - t2;
  const int sh = first_pass ? 13 - 2 : 13 + 2;
  d[0] = first_pass ? (t10 + t11) * 4 : RFY_DIGITAL_DESCALE(t10 + t11, 2);
  d[4 * stride] = first_pass ? (t10 - t11) * 4 : RFY_DIGITAL_DESCALE(t10 - t11, 2);
  const T z = (t12 + t13) * 4433;
  d[2 * stride] = RFY_DIGITAL_DESCALE(z + t13 * 6270, sh);
  d[6 * stride] = RFY_DIGITAL_DESCALE(z - t12 * 15137, sh);
  T z1 = t4 + t7, z2 = t5 + t6, z3 = t4 + t6, z4 = t5 + t7;
  const T z5 = (z3 + z4) * 9633;
  const T u4 = t4 * 2446, u5 = t5 * 16819, u6 = t6 * 25172, u7 = t7 * 12299;
  z1 *= -7373;
  z2 *= -20995;
  z3 = z3 * -16069 + z5;
  z4 = z4 * -3196 + z5;
  d[7 * stride] = RFY_DIGITAL_DESCALE(u4 + z1 + z3, sh);
  d[5 * stride] = RFY_DIGITAL_DESCALE(u5 + z2 + z4, sh);
  d[3 * stride] = RFY_DIGITAL_DESCALE(u6 + z2 + z3, sh);
  d[stride] = RFY_DIGITAL_DESCALE(u7 + z1 + z4, sh);
}
// One 1-D inverse pass (in -> out, both strided); first_pass descales by 11 bits, the second by 18.
template <typename T>
RFY_OP void digital_idct_islow(const T* in, int istride, T* out, int ostride, bool first_pass) {
  T z2 = in[2 * istride], z3 = in[6 * istride];
  T z1 = (z2 + z3) * 4433;
  const T e2 = z1 - z3 * 15137, e3 = z1 + z2 * 6270;
  z2 = in[0];
  z3 = in[4 * istride];
  const T e0 = (z2 + z3) * 8192, e1 = (z2 - z3) * 8192;
  const T t10 = e0 + e3, t13 = e0 - e3, t11 = e1 + e2, t12 = e1 - e2;
  T o0 = in[7 * istride], o1 = in[5 * istride], o2 = in[3 * istride], o3 = in[istride];
  z1 = o0 + o3;
  z2 = o1 + o2;
  z3 = o0 + o2;
  T z4 = o1 + o3;
  const T z5 = (z3 + z4) * 9633;
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
  out[0] = RFY_DIGITAL_DESCALE(t10 + o3, sh);
  out[7 * ostride] = RFY_DIGITAL_DESCALE(t10 - o3, sh);
  out[ostride] = RFY_DIGITAL_DESCALE(t11 + o2, sh);
  out[6 * ostride] = RFY_DIGITAL_DESCALE(t11 - o2, sh);
  out[2 * ostride] = RFY_DIGITAL_DESCALE(t12 + o1, sh);
  out[5 * ostride] = RFY_DIGITAL_DESCALE(t12 - o1, sh);
  out[3 * ostride] = RFY_DIGITAL_DESCALE(t13 + o0, sh);
  out[4 * ostride] = RFY_DIGITAL_DESCALE(t13 - o0, sh);
}

// Forward DCT, quantise (libjpeg: round half away from zero of coef / (8 q)), dequantise, inverse DCT of one 8 x 8
// block of level-shifted samples `v`, in place; returns the reconstructed samples clamped to 0..255.
RFY_OP void digital_jpeg_block(float* v, const float* q) {
  int32_t d[64], ws[64];
  for (int k = 0; k < 64; ++k) d[k] = static_cast<int32_t>(v[k]);
  for (int y = 0; y < 8; ++y) digital_fdct_islow(d + 8 * y, 1, true);
  for (int x = 0; x < 8; ++x) digital_fdct_islow(d + x, 8, false);
  for (int k = 0; k < 64; ++k) {
    // (|d| + div / 2) / div without an integer division: a float quotient (n < 2^24, so off by at most one)
    // corrected to the exact floor.
    const int32_t qq = static_cast<int32_t>(q[k]), div = qq * 8;
    const int32_t mag = d[k] < 0 ? -d[k] : d[k];
    const int32_t n = mag + div / 2;
    int32_t lv = static_cast<int32_t>(static_cast<float>(n) * (1.0f / static_cast<float>(div)));
    lv = lv * div > n ? lv - 1 : lv;
    lv = (lv + 1) * div <= n ? lv + 1 : lv;
    d[k] = (d[k] < 0 ? -lv : lv) * qq;
  }
  for (int x = 0; x < 8; ++x) digital_idct_islow(d + x, 8, ws + x, 8, true);
  for (int y = 0; y < 8; ++y) digital_idct_islow(ws + 8 * y, 1, d + 8 * y, 1, false);
  for (int k = 0; k < 64; ++k) {
    const int32_t r = d[k] + 128;
    v[k] = static_cast<float>(r < 0 ? 0 : (r > 255 ? 255 : r));
  }
}
#undef RFY_DIGITAL_DESCALE

// libjpeg's h2v2 fancy upsampling of plane `p` (cw x ch real samples, row stride `stride`) at output (y, x).
RFY_OP int digital_fancy_up(const float* p, int64_t stride, int cw, int ch, int y, int x) {
  const int cy = y >> 1, cx = x >> 1;
  int ny = (y & 1) ? cy + 1 : cy - 1;  // the nearer chroma row
  ny = ny < 0 ? 0 : (ny > ch - 1 ? ch - 1 : ny);
  int nx = (x & 1) ? cx + 1 : cx - 1;
  nx = nx < 0 ? 0 : (nx > cw - 1 ? cw - 1 : nx);
  auto colsum = [&](int xx) {
    return 3 * static_cast<int>(p[cy * stride + xx]) + static_cast<int>(p[ny * stride + xx]);
  };
  const int here = colsum(cx), there = colsum(nx);
  return (x & 1) ? (here * 3 + there + 7) >> 4 : (here * 3 + there + 8) >> 4;
}

}  // namespace rfy::corrupt
#if !defined(__CUDACC__)
#include "corrupt/ops/jpeg_cpu.inl"
#endif
namespace rfy::corrupt {

RFY_OP void op_jpeg_compression(const Sample& s) {
#if !defined(__CUDACC__)
  digital_jpeg_cpu(s);  // the same round trip, bit for bit, arranged for CPU vectors (jpeg_cpu.inl)
#else
  const int h = s.h, w = s.w;
  const int64_t hw = s.plane();
  float* tables = s.scratch;
  float* yp = s.scratch + kDigitalJpegHeader;
  const int cwp = digital_jpeg_chroma_w(w), chp = digital_jpeg_chroma_h(h);
  const int cw = (w + 1) / 2, chh = (h + 1) / 2;
  float* cbp = yp + hw;
  float* crp = cbp + static_cast<int64_t>(cwp) * chp;
  const bool colour = s.c == 3;
  if (RFY_LEADER()) digital_jpeg_tables(tables, static_cast<int>(s.p[0] + 0.5f));
  // Colour conversion (luma) at full resolution.
  RFY_PAR_FOR(i, hw) {
    if (colour) {
      const int r = to_u8(s.img[i]), g = to_u8(s.img[hw + i]), b = to_u8(s.img[2 * hw + i]);
      yp[i] = static_cast<float>((digital_fix(0.299) * r + digital_fix(0.587) * g + digital_fix(0.114) * b + 32768) >> 16);
    } else {
      yp[i] = static_cast<float>(to_u8(s.img[i]));
    }
  }
  // Chroma: convert the (replicate-padded) 2 x 2 neighbourhood and average it as libjpeg's h2v2_downsample.
  if (colour) {
    RFY_PAR_FOR_2D(i, cy0, cx, chp, cwp) {
      const int cy = cy0 > chh - 1 ? chh - 1 : cy0;  // chroma rows past the image repeat the last real one
      int sb = 0, sr = 0;
      for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx) {
          const int yy = (2 * cy + dy) < h ? 2 * cy + dy : h - 1, xx = (2 * cx + dx) < w ? 2 * cx + dx : w - 1;
          const int64_t j = static_cast<int64_t>(yy) * w + xx;
          const int r = to_u8(s.img[j]), g = to_u8(s.img[hw + j]), b = to_u8(s.img[2 * hw + j]);
          sb += (-digital_fix(0.16874) * r - digital_fix(0.33126) * g + digital_fix(0.5) * b + (128 << 16) + 32767) >> 16;
          sr += (digital_fix(0.5) * r - digital_fix(0.41869) * g - digital_fix(0.08131) * b + (128 << 16) + 32767) >> 16;
        }
      const int bias = (cx & 1) ? 2 : 1;
      cbp[i] = static_cast<float>((sb + bias) >> 2);
      crp[i] = static_cast<float>((sr + bias) >> 2);
    }
  }
  RFY_BARRIER();
  // Blocks: luma blocks cover ceil(H/8) x ceil(W/8), each chroma plane (chp/8) x (cwp/8).
  const int lbx = (w + 7) / 8, lby = (h + 7) / 8;
  const int64_t nluma = static_cast<int64_t>(lbx) * lby;
  const int cbx = cwp / 8, cby = chp / 8;
  const int64_t nchroma = colour ? static_cast<int64_t>(cbx) * cby : 0;
  RFY_PAR_FOR(blk, nluma + 2 * nchroma) {
    float v[64];
    float* plane;
    int pw, ph, bx, by;
    const float* q = tables;
    if (blk < nluma) {
      plane = yp, pw = w, ph = h, bx = static_cast<int>(blk % lbx), by = static_cast<int>(blk / lbx);
    } else {
      const int64_t k = (blk - nluma) % nchroma;
      plane = (blk - nluma) < nchroma ? cbp : crp;
      pw = cwp, ph = chp, bx = static_cast<int>(k % cbx), by = static_cast<int>(k / cbx);
      q = tables + 64;
    }
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 8; ++x) {
        int yy = by * 8 + y, xx = bx * 8 + x;
        yy = yy < ph ? yy : ph - 1;
        xx = xx < pw ? xx : pw - 1;
        v[y * 8 + x] = plane[static_cast<int64_t>(yy) * pw + xx] - 128.0f;
      }
    digital_jpeg_block(v, q);
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 8; ++x) {
        const int yy = by * 8 + y, xx = bx * 8 + x;
        if (yy < ph && xx < pw) plane[static_cast<int64_t>(yy) * pw + xx] = v[y * 8 + x];
      }
  }
  RFY_BARRIER();
  // Decode: upsample chroma, YCbCr -> RGB.
  RFY_PAR_FOR_2D(i, y, x, h, w) {
    const int lum = static_cast<int>(yp[i]);
    if (!colour) {
      s.img[i] = lum * (1.0f / 255.0f);
    } else {
      const int cb = digital_fancy_up(cbp, cwp, cw, chh, y, x) - 128, cr = digital_fancy_up(crp, cwp, cw, chh, y, x) - 128;
      int r = lum + ((digital_fix(1.40200) * cr + 32768) >> 16);
      int g = lum + ((-digital_fix(0.34414) * cb - digital_fix(0.71414) * cr + 32768) >> 16);
      int b = lum + ((digital_fix(1.77200) * cb + 32768) >> 16);
      r = r < 0 ? 0 : (r > 255 ? 255 : r);
      g = g < 0 ? 0 : (g > 255 ? 255 : g);
      b = b < 0 ? 0 : (b > 255 ? 255 : b);
      s.img[i] = r * (1.0f / 255.0f);
      s.img[hw + i] = g * (1.0f / 255.0f);
      s.img[2 * hw + i] = b * (1.0f / 255.0f);
    }
  }
  RFY_BARRIER();
#endif
}
inline int64_t op_jpeg_compression_scratch(int c, int h, int w, const float* p) {
  const int64_t chroma = c == 3 ? 2 * static_cast<int64_t>(digital_jpeg_chroma_w(w)) * digital_jpeg_chroma_h(h) : 0;
  return kDigitalJpegHeader + static_cast<int64_t>(h) * w + chroma;
}

// ---------------------------------------------------------------------------------------------------------------
// elastic_transform
// ---------------------------------------------------------------------------------------------------------------
// (1) random affine: three points of the centre square each moved by U(-a, a) (stream 0, index 2 * point + axis,
//     axis 0 = x), the 2 x 3 affine solved (cv2.getAffineTransform) and applied with bilinear sampling and
//     BORDER_REFLECT_101 (cv2.warpAffine: dst(x, y) = src(M^-1 (x, y)));
// (2) dx, dy = alpha * gaussian(U(-1, 1), sigma, reflect, truncate 3) (streams 1 and 2, index = pixel);
// (3) bilinear sampling at (y + dy, x + dx), mode reflect (scipy map_coordinates order 1).
// Scratch: [0, 8) inverse affine, [8, 8 + 2r + 1) taps, then warped image (C x H x W), dx, dy, tmp (H x W each).

// The preset's constants in pixels: M = ref * min(H, W) / preset_size.
RFY_OP float digital_elastic_unit(int preset_size, int h, int w) {
  const float ref = preset_size == 224 ? 244.0f : static_cast<float>(preset_size);
  return ref * static_cast<float>(h < w ? h : w) / static_cast<float>(preset_size);
}

// Draws the affine and returns its inverse (dst -> src) in inv[6] (x' = inv0 x + inv1 y + inv2, y' = ...).
RFY_OP void digital_elastic_affine(const RngKey& key, int h, int w, float amount, double* inv) {
  const double cx = w / 2, cy = h / 2, sq = (h < w ? h : w) / 3;
  const double p1[3][2] = {{cx + sq, cy + sq}, {cx + sq, cy - sq}, {cx - sq, cy - sq}};
  double p2[3][2];
  for (int k = 0; k < 3; ++k)
    for (int a = 0; a < 2; ++a)
      p2[k][a] = p1[k][a] + (static_cast<double>(uniform(key, 0, 2 * k + a)) * 2.0 - 1.0) * amount;
  // Solve [x y 1] . (m0 m1 m2) = u for the 3 points (Cramer), for each output coordinate.
  const double det = p1[0][0] * (p1[1][1] - p1[2][1]) - p1[0][1] * (p1[1][0] - p1[2][0]) +
                     (p1[1][0] * p1[2][1] - p1[2][0] * p1[1][1]);
  double m[6];
  for (int a = 0; a < 2; ++a) {
    const double u0 = p2[0][a], u1 = p2[1][a], u2 = p2[2][a];
    m[3 * a + 0] = (u0 * (p1[1][1] - p1[2][1]) - p1[0][1] * (u1 - u2) + (u1 * p1[2][1] - u2 * p1[1][1])) / det;
    m[3 * a + 1] = (p1[0][0] * (u1 - u2) - u0 * (p1[1][0] - p1[2][0]) + (p1[1][0] * u2 - p1[2][0] * u1)) / det;
    m[3 * a + 2] = (p1[0][0] * (p1[1][1] * u2 - p1[2][1] * u1) - p1[0][1] * (p1[1][0] * u2 - p1[2][0] * u1) +
                    u0 * (p1[1][0] * p1[2][1] - p1[2][0] * p1[1][1])) / det;
  }
  // cv2.invertAffineTransform.
  double d = m[0] * m[4] - m[1] * m[3];
  d = d != 0.0 ? 1.0 / d : 0.0;
  const double a11 = m[4] * d, a22 = m[0] * d, a12 = -m[1] * d, a21 = -m[3] * d;
  inv[0] = a11;
  inv[1] = a12;
  inv[2] = -a11 * m[2] - a12 * m[5];
  inv[3] = a21;
  inv[4] = a22;
  inv[5] = -a21 * m[2] - a22 * m[5];
}

#if !defined(__CUDACC__)
// CPU: bilinear(planes + ch * hw, h, w, sy[k], sx[k], border) into out[ch * hw + k] for k < n (n <= 64, one row's
// run) and every channel: the taps and weights are resolved once per pixel for all channels (border_index only
// off the interior; reflect borders never give -1, so no zero taps), then each channel is blended with
// bilinear's operations in its order, so the same values.
inline void digital_bilinear_run(const float* planes, int c, int h, int w, int border, const float* sy,
                                 const float* sx, int n, float* out) {
  constexpr int kRun = 64;
  int32_t i00[kRun], i01[kRun], i10[kRun], i11[kRun];
  float wy[kRun], wx[kRun];
  // Interior taps first (a loop GCC vectorises), then border_index for the pixels that need it.
  unsigned outside = 0;
  for (int k = 0; k < n; ++k) {
    const float fy = floorf(sy[k]), fx = floorf(sx[k]);
    const int y0 = static_cast<int>(fy), x0 = static_cast<int>(fx);
    wy[k] = sy[k] - fy;
    wx[k] = sx[k] - fx;
    outside |= static_cast<unsigned>(y0) >= static_cast<unsigned>(h - 1);
    outside |= static_cast<unsigned>(x0) >= static_cast<unsigned>(w - 1);
    i00[k] = y0 * w + x0;
    i01[k] = i00[k] + 1;
    i10[k] = i00[k] + w;
    i11[k] = i00[k] + w + 1;
  }
  for (int k = 0; outside && k < n; ++k) {
    const int y0 = static_cast<int>(floorf(sy[k])), x0 = static_cast<int>(floorf(sx[k]));
    if (static_cast<unsigned>(y0) < static_cast<unsigned>(h - 1) && static_cast<unsigned>(x0) < static_cast<unsigned>(w - 1))
      continue;
    const int ya = border_index(y0, h, border), yb = border_index(y0 + 1, h, border);
    const int xa = border_index(x0, w, border), xb = border_index(x0 + 1, w, border);
    i00[k] = ya * w + xa;
    i01[k] = ya * w + xb;
    i10[k] = yb * w + xa;
    i11[k] = yb * w + xb;
  }
  const int64_t hw = static_cast<int64_t>(h) * w;
  for (int ch = 0; ch < c; ++ch) {
    const float* p = planes + ch * hw;
    float* o = out + ch * hw;
    for (int k = 0; k < n; ++k) {
      const float dx = wx[k], dy = wy[k];
      const float top = p[i00[k]] * (1.0f - dx) + p[i01[k]] * dx;
      const float bottom = p[i10[k]] * (1.0f - dx) + p[i11[k]] * dx;
      o[k] = top * (1.0f - dy) + bottom * dy;
    }
  }
}
#endif

RFY_OP void op_elastic_transform(const Sample& s) {
  const int h = s.h, w = s.w;
  const int64_t hw = s.plane();
  const float unit = digital_elastic_unit(s.preset_size, h, w);
  const float alpha = s.p[0] * unit, sigma = s.p[1] * unit, amount = s.p[2] * unit;
  const int r = gaussian_radius(sigma, 3.0f);
  float* inv = s.scratch;
  float* taps = s.scratch + 8;
  float* warped = taps + 2 * r + 1;
  float* dx = warped + s.size();
  float* dy = dx + hw;
  float* tmp = dy + hw;
  if (RFY_LEADER()) {
    double m[6];
    digital_elastic_affine(s.key, h, w, amount, m);
    for (int k = 0; k < 6; ++k) inv[k] = static_cast<float>(m[k]);
    gaussian_taps(sigma, r, taps);
  }
  RFY_BARRIER();
#if defined(__CUDACC__)
  RFY_PAR_FOR_3D(i, ch, yi, xi, s.c, h, w) {
    const float x = static_cast<float>(xi), y = static_cast<float>(yi);
    const float sx = inv[0] * x + inv[1] * y + inv[2], sy = inv[3] * x + inv[4] * y + inv[5];
    warped[i] = bilinear(s.img + ch * hw, h, w, sy, sx, kBorderReflect101);
  }
#else
  float sy[64], sx[64];
  for (int yi = 0; yi < h; ++yi) {
    for (int x0 = 0; x0 < w; x0 += 64) {
      const int n = w - x0 < 64 ? w - x0 : 64;
      const float y = static_cast<float>(yi);
      for (int k = 0; k < n; ++k) {
        const float x = static_cast<float>(x0 + k);
        sx[k] = inv[0] * x + inv[1] * y + inv[2];
        sy[k] = inv[3] * x + inv[4] * y + inv[5];
      }
      digital_bilinear_run(s.img, s.c, h, w, kBorderReflect101, sy, sx, n,
                           warped + static_cast<int64_t>(yi) * w + x0);
    }
  }
#endif
#if defined(__CUDACC__)
  RFY_PAR_FOR(i, hw) {
    dx[i] = uniform(s.key, 1, static_cast<uint64_t>(i)) * 2.0f - 1.0f;
    dy[i] = uniform(s.key, 2, static_cast<uint64_t>(i)) * 2.0f - 1.0f;
  }
#else
  uniform_fill(s.key, 1, 0, hw, dx);
  uniform_fill(s.key, 2, 0, hw, dy);
  for (int64_t i = 0; i < hw; ++i) {
    dx[i] = dx[i] * 2.0f - 1.0f;
    dy[i] = dy[i] * 2.0f - 1.0f;
  }
#endif
  RFY_BARRIER();
  separable_blur_plane(dx, dx, tmp, h, w, taps, r, kBorderReflect);
  separable_blur_plane(dy, dy, tmp, h, w, taps, r, kBorderReflect);
#if defined(__CUDACC__)
  RFY_PAR_FOR_3D(i, ch, yi, xi, s.c, h, w) {
    const int64_t p = i - ch * hw;
    const float x = static_cast<float>(xi), y = static_cast<float>(yi);
    s.img[i] = bilinear(warped + ch * hw, h, w, y + alpha * dy[p], x + alpha * dx[p], kBorderReflect);
  }
#else
  for (int yi = 0; yi < h; ++yi) {
    for (int x0 = 0; x0 < w; x0 += 64) {
      const int n = w - x0 < 64 ? w - x0 : 64;
      const int64_t p = static_cast<int64_t>(yi) * w + x0;
      const float y = static_cast<float>(yi);
      for (int k = 0; k < n; ++k) {
        sx[k] = static_cast<float>(x0 + k) + alpha * dx[p + k];
        sy[k] = y + alpha * dy[p + k];
      }
      digital_bilinear_run(warped, s.c, h, w, kBorderReflect, sy, sx, n, s.img + p);
    }
  }
#endif
  RFY_BARRIER();
}
inline int64_t op_elastic_transform_scratch(int c, int h, int w, const float* p) {
  // The preset size is not passed here: the unit is at most 244 / 224 * min(H, W) (imagenet's quirk).
  const float unit = 244.0f * static_cast<float>(h < w ? h : w) / 224.0f;
  const int r = gaussian_radius(p[1] * unit, 3.0f);
  return 8 + 2 * static_cast<int64_t>(r) + 1 + static_cast<int64_t>(c) * h * w + 3 * static_cast<int64_t>(h) * w;
}

}  // namespace rfy::corrupt
