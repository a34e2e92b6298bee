#!/usr/bin/python3
"""make bench-webseed: a torrent whose only source is a web seed (BEP 19): nginx serving the file
on 127.0.0.1, the torrent's url-list naming it, and no peers. skiff (the jlink image), aria2c and
libtorrent (tools/lt_peer.py) download it in turn, the order rotating from round to round. Prints
per round and client the seconds, MiB/s, CPU seconds (the exited process's own rusage) and peak
anonymous memory (RssAnon, sampled from /proc every 20 ms), then skiff's ratios round by round.
Every copy is compared with the source. One unmeasured download goes first, as in make bench.

Environment: WEBSEED_MB (default 1024), WEBSEED_RUNS (default 3), WEBSEED_CLIENTS (default
skiff,aria2,libtorrent). Transmission takes web seeds too, but transmission-cli does not exit
when done (make bench reads it through a done-script); it is not in this race yet.
"""
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


def command(client, torrent, dl):
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


def rss_anon_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(client, torrent, work, source):
    dl = os.path.join(work, "dl")
    shutil.rmtree(dl, ignore_errors=True)
    os.makedirs(dl)
    start = time.time()
    p = subprocess.Popen(command(client, torrent, dl), stdout=subprocess.DEVNULL,
                         stderr=open(os.path.join(work, client + ".err"), "w"))
    peak = 0
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid != 0:
            break
        peak = max(peak, rss_anon_kib(p.pid))
        if time.time() - start > TIMEOUT:
            p.kill()
        time.sleep(0.02)
    seconds = time.time() - start
    copy = os.path.join(dl, os.path.basename(source))
    same = os.path.exists(copy) and filecmp.cmp(copy, source, shallow=False)
    return seconds, usage.ru_utime + usage.ru_stime, peak / 1024.0, same and os.waitstatus_to_exitcode(status) == 0


def main():
    mb = int(os.environ.get("WEBSEED_MB", "1024"))
    runs = int(os.environ.get("WEBSEED_RUNS", "3"))
    clients = os.environ.get("WEBSEED_CLIENTS", "skiff,aria2,libtorrent").split(",")
    work = tempfile.mkdtemp(prefix="webseed-bench-")
    server = None
    try:
        www = os.path.join(work, "www")
        os.makedirs(www)
        source = os.path.join(www, "file.bin")
        with open(source, "wb") as f:
            for _ in range(mb):
                f.write(os.urandom(1 << 20))
        server, port = nginx(work, www)
        torrent = os.path.join(work, "t.torrent")
        subprocess.run(["java", "-jar", os.path.join(ROOT, "build/skiff.jar"), "create", "-o", torrent, "-t",
                        "http://127.0.0.1:1/announce", "--piece-size", str(1 << 20), "-w",
                        "http://127.0.0.1:%d/file.bin" % port, source], check=True, stdout=subprocess.DEVNULL)
        os.sync()  # the source's pages written out, not flushed during the first round
        run(clients[0], torrent, work, source)  # unmeasured: warms nginx, the page cache and the disk
        print("web seed bench: %d MiB from nginx on 127.0.0.1, no peers, %d rounds" % (mb, runs))
        for r in range(runs):
            order = clients[r % len(clients):] + clients[:r % len(clients)]
            results = {}
            for c in order:
                seconds, cpu, peak, ok = run(c, torrent, work, source)
                results[c] = seconds
                print("round %d  %-10s %7.2f s  %7.1f MiB/s  CPU %5.2f s  peak RssAnon %6.1f MiB  %s"
                      % (r + 1, c, seconds, mb / seconds, cpu, peak, "ok" if ok else "FAILED"), flush=True)
                if not ok:
                    sys.exit("%s did not download the file intact; see %s/%s.err" % (c, work, c))
            if "skiff" in results and len(results) > 1:
                print("round %d  skiff's time / others': %s" % (r + 1, ", ".join(
                    "%s %.2f" % (c, results["skiff"] / results[c]) for c in order if c != "skiff")))
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
