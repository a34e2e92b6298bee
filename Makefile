# skiff: make (build), make test, make run TORRENT=x, make image, make clean.
# Needs a JDK 17+ and make; `make test` also needs Maven once, to fetch the JUnit launcher.

JAVA      ?= java
JAVAC     ?= javac
JAR       ?= jar
JLINK     ?= jlink
JDEPS     ?= jdeps
MVN       ?= mvn
JAVA_HOME ?= $(patsubst %/bin/javac,%,$(realpath $(shell command -v $(JAVAC))))

JUNIT_VERSION := 1.14.3
JUNIT_JAR     := build/lib/junit-platform-console-standalone-$(JUNIT_VERSION).jar

SRC      := $(shell find src -name '*.java')
RES      := $(shell find src -type f ! -name '*.java')
TEST_SRC := $(shell find test -name '*.java')

comma := ,
# HTTPS trackers need the EC ciphers, a separate module on JDK 17 (merged into java.base later).
TLS_MODULES := $(if $(wildcard $(JAVA_HOME)/jmods/jdk.crypto.ec.jmod),$(comma)jdk.crypto.ec)


TORRENT ?=
ARGS    ?=

.PHONY: all build test interop fuzz bench bench-crowd bench-files bench-picker bench-leech bench-swarm bench-utp-loss bench-webseed soak run image clean
.DELETE_ON_ERROR:

all: build
build: build/skiff.jar

build/skiff.jar: $(SRC) $(RES)
	@rm -rf build/classes && mkdir -p build/classes
	@echo "javac src -> build/classes"
	@$(JAVAC) --release 17 -encoding UTF-8 -XDstringConcat=inline -Xlint:all,-serial -Werror -d build/classes $(SRC)
	@cd src && find . -type f ! -name '*.java' -exec cp --parents {} ../build/classes \;
	$(JAR) --create --file $@ --main-class skiff.cli.Main -C build/classes .

$(JUNIT_JAR):
	@mkdir -p build/lib
	$(MVN) -q -B dependency:copy \
	  -Dartifact=org.junit.platform:junit-platform-console-standalone:$(JUNIT_VERSION) \
	  -DoutputDirectory=build/lib

build/test.stamp: build/skiff.jar $(JUNIT_JAR) $(TEST_SRC)
	@rm -rf build/test-classes && mkdir -p build/test-classes
	$(JAVAC) --release 17 -encoding UTF-8 -Xlint:all,-serial,-try -d build/test-classes \
	  -cp build/classes:$(JUNIT_JAR) $(TEST_SRC)
	@touch $@

test: build/test.stamp
	@tools/run-tests "$(JAVA)" "$(JUNIT_JAR)" build/classes:build/test-classes --exclude-tag interop --exclude-tag fuzz

# Against real clients (opentracker, libtorrent, Transmission, aria2); SHORT=1 for CI's quick form.
interop: build/test.stamp build/image/bin/skiff
	@command -v opentracker >/dev/null && command -v aria2c >/dev/null && command -v transmission-cli >/dev/null && command -v jq >/dev/null \
	  && command -v miniupnpd >/dev/null && command -v upnpc >/dev/null && command -v nft >/dev/null \
	  && /usr/bin/python3 -c 'import libtorrent' 2>/dev/null || tools/install-interop-deps
	@SKIFF_INTEROP_SHORT=$(SHORT) tools/run-tests "$(JAVA)" "$(JUNIT_JAR)" build/classes:build/test-classes --include-tag interop

# Mutation fuzzing of every parser of untrusted bytes: 1,000,000 inputs each; SHORT=1 for a few seconds each.
fuzz: build/test.stamp
	@FUZZ_INPUTS=$${FUZZ_INPUTS:-$(if $(SHORT),200000,1000000)} FUZZ_SECONDS=$${FUZZ_SECONDS:-$(if $(SHORT),4,900)} \
	  tools/run-tests "$(JAVA)" "$(JUNIT_JAR)" build/classes:build/test-classes --include-tag fuzz

# Speed, CPU and memory side by side with aria2 and Transmission; BENCH_MB, BENCH_RUNS to size it.
bench: build/skiff.jar build/image/bin/skiff
	@command -v opentracker >/dev/null && command -v aria2c >/dev/null && command -v transmission-cli >/dev/null \
	  && /usr/bin/python3 -c 'import libtorrent' 2>/dev/null || tools/install-interop-deps
	/usr/bin/python3 tools/bench.py

