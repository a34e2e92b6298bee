#!/usr/bin/python3
"""make bench-crowd: skiff or libtorrent as the only seeder to a flash crowd of libtorrent leechers.

One torrent (CROWD_MB, default 64) on an opentracker; per round, one seeder (the skiff image with
--seed, or libtorrent through lt_peer.py, the order alternating) and CROWD_LEECHERS (default 16)
libtorrent sessions in this process, started together, finding the seeder and each other through
the tracker. Prints, per round, the time until every leecher has every piece and the seeder's CPU
seconds; then the median of each seeder and the ratio skiff / libtorrent (below 1: skiff faster).
All on 127.0.0.1, with DHT, LSD, UPnP, NAT-PMP, PEX and uTP off. CROWD_RUNS rounds (default 3);
CROWD_ISOLATED=1: the leechers meet the seeder alone (no tracker), so its upload slots are all
there is; CROWD_PLAIN=1: the leechers dial in plaintext only (by default libtorrent tries an
encrypted handshake first); CROWD_SKIFF_ARGS adds options to skiff; CROWD_SKIFF_IMAGE runs another build's image (an older
one, for before/after; it is given no --no-dht, which older builds lack).
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

import libtorrent as lt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (free_port, wait_port, opentracker, cpu_seconds, stop_all)

ROOT = bench.ROOT


def crowd(torrent, work, count, limit_seconds, seeder_port):
    """Starts the leechers together; returns the seconds until all are complete (None past the limit)."""
    isolated = os.environ.get("CROWD_ISOLATED") == "1"
    info = lt.torrent_info(torrent)
    sessions = []
    start = time.time()
    for i in range(count):
        s = lt.session({
            "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
            "enable_outgoing_utp": False, "enable_incoming_utp": False,
            "listen_interfaces": "127.0.0.1:%d" % bench.free_port(), "outgoing_interfaces": "127.0.0.1",
            "allow_multiple_connections_per_ip": True, "alert_mask": 0,
        }, 0)
        if os.environ.get("CROWD_PLAIN") == "1":  # no encrypted handshake first (a seeder without MSE costs a second)
            s.apply_settings({"out_enc_policy": int(lt.enc_policy.disabled)})
        atp = lt.add_torrent_params()
        atp.ti = info
        atp.save_path = os.path.join(work, "leech%d" % i)
        if isolated:  # no tracker: each leecher meets the seeder alone, whose upload slots are the whole swarm
            atp.trackers = []
            atp.flags |= lt.torrent_flags.disable_dht
        h = s.add_torrent(atp)
        if isolated:
            h.replace_trackers([])
            h.connect_peer(("127.0.0.1", seeder_port))
        sessions.append((s, h))
    while time.time() - start < limit_seconds:
        if all(h.status().is_seeding for _, h in sessions):
            return time.time() - start
        time.sleep(0.05)
    return None


def main():
    size_mb = int(os.environ.get("CROWD_MB", "64"))
    count = int(os.environ.get("CROWD_LEECHERS", "16"))
    runs = int(os.environ.get("CROWD_RUNS", "3"))
    extra = os.environ.get("CROWD_SKIFF_ARGS", "").split()
    image = os.environ.get("CROWD_SKIFF_IMAGE", os.path.join(ROOT, "build/image"))
    work = tempfile.mkdtemp(prefix="skiff-crowd-")
    procs = []
    results = {"skiff": [], "libtorrent": []}
    cpu = {"skiff": [], "libtorrent": []}
    try:
        seed = os.path.join(work, "seed")
        os.makedirs(seed)
        data = os.path.join(seed, "crowd.bin")
        with open(data, "wb") as f:
            f.write(os.urandom(size_mb << 20))
        torrent = os.path.join(work, "crowd.torrent")
        probe = os.path.join(work, "probe.torrent")
        subprocess.run(["java", "-jar", os.path.join(ROOT, "build/skiff.jar"), "create", "--no-date", "--piece-size", "256K",
                        "-t", "http://127.0.0.1:1/announce", "-o", probe, data], check=True, stdout=subprocess.DEVNULL)
        info_hash = str(lt.torrent_info(probe).info_hash())
        tport = bench.free_port()
        procs.append(bench.opentracker(work, info_hash, tport))
        subprocess.run(["java", "-jar", os.path.join(ROOT, "build/skiff.jar"), "create", "--no-date", "--piece-size", "256K",
                        "-t", "http://127.0.0.1:%d/announce" % tport, "-o", torrent, data], check=True, stdout=subprocess.DEVNULL)
        for r in range(runs):
            order = ["skiff", "libtorrent"] if r % 2 == 0 else ["libtorrent", "skiff"]
            for name in order:
                port = bench.free_port()
                if name == "skiff":
                    cmd = [os.path.join(image, "bin/skiff"), "--seed", "--no-dht" if image == os.path.join(ROOT, "build/image") else "--seed", "-q", "-d", seed, "--port", str(port),
                           "--bind", "127.0.0.1"] + extra + [torrent]
                else:
                    cmd = ["/usr/bin/python3", os.path.join(ROOT, "tools/lt_peer.py"), "--torrent", torrent, "--save-path", seed,
                           "--port", str(port), "--seconds", "3600"]
                p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    bench.wait_port(port, p)
                    time.sleep(1)  # its first announce
                    seconds = crowd(torrent, os.path.join(work, "r%d-%s" % (r, name)), count, 300, port)
                    used = bench.cpu_seconds([p.pid])
                finally:
                    p.terminate()
                    p.wait(20)
                results[name].append(seconds)
                cpu[name].append(used)
                print("round %d %-10s %s s, seeder CPU %.2f s" % (r + 1, name, "%.2f" % seconds if seconds else "> 300", used),
                      flush=True)
                subprocess.run(["rm", "-rf", os.path.join(work, "r%d-%s" % (r, name))])
        for r in range(runs):
            s, l = results["skiff"][r], results["libtorrent"][r]
            if s and l:
                print("round %d: skiff / libtorrent = %.2f" % (r + 1, s / l))
        for name in results:
            done = [x for x in results[name] if x]
            if done:
                print("%-10s median %.2f s, seeder CPU median %.2f s" % (name, statistics.median(done), statistics.median(cpu[name])))
    finally:
        bench.stop_all(procs, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
