"""The command line as a user meets it: --help and --version everywhere, `validate` reporting
every error with its YAML path, `run` refusing a bad config, the shipped default config."""
import json
import os
import subprocess
import tempfile
import unittest

BIN = os.environ["LOGSHIP_BIN"]
ROOT = os.environ["LOGSHIP_SOURCE_DIR"]


def logship(*args, env=None, timeout=60):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


class CliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="logship-cli-")

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_help_and_version_on_every_command(self):
        for args in ([], ["run"], ["validate"]):
            r = logship(*args, "--help")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("Usage:", r.stdout)
            r = logship(*args, "--version")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stdout.strip(), r"^logship \d+\.\d+\.\d+$")

    def test_validate_reports_every_error_with_its_path(self):
        cfg = self.write("bad.yaml", """\
sources:
  k8s:
    type: kubernetes_logs
    read_from: middle
    max_line_bytes: -5
sinks:
  out:
    type: file
    inputs: [k8s, gen]
""")
        r = logship("validate", "-c", cfg)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('sinks.out.inputs[1] (line 9): no component named "gen"', r.stderr)
        self.assertIn("4 errors found", r.stderr)
        cfg = self.write("bad2.yaml", """\
sources:
  k8s:
    type: kubernetes_logs
    read_from: middle
    max_line_bytes: -5
sinks:
  out:
    type: file
    inputs: [k8s]
""")
        r = logship("validate", "-c", cfg)
        self.assertNotEqual(r.returncode, 0)
        for expected in [
                'sources.k8s.read_from (line 4): must be one of "beginning", "end", got "middle"',
                "sources.k8s.max_line_bytes (line 5): must be between 1024 and 268435456, got -5",
                "sinks.out.path (line 8): required option is missing",
                "3 errors found"]:
            self.assertIn(expected, r.stderr)

    def test_unset_variable_is_an_error_naming_its_line(self):
        cfg = self.write("env.yaml", "data_dir: /tmp/x${LOGSHIP_TEST_UNSET_VAR}\n"
                                     "sources: {a: {type: file, include: [/x/*.log]}}\n"
                                     "sinks: {b: {type: blackhole, inputs: [a]}}\n")
        r = logship("validate", "-c", cfg, env={"LOGSHIP_TEST_UNSET_VAR": ""})
        self.assertEqual(r.returncode, 0, r.stderr)  # set (even empty) is fine
        env = dict(os.environ)
        env.pop("LOGSHIP_TEST_UNSET_VAR", None)
        r = subprocess.run([BIN, "validate", "-c", cfg], capture_output=True, text=True, env=env)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("line 1: environment variable LOGSHIP_TEST_UNSET_VAR is not set", r.stderr)

    def test_run_refuses_a_bad_config_and_a_missing_file(self):
        r = logship("run", "-c", os.path.join(self.tmp, "missing.yaml"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("cannot read the configuration file", r.stderr)
        cfg = self.write("bad.yaml", "sources:\n  a:\n    type: nope\nsinks:\n  b:\n"
                                     "    type: stdout\n    inputs: [a]\n")
        r = logship("run", "-c", cfg)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('sources.a.type (line 3): unknown source type "nope"', r.stderr)

    def test_shipped_default_config_prints_the_example_records(self):
        env = {"LOGSHIP_DATA_DIR": os.path.join(self.tmp, "data"),
               "LOGSHIP_EXAMPLES": os.path.join(ROOT, "examples", "containers")}
        cfg = os.path.join(ROOT, "config", "local.yaml")
        self.assertEqual(logship("validate", "-c", cfg, env=env).returncode, 0)
        r = logship("run", "-c", cfg, "--exit-on-eof", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        records = [json.loads(line) for line in r.stdout.splitlines()]
        # 21 lines: kube-system (1) and blank (2) dropped; the fence traceback (4 lines) and the
        # arborist panic (2 lines) are one record each.
        self.assertEqual(len(records), 14)
        self.assertEqual({rec["kubernetes"]["namespace_name"] for rec in records}, {"default"})
        self.assertEqual(sorted(rec["log_type"] for rec in records),
                         ["combined"] * 3 + ["json"] * 4 + ["raw"] * 7)
        # `make run`'s hint works: the records are in the store, searchable by field and text.
        r = logship("query", "namespace=default", "log_type=combined", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        found = [json.loads(line) for line in r.stdout.splitlines()]
        self.assertEqual(len(found), 3, r.stdout)
        for rec in found:
            self.assertEqual((rec["kubernetes"]["namespace_name"], rec["log_type"]),
                             ("default", "combined"))
            self.assertIsInstance(rec["code"], int)
        times = [rec["timestamp"] for rec in found]
        self.assertEqual(times, sorted(times, reverse=True), "newest first")
        r = logship("query", "KeyError", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        (traceback,) = [json.loads(line) for line in r.stdout.splitlines()]
        self.assertTrue(traceback["message"].startswith("Traceback (most recent call last):\n"))
        self.assertIn("KeyError", traceback["message"])
        self.assertEqual(traceback["kubernetes"]["container_name"], "fence")
        # A second run resumes from the checkpoints: nothing is printed twice.
        r = logship("run", "-c", cfg, "--exit-on-eof", env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")


if __name__ == "__main__":
    unittest.main()
