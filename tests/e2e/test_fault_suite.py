"""The fault suite (issue 5): numbered lines written to log files, the agent run through faults, and
every line checked at the sink, with duplicates allowed only within a batch in flight and every
drop counted. Each case prints its figures (lines written, delivered, duplicated, dropped) on
stderr as `[ fault suite ] ...`.

Cases: kill -9 ten times during delivery; the CloudWatch endpoint down for 30 s, then back; a
throttling storm; rotation by rename, copytruncate and deletion while the endpoint is down;
SIGHUP reloads mid-stream (one of them with an invalid file); SIGTERM with a slow endpoint, within
and past the drain deadline. /health and /metrics are read while the faults happen."""

import collections
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import unittest
from datetime import datetime, timedelta, timezone

import aws_support
import fake_cwl
import support
import tcp_proxy
from support import docker_line, numbered

MAX_BATCH = support.MAX_BATCH  # the most records one in-flight batch may repeat after a kill
GROUP = "/gen3/fault-suite"
API = "api: {address: '127.0.0.1:0'}\n"


def report(what, written, counts, drops=None):
    duplicated = sum(c - 1 for c in counts.values() if c > 1)
    sys.stderr.write(f"\n[ fault suite ] {what}: {written} lines written, "
                     f"{len(counts)} delivered, {duplicated} duplicated, dropped "
                     f"{drops or {}}\n")
    return duplicated


class Numbered:
    """Appends numbered docker lines (times 1 ms apart from `start`) to files; `expected` holds
    every number written."""

    def __init__(self, start):
        self.start, self.next, self.expected, self.sizes = start, 0, set(), {}

    def write(self, path, count):
        """Returns the numbers written."""
        lines = []
        for n in range(self.next, self.next + count):
            stamp = support.rfc3339(self.start + timedelta(milliseconds=n))
            lines.append(docker_line(numbered(n), time=stamp))
            self.expected.add(n)
            self.sizes[n] = len(lines[-1])
        self.next += count
        support.append(path, b"".join(lines))
        return set(range(self.next - count, self.next))


class Writer:
    """Appends numbered docker lines to files in a thread, `per_step` lines per file per step, and
    stops after `total` lines per file (or when told)."""

    def __init__(self, test, paths, total, per_step=200, tag="seq", start_time=None):
        self.paths, self.total, self.per_step, self.tag = paths, total, per_step, tag
        self.written = 0  # lines per file so far
        self.stop = threading.Event()
        self.start_time = start_time
        self.thread = test.start_thread(self._run, "writer")

    def line(self, n):
        if self.start_time is None:
            return docker_line(numbered(n, self.tag))
        stamp = support.rfc3339(self.start_time + timedelta(milliseconds=n))
        return docker_line(numbered(n, self.tag), time=stamp)

    def _run(self):
        n_files = len(self.paths)
        while self.written < self.total and not self.stop.is_set():
            end = min(self.written + self.per_step, self.total)
            for i, p in enumerate(self.paths):
                support.append(p, b"".join(self.line(n * n_files + i)
                                           for n in range(self.written, end)))
            self.written = end
            self.stop.wait(0.01)  # paces the writer; nothing waits on it

    def numbers(self):
        return set(range(self.written * len(self.paths)))


