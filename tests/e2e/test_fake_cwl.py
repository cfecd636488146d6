"""Checks of the AWS test infrastructure itself (fake_cwl.py and aws_support.MotoServer), with
boto3 as the client; no logship binary needed. boto3 clients here never retry (one attempt per
call), so every injected fault is seen exactly as the server sent it."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from time import monotonic

from botocore.exceptions import ClientError, ConnectionClosedError

import aws_support
import fake_cwl
from support import EXIT_TIMEOUT, wait_until

HERE = os.path.dirname(os.path.abspath(__file__))
GROUP = "/logship/e2e"
STREAM = "pod-a"


def now_ms():
    return int(time.time() * 1000)


def events(*messages, ts=None):
    """PutLogEvents events with the given messages, all at `ts` (default: now)."""
    ts = now_ms() if ts is None else ts
    return [{"timestamp": ts, "message": m} for m in messages]


class TempDirTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix=f"logship-e2e-{self._testMethodName}-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)


class FakeTestCase(TempDirTestCase):
    """Per test: a fake with GROUP pre-created and a boto3 client on it (stream not created)."""

    fake_options = {}

    def setUp(self):
        super().setUp()
        self.fake = fake_cwl.FakeCloudWatchLogs(groups=[GROUP], **self.fake_options).start()
        self.addCleanup(self.check_no_internal_errors)
        self.addCleanup(self.fake.stop)
        self.client = self.make_client()

    def make_client(self, validate=True):
        return aws_support.make_client("logs", self.fake.endpoint, "AKIDFAKECWL000000000",
                                       "fake-secret", missing_dir=self.tmp, validate=validate)

    def check_no_internal_errors(self):
        self.assertEqual(self.fake.internal_errors(), [])

    def put(self, evs, stream=STREAM, group=GROUP, client=None):
        return (client or self.client).put_log_events(logGroupName=group, logStreamName=stream,
                                                      logEvents=evs)

    def assert_error(self, code, fn, status=400, message=None):
        """Calls fn(); asserts it raised ClientError with this code and HTTP status."""
        with self.assertRaises(ClientError) as cm:
            fn()
        self.assertEqual(aws_support.aws_error_code(cm.exception), code)
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        if message is not None:
            self.assertEqual(cm.exception.response["Error"]["Message"], message)
        return cm.exception


class FakeBasicsTest(FakeTestCase):
    def test_create_put_describe_and_counters(self):
        c = self.client
        self.assert_error("ResourceAlreadyExistsException",
                          lambda: c.create_log_group(logGroupName=GROUP))
        c.create_log_group(logGroupName="/other")
        c.put_retention_policy(logGroupName="/other", retentionInDays=7)
        self.assertEqual(self.fake.retention("/other"), 7)
        self.assert_error("InvalidParameterException",
                          lambda: c.put_retention_policy(logGroupName="/other", retentionInDays=8))
        self.assert_error("ResourceNotFoundException", lambda: self.put(events("x")),
                          message="The specified log stream does not exist.")
        self.assert_error("ResourceNotFoundException", lambda: self.put(events("x"), group="/nope"),
                          message="The specified log group does not exist.")
        self.assert_error("ResourceNotFoundException",
                          lambda: c.create_log_stream(logGroupName="/nope", logStreamName=STREAM))
        c.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)
        self.assert_error("ResourceAlreadyExistsException",
                          lambda: c.create_log_stream(logGroupName=GROUP, logStreamName=STREAM))

        t = now_ms()
        response = self.put(events("one", "two", ts=t) + events("thrée", ts=t + 1))
        self.assertNotIn("rejectedLogEventsInfo", response)
        self.assertEqual(self.fake.events(GROUP, STREAM),
                         [(t, "one"), (t, "two"), (t + 1, "thrée")])
        self.assertEqual(self.fake.all_messages(), ["one", "two", "thrée"])
        streams = c.describe_log_streams(logGroupName=GROUP)["logStreams"]
        self.assertEqual([(s["logStreamName"], s["firstEventTimestamp"], s["lastEventTimestamp"])
                          for s in streams], [(STREAM, t, t + 1)])

        counters = self.fake.counters()
        self.assertEqual(counters["requests"], {
            "CreateLogGroup": 2, "CreateLogStream": 3, "DescribeLogStreams": 1,
            "PutLogEvents": 3, "PutRetentionPolicy": 2})
        self.assertEqual(counters["outcomes_by_op"]["PutLogEvents"],
                         {"ResourceNotFoundException": 2, "ok": 1})
        self.assertEqual((counters["events_stored"], counters["events_rejected"]), (3, 0))
        self.assertEqual(self.fake.batches()[-1], {"group": GROUP, "stream": STREAM, "events": 3,
                                                   "bytes": 3 + 3 + 6 + 3 * 26, "outcome": "ok"})

    def test_describe_log_streams_pages(self):
        for i in range(60):
            self.client.create_log_stream(logGroupName=GROUP, logStreamName=f"s{i:02d}")
        first = self.client.describe_log_streams(logGroupName=GROUP)
        self.assertEqual(len(first["logStreams"]), 50)
        self.assertEqual(aws_support.log_stream_names(self.client, GROUP),
                         [f"s{i:02d}" for i in range(60)])


class FakeValidationTest(FakeTestCase):
    fake_options = {"max_message_bytes": fake_cwl.MAX_MESSAGE_BYTES_256K}

    def setUp(self):
        super().setUp()
        self.client.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)
        self.raw = self.make_client(validate=False)  # lets requests botocore would refuse through

    def assert_invalid(self, evs, message_start):
        err = self.assert_error("InvalidParameterException", lambda: self.put(evs, client=self.raw))
        self.assertTrue(err.response["Error"]["Message"].startswith(message_start),
                        err.response["Error"]["Message"])

    def test_count_size_and_order_rules(self):
        t = now_ms()
        self.assert_invalid([], "1 validation error detected: Value at 'logEvents'")
        self.assert_invalid(events(*["m"] * 10_001, ts=t), "1 validation error detected")
        self.assert_invalid(events("a", "", ts=t), "1 validation error detected")
        self.assert_invalid(events("b", ts=t + 1) + events("a", ts=t),
                            "Log events in a single PutLogEvents request must be in chronological")
        limit = fake_cwl.MAX_MESSAGE_BYTES_256K
        self.assert_invalid(events("é" * (limit // 2) + "x", ts=t),  # limit + 1 bytes in UTF-8
                            f"Log event too large: {limit + 27} bytes exceeds limit of 262144")
        # 4 events of exactly the limit: 4 * (262,118 + 26) = 1,048,576 bytes, the batch maximum.
        full = events(*["x" * limit] * 4, ts=t)
        self.put(full)
        self.assert_invalid(full + events("y", ts=t),
                            "Upload too large: 1048603 bytes exceeds limit of 1048576")
        self.put(events(*["m"] * 10_000, ts=t))
        self.assertEqual(self.fake.events_stored, 4 + 10_000)
        self.assertEqual(self.fake.outcomes("PutLogEvents"),
                         {"InvalidParameterException": 6, "ok": 2})

    def test_time_window_and_span(self):
        now = now_ms()
        day, hour = 24 * 3600 * 1000, 3600 * 1000
        self.put(events("first", ts=now - 2 * day) + events("day later", ts=now - day))  # 24 h
        self.assert_invalid(events("a", ts=now - 2 * day) + events("b", ts=now - day + 1000),
                            "The batch of log events in a single PutLogEvents request cannot span")
        too_old, too_new = now - 15 * day, now + 3 * hour
        response = self.put(events("old1", "old2", ts=too_old) + events("ok1", "ok2", ts=now)
                            + events("new", ts=too_new))
        self.assertEqual(response["rejectedLogEventsInfo"],
                         {"tooOldLogEventEndIndex": 2, "tooNewLogEventStartIndex": 4})
        # The span rule applies to the events inside the window only.
        response = self.put(events("old", ts=too_old) + events("ok", ts=now))
        self.assertEqual(response["rejectedLogEventsInfo"], {"tooOldLogEventEndIndex": 1})
        self.assertEqual([m for _, m in self.fake.events(GROUP, STREAM)],
                         ["first", "day later", "ok1", "ok2", "ok"])
        self.assertEqual((self.fake.events_stored, self.fake.events_rejected), (5, 4))


class FakeFaultsTest(FakeTestCase):
    def setUp(self):
        super().setUp()
        self.client.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)

    def test_error_faults_as_the_client_sees_them(self):
        plan = self.fake.faults
        plan.next("throttle", 2).next("error500").next("error503").next("reject400")
        plan.next("auth403").next("auth403:xml")
        expected = [("ThrottlingException", 400, "Rate exceeded"),
                    ("ThrottlingException", 400, "Rate exceeded"),
                    ("InternalFailure", 500, None), ("ServiceUnavailableException", 503, None),
                    ("InvalidParameterException", 400, None),
                    ("UnrecognizedClientException", 403, None),
                    ("SignatureDoesNotMatch", 403, None)]
        for code, status, message in expected:
            self.assert_error(code, lambda: self.put(events("lost")), status, message)
        self.put(events("kept"))
        self.assertEqual(self.fake.all_messages(), ["kept"])
        self.assertEqual(self.fake.counters()["faults_applied"], {
            "auth403": 2, "error500": 1, "error503": 1, "reject400": 1, "throttle": 2})

    def test_reset_is_a_tcp_reset(self):
        self.fake.faults.next("reset", 2)
        with self.assertRaises(ConnectionClosedError):
            self.put(events("lost"))
        # A raw client sees ECONNRESET, not an orderly close.
        with socket.create_connection(("127.0.0.1", self.fake.port), timeout=10) as s:
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Logs_20140328.PutLogEvents\r\n"
                      b"Content-Length: 2\r\n\r\n{}")
            with self.assertRaises(ConnectionResetError):
                while s.recv(4096):
                    pass
        self.put(events("kept"))
        self.assertEqual(self.fake.all_messages(), ["kept"])
        self.assertEqual(self.fake.outcomes("PutLogEvents"), {"reset": 2, "ok": 1})

    def test_slow_then_processed(self):
        self.fake.faults.next("slow:0.3")
        started = monotonic()
        self.put(events("late"))
        self.assertGreaterEqual(monotonic() - started, 0.3)
        self.assertEqual(self.fake.all_messages(), ["late"])

    def test_partial(self):
        self.fake.faults.next("partial:1:3").next("partial::1").next("partial:2:")
        r = self.put(events("a", "b", "c", "d"))
        self.assertEqual(r["rejectedLogEventsInfo"],
                         {"tooOldLogEventEndIndex": 1, "tooNewLogEventStartIndex": 3})
        r = self.put(events("e", "f"))
        self.assertEqual(r["rejectedLogEventsInfo"], {"tooNewLogEventStartIndex": 1})
        r = self.put(events("g", "h", "i"))
        self.assertEqual(r["rejectedLogEventsInfo"], {"tooOldLogEventEndIndex": 2})
        self.assertEqual(self.fake.all_messages(), ["b", "c", "e", "i"])
        self.assertEqual((self.fake.events_stored, self.fake.events_rejected), (4, 5))

    def test_scripting_helpers(self):
        plan = self.fake.faults
        plan.every(3, "error500").at(5, "reset")
        outcomes = []
        for i in range(1, 8):
            try:
                self.put(events(f"m{i}"))
                outcomes.append("ok")
            except ClientError as e:
                outcomes.append(aws_support.aws_error_code(e))
            except ConnectionClosedError:
                outcomes.append("reset")
        self.assertEqual(outcomes, ["ok", "ok", "InternalFailure", "ok", "reset",
                                    "InternalFailure", "ok"])
        self.assertEqual(plan.consulted, 7)
        plan.clear()
        plan.rule(lambda n, op: "throttle" if n == 8 else None)
        self.assert_error("ThrottlingException", lambda: self.put(events("m8")))
        self.assertEqual(self.fake.all_messages(), ["m1", "m2", "m4", "m7"])
        with self.assertRaises(ValueError):
            plan.next("throttel")

    def test_faults_for_every_operation(self):
        self.fake.faults = fake_cwl.FaultPlan(ops=None)
        self.fake.faults.next("throttle")
        self.assert_error("ThrottlingException",
                          lambda: self.client.create_log_stream(logGroupName=GROUP,
                                                                logStreamName="b"))
        self.client.create_log_stream(logGroupName=GROUP, logStreamName="b")
        self.assertEqual(self.fake.outcomes("CreateLogStream"),
                         {"ok": 2, "ThrottlingException": 1})


TRICKY = ['"timestamp"', '{"timestamp":1}', 'say "timestamp', ',"timestamp": 5', '\\', "\\\"",
          'timestamp', '{\\"timestamp\\":', "ünïcödé \u2028"]


class CountOnlyTest(FakeTestCase):
    fake_options = {"count_only": True}

    def test_counts_events_and_body_bytes_exactly(self):
        sizes = []  # of every request body boto3 sends
        self.client.meta.events.register(
            "before-send.logs", lambda request, **_: sizes.append(len(request.body)))
        self.client.create_log_group(logGroupName=GROUP)  # succeeds: nothing is checked
        self.client.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)
        t = now_ms()
        self.put(events(*TRICKY, ts=t))
        self.put(events(*[f"m{i}" for i in range(10_000)], ts=t))
        self.put(events("timestamp", ts=t), group="/never/created")
        counters = self.fake.counters()
        self.assertEqual(counters["events_stored"], len(TRICKY) + 10_000 + 1)
        self.assertEqual(counters["requests"]["PutLogEvents"], 3)
        self.assertEqual(counters["body_bytes"], sum(sizes))
        self.assertEqual(len(sizes), 5)
        self.assertEqual(self.fake.all_messages(), [])

    def test_count_log_events_against_a_parser(self):
        evs = events(*TRICKY) + [{"message": "key order swapped", "timestamp": 1}]
        for options in ({}, {"separators": (",", ":")}, {"indent": 1}, {"ensure_ascii": False}):
            body = json.dumps({"logGroupName": '"timestamp"', "logStreamName": "timestamp",
                               "logEvents": evs}, **options).encode()
            self.assertEqual(fake_cwl.count_log_events(body), len(evs), options)


class ScriptModeTest(TempDirTestCase):
    def test_count_only_script_reports_its_counters_on_sigterm(self):
        port_file = os.path.join(self.tmp, "port")
        proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "fake_cwl.py"), "--count-only",
             "--port-file", port_file], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(self.kill, proc)
        wait_until(lambda: os.path.exists(port_file) or proc.poll() is not None, EXIT_TIMEOUT,
                   "fake_cwl.py to write its port file")
        with open(port_file) as f:
            port = int(f.read())
        client = aws_support.make_client("logs", f"http://127.0.0.1:{port}", "AKIDFAKECWL000000000",
                                         "s", missing_dir=self.tmp)
        client.put_log_events(logGroupName=GROUP, logStreamName=STREAM,
                              logEvents=events(*TRICKY, "last"))
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=EXIT_TIMEOUT)
        self.assertEqual(proc.returncode, 0, err)
        summary = json.loads(out)
        self.assertEqual(summary["events_stored"], len(TRICKY) + 1)
        self.assertEqual(summary["requests"], {"PutLogEvents": 1})
        self.assertIn(f"listening on 127.0.0.1:{port}", err.decode())

    @staticmethod
    def kill(proc):
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


class MotoServerTest(TempDirTestCase):
    def test_sigv4_is_verified_and_events_read_back(self):
        with aws_support.MotoServer(self.tmp) as moto:
            wrong = moto.logs_client(secret="not-the-secret")
            with self.assertRaises(ClientError) as cm:
                wrong.create_log_group(logGroupName=GROUP)
            self.assertEqual(aws_support.aws_error_code(cm.exception), "SignatureDoesNotMatch")
            self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)

            logs = moto.logs_client()
            logs.create_log_group(logGroupName=GROUP)
            logs.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)
            t = now_ms()
            logs.put_log_events(logGroupName=GROUP, logStreamName=STREAM,
                                logEvents=events("one", "two", ts=t) + events("three", ts=t + 1))
            expected = {STREAM: [(t, "one"), (t, "two"), (t + 1, "three")]}
            self.assertEqual(aws_support.read_log_events(logs, GROUP), expected)
            self.assertEqual(aws_support.wait_for_event_count(logs, GROUP, 3, 10), expected)
            # Several GetLogEvents pages, including a last page that ends exactly at the end.
            self.assertEqual(aws_support.read_stream(logs, GROUP, STREAM, page_limit=1),
                             expected[STREAM])
            self.assertEqual(aws_support.read_stream(logs, GROUP, STREAM, page_limit=2),
                             expected[STREAM])
            with self.assertRaises(AssertionError):
                aws_support.wait_for_event_count(logs, GROUP, 4, 0.2)

            env = moto.env()
            self.assertNotIn("AWS_PROFILE", env)
            self.assertFalse(os.path.exists(env["AWS_CONFIG_FILE"]))
            self.assertFalse(os.path.exists(env["AWS_SHARED_CREDENTIALS_FILE"]))
            self.assertEqual(env["AWS_EC2_METADATA_DISABLED"], "true")
            self.assertFalse([k for k in aws_support.child_env(env)
                              if k.startswith("AWS_") and k not in env])
            proc = moto.proc
        self.assertIsNotNone(proc.poll(), "moto_server still running after the with block")


if __name__ == "__main__":
    unittest.main()
