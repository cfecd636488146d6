"""AWS helpers for logship's end-to-end tests: a moto server with SigV4 verification on, and reading
back what reached CloudWatch Logs.

Needs boto3/botocore and moto (preinstalled in the pyenv Python 3.11 that is first on PATH).

moto facts these helpers rely on (moto 5.2.1, checked by experiment):
- `INITIAL_NO_AUTH_ACTION_COUNT=N`: the first N requests that reach a service action are served
  without any authentication; every later one must be SigV4-signed by a known access key whose IAM
  policies allow the action. Requests to `/moto-api/...` are not counted, so readiness is polled
  there. Setup takes exactly 3 actions (CreateUser, CreateAccessKey, PutUserPolicy), so N = 3.
- After setup a wrong secret gets HTTP 403 `SignatureDoesNotMatch`, an unknown key 403
  `InvalidClientTokenId`, both as an XML `<ErrorResponse>` even for JSON services, which botocore
  then reports with the code "403" (see `aws_error_code`).
- GetLogEvents returns a stream's events sorted by timestamp (stable: equal timestamps keep their
  arrival order), 10,000 per page by default; its tokens are indexes into that sorted list. The
  end is reached when the returned nextForwardToken equals the one sent.
- DescribeLogStreams pages 50 streams at a time (nextToken `<group>@<last stream name>`).
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
from time import monotonic, sleep

import boto3
import botocore.configprovider
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

from support import POLL_SECONDS, TIMEOUT_SCALE

REGION = "us-east-1"
START_TIMEOUT = 60.0 * TIMEOUT_SCALE  # moto_server answering on its port
STOP_TIMEOUT = 10.0 * TIMEOUT_SCALE
ALLOW_ALL_POLICY = ('{"Version": "2012-10-17", "Statement": '
                    '[{"Effect": "Allow", "Action": "*", "Resource": "*"}]}')
# CreateUser, CreateAccessKey, PutUserPolicy: the unauthenticated calls of MotoServer._set_up_iam.
SETUP_ACTIONS = 3


# --------------------------------------------------------------------------------------------------
# Ports and boto3 clients


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released). Another
    process may take it before the caller binds it: callers retry on "address in use"."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolated_botocore_session(missing_dir):
    """A botocore session that reads no AWS_* environment variable and no shared config or
    credentials file (both point into `missing_dir`, at names that do not exist), so the user's
    own AWS_PROFILE or ~/.aws never affect a test."""
    defaults = getattr(botocore.configprovider, "BOTOCORE_DEFAUT_SESSION_VARIABLES", {})
    variables = {name: (config_key, None, default, convert)
                 for name, (config_key, _env, default, convert) in defaults.items()}
    variables["profile"] = (None, None, None, None)
    variables["config_file"] = (None, None, os.path.join(missing_dir, "no-aws-config"), None)
    variables["credentials_file"] = (None, None, os.path.join(missing_dir, "no-aws-credentials"),
                                     None)
    return botocore.session.Session(session_vars=variables)


def make_client(service, endpoint, access_key_id, secret_access_key, region=REGION,
                attempts=1, missing_dir=None, validate=True):
    """A boto3 client for `service` at `endpoint` with exactly these credentials. It makes at most
    `attempts` attempts per call (1: botocore never retries; note that botocore's
    `retries={"max_attempts": 1}` means one *retry*); `validate=False` sends even requests that
    botocore's parameter validation would refuse. Nothing is read from the environment or ~/.aws,
    and no HTTP proxy is used."""
    botocore_session = isolated_botocore_session(missing_dir or os.path.join(os.sep, "nonexistent"))
    session = boto3.session.Session(botocore_session=botocore_session, region_name=region,
                                    aws_access_key_id=access_key_id,
                                    aws_secret_access_key=secret_access_key)
    config = Config(retries={"total_max_attempts": attempts, "mode": "standard"},
                    parameter_validation=validate, connect_timeout=10, read_timeout=60,
                    proxies={})  # {} rather than None: botocore then ignores HTTP(S)_PROXY
    return session.client(service, endpoint_url=endpoint, config=config)


_XML_CODE = re.compile(r"<Code>([^<]+)</Code>")


def aws_error_code(error):
    """The AWS error code of a botocore ClientError. moto answers auth errors of JSON services
    with an XML body that botocore cannot parse (it reports the HTTP status, e.g. "403", as the
    code); the code is then taken from the XML `<Code>` element."""
    err = error.response.get("Error", {})
    code = err.get("Code", "")
    if code.isdigit():
        m = _XML_CODE.search(err.get("Message", ""))
        if m:
            return m.group(1)
    return code


_PROXY_VARS = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def child_env(aws_vars, base=None):
    """`base` (default os.environ) without any AWS_* or proxy variable, plus `aws_vars`: the
    environment for a child process that must see exactly the given AWS settings and reach
    127.0.0.1 directly."""
    env = {k: v for k, v in (os.environ if base is None else base).items()
           if not k.startswith("AWS_") and k.lower() not in _PROXY_VARS}
    env.update(aws_vars)
    return env


# --------------------------------------------------------------------------------------------------
# moto_server with SigV4 verification


class MotoServer:
    """One `moto_server` process on 127.0.0.1 (all services on one port) that verifies SigV4.

    After start() returns: the first `SETUP_ACTIONS` (3) unauthenticated actions have created IAM
    user `logship-e2e`, its access key (`access_key_id`, `secret_access_key`) and an inline policy
    allowing every action; every later request must be signed with that key, and start() has
    checked that a request signed with a wrong secret gets HTTP 403. The server's output goes to
    `<workdir>/moto-<port>.log`. stop() (or leaving the `with` block) ends the process.
    """

    def __init__(self, workdir, region=REGION, user="logship-e2e", verify_signatures=True):
        """`verify_signatures=False`: no IAM setup, any key is accepted (moto with auth on
        cannot serve AssumeRoleWithWebIdentity, an unsigned call: it fails with HTTP 500)."""
        self.verify_signatures = verify_signatures
        self.workdir = workdir
        self.region = region
        self.user = user
        self.port = None
        self.endpoint = None
        self.access_key_id = None
        self.secret_access_key = None
        self.log_path = None
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # lifecycle

    def start(self, attempts=3):
        """Starts the server on a free port (another port if that one was taken meanwhile), waits
        until it answers, sets up IAM, checks that auth is enforced. Returns self; on failure
        the process is stopped before the exception propagates."""
        try:
            for attempt in range(attempts):
                self._spawn(free_port())
                if self._wait_ready():
                    break
                if attempt == attempts - 1 or "Address already in use" not in self.log_tail():
                    raise AssertionError(f"moto_server exited (rc={self.proc.returncode}) before "
                                         f"answering\n{self.log_tail()}")
            if self.verify_signatures:
                self._set_up_iam()
                self._check_auth_enforced()
            else:
                self.access_key_id, self.secret_access_key = "AKIDNOAUTH0000000000", "any"

        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        """SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT. Idempotent."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", errors="replace").splitlines()[-lines:]
        except (OSError, TypeError):
            return ""
        return f"--- last {len(text)} lines of {self.log_path} ---\n" + "\n".join(text)

    def _spawn(self, port):
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}"
        self.log_path = os.path.join(self.workdir, f"moto-{port}.log")
        env = child_env({})
        if self.verify_signatures:
            env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(SETUP_ACTIONS)
        # The moto of this very interpreter (the `moto_server` script is `python -m moto.server`).
        args = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, cwd=self.workdir, env=env)

    def _wait_ready(self):
        """True once GET /moto-api/config answers (not a counted action); False if the process
        exited first; AssertionError after START_TIMEOUT."""
        deadline = monotonic() + START_TIMEOUT
        while self.alive():
            if self._answers("/moto-api/config"):
                return True
            if monotonic() >= deadline:
                raise AssertionError(f"moto_server did not answer within {START_TIMEOUT:g} s\n"
                                     f"{self.log_tail()}")
            sleep(POLL_SECONDS)
        return False

    def _answers(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", path)
            return conn.getresponse().status < 500
        except OSError:  # refused while starting, reset, timeout
            return False
        finally:
            conn.close()

    def _set_up_iam(self):
        """Exactly SETUP_ACTIONS unauthenticated IAM actions (no retries, which would add more)."""
        iam = make_client("iam", self.endpoint, "AKIDSETUPONLY0000000", "setup", self.region,
                          missing_dir=self.workdir)
        iam.create_user(UserName=self.user)
        key = iam.create_access_key(UserName=self.user)["AccessKey"]
        iam.put_user_policy(UserName=self.user, PolicyName="allow-all",
                            PolicyDocument=ALLOW_ALL_POLICY)
        self.access_key_id = key["AccessKeyId"]
        self.secret_access_key = key["SecretAccessKey"]

    def _check_auth_enforced(self):
        wrong = make_client("logs", self.endpoint, self.access_key_id, "wrong-secret", self.region,
                            missing_dir=self.workdir)
        try:
            wrong.describe_log_groups()
        except ClientError as e:
            if e.response["ResponseMetadata"]["HTTPStatusCode"] == 403:
                return
            raise
        raise AssertionError("moto accepted a request signed with a wrong secret: SigV4 "
                             "verification is off (INITIAL_NO_AUTH_ACTION_COUNT not honoured?)")

    # what tests use

    def env(self, with_endpoint=False):
        """AWS_* variables for a child process: the access key, region, IMDS disabled, and the
        shared config/credentials files pointing at names that do not exist in `workdir` (so the
        user's ~/.aws is never read). No AWS_PROFILE. `with_endpoint`: also AWS_ENDPOINT_URL.
        Use `child_env(server.env())` to drop the AWS_* variables inherited from the test."""
        env = {
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_REGION": self.region,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.path.join(self.workdir, "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.workdir, "no-aws-credentials"),
        }
        if with_endpoint:
            env["AWS_ENDPOINT_URL"] = self.endpoint
        return env

    def client(self, service, secret=None, attempts=1):
        """A boto3 client for `service` signed with the server's key (or with `secret`); no
        retries by default (moto never throttles, so a failure is real)."""
        return make_client(service, self.endpoint, self.access_key_id,
                           secret if secret is not None else self.secret_access_key, self.region,
                           attempts=attempts, missing_dir=self.workdir)

    def create_user(self, name, policy_document):
        """An IAM user with `policy_document` (JSON text) as its only policy, created with the
        server's allow-all key (signed calls, so the unauthenticated budget is untouched); returns
        the AWS_* variables of `env()` with that user's key. moto enforces the policy."""
        iam = self.client("iam")
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        iam.put_user_policy(UserName=name, PolicyName=f"{name}-policy",
                            PolicyDocument=policy_document)
        return dict(self.env(), AWS_ACCESS_KEY_ID=key["AccessKeyId"],
                    AWS_SECRET_ACCESS_KEY=key["SecretAccessKey"])

    def logs_client(self, secret=None):
        """A boto3 CloudWatch Logs client with the server's credentials (or with `secret`)."""
        return self.client("logs", secret)


