#!/bin/bash
# Replaces the image's class-data archive with one of exactly the classes skiff loads, learnt from a
# real download: a skiff seeder and a skiff leecher on 127.0.0.1 each write the list of classes,
# lambdas and method handles they loaded, and the archive is dumped from the two lists together.
# One archive of skiff's classes instead of the JDK's default archive plus a dynamic one on top:
# 10.6 MB instead of 11.4 + 3.6, and every class of the download path loads from it.
# Usage: tools/cds-train.sh IMAGE_DIR JVM_OPTION...   Exits non-zero, the image unchanged, if no
# archive was made.
set -u
image=$1
shift
java="$image/bin/java"
work=$(mktemp -d)
seeder=
cleanup() {
    [ -n "$seeder" ] && kill "$seeder" 2>/dev/null && wait "$seeder" 2>/dev/null
    [ -n "${tracker:-}" ] && kill "$tracker" 2>/dev/null && wait "$tracker" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/seed"
# neither the builder's config file nor their DHT nodes file: the training runs' own
export XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config"
head -c $((4 << 20)) /dev/urandom > "$work/seed/train.bin"
port=$((20000 + $$ % 20000))
tport=$((port + 2))
# A tracker, HTTP and UDP, run by the building JDK (TRAIN_JAVA; the image has no compiler): a real
# download announces, and the archive should hold what that loads (the HTTP reply's parsing, the
# UDP tracker's exchange), not leave it to be read from the modules at every start. Without one the
# announces fail and the training goes on.
tracker=
if [ -n "${TRAIN_JAVA:-}" ]; then
    "$TRAIN_JAVA" "$(dirname "$0")/TrainTracker.java" "$tport" "$port" > "$work/tracker.log" 2>&1 &
    tracker=$!
    for _ in $(seq 100); do # at most 10 s for it to listen (it compiles first)
        (exec 3<> "/dev/tcp/127.0.0.1/$tport") 2> /dev/null && break
        sleep 0.1
    done
fi
# The same torrent twice, one naming the HTTP tracker, one the UDP one: a download announces to the
# first tier that answers (BEP 12), and each side should walk one of the two.
for t in http udp; do
    "$java" "$@" -m skiff/skiff.cli.Main create --no-date -t "$t://127.0.0.1:$tport/announce" --piece-size 64K \
        -o "$work/$t.torrent" "$work/seed/train.bin" > /dev/null || exit 1
done
# On 127.0.0.1 only: no router asked for a port; the leecher's DHT starts from the seeder's port
# (nothing answers there), so its classes are listed without a packet leaving the machine.
"$java" "$@" -XX:DumpLoadedClassList="$work/seeder.classlist" -m skiff/skiff.cli.Main -q --seed --no-dht \
    --bind 127.0.0.1 -d "$work/seed" --port "$port" "$work/udp.torrent" &
seeder=$!
for _ in $(seq 100); do # at most 10 s for the seeder to listen
    (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null && break
    sleep 0.1
done
# Limited to 2 MiB/s, so that the download lasts a few of the swarm's one-second ticks (request
# timeouts, peer exchange), as every real one does, and their lambdas are archived too.
timeout 60 "$java" "$@" -XX:DumpLoadedClassList="$work/leecher.classlist" -m skiff/skiff.cli.Main -q \
    --download-limit 2M --bind 127.0.0.1 --dht-bootstrap "127.0.0.1:$port" -d "$work/dl" --port $((port + 1)) --peer "127.0.0.1:$port" \
    "$work/http.torrent" > /dev/null 2>&1
cmp -s "$work/seed/train.bin" "$work/dl/train.bin" || exit 1
kill "$seeder" && wait "$seeder" 2>/dev/null # SIGTERM: the seeder stops cleanly and writes its list
seeder=
# The two lists number their classes independently: the numbers go (nothing here refers to them).
# A line comes as often as the list with more of it has it: a lambda used at two call sites is
# listed twice and archived twice, one class per site; kept once, the second site's class was
# generated at every start.
awk '
    FNR == 1 { file++ }
    /^#/ { next }
    { sub(/ id: [0-9]+$/, ""); n[file, $0]++; if (!($0 in first)) { first[$0] = 1; order[++lines] = $0 } }
    END { for (i = 1; i <= lines; i++) { l = order[i]; k = n[1, l] > n[2, l] ? n[1, l] : n[2, l]; while (k-- > 0) print l } }' \
    "$work/leecher.classlist" "$work/seeder.classlist" > "$work/skiff.classlist"
# Dumped with the image's own options (the serial collector): an archive is used only by a JVM
# whose settings match the ones it was written with.
"$java" "$@" -Xshare:dump -XX:SharedClassListFile="$work/skiff.classlist" \
    -XX:SharedArchiveFile="$work/classes.jsa" > "$work/dump.log" 2>&1 || { cat "$work/dump.log" >&2; exit 1; }
# lib/classlist, the JDK's list for -Xshare:dump, is of no further use
mv -f "$work/classes.jsa" "$image/lib/server/classes.jsa" && rm -f "$image/lib/classlist"
