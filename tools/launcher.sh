#!/bin/sh
# skiff launcher for the jlink image: JVM defaults sized for a router or a small board.
# SKIFF_OPTS (JVM options) comes last, so it can override any default, e.g. SKIFF_OPTS=-Xmx64m.
# Follow symlinks to the real launcher (ln -s .../bin/skiff ~/bin/skiff), portably: no readlink -f.
self=$0
while [ -L "$self" ]; do
  link=$(readlink "$self")
  case $link in
    /*) self=$link ;;
    *) self=$(dirname "$self")/$link ;;
  esac
done
dir=$(cd "$(dirname "$self")/.." && pwd)
# The class-data archive (lib/server/classes.jsa) maps at the address it was written for, relocating
# it only if that is taken: JDK 17's updates relocate it at every start by default, which writes a
# pointer into nearly every page of it and so turns about 6 MiB of shared file pages into private
# anonymous memory.
cds="-Xshare:auto -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
# Which methods C2 may compile (tools/jit-directives.json). -DisplayVMOutput keeps the VM's
# "directives added" line, and any other VM chatter on stdout, out of skiff's output.
jit=
[ -f "$dir/lib/skiff-jit.json" ] && jit="-XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput -XX:CompilerDirectivesFile=$dir/lib/skiff-jit.json"
exec "$dir/bin/java" @JVM_OPTS@ $cds $jit $SKIFF_OPTS -m skiff/skiff.cli.Main "$@"
