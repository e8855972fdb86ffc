#!/usr/bin/env bash
# Start-to-first-reply of the embedded Redis server, next to a real redis-server measured the
# same way (process spawn -> first PONG). Forks N fresh JVMs that each build and start an
# EmbeddedRedisServer in process and PING it over a raw socket, then N standalone servers
# (dev.distlock.embedded.Main) and N redis-servers that are polled with PING until they answer;
# the three alternate round by round. Prints medians, min and max in ms.
#
#   embedded-store/bench/startup.sh                 # N=15
#   N=30 embedded-store/bench/startup.sh
#   JAVA_OPTS="-XX:SharedArchiveFile=/tmp/es.jsa" embedded-store/bench/startup.sh   # with an AppCDS archive
#
# Needs Maven and Java 17; redis-server is measured if it is on the PATH. Servers listen on
# 127.0.0.1, free ports, and are stopped at once. See dev.distlock.embedded.bench.StartupBench.
set -euo pipefail

N=${N:-15}
JAVA_OPTS=${JAVA_OPTS:-}

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building embedded-store..." >&2
build() { (cd "$root" && mvn -q "$@" -pl embedded-store test-compile dependency:build-classpath \
  -DincludeScope=runtime -Dmdep.outputFile="$work/cp.txt" >&2); }
build -o || build   # offline first; online only if something is missing
# copies, so that a concurrent build of the module does not change the classes under us
cp -r "$root/embedded-store/target/classes" "$work/classes"
mkdir -p "$work/bench/dev/distlock/embedded/bench"
cp "$root"/embedded-store/target/test-classes/dev/distlock/embedded/bench/StartupBench*.class \
  "$work/bench/dev/distlock/embedded/bench/"
cp="$work/classes:$(cat "$work/cp.txt"):$work/bench"

# shellcheck disable=SC2086
java -cp "$cp" dev.distlock.embedded.bench.StartupBench run "$N" $JAVA_OPTS
