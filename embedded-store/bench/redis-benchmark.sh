#!/usr/bin/env bash
# Compares the embedded Redis-protocol server with a real redis-server, in the same run, with
# redis-benchmark: 50 clients, SET/GET/INCR, pipeline 1 and 16. Prints requests/s for each and
# the ratio embedded/real (target: >= 0.50 in all six runs).
#
#   embedded-store/bench/redis-benchmark.sh            # defaults
#   ROUNDS=5 N1=300000 N16=3000000 embedded-store/bench/redis-benchmark.sh
#
# Needs redis-server, redis-benchmark and redis-cli (Debian: apt-get install redis-server) and
# Maven. Both servers listen on 127.0.0.1 on free ports and are stopped on exit. Each
# configuration runs ROUNDS times against each server (alternating) and the best round of each
# counts, so a noisy neighbour hurts both sides alike. The embedded server is warmed up first
# (JIT), as a long-running server would be.
set -euo pipefail

N1=${N1:-200000}
N16=${N16:-2000000}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-50}
JAVA_OPTS=${JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC}

for tool in redis-server redis-benchmark redis-cli java mvn; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "building embedded-store..." >&2
(cd "$root" && mvn -q -pl embedded-store compile dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile="$work/cp.txt" >&2)
cp -r "$root/embedded-store/target/classes" "$work/classes"
cp="$work/classes:$(cat "$work/cp.txt")"

# embedded server on a free port (it prints its URI)
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$cp" dev.distlock.embedded.Main --port 0 > "$work/embedded.out" 2>"$work/embedded.err" &
pids+=($!)
for _ in $(seq 1 200); do grep -q '^redis://' "$work/embedded.out" && break; sleep 0.1; done
eport=$(sed -n 's|^redis://127.0.0.1:\([0-9]*\)$|\1|p' "$work/embedded.out")
[ -n "$eport" ] || { echo "embedded server did not start" >&2; cat "$work/embedded.err" >&2; exit 1; }

# real redis on a free port
rport=""
for _ in $(seq 1 20); do
  p=$(( 20000 + RANDOM % 30000 ))
  redis-cli -p "$p" ping >/dev/null 2>&1 && continue
  redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
      --logfile "$work/redis.log" --dir "$work" &
  pid=$!
  for _ in $(seq 1 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
  if redis-cli -p "$p" ping >/dev/null 2>&1; then pids+=("$pid"); rport=$p; break; fi
  kill "$pid" 2>/dev/null || true
done
[ -n "$rport" ] || { echo "redis-server did not start" >&2; exit 1; }

echo "embedded on $eport, redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on $rport" >&2
echo "warming up the embedded server..." >&2
redis-benchmark -p "$eport" -q -c "$CLIENTS" -n 300000 -t set,get,incr -P 16 >/dev/null
redis-benchmark -p "$eport" -q -c "$CLIENTS" -n 100000 -t set,get,incr -P 1 >/dev/null

# run PORT PIPELINE N -> lines "TEST rps"
run() {
  redis-benchmark -p "$1" -q -c "$CLIENTS" -n "$3" -t set,get,incr -P "$2" 2>/dev/null | tr '\r' '\n' \
    | sed -n 's/^\([A-Z]*\): \([0-9.]*\) requests per second.*/\1 \2/p'
}

declare -A best
for P in 1 16; do
  n=$N1; [ "$P" = 16 ] && n=$N16
  for r in $(seq 1 "$ROUNDS"); do
    for side in embedded real; do
      port=$eport; [ "$side" = real ] && port=$rport
      while read -r t v; do
        k="$side/$P/$t"
        cur=${best[$k]:-0}
        if awk "BEGIN{exit !($v > $cur)}"; then best[$k]=$v; fi
      done < <(run "$port" "$P" "$n")
      echo "  round $r P$P $side done" >&2
    done
  done
done

printf '\nredis-benchmark -q -c %s -t set,get,incr (best of %s rounds; -n %s at P1, %s at P16)\n' \
  "$CLIENTS" "$ROUNDS" "$N1" "$N16"
printf '%-6s %-4s %14s %14s %8s\n' test P embedded real ratio
worst=1000
for P in 1 16; do
  for t in SET GET INCR; do
    e=${best[embedded/$P/$t]:-0}; r=${best[real/$P/$t]:-0}
    ratio=$(awk "BEGIN{ if ($r > 0) printf \"%.2f\", $e / $r; else print \"n/a\" }")
    printf '%-6s %-4s %14.0f %14.0f %8s\n' "$t" "$P" "$e" "$r" "$ratio"
    worst=$(awk "BEGIN{ r = ($r > 0) ? $e / $r : 0; print (r < $worst) ? r : $worst }")
  done
done
printf 'lowest ratio: %.2f (target >= 0.50)\n' "$worst"
