#!/usr/bin/python3
"""make soak: skiff (the jlink image) seeding to 200 libtorrent sessions on 127.0.0.1 for several
minutes. Samples skiff's RssAnon and its JSON status lines; reports start, peak and end memory,
the connection count, and the longest gap between status lines (the loop keeps answering).

Environment: SOAK_PEERS (default 220), SOAK_SECONDS (default 300), SOAK_LOG (a DEBUG log file for skiff).
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_anon_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def cpu_seconds(pid):
    """User and system CPU seconds of a live process, from /proc."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def main():
    peers = int(os.environ.get("SOAK_PEERS", "220"))
    seconds = int(os.environ.get("SOAK_SECONDS", "300"))
    work = tempfile.mkdtemp(prefix="skiff-soak-")
    procs = []
    try:
        data = os.path.join(work, "soak.bin")
        with open(data, "wb") as f:
            f.write(os.urandom(64 << 20))
        torrent = os.path.join(work, "soak.torrent")
        subprocess.run(["java", "-jar", os.path.join(ROOT, "build/skiff.jar"), "create", "--no-date", "--piece-size", "256K",
                        "-o", torrent, data], check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        skiff = subprocess.Popen([os.path.join(ROOT, "build/image/bin/skiff"), "--seed", "--no-dht", "--no-port-map", "--json", "--status-interval", "2",
                                  *(["-l", "DEBUG", "--log-file", os.environ["SOAK_LOG"]] if os.environ.get("SOAK_LOG") else ["-l", "ERROR"]),
                                  "-p", str(peers + 50), "--port", str(port), "-d", work, torrent],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        procs.append(skiff)
        statuses = []

        def read():
            for line in skiff.stdout:
                if line.startswith("{"):
                    o = json.loads(line)
                    if o.get("event") == "status":  # the last line is the run's summary
                        statuses.append((time.time(), o))
        threading.Thread(target=read, daemon=True).start()
        time.sleep(3)
        swarm = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "tools/lt_swarm.py"), "--torrent", torrent,
                                  "--peer", "127.0.0.1:%d" % port, "--count", str(peers), "--first-port", str(free_port() + 1000),
                                  "--seconds", str(seconds + 30)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(swarm)
        start = time.time()
        samples = []
        while time.time() - start < seconds and skiff.poll() is None:
            samples.append((time.time() - start, rss_anon_kib(skiff.pid), statuses[-1][1]["peers"] if statuses else 0))
            time.sleep(5)
        user, system = cpu_seconds(skiff.pid) if skiff.poll() is None else (0, 0)
        warm = [s for s in samples if s[0] >= 30] or samples
        gaps = [b[0] - a[0] for a, b in zip(statuses, statuses[1:])]
        max_peers = max(s[2] for s in samples)
        print("soak: %d s, %d libtorrent sessions dialling skiff" % (seconds, peers))
        print("connections: peak %d, at end %d" % (max_peers, samples[-1][2]))
        print("skiff RssAnon MiB: start (30 s) %.1f, peak %.1f, end %.1f" % (
            warm[0][1] / 1024, max(s[1] for s in samples) / 1024, samples[-1][1] / 1024))
        print("status lines: %d, longest gap %.1f s (every 2 s expected)" % (len(statuses), max(gaps) if gaps else -1))
        uploaded = statuses[-1][1]["uploaded_bytes"] if statuses else 0
        print("uploaded: %.1f MiB" % (uploaded / 2**20))
        print("skiff CPU: user %.1f s, sys %.1f s, %.2f s per GiB uploaded" % (
            user, system, (user + system) / (uploaded / 2**30) if uploaded else -1))
        ok = skiff.poll() is None and max_peers >= 200 and gaps and max(gaps) < 10
        print("result: %s" % ("ok" if ok else "FAILED"))
        return 0 if ok else 1
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
