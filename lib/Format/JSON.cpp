//===- JSON.cpp - A small strict JSON parser and writer helpers -----------===//

#include "Format/JSON.h"

#include <cerrno>
#include <cstdlib>
#include <unordered_set>

namespace quant4::format {

namespace {

/// Length of the UTF-8 sequence starting at s[i], or 0 if invalid.
size_t utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80)
    return 1;
  size_t len;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (s.size() - i < len)
    return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

void appendUTF8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

} // namespace

class JSONParser {
public:
  JSONParser(std::string_view text, JSONLimits limits)
      : text_(text), limits_(limits) {}

  Expected<JSONValue> run() {
    JSONValue value;
    skipSpace();
    if (Status s = parseValue(value, 0); !s)
      return s;
    skipSpace();
    if (pos_ != text_.size())
      return fail("trailing characters after the JSON value");
    return value;
  }

private:
  std::string_view text_;
  JSONLimits limits_;
  size_t pos_ = 0;
  uint64_t values_ = 0;

  Status fail(const std::string &what) const {
    return Status::error("JSON: " + what + " at offset " +
                         std::to_string(pos_));
  }
  bool atEnd() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void skipSpace() {
    while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' ||
                        peek() == '\r'))
      ++pos_;
  }
  bool consumeLiteral(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word)
      return false;
    pos_ += word.size();
    return true;
  }

  Status parseValue(JSONValue &out, unsigned depth) {
    if (++values_ > limits_.maxValues)
      return fail("too many values");
    if (atEnd())
      return fail("unexpected end of input");
    switch (peek()) {
    case '{':
      return parseObject(out, depth);
    case '[':
      return parseArray(out, depth);
    case '"':
      out.kind_ = JSONValue::Kind::String;
      return parseString(out.text_);
    case 't':
    case 'f':
      out.kind_ = JSONValue::Kind::Bool;
      out.boolean_ = peek() == 't';
      if (consumeLiteral(out.boolean_ ? "true" : "false"))
        return Status::success();
      return fail("invalid literal");
    case 'n':
      out.kind_ = JSONValue::Kind::Null;
      if (consumeLiteral("null"))
        return Status::success();
      return fail("invalid literal");
    default:
      return parseNumber(out);
    }
  }

  Status parseNumber(JSONValue &out) {
    size_t start = pos_;
    if (!atEnd() && peek() == '-')
      ++pos_;
    if (atEnd() || !isDigit(peek()))
      return fail("invalid value");
    if (peek() == '0') {
      ++pos_;
      if (!atEnd() && isDigit(peek()))
        return fail("leading zero in number");
    } else {
      while (!atEnd() && isDigit(peek()))
        ++pos_;
    }
    if (!atEnd() && peek() == '.') {
      ++pos_;
      if (atEnd() || !isDigit(peek()))
        return fail("digit expected after '.'");
      while (!atEnd() && isDigit(peek()))
        ++pos_;
    }
    if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      if (!atEnd() && (peek() == '+' || peek() == '-'))
        ++pos_;
      if (atEnd() || !isDigit(peek()))
        return fail("digit expected in exponent");
      while (!atEnd() && isDigit(peek()))
        ++pos_;
    }
    out.kind_ = JSONValue::Kind::Number;
    out.text_.assign(text_.substr(start, pos_ - start));
    return Status::success();
  }

  Status parseHex4(uint32_t &out) {
    if (text_.size() - pos_ < 4)
      return fail("truncated \\u escape");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_++];
      out <<= 4;
      if (isDigit(c))
        out |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        out |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        out |= static_cast<uint32_t>(c - 'A' + 10);
      else
        return fail("invalid hex digit in \\u escape");
    }
    return Status::success();
  }

  Status parseEscape(std::string &out) {
    if (atEnd())
      return fail("unterminated escape");
    char c = text_[pos_++];
    switch (c) {
    case '"':
    case '\\':
    case '/':
      out += c;
      return Status::success();
    case 'b':
      out += '\b';
      return Status::success();
    case 'f':
      out += '\f';
      return Status::success();
    case 'n':
      out += '\n';
      return Status::success();
    case 'r':
      out += '\r';
      return Status::success();
    case 't':
      out += '\t';
      return Status::success();
    case 'u':
      break;
    default:
      return fail("invalid escape");
    }
    uint32_t cp;
    if (Status s = parseHex4(cp); !s)
      return s;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
      return fail("unpaired low surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (!consumeLiteral("\\u"))
        return fail("unpaired high surrogate");
      uint32_t low;
      if (Status s = parseHex4(low); !s)
        return s;
      if (low < 0xDC00 || low > 0xDFFF)
        return fail("invalid low surrogate");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    appendUTF8(out, cp);
    return Status::success();
  }

  Status parseString(std::string &out) {
    ++pos_; // opening quote
    out.clear();
    while (true) {
      if (atEnd())
        return fail("unterminated string");
      char c = peek();
      if (c == '"') {
        ++pos_;
        return Status::success();
      }
      if (c == '\\') {
        ++pos_;
        if (Status s = parseEscape(out); !s)
          return s;
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x20)
        return fail("control character in string");
      size_t len = utf8SequenceLength(text_, pos_);
      if (len == 0)
        return fail("invalid UTF-8 in string");
      out.append(text_.substr(pos_, len));
      pos_ += len;
    }
  }

  Status parseArray(JSONValue &out, unsigned depth) {
    if (depth >= limits_.maxDepth)
      return fail("nesting too deep");
    out.kind_ = JSONValue::Kind::Array;
    ++pos_;
    skipSpace();
    if (!atEnd() && peek() == ']') {
      ++pos_;
      return Status::success();
    }
    while (true) {
      out.items_.emplace_back();
      skipSpace();
      if (Status s = parseValue(out.items_.back(), depth + 1); !s)
        return s;
      skipSpace();
      if (atEnd())
        return fail("unterminated array");
      char c = text_[pos_++];
      if (c == ']')
        return Status::success();
      if (c != ',')
        return fail("',' or ']' expected");
    }
  }

  Status parseObject(JSONValue &out, unsigned depth) {
    if (depth >= limits_.maxDepth)
      return fail("nesting too deep");
    out.kind_ = JSONValue::Kind::Object;
    std::unordered_set<std::string> keys;
    ++pos_;
    skipSpace();
    if (!atEnd() && peek() == '}') {
      ++pos_;
      return Status::success();
    }
    while (true) {
      skipSpace();
      if (atEnd() || peek() != '"')
        return fail("string key expected");
      std::string key;
      if (Status s = parseString(key); !s)
        return s;
      if (!keys.insert(key).second)
        return fail("duplicate key '" + key + "'");
      skipSpace();
      if (atEnd() || text_[pos_++] != ':')
        return fail("':' expected");
      skipSpace();
      out.members_.emplace_back(std::move(key), JSONValue());
      if (Status s = parseValue(out.members_.back().second, depth + 1); !s)
        return s;
      skipSpace();
      if (atEnd())
        return fail("unterminated object");
      char c = text_[pos_++];
      if (c == '}')
        return Status::success();
      if (c != ',')
        return fail("',' or '}' expected");
    }
  }
};

