#pragma once
// Delivers the events of one log stream: PutLogEvents calls over the planned ranges, with
//  - ResourceNotFoundException: the stream is created (and the group, when create_missing_group
//    is on, with its retention), then the call is sent again; no DescribeLogStreams per batch;
//  - throttling, 5xx, network errors and unknown errors: retried with capped, jittered
//    exponential backoff until they succeed or the sink is cancelled;
//  - InvalidParameterException for a call: the range is halved and each half sent, so one bad
//    event cannot hold back the others; a single event refused alone is dropped, counted and
//    logged with CloudWatch's reason;
//  - authentication errors: credentials are fetched anew and the call tried again, up to
//    `max_auth_attempts`; then delivery fails with a permanent error naming the cause;
//  - rejectedLogEventsInfo in an accepted answer: the rejected events are sent again once with
//    the current time (counted in events_resent); rejected again, they are counted as lost.
// A CwlDelivery belongs to one worker thread (it owns that worker's client and scratch body).

#include "codecs/json_writer.hpp"
#include "runtime/cancel_signal.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_backoff.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_batcher.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_client.hpp"
#include "sinks/aws_cloudwatch_logs/cwl_counters.hpp"

#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace logship {

// One stream's share of a batch: messages back to back in `text`, events viewing into it.
struct CwlStreamWork {
  std::string group;
  std::string stream;
  std::string text;
  JsonMapMemo memo;                // the nested maps written into `text` (valid for one batch)
  std::vector<std::size_t> starts; // where each event's message starts in `text`
  std::vector<std::int64_t> times; // each event's timestamp, ms
  std::vector<std::uint32_t>
      plain_sizes;              // 0: the message is plain text; else escaped JSON of this size
  std::vector<CwlEvent> events; // sorted by time (made from the above by the router)
  std::vector<CwlBatchRange> ranges;
};

struct CwlDeliveryPolicy {
  CwlBackoffPolicy backoff;
  bool create_missing_group = false;
  std::optional<int> retention_in_days; // applied to groups this sink creates
  unsigned max_auth_attempts = 3;
};

class CwlDelivery {
public:
  CwlDelivery(CwlClient client, const CwlDeliveryPolicy& policy, CwlCounters& counters,
              CancelSignal& cancel, std::uint64_t seed);

  // Every event of `work` sent (or dropped and counted as described above); an error when
  // cancelled or when authentication keeps failing (then marked permanent).
  Result<void> deliver(CwlStreamWork& work);

private:
  enum class Outcome { sent, bisect, dropped };
  // One PutLogEvents call for `events` (sorted, within the limits), retried as described above.
  tl::expected<Outcome, Error> send(CwlStreamWork& work, std::span<const CwlEvent> events,
                                    bool resend);
  // After a 2xx: counts, and sends rejected events again once (resend = false) with the current
  // time; rejected again, they are counted as lost.
  tl::expected<Outcome, Error> accepted(CwlStreamWork& work, std::span<const CwlEvent> events,
                                        std::string_view answer, bool resend);
  tl::expected<void, CwlError> create_stream(const CwlStreamWork& work);
  tl::expected<void, CwlError> create_group(const CwlStreamWork& work);
  // Counts and logs a failed call; sleeps the backoff. False when cancelled.
  bool back_off(const CwlStreamWork& work, const CwlError& e, unsigned attempt);

  CwlClient m_client;
  const CwlDeliveryPolicy& m_policy;
  CwlCounters& m_counters;
  CancelSignal& m_cancel;
  std::mt19937_64 m_random;
  std::string m_body;
  std::string m_small_body; // create calls, so m_body keeps the batch being retried
};

} // namespace logship
