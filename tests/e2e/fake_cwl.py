"""A fake CloudWatch Logs endpoint for fault injection (Python standard library only).

moto never throttles and does not enforce the PutLogEvents limits; this server does both, and
fails requests on demand. It speaks the AWS JSON 1.1 protocol on http://127.0.0.1:<port>/:
`POST /` with `X-Amz-Target: Logs_20140328.<Op>` and a Content-Length body, HTTP/1.1 keep-alive,
for CreateLogGroup, CreateLogStream, PutRetentionPolicy, PutLogEvents and DescribeLogStreams.
It does not check signatures (any Authorization header, or none, is accepted).

Errors are what AWS sends: HTTP 400 (or 403/500/503) with header `x-amzn-ErrorType: <Code>` and
body `{"__type": "<Code>", "message": "..."}`.

PutLogEvents is checked as CloudWatch Logs does (see shared/brief/aws.md section 2); a violation
fails the whole request with 400 InvalidParameterException and stores nothing:
- 1..10,000 events; each message a non-empty string of at most `max_message_bytes` UTF-8 bytes
  (default 1,048,550; 262,118 for the older 256 KB event limit). The reported event size is
  message bytes + 26, as AWS reports it ("Log event too large: N bytes exceeds limit of M");
- sum over events of (UTF-8 message bytes + 26) <= 1,048,576 ("Upload too large: ...");
- timestamps non-decreasing ("... must be in chronological order.");
- among the events inside the time window, last - first <= 24 h ("cannot span more than 24 hours").
The time window is taken against the server's clock (`now_ms`): events more than 14 days old
and more than 2 hours in the future are not stored, and are reported as AWS does:
`rejectedLogEventsInfo.tooOldLogEventEndIndex` (exclusive end of the too-old prefix) and
`tooNewLogEventStartIndex` (inclusive start of the too-new suffix). Retention periods are stored
but do not expire events (no `expiredLogEventEndIndex`).

Faults (a FaultPlan consulted once per PutLogEvents request, or per request of any operation):
  ok                        process normally
  throttle                  400 ThrottlingException "Rate exceeded"
  error500                  500 InternalFailure
  error503                  503 ServiceUnavailableException
  slow:<seconds>            wait, then process normally
  reset                     read the request, then close the connection with a TCP reset
                            (SO_LINGER 0), no answer
  reject400                 400 InvalidParameterException; nothing stored
  partial:<old_end>:<new_start>
                            process normally, but also report events [0, old_end) as too old and
                            [new_start, n) as too new (not stored); either number may be empty
  auth403                   403 UnrecognizedClientException (JSON)
  auth403:xml               403 SignatureDoesNotMatch as moto sends it (XML <ErrorResponse>)

Count-only mode (benchmarks): every request gets 200 `{}` at once (DescribeLogStreams: no streams);
nothing is parsed or stored; requests, PutLogEvents events and body bytes are counted.

As a script: `python3 fake_cwl.py [--count-only] [--port N] [--port-file FILE] [--group NAME]...`
binds 127.0.0.1:N (default: a free port), writes the port to FILE (atomically: it appears
complete or not at all) and to stderr, runs until SIGTERM or SIGINT, then prints one line of JSON
to stdout: the counters (see FakeCloudWatchLogs.counters) and exits 0.
"""

import argparse
import collections
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from time import monotonic

TARGET_PREFIX = "Logs_20140328."
JSON_TYPE = "application/x-amz-json-1.1"
EVENT_OVERHEAD = 26
MAX_BATCH_BYTES = 1_048_576
MAX_BATCH_EVENTS = 10_000
MAX_MESSAGE_BYTES = MAX_BATCH_BYTES - EVENT_OVERHEAD  # 1,048,550: the 1 MB event limit
MAX_MESSAGE_BYTES_256K = 262_144 - EVENT_OVERHEAD  # 262,118: the older 256 KB event limit
TOO_OLD_MS = 14 * 24 * 3600 * 1000
TOO_NEW_MS = 2 * 3600 * 1000
MAX_SPAN_MS = 24 * 3600 * 1000
RETENTION_DAYS = frozenset([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
                            1827, 2192, 2557, 2922, 3288, 3653])
ACCOUNT = "123456789012"
REGION = "us-east-1"
DESCRIBE_PAGE = 50

