#!/usr/bin/python3
"""make bench-webseed: a torrent whose only source is a web seed (BEP 19): nginx serving the file
on 127.0.0.1, the torrent's url-list naming it, and no peers. skiff (the jlink image), aria2c and
libtorrent (tools/lt_peer.py) download it in turn, the order rotating from round to round. Prints
per round and client the seconds, MiB/s, CPU seconds (the exited process's own rusage) and peak
anonymous memory (RssAnon, sampled from /proc every 20 ms), then skiff's ratios round by round.
Every copy is compared with the source. One unmeasured download goes first, as in make bench.

Environment: WEBSEED_MB (default 1024), WEBSEED_RUNS (default 3), WEBSEED_CLIENTS (default
skiff,aria2,libtorrent,transmission), WEBSEED_RTT_MS (default 0): a round trip to the server,
through a relay that holds each direction's bytes for half of it (netem is not available here). transmission-cli never exits: its done-script ends its run,
as in make bench (whose helpers this uses).
"""
import asyncio
import filecmp
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT = 600
sys.path.insert(0, os.path.join(ROOT, "tools"))
import bench  # noqa: E402  (run_client, transmission_command: one way to run and measure a client)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, seconds=20):
    end = time.time() + seconds
    while time.time() < end and proc.poll() is None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


def nginx(work, root):
    port = free_port()
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write("user root;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log;\n"
                "events { worker_connections 64; }\n"
                "http { access_log off; client_body_temp_path %s; server { listen 127.0.0.1:%d; root %s; } }\n"
                % (work, work, work, port, root))
    p = subprocess.Popen(["nginx", "-p", work, "-c", conf, "-g", "daemon off;"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not wait_port(port, p):
        p.kill()
        sys.exit("nginx did not start")
    return p, port


def relay(listen, target, delay):
    """Forwards 127.0.0.1:listen to 127.0.0.1:target, each direction's bytes held for delay seconds."""
    async def pump(reader, writer):
        queue = asyncio.Queue()

        async def send():
            while True:
                at, data = await queue.get()
                if data is None:
                    writer.close()
                    return
                wait = at + delay - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()
        sender = asyncio.create_task(send())
        while True:
            data = await reader.read(65536)
            await queue.put((time.monotonic(), data or None))
            if not data:
                break
        await sender

    async def accepted(reader, writer):
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            writer.close()
            return
        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer), return_exceptions=True)

    async def main():
        server = await asyncio.start_server(accepted, "127.0.0.1", listen)
        async with server:
            await server.serve_forever()
    asyncio.run(main())


def command(client, torrent, dl, work, tag):
    """The client's command line, and for transmission the marker its done-script touches."""
    if client == "transmission":
        return bench.transmission_command(work, tag, dl, free_port(), torrent, "127.0.0.1")
    return plain_command(client, torrent, dl), None


def plain_command(client, torrent, dl):
    if client == "skiff":
        return [os.path.join(ROOT, "build/image/bin/skiff"), "-q", "-d", dl, "--no-dht", "--no-port-map",
                "--port", str(free_port()), torrent]
    if client == "aria2":
        return ["aria2c", "-q", "-d", dl, "--enable-dht=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
                "--seed-time=0", "--listen-port=%d" % free_port(), "--file-allocation=none", torrent]
    if client == "libtorrent":
        return ["/usr/bin/python3", os.path.join(ROOT, "tools/lt_peer.py"), "--torrent", torrent, "--save-path", dl,
                "--port", str(free_port()), "--exit-when-done", "--seconds", str(TIMEOUT)]
    sys.exit("unknown client " + client)


def run(client, torrent, work, source, tag):
    dl = os.path.join(work, "dl")
    shutil.rmtree(dl, ignore_errors=True)
    os.makedirs(dl)
    cmd, marker = command(client, torrent, dl, work, tag)
    bench.prime_memory(work, os.path.getsize(source) >> 20)  # as make bench: no client meets pages the host took back
    try:
        seconds, cpu, peak_kib = bench.run_client(client, cmd, marker)
    except RuntimeError as e:
        sys.exit("%s: %s" % (client, e))
    copy = os.path.join(dl, os.path.basename(source))
    same = os.path.exists(copy) and filecmp.cmp(copy, source, shallow=False)
    return seconds, cpu, peak_kib / 1024.0, same


def main():
    mb = int(os.environ.get("WEBSEED_MB", "1024"))
    runs = int(os.environ.get("WEBSEED_RUNS", "3"))
    clients = os.environ.get("WEBSEED_CLIENTS", "skiff,aria2,libtorrent,transmission").split(",")
    work = tempfile.mkdtemp(prefix="webseed-bench-")
    server = None
    relayed = None
    try:
        www = os.path.join(work, "www")
        os.makedirs(www)
        source = os.path.join(www, "file.bin")
        with open(source, "wb") as f:
            for _ in range(mb):
                f.write(os.urandom(1 << 20))
        server, port = nginx(work, www)
        rtt = int(os.environ.get("WEBSEED_RTT_MS", "0"))
        if rtt > 0:
            listen = free_port()
            relayed = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--relay", str(listen), str(port), str(rtt / 2000.0)])
            if not wait_port(listen, relayed):
                sys.exit("the relay did not start")
            port = listen
        torrent = os.path.join(work, "t.torrent")
        subprocess.run(["java", "-jar", os.path.join(ROOT, "build/skiff.jar"), "create", "-o", torrent, "-t",
                        "http://127.0.0.1:1/announce", "--piece-size", str(1 << 20), "-w",
                        "http://127.0.0.1:%d/file.bin" % port, source], check=True, stdout=subprocess.DEVNULL)
        os.sync()  # the source's pages written out, not flushed during the first round
        run(clients[0], torrent, work, source, "warm-up")  # unmeasured: warms nginx, the page cache and the disk
        print("web seed bench: %d MiB from nginx on 127.0.0.1%s, no peers, %d rounds"
              % (mb, " through a %d ms round trip" % rtt if rtt else "", runs))
        for r in range(runs):
            order = bench.rotated(clients, r)
            results = {}
            for c in order:
                seconds, cpu, peak, ok = run(c, torrent, work, source, "%s-%d" % (c, r + 1))
                results[c] = seconds
                print("round %d  %-12s %7.2f s  %7.1f MiB/s  CPU %5.2f s  peak RssAnon %6.1f MiB  %s"
                      % (r + 1, c, seconds, mb / seconds, cpu, peak, "ok" if ok else "FAILED"), flush=True)
                if not ok:
                    sys.exit("%s did not download the file intact" % c)
            if "skiff" in results and len(results) > 1:
                print("round %d  skiff's time / others': %s" % (r + 1, ", ".join(
                    "%s %.2f" % (c, results["skiff"] / results[c]) for c in order if c != "skiff")))
    finally:
        if relayed is not None:
            relayed.terminate()
            relayed.wait(10)
        if server is not None:
            server.terminate()
            server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--relay":
        relay(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
    else:
        main()
