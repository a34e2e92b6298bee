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
# The JVM's SHA-1 intrinsic needs the CPU's SHA-1 instructions (x86 sha_ni, ARMv8 sha1); without
# them SHA-1 is Java code that C2 must compile, which skiff-jit.json does not allow.
jit=
directives=skiff-jit.json
grep -q -w -e sha_ni -e sha1 /proc/cpuinfo 2>/dev/null || directives=skiff-jit-java-sha1.json
[ -f "$dir/lib/$directives" ] && jit="-XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput -XX:CompilerDirectivesFile=$dir/lib/$directives"
# Java names files in the locale's character set. In the C locale (a service's or a cron job's bare
# environment) or a UTF-8 one that is not installed, that is ASCII, and a torrent's file named "café"
# could not be written. Torrents name files in UTF-8 (BEP 3), and libtorrent, Transmission and aria2
# write those bytes as they are: where the locale is not UTF-8, skiff runs in C.UTF-8.
[ "$(locale charmap 2>/dev/null)" = UTF-8 ] || export LC_ALL=C.UTF-8
# glibc gives each thread that mallocs (the JIT's compiler threads above all) an arena of its own,
# and memory freed in one is kept there. One arena: 150 KiB less at a 1 GiB download's peak (12,770
# against 12,936 KiB), the same CPU, seeding too. The --on-complete command gets the caller's
# environment back (skiff.cli.CompletionHook).
arena=
if [ -z "${MALLOC_ARENA_MAX+set}" ]; then
  export MALLOC_ARENA_MAX=1
  arena=-Dskiff.launcherSetMallocArenaMax=true
fi
exec "$dir/bin/java" @JVM_OPTS@ $cds $jit $arena $SKIFF_OPTS -m skiff/skiff.cli.Main "$@"
