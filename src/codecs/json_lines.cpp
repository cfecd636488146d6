#include "codecs/json_lines.hpp"

#include "codecs/json_writer.hpp"

namespace logship {

void append_json_lines(const Batch& batch, LineEncoding encoding, std::string& out) {
  for (const Event& e : batch.events()) {
    if (encoding == LineEncoding::json) {
      append_json_map(out, e.fields);
    } else if (const Value* m = find_field(e.fields, "message")) {
      if (m->kind() == ValueKind::string) {
        out.append(m->as_string());
      } else {
        append_json_value(out, *m);
      }
    }
    out.push_back('\n');
  }
}

} // namespace logship
