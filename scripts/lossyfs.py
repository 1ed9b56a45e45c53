#!/usr/bin/python3
"""lossyfs: a passthrough FUSE filesystem that forgets, at a simulated power cut, what was not made durable.

What it keeps across a cut (the strict POSIX model a power cut leaves, as Jepsen's lazyfs does for
file data, here also for names):
  - a file's data as of its last fsync/fdatasync (writes and truncations after it are forgotten;
    with --torn a random prefix of them survives, as writes torn by the cut do);
  - a folder's names as of its last fsync (a file or folder created, renamed or removed since is not
    there, or is still there, under its old name); a folder whose parent never synced its name is
    gone with everything in it. The mount's root keeps the names it had when it was mounted.
What it does not model: permissions, owners and times (kept as they are), hard links (refused),
the reordering of metadata a journaling filesystem may do between two fsyncs (it keeps none of it),
and a disk that lies about fsync.

  lossyfs.py mount BACKING MOUNTPOINT --control SOCKET    serve (foreground) until unmounted
  lossyfs.py cut SOCKET [--torn] [--seed N]                the power cut: only durable state is left
  lossyfs.py stats SOCKET                                  counters, as JSON

The processes that use the mount must be dead before a cut (a cut closes every open file); the
mount stays, and the next process sees what a machine would see after the power came back.
Needs root (or /dev/fuse access), Debian's fuse3 and python3-fusepy; run it with /usr/bin/python3.
"""
import argparse
import errno
import json
import os
import random
import shutil
import socket
import stat
import sys
import threading

try:
    from fusepy import FUSE, FuseOSError, Operations
except ImportError:  # the module's name before Debian renamed it
    from fuse import FUSE, FuseOSError, Operations


class File:
    __slots__ = ("id", "copy", "pending")

    def __init__(self, ident):
        self.id = ident
        self.copy = None  # the durable data's file in the store; None: no data made durable (empty)
        self.pending = []  # ('w', offset, length) and ('t', size) since the last fsync, in order


class Dir:
    __slots__ = ("id", "entries")

    def __init__(self, ident, entries=None):
        self.id = ident
        self.entries = entries if entries is not None else {}  # the names as of the last fsync


class Link:
    __slots__ = ("id", "target")

    def __init__(self, ident, target):
        self.id = ident
        self.target = target


