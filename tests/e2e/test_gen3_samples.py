"""Every case of gen3's sample files (src/transforms/gen3/tests/data/*.jsonl, copied from
shared/samples/gen3) through the `gen3` transform, twice: with `logship parse` and with a file
pipeline (kubernetes_logs -> gen3 -> file, --exit-on-eof). Each line gets its `expected.route`,
the fields the legacy config extracted (with types), and its own time; counts are printed."""

import json
import os
import subprocess
import sys
import unittest

import support
from support import docker_line

DATA = os.path.join(os.environ.get("LOGSHIP_SOURCE_DIR", ""), "src", "transforms", "gen3", "tests",
                    "data")
POD = ("revproxy-deployment-6c8d9f7b5d-x7k2p", "default", "revproxy")
GEN3_AGENT = os.path.join(os.environ.get("LOGSHIP_SOURCE_DIR", ""), "config", "gen3-agent.yaml")

# The counts per route, as the sample files give them (checked against the files too).
EXPECTED_COUNTS = {
    "nginx.jsonl": {"combined": 6, "json": 5, "raw": 4, "drop": 2},
    "python.jsonl": {"raw": 9, "json": 1, "combined": 1},
    "go.jsonl": {"raw": 6, "combined": 1},
}

# The keys the legacy config extracted from the cases it parsed (110 over the three files).
EXPECTED_FIELDS = {"nginx.jsonl": 85, "python.jsonl": 15, "go.jsonl": 10}


# config/gen3-agent.yaml ships to the log group named by LOG_GROUP_NAME (required, as in gen3).
os.environ.setdefault("LOG_GROUP_NAME", "/gen3/e2e")

