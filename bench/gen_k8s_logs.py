#!/usr/bin/env python3
"""Deterministic generator of realistic Kubernetes container log files (gen3-like workload).

    bench/gen_k8s_logs.py --out DIR --files N --total-mb M --format docker|cri|mixed --seed S

Writes N files named as in /var/log/containers (`<pod>_<namespace>_<container>-<64 hex>.log`) with a
combined size of about M * 10^6 bytes, then DIR/manifest.json, and prints a one-line JSON summary.
Same arguments -> byte-identical files. If DIR/manifest.json already describes these arguments (and
the files are there with the listed sizes) nothing is written.

Content: revproxy gen3log JSON and combined access lines, nginx error lines, cdislogging, uwsgi,
Python tracebacks, Go log lines and panics, klog, logrus, jupyter lines, a few empty lines, a few
non-ASCII lines, and ~0.2% of records longer than 16 KiB (20-60 KiB), which are split the way Docker
(16384-byte pieces without trailing \\n) and containerd (`P` pieces, then `F`) split them.
Timestamps are RFC3339Nano as Go prints them (nanoseconds, trailing zeros trimmed), increasing.
"""
import argparse
import bisect
import json
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from json.encoder import encode_basestring  # C implementation, leaves non-ASCII as UTF-8 like Go

VERSION = 1
SPLIT = 16384                    # Docker json-file and containerd both split lines at 16 KiB
LONG_FRACTION = 0.002            # share of records longer than 16 KiB
EMPTY_FRACTION = 0.0005          # share of empty records (print() in a Python service)
BASE_NS = 1695827045 * 10**9     # 2023-09-27T15:04:05Z
FLUSH_CHARS = 4 << 20

# name, namespace, container, controller kind, share of the bytes, profile
PODS = [
    ("revproxy-deployment", "default", "revproxy", "deploy", 5.0, "revproxy"),
    ("fence-deployment", "default", "fence", "deploy", 2.0, "python"),
    ("indexd-deployment", "default", "indexd", "deploy", 1.5, "python"),
    ("arborist-deployment", "default", "arborist", "deploy", 1.0, "go"),
    ("peregrine-deployment", "default", "peregrine", "deploy", 1.0, "python"),
    ("sheepdog-deployment", "default", "sheepdog", "deploy", 1.0, "python"),
    ("workflow-controller", "argo", "workflow-controller", "deploy", 0.5, "logrus"),
    ("hatchery-alice-40example-2eorg", "jupyter-pods", "hatchery-container", "pod", 0.5, "jupyter"),
    ("kube-proxy", "kube-system", "kube-proxy", "daemonset", 0.5, "klog"),
]
POD_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"   # what Kubernetes uses for generated name suffixes
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()


def file_plan(args):
    """(name, namespace, format, byte target) for every file, from the arguments alone."""
    rng = random.Random(f"plan:{args.seed}")
    chosen = [PODS[i % len(PODS)] for i in range(args.files)]
    total_share = sum(p[4] for p in chosen)
    plan = []
    for i, (name, ns, container, kind, share, profile) in enumerate(chosen):
        sfx = "".join(rng.choice(POD_ALPHABET) for _ in range(5))
        if kind == "deploy":
            rs = "".join(rng.choice(POD_ALPHABET) for _ in range(rng.choice((9, 10))))
            pod = f"{name}-{rs}-{sfx}"
        else:
            pod = f"{name}-{sfx}"
        cid = "%064x" % rng.getrandbits(256)
        fmt = args.format if args.format != "mixed" else ("docker", "cri")[i % 2]
        target = int(args.total_mb * 1e6 * share / total_share)
        plan.append(dict(index=i, name=f"{pod}_{ns}_{container}-{cid}.log", pod=pod, namespace=ns,
                         container=container, profile=profile, format=fmt, target=target))
    return plan


# --------------------------------------------------------------------------------------------------
# Content pools, built once per process from the seed.

