// Augment family: Pillow goldens of every op (fast and reference paths), fast vs reference AugMix, determinism
// (seed, batch split, thread count, layout), views, the statistics of the host-side draws, argument errors.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "augment/pixmix.inl"
#include "augment/recipe.h"
#include "robustify/augment.h"
#include "tests/check.h"
#include "tests/test_augment_support.h"

using namespace rfy_test;

namespace {

Images golden_input(const std::string& name) { return read_npy_u8(fixture("augment/" + name + "__input.npy")); }

int op_from_name(const std::string& name) {
  for (int op = 0; op < RFY_AUGMENT_OP_COUNT; ++op)
    if (name == rfy_augment_op_name(op)) return op;
  return -1;
}

rfy_augmix_options defaults(uint64_t seed = 7) {
  rfy_augmix_options o;
  rfy_augmix_default_options(&o);
  o.seed = seed;
  return o;
}

std::string error_of(rfy_status s) { return s == RFY_OK ? std::string("OK") : std::string(rfy_last_error()); }

}  // namespace

// Every op against Pillow on real images: exact for the 9 AugMix ops (both paths), within 1 for the enhance ops
// (Pillow's float kernels).
TEST_CASE(ops_match_pillow_goldens) {
  std::ifstream list(fixture("augment/cases.txt"));
  CHECK(list.good());
  std::string line;
  int cases = 0;
  while (std::getline(list, line)) {
    std::istringstream f(line);
    std::string input, op_name, file;
    double value = 0;
    f >> input >> op_name >> value >> file;
    const int op = op_from_name(op_name);
    CHECK(op >= 0);
    const Images in = golden_input(input);
    const Images want = read_npy_u8(fixture("augment/" + file));
    for (int path : {RFY_PATH_FAST, RFY_PATH_REFERENCE}) {
      Images got;
      CHECK(augment_op_u8(in, got, op, value, path) == RFY_OK);
      int worst = 0, off = 0;
      for (size_t i = 0; i < want.data.size(); ++i) {
        const int d = std::abs(int(got.data[i]) - int(want.data[i]));
        worst = std::max(worst, d);
        off += d != 0;
      }
      const int bound = op >= RFY_AUGMENT_COLOR ? 1 : 0;
      if (worst > bound)
        std::fprintf(stderr, "%s %s %g path %d: max |d| %d on %d of %zu values\n", input.c_str(), op_name.c_str(),
                     value, path, worst, off, want.data.size());
      CHECK(worst <= bound);
    }
    ++cases;
  }
  CHECK(cases >= 40);
}

TEST_CASE(fast_path_equals_reference) {
  for (const Images& in : {fashion_images(), rgb_images(32)}) {
    Images batch = in;
    batch.n = std::min<int64_t>(in.n, 16);
    batch.data.resize(static_cast<size_t>(batch.n * in.h * in.w * in.c));
    for (int all_ops : {0, 1}) {
      for (int depth : {-1, 3}) {
        rfy_augmix_options o = defaults(11);
        o.all_ops = all_ops;
        o.depth = depth;
        std::vector<float> fast, ref;
        CHECK(augmix_u8(batch, fast, o, RFY_PATH_FAST) == RFY_OK);
        CHECK(augmix_u8(batch, ref, o, RFY_PATH_REFERENCE) == RFY_OK);
        CHECK(max_abs_diff(fast, ref) == 0.0);
        for (float v : fast) CHECK(v >= 0.0f && v <= 1.0f);
      }
    }
  }
}

