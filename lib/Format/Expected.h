//===- Expected.h - A value or an error Status ------------------*- C++ -*-===//
//
// Expected<T> holds either a T or a failed Status (see Status.h). The model
// file readers return it: untrusted input never aborts, it yields a message.
//
//===----------------------------------------------------------------------===//
#ifndef QUANT4_FORMAT_EXPECTED_H
#define QUANT4_FORMAT_EXPECTED_H

#include "Format/Status.h"

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace quant4::format {

/// A T, or the failed Status explaining why there is none.
template <typename T> class [[nodiscard]] Expected {
public:
  Expected(T value) : value_(std::move(value)) {}
  /// `status` must be a failure.
  Expected(Status status) : status_(std::move(status)) {
    assert(!status_.ok() && "Expected built from a successful Status");
  }

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  /// The failure; a successful Status when a value is held.
  const Status &status() const { return status_; }
  const std::string &message() const { return status_.message(); }

  T &operator*() { return *value_; }
  const T &operator*() const { return *value_; }
  T *operator->() { return &*value_; }
  const T *operator->() const { return &*value_; }
  /// Moves the value out; only when ok().
  T take() { return std::move(*value_); }

private:
  std::optional<T> value_;
  Status status_;
};

} // namespace quant4::format

#endif // QUANT4_FORMAT_EXPECTED_H
