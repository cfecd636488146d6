// Fuzzes JSON text into the record model and back out: the input (made valid UTF-8, as sources
// make every message) is the `message` of an event
// that goes through the parse_json transform (with and without `target`) and through gen3's
// JsonMerger; what comes out is written with JsonWriter (plain and in_string mode) and
// append_timestamped_json.
//
// Checked (a failure aborts): parse_json succeeds exactly when simdjson accepts the text and it
// nests at most 64 deep; the written JSON is valid and, parsed again, equal to the input (numbers
// by value: 1.0 may come back as 1); in_string mode writes the plain text escaped as a JSON
// string, and plain_size() is the plain size; merging keys into an event gives every key the
// input's last value for it, existing keys in place, exactly (kinds, float bits) as the merge with
// simdjson alone does (the fast path for objects of scalars is checked so); the event time (from
// `date_access`) formats as RFC 3339 and parses back to itself.

#include "codecs/json_writer.hpp"
#include "codecs/rfc3339.hpp"
#include "codecs/utf8.hpp"
#include "core/field_path.hpp"
#include "fuzz_support.hpp"
#include "transforms/gen3/json_merge.hpp"
#include "transforms/parse_json/parse_json_transform.hpp"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <set>
#include <simdjson.h>
#include <string>
#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace {

using namespace logship;
using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr int k_parse_json_max_depth = 64; // parse_json_transform.hpp

struct Transforms {
  MetricsRegistry metrics;
  std::unique_ptr<Transform> merge;  // parse_json into the top level
  std::unique_ptr<Transform> target; // parse_json under `v`, the field dropped

  static std::unique_ptr<Transform> make(MetricsRegistry& m, const char* yaml) {
    ConfigErrors errors;
    OptionReader options(YAML::Load(yaml), "transforms.j", errors);
    auto t = k_parse_json_transform.make(options, BuildContext{"j", "", m});
    options.finish();
    LOGSHIP_FUZZ_CHECK(errors.empty() && t != nullptr);
    return t;
  }
  Transforms()
      : merge(make(metrics, "{}")), target(make(metrics, "{target: v, drop_field: true}")) {}
};

int depth_of(element e) {
  int deepest = 0;
  if (e.type() == element_type::ARRAY) {
    const simdjson::dom::array array = e.get_array().value_unsafe();
    for (const element item : array) {
      deepest = std::max(deepest, depth_of(item));
    }
    return deepest + 1;
  }
  if (e.type() == element_type::OBJECT) {
    const simdjson::dom::object object = e.get_object().value_unsafe();
    for (const auto field : object) {
      deepest = std::max(deepest, depth_of(field.value));
    }
    return deepest + 1;
  }
  return 0;
}

