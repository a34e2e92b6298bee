#!/usr/bin/python3
"""make bench: one torrent seeded by libtorrent on 127.0.0.1, downloaded in turn by skiff (the
jlink image, with its default positional disk I/O and with --disk-io mmap), aria2c,
transmission-cli and libtorrent (tools/lt_peer.py), several runs each. Prints per client the median MiB/s, CPU seconds per GiB
(user+sys) and peak anonymous memory (RssAnon, sampled from /proc), then skiff's ratios.

Fairness: one unmeasured download first warms the seeder and the page cache; then each round runs
every client once, the order rotating from round to round, so no client always goes first on a
noisy machine. CPU is the exited process's own rusage (all threads, to its last instruction);
transmission-cli never exits, so its CPU is read from /proc when its done-script fires.

Before each download the memory it will write into is primed (prime_memory; BENCH_PRIME=0 skips it).

Environment: BENCH_MB (default 1024), BENCH_RUNS (default 3), BENCH_CLIENTS (default all:
skiff,skiff-mmap,aria2,transmission,libtorrent; skiff-utp and libtorrent-utp download over uTP, and
with either the seeder takes uTP too). BENCH_BASE_IMAGE: another skiff image (an
earlier commit's build/image) to run beside this one as skiff-base and skiff-base-mmap, so
that a change is measured before and after in the same rounds.
"""
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK = os.sysconf("SC_CLK_TCK")
TIMEOUT = 900


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, seconds=30):
    end = time.time() + seconds
    while time.time() < end and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def tree(pid):
    """pid and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open("/proc/%d/task/%d/children" % (p, p)) as f:
                todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def cpu_seconds(pids):
    total = 0
    for p in pids:
        try:
            with open("/proc/%d/stat" % p) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLK  # utime, stime
        except OSError:
            pass
    return total


def rss_anon_kib(pids):
    total = 0
    for p in pids:
        try:
            with open("/proc/%d/status" % p) as f:
                for line in f:
                    if line.startswith("RssAnon:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def write_data(path, size_mb):
    """size_mb MiB of incompressible bytes (one random MiB, rotated per MiB), quickly."""
    with open(path, "wb") as f:
        block = os.urandom(1 << 20)
        for i in range(size_mb):
            f.write(block[i % 997:] + block[:i % 997])


def prime_memory(work, size_mb):
    """Writes and deletes size_mb + 64 MiB just before a client runs. On a VM that hands free memory
    back to its host (free page reporting), the first write into pages the host took back costs
    several times a normal one (here 1 GiB of 16 KiB pwrites: 1.8-2.0 s of system CPU instead of
    0.3), and which client met such pages was luck. Pages just freed have not been handed back yet."""
    path = os.path.join(work, "prime.bin")
    chunk = b"\x01" * (1 << 20)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        for _ in range(size_mb + 64):
            os.write(fd, chunk)
    finally:
        os.close(fd)
        os.unlink(path)


def transmission_command(work, tag, dl, port, torrent, bind):
    """transmission-cli leeching torrent into dl, bound to bind, with everything else off; its
    command and the marker file its done-script touches (it never exits by itself)."""
    cfg = os.path.join(work, "tr-%s" % tag)
    os.makedirs(cfg)
    marker = os.path.join(work, "tr-done-%s" % tag)
    script = os.path.join(work, "tr-done-%s.sh" % tag)
    with open(script, "w") as f:
        f.write("#!/bin/sh\ntouch %s\n" % marker)
    os.chmod(script, 0o755)
    with open(os.path.join(cfg, "settings.json"), "w") as f:
        json.dump({"dht-enabled": False, "lpd-enabled": False, "pex-enabled": False,
                   "utp-enabled": False, "port-forwarding-enabled": False,
                   "bind-address-ipv4": bind, "bind-address-ipv6": "::1",
                   "peer-port": port, "peer-port-random-on-start": False,
                   "speed-limit-down-enabled": False, "message-level": 0}, f)
    return ["transmission-cli", "-g", cfg, "-w", dl, "-p", str(port), "-f", script, torrent], marker


def stop(procs):
    """Stops the processes still running (None is skipped): SIGTERM, then SIGKILL after 10 s."""
    for p in procs:
        if p and p.poll() is None:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def stop_all(procs, work):
    """Stops the background processes and removes the work folder."""
    stop(procs)
    shutil.rmtree(work, ignore_errors=True)


def rotated(clients, rnd):
    """The clients in round rnd's order: each round starts one further along, so none always goes first."""
    k = rnd % len(clients)
    return clients[k:] + clients[:k]


def rounds(clients, runs, download, show):
    """One unmeasured warm-up download by the first client, then runs rounds of every client in
    rotated order; show(name, rnd, x) prints each result. Returns {name: [result per round]}."""
    download(clients[0], "warm-up")
    rows = {name: [] for name in clients}
    for rnd in range(runs):
        for name in rotated(clients, rnd):
            x = download(name, str(rnd + 1))
            rows[name].append(x)
            show(name, rnd, x)
    return rows


