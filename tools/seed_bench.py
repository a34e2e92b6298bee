#!/usr/bin/python3
"""make bench-swarm, its seeding half: skiff, aria2, libtorrent and Transmission in turn as the only
seeder to SEED_LEECHERS libtorrent leechers (default 20), each behind its own delaying relay, the
order rotating each round.

The leechers (one process, --leech) sit behind relays on addresses added to lo (10.88.1.N:6881, the
round trips of make bench-swarm's shape: 20 to 200 ms, a few near) that dial the seeder at
10.88.0.1 from their own address, so the seeder sees 20 hosts. The leechers know only the seeder
(no tracker, no exchange among themselves): what each gets, and when, is the seeder's choosing.
They start together; the clock runs from the moment all have dialled. A first round, not counted,
warms the machine up.

Per seeder and round: the time until every leecher has every piece (the goal), until the first
and the median leecher is done, the median time to a leecher's first block, the seeder's CPU s
over the run and its peak RssAnon. Then skiff's time against the fastest other seeder, round by
round.

Environment: SEED_MB (64), SEED_RUNS (3), SEED_LEECHERS (20), SEED_CLIENTS
(skiff,aria2,libtorrent,transmission), SWARM_SEED (random seed of the relays' round trips, 7),
SEED_SKIFF_ARGS (options added to skiff's), SEED_SKIFF_IMAGE (another build's image in skiff's place), SEED_PLAIN=1 (the leechers dial in plaintext only: by
default libtorrent tries an encrypted handshake first, and a seeder without MSE costs each leecher
a second).
"""
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (process sampling, free ports, opentracker)
import swarm_bench  # noqa: E402  (the relays' shape and their delaying pump)

ROOT = bench.ROOT
CLIENT_ADDR = swarm_bench.CLIENT_ADDR
LIMIT_SECONDS = 300


# ---------------------------------------------------------------- the leechers (--leech)

def leech(args):
    import libtorrent as lt
    torrent, work, count, seed, seeder = args[0], args[1], int(args[2]), int(args[3]), args[4]
    host, port = seeder.rsplit(":", 1)
    rtts = [rtt for _, rtt, _ in swarm_bench.shape(count, seed)]
    plain = os.environ.get("SEED_PLAIN") == "1"

    async def relays():
        for i in range(count):
            async def accepted(reader, writer, i=i):
                try:
                    up_reader, up_writer = await asyncio.open_connection(
                        host, int(port), local_addr=(swarm_bench.relay_addr(i), 0))
                except OSError:
                    writer.close()
                    return
                delay = rtts[i] / 2000
                await asyncio.gather(swarm_bench.pump(reader, up_writer, delay, None),
                                     swarm_bench.pump(up_reader, writer, delay, None))
            await asyncio.start_server(accepted, swarm_bench.relay_addr(i), 6881)
        started.set()
        await asyncio.Event().wait()

    started = threading.Event()
    loop = asyncio.new_event_loop()
    threading.Thread(target=lambda: loop.run_until_complete(relays()), daemon=True).start()
    if not started.wait(10):
        raise RuntimeError("the relays did not start")
    info = lt.torrent_info(torrent)
    sessions = []
    for i in range(count):
        s = lt.session({
            "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
            "enable_outgoing_utp": False, "enable_incoming_utp": False,
            "listen_interfaces": "127.0.0.1:0", "outgoing_interfaces": "127.0.0.1",
            "aio_threads": 1, "hashing_threads": 1, "alert_mask": 0,
        }, 0)
        if plain:  # never an encrypted handshake first (libtorrent tries one, then plaintext a second later)
            s.apply_settings({"out_enc_policy": int(lt.enc_policy.disabled)})
        atp = lt.add_torrent_params()
        atp.ti = info
        atp.save_path = os.path.join(work, "leech%d" % i)
        atp.flags |= lt.torrent_flags.disable_dht | lt.torrent_flags.disable_pex
        h = s.add_torrent(atp)
        h.replace_trackers([])
        sessions.append((s, h))
    start = time.time()
    for i, (s, h) in enumerate(sessions):
        h.connect_peer((swarm_bench.relay_addr(i), 6881))
    print("go", flush=True)
    first, done = [None] * count, [None] * count
    redial = time.time() + 5
    while time.time() - start < LIMIT_SECONDS and not all(done):
        now = time.time() - start
        for i, (s, h) in enumerate(sessions):
            st = h.status()
            if first[i] is None and st.total_payload_download >= 16 * 1024:
                first[i] = now
            if done[i] is None and st.is_seeding:
                done[i] = now
        if time.time() >= redial:  # a seeder that dropped a leecher is dialled again, as a tracker would lead to
            for i, (s, h) in enumerate(sessions):
                if done[i] is None and h.status().num_peers == 0:
                    h.connect_peer((swarm_bench.relay_addr(i), 6881))
            redial = time.time() + 5
        time.sleep(0.05)
    print(json.dumps({"first": first, "done": done}), flush=True)
    os._exit(0)


