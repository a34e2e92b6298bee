#!/usr/bin/python3
"""make bench-files: a torrent of thousands of small files (a photo library, a source tree, a game's
assets) seeded by libtorrent on 127.0.0.1, downloaded in turn by skiff (the image), aria2,
libtorrent and Transmission, 3 rounds after an unmeasured warm-up, the order rotating. Per client:
seconds from start to exit (or, for Transmission, to its done-script), CPU s, peak RssAnon, and
skiff's time against the fastest other's round by round. Every file is compared with the seed's.

What it measures beyond `make bench`: the cost of each file (creating it, opening it to write and
to hash, forcing it to disk) and how a client flushes at its end. On a long-used ext4, creating
and deleting thousands of files again and again makes the kernel's inode allocation the largest
cost for every client; FILES_FS=ext4 (root, e2fsprogs) gives each download a fresh ext4 in a
loop-mounted image instead.

Environment: FILES_COUNT (4000), FILES_MAX_KIB (64: sizes 1 byte to this, seeded), FILES_RUNS (3),
FILES_CLIENTS (skiff,aria2,libtorrent,transmission), FILES_RATE_MIB (the seeder's upload limit in
MiB/s, 0 = none), FILES_FS (tmp: a folder beside the seed; ext4; tmpfs: /dev/shm), FILES_BASE_IMAGE
(another skiff image, run beside as skiff-base in the same rounds).
"""
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

ROOT = bench.ROOT
IMAGE_FILE = "/var/tmp/skiff-files-bench.img"
MOUNT = "/var/tmp/skiff-files-bench"


def make_files(top, count, max_kib, seed=5):
    rnd = random.Random(seed)
    total = 0
    for i in range(count):
        d = os.path.join(top, "d%02d" % (i % 37))
        os.makedirs(d, exist_ok=True)
        size = rnd.randint(1, max_kib * 1024)
        with open(os.path.join(d, "f%05d.bin" % i), "wb") as f:
            f.write(rnd.randbytes(size))
        total += size
    return total


def fresh_folder(kind, work):
    """An empty download folder on the file system asked for."""
    if kind == "ext4":
        subprocess.run(["umount", MOUNT], stderr=subprocess.DEVNULL)
        os.makedirs(MOUNT, exist_ok=True)
        subprocess.run(["truncate", "-s", "2G", IMAGE_FILE], check=True)
        subprocess.run(["mkfs.ext4", "-q", "-F", IMAGE_FILE], check=True)
        subprocess.run(["mount", "-o", "loop", IMAGE_FILE, MOUNT], check=True)
        base = MOUNT
    elif kind == "tmpfs":
        base = tempfile.mkdtemp(prefix="skiff-files-", dir="/dev/shm")
    else:
        base = work
    dl = os.path.join(base, "dl")
    shutil.rmtree(dl, ignore_errors=True)
    os.makedirs(dl)
    return dl


