//===- Status.h - Error reporting of lib/Format APIs ------------*- C++ -*-===//
//
// lib/Format reports bad input (sizes, shapes, files) by value: a Status is
// either success or carries a one-line, human-readable message. No API of
// lib/Format throws.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_STATUS_H
#define QUANT4_FORMAT_STATUS_H

#include <string>
#include <utility>

namespace quant4::format {

/// Success, or an error with a one-line message.
class [[nodiscard]] Status {
public:
  static Status success() { return Status(); }
  static Status error(std::string message) {
    Status s;
    s.message_ = std::move(message);
    s.failed_ = true;
    return s;
  }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  /// The error message; empty on success.
  const std::string &message() const { return message_; }

private:
  std::string message_;
  bool failed_ = false;
};

} // namespace quant4::format

#endif // QUANT4_FORMAT_STATUS_H
