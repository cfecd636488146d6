#include "config/pipeline_config.hpp"

#include "config/option_reader.hpp"

#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace logship {

namespace {
struct KindNames {
  const char* section;
  const char* name;
};
KindNames names_of(ComponentKind kind) {
  switch (kind) {
  case ComponentKind::source:
    return {"sources", "source"};
  case ComponentKind::transform:
    return {"transforms", "transform"};
  case ComponentKind::sink:
    return {"sinks", "sink"};
  }
  return {"", ""};
}
} // namespace

const char* kind_section(ComponentKind kind) {
  return names_of(kind).section;
}
const char* kind_name(ComponentKind kind) {
  return names_of(kind).name;
}

namespace {

bool valid_id(const std::string& id) {
  if (id.empty()) {
    return false;
  }
  for (char c : id) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

int line_of(const YAML::Node& n) {
  return n.IsDefined() ? n.Mark().line : -1;
}

void read_section(const YAML::Node& root, ComponentKind kind, PipelineConfig& out,
                  ConfigErrors& errors) {
  const std::string section = kind_section(kind);
  const YAML::Node node = root[section];
  if (!node.IsDefined() || node.IsNull()) {
    return;
  }
  if (!node.IsMap()) {
    errors.add(section, "expected a map of component id to component", line_of(node));
    return;
  }
  for (const auto& kv : node) {
    ComponentConfig c;
    c.kind = kind;
    c.id = kv.first.Scalar();
    c.path = section + "." + c.id;
    c.node = kv.second;
    if (!valid_id(c.id)) {
      errors.add(c.path, "component ids may hold only letters, digits, '_' and '-'",
                 line_of(kv.first));
    }
    if (!c.node.IsMap()) {
      errors.add(c.path, "expected a map with at least `type`", line_of(kv.first));
      continue;
    }
    const YAML::Node type = c.node["type"];
    if (!type.IsDefined() || !type.IsScalar() || type.Scalar().empty()) {
      errors.add(c.path + ".type", "required option is missing", line_of(kv.first));
    } else {
      c.type = type.Scalar();
    }
    const YAML::Node inputs = c.node["inputs"];
    if (kind == ComponentKind::source) {
      if (inputs.IsDefined()) {
        errors.add(c.path + ".inputs", "a source takes no inputs", line_of(inputs));
      }
    } else if (!inputs.IsDefined() || !inputs.IsSequence() || inputs.size() == 0) {
      errors.add(c.path + ".inputs", "expected a non-empty list of component ids",
                 inputs.IsDefined() ? line_of(inputs) : line_of(kv.first));
    } else {
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        c.inputs.push_back(inputs[i].IsScalar() ? inputs[i].Scalar() : std::string{});
      }
    }
    out.components.push_back(std::move(c));
  }
}

void check_graph(const PipelineConfig& cfg, ConfigErrors& errors) {
  std::map<std::string, const ComponentConfig*> by_id;
  for (const ComponentConfig& c : cfg.components) {
    if (!by_id.emplace(c.id, &c).second) {
      errors.add(c.path, fmt::format("component id \"{}\" is used more than once", c.id));
    }
  }
  for (const ComponentConfig& c : cfg.components) {
    for (std::size_t i = 0; i < c.inputs.size(); ++i) {
      const auto it = by_id.find(c.inputs[i]);
      const std::string path = fmt::format("{}.inputs[{}]", c.path, i);
      // The entry's own node: looking the id up again in the section finds the first entry of a
      // repeated id, which may not be a map (yaml-cpp then throws).
      const int line = line_of(c.node["inputs"][i]);
      if (it == by_id.end()) {
        errors.add(path, fmt::format("no component named \"{}\"", c.inputs[i]), line);
      } else if (it->second->kind == ComponentKind::sink) {
        errors.add(path, fmt::format("\"{}\" is a sink and has no output", c.inputs[i]), line);
      }
    }
  }
  // Cycles can only run through transforms.
  std::map<std::string, int> state; // 0 new, 1 on stack, 2 done
  std::function<bool(const ComponentConfig&)> visit = [&](const ComponentConfig& c) {
    state[c.id] = 1;
    for (const std::string& in : c.inputs) {
      const auto it = by_id.find(in);
      if (it == by_id.end() || it->second->kind != ComponentKind::transform) {
        continue;
      }
      const int s = state[in];
      if (s == 1 || (s == 0 && !visit(*it->second))) {
        if (s == 1) {
          errors.add(c.path + ".inputs", fmt::format("cycle through \"{}\"", in));
        }
        return false;
      }
    }
    state[c.id] = 2;
    return true;
  };
  for (const ComponentConfig& c : cfg.components) {
    if (c.kind == ComponentKind::transform && state[c.id] == 0) {
      visit(c);
    }
  }
  bool any_sink = false;
  for (const ComponentConfig& c : cfg.components) {
    any_sink = any_sink || c.kind == ComponentKind::sink;
  }
  if (!cfg.components.empty() && !any_sink) {
    errors.add("sinks", "the pipeline has no sink");
  }
}

void read_service_options(const YAML::Node& root, PipelineConfig& out, ConfigErrors& errors) {
  if (root["api"].IsDefined()) {
    if (!root["api"].IsMap()) {
      errors.add("api", "expected a map, e.g. {address: 127.0.0.1:2020}", line_of(root["api"]));
    } else {
      OptionReader api(root["api"], "api", errors);
      out.api.enabled = api.get_bool("enabled", true);
      out.api.address = api.get_string("address", out.api.address);
      api.finish();
    }
  }
  if (const YAML::Node t = root["drain_timeout_seconds"]; t.IsDefined()) {
    int seconds = 0;
    if (!t.IsScalar() || !YAML::convert<int>::decode(t, seconds) || seconds < 1 || seconds > 3600) {
      errors.add("drain_timeout_seconds", "expected a number of seconds from 1 to 3600",
                 line_of(t));
    } else {
      out.drain_timeout_seconds = seconds;
    }
  }
}

} // namespace

