#include "json.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace json {

namespace {

struct Parser {
  const std::string& s;
  size_t i = 0;

  [[noreturn]] void fail(const std::string& what) { throw std::runtime_error("json: " + what + " at byte " + std::to_string(i)); }

  void ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) i++;
  }

  bool lit(const char* w) {
    size_t n = std::char_traits<char>::length(w);
    if (s.compare(i, n, w) == 0) {
      i += n;
      return true;
    }
    return false;
  }

  std::string string() {
    if (s[i] != '"') fail("want a string");
    i++;
    std::string out;
    while (i < s.size() && s[i] != '"') {
      char c = s[i++];
      if (c == '\\') {
        if (i >= s.size()) fail("bad escape");
        char e = s[i++];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'u': {
            unsigned cp = std::stoul(s.substr(i, 4), nullptr, 16);
            i += 4;
            if (cp < 0x80) {
              out += static_cast<char>(cp);
            } else if (cp < 0x800) {
              out += static_cast<char>(0xC0 | (cp >> 6));
              out += static_cast<char>(0x80 | (cp & 0x3F));
            } else {
              out += static_cast<char>(0xE0 | (cp >> 12));
              out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
              out += static_cast<char>(0x80 | (cp & 0x3F));
            }
            break;
          }
          default: out += e;
        }
      } else {
        out += c;
      }
    }
    if (i >= s.size()) fail("unterminated string");
    i++;
    return out;
  }

  Value value() {
    ws();
    if (i >= s.size()) fail("unexpected end");
    Value v;
    char c = s[i];
    if (c == '{') {
      v.kind = Value::Object;
      i++;
      ws();
      if (s[i] == '}') {
        i++;
        return v;
      }
      for (;;) {
        ws();
        std::string k = string();
        ws();
        if (s[i++] != ':') fail("want ':'");
        v.fields[k] = value();
        ws();
        if (s[i] == ',') {
          i++;
          continue;
        }
        if (s[i++] != '}') fail("want '}'");
        return v;
      }
    }
    if (c == '[') {
      v.kind = Value::Array;
      i++;
      ws();
      if (s[i] == ']') {
        i++;
        return v;
      }
      for (;;) {
        v.items.push_back(value());
        ws();
        if (s[i] == ',') {
          i++;
          continue;
        }
        if (s[i++] != ']') fail("want ']'");
        return v;
      }
    }
    if (c == '"') {
      v.kind = Value::String;
      v.text = string();
      return v;
    }
    if (lit("true")) {
      v.kind = Value::Bool;
      v.b = true;
      return v;
    }
    if (lit("false")) {
      v.kind = Value::Bool;
      return v;
    }
    if (lit("null")) return v;
    size_t start = i;
    while (i < s.size() && (isdigit(static_cast<unsigned char>(s[i])) || s[i] == '-' || s[i] == '+' || s[i] == '.' || s[i] == 'e' || s[i] == 'E')) i++;
    if (start == i) fail("unexpected character");
    v.kind = Value::Number;
    v.text = s.substr(start, i - start);
    return v;
  }
};

}  // namespace

const Value& Value::operator[](const std::string& k) const {
  auto it = fields.find(k);
  if (it == fields.end()) throw std::runtime_error("json: no field " + k);
  return it->second;
}

uint64_t Value::u64() const {
  if (kind != Number) throw std::runtime_error("json: not a number");
  return std::stoull(text);
}

int64_t Value::i64() const {
  if (kind != Number) throw std::runtime_error("json: not a number");
  return std::stoll(text);
}

std::vector<uint8_t> Value::bytes() const {
  std::vector<uint8_t> out;
  out.reserve(items.size());
  for (const Value& v : items) out.push_back(static_cast<uint8_t>(v.u64()));
  return out;
}

Value parse(const std::string& text) {
  Parser p{text};
  Value v = p.value();
  p.ws();
  if (p.i != text.size()) p.fail("trailing data");
  return v;
}

Value parse_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return parse(ss.str());
}

}  // namespace json
