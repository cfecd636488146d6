"""Helpers for logship's end-to-end tests (Python 3.11 standard library only).

The tests run the real `logship` binary (path in $LOGSHIP_BIN) against files in a per-test temporary
directory and read what the `file` sink wrote. Nothing here sleeps to wait for logship: every wait is
`wait_until(condition, timeout, what)`, which polls with a deadline and names what it waited for.

$LOGSHIP_E2E_TIMEOUT_SCALE (a number, default 1) multiplies every deadline, e.g. for sanitizer builds.
"""

import collections
import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import unittest
from time import monotonic, sleep

POLL_SECONDS = 0.02
TIMEOUT_SCALE = float(os.environ.get("LOGSHIP_E2E_TIMEOUT_SCALE", "1") or "1")
DELIVERY_TIMEOUT = 60.0 * TIMEOUT_SCALE  # records reaching the sink
EXIT_TIMEOUT = 30.0 * TIMEOUT_SCALE  # logship exiting after SIGTERM / at EOF with --exit-on-eof

DEFAULT_TIME = "2024-01-02T03:04:05.000000000Z"
LATER_TIME = "2024-01-02T03:04:06.000000000Z"
COUNTERS_MARK = "Final counters: "

_K8S_NAME = re.compile(
    r"^(?P<pod>[^_/]+)_(?P<namespace>[^_/]+)_(?P<container>[^/]+)-(?P<id>[0-9a-f]{64})\.log$")


# --------------------------------------------------------------------------------------------------
# Waiting


def wait_until(cond, timeout, what, proc=None, interval=POLL_SECONDS):
    """Polls `cond()` every `interval` (~20 ms) until it returns a true value, which is returned.

    Fails (AssertionError) after `timeout` seconds with a message naming `what` (a string, or a
    callable returning one, evaluated only on failure so it can report the current state). With
    `proc` (a Logship), also fails as soon as that logship process has exited.
    """
    deadline = monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if proc is not None and not proc.alive():
            value = cond()  # it may have delivered just before exiting
            if value:
                return value
            raise AssertionError(
                f"logship exited (rc={proc.returncode}) while waiting for {_describe(what)}\n"
                f"{proc.stderr_tail()}")
        if monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {_describe(what)}")
        sleep(interval)


def _describe(what):
    return what() if callable(what) else what


# --------------------------------------------------------------------------------------------------
# Container log lines