# ---------------------------------------------------------------- the benchmark

def seeder_command(name, work, seed_dir, port, torrent, tag):
    if name == "skiff":
        image = os.environ.get("SEED_SKIFF_IMAGE", os.path.join(ROOT, "build/image"))
        return [os.path.join(image, "bin/skiff"), "-q", "--seed", "--no-dht", "--no-port-map",
                "--bind", CLIENT_ADDR, "-d", seed_dir, "--port", str(port)] + os.environ.get("SEED_SKIFF_ARGS", "").split() + [torrent]
    if name == "libtorrent":
        return ["/usr/bin/python3", os.path.join(ROOT, "tools/lt_peer.py"), "--torrent", torrent, "--save-path", seed_dir,
                "--port", str(port), "--bind", CLIENT_ADDR, "--seconds", str(bench.TIMEOUT)]
    if name == "aria2":
        return ["aria2c", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                "--enable-peer-exchange=false", "--listen-port=%d" % port, "--interface=%s" % CLIENT_ADDR,
                "--disable-ipv6=true", "--seed-ratio=0.0", "--bt-seed-unverified=true", "--bt-max-peers=55",
                "--summary-interval=0", "--console-log-level=error", "-d", seed_dir, torrent]
    return bench.transmission_command(work, "seed-" + tag, seed_dir, port, torrent, CLIENT_ADDR)[0]


def one_round(name, tag, work, seed_dir, torrent, count, seed):
    port = bench.free_port()
    seeder = subprocess.Popen(seeder_command(name, work, seed_dir, port, torrent, tag), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, preexec_fn=os.setsid)
    leechers = None
    try:
        deadline = time.time() + 30
        while time.time() < deadline and not listening(CLIENT_ADDR, port):
            time.sleep(0.1)
        time.sleep(3)  # the seeder has checked its data (64 MiB: well under a second for each)
        # the leechers write count copies: as in make bench, none of them meets pages the VM's host took back
        data_mb = sum(e.stat().st_size for e in os.scandir(seed_dir) if e.is_file()) >> 20
        bench.prime_memory(work, count * data_mb)
        lwork = os.path.join(work, "leech-%s-%s" % (name, tag))
        leechers = subprocess.Popen(["/usr/bin/python3", os.path.abspath(__file__), "--leech", torrent, lwork, str(count),
                                     str(seed), "%s:%d" % (CLIENT_ADDR, port)], stdout=subprocess.PIPE, text=True)
        if leechers.stdout.readline().strip() != "go":
            raise RuntimeError("the leechers did not start")
        cpu0 = bench.cpu_seconds(bench.tree(seeder.pid))
        peak, result = 0, []
        reader = threading.Thread(target=lambda: result.append(json.loads(leechers.stdout.readline())), daemon=True)
        reader.start()
        while reader.is_alive():
            peak = max(peak, bench.rss_anon_kib(bench.tree(seeder.pid)))
            reader.join(0.05)
        cpu = bench.cpu_seconds(bench.tree(seeder.pid)) - cpu0
        leechers.wait(10)
        subprocess.run(["rm", "-rf", lwork])
        r = result[0]
        if os.environ.get("SEED_VERBOSE"):
            print("  done:", " ".join("%.1f" % d for d in r["done"]), "first:", " ".join("%.1f" % d for d in r["first"]), flush=True)
        if not all(r["done"]):
            raise RuntimeError("%s run %s: %d of %d leechers done in %d s"
                               % (name, tag, sum(1 for d in r["done"] if d), count, LIMIT_SECONDS))
        return {"all": max(r["done"]), "firstdone": min(r["done"]), "median": statistics.median(r["done"]),
                "block": statistics.median(r["first"]), "cpu": cpu, "rss": peak / 1024}
    finally:
        bench.stop((leechers, seeder))