class Pools:
    def __init__(self, seed):
        r = random.Random(f"pools:{seed}")
        hx = lambda bits: "%0*x" % (bits // 4, r.getrandbits(bits))
        uuid = lambda: f"{hx(32)[:8]}-{hx(16)}-4{hx(12)}-a{hx(12)}-{hx(48)}"
        self.uuids = [uuid() for _ in range(400)]
        self.dids = ["dg.4503/" + u for u in self.uuids]
        self.public_ips = [f"{r.randint(3, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
                           for _ in range(300)]
        self.pod_ips = [f"10.24.{r.randint(0, 15)}.{r.randint(2, 254)}" for _ in range(60)]
        self.users = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
        self.user_ids = [""] * 6 + [str(r.randint(1, 5000)) for _ in range(40)]
        self.sessions = [""] * 5 + [hx(128) for _ in range(60)]
        self.agents = [
            "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/118.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/117.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/117.0.0.0 Safari/537.36 Edg/117.0.2045.43",
            "python-requests/2.31.0", "Go-http-client/1.1", "gen3-client/2023.09", "curl/8.0.1",
            "Gen3Auth/4.20.0 python-requests/2.28.2", "kube-probe/1.27+"]
        self.referers = ["", "", "https://data.example-commons.org/", "https://data.example-commons.org/query",
                         "https://data.example-commons.org/files", "https://data.example-commons.org/login"]
        # (verb, uri, upstream service, proxy_service, typical status)
        reqs = []
        for _ in range(600):
            u, did, user = r.choice(self.uuids), r.choice(self.dids), r.choice(self.users)
            reqs.append(r.choice([
                ("GET", "/user/user", "fence", 200),
                ("GET", "/user/user", "fence", 401),
                ("POST", "/user/credentials/api/access_token", "fence", 200),
                ("GET", f"/user/data/download/{did}?protocol=s3", "fence", 200),
                ("GET", f"/user/data/download/{did}?protocol=s3&expires_in=3600", "fence", 403),
                ("GET", f"/index/index?limit={r.choice((1, 10, 100, 1024))}&start={u}", "indexd", 200),
                ("GET", f"/index/{did}", "indexd", 200),
                ("GET", f"/ga4gh/drs/v1/objects/{did}", "indexd", 200),
                ("GET", f"/ga4gh/drs/v1/objects/{did}/access/s3", "fence", 200),
                ("POST", "/api/v0/submission/graphql", "peregrine", 200),
                ("GET", "/api/v0/submission/graphql?q=a&b=c", "peregrine", 200),
                ("PUT", f"/api/v0/submission/program1/project-{r.randint(1, 40)}", "sheepdog", 200),
                ("PUT", f"/api/v0/submission/program1/project-{r.randint(1, 40)}", "sheepdog", 400),
                ("GET", "/api/v0/submission/_dictionary/_all", "sheepdog", 200),
                ("POST", "/authz/mapping", "arborist", 200),
                ("GET", f"/authz/mapping?username={user}", "arborist", 200),
                ("POST", "/guppy/graphql", "guppy", 200),
                ("GET", f"/mds/metadata/{u}", "metadata", 404),
                ("GET", "/jwt/keys", "fence", 200),
                ("GET", "/_status", "revproxy", 200),
                ("GET", f"/lw-workspace/proxy/{user}/api/kernels?{r.randint(10**9, 2 * 10**9)}", "hatchery", 200),
                ("GET", f"/static/js/main.{hx(32)[:8]}.js", "portal", 304),
                ("GET", "/login/<script>&x=1", "portal", 404),
            ]))
        self.requests = reqs
        self.nginx_errors = [
            '[warn] 31#31: *{n} an upstream response is buffered to a temporary file '
            '/var/cache/nginx/proxy_temp/1/00/00000{n} while reading upstream, client: {ip}, server: '
            'revproxy-service, request: "GET /index/index HTTP/1.1", upstream: "http://10.100.2.7:80/index", '
            'host: "data.example-commons.org"',
            '[error] 31#31: *{n} upstream timed out (110: Connection timed out) while reading response header '
            'from upstream, client: {ip}, server: revproxy-service, request: "GET /api/v0/submission/ HTTP/1.1", '
            'upstream: "http://10.100.2.3:80/v0/submission/", host: "data.example-commons.org"',
            '[error] 31#31: *{n} connect() failed (111: Connection refused) while connecting to upstream, '
            'client: {ip}, server: revproxy-service, request: "POST /guppy/graphql HTTP/1.1", '
            'upstream: "http://10.100.9.1:80/graphql", host: "data.example-commons.org", '
            'referrer: "https://data.example-commons.org/explorer"',
        ]
        names = ["José García", "Zoë Müller", "田中 太郎", "Ægir Ødegård"]
        self.py_messages = {
            "INFO": [f"Incoming request: {v} {p}" for v, p, _, _ in reqs[:200]]
                    + [f"Updated {r.randint(1, 400)} records for {r.choice(self.dids)}" for _ in range(40)]
                    + [f"User {r.choice(self.users)}@example.org logged in via google" for _ in range(30)]
                    + [f"Issued access token for user '{n}' (expires in 1200s)" for n in names],
            "DEBUG": [f"Getting record {d}" for d in self.dids[:120]]
                     + [f"SELECT records.did FROM records WHERE records.baseid = '{u}' took {r.randint(1, 90)} ms"
                        for u in self.uuids[:60]],
            "WARNING": [f'query exceeded {r.randint(10, 60)}s: {{"query":"{{ case(first:{r.choice((10, 100))}) '
                        f'{{ submitter_id }} }}"}}' for _ in range(20)]
                       + [f"Token for user {r.randint(1, 5000)} expires in {r.randint(1, 60)}s; refreshing" for _ in range(20)],
            "ERROR": ["Unable to load dictionary: 404 Client Error: Not Found for url: "
                      "https://s3.amazonaws.com/dictionary-artifacts/example/schema.json",
                      "Unexpected error", "Exception on /user/user [GET]",
                      f"Failed to sign url for {r.choice(self.dids)}: botocore.exceptions.ClientError"],
        }
        self.py_frames = [
            ('/fence/fence/blueprints/login/base.py', 'get', 'result = flask.current_app.oauth_client.get_user_id(code)'),
            ('/usr/local/lib/python3.9/site-packages/flask/app.py', 'full_dispatch_request', 'rv = self.dispatch_request()'),
            ('/usr/local/lib/python3.9/site-packages/flask/app.py', 'dispatch_request', 'return self.ensure_sync(self.view_functions[rule.endpoint])(**req.view_args)'),
            ('/indexd/indexd/index/drivers/alchemy.py', 'get', 'raise NoRecordFound("no record found")'),
            ('/usr/local/lib/python3.9/site-packages/sqlalchemy/engine/base.py', '_execute_context', 'self.dialect.do_execute('),
            ('/sheepdog/sheepdog/transactions/upload/__init__.py', 'handle_single_transaction', 'transaction.flush()'),
            ('/peregrine/peregrine/resources/submission/graphql/node.py', 'resolve_node', 'q = query_with_args(info, args)'),
        ]
        self.py_exceptions = ["KeyError: 'email'", "indexd.errors.NoRecordFound: no record found",
                              "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) server closed the "
                              "connection unexpectedly", "AttributeError: 'NoneType' object has no attribute 'get'"]
        self.go_messages = [f"INFO: policy `{p}` already exists" for p in ("data_upload", "workspace", "indexd_admin", "all_programs_reader")] \
            + [f"INFO: user `{u}@example.org` granted policy `program1-project-{r.randint(1, 40)}`" for u in self.users] \
            + ["WARNING: no user found with name: service-account@example.org", "ERROR: could not parse JSON: unexpected end of JSON input"]
        self.go_funcs = ["(*Server).handleAuthMappingGET", "(*Engine).HandleUpdateModel", "(*Server).handleUserUpdate",
                         "transactify.func1", "(*CachedDB).Get"]
        self.klog_messages = [
            ('proxier.go:1511', '"Syncing iptables rules"'),
            ('proxier.go:1517', '"SyncProxyRules complete" elapsed="{ms}ms"'),
            ('service.go:322', '"Service updated ports" service="default/{svc}" portCount=1'),
            ('endpointslicecache.go:366', '"Setting endpoints for service port name" portName="default/{svc}:http" endpoints=["{ip}:80"]'),
        ]
        self.services = ["fence-service", "indexd-service", "arborist-service", "peregrine-service", "sheepdog-service",
                         "revproxy-service", "guppy-service", "portal-service"]
        # long filler: a url-encoded GraphQL query (valid inside a JSON string) and a JSON payload
        frag = ["%7B%20case(first%3A{n}%2Coffset%3A{o})%20%7B%20submitter_id%20project_id%20",
                "samples%20%7B%20submitter_id%20portions%20%7B%20analytes%20%7B%20aliquots%20%7B%20",
                "read_groups%20%7B%20submitted_aligned_reads_files%20%7B%20object_id%20file_size%20%7D%20%7D%20",
                "%7D%20%7D%20%7D%20%7D%20"]
        parts, n = [], 0
        while n < 70000:
            s = r.choice(frag).format(n=r.randint(1, 1000), o=r.randint(0, 10**5))
            parts.append(s)
            n += len(s)
        self.long_query = "".join(parts)
        items, n = [], 0
        while n < 70000:
            s = (f'{{"did": "{r.choice(self.dids)}", "size": {r.randint(1, 10**10)}, "file_name": '
                 f'"sample_{r.randint(1, 99999)}.bam", "acl": ["program1", "project-{r.randint(1, 40)}"], '
                 f'"hashes": {{"md5": "{hx(128)}"}}}}')
            items.append(s)
            n += len(s) + 2
        self.long_json = ", ".join(items)


_POOLS = {}


def pools(seed):
    if seed not in _POOLS:
        _POOLS[seed] = Pools(seed)
    return _POOLS[seed]


# --------------------------------------------------------------------------------------------------
# One file.

class FileGen:
    def __init__(self, spec, seed):
        self.p = pools(seed)
        self.r = random.Random(f"file:{seed}:{spec['index']}")
        self.docker = spec["format"] == "docker"
        self.logger = spec["container"] if len(spec["container"]) <= 10 else "notebook"
        self.parts = []
        self.chars = 0
        self.n_lines = self.n_records = self.n_long = self.n_empty = 0
        self.clock = spec.get("base_ns", BASE_NS) + self.r.getrandbits(30)  # files start within ~1 s of each other
        self.sec = -1
        self.req = 0
        self.tick()

    # time ------------------------------------------------------------------------------------------
    def _strings(self, s):
        if s != self.sec:
            t = time.gmtime(s)
            self.sec = s
            d = f"{t.tm_year}-{t.tm_mon:02}-{t.tm_mday:02}"
            hms = f"{t.tm_hour:02}:{t.tm_min:02}:{t.tm_sec:02}"
            self.t_rfc = f"{d}T{hms}"                                  # runtime timestamp prefix
            self.t_iso = f"{d}T{hms}+00:00"                            # nginx $time_iso8601
            self.t_cdis = f"{d} {hms}"                                 # python asctime
            self.t_golog = f"{t.tm_year}/{t.tm_mon:02}/{t.tm_mday:02} {hms}"
            self.t_klog = f"{t.tm_mon:02}{t.tm_mday:02} {hms}"
            self.t_clf = f"{t.tm_mday:02}/{MONTHS[t.tm_mon - 1]}/{t.tm_year}:{hms} +0000"
            self.t_ctime = f"{DAYS[t.tm_wday]} {MONTHS[t.tm_mon - 1]} {t.tm_mday:2} {hms} {t.tm_year}"

    def tick(self):
        """Start a new event: advance the clock by up to ~4 ms and refresh the time strings."""
        self.clock += 1000 + self.r.getrandbits(22)
        self.ns = self.clock % 10**9
        self._strings(self.clock // 10**9)

    # output ----------------------------------------------------------------------------------------
    def _physical(self, stream, text, tag, nl):
        self.clock += 1 + self.r.getrandbits(12)
        s, ns = divmod(self.clock, 10**9)
        self._strings(s)
        ts = f"{self.t_rfc}.{ns:09}".rstrip("0").rstrip(".") + "Z"   # Go's RFC3339Nano
        if self.docker:
            line = f'{{"log":{encode_basestring(text + nl)},"stream":"{stream}","time":"{ts}"}}\n'
        else:
            line = f"{ts} {stream} {tag} {text}\n"
        self.parts.append(line)
        self.chars += len(line)
        self.n_lines += 1

    def rec(self, stream, text):
        """One logical record (one line the application wrote)."""
        self.n_records += 1
        if not text:
            self.n_empty += 1
        if len(text) <= SPLIT:
            self._physical(stream, text, "F", "\n")
            return
        assert text.isascii()  # pieces are cut by bytes; keep long lines ASCII
        if len(text) % SPLIT == 0:
            text += " "  # keep clear of the exact-multiple case (runtimes differ on the empty last piece)
        self.n_long += 1
        for i in range(0, len(text) - SPLIT, SPLIT):
            self._physical(stream, text[i:i + SPLIT], "P", "")
        self._physical(stream, text[(len(text) - 1) // SPLIT * SPLIT:], "F", "\n")

    def flush(self, f):
        data = "".join(self.parts).encode()
        if self.docker:  # Go's encoding/json escapes these three inside strings (nowhere else here)
            data = data.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")
        f.write(data)
        self.parts.clear()
        self.chars = 0

    # helpers ---------------------------------------------------------------------------------------
    def long_len(self, used):
        return self.r.randint(20 * 1024, 60 * 1024) - used

    def long_json(self, n):
        off = self.r.randrange(0, len(self.p.long_json) - n)
        s = self.p.long_json[off:off + n]
        return "[" + s[s.find('{"did"'):s.rfind("}") + 1] + "]"

    # event kinds: each writes one event (one or more records) -----------------------------------
    def nginx_json(self, long=False):
        p, r = self.p, self.r
        verb, uri, svc, status = r.choice(p.requests)
        if long:
            q = p.long_query[:self.long_len(900) // 2]  # the uri appears twice in the line
            uri = "/api/v0/submission/graphql?query=" + q
        elif r.random() < 0.001:  # nginx without escape=json writes \x22: invalid JSON, as in production
            uri = uri + '\\x22'
        if r.random() < 0.05:
            status = r.choice((301, 302, 304, 404, 499, 500, 502, 504))
        self.rec("stdout",
                 f'{{"gen3log": "nginx", "date_access": "{self.t_iso}", "user_id": "{r.choice(p.user_ids)}", '
                 f'"request_id": "{r.getrandbits(128):032x}", "session_id": "{r.choice(p.sessions)}", '
                 f'"visitor_id": "{r.choice(p.sessions)}", "network_client_ip": "{r.choice(p.public_ips)}", '
                 f'"network_bytes_write": {r.randint(0, 40000)}, "response_secs": {r.getrandbits(10) / 1000:.3f}, '
                 f'"http_status_code": {status}, "http_request": "{uri}", "http_verb": "{verb}", '
                 f'"http_referer": "{r.choice(p.referers)}", "http_useragent": "{r.choice(p.agents)}", '
                 f'"http_upstream": "{svc}-service", "proxy_service": "{svc}", "message": "{verb} {uri} HTTP/1.1" }}')

    def combined(self):
        p, r = self.p, self.r
        verb, uri, _, status = r.choice(p.requests)
        ref = r.choice(p.referers) or "-"
        self.rec("stdout", f'{r.choice(p.pod_ips)} - - [{self.t_clf}] "{verb} {uri} HTTP/1.1" {status} '
                           f'{r.randint(2, 40000)} "{ref}" "{r.choice(p.agents)}"')

    def probe(self):
        self.rec("stdout", f'{self.r.choice(self.p.pod_ips)} - - [{self.t_clf}] "GET /_status HTTP/1.1" 200 '
                           f'{self.r.randint(2, 9)} "-" "kube-probe/1.27+"')

    def nginx_error(self):
        self.req += 1
        msg = self.r.choice(self.p.nginx_errors).format(n=self.req, ip=self.r.choice(self.p.public_ips))
        self.rec("stderr", f"{self.t_golog} {msg}")

    def cdis(self, level=None, text=None):
        r = self.r
        level = level or r.choices(("INFO", "DEBUG", "WARNING", "ERROR"), (70, 20, 8, 2))[0]
        text = text or r.choice(self.p.py_messages[level])
        self.rec("stdout", f"[{self.t_cdis},{self.ns // 10**6:03}][{self.logger:>10}][{level:>7}] {text}")

    def cdis_long(self):
        head = f"Received response from indexd bulk lookup: "
        self.cdis("INFO", head + self.long_json(self.long_len(80 + len(head))))

    def uwsgi(self):
        p, r = self.p, self.r
        self.req += 1
        verb, uri, _, status = r.choice(p.requests)
        self.rec("stderr", f"[pid: {r.randint(20, 40)}|app: 0|req: {self.req}/{self.req * 3 + 1}] "
                           f"{r.choice(p.pod_ips)} () {{{r.randint(30, 40)} vars in {r.randint(300, 900)} bytes}} "
                           f"[{self.t_ctime}] {verb} {uri} => generated {r.randint(2, 9000)} bytes in "
                           f"{r.randint(1, 900)} msecs (HTTP/1.1 {status}) {r.randint(2, 6)} headers in "
                           f"{r.randint(70, 400)} bytes (1 switches on core {r.randint(0, 1)})")

    def traceback(self):
        p, r = self.p, self.r
        self.cdis("ERROR")
        stream = "stderr" if r.random() < 0.7 else "stdout"
        chained = r.random() < 0.2
        for part in range(2 if chained else 1):
            self.rec(stream, "Traceback (most recent call last):")
            for path, func, code in r.sample(p.py_frames, r.randint(2, 6)):
                self.rec(stream, f'  File "{path}", line {r.randint(20, 2000)}, in {func}')
                self.rec(stream, f"    {code}")
            self.rec(stream, r.choice(p.py_exceptions))
            if chained and part == 0:
                for line in ("", "During handling of the above exception, another exception occurred:", ""):
                    self.rec(stream, line)

    def empty(self):
        self.rec("stdout", "")

    def golog(self, long=False):
        r = self.r
        if long:
            head = f"{self.t_golog} /go/src/github.com/uc-cdis/arborist/arborist/server/server.go:212: INFO: loaded user yaml: "
            self.rec("stderr", head + self.long_json(self.long_len(len(head))))
        elif r.random() < 0.05:
            self.rec("stderr", f"{self.t_golog} http: TLS handshake error from {r.choice(self.p.pod_ips)}:{r.randint(30000, 60000)}: EOF")
        else:
            self.rec("stderr", f"{self.t_golog} /go/src/github.com/uc-cdis/arborist/arborist/server/logging.go:28: "
                               f"{r.choice(self.p.go_messages)}")

    def gopanic(self):
        r = self.r
        self.rec("stderr", "panic: runtime error: invalid memory address or nil pointer dereference")
        self.rec("stderr", f"[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x{r.getrandbits(24):x}]")
        self.rec("stderr", "")
        for g in range(r.randint(1, 3)):
            self.rec("stderr", f"goroutine {r.randint(1, 900) if g else 1} [{'running' if not g else 'IO wait'}]:")
            for func in r.sample(self.p.go_funcs, r.randint(2, 5)):
                self.rec("stderr", f"\tgithub.com/uc-cdis/arborist/arborist.{func}(0xc000{r.getrandbits(24):06x}, 0x0)")
                self.rec("stderr", f"\t\t/go/src/github.com/uc-cdis/arborist/arborist/server.go:{r.randint(50, 900)} +0x{r.getrandbits(12):x}")
            self.rec("stderr", "")
        self.rec("stderr", "exit status 2")

    def klog(self, long=False):
        r = self.r
        sev = r.choices("IWE", (90, 8, 2))[0]
        if long:
            head = f'{sev}{self.t_klog}.{self.ns // 1000:06} {1:7} endpointslicecache.go:366] "Setting endpoints for service port name" portName="default/revproxy-service:http" endpoints=['
            n = self.long_len(len(head) + 1) // 17
            body = " ".join(f'"10.24.{(i >> 8) & 15}.{i & 255}:80"' for i in range(n))
            self.rec("stderr", head + body + "]")
            return
        src, msg = r.choice(self.p.klog_messages)
        msg = msg.format(ms=r.randint(5, 300), svc=r.choice(self.p.services), ip=r.choice(self.p.pod_ips))
        self.rec("stderr", f"{sev}{self.t_klog}.{self.ns // 1000:06} {1:7} {src}] {msg}")

    def logrus(self):
        r = self.r
        wf = f"gen3-etl-{r.choice(POD_ALPHABET)}{r.choice(POD_ALPHABET)}{r.randint(100, 999)}"
        msg = r.choice(('msg="Processing workflow" namespace=argo workflow=' + wf,
                        'msg="Updated phase Running -> Succeeded" namespace=argo workflow=' + wf,
                        'msg="Workflow pod is missing" namespace=argo nodeName=' + wf + ' nodePhase=Running'))
        self.rec("stdout", f'time="{self.t_rfc}.{self.ns // 10**6:03}Z" level={r.choice(("info", "info", "warning"))} {msg}')

    def jupyter(self):
        r = self.r
        u = r.choice(self.p.users)
        self.rec("stderr", f"[I {self.t_cdis}.{self.ns // 10**6:03} SingleUserNotebookApp log:189] {r.choice((200, 200, 204, 304))} "
                           f"GET /lw-workspace/proxy/{u}/api/kernels?{r.randint(10**9, 2 * 10**9)} ({u}@{r.choice(self.p.pod_ips)}) "
                           f"{r.randint(1, 999) / 100:.2f}ms")

    def profile(self, name):
        """(weight, event) pairs per profile; weights are per event, not per record."""
        return {
            "revproxy": [(85, self.nginx_json), (8, self.probe), (5, self.combined), (2, self.nginx_error)],
            "python": [(55, self.cdis), (20, self.uwsgi), (15, self.nginx_json), (5, self.probe),
                       (0.3, self.traceback), (0.05, self.empty)],
            "go": [(60, self.combined), (38, self.golog), (0.1, self.gopanic)],
            "logrus": [(100, self.logrus)],
            "jupyter": [(85, self.jupyter), (15, self.cdis)],
            "klog": [(100, self.klog)],
        }[name]

    def long_event(self, name):
        return {"revproxy": lambda: self.nginx_json(long=True), "python": self.cdis_long,
                "go": lambda: self.golog(long=True), "klog": lambda: self.klog(long=True),
                "logrus": self.cdis_long, "jupyter": self.cdis_long}[name]


def gen_file(job):
    spec, seed, out = job
    g = FileGen(spec, seed)
    weighted = g.profile(spec["profile"])
    events = [e for _, e in weighted]
    cum = []
    acc = 0.0
    for w, _ in weighted:
        acc += w
        cum.append(acc)
    long_event = g.long_event(spec["profile"])
    r, target, written = g.r, spec["target"], 0
    with open(os.path.join(out, spec["name"]), "wb") as f:
        while written + g.chars < target:
            g.tick()
            x = r.random()
            if x < LONG_FRACTION:
                long_event()
            else:
                events[bisect.bisect(cum, r.random() * acc)]()
            if g.chars >= FLUSH_CHARS:
                written += g.chars
                g.flush(f)
        g.flush(f)
    return dict(name=spec["name"], namespace=spec["namespace"], format=spec["format"],
                bytes=os.path.getsize(os.path.join(out, spec["name"])),
                physical_lines=g.n_lines, records=g.n_records, long_records=g.n_long, empty_records=g.n_empty)


# --------------------------------------------------------------------------------------------------

def summary_of(manifest):
    return {k: v for k, v in manifest.items() if k != "per_file"}


def cached(out, params):
    try:
        with open(os.path.join(out, "manifest.json")) as f:
            m = json.load(f)
    except (OSError, ValueError):
        return None
    if m.get("params") != params:
        return None
    for pf in m.get("per_file", []):
        try:
            if os.path.getsize(os.path.join(out, pf["name"])) != pf["bytes"]:
                return None
        except OSError:
            return None
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--total-mb", type=float, default=1000)
    ap.add_argument("--format", choices=("docker", "cri", "mixed"), default="docker")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--base-time", type=int, default=BASE_NS // 10**9,
                    help="Unix seconds the files' times start at (default 2023-09-27T15:04:05Z)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (output does not depend on it)")
    args = ap.parse_args()
    if args.files < 1 or args.total_mb <= 0:
        ap.error("--files and --total-mb must be positive")
    params = dict(generator_version=VERSION, files=args.files, total_mb=args.total_mb,
                  format=args.format, seed=args.seed)
    if args.base_time != BASE_NS // 10**9:
        params["base_time"] = args.base_time

    m = cached(args.out, params)
    if m:
        print(json.dumps(summary_of(m)))
        return
    os.makedirs(args.out, exist_ok=True)
    old = [n for n in os.listdir(args.out) if n.endswith(".log")]
    marker = os.path.join(args.out, ".generating")
    ours = any(os.path.exists(os.path.join(args.out, n)) for n in ("manifest.json", ".generating"))
    if old and not ours:
        sys.exit(f"{args.out} holds .log files not written by this tool; refusing to mix them with generated files")
    open(marker, "w").close()  # marks the directory as ours until the manifest is written
    for n in old + ["manifest.json"]:
        if os.path.exists(os.path.join(args.out, n)):
            os.remove(os.path.join(args.out, n))

    t0 = time.monotonic()
    jobs = [(dict(spec, base_ns=args.base_time * 10**9), args.seed, args.out)
            for spec in file_plan(args)]
    if args.jobs > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=min(args.jobs, len(jobs))) as ex:
            per_file = list(ex.map(gen_file, jobs))
    else:
        per_file = [gen_file(j) for j in jobs]
    keys = ("bytes", "physical_lines", "records", "long_records", "empty_records")
    m = dict(params=params, files=len(per_file), format=args.format,
             **{k: sum(pf[k] for pf in per_file) for k in keys},
             docker_files=sum(pf["format"] == "docker" for pf in per_file),
             cri_files=sum(pf["format"] == "cri" for pf in per_file),
             per_file=per_file)
    tmp = os.path.join(args.out, "manifest.json.tmp")
    with open(tmp, "w") as f:
        json.dump(m, f, indent=1)
        f.write("\n")
    os.replace(tmp, os.path.join(args.out, "manifest.json"))
    os.remove(marker)
    print(f"generated {m['bytes'] / 1e6:.1f} MB in {time.monotonic() - t0:.1f} s", file=sys.stderr)
    print(json.dumps(summary_of(m)))


if __name__ == "__main__":
    main()
