"""The local debugging workflow that replaces gen3's dockerTest.sh: `logship log` writes container
log lines with correct escaping, `logship parse` pushes lines through a config's transforms."""
import json
import os
import subprocess
import tempfile
import unittest

BIN = os.environ["LOGSHIP_BIN"]

CONFIG = """\
sources:
  k8s: {type: kubernetes_logs, include: ["/var/log/containers/*.log"]}
transforms:
  multi: {type: merge_multiline, inputs: [k8s]}
sinks:
  out: {type: stdout, inputs: [multi]}
"""
POD_PATH = ("/var/log/containers/fence-deployment-5b9c6d7f8-abcde_default_fence-"
            + "fe4df04df139ec0a6e94bdba9891b6951c3ddaaf68c352f79631409b4756f9e3.log")


def logship(*args, stdin=None):
    return subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True, timeout=60)


class DebugCommandsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="logship-debug-")
        self.config = os.path.join(self.tmp, "c.yaml")
        with open(self.config, "w") as f:
            f.write(CONFIG)

    def test_log_escapes_backslashes_and_quotes(self):
        text = 'C:\\temp\\new "quoted" \t tab caf\u00e9'
        r = logship("log", "--time", "2023-09-27T15:04:05.123456789Z", text)
        self.assertEqual(r.returncode, 0, r.stderr)
        line = json.loads(r.stdout)
        self.assertEqual(line, {"log": text + "\n", "stream": "stdout",
                                "time": "2023-09-27T15:04:05.123456789Z"})
        r = logship("log", "--format", "cri", "--stream", "stderr", "--time",
                    "2023-09-27T15:04:05Z", "two", "words")
        self.assertEqual(r.stdout, "2023-09-27T15:04:05Z stderr F two words\n")
        r = logship("log", "--time", "yesterday", "x")
        self.assertNotEqual(r.returncode, 0)

    def test_log_output_parses_back_to_the_same_message(self):
        texts = ["C:\\temp", '{"gen3log": "nginx", "x": "\\u0026"}', "plain"]
        for fmt in ("docker", "cri"):
            lines = "".join(logship("log", "--format", fmt, t).stdout for t in texts)
            r = logship("parse", "-c", self.config, "--path", POD_PATH, stdin=lines)
            self.assertEqual(r.returncode, 0, r.stderr)
            records = [json.loads(l) for l in r.stdout.splitlines()]
            self.assertEqual([rec["message"] for rec in records], texts, fmt)
            for rec in records:
                self.assertEqual(rec["kubernetes"], {"pod_name": "fence-deployment-5b9c6d7f8-abcde",
                                                     "namespace_name": "default",
                                                     "container_name": "fence"})

    def test_parse_joins_a_traceback_and_says_which_transform_held_the_lines(self):
        lines = ["[2023-09-27 15:04:05,377][     fence][  ERROR] Unexpected error",
                 "Traceback (most recent call last):",
                 '  File "/fence/fence/blueprints/login/base.py", line 98, in get',
                 "    result = flask.current_app.oauth_client.get_user_id(code)",
                 "KeyError: 'email'"]
        r = logship("parse", "-c", self.config, "--as", "text", *lines)
        self.assertEqual(r.returncode, 0, r.stderr)
        records = [json.loads(l) for l in r.stdout.splitlines()]
        self.assertEqual([rec["message"] for rec in records], [lines[0], "\n".join(lines[1:])])
        for n in (2, 3, 4, 5):
            self.assertIn(f'line {n}: held (to be joined with the next lines) by transform "multi"',
                          r.stderr)

    def test_parse_reports_config_errors(self):
        bad = os.path.join(self.tmp, "bad.yaml")
        with open(bad, "w") as f:
            f.write(CONFIG.replace("merge_multiline", "no_such_transform"))
        r = logship("parse", "-c", bad, "x")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('transforms.multi.type: unknown transform type "no_such_transform"', r.stderr)


if __name__ == "__main__":
    unittest.main()
