#!/usr/bin/python3
"""Many libtorrent sessions in one process, each a slow leecher that dials one given peer.

For the soak test: --count sessions on 127.0.0.1 ports from --first-port, each downloading
--torrent at --rate bytes/s from --peer HOST:PORT, with DHT, LSD, UPnP, NAT-PMP, PEX and uTP off.
Runs --seconds, printing one line every 10 s; exits by itself.
"""
import argparse
import os
import sys
import tempfile
import time

import libtorrent as lt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--torrent", required=True)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--first-port", type=int, required=True)
    ap.add_argument("--rate", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=300)
    args = ap.parse_args()
    host, port = args.peer.rsplit(":", 1)
    work = tempfile.mkdtemp(prefix="lt-swarm-")
    info = lt.torrent_info(args.torrent)
    sessions = []
    for i in range(args.count):
        s = lt.session({
            "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
            "enable_outgoing_utp": False, "enable_incoming_utp": False,
            "listen_interfaces": "127.0.0.1:%d" % (args.first_port + i), "outgoing_interfaces": "127.0.0.1",
            "allow_multiple_connections_per_ip": True, "aio_threads": 1, "hashing_threads": 1,
            "alert_mask": 0, "download_rate_limit": args.rate,
        }, 0)
        # libtorrent puts peers on the local network (127/8 included) in its "local" peer class
        # alone, which no rate limit applies to: without this the slow leechers took all 64 MiB at
        # loopback speed and left, and the soak never had its 200 connections at once.
        every_address = lt.ip_filter()
        every_address.add_rule("0.0.0.0", "255.255.255.255", 1 << lt.session.global_peer_class_id)
        s.set_peer_class_filter(every_address)
        atp = lt.add_torrent_params()
        atp.ti = info
        atp.save_path = os.path.join(work, str(i))
        h = s.add_torrent(atp)
        sessions.append((s, h))
    deadline = time.time() + args.seconds
    next_report = 0
    while time.time() < deadline:
        for s, h in sessions:
            if h.status().num_peers == 0:
                h.connect_peer((host, int(port)))
        if time.time() >= next_report:
            connected = sum(1 for _, h in sessions if h.status().num_peers > 0)
            print("sessions=%d connected=%d" % (len(sessions), connected), flush=True)
            next_report = time.time() + 10
        time.sleep(2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