TEST_CASE(results_depend_on_seed_sample_and_view_only) {
  const Images in = rgb_images(32);
  const rfy_augmix_options o = defaults(3);
  std::vector<float> all, again, one_thread;
  CHECK(augmix_u8(in, all, o, RFY_PATH_FAST, 1) == RFY_OK);
  CHECK(augmix_u8(in, again, o, RFY_PATH_FAST, 1) == RFY_OK);
  CHECK(all == again);
  rfy_set_num_threads(1);
  CHECK(augmix_u8(in, one_thread, o, RFY_PATH_FAST, 1) == RFY_OK);
  rfy_set_num_threads(2);
  CHECK(all == one_thread);
  // The second half alone, keyed by its ids, gives the same samples.
  Images half = in;
  half.n = in.n / 2;
  const size_t per = static_cast<size_t>(in.h * in.w * in.c);
  half.data.assign(in.data.begin() + per * (in.n - half.n), in.data.end());
  std::vector<int64_t> ids;
  for (int64_t i = in.n - half.n; i < in.n; ++i) ids.push_back(i);
  std::vector<float> part;
  CHECK(augmix_u8(half, part, o, RFY_PATH_FAST, 1, ids.data()) == RFY_OK);
  CHECK(std::equal(part.begin(), part.end(), all.begin() + per * (in.n - half.n)));
  // Another view or seed changes every sample.
  std::vector<float> view2, seed2;
  CHECK(augmix_u8(in, view2, o, RFY_PATH_FAST, 2) == RFY_OK);
  CHECK(augmix_u8(in, seed2, defaults(4), RFY_PATH_FAST, 1) == RFY_OK);
  for (int64_t n = 0; n < in.n; ++n) {
    const auto first = all.begin() + per * n;
    CHECK(!std::equal(first, first + per, view2.begin() + per * n));
    CHECK(!std::equal(first, first + per, seed2.begin() + per * n));
  }
}

TEST_CASE(layouts_and_dtypes_agree) {
  const Images in = rgb_images(32);
  const rfy_augmix_options o = defaults(5);
  std::vector<float> nhwc;
  CHECK(augmix_u8(in, nhwc, o, RFY_PATH_FAST) == RFY_OK);
  // The same images as float32 NCHW in, NCHW out.
  const int64_t n = in.n, h = in.h, w = in.w, c = in.c;
  std::vector<float> src(in.data.size()), dst(in.data.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t p = 0; p < h * w; ++p) src[((i * c + ch) * h * w) + p] = in.data[(i * h * w + p) * c + ch] / 255.0f;
  rfy_tensor st = host_tensor(src.data(), RFY_FLOAT32, {n, c, h, w});
  rfy_tensor dt = host_tensor(dst.data(), RFY_FLOAT32, {n, c, h, w});
  rfy_augment_batch b{&st, &dt, nullptr, 0, 0, nullptr};
  int64_t bytes = 0;
  CHECK(rfy_augmix_workspace_size(&b, &o, RFY_PATH_FAST, &bytes) == RFY_OK);
  std::vector<uint8_t> ws(static_cast<size_t>(bytes) + 16);
  rfy_tensor wt = host_tensor(ws.data(), RFY_UINT8, {bytes});
  b.workspace = &wt;
  CHECK(rfy_augmix_images(&b, &o, RFY_PATH_FAST, nullptr) == RFY_OK);
  double worst = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t p = 0; p < h * w; ++p)
        worst = std::max(worst, double(std::fabs(dst[(i * c + ch) * h * w + p] - nhwc[(i * h * w + p) * c + ch])));
  CHECK(worst == 0.0);
}

// A chain of one known op: posterize at severity 1 always keeps 4 bits (4 - int(level * 0.4), level <= 1), so
// out = (1 - m) x + m (x & 0xF0) with one m in [0, 1] per sample.
TEST_CASE(single_op_chains_compose_as_documented) {
  const Images in = fashion_images();
  rfy_augmix_options o = defaults(9);
  o.width = 1;
  o.depth = 1;
  o.severity = 1;
  o.ops = 1u << RFY_AUGMENT_POSTERIZE;
  std::vector<float> out;
  CHECK(augmix_u8(in, out, o, RFY_PATH_FAST) == RFY_OK);
  const size_t per = static_cast<size_t>(in.h * in.w * in.c);
  int distinct_m = 0;
  double previous = -1;
  for (int64_t n = 0; n < in.n; ++n) {
    double m = -1;
    for (size_t i = per * n; i < per * (n + 1); ++i) {
      const float x = in.data[i] / 255.0f, p = (in.data[i] & 0xF0) / 255.0f;
      if (in.data[i] == (in.data[i] & 0xF0)) {
        CHECK(std::fabs(out[i] - x) < 1e-6f);
        continue;
      }
      const double mi = (x - out[i]) / double(x - p);
      if (m < 0) m = mi;
      CHECK(std::fabs(mi - m) < 1e-3);
    }
    CHECK(m >= 0.0 && m <= 1.0);
    distinct_m += std::fabs(m - previous) > 1e-6;
    previous = m;
  }
  CHECK(distinct_m > in.n / 2);
}

