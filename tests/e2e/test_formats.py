"""Container line formats: Docker json-file and CRI side by side, partial lines, long lines,
invalid UTF-8 and malformed lines (kubernetes_logs, --exit-on-eof)."""

import os
import unittest

import support
from support import cri_line, docker_line

MIB = 1024 * 1024
BIG = "<the big message, compared separately>"


def t(i):
    """A distinct RFC 3339 time per line, so a record's time shows which piece it came from."""
    return f"2024-05-06T07:08:{i % 60:02d}.{i:09d}Z"


def big_text():
    """5 MiB of ASCII in which every 8-byte cell holds its own index: any lost, repeated or
    reordered piece changes the text."""
    text = "".join(f"{i:07d}," for i in range(5 * MIB // 8))
    assert len(text) == 5 * MIB
    return text


class FormatsTest(support.E2ETestCase):
    def file(self, pod, namespace, container, data):
        path = support.pod_file(self.logs, pod, namespace, container)
        support.write_file(path, data)
        return path

    def total_size(self, *paths):
        return sum(os.path.getsize(p) for p in paths)

    def test_docker_and_cri_in_one_directory(self):
        docker = self.file("web-5d8f9c7b6-abcde", "shop", "nginx", b"".join([
            docker_line("docker first", time=t(1)),
            docker_line("part one, ", time=t(2), partial=True),
            docker_line("stderr in between", stream="stderr", time=t(3)),
            docker_line("part two, ", time=t(4), partial=True),
            docker_line("part three", time=t(5)),
            docker_line("", time=t(6)),
            docker_line('quote " backslash \\ tab \t <&> caf\u00e9 \u2713', time=t(7)),
        ]))
        cri = self.file("api-7c9d", "default", "app", b"".join([
            cri_line("cri first", time=t(11)),
            cri_line("alpha ", tag="P", time=t(12)),
            cri_line("beta ", tag="P", time=t(13)),
            cri_line("gamma", tag="F", time=t(14)),
            cri_line("", time=t(15)),
            cri_line("cri stderr", stream="stderr", time=t(16)),
            cri_line("  spaces kept  ", time=t(17)),
        ]))
        mixed = self.file("mixed-1", "ops", "sidecar", b"".join([
            docker_line("docker in mixed", time=t(21)),
            cri_line("cri in mixed", time=t(22)),
            docker_line("docker again", stream="stderr", time=t(23)),
            cri_line("cri again", time=t(24)),
        ]))

        records, counters = self.run_to_eof(self.config())
        groups = support.by_container_id(records)
        self.assertEqual(len(records), 14)

        # Docker: the three stdout pieces make one record with the first piece's time; the stderr
        # line between them is its own record. Order is checked per stream.
        d = groups[support.container_id(docker)]
        rec = support.k8s_record
        self.assert_records([r for r in d if r.get("stream") == "stdout"], [
            rec(docker, "docker first", "stdout", t(1)),
            rec(docker, "part one, part two, part three", "stdout", t(2)),
            rec(docker, "", "stdout", t(6)),
            rec(docker, 'quote " backslash \\ tab \t <&> caf\u00e9 \u2713', "stdout", t(7)),
        ], "docker stdout records")
        self.assert_records([r for r in d if r.get("stream") != "stdout"], [
            rec(docker, "stderr in between", "stderr", t(3)),
        ], "docker stderr records")

        # CRI: P, P, F -> one record with the first P's time; the empty F line is a record.
        self.assert_records(groups[support.container_id(cri)], [
            rec(cri, "cri first", "stdout", t(11)),
            rec(cri, "alpha beta gamma", "stdout", t(12)),
            rec(cri, "", "stdout", t(15)),
            rec(cri, "cri stderr", "stderr", t(16)),
            rec(cri, "  spaces kept  ", "stdout", t(17)),
        ], "cri records")

        # One file mixing both formats, detected line by line.
        self.assert_records(groups[support.container_id(mixed)], [
            rec(mixed, "docker in mixed", "stdout", t(21)),
            rec(mixed, "cri in mixed", "stdout", t(22)),
            rec(mixed, "docker again", "stderr", t(23)),
            rec(mixed, "cri again", "stdout", t(24)),
        ], "mixed-file records")

        self.assert_counters(counters, {
            "k8s": {"events_out": 14, "bytes_read": self.total_size(docker, cri, mixed),
                    "files_discovered": 3, "lines_truncated": 0, "invalid_utf8_lines": 0,
                    "malformed_lines": 0,
                    # partial pieces that were joined to a later piece: 2 Docker + 2 CRI `P`
                    "partial_lines_merged": 4},
            "out": {"events_in": 14, "events_out": 14},
        })

    def long_line_file(self, fmt, text):
        """before-line, `text` as 16 KiB pieces (first piece at t(2)), after-line."""
        if fmt == "docker":
            body = [docker_line("before big", time=t(1)),
                    support.docker_pieces(text, 16384, time=t(2), later_time=t(3)),
                    docker_line("after big", time=t(4))]
        else:
            body = [cri_line("before big", time=t(1)),
                    support.cri_pieces(text, 16384, time=t(2), later_time=t(3)),
                    cri_line("after big", time=t(4))]
        return self.file(f"big-{fmt}", "default", "app", b"".join(body))

    def test_5mib_line_arrives_intact_with_8mib_limit(self):
        text = big_text()
        for fmt in ("docker", "cri"):
            with self.subTest(fmt=fmt):
                self.reset_dirs()
                path = self.long_line_file(fmt, text)
                records, counters = self.run_to_eof(self.config(max_line_bytes=8388608))
                self.assertEqual(len(records), 3)
                self.assert_big_message(records[1], text)
                self.assert_records(records, [
                    support.k8s_record(path, "before big", "stdout", t(1)),
                    support.k8s_record(path, BIG, "stdout", t(2)),
                    support.k8s_record(path, "after big", "stdout", t(4)),
                ], f"{fmt} records")
                self.assert_counters(counters, {
                    "k8s": {"events_out": 3, "lines_truncated": 0, "partial_lines_merged": 319,
                            "bytes_read": os.path.getsize(path)},
                    "out": {"events_out": 3}})

    def test_5mib_line_is_truncated_to_the_default_1mib(self):
        text = big_text()
        for fmt in ("docker", "cri"):
            with self.subTest(fmt=fmt):
                self.reset_dirs()
                path = self.long_line_file(fmt, text)
                records, counters = self.run_to_eof(self.config())  # max_line_bytes: default
                self.assertEqual(len(records), 3)
                self.assert_big_message(records[1], text[:1048576])
                self.assert_records(records, [
                    support.k8s_record(path, "before big", "stdout", t(1)),
                    support.k8s_record(path, BIG, "stdout", t(2), {"truncated": True}),
                    support.k8s_record(path, "after big", "stdout", t(4)),
                ], f"{fmt} records")
                self.assert_counters(counters, {
                    "k8s": {"events_out": 3, "lines_truncated": 1, "bytes_read": os.path.getsize(path)},
                    "out": {"events_out": 3}})

    def assert_big_message(self, record, expected):
        """Compares a multi-MiB message without handing it to unittest's diff (far too slow), then
        puts the placeholder BIG in its place so the rest of the record can be compared."""
        got = record.get("message")
        self.assertIsInstance(got, str, "message")
        if got != expected:
            at = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b),
                      min(len(got), len(expected)))
            self.fail(f"message differs: {len(got.encode())} bytes, expected "
                      f"{len(expected.encode())}; first difference at {at}: "
                      f"{got[at:at + 40]!r} vs {expected[at:at + 40]!r}")
        record["message"] = BIG

    def reset_dirs(self):
        """A fresh logs dir, data dir and sink for the next sub-test."""
        n = getattr(self, "_reset", 0) + 1
        self._reset = n
        self.logs = os.path.join(self.tmp, f"logs{n}")
        self.data_dir = os.path.join(self.tmp, f"data{n}")
        self.out = os.path.join(self.tmp, f"out{n}.jsonl")
        os.makedirs(self.logs)

    def test_invalid_utf8_is_replaced_flagged_and_counted(self):
        path = self.file("utf8-1", "default", "app", b"".join([
            cri_line("good before", time=t(1)),
            cri_line(b"bad \xff\xfe bytes", stream="stderr", time=t(2)),
            cri_line("good after \u00e9", time=t(3)),
        ]))
        records, counters = self.run_to_eof(self.config())
        # One U+FFFD per invalid byte (\xff and \xfe are each an invalid sequence of their own).
        self.assert_records(records, [
            support.k8s_record(path, "good before", "stdout", t(1)),
            support.k8s_record(path, "bad \ufffd\ufffd bytes", "stderr", t(2), {"invalid_utf8": True}),
            support.k8s_record(path, "good after \u00e9", "stdout", t(3)),
        ])
        self.assert_counters(counters, {
            "k8s": {"events_out": 3, "invalid_utf8_lines": 1, "malformed_lines": 0},
            "out": {"events_out": 3}})

    def test_malformed_line_is_kept_raw_and_reading_goes_on(self):
        path = self.file("bad-1", "default", "app", b"".join([
            cri_line("good 1", time=t(1)),
            b"this is not a container line\n",
            cri_line("good 2", time=t(2)),
            docker_line("good 3", time=t(3)),
        ]))
        records, counters = self.run_to_eof(self.config())
        self.assertEqual(len(records), 4)
        bad = records[1]
        flags = bad.get("logship")
        self.assertIsInstance(flags, dict, bad)
        self.assertEqual(list(flags), ["parse_error"], bad)
        self.assertIsInstance(flags["parse_error"], str)
        self.assertTrue(flags["parse_error"], "parse_error must give a reason")
        self.assert_records(records, [
            support.k8s_record(path, "good 1", "stdout", t(1)),
            support.k8s_record(path, "this is not a container line", None, None,
                               {"parse_error": flags["parse_error"]}),
            support.k8s_record(path, "good 2", "stdout", t(2)),
            support.k8s_record(path, "good 3", "stdout", t(3)),
        ])
        self.assert_counters(counters, {
            "k8s": {"events_out": 4, "malformed_lines": 1, "invalid_utf8_lines": 0},
            "out": {"events_out": 4}})


if __name__ == "__main__":
    unittest.main()
