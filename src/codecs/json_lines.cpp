#include "codecs/json_lines.hpp"

#include "codecs/json_writer.hpp"

namespace logship {

void append_json_lines(const Batch& batch, LineEncoding encoding, std::string& out) {
  JsonWriter w(out);
  for (const Event& e : batch.events()) {
    if (encoding == LineEncoding::json) {
      w.map(e.fields);
    } else if (const Value* m = find_field(e.fields, "message")) {
      if (m->kind() == ValueKind::string) {
        w.raw(m->as_string());
      } else {
        w.value(*m);
      }
    }
    w.raw('\n');
  }
}

} // namespace logship