TEST_CASE(mixing_weight_statistics) {
  using namespace rfy::augment;
  for (double alpha : {1.0, 0.5, 3.0}) {
    AugMixSettings s{3, -1, 3, alpha, RFY_AUGMENT_OPS_AUGMIX};
    const int n = 4000;
    double m_sum = 0, m_sq = 0, w0 = 0;
    int depth_count[4] = {0, 0, 0, 0}, op_count[RFY_AUGMENT_OP_COUNT] = {};
    for (int i = 0; i < n; ++i) {
      const Task t = augmix_task(AugKey{1, i, kFamilyAugMix, 0}, s, 28, 28);
      m_sum += t.m;
      m_sq += double(t.m) * t.m;
      CHECK(t.m >= 0.0f && t.m <= 1.0f);
      CHECK(std::fabs(t.ws[0] + t.ws[1] + t.ws[2] - 1.0f) < 1e-6f);
      w0 += t.ws[0];
      for (int c = 0; c < 3; ++c) {
        CHECK(t.depth[c] >= 1 && t.depth[c] <= 3);
        ++depth_count[t.depth[c]];
        for (int k = 0; k < t.depth[c]; ++k) ++op_count[t.steps[c][k].op];
      }
    }
    const double mean = m_sum / n, var = m_sq / n - mean * mean;
    CHECK(std::fabs(mean - 0.5) < 0.02);
    CHECK(std::fabs(var - 1.0 / (4 * (2 * alpha + 1))) < 0.01);  // Beta(a, a) variance
    CHECK(std::fabs(w0 / n - 1.0 / 3) < 0.02);
    for (int d = 1; d <= 3; ++d) CHECK(std::fabs(depth_count[d] / (3.0 * n) - 1.0 / 3) < 0.03);
    int total = 0;
    for (int op = 0; op < RFY_AUGMENT_OP_COUNT; ++op) total += op_count[op];
    for (int op = 0; op < 9; ++op) CHECK(std::fabs(op_count[op] / double(total) - 1.0 / 9) < 0.015);
    for (int op = 9; op < RFY_AUGMENT_OP_COUNT; ++op) CHECK(op_count[op] == 0);
  }
  for (double shape : {0.3, 1.0, 2.5}) {
    double sum = 0, sq = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
      const double g = gamma_draw(AugKey{5, i, kFamilyAugMix, 0}, 9, 0, shape);
      CHECK(g >= 0.0);
      sum += g;
      sq += g * g;
    }
    const double mean = sum / n, var = sq / n - mean * mean;
    CHECK(std::fabs(mean - shape) < 0.04 * shape + 0.01);
    CHECK(std::fabs(var - shape) < 0.08 * shape + 0.01);
  }
}

TEST_CASE(op_levels_follow_augmentations_py) {
  using namespace rfy::augment;
  CHECK(op_value(RFY_AUGMENT_POSTERIZE, 3.0, false, 28, 28) == 3);     // 4 - int(1.2)
  CHECK(op_value(RFY_AUGMENT_ROTATE, 2.5, true, 28, 28) == -7);       // int(7.5), negated
  CHECK(op_value(RFY_AUGMENT_SOLARIZE, 2.5, false, 28, 28) == 192);   // 256 - int(64)
  CHECK(std::fabs(op_value(RFY_AUGMENT_SHEAR_X, 2.0, false, 28, 28) - 0.06) < 1e-12);
  CHECK(op_value(RFY_AUGMENT_TRANSLATE_X, 3.0, false, 30, 30) == 3);  // int(3 * 10 / 10)
  CHECK(op_value(RFY_AUGMENT_TRANSLATE_Y, 3.0, true, 224, 224) == -22);
  CHECK(std::fabs(op_value(RFY_AUGMENT_BRIGHTNESS, 3.0, false, 28, 28) - 0.64) < 1e-12);
}

