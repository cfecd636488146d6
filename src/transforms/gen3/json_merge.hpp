#pragma once
// Merges a gen3log JSON line into its event: every key of the JSON object becomes a top-level
// field with its JSON type (a key that exists already gets the log's value in place; new keys are
// appended), and `date_access` (RFC 3339) becomes the event time when valid.

#include "core/batch.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace logship {

class JsonMerger {
public:
  JsonMerger();
  ~JsonMerger();
  JsonMerger(const JsonMerger&) = delete;
  JsonMerger& operator=(const JsonMerger&) = delete;

  // Empty on success, else why the text is not a JSON object (a literal; the event is unchanged).
  std::string_view merge(Batch& batch, Event& event, std::string_view text);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace logship
