// jpeg_compression on the fast CPU path: the same integer JPEG round trip as op_jpeg_compression (digital.inl),
// bit for bit, arranged so that every stage vectorises: colour conversion and chroma downsampling row by row,
// each 8 x 8 block as eight int32 vectors (the islow 1-D passes run on all eight rows or columns at once, with
// 8 x 8 transposes between them), and the decoder's fancy upsampling row by row. The planes hold int32 levels
// (the shared op keeps them as floats). Included by digital.inl on the CPU only.
#pragma once

#include <vector>

namespace rfy::corrupt {

typedef int32_t DigitalV8 __attribute__((vector_size(32)));
typedef float DigitalV8f __attribute__((vector_size(32)));

// 8 x 8 transpose of r[0..8) (row k lane j -> row j lane k).
inline void digital_transpose8(DigitalV8* r) {
  DigitalV8 t[8], u[8];
  for (int k = 0; k < 8; k += 2) {
    t[k] = __builtin_shufflevector(r[k], r[k + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[k + 1] = __builtin_shufflevector(r[k], r[k + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int k = 0; k < 8; k += 4)
    for (int j = 0; j < 2; ++j) {
      u[k + 2 * j] = __builtin_shufflevector(t[k + j], t[k + j + 2], 0, 1, 8, 9, 4, 5, 12, 13);
      u[k + 2 * j + 1] = __builtin_shufflevector(t[k + j], t[k + j + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    }
  // u[0..4): rows 0-3 of columns (0|4), (1|5), (2|6), (3|7); u[4..8): rows 4-7 of the same.
  for (int j = 0; j < 4; ++j) {
    r[j] = __builtin_shufflevector(u[j], u[j + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    r[j + 4] = __builtin_shufflevector(u[j], u[j + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

// digital_jpeg_block on rows d[0..8) of level-shifted samples, in place (results clamped to 0..255). qv: the
// quantiser per coefficient, qr: 1 / (8 q) as the float the shared op computes.
inline void digital_jpeg_block_v8(DigitalV8* d, const DigitalV8* qv, const DigitalV8f* qr) {
  // Forward: rows (as columns of the transpose), then columns.
  digital_transpose8(d);
  digital_fdct_islow(d, 1, true);
  digital_transpose8(d);
  digital_fdct_islow(d, 1, false);
  for (int k = 0; k < 8; ++k) {
    const DigitalV8 div = qv[k] * 8;
    const DigitalV8 neg = d[k] < 0;  // -1 where negative
    const DigitalV8 mag = (d[k] ^ neg) - neg;
    const DigitalV8 n = mag + div / 2;
    DigitalV8 lv = __builtin_convertvector(__builtin_convertvector(n, DigitalV8f) * qr[k], DigitalV8);
    lv += (lv * div > n);         // -1 where the float quotient was one too high
    lv -= ((lv + 1) * div <= n);  // +1 where it was one too low
    d[k] = ((lv ^ neg) - neg) * qv[k];
  }
  // Inverse: columns, then rows (as columns of the transpose).
  DigitalV8 ws[8];
  digital_idct_islow(d, 1, ws, 1, true);
  digital_transpose8(ws);
  digital_idct_islow(ws, 1, d, 1, false);
  digital_transpose8(d);
  for (int k = 0; k < 8; ++k) {
    const DigitalV8 r = d[k] + 128;
    d[k] = r < 0 ? DigitalV8{} : (r > 255 ? DigitalV8{} + 255 : r);
  }
}

// All blocks of one int32 plane (pw x ph, row stride pw): edge blocks replicate the last real row / column.
inline void digital_jpeg_plane_v8(int32_t* plane, int pw, int ph, const float* q) {
  DigitalV8 qv[8];
  DigitalV8f qr[8];
  for (int k = 0; k < 8; ++k)
    for (int j = 0; j < 8; ++j) {
      const int32_t qq = static_cast<int32_t>(q[8 * k + j]);
      qv[k][j] = qq;
      qr[k][j] = 1.0f / static_cast<float>(qq * 8);
    }
  const int bx_n = (pw + 7) / 8, by_n = (ph + 7) / 8;
  for (int by = 0; by < by_n; ++by)
    for (int bx = 0; bx < bx_n; ++bx) {
      DigitalV8 d[8];
      const bool inside = bx * 8 + 8 <= pw && by * 8 + 8 <= ph;
      for (int y = 0; y < 8; ++y) {
        const int yy = by * 8 + y < ph ? by * 8 + y : ph - 1;
        const int32_t* row = plane + static_cast<int64_t>(yy) * pw;
        if (inside) {
          __builtin_memcpy(&d[y], row + bx * 8, sizeof(DigitalV8));
        } else {
          for (int x = 0; x < 8; ++x) d[y][x] = row[bx * 8 + x < pw ? bx * 8 + x : pw - 1];
        }
        d[y] -= 128;
      }
      digital_jpeg_block_v8(d, qv, qr);
      for (int y = 0; y < 8 && by * 8 + y < ph; ++y) {
        int32_t* row = plane + static_cast<int64_t>(by * 8 + y) * pw + bx * 8;
        if (inside) {
          __builtin_memcpy(row, &d[y], sizeof(DigitalV8));
        } else {
          for (int x = 0; x < 8 && bx * 8 + x < pw; ++x) row[x] = d[y][x];
        }
      }
    }
}

// One row of libjpeg's h2v2 fancy upsampling: out[x] for x < w from chroma rows `near` (cy) and `far` (the
// nearer neighbour row), cw real samples each; colsum is a work row of cw + 2 int32.
inline void digital_fancy_row(const int32_t* near, const int32_t* far, int cw, int w, int32_t* colsum, int32_t* out) {
  int32_t* cs = colsum + 1;  // cs[-1] and cs[cw] replicate the ends (the column clamp)
  for (int cx = 0; cx < cw; ++cx) cs[cx] = 3 * near[cx] + far[cx];
  cs[-1] = cs[0];
  cs[cw] = cs[cw - 1];
  for (int cx = 0; cx < w / 2; ++cx) {
    out[2 * cx] = (cs[cx] * 3 + cs[cx - 1] + 8) >> 4;
    out[2 * cx + 1] = (cs[cx] * 3 + cs[cx + 1] + 7) >> 4;
  }
  if (w & 1) out[w - 1] = (cs[w / 2] * 3 + cs[w / 2 - 1] + 8) >> 4;
}

inline void digital_jpeg_cpu(const Sample& s) {
  const int h = s.h, w = s.w;
  const int64_t hw = s.plane();
  float* tables = s.scratch;
  int32_t* yp = reinterpret_cast<int32_t*>(s.scratch + kDigitalJpegHeader);
  const int cwp = digital_jpeg_chroma_w(w), chp = digital_jpeg_chroma_h(h);
  const int cw = (w + 1) / 2, chh = (h + 1) / 2;
  int32_t* cbp = yp + hw;
  int32_t* crp = cbp + static_cast<int64_t>(cwp) * chp;
  const bool colour = s.c == 3;
  digital_jpeg_tables(tables, static_cast<int>(s.p[0] + 0.5f));
  const float* rp = s.img;
  const float* gp = s.img + hw;
  const float* bp = s.img + 2 * hw;
  if (!colour) {
    for (int64_t i = 0; i < hw; ++i) yp[i] = to_u8(rp[i]);
    digital_jpeg_plane_v8(yp, w, h, tables);
    for (int64_t i = 0; i < hw; ++i) s.img[i] = static_cast<float>(yp[i]) * (1.0f / 255.0f);
    return;
  }
  // Work rows: per-pixel Cb and Cr of two image rows (each padded to 2 * cwp columns by replication), then the
  // decoder's column sums and upsampled rows.
  static thread_local std::vector<int32_t> work;
  const int wp = 2 * cwp > w ? 2 * cwp : w;
  work.resize(static_cast<size_t>(6 * wp + 2 * (cw + 2)));
  int32_t* cb_rows = work.data();    // 2 rows
  int32_t* cr_rows = cb_rows + 2 * wp;  // 2 rows
  int32_t* up_cb = cr_rows + 2 * wp;
  int32_t* up_cr = up_cb + wp;
  int32_t* colsum = up_cr + wp;
  const int kYr = digital_fix(0.299), kYg = digital_fix(0.587), kYb = digital_fix(0.114);
  const int kBr = -digital_fix(0.16874), kBg = -digital_fix(0.33126), kBb = digital_fix(0.5);
  const int kRr = digital_fix(0.5), kRg = -digital_fix(0.41869), kRb = -digital_fix(0.08131);
  // Luma.
  for (int64_t i = 0; i < hw; ++i) {
    const int r = to_u8(rp[i]), g = to_u8(gp[i]), b = to_u8(bp[i]);
    yp[i] = (kYr * r + kYg * g + kYb * b + 32768) >> 16;
  }
  // Chroma: per-pixel values of image rows 2 cy, 2 cy + 1 (clamped), then libjpeg's h2v2 average.
  for (int cy0 = 0; cy0 < chp; ++cy0) {
    const int cy = cy0 > chh - 1 ? chh - 1 : cy0;
    for (int dy = 0; dy < 2; ++dy) {
      const int yy = 2 * cy + dy < h ? 2 * cy + dy : h - 1;
      const int64_t o = static_cast<int64_t>(yy) * w;
      int32_t* cb = cb_rows + dy * wp;
      int32_t* cr = cr_rows + dy * wp;
      for (int x = 0; x < w; ++x) {
        const int r = to_u8(rp[o + x]), g = to_u8(gp[o + x]), b = to_u8(bp[o + x]);
        cb[x] = (kBr * r + kBg * g + kBb * b + (128 << 16) + 32767) >> 16;
        cr[x] = (kRr * r + kRg * g + kRb * b + (128 << 16) + 32767) >> 16;
      }
      for (int x = w; x < 2 * cwp; ++x) {
        cb[x] = cb[w - 1];
        cr[x] = cr[w - 1];
      }
    }
    int32_t* ob = cbp + static_cast<int64_t>(cy0) * cwp;
    int32_t* orr = crp + static_cast<int64_t>(cy0) * cwp;
    for (int cx = 0; cx < cwp; ++cx) {
      const int bias = 1 + (cx & 1);
      ob[cx] = (cb_rows[2 * cx] + cb_rows[2 * cx + 1] + cb_rows[wp + 2 * cx] + cb_rows[wp + 2 * cx + 1] + bias) >> 2;
      orr[cx] = (cr_rows[2 * cx] + cr_rows[2 * cx + 1] + cr_rows[wp + 2 * cx] + cr_rows[wp + 2 * cx + 1] + bias) >> 2;
    }
  }
  digital_jpeg_plane_v8(yp, w, h, tables);
  digital_jpeg_plane_v8(cbp, cwp, chp, tables + 64);
  digital_jpeg_plane_v8(crp, cwp, chp, tables + 64);
  // Decode: fancy upsampling row by row, then YCbCr -> RGB (libjpeg's fixed-point tables).
  const int kCr2R = digital_fix(1.40200), kCb2G = -digital_fix(0.34414), kCr2G = -digital_fix(0.71414);
  const int kCb2B = digital_fix(1.77200);
  for (int y = 0; y < h; ++y) {
    const int cy = y >> 1;
    int ny = (y & 1) ? cy + 1 : cy - 1;
    ny = ny < 0 ? 0 : (ny > chh - 1 ? chh - 1 : ny);
    digital_fancy_row(cbp + static_cast<int64_t>(cy) * cwp, cbp + static_cast<int64_t>(ny) * cwp, cw, w, colsum, up_cb);
    digital_fancy_row(crp + static_cast<int64_t>(cy) * cwp, crp + static_cast<int64_t>(ny) * cwp, cw, w, colsum, up_cr);
    const int64_t o = static_cast<int64_t>(y) * w;
    for (int x = 0; x < w; ++x) {
      const int lum = yp[o + x], cb = up_cb[x] - 128, cr = up_cr[x] - 128;
      int r = lum + ((kCr2R * cr + 32768) >> 16);
      int g = lum + ((kCb2G * cb + kCr2G * cr + 32768) >> 16);
      int b = lum + ((kCb2B * cb + 32768) >> 16);
      r = r < 0 ? 0 : (r > 255 ? 255 : r);
      g = g < 0 ? 0 : (g > 255 ? 255 : g);
      b = b < 0 ? 0 : (b > 255 ? 255 : b);
      s.img[o + x] = r * (1.0f / 255.0f);
      s.img[hw + o + x] = g * (1.0f / 255.0f);
      s.img[2 * hw + o + x] = b * (1.0f / 255.0f);
    }
  }
}

}  // namespace rfy::corrupt
