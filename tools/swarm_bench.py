#!/usr/bin/python3
"""make bench-swarm: a swarm that looks like the ones people join, downloaded by skiff, aria2,
libtorrent and Transmission in turn, the order rotating each round.

The swarm: SWARM_SEEDERS libtorrent seeders (default 20) in one process (--serve), each with its
own upload limit (a few fast, a long tail of slow ones: 8 MiB/s down to 64 KiB/s), most behind a
delaying relay (round trips of 20 to 200 ms: each direction's bytes held for half of it; netem is
not available here), three that choke everyone and unchoke on their own schedule, and one fast
one that leaves when the client is halfway. The relays listen on addresses added to lo
(10.88.1.N:6881, so that Transmission dials them) and announce themselves to an opentracker on
10.88.0.1; the clients bind 10.88.0.1.

Per client and round: time to the first block and to 50% (bytes through the relays), to 100%
(the client says it is done), mean MiB/s, CPU s, peak RssAnon, and the share of the swarm's
upload capacity used once ramped up: from 25% to 75%, the bytes received against those the
seeders offered meanwhile (each at its limit while present and not choking everyone). Then skiff's ratios to the fastest other
client round by round.

Environment: SWARM_MB (256), SWARM_RUNS (3), SWARM_SEEDERS (20), SWARM_CLIENTS
(skiff,aria2,libtorrent,transmission), SWARM_SEED (random seed of the swarm's shape, 7),
SWARM_SKIFF_IMAGE (another build's image in skiff's place, for before and after), SWARM_BASE_IMAGE
(another build's image beside skiff's, as skiff-base, in the same rounds), SWARM_SKIFF_ARGS
(options added to skiff's).
"""
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (its client commands, process sampling and tracker)

ROOT = bench.ROOT
CLIENT_ADDR = "10.88.0.1"
KIB = 1024


def relay_addr(i):
    return "10.88.1.%d" % (i + 1)


def shape(count, seed):
    """Each seeder's (upload bytes/s, round trip ms, behaviour): a few fast, a long tail of slow."""
    rng = random.Random(seed)
    rates = [8 << 20, 8 << 20, 4 << 20, 4 << 20, 2 << 20, 2 << 20, 1 << 20, 1 << 20, 1 << 20]
    while len(rates) < count:
        rates.append(rng.choice([512 * KIB, 256 * KIB, 128 * KIB, 64 * KIB]))
    rates = rates[:count]
    out = []
    for i, rate in enumerate(rates):
        rtt = 0 if i % 7 == 3 else rng.randint(20, 200)  # most behind a delay, a few near
        behaviour = "leaves" if i == 2 else "chokes" if i in (4, 7, 10) else "steady"
        out.append((rate, rtt, behaviour))
    return out


# ---------------------------------------------------------------- the swarm (--serve)

class Counter:
    """Bytes from the seeders to the client since the last mark, with the times thresholds fell."""

    def __init__(self):
        self.lock = threading.Lock()
        self.mark(0)

    def mark(self, size):
        with self.lock:
            self.epoch = getattr(self, "epoch", 0) + 1
            self.size, self.bytes, self.start = size, 0, time.time()
            self.first = self.half = self.q1 = self.q3 = None
            self.offered = 0  # bytes the seeders could have sent: unchoked and present, at their limits
            self.offered_q1 = self.offered_q3 = None

    def offer(self, n):
        with self.lock:
            self.offered += n

    def add(self, n, epoch):
        with self.lock:
            if epoch != self.epoch:
                return  # a connection of the client before: its last delayed bytes
            self.bytes += n
            t = time.time() - self.start
            if self.first is None and self.bytes >= 17 * KIB:  # a whole block past the handshakes
                self.first = t
            if self.size:
                for name, frac in (("q1", 0.25), ("half", 0.5), ("q3", 0.75)):
                    if getattr(self, name) is None and self.bytes >= frac * self.size:
                        setattr(self, name, t)
                        if name in ("q1", "q3"):
                            setattr(self, "offered_" + name, self.offered)

    def report(self):
        with self.lock:
            offered = None if self.offered_q3 is None or self.offered_q1 is None else self.offered_q3 - self.offered_q1
            return {"first": self.first, "q1": self.q1, "half": self.half, "q3": self.q3, "bytes": self.bytes,
                    "offered": offered}


