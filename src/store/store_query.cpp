#include "store/store_query.hpp"

#include "store/chunk_builder.hpp"
#include "store/chunk_codec.hpp"
#include "store/fts_tokens.hpp"
#include "store/store_record.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <tuple>

namespace logship {

namespace {

struct FieldColumn {
  std::string_view field;
  std::string_view column;
};

// Columns come only from this table: user text never reaches the SQL itself.
constexpr FieldColumn k_fields[] = {
    {"namespace", "namespace"},
    {"pod", "pod"},
    {"container", "container"},
    {"log_type", "log_type"},
    {"level", "level"},
    {"status", "status"},
    {"kubernetes.namespace_name", "namespace"},
    {"kubernetes.pod_name", "pod"},
    {"kubernetes.container_name", "container"},
};

// The chunk columns that hold the value itself, and those holding a summary of the values.
constexpr std::string_view k_chunk_columns[] = {"namespace", "pod", "container"};
struct SummaryColumn {
  std::string_view column; // of a filter
  std::string_view summary;
};
constexpr SummaryColumn k_summaries[] = {
    {"log_type", "log_types"}, {"level", "levels"}, {"status", "statuses"}};

} // namespace

std::string store_field_names() {
  std::string out;
  for (const FieldColumn& f : k_fields) {
    out += out.empty() ? "" : ", ";
    out += f.field;
  }
  return out;
}

Result<void> add_filter(StoreQuery& query, std::string_view field, std::string_view value) {
  for (const FieldColumn& f : k_fields) {
    if (f.field != field) {
      continue;
    }
    StoreFilter filter{f.column, std::string(value), std::nullopt};
    if (f.column == "status") {
      filter.number = parse_status(value);
      if (!filter.number) {
        return make_error(fmt::format("status must be a number, got \"{}\"", value));
      }
    } else if (f.column == "level") {
      filter.text = to_lower_ascii(value);
    }
    query.filters.push_back(std::move(filter));
    return {};
  }
  return make_error(fmt::format("unknown field \"{}\" (fields: {})", field, store_field_names()));
}

namespace {

// The filters that need each record: time range, log_type, level, status, phrases.
class RecordTest {
public:
  explicit RecordTest(const StoreQuery& q) : m_query(q), m_phrases(q.phrases) {
    for (const StoreFilter& f : q.filters) {
      if (f.column == "log_type") {
        m_log_types.push_back(f.text);
      } else if (f.column == "level") {
        m_levels.push_back(f.text);
      } else if (f.column == "status" && f.number) {
        m_statuses.push_back(*f.number);
      }
    }
  }

  const PhraseMatcher& phrases() const { return m_phrases; }

  bool matches(const ChunkRecord& r) const {
    if ((m_query.since_ns && r.time_ns < *m_query.since_ns) ||
        (m_query.until_ns && r.time_ns > *m_query.until_ns) || !in(m_log_types, r.log_type) ||
        !in(m_levels, r.level) || !in(m_statuses, r.status)) {
      return false;
    }
    return m_phrases.empty() || (r.message && m_phrases.matches(*r.message));
  }

private:
  template <class T, class V> static bool in(const std::vector<T>& set, const V& value) {
    return set.empty() || (value && std::find(set.begin(), set.end(), *value) != set.end());
  }

