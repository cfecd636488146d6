"""The `local_store` sink and `logship query`: kubernetes_logs over generated container files into
the store with --exit-on-eof, then searches by field, free text, --limit, --since/--until, and the
errors a user can make."""

import datetime
import os
import sqlite3
import subprocess
import time
import unittest

import support
from support import cri_line, docker_line

NOW_S = int(time.time())


def ago(seconds, i=0):
    """An RFC 3339 time (9 fraction digits) `seconds` before the start of the test run, plus `i`
    nanoseconds (distinct times, so the newest-first order is exact)."""
    t = datetime.datetime.fromtimestamp(NOW_S - seconds, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{i:09d}Z"


class LocalStoreTest(support.E2ETestCase):
    def setUp(self):
        super().setUp()
        self.store = os.path.join(self.tmp, "store")

    def file(self, pod, namespace, container, data):
        path = support.pod_file(self.logs, pod, namespace, container)
        support.write_file(path, data)
        return path

    def store_config(self, sink_options=None):
        sink_options = {"path": self.store, "max_age_hours": 0} if sink_options is None \
            else sink_options
        lines = [f"data_dir: {support.yaml_value(self.data_dir)}",
                 "sources:",
                 "  k8s:",
                 "    type: kubernetes_logs",
                 f"    include: {support.yaml_value([os.path.join(self.logs, '*.log')])}",
                 "    read_from: beginning",
                 "sinks:",
                 "  store:",
                 "    type: local_store",
                 "    inputs: [k8s]"]
        lines += [f"    {k}: {support.yaml_value(v)}" for k, v in sink_options.items()]
        return "\n".join(lines) + "\n"

    def run_into_store(self, sink_options=None):
        ls = self.logship()
        ls.start(self.store_config(sink_options), exit_on_eof=True)
        return support.final_counters(ls.wait())

    def query(self, *args, store=None, env=None, expect_rc=0):
        cmd = [self.binary, "query"]
        if store is not False:
            cmd += ["--store", store or self.store]
        r = subprocess.run(cmd + list(args), capture_output=True, timeout=60,
                           env={**os.environ, **(env or {})})
        self.assertEqual(r.returncode, expect_rc,
                         f"logship query {args}: rc={r.returncode}, stderr: {r.stderr!r}")
        if expect_rc != 0:
            self.assertEqual(r.stdout, b"")
            return r.stderr.decode()
        lines = r.stdout.split(b"\n")
        self.assertEqual(lines.pop(), b"", "output ends with a newline")
        records = [support.parse_record(line, "query output") for line in lines]
        for rec in records:
            # The event time comes first; with no transform it is the container runtime's time.
            self.assertEqual(next(iter(rec)), "timestamp", rec)
            timestamp = rec.pop("timestamp")
            if "time" in rec:
                self.assertEqual(timestamp, rec["time"], rec)
        return records

    def write_three_pods(self):
        """Three pods, Docker and CRI, with times from 5 h ago to 10 min ago."""
        self.web = self.file("web-1", "default", "nginx", b"".join([
            docker_line("GET /healthz 200", time=ago(5 * 3600, 1)),
            docker_line("GET /login 302", time=ago(600, 4)),
        ]))
        self.api = self.file("api-1", "default", "app", b"".join([
            cri_line("database connection refused", stream="stderr", time=ago(5 * 3600, 2)),
            cri_line("retrying \"db\" in 5s; DROP TABLE records", time=ago(600, 5)),
        ]))
        self.dns = self.file("coredns-1", "kube-system", "coredns", b"".join([
            docker_line("connection timed out", time=ago(5 * 3600, 3)),
            docker_line("Reloading config", time=ago(600, 6)),
        ]))
        rec = support.k8s_record
        # Newest first.
        return [rec(self.dns, "Reloading config", "stdout", ago(600, 6)),
                rec(self.api, "retrying \"db\" in 5s; DROP TABLE records", "stdout", ago(600, 5)),
                rec(self.web, "GET /login 302", "stdout", ago(600, 4)),
                rec(self.dns, "connection timed out", "stdout", ago(5 * 3600, 3)),
                rec(self.api, "database connection refused", "stderr", ago(5 * 3600, 2)),
                rec(self.web, "GET /healthz 200", "stdout", ago(5 * 3600, 1))]

    def test_query_by_field_text_limit_and_time(self):
        expected = self.write_three_pods()
        counters = self.run_into_store()
        self.assert_counters(counters, {"store": {"events_in": 6, "events_out": 6,
                                                  "records_deleted": 0}})
        self.assert_records(self.query(), expected, "all records")
        self.assert_records(self.query("namespace=default"),
                            [expected[i] for i in (1, 2, 4, 5)], "namespace=default")
        self.assert_records(self.query("kubernetes.namespace_name=kube-system"),
                            [expected[i] for i in (0, 3)], "kube-system")
        self.assert_records(self.query("pod=api-1"), [expected[i] for i in (1, 4)], "pod=api-1")
        self.assert_records(self.query("container=nginx", "namespace=default"),
                            [expected[i] for i in (2, 5)], "container=nginx")
        self.assert_records(self.query("pod=web-1", "pod=coredns-1", "--limit", "3"),
                            [expected[i] for i in (0, 2, 3)], "two pods, limit 3")
        # Free text: words of the message, any case; a quoted argument is a phrase.
        self.assert_records(self.query("CONNECTION"), [expected[i] for i in (3, 4)], "connection")
        self.assert_records(self.query("connection", "refused"), [expected[4]], "two words")
        self.assert_records(self.query("connection refused"), [expected[4]], "a phrase")
        self.assert_records(self.query("namespace=kube-system", "connection"), [expected[3]],
                            "field and text")
        self.assert_records(self.query('"db"'), [expected[1]], "quotes in the text")
        # --limit
        self.assert_records(self.query("--limit", "2"), expected[:2], "limit 2")
        self.assert_records(self.query("-n", "1", "namespace=default"), [expected[1]], "-n 1")
        # --since / --until: a duration before now, or an RFC 3339 time (both inclusive).
        self.assert_records(self.query("--since", "1h"), expected[:3], "since 1h")
        self.assert_records(self.query("--since", "1h", "namespace=default"), expected[1:3],
                            "since 1h in default")
        self.assert_records(self.query("--until", "2h"), expected[3:], "until 2h")
        # Longer back than the clock counts (292 years): from the beginning; none before it.
        self.assert_records(self.query("--since", "99999999999w"), expected, "since forever")
        self.assertEqual(self.query("--until", "99999999999w"), [])
        self.assert_records(self.query("--since", ago(600, 5), "--until", ago(600, 5)),
                            [expected[1]], "one instant")
        self.assert_records(self.query("--since", "1d", "--until", "1h", "connection"),
                            [expected[i] for i in (3, 4)], "time and text")
        self.assertEqual(self.query("nomatch"), [])

    def test_sql_looking_input_is_plain_text(self):
        expected = self.write_three_pods()
        self.run_into_store()
        # Searched as words, like any text: punctuation is ignored.
        self.assert_records(self.query("'; DROP TABLE records; --"), [expected[1]], "a phrase")
        for evil in ["'; DROP TABLE logs; --", "\" OR 1=1 --", "x OR y", "NEAR(db 5s)",
                     "message:db", "*"]:
            self.assertEqual(self.query(evil), [], evil)
        for evil in ["namespace=default' OR '1'='1", "pod=\" OR \"\"=\""]:
            self.assertEqual(self.query(evil), [], evil)
        self.assert_records(self.query(), expected, "all records still there")

    def test_retention_by_event_age_and_the_default_path(self):
        # Records older than max_age_hours (by their own time) go; the path defaults to
        # <data_dir>/store, which `query` finds through $LOGSHIP_DATA_DIR. The store keeps
        # records in chunks (a container's records from one batch) and deletes a chunk once its
        # newest record is too old: web-1's old records go, web-3's old record stays with its
        # recent one.
        old = self.file("web-1", "default", "nginx", b"".join([
            docker_line("from 2024", time="2024-01-02T03:04:05.000000000Z"),
            docker_line("from 3 hours ago", time=ago(3 * 3600)),
        ]))
        path = self.file("web-2", "default", "nginx",
                         docker_line("from a minute ago", time=ago(60)))
        mixed = self.file("web-3", "default", "nginx", b"".join([
            docker_line("old, in a recent chunk", time=ago(4 * 3600)),
            docker_line("recent, in a recent chunk", time=ago(120)),
        ]))
        counters = self.run_into_store({"max_age_hours": 2})
        self.assert_counters(counters, {"store": {"events_out": 5, "records_deleted": 2}})
        rec = support.k8s_record
        self.assert_records(self.query(store=False, env={"LOGSHIP_DATA_DIR": self.data_dir}),
                            [rec(path, "from a minute ago", "stdout", ago(60)),
                             rec(mixed, "recent, in a recent chunk", "stdout", ago(120)),
                             rec(mixed, "old, in a recent chunk", "stdout", ago(4 * 3600))],
                            "kept records")
        self.assertTrue(old)
        # Records arriving in a second run are added to the same store.
        support.append(path, docker_line("second run", time=ago(30)))
        self.run_into_store({"max_age_hours": 2})
        self.assertEqual([r["message"] for r in self.query(
            "pod=web-2", "--store", os.path.join(self.data_dir, "store"), store=False)],
            ["second run", "from a minute ago"])

    def test_a_store_of_an_earlier_version_is_refused_with_a_way_out(self):
        # A store written before chunks (schema version 1): the sink and `query` both refuse it
        # with the file's name and what to do; nothing is written into it.
        os.makedirs(self.store)
        db_file = os.path.join(self.store, "logs.db")
        db = sqlite3.connect(db_file)
        db.executescript("CREATE TABLE records (id INTEGER PRIMARY KEY, record TEXT);"
                         "PRAGMA user_version=1;")
        db.close()
        err = self.query(expect_rc=1)
        self.assertIn(f"local store {db_file} was written by an earlier logship", err)
        self.assertIn(f"delete the store directory ({self.store})", err)
        self.write_three_pods()
        ls = self.logship()
        ls.start(self.store_config(), exit_on_eof=True)
        stderr = ls.wait(expect_rc=None)
        self.assertIn(f"local store {db_file} was written by an earlier logship", stderr)
        self.assert_counters(support.final_counters(stderr),
                             {"store": {"events_out": 0, "batches_given_up": 1}})
        db = sqlite3.connect(db_file)
        self.assertEqual(db.execute("PRAGMA user_version").fetchone()[0], 1)
        self.assertEqual(db.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'chunks'").fetchone()[0], 0)
        db.close()

    def test_query_errors(self):
        self.write_three_pods()
        # No store yet: a clear error. `validate` builds the sink without creating anything.
        err = self.query(expect_rc=1)
        self.assertIn(f"no local store in {self.store}", err)
        cfg = os.path.join(self.tmp, "store.yaml")
        support.write_file(cfg, self.store_config().encode())
        r = subprocess.run([self.binary, "validate", "-c", cfg], capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.exists(self.store))

        self.run_into_store()
        err = self.query("hostname=node-1", expect_rc=1)
        self.assertIn('unknown field "hostname"', err)
        self.assertIn("namespace, pod, container, log_type, level, status", err)
        self.assertIn("status must be a number", self.query("status=abc", expect_rc=1))
        self.assertIn("--since: expected an RFC 3339 time", self.query("--since", "yesterday",
                                                                       expect_rc=1))
        self.assertIn("--until", self.query("--until", "5x", expect_rc=1))


if __name__ == "__main__":
    unittest.main()