# uTP's sender on a lossy path: skiff and libtorrent seeding a uTP-only libtorrent leecher through a
# dropping, delaying UDP relay; UTPLOSS_MB, UTPLOSS_RUNS, UTPLOSS_PERCENT, UTPLOSS_DELAY_MS.
bench-utp-loss: build/skiff.jar build/image/bin/skiff
	@/usr/bin/python3 -c 'import libtorrent' 2>/dev/null || tools/install-interop-deps
	/usr/bin/python3 tools/utp_loss_bench.py

# skiff as the only seeder to libtorrent, aria2 and Transmission, beside a libtorrent seeder; LEECH_MB, LEECH_RUNS.
bench-crowd: build/skiff.jar build/image/bin/skiff
	@command -v opentracker >/dev/null && /usr/bin/python3 -c 'import libtorrent' 2>/dev/null || tools/install-interop-deps
	/usr/bin/python3 tools/crowd_bench.py

# A web seed (BEP 19) alone: nginx serves the file, skiff, aria2, libtorrent and Transmission take it in turn; WEBSEED_MB, WEBSEED_RUNS.
bench-files: build/skiff.jar build/image/bin/skiff
	@command -v aria2c >/dev/null && command -v transmission-cli >/dev/null \
	  && /usr/bin/python3 -c 'import libtorrent' 2>/dev/null || tools/install-interop-deps
	/usr/bin/python3 tools/files_bench.py

bench-webseed: build/skiff.jar build/image/bin/skiff
	@command -v nginx >/dev/null && command -v aria2c >/dev/null && command -v transmission-cli >/dev/null \
	  && /usr/bin/python3 -c 'import libtorrent' 2>/dev/null || tools/install-interop-deps
	/usr/bin/python3 tools/webseed_bench.py

# The piece picker alone, driven as 30 seeds would drive it: CPU time choosing blocks for 1 GiB and 40 GiB
# torrents, with the image's JIT settings; PICKER_CLASSES=dir measures another build's classes instead.
bench-picker: build/skiff.jar
	$(JAVA) $(IMAGE_JVM_OPTS) -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput \
	  -XX:CompilerDirectivesFile=$(JIT_DIRECTIVES) --class-path $(or $(PICKER_CLASSES),build/classes) tools/PickerBench.java

# A swarm like the ones people join: 20 rate-limited libtorrent seeders behind delaying relays,
# some choking on their own schedule, one leaving halfway; skiff, aria2, libtorrent and
# Transmission download from it in turn (SWARM_MB, SWARM_RUNS, SWARM_SEEDERS, SWARM_CLIENTS).
bench-swarm: build/skiff.jar build/image/bin/skiff
	@command -v opentracker >/dev/null && command -v aria2c >/dev/null && command -v transmission-cli >/dev/null \
	  && /usr/bin/python3 -c 'import libtorrent' 2>/dev/null || tools/install-interop-deps
	/usr/bin/python3 tools/swarm_bench.py
	/usr/bin/python3 tools/seed_bench.py

bench-leech: build/skiff.jar build/image/bin/skiff
	@command -v opentracker >/dev/null && command -v aria2c >/dev/null && command -v transmission-cli >/dev/null \
	  && /usr/bin/python3 -c 'import libtorrent' 2>/dev/null || tools/install-interop-deps
	/usr/bin/python3 tools/leech_bench.py

# 200 libtorrent sessions on skiff for several minutes: memory start/peak/end and loop liveness.
soak: build/skiff.jar build/image/bin/skiff
	/usr/bin/python3 tools/soak.py

