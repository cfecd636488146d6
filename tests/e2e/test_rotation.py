"""Files that move under the tailer: rename rotation, copytruncate, truncation, deletion and a new
file at a reused inode. In every case: no line lost, none read twice.

logship runs continuously here (no --exit-on-eof). Where a scenario needs logship to be behind the
writer at a precise moment (so the interesting code path is taken every run, not only on a slow
machine), the test freezes it with SIGSTOP for the duration of the file operation, as a long
scheduler stall would, and lets it go on with SIGCONT.
"""

import os
import shutil
import unittest

import support
from support import cri_line, docker_line, numbered, numbers

N = 20000


class RotationTest(support.E2ETestCase):
    def delivered_in(self, reader, lo, hi, tag="seq"):
        """How many distinct numbers in [lo, hi) `reader` has seen (polls it first)."""
        reader.poll()
        return len({n for n in numbers(reader.records, tag) if lo <= n < hi})

    def wait_delivered(self, reader, n, proc, tag="seq"):
        self.wait_for(lambda: self.delivered_in(reader, n, n + 1, tag) == 1,
                      f"line {tag}={n} in the sink", proc=proc)

    def finish(self, ls, expected, tag="seq"):
        """SIGTERM; every number of `expected` exactly once in the sink; returns (records, counters)."""
        counters = support.final_counters(ls.terminate())
        records = support.read_records(self.out, allow_partial_tail=False)
        self.assert_exactly_once(numbers(records, tag), expected, f"'{tag}' lines in the sink")
        return records, counters

    # ----------------------------------------------------------------------------------------------

    def test_rename_rotation_while_writing(self):
        """a.log -> a.log.1 (later a.log -> a.log.2) and a new a.log, while the runtime goes on
        writing the old file for a moment, also after logship has read it to its end. The rotated
        names are not matched by the include glob: the old file is read through the descriptor
        logship holds, for rotate_wait_ms after its end."""
        rotate_at, piece = (6000, 13000), 100
        path = support.pod_file(self.logs, "rot-6b7c8d9e0f-a1b2c", "default", "app")
        lines = [cri_line(numbered(n)) for n in range(N)]

        fd = support.open_append(path, exclusive=True)
        support.write_all(fd, lines[0])
        ls = self.logship()
        ls.start(self.config(rotate_wait_ms=5000))
        writer_view = support.SinkReader(self.out)
        self.wait_delivered(writer_view, 0, ls)  # logship has the file open

        def write(fd_, lo, hi):
            for i in range(lo, hi):  # full speed, one write per line
                support.write_all(fd_, lines[i])

        def writer():
            old, n = fd, 1
            for gen, r in enumerate(rotate_at, 1):
                write(old, n, r)
                ls.pause()  # logship is (almost surely) behind the writer: now it is, for sure
                os.rename(path, f"{path}.{gen}")
                write(old, r, r + piece)  # the old file is still written after the rename
                new = support.open_append(path, exclusive=True)
                write(new, r + piece, r + 2 * piece)
                ls.resume()
                # logship reads the old file to its end; then the runtime writes it once more,
                # well within rotate_wait_ms.
                self.wait_delivered(writer_view, r + piece - 1, ls)
                write(old, r + 2 * piece, r + 3 * piece)
                os.close(old)
                # The next rotation must not come before logship found the new file (a file
                # rotated away before any reader saw it is out of reach by design).
                self.wait_delivered(writer_view, r + piece, ls)
                old, n = new, r + 3 * piece
            write(old, n, N)
            os.close(old)

        w = self.start_thread(writer)
        self.wait_for_numbers(support.SinkReader(self.out), set(range(N)), ls)
        self.join_thread(w)
        records, counters = self.finish(ls, range(N))

        self.assertEqual(len(records), N)
        for r in records:
            self.assertEqual(r["kubernetes"]["pod_name"], "rot-6b7c8d9e0f-a1b2c", r)
            self.assertEqual(r["docker"]["container_id"], support.container_id(path), r)
        self.assert_counters(counters, {
            "k8s": {"events_out": N, "files_discovered": 3},
            "out": {"events_in": N, "events_out": N}})

    def test_copytruncate_while_writing(self):
        """Copy app.log -> app.log.N, truncate app.log, the writer goes on (O_APPEND). The include
        glob matches the copies: a copy is the same file by content and is read from where app.log
        was, the truncated app.log from 0. Source type `file`."""
        k, m, p = 2000, 3000, 1000  # see below
        rotate_at = (8000, 15000)
        path = os.path.join(self.logs, "app.log")
        staging = os.path.join(self.tmp, "staging")
        os.makedirs(staging)
        lines = [(numbered(n) + "\n").encode() for n in range(N)]
        fd = support.open_append(path, exclusive=True)
        support.write_all(fd, lines[0])

        cfg = self.config(include=[os.path.join(self.logs, "*.log*")], source_type="file")
        ls = self.logship()
        ls.start(cfg)
        writer_view = support.SinkReader(self.out)
        self.wait_delivered(writer_view, 0, ls)

        def writer():
            n, seg_start = 1, 0  # seg_start: the number of the first line app.log now holds
            for gen, r in enumerate(rotate_at, 1):
                for i in range(n, r):
                    support.write_all(fd, lines[i])
                # After the truncation app.log gets `p` lines before logship can look again. For
                # the truncation to show in the size (lines have one length), logship's offset in
                # app.log must be past `p` lines: wait until `k` > `p` of its lines are delivered.
                self.wait_for(lambda: self.delivered_in(writer_view, seg_start, r) >= k,
                              f"{k} lines of app.log generation {gen} delivered", proc=ls)
                ls.pause()
                for i in range(r, r + m):  # logship is frozen: these are read from the copy only
                    support.write_all(fd, lines[i])
                tmp_copy = os.path.join(staging, f"app.log.{gen}")
                shutil.copyfile(path, tmp_copy)
                os.rename(tmp_copy, f"{path}.{gen}")  # the copy appears complete
                os.truncate(path, 0)
                for i in range(r + m, r + m + p):
                    support.write_all(fd, lines[i])
                ls.resume()
                self.wait_delivered(writer_view, r + m, ls)  # logship has seen the truncation
                n, seg_start = r + m + p, r + m
            for i in range(n, N):
                support.write_all(fd, lines[i])

        try:
            w = self.start_thread(writer)
            self.wait_for_numbers(support.SinkReader(self.out), set(range(N)), ls)
            self.join_thread(w)
        finally:
            os.close(fd)
        records, counters = self.finish(ls, range(N))

        allowed = {path, path + ".1", path + ".2"}
        for r in records:
            self.assertEqual(list(r), ["message", "file"], r)
            self.assertIn(r["file"], allowed, r)
        self.assert_counters(counters, {"k8s": {"events_out": N}, "out": {"events_out": N}})

        # A restart finds app.log.1, app.log.2 and app.log all read to their end: nothing more.
        out2 = os.path.join(self.tmp, "out2.jsonl")
        cfg2 = self.config(include=[os.path.join(self.logs, "*.log*")], source_type="file", out=out2)
        records2, counters2 = self.run_to_eof(cfg2, out=out2)
        self.assertEqual(records2, [], "records after a restart over fully read files")
        self.assert_counters(counters2, {"k8s": {"events_out": 0}})

    def test_truncation(self):
        """app.log cut to 0 and rewritten (shorter than before): the new lines are read from 0;
        then it grows past its old size and reading goes on."""
        path = support.pod_file(self.logs, "trunc-1", "default", "app")
        support.append(path, b"".join(docker_line(numbered(n)) for n in range(100)))
        ls = self.logship()
        ls.start(self.config())
        reader = support.SinkReader(self.out)
        self.wait_for_numbers(reader, set(range(100)), ls)

        os.truncate(path, 0)
        support.append(path, b"".join(docker_line(numbered(n)) for n in range(100, 150)))
        self.wait_for_numbers(reader, set(range(150)), ls)
        support.append(path, b"".join(docker_line(numbered(n)) for n in range(150, 350)))
        self.wait_for_numbers(reader, set(range(350)), ls)

        records, counters = self.finish(ls, range(350))
        self.assertEqual(len(records), 350)
        self.assert_counters(counters, {"k8s": {"events_out": 350}})

    def test_deleted_file_is_read_to_its_end(self):
        """Lines written just before the file is deleted are still read (the open file outlives
        its name); then logship lets go of the file."""
        path = support.pod_file(self.logs, "gone-1", "default", "app")
        support.append(path, cri_line(numbered(0)))
        ls = self.logship()
        ls.start(self.config(rotate_wait_ms=300))
        reader = support.SinkReader(self.out)
        self.wait_for_numbers(reader, {0}, ls)

        ls.pause()  # none of the next lines can be read before the file is gone
        support.append(path, b"".join(cri_line(numbered(n)) for n in range(1, 5000)))
        os.unlink(path)
        ls.resume()
        self.wait_for_numbers(reader, set(range(5000)), ls)
        if os.path.isdir(f"/proc/{ls.pid}/fd"):
            self.wait_for(lambda: not support.holds_open(ls.pid, path),
                          "logship to close the deleted file", proc=ls)

        records, counters = self.finish(ls, range(5000))
        self.assertEqual(len(records), 5000)
        self.assert_counters(counters, {"k8s": {"events_out": 5000}})

    def test_deleted_file_still_written_is_kept_for_rotate_wait(self):
        """A deleted file is no longer matched, so rotate_wait_ms applies to it as to a renamed
        one: lines that the writer, still holding the file, adds after logship reached its end
        are read, if they come within rotate_wait_ms."""
        path = support.pod_file(self.logs, "gone-2", "default", "app")
        fd = support.open_append(path, exclusive=True)
        try:
            support.write_all(fd, cri_line(numbered(0)))
            ls = self.logship()
            ls.start(self.config(rotate_wait_ms=5000))
            reader = support.SinkReader(self.out)
            self.wait_for_numbers(reader, {0}, ls)
            ls.pause()
            support.write_all(fd, b"".join(cri_line(numbered(n)) for n in range(1, 1000)))
            os.unlink(path)
            ls.resume()
            self.wait_for_numbers(reader, set(range(1000)), ls)  # logship is at the end
            support.write_all(fd, b"".join(cri_line(numbered(n)) for n in range(1000, 1100)))
        finally:
            os.close(fd)
        self.wait_for_numbers(reader, set(range(1100)), ls, timeout=30 * support.TIMEOUT_SCALE)

        records, counters = self.finish(ls, range(1100))
        self.assertEqual(len(records), 1100)
        self.assert_counters(counters, {"k8s": {"events_out": 1100}})

    def test_new_file_at_reused_inode(self):
        """Delete a read file, create a new one (same name, same inode, longer than the old
        offset): the new file is read from its head."""
        if not os.path.isdir("/proc/self/fd"):
            self.skipTest("needs /proc to see when logship lets go of the deleted file")
        path = support.pod_file(self.logs, "reuse-1", "default", "app")
        support.append(path, b"".join(cri_line(numbered(n, "gen1")) for n in range(100)))
        old_ino = os.stat(path).st_ino
        ls = self.logship()
        ls.start(self.config(rotate_wait_ms=300))
        reader = support.SinkReader(self.out)
        self.wait_for_numbers(reader, set(range(100)), ls, tag="gen1")

        os.unlink(path)
        # The inode is only free once logship has closed the deleted file.
        self.wait_for(lambda: not support.holds_open(ls.pid, path),
                      "logship to close the deleted file", proc=ls)
        fd = support.new_file_at_inode(self, path, old_ino)
        try:
            support.write_all(fd, b"".join(cri_line(numbered(n, "gen2")) for n in range(300)))
        finally:
            os.close(fd)
        self.wait_for_numbers(reader, set(range(300)), ls, tag="gen2")

        records, counters = self.finish(ls, range(300), tag="gen2")
        self.assert_exactly_once(numbers(records, "gen1"), range(100), "'gen1' lines")
        self.assertEqual(len(records), 400)
        self.assert_counters(counters, {"k8s": {"events_out": 400}})

    def test_new_file_at_reused_inode_across_restart(self):
        """The same, with logship stopped in between: the checkpoint of the deleted file must not
        be applied to the new file at its inode."""
        path = support.pod_file(self.logs, "reuse-2", "default", "app")
        support.append(path, b"".join(docker_line(numbered(n, "gen1")) for n in range(100)))
        old_ino = os.stat(path).st_ino
        records, counters = self.run_to_eof(self.config())
        self.assert_exactly_once(numbers(records, "gen1"), range(100), "'gen1' lines, first run")
        self.assert_counters(counters, {"k8s": {"events_out": 100}})

        os.unlink(path)
        fd = support.new_file_at_inode(self, path, old_ino)
        try:
            support.write_all(fd, b"".join(docker_line(numbered(n, "gen2")) for n in range(300)))
        finally:
            os.close(fd)
        records, counters = self.run_to_eof(self.config())
        self.assertEqual(len(records), 400)
        self.assert_exactly_once(numbers(records, "gen1"), range(100), "'gen1' lines")
        self.assert_exactly_once(numbers(records, "gen2"), range(300), "'gen2' lines")
        self.assert_counters(counters, {"k8s": {"events_out": 300}})


if __name__ == "__main__":
    unittest.main()
