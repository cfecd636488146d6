#include "store/store_query.hpp"

#include "store/store_record.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

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

constexpr std::string_view k_columns[] = {"namespace", "pod",   "container",
                                          "log_type",  "level", "status"};

// Binds parameters in the order the SQL text names them.
class Binder {
public:
  explicit Binder(sqlite3_stmt* stmt) : m_stmt(stmt) {}
  void text(const std::string& s) {
    sqlite3_bind_text(m_stmt, ++m_index, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
  }
  void integer(std::int64_t v) { sqlite3_bind_int64(m_stmt, ++m_index, v); }

private:
  sqlite3_stmt* m_stmt;
  int m_index = 0;
};

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

std::string fts5_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  out += '"';
  return out;
}

Result<std::size_t> run_query(LogStore& store, const StoreQuery& query,
                              const std::function<void(std::int64_t, std::string_view)>& emit) {
  std::string sql = "SELECT record, time_ns FROM records WHERE 1";
  if (query.since_ns) {
    sql += " AND time_ns >= ?";
  }
  if (query.until_ns) {
    sql += " AND time_ns <= ?";
  }
  for (const std::string_view column : k_columns) {
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
  std::string match;
  for (const std::string& phrase : query.phrases) {
    match += match.empty() ? "" : " ";
    match += fts5_string(phrase);
  }
  if (!match.empty()) {
    sql += " AND id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)";
  }
  sql += " ORDER BY time_ns DESC, id DESC LIMIT ?";

  sqlite3* db = store.handle();
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return make_error(fmt::format("local store {}: query: {}", store.file(), sqlite3_errmsg(db)));
  }
  Binder bind(stmt);
  if (query.since_ns) {
    bind.integer(*query.since_ns);
  }
  if (query.until_ns) {
    bind.integer(*query.until_ns);
  }
  for (const std::string_view column : k_columns) {
    for (const StoreFilter& f : query.filters) {
      if (f.column == column) {
        f.number ? bind.integer(*f.number) : bind.text(f.text);
      }
    }
  }
  if (!match.empty()) {
    bind.text(match);
  }
  bind.integer(query.limit == 0 ? -1 : static_cast<std::int64_t>(query.limit));

  std::size_t count = 0;
  int rc = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    emit(sqlite3_column_int64(stmt, 1),
         std::string_view(text != nullptr ? text : "",
                          static_cast<std::size_t>(sqlite3_column_bytes(stmt, 0))));
    ++count;
  }
  Result<std::size_t> result = count;
  if (rc != SQLITE_DONE) {
    result = make_error(fmt::format("local store {}: query: {}", store.file(), sqlite3_errmsg(db)));
  }
  sqlite3_finalize(stmt);
  return result;
}

} // namespace logship
