// Benchmark of the augment family: AugMix and PixMix (procedural pictures) images/s on the fast CPU path (the thread count of --threads) and the
// reference path, at 28x28x1 (Fashion-MNIST) and 224x224x3, plus the CUDA path when a GPU is present.
#include <cstdio>

#include "dev/corrupt_tool.h"
#include "tests/test_augment_support.h"

using namespace rfy_tool;

int main(int argc, char** argv) {
  const BenchArgs args = parse_bench_args(argc, argv, "bench_augment");
  rfy_set_num_threads(args.threads);
  std::printf("bench_augment: %d threads%s\n", args.threads, args.quick ? " (quick)" : "");
  const struct {
    int side, channels, batch;
  } sizes[] = {{28, 1, 256}, {224, 3, 16}};
  for (const auto& size : sizes) {
    const rfy_test::Images in = bench_images(size.side, size.channels, args.quick ? size.batch / 4 : size.batch);
    for (int all_ops : {0, 1}) {
      rfy_augmix_options o;
      rfy_augmix_default_options(&o);
      o.all_ops = all_ops;
      std::vector<float> out;
      for (int path : {RFY_PATH_FAST, RFY_PATH_REFERENCE}) {
        const double ms = median_ms(1, args.quick ? 3 : 7, [&] {
          die_on(rfy_test::augmix_u8(in, out, o, path, 1), "rfy_augmix_images");
        });
        std::printf("%3dx%3dx%d augmix%-6s %-9s batch %3lld: %8.2f ms  %9.0f images/s\n", size.side, size.side,
                    size.channels, all_ops ? "(all)" : "", path == RFY_PATH_FAST ? "fast" : "reference",
                    static_cast<long long>(in.n), ms, in.n / (ms / 1000.0));
      }
    }
  }
  for (const auto& size : sizes) {
    const rfy_test::Images in = bench_images(size.side, size.channels, args.quick ? size.batch / 4 : size.batch);
    rfy_pixmix_options o;
    rfy_pixmix_default_options(&o);
    std::vector<float> out;
    for (int path : {RFY_PATH_FAST, RFY_PATH_REFERENCE}) {
      const double ms = median_ms(1, args.quick ? 3 : 7, [&] {
        die_on(rfy_test::pixmix_u8(in, out, o, path, 1), "rfy_pixmix_images");
      });
      std::printf("%3dx%3dx%d pixmix        %-9s batch %3lld: %8.2f ms  %9.0f images/s\n", size.side, size.side,
                  size.channels, path == RFY_PATH_FAST ? "fast" : "reference", static_cast<long long>(in.n), ms,
                  in.n / (ms / 1000.0));
    }
  }
  return 0;
}