async def pump(reader, writer, delay, count):
    """Forwards bytes, each chunk held for delay seconds (in order), counting them if asked."""
    queue = asyncio.Queue()

    async def send():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
            if count:
                count(len(data))
        writer.close()

    sender = asyncio.ensure_future(send())
    try:
        while True:
            data = await reader.read(64 * KIB)
            if not data:
                break
            await queue.put((time.monotonic() + delay, data))
    except (ConnectionError, OSError):
        pass
    await queue.put((0, None))
    try:
        await sender
    except (ConnectionError, OSError):
        pass


def serve(args):
    import libtorrent as lt
    torrent, save_path, count, seed = args[0], args[1], int(args[2]), int(args[3])
    tracker_url = args[4]
    info = lt.torrent_info(torrent)
    size = info.total_size()
    seeders = []
    for i, (rate, rtt, behaviour) in enumerate(shape(count, seed)):
        s = lt.session({
            "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
            "enable_outgoing_utp": False, "enable_incoming_utp": False,
            "listen_interfaces": "127.0.0.1:0", "allow_multiple_connections_per_ip": True,
            "upload_rate_limit": rate, "aio_threads": 1, "hashing_threads": 1, "alert_mask": 0,
            "unchoke_interval": 1 if behaviour == "chokes" else 15,
        }, 0)
        atp = lt.add_torrent_params()
        atp.ti = info
        atp.save_path = save_path
        atp.flags |= lt.torrent_flags.seed_mode  # the data is known good: no hashing 20 times over
        # libtorrent exempts local addresses (the relay's 127.0.0.1) from its limits: one class for all
        f = lt.ip_filter()
        f.add_rule("0.0.0.0", "255.255.255.255", 1 << lt.session.global_peer_class_id)
        s.set_peer_class_filter(f)
        h = s.add_torrent(atp)
        h.set_upload_limit(rate)
        h.replace_trackers([])  # the relay announces this seeder, at its own address
        seeders.append((s, h, rate, rtt, behaviour))
    counter = Counter()
    gone = [False]

    async def main():
        servers = []
        for i, (s, h, rate, rtt, behaviour) in enumerate(seeders):
            port = s.listen_port()

            async def accepted(reader, writer, port=port, rtt=rtt):
                try:
                    up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
                except OSError:
                    writer.close()
                    return
                epoch = counter.epoch
                await asyncio.gather(pump(reader, up_writer, rtt / 2000, None),
                                     pump(up_reader, writer, rtt / 2000, lambda n: counter.add(n, epoch)))
            servers.append(await asyncio.start_server(accepted, relay_addr(i), 6881))
        print("ready %d %d" % (len(servers), sum(x[2] for x in seeders)), flush=True)
        await asyncio.Event().wait()

    def announce():
        ih = bytes.fromhex(str(info.info_hash()))
        for i in range(len(seeders)):
            q = urllib.parse.urlencode({"info_hash": ih, "peer_id": b"-RL0001-" + b"%012d" % i, "port": 6881,
                                        "uploaded": 0, "downloaded": 0, "left": 0, "compact": 1, "event": "started"})
            import http.client
            u = urllib.parse.urlparse(tracker_url)
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=5, source_address=(relay_addr(i), 0))
            c.request("GET", u.path + "?" + q)
            c.getresponse().read()
            c.close()

    def schedule():
        """Choking seeders choke everyone 3 s in every 7; the leaving one goes at 50%."""
        t = 0
        while True:
            time.sleep(0.5)
            t += 0.5
            offered = 0
            for s, h, rate, rtt, behaviour in seeders:
                if behaviour == "chokes":
                    s.apply_settings({"unchoke_slots_limit": 0 if t % 7 < 3 else 8})
                    offered += 0 if t % 7 < 3 else rate
                elif behaviour == "leaves":
                    if counter.half is not None and not gone[0]:
                        gone[0] = True
                        h.pause()
                    offered += 0 if gone[0] else rate
                else:
                    offered += rate
            counter.offer(offered * 0.5)

    def commands():
        for line in sys.stdin:
            word = line.split()
            if word and word[0] == "mark":
                counter.mark(size)
                gone[0] = False
                for s, h, rate, rtt, behaviour in seeders:
                    if behaviour == "leaves":
                        h.resume()
                print("marked", flush=True)
            elif word and word[0] == "report":
                print(json.dumps(counter.report()), flush=True)
        os._exit(0)

    threading.Thread(target=schedule, daemon=True).start()
    threading.Thread(target=commands, daemon=True).start()
    loop = asyncio.new_event_loop()
    loop.call_later(1, lambda: threading.Thread(target=announce, daemon=True).start())
    loop.run_until_complete(main())


