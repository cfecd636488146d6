#pragma once
// Merges a gen3log JSON line into its event: every key of the JSON object becomes a top-level
// field with its JSON type (a key that exists already gets the log's value in place; new keys are
// appended), and `date_access` (RFC 3339) becomes the event time when valid.

#include "core/batch.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace logship {

class JsonMerger {
public:
  // `fast_path`: an object of scalars (most JSON lines) is read by parse_flat_json_object, the
  // rest by simdjson; `library_only`: everything by simdjson (to check the two agree).
  enum class Decoding : std::uint8_t { fast_path, library_only };

  explicit JsonMerger(Decoding decoding = Decoding::fast_path);
  ~JsonMerger();
  JsonMerger(const JsonMerger&) = delete;
  JsonMerger& operator=(const JsonMerger&) = delete;

  // Empty on success, else why the text is not a JSON object (a literal; the event is unchanged).
  // The new fields may point into `text`, which must live as long as the batch (the event's
  // message, in the batch, does).
  std::string_view merge(Batch& batch, Event& event, std::string_view text);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  Decoding m_decoding;
};

} // namespace logship
