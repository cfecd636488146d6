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

} // namespace logship