bool is_number(element_type t) {
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

double number(element e) {
  switch (e.type()) {
  case element_type::INT64:
    return static_cast<double>(e.get_int64().value_unsafe());
  case element_type::UINT64:
    return static_cast<double>(e.get_uint64().value_unsafe());
  default:
    return e.get_double().value_unsafe();
  }
}

// Equal as the record model keeps JSON: order and repeated keys kept, numbers by value (the
// model has no unsigned integers, and a float written without a fraction reads back as one).
bool same(element a, element b) {
  if (is_number(a.type()) && is_number(b.type())) {
    if (a.type() == element_type::INT64 && b.type() == element_type::INT64) {
      return a.get_int64().value_unsafe() == b.get_int64().value_unsafe();
    }
    return number(a) == number(b);
  }
  if (a.type() != b.type()) {
    return false;
  }
  switch (a.type()) {
  case element_type::ARRAY: {
    auto x = a.get_array().value_unsafe();
    auto y = b.get_array().value_unsafe();
    auto i = x.begin();
    auto j = y.begin();
    for (; i != x.end() && j != y.end(); ++i, ++j) {
      if (!same(*i, *j)) {
        return false;
      }
    }
    return i == x.end() && j == y.end();
  }
  case element_type::OBJECT: {
    auto x = a.get_object().value_unsafe();
    auto y = b.get_object().value_unsafe();
    auto i = x.begin();
    auto j = y.begin();
    for (; i != x.end() && j != y.end(); ++i, ++j) {
      if (i.key() != j.key() || !same(i.value(), j.value())) {
        return false;
      }
    }
    return i == x.end() && j == y.end();
  }
  case element_type::STRING:
    return a.get_string().value_unsafe() == b.get_string().value_unsafe();
  case element_type::BOOL:
    return a.get_bool().value_unsafe() == b.get_bool().value_unsafe();
  default:
    return true; // null
  }
}

// Writes `fields` both ways and checks the two agree; returns the plain JSON.
std::string write_checked(const Map& fields, simdjson::dom::parser& parser) {
  std::string plain;
  std::size_t plain_size = 0;
  {
    JsonWriter w(plain);
    w.map(fields);
    plain_size = w.plain_size();
  }
  LOGSHIP_FUZZ_CHECK(plain_size == plain.size());
  std::string quoted = "\"";
  {
    JsonWriter w(quoted, JsonWriter::Mode::in_string);
    w.map(fields);
    LOGSHIP_FUZZ_CHECK(w.plain_size() == plain.size());
  }
  quoted += '"';
  std::string_view unquoted;
  LOGSHIP_FUZZ_CHECK(parser.parse(quoted).get_string().get(unquoted) == simdjson::SUCCESS);
  LOGSHIP_FUZZ_CHECK(unquoted == plain);
  return plain;
}

// The event as the debugging commands print it, which must be JSON whose timestamp reads back.
void check_timestamped(const Event& e, const std::string& fields, simdjson::dom::parser& parser) {
  std::string out;
  append_timestamped_json(out, e.time_ns, fields);
  element doc;
  LOGSHIP_FUZZ_CHECK(parser.parse(out).get(doc) == simdjson::SUCCESS);
  std::string_view ts;
  LOGSHIP_FUZZ_CHECK(doc["timestamp"].get_string().get(ts) == simdjson::SUCCESS);
  LOGSHIP_FUZZ_CHECK(parse_rfc3339(ts) == e.time_ns);
}

// The value each key of `obj` should end up with after a merge: the last one written.
element last_value(simdjson::dom::object obj, std::string_view key) {
  element v;
  for (const auto field : obj) {
    if (field.key == key) {
      v = field.value;
    }
  }
  return v;
}

// After merging `reference` (an object) into an event whose fields were `message` and `stream`:
// those two kept their places, every input key is there once, with the input's last value for
// it, and nothing else was added. `written` is the event written and parsed again.
void check_merged(const Map& fields, simdjson::dom::object reference, element written) {
  LOGSHIP_FUZZ_CHECK(fields.size() >= 2 && fields[0].key == "message" && fields[1].key == "stream");
  std::vector<element> members;
  const simdjson::dom::object out = written.get_object().value_unsafe();
  for (const auto member : out) {
    members.push_back(member.value);
  }
  LOGSHIP_FUZZ_CHECK(members.size() == fields.size());
  std::set<std::string_view> added;
  for (const auto field : reference) {
    std::size_t at = 0;
    std::size_t count = 0;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].key == field.key) {
        at = i;
        ++count;
      }
    }
    LOGSHIP_FUZZ_CHECK(count == 1);
    LOGSHIP_FUZZ_CHECK(same(members[at], last_value(reference, field.key)));
    if (field.key != "message" && field.key != "stream") {
      added.insert(field.key);
    }
  }
  LOGSHIP_FUZZ_CHECK(fields.size() == 2 + added.size());
}

// Same time, keys, kinds and values (floats by their bits; nested values by their kind and size).
bool identical(const Event& a, const Event& b) {
  if (a.time_ns != b.time_ns || a.fields.size() != b.fields.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.fields.size(); ++i) {
    const Value& x = a.fields[i].value;
    const Value& y = b.fields[i].value;
    if (a.fields[i].key != b.fields[i].key || x.kind() != y.kind()) {
      return false;
    }
    bool same_value = true;
    switch (x.kind()) {
    case ValueKind::null:
      break;
    case ValueKind::boolean:
      same_value = x.as_bool() == y.as_bool();
      break;
    case ValueKind::integer:
      same_value = x.as_int() == y.as_int();
      break;
    case ValueKind::floating:
      same_value = std::bit_cast<std::uint64_t>(x.as_double()) ==
                   std::bit_cast<std::uint64_t>(y.as_double());
      break;
    case ValueKind::string:
      same_value = x.as_string() == y.as_string();
      break;
    case ValueKind::map:
      same_value = x.as_map().size() == y.as_map().size();
      break;
    case ValueKind::array:
      same_value = x.as_array().size() == y.as_array().size();
      break;
    }
    if (!same_value) {
      return false;
    }
  }
  return true;
}

