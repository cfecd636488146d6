#include "transforms/gen3/event_fields.hpp"

namespace logship {

void set_field(Map& fields, std::string_view key, Value value) {
  for (Field& f : fields) {
    if (f.key == key) {
      f.value = value;
      return;
    }
  }
  fields.push_back({key, value});
}

void set_parse_error(Batch& batch, Event& event, std::string_view reason) {
  const Value* existing = find_field(event.fields, "logship");
  Map* meta = nullptr;
  if (existing != nullptr && existing->kind() == ValueKind::map) {
    meta = batch.new_map(existing->as_map().size() + 1);
    // A shallow copy: the values it shares are not changed either.
    for (const Field& f : existing->as_map()) {
      meta->push_back(f);
    }
  } else {
    meta = batch.new_map(1);
  }
  set_field(*meta, "parse_error", Value::string(reason));
  set_field(event.fields, "logship", Value::map(meta));
}

} // namespace logship
