#include "core/value.hpp"

namespace logship {

const Value* find_field(const Map& map, std::string_view key) {
  for (const Field& f : map) {
    if (f.key == key) {
      return &f.value;
    }
  }
  return nullptr;
}

const Value* find_path(const Map& map, std::string_view dotted) {
  const Map* current = &map;
  while (true) {
    const auto dot = dotted.find('.');
    const Value* v = find_field(*current, dotted.substr(0, dot));
    if (v == nullptr || dot == std::string_view::npos) {
      return v;
    }
    if (v->kind() != ValueKind::map) {
      return nullptr;
    }
    current = &v->as_map();
    dotted.remove_prefix(dot + 1);
  }
}

void prefetch_fields(const Map& fields) {
  for (const Field& f : fields) {
    if (f.value.kind() == ValueKind::string) {
      const std::string_view s = f.value.as_string();
      __builtin_prefetch(s.data());
      if (s.size() > 64) {
        __builtin_prefetch(s.data() + 64);
      }
    } else if (f.value.kind() == ValueKind::map) {
      prefetch_field_array(f.value.as_map());
    }
  }
}

void prefetch_field_array(const Map& fields) {
  const char* p = reinterpret_cast<const char*>(fields.data());
  const std::size_t bytes = fields.size() * sizeof(Field);
  for (std::size_t off = 0; off < bytes; off += 64) {
    __builtin_prefetch(p + off);
  }
}

} // namespace logship
