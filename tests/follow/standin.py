#!/usr/bin/python3
"""standin.py — a local stand-in for Bluesky's Jetstream, for the follower's
tests (tests/cli/follow.sh).  Needs Debian's python3-websockets: run it with
/usr/bin/python3.

  standin.py --capture FILE --port-file F --log F [--drop-at N,...]
             [--stall-at N,...] [--garbage-at N,...] [--rate R]
             [--tls CERT KEY]

Listens on 127.0.0.1 (a free port, written to --port-file once it listens)
and serves GET /subscribe?...: it replays the capture (JSON Lines in time_us
order) from the first message with time_us >= the `cursor` parameter (from
the start without one), as Jetstream does, then stays connected and silent.

Misbehaviour on command.  N counts the messages sent so far over every
connection (replays too); each action happens once, just before message N
would be sent:
  --drop-at N     drop the connection (the TCP connection is aborted: what
                  was queued is lost, as in a real network failure)
  --stall-at N    stop sending but keep the connection open
  --garbage-at N  send frames that are not Jetstream JSON first
Signals do the same at once: SIGUSR1 drops every connection, SIGUSR2
stalls them.  --rate R sends at most R messages a second.

The log (one line each, flushed, each starting with the monotonic time in
seconds): "listening PORT", "connect N cursor=C
start=I" (the Nth connection, the cursor it asked for or -, the index of
its first message), "drop", "stall", "garbage", "end SENT SECONDS" (the
whole capture was sent on this connection: how many messages it sent and how
long that took, which measures how fast the follower takes them: the
socket's buffers are small, so the server can only send as fast as the
follower reads), "closed".
"""
import argparse, asyncio, bisect, json, signal, ssl, sys, time
from urllib.parse import urlsplit, parse_qs

import websockets

GARBAGE = ["this is not json", '{"did":"did:plc:x","time_us":', "[1,2,3]", "{}",
           '{"did":"did:plc:garbage","time_us":"soon","kind":"commit"}']

ap = argparse.ArgumentParser()
ap.add_argument("--capture", required=True)
ap.add_argument("--port-file", required=True)
ap.add_argument("--log", required=True)
ap.add_argument("--drop-at", default="")
ap.add_argument("--stall-at", default="")
ap.add_argument("--garbage-at", default="")
ap.add_argument("--rate", type=float, default=0)
ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
args = ap.parse_args()

msgs, times = [], []
with open(args.capture) as f:
    for line in f:
        line = line.rstrip("\n")
        if not line:
            continue
        try:
            t = json.loads(line)["time_us"]
        except Exception:
            t = times[-1] if times else 0
        msgs.append(line)
        times.append(t)


def points(s):
    return set(int(x) for x in s.split(",") if x)


drop_at, stall_at, garbage_at = points(args.drop_at), points(args.stall_at), points(args.garbage_at)
sent = 0
nconn = 0
live = set()
stall_now = False
logf = open(args.log, "a")


def log(*a):
    logf.write("%.3f " % time.monotonic() + " ".join(str(x) for x in a) + "\n")
    logf.flush()


async def stall_forever(ws):
    log("stall")
    await ws.wait_closed()


async def handler(ws, path=None):
    global sent, nconn, stall_now
    nconn += 1
    q = parse_qs(urlsplit(path if path is not None else ws.path).query)
    cursor = int(q["cursor"][-1]) if "cursor" in q else None
    start = bisect.bisect_left(times, cursor) if cursor is not None else 0
    log("connect", nconn, "cursor=%s" % ("-" if cursor is None else cursor), "start=%d" % start)
    live.add(ws)
    t0, n0 = time.monotonic(), sent
    try:
        for i in range(start, len(msgs)):
            nxt = sent + 1
            if nxt in garbage_at:
                garbage_at.discard(nxt)
                log("garbage")
                for g in GARBAGE:
                    await ws.send(g)
                await ws.send(b"\xff\xfe not text")
            if nxt in drop_at:
                drop_at.discard(nxt)
                log("drop")
                ws.transport.abort()
                return
            if nxt in stall_at or stall_now:
                stall_at.discard(nxt)
                stall_now = False
                await stall_forever(ws)
                return
            await ws.send(msgs[i])
            sent += 1
            if args.rate:
                await asyncio.sleep(1.0 / args.rate)
        log("end", sent - n0, "%.3f" % (time.monotonic() - t0))
        await ws.wait_closed()
    except websockets.ConnectionClosed:
        pass
    finally:
        live.discard(ws)
        log("closed")


def drop_all():
    log("drop")
    for ws in list(live):
        ws.transport.abort()


def stall_all():
    global stall_now
    stall_now = True


async def main():
    ctx = None
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, drop_all)
    loop.add_signal_handler(signal.SIGUSR2, stall_all)
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    # Small buffers on both sides of the server, so that sending blocks as
    # soon as the follower stops reading.
    async with websockets.serve(handler, "127.0.0.1", 0, ssl=ctx, max_size=None, compression=None,
                                ping_interval=None, write_limit=4096) as server:
        port = server.sockets[0].getsockname()[1]
        log("listening", port)
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(port))
        import os
        os.rename(args.port_file + ".tmp", args.port_file)
        await stop


asyncio.run(main())
