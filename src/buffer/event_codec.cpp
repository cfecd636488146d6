#include "buffer/event_codec.hpp"

#include "util/varint.hpp"

#include <cstring>

namespace logship {

namespace {

enum Tag : unsigned char {
  k_null = 0,
  k_false = 1,
  k_true = 2,
  k_int = 3,
  k_float = 4,
  k_string = 5,
  k_array = 6,
  k_map = 7
};

void put_value(std::string& out, const Value& v);

void put_map(std::string& out, const Map& m) {
  out += static_cast<char>(k_map);
  put_varint(out, m.size());
  for (const Field& f : m) {
    put_bytes(out, f.key);
    put_value(out, f.value);
  }
}

void put_value(std::string& out, const Value& v) {
  switch (v.kind()) {
  case ValueKind::null:
    out += static_cast<char>(k_null);
    break;
  case ValueKind::boolean:
    out += static_cast<char>(v.as_bool() ? k_true : k_false);
    break;
  case ValueKind::integer:
    out += static_cast<char>(k_int);
    put_varint(out, zigzag(v.as_int()));
    break;
  case ValueKind::floating: {
    out += static_cast<char>(k_float);
    char bytes[8];
    const double d = v.as_double();
    std::memcpy(bytes, &d, 8);
    out.append(bytes, 8);
    break;
  }
  case ValueKind::string:
    out += static_cast<char>(k_string);
    put_bytes(out, v.as_string());
    break;
  case ValueKind::array:
    out += static_cast<char>(k_array);
    put_varint(out, v.as_array().size());
    for (const Value& item : v.as_array()) {
      put_value(out, item);
    }
    break;
  case ValueKind::map:
    put_map(out, v.as_map());
    break;
  }
}

class Reader {
public:
  Reader(std::string_view bytes, Batch& batch) : m_p(bytes), m_batch(batch) {}

  bool varint(std::uint64_t& v) {
    const char* p = m_p.data();
    const VarintRead r = get_varint(p, m_p.data() + m_p.size(), v);
    m_p.remove_prefix(static_cast<std::size_t>(p - m_p.data()));
    if (r == VarintRead::cut) {
      return fail("cut in a number");
    }
    return r == VarintRead::ok || fail("a number longer than 64 bits");
  }

  bool bytes(std::string_view& s) {
    std::uint64_t n = 0;
    if (!varint(n)) {
      return false;
    }
    if (n > m_p.size()) {
      return fail("a length past the end");
    }
    s = m_batch.copy(m_p.substr(0, n));
    m_p.remove_prefix(n);
    return true;
  }

  // A count of items that each take at least one byte: more than the bytes left is damage.
  bool count(std::uint64_t& n) {
    return varint(n) && (n <= m_p.size() || fail("a count past the end"));
  }

  bool value(Value& out, int depth) {
    if (depth > k_max_event_depth) {
      return fail("nested too deep");
    }
    if (m_p.empty()) {
      return fail("cut before a value");
    }
    const auto tag = static_cast<unsigned char>(m_p.front());
    m_p.remove_prefix(1);
    switch (tag) {
    case k_null:
      out = Value{};
      return true;
    case k_false:
    case k_true:
      out = Value::boolean(tag == k_true);
      return true;
    case k_int: {
      std::uint64_t v = 0;
      if (!varint(v)) {
        return false;
      }
      out = Value::integer(unzigzag(v));
      return true;
    }
    case k_float: {
      if (m_p.size() < 8) {
        return fail("cut in a float");
      }
      double d = 0;
      std::memcpy(&d, m_p.data(), 8);
      m_p.remove_prefix(8);
      out = Value::floating(d);
      return true;
    }
    case k_string: {
      std::string_view s;
      if (!bytes(s)) {
        return false;
      }
      out = Value::string(s);
      return true;
    }
    case k_array: {
      std::uint64_t n = 0;
      if (!count(n)) {
        return false;
      }
      Array* a = m_batch.new_array(n);
      for (std::uint64_t i = 0; i < n; ++i) {
        Value item;
        if (!value(item, depth + 1)) {
          return false;
        }
        a->push_back(item);
      }
      out = Value::array(a);
      return true;
    }
    case k_map: {
      Map* m = m_batch.new_map();
      if (!map_body(*m, depth)) {
        return false;
      }
      out = Value::map(m);
      return true;
    }
    default:
      return fail("an unknown value tag");
    }
  }

  bool map_body(Map& m, int depth) {
    std::uint64_t n = 0;
    if (!count(n)) {
      return false;
    }
    m.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      Field f;
      if (!bytes(f.key) || !value(f.value, depth + 1)) {
        return false;
      }
      m.push_back(f);
    }
    return true;
  }

  bool top_map(Map& m) {
    if (m_p.empty() || static_cast<unsigned char>(m_p.front()) != k_map) {
      return fail("the fields are not a map");
    }
    m_p.remove_prefix(1);
    return map_body(m, 0);
  }

  bool at_end() const { return m_p.empty(); }
  const char* error() const { return m_error; }

private:
  bool fail(const char* why) {
    m_error = why;
    return false;
  }
  std::string_view m_p;
  Batch& m_batch;
  const char* m_error = "";
};

} // namespace

void encode_event(const Event& event, std::string& out) {
  put_varint(out, zigzag(event.time_ns));
  put_varint(out, event.meta.source_bytes);
  put_map(out, event.fields);
}

Result<void> decode_event(std::string_view bytes, Batch& batch) {
  Reader r(bytes, batch);
  std::uint64_t time = 0;
  std::uint64_t source_bytes = 0;
  Event e(batch.arena());
  if (!r.varint(time) || !r.varint(source_bytes) || !r.top_map(e.fields)) {
    return make_error(std::string("damaged event: ") + r.error());
  }
  if (!r.at_end()) {
    return make_error("damaged event: bytes after its end");
  }
  if (source_bytes > UINT32_MAX) {
    return make_error("damaged event: source size out of range");
  }
  e.time_ns = unzigzag(time);
  e.meta.source_bytes = static_cast<std::uint32_t>(source_bytes);
  Event& added = batch.add_event();
  added.time_ns = e.time_ns;
  added.meta = e.meta;
  added.fields = std::move(e.fields);
  return {};
}

} // namespace logship
