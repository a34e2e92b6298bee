#!/usr/bin/python3
"""make bench-utp-loss: uTP's sender on a lossy path. skiff and libtorrent in turn seed to one
libtorrent leecher that speaks uTP only, through a UDP relay on 127.0.0.1 that holds each datagram
for UTPLOSS_DELAY_MS (each way) and drops UTPLOSS_PERCENT of them (each way, from one seeded
random stream), the order rotating each round. netem is not available here, so the relay is this
script's own (--relay).

The seeder's congestion control is what is measured: a loss shows only as missing acks and later
acks that skip a packet, and the seeder must find it and send again. Per seeder and round: the
leecher's time from start to done, and the seeder's CPU s. Then skiff's time against libtorrent's,
round by round.

Environment: UTPLOSS_MB (8), UTPLOSS_RUNS (3), UTPLOSS_PERCENT (comma-separated loss rates,
"1,3,10"), UTPLOSS_DELAY_MS (25), UTPLOSS_BASE_IMAGE (another build's image, seeding as
skiff-base), UTPLOSS_LOG_DIR (skiff's debug logs go there, one per run).
"""
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (free ports, process sampling)

ROOT = bench.ROOT
LIMIT_SECONDS = 240


# ---------------------------------------------------------------- the relay (--relay)

def relay(listen_port, seeder_port, loss, delay, seed):
    """Forwards uTP between clients of 127.0.0.1:listen_port and the seeder, one upstream socket
    per client (so the seeder sees each as its own peer), dropping and delaying each datagram."""
    rng = random.Random(seed)

    async def main():
        loop = asyncio.get_running_loop()
        uplinks = {}  # client address -> its upstream transport (or the datagrams waiting for it)

        def forward(transport, data, to):
            if rng.random() >= loss:
                loop.call_later(delay, transport.sendto, data, to)

        class Up(asyncio.DatagramProtocol):
            def __init__(self, client):
                self.client = client

            def datagram_received(self, data, addr):
                forward(front, data, self.client)

        class Front(asyncio.DatagramProtocol):
            def datagram_received(self, data, addr):
                up = uplinks.get(addr)
                if isinstance(up, list):
                    up.append(data)
                elif up is not None:
                    forward(up, data, ("127.0.0.1", seeder_port))
                else:
                    uplinks[addr] = [data]
                    loop.create_task(open_uplink(addr))

        async def open_uplink(client):
            transport, _ = await loop.create_datagram_endpoint(lambda: Up(client), local_addr=("127.0.0.1", 0))
            waiting = uplinks[client]
            uplinks[client] = transport
            for data in waiting:
                forward(transport, data, ("127.0.0.1", seeder_port))

        front, _ = await loop.create_datagram_endpoint(Front, local_addr=("127.0.0.1", listen_port))
        await asyncio.sleep(LIMIT_SECONDS * 10)

    asyncio.run(main())


# ---------------------------------------------------------------- the runs

def seeder_command(name, image, work, port, torrent):
    if name.startswith("skiff"):
        log_dir = os.environ.get("UTPLOSS_LOG_DIR")
        log = ["-l", "debug", "--log-file", os.path.join(log_dir, "%s-%d.log" % (name, port))] if log_dir else []
        return [image + "/bin/skiff", "-q", "--seed", "--no-dht", "--no-port-map", "--bind", "127.0.0.1",
                "--port", str(port), "-d", os.path.join(work, "seed")] + log + [torrent]
    return ["/usr/bin/python3", os.path.join(ROOT, "tools", "lt_peer.py"), "--torrent", torrent,
            "--save-path", os.path.join(work, "seed"), "--port", str(port), "--transport", "utp",
            "--seconds", str(LIMIT_SECONDS * 2)]


