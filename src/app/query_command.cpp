// `logship query`: searches the local store (the `local_store` sink) and prints the matching
// records as JSON lines, newest first.

#include "app/command.hpp"
#include "codecs/json_writer.hpp"
#include "codecs/rfc3339.hpp"
#include "store/log_store.hpp"
#include "store/store_query.hpp"

#include <CLI/CLI.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace logship {

namespace {

std::string default_store_dir() {
  const char* data_dir = std::getenv("LOGSHIP_DATA_DIR");
  return std::string(data_dir != nullptr && *data_dir != '\0' ? data_dir : "/tmp/logship") +
         "/store";
}

// A duration such as 30s, 15m, 2h, 7d or 1w, in nanoseconds.
std::optional<std::int64_t> parse_duration(std::string_view s) {
  if (s.size() < 2 || s.size() > 12) {
    return std::nullopt;
  }
  std::int64_t unit = 0;
  switch (s.back()) {
  case 's':
    unit = 1;
    break;
  case 'm':
    unit = 60;
    break;
  case 'h':
    unit = 3600;
    break;
  case 'd':
    unit = 86400;
    break;
  case 'w':
    unit = 7 * 86400;
    break;
  default:
    return std::nullopt;
  }
  std::int64_t n = 0;
  for (const char c : s.substr(0, s.size() - 1)) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    n = n * 10 + (c - '0'); // at most 11 digits: no overflow
  }
  // Longer than the clock can count back (about 292 years): as far back as it goes.
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(n, unit * 1'000'000'000, &ns)) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return ns;
}

// An RFC 3339 time, or a duration meaning that long before now.
Result<std::int64_t> parse_time(const std::string& option, const std::string& text) {
  if (auto t = parse_rfc3339(text)) {
    return *t;
  }
  if (auto d = parse_duration(text)) {
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return now - *d; // now >= 0, so even the longest duration does not overflow
  }
  return make_error(fmt::format("{}: expected an RFC 3339 time (2024-01-02T03:04:05Z) or a "
                                "duration before now (30s, 15m, 2h, 7d, 1w), got \"{}\"",
                                option, text));
}

// `name=value` with a field-like name is a filter; anything else is text to search for.
bool is_filter(const std::string& arg) {
  const auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0) {
    return false;
  }
  for (const char c : arg.substr(0, eq)) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

struct Options {
  std::string store = default_store_dir();
  std::string since;
  std::string until;
  std::size_t limit = 100;
  std::vector<std::string> terms;
};

Result<StoreQuery> build_query(const Options& o) {
  StoreQuery q;
  q.limit = o.limit;
  if (!o.since.empty()) {
    auto t = parse_time("--since", o.since);
    if (!t) {
      return tl::unexpected(t.error());
    }
    q.since_ns = *t;
  }
  if (!o.until.empty()) {
    auto t = parse_time("--until", o.until);
    if (!t) {
      return tl::unexpected(t.error());
    }
    q.until_ns = *t;
  }
  for (const std::string& term : o.terms) {
    if (!is_filter(term)) {
      q.phrases.push_back(term);
      continue;
    }
    const auto eq = term.find('=');
    if (auto r = add_filter(q, term.substr(0, eq), term.substr(eq + 1)); !r) {
      return tl::unexpected(r.error());
    }
  }
  return q;
}

int query_command(const Options& o) {
  auto query = build_query(o);
  if (!query) {
    std::fprintf(stderr, "logship query: %s\n", query.error().message.c_str());
    return 1;
  }
  LogStore store;
  if (auto r = store.open(o.store, LogStore::Mode::read); !r) {
    std::fprintf(stderr, "logship query: %s\n", r.error().message.c_str());
    return 1;
  }
  std::string out;
  QueryStats stats;
  auto count = run_query(
      store, *query,
      [&out](std::int64_t time_ns, std::string_view record) {
        append_timestamped_json(out, time_ns, record);
        out.push_back('\n');
        if (out.size() >= 64 * 1024) {
          std::fwrite(out.data(), 1, out.size(), stdout);
          out.clear();
        }
      },
      &stats);
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (stats.chunks_skipped > 0) {
    std::fprintf(stderr,
                 "logship query: %zu chunk(s) of the store could not be read and were skipped; "
                 "the records they hold are missing from the output\n",
                 stats.chunks_skipped);
  }
  if (!count) {
    std::fprintf(stderr, "logship query: %s\n", count.error().message.c_str());
    return 1;
  }
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "logship query: cannot write the records\n");
    return 1;
  }
  return 0;
}

} // namespace

Command add_query_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand(
      "query", "Search the local store (sink local_store); print records as JSON lines, newest "
               "first.");
  add_version_flag(*sub);
  sub->add_option("--store", o->store,
                  "Store directory (default: $LOGSHIP_DATA_DIR/store, else /tmp/logship/store)");
  sub->add_option("--since", o->since,
                  "Records at or after this time: RFC 3339 or a duration before now (15m, 2h, 7d)");
  sub->add_option("--until", o->until, "Records at or before this time (same forms as --since)");
  sub->add_option("-n,--limit", o->limit, "At most this many records (0: all)")
      ->capture_default_str();
  sub->add_option("terms", o->terms,
                  "field=value filters (" + store_field_names() +
                      "; a field given twice matches either value) and texts the message must "
                      "contain (each one a phrase; ASCII case and punctuation ignored, "
                      "non-ASCII letters match only as written)");
  return {sub, [o] { return query_command(*o); }};
}

} // namespace logship
