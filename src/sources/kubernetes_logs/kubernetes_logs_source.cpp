#include "sources/kubernetes_logs/kubernetes_logs_source.hpp"

#include "codecs/container_line.hpp"
#include "codecs/utf8.hpp"
#include "kubernetes/container_record.hpp"
#include "sources/kubernetes_logs/partial_line.hpp"
#include "tailer/tailing_source.hpp"

namespace logship {

namespace {

struct ContainerFileState final : FileUserState {
  std::optional<PodLogPath> pod;
  PartialLine partial[2];           // stdout, stderr
  std::uint64_t maps_batch = ~0ULL; // the batch `maps` were built in
  PodMaps maps;
};

std::size_t stream_index(std::string_view stream) {
  return stream == "stderr" ? 1 : 0;
}

// Drops the bytes of a character cut in two at the end of `s`.
std::string_view trim_cut_character(std::string_view s) {
  std::size_t i = s.size();
  std::size_t back = 0;
  while (i > 0 && back < 4 && (static_cast<unsigned char>(s[i - 1]) & 0xC0) == 0x80) {
    --i;
    ++back;
  }
  if (i == 0) {
    return s;
  }
  const auto lead = static_cast<unsigned char>(s[i - 1]);
  const std::size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return need > back + 1 && need > 1 ? s.substr(0, i - 1) : s;
}

class KubernetesLogsSource final : public TailingSource {
public:
  KubernetesLogsSource(TailingOptions options, const BuildContext& ctx)
      : TailingSource(std::move(options), ctx),
        m_max_line_bytes(tailing_options().tailer.max_line_bytes),
        m_malformed(counter("malformed_lines")), m_invalid_utf8(counter("invalid_utf8_lines")),
        m_merged(counter("partial_lines_merged")), // pieces joined to a later piece
        m_discarded(counter("partial_lines_discarded")), m_truncated(counter("lines_truncated")) {}

private:
  void on_open(TailedFile& file) override {
    auto st = std::make_unique<ContainerFileState>();
    st->pod = parse_pod_log_path(file.path);
    file.user = std::move(st);
  }

  void on_line(TailedFile& file, std::string_view line, const LineInfo& info) override {
    auto& st = static_cast<ContainerFileState&>(*file.user);
    const ContainerLine cl = m_decoder.decode(line);
    if (cl.format == LineFormat::malformed) {
      m_malformed.add();
      Flags flags{info.truncated, cl.invalid_utf8, cl.error};
      emit(file, st, cl.text, {}, {}, flags, line.size());
    } else if (cl.partial) {
      PartialLine& p = st.partial[stream_index(cl.stream)];
      p.append(cl.text, cl.time, info.start, cl.invalid_utf8, m_max_line_bytes);
      m_merged.add();
    } else {
      PartialLine& p = st.partial[stream_index(cl.stream)];
      if (p.active()) {
        p.append(cl.text, cl.time, info.start, cl.invalid_utf8, m_max_line_bytes);
        if (p.truncated() && !info.truncated) {
          m_truncated.add(); // the joined line was cut (a cut physical line is counted already)
        }
        Flags flags{p.truncated() || info.truncated, p.invalid_utf8(), {}};
        emit_checked(file, st, p.text(), cl.stream, p.time(), flags, true, line.size());
        p.clear();
      } else {
        Flags flags{info.truncated, cl.invalid_utf8, {}};
        emit_checked(file, st, cl.text, cl.stream, cl.time, flags, cl.utf8_unchecked, line.size());
      }
    }
    update_hold(file, st);
  }

  void on_reset(TailedFile& file) override { discard_partials(file); }
  void on_close(TailedFile& file) override { discard_partials(file); }

  void discard_partials(TailedFile& file) {
    auto& st = static_cast<ContainerFileState&>(*file.user);
    for (PartialLine& p : st.partial) {
      if (p.active()) {
        // The rest of this line can never arrive (the file was truncated or is gone).
        m_discarded.add();
        p.clear();
      }
    }
    file.hold_from.reset();
  }

  static void update_hold(TailedFile& file, const ContainerFileState& st) {
    file.hold_from.reset();
    for (const PartialLine& p : st.partial) {
      if (p.active() && (!file.hold_from || p.start() < *file.hold_from)) {
        file.hold_from = p.start();
      }
    }
  }

  using Flags = RecordFlags;

  void emit_checked(TailedFile& file, ContainerFileState& st, std::string_view text,
                    std::string_view stream, std::string_view time, Flags flags, bool check,
                    std::size_t input_bytes) {
    if (flags.truncated) {
      text = trim_cut_character(text);
    }
    if (check && !is_valid_utf8(text)) {
      m_scratch.clear();
      append_utf8_sanitized(text, m_scratch);
      text = m_scratch;
      flags.invalid_utf8 = true;
    }
    emit(file, st, text, stream, time, flags, input_bytes);
  }

  void emit(TailedFile& /*file*/, ContainerFileState& st, std::string_view text,
            std::string_view stream, std::string_view time, const Flags& flags,
            std::size_t input_bytes) {
    if (flags.invalid_utf8) {
      m_invalid_utf8.add();
    }
    Batch& b = batch();
    if (st.pod && st.maps_batch != batch_number()) {
      st.maps = make_pod_maps(b, *st.pod);
      st.maps_batch = batch_number();
    }
    Event& e = add_container_record(b, text, stream, time, st.pod ? &st.maps : nullptr, flags);
    e.meta.source_bytes = static_cast<std::uint32_t>(input_bytes);
    event_added(input_bytes + 1);
  }

  std::size_t m_max_line_bytes;
  ContainerLineDecoder m_decoder;
  std::string m_scratch;
  Counter& m_malformed;
  Counter& m_invalid_utf8;
  Counter& m_merged;
  Counter& m_discarded;
  Counter& m_truncated; // shared with the tailer, which counts cut physical lines
};

std::unique_ptr<Source> make(OptionReader& options, const BuildContext& ctx) {
  TailingOptions o = read_tailing_options(options, {"/var/log/containers/*.log"});
  return std::make_unique<KubernetesLogsSource>(std::move(o), ctx);
}

} // namespace

const SourceDescriptor k_kubernetes_logs_source{
    "kubernetes_logs",
    "Tails Kubernetes container logs (Docker json-file and CRI), joins partial lines and adds "
    "pod metadata from the file name.",
    &make};

} // namespace logship