std::optional<uint64_t> JSONValue::asUInt64() const {
  if (kind_ != Kind::Number || text_.empty() || !isDigit(text_[0]))
    return std::nullopt;
  uint64_t v = 0;
  for (char c : text_) {
    if (!isDigit(c))
      return std::nullopt;
    if (__builtin_mul_overflow(v, 10, &v) ||
        __builtin_add_overflow(v, static_cast<uint64_t>(c - '0'), &v))
      return std::nullopt;
  }
  return v;
}

std::optional<int64_t> JSONValue::asInt64() const {
  if (kind_ != Kind::Number)
    return std::nullopt;
  bool negative = !text_.empty() && text_[0] == '-';
  JSONValue magnitude = *this;
  if (negative)
    magnitude.text_.erase(0, 1);
  std::optional<uint64_t> m = magnitude.asUInt64();
  if (!m)
    return std::nullopt;
  if (!negative)
    return *m <= static_cast<uint64_t>(INT64_MAX)
               ? std::optional<int64_t>(static_cast<int64_t>(*m))
               : std::nullopt;
  if (*m > static_cast<uint64_t>(INT64_MAX) + 1)
    return std::nullopt;
  return static_cast<int64_t>(0 - *m);
}

std::optional<double> JSONValue::asDouble() const {
  if (kind_ != Kind::Number)
    return std::nullopt;
  errno = 0;
  char *end = nullptr;
  double d = std::strtod(text_.c_str(), &end);
  if (end != text_.c_str() + text_.size())
    return std::nullopt;
  return d;
}

const JSONValue *JSONValue::find(std::string_view key) const {
  for (const auto &[k, v] : members_)
    if (k == key)
      return &v;
  return nullptr;
}

Expected<JSONValue> parseJSON(std::string_view text, JSONLimits limits) {
  return JSONParser(text, limits).run();
}

void appendJSONString(std::string &out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      // Valid UTF-8 is copied; any other byte is written as the code point
      // of the same value, so the output is always valid JSON.
      size_t len = utf8SequenceLength(s, i);
      if (len == 0) {
        appendUTF8(out, u);
      } else {
        out.append(s.substr(i, len));
        i += len - 1;
      }
      continue;
    }
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (u < 0x20) {
        out += "\\u00";
        out += kHex[u >> 4];
        out += kHex[u & 15];
      } else {
        out += c;
      }
    }
  }
  out += '"';
}

bool isValidUTF8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t len = utf8SequenceLength(s, i);
    if (len == 0)
      return false;
    i += len;
  }
  return true;
}

} // namespace quant4::format
