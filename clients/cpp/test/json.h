// A small JSON reader for the test vectors (integers are kept exact).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace json {

struct Value {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  bool b = false;
  std::string text;  // a number's literal, or a string
  std::vector<Value> items;
  std::map<std::string, Value> fields;

  bool has(const std::string& k) const { return kind == Object && fields.count(k) && fields.at(k).kind != Null; }
  const Value& operator[](const std::string& k) const;
  const Value& operator[](size_t i) const { return items.at(i); }
  size_t size() const { return items.size(); }
  uint64_t u64() const;
  int64_t i64() const;
  uint32_t u32() const { return static_cast<uint32_t>(u64()); }
  bool boolean() const { return b; }
  const std::string& str() const { return text; }
  std::vector<uint8_t> bytes() const;  // an array of numbers
};

/// Parses a JSON document; throws std::runtime_error.
Value parse(const std::string& text);

/// Reads and parses a file.
Value parse_file(const std::string& path);

}  // namespace json