NO_GROUP = "The specified log group does not exist."
NO_STREAM = "The specified log stream does not exist."
MOTO_SIGNATURE_XML = (
    '<?xml version="1.0" encoding="utf-8"?>\n<ErrorResponse><Errors><Error>'
    "<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not "
    "match the signature you provided. Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details.</Message><Type>Sender</Type></Error>"
    "</Errors></ErrorResponse>")


# --------------------------------------------------------------------------------------------------
# Faults


@dataclass(frozen=True)
class Fault:
    """One parsed fault action (see the module docstring for the syntax)."""
    kind: str
    delay: float = 0.0
    too_old_end: int = 0  # partial: events [0, too_old_end) reported too old
    too_new_start: int | None = None  # partial: events [too_new_start, n) reported too new
    xml: bool = False  # auth403:xml

    @staticmethod
    def parse(text):
        """The Fault for `text`; ValueError for anything else, so a typo fails in the test that
        scripts it, not later inside the server."""
        kind, _, arg = text.partition(":")
        if kind in ("ok", "throttle", "error500", "error503", "reset", "reject400") and not arg:
            return Fault(kind)
        if kind == "slow" and arg:
            delay = float(arg)
            if delay >= 0:
                return Fault(kind, delay=delay)
        if kind == "partial":
            old, sep, new = arg.partition(":")
            if sep:
                return Fault(kind, too_old_end=int(old) if old else 0,
                             too_new_start=int(new) if new else None)
        if kind == "auth403" and arg in ("", "xml"):
            return Fault(kind, xml=arg == "xml")
        raise ValueError(f"not a fault action: {text!r}")


OK = Fault("ok")


class FaultPlan:
    """Decides the fault of each request; thread-safe.

    Only requests of `ops` consult the plan (default: PutLogEvents only; None: every operation);
    they are numbered 1, 2, ... in the order they arrive. For request number n the first of these
    that applies wins: `at(n, ...)`; the queue filled by `next(...)`; the rules added by
    `every(...)` and `rule(...)`, in the order they were added; otherwise "ok".
    """

    def __init__(self, ops=("PutLogEvents",)):
        self.ops = None if ops is None else frozenset(ops)
        self._lock = threading.Lock()
        self._numbered = 0
        self._at = {}
        self._queue = collections.deque()
        self._rules = []

    @property
    def consulted(self):
        """How many requests have consulted the plan so far (the number of the last one)."""
        with self._lock:
            return self._numbered

    def at(self, number, action):
        """Request number `number` gets `action` (e.g. at(5, "reset"))."""
        fault = Fault.parse(action)
        with self._lock:
            self._at[number] = fault
        return self

    def next(self, action, count=1):
        """The next `count` requests (after those queued before) get `action`, e.g.
        next("throttle", 50): the next 50 PutLogEvents are throttled."""
        fault = Fault.parse(action)
        with self._lock:
            self._queue.extend([fault] * count)
        return self

    def every(self, k, action):
        """Every k-th request (numbers k, 2k, 3k, ...) gets `action`, e.g. every(3, "error500")."""
        fault = Fault.parse(action)
        return self._add_rule(lambda n, _op: fault if n % k == 0 else None)

    def rule(self, fn):
        """fn(number, op) -> an action string or None (no opinion), called under the plan's lock
        for each request that gets this far."""
        def parsed(n, op):
            action = fn(n, op)
            return None if action is None else Fault.parse(action)
        return self._add_rule(parsed)

    def clear(self):
        """Forgets every scripted fault (the numbering goes on)."""
        with self._lock:
            self._at.clear()
            self._queue.clear()
            self._rules.clear()

    def decide(self, op):
        """The Fault for one request of `op` (what the server calls)."""
        if self.ops is not None and op not in self.ops:
            return OK
        with self._lock:
            self._numbered += 1
            n = self._numbered
            if n in self._at:
                return self._at.pop(n)
            if self._queue:
                return self._queue.popleft()
            for rule in self._rules:
                fault = rule(n, op)
                if fault is not None:
                    return fault
        return OK

    def _add_rule(self, rule):
        with self._lock:
            self._rules.append(rule)
        return self


# --------------------------------------------------------------------------------------------------
# Counting events in a raw PutLogEvents body

