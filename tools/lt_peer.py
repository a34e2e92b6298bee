#!/usr/bin/python3
"""A libtorrent peer for skiff's interop tests and benchmarks, on loopback only (127.0.0.1, or --bind).

Seeds (or leeches) one torrent with DHT, local peer discovery, UPnP, NAT-PMP, PEX and uTP off (uTP: --transport),
until it is killed, --seconds pass, or (with --exit-when-done) the download completes. With --dht,
its DHT node is on, its loopback restrictions relaxed; with --dht and no torrent, it is a DHT node only.
Prints one status line a second on stdout.
"""
import argparse
import queue
import sys
import threading
import time

import libtorrent as lt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--torrent", help="the .torrent (or give --magnet)")
    ap.add_argument("--magnet", help="a magnet link instead of --torrent: the metadata comes from peers")
    ap.add_argument("--extensions", default="", help="comma-separated libtorrent plugins to load, e.g. ut_metadata,ut_pex")
    ap.add_argument("--save-path", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--exit-when-done", action="store_true")
    ap.add_argument("--bind", default="127.0.0.1", help="a loopback address to listen and dial from (::1 for IPv6)")
    ap.add_argument("--upload-limit", type=int, default=0, help="bytes per second, 0 = none")
    ap.add_argument("--unchoke-slots", type=int, default=0, help="upload slots (libtorrent's unchoke_slots_limit), 0 = its default")
    ap.add_argument("--unchoke-interval", type=int, default=0, help="seconds between choking rounds, 0 = its default (15)")
    ap.add_argument("--peer", action="append", default=[], help="HOST:PORT to connect to")
    ap.add_argument("--reannounce-seconds", type=float, default=0,
                    help="announce again this often, to learn (and dial) new leechers quickly")
    ap.add_argument("--dht", action="store_true", help="run a DHT node (for a private DHT on loopback)")
    ap.add_argument("--dht-bootstrap", default="", help="HOST:PORT[,HOST:PORT] nodes to bootstrap the DHT from")
    ap.add_argument("--dht-announce-seconds", type=float, default=0,
                    help="announce the torrent to the DHT this often once the DHT has nodes (libtorrent waits 15 minutes)")
    ap.add_argument("--count-rejects", action="store_true",
                    help="count BEP 6 rejects received (from libtorrent's peer log) and print them as rejects=N")
    ap.add_argument("--encryption", choices=["default", "off", "rc4", "plaintext"], default="default",
                    help="MSE: libtorrent's default (try encrypted, accept both), off (plain handshakes only), "
                         "rc4 or plaintext (encrypted handshakes only, that payload method only)")
    ap.add_argument("--transport", choices=["tcp", "utp", "both"], default="tcp",
                    help="peer connections over TCP only (the default), uTP only (BEP 29), or both, uTP dialled first")
    args = ap.parse_args()

    settings = {
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_outgoing_utp": args.transport != "tcp",
        "enable_incoming_utp": args.transport != "tcp",
        "enable_outgoing_tcp": args.transport != "utp",
        "enable_incoming_tcp": args.transport != "utp",
        "listen_interfaces": ("[%s]:%d" if ":" in args.bind else "%s:%d") % (args.bind, args.port),
        "outgoing_interfaces": args.bind,
        "allow_multiple_connections_per_ip": True,
        "announce_to_all_trackers": True,
        "announce_to_all_tiers": True,
        "user_agent": "lt_peer",
        "alert_mask": lt.alert.category_t.error_notification,
    }
    if args.dht:
        settings.update({
            "enable_dht": True,
            "dht_bootstrap_nodes": args.dht_bootstrap,
            # a private DHT on one loopback /24: libtorrent refuses such nodes by default
            "dht_restrict_routing_ips": False,
            "dht_restrict_search_ips": False,
            "dht_ignore_dark_internet": False,
            "dht_prefer_verified_node_ids": False,
            "dht_enforce_node_id": False,
        })
    if args.encryption == "off":
        settings.update({"out_enc_policy": int(lt.enc_policy.disabled), "in_enc_policy": int(lt.enc_policy.disabled)})
    elif args.encryption in ("rc4", "plaintext"):
        level = lt.enc_level.rc4 if args.encryption == "rc4" else lt.enc_level.plaintext
        settings.update({"out_enc_policy": int(lt.enc_policy.forced), "in_enc_policy": int(lt.enc_policy.forced),
                         "allowed_enc_level": int(level), "prefer_rc4": args.encryption == "rc4"})
    if args.count_rejects:
        settings["alert_mask"] |= lt.alert.category_t.peer_log_notification
        settings["alert_queue_size"] = 1000000  # the peer log is chatty; a dropped alert would undercount
    if args.unchoke_slots:
        settings["unchoke_slots_limit"] = args.unchoke_slots
    if args.unchoke_interval:
        settings["unchoke_interval"] = args.unchoke_interval
    ses = lt.session(settings, 0)  # 0: no default plugins (no ut_pex, no ut_metadata) unless --extensions
    for name in filter(None, args.extensions.split(",")):
        ses.add_extension(name)
    h = None
    if args.magnet or args.torrent:
        if args.magnet:
            atp = lt.parse_magnet_uri(args.magnet)
        else:
            atp = lt.add_torrent_params()
            atp.ti = lt.torrent_info(args.torrent)
        atp.save_path = args.save_path
        h = ses.add_torrent(atp)
        if args.upload_limit:
            h.set_upload_limit(args.upload_limit)
        for p in args.peer:
            host, port = p.rsplit(":", 1)
            host = host.strip("[]")  # [::1]:6881
            h.connect_peer((host, int(port)))
    elif not args.dht:
        ap.error("give --torrent or --magnet (or --dht for a DHT node alone)")

    # "connect HOST:PORT" lines on stdin make it dial a peer (Transmission never dials loopback peers).
    commands = queue.Queue()

    def read_commands():
        for line in sys.stdin:
            commands.put(line.strip())

    threading.Thread(target=read_commands, daemon=True).start()

    rejects = 0
    dht_announces = 0
    next_dht_announce = 0
    deadline = time.time() + args.seconds
    next_announce = time.time() + args.reannounce_seconds
    # A benchmark times a leecher to its "done", and a Transmission leecher waits for its seeder's
    # "connect": a loop that slept a second at each turn added up to a second to either (a sixth of
    # a 1 GiB download on loopback). A command now wakes the loop at once, a leecher that exits
    # when done looks every 50 ms, and the status line is still printed once a second.
    tick = 0.05 if args.exit_when_done else 1.0
    next_print = 0
    while time.time() < deadline:
        try:
            pending = [commands.get(timeout=tick)]
        except queue.Empty:
            pending = []
        printing = time.time() >= next_print
        if printing:
            next_print = time.time() + 1
        if h is not None and args.reannounce_seconds and time.time() >= next_announce:
            h.force_reannounce()
            next_announce = time.time() + args.reannounce_seconds
        while not commands.empty():
            pending.append(commands.get())
        for cmd in pending:
            if cmd.startswith("connect "):
                host, port = cmd.split()[1].rsplit(":", 1)
                host = host.strip("[]")
                h.connect_peer((host, int(port)))
        for a in ses.pop_alerts():
            if isinstance(a, lt.peer_log_alert):
                # libtorrent logs each incoming BEP 6 reject as "<== REJECT_PIECE"
                if "<== REJECT_PIECE" in a.message():
                    rejects += 1
                continue
            print("alert: %s" % a.message(), file=sys.stderr, flush=True)
        if h is None:
            if printing:
                print("dht_nodes=%d" % ses.status().dht_nodes, flush=True)
            continue
        if args.dht_announce_seconds and ses.status().dht_nodes > 0 and time.time() >= next_dht_announce:
            h.force_dht_announce()
            dht_announces += 1
            next_dht_announce = time.time() + args.dht_announce_seconds
        s = h.status()
        finished = args.exit_when_done and s.is_seeding
        if printing or finished:  # the last line before "done" is its final status
            print("state=%s progress=%.4f peers=%d down=%d up=%d uploaded=%d rejects=%d dht_nodes=%d dht_announces=%d" % (
                s.state, s.progress, s.num_peers, s.download_rate, s.upload_rate, s.total_upload, rejects,
                ses.status().dht_nodes, dht_announces), flush=True)
        if finished:
            print("done", flush=True)
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
