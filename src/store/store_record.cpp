#include "store/store_record.hpp"

namespace logship {

namespace {

std::optional<std::string_view> string_at(const Map& fields, std::string_view path) {
  const Value* v = find_path(fields, path);
  if (v == nullptr || v->kind() != ValueKind::string) {
    return std::nullopt;
  }
  return v->as_string();
}

} // namespace

std::optional<std::int64_t> parse_status(std::string_view s) {
  if (s.empty() || s.size() > 18) {
    return std::nullopt;
  }
  std::int64_t n = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    n = n * 10 + (c - '0');
  }
  return n;
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

StoreColumns store_columns(const Event& event) {
  StoreColumns c;
  const Map& f = event.fields;
  if (const Value* k = find_field(f, "kubernetes"); k != nullptr && k->kind() == ValueKind::map) {
    c.namespace_name = string_at(k->as_map(), "namespace_name");
    c.pod = string_at(k->as_map(), "pod_name");
    c.container = string_at(k->as_map(), "container_name");
  }
  c.log_type = string_at(f, "log_type");
  if (const auto level = string_at(f, "level")) {
    c.level = to_lower_ascii(*level);
  }
  for (const std::string_view key : {"code", "http_status_code", "status"}) {
    const Value* v = find_field(f, key);
    if (v == nullptr) {
      continue;
    }
    if (v->kind() == ValueKind::integer) {
      c.status = v->as_int();
    } else if (v->kind() == ValueKind::string) {
      c.status = parse_status(v->as_string());
    }
    if (c.status) {
      break;
    }
  }
  return c;
}

} // namespace logship