  const StoreQuery& m_query;
  PhraseMatcher m_phrases;
  std::vector<std::string> m_log_types;
  std::vector<std::string> m_levels;
  std::vector<std::int64_t> m_statuses;
};

// A matching record waiting for its turn: newest first by (time, chunk id, place in the chunk).
struct Hit {
  std::int64_t time_ns;
  std::int64_t chunk;
  std::size_t index;
  std::string json;
  bool operator<(const Hit& o) const {
    return std::tie(time_ns, chunk, index) < std::tie(o.time_ns, o.chunk, o.index);
  }
};

class Statement {
public:
  Statement() = default;
  ~Statement() { sqlite3_finalize(m_stmt); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt** out() { return &m_stmt; }
  sqlite3_stmt* get() const { return m_stmt; }

private:
  sqlite3_stmt* m_stmt = nullptr;
};

std::string candidates_sql(const StoreQuery& query, const std::string& match) {
  std::string sql = "SELECT id, max_time FROM chunks WHERE 1";
  if (query.since_ns) {
    sql += " AND max_time >= ?";
  }
  if (query.until_ns) {
    sql += " AND min_time <= ?";
  }
  for (const std::string_view column : k_chunk_columns) {
    std::size_t n = 0;
    for (const StoreFilter& f : query.filters) {
      n += f.column == column ? 1 : 0;
    }
    if (n > 0) {
      sql += fmt::format(" AND {} IN (?", column);
      for (std::size_t i = 1; i < n; ++i) {
        sql += ", ?";
      }
      sql += ")";
    }
  }
  for (const SummaryColumn& s : k_summaries) {
    std::string any;
    for (const StoreFilter& f : query.filters) {
      if (f.column == s.column) {
        any += fmt::format(" OR instr({}, ?) > 0", s.summary);
      }
    }
    if (!any.empty()) {
      sql += fmt::format(" AND ({} IS NULL{})", s.summary, any);
    }
  }
  if (!match.empty()) {
    // Chunks the writer has not indexed yet may hold any word.
    sql += " AND (id > (SELECT indexed_upto FROM store_state) OR "
           "id IN (SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?))";
  }
  // Only ids and times are sorted (if the plan sorts at all); the blobs are read one by one.
  sql += " ORDER BY max_time DESC, id DESC";
  return sql;
}

void bind_candidates(sqlite3_stmt* stmt, const StoreQuery& query, const std::string& match) {
  int index = 0;
  const auto text = [&](const std::string& s) {
    sqlite3_bind_text(stmt, ++index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  };
  if (query.since_ns) {
    sqlite3_bind_int64(stmt, ++index, *query.since_ns);
  }
  if (query.until_ns) {
    sqlite3_bind_int64(stmt, ++index, *query.until_ns);
  }
  for (const std::string_view column : k_chunk_columns) {
    for (const StoreFilter& f : query.filters) {
      if (f.column == column) {
        text(f.text);
      }
    }
  }
  for (const SummaryColumn& s : k_summaries) {
    for (const StoreFilter& f : query.filters) {
      if (f.column == s.column) {
        text(ValueSummary::needle(f.number ? std::to_string(*f.number) : f.text));
      }
    }
  }
  if (!match.empty()) {
    text(match);
  }
}

} // namespace

Result<std::size_t> run_query(LogStore& store, const StoreQuery& query,
                              const std::function<void(std::int64_t, std::string_view)>& emit,
                              QueryStats* stats) {
  QueryStats local_stats;
  QueryStats& st = stats != nullptr ? *stats : local_stats;
  const RecordTest test(query);
  if (!test.phrases().satisfiable()) {
    return 0;
  }
  const std::string match = test.phrases().match_expression();
  sqlite3* db = store.handle();
  const auto error = [&](std::string_view what) {
    return make_error(
        fmt::format("local store {}: {}: {}", store.file(), what, sqlite3_errmsg(db)));
  };
  Statement candidates;
  Statement blob;
  const std::string sql = candidates_sql(query, match);
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, candidates.out(), nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT data FROM chunks WHERE id = ?", -1, blob.out(), nullptr) !=
          SQLITE_OK) {
    return error("query");
  }
  bind_candidates(candidates.get(), query, match);

  const std::size_t limit = query.limit == 0 ? SIZE_MAX : query.limit;
  std::size_t count = 0;
  std::vector<Hit> pending; // a heap, newest on top
  // Emits the pending records newer than `bound` (all of them when there is no bound).
  const auto emit_newer = [&](std::optional<std::int64_t> bound) {
    while (count < limit && !pending.empty() && (!bound || pending.front().time_ns > *bound)) {
      std::pop_heap(pending.begin(), pending.end());
      emit(pending.back().time_ns, pending.back().json);
      pending.pop_back();
      ++count;
    }
  };
  DecodedChunk chunk;
  int rc = 0;
  while (count < limit && (rc = sqlite3_step(candidates.get())) == SQLITE_ROW) {
    const std::int64_t id = sqlite3_column_int64(candidates.get(), 0);
    // No chunk from here on holds a record newer than this one's newest.
    emit_newer(sqlite3_column_int64(candidates.get(), 1));
    if (count == limit) {
      break;
    }
    sqlite3_reset(blob.get());
    sqlite3_bind_int64(blob.get(), 1, id);
    if (sqlite3_step(blob.get()) != SQLITE_ROW) {
      continue; // deleted since (cannot happen inside one read transaction)
    }
    const std::string_view data(static_cast<const char*>(sqlite3_column_blob(blob.get(), 0)),
                                static_cast<std::size_t>(sqlite3_column_bytes(blob.get(), 0)));
    if (auto r = decode_chunk(data, chunk); !r) {
      ++st.chunks_skipped;
      spdlog::warn("Local store {}: chunk {} cannot be read, skipped: {}", store.file(), id,
                   r.error().message);
      continue;
    }
    ++st.chunks_read;
    for (std::size_t i = 0; i < chunk.records.size(); ++i) {
      const ChunkRecord& r = chunk.records[i];
      if (test.matches(r)) {
        pending.push_back(Hit{r.time_ns, id, i, std::string(r.json)});
        std::push_heap(pending.begin(), pending.end());
      }
    }
    // Only the newest (limit - count) pending records can still come out: drop the others now
    // and then, so that memory follows the limit rather than the chunks' overlap.
    const std::size_t room = limit - count;
    if (room < SIZE_MAX / 4 && pending.size() > 2 * room + 1024) {
      std::sort(pending.begin(), pending.end(), [](const Hit& a, const Hit& b) { return b < a; });
      pending.resize(room);
      std::make_heap(pending.begin(), pending.end());
    }
  }
  sqlite3_reset(blob.get());
  if (rc != SQLITE_ROW && rc != SQLITE_DONE && rc != 0) {
    return error("query");
  }
  emit_newer(std::nullopt);
  return count;
}

} // namespace logship