def load(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def route_counts(routes):
    counts = {}
    for r in routes:
        counts[r] = counts.get(r, 0) + 1
    return counts


def runtime_time(i):
    """A distinct container runtime time per sample line (finds the line of a record again)."""
    return f"2024-01-02T03:04:05.{i:09d}Z"


class Gen3SamplesTest(support.E2ETestCase):
    def setUp(self):
        super().setUp()
        self.config_path = os.path.join(self.tmp, "gen3.yaml")
        with open(self.config_path, "w") as f:
            f.write(self.pipeline_config())

    def pipeline_config(self):
        return "\n".join([
            f"data_dir: {support.yaml_value(self.data_dir)}",
            "sources:",
            "  k8s:",
            "    type: kubernetes_logs",
            f"    include: {support.yaml_value([os.path.join(self.logs, '*.log')])}",
            "    read_from: beginning",
            "transforms:",
            "  gen3: {type: gen3, inputs: [k8s]}",
            "sinks:",
            "  out:",
            "    type: file",
            "    inputs: [gen3]",
            f"    path: {support.yaml_value(self.out)}",
            ""])

    def parse(self, lines, *args, config=None):
        """`logship parse` over stdin; returns ([record or None per line], stderr)."""
        r = subprocess.run([self.binary, "parse", "-c", config or self.config_path, *args],
                           input="".join(l + "\n" for l in lines), capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        dropped = set()
        for line in r.stderr.splitlines():
            if line.startswith("line ") and "dropped by transform" in line:
                dropped.add(int(line.split()[1].rstrip(":")))
        records = [json.loads(l) for l in r.stdout.splitlines()]
        out = []
        for n in range(1, len(lines) + 1):
            out.append(None if n in dropped else records.pop(0))
        self.assertEqual(records, [], "records left over")
        return out

    def through_parse(self, samples):
        pod_path = support.pod_file("/var/log/containers", *POD)
        lines = [docker_line(s["input"], time=runtime_time(i)).decode().rstrip("\n")
                 for i, s in enumerate(samples)]
        return self.parse(lines, "--path", pod_path)

    def through_pipeline(self, samples):
        path = support.pod_file(self.logs, *POD)
        support.write_file(path, b"".join(docker_line(s["input"], time=runtime_time(i))
                                          for i, s in enumerate(samples)))
        records, counters = self.run_to_eof(self.pipeline_config())
        by_time = {r["time"]: r for r in records}
        self.assertEqual(len(by_time), len(records), "one record per line")
        out = [by_time.pop(runtime_time(i), None) for i in range(len(samples))]
        self.assertEqual(by_time, {}, "records of no sample line")
        return out, counters

    def check(self, name, samples, records, how):
        routes = []
        self.fields_checked = 0
        for s, rec in zip(samples, records):
            route = "drop" if rec is None else rec.get("log_type")
            routes.append(route)
            self.assertEqual(route, s["expected"]["route"], f"{how}: {s['source']}: {s['input']!r}")
            if rec is not None:
                self.check_fields(s, rec, how)
        counts = route_counts(routes)
        self.assertEqual(counts, route_counts(s["expected"]["route"] for s in samples))
        self.assertEqual(counts, EXPECTED_COUNTS[name])
        self.assertEqual(self.fields_checked, EXPECTED_FIELDS[name])
        sys.stderr.write(f"[ gen3 {how:8} ] {name}: {len(samples)} lines, "
                         + ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
                         + f"; {self.fields_checked} legacy fields\n")

    def check_fields(self, sample, rec, how):
        """The legacy config's fields (its fluentd >= 1.10 regex where given), with types: `code`
        and `size` numbers, `-` and "" absent; JSON keys with their JSON types."""
        exp = sample["expected"]
        legacy = exp.get("legacy_parsed_fluentd_1_10_plus_regex") or exp.get("legacy_parsed")
        what = f"{how}: {sample['input']!r}"
        if legacy:
            for key, value in legacy.items():
                self.fields_checked += 1
                if exp["route"] == "combined":
                    value = value.rstrip("\n")
                    if value in ("", "-"):
                        self.assertNotIn(key, rec, what)
                        continue
                    if key in ("code", "size") and value.isdigit():
                        value = int(value)
                self.assertEqual(rec.get(key), value, f"{what}: {key}")
                self.assertEqual(type(rec.get(key)), type(value), f"{what}: {key}")
        when = exp.get("legacy_event_time")
        if "timestamp" in rec and exp["route"] == "combined" and when and when[0].isdigit():
            self.assertEqual(rec["timestamp"], when.replace("Z", ".000000000Z"), what)

    def run_file(self, name):
        samples = load(name)
        self.check(name, samples, self.through_parse(samples), "parse")
        records, counters = self.through_pipeline(samples)
        self.check(name, samples, records, "pipeline")
        dropped = EXPECTED_COUNTS[name].get("drop", 0)
        self.assert_counters(counters, {"gen3": {"events_in": len(samples),
                                                 "events_out": len(samples) - dropped,
                                                 "events_dropped_blank": dropped}})

    def test_nginx(self):
        self.run_file("nginx.jsonl")

    def test_python(self):
        self.run_file("python.jsonl")

    def test_go(self):
        self.run_file("go.jsonl")

    def test_kubelet_and_host_logs(self):
        """kubelet.jsonl: host syslog lines (/var/log/messages, /var/log/secure) through the node
        agent's `syslog` transform give the sample's record; klog lines through `gen3` are split
        into level, pid, source and message."""
        samples = load("kubelet.jsonl")
        syslog = [s["expected"] for s in samples if s["expected"]["tag"].startswith("host.")]
        klog = [s["expected"] for s in samples
                if s["expected"]["tag"] == "kubelet" and s["expected"]["record"]]
        for s, e in zip(samples, [s["expected"] for s in samples]):
            e["input"] = s["input"]
        self.assertEqual((len(syslog), len(klog)), (4, 3))
        records = self.parse([s["input"] for s in syslog], "--from", "host_messages", "--as",
                             "text", config=GEN3_AGENT)
        for s, rec in zip(syslog, records):
            want = dict(s["record"])
            if "pid" in want:
                want["pid"] = int(want["pid"])
            self.assertEqual({k: rec.get(k) for k in want}, want, s["input"])
        levels = {"I": "info", "W": "warning", "E": "error", "F": "fatal"}
        records = self.parse([s["input"] for s in klog], "--as", "text")
        for s, rec in zip(klog, records):
            want = s["record"]
            self.assertEqual(rec["log_type"], "raw")
            self.assertEqual(rec["level"], levels[want["severity"]], s["input"])
            self.assertEqual(rec["pid"], int(want["pid"]))
            self.assertEqual(rec["source"], want["source"])
            self.assertEqual(rec["message"], want["message"])
            month_day, clock = s["time_field"].split(" ")
            self.assertEqual(rec["timestamp"][5:], f"{month_day[:2]}-{month_day[2:]}T{clock}000Z")
        sys.stderr.write(f"[ gen3 parse    ] kubelet.jsonl: {len(syslog)} syslog records, "
                         f"{len(klog)} klog records split\n")


if __name__ == "__main__":
    unittest.main()