# ---------------------------------------------------------------- the benchmark

def addresses(count, add):
    """Adds (or removes) the clients' address and the relays' on lo. One benchmark at a time: a
    second one's end would take them from under the first."""
    added = [CLIENT_ADDR] + [relay_addr(i) for i in range(count)]
    for a in added:
        subprocess.run(["ip", "addr", "add" if add else "del", a + "/32", "dev", "lo"], stderr=subprocess.DEVNULL)


def make_torrent(work, name, size_mb, url):
    """size_mb MiB of data in work/seed/name.bin and its torrent (256 KiB pieces, announcing to
    url); returns (seed folder, data, torrent, info-hash in hex)."""
    seed_dir = os.path.join(work, "seed")
    os.makedirs(seed_dir)
    data = os.path.join(seed_dir, name + ".bin")
    bench.write_data(data, size_mb)
    torrent = os.path.join(work, name + ".torrent")
    jar = os.path.join(ROOT, "build/skiff.jar")
    subprocess.run(["java", "-jar", jar, "create", "--no-date", "--piece-size", "256K", "-t", url, "-o", torrent, data],
                   check=True, stdout=subprocess.DEVNULL)
    show = subprocess.run(["java", "-jar", jar, "show", torrent], check=True, capture_output=True, text=True).stdout
    return seed_dir, data, torrent, [l.split()[1] for l in show.splitlines() if l.startswith("Hash:")][0]


def command(name, work, dl, port, torrent, tag):
    if name in ("skiff", "skiff-base"):
        image = os.environ["SWARM_BASE_IMAGE"] if name == "skiff-base" else \
            os.environ.get("SWARM_SKIFF_IMAGE", os.path.join(ROOT, "build/image"))
        extra = os.environ.get("SWARM_SKIFF_ARGS", "").split()
        return [os.path.join(image, "bin/skiff"), "-q", "--no-dht", "--no-port-map", "--bind", CLIENT_ADDR,
                "-d", dl, "--port", str(port)] + extra + [torrent], None
    if name == "libtorrent":
        return ["/usr/bin/python3", os.path.join(ROOT, "tools/lt_peer.py"), "--torrent", torrent, "--save-path", dl,
                "--port", str(port), "--bind", CLIENT_ADDR, "--seconds", str(bench.TIMEOUT), "--exit-when-done"], None
    if name == "aria2":
        return ["aria2c", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                "--enable-peer-exchange=false", "--listen-port=%d" % port, "--interface=%s" % CLIENT_ADDR,
                "--disable-ipv6=true", "--seed-time=0", "--file-allocation=none", "--bt-max-peers=55",
                "--summary-interval=0", "--console-log-level=error", "-d", dl, torrent], None
    return bench.transmission_command(work, tag, dl, port, torrent, CLIENT_ADDR)