def one_run(name, image, work, torrent, loss, delay_ms, seed):
    sport, rport, lport = bench.free_port(), bench.free_port(), bench.free_port()
    env = dict(os.environ, XDG_STATE_HOME=os.path.join(work, "state-" + name),
               XDG_CONFIG_HOME=os.path.join(work, "config-" + name))
    seeder = subprocess.Popen(seeder_command(name, image, work, sport, torrent), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=env)
    relay_proc = subprocess.Popen(["/usr/bin/python3", os.path.abspath(__file__), "--relay", str(rport),
                                   str(sport), str(loss), str(delay_ms / 1000), str(seed)])
    dl = os.path.join(work, "dl")
    subprocess.run(["rm", "-rf", dl])
    try:
        time.sleep(2)  # both listening (the seeder checks its 8 MiB first)
        if seeder.poll() is not None:
            raise RuntimeError("%s exited %d" % (name, seeder.returncode))
        cpu_before = bench.cpu_seconds(bench.tree(seeder.pid))
        start = time.time()
        leecher = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "lt_peer.py"), "--torrent", torrent,
                                  "--save-path", dl, "--port", str(lport), "--transport", "utp",
                                  "--peer", "127.0.0.1:%d" % rport, "--exit-when-done",
                                  "--seconds", str(LIMIT_SECONDS)], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        took = time.time() - start
        cpu = bench.cpu_seconds(bench.tree(seeder.pid)) - cpu_before
        done = subprocess.run(["cmp", os.path.join(work, "seed", "data.bin"), os.path.join(dl, "data.bin")]).returncode == 0
        if leecher.returncode != 0 or not done:
            raise RuntimeError("%s: the leecher did not finish within %d s" % (name, LIMIT_SECONDS))
        return took, cpu
    finally:
        bench.stop((relay_proc, seeder))


def main():
    size_mb = int(os.environ.get("UTPLOSS_MB", "8"))
    runs = int(os.environ.get("UTPLOSS_RUNS", "3"))
    losses = [float(x) for x in os.environ.get("UTPLOSS_PERCENT", "1,3,10").split(",")]
    delay_ms = int(os.environ.get("UTPLOSS_DELAY_MS", "25"))
    seeders = [("skiff", os.path.join(ROOT, "build", "image"))]
    if os.environ.get("UTPLOSS_BASE_IMAGE"):
        seeders.append(("skiff-base", os.environ["UTPLOSS_BASE_IMAGE"]))
    seeders.append(("libtorrent", None))
    work = tempfile.mkdtemp(prefix="skiff-utploss-")
    try:
        os.makedirs(os.path.join(work, "seed"))
        bench.write_data(os.path.join(work, "seed", "data.bin"), size_mb)
        torrent = os.path.join(work, "data.torrent")
        subprocess.run(["java", "-jar", os.path.join(ROOT, "build", "skiff.jar"), "create", "--no-date",
                        "--piece-size", "256K", "-t", "http://127.0.0.1:1/announce", "-o", torrent,
                        os.path.join(work, "seed", "data.bin")], check=True, stdout=subprocess.DEVNULL)
        print("%d MiB seeded over uTP to one libtorrent leecher, %d ms each way, %s%% loss each way, %d rounds"
              % (size_mb, delay_ms, "/".join("%g" % x for x in losses), runs), flush=True)
        results = {}
        for loss in losses:
            for r in range(runs):
                order = seeders[r % len(seeders):] + seeders[:r % len(seeders)]
                for name, image in order:
                    took, cpu = one_run(name, image, work, torrent, loss / 100, delay_ms, 1000 * r + int(loss * 10))
                    results.setdefault((loss, name), []).append((took, cpu))
                    print("  %4g%% loss  %-10s round %d: %6.1f s  %6.0f KiB/s  seeder CPU %.2f s"
                          % (loss, name, r + 1, took, size_mb * 1024 / took, cpu), flush=True)
        print("\n| loss | seeder | s (median) | KiB/s | seeder CPU s |\n|---|---|---|---|---|")
        for loss in losses:
            for name, _ in seeders:
                rs = results[(loss, name)]
                t = statistics.median(x[0] for x in rs)
                print("| %g%% | %s | %.1f (%s) | %.0f | %.2f |" % (loss, name, t, ", ".join("%.1f" % x[0] for x in rs),
                                                                size_mb * 1024 / t, statistics.median(x[1] for x in rs)))
        for loss in losses:
            ratios = [s[0] / l[0] for s, l in zip(results[(loss, "skiff")], results[(loss, "libtorrent")])]
            print("%g%% loss: skiff's time / libtorrent's, round by round: %s" % (loss, " ".join("%.2f" % x for x in ratios)))
    finally:
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--relay":
        relay(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]))
    else:
        main()
