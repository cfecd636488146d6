#pragma once
// The counters of one aws_cloudwatch_logs sink (shown in the final counters and, later,
// /metrics). Every event that does not reach CloudWatch as it came is counted under a reason.

#include "core/metrics.hpp"

#include <string_view>

namespace logship {

struct CwlCounters {
  CwlCounters(MetricsRegistry& m, std::string_view id)
      : events_sent(m.counter(id, "events_sent")), requests(m.counter(id, "requests")),
        bytes_sent(m.counter(id, "bytes_sent")), retries(m.counter(id, "retries")),
        throttled(m.counter(id, "throttled")), server_errors(m.counter(id, "server_errors")),
        network_errors(m.counter(id, "network_errors")), auth_errors(m.counter(id, "auth_errors")),
        streams_created(m.counter(id, "streams_created")),
        groups_created(m.counter(id, "groups_created")),
        events_clamped_too_old(m.counter(id, "events_clamped_too_old")),
        events_clamped_too_new(m.counter(id, "events_clamped_too_new")),
        events_split(m.counter(id, "events_split")), parts_sent(m.counter(id, "event_parts")),
        events_resent(m.counter(id, "events_resent")),
        events_rejected(m.counter(id, "events_rejected")),
        events_dropped_invalid(m.counter(id, "events_dropped_invalid")),
        events_unrouted(m.counter(id, "events_unrouted")),
        events_dropped_unroutable(m.counter(id, "events_dropped_unroutable")),
        names_sanitized(m.counter(id, "names_sanitized")) {}

  Counter& events_sent;               // accepted by CloudWatch (parts counted one by one)
  Counter& requests;                  // every call, whatever its answer
  Counter& bytes_sent;                // request bodies of accepted PutLogEvents calls
  Counter& retries;                   // calls sent again after an error
  Counter& throttled;                 // ThrottlingException and other throttling answers
  Counter& server_errors;             // 5xx and ServiceUnavailable
  Counter& network_errors;            // no HTTP answer: refused, reset, timed out
  Counter& auth_errors;               // credentials missing or refused
  Counter& streams_created;           // CreateLogStream calls that created a stream
  Counter& groups_created;            // CreateLogGroup calls that created a group
  Counter& events_clamped_too_old;    // sent with the oldest timestamp CloudWatch takes
  Counter& events_clamped_too_new;    // sent with the newest timestamp CloudWatch takes
  Counter& events_split;              // events too large for one CloudWatch event, sent in parts
  Counter& parts_sent;                // the parts those were sent as
  Counter& events_resent;             // rejected once, sent again with the current time
  Counter& events_rejected;           // rejected again after being sent again: lost
  Counter& events_dropped_invalid;    // refused alone with InvalidParameterException
  Counter& events_unrouted;           // stream template failed: sent to the fallback stream
  Counter& events_dropped_unroutable; // group template failed and no fallback group
  Counter& names_sanitized;           // streams whose rendered group/stream name was made valid
};

} // namespace logship
