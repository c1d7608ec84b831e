// A minimal test harness: CHECK records failures and keeps going; each test binary is one CTest test whose exit
// code is the number of failed checks (capped), so CTest reports which binary failed and the log says where.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace rfy_test {

inline int& failures() {
  static int count = 0;
  return count;
}

struct Case {
  const char* name;
  std::function<void()> body;
};

inline std::vector<Case>& cases() {
  static std::vector<Case> all;
  return all;
}

struct Register {
  Register(const char* name, std::function<void()> body) { cases().push_back({name, std::move(body)}); }
};

inline int run_all() {
  for (auto& c : cases()) {
    const int before = failures();
    c.body();
    std::printf("%s %s\n", failures() == before ? "[ ok ]" : "[FAIL]", c.name);
  }
  std::printf("%zu cases, %d failed checks\n", cases().size(), failures());
  return failures() > 100 ? 100 : failures();
}

}  // namespace rfy_test

#define TEST_CASE(name)                                                    \
  static void name();                                                      \
  static rfy_test::Register register_##name(#name, name);                  \
  static void name()

#define CHECK(cond)                                                                      \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);      \
      ++rfy_test::failures();                                                            \
    }                                                                                    \
  } while (0)

#define CHECK_CONTAINS(haystack, needle)                                                          \
  do {                                                                                            \
    const std::string rfy_h_(haystack);                                                           \
    if (rfy_h_.find(needle) == std::string::npos) {                                               \
      std::fprintf(stderr, "%s:%d: expected \"%s\" in \"%s\"\n", __FILE__, __LINE__, needle,      \
                   rfy_h_.c_str());                                                               \
      ++rfy_test::failures();                                                                     \
    }                                                                                             \
  } while (0)

#define TEST_MAIN() \
  int main() { return rfy_test::run_all(); }
