"""Checks of the e2e helpers themselves (support.py); these need no logship binary."""

import json
import os
import tempfile
import unittest

import support

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "data", "containers")


def sample_lines(kind):
    """(file name, [lines without their newline]) of every sample file of `kind` (docker/cri)."""
    out = []
    directory = os.path.join(SAMPLES, kind)
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as f:
            data = f.read()
        assert data.endswith(b"\n"), name
        out.append((name, data[:-1].split(b"\n")))
    return out


class ContainerLineTest(unittest.TestCase):
    def test_docker_line_reproduces_the_docker_samples_byte_for_byte(self):
        checked = 0
        for name, lines in sample_lines("docker"):
            for line in lines:
                obj = json.loads(line)
                log = obj["log"]
                partial = not log.endswith("\n")
                text = log if partial else log[:-1]
                with self.subTest(file=name, line=line[:60]):
                    self.assertEqual(
                        support.docker_line(text, obj["stream"], obj["time"], partial),
                        line + b"\n")
                checked += 1
        self.assertEqual(checked, 12)

    def test_docker_line_escapes_like_go(self):
        self.assertEqual(
            support.docker_line('a => b & <c> "q" \\ \t é', "stderr", "T"),
            b'{"log":"a =\\u003e b \\u0026 \\u003cc\\u003e \\"q\\" \\\\ \\t \xc3\xa9\\n",'
            b'"stream":"stderr","time":"T"}\n')
        self.assertEqual(support.docker_line("", time="T"),
                         b'{"log":"\\n","stream":"stdout","time":"T"}\n')
        self.assertEqual(support.docker_line("half", time="T", partial=True),
                         b'{"log":"half","stream":"stdout","time":"T"}\n')

    def test_cri_line_reproduces_the_cri_samples_byte_for_byte(self):
        checked = 0
        for name, lines in sample_lines("cri"):
            for line in lines:
                time, stream, tag, text = line.split(b" ", 3)
                with self.subTest(file=name, line=line[:60]):
                    self.assertEqual(
                        support.cri_line(text.decode("utf-8"), stream.decode(), tag.decode(),
                                         time.decode()),
                        line + b"\n")
                checked += 1
        self.assertEqual(checked, 10)

    def test_cri_line_takes_bytes(self):
        self.assertEqual(support.cri_line(b"bad \xff\xfe", "stderr", "P", "T"),
                         b"T stderr P bad \xff\xfe\n")

    def test_pieces(self):
        data = support.docker_pieces("abcdefgh", piece_chars=3, time="T1", later_time="T2")
        lines = [json.loads(x) for x in data.splitlines()]
        self.assertEqual([x["log"] for x in lines], ["abc", "def", "gh\n"])
        self.assertEqual([x["time"] for x in lines], ["T1", "T2", "T2"])
        self.assertEqual(support.cri_pieces("abcdefgh", piece_chars=4, time="T1", later_time="T2"),
                         b"T1 stdout P abcd\nT2 stdout F efgh\n")
        self.assertEqual(support.cri_pieces("", time="T1"), b"T1 stdout F \n")

    def test_numbered(self):
        a, b = support.numbered(7), support.numbered(123456, tag="gen2", width=40)
        self.assertEqual(len(a), 100)
        self.assertEqual(len(b), 40)
        self.assertTrue(a.startswith("seq=000007 "))
        recs = [{"message": a}, {"message": b}, {"message": "seq=12"}, {"message": ""}]
        self.assertEqual(support.numbers(recs), [7])
        self.assertEqual(support.numbers(recs, "gen2"), [123456])
        self.assertTrue(support.contiguous([5, 3, 4, 4]))
        self.assertTrue(support.contiguous([]))
        self.assertFalse(support.contiguous([1, 3]))