def run_client(name, cmd, done_marker, env=None, dial=None):
    """Runs until the process exits 0 or done_marker appears; returns (seconds, cpu, peak_kib)."""
    start = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            preexec_fn=os.setsid)
    peak, cpu, pids = 0, 0.0, [proc.pid]
    try:
        if dial:
            dial(proc)
        while time.time() - start < TIMEOUT:
            pids = tree(proc.pid)
            peak = max(peak, rss_anon_kib(pids))
            cpu = max(cpu, cpu_seconds(pids))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid == proc.pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                cpu = usage.ru_utime + usage.ru_stime  # exact, where sampling would miss the last moments
                if proc.returncode != 0:
                    raise RuntimeError("%s exited %d" % (name, proc.returncode))
                break
            if done_marker and os.path.exists(done_marker):
                cpu = max(cpu, cpu_seconds(tree(proc.pid)))
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("%s timed out" % name)
        return time.time() - start, cpu, peak
    finally:
        if proc.returncode is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except OSError:
                pass
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def opentracker(work, info_hash, port):
    """An opentracker on 127.0.0.1:port (HTTP and UDP) that tracks info_hash alone; returns once it listens."""
    otdir = os.path.join(work, "ot")
    os.makedirs(otdir)
    os.chmod(work, 0o755)  # opentracker drops privileges: its folder and whitelist must be readable
    os.chmod(otdir, 0o755)
    with open(os.path.join(otdir, "wl.txt"), "w") as f:
        f.write(info_hash + "\n")
    os.chmod(os.path.join(otdir, "wl.txt"), 0o644)
    with open(os.path.join(otdir, "ot.conf"), "w") as f:
        f.write("access.whitelist wl.txt\ntracker.rootdir %s\n" % otdir)
    ot = subprocess.Popen(["opentracker", "-i", "127.0.0.1", "-p", str(port), "-P", str(port), "-f",
                           os.path.join(otdir, "ot.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port, ot)
    return ot


def wait_seeders(port, info_hash, count, seconds=60):
    """Waits until the opentracker on 127.0.0.1:port counts count seeders of info_hash (hex), by
    scraping it: a client that starts before they have all announced gets too few peers, and its
    next announce is the tracker's minimum interval away (15 minutes or more)."""
    import re
    import urllib.parse
    import urllib.request
    url = "http://127.0.0.1:%d/scrape?info_hash=%s" % (port, urllib.parse.quote(bytes.fromhex(info_hash)))
    deadline = time.time() + seconds
    seen = 0
    while time.time() < deadline:
        with urllib.request.urlopen(url, timeout=5) as r:
            m = re.search(rb"8:completei(\d+)e", r.read())
        seen = int(m.group(1)) if m else 0
        if seen >= count:
            return
        time.sleep(0.2)
    raise RuntimeError("the tracker counts %d of %d seeders after %d s" % (seen, count, seconds))


def main():
    size_mb = int(os.environ.get("BENCH_MB", "1024"))
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    clients = os.environ.get("BENCH_CLIENTS", "skiff,skiff-mmap,aria2,transmission,libtorrent").split(",")
    base_image = os.environ.get("BENCH_BASE_IMAGE")
    if base_image:
        clients += [c.replace("skiff", "skiff-base", 1) for c in clients if c.startswith("skiff")]
    work = tempfile.mkdtemp(prefix="skiff-bench-")
    procs = []
    try:
        seed = os.path.join(work, "seed")
        os.makedirs(seed)
        data = os.path.join(seed, "bench.bin")
        write_data(data, size_mb)
        tport = free_port()
        torrent = os.path.join(work, "bench.torrent")
        subprocess.run(["java", "-jar", os.path.join(ROOT, "build/skiff.jar"), "create", "-q" if False else "--no-date",
                        "--piece-size", "1M", "-t", "http://127.0.0.1:%d/announce" % tport, "-o", torrent, data],
                       check=True, stdout=subprocess.DEVNULL)
        show = subprocess.run(["java", "-jar", os.path.join(ROOT, "build/skiff.jar"), "show", torrent],
                              check=True, capture_output=True, text=True).stdout
        info_hash = [l.split()[1] for l in show.splitlines() if l.startswith("Hash:")][0]
        procs.append(opentracker(work, info_hash, tport))
        sport = free_port()
        utp = ["--transport", "both"] if any(c.endswith("-utp") for c in clients) else []
        lt = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "tools/lt_peer.py"), "--torrent", torrent,
                               "--save-path", seed, "--port", str(sport), "--seconds", "7200",
                               "--reannounce-seconds", "2"] + utp, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, text=True)
        procs.append(lt)
        wait_port(sport, lt)
        time.sleep(3)

        def command(name, dl, port, tag):
            """The client's command line and, for transmission, the marker its done-script touches."""
            if name.startswith("skiff"):
                # the jlink image with its small-host defaults (32 MiB heap), as a router would run it
                io = ["--disk-io", "mmap"] if name.endswith("-mmap") else ["--utp", "prefer"] if name.endswith("-utp") else []
                image = base_image if name.startswith("skiff-base") else os.path.join(ROOT, "build/image")
                # off the real network: no DHT routers, no router asked for a port (a base build may predate the options)
                quiet_net = [] if name.startswith("skiff-base") else ["--no-dht", "--no-port-map"]
                return [os.path.join(image, "bin/skiff"), "-q", "-d", dl, "--port", str(port)] + io + quiet_net + [torrent], None
            if name.startswith("libtorrent"):
                # Debian's python3-libtorrent (the seeder's library) as a leecher; the process is the
                # Python interpreter around it, which adds little once the session runs
                return ["/usr/bin/python3", os.path.join(ROOT, "tools/lt_peer.py"), "--torrent", torrent,
                        "--save-path", dl, "--port", str(port), "--seconds", str(TIMEOUT), "--exit-when-done",
                        "--peer", "127.0.0.1:%d" % sport] + (["--transport", "utp"] if name.endswith("-utp") else []), None
            if name == "aria2":
                return ["aria2c", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                        "--enable-peer-exchange=false", "--listen-port=%d" % port, "--interface=127.0.0.1",
                        "--disable-ipv6=true", "--seed-time=0", "--file-allocation=none",
                        "--summary-interval=0", "--console-log-level=error", "-d", dl, torrent], None
            return transmission_command(work, tag, dl, port, torrent, "127.0.0.1")

        def download(name, tag):
            dl = os.path.join(work, "dl-%s-%s" % (name, tag))
            os.makedirs(dl)
            port = free_port()
            cmd, marker = command(name, dl, port, tag)
            dial = None
            if name == "transmission":
                def dial(proc):
                    wait_port(port, proc)
                    lt.stdin.write("connect 127.0.0.1:%d\n" % port)
                    lt.stdin.flush()
            if os.environ.get("BENCH_PRIME", "1") != "0":
                prime_memory(work, size_mb)
            secs, cpu, peak = run_client(name, cmd, marker, dial=dial)
            got = os.path.getsize(os.path.join(dl, "bench.bin"))
            if got != size_mb << 20 or subprocess.run(["cmp", "-s", data, os.path.join(dl, "bench.bin")]).returncode:
                raise RuntimeError("%s run %s: data differs" % (name, tag))
            shutil.rmtree(dl)
            return size_mb / secs, cpu / (size_mb / 1024), peak / 1024

        download("aria2" if "aria2" in clients else clients[0], "warm-up")  # not measured
        rows = {name: [] for name in clients}
        for r in range(runs):
            for name in rotated(clients, r):
                rows[name].append(download(name, str(r + 1)))
                print("%-16s run %d: %7.1f MiB/s %6.2f CPU s/GiB %7.1f MiB RssAnon" % (name, r + 1, *rows[name][-1]),
                      flush=True)
        results = {name: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs),
                          max(r[2] for r in rs)) for name, rs in rows.items()}

        print()
        print("%d MiB from libtorrent on 127.0.0.1, %d runs each (median; peak RssAnon over runs)" % (size_mb, runs))
        print("| client | MiB/s | CPU s/GiB | peak RssAnon MiB |")
        print("|---|---|---|---|")
        for name, (mibs, cpu, rss) in results.items():
            print("| %s | %.1f | %.2f | %.1f |" % (name, mibs, cpu, rss))
        others = [v for k, v in results.items() if not k.startswith("skiff")]
        for name in (n for n in results if n.startswith("skiff")):
            if others:
                s = results[name]
                print("%s / fastest other speed: %.2f; / leanest other CPU per GiB: %.2f; "
                      "/ smallest other RssAnon: %.2f" % (name, s[0] / max(o[0] for o in others),
                                                          s[1] / min(o[1] for o in others),
                                                          s[2] / min(o[2] for o in others)))
        # The machine's load drifts from round to round; a ratio within one round cancels most of it.
        if others:
            for name in (n for n in results if n.startswith("skiff")):
                speed, cpu = [], []
                for r in range(runs):
                    round_others = [rs[r] for k, rs in rows.items() if not k.startswith("skiff")]
                    speed.append(rows[name][r][0] / max(o[0] for o in round_others))
                    cpu.append(rows[name][r][1] / min(o[1] for o in round_others))
                print("%s, round by round: / fastest other speed %s (median %.2f); / leanest other CPU %s (median %.2f)"
                      % (name, " ".join("%.2f" % x for x in speed), statistics.median(speed),
                         " ".join("%.2f" % x for x in cpu), statistics.median(cpu)))
    finally:
        stop_all(procs, work)


if __name__ == "__main__":
    sys.exit(main())
