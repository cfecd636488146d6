#include "core/field_path.hpp"

namespace logship {

namespace {

Value* find_mutable(Map& map, std::string_view key) {
  for (Field& f : map) {
    if (f.key == key) {
      return &f.value;
    }
  }
  return nullptr;
}

} // namespace

bool is_valid_path(std::string_view path) {
  if (path.empty() || path.front() == '.' || path.back() == '.') {
    return false;
  }
  return path.find("..") == std::string_view::npos;
}

Map* copy_map(Batch& batch, const Map& m, std::size_t extra) {
  Map* out = batch.new_map(m.size() + extra);
  for (const Field& f : m) {
    out->push_back(f);
  }
  return out;
}

void set_path(Batch& batch, Map& fields, std::string_view path, Value v) {
  Map* current = &fields;
  while (true) {
    const auto dot = path.find('.');
    const std::string_view key = path.substr(0, dot);
    Value* slot = find_mutable(*current, key);
    if (dot == std::string_view::npos) {
      if (slot != nullptr) {
        *slot = v;
      } else {
        current->push_back(Field{batch.copy(key), v});
      }
      return;
    }
    Map* child = slot != nullptr && slot->kind() == ValueKind::map ? copy_map(batch, slot->as_map())
                                                                   : batch.new_map(1);
    if (slot != nullptr) {
      *slot = Value::map(child);
    } else {
      current->push_back(Field{batch.copy(key), Value::map(child)});
    }
    current = child;
    path.remove_prefix(dot + 1);
  }
}

std::optional<Value> remove_path(Batch& batch, Map& fields, std::string_view path) {
  if (find_path(fields, path) == nullptr) {
    return std::nullopt; // so that nothing is copied for nothing
  }
  Map* current = &fields;
  for (auto dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.')) {
    Value* slot = find_mutable(*current, path.substr(0, dot)); // a map: find_path said so
    Map* child = copy_map(batch, slot->as_map(), 0);
    *slot = Value::map(child);
    current = child;
    path.remove_prefix(dot + 1);
  }
  for (auto it = current->begin(); it != current->end(); ++it) {
    if (it->key == path) {
      const Value removed = it->value;
      current->erase(it);
      return removed;
    }
  }
  return std::nullopt;
}

void set_field(Map& fields, std::string_view key, Value v) {
  for (Field& f : fields) {
    if (f.key == key) {
      f.value = v;
      return;
    }
  }
  fields.push_back(Field{key, v});
}

} // namespace logship
