#pragma once
// Sink `local_store`: the embedded default. Records go into the local store (src/store/: SQLite,
// records in zstd-compressed chunks per container, indexed for time, namespace, pod, container,
// log_type, level and status, full-text search over the message), which `logship query`
// searches. Each batch is one transaction. Retention deletes whole chunks (a container's records
// from one batch): those whose newest record is older than `max_age_hours` (by event time), so a
// record may outlive the cutoff by as long as its chunk spans; and the oldest chunks while the
// database is larger than `max_bytes`. `records_deleted` counts records.
//
//   path           the store directory (default <data_dir>/store)
//   max_age_hours  default 168; 0 keeps records forever
//   max_bytes      default 1 GiB; 0 means no limit

#include "runtime/component.hpp"

namespace logship {

extern const SinkDescriptor k_local_store_sink;

} // namespace logship