def count_log_events(body):
    """The number of events in a PutLogEvents body (bytes), exactly; ValueError if the body has
    to be parsed and is not JSON.

    Fast path: count `"timestamp"`; if every occurrence is written `{"timestamp":` or
    `,"timestamp":`, each is an event's key, since inside a JSON string every `"` is escaped as
    `\\"` (a message containing `{"timestamp":` appears as `{\\"timestamp\\":`). Otherwise (other
    spacing, or a message ending in `"timestamp`, which appears as `\\"timestamp"`) the body is
    parsed. (The optional `entity` object could hold a key "timestamp" too; logship does not send
    `entity`.)"""
    candidates = body.count(b'"timestamp"')
    if candidates == body.count(b'{"timestamp":') + body.count(b',"timestamp":'):
        return candidates
    params = json.loads(body)
    events = params.get("logEvents") if isinstance(params, dict) else None
    return len(events) if isinstance(events, list) else 0


# --------------------------------------------------------------------------------------------------
# Responses


class ApiError(Exception):
    """An AWS error answer: HTTP `status`, error `code`, `message`."""

    def __init__(self, code, message, status=400):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


@dataclass
class Reply:
    status: int
    body: bytes
    error_code: str | None = None
    content_type: str = JSON_TYPE


RESET = object()  # the server's answer "close the connection with a reset"


def json_reply(value):
    return Reply(200, json.dumps(value, separators=(",", ":")).encode())


def error_reply(code, message, status=400):
    body = json.dumps({"__type": code, "message": message}).encode()
    return Reply(status, body, error_code=code)


def fault_reply(fault):
    """The answer of an error fault, or None when the request is to be processed."""
    if fault.kind == "throttle":
        return error_reply("ThrottlingException", "Rate exceeded")
    if fault.kind == "error500":
        return error_reply("InternalFailure", "An internal error occurred (injected).", 500)
    if fault.kind == "error503":
        return error_reply("ServiceUnavailableException",
                           "The service cannot complete the request (injected).", 503)
    if fault.kind == "reject400":
        return error_reply("InvalidParameterException", "Rejected by the fault plan (injected).")
    if fault.kind == "auth403" and fault.xml:
        return Reply(403, MOTO_SIGNATURE_XML.encode(), error_code="SignatureDoesNotMatch",
                     content_type="text/xml")
    if fault.kind == "auth403":
        return error_reply("UnrecognizedClientException",
                           "The security token included in the request is invalid.", 403)
    return None


# --------------------------------------------------------------------------------------------------
# PutLogEvents checks


def _name(params, key):
    value = params.get(key)
    if not isinstance(value, str) or not 1 <= len(value) <= 512:
        raise ApiError("InvalidParameterException",
                       f"1 validation error detected: Value at '{key}' failed to satisfy "
                       "constraint: Member must have length between 1 and 512")
    return value


def parse_events(params, max_message_bytes):
    """[(timestamp, message, utf8 size)] of a PutLogEvents request, or ApiError for a violated
    per-request rule (count, message type/emptiness/size, batch size, chronological order)."""
    events = params.get("logEvents")
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_BATCH_EVENTS:
        count = len(events) if isinstance(events, list) else 0
        raise ApiError("InvalidParameterException",
                       f"1 validation error detected: Value at 'logEvents' failed to satisfy "
                       f"constraint: Member must have length between 1 and {MAX_BATCH_EVENTS} "
                       f"(got {count})")
    out = []
    total = 0
    previous = None
    for i, e in enumerate(events):
        ts = e.get("timestamp") if isinstance(e, dict) else None
        msg = e.get("message") if isinstance(e, dict) else None
        if not isinstance(ts, int) or isinstance(ts, bool) or not isinstance(msg, str) or not msg:
            raise ApiError("InvalidParameterException",
                           f"1 validation error detected: Value at 'logEvents.{i + 1}.member' "
                           "failed to satisfy constraint: timestamp must be an integer and message "
                           "a string of length at least 1")
        size = len(msg.encode("utf-8"))
        if size > max_message_bytes:
            raise ApiError("InvalidParameterException",
                           f"Log event too large: {size + EVENT_OVERHEAD} bytes exceeds limit of "
                           f"{max_message_bytes + EVENT_OVERHEAD}")
        if previous is not None and ts < previous:
            raise ApiError("InvalidParameterException",
                           "Log events in a single PutLogEvents request must be in "
                           "chronological order.")
        previous = ts
        total += size + EVENT_OVERHEAD
        out.append((ts, msg, size))
    if total > MAX_BATCH_BYTES:
        raise ApiError("InvalidParameterException",
                       f"Upload too large: {total} bytes exceeds limit of {MAX_BATCH_BYTES}")
    return out


