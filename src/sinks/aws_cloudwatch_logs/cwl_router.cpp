#include "sinks/aws_cloudwatch_logs/cwl_router.hpp"

#include "codecs/json_writer.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_event_split.hpp"

#include <spdlog/spdlog.h>

namespace logship {

namespace {

constexpr unsigned k_template_errors_logged = 5;

constexpr std::size_t k_max_name_bytes = 512;

bool group_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_' || c == '/' || c == '#';
}

// CloudWatch's name rules (aws.md §2): groups [.\-_/#A-Za-z0-9]{1,512}, streams [^:*]{1,512}.
// A rendered name that breaks them would have every call refused; each offending byte becomes
// '_' and the name is cut at 512 bytes (on a UTF-8 boundary) instead. True if it changed.
bool sanitize_name(std::string& name, bool is_group) {
  bool changed = false;
  for (char& ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_group ? !group_char(c) : (c == ':' || c == '*')) {
      ch = '_';
      changed = true;
    }
  }
  if (name.size() > k_max_name_bytes) {
    std::size_t cut = k_max_name_bytes;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    name.resize(cut);
    changed = true;
  }
  if (name.empty()) {
    name = "_";
    changed = true;
  }
  return changed;
}

std::int64_t floor_ms(std::int64_t ns) {
  std::int64_t ms = ns / 1'000'000;
  if (ns % 1'000'000 < 0) {
    --ms;
  }
  return ms;
}

} // namespace

CwlRouter::CwlRouter(CwlRouterSettings settings, CwlCounters& counters)
    : m_settings(std::move(settings)), m_counters(counters) {}

void CwlRouter::note_template_error(std::string_view which, const Error& error) {
  if (m_errors_logged >= k_template_errors_logged) {
    return;
  }
  ++m_errors_logged;
  spdlog::warn("aws_cloudwatch_logs: the {} template could not be rendered for an event ({}); "
               "{}{}",
               which, error.message,
               which == "stream"
                   ? "it goes to the fallback stream " + m_settings.fallback_stream +
                         " (counted in events_unrouted)"
                   : (m_settings.fallback_group
                          ? "it goes to the fallback group " + *m_settings.fallback_group +
                                " (counted in events_unrouted)"
                          : std::string("it is dropped (counted in events_dropped_unroutable)")),
               m_errors_logged == k_template_errors_logged ? "; not logged again" : "");
}

bool CwlRouter::render_key(const Event& e) {
  m_key.clear();
  if (auto r = m_settings.group.render(e, m_key); !r) {
    note_template_error("group", r.error());
    if (!m_settings.fallback_group) {
      m_counters.events_dropped_unroutable.add();
      return false;
    }
    m_counters.events_unrouted.add();
    m_key = *m_settings.fallback_group;
  }
  m_key.push_back('\0');
  if (auto r = m_settings.stream.render(e, m_key); !r) {
    note_template_error("stream", r.error());
    m_counters.events_unrouted.add();
    m_key.append(m_settings.fallback_stream);
  }
  return true;
}

std::size_t CwlRouter::slot_for(std::vector<CwlStreamWork>& works, std::size_t& used) {
  auto [it, added] = m_index.try_emplace(m_key, used);
  if (added) {
    if (works.size() <= used) {
      works.emplace_back();
    }
    CwlStreamWork& w = works[used];
    const std::size_t zero = m_key.find('\0');
    w.group.assign(m_key, 0, zero);
    w.stream.assign(m_key, zero + 1);
    const bool group_changed = sanitize_name(w.group, true);
    if (group_changed | sanitize_name(w.stream, false)) {
      m_counters.names_sanitized.add();
      if (m_errors_logged < k_template_errors_logged) {
        ++m_errors_logged;
        spdlog::warn("aws_cloudwatch_logs: log group or stream name made valid for CloudWatch: "
                     "{} / {} (counted in names_sanitized)",
                     w.group, w.stream);
      }
    }
    w.text.clear();
    w.memo.clear();
    w.starts.clear();
    w.times.clear();
    w.plain_sizes.clear();
    w.events.clear();
    w.ranges.clear();
    ++used;
  }
  m_last_slot = it->second;
  return it->second;
}