# The image's JVM options apply to `make run` too: against the JVM's defaults, a 1 GiB download
# took 2.5-3.4 CPU s instead of 3.7-4.2, and peak RssAnon 27 MiB instead of 67-69.
# On a terminal skiff runs as its own foreground job (bash job control), so that Ctrl-C reaches
# skiff alone: it stops cleanly and says so, and make, which never saw the signal, prints nothing.
run: build/skiff.jar
	@test -n "$(TORRENT)" || { echo "usage: make run TORRENT=file.torrent [ARGS='...']" >&2; exit 2; }
	@set -- $(RUN_LOCALE) $(JAVA) $(IMAGE_JVM_OPTS) -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput -XX:ArchiveRelocationMode=0 \
	  -XX:CompilerDirectivesFile=$(JIT_DIRECTIVES) $(SKIFF_OPTS) -jar build/skiff.jar $(ARGS) "$(TORRENT)"; \
	if [ -t 0 ] && command -v bash >/dev/null; then \
	  bash -c 'set -m; "$$@" & fg %1 >/dev/null; s=$$?; [ $$s -eq 130 ] && exit 0; exit $$s' skiff "$$@"; \
	else exec "$$@"; fi

# File names in UTF-8 where the locale is not (see tools/launcher.sh).
RUN_LOCALE := $(if $(filter UTF-8,$(shell locale charmap 2>/dev/null)),,env LC_ALL=C.UTF-8)

# The JIT directives for this CPU, as tools/launcher.sh picks them for the image: SHA-1 is an
# intrinsic only where the CPU has SHA-1 instructions.
JIT_DIRECTIVES := $(if $(shell grep -s -q -w -e sha_ni -e sha1 /proc/cpuinfo && echo y),tools/jit-directives.json,tools/jit-directives-java-sha1.json)

# Low-memory JVM defaults for routers and small boards; SKIFF_OPTS (in the environment) adds or overrides.
# Bytes never pass through Java code (kernel copies, the SHA-1 intrinsic), so C2 gains little:
# - tools/jit-directives.json lets C2 compile only the JDK's SHA-1 methods that reach the intrinsic
#   (the file says why). C2 time in a 1 GiB download fell from 0.55-0.79 s to 0.01-0.02 s; C1's
#   code runs the loop nearly as well.
# - No method is compiled twice by C1. The interpreter profiles a method from its 128th call, and
#   at the Tier4 thresholds (a fiftieth to a twentieth of the defaults) the method goes to C2,
#   which may compile only the SHA-1 code; any other method then gets C1's plain code at once.
#   C1's profiling code (level 3), which served C2 alone, is never made: its thresholds are out of
#   reach. A 256 MiB download (-XX:+PrintCompilation) had C1 compile 1,192 times before (863 with
#   profiling code, 329 plain), 627 times now (all plain). A 1 GiB download, 6
#   alternating rounds: 1.74 -> 1.57 CPU s, peak RssAnon 13,984 -> 13,472 KiB. 256 MiB from 20
#   seeders (make bench-swarm, 4 rounds, paired): with Tier4 thresholds twice these, 1.10 -> 0.98
#   CPU s and 15.6 -> 14.5 MiB; these against those, 0.85 against 0.91 CPU s, 14.3 against 14.5 MiB.
# - The profile (a MethodData in metaspace) is made at a method's 512th call instead of its 128th
#   (Tier0InvokeNotifyFreqLog, also how often the interpreter asks for a compile), and holds no
#   receiver types nor argument types, which only C2 would read and the SHA-1 code does not need.
#   Profiles were half the metaspace: 906 KB committed at 2.2 s into a 1 GiB download, 394 KB
#   with no profiling at all. Peak RssAnon 12,602 -> 12,050 KiB, CPU 1.59 -> 1.66 s (medians of 4
#   alternating rounds; the 256th call instead: 12,474 KiB, 1.65 s).
# - Smaller inlining limits keep C2's work on the SHA-1 code small. C1 inlines methods of at most
#   20 bytecodes instead of 35: its code and its compile arenas are smaller, and a 1 GiB download
#   peaked at 14.3 MiB of RssAnon instead of 14.6 at the same CPU (1.69 s, 6 alternating rounds).
# The interned-string table starts at 4,096 buckets instead of 65,536 (it grows when it fills): a
# download interns about 2,800 strings, and the unused buckets were 480 KB of private memory. The
# symbol table (the names the archive lacks) starts at 2,048 buckets instead of 32,768, for 240 KB.
# A 384 KiB young generation: little survives a collection, and eden's pages stay resident once
# touched. Peak RssAnon of a 1 GiB download 16.8 -> 15.4 MiB with 1 MiB, 10 young collections (10.6 ms)
# instead of 4 (5.1 ms); seeding to 220 peers for 60 s, 17.5 -> 16.1 MiB, 15 collections (12 ms) instead
# of 5 (47 ms). 1 MiB -> 512 KiB: 1 GiB 14.7-14.8 -> 14.2-14.5 MiB, 26 collections instead of 10 (0.25 ms
# each); 256 MiB from 20 seeders 15.8-15.9 -> 15.3-15.4; seeding 20 leechers 30 instead of 12; CPU the same.
# 512 -> 384 KiB: 1 GiB 12,896 -> 12,760 KiB (5 alternating rounds, CPU 1.69 -> 1.55 s), 57 young
# collections instead of 36 (16.5 ms in all instead of 13.0); seeding 20 leechers 0.89 -> 0.92 CPU s.
# The heap starts at 2 MiB instead of 8 and grows when a full collection leaves less than 40% free:
# Serial GC's old generation is collected only when full, so with 8 MiB it filled with promoted
# garbage up to its size before the first collection. A torrent of 4,000 files (3.3 MB live) peaked
# at 20,640 KiB of RssAnon with 8 MiB, 18,180 with 2 (4 alternating rounds, fresh ext4, CPU 0.99 against
# 1.02 s); a 1 GiB download the same (12,618 and 12,670 KiB, 1.97 CPU s, 6 alternating rounds). Three full
# collections (1-2.3 ms each) in the first 0.1 s, while the torrent is parsed.
# The JDK looks for a replacement selector provider with a ServiceLoader, which reads every module
# of the image: 55 classes loaded (and archived) at each start, to find none. On Linux the provider
# is named, and loaded directly.
SELECTOR_OPT := $(if $(filter Linux,$(shell uname -s)),-Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider)
IMAGE_JVM_OPTS := $(SELECTOR_OPT) -XX:+UseSerialGC -Xms2m -Xmn384k -Xmx32m -Xss512k -XX:MaxDirectMemorySize=16m \
  -XX:StringTableSize=4096 -XX:+UnlockExperimentalVMOptions -XX:SymbolTableSize=2048 \
  -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=48m -XX:CICompilerCount=2 \
  -XX:FreqInlineSize=100 -XX:InlineSmallCode=1000 -XX:C1MaxInlineSize=20 \
  -XX:Tier0ProfilingStartPercentage=0 -XX:Tier3InvocationThreshold=100000 \
  -XX:Tier3MinInvocationThreshold=100000 -XX:Tier3CompileThreshold=1000000 -XX:Tier3BackEdgeThreshold=10000000 \
  -XX:Tier4InvocationThreshold=100 -XX:Tier4MinInvocationThreshold=15 \
  -XX:Tier4CompileThreshold=300 -XX:Tier4BackEdgeThreshold=2000 \
  -XX:Tier0InvokeNotifyFreqLog=9 -XX:TypeProfileWidth=0 -XX:TypeProfileLevel=0

