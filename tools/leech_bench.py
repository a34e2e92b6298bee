#!/usr/bin/python3
"""make bench-leech: skiff as the only seeder, as real leechers meet it. For each leecher
(libtorrent, aria2, transmission-cli) and each round, the same torrent is downloaded once from a
libtorrent seeder and once from a skiff seeder (the jlink image, --seed), the order alternating
from round to round; prints the leecher's MiB/s from each and the ratio skiff / libtorrent.

The seeders and trackers run on a loopback address added to `lo` (10.77.0.1 by default,
LEECH_ADDR), the leechers on 127.0.0.1: Transmission never dials 127/8 peers it learns from a
tracker (nor, it turned out, a peer on its own address), and on the internet it dials its seeders. Each
seeder has its own opentracker, so a leecher meets one seeder only: the two .torrent files differ
in their announce URL alone, so the info-hash is the same. aria2 tries encryption first and falls
back to plain: its time includes that fallback.

Environment: LEECH_MB (default 256), LEECH_RUNS (default 3), LEECH_CLIENTS (default
libtorrent,aria2,transmission), LEECH_ADDR.
"""
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the process sampling and run_client helpers)

ROOT = bench.ROOT
ADDR = os.environ.get("LEECH_ADDR", "10.77.0.1")


def free_port():
    with socket.socket() as s:
        s.bind((ADDR, 0))
        return s.getsockname()[1]


def wait_port(port, proc, seconds=30):
    end = time.time() + seconds
    while time.time() < end and proc.poll() is None:
        try:
            with socket.create_connection((ADDR, port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def tracker(work, name, info_hash):
    d = os.path.join(work, name)
    os.makedirs(d)
    os.chmod(d, 0o755)
    with open(os.path.join(d, "wl.txt"), "w") as f:
        f.write(info_hash + "\n")
    os.chmod(os.path.join(d, "wl.txt"), 0o644)
    with open(os.path.join(d, "ot.conf"), "w") as f:
        f.write("access.whitelist wl.txt\ntracker.rootdir %s\n" % d)
    port = free_port()
    p = subprocess.Popen(["opentracker", "-i", ADDR, "-p", str(port), "-P", str(port), "-f", os.path.join(d, "ot.conf")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not wait_port(port, p):
        raise RuntimeError("opentracker did not start")
    return p, "http://%s:%d/announce" % (ADDR, port)


def main():
    size_mb = int(os.environ.get("LEECH_MB", "256"))
    runs = int(os.environ.get("LEECH_RUNS", "3"))
    clients = os.environ.get("LEECH_CLIENTS", "libtorrent,aria2,transmission").split(",")
    subprocess.run(["ip", "addr", "add", ADDR + "/32", "dev", "lo"], stderr=subprocess.DEVNULL)
    work = tempfile.mkdtemp(prefix="skiff-leech-")
    os.chmod(work, 0o755)
    procs = []
    skiff = os.path.join(ROOT, "build/image/bin/skiff")
    try:
        seed = os.path.join(work, "seed")
        os.makedirs(seed)
        data = os.path.join(seed, "leech.bin")
        with open(data, "wb") as f:
            block = os.urandom(1 << 20)
            for i in range(size_mb):
                f.write(block[i % 997:] + block[:i % 997])
        torrents = {}
        info_hash = None
        for seeder in ("libtorrent", "skiff"):
            # the info-hash does not depend on the announce URL: make a throwaway one to learn it
            t = os.path.join(work, "%s.torrent" % seeder)
            if info_hash is None:
                subprocess.run([skiff, "create", "--no-date", "--piece-size", "256K", "-t", "http://%s:1/announce" % ADDR,
                                "-o", t, data], check=True, stdout=subprocess.DEVNULL)
                show = subprocess.run([skiff, "show", t], check=True, capture_output=True, text=True).stdout
                info_hash = [l.split()[1] for l in show.splitlines() if l.startswith("Hash:")][0]
                os.remove(t)
            ot, url = tracker(work, "ot-" + seeder, info_hash)
            procs.append(ot)
            subprocess.run([skiff, "create", "--no-date", "--piece-size", "256K", "-t", url, "-o", t, data],
                           check=True, stdout=subprocess.DEVNULL)
            torrents[seeder] = t
        lport = free_port()
        lt = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "tools/lt_peer.py"), "--torrent", torrents["libtorrent"],
                               "--save-path", seed, "--port", str(lport), "--bind", ADDR, "--seconds", "7200",
                               "--reannounce-seconds", "2"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, text=True)
        procs.append(lt)
        sport = free_port()
        sk = subprocess.Popen([skiff, "-q", "--seed", "--no-dht", "--no-port-map", "--bind", ADDR, "--port", str(sport), "-d", seed, torrents["skiff"]],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(sk)
        if not wait_port(lport, lt) or not wait_port(sport, sk, 120):
            raise RuntimeError("a seeder did not start")
        time.sleep(3)

        def command(client, seeder, dl, port, tag):
            t = torrents[seeder]
            if client == "libtorrent":
                return ["/usr/bin/python3", os.path.join(ROOT, "tools/lt_peer.py"), "--torrent", t, "--save-path", dl,
                        "--port", str(port), "--seconds", str(bench.TIMEOUT), "--exit-when-done"], None
            if client == "aria2":
                return ["aria2c", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                        "--enable-peer-exchange=false", "--listen-port=%d" % port, "--interface=127.0.0.1",
                        "--disable-ipv6=true", "--seed-time=0", "--file-allocation=none",
                        "--summary-interval=0", "--console-log-level=error", "-d", dl, t], None
            return bench.transmission_command(work, tag, dl, port, t, "127.0.0.1")

        def leech(client, seeder, tag):
            dl = os.path.join(work, "dl-%s" % tag)
            os.makedirs(dl)
            cmd, marker = command(client, seeder, dl, bench.free_port(), tag)
            secs, cpu, peak = bench.run_client(client, cmd, marker)
            got = os.path.join(dl, "leech.bin")
            if os.path.getsize(got) != size_mb << 20 or subprocess.run(["cmp", "-s", data, got]).returncode:
                raise RuntimeError("%s from %s: data differs" % (client, seeder))
            shutil.rmtree(dl)
            return size_mb / secs

        rows = []
        for client in clients:
            for r in range(runs):
                order = ("libtorrent", "skiff") if r % 2 == 0 else ("skiff", "libtorrent")
                got = {s: leech(client, s, "%s-%s-%d" % (client, s, r)) for s in order}
                ratio = got["skiff"] / got["libtorrent"]
                rows.append((client, r + 1, got["libtorrent"], got["skiff"], ratio))
                print("%-12s round %d: from libtorrent %7.1f MiB/s, from skiff %7.1f MiB/s, skiff/libtorrent %.2f"
                      % rows[-1], flush=True)
        print()
        print("%d MiB, one seeder on %s, %d rounds per leecher (median)" % (size_mb, ADDR, runs))
        print("| leecher | from libtorrent MiB/s | from skiff MiB/s | skiff / libtorrent, round by round |")
        print("|---|---|---|---|")
        for client in clients:
            mine = [r for r in rows if r[0] == client]
            print("| %s | %.1f | %.1f | %s |" % (client, statistics.median(r[2] for r in mine),
                                                statistics.median(r[3] for r in mine),
                                                " ".join("%.2f" % r[4] for r in mine)))
    finally:
        bench.stop_all(procs, work)


if __name__ == "__main__":
    sys.exit(main())
