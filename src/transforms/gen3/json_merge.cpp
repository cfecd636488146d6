#include "transforms/gen3/json_merge.hpp"

#include "codecs/rfc3339.hpp"

#include <limits>
#include <simdjson.h>

namespace logship {

namespace {

Value to_value(Batch& batch, simdjson::dom::element el) {
  switch (el.type()) {
  case simdjson::dom::element_type::OBJECT: {
    const simdjson::dom::object obj = el.get_object().value_unsafe();
    Map* m = batch.new_map(obj.size());
    for (const auto field : obj) {
      m->push_back({batch.copy(field.key), to_value(batch, field.value)});
    }
    return Value::map(m);
  }
  case simdjson::dom::element_type::ARRAY: {
    const simdjson::dom::array arr = el.get_array().value_unsafe();
    Array* a = batch.new_array(arr.size());
    for (const auto item : arr) {
      a->push_back(to_value(batch, item));
    }
    return Value::array(a);
  }
  case simdjson::dom::element_type::STRING:
    return Value::string(batch.copy(el.get_string().value_unsafe()));
  case simdjson::dom::element_type::INT64:
    return Value::integer(el.get_int64().value_unsafe());
  case simdjson::dom::element_type::UINT64:
    // Above INT64_MAX: the value model has no unsigned integers; a float keeps the magnitude.
    return Value::floating(static_cast<double>(el.get_uint64().value_unsafe()));
  case simdjson::dom::element_type::DOUBLE:
    return Value::floating(el.get_double().value_unsafe());
  case simdjson::dom::element_type::BOOL:
    return Value::boolean(el.get_bool().value_unsafe());
  case simdjson::dom::element_type::NULL_VALUE:
    break;
  }
  return Value();
}

} // namespace

struct JsonMerger::Impl {
  simdjson::dom::parser parser;
  std::string padded; // the text plus the padding simdjson reads past its end
};

JsonMerger::JsonMerger() : m_impl(std::make_unique<Impl>()) {}
JsonMerger::~JsonMerger() = default;

std::string_view JsonMerger::merge(Batch& batch, Event& event, std::string_view text) {
  std::string& buf = m_impl->padded;
  buf.assign(text);
  buf.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::dom::element doc;
  if (m_impl->parser.parse(buf.data(), text.size(), false).get(doc) != simdjson::SUCCESS) {
    return "invalid JSON";
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) {
    return "JSON that is not an object";
  }
  // A key is looked up among the event's own fields, and among the keys appended so far only when
  // one of them may be the same (a JSON object may repeat a key: the last value wins, in place).
  const std::size_t own = event.fields.size();
  std::uint64_t appended = 0; // a bit per (length, first byte) of the keys appended
  auto bit = [](std::string_view k) {
    return std::uint64_t{1} << ((k.size() * 31 +
                                 (k.empty() ? 0U : static_cast<unsigned char>(k[0]))) &
                                63);
  };
  for (const auto field : obj) {
    const Value v = to_value(batch, field.value);
    Field* existing = nullptr;
    const std::size_t searched = (appended & bit(field.key)) != 0 ? event.fields.size() : own;
    for (std::size_t i = 0; i < searched; ++i) {
      if (event.fields[i].key == field.key) {
        existing = &event.fields[i];
        break;
      }
    }
    if (existing != nullptr) {
      existing->value = v; // the log's value wins, in the key's place
    } else {
      event.fields.push_back({batch.copy(field.key), v});
      appended |= bit(field.key);
    }
    if (field.key == "date_access" && v.kind() == ValueKind::string) {
      if (const auto t = parse_rfc3339(v.as_string())) {
        event.time_ns = *t;
      }
    }
  }
  if (buf.capacity() > 1024 * 1024) {
    buf = std::string(); // do not keep a huge line's buffer
  }
  return {};
}

} // namespace logship
