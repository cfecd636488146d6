// `logship parse`: pushes raw lines (arguments or standard input) through a config's transforms
// and prints the records that reach a sink, as JSON lines; says on stderr which transform dropped
// or holds a line. The replacement for gen3's dockerTest.sh workflow.

#include "app/builtin_components.hpp"
#include "app/command.hpp"
#include "app/commands.hpp"
#include "app/line_record.hpp"
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
  std::string path = k_example_pod_path;
  std::string from;
  std::vector<std::string> lines;
};

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
    return report_config_errors(o.config, errors);
  }
  const auto pod = parse_pod_log_path(o.path);
  ContainerLineDecoder decoder;
  std::size_t line_number = 0;
  std::set<const Event*> printed;
  InlinePipeline::Observer observer;
  observer.delivered = [&](const std::string&, const Event& e) {
    if (printed.insert(&e).second) {
      std::string fields;
      append_json_map(fields, e.fields);
      std::string json;
      append_timestamped_json(json, e.time_ns, fields);
      std::cout << json << "\n";
    }
  };
  // With fan-out a line can be dropped on one branch and delivered on another: it is reported
  // as dropped (or held) only when no branch delivered anything of it.
  std::vector<std::string> stops;
  observer.stopped = [&](const std::string& transform, bool held) {
    stops.push_back(fmt::format("line {}: {} by transform \"{}\"\n", line_number,
                                held ? "held (to be joined with the next lines)" : "dropped",
                                transform));
  };
  auto report_stops = [&] {
    if (printed.empty()) {
      for (const std::string& m : stops) {
        std::cerr << m;
      }
    }
    stops.clear();
    printed.clear();
  };
  auto push = [&](const std::string& raw) {
    ++line_number;
    pipeline->push(from, make_line_record(o.as, pod, decoder, raw), observer);
    report_stops();
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
  pipeline->finish(observer);
  report_stops();
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
