#include "sinks/aws_cloudwatch_logs/cwl_time_window.hpp"

#include "codecs/json_writer.hpp"
#include "codecs/rfc3339.hpp"

namespace logship {

CwlTimeClass classify_cwl_timestamp(std::int64_t timestamp_ms, const CwlTimeWindow& window) {
  if (timestamp_ms < window.oldest_ms()) {
    return CwlTimeClass::too_old;
  }
  if (timestamp_ms > window.newest_ms()) {
    return CwlTimeClass::too_new;
  }
  return CwlTimeClass::ok;
}

std::int64_t clamp_cwl_timestamp(std::int64_t timestamp_ms, const CwlTimeWindow& window) {
  switch (classify_cwl_timestamp(timestamp_ms, window)) {
  case CwlTimeClass::too_old:
    return window.oldest_ms();
  case CwlTimeClass::too_new:
    return window.newest_ms();
  case CwlTimeClass::ok:
    break;
  }
  return timestamp_ms;
}

std::size_t append_cwl_record_json(std::string& out, const Map& fields,
                                   std::optional<std::int64_t> original_time_ns,
                                   JsonWriter::Mode mode, JsonMapMemo* memo) {
  JsonWriter w(out, mode, memo);
  if (!original_time_ns) {
    w.map(fields);
    return w.plain_size();
  }
  const std::string original = format_rfc3339(*original_time_ns);
  auto write_original = [&](std::string_view key) {
    w.string(key);
    w.raw(':');
    w.string(original);
  };
  w.raw('{');
  bool first = true;
  bool merged = false;
  for (const Field& f : fields) {
    if (!first) {
      w.raw(',');
    }
    first = false;
    w.string(f.key);
    w.raw(':');
    if (f.key == "logship" && f.value.kind() == ValueKind::map && !merged) {
      w.raw('{');
      bool inner_first = true;
      for (const Field& g : f.value.as_map()) {
        if (g.key == "original_timestamp") {
          continue; // ours replaces an earlier one (an event clamped twice)
        }
        if (!inner_first) {
          w.raw(',');
        }
        inner_first = false;
        w.string(g.key);
        w.raw(':');
        w.value(g.value);
      }
      if (!inner_first) {
        w.raw(',');
      }
      write_original("original_timestamp");
      w.raw('}');
      merged = true;
      continue;
    }
    w.value(f.value);
  }
  if (!merged) {
    if (!first) {
      w.raw(',');
    }
    if (find_field(fields, "logship") == nullptr) {
      w.string("logship");
      w.raw(":{");
      write_original("original_timestamp");
      w.raw('}');
    } else {
      write_original("logship.original_timestamp");
    }
  }
  w.raw('}');
  return w.plain_size();
}

} // namespace logship
