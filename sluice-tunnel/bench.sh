#!/usr/bin/env bash
# The tunnel's benchmarks (docs/benchmarks.md, section "Tunnel"); not part of `mvn verify`.
#   sluice-tunnel/bench.sh [transfer|stalled|all] [--mib N]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=sluice-tunnel/target/sluice-tunnel.jar
if [ ! -f "$JAR" ] || [ -n "$(find sluice-core/src/main sluice-tunnel/src/main sluice-tunnel/pom.xml -newer "$JAR" -print -quit)" ]; then
  ./mvnw -q -B -ntp -DskipTests -pl sluice-tunnel -am package
fi
exec java -Xmx1g -cp "$JAR" dev.sluice.tunnel.TunnelBench "$@"