def listening(host, port):
    import socket
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def main():
    size_mb = int(os.environ.get("SEED_MB", "64"))
    runs = int(os.environ.get("SEED_RUNS", "3"))
    count = int(os.environ.get("SEED_LEECHERS", "20"))
    seed = int(os.environ.get("SWARM_SEED", "7"))
    clients = os.environ.get("SEED_CLIENTS", "skiff,aria2,libtorrent,transmission").split(",")
    swarm_bench.addresses(count, True)
    work = tempfile.mkdtemp(prefix="skiff-seed-")
    os.chmod(work, 0o755)
    procs = []
    try:
        tport = bench.free_port()
        seed_dir, data, torrent, info_hash = swarm_bench.make_torrent(work, "seed", size_mb,
                                                                      "http://127.0.0.1:%d/announce" % tport)
        procs.append(bench.opentracker(work, info_hash, tport))  # the seeders announce; the leechers never ask
        print("seeding %d MiB to %d leechers behind relays: round trips %s ms" % (
            size_mb, count, ", ".join(str(rtt) for _, rtt, _ in swarm_bench.shape(count, seed))), flush=True)
        # Whichever seeder goes first in a run is slow (2026-11-28: libtorrent first, 5.14 s, then 3.35;
        # skiff first, 4.40-5.21 s, then 3.5): the leechers' and relays' first start, fresh page-cache
        # pages. One round nobody is ranked by comes first.
        x = one_round(clients[0], "warm-up", work, seed_dir, torrent, count, seed)
        print("%-12s warm-up (not counted): all done %6.2f s" % (clients[0], x["all"]), flush=True)
        rows = {name: [] for name in clients}
        for rnd in range(runs):
            for name in bench.rotated(clients, rnd):
                x = one_round(name, str(rnd + 1), work, seed_dir, torrent, count, seed)
                rows[name].append(x)
                print("%-12s run %d: all done %6.2f s (first %5.2f, median %5.2f), first block %5.2f s, CPU %5.2f s, "
                      "RssAnon %5.1f MiB" % (name, rnd + 1, x["all"], x["firstdone"], x["median"], x["block"], x["cpu"],
                                             x["rss"]), flush=True)
        print()
        print("%d MiB seeded to %d leechers, %d rounds (median; peak RssAnon over rounds)" % (size_mb, count, runs))
        print("| seeder | all done s | first done s | median done s | first block s | CPU s | peak RssAnon MiB |")
        print("|---|---|---|---|---|---|---|")
        for name, rs in rows.items():
            med = lambda k: statistics.median(r[k] for r in rs)
            print("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f |" % (
                name, med("all"), med("firstdone"), med("median"), med("block"), med("cpu"), max(r["rss"] for r in rs)))
        if "skiff" in rows and len(rows) > 1:
            ratios = []
            for rnd in range(runs):
                fastest = min(rs[rnd]["all"] for k, rs in rows.items() if k != "skiff")
                ratios.append(fastest / rows["skiff"][rnd]["all"])
            firsts = sum(1 for rnd in range(runs) if all(rows["skiff"][rnd]["all"] <= rs[rnd]["all"] for rs in rows.values()))
            print("fastest other seeder's time / skiff's, round by round: %s; skiff's leechers all done first in %d of %d "
                  "rounds" % (" ".join("%.2f" % x for x in ratios), firsts, runs))
    finally:
        bench.stop_all(procs, work)
        swarm_bench.addresses(count, False)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--leech":
        leech(sys.argv[2:])
    else:
        sys.exit(main())
