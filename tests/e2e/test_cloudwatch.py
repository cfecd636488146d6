"""The aws_cloudwatch_logs sink against moto_server with SigV4 verification on: the gen3 sample
lines and a generated workload of 100,000 lines go through kubernetes_logs -> gen3 ->
aws_cloudwatch_logs, and boto3 reads every event back from the expected group and streams
(`<event date, UTC>.<pod name>`), with exact counts and contents. A wrong secret key gives a
clear authentication error and nothing is counted as delivered."""

import json
import os
import sys
import unittest
from datetime import datetime, timedelta, timezone

import aws_support
import support
from support import docker_line
from test_gen3_samples import EXPECTED_COUNTS, load

GROUP = "/gen3/e2e"
GENERATED = 100_000
GENERATED_PODS = 4
SAMPLE_PODS = {  # sample file -> (pod, namespace, container)
    "nginx.jsonl": ("revproxy-deployment-6c8d9f7b5d-x7k2p", "default", "revproxy"),
    "python.jsonl": ("fence-deployment-5b9c6d7f8-abcde", "default", "fence"),
    "go.jsonl": ("arborist-deployment-7f9d8c6b5-q2w3e", "default", "arborist"),
}



def utc_date(ms):
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%d")


def date_of_rfc3339(text):
    return text[:10]


class MotoTestCase(support.E2ETestCase):
    """A moto_server (SigV4 verified) per test, and a kubernetes_logs -> gen3 ->
    aws_cloudwatch_logs config pointing at it."""
    VERIFY_SIGNATURES = True

    def setUp(self):
        super().setUp()
        self.moto = aws_support.MotoServer(self.tmp, verify_signatures=self.VERIFY_SIGNATURES)
        self.moto.start()
        self.addCleanup(self.moto.stop)

    def cw_config(self, **sink_options):
        options = {"group": GROUP, "endpoint": self.moto.endpoint, "create_missing_group": True}
        options.update(sink_options)
        return aws_support.cloudwatch_config(self.data_dir, [os.path.join(self.logs, "*.log")],
                                             options)

    def run_logship(self, env, timeout=240, expect_rc=0):
        ls = self.logship()
        ls.start(self.cw_config(), exit_on_eof=True, env=aws_support.child_env(env))
        stderr = ls.wait(timeout * support.TIMEOUT_SCALE, expect_rc=expect_rc)
        return ls, stderr, support.final_counters(stderr)



