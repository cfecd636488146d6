#include "sinks/aws_cloudwatch_logs/cwl_delivery.hpp"

#include <fmt/format.h>
#include <span>
#include <spdlog/spdlog.h>

namespace logship {

namespace {

bool is_throttling(const CwlError& e) {
  return e.http_status == 429 || e.code.find("Throttl") != std::string::npos ||
         e.code == "LimitExceededException" || e.code == "TooManyRequestsException";
}

std::string describe(const CwlError& e) {
  if (e.http_status == 0) {
    return fmt::format("{}: {}", e.code, e.message);
  }
  return fmt::format("HTTP {} {}: {}", e.http_status, e.code.empty() ? "(no code)" : e.code,
                     e.message);
}

} // namespace

CwlDelivery::CwlDelivery(CwlClient client, const CwlDeliveryPolicy& policy, CwlCounters& counters,
                         CancelSignal& cancel, std::uint64_t seed)
    : m_client(std::move(client)), m_policy(policy), m_counters(counters), m_cancel(cancel),
      m_random(seed) {}

Result<void> CwlDelivery::deliver(CwlStreamWork& work) {
  // A worklist rather than the plan itself: bisecting replaces a range by its two halves.
  std::vector<CwlBatchRange> todo(work.ranges.rbegin(), work.ranges.rend());
  while (!todo.empty()) {
    const CwlBatchRange range = todo.back();
    todo.pop_back();
    auto outcome = send(
        work, std::span<const CwlEvent>(work.events.data() + range.begin, range.size()), false);
    if (!outcome) {
      return tl::unexpected(outcome.error());
    }
    if (*outcome == Outcome::bisect) {
      const std::size_t mid = range.begin + range.size() / 2;
      CwlBatchRange first{range.begin, mid, 0};
      CwlBatchRange second{mid, range.end, 0};
      todo.push_back(second);
      todo.push_back(first);
    }
  }
  return {};
}

tl::expected<CwlDelivery::Outcome, Error>
CwlDelivery::send(CwlStreamWork& work, std::span<const CwlEvent> events, bool resend) {
  build_put_log_events_body(m_body, work.group, work.stream, events);
  unsigned attempt = 0;
  unsigned auth_failures = 0;
  bool just_created = false;
  while (true) {
    if (m_cancel.cancelled()) {
      return tl::unexpected(Error{"cancelled by a hard stop"});
    }
    if (attempt > 0 || auth_failures > 0) {
      m_counters.retries.add();
    }
    m_counters.requests.add();
    CwlReply reply = m_client.call(CwlOperation::put_log_events, m_body);
    if (reply) {
      m_counters.bytes_sent.add(m_body.size());
      return accepted(work, events, *reply, resend);
    }
    CwlError& e = reply.error();
    switch (e.kind) {
    case CwlErrorClass::already_exists: // DataAlreadyAcceptedException from old endpoints
      m_counters.events_sent.add(events.size());
      return Outcome::sent;
    case CwlErrorClass::resource_not_found:
      if (!just_created) {
        if (auto c = create_stream(work); !c) {
          e = std::move(c.error());
          break; // handled below like any failed call
        }
        just_created = true;
        continue;
      }
      just_created = false; // created, yet not found (eventual consistency): back off, create again
      break;
    case CwlErrorClass::auth:
      m_counters.auth_errors.add();
      if (++auth_failures < m_policy.max_auth_attempts) {
        spdlog::warn("CloudWatch Logs refused the request for {} / {} (credentials or "
                     "permissions: {}); fetching credentials again.",
                     work.group, work.stream, describe(e));
        m_client.refresh_credentials();
        continue;
      }
      return make_permanent_error(fmt::format(
          "CloudWatch Logs authentication failed {} times for log group {}: {}. Check the "
          "credentials (environment, profile, IRSA role, instance role) and that the role may "
          "call logs:PutLogEvents and logs:CreateLogStream on the group (deploy/iam-policy.json).",
          auth_failures, work.group, describe(e)));
    case CwlErrorClass::invalid:
      if (events.size() > 1) {
        spdlog::warn("CloudWatch Logs refused a call of {} events to {} / {} ({}); sending it "
                     "in halves to find the event it refuses.",
                     events.size(), work.group, work.stream, describe(e));
        return Outcome::bisect;
      }
      m_counters.events_dropped_invalid.add();
      spdlog::error("CloudWatch Logs refused an event of {} / {} (timestamp {} ms, {} bytes): {}. "
                    "It is dropped and counted in events_dropped_invalid.",
                    work.group, work.stream, events.front().timestamp_ms, events.front().size(),
                    describe(e));
      return Outcome::dropped;
    default:
      break;
    }
    if (!back_off(work, e, attempt++)) {
      return tl::unexpected(Error{"cancelled by a hard stop"});
    }
  }
}

bool CwlDelivery::back_off(const CwlStreamWork& work, const CwlError& e, unsigned attempt) {
  if (e.code == "NetworkError") {
    m_counters.network_errors.add();
  } else if (is_throttling(e)) {
    m_counters.throttled.add();
  } else if (e.http_status >= 500 || e.kind == CwlErrorClass::retryable) {
    m_counters.server_errors.add();
  }
  const auto delay = cwl_backoff_delay(m_policy.backoff, attempt, m_random);
  // The first failure and then every tenth: a long outage stays visible without flooding.
  if (attempt % 10 == 0) {
    const bool expected = e.kind == CwlErrorClass::retryable;
    spdlog::log(expected ? spdlog::level::warn : spdlog::level::err,
                "CloudWatch Logs call for {} / {} failed ({}), attempt {}; retrying in {} ms.",
                work.group, work.stream, describe(e), attempt + 1, delay.count());
  }
  return m_cancel.sleep_for(delay);
}

tl::expected<void, CwlError> CwlDelivery::create_stream(const CwlStreamWork& work) {
  for (int round = 0; round < 2; ++round) {
    build_create_log_stream_body(m_small_body, work.group, work.stream);
    m_counters.requests.add();
    CwlReply reply = m_client.call(CwlOperation::create_log_stream, m_small_body);
    if (reply) {
      m_counters.streams_created.add();
      return {};
    }
    if (reply.error().kind == CwlErrorClass::already_exists) {
      return {};
    }
    if (reply.error().kind != CwlErrorClass::resource_not_found || round > 0) {
      return tl::unexpected(std::move(reply.error()));
    }
    if (!m_policy.create_missing_group) {
      return tl::unexpected(CwlError{
          CwlErrorClass::other, reply.error().http_status, "ResourceNotFoundException",
          fmt::format("log group {} does not exist; create it, or set create_missing_group: true "
                      "(the role then needs logs:CreateLogGroup)",
                      work.group)});
    }
    if (auto g = create_group(work); !g) {
      return g;
    }
  }
  return {};
}

tl::expected<void, CwlError> CwlDelivery::create_group(const CwlStreamWork& work) {
  build_create_log_group_body(m_small_body, work.group);
  m_counters.requests.add();
  CwlReply reply = m_client.call(CwlOperation::create_log_group, m_small_body);
  if (!reply && reply.error().kind != CwlErrorClass::already_exists) {
    return tl::unexpected(std::move(reply.error()));
  }
  if (!reply) {
    return {}; // someone else created it: its retention is theirs
  }
  m_counters.groups_created.add();
  spdlog::info("Created CloudWatch Logs group {}.", work.group);
  if (m_policy.retention_in_days) {
    build_put_retention_policy_body(m_small_body, work.group, *m_policy.retention_in_days);
    m_counters.requests.add();
    if (CwlReply r = m_client.call(CwlOperation::put_retention_policy, m_small_body); !r) {
      // The logs still flow; the retention can be set by hand.
      spdlog::error("Could not set the retention of log group {} to {} days: {}", work.group,
                    *m_policy.retention_in_days, describe(r.error()));
    }
  }
  return {};
}

tl::expected<CwlDelivery::Outcome, Error> CwlDelivery::accepted(CwlStreamWork& work,
                                                                std::span<const CwlEvent> events,
                                                                std::string_view answer,
                                                                bool resend) {
  Result<CwlRejectedEvents> rejected = parse_put_log_events_response(answer);
  if (!rejected) {
    spdlog::warn("CloudWatch Logs accepted a call to {} / {} with an answer that is not JSON "
                 "({}); counting all its events as sent.",
                 work.group, work.stream, rejected.error().message);
  }
  if (!rejected || !rejected->any()) {
    m_counters.events_sent.add(events.size());
    return Outcome::sent;
  }
  const std::size_t n = rejected->count(events.size());
  m_counters.events_sent.add(events.size() - n);
  const std::string where =
      fmt::format("too new from index {}, too old before {}, expired before {}",
                  rejected->too_new_start ? fmt::format("{}", *rejected->too_new_start) : "-",
                  rejected->too_old_end ? fmt::format("{}", *rejected->too_old_end) : "-",
                  rejected->expired_end ? fmt::format("{}", *rejected->expired_end) : "-");
  if (resend) {
    m_counters.events_rejected.add(n);
    spdlog::error("CloudWatch Logs rejected {} of {} events sent again to {} / {} with the "
                  "current time ({}); they are lost, counted in events_rejected.",
                  n, events.size(), work.group, work.stream, where);
    return Outcome::sent;
  }
  // Sent again once, stamped with the current time (the record keeps its own time fields), so a
  // retention shorter than CloudWatch's window or a skewed clock does not lose them.
  m_counters.events_resent.add(n);
  spdlog::warn("CloudWatch Logs rejected {} of {} events sent to {} / {} ({}); sending them again "
               "with the current time (counted in events_resent).",
               n, events.size(), work.group, work.stream, where);
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  std::vector<CwlEvent> again;
  again.reserve(n);
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (rejected->is_rejected(i)) {
      CwlEvent e = events[i]; // the message as it was encoded (escaped or not)
      e.timestamp_ms = now_ms;
      again.push_back(e);
    }
  }
  auto outcome = send(work, again, true);
  if (outcome && *outcome == Outcome::bisect) {
    // Refused as a whole after being rejected one by one: nothing more to try.
    m_counters.events_dropped_invalid.add(again.size());
    spdlog::error("CloudWatch Logs refused {} rejected events sent again to {} / {}; they are "
                  "dropped, counted in events_dropped_invalid.",
                  again.size(), work.group, work.stream);
    return Outcome::sent;
  }
  return outcome;
}

} // namespace logship