TEST_CASE(argument_errors_name_the_argument) {
  Images in = fashion_images();
  in.n = 2;
  in.data.resize(2 * 28 * 28);
  std::vector<float> out;
  auto with = [&](auto edit) {
    rfy_augmix_options o = defaults();
    edit(o);
    return error_of(augmix_u8(in, out, o, RFY_PATH_FAST));
  };
  CHECK_CONTAINS(with([](rfy_augmix_options& o) { o.width = 0; }), "options.width");
  CHECK_CONTAINS(with([](rfy_augmix_options& o) { o.width = 9; }), "options.width");
  CHECK_CONTAINS(with([](rfy_augmix_options& o) { o.depth = 0; }), "options.depth");
  CHECK_CONTAINS(with([](rfy_augmix_options& o) { o.severity = 11; }), "options.severity");
  CHECK_CONTAINS(with([](rfy_augmix_options& o) { o.alpha = 0.0f; }), "options.alpha");
  CHECK_CONTAINS(with([](rfy_augmix_options& o) { o.alpha = NAN; }), "options.alpha");
  CHECK_CONTAINS(with([](rfy_augmix_options& o) { o.all_ops = 2; }), "options.all_ops");
  CHECK_CONTAINS(with([](rfy_augmix_options& o) { o.ops = 1u << 13; }), "options.ops");
  const rfy_augmix_options o = defaults();
  CHECK_CONTAINS(error_of(augmix_u8(in, out, o, 7)), "path");
  CHECK_CONTAINS(error_of(augmix_u8(in, out, o, RFY_PATH_FAST, -1)), "view");

  std::vector<uint8_t> dst_u8(in.data.size());
  rfy_tensor src = nhwc_as_nchw(in.data.data(), RFY_UINT8, 2, 28, 28, 1);
  rfy_tensor dst = nhwc_as_nchw(dst_u8.data(), RFY_UINT8, 2, 28, 28, 1);
  rfy_augment_batch b{&src, &dst, nullptr, 0, 0, nullptr};
  CHECK_CONTAINS(error_of(rfy_augmix_images(&b, &o, RFY_PATH_FAST, nullptr)), "dst must be float32");
  std::vector<float> dst_f(in.data.size());
  rfy_tensor dstf = nhwc_as_nchw(dst_f.data(), RFY_FLOAT32, 2, 28, 28, 1);
  b.dst = &dstf;
  CHECK_CONTAINS(error_of(rfy_augmix_images(&b, nullptr, RFY_PATH_FAST, nullptr)), "options is NULL");
  CHECK_CONTAINS(error_of(rfy_augmix_images(&b, &o, RFY_PATH_FAST, nullptr)), "workspace is NULL");
  std::vector<uint8_t> small(16);
  rfy_tensor wt = host_tensor(small.data(), RFY_UINT8, {16});
  b.workspace = &wt;
  CHECK_CONTAINS(error_of(rfy_augmix_images(&b, &o, RFY_PATH_FAST, nullptr)), "workspace holds 16 bytes");
  rfy_tensor four = host_tensor(in.data.data(), RFY_UINT8, {1, 4, 28, 14});
  b.src = &four;
  CHECK_CONTAINS(error_of(rfy_augmix_images(&b, &o, RFY_PATH_FAST, nullptr)), "1 or 3 channels");
  b.src = &src;
  CHECK_CONTAINS(error_of(rfy_augment_op_images(&b, 13, 0.0, RFY_PATH_FAST, nullptr)), "op must be");
  CHECK_CONTAINS(error_of(rfy_augment_op_images(&b, RFY_AUGMENT_POSTERIZE, 9, RFY_PATH_FAST, nullptr)), "posterize");
  CHECK(rfy_augment_op_name(RFY_AUGMENT_SHEAR_Y) == std::string("shear_y"));
  CHECK(rfy_augment_op_name(13) == nullptr);
}

// ---- PixMix ----

rfy_pixmix_options pixmix_defaults(uint64_t seed = 7) {
  rfy_pixmix_options o;
  rfy_pixmix_default_options(&o);
  o.seed = seed;
  return o;
}