def time_window(events, now_ms, fault):
    """(too_old_end, too_new_start) for chronologically ordered events: [0, too_old_end) are more
    than 14 days old, [too_new_start, n) more than 2 hours ahead of `now_ms`, widened by a
    `partial` fault. ApiError when the events in between span more than 24 hours."""
    n = len(events)
    old_end = 0
    while old_end < n and events[old_end][0] < now_ms - TOO_OLD_MS:
        old_end += 1
    new_start = n
    while new_start > old_end and events[new_start - 1][0] > now_ms + TOO_NEW_MS:
        new_start -= 1
    if fault.kind == "partial":
        old_end = max(old_end, min(fault.too_old_end, n))
        if fault.too_new_start is not None:
            new_start = min(new_start, max(fault.too_new_start, 0))
        new_start = max(new_start, old_end)
    if new_start > old_end and events[new_start - 1][0] - events[old_end][0] > MAX_SPAN_MS:
        raise ApiError("InvalidParameterException",
                       "The batch of log events in a single PutLogEvents request cannot span "
                       "more than 24 hours.")
    return old_end, new_start


def _page_start(token):
    """The index a DescribeLogStreams nextToken (a decimal index, or none) points at."""
    if token is None:
        return 0
    if not isinstance(token, str) or not token.isdigit():
        raise ApiError("InvalidParameterException", "The specified nextToken is invalid.")
    return int(token)


def rejected_info(n, old_end, new_start):
    info = {}
    if old_end > 0:
        info["tooOldLogEventEndIndex"] = old_end
    if new_start < n:
        info["tooNewLogEventStartIndex"] = new_start
    return info


# --------------------------------------------------------------------------------------------------
# The fake service


class _Stream:
    def __init__(self, created_ms):
        self.created_ms = created_ms
        self.events = []  # (timestamp, message)
        self.last_ingestion_ms = None


class _Group:
    def __init__(self, created_ms):
        self.created_ms = created_ms
        self.retention_days = None
        self.streams = {}


