#pragma once
// Transform `gen3`: gen3's container-log contract. Drops events of the namespaces in
// `drop_namespaces` (default kube-system, logging), classifies `message` exactly as gen3's
// rewrite rules do (json / combined / raw; blank lines dropped) into `log_type`, and extracts
// structured fields: gen3log JSON keys merged with their JSON types (time from `date_access`),
// nginx access-log fields typed (`code`, `size` numbers; `-` absent; time from `[...]`), and raw
// lines of a known shape (cdislogging, klog, Go's log, nginx's error log; `raw_shapes.hpp`) split
// into time, `level`, `logger`, `source`, `pid` and the rest as `message` (`split_raw: false`
// keeps raw lines whole). Every
// drop and every parse failure is counted; a JSON parse failure is flagged in
// `logship.parse_error` and the event kept.

#include "runtime/component.hpp"

namespace logship {

extern const TransformDescriptor k_gen3_transform;

} // namespace logship
