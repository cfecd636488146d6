#pragma once
// Sink `aws_cloudwatch_logs`: ships records to CloudWatch Logs with PutLogEvents (SigV4-signed,
// the AWS credential chain). Group and stream names come from templates (Vector's syntax, see
// codecs/event_template.hpp); each event's message is the record as compact JSON, or the
// `message` field alone with `encoding: text`. A batch's streams are delivered in parallel
// (`concurrency` connections), each stream's events in time order within CloudWatch's limits; a
// batch counts as delivered when every one of its events was accepted by CloudWatch or dropped
// and counted for a reason that retrying cannot fix. See cwl_delivery.hpp for the error handling
// and cwl_router.hpp for routing, timestamps and oversize events.

#include "runtime/component.hpp"

namespace logship {

extern const SinkDescriptor k_aws_cloudwatch_logs_sink;

} // namespace logship