def main():
    count = int(os.environ.get("FILES_COUNT", "4000"))
    max_kib = int(os.environ.get("FILES_MAX_KIB", "64"))
    runs = int(os.environ.get("FILES_RUNS", "3"))
    clients = os.environ.get("FILES_CLIENTS", "skiff,aria2,libtorrent,transmission").split(",")
    rate = float(os.environ.get("FILES_RATE_MIB", "0"))
    fs = os.environ.get("FILES_FS", "tmp")
    base_image = os.environ.get("FILES_BASE_IMAGE")
    if base_image:
        clients.append("skiff-base")
    work = tempfile.mkdtemp(prefix="skiff-files-")
    procs = []
    try:
        seed = os.path.join(work, "seed")
        top = os.path.join(seed, "many")
        total = make_files(top, count, max_kib)
        torrent = os.path.join(work, "many.torrent")
        subprocess.run(["java", "-jar", os.path.join(ROOT, "build/skiff.jar"), "create", "--no-date", "-o", torrent, top],
                       check=True, stdout=subprocess.DEVNULL)
        sport = bench.free_port()
        lt = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "tools/lt_peer.py"), "--torrent", torrent,
                               "--save-path", seed, "--port", str(sport), "--seconds", "7200",
                               "--upload-limit", str(int(rate * (1 << 20)))],
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
        procs.append(lt)
        bench.wait_port(sport, lt)
        time.sleep(3)  # the seeder has checked its data
        print("%d files, %.1f MiB in all, the seeder %s; downloads on %s" % (
            count, total / (1 << 20), "at %.0f MiB/s" % rate if rate else "unlimited", fs), flush=True)

        def command(name, dl, port, tag):
            if name.startswith("skiff"):
                image = base_image if name == "skiff-base" else os.path.join(ROOT, "build/image")
                return [os.path.join(image, "bin/skiff"), "-q", "--no-dht", "--no-port-map", "-d", dl, "--port", str(port),
                        "--peer", "127.0.0.1:%d" % sport, torrent], None
            if name == "libtorrent":
                return ["/usr/bin/python3", os.path.join(ROOT, "tools/lt_peer.py"), "--torrent", torrent, "--save-path", dl,
                        "--port", str(port), "--seconds", str(bench.TIMEOUT), "--exit-when-done",
                        "--peer", "127.0.0.1:%d" % sport], None
            if name == "aria2":
                return ["aria2c", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                        "--enable-peer-exchange=false", "--listen-port=%d" % port, "--interface=127.0.0.1",
                        "--disable-ipv6=true", "--seed-time=0", "--file-allocation=none", "--summary-interval=0",
                        "--console-log-level=error", "-d", dl, torrent], None
            return bench.transmission_command(work, tag, dl, port, torrent, "127.0.0.1")

        def download(name, tag):
            dl = fresh_folder(fs, work)
            port = bench.free_port()
            cmd, marker = command(name, dl, port, tag)
            dial = None
            if name in ("aria2", "transmission"):  # no tracker here: the seeder dials them
                def dial(proc):
                    bench.wait_port(port, proc)
                    lt.stdin.write("connect 127.0.0.1:%d\n" % port)
                    lt.stdin.flush()
            bench.prime_memory(work, total >> 20)
            secs, cpu, peak = bench.run_client(name, cmd, marker, dial=dial)
            if subprocess.run(["diff", "-rq", top, os.path.join(dl, "many")], capture_output=True).returncode:
                raise RuntimeError("%s run %s: the files differ" % (name, tag))
            shutil.rmtree(os.path.dirname(dl) if fs == "tmpfs" else dl, ignore_errors=True)
            return {"secs": secs, "cpu": cpu, "rss": peak / 1024}

        rows = bench.rounds(clients, runs, download, lambda name, rnd, x: print(
            "%-12s run %d: %6.2f s, CPU %5.2f s, RssAnon %5.1f MiB" % (name, rnd + 1, x["secs"], x["cpu"], x["rss"]), flush=True))
        print()
        print("%d files, %.1f MiB, %d rounds (median; peak RssAnon over rounds)" % (count, total / (1 << 20), runs))
        print("| client | s | CPU s | peak RssAnon MiB |")
        print("|---|---|---|---|")
        for name, rs in rows.items():
            print("| %s | %.2f | %.2f | %.1f |" % (name, statistics.median(r["secs"] for r in rs),
                                                  statistics.median(r["cpu"] for r in rs), max(r["rss"] for r in rs)))
        others = {k: rs for k, rs in rows.items() if not k.startswith("skiff")}
        if "skiff" in rows and others:
            ratios = ["%.2f" % (min(rs[rnd]["secs"] for rs in others.values()) / rows["skiff"][rnd]["secs"])
                      for rnd in range(runs)]
            print("fastest other's time / skiff's, round by round: %s" % " ".join(ratios))
    finally:
        bench.stop(procs)
        if fs == "ext4":
            subprocess.run(["umount", MOUNT], stderr=subprocess.DEVNULL)
            if os.path.exists(IMAGE_FILE):
                os.remove(IMAGE_FILE)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
