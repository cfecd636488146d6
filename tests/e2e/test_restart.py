"""Checkpoints and discovery: SIGTERM and restart (exactly once), kill -9 and restart (at least once,
at most one batch again), a partial line across a restart, read_from: end, files added while
running, exclude."""

import collections
import json
import os
import subprocess
import unittest

import support
from support import cri_line, docker_line, numbered, numbers

MAX_BATCH = support.MAX_BATCH  # the most records a kill -9 may repeat (one in-flight batch)


class RestartTest(support.E2ETestCase):
    def test_sigterm_mid_file_then_restart_delivers_each_line_once(self):
        total, burst = 50000, 10000
        path = support.pod_file(self.logs, "restart-1", "default", "app")

        def write_burst(b):
            support.append(path, b"".join(docker_line(numbered(n))
                                          for n in range(b * burst, (b + 1) * burst)))

        write_burst(0)
        write_burst(1)
        ls = self.logship()
        ls.start(self.config())
        reader = support.SinkReader(self.out)
        self.wait_for(lambda: reader.count() >= 5000,
                      lambda: f"5000 records before the SIGTERM (have {len(reader)})", proc=ls)
        counters1 = support.final_counters(ls.terminate())  # bursts 2..4 not even written yet
        first = numbers(support.read_records(self.out, allow_partial_tail=False))
        self.assertGreaterEqual(len(first), 5000)
        self.assertLessEqual(len(first), 2 * burst)
        # What was delivered is a prefix of the file, and the counters agree with the sink.
        self.assert_exactly_once(first, range(len(first)), "lines of the first run")
        self.assert_counters(counters1, {"k8s": {"events_out": len(first)},
                                         "out": {"events_in": len(first), "events_out": len(first)}})

        write_burst(2)  # while logship is down
        write_burst(3)
        ls.start(self.config())
        reader = support.SinkReader(self.out)
        self.wait_for_numbers(reader, set(range(4 * burst)), ls)
        write_burst(4)  # while it runs again
        self.wait_for_numbers(reader, set(range(total)), ls)
        counters2 = support.final_counters(ls.terminate())

        records = support.read_records(self.out, allow_partial_tail=False)
        self.assert_exactly_once(numbers(records), range(total), "lines over both runs")
        self.assertEqual(len(records), total)
        self.assert_counters(counters2, {"k8s": {"events_out": total - len(first)},
                                         "out": {"events_out": total - len(first)}})

    def test_kill9_then_restart_loses_nothing_and_repeats_at_most_one_batch(self):
        initial, per_file = 25000, 26000  # lines per file before the kill, in all
        files = {"a": support.pod_file(self.logs, "crash-a", "default", "app"),
                 "b": support.pod_file(self.logs, "crash-b", "default", "app")}
        support.append(files["a"], b"".join(docker_line(numbered(n, "a")) for n in range(initial)))
        support.append(files["b"], b"".join(cri_line(numbered(n, "b")) for n in range(initial)))

        out1 = os.path.join(self.tmp, "out1.jsonl")
        out2 = os.path.join(self.tmp, "out2.jsonl")  # the killed sink may end mid-line
        ls = self.logship()
        ls.start(self.config(out=out1))

        def sink_bytes():
            try:
                return os.path.getsize(out1)
            except FileNotFoundError:
                return 0

        # Kill as soon as ~1 MiB (some thousands of records) is out: watched by size, every
        # millisecond, so that the kill comes while logship is still delivering if it can.
        self.wait_for(lambda: sink_bytes() >= 1024 * 1024, "1 MiB in the sink before the kill",
                      proc=ls, interval=0.001)
        ls.kill9()
        first = support.read_records(out1)  # an incomplete last line is not a delivered record
        self.assertTrue(first)
        # More lines while it is down, so the second run has work even if the first one had
        # delivered everything before the kill.
        support.append(files["a"], b"".join(docker_line(numbered(n, "a"))
                                            for n in range(initial, per_file)))
        support.append(files["b"], b"".join(cri_line(numbered(n, "b"))
                                            for n in range(initial, per_file)))

        ls.start(self.config(out=out2))
        reader2 = support.SinkReader(out2)
        for tag in files:
            seen_before = set(numbers(first, tag))
            self.wait_for_numbers(reader2, set(range(per_file)) - seen_before, ls, tag=tag)
        counters = support.final_counters(ls.terminate())
        second = support.read_records(out2, allow_partial_tail=False)

        repeated_total = 0
        for tag in files:
            run1, run2 = numbers(first, tag), numbers(second, tag)
            self.assert_exactly_once(run1, set(run1), f"'{tag}' lines within the first run")
            self.assert_exactly_once(run2, set(run2), f"'{tag}' lines within the second run")
            counts = collections.Counter(run1 + run2)
            missing = set(range(per_file)) - counts.keys()
            self.assertFalse(missing, f"'{tag}' lines lost: {sorted(missing)[:20]}")
            self.assertEqual(counts.keys() - set(range(per_file)), set())
            repeated = sorted(n for n, c in counts.items() if c > 1)
            self.assertTrue(support.contiguous(repeated),
                            f"'{tag}' lines repeated are not one run: {repeated[:50]}")
            repeated_total += len(repeated)
        self.assertLessEqual(
            repeated_total, MAX_BATCH,
            f"lines delivered twice: the first run delivered {len(first)} records before the "
            f"kill, the second run {len(second)} of {2 * per_file} lines")
        self.assert_counters(counters, {"k8s": {"events_out": len(second)},
                                        "out": {"events_out": len(second)}})

    def test_a_checkpoint_database_under_its_old_name_is_adopted(self):
        """Before 2026-11-25 the checkpoint database was <data_dir>/checkpoints/<source>.json; an
        upgrade renames it to <source>.db (with its WAL) and resumes where it stopped."""
        path = support.pod_file(self.logs, "upgrade-1", "default", "app")
        support.append(path, b"".join(docker_line(numbered(n)) for n in range(3000)))
        ls = self.logship()
        ls.start(self.config())
        reader = support.SinkReader(self.out)
        self.wait_for_numbers(reader, set(range(3000)), ls)
        checkpoints = os.path.join(self.data_dir, "checkpoints")
        size = os.path.getsize(path)
        self.wait_for(lambda: support.checkpoint_offsets(self.data_dir).get(path) == size,
                      "the checkpoint at the file's end", proc=ls)
        ls.kill9()  # the WAL is left behind, as after a crash of the old version
        self.assertTrue(os.path.exists(os.path.join(checkpoints, "k8s.db-wal")))
        for suffix in ("", "-wal"):
            old = os.path.join(checkpoints, "k8s.db" + suffix)
            if os.path.exists(old):
                os.rename(old, os.path.join(checkpoints, "k8s.json" + suffix))
        self.assertTrue(os.path.exists(os.path.join(checkpoints, "k8s.json")))
        support.append(path, b"".join(docker_line(numbered(n)) for n in range(3000, 4000)))
        ls.start(self.config())
        reader = support.SinkReader(self.out)
        self.wait_for_numbers(reader, set(range(4000)), ls)
        ls.terminate()
        self.assertIn("renamed to", ls.stderr_text())
        self.assertEqual(sorted(os.listdir(checkpoints)), ["k8s.db"])
        records = numbers(support.read_records(self.out, allow_partial_tail=False))
        self.assert_exactly_once(records, range(4000), "lines over the upgrade")  # resumed

    def test_partial_line_across_sigterm(self):
        """A line whose first piece was read before SIGTERM and whose last piece is written after:
        one record after the restart, with the first piece's time."""
        docker = support.pod_file(self.logs, "part-d", "default", "app")
        cri = support.pod_file(self.logs, "part-c", "default", "app")
        t1, t2, t3, t4 = (f"2024-03-04T05:06:0{i}.000000000Z" for i in range(1, 5))
        support.append(docker, docker_line("first", time=t1)
                       + docker_line("piece one, ", time=t2, partial=True))
        support.append(cri, cri_line("first", time=t1) + cri_line("piece one, ", tag="P", time=t2))
        ls = self.logship()
        ls.start(self.config())
        reader = support.SinkReader(self.out)
        self.wait_for(lambda: reader.count() >= 2, "the two 'first' records", proc=ls)
        ls.terminate()

        support.append(docker, docker_line("piece two", time=t3) + docker_line("last", time=t4))
        support.append(cri, cri_line("piece two", tag="F", time=t3) + cri_line("last", time=t4))
        ls.start(self.config())
        self.wait_for(lambda: reader.count() >= 6,
                      lambda: f"6 records (have {len(reader)})", proc=ls)
        counters = support.final_counters(ls.terminate())

        records = support.read_records(self.out, allow_partial_tail=False)
        groups = support.by_container_id(records)
        for path in (docker, cri):
            self.assert_records(groups[support.container_id(path)], [
                support.k8s_record(path, "first", "stdout", t1),
                support.k8s_record(path, "piece one, piece two", "stdout", t2),
                support.k8s_record(path, "last", "stdout", t4),
            ], os.path.basename(path))
        self.assertEqual(len(records), 6)
        self.assert_counters(counters, {"k8s": {"events_out": 4}})

    def test_read_from_end(self):
        """A file found at start-up with no checkpoint is read from its end; lines appended later
        are read; a file created later is read from its head; after a restart the checkpoint wins."""
        path = support.pod_file(self.logs, "tail-1", "default", "app")
        support.append(path, b"".join(docker_line(numbered(n, "old")) for n in range(100)))
        cfg = self.config(read_from="end")
        ls = self.logship()
        ls.start(cfg)
        reader = support.SinkReader(self.out)

        # Until logship has positioned itself, an appended line may count as existing content.
        # So append numbered probes until one arrives: from then on, appended lines are read.
        probes = []

        def probe_arrived():
            reader.poll()
            if numbers(reader.records, "probe"):
                return True
            probes.append(len(probes))
            support.append(path, docker_line(numbered(probes[-1], "probe")))
            return False

        self.wait_for(probe_arrived, "a probe line appended after start-up", proc=ls)
        support.append(path, b"".join(docker_line(numbered(n, "new")) for n in range(50)))
        later = support.pod_file(self.logs, "tail-2", "default", "app")
        support.append(later, b"".join(cri_line(numbered(n, "later")) for n in range(20)))
        self.wait_for_numbers(reader, set(range(50)), ls, tag="new")
        self.wait_for_numbers(reader, set(range(20)), ls, tag="later")
        ls.terminate()

        records = support.read_records(self.out, allow_partial_tail=False)
        self.assertEqual(numbers(records, "old"), [], "content present at start-up was read")
        got_probes = numbers(records, "probe")
        self.assertTrue(got_probes)
        self.assert_exactly_once(got_probes, range(min(got_probes), len(probes)),
                                 "probes (all appended after logship's start position)")
        self.assert_exactly_once(numbers(records, "new"), range(50), "'new' lines")
        self.assert_exactly_once(numbers(records, "later"), range(20), "lines of the later file")
        first_run = len(records)

        # Restart: the checkpoints decide, not read_from.
        support.append(path, b"".join(docker_line(numbered(n, "new")) for n in range(50, 80)))
        ls.start(cfg)
        reader = support.SinkReader(self.out)
        self.wait_for_numbers(reader, set(range(80)), ls, tag="new")
        counters = support.final_counters(ls.terminate())
        records = support.read_records(self.out, allow_partial_tail=False)
        self.assert_exactly_once(numbers(records, "new"), range(80), "'new' lines")
        self.assert_exactly_once(numbers(records, "later"), range(20), "lines of the later file")
        self.assertEqual(numbers(records, "old"), [])
        self.assertEqual(len(records), first_run + 30)
        self.assert_counters(counters, {"k8s": {"events_out": 30}})

    def test_file_added_while_running_is_discovered_and_exclude_is_honoured(self):
        first = support.pod_file(self.logs, "first-1", "default", "app")
        support.append(first, b"".join(cri_line(numbered(n, "first")) for n in range(5)))
        excluded_glob = os.path.join(self.logs, "*_excluded-ns_*.log")
        cfg = self.config(exclude=[excluded_glob])
        ls = self.logship()
        ls.start(cfg)
        reader = support.SinkReader(self.out)
        self.wait_for_numbers(reader, set(range(5)), ls, tag="first")

        excluded = support.pod_file(self.logs, "noisy-1", "excluded-ns", "app")
        support.append(excluded, b"".join(cri_line(numbered(n, "excluded")) for n in range(10)))
        added = support.pod_file(self.logs, "added-1", "default", "app")
        support.append(added, b"".join(docker_line(numbered(n, "added")) for n in range(20)))
        self.wait_for_numbers(reader, set(range(20)), ls, tag="added")
        counters = support.final_counters(ls.terminate())

        records = support.read_records(self.out, allow_partial_tail=False)
        self.assert_exactly_once(numbers(records, "first"), range(5), "lines of the first file")
        self.assert_exactly_once(numbers(records, "added"), range(20), "lines of the added file")
        self.assertEqual(numbers(records, "excluded"), [], "lines of the excluded file")
        self.assertEqual(len(records), 25)
        for r in records:
            if r["message"].startswith("added="):
                self.assertEqual(r["kubernetes"]["pod_name"], "added-1")
        self.assert_counters(counters, {"k8s": {"events_out": 25, "files_discovered": 2}})

        # With --exit-on-eof every matched file is read to its end: still nothing excluded.
        records, counters = self.run_to_eof(cfg)
        self.assertEqual(len(records), 25)
        self.assertEqual(numbers(records, "excluded"), [])
        self.assert_counters(counters, {"k8s": {"events_out": 0}})


if __name__ == "__main__":
    unittest.main()



class LogFormatTest(support.E2ETestCase):
    def test_json_log_lines_are_one_object_each(self):
        path = support.pod_file(self.logs, "jsonlog", "default", "app")
        support.write_file(path, docker_line('a "quoted" \\ line'))
        config = os.path.join(self.tmp, "config.yaml")
        support.write_file(config, self.config().encode())
        proc = subprocess.run([self.binary, "--log-format", "json", "run", "-c", config,
                               "--exit-on-eof"], capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = [json.loads(line) for line in proc.stderr.splitlines()]
        self.assertTrue(lines)
        for line in lines:
            self.assertEqual(list(line), ["time", "level", "message"])
            self.assertRegex(line["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        mark = "Stopped. Final counters: "
        final = [entry["message"] for entry in lines if entry["message"].startswith(mark)]
        self.assertEqual(len(final), 1)
        self.assertEqual(json.loads(final[0][len(mark):])["out"]["events_out"], 1)
