"""serverlib.py — helpers for the server tests (Python standard library only).

    with Server(licit, store, "--max-connections", "8") as s:
        st, hdrs, body = s.req("GET", "/healthz")

A Server is a real `licit serve` on 127.0.0.1 and a port the kernel picks
(--listen 127.0.0.1:0; the port is read from the server's first line).  It
is always stopped on leaving the block (SIGTERM, then SIGKILL after 20 s),
and the tests' atexit handler stops any that is left.
"""
import atexit
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

_live = []


def _cleanup():
    for p in list(_live):
        if p.poll() is None:
            p.kill()
            p.wait()


atexit.register(_cleanup)
for _sig in (signal.SIGTERM, signal.SIGINT):
    signal.signal(_sig, lambda *_: sys.exit(1))

PASSED = 0
FAILED = 0


def check(name, cond, *info):
    global PASSED, FAILED
    if cond:
        PASSED += 1
        print("ok - " + name, flush=True)
    else:
        FAILED += 1
        print("FAIL - " + name, flush=True)
        for i in info:
            print("    " + str(i)[:2000], flush=True)
    return cond


def finish():
    print("%d passed, %d failed" % (PASSED, FAILED))
    sys.exit(1 if FAILED else 0)


def lic(licit, store, *args, input=None):
    r = subprocess.run([licit, "--store", store, *args], input=input, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


class Server:
    def __init__(self, licit, store, *args):
        self.licit, self.store, self.args = licit, store, args
        self.proc = None
        self.port = None
        self.errlog = tempfile.NamedTemporaryFile("w+", prefix="licit-serve-", suffix=".log", delete=False)

    def start(self):
        self.proc = subprocess.Popen([self.licit, "--store", self.store, "serve", "--listen", "127.0.0.1:0", *self.args],
                                     stdout=subprocess.DEVNULL, stderr=self.errlog)
        _live.append(self.proc)
        deadline = time.time() + 20
        while time.time() < deadline:
            with open(self.errlog.name) as f:
                m = re.search(r"\(port (\d+)\)", f.read())
            if m:
                self.port = int(m.group(1))
                return self
            if self.proc.poll() is not None:
                raise RuntimeError("licit serve exited: " + open(self.errlog.name).read())
            time.sleep(0.05)
        raise RuntimeError("licit serve did not start")

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def log(self):
        with open(self.errlog.name) as f:
            return f.read()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        os.unlink(self.errlog.name)

    def req(self, method, path, body=None, token=None, headers=None, timeout=60):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        return r.status, hdrs, data

    def json(self, method, path, body=None, token=None, **kw):
        st, hdrs, data = self.req(method, path, body, token, **kw)
        try:
            js = json.loads(data) if data else None
        except ValueError:
            js = {"_raw": data[:300]}
        return st, js

    def raw(self, data, read_timeout=5):
        """Sends raw bytes on a fresh connection; returns what came back."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=read_timeout)
        s.sendall(data)
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except (socket.timeout, ConnectionResetError):
            pass
        s.close()
        return out
