// A minimal test harness: TEST(name) { ... } with CHECK macros that throw.
#pragma once

#include <exception>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace testing {

struct Failure : std::exception {
  std::string what_;
  Failure(const char* file, int line, const std::string& msg) {
    what_ = std::string(file) + ":" + std::to_string(line) + ": " + msg;
  }
  const char* what() const noexcept override { return what_.c_str(); }
};

struct Skipped : std::exception {
  std::string why;
  explicit Skipped(std::string w) : why(std::move(w)) {}
  const char* what() const noexcept override { return why.c_str(); }
};

struct TestCase {
  std::string name;
  std::function<void()> fn;
};

inline std::vector<TestCase>& registry() {
  static std::vector<TestCase> r;
  return r;
}

struct Register {
  Register(const char* name, void (*fn)()) { registry().push_back({name, fn}); }
};

template <typename T>
std::string show(const T& v) {
  std::ostringstream o;
  if constexpr (std::is_enum_v<T>) {
    o << static_cast<long long>(v);
  } else if constexpr (std::is_same_v<T, std::vector<uint8_t>>) {
    o << "bytes[" << v.size() << "]{";
    for (size_t i = 0; i < v.size() && i < 16; i++) o << (i ? "," : "") << int(v[i]);
    o << (v.size() > 16 ? ",...}" : "}");
  } else {
    o << v;
  }
  return o.str();
}

}  // namespace testing

#define TEST(name)                                                        \
  static void test_##name();                                              \
  static ::testing::Register register_##name(#name, test_##name);         \
  static void test_##name()

#define CHECK(cond)                                                             \
  do {                                                                          \
    if (!(cond)) throw ::testing::Failure(__FILE__, __LINE__, "CHECK(" #cond ")"); \
  } while (0)

#define CHECK_EQ(a, b)                                                                                  \
  do {                                                                                                  \
    const auto va_ = (a);                                                                               \
    const auto vb_ = (b);                                                                               \
    if (!(va_ == vb_))                                                                                  \
      throw ::testing::Failure(__FILE__, __LINE__,                                                      \
                               "CHECK_EQ(" #a ", " #b "): " + ::testing::show(va_) + " != " + ::testing::show(vb_)); \
  } while (0)

// Checks that expr throws pvmd::Error with the given grpc::StatusCode; the
// error is then in `err_` for further checks inside the optional block.
#define CHECK_PVMD_ERROR(expr, want_code)                                                          \
  do {                                                                                             \
    bool threw_ = false;                                                                           \
    try {                                                                                          \
      (void)(expr);                                                                                \
    } catch (const ::pvmd::Error& e_) {                                                            \
      threw_ = true;                                                                               \
      if (e_.code() != (want_code))                                                                \
        throw ::testing::Failure(__FILE__, __LINE__, #expr ": want code " #want_code ", got " + std::string(e_.what())); \
      if (e_.message().empty()) throw ::testing::Failure(__FILE__, __LINE__, #expr ": empty message"); \
    }                                                                                              \
    if (!threw_) throw ::testing::Failure(__FILE__, __LINE__, #expr ": did not throw");           \
  } while (0)

#define SKIP(msg) throw ::testing::Skipped(msg)
