#include "app/line_record.hpp"

#include "codecs/utf8.hpp"
#include "kubernetes/container_record.hpp"

namespace logship {

// One input line as the kubernetes_logs source would make it (pieces are not joined here).
BatchPtr make_line_record(const std::string& as, const std::optional<PodLogPath>& pod,
                          ContainerLineDecoder& decoder, const std::string& raw) {
  auto batch = std::make_shared<Batch>(1);
  const PodMaps maps = pod ? make_pod_maps(*batch, *pod) : PodMaps{};
  const PodMaps* m = pod ? &maps : nullptr;
  std::string padded = raw;
  padded.append(k_line_padding, '\0');
  const std::string_view line(padded.data(), raw.size());
  if (as != "text") {
    const ContainerLine cl = decoder.decode(line);
    const bool wrong_format = (as == "docker" && cl.format == LineFormat::cri) ||
                              (as == "cri" && cl.format == LineFormat::docker);
    if (cl.format != LineFormat::malformed && !wrong_format) {
      std::string text(cl.text);
      RecordFlags flags{false, cl.invalid_utf8, {}};
      if (cl.utf8_unchecked && !is_valid_utf8(text)) {
        std::string fixed;
        append_utf8_sanitized(text, fixed);
        text.swap(fixed);
        flags.invalid_utf8 = true;
      }
      add_container_record(*batch, text, cl.stream, cl.time, m, flags);
      return batch;
    }
    if (as != "auto") {
      add_container_record(
          *batch, cl.text, {}, {}, m,
          RecordFlags{false, cl.invalid_utf8,
                      wrong_format ? "not a line of the format asked for" : cl.error});
      return batch;
    }
  }
  std::string text;
  const bool invalid = append_utf8_sanitized(raw, text) > 0;
  add_container_record(*batch, text, "stdout", {}, m, RecordFlags{false, invalid, {}});
  return batch;
}

} // namespace logship
