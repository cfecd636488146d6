#pragma once
// Searching the local store: filters on the indexed columns, an event-time range, full-text
// phrases over the message; newest first (event time, then the order the records were stored
// in: a later chunk first, a later record of a chunk first).
//
// How: SQL selects the candidate chunks (time range overlapping the query's, namespace / pod /
// container, the chunk's value summaries, and the full-text index for chunks holding every word
// of the phrases, plus the chunks not indexed yet), newest first by their newest record; each is
// decoded and its records are tested exactly. Records come out as soon as no chunk still to read
// can hold a newer one, so the search stops once it has `limit` records and the next chunk is older
// than all of them. A chunk that cannot be decoded is skipped with a warning (and counted in
// QueryStats). Every user-supplied value is bound as an SQL parameter, and each word of a text is
// one FTS5 string literal, so no input can change the query's shape.

#include "core/result.hpp"
#include "store/log_store.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace logship {

struct StoreFilter {
  std::string_view column; // one of the store's filter columns
  std::string text;
  std::optional<std::int64_t> number; // the `status` column compares numbers
};

struct StoreQuery {
  std::optional<std::int64_t> since_ns; // event time >= since (inclusive)
  std::optional<std::int64_t> until_ns; // event time <= until (inclusive)
  // Filters on different columns must all match; several on one column match any of them.
  std::vector<StoreFilter> filters;
  // Each one a phrase (its words adjacent, in order) that the message must contain; ASCII case
  // and punctuation are ignored. Words as FTS5's `ascii` tokenizer makes them (fts_tokens.hpp):
  // runs of ASCII letters, digits and non-ASCII bytes, so non-ASCII letters keep their case and
  // accents. A text without any word ("", "*") matches nothing.
  std::vector<std::string> phrases;
  std::size_t limit = 100; // 0: no limit
};

// The field names `add_filter` knows, for help and error texts: "namespace, pod, ...".
std::string store_field_names();

// Adds `field=value`. Fields: namespace, pod, container, log_type, level, status, and the
// record's own names kubernetes.namespace_name, kubernetes.pod_name, kubernetes.container_name.
// `level` is compared in lower case; `status` must be a number.
Result<void> add_filter(StoreQuery& query, std::string_view field, std::string_view value);

struct QueryStats {
  std::size_t chunks_read = 0;    // decoded
  std::size_t chunks_skipped = 0; // could not be decoded (a warning says which)
};

// Runs the query; calls `emit` with each matching record's event time and JSON, newest first.
// Returns the count.
Result<std::size_t> run_query(LogStore& store, const StoreQuery& query,
                              const std::function<void(std::int64_t, std::string_view)>& emit,
                              QueryStats* stats = nullptr);

} // namespace logship
