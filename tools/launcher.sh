#!/bin/sh
# skiff launcher for the jlink image: JVM defaults sized for a router or a small board.
# SKIFF_OPTS (JVM options) comes last, so it can override any default, e.g. SKIFF_OPTS=-Xmx64m.
dir=$(cd "$(dirname "$0")/.." && pwd)
cds=
[ -f "$dir/lib/skiff.jsa" ] && cds="-XX:SharedArchiveFile=$dir/lib/skiff.jsa -Xshare:auto"
exec "$dir/bin/java" @JVM_OPTS@ $cds $SKIFF_OPTS -m skiff/skiff.cli.Main "$@"
