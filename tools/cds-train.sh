#!/bin/bash
# Writes the image's class-data archive from a real download: a skiff seeder and a skiff leecher
# on 127.0.0.1, the leecher dumping every class it loaded as it exits. Classes, lambdas and method
# handles of the download path then load from the archive instead of being built at each start.
# Usage: tools/cds-train.sh IMAGE_DIR JVM_OPTION...   Exits non-zero if no archive was made.
set -u
image=$1
shift
java="$image/bin/java"
work=$(mktemp -d)
seeder=
cleanup() {
    [ -n "$seeder" ] && kill "$seeder" 2>/dev/null && wait "$seeder" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/seed"
# neither the builder's config file nor their DHT nodes file: the training runs' own
export XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config"
head -c $((4 << 20)) /dev/urandom > "$work/seed/train.bin"
"$java" "$@" -m skiff/skiff.cli.Main create --no-date -t http://127.0.0.1:1/announce --piece-size 64K \
    -o "$work/train.torrent" "$work/seed/train.bin" > /dev/null || exit 1
port=$((20000 + $$ % 20000))
# On 127.0.0.1 only: no router asked for a port; the leecher's DHT starts from the seeder's port
# (nothing answers there), so its classes are archived without a packet leaving the machine.
"$java" "$@" -m skiff/skiff.cli.Main -q --seed --no-dht --bind 127.0.0.1 -d "$work/seed" --port "$port" "$work/train.torrent" &
seeder=$!
for _ in $(seq 100); do # at most 10 s for the seeder to listen
    (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null && break
    sleep 0.1
done
rm -f "$image/lib/skiff.jsa"
timeout 60 "$java" "$@" -XX:ArchiveClassesAtExit="$image/lib/skiff.jsa" -m skiff/skiff.cli.Main -q \
    --bind 127.0.0.1 --dht-bootstrap "127.0.0.1:$port" -d "$work/dl" --port $((port + 1)) --peer "127.0.0.1:$port" \
    "$work/train.torrent" > /dev/null 2>&1
[ -f "$image/lib/skiff.jsa" ] && cmp -s "$work/seed/train.bin" "$work/dl/train.bin"
