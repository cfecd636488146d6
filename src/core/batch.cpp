#include "core/batch.hpp"

#include <cstring>

namespace logship {

Batch::Batch(std::size_t expected_events) : m_arena(std::make_unique<Arena>()) {
  m_events.reserve(expected_events);
}

std::string_view Batch::copy(std::string_view s) {
  if (s.empty()) {
    return {};
  }
  auto* p = static_cast<char*>(m_arena->allocate(s.size(), 1));
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

Map* Batch::new_map(std::size_t reserve) {
  void* p = m_arena->allocate(sizeof(Map), alignof(Map));
  // Arena memory is released wholesale; the vector's storage is arena memory too, so the
  // destructor never needs to run.
  Map* m = new (p) Map(m_arena.get());
  m->reserve(reserve);
  return m;
}

Array* Batch::new_array(std::size_t reserve) {
  void* p = m_arena->allocate(sizeof(Array), alignof(Array));
  Array* a = new (p) Array(m_arena.get());
  a->reserve(reserve);
  return a;
}

Event& Batch::add_event() {
  return m_events.emplace_back(m_arena.get());
}

void Batch::fail_acks() const {
  for (const AckPtr& a : m_acks) {
    a->fail();
  }
}

Value copy_value(Batch& batch, const Value& v) {
  switch (v.kind()) {
  case ValueKind::string:
    return Value::string(batch.copy(v.as_string()));
  case ValueKind::map: {
    Map* m = batch.new_map(v.as_map().size());
    for (const Field& f : v.as_map()) {
      m->push_back(Field{batch.copy(f.key), copy_value(batch, f.value)});
    }
    return Value::map(m);
  }
  case ValueKind::array: {
    Array* a = batch.new_array(v.as_array().size());
    for (const Value& e : v.as_array()) {
      a->push_back(copy_value(batch, e));
    }
    return Value::array(a);
  }
  default:
    return v;
  }
}

std::unique_ptr<Batch> Batch::clone() const {
  auto out = std::make_unique<Batch>(m_events.size());
  for (const Event& e : m_events) {
    Event& c = out->add_event();
    c.time_ns = e.time_ns;
    c.meta = e.meta;
    c.fields.reserve(e.fields.size());
    for (const Field& f : e.fields) {
      c.fields.push_back(Field{out->copy(f.key), copy_value(*out, f.value)});
    }
  }
  out->m_acks = m_acks;
  out->m_input_bytes = m_input_bytes;
  return out;
}

} // namespace logship