PipelineConfig parse_pipeline_config(const std::string& text, const EnvLookup& env,
                                     ConfigErrors& errors) {
  PipelineConfig out;
  const std::string expanded = expand_env(text, env, errors);
  YAML::Node root;
  try {
    root = YAML::Load(expanded);
  } catch (const YAML::Exception& e) {
    errors.add(fmt::format("line {}", e.mark.line + 1), fmt::format("invalid YAML: {}", e.msg));
    return out;
  }
  if (!root.IsMap()) {
    errors.add("(top level)", "expected a map with `sources` and `sinks`");
    return out;
  }
  for (const auto& kv : root) {
    const std::string k = kv.first.Scalar();
    if (k != "data_dir" && k != "api" && k != "drain_timeout_seconds" && k != "sources" &&
        k != "transforms" && k != "sinks" && k != "tests") {
      errors.add(k, "unknown top-level key", line_of(kv.first));
    }
  }
  if (root["data_dir"].IsDefined()) {
    if (!root["data_dir"].IsScalar()) {
      errors.add("data_dir", "expected a directory path", line_of(root["data_dir"]));
    } else {
      out.data_dir = root["data_dir"].Scalar();
    }
  }
  read_service_options(root, out, errors);
  out.tests = root["tests"];
  read_section(root, ComponentKind::source, out, errors);
  read_section(root, ComponentKind::transform, out, errors);
  read_section(root, ComponentKind::sink, out, errors);
  if (out.components.empty()) {
    errors.add("sources", "the pipeline has no components");
  }
  check_graph(out, errors);
  return out;
}

PipelineConfig load_pipeline_config(const std::string& file, const EnvLookup& env,
                                    ConfigErrors& errors) {
  std::ifstream in(file);
  if (!in) {
    errors.add(file, "cannot read the configuration file");
    return {};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_pipeline_config(ss.str(), env, errors);
}

} // namespace logship