TEST_CASE(pixmix_fast_path_matches_reference_and_is_deterministic) {
  for (const Images& in : {fashion_images(), rgb_images(32)}) {
    for (int all_ops : {0, 1}) {
      rfy_pixmix_options o = pixmix_defaults(21);
      o.all_ops = all_ops;
      std::vector<float> fast, ref, again, one_thread;
      CHECK(pixmix_u8(in, fast, o, RFY_PATH_FAST, 1) == RFY_OK);
      CHECK(pixmix_u8(in, ref, o, RFY_PATH_REFERENCE, 1) == RFY_OK);
      CHECK(max_abs_diff(fast, ref) <= 1.0 / 255);
      CHECK(pixmix_u8(in, again, o, RFY_PATH_FAST, 1) == RFY_OK);
      CHECK(fast == again);
      rfy_set_num_threads(1);
      CHECK(pixmix_u8(in, one_thread, o, RFY_PATH_FAST, 1) == RFY_OK);
      rfy_set_num_threads(2);
      CHECK(fast == one_thread);
      for (float v : fast) CHECK(v >= 0.0f && v <= 1.0f);
    }
  }
}

TEST_CASE(pixmix_uses_the_callers_pictures_and_views_differ) {
  const Images in = rgb_images(32);
  const size_t per = static_cast<size_t>(in.h * in.w * in.c);
  // One mixing picture, all white: a sample mixed with it differs from the procedural run.
  std::vector<uint8_t> white(per, 255);
  rfy_tensor pics = host_tensor(white.data(), RFY_UINT8, {1, in.h, in.w, in.c});
  rfy_pixmix_options o = pixmix_defaults(5);
  o.k = 8;
  std::vector<float> procedural, with_pictures, view2, ref;
  CHECK(pixmix_u8(in, procedural, o, RFY_PATH_FAST, 1) == RFY_OK);
  o.mixing_pictures = &pics;
  CHECK(pixmix_u8(in, with_pictures, o, RFY_PATH_FAST, 1) == RFY_OK);
  CHECK(pixmix_u8(in, ref, o, RFY_PATH_REFERENCE, 1) == RFY_OK);
  CHECK(max_abs_diff(with_pictures, ref) <= 1.0 / 255);
  CHECK(procedural != with_pictures);
  CHECK(pixmix_u8(in, view2, o, RFY_PATH_FAST, 2) == RFY_OK);
  int differ = 0;
  for (int64_t n = 0; n < in.n; ++n)
    differ += !std::equal(with_pictures.begin() + per * n, with_pictures.begin() + per * (n + 1),
                          view2.begin() + per * n);
  CHECK(differ >= in.n - 1);  // a sample drawing "no mix, no augment" in both views may repeat
  // Wrong picture shape.
  rfy_tensor small = host_tensor(white.data(), RFY_UINT8, {1, in.h / 2, in.w, in.c});
  o.mixing_pictures = &small;
  CHECK_CONTAINS(error_of(pixmix_u8(in, view2, o, RFY_PATH_FAST)), "options.mixing_pictures");
}

TEST_CASE(pixmix_draws_follow_the_paper) {
  using namespace rfy::augment;
  const PixMixSettings s{4, 3, 3.0, RFY_AUGMENT_OPS_AUGMIX, 0};
  const int n = 4000;
  int first = 0, rounds[5] = {}, picture = 0, multiply = 0, total_rounds = 0, positive_b = 0;
  for (int i = 0; i < n; ++i) {
    const PixMixTask t = pixmix_task(AugKey{3, i, kFamilyPixMix, 1}, s, 28, 28);
    first += t.augment_first;
    CHECK(t.rounds >= 0 && t.rounds <= 4);
    ++rounds[t.rounds];
    CHECK(t.picture == -1);
    for (int r = 0; r < t.rounds; ++r) {
      const MixRound& m = t.round[r];
      picture += m.from_picture;
      multiply += m.multiply;
      ++total_rounds;
      if (m.b > 0) {
        positive_b++;
        CHECK(m.a > 0 && m.a < 1 && m.b < 1);
      } else {
        CHECK(m.a >= 1 && m.a < 2 && m.b > -1);
      }
    }
  }
  CHECK(std::fabs(first / double(n) - 0.5) < 0.03);
  for (int r = 0; r <= 4; ++r) CHECK(std::fabs(rounds[r] / double(n) - 0.2) < 0.03);
  CHECK(std::fabs(picture / double(total_rounds) - 0.5) < 0.03);
  CHECK(std::fabs(multiply / double(total_rounds) - 0.5) < 0.03);
  CHECK(std::fabs(positive_b / double(total_rounds) - 0.5) < 0.03);
  // Pictures index the caller's K uniformly.
  const PixMixSettings with_pictures{4, 3, 3.0, RFY_AUGMENT_OPS_AUGMIX, 3};
  int hits[3] = {};
  for (int i = 0; i < 3000; ++i) ++hits[pixmix_task(AugKey{3, i, kFamilyPixMix, 1}, with_pictures, 28, 28).picture];
  for (int k = 0; k < 3; ++k) CHECK(std::fabs(hits[k] / 3000.0 - 1.0 / 3) < 0.04);
}

