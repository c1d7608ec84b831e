#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <vector>

#include "core/error.h"
#include "core/thread_pool.h"
#include "tests/check.h"

TEST_CASE(covers_every_index_exactly_once) {
  for (int threads : {1, 2, 5}) {
    rfy::set_num_threads(threads);
    for (int64_t n : {0, 1, 7, 1000, 100003}) {
      for (int64_t grain : {1, 64, 100000}) {
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
        rfy::parallel_for(0, n, grain, [&](int64_t lo, int64_t hi) {
          for (int64_t i = lo; i < hi; ++i) hits[static_cast<size_t>(i)]++;
        });
        bool once = true;
        for (auto& h : hits) once = once && h.load() == 1;
        CHECK(once);
      }
    }
  }
}

TEST_CASE(nested_regions_run_serially) {
  rfy::set_num_threads(2);
  std::atomic<int64_t> total{0};
  rfy::parallel_for(0, 64, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i)
      rfy::parallel_for(0, 100, 1, [&](int64_t a, int64_t b) { total += b - a; });
  });
  CHECK(total.load() == 6400);
}

TEST_CASE(exceptions_reach_the_caller) {
  rfy::set_num_threads(2);
  bool caught = false;
  try {
    rfy::parallel_for(0, 1000, 1, [&](int64_t lo, int64_t) {
      if (lo >= 500) throw std::runtime_error("boom");
    });
  } catch (const std::runtime_error& e) {
    caught = std::string(e.what()) == "boom";
  }
  CHECK(caught);
  // The pool still works afterwards.
  std::atomic<int64_t> sum{0};
  rfy::parallel_for(0, 1000, 1, [&](int64_t lo, int64_t hi) { sum += hi - lo; });
  CHECK(sum.load() == 1000);
}

TEST_CASE(many_short_regions_each_run_exactly_once) {
  // Regions shorter than a worker's wake-up: the caller often finishes alone and returns while workers are still
  // waking; they must find the region closed and never run (or count) a chunk of it, or of the next one, twice.
  rfy::set_num_threads(4);
  bool exact = true;
  for (int region = 0; region < 5000; ++region) {
    std::vector<int> hits(8, 0);  // a fresh buffer per region: a stale worker would write into freed memory
    std::atomic<int64_t> calls{0};
    rfy::parallel_for(0, 8, 1, [&](int64_t lo, int64_t hi) {
      calls += hi - lo;
      for (int64_t i = lo; i < hi; ++i) hits[static_cast<size_t>(i)]++;
    });
    exact = exact && calls.load() == 8 && std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; });
  }
  CHECK(exact);
}

TEST_CASE(resize_reports_size) {
  rfy::set_num_threads(4);
  CHECK(rfy::num_threads() == 4);
  rfy::set_num_threads(1);
  CHECK(rfy::num_threads() == 1);
  bool rejected = false;
  try {
    rfy::set_num_threads(0);
  } catch (const rfy::Error& e) {
    rejected = e.status() == RFY_ERR_INVALID_ARGUMENT;
  }
  CHECK(rejected);
}

TEST_MAIN()
