"""The gen3 sample container log files (data/containers/{docker,cri}, copied from
shared/samples/gen3/containers) through kubernetes_logs with --exit-on-eof."""

import json
import os
import shutil
import unittest

import support

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "data", "containers")

# Container ids (the 64 hex digits of the file names).
ARBORIST = "4d8af2254c5a9a04a15265b147fed6f4da7f098ac1da80b5c2f9a1cd7c212cf3"
AWS_NODE = "8454169c00c0642f372a2db469efddcccffb8c0ed542ba9cf7162f56c869e72d"
REVPROXY_CRI = "961c7c2f9686955bd5c40a1dc930d0cc195b8c0087d515902ba85457550056dc"
FENCE = "fe4df04df139ec0a6e94bdba9891b6951c3ddaaf68c352f79631409b4756f9e3"
REVPROXY_DOCKER = "1823712846004802a6f4b0d45c38f576261adc6fe81eea4062a9a710e00c41c7"

# Records per file, worked out by hand:
#   cri/arborist: 5 F lines -> 5; cri/aws-node: 1; cri/revproxy: F, P+F (joined), empty F -> 3;
#   docker/fence: 7 complete lines -> 7; docker/revproxy: 4 lines + "log":"\n" -> 5.
EXPECTED_COUNTS = {ARBORIST: 5, AWS_NODE: 1, REVPROXY_CRI: 3, FENCE: 7, REVPROXY_DOCKER: 5}

META = {
    ARBORIST: ("arborist-deployment-7f9d8c6b5-q2w3e", "default", "arborist"),
    AWS_NODE: ("aws-node-8kq2m", "kube-system", "aws-node"),
    REVPROXY_CRI: ("revproxy-deployment-6c8d9f7b5d-x7k2p", "default", "revproxy"),
    FENCE: ("fence-deployment-5b9c6d7f8-abcde", "default", "fence"),
    REVPROXY_DOCKER: ("revproxy-deployment-6c8d9f7b5d-x7k2p", "default", "revproxy"),
}


def raw_lines(kind, cid):
    """The lines (without newline) of the sample file with container id `cid`."""
    directory = os.path.join(SAMPLES, kind)
    (name,) = [n for n in os.listdir(directory) if n.endswith(f"-{cid}.log")]
    with open(os.path.join(directory, name), "rb") as f:
        return f.read().decode("utf-8").split("\n")[:-1]