def go_json_string(text):
    """`text` as a JSON string the way Docker (Go's encoding/json) writes it: UTF-8 kept as is,
    and <, >, &, U+2028, U+2029 escaped as \\u003c, \\u003e, \\u0026, \\u2028, \\u2029."""
    out = json.dumps(text, ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        out = out.replace(ch, esc)
    return out


def rfc3339(dt):
    """A timezone-aware datetime as a container runtime writes it: nanoseconds, `Z`."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond * 1000:09d}Z"


def docker_line(text, stream="stdout", time=DEFAULT_TIME, partial=False):
    """One Docker json-file line (bytes, with its newline):
    {"log":"<text>\\n","stream":"stdout","time":"..."}; a partial piece has no \\n in "log"."""
    log = text if partial else text + "\n"
    return ('{"log":' + go_json_string(log) + ',"stream":' + go_json_string(stream)
            + ',"time":' + go_json_string(time) + "}\n").encode("utf-8")


def cri_line(text, stream="stdout", tag="F", time=DEFAULT_TIME):
    """One CRI line (bytes, with its newline): `<time> <stream> <tag> <text>`. `text` may be bytes
    (to write invalid UTF-8)."""
    if isinstance(text, str):
        text = text.encode("utf-8")
    return f"{time} {stream} {tag} ".encode("ascii") + text + b"\n"


def _split(text, piece_chars):
    return [text[i:i + piece_chars] for i in range(0, len(text), piece_chars)] or [""]


def docker_pieces(text, piece_chars=16384, stream="stdout", time=DEFAULT_TIME,
                  later_time=LATER_TIME):
    """`text` as Docker writes a long line: pieces of `piece_chars` characters, all partial but
    the last. The first piece has `time`, the others `later_time`."""
    pieces = _split(text, piece_chars)
    return b"".join(
        docker_line(p, stream, time if i == 0 else later_time, partial=i < len(pieces) - 1)
        for i, p in enumerate(pieces))


def cri_pieces(text, piece_chars=16384, stream="stdout", time=DEFAULT_TIME, later_time=LATER_TIME):
    """`text` as CRI `P` pieces ended by an `F` piece (first piece `time`, others `later_time`)."""
    pieces = _split(text, piece_chars)
    return b"".join(
        cri_line(p, stream, "P" if i < len(pieces) - 1 else "F", time if i == 0 else later_time)
        for i, p in enumerate(pieces))


_FILLER = "the quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs. " * 8


def numbered(n, tag="seq", width=100):
    """A log text `<tag>=<n, 6 digits> <filler>` of exactly `width` characters (fixed width, so
    every numbered line of one tag has the same length)."""
    head = f"{tag}={n:06d} "
    return head + _FILLER[:max(0, width - len(head))]


_NUMBERED = re.compile(r"^(?P<tag>[A-Za-z0-9_-]+)=(?P<n>\d{6}) ")


def numbers(records, tag="seq"):
    """The numbers of the numbered messages with `tag` among `records`, in record order."""
    out = []
    for r in records:
        m = _NUMBERED.match(r.get("message", ""))
        if m and m.group("tag") == tag:
            out.append(int(m.group("n")))
    return out


# --------------------------------------------------------------------------------------------------
# Kubernetes file names and expected records


def pod_file(directory, pod, namespace, container):
    """`<directory>/<pod>_<namespace>_<container>-<64 hex>.log` as the kubelet names it; the id is
    derived from the three names, so it is stable."""
    cid = hashlib.sha256(f"{pod}/{namespace}/{container}".encode()).hexdigest()
    return os.path.join(directory, f"{pod}_{namespace}_{container}-{cid}.log")


def k8s_names(path):
    """(pod, namespace, container, container_id) from a Kubernetes log file name."""
    m = _K8S_NAME.match(os.path.basename(path))
    if not m:
        raise ValueError(f"not a Kubernetes container log file name: {path}")
    return m.group("pod"), m.group("namespace"), m.group("container"), m.group("id")


def container_id(path):
    return k8s_names(path)[3]


def k8s_record(path, message, stream="stdout", time=DEFAULT_TIME, logship=None):
    """The record `kubernetes_logs` emits for one line of `path`, keys in the specified order.
    `stream`/`time` None: left out (a line that failed to parse). `logship`: the flags object."""
    pod, namespace, container, cid = k8s_names(path)
    rec = {"message": message}
    if stream is not None:
        rec["stream"] = stream
    if time is not None:
        rec["time"] = time
    rec["docker"] = {"container_id": cid}
    rec["kubernetes"] = {"pod_name": pod, "namespace_name": namespace, "container_name": container}
    if logship is not None:
        rec["logship"] = logship
    return rec


def key_order(value):
    """The nested key order of a JSON value, for asserting that keys come in the specified order."""
    if isinstance(value, dict):
        return [(k, key_order(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [key_order(v) for v in value]
    return None


def by_container_id(records):
    """Records of `kubernetes_logs` grouped by docker.container_id, each group in sink order."""
    groups = collections.defaultdict(list)
    for r in records:
        groups[r.get("docker", {}).get("container_id")].append(r)
    return groups


# --------------------------------------------------------------------------------------------------
# Reading the sink and logship's counters


def _object_no_duplicates(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise ValueError(f"duplicate key {k!r} in a record")
        obj[k] = v
    return obj


def parse_record(line, where="record"):
    try:
        return json.loads(line, object_pairs_hook=_object_no_duplicates)
    except (ValueError, UnicodeDecodeError) as e:
        shown = line[:300] + (b"..." if len(line) > 300 else b"")
        raise AssertionError(f"{where} is not one JSON object: {e}: {shown!r}") from None


def read_records(path, allow_partial_tail=True):
    """The records of a JSON-lines file (a missing file: no records). A last line without its
    newline (the sink may be writing it right now, or was killed) is ignored, unless
    `allow_partial_tail` is False: then it is an error (use that once the writer has exited)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    lines = data.split(b"\n")
    tail = lines.pop()
    if tail and not allow_partial_tail:
        raise AssertionError(f"{path} ends with an incomplete line: {tail[:200]!r}")
    return [parse_record(line, f"{path} line {i + 1}") for i, line in enumerate(lines)]


class SinkReader:
    """Reads a growing JSON-lines file incrementally (only new complete lines are parsed), so a test
    can poll a large sink cheaply."""

    def __init__(self, path):
        self.path = path
        self.records = []
        self._offset = 0
        self._pending = b""

    def poll(self):
        """Reads what was appended since the last call; returns the number of new records."""
        try:
            with open(self.path, "rb") as f:
                f.seek(self._offset)
                data = f.read()
        except FileNotFoundError:
            return 0
        self._offset += len(data)
        lines = (self._pending + data).split(b"\n")
        self._pending = lines.pop()
        first = len(self.records)
        for i, line in enumerate(lines):
            self.records.append(parse_record(line, f"{self.path} line {first + i + 1}"))
        return len(lines)

    def count(self):
        """Polls, then returns the number of records read so far."""
        self.poll()
        return len(self.records)

    def __len__(self):
        return len(self.records)


def final_counters(stderr_text):
    """The JSON object of the last `Final counters: {...}` line of logship's stderr."""
    found = None
    for line in stderr_text.splitlines():
        pos = line.find(COUNTERS_MARK)
        if pos >= 0:
            found = line[pos + len(COUNTERS_MARK):]
    if found is None:
        raise AssertionError("no 'Final counters: ' line in logship's stderr:\n"
                             + "\n".join(stderr_text.splitlines()[-40:]))
    try:
        value, _ = json.JSONDecoder().raw_decode(found.strip())
    except ValueError as e:
        raise AssertionError(f"'Final counters: ' is not followed by JSON ({e}): {found!r}") from None
    if not isinstance(value, dict):
        raise AssertionError(f"final counters are not a JSON object: {found!r}")
    return value


# --------------------------------------------------------------------------------------------------
# Files


def write_file(path, data, mode="wb"):
    with open(path, mode) as f:
        f.write(data)


def append(path, data):
    """Appends `data` to `path` (created if needed) with one O_APPEND write."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def open_paths(pid):
    """The paths a process holds open (Linux /proc; a deleted file reads `<path> (deleted)`)."""
    paths = []
    fd_dir = f"/proc/{pid}/fd"
    try:
        names = os.listdir(fd_dir)
    except OSError:
        return paths
    for name in names:
        try:
            paths.append(os.readlink(os.path.join(fd_dir, name)))
        except OSError:
            pass
    return paths


def holds_open(pid, path):
    return any(p == path or p == path + " (deleted)" for p in open_paths(pid))


def open_append(path, exclusive=False):
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_EXCL if exclusive else 0)
    return os.open(path, flags, 0o644)


def new_file_at_inode(test, path, old_ino):
    """Creates `path` again at the deleted file's inode `old_ino`, and returns an O_APPEND
    descriptor of it; skips `test` if the filesystem does not hand that inode out.

    ext4 gives a new file the lowest free inode of its group, which is not always the one just
    freed (logship may have freed lower ones, e.g. by replacing its checkpoint file). So
    placeholder files (names the include glob does not match) take inodes until one gets
    `old_ino`; that one is renamed to `path` (a rename keeps the inode)."""
    holders, found = [], None
    try:
        for i in range(256):
            holder = os.path.join(os.path.dirname(path), f".inode-holder-{i}")
            fd = open_append(holder, exclusive=True)
            ino = os.fstat(fd).st_ino
            os.close(fd)
            if ino == old_ino:
                found = holder
                break
            holders.append(holder)
        if found is None:
            test.skipTest(f"the filesystem of {os.path.dirname(path)} did not give inode "
                          f"{old_ino} to any of {len(holders)} new files")
        os.rename(found, path)
        return open_append(path)
    finally:
        for holder in holders:
            os.unlink(holder)


# --------------------------------------------------------------------------------------------------
# The logship process


def logship_bin():
    """$LOGSHIP_BIN; the test is skipped when it is not set (e.g. running the helper checks by hand)
    and fails when it is set but missing."""
    path = os.environ.get("LOGSHIP_BIN")
    if not path:
        raise unittest.SkipTest("LOGSHIP_BIN is not set")
    if not os.access(path, os.X_OK):
        raise AssertionError(f"LOGSHIP_BIN={path} is not an executable file")
    return path


class Logship:
    """One logship program, started (and restarted) with a config text.

    Every start writes `<name>-runN.yaml` and captures stdout/stderr to `<name>-runN.stdout` and
    `<name>-runN.stderr` in `workdir`.
    """

    def __init__(self, workdir, binary=None, name="logship"):
        self.binary = binary or logship_bin()
        self.workdir = workdir
        self.name = name
        self.proc = None
        self.runs = 0
        self.started_at = 0.0
        self.config_path = self.stderr_path = self.stdout_path = None

    def start(self, config_text, exit_on_eof=False, extra_args=(), env=None):
        """Starts `logship run`; `env`, when given, is the child's whole environment."""
        if self.alive():
            raise AssertionError("logship is already running")
        self.runs += 1
        base = os.path.join(self.workdir, f"{self.name}-run{self.runs}")
        self.config_path = base + ".yaml"
        self.stderr_path = base + ".stderr"
        self.stdout_path = base + ".stdout"
        write_file(self.config_path, config_text.encode("utf-8"))
        args = [self.binary, "run", "-c", self.config_path]
        if exit_on_eof:
            args.append("--exit-on-eof")
        args.extend(extra_args)
        self.started_at = monotonic()
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                         cwd=self.workdir, env=env)
        return self

    @property
    def pid(self):
        return self.proc.pid

    @property
    def returncode(self):
        return None if self.proc is None else self.proc.poll()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stderr_text(self):
        if not self.stderr_path:
            return ""
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def stderr_tail(self, lines=40):
        text = self.stderr_text().splitlines()[-lines:]
        return f"--- last {len(text)} lines of {self.stderr_path} ---\n" + "\n".join(text)

    def final_counters(self):
        return final_counters(self.stderr_text())

    def _wait_exit(self, timeout, after):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(
                f"logship did not exit within {timeout:g} s {after}; killed it\n"
                f"{self.stderr_tail()}") from None

    def terminate(self, timeout=EXIT_TIMEOUT):
        """SIGTERM (logship drains), waits for the exit, asserts exit code 0; returns stderr."""
        if not self.alive():
            raise AssertionError(
                f"logship is not running (rc={self.returncode}) when it should be\n"
                f"{self.stderr_tail()}")
        self.wait_signal_ready(signal.SIGTERM)
        self.proc.send_signal(signal.SIGTERM)
        self.proc.send_signal(signal.SIGCONT)  # in case a test left it stopped
        rc = self._wait_exit(timeout, "after SIGTERM")
        if rc != 0:
            raise AssertionError(f"logship exited with {rc} after SIGTERM, expected 0\n"
                                 f"{self.stderr_tail()}")
        return self.stderr_text()

    def wait_signal_ready(self, signum, timeout=30.0 * TIMEOUT_SCALE):
        """Waits until logship takes `signum` itself instead of dying of it as a program that
        has only just been exec'd would: logship blocks its stop signals before it logs
        "Starting pipeline", so that line in stderr is the condition."""
        del signum  # SIGTERM, SIGINT and SIGHUP are all blocked at that point
        wait_until(lambda: not self.alive() or "Starting pipeline" in self.stderr_text(),
                   timeout, "logship to log 'Starting pipeline' (its signals are set up)")

    def kill9(self):
        """SIGKILL, and waits until the process is gone."""
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        self._wait_exit(EXIT_TIMEOUT, "after SIGKILL")

    def wait(self, timeout=EXIT_TIMEOUT, expect_rc=0):
        """Waits for logship to exit by itself (--exit-on-eof); asserts the exit code; returns
        stderr."""
        rc = self._wait_exit(timeout, "by itself")
        if expect_rc is not None and rc != expect_rc:
            raise AssertionError(f"logship exited with {rc}, expected {expect_rc}\n"
                                 f"{self.stderr_tail()}")
        return self.stderr_text()

    def pause(self):
        """SIGSTOP: freezes logship (as a long scheduler stall would) until resume()."""
        self.proc.send_signal(signal.SIGSTOP)
        wait_until(lambda: self._state() in ("T", "t", None), EXIT_TIMEOUT, "logship to stop")

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def _state(self):
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return None

    def cleanup(self):
        """Kills the process if it is still running (tearDown)."""
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.send_signal(signal.SIGCONT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


# --------------------------------------------------------------------------------------------------
# The HTTP API (/health, /metrics)

_API_LINE = re.compile(r"API listening on http://(\S+) ")
_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def api_address(ls, timeout=EXIT_TIMEOUT):
    """HOST:PORT the running logship's API listens on (configured with port 0), from its log."""
    found = []

    def cond():
        m = _API_LINE.search(ls.stderr_text())
        if m:
            found.append(m.group(1))
        return bool(found)
    wait_until(cond, timeout, "logship to log 'API listening on'", ls)
    return found[0]


def http_get(address, path, timeout=5.0):
    """(status, body text) of GET http://address/path."""
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(f"http://{address}{path}", timeout=timeout) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def parse_prometheus(text):
    """{(metric name, frozenset of (label, value))): value} of Prometheus text; checks that every
    sample's metric had a # TYPE line before it."""
    samples, typed = {}, set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            typed.add(line.split()[2])
            continue
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            raise AssertionError(f"not a Prometheus sample: {line!r}")
        if m.group(1) not in typed:
            raise AssertionError(f"{m.group(1)} has no # TYPE line before it")
        labels = frozenset(_LABEL.findall(m.group(2) or ""))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


def metric(samples, name, component, **labels):
    """The value of `name` for component_id `component` (and the given labels), or None."""
    for (n, ls), value in samples.items():
        d = dict(ls)
        if n == name and d.get("component_id") == component and all(
                d.get(k) == v for k, v in labels.items()):
            return value
    return None


def scrape(address):
    status, body = http_get(address, "/metrics")
    if status != 200:
        raise AssertionError(f"/metrics answered {status}: {body[:200]}")
    return parse_prometheus(body)


# --------------------------------------------------------------------------------------------------
# Config


def yaml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a YAML double-quoted scalar
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no YAML for {value!r}")


def make_config(data_dir, out_path, include, source_type="kubernetes_logs", source_id="k8s",
                sink_id="out", **source_options):
    """A one-source, one-file-sink config, as in the spec:

        data_dir: ...
        sources:
          k8s: {type: kubernetes_logs, include: [...], <source_options>}
        sinks:
          out: {type: file, inputs: [k8s], path: ...}
    """
    lines = [f"data_dir: {yaml_value(data_dir)}",
             "sources:",
             f"  {source_id}:",
             f"    type: {source_type}",
             f"    include: {yaml_value(list(include))}"]
    for key, value in source_options.items():
        lines.append(f"    {key}: {yaml_value(value)}")
    lines += ["sinks:",
              f"  {sink_id}:",
              "    type: file",
              f"    inputs: [{source_id}]",
              f"    path: {yaml_value(out_path)}",
              ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# Test case base


class _Worker(threading.Thread):
    def __init__(self, fn, name):
        super().__init__(name=name, daemon=True)
        self.fn = fn
        self.error = None

    def run(self):
        try:
            self.fn()
        except BaseException as e:  # reported by the test's waits and joins
            self.error = e


class E2ETestCase(unittest.TestCase):
    """Per test: a temporary directory (kept, and named on stderr, when the test fails) with
    `logs/` for the input files, `data/` as data_dir and `out.jsonl` as the sink; logship processes
    and writer threads started through it are killed / joined in tearDown."""

    def setUp(self):
        self.binary = logship_bin()
        self.tmp = tempfile.mkdtemp(prefix=f"logship-e2e-{self._testMethodName}-")
        self.logs = os.path.join(self.tmp, "logs")
        self.data_dir = os.path.join(self.tmp, "data")
        self.out = os.path.join(self.tmp, "out.jsonl")
        os.makedirs(self.logs)
        self._instances = []
        self._workers = []

    def tearDown(self):
        for inst in self._instances:
            inst.cleanup()
        for w in self._workers:
            w.join(timeout=EXIT_TIMEOUT)
        if self._failed():
            sys.stderr.write(f"\n[{self.id()}] kept {self.tmp}\n")
            for inst in self._instances:
                if inst.stderr_path:
                    sys.stderr.write(inst.stderr_tail(20) + "\n")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _failed(self):
        outcome = getattr(self, "_outcome", None)
        result = getattr(outcome, "result", None)
        if result is None or not hasattr(result, "failures"):
            return True  # unknown: keep the evidence
        return any(getattr(test, "test_case", test) is self
                   for test, _ in list(result.failures) + list(result.errors))

    # processes and threads

    def logship(self, name="logship"):
        inst = Logship(self.tmp, self.binary, name)
        self._instances.append(inst)
        return inst

    def start_thread(self, fn, name="writer"):
        w = _Worker(fn, name)
        self._workers.append(w)
        w.start()
        return w

    def join_thread(self, w, timeout=DELIVERY_TIMEOUT):
        w.join(timeout)
        if w.is_alive():
            self.fail(f"thread {w.name} did not finish within {timeout:g} s")
        if w.error is not None:
            raise w.error

    def check_threads(self):
        for w in self._workers:
            if w.error is not None:
                raise AssertionError(f"thread {w.name} failed: {w.error!r}") from w.error

    def wait_for(self, cond, what, timeout=DELIVERY_TIMEOUT, proc=None, interval=POLL_SECONDS):
        """wait_until that also fails early when a writer thread of this test failed."""
        def checked():
            self.check_threads()
            return cond()
        return wait_until(checked, timeout, what, proc, interval)

    def wait_for_numbers(self, reader, expected, proc, tag="seq", timeout=DELIVERY_TIMEOUT):
        """Waits until every number in `expected` (a set) was delivered at least once to `reader`."""
        seen = set()
        done = [0]

        def cond():
            reader.poll()
            recs = reader.records
            seen.update(numbers(recs[done[0]:], tag))
            done[0] = len(recs)
            return expected <= seen

        self.wait_for(cond, lambda: f"all {len(expected)} '{tag}' lines in {reader.path} "
                      f"({len(expected & seen)} delivered, {len(reader.records)} records)",
                      timeout, proc)

    # config and runs

    def config(self, include=None, out=None, source_type="kubernetes_logs", **source_options):
        source_options.setdefault("read_from", "beginning")
        source_options.setdefault("glob_interval_ms", 100)
        return make_config(self.data_dir, out or self.out,
                           include or [os.path.join(self.logs, "*.log")], source_type,
                           **source_options)

    def run_to_eof(self, config_text, out=None, timeout=EXIT_TIMEOUT):
        """Runs logship with --exit-on-eof; returns (all records now in the sink, final counters)."""
        ls = self.logship()
        ls.start(config_text, exit_on_eof=True)
        stderr = ls.wait(timeout)
        return read_records(out or self.out, allow_partial_tail=False), final_counters(stderr)

    # assertions

    def assert_counters(self, counters, expected):
        """Each `expected[component][name]` equals the counter (other counters are not checked)."""
        for component, values in expected.items():
            self.assertIn(component, counters, f"no counters for {component!r}: {counters}")
            for name, value in values.items():
                self.assertEqual(counters[component].get(name), value,
                                 f"counter {component}.{name}; all counters: {counters}")

    def assert_records(self, actual, expected, what="records"):
        """Exact equality, including the key order of every (nested) object."""
        self.assertEqual(len(actual), len(expected),
                         f"number of {what}: got {len(actual)}, expected {len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            self.assertEqual(a, e, f"{what}[{i}]")
            self.assertEqual(key_order(a), key_order(e), f"key order of {what}[{i}]")

    def assert_exactly_once(self, got, expected, what="numbers"):
        """Every number of `expected` occurs exactly once in `got`, and nothing else does."""
        counts = collections.Counter(got)
        expected = set(expected)
        missing = sorted(expected - counts.keys())
        extra = sorted(counts.keys() - expected)
        repeated = sorted(n for n, c in counts.items() if c > 1)
        if missing or extra or repeated:
            self.fail(f"{what}: {len(missing)} missing {_sample(missing)}, {len(repeated)} repeated "
                      f"{_sample(repeated)}, {len(extra)} unexpected {_sample(extra)}")


def _sample(values, limit=12):
    shown = ", ".join(str(v) for v in values[:limit])
    return f"[{shown}{', ...' if len(values) > limit else ''}]"


def ranges(values, limit=10):
    """Sorted integers as runs, e.g. "0-99, 200, 300-310" (the first `limit` runs)."""
    runs = []
    for v in sorted(values):
        if runs and v == runs[-1][1] + 1:
            runs[-1][1] = v
        else:
            runs.append([v, v])
    text = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in runs[:limit])
    return text + (", ..." if len(runs) > limit else "")


def contiguous(values):
    """True when the (distinct) integers form one run a, a+1, ..., b (or there are none)."""
    s = sorted(set(values))
    return not s or s[-1] - s[0] + 1 == len(s)


# The most lines a source batch holds (TailingOptions::batch_max_events): what a kill -9 may deliver
# twice, the batch that was in flight.
MAX_BATCH = 2048


def checkpoint_offsets(data_dir, source="k8s"):
    """{path: offset} in a tailing source's checkpoint database, read as a bystander (read-only);
    {} while it cannot be read."""
    db = os.path.join(data_dir, "checkpoints", f"{source}.db")
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return dict(connection.execute("SELECT path, offset FROM files"))
        finally:
            connection.close()
    except sqlite3.Error:
        return {}
