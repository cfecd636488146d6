#include "transforms/gen3/json_merge.hpp"

#include "codecs/json_flat_object.hpp"
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
  std::string padded;         // the text plus the padding simdjson reads past its end
  std::vector<Field> members; // the object's, in order
  std::string scratch;        // the fast path's, for strings with escapes

  // The members of the object `text` by simdjson, keys and strings copied into `batch`; else why
  // not.
  std::string_view parse(Batch& batch, std::string_view text) {
    padded.assign(text);
    padded.append(simdjson::SIMDJSON_PADDING, '\0');
    simdjson::dom::element doc;
    const auto parsed = parser.parse(padded.data(), text.size(), false).get(doc);
    if (padded.capacity() > 1024 * 1024) {
      padded = std::string(); // do not keep a huge line's buffer
    }
    if (parsed != simdjson::SUCCESS) {
      return "invalid JSON";
    }
    simdjson::dom::object obj;
    if (doc.get_object().get(obj) != simdjson::SUCCESS) {
      return "JSON that is not an object";
    }
    for (const auto field : obj) {
      members.push_back({batch.copy(field.key), to_value(batch, field.value)});
    }
    return {};
  }
};

JsonMerger::JsonMerger(Decoding decoding)
    : m_impl(std::make_unique<Impl>()), m_decoding(decoding) {}
JsonMerger::~JsonMerger() = default;

std::string_view JsonMerger::merge(Batch& batch, Event& event, std::string_view text) {
  std::vector<Field>& members = m_impl->members;
  members.clear();
  if (m_decoding == Decoding::library_only ||
      !parse_flat_json_object(text, batch, members, m_impl->scratch)) {
    members.clear();
    if (const std::string_view why = m_impl->parse(batch, text); !why.empty()) {
      return why;
    }
  }
  // A key is looked up among the event's fields only when one of them may be the same: a bit per
  // (length, first byte) of the keys there tells (a JSON object may also repeat a key: the last
  // value wins, in place).
  auto bit = [](std::string_view k) {
    return std::uint64_t{1} << ((k.size() * 31 +
                                 (k.empty() ? 0U : static_cast<unsigned char>(k[0]))) &
                                63);
  };
  event.fields.reserve(event.fields.size() + members.size()); // one growth, not several
  std::uint64_t present = 0;
  for (const Field& f : event.fields) {
    present |= bit(f.key);
  }
  for (const Field& member : members) {
    Field* existing = nullptr;
    const std::uint64_t b = bit(member.key);
    if ((present & b) != 0) {
      for (Field& f : event.fields) {
        if (f.key == member.key) {
          existing = &f;
          break;
        }
      }
    }
    if (existing != nullptr) {
      existing->value = member.value; // the log's value wins, in the key's place
    } else {
      event.fields.push_back(member);
      present |= b;
    }
    if (member.key == "date_access" && member.value.kind() == ValueKind::string) {
      if (const auto t = parse_rfc3339(member.value.as_string())) {
        event.time_ns = *t;
      }
    }
  }
  return {};
}

} // namespace logship
