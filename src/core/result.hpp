#pragma once
// Errors as values on the data path: Result<T> carries either a T or an Error.

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace logship {

struct Error {
  std::string message;
  // Retrying the same work cannot succeed (e.g. a sink's credentials are refused): the caller
  // gives up on it instead of retrying.
  bool permanent = false;
};

template <class T> using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> make_error(std::string message) {
  return tl::unexpected<Error>(Error{std::move(message)});
}

inline tl::unexpected<Error> make_permanent_error(std::string message) {
  return tl::unexpected<Error>(Error{std::move(message), true});
}

} // namespace logship
