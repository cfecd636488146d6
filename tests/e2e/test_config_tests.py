"""`logship test`: the unit tests written in a config. The shipped configs' own tests pass, and a
wrong expectation fails with a clear report and a non-zero exit."""
import os
import subprocess
import tempfile
import unittest

BIN = os.environ["LOGSHIP_BIN"]
ROOT = os.environ["LOGSHIP_SOURCE_DIR"]


# config/gen3-agent.yaml ships to the log group named by LOG_GROUP_NAME (required, as in gen3).
os.environ.setdefault("LOG_GROUP_NAME", "/gen3/e2e")

def logship(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)


class ConfigTestsTest(unittest.TestCase):
    def test_shipped_configs_pass_their_tests(self):
        for name in ("gen3-agent.yaml", "local.yaml"):
            path = os.path.join(ROOT, "config", name)
            r = logship("test", "-c", path)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertRegex(r.stdout, r"\n[1-9]\d* passed, 0 failed\n$")
            self.assertNotIn("FAIL", r.stdout)

    def test_a_wrong_expectation_fails(self):
        tmp = tempfile.mkdtemp(prefix="logship-ctest-")
        cfg = os.path.join(tmp, "c.yaml")
        with open(cfg, "w") as f:
            f.write("""\
sources:
  k8s: {type: kubernetes_logs}
transforms:
  gen3: {type: gen3, inputs: [k8s]}
sinks:
  out: {type: blackhole, inputs: [gen3]}
tests:
  - name: right
    as: text
    input: ['plain text']
    expect: [{log_type: raw, message: plain text}]
  - name: wrong type
    as: text
    input: ['plain text']
    expect: [{log_type: json}]
  - name: not dropped
    as: text
    input: ['plain text']
    expect_dropped: true
  - name: too many records expected
    as: text
    input: ['one']
    expect: [{message: one}, {message: two}]
""")
        r = logship("test", "-c", cfg)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("PASS right", r.stdout)
        self.assertIn("FAIL wrong type\n    record 1: log_type: expected json, got raw", r.stdout)
        self.assertIn("FAIL not dropped\n    expected every line to be dropped, got {", r.stdout)
        self.assertIn("FAIL too many records expected\n    expected 2 record(s), got 1", r.stdout)
        self.assertTrue(r.stdout.endswith("1 passed, 3 failed\n"), r.stdout)


if __name__ == "__main__":
    unittest.main()
