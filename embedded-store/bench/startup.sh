#!/usr/bin/env bash
# Start-to-first-reply of the embedded Redis server, next to a real redis-server measured the
# same way (process spawn -> first PONG). Per round it forks a fresh JVM that builds and starts
# an EmbeddedRedisServer in process and PINGs it over a raw socket (then starts five more servers
# in that JVM), the two floors in fresh JVMs (a bare Netty NIO server with no code of this module,
# and a server on the JDK's ServerSocketChannel alone), a standalone server
# (dev.distlock.embedded.Main), the standalone server with an AppCDS archive (also with the
# README's JVM options) and a redis-server; the last ones are polled with PING until they answer.
# Prints medians, min and max in ms.
#
#   embedded-store/bench/startup.sh              # N=15 rounds
#   N=30 CDS=0 embedded-store/bench/startup.sh   # more rounds, no AppCDS contender
#   JAVA_OPTS="-XX:TieredStopAtLevel=1" embedded-store/bench/startup.sh
#
# Needs Maven and Java 17; redis-server is measured if it is on the PATH. Servers listen on
# 127.0.0.1, free ports, and are stopped at once. See dev.distlock.embedded.bench.StartupBench.
set -euo pipefail

N=${N:-15}
CDS=${CDS:-1}
JAVA_OPTS=${JAVA_OPTS:-}

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building embedded-store..." >&2
build() { (cd "$root" && mvn -q "$@" -pl embedded-store test-compile dependency:build-classpath \
  -DincludeScope=runtime -Dmdep.outputFile="$work/cp.txt" >&2); }
build -o || build   # offline first; online only if something is missing
# jars (AppCDS archives classes from jars only), copied so a concurrent build cannot change them
jar cf "$work/embedded-store.jar" -C "$root/embedded-store/target/classes" .
jar cf "$work/bench.jar" -C "$root/embedded-store/target/test-classes" dev/distlock/embedded/bench
cp="$work/embedded-store.jar:$(cat "$work/cp.txt"):$work/bench.jar"

cds=()
if [ "$CDS" = 1 ]; then cds=(--cds "$work/main.jsa"); fi
# shellcheck disable=SC2086
java -cp "$cp" dev.distlock.embedded.bench.StartupBench run "$N" "${cds[@]}" $JAVA_OPTS
