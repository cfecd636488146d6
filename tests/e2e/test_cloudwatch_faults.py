"""The aws_cloudwatch_logs sink against a fault-injecting fake CloudWatch Logs endpoint
(fake_cwl.py): throttling storms, 500s, slow answers, connection resets, a 400 for one batch and
partial rejections. Each case ships numbered lines from two pods with --exit-on-eof and checks
that every line arrived, that no line arrived twice (beyond the one batch in flight when a slow
answer timed out), and that the sink's counters say what happened."""

import collections
import json
import os
import sys
import unittest
from datetime import datetime, timedelta, timezone

import aws_support
import fake_cwl
import support
from support import docker_line

GROUP = "/gen3/faults"
LINES = 6_000
PODS = ("web-1-5b9c6d7f8-abcde", "web-2-5b9c6d7f8-fghij")



class CloudWatchFaultsTest(support.E2ETestCase):
    def setUp(self):
        super().setUp()
        self.fake = fake_cwl.FakeCloudWatchLogs(groups=[GROUP]).start()
        self.addCleanup(self.fake.stop)
        start = datetime.now(timezone.utc) - timedelta(minutes=30)
        for p, pod in enumerate(PODS):
            lines = [docker_line(support.numbered(n), time=support.rfc3339(start + timedelta(milliseconds=n)))
                     for n in range(p, LINES, len(PODS))]
            support.write_file(support.pod_file(self.logs, pod, "default", "web"), b"".join(lines))

    def ship(self, **sink_options):
        options = {"group": GROUP, "endpoint": self.fake.endpoint, "region": "us-east-1",
                   "retry_initial_backoff_ms": 5, "retry_max_backoff_ms": 100}
        options.update(sink_options)
        config = aws_support.cloudwatch_config(self.data_dir, [os.path.join(self.logs, "*.log")],
                                               options, gen3=False)
        env = aws_support.child_env({"AWS_ACCESS_KEY_ID": "AKIDFAKE", "AWS_SECRET_ACCESS_KEY": "fake",
                                     "AWS_EC2_METADATA_DISABLED": "true",
                                     "AWS_CONFIG_FILE": os.path.join(self.tmp, "none"),
                                     "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.tmp, "none")})
        ls = self.logship()
        ls.start(config, exit_on_eof=True, env=env)
        stderr = ls.wait(120 * support.TIMEOUT_SCALE)
        self.assertEqual(self.fake.internal_errors(), [])
        return support.final_counters(stderr)["cw"]

    def delivered(self, ordered=True):
        """{number: times stored}, checking each stream's name (and time order) on the way."""
        counts = collections.Counter()
        for stream, events in self.fake.streams(GROUP).items():
            self.assertIn(stream.split(".", 1)[1], PODS)
            stamps = [t for t, _ in events]
            if ordered:
                self.assertEqual(stamps, sorted(stamps), f"{stream}: out of time order")
            for _, message in events:
                counts.update(support.numbers([json.loads(message)]))
        return counts

    def check_all_once(self, counters, max_duplicates=0, what=""):
        # Events sent again after a rejection carry the time they were sent again.
        counts = self.delivered(ordered=counters["events_resent"] == 0)
        missing = set(range(LINES)) - set(counts)
        duplicated = {n: c for n, c in counts.items() if c > 1}
        self.assertEqual(missing, set(), f"{what}: lines lost")
        self.assertLessEqual(sum(c - 1 for c in duplicated.values()), max_duplicates,
                             f"{what}: duplicates")
        self.assertEqual(counters["events_in"], LINES)
        self.assertEqual(counters["events_out"], LINES)
        self.assertEqual(counters["batches_given_up"], 0)
        sys.stderr.write(f"[ cwl faults ] {what}: {LINES} lines written, {len(counts)} delivered, "
                         f"{sum(c - 1 for c in duplicated.values())} duplicated, requests "
                         f"{dict(self.fake.outcomes('PutLogEvents'))}; sink: "
                         + ", ".join(f"{k}={counters[k]}" for k in (
                             "requests", "retries", "throttled", "server_errors",
                             "network_errors", "events_resent", "events_rejected",
                             "events_dropped_invalid")) + "\n")
        return counts

    def test_a_throttling_storm_costs_time_not_lines(self):
        self.fake.faults.next("throttle", 60)
        counters = self.ship()
        self.check_all_once(counters, what="60 throttled calls")
        self.assertEqual(counters["throttled"], 60)
        self.assertEqual(counters["events_sent"], LINES)

    def test_server_errors_are_retried(self):
        self.fake.faults.every(3, "error500").at(2, "error503")
        counters = self.ship()
        self.check_all_once(counters, what="every 3rd call 500, one 503")
        outcomes = self.fake.outcomes("PutLogEvents")
        self.assertEqual(counters["server_errors"],
                         outcomes["InternalFailure"] + outcomes["ServiceUnavailableException"])
        self.assertGreater(counters["server_errors"], 0)

    def test_connection_resets_are_retried(self):
        for n in (2, 3, 5, 6, 9):
            self.fake.faults.at(n, "reset")
        counters = self.ship()
        self.check_all_once(counters, what="5 connection resets")
        self.assertEqual(self.fake.outcomes("PutLogEvents")["reset"], 5)
        self.assertGreater(counters["network_errors"], 0)

    def test_a_slow_answer_times_out_and_is_sent_again(self):
        # The first answer comes after 3 s; the sink gives up waiting at 1 s and sends the call
        # again. The fake still stores the first one: those events arrive twice, no others.
        self.fake.faults.at(1, "slow:3")
        counters = self.ship(request_timeout_ms=1000)
        batches = self.fake.batches()
        first = batches[0]["events"] if batches else 0
        self.check_all_once(counters, max_duplicates=first, what="one 3 s answer, 1 s timeout")
        self.assertGreaterEqual(counters["network_errors"], 1)

    def test_a_400_for_one_batch_is_bisected_and_nothing_is_lost(self):
        self.fake.faults.at(1, "reject400")
        counters = self.ship()
        self.check_all_once(counters, what="one 400 InvalidParameterException")
        self.assertEqual(counters["events_dropped_invalid"], 0)
        self.assertEqual(counters["events_sent"], LINES)

    def test_partial_rejections_are_sent_again(self):
        self.fake.faults.at(1, "partial:3:").at(2, "partial::5")
        counters = self.ship()
        self.check_all_once(counters, what="partial rejections")
        self.assertEqual(self.fake.events_rejected, counters["events_resent"])
        self.assertGreater(counters["events_resent"], 3)
        self.assertEqual(counters["events_rejected"], 0)
        self.assertEqual(counters["events_sent"], LINES)


if __name__ == "__main__":
    unittest.main()
