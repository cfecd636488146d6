#pragma once
// Errors as values on the data path: Result<T> carries either a T or an Error.

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace logship {

struct Error {
  std::string message;
};

template <class T> using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> make_error(std::string message) {
  return tl::unexpected<Error>(Error{std::move(message)});
}

} // namespace logship