Event& add_event(Batch& b, std::string_view text) {
  Event& e = b.add_event();
  e.time_ns = 1'695'000'000'000'000'000;
  e.fields.push_back({"message", Value::string(b.copy(text))});
  e.fields.push_back({"stream", Value::string("stdout")});
  return e;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Transforms transforms;
  static JsonMerger merger;
  static JsonMerger library_merger(JsonMerger::Decoding::library_only);
  static simdjson::dom::parser reference_parser;
  static simdjson::dom::parser parser;
  // What is written nests one level deeper than the input (the event's map), which may already
  // be at simdjson's default limit.
  static const bool deep =
      parser.allocate(1 << 16, 2 * simdjson::DEFAULT_MAX_DEPTH) == simdjson::SUCCESS;
  LOGSHIP_FUZZ_CHECK(deep);
  // Every source makes messages valid UTF-8 (the writer relies on it), so the input is made so.
  std::string text;
  append_utf8_sanitized(std::string_view(reinterpret_cast<const char*>(data), size), text);

  element reference;
  const bool json =
      reference_parser.parse(text.data(), text.size(), true).get(reference) == simdjson::SUCCESS;
  const bool shallow = json && depth_of(reference) <= k_parse_json_max_depth;

  { // parse_json with a target: any JSON value, under `v`.
    auto b = std::make_shared<Batch>(1);
    add_event(*b, text);
    std::vector<BatchPtr> out;
    transforms.target->process(std::move(b), out);
    LOGSHIP_FUZZ_CHECK(out.size() == 1 && out[0]->size() == 1);
    const Event& e = out[0]->events()[0];
    const bool parsed = find_path(e.fields, "logship.parse_error") == nullptr;
    LOGSHIP_FUZZ_CHECK(parsed == shallow);
    const std::string written = write_checked(e.fields, parser);
    element doc;
    LOGSHIP_FUZZ_CHECK(parser.parse(written).get(doc) == simdjson::SUCCESS);
    if (parsed) {
      element v;
      LOGSHIP_FUZZ_CHECK(doc["v"].get(v) == simdjson::SUCCESS);
      LOGSHIP_FUZZ_CHECK(same(v, reference));
    }
    check_timestamped(e, written, parser);
  }

  const bool object = shallow && reference.type() == element_type::OBJECT;
  { // parse_json into the top level: the object's keys become fields.
    auto b = std::make_shared<Batch>(1);
    add_event(*b, text);
    std::vector<BatchPtr> out;
    transforms.merge->process(std::move(b), out);
    const Event& e = out.at(0)->events().at(0);
    LOGSHIP_FUZZ_CHECK((find_path(e.fields, "logship.parse_error") == nullptr) == object);
    const std::string written = write_checked(e.fields, parser);
    element doc;
    LOGSHIP_FUZZ_CHECK(parser.parse(written).get(doc) == simdjson::SUCCESS);
    if (object) {
      check_merged(e.fields, reference.get_object().value_unsafe(), doc);
    }
  }

  { // gen3's merge of a JSON line into its event (no depth limit of its own).
    Batch b(1);
    Event& e = add_event(b, "the line");
    const std::string_view message = b.copy(text); // as in the pipeline: the batch holds it
    const std::string_view why = merger.merge(b, e, message);
    // The fast path for objects of scalars must read exactly what simdjson reads.
    Batch lb(1);
    Event& le = add_event(lb, "the line");
    LOGSHIP_FUZZ_CHECK(library_merger.merge(lb, le, lb.copy(text)) == why);
    LOGSHIP_FUZZ_CHECK(identical(e, le));
    LOGSHIP_FUZZ_CHECK(why.empty() == (json && reference.type() == element_type::OBJECT));
    const std::string written = write_checked(e.fields, parser);
    element doc;
    LOGSHIP_FUZZ_CHECK(parser.parse(written).get(doc) == simdjson::SUCCESS);
    if (why.empty()) {
      check_merged(e.fields, reference.get_object().value_unsafe(), doc);
    }
    check_timestamped(e, written, parser);
  }
  return 0;
}
