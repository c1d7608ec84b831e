// Helpers for corruption tests and tools: run rfy_corrupt_images on host NHWC uint8/float buffers, read the golden
// .npy fixtures, real test images (Fashion-MNIST, the committed RGB fixtures), and image metrics.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "robustify/corrupt.h"
#include "tensor_fixture.h"

#ifndef RFY_FIXTURE_DIR
#define RFY_FIXTURE_DIR "native/tests/fixtures"
#endif

namespace rfy_test {

struct Images {
  int64_t n = 0, h = 0, w = 0, c = 0;
  std::vector<uint8_t> data;  // NHWC
  size_t size() const { return data.size(); }
};

struct CorruptArgs {
  uint64_t seed = 0;
  int preset = RFY_CORRUPT_PRESET_AUTO;
  const int64_t* sample_ids = nullptr;  // NULL: 0..N-1
  const rfy_tensor* frost = nullptr;
};

// One (corruption, severity) for every sample of src into dst through the C ABI, with a workspace of the size
// rfy_corrupt_workspace_size asks for. Returns the rfy_status.
inline rfy_status corrupt_tensors(const rfy_tensor& src, const rfy_tensor& dst, int corruption, int severity,
                                  int path, const CorruptArgs& a = {}) {
  const size_t n = static_cast<size_t>(src.shape[0]);
  std::vector<int32_t> corr(n, corruption), sev(n, severity);
  rfy_corrupt_options o;
  rfy_corrupt_default_options(&o);
  o.seed = a.seed;
  o.preset = a.preset;
  o.frost_textures = a.frost;
  rfy_corrupt_batch b{&src, &dst, corr.data(), sev.data(), a.sample_ids, nullptr};
  int64_t bytes = 0;
  const rfy_status st = rfy_corrupt_workspace_size(&b, &o, path, &bytes);
  if (st != RFY_OK) return st;
  std::vector<uint8_t> ws(static_cast<size_t>(bytes) + 1);
  rfy_tensor wst = host_tensor(ws.data(), RFY_UINT8, {bytes});
  b.workspace = &wst;
  return rfy_corrupt_images(&b, &o, path, nullptr);
}

// Corrupts every image of `in` (NHWC uint8); sample ids are first_id, first_id + 1, ...
// Returns the rfy_status; on failure `out` is `in`'s copy, untouched by the engine.
inline rfy_status corrupt_u8(const Images& in, Images& out, int corruption, int severity, int path,
                             uint64_t seed = 0, int preset = RFY_CORRUPT_PRESET_AUTO, int64_t first_id = 0,
                             const rfy_tensor* frost = nullptr) {
  out = in;
  rfy_tensor src = nhwc_as_nchw(const_cast<uint8_t*>(in.data.data()), RFY_UINT8, in.n, in.h, in.w, in.c);
  rfy_tensor dst = nhwc_as_nchw(out.data.data(), RFY_UINT8, in.n, in.h, in.w, in.c);
  std::vector<int64_t> ids(static_cast<size_t>(in.n));
  for (int64_t i = 0; i < in.n; ++i) ids[static_cast<size_t>(i)] = first_id + i;
  return corrupt_tensors(src, dst, corruption, severity, path, CorruptArgs{seed, preset, ids.data(), frost});
}

// The same for float32 NHWC images in [0, 1] (no uint8 truncation).
inline rfy_status corrupt_f32(const std::vector<float>& in, std::vector<float>& out, int64_t n, int64_t h, int64_t w,
                              int64_t c, int corruption, int severity, int path, const CorruptArgs& a = {}) {
  out.assign(in.size(), 0.0f);
  rfy_tensor src = nhwc_as_nchw(const_cast<float*>(in.data()), RFY_FLOAT32, n, h, w, c);
  rfy_tensor dst = nhwc_as_nchw(out.data(), RFY_FLOAT32, n, h, w, c);
  return corrupt_tensors(src, dst, corruption, severity, path, a);
}

// Minimal .npy reader for the fixtures: uint8, C order, shape (N, H, W, C).
inline Images read_npy_u8(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  char magic[8];
  f.read(magic, 8);
  if (std::string(magic, 6) != "\x93NUMPY") throw std::runtime_error(path + ": not a .npy file");
  uint32_t header_len = 0;
  if (magic[6] == 1) {
    uint16_t len16 = 0;
    f.read(reinterpret_cast<char*>(&len16), 2);
    header_len = len16;
  } else {
    f.read(reinterpret_cast<char*>(&header_len), 4);
  }
  std::string header(header_len, '\0');
  f.read(&header[0], header_len);
  if (header.find("'|u1'") == std::string::npos || header.find("'fortran_order': False") == std::string::npos)
    throw std::runtime_error(path + ": expected uint8 C-order, got " + header);
  const size_t open = header.find('(', header.find("'shape'")), close = header.find(')', open);
  std::stringstream dims(header.substr(open + 1, close - open - 1));
  std::vector<int64_t> shape;
  std::string item;
  while (std::getline(dims, item, ','))
    if (item.find_first_not_of(' ') != std::string::npos) shape.push_back(std::stoll(item));
  if (shape.size() != 4) throw std::runtime_error(path + ": expected 4 dims (N, H, W, C)");
  Images im;
  im.n = shape[0];
  im.h = shape[1];
  im.w = shape[2];
  im.c = shape[3];
  im.data.resize(static_cast<size_t>(im.n * im.h * im.w * im.c));
  f.read(reinterpret_cast<char*>(im.data.data()), static_cast<std::streamsize>(im.data.size()));
  if (!f) throw std::runtime_error(path + ": truncated");
  return im;
}

inline std::string fixture(const std::string& name) { return std::string(RFY_FIXTURE_DIR) + "/" + name; }

// The committed real test images (see fixtures/corruptions/make_goldens.py).
inline Images fashion_images() { return read_npy_u8(fixture("corruptions/fmnist_28x28x1.npy")); }
inline Images rgb_images(int side) {
  return read_npy_u8(fixture("corruptions/rgb_" + std::to_string(side) + "x" + std::to_string(side) + "x3.npy"));
}

// Nearest-neighbour resize (test inputs at other sizes).
inline Images resize_nearest(const Images& in, int64_t h, int64_t w) {
  Images out;
  out.n = in.n;
  out.h = h;
  out.w = w;
  out.c = in.c;
  out.data.resize(static_cast<size_t>(in.n * h * w * in.c));
  for (int64_t n = 0; n < in.n; ++n)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        for (int64_t c = 0; c < in.c; ++c)
          out.data[static_cast<size_t>(((n * h + y) * w + x) * in.c + c)] =
              in.data[static_cast<size_t>(((n * in.h + y * in.h / h) * in.w + x * in.w / w) * in.c + c)];
  return out;
}

inline double max_abs_diff(const Images& a, const Images& b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::fmax(m, std::fabs(double(a.data[i]) - double(b.data[i])));
  return m;
}

inline double psnr(const Images& a, const Images& b) {
  double mse = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = double(a.data[i]) - double(b.data[i]);
    mse += d * d;
  }
  mse /= double(a.size());
  return mse == 0 ? 1e9 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

// Mean SSIM over images and channels (8x8 windows, stride 4, constants of Wang et al. 2004).
inline double ssim(const Images& a, const Images& b) {
  const double c1 = 6.5025, c2 = 58.5225;
  double total = 0;
  int64_t count = 0;
  const int64_t win = std::min<int64_t>(8, std::min(a.h, a.w)), step = std::max<int64_t>(1, win / 2);
  for (int64_t n = 0; n < a.n; ++n)
    for (int64_t c = 0; c < a.c; ++c)
      for (int64_t y0 = 0; y0 + win <= a.h; y0 += step)
        for (int64_t x0 = 0; x0 + win <= a.w; x0 += step) {
          double ma = 0, mb = 0, va = 0, vb = 0, cov = 0;
          for (int64_t y = y0; y < y0 + win; ++y)
            for (int64_t x = x0; x < x0 + win; ++x) {
              const size_t i = static_cast<size_t>(((n * a.h + y) * a.w + x) * a.c + c);
              ma += a.data[i];
              mb += b.data[i];
            }
          const double k = double(win * win);
          ma /= k;
          mb /= k;
          for (int64_t y = y0; y < y0 + win; ++y)
            for (int64_t x = x0; x < x0 + win; ++x) {
              const size_t i = static_cast<size_t>(((n * a.h + y) * a.w + x) * a.c + c);
              va += (a.data[i] - ma) * (a.data[i] - ma);
              vb += (b.data[i] - mb) * (b.data[i] - mb);
              cov += (a.data[i] - ma) * (b.data[i] - mb);
            }
          va /= k - 1;
          vb /= k - 1;
          cov /= k - 1;
          total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
          ++count;
        }
  return total / double(count);
}

}  // namespace rfy_test