def main():
    size_mb = int(os.environ.get("SWARM_MB", "256"))
    runs = int(os.environ.get("SWARM_RUNS", "3"))
    count = int(os.environ.get("SWARM_SEEDERS", "20"))
    seed = int(os.environ.get("SWARM_SEED", "7"))
    clients = os.environ.get("SWARM_CLIENTS", "skiff,aria2,libtorrent,transmission").split(",")
    if os.environ.get("SWARM_BASE_IMAGE"):
        clients.append("skiff-base")
    addresses(count, True)
    work = tempfile.mkdtemp(prefix="skiff-swarm-")
    os.chmod(work, 0o755)
    procs = []
    try:
        tport = bench.free_port()
        url = "http://127.0.0.1:%d/announce" % tport  # opentracker sees each announce's own source address
        seed_dir, data, torrent, info_hash = make_torrent(work, "swarm", size_mb, url)
        ot = bench.opentracker(work, info_hash, tport)
        procs.append(ot)
        swarm = subprocess.Popen(["/usr/bin/python3", os.path.abspath(__file__), "--serve", torrent, seed_dir, str(count),
                                  str(seed), url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        procs.append(swarm)
        ready = swarm.stdout.readline().split()
        if not ready or ready[0] != "ready":
            raise RuntimeError("the swarm did not start")
        capacity = int(ready[2])
        bench.wait_seeders(tport, info_hash, count)  # the relays' announces have landed
        print("swarm: %d seeders, %.1f MiB/s of upload in all; %s" % (
            count, capacity / (1 << 20), ", ".join("%s/%dms%s" % (
                ("%dM" % (r >> 20)) if r >= 1 << 20 else "%dK" % (r >> 10), rtt, "" if b == "steady" else "/" + b)
                for r, rtt, b in shape(count, seed))), flush=True)

        def download(name, tag):
            dl = os.path.join(work, "dl-%s-%s" % (name, tag))
            os.makedirs(dl)
            port = bench.free_port()
            cmd, marker = command(name, work, dl, port, torrent, tag)
            swarm.stdin.write("mark\n")
            swarm.stdin.flush()
            swarm.stdout.readline()
            secs, cpu, peak = bench.run_client(name, cmd, marker)
            swarm.stdin.write("report\n")
            swarm.stdin.flush()
            r = json.loads(swarm.stdout.readline())
            got = os.path.join(dl, "swarm.bin")
            if subprocess.run(["cmp", "-s", data, got]).returncode:
                raise RuntimeError("%s run %s: data differs" % (name, tag))
            subprocess.run(["rm", "-rf", dl])
            # from 25% to 75%: half the torrent, against what the seeders offered meanwhile (unchoked, present)
            share = (size_mb << 19) / r["offered"] if r["offered"] else 0
            return {"first": r["first"], "half": r["half"], "done": secs, "mibs": size_mb / secs, "cpu": cpu,
                    "rss": peak / 1024, "share": share}

        def show(name, rnd, x):
            print("%-12s run %d: first block %5.2f s, 50%% %6.2f s, done %6.2f s, %5.1f MiB/s, CPU %5.2f s, "
                  "RssAnon %6.1f MiB, share %3.0f%%" % (name, rnd + 1, x["first"] or -1, x["half"] or -1, x["done"],
                                                        x["mibs"], x["cpu"], x["rss"], 100 * x["share"]), flush=True)

        rows = bench.rounds(clients, runs, download, show)
        print()
        print("%d MiB from %d seeders (%.1f MiB/s in all), %d rounds (median; peak RssAnon over rounds)"
              % (size_mb, count, capacity / (1 << 20), runs))
        print("| client | first block s | 50% s | 100% s | MiB/s | CPU s | peak RssAnon MiB | share of capacity |")
        print("|---|---|---|---|---|---|---|---|")
        for name, rs in rows.items():
            med = lambda k: statistics.median(r[k] or 0 for r in rs)
            print("| %s | %.2f | %.2f | %.2f | %.1f | %.2f | %.1f | %.0f%% |" % (
                name, med("first"), med("half"), med("done"), med("mibs"), med("cpu"), max(r["rss"] for r in rs),
                100 * med("share")))
        others = {k: rs for k, rs in rows.items() if not k.startswith("skiff")}
        if "skiff" in rows and others:
            ratios = []
            for rnd in range(runs):
                fastest = min(rs[rnd]["done"] for rs in others.values())
                ratios.append(fastest / rows["skiff"][rnd]["done"])
            firsts = sum(1 for rnd in range(runs) if all(rows["skiff"][rnd]["done"] <= rs[rnd]["done"] for rs in others.values()))
            print("skiff speed / fastest other, round by round: %s; skiff first to 100%% in %d of %d rounds"
                  % (" ".join("%.2f" % x for x in ratios), firsts, runs))
    finally:
        bench.stop_all(procs, work)
        addresses(count, False)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(sys.argv[2:])
    else:
        sys.exit(main())
