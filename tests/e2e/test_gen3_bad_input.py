"""Bad input through the gen3 pipeline (kubernetes_logs -> merge_multiline -> gen3 -> file): invalid
JSON after `{"gen3log":`, a 1 MiB JSON line, deeply nested JSON, binary garbage, control characters,
and a traceback cut by the multiline flush timeout. Nothing crashes, nothing is lost, every bad
line is kept, flagged and counted."""

import json
import os
import unittest

import support
from support import docker_line

TIME = "2024-01-02T03:04:05.{:09d}Z"


class Gen3BadInputTest(support.E2ETestCase):
    def pipeline(self, timeout_ms=1000):
        return "\n".join([
            f"data_dir: {support.yaml_value(self.data_dir)}",
            "sources:",
            "  k8s:",
            "    type: kubernetes_logs",
            f"    include: {support.yaml_value([os.path.join(self.logs, '*.log')])}",
            "    read_from: beginning",
            "    glob_interval_ms: 100",
            "    max_line_bytes: 4194304",
            "transforms:",
            f"  multi: {{type: merge_multiline, inputs: [k8s], timeout_ms: {timeout_ms}}}",
            "  gen3: {type: gen3, inputs: [multi]}",
            "sinks:",
            "  out:",
            "    type: file",
            "    inputs: [gen3]",
            f"    path: {support.yaml_value(self.out)}",
            ""])

    def test_bad_lines_are_kept_flagged_and_counted(self):
        big = "x" * (1024 * 1024)
        nested_ok = '{"gen3log": "nginx", "deep": ' + "[" * 200 + "1" + "]" * 200 + "}"
        nested_too_deep = '{"gen3log": "nginx", "deep": ' + "[" * 100000 + "]" * 100000 + "}"
        texts = [
            '{"gen3log": "nginx", "http_request": "/\\x22bad", "code": 400}',  # nginx's \x22
            '{"gen3log": "nginx", "truncated": ',                               # cut short
            '{"gen3log": "nginx", "blob": "' + big + '"}',                      # 1 MiB, valid
            nested_ok,                                                          # 200 deep, valid
            nested_too_deep,                                                    # 100,000 deep
            '{"gen3log": "nginx", "surrogate": "\\ud800"}',                     # lone surrogate
            'ctrl \x00\x01\x1b[31m red \x7f end',                               # control characters
            '{"gen3log": "nginx"} trailing garbage',
        ]
        path = support.pod_file(self.logs, "revproxy-1", "default", "revproxy")
        garbage = bytes(range(256)) * 4 + b"\xff\xfe{\"log\":"
        support.write_file(path, b"".join(
            [docker_line(t, time=TIME.format(i)) for i, t in enumerate(texts)]
            + [garbage.replace(b"\n", b" ") + b"\n"]))

        records, counters = self.run_to_eof(self.pipeline())

        self.assertEqual(len(records), len(texts) + 1)
        by_time = {r.get("time"): r for r in records}
        invalid = [0, 1, 4, 5, 7]
        for i in invalid:
            rec = by_time[TIME.format(i)]
            self.assertEqual(rec["log_type"], "json", i)
            self.assertEqual(rec["message"], texts[i], f"line {i}: raw text kept")
            self.assertIn("parse_error", rec["logship"], i)
        self.assertEqual(by_time[TIME.format(2)]["blob"], big)
        deep = by_time[TIME.format(3)]["deep"]
        for _ in range(200):
            self.assertIsInstance(deep, list)
            deep = deep[0]
        self.assertEqual(deep, 1)
        self.assertEqual(by_time[TIME.format(6)]["message"], texts[6])
        self.assertEqual(by_time[TIME.format(6)]["log_type"], "raw")
        (junk,) = [r for r in records if "time" not in r]
        self.assertIn("parse_error", junk["logship"])
        self.assertTrue(junk["logship"]["invalid_utf8"])
        self.assertEqual(junk["log_type"], "raw")
        self.assert_counters(counters, {
            "k8s": {"events_out": len(texts) + 1, "malformed_lines": 1, "invalid_utf8_lines": 1},
            "gen3": {"events_in": len(texts) + 1, "events_out": len(texts) + 1,
                     "json_parse_errors": len(invalid)},
        })

    def test_traceback_cut_by_the_flush_timeout(self):
        path = support.pod_file(self.logs, "fence-1", "default", "fence")
        support.write_file(path, b"".join([
            docker_line("Traceback (most recent call last):", time=TIME.format(1)),
            docker_line('  File "/fence/base.py", line 98, in get', time=TIME.format(2)),
        ]))
        ls = self.logship()
        ls.start(self.pipeline(timeout_ms=200))
        reader = support.SinkReader(self.out)
        self.wait_for(lambda: reader.count() >= 1, "the first part, flushed by the timeout", proc=ls)
        first = reader.records[0]
        self.assertEqual(first["message"],
                         'Traceback (most recent call last):\n  File "/fence/base.py", line 98, in get')
        self.assertEqual(first["logship"]["multiline"], "flushed after timeout_ms without a new line")
        # The rest of the traceback comes after the flush: it is a record of its own, not lost.
        support.append(path, docker_line("KeyError: 'email'", time=TIME.format(3)))
        self.wait_for(lambda: reader.count() >= 2, "the rest of the traceback", proc=ls)
        self.assertEqual(reader.records[1]["message"], "KeyError: 'email'")
        ls.terminate()
        counters = ls.final_counters()
        self.assertEqual(reader.count(), 2)
        self.assert_counters(counters, {"multi": {"groups_flushed_by_timeout": 1, "lines_merged": 1},
                                        "gen3": {"events_out": 2}})


if __name__ == "__main__":
    unittest.main()