# --------------------------------------------------------------------------------------------------
# Reading CloudWatch Logs back


def log_stream_names(client, group):
    """Every stream name of `group` (all DescribeLogStreams pages), in name order."""
    names = []
    kwargs = {"logGroupName": group}
    while True:
        page = client.describe_log_streams(**kwargs)
        names.extend(s["logStreamName"] for s in page.get("logStreams", []))
        token = page.get("nextToken")
        if not token:
            return names
        kwargs["nextToken"] = token


def read_stream(client, group, stream, page_limit=None):
    """[(timestamp_ms, message)] of every event of one stream, in stored order, following
    GetLogEvents from the head until the returned nextForwardToken equals the one sent (pages may
    be empty before that). `page_limit`: events per page (server default: 10,000)."""
    events = []
    kwargs = {"logGroupName": group, "logStreamName": stream, "startFromHead": True}
    if page_limit:
        kwargs["limit"] = page_limit
    sent = None
    while True:
        page = client.get_log_events(**kwargs)
        events.extend((e["timestamp"], e["message"]) for e in page["events"])
        token = page["nextForwardToken"]
        if token == sent:
            return events
        sent = kwargs["nextToken"] = token


def read_log_events(client, group, page_limit=None):
    """{stream name: [(timestamp_ms, message)]} for every event of every stream of `group`.

    Exact when no PutLogEvents changes the group while it reads: moto's tokens are positions in
    the timestamp-sorted stream, so an event stored meanwhile with an earlier timestamp than the
    read position shifts later pages (one event read twice or not at all). Read again once the
    sender is idle for exact assertions."""
    return {name: read_stream(client, group, name, page_limit)
            for name in log_stream_names(client, group)}