class FakeCloudWatchLogs:
    """The fake endpoint: start() (or `with`) binds 127.0.0.1:`port` (0: a free one) and serves
    in background threads until stop(). `groups` exist from the start. `faults` (a FaultPlan,
    default: one for PutLogEvents only) scripts failures. `now_ms()` is the server's clock for the
    14-day / 2-hour window (default: the real time). Every method is thread-safe."""

    def __init__(self, groups=(), count_only=False, max_message_bytes=MAX_MESSAGE_BYTES,
                 faults=None, now_ms=None, port=0):
        self.count_only = count_only
        self.max_message_bytes = max_message_bytes
        self.faults = faults if faults is not None else FaultPlan()
        self.now_ms = now_ms or (lambda: int(time.time() * 1000))
        self._requested_port = port
        self._lock = threading.Lock()
        self._groups = {}
        self._arrivals = []  # (group, stream, timestamp, message) in storage order
        self._batches = []
        self._requests = collections.Counter()
        self._outcomes = collections.Counter()  # (op, outcome)
        self._faults_applied = collections.Counter()
        self._events_stored = 0
        self._events_rejected = 0
        self._body_bytes = 0
        self._first_put = self._last_put = None
        self._internal_errors = []
        self._invalid_bodies = 0  # count-only mode: PutLogEvents bodies that are not JSON
        self._stopping = threading.Event()
        self._server = None
        self._thread = None
        for g in groups:
            self._groups[g] = _Group(self.now_ms())

    # lifecycle

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self._server = _Server(("127.0.0.1", self._requested_port), self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={
            "poll_interval": 0.05}, name="fake-cwl", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Stops accepting, ends slow-fault waits and closes every open connection. Idempotent."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.close_all_connections()
        self._server.server_close()
        self._thread.join()
        self._server = None

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    # what tests read

    def events(self, group, stream):
        """[(timestamp, message)] stored in one stream, in storage order ([] if it does not
        exist)."""
        with self._lock:
            g = self._groups.get(group)
            s = g.streams.get(stream) if g else None
            return list(s.events) if s else []

    def streams(self, group):
        """{stream name: [(timestamp, message)]} of one group ({} if it does not exist)."""
        with self._lock:
            g = self._groups.get(group)
            return {name: list(s.events) for name, s in g.streams.items()} if g else {}

    def groups(self):
        with self._lock:
            return sorted(self._groups)

    def retention(self, group):
        with self._lock:
            return self._groups[group].retention_days

    def all_messages(self):
        """Every stored message of every stream, in the order the server stored them."""
        with self._lock:
            return [a[3] for a in self._arrivals]

    def batches(self):
        """One dict per PutLogEvents request that got as far as being checked: group, stream,
        events, bytes (the AWS size: sum of UTF-8 message bytes + 26), outcome (not in
        count-only mode)."""
        with self._lock:
            return [dict(b) for b in self._batches]

    def requests(self, op=None):
        """Requests received (of `op`, or of every op), whatever their outcome."""
        with self._lock:
            return self._requests[op] if op else sum(self._requests.values())

    def outcomes(self, op=None):
        """{outcome: count}: "ok", "reset", or the error code answered (of `op`, or all)."""
        with self._lock:
            out = collections.Counter()
            for (o_op, outcome), n in self._outcomes.items():
                if op is None or o_op == op:
                    out[outcome] += n
            return dict(out)

    def internal_errors(self):
        """Tracebacks of exceptions inside the fake itself (a test should expect none)."""
        with self._lock:
            return list(self._internal_errors)

    def record_internal_error(self, text):
        with self._lock:
            self._internal_errors.append(text)

    @property
    def events_stored(self):
        """Events stored (in count-only mode: events counted in PutLogEvents bodies)."""
        with self._lock:
            return self._events_stored

    @property
    def events_rejected(self):
        """Events reported in rejectedLogEventsInfo (not stored)."""
        with self._lock:
            return self._events_rejected

    def counters(self):
        """A JSON-ready snapshot of every counter."""
        with self._lock:
            by_op = collections.defaultdict(dict)
            totals = collections.Counter()
            for (op, outcome), n in sorted(self._outcomes.items()):
                by_op[op][outcome] = n
                totals[outcome] += n
            span = (self._last_put - self._first_put) if self._first_put is not None else 0.0
            return {
                "mode": "count_only" if self.count_only else "full",
                "requests": dict(sorted(self._requests.items())),
                "outcomes": dict(sorted(totals.items())),
                "outcomes_by_op": dict(by_op),
                "faults_applied": dict(sorted(self._faults_applied.items())),
                "events_stored": self._events_stored,
                "events_rejected": self._events_rejected,
                "body_bytes": self._body_bytes,
                "put_first_to_last_s": round(span, 6),
                "internal_errors": len(self._internal_errors),
                "invalid_bodies": self._invalid_bodies,
            }

    # serving (called by the request handler threads)

    def serve(self, op, body):
        """The answer (a Reply, or RESET) to one request of `op` with `body`."""
        with self._lock:
            self._requests[op or "(none)"] += 1
            self._body_bytes += len(body)
        if self.count_only:
            return self._serve_count_only(op, body)
        fault = self.faults.decide(op) if op else OK
        if fault.kind != "ok":
            with self._lock:
                self._faults_applied[fault.kind] += 1
        if fault.kind == "slow":
            self._stopping.wait(fault.delay)
        if fault.kind == "reset":
            self._count_outcome(op, "reset")
            return RESET
        reply = fault_reply(fault)
        if reply is None:
            reply = self._process(op, body, fault)
        self._count_outcome(op, reply.error_code or "ok")
        return reply

    def _serve_count_only(self, op, body):
        now = monotonic()
        with self._lock:
            if op == "PutLogEvents":
                try:
                    self._events_stored += count_log_events(body)
                except ValueError:
                    self._invalid_bodies += 1
                self._first_put = now if self._first_put is None else self._first_put
                self._last_put = now
            self._outcomes[(op, "ok")] += 1
        if op == "DescribeLogStreams":
            return json_reply({"logStreams": []})
        return json_reply({})

    def _count_outcome(self, op, outcome):
        with self._lock:
            self._outcomes[(op, outcome)] += 1

    def _process(self, op, body, fault):
        handler = _OPERATIONS.get(op)
        if handler is None:
            return error_reply("UnknownOperationException", f"Unknown operation {op!r}")
        try:
            params = json.loads(body or b"{}")
            if not isinstance(params, dict):
                raise ValueError("not an object")
        except ValueError as e:
            return error_reply("SerializationException", f"Request body is not a JSON object: {e}")
        try:
            return json_reply(handler(self, params, fault))
        except ApiError as e:
            return error_reply(e.code, e.message, e.status)

    def _group(self, name):
        g = self._groups.get(name)
        if g is None:
            raise ApiError("ResourceNotFoundException", NO_GROUP)
        return g

    # operations: each returns the response object or raises ApiError

    def _create_log_group(self, params, _fault):
        name = _name(params, "logGroupName")
        with self._lock:
            if name in self._groups:
                raise ApiError("ResourceAlreadyExistsException",
                               "The specified log group already exists")
            self._groups[name] = _Group(self.now_ms())
        return {}

    def _create_log_stream(self, params, _fault):
        group, name = _name(params, "logGroupName"), _name(params, "logStreamName")
        with self._lock:
            g = self._group(group)
            if name in g.streams:
                raise ApiError("ResourceAlreadyExistsException",
                               "The specified log stream already exists")
            g.streams[name] = _Stream(self.now_ms())
        return {}

    def _put_retention_policy(self, params, _fault):
        group = _name(params, "logGroupName")
        days = params.get("retentionInDays")
        if days not in RETENTION_DAYS:
            raise ApiError("InvalidParameterException",
                           f"1 validation error detected: Value '{days}' at 'retentionInDays' "
                           "failed to satisfy constraint: Member must satisfy enum value set: "
                           f"{sorted(RETENTION_DAYS)}")
        with self._lock:
            self._group(group).retention_days = days
        return {}

    def _describe_log_streams(self, params, _fault):
        group = _name(params, "logGroupName")
        prefix = params.get("logStreamNamePrefix", "")
        limit = params.get("limit", DESCRIBE_PAGE)
        if not isinstance(limit, int) or not 1 <= limit <= DESCRIBE_PAGE:
            raise ApiError("InvalidParameterException",
                           "1 validation error detected: Value at 'limit' failed to satisfy "
                           "constraint: Member must have value between 1 and 50")
        with self._lock:
            g = self._group(group)
            names = sorted(n for n in g.streams if n.startswith(prefix))
            start = _page_start(params.get("nextToken"))
            page = [self._describe_stream(group, n, g.streams[n])
                    for n in names[start:start + limit]]
        out = {"logStreams": page}
        if start + limit < len(names):
            out["nextToken"] = str(start + limit)
        return out

    @staticmethod
    def _describe_stream(group, name, s):
        d = {"logStreamName": name, "creationTime": s.created_ms,
             "arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}:log-stream:{name}",
             "storedBytes": 0}
        if s.events:
            d["firstEventTimestamp"] = min(t for t, _ in s.events)
            d["lastEventTimestamp"] = max(t for t, _ in s.events)
            d["lastIngestionTime"] = s.last_ingestion_ms
        return d

    def _put_log_events(self, params, fault):
        group, stream = _name(params, "logGroupName"), _name(params, "logStreamName")
        batch = {"group": group, "stream": stream, "events": 0, "bytes": 0, "outcome": "ok"}
        try:
            events = parse_events(params, self.max_message_bytes)
            batch["events"] = len(events)
            batch["bytes"] = sum(size + EVENT_OVERHEAD for _, _, size in events)
            with self._lock:
                g = self._group(group)
                s = g.streams.get(stream)
                if s is None:
                    raise ApiError("ResourceNotFoundException", NO_STREAM)
                now = self.now_ms()
                old_end, new_start = time_window(events, now, fault)
                kept = [(ts, msg) for ts, msg, _ in events[old_end:new_start]]
                s.events.extend(kept)
                s.last_ingestion_ms = now
                self._arrivals.extend((group, stream, ts, msg) for ts, msg in kept)
                self._events_stored += len(kept)
                self._events_rejected += len(events) - len(kept)
                self._batches.append(batch)
        except ApiError as e:
            batch["outcome"] = e.code
            with self._lock:
                self._batches.append(batch)
            raise
        out = {"nextSequenceToken": f"{uuid.uuid4().int % 10 ** 56:056d}"}
        info = rejected_info(len(events), old_end, new_start)
        if info:
            out["rejectedLogEventsInfo"] = info
        return out


_OPERATIONS = {
    "CreateLogGroup": FakeCloudWatchLogs._create_log_group,
    "CreateLogStream": FakeCloudWatchLogs._create_log_stream,
    "PutRetentionPolicy": FakeCloudWatchLogs._put_retention_policy,
    "DescribeLogStreams": FakeCloudWatchLogs._describe_log_streams,
    "PutLogEvents": FakeCloudWatchLogs._put_log_events,
}


# --------------------------------------------------------------------------------------------------
# HTTP


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address, fake):
        self.fake = fake
        self._connections = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address):
        """Connection errors (the client went away) are normal; anything else is recorded."""
        if not isinstance(sys.exc_info()[1], OSError):
            self.fake.record_internal_error(traceback.format_exc())

    def track(self, conn, add):
        with self._connections_lock:
            (self._connections.add if add else self._connections.discard)(conn)

    def close_all_connections(self):
        """Wakes every handler thread blocked reading a kept-alive connection."""
        with self._connections_lock:
            conns = list(self._connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive unless the client says close

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm holds the body
        # until the client's delayed ACK (~40 ms per request).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)

    def finish(self):
        self.server.track(self.connection, False)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass  # quiet: tests read counters, not access logs

    def do_POST(self):
        body = self._read_body()
        if body is None:
            return
        target = self.headers.get("X-Amz-Target", "")
        op = target[len(TARGET_PREFIX):] if target.startswith(TARGET_PREFIX) else ""
        try:
            reply = self.server.fake.serve(op, body)
        except Exception:  # a bug in the fake: answer 500 and keep the traceback for the test
            self.server.fake.record_internal_error(traceback.format_exc())
            reply = error_reply("InternalFailure", "fake_cwl internal error (see its log)", 500)
        if reply is RESET:
            self._reset()
        else:
            self._send(reply)

    def do_GET(self):
        self._send(error_reply("UnknownOperationException", "Only POST / is served", 404))

    def _read_body(self):
        """The request body (Content-Length bytes); None after answering 411 when there is none."""
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            self._send(error_reply("SerializationException", "Content-Length required", 411))
            return None
        return self.rfile.read(int(length))

    def _send(self, reply):
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if reply.error_code:
            self.send_header("x-amzn-ErrorType", reply.error_code)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(reply.body)

    def _reset(self):
        """Closes the connection with RST: SO_LINGER {on, 0 s} makes close() discard and reset.
        The descriptor closes once finish() has closed rfile (its last reference), before the
        server's shutdown(SHUT_WR) could send a FIN."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


# --------------------------------------------------------------------------------------------------
# Script


def _write_port_file(path, port):
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Fake CloudWatch Logs endpoint on 127.0.0.1.")
    parser.add_argument("--count-only", action="store_true",
                        help="answer every request with {} at once and only count")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    parser.add_argument("--port-file", help="write the bound port to this file")
    parser.add_argument("--group", action="append", default=[], help="a pre-created log group")
    parser.add_argument("--max-message-bytes", type=int, default=MAX_MESSAGE_BYTES)
    args = parser.parse_args(argv)

    # Block the stop signals before any thread starts (threads inherit the mask), then wait for
    # one of them in the main thread.
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    fake = FakeCloudWatchLogs(groups=args.group, count_only=args.count_only,
                              max_message_bytes=args.max_message_bytes, port=args.port).start()
    if args.port_file:
        _write_port_file(args.port_file, fake.port)
    print(f"fake_cwl: listening on 127.0.0.1:{fake.port}", file=sys.stderr, flush=True)
    signal.sigwait(stop_signals)
    fake.stop()
    print(json.dumps(fake.counters(), sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