class LossyFS(Operations):
    use_ns = True

    def __init__(self, backing):
        self.backing = os.path.abspath(backing)
        self.mutex = threading.RLock()  # not "lock": that name is a FUSE operation (POSIX locks stay in the kernel)
        self.gen = 0
        self.next_id = 0
        self.nodes = {}  # live path ('/a/b') -> node
        self.fds = {}  # open file handle -> node
        self.counters = {"cuts": 0, "fsyncs": 0, "dirsyncs": 0, "writes": 0}
        self.store = os.path.join(self.backing, "durable")
        existing = [n for n in os.listdir(self.backing) if n.startswith("gen-")] if os.path.isdir(self.backing) else []
        os.makedirs(self.backing, exist_ok=True)
        if existing:  # mounted again: what is there now is what survived
            self.gen = max(int(n[4:]) for n in existing)
            for n in existing:
                if n != "gen-%d" % self.gen:
                    shutil.rmtree(os.path.join(self.backing, n))
        self.root = os.path.join(self.backing, "gen-%d" % self.gen)
        os.makedirs(self.root, exist_ok=True)
        self._adopt()

    # ---- the model -------------------------------------------------------------------------

    def _id(self):
        self.next_id += 1
        return self.next_id

    def _adopt(self):
        """Everything in the live tree is durable (at mount, and right after a cut)."""
        shutil.rmtree(self.store, ignore_errors=True)
        os.makedirs(self.store)
        self.nodes = {}

        def walk(path):
            full = self._full(path)
            st = os.lstat(full)
            if stat.S_ISDIR(st.st_mode):
                d = Dir(self._id())
                self.nodes[path] = d
                for name in os.listdir(full):
                    d.entries[name] = walk(self._join(path, name))
                return d
            if stat.S_ISLNK(st.st_mode):
                node = Link(self._id(), os.readlink(full))
            else:
                node = File(self._id())
                node.copy = os.path.join(self.store, "f%d" % node.id)
                shutil.copyfile(full, node.copy)
            self.nodes[path] = node
            return node

        walk("/")

    @staticmethod
    def _join(path, name):
        return "/" + name if path == "/" else path + "/" + name

    def _full(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def _sync_file(self, node, fd):
        if not isinstance(node, File) or not node.pending:
            return
        if node.copy is None:
            node.copy = os.path.join(self.store, "f%d" % node.id)
            open(node.copy, "wb").close()
        size = os.fstat(fd).st_size
        src = os.open("/proc/self/fd/%d" % fd, os.O_RDONLY)  # the caller's handle may be write-only
        out = os.open(node.copy, os.O_WRONLY)
        try:
            for op in node.pending:
                if op[0] == "t":
                    os.ftruncate(out, op[1])
                else:
                    _, offset, length = op
                    data = os.pread(src, length, offset)  # the bytes there now (later writes win, as on the disk)
                    os.pwrite(out, data, offset)
            os.ftruncate(out, size)
        finally:
            os.close(src)
            os.close(out)
        node.pending = []

    def _sync_dir(self, path):
        node = self.nodes.get(path)
        if not isinstance(node, Dir):
            return
        entries = {}
        for name in os.listdir(self._full(path)):
            child = self.nodes.get(self._join(path, name))
            if child is not None:
                entries[name] = child
        node.entries = entries

    def cut(self, torn, seed):
        """The power cut: the live tree becomes exactly what was durable (plus torn writes with --torn)."""
        with self.mutex:
            rnd = random.Random(seed)
            for fh in list(self.fds):
                try:
                    os.close(fh)
                except OSError:
                    pass
            self.fds = {}
            where = {id(n): p for p, n in self.nodes.items()}  # a node's live path, for torn writes
            old_root = self.root
            self.gen += 1
            new_root = os.path.join(self.backing, "gen-%d" % self.gen)
            os.mkdir(new_root)
            report = {"files": 0, "folders": 0, "lostNames": 0, "oldNames": 0, "tornFiles": 0, "forgottenWrites": 0}
            built = set()

            def build(d, dest, ancestors, at):
                for name, child in d.entries.items():
                    target = os.path.join(dest, name)
                    built.add(self._join(at, name))
                    if isinstance(child, Dir):
                        if child.id in ancestors:
                            continue  # renames synced in an order that makes a folder its own ancestor
                        os.mkdir(target)
                        report["folders"] += 1
                        build(child, target, ancestors | {child.id}, self._join(at, name))
                    elif isinstance(child, Link):
                        os.symlink(child.target, target)
                        report["files"] += 1
                    else:
                        if child.copy is not None:
                            shutil.copyfile(child.copy, target)
                        else:
                            open(target, "wb").close()
                        report["files"] += 1
                        report["forgottenWrites"] += len(child.pending)
                        live = where.get(id(child))
                        if torn and child.pending and live is not None:
                            keep = rnd.randint(0, len(child.pending))
                            if keep:
                                report["tornFiles"] += 1
                                report["forgottenWrites"] -= keep
                                self._replay(child.pending[:keep], os.path.join(old_root, live.lstrip("/")), target)

            build(self.nodes["/"], new_root, {self.nodes["/"].id}, "/")
            live = set(p for p in self.nodes if p != "/")
            report["lostNames"] = len(live - built)  # names that were there before the cut and are not after it
            report["oldNames"] = len(built - live)  # names removed or renamed away before the cut that came back
            shutil.rmtree(old_root)
            self.root = new_root
            self._adopt()
            self.counters["cuts"] += 1
            return report

    @staticmethod
    def _replay(ops, source, target):
        src = os.open(source, os.O_RDONLY)
        out = os.open(target, os.O_WRONLY)
        try:
            for op in ops:
                if op[0] == "t":
                    os.ftruncate(out, op[1])
                else:
                    os.pwrite(out, os.pread(src, op[2], op[1]), op[1])
        finally:
            os.close(src)
            os.close(out)

    # ---- FUSE operations: passthrough to the live tree, recording what becomes durable ------

    def __call__(self, op, *args):
        with self.mutex:
            return super().__call__(op, *args)

    def _forget(self, path):
        for p in [p for p in self.nodes if p == path or p.startswith(path + "/")]:
            del self.nodes[p]

    def access(self, path, mode):
        if not os.access(self._full(path), mode):
            raise FuseOSError(errno.EACCES)

    def getattr(self, path, fh=None):
        try:
            st = os.lstat(self._full(path))
        except OSError as e:
            raise FuseOSError(e.errno)
        out = {k: getattr(st, k) for k in ("st_mode", "st_nlink", "st_uid", "st_gid", "st_size", "st_blocks")}
        for k in ("st_atime", "st_mtime", "st_ctime"):
            out[k] = getattr(st, k + "_ns")  # use_ns: nanoseconds
        return out

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self._full(path))

    def readlink(self, path):
        return os.readlink(self._full(path))

    def statfs(self, path):
        st = os.statvfs(self._full(path))
        return {k: getattr(st, k) for k in ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree",
                                              "f_files", "f_flag", "f_frsize", "f_namemax")}

    def chmod(self, path, mode):
        os.chmod(self._full(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self._full(path), uid, gid)

    def utimens(self, path, times=None):
        if times is not None:
            os.utime(self._full(path), ns=times)
        else:
            os.utime(self._full(path))

    def mkdir(self, path, mode):
        os.mkdir(self._full(path), mode)
        self.nodes[path] = Dir(self._id())

    def rmdir(self, path):
        os.rmdir(self._full(path))
        self._forget(path)

    def unlink(self, path):
        os.unlink(self._full(path))
        self._forget(path)

    def symlink(self, target, source):
        os.symlink(source, self._full(target))
        self.nodes[target] = Link(self._id(), source)

    def link(self, target, source):
        raise FuseOSError(errno.EPERM)

    def mknod(self, path, mode, dev):
        os.mknod(self._full(path), mode, dev)
        self.nodes[path] = File(self._id())

    def rename(self, old, new):
        os.rename(self._full(old), self._full(new))
        moved = {p: n for p, n in self.nodes.items() if p == old or p.startswith(old + "/")}
        self._forget(new)
        for p in moved:
            del self.nodes[p]
        for p, n in moved.items():
            self.nodes[new + p[len(old):]] = n

    def _record(self, node, op):
        if isinstance(node, File):
            node.pending.append(op)

    def truncate(self, path, length, fh=None):
        if fh is not None and getattr(fh, "fh", 0) in self.fds:
            os.ftruncate(fh.fh, length)
            self._record(self.fds[fh.fh], ("t", length))
        else:
            os.truncate(self._full(path), length)
            self._record(self.nodes.get(path), ("t", length))

    def _open(self, path, flags, mode=0o644):
        fd = os.open(self._full(path), flags & ~os.O_APPEND, mode)  # the kernel gives append offsets itself
        return fd

    def open(self, path, fi):
        fd = self._open(path, fi.flags)
        node = self.nodes.get(path)
        if node is None:
            node = self.nodes[path] = File(self._id())
        if fi.flags & os.O_TRUNC:
            self._record(node, ("t", 0))
        fi.fh = fd
        self.fds[fd] = node
        return 0

    def create(self, path, mode, fi):
        existed = os.path.lexists(self._full(path))
        fd = self._open(path, fi.flags | os.O_CREAT, mode)
        node = self.nodes.get(path)
        if node is None or not existed:
            node = self.nodes[path] = File(self._id())
        elif fi.flags & os.O_TRUNC:
            self._record(node, ("t", 0))
        fi.fh = fd
        self.fds[fd] = node
        return 0

    def read(self, path, size, offset, fi):
        return os.pread(fi.fh, size, offset)

    def write(self, path, data, offset, fi):
        n = os.pwrite(fi.fh, data, offset)
        self._record(self.fds.get(fi.fh), ("w", offset, n))
        self.counters["writes"] += 1
        return n

    def flush(self, path, fi):
        return 0

    def release(self, path, fi):
        self.fds.pop(fi.fh, None)
        os.close(fi.fh)
        return 0

    def fsync(self, path, datasync, fi):
        node = self.fds.get(fi.fh)
        self._sync_file(node, fi.fh)
        self.counters["fsyncs"] += 1
        return 0

    def opendir(self, path):
        return 0

    def releasedir(self, path, fi):
        return 0

    def fsyncdir(self, path, datasync, fi):
        self._sync_dir(path)
        self.counters["dirsyncs"] += 1
        return 0


def serve_control(fs, path):
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(4)

    def loop():
        while True:
            conn, _ = srv.accept()
            with conn:
                try:
                    req = json.loads(conn.makefile("r").readline())
                    if req.get("op") == "cut":
                        reply = fs.cut(bool(req.get("torn")), req.get("seed"))
                    else:
                        with fs.mutex:
                            reply = dict(fs.counters)
                            reply["pendingFiles"] = sum(1 for n in fs.nodes.values() if isinstance(n, File) and n.pending)
                except Exception as e:  # answered, not fatal: the mount stays up
                    reply = {"error": repr(e)}
                conn.sendall((json.dumps(reply) + "\n").encode())

    threading.Thread(target=loop, daemon=True, name="control").start()


def ask(path, req):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(path)
    with c:
        c.sendall((json.dumps(req) + "\n").encode())
        reply = c.makefile("r").readline()
    print(reply.strip())
    return 1 if "error" in json.loads(reply) else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("mount")
    m.add_argument("backing")
    m.add_argument("mountpoint")
    m.add_argument("--control", required=True)
    c = sub.add_parser("cut")
    c.add_argument("control")
    c.add_argument("--torn", action="store_true")
    c.add_argument("--seed", type=int, default=None)
    s = sub.add_parser("stats")
    s.add_argument("control")
    a = p.parse_args()
    if a.cmd == "cut":
        return ask(a.control, {"op": "cut", "torn": a.torn, "seed": a.seed})
    if a.cmd == "stats":
        return ask(a.control, {"op": "stats"})
    fs = LossyFS(a.backing)
    serve_control(fs, a.control)
    FUSE(fs, a.mountpoint, raw_fi=True, foreground=True, nothreads=True, fsname="lossyfs", attr_timeout=0,
         entry_timeout=0, negative_timeout=0, hard_remove=True, big_writes=True, max_write=131072)
    return 0


if __name__ == "__main__":
    sys.exit(main())