image: build/image/bin/skiff

# The JDK's messages in other languages than English, for keytool (not in the image), the java
# launcher and the security classes: 220 KB of the image. skiff speaks English, and a JDK message it
# passes on falls back to the English one (a resource bundle's base). A package cannot be left empty
# (jlink refuses), so only these go.
LOCALIZED_JDK_MESSAGES := /java\.base/(sun/security/tools/keytool|sun/security/util|sun/launcher/resources)/[A-Za-z]+_(de|es|fr|it|ja|ko|pt_BR|sv|zh_CN|zh_HK|zh_TW)\.class
# keytool's classes, but one (its package must stay): its command is not in the image. 58 KB.
KEYTOOL_CLASSES := /java\.base/sun/security/tools/keytool/(Main|CertAndKeyGen|Pair|Resources)[A-Za-z$$]*\.class
# The Chinese, Japanese and Korean charsets: 690 KB. The launcher runs the JVM in a UTF-8 locale
# (file names are UTF-8, BEP 3), skiff names no charset but UTF-8, ASCII and ISO-8859-1, and the
# JDK's charset lookup treats a missing class as an unsupported charset.
CJK_CHARSETS := /java\.base/sun/nio/cs/(Big5|EUC_|GB|HKSCS|JIS_X_0208|JIS_X_0212|Johab|MS932|PCK|SJIS)[A-Za-z0-9_$$]*\.class
# The Unicode character names, for Character.getName and regex's \N{...} alone: 143 KB.
UNICODE_NAMES := /java\.base/java/lang/uniName\.dat
# ASM's tree, analysis, signature, util and commons packages, one class left in each: only
# jdk.internal.module.ModuleInfoWriter and ModuleInfoExtender use them, for jlink and jar, which
# go too. The JDK spins lambdas with ASM's core package, which stays. 170 KB.
ASM_EXTRAS := /java\.base/jdk/internal/(org/objectweb/asm/(tree|tree/analysis|signature|util|commons)/(?!UnsupportedClassVersionException\.|Value\.|SignatureVisitor\.|Textifiable\.|TableSwitchGenerator\.)|module/ModuleInfo(Writer|Extender))[^/]*\.class

