// `logship parse`: pushes raw lines (arguments or standard input) through a config's transforms
// and prints the records that reach a sink, as JSON lines; says on stderr which transform dropped
// or holds a line. The replacement for gen3's dockerTest.sh workflow.

#include "app/builtin_components.hpp"
#include "app/command.hpp"
#include "codecs/container_line.hpp"
#include "codecs/json_writer.hpp"
#include "codecs/utf8.hpp"
#include "kubernetes/container_record.hpp"
#include "runtime/inline_pipeline.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace logship {

namespace {

struct ParseOptions {
  std::string config;
  std::string as = "auto";
  std::string path = "/var/log/containers/example-pod_default_app-" + std::string(64, '0') + ".log";
  std::string from;
  std::vector<std::string> lines;
};

// One input line as the kubernetes_logs source would make it (pieces are not joined here).
BatchPtr make_record(const ParseOptions& o, const std::optional<PodLogPath>& pod,
                     ContainerLineDecoder& decoder, const std::string& raw) {
  auto batch = std::make_shared<Batch>(1);
  const PodMaps maps = pod ? make_pod_maps(*batch, *pod) : PodMaps{};
  const PodMaps* m = pod ? &maps : nullptr;
  std::string padded = raw;
  padded.append(k_line_padding, '\0');
  const std::string_view line(padded.data(), raw.size());
  if (o.as != "text") {
    const ContainerLine cl = decoder.decode(line);
    const bool wrong_format = (o.as == "docker" && cl.format == LineFormat::cri) ||
                              (o.as == "cri" && cl.format == LineFormat::docker);
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
    if (o.as != "auto") {
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

int run_parse(const ParseOptions& o) {
  ConfigErrors errors;
  const PipelineConfig config = load_pipeline_config(o.config, process_env(), errors);
  MetricsRegistry metrics;
  auto pipeline = InlinePipeline::build(config, builtin_components(), metrics, errors);
  std::string from = o.from;
  if (errors.empty() && from.empty()) {
    const auto sources = pipeline->source_ids();
    if (sources.empty()) {
      errors.add("sources", "the configuration has no source to feed; name one with --from");
    } else {
      from = sources.front();
    }
  }
  if (errors.empty() && !pipeline->has_component(from)) {
    errors.add("--from", fmt::format("no component named \"{}\"", from));
  }
  if (!errors.empty()) {
    for (const std::string& e : errors.all()) {
      fmt::print(stderr, "{}: {}\n", o.config, e);
    }
    return 78;
  }
  const auto pod = parse_pod_log_path(o.path);
  ContainerLineDecoder decoder;
  std::size_t line_number = 0;
  std::set<const Event*> printed;
  InlinePipeline::Observer observer;
  observer.delivered = [&](const std::string&, const Event& e) {
    if (printed.insert(&e).second) {
      std::string json;
      append_json_map(json, e.fields);
      std::cout << json << "\n";
    }
  };
  observer.stopped = [&](const std::string& transform, bool held) {
    std::cerr << fmt::format("line {}: {} by transform \"{}\"\n", line_number,
                             held ? "held (to be joined with the next lines)" : "dropped",
                             transform);
  };
  auto push = [&](const std::string& raw) {
    ++line_number;
    printed.clear();
    pipeline->push(from, make_record(o, pod, decoder, raw), observer);
  };
  if (!o.lines.empty()) {
    for (const std::string& l : o.lines) {
      push(l);
    }
  } else {
    std::string l;
    while (std::getline(std::cin, l)) {
      push(l);
    }
  }
  printed.clear();
  pipeline->finish(observer);
  std::cout.flush();
  return 0;
}

} // namespace

Command add_parse_command(CLI::App& app) {
  auto o = std::make_shared<ParseOptions>();
  auto* sub = app.add_subcommand(
      "parse", "Push lines (arguments or standard input) through a config's transforms; print "
               "the records.");
  add_version_flag(*sub);
  sub->add_option("-c,--config", o->config, "Pipeline configuration (YAML)")->required();
  sub->add_option("--as", o->as,
                  "How to read each line: auto (Docker or CRI line, else bare text), docker, "
                  "cri, or text")
      ->check(CLI::IsMember({"auto", "docker", "cri", "text"}));
  sub->add_option("--path", o->path,
                  "Container log file the lines come from (gives the pod metadata)");
  sub->add_option("--from", o->from,
                  "Component whose output the lines are (default: the first "
                  "source)");
  sub->add_option("lines", o->lines, "Lines to parse (default: standard input)");
  return {sub, [o] { return run_parse(*o); }};
}

} // namespace logship
