// Fuzzes the gen3 transform's parsers, each against its reference where it has one, and then the
// whole gen3 profile (merge_multiline → gen3) driven through the runtime's InlinePipeline, the
// way `logship parse` runs it.
//
// Every line of the input (made valid UTF-8 first, as the sources make every message):
//  - classification equals gen3's rule regexes (RE2 with Ruby's semantics), also on the whole
//    input, whose lines classify as one text;
//  - the hand-written nginx matcher equals the regex (match, or not, and every capture) unless it
//    gave up, and the access-log time of a match is parsed;
//  - split_raw_line's logger, source and message are views into the line.
// Then the lines go through the pipeline as container records (Docker or CRI lines are decoded as
// the source decodes them, other lines taken as text); every record that reaches the sink is
// written as JSON, which must parse.

#include "app/builtin_components.hpp"
#include "codecs/container_line.hpp"
#include "codecs/json_writer.hpp"
#include "codecs/rfc3339.hpp"
#include "codecs/utf8.hpp"
#include "fuzz_support.hpp"
#include "kubernetes/container_record.hpp"
#include "runtime/inline_pipeline.hpp"
#include "transforms/gen3/access_time.hpp"
#include "transforms/gen3/classify.hpp"
#include "transforms/gen3/combined_matcher.hpp"
#include "transforms/gen3/combined_parser.hpp"
#include "transforms/gen3/raw_shapes.hpp"
#include "transforms/gen3/ruby_regex.hpp"

#include <cstddef>
#include <cstdint>
#include <re2/re2.h>
#include <simdjson.h>
#include <string>
#include <string_view>

namespace {

using namespace logship;

constexpr std::int64_t k_runtime_time = 1'695'000'000'000'000'000;
constexpr const char* k_runtime_time_text = "2023-09-18T01:20:00Z";

// gen3's profile as config/gen3-agent.yaml has it; a group timeout that never fires during a run
// keeps the run deterministic (the groups are closed by finish()); small group caps are reached.
constexpr const char* k_config = R"(
sources:
  containers: {type: kubernetes_logs, include: ["/var/log/containers/*.log"]}
transforms:
  multiline: {type: merge_multiline, inputs: [containers], timeout_ms: 3600000, max_lines: 20,
              max_bytes: 1024}
  gen3: {type: gen3, inputs: [multiline], drop_namespaces: [kube-system, logging]}
sinks:
  out: {type: blackhole, inputs: [gen3]}
)";

struct Reference {
  std::unique_ptr<re2::RE2> json = compile_ruby_regex(k_gen3_rules.json);
  std::unique_ptr<re2::RE2> combined = compile_ruby_regex(k_gen3_rules.combined);
  std::unique_ptr<re2::RE2> non_space = compile_ruby_regex(k_gen3_rules.non_space);

  LogType classify(std::string_view t) const {
    const re2::StringPiece s(t.data(), t.size());
    if (RE2::PartialMatch(s, *json)) {
      return LogType::json;
    }
    if (RE2::PartialMatch(s, *combined)) {
      return LogType::combined;
    }
    return RE2::PartialMatch(s, *non_space) ? LogType::raw : LogType::blank;
  }
};

struct Pipeline {
  MetricsRegistry metrics;
  std::unique_ptr<InlinePipeline> pipeline;
  std::optional<PodLogPath> pod = parse_pod_log_path(
      "/var/log/containers/example-pod_default_app-" + std::string(64, '0') + ".log");

  Pipeline() {
    ConfigErrors errors;
    const PipelineConfig config = parse_pipeline_config(
        k_config, [](const std::string&) { return std::nullopt; }, errors);
    pipeline = InlinePipeline::build(config, builtin_components(), metrics, errors);
    LOGSHIP_FUZZ_CHECK(errors.empty() && pod.has_value());
  }
};

bool within(std::string_view part, std::string_view line) {
  return part.empty() ||
         (part.data() >= line.data() && part.data() + part.size() <= line.data() + line.size());
}

void check_parsers(std::string_view line) {
  static const Reference reference;
  static const Classifier classifier;
  static const CombinedParser parser;
  LOGSHIP_FUZZ_CHECK(classifier.classify(line) == reference.classify(line));

  CombinedLine hand;
  CombinedLine regex;
  const bool regex_match = parser.parse_with_regex(line, regex);
  const HandMatch m = match_nginx_line(line, hand);
  if (m != HandMatch::gave_up) {
    LOGSHIP_FUZZ_CHECK((m == HandMatch::match) == regex_match);
    for (std::size_t i = 0; regex_match && i < regex.groups.size(); ++i) {
      LOGSHIP_FUZZ_CHECK((hand.groups[i].data() == nullptr) == (regex.groups[i].data() == nullptr));
      LOGSHIP_FUZZ_CHECK(hand.groups[i] == regex.groups[i]);
    }
  }
  if (regex_match) {
    (void)parse_access_log_time(regex.groups[CombinedLine::k_time]);
  }
  (void)parse_access_log_time(line);

  const RawParts parts = split_raw_line(line, k_runtime_time);
  if (parts.shape != RawParts::Shape::none) {
    // (The level may be a canonical name rather than the line's spelling.)
    LOGSHIP_FUZZ_CHECK(within(parts.logger, line) && within(parts.source, line) &&
                       within(parts.message, line));
  }
}

// One line as the kubernetes_logs source makes it into a record (pieces are not joined here).
void add_record(Batch& b, const PodMaps& maps, ContainerLineDecoder& decoder, std::string_view raw,
                std::string& scratch) {
  scratch.assign(raw);
  scratch.append(k_line_padding, '\0');
  const ContainerLine cl = decoder.decode(std::string_view(scratch.data(), raw.size()));
  std::string text;
  bool invalid = false;
  std::string_view stream = "stdout";
  std::string_view time = k_runtime_time_text;
  if (cl.format == LineFormat::malformed) {
    invalid = append_utf8_sanitized(raw, text) > 0;
  } else {
    invalid = append_utf8_sanitized(cl.text, text) > 0 || cl.invalid_utf8;
    stream = cl.stream;
    // The source takes the runtime's time; one that does not parse would be "now".
    time = parse_rfc3339(cl.time) ? cl.time : time;
  }
  add_container_record(b, text, stream, time, &maps, RecordFlags{false, invalid, {}});
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Pipeline p;
  static ContainerLineDecoder decoder;
  static simdjson::dom::parser json;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  std::string text;
  append_utf8_sanitized(input, text);
  {
    static const Reference reference;
    static const Classifier classifier;
    LOGSHIP_FUZZ_CHECK(classifier.classify(text) == reference.classify(text));
  }
  for (const std::string_view line : fuzz::split_lines(text)) {
    check_parsers(line);
  }

  InlinePipeline::Observer observer;
  std::string written;
  observer.delivered = [&](const std::string&, const Event& e) {
    written.clear();
    append_json_map(written, e.fields);
    simdjson::dom::element doc;
    LOGSHIP_FUZZ_CHECK(json.parse(written).get(doc) == simdjson::SUCCESS);
    LOGSHIP_FUZZ_CHECK(doc.is_object());
  };
  observer.stopped = [](const std::string&, bool) {};
  std::string scratch;
  for (const std::string_view raw : fuzz::split_lines(input)) {
    auto batch = std::make_shared<Batch>(1);
    const PodMaps maps = make_pod_maps(*batch, *p.pod);
    add_record(*batch, maps, decoder, raw, scratch);
    p.pipeline->push("containers", std::move(batch), observer);
  }
  p.pipeline->finish(observer);
  return 0;
}