build/image/bin/skiff: build/skiff.jar tools/launcher.sh tools/cds-train.sh tools/TrainTracker.java tools/DropUnwindTables.java tools/jit-directives.json tools/jit-directives-java-sha1.json Makefile
	@rm -rf build/image
	$(JLINK) --module-path build/skiff.jar:$(JAVA_HOME)/jmods \
	  --add-modules skiff,$$($(JDEPS) --print-module-deps --ignore-missing-deps build/skiff.jar)$(TLS_MODULES) \
	  --strip-debug --no-header-files --no-man-pages --compress=2 --generate-cds-archive \
	  '--exclude-resources=regex:$(LOCALIZED_JDK_MESSAGES)|$(KEYTOOL_CLASSES)|$(CJK_CHARSETS)|$(UNICODE_NAMES)|$(ASM_EXTRAS)' \
	  --output build/image > build/jlink.log 2>&1 || { cat build/jlink.log; exit 1; }
	@rm -f build/image/lib/server/classes_nocoops.jsa # a 32 MiB heap always uses compressed oops
	@# Files skiff never uses: keytool, jexec (runs jars by binfmt), jrt-fs.jar (other JDKs' tools
	@# reading this image) and libjsig.so (signal chaining, only when preloaded).
	@rm -f build/image/bin/keytool build/image/lib/jexec build/image/lib/jrt-fs.jar build/image/lib/libjsig.so \
	  build/image/lib/server/libjsig.so
	@# The JDK's two properties files without their comments (61 KB): the same properties, and each
	@# start reads and parses 3 KB instead of 58. A comment never continues; a continued line is kept.
	@for f in build/image/conf/security/java.security build/image/conf/net.properties; do \
	  awk 'cont { print; cont = /\\$$/; next } /^[ \t]*([#!]|$$)/ { next } { print; cont = /\\$$/ }' "$$f" > "$$f.tmp" \
	  && mv -f "$$f.tmp" "$$f"; done
	@sed 's|@JVM_OPTS@|$(IMAGE_JVM_OPTS)|' tools/launcher.sh > build/image/bin/skiff && chmod +x build/image/bin/skiff
	@cp tools/jit-directives.json build/image/lib/skiff-jit.json
	@cp tools/jit-directives-java-sha1.json build/image/lib/skiff-jit-java-sha1.json
	@# The symbol tables of the JVM's libraries serve only debuggers and crash reports: 4 MB. Where
	@# binutils is missing the image keeps them.
	@if command -v strip >/dev/null; then strip --strip-unneeded -R .note.stapsdt build/image/lib/server/libjvm.so build/image/lib/*.so; fi
	@# libjvm.so's unwind tables, 1.8 MB, serve only debuggers: HotSpot never unwinds (the tool says why).
	@$(JAVA) tools/DropUnwindTables.java build/image/lib/server/libjvm.so \
	  || { rm -f build/image/lib/server/libjvm.so.tmp; echo "image: kept libjvm.so's unwind tables" >&2; }
	@# One class-data archive of the classes a real download loads replaces the JDK's default one.
	@TRAIN_JAVA=$(JAVA) tools/cds-train.sh build/image $(IMAGE_JVM_OPTS) || echo "image: kept the JDK's class-data archive (training failed)" >&2
	@echo "image: build/image, $$(du -sh build/image | cut -f1), modules: $$(build/image/bin/java --list-modules | tr '\n' ' ')"

clean:
	rm -rf build
