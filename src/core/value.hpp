#pragma once
// The event value model: null, booleans, integers, floats, strings, arrays and ordered maps.
// A Value never owns memory: strings, arrays and maps live in the arena of the Batch that holds
// the event, so building an event costs no heap allocation of its own.
//
// Nested maps and arrays may be shared by several events of one batch (a source attaches the
// same `kubernetes` map to every record of a file). Treat them as immutable: to change one,
// copy it first (copy-on-write); an event's own top-level `fields` may be changed in place.

#include <cstdint>
#include <memory_resource>
#include <string_view>
#include <vector>

namespace logship {

class Value;
struct Field;
using Map = std::pmr::vector<Field>;
using Array = std::pmr::vector<Value>;

enum class ValueKind : std::uint8_t { null, boolean, integer, floating, string, array, map };

class Value {
public:
  Value() = default;
  static Value boolean(bool b) {
    Value v(ValueKind::boolean);
    v.m_u.b = b;
    return v;
  }
  static Value integer(std::int64_t i) {
    Value v(ValueKind::integer);
    v.m_u.i = i;
    return v;
  }
  static Value floating(double d) {
    Value v(ValueKind::floating);
    v.m_u.d = d;
    return v;
  }
  // `s` must outlive the value: in practice it points into the batch arena.
  static Value string(std::string_view s) {
    Value v(ValueKind::string);
    v.m_u.str = s.data();
    v.m_len = static_cast<std::uint32_t>(s.size());
    return v;
  }
  static Value map(Map* m) {
    Value v(ValueKind::map);
    v.m_u.map = m;
    return v;
  }
  static Value array(Array* a) {
    Value v(ValueKind::array);
    v.m_u.array = a;
    return v;
  }

  ValueKind kind() const { return m_kind; }
  bool is_null() const { return m_kind == ValueKind::null; }
  bool as_bool() const { return m_u.b; }
  std::int64_t as_int() const { return m_u.i; }
  double as_double() const { return m_u.d; }
  std::string_view as_string() const { return {m_u.str, m_len}; }
  Map& as_map() const { return *m_u.map; }
  Array& as_array() const { return *m_u.array; }

private:
  explicit Value(ValueKind k) : m_kind(k) {}
  union Payload {
    bool b;
    std::int64_t i;
    double d;
    const char* str;
    Map* map;
    Array* array;
  } m_u{};
  std::uint32_t m_len = 0;
  ValueKind m_kind = ValueKind::null;
};

struct Field {
  std::string_view key;
  Value value;
};

// Looks up a top-level key; nullptr when absent. Linear: events have few keys.
const Value* find_field(const Map& map, std::string_view key);
// Looks up a dotted path such as "kubernetes.pod_name".
const Value* find_path(const Map& map, std::string_view dotted);

// Hints to the CPU to fetch what reading `fields` will touch: each field's string bytes (the
// first two cache lines) and nested maps' field arrays. A thread that walks a batch another
// thread filled calls it an event ahead, so the loads do not stall one after the other.
void prefetch_fields(const Map& fields);
// Hints to fetch the field array itself (every cache line of it).
void prefetch_field_array(const Map& fields);

} // namespace logship