class CloudWatchMotoTest(MotoTestCase):
    def write_samples(self):
        """The gen3 sample lines, one pod per file; returns {runtime time: (pod, sample)}."""
        by_time = {}
        i = 0
        for name, pod in SAMPLE_PODS.items():
            lines = []
            for s in load(name):
                t = f"2024-01-02T03:04:05.{i:09d}Z"
                i += 1
                by_time[t] = (pod[0], s)
                lines.append(docker_line(s["input"], time=t))
            support.write_file(support.pod_file(self.logs, *pod), b"".join(lines))
        return by_time

    def write_generated(self):
        """GENERATED numbered lines over GENERATED_PODS pods, one millisecond apart, ending an
        hour ago (inside CloudWatch's window: sent with their own time). Every tenth line is a
        gen3 JSON line carrying its number in `n`. Returns {n: (pod, event time ms)}."""
        start = datetime.now(timezone.utc) - timedelta(hours=1, milliseconds=GENERATED)
        expected = {}
        files = {}
        for n in range(GENERATED):
            pod = f"gen-{n % GENERATED_PODS}-7d9f8c6b5-x{n % GENERATED_PODS}"
            when = start + timedelta(milliseconds=n)
            text = (json.dumps({"gen3log": "app", "n": n, "msg": "generated"})
                    if n % 10 == 0 else support.numbered(n))
            files.setdefault(pod, []).append(docker_line(text, time=support.rfc3339(when)))
            expected[n] = (pod, int(when.timestamp() * 1000))
        for pod, lines in files.items():
            support.write_file(support.pod_file(self.logs, pod, "default", "app"), b"".join(lines))
        return expected

    def test_ships_samples_and_100k_lines_signed_and_reads_them_back_exactly(self):
        samples = self.write_samples()
        generated = self.write_generated()
        _, stderr, counters = self.run_logship(self.moto.env())
        dropped = sum(c.get("drop", 0) for c in EXPECTED_COUNTS.values())
        expected_events = len(samples) - dropped + GENERATED
        self.assert_counters(counters, {"cw": {
            "events_sent": expected_events, "events_in": expected_events,
            "events_out": expected_events, "auth_errors": 0, "events_rejected": 0,
            "events_dropped_invalid": 0, "events_unrouted": 0, "batches_given_up": 0,
            "groups_created": 1}})

        events = aws_support.read_log_events(self.moto.logs_client(), GROUP)
        self.assertEqual(aws_support.event_count(events), expected_events)
        seen_numbers = {}
        seen_samples = {}
        for stream, stream_events in events.items():
            previous = None
            for ts, message in stream_events:
                self.assertTrue(previous is None or previous <= ts, f"{stream}: out of order")
                previous = ts
                record = json.loads(message)
                pod = record["kubernetes"]["pod_name"]
                original = record.get("logship", {}).get("original_timestamp")
                event_date = date_of_rfc3339(original) if original else utc_date(ts)
                self.assertEqual(stream, f"{event_date}.{pod}", message)
                if pod.startswith("gen-"):
                    n = record["n"] if "n" in record else support.numbers([record])[0]
                    self.assertNotIn(n, seen_numbers, f"line {n} delivered twice")
                    seen_numbers[n] = (pod, ts)
                    self.assertIsNone(original)
                else:
                    self.assertIsNotNone(original, "the 2024 samples are outside the window")
                    seen_samples[record["time"]] = record
        self.assertEqual(seen_numbers, generated)
        for t, (pod, s) in samples.items():
            route = s["expected"]["route"]
            if route == "drop":
                self.assertNotIn(t, seen_samples)
            else:
                self.assertEqual(seen_samples[t]["log_type"], route, s["input"])
                self.assertEqual(seen_samples[t]["kubernetes"]["pod_name"], pod)
        sys.stderr.write(f"[ cloudwatch ] moto (SigV4 verified): {expected_events} events read "
                         f"back from {len(events)} streams of {GROUP}; "
                         f"{counters['cw']['requests']} requests\n")

    def test_a_wrong_secret_key_is_a_clear_authentication_error(self):
        support.write_file(support.pod_file(self.logs, "web-1", "default", "web"),
                           docker_line(support.numbered(1), time=support.rfc3339(datetime.now(timezone.utc))))
        env = dict(self.moto.env(), AWS_SECRET_ACCESS_KEY="not-the-secret")
        # 75 (EX_TEMPFAIL): records were given up on; they are read again on the next start.
        _, stderr, counters = self.run_logship(env, expect_rc=75)
        self.assertIn("authentication failed", stderr)
        self.assertIn("SignatureDoesNotMatch", stderr)
        self.assertNotIn("not-the-secret", stderr)
        self.assert_counters(counters, {"cw": {"events_sent": 0, "events_out": 0,
                                               "batches_given_up": 1, "auth_errors": 3}})