class FaultSuiteTest(support.E2ETestCase):
    # ---------------------------------------------------------------------------------------------
    # file sink

    def test_kill9_ten_times_during_delivery(self):
        paths = [support.pod_file(self.logs, f"kill-{i}", "default", "app") for i in range(2)]
        # Writes 2 x ~2,000 lines a second until the kills are done, so every run has lines to
        # deliver (a writer that finished early let a fast run deliver everything, and the next
        # run had nothing to show before its kill).
        writer = Writer(self, paths, total=10**9, per_step=20)
        rng = random.Random(20261124)
        outs, kills = [], 0
        ls = self.logship()
        for run in range(10):
            out = os.path.join(self.tmp, f"out-{run}.jsonl")
            outs.append(out)
            ls.start(self.config(out=out))
            reader = support.SinkReader(out)
            threshold = rng.randint(50, 4000)
            self.wait_for(lambda: reader.count() >= threshold or (
                not writer.thread.is_alive() and reader.count() > 0),
                lambda: f"run {run}: {threshold} records before the kill (have {len(reader)})",
                proc=ls)
            ls.kill9()
            kills += 1
        writer.stop.set()
        self.join_thread(writer.thread)
        final = os.path.join(self.tmp, "out-final.jsonl")
        outs.append(final)
        ls.start(self.config(out=final) + API)
        address = support.api_address(ls)
        counts = collections.Counter()

        def delivered_all():
            counts.clear()
            for o in outs:
                if os.path.exists(o):
                    # A killed run's file sink may end in a cut line; the last run's may too, mid-write.
                    counts.update(support.numbers(support.read_records(o, allow_partial_tail=True)))
            return writer.numbers() <= counts.keys()
        self.wait_for(delivered_all, lambda: f"all {len(writer.numbers())} lines after {kills} "
                      f"kills ({len(counts)} delivered)", proc=ls)
        metrics = support.scrape(address)
        self.assertEqual(support.metric(metrics, "logship_events_out_total", "out"),
                         support.metric(metrics, "logship_events_in_total", "out"))
        self.assertEqual(support.metric(metrics, "logship_batches_given_up_total", "out"), 0)
        ls.terminate()
        delivered_all()
        self.assertEqual(set(counts) - writer.numbers(), set(), "lines nobody wrote")
        duplicated = report(f"kill -9 x{kills} (file sink)", len(writer.numbers()), counts)
        self.assertLessEqual(duplicated, kills * MAX_BATCH)

    def test_sighup_reload_mid_stream_loses_and_repeats_nothing(self):
        paths = [support.pod_file(self.logs, f"hup-{i}", "default", "app") for i in range(2)]
        # Writes until the reloads are done: each reload happens mid-stream.
        writer = Writer(self, paths, total=10**9, per_step=50)
        ls = self.logship()
        good = self.config() + API
        ls.start(good)
        address = support.api_address(ls)
        reader = support.SinkReader(self.out)
        marks = []
        for n, text in enumerate([good, "sources: [this is not: a valid config\n", good,
                                  good.replace("glob_interval_ms: 100", "glob_interval_ms: 150")]):
            before = reader.count()
            self.wait_for(lambda: reader.count() >= before + 1000,
                          lambda: f"1000 more records before SIGHUP {n + 1}", proc=ls)
            support.write_file(ls.config_path, text.encode())
            ls.wait_signal_ready(signal.SIGHUP)
            ls.proc.send_signal(signal.SIGHUP)
            mark = "Reload: " if "not: a valid" in text else "Reloaded "
            marks.append(mark)
            seen = sum(1 for m in marks if m == mark)
            self.wait_for(lambda: ls.stderr_text().count(mark) >= seen,
                          f"'{mark}' in the log after SIGHUP {n + 1}", proc=ls)
            status, body = support.http_get(address, "/health")
            self.assertEqual((status, body), (200, '{"status":"ok"}\n'))
        writer.stop.set()
        self.join_thread(writer.thread)
        self.wait_for_numbers(reader, writer.numbers(), ls)
        ls.terminate()
        got = support.numbers(support.read_records(self.out, allow_partial_tail=False))
        self.assert_exactly_once(got, writer.numbers(), "lines across 4 SIGHUPs")
        self.assertIn("the running pipeline stays as it is", ls.stderr_text())
        report("SIGHUP x4 (one invalid) mid-stream", len(writer.numbers()),
               collections.Counter(got))

    # ---------------------------------------------------------------------------------------------
    # CloudWatch Logs (fake endpoint)

    def cwl_start(self, ls, fake_endpoint, extra_options=None, drain=None, exit_on_eof=False,
                  moto=None):
        """Runs `ls` into the endpoint: the fake's (any key), or `moto`'s (its key, SigV4 checked)."""
        options = {"group": GROUP, "endpoint": fake_endpoint, "region": "us-east-1",
                   "retry_initial_backoff_ms": 10, "retry_max_backoff_ms": 500,
                   "request_timeout_ms": 5000}
        options.update(extra_options or {})
        config = aws_support.cloudwatch_config(self.data_dir, [os.path.join(self.logs, "*.log*")],
                                               options, gen3=False) + API
        if drain is not None:
            config += f"drain_timeout_seconds: {drain}\n"
        env = aws_support.child_env(moto.env() if moto else {
            "AWS_ACCESS_KEY_ID": "AKIDFAKE", "AWS_SECRET_ACCESS_KEY": "x",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.path.join(self.tmp, "none"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.tmp, "none")})
        ls.start(config, exit_on_eof=exit_on_eof, env=env)
        return support.api_address(ls)

    def moto(self):
        """moto_server (SigV4 verified) with the suite's log group, a boto3 client of it, and a
        TcpProxy to it (not up yet) for the agent to use."""
        moto = aws_support.MotoServer(self.tmp).start()
        self.addCleanup(moto.stop)
        logs = moto.logs_client()
        logs.create_log_group(logGroupName=GROUP)
        proxy = tcp_proxy.TcpProxy(moto.port)
        self.addCleanup(proxy.down)
        return moto, logs, proxy

    @staticmethod
    def moto_counts(logs):
        """How often each line number is in moto's log group, read back with boto3."""
        counts = collections.Counter()
        for events in aws_support.read_log_events(logs, GROUP).values():
            for _, message in events:
                counts.update(support.numbers([json.loads(message)]))
        return counts

    @staticmethod
    def cwl_counts(*fakes):
        counts = collections.Counter()
        for fake in fakes:
            for events in fake.streams(GROUP).values():
                for _, message in events:
                    counts.update(support.numbers([json.loads(message)]))
        return counts

    def recent(self):
        return datetime.now(timezone.utc) - timedelta(minutes=20)

    def test_cloudwatch_down_30s_then_back(self):
        # moto's CloudWatch Logs behind a proxy that goes away for 30 s (moto keeps its state);
        # read back with boto3.
        moto, logs, proxy = self.moto()
        proxy.up()
        paths = [support.pod_file(self.logs, f"down-{i}", "default", "app") for i in range(2)]
        # Writes 2 x 500 lines a second until told to stop (after the outage).
        writer = Writer(self, paths, total=10**9, per_step=5, start_time=self.recent())
        ls = self.logship()
        address = self.cwl_start(ls, proxy.endpoint, moto=moto)
        self.wait_for(lambda: (support.metric(support.scrape(address), "logship_events_sent_total",
                                              "cw") or 0) >= 500,
                      "500 events at the endpoint before it goes down", proc=ls)
        proxy.down()
        down_at = support.monotonic()
        # While it is down: the agent stays healthy, retries, and falls behind the files.
        self.wait_for(lambda: (support.metric(support.scrape(address),
                                              "logship_network_errors_total", "cw") or 0) >= 3,
                      "network errors counted while the endpoint is down", proc=ls)
        self.assertEqual(support.http_get(address, "/health")[0], 200)
        self.wait_for(lambda: support.monotonic() - down_at >= 30, "30 s of outage",
                      timeout=40 * support.TIMEOUT_SCALE, interval=0.2)
        lag = support.scrape(address)
        behind = sum(v for (n, _), v in lag.items() if n == "logship_file_read_lag_bytes")
        self.assertGreater(behind, 0, "the source did not fall behind while the sink was down")
        proxy.up()
        writer.stop.set()
        self.join_thread(writer.thread)
        expected = writer.numbers()
        self.wait_for(lambda: (support.metric(support.scrape(address), "logship_events_sent_total",
                                              "cw") or 0) >= len(expected),
                      lambda: f"{len(expected)} events sent after the outage", proc=ls)
        self.wait_for(lambda: expected <= self.moto_counts(logs).keys(),
                      lambda: f"all {len(expected)} lines in moto after the outage "
                      f"({len(self.moto_counts(logs))} there)", proc=ls, interval=1)
        metrics = support.scrape(address)
        ls.terminate()
        counts = self.moto_counts(logs)  # exact: nothing is sending now
        drops = {k: support.metric(metrics, f"logship_{k}_total", "cw")
                 for k in ("events_rejected", "events_dropped_invalid")}
        self.assertEqual(set(drops.values()), {0})
        duplicated = report("CloudWatch (moto) unreachable 30 s", len(expected), counts, drops)
        self.assertLessEqual(duplicated, MAX_BATCH)
        self.assertEqual(set(counts) - expected, set())

    def test_throttling_storm(self):
        plan = fake_cwl.FaultPlan()
        storm_until = [support.monotonic() + 8]
        plan.rule(lambda n, op: "throttle" if support.monotonic() < storm_until[0] else None)
        fake = fake_cwl.FakeCloudWatchLogs(groups=[GROUP], faults=plan).start()
        self.addCleanup(fake.stop)
        paths = [support.pod_file(self.logs, f"storm-{i}", "default", "app") for i in range(2)]
        writer = Writer(self, paths, total=5_000, per_step=100, start_time=self.recent())
        self.join_thread(writer.thread)
        ls = self.logship()
        self.cwl_start(ls, fake.endpoint, exit_on_eof=True)
        stderr = ls.wait(120 * support.TIMEOUT_SCALE)
        counters = support.final_counters(stderr)["cw"]
        counts = self.cwl_counts(fake)
        throttled = fake.outcomes("PutLogEvents").get("ThrottlingException", 0)
        self.assertGreater(throttled, 5)
        self.assertEqual(counters["throttled"], throttled)
        self.assert_exactly_once(list(counts.elements()), writer.numbers(), "lines after the storm")
        report(f"throttling storm (8 s, {throttled} throttled calls)", len(writer.numbers()),
               counts, {"events_rejected": counters["events_rejected"]})

    def test_rotation_while_cloudwatch_is_down(self):
        moto, logs, proxy = self.moto()  # the proxy is not up: endpoint down
        renamed = support.pod_file(self.logs, "rot-rename", "default", "app")
        copied = support.pod_file(self.logs, "rot-copy", "default", "app")
        deleted = support.pod_file(self.logs, "rot-delete", "default", "app")
        truncated = support.pod_file(self.logs, "rot-trunc", "default", "app")
        lines = Numbered(self.recent())
        write, expected = lines.write, lines.expected

        for p in (renamed, copied, deleted):
            write(p, 3000)
        # Truncated without a copy: what was not read by then is gone, and counted.
        may_lose = write(truncated, 3000)
        ls = self.logship()
        address = self.cwl_start(ls, proxy.endpoint, moto=moto)
        self.wait_for(lambda: (support.metric(support.scrape(address),
                                              "logship_network_errors_total", "cw") or 0) >= 2,
                      "the sink failing while the endpoint is down", proc=ls)
        # Rotation by rename (and a new file at the old name), copytruncate, deletion, truncation.
        os.rename(renamed, renamed + ".1")
        write(renamed, 2000)
        with open(copied, "rb") as f:
            support.write_file(copied + ".1", f.read())
        os.truncate(copied, 0)
        write(copied, 2000)
        write(deleted, 1000)
        os.unlink(deleted)
        os.truncate(truncated, 0)
        write(truncated, 1000)
        proxy.up()
        self.wait_for(lambda: expected - may_lose <= self.moto_counts(logs).keys(),
                      lambda: f"all {len(expected - may_lose)} lines that outlive the rotations "
                      f"while down ({len(self.moto_counts(logs))} delivered, missing "
                      f"{support.ranges(expected - may_lose - self.moto_counts(logs).keys())}; "
                      f"streams {aws_support.log_stream_names(logs, GROUP)}", proc=ls, interval=1)
        ls.terminate()
        counts = self.moto_counts(logs)  # exact: the drain delivered what was in flight
        self.assertEqual(set(counts) - expected, set())
        lost = expected - counts.keys()
        self.assertLessEqual(lost, may_lose)
        # The bytes the source knew of and had not read when it found the file truncated.
        pattern = re.escape(truncated) + r" was truncated with at least (\d+) bytes not read"
        counted = sum(int(m) for m in re.findall(pattern, ls.stderr_text()))
        self.assertEqual(counted, sum(lines.sizes[n] for n in lost))
        duplicated = report("rename + copytruncate + delete + truncate while the endpoint is down",
                            len(expected), counts,
                            {"truncated before read (lines)": len(lost),
                             "truncated_unread_bytes of that file": counted})
        self.assertEqual(duplicated, 0)

    def test_truncation_and_inode_reuse_while_cloudwatch_is_down(self):
        # With the disk buffer the files are read on while the sink is down: a file truncated and
        # rewritten, or deleted and its inode given to a new file, loses nothing.
        moto, logs, proxy = self.moto()  # the proxy is not up: endpoint down
        truncated = support.pod_file(self.logs, "trunc", "default", "app")
        reused = support.pod_file(self.logs, "reuse", "default", "app")
        lines = Numbered(self.recent())
        lines.write(truncated, 3000)
        lines.write(reused, 3000)
        ls = self.logship()
        buffer = {"buffer": {"type": "disk", "max_bytes": 64 << 20}}
        address = self.cwl_start(ls, proxy.endpoint, buffer, moto=moto)
        self.wait_buffered(ls, address, 6000, truncated, reused)
        os.truncate(truncated, 0)
        lines.write(truncated, 1000)
        old_ino = os.stat(reused).st_ino
        os.unlink(reused)
        # The inode is free once logship has let go of the deleted file (rotate_wait after its end).
        self.wait_for(lambda: not support.holds_open(ls.pid, reused),
                      "logship to let go of the deleted file", proc=ls)
        os.close(support.new_file_at_inode(self, reused, old_ino))
        lines.write(reused, 1000)
        proxy.up()
        expected = lines.expected
        self.wait_for(lambda: expected <= self.moto_counts(logs).keys(),
                      lambda: f"all {len(expected)} lines after truncation and inode reuse "
                      f"({len(self.moto_counts(logs))} delivered)", proc=ls, interval=1)
        metrics = support.scrape(address)
        ls.terminate()
        counts = self.moto_counts(logs)
        self.assert_exactly_once(list(counts.elements()), expected,
                                 "lines through truncation and inode reuse")
        self.assertEqual(support.metric(metrics, "logship_files_truncated_total", "k8s"), 1)
        report("truncation + inode reuse while CloudWatch (moto) is down, disk buffer",
               len(expected), counts)

    def test_sigterm_drains_a_slow_endpoint_within_the_deadline(self):
        plan = fake_cwl.FaultPlan()
        plan.rule(lambda n, op: "slow:1.0")
        fake = fake_cwl.FakeCloudWatchLogs(groups=[GROUP], faults=plan).start()
        self.addCleanup(fake.stop)
        paths = [support.pod_file(self.logs, f"slow-{i}", "default", "app") for i in range(2)]
        writer = Writer(self, paths, total=20_000, per_step=2000, start_time=self.recent())
        self.join_thread(writer.thread)
        ls = self.logship()
        # Past the deadline: at SIGTERM the queues and the sink hold at least 3 batches (a call
        # each, 1 s per call), more than the 2 s deadline.
        self.cwl_start(ls, fake.endpoint, drain=2)
        self.wait_for(lambda: sum(self.cwl_counts(fake).values()) > 0, "a first delivery", proc=ls)
        ls.wait_signal_ready(signal.SIGTERM)
        sent_at = support.monotonic()
        ls.proc.send_signal(signal.SIGTERM)
        rc = ls.proc.wait(timeout=30 * support.TIMEOUT_SCALE)
        took = support.monotonic() - sent_at
        self.assertEqual(rc, 75, ls.stderr_tail())
        self.assertLess(took, 2 + 10 * support.TIMEOUT_SCALE)
        self.assertIn("Drain deadline (2 s) passed", ls.stderr_text())
        partial = len(self.cwl_counts(fake))
        self.assertLess(partial, len(writer.numbers()))
        # The next run, with a deadline long enough, delivers the rest and exits 0 on SIGTERM.
        self.cwl_start(ls, fake.endpoint, drain=25)
        self.wait_for(lambda: sum(self.cwl_counts(fake).values()) > partial + 100,
                      "more deliveries after the restart", proc=ls)
        ls.terminate(timeout=40 * support.TIMEOUT_SCALE)  # asserts exit 0: drained in time
        ls2 = self.logship("rest")
        self.cwl_start(ls2, fake.endpoint, exit_on_eof=True)
        ls2.wait(120 * support.TIMEOUT_SCALE)
        counts = self.cwl_counts(fake)
        self.assertEqual(writer.numbers() - counts.keys(), set(), "lines lost")
        duplicated = report(f"SIGTERM with a slow endpoint (deadline 2 s after {took:.1f} s, then "
                            "25 s)", len(writer.numbers()), counts)
        self.assertLessEqual(duplicated, 2 * MAX_BATCH)

    # ---------------------------------------------------------------------------------------------
    # The disk buffer

    def buffered_lines(self, pod, count):
        path = support.pod_file(self.logs, pod, "default", "app")
        start = self.recent()
        support.write_file(path, b"".join(
            docker_line(numbered(n), time=support.rfc3339(start + timedelta(milliseconds=n)))
            for n in range(count)))
        return path

    def wait_buffered(self, ls, address, count, *paths):
        """Waits until the sink `cw` took `count` events into its buffer and the buffer confirmed
        them: the source's checkpoint for each of `paths` is at its end (a kill -9 before that
        reads the last batch again, a duplicate the suite allows but these cases do not need)."""
        self.wait_for(lambda: (support.metric(support.scrape(address), "logship_events_in_total",
                                              "cw") or 0) >= count,
                      f"{count} events in the disk buffer", proc=ls)
        sizes = {path: os.path.getsize(path) for path in paths}
        self.wait_for(lambda: all(support.checkpoint_offsets(self.data_dir).get(p) == n
                                  for p, n in sizes.items()),
                      lambda: f"the checkpoints at the files' ends {sizes}: "
                      f"{support.checkpoint_offsets(self.data_dir)}", proc=ls)

    def test_disk_buffer_keeps_a_deleted_files_lines_across_kill9(self):
        count = 5000
        path = self.buffered_lines("buffered", count)
        port = aws_support.free_port()
        ls = self.logship()
        buffer = {"buffer": {"type": "disk", "max_bytes": 64 << 20}}
        address = self.cwl_start(ls, f"http://127.0.0.1:{port}", buffer)  # the endpoint is down
        self.wait_buffered(ls, address, count, path)
        metrics = support.scrape(address)
        self.assertGreater(support.metric(metrics, "logship_buffer_bytes", "cw"), 0)
        os.unlink(path)  # rotated away and deleted: only the buffer has these lines now
        ls.kill9()
        fake = fake_cwl.FakeCloudWatchLogs(groups=[GROUP], port=port).start()
        self.addCleanup(fake.stop)
        address = self.cwl_start(ls, fake.endpoint, buffer)
        self.wait_for(lambda: set(range(count)) <= self.cwl_counts(fake).keys(),
                      lambda: f"all {count} lines from the buffer "
                      f"({len(self.cwl_counts(fake))} delivered)", proc=ls)
        self.wait_for(lambda: support.metric(support.scrape(address), "logship_buffer_bytes",
                                             "cw") == 0, "the buffer to empty", proc=ls)
        ls.terminate()
        counts = self.cwl_counts(fake)
        self.assert_exactly_once(list(counts.elements()), range(count),
                                 "lines of a deleted file, through the buffer and a kill -9")
        report("disk buffer: file deleted + kill -9 while the endpoint is down", count, counts)

    def test_kill9_ten_times_with_the_disk_buffer(self):
        fake = fake_cwl.FakeCloudWatchLogs(groups=[GROUP]).start()
        self.addCleanup(fake.stop)
        paths = [support.pod_file(self.logs, f"kbuf-{i}", "default", "app") for i in range(2)]
        # Writes until the kills are done, so every run has lines in flight when it is killed.
        writer = Writer(self, paths, total=10**9, per_step=20, start_time=self.recent())
        buffer = {"buffer": {"type": "disk", "max_bytes": 64 << 20}}
        rng = random.Random(11)
        ls = self.logship()
        for run in range(10):
            self.cwl_start(ls, fake.endpoint, buffer)
            before = sum(self.cwl_counts(fake).values())
            threshold = before + rng.randint(20, 3000)
            self.wait_for(lambda: sum(self.cwl_counts(fake).values()) >= threshold or (
                not writer.thread.is_alive() and writer.numbers() <= self.cwl_counts(fake).keys()),
                f"run {run}: deliveries before the kill", proc=ls)
            ls.kill9()
        writer.stop.set()
        self.join_thread(writer.thread)
        address = self.cwl_start(ls, fake.endpoint, buffer)
        self.wait_for(lambda: writer.numbers() <= self.cwl_counts(fake).keys(),
                      lambda: f"all {len(writer.numbers())} lines after 10 kills "
                      f"({len(self.cwl_counts(fake))} delivered)", proc=ls)
        damaged = support.metric(support.scrape(address), "logship_buffer_records_damaged_total",
                                 "cw")
        ls.terminate()
        counts = self.cwl_counts(fake)
        self.assertEqual(set(counts) - writer.numbers(), set())
        self.assertEqual(damaged, 0)
        # Per kill: the batch being delivered from the buffer, and the batches appended but not
        # yet synced (read from the files again).
        duplicated = report("kill -9 x10 with the disk buffer (CloudWatch)",
                            len(writer.numbers()), counts, {"buffer_records_damaged": damaged})
        self.assertLessEqual(duplicated, 10 * 6 * MAX_BATCH)

    def test_the_api_is_on_by_default_and_a_taken_default_port_is_only_a_warning(self):
        # Without `api:` the endpoint is 127.0.0.1:2020. With that port taken (here by the test;
        # in a cluster, say, by Fluent Bit) the agent warns and runs; an `api:` address written
        # in the config that cannot be listened on is an error.
        import socket
        holder = socket.socket()
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT, as agents do
        self.addCleanup(holder.close)

        def take_port():  # another test's agent may hold it for a while
            try:
                holder.bind(("127.0.0.1", 2020))
            except OSError:
                return False
            holder.listen(1)
            return True
        self.wait_for(take_port, "port 2020 to be free for the test to take")
        support.write_file(support.pod_file(self.logs, "api", "default", "app"),
                           docker_line("hello"))
        ls = self.logship()
        ls.start(self.config(), exit_on_eof=True)
        stderr = ls.wait()
        self.assertIn("api address \"127.0.0.1:2020\": cannot listen there", stderr)
        self.assertIn("running without /health and /metrics", stderr)
        self.assertEqual(support.final_counters(stderr)["out"]["events_out"], 1)
        ls.start(self.config() + "api: {address: '127.0.0.1:2020'}\n", exit_on_eof=True)
        stderr = ls.wait(expect_rc=None)
        self.assertNotEqual(ls.proc.returncode, 0)
        self.assertIn("api: api address \"127.0.0.1:2020\": cannot listen there", stderr)

    def test_a_buffer_no_sink_owns_is_reported(self):
        orphan = os.path.join(self.data_dir, "buffer", "old-sink")
        os.makedirs(orphan)
        support.write_file(os.path.join(orphan, "0000000000000000.seg"), b"x" * 100)
        support.write_file(support.pod_file(self.logs, "orphan", "default", "app"),
                           docker_line("hello"))
        ls = self.logship()
        ls.start(self.config(), exit_on_eof=True)
        self.assertIn(f"Disk buffer {orphan} belongs to no sink with a disk buffer in this "
                      "configuration: its 100 bytes", ls.wait())

    def test_disk_buffer_damage_is_skipped_and_counted(self):
        count = 3000
        path = self.buffered_lines("damaged", count)
        port = aws_support.free_port()
        ls = self.logship()
        buffer = {"buffer": {"type": "disk", "max_bytes": 64 << 20}}
        address = self.cwl_start(ls, f"http://127.0.0.1:{port}", buffer)
        self.wait_buffered(ls, address, count, path)
        ls.kill9()
        seg_dir = os.path.join(self.data_dir, "buffer", "cw")
        segments = sorted(f for f in os.listdir(seg_dir) if f.endswith(".seg"))
        with open(os.path.join(seg_dir, segments[0]), "r+b") as f:
            f.seek(os.path.getsize(f.name) // 2)
            f.write(b"\xde\xad\xbe\xef")  # one record (or two) damaged mid-segment
        fake = fake_cwl.FakeCloudWatchLogs(groups=[GROUP], port=port).start()
        self.addCleanup(fake.stop)
        address = self.cwl_start(ls, fake.endpoint, buffer)
        self.wait_for(lambda: (support.metric(support.scrape(address), "logship_buffer_bytes", "cw")
                               == 0 and len(self.cwl_counts(fake)) > 0),
                      "the buffer to empty", proc=ls)
        metrics = support.scrape(address)
        damaged = support.metric(metrics, "logship_buffer_records_damaged_total", "cw")
        ls.terminate()
        counts = self.cwl_counts(fake)
        lost = set(range(count)) - counts.keys()
        self.assertIn(damaged, (1, 2))
        self.assertEqual(len(lost), damaged, f"lost {sorted(lost)} but {damaged} counted damaged")
        self.assertEqual(max(counts.values()), 1)
        report("disk buffer: 4 bytes damaged mid-segment", count, counts,
               {"buffer_records_damaged": damaged})

    def test_disk_buffer_out_of_space_waits_and_loses_nothing(self):
        buffer_dir = os.path.join(self.data_dir, "buffer")
        os.makedirs(buffer_dir)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", buffer_dir],
                          capture_output=True).returncode != 0:
            self.skipTest("cannot mount a 1 MiB tmpfs here (needs root)")
        self.addCleanup(subprocess.run, ["umount", "-l", buffer_dir], capture_output=True)
        count = 20000  # about 4 MB in the buffer's format: four times the room there is
        self.buffered_lines("full", count)
        port = aws_support.free_port()
        ls = self.logship()
        buffer = {"buffer": {"type": "disk", "max_bytes": 64 << 20}}
        address = self.cwl_start(ls, f"http://127.0.0.1:{port}", buffer)
        self.wait_for(lambda: (support.metric(support.scrape(address),
                                              "logship_buffer_write_errors_total", "cw") or 0) >= 1,
                      "the buffer to run out of space", proc=ls)
        fake = fake_cwl.FakeCloudWatchLogs(groups=[GROUP], port=port).start()
        self.addCleanup(fake.stop)
        self.wait_for(lambda: set(range(count)) <= self.cwl_counts(fake).keys(),
                      lambda: f"all {count} lines once there is room again "
                      f"({len(self.cwl_counts(fake))} delivered)", proc=ls)
        metrics = support.scrape(address)
        ls.terminate()
        counts = self.cwl_counts(fake)
        self.assert_exactly_once(list(counts.elements()), range(count), "lines through a full disk")
        report("disk buffer directory out of space (1 MiB tmpfs)", count, counts,
               {"buffer_write_errors (retried)": support.metric(
                   metrics, "logship_buffer_write_errors_total", "cw")})


if __name__ == "__main__":
    unittest.main()
