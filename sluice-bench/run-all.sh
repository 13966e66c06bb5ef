#!/usr/bin/env bash
# Runs every measurement in docs/benchmarks.md, in order, recording the machine load beside each.
# Usage (from the repository root, after building the jar):
#   ./mvnw -q -B -ntp -pl sluice-bench -am package -DskipTests
#   bash sluice-bench/run-all.sh [results-dir]        # about 12 minutes on 2 cores
set -euo pipefail
JAR=sluice-bench/target/benchmarks.jar
OUT=${1:-sluice-bench/target/results}
mkdir -p "$OUT"
RUN="-f 1 -wi 3 -w 1s -i 5 -r 1s"
MATRIX="-f 1 -wi 2 -w 1s -i 3 -r 1s"

step() { # name, command...
  local name=$1; shift
  { echo "# $(date -u +%FT%TZ) load: $(uptime | sed 's/.*load average: //')"; echo "# $*"; } > "$OUT/$name.txt"
  "$@" >> "$OUT/$name.txt" 2>&1
  echo "# done $(date -u +%FT%TZ) load: $(uptime | sed 's/.*load average: //')" >> "$OUT/$name.txt"
  echo "$name: $OUT/$name.txt"
}

{
  echo "date: $(date -u +%FT%TZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
  echo "jdk: $(java -version 2>&1 | head -1)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "sluice-core changes not committed: $(git status --short sluice-core 2>/dev/null | wc -l)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

step admission-t1 java -jar $JAR AdmissionBenchmark $RUN -t 1 -prof gc -rf csv -rff "$OUT/admission-t1.csv"
step admission-t2 java -jar $JAR AdmissionBenchmark $RUN -t 2 -prof gc -rf csv -rff "$OUT/admission-t2.csv"
step saturated-l1 java -jar $JAR SaturatedDispatchBenchmark $MATRIX -p limit=1 -prof gc -rf csv -rff "$OUT/saturated-l1.csv"
step saturated-l100 java -jar $JAR SaturatedDispatchBenchmark $MATRIX -p limit=100 -p submitters=1000 -prof gc -rf csv -rff "$OUT/saturated-l100.csv"
step concurrent-t1 java -jar $JAR ConcurrentDispatchBenchmark $MATRIX -t 1 -prof gc -rf csv -rff "$OUT/concurrent-t1.csv"
step concurrent-t2 java -jar $JAR ConcurrentDispatchBenchmark $MATRIX -t 2 -prof gc -rf csv -rff "$OUT/concurrent-t2.csv"
step gie-highshard java -jar $JAR SaturatedDispatchBenchmark $MATRIX -p limit=50 -p bands=1 -p flows=100 -p submitters=100 -p shards=1,16,64,128,256 -prof gc -rf csv -rff "$OUT/gie-highshard.csv"
step gie-churn java -jar $JAR 'TopologyChurnBenchmark|MassCancellationBenchmark' $MATRIX -prof gc -rf csv -rff "$OUT/gie-churn.csv"
step queues java -jar $JAR QueueBenchmark $RUN -prof gc -rf csv -rff "$OUT/queues.csv"
step retained-heap java -Xms3g -Xmx3g -cp $JAR dev.sluice.bench.heap.RetainedHeapProbe 1000000 1000
step lab java -Djava.awt.headless=true -cp $JAR dev.sluice.lab.LabReport docs 1
step report java -Djava.awt.headless=true -cp $JAR dev.sluice.bench.report.JmhReport "$OUT" docs