class SamplesTest(support.E2ETestCase):
    def setUp(self):
        super().setUp()
        for kind in ("docker", "cri"):
            shutil.copytree(os.path.join(SAMPLES, kind), os.path.join(self.logs, kind))
        self.files = [os.path.join(self.logs, kind, n)
                      for kind in ("docker", "cri") for n in os.listdir(os.path.join(self.logs, kind))]
        self.assertEqual(len(self.files), 5)

    def run_samples(self):
        cfg = self.config(include=[os.path.join(self.logs, "docker", "*.log"),
                                   os.path.join(self.logs, "cri", "*.log")])
        return self.run_to_eof(cfg)

    def rec(self, cid, message, stream, time):
        pod, ns, container = META[cid]
        return {"message": message, "stream": stream, "time": time,
                "docker": {"container_id": cid},
                "kubernetes": {"pod_name": pod, "namespace_name": ns, "container_name": container}}

    def test_sample_files(self):
        records, counters = self.run_samples()
        groups = support.by_container_id(records)

        self.assertEqual(len(records), 21)
        self.assertEqual({cid: len(g) for cid, g in groups.items()}, EXPECTED_COUNTS)
        for r in records:  # keys in the specified order, no logship flags on clean lines
            self.assertEqual(list(r), ["message", "stream", "time", "docker", "kubernetes"], r)
            self.assertEqual(list(r["kubernetes"]), ["pod_name", "namespace_name", "container_name"])

        # CRI: every field of every arborist line (note the short fraction in "06.5Z", kept as is).
        self.assert_records(groups[ARBORIST], [
            self.rec(ARBORIST, '10.24.3.17 - - [27/Sep/2023:15:04:05 +0000] "GET /auth/mapping?'
                     'username=alice HTTP/1.1" 200 1532 "" "python-requests/2.31.0"',
                     "stdout", "2023-09-27T15:04:05.100000000Z"),
            self.rec(ARBORIST, "2023/09/27 15:04:05 /go/src/github.com/uc-cdis/arborist/arborist/"
                     "server/logging.go:28: INFO: policy `data_upload` already exists",
                     "stdout", "2023-09-27T15:04:05.100111111Z"),
            self.rec(ARBORIST, '10.24.3.17 - - [27/Sep/2023:15:04:06 +0000] "POST /auth/request '
                     'HTTP/1.1" 200 16 "" "Go-http-client/1.1"',
                     "stdout", "2023-09-27T15:04:06.5Z"),
            self.rec(ARBORIST, "panic: runtime error: invalid memory address or nil pointer "
                     "dereference", "stderr", "2023-09-27T15:04:06.100333333Z"),
            self.rec(ARBORIST, "goroutine 1 [running]:", "stderr", "2023-09-27T15:04:07.100444444Z"),
        ], "arborist records")

        # kube-system is not dropped by the source (that is the gen3 transform's job).
        (aws,) = groups[AWS_NODE]
        self.assertEqual(aws, self.rec(
            AWS_NODE, '{"level":"info","ts":"2023-09-27T15:04:05.120Z","caller":"ipamd/ipamd.go:520",'
            '"msg":"Reconciling ENI/IP pool info because time since last reconcile is 60s"}',
            "stdout", "2023-09-27T15:04:05.100000000Z"))

        # CRI P + F joined into one record with the P piece's time; the empty F line is a record.
        cri = raw_lines("cri", REVPROXY_CRI)
        first, joined, empty = groups[REVPROXY_CRI]
        self.assertEqual(first, self.rec(REVPROXY_CRI, cri[0].split(" ", 3)[3], "stdout",
                                         "2023-09-27T15:04:07.100000000Z"))
        self.assertEqual(joined, self.rec(
            REVPROXY_CRI, cri[1].split(" ", 3)[3] + cri[2].split(" ", 3)[3], "stdout",
            "2023-09-27T15:04:07.100111111Z"))
        self.assertIn("&idp=google&x=AAAAAAAA", joined["message"])  # nothing inserted at the join
        joined_json = json.loads(joined["message"])  # the two halves make one JSON document again
        self.assertEqual(joined_json["http_status_code"], 302)
        self.assertEqual(joined_json["message"], "GET /user/login/google HTTP/1.1")
        self.assertEqual(empty, self.rec(REVPROXY_CRI, "", "stdout", "2023-09-27T15:04:08.100333333Z"))

        # Docker: every field of every fence line; \u003e decoded to '>' and \" to '"'.
        self.assert_records(groups[FENCE], [
            self.rec(FENCE, "[2023-09-27 15:04:05,101][     fence][   INFO] Incoming request: GET "
                     "/user/user", "stdout", "2023-09-27T15:04:05.123456789Z"),
            self.rec(FENCE, "[pid: 28|app: 0|req: 2384/7253] 10.24.3.17 () {34 vars in 393 bytes} "
                     "[Wed Sep 27 15:04:05 2023] GET /_status => generated 7 bytes in 4 msecs "
                     "(HTTP/1.1 200) 2 headers in 78 bytes (1 switches on core 0)",
                     "stderr", "2023-09-27T15:04:05.123457789Z"),
            self.rec(FENCE, "[2023-09-27 15:04:05,377][     fence][  ERROR] Unexpected error",
                     "stdout", "2023-09-27T15:04:05.123458789Z"),
            self.rec(FENCE, "Traceback (most recent call last):", "stdout",
                     "2023-09-27T15:04:06.123459789Z"),
            self.rec(FENCE, '  File "/fence/fence/blueprints/login/base.py", line 98, in get',
                     "stdout", "2023-09-27T15:04:06.123460789Z"),
            self.rec(FENCE, "    result = flask.current_app.oauth_client.get_user_id(code)",
                     "stdout", "2023-09-27T15:04:06.123461789Z"),
            self.rec(FENCE, "KeyError: 'email'", "stdout", "2023-09-27T15:04:07.123462789Z"),
        ], "fence records")

        # Docker: the nginx JSON lines come out as the text the app wrote (\" and \u0026 decoded).
        docker = raw_lines("docker", REVPROXY_DOCKER)
        rp = groups[REVPROXY_DOCKER]
        self.assert_records(rp, [
            self.rec(REVPROXY_DOCKER, json.loads(line)["log"][:-1], json.loads(line)["stream"],
                     json.loads(line)["time"]) for line in docker], "docker revproxy records")
        self.assertEqual(json.loads(rp[0]["message"])["request_id"], "6f1c2a9e0b7d4c3e8a5f1d2c3b4a5968")
        self.assertIn('"http_request": "/api/v0/submission/graphql?q=a&b=c"', rp[1]["message"])
        self.assertNotIn("\\u0026", rp[1]["message"])
        self.assertEqual(rp[2]["message"], '172.24.73.244 - - [27/Sep/2023:15:04:06 +0000] '
                         '"GET /jwt/keys HTTP/1.1" 200 2139 "-" "kube-probe/1.10"')
        self.assertEqual(rp[3]["stream"], "stderr")
        self.assertIn('request: "GET /index/index HTTP/1.1", upstream: "http://10.100.2.7:80/index"',
                      rp[3]["message"])
        self.assertEqual(rp[4], self.rec(REVPROXY_DOCKER, "", "stdout", "2023-09-27T15:04:06.123460789Z"))

        self.assert_counters(counters, {
            "k8s": {"events_out": 21, "bytes_read": sum(os.path.getsize(p) for p in self.files),
                    "lines_truncated": 0, "invalid_utf8_lines": 0, "malformed_lines": 0,
                    "partial_lines_merged": 1, "files_discovered": 5},
            "out": {"events_in": 21, "events_out": 21},
        })


if __name__ == "__main__":
    unittest.main()