TEST_CASE(pixmix_combine_matches_the_formulas) {
  using namespace rfy::augment;
  // add: ((2x - 1) a + (2y - 1) b + 1) / 2
  CHECK(std::fabs(pixmix_combine(0.25f, 0.75f, 0, 0.5f, 0.25f) - ((-0.5f * 0.5f + 0.5f * 0.25f + 1.0f) / 2.0f)) < 1e-6f);
  // multiply: (2x)^a (2y)^b / 2
  CHECK(std::fabs(pixmix_combine(0.3f, 0.4f, 1, 1.5f, -0.5f) - std::pow(0.6f, 1.5f) * std::pow(0.8f, -0.5f) / 2.0f) < 1e-5f);
  CHECK(pixmix_combine(0.0f, 0.4f, 1, 0.7f, 0.2f) == 0.0f);
  CHECK(pixmix_combine(0.9f, 0.0f, 1, 1.2f, -0.9f) == 1.0f);  // max(2y, 1e-37)^b is huge: clipped
  for (float x = 0.01f; x < 80.0f; x *= 1.7f) CHECK(std::fabs(fm_exp(std::log(x)) / x - 1.0f) < 2e-6f);
}

// The procedural mixing picture: 8-bit values spanning [0, 1] per channel (the plasma is rescaled), channels and
// samples and views with their own fields.
TEST_CASE(pixmix_procedural_pictures_are_fractal_fields) {
  using namespace rfy::augment;
  const int c = 3, h = 28, w = 28;
  std::vector<float> floats(static_cast<size_t>(pixmix_sample_floats(c, h, w)));
  const Planes s = make_planes(floats.data(), c, h, w);
  float* map = floats.data() + sample_floats(c, h, w);
  const Pictures none{nullptr, 0, {0, 0, 0, 0}};
  auto picture = [&](int64_t id, uint32_t view) {
    PixMixTask t{};
    t.sample_id = id;
    t.seed = 4;
    t.view = view;
    t.picture = -1;
    load_picture(s, t, none, map);
    return std::vector<float>(s.b, s.b + s.size());
  };
  const std::vector<float> p = picture(0, 1);
  const size_t plane = static_cast<size_t>(h * w);
  for (int ch = 0; ch < c; ++ch) {
    float lo = 1, hi = 0;
    for (size_t i = plane * ch; i < plane * (ch + 1); ++i) {
      lo = std::min(lo, p[i]);
      hi = std::max(hi, p[i]);
      CHECK(std::fabs(p[i] * 255.0f - std::round(p[i] * 255.0f)) < 1e-3f);
    }
    CHECK(lo >= 0.0f && hi <= 1.0f && hi - lo > 0.3f);
  }
  CHECK(!std::equal(p.begin(), p.begin() + plane, p.begin() + plane));
  CHECK(p != picture(1, 1));
  CHECK(p != picture(0, 2));
  CHECK(p == picture(0, 1));
}

TEST_CASE(pixmix_argument_errors_name_the_argument) {
  Images in = fashion_images();
  std::vector<float> out;
  auto with = [&](auto edit) {
    rfy_pixmix_options o = pixmix_defaults();
    edit(o);
    return error_of(pixmix_u8(in, out, o, RFY_PATH_FAST));
  };
  CHECK_CONTAINS(with([](rfy_pixmix_options& o) { o.k = -1; }), "options.k");
  CHECK_CONTAINS(with([](rfy_pixmix_options& o) { o.k = 9; }), "options.k");
  CHECK_CONTAINS(with([](rfy_pixmix_options& o) { o.beta = 0.0f; }), "options.beta");
  CHECK_CONTAINS(with([](rfy_pixmix_options& o) { o.severity = 0; }), "options.severity");
  CHECK_CONTAINS(with([](rfy_pixmix_options& o) { o.ops = 0xFFFFu; }), "options.ops");
}

TEST_MAIN()