class NodeAgentPolicyTest(MotoTestCase):
    """The actions of deploy/iam-policy.json are enough for the node agent, and no more: moto
    enforces IAM actions for signed requests. moto matches every request against resource "*"
    (it does not build CloudWatch Logs resource ARNs), so the policy's resources are widened to
    "*" here; the ARN patterns themselves are AWS's documented ones (see deploy/README.md)."""

    def policy(self, name):
        path = os.path.join(os.environ.get("LOGSHIP_SOURCE_DIR", ""), "deploy", name)
        with open(path) as f:
            doc = json.load(f)
        for statement in doc["Statement"]:
            self.assertTrue(statement["Resource"].startswith("arn:aws:logs:REGION:ACCOUNT_ID:"))
            statement["Resource"] = "*"
        return json.dumps(doc)

    def test_the_deploy_policy_allows_shipping_and_nothing_more(self):
        env = self.moto.create_user("node-agent", self.policy("iam-policy.json"))
        self.moto.logs_client().create_log_group(logGroupName=GROUP)
        when = datetime.now(timezone.utc) - timedelta(minutes=5)
        support.write_file(support.pod_file(self.logs, "web-1", "default", "web"),
                           b"".join(docker_line(support.numbered(n), time=support.rfc3339(when))
                                    for n in range(50)))
        ls = self.logship()
        # create_missing_group stays off, as in gen3-agent.yaml.
        ls.start(self.cw_config(create_missing_group=False), exit_on_eof=True,
                 env=aws_support.child_env(env))
        counters = support.final_counters(ls.wait(120 * support.TIMEOUT_SCALE))
        self.assert_counters(counters, {"cw": {"events_sent": 50, "auth_errors": 0,
                                               "streams_created": 1}})
        events = aws_support.read_log_events(self.moto.logs_client(), GROUP)
        self.assertEqual(aws_support.event_count(events), 50)
        # The same key may not create groups or touch another group.
        from botocore.exceptions import ClientError
        agent = aws_support.make_client("logs", self.moto.endpoint, env["AWS_ACCESS_KEY_ID"],
                                        env["AWS_SECRET_ACCESS_KEY"], self.moto.region,
                                        missing_dir=self.tmp)
        with self.assertRaises(ClientError) as denied:
            agent.create_log_group(logGroupName="/other")
        self.assertIn(aws_support.aws_error_code(denied.exception),
                      ("AccessDenied", "AccessDeniedException"))


class WebIdentityTest(MotoTestCase):
    """IRSA as on EKS: no keys in the environment, only AWS_ROLE_ARN and a token file; the agent
    gets credentials from moto's STS (AssumeRoleWithWebIdentity, AWS_ENDPOINT_URL_STS) and ships
    with them. moto cannot verify signatures here (with auth on it fails the unsigned STS call
    with HTTP 500), so the test leaves the agent no other source of credentials and checks the
    provider the chain reports using."""
    VERIFY_SIGNATURES = False

    @staticmethod
    def credentials_source(stderr):
        """The line where the credential chain says which provider it uses."""
        for line in stderr.splitlines():
            if "Using AWS credentials from" in line:
                return line
        return ""

    def test_the_agent_ships_with_web_identity_credentials_from_sts(self):
        iam = self.moto.client("iam")
        role = iam.create_role(RoleName="gen3-node-agent", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks"},
                "Action": "sts:AssumeRoleWithWebIdentity"}]}))["Role"]["Arn"]
        iam.put_role_policy(RoleName="gen3-node-agent", PolicyName="all",
                            PolicyDocument=aws_support.ALLOW_ALL_POLICY)
        token = os.path.join(self.tmp, "token")
        support.write_file(token, b"eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl")
        env = {k: v for k, v in self.moto.env().items()
               if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
        env.update({"AWS_ROLE_ARN": role, "AWS_WEB_IDENTITY_TOKEN_FILE": token,
                    "AWS_ROLE_SESSION_NAME": "node-1",
                    "AWS_ENDPOINT_URL_STS": self.moto.endpoint})
        when = datetime.now(timezone.utc) - timedelta(minutes=5)
        support.write_file(support.pod_file(self.logs, "web-1", "default", "web"),
                           b"".join(docker_line(support.numbered(n), time=support.rfc3339(when))
                                    for n in range(20)))
        _, stderr, counters = self.run_logship(env)
        self.assert_counters(counters, {"cw": {"events_sent": 20, "auth_errors": 0}})
        self.assertNotIn("eyJhbGciOiJSUzI1NiJ9", stderr)
        events = aws_support.read_log_events(self.moto.logs_client(), GROUP)
        self.assertEqual(aws_support.event_count(events), 20)
        # No other source of credentials existed: no keys in the environment, no profile files,
        # no container credentials, IMDS disabled; the chain names the provider it used, and the
        # key is a temporary one (ASIA...) with a session token and an expiry.
        used = self.credentials_source(stderr)
        self.assertIn("from web identity: Credentials{access_key_id=ASIA", used)
        self.assertIn("session_token=(set)", used)


if __name__ == "__main__":
    unittest.main()