void CwlRouter::encode(const Event& e, std::int64_t timestamp_ms,
                       std::optional<std::int64_t> original_ns, CwlStreamWork& work) {
  const std::size_t start = work.text.size();
  std::size_t plain = 0;
  if (m_settings.encoding == CwlEncoding::json) {
    // Written escaped, as it goes into the PutLogEvents body: one pass instead of two.
    plain = append_cwl_record_json(work.text, e.fields, original_ns, JsonWriter::Mode::in_string,
                                   &work.memo);
  } else if (const Value* m = find_field(e.fields, "message"); m != nullptr) {
    if (m->kind() == ValueKind::string) {
      work.text.append(m->as_string());
    } else {
      append_json_value(work.text, *m);
    }
  }
  const std::size_t size = plain != 0 ? plain : work.text.size() - start;
  if (size <= m_settings.max_event_bytes) {
    work.starts.push_back(start);
    work.times.push_back(timestamp_ms);
    work.plain_sizes.push_back(static_cast<std::uint32_t>(plain));
    return;
  }
  std::string whole;
  if (plain != 0) {
    append_cwl_record_json(whole, e.fields, original_ns); // the plain text, to cut into parts
  } else {
    whole = work.text.substr(start);
  }
  work.text.resize(start);
  work.memo.clear(); // it may point past the cut
  m_parts.clear();
  auto n = split_cwl_message(whole, timestamp_ms, m_settings.max_event_bytes, m_parts);
  // The limit is checked at configuration time (>= 64 bytes), so splitting cannot fail.
  m_counters.events_split.add();
  m_counters.parts_sent.add(n ? *n : 0);
  for (const std::string& part : m_parts) {
    work.starts.push_back(work.text.size());
    work.times.push_back(timestamp_ms);
    work.plain_sizes.push_back(0);
    work.text.append(part);
  }
}

std::size_t CwlRouter::route(const Batch& batch, const CwlTimeWindow& window,
                             std::vector<CwlStreamWork>& works) {
  std::size_t used = 0;
  m_index.clear();
  m_last_group_inputs = {}; // field bytes of another batch may have been reused since
  m_last_stream_inputs = {};
  const std::vector<Event>& events = batch.events();
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    prefetch_events_after(events, i);
    EventTemplate::Inputs group_inputs = m_settings.group.inputs(e);
    EventTemplate::Inputs stream_inputs = m_settings.stream.inputs(e);
    std::size_t slot = m_last_slot;
    if (!group_inputs.same_as(m_last_group_inputs) ||
        !stream_inputs.same_as(m_last_stream_inputs)) {
      if (!render_key(e)) {
        continue;
      }
      slot = slot_for(works, used);
      m_last_group_inputs = group_inputs;
      m_last_stream_inputs = stream_inputs;
    }
    CwlStreamWork& work = works[slot];
    std::int64_t ms = floor_ms(e.time_ns);
    std::optional<std::int64_t> original;
    if (const CwlTimeClass c = classify_cwl_timestamp(ms, window); c != CwlTimeClass::ok) {
      (c == CwlTimeClass::too_old ? m_counters.events_clamped_too_old
                                  : m_counters.events_clamped_too_new)
          .add();
      original = e.time_ns;
      ms = clamp_cwl_timestamp(ms, window);
    }
    encode(e, ms, original, work);
  }
  for (std::size_t i = 0; i < used; ++i) {
    CwlStreamWork& w = works[i];
    const std::size_t n = w.starts.size();
    w.events.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t end = k + 1 < n ? w.starts[k + 1] : w.text.size();
      w.events[k] =
          CwlEvent{w.times[k], std::string_view(w.text.data() + w.starts[k], end - w.starts[k]),
                   static_cast<std::uint32_t>(k), w.plain_sizes[k] != 0, w.plain_sizes[k]};
    }
    // Every message fits (split above), so planning cannot fail.
    (void)plan_cwl_batches(w.events, m_settings.limits, w.ranges);
  }
  return used;
}

} // namespace logship