def _read_if_exists(client, group):
    try:
        return read_log_events(client, group)
    except ClientError as e:
        if aws_error_code(e) == "ResourceNotFoundException":
            return {}  # the group (or a stream just listed) does not exist yet
        raise


def event_count(events):
    """The number of events in a read_log_events result."""
    return sum(len(v) for v in events.values())


def wait_for_event_count(client, group, n, timeout, proc=None):
    """Polls `group` until it holds at least `n` events (a group that does not exist yet holds 0);
    returns that read_log_events result. Between polls it waits as long as the last read took
    (at least POLL_SECONDS), so reading a big group does not keep moto busy. Fails
    (AssertionError) after `timeout` seconds, or as soon as `proc` (a support.Logship) has exited
    without the events being there."""
    deadline = monotonic() + timeout
    while True:
        started = monotonic()
        events = _read_if_exists(client, group)
        took = monotonic() - started
        if event_count(events) >= n:
            return events
        if proc is not None and not proc.alive():
            events = _read_if_exists(client, group)
            if event_count(events) >= n:
                return events
            raise AssertionError(
                f"logship exited (rc={proc.returncode}) while waiting for {n} events in {group} "
                f"({event_count(events)} there)\n{proc.stderr_tail()}")
        if monotonic() >= deadline:
            raise AssertionError(
                f"timed out after {timeout:g} s waiting for {n} events in log group {group}: "
                f"{event_count(events)} in {len(events)} streams")
        sleep(max(POLL_SECONDS, min(took, 1.0)))


def cloudwatch_config(data_dir, include, sink_options, gen3=True):
    """kubernetes_logs (from the beginning) [-> gen3] -> aws_cloudwatch_logs `cw` with
    `sink_options`, as config text."""
    from support import yaml_value
    lines = [f"data_dir: {yaml_value(data_dir)}",
             "sources:",
             "  k8s:",
             "    type: kubernetes_logs",
             f"    include: {yaml_value(list(include))}",
             "    read_from: beginning"]
    if gen3:
        lines += ["transforms:", "  gen3: {type: gen3, inputs: [k8s]}"]
    lines += ["sinks:",
              "  cw:",
              "    type: aws_cloudwatch_logs",
              f"    inputs: [{'gen3' if gen3 else 'k8s'}]"]
    lines += [f"    {k}: {yaml_value(v)}" for k, v in sink_options.items()]
    return "\n".join(lines) + "\n"