class NamesTest(unittest.TestCase):
    def test_pod_file(self):
        path = support.pod_file("/x/logs", "web-1", "shop", "nginx")
        self.assertRegex(path, r"^/x/logs/web-1_shop_nginx-[0-9a-f]{64}\.log$")
        self.assertEqual(path, support.pod_file("/x/logs", "web-1", "shop", "nginx"))
        self.assertNotEqual(path, support.pod_file("/x/logs", "web-1", "shop", "php"))
        pod, ns, container, cid = support.k8s_names(path)
        self.assertEqual((pod, ns, container), ("web-1", "shop", "nginx"))
        self.assertEqual(len(cid), 64)

    def test_sample_names_parse(self):
        names = [name for kind in ("docker", "cri") for name, _ in sample_lines(kind)]
        parsed = {support.k8s_names(n)[:3] for n in names}
        self.assertIn(("aws-node-8kq2m", "kube-system", "aws-node"), parsed)
        self.assertIn(("revproxy-deployment-6c8d9f7b5d-x7k2p", "default", "revproxy"), parsed)

    def test_k8s_record_key_order(self):
        path = support.pod_file("/l", "p", "n", "c")
        rec = support.k8s_record(path, "m", "stderr", "T", {"truncated": True})
        self.assertEqual(list(rec), ["message", "stream", "time", "docker", "kubernetes", "logship"])
        self.assertEqual(list(rec["kubernetes"]), ["pod_name", "namespace_name", "container_name"])
        bad = support.k8s_record(path, "raw", None, None, {"parse_error": "x"})
        self.assertEqual(list(bad), ["message", "docker", "kubernetes", "logship"])


class SinkTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="logship-support-")
        self.path = os.path.join(self.dir, "out.jsonl")

    def tearDown(self):
        import shutil
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_read_records(self):
        self.assertEqual(support.read_records(self.path), [])
        support.write_file(self.path, b'{"a":1,"b":"\\u00e9"}\n{"a":2}\n{"a":')
        self.assertEqual(support.read_records(self.path), [{"a": 1, "b": "\u00e9"}, {"a": 2}])
        with self.assertRaises(AssertionError):
            support.read_records(self.path, allow_partial_tail=False)
        support.write_file(self.path, b'{"a":1,"a":2}\n')
        with self.assertRaises(AssertionError):
            support.read_records(self.path)
        support.write_file(self.path, b'{"a":"\xff"}\n')
        with self.assertRaises(AssertionError):
            support.read_records(self.path)

    def test_sink_reader_is_incremental(self):
        reader = support.SinkReader(self.path)
        self.assertEqual(reader.poll(), 0)
        support.append(self.path, b'{"n":1}\n{"n":')
        self.assertEqual(reader.poll(), 1)
        support.append(self.path, b'2}\n{"n":3}\n')
        self.assertEqual(reader.poll(), 2)
        self.assertEqual(reader.records, [{"n": 1}, {"n": 2}, {"n": 3}])

    def test_final_counters(self):
        text = ("2024-01-01 info starting\n"
                'x Final counters: {"k8s": {"events_out": 1}}\n'
                '2024-01-01 [info] Final counters: {"k8s": {"events_out": 12}, '
                '"out": {"events_in": 12, "events_out": 12}}\n'
                "bye\n")
        self.assertEqual(support.final_counters(text),
                         {"k8s": {"events_out": 12}, "out": {"events_in": 12, "events_out": 12}})
        with self.assertRaises(AssertionError):
            support.final_counters("no counters here\n")


class WaitTest(unittest.TestCase):
    def test_wait_until(self):
        calls = []

        def cond():
            calls.append(1)
            return len(calls) >= 3 and "done"

        self.assertEqual(support.wait_until(cond, 5, "three calls"), "done")
        with self.assertRaisesRegex(AssertionError, "waiting for the impossible thing"):
            support.wait_until(lambda: False, 0.1, "the impossible thing")
        with self.assertRaisesRegex(AssertionError, "state 42"):
            support.wait_until(lambda: False, 0.05, lambda: "state 42")


class ConfigTest(unittest.TestCase):
    def test_make_config(self):
        text = support.make_config("/t/data", "/t/out.jsonl", ["/t/logs/*.log"],
                                   read_from="end", max_line_bytes=8388608, exclude=[])
        self.assertEqual(text, "\n".join([
            'data_dir: "/t/data"',
            "sources:",
            "  k8s:",
            "    type: kubernetes_logs",
            '    include: ["/t/logs/*.log"]',
            '    read_from: "end"',
            "    max_line_bytes: 8388608",
            "    exclude: []",
            "sinks:",
            "  out:",
            "    type: file",
            "    inputs: [k8s]",
            '    path: "/t/out.jsonl"',
            ""]))


if __name__ == "__main__":
    unittest.main()
