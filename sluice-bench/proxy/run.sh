#!/usr/bin/env bash
# The gateway as a proxy, side by side with nginx and a plain Armeria proxy, in one run (issue 14).
# Needs nginx (Debian: nginx-light), wrk and curl. Everything listens on 127.0.0.1; nothing else is
# contacted. Targets, measured in turn within each round so that they share the machine's state:
#   direct  the backend itself (nginx answering a fixed 294-byte JSON body, or StreamingBackend)
#   nginx   nginx as a reverse proxy with upstream keep-alive
#   plain   PlainProxy: Armeria forwarding each request as it arrives, no flow control (the floor)
#   sluice  the gateway, flow control in the path ({detector: concurrency, maxConcurrency: 1024},
#           which never queues at these loads)
# Prints a markdown table per case: req/s (and p50 at 1 connection, chunks/s when streaming) per
# round, the ratios to direct and to nginx, and the load average when the round started.
#   sluice-bench/proxy/run.sh [seconds=10] [rounds=3] [connections="1 16 64"]
# Environment: SKIP_BUILD=1 uses the jars already built; JAVA_OPTS for both JVMs (default
# -Xms256m -Xmx256m); WARMUP seconds of load per JVM target, twice, before measuring (default
# 20); STREAM_CHUNKS (default 64) chunks per streamed answer; STREAM=0 skips the
# streaming case; SLUICE_SATURATION replaces the gateway's saturation section.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
rounds=${2:-3}
connections=${3:-"1 16 64"}
chunks=${STREAM_CHUNKS:-64}
java_opts=${JAVA_OPTS:--Xms256m -Xmx256m}
saturation=${SLUICE_SATURATION:-"{detector: concurrency, maxConcurrency: 1024}"}
for tool in nginx wrk curl; do
  command -v "$tool" >/dev/null || { echo "proxy bench: $tool is not installed (apt-get install nginx-light wrk curl)" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; rm -rf "$work"' EXIT

BACKEND=18180; NGINX=18181; GATEWAY=18182; ADMIN=18183; PLAIN=18184
STREAM_BACKEND=18185; STREAM_NGINX=18186; STREAM_GATEWAY=18187; STREAM_ADMIN=18188; STREAM_PLAIN=18189
answer='{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today? This answer is a fixed body."},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}'
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$BACKEND; keepalive 256; }
  upstream stream { server 127.0.0.1:$STREAM_BACKEND; keepalive 256; }
  server {
    listen 127.0.0.1:$BACKEND;
    # Keeps its connections as an engine (uvicorn) does; nginx's default closes one every 1000
    # requests, and a proxy that does not retry answers the request caught in that race with 502.
    keepalive_requests 100000000;
    location = /metrics { default_type text/plain; return 200 "vllm:num_requests_running{engine=\"0\"} 0\nvllm:num_requests_waiting{engine=\"0\"} 0\nvllm:kv_cache_usage_perc{engine=\"0\"} 0.1\n"; }
    location / { default_type application/json; return 200 '$answer'; }
  }
  server {
    listen 127.0.0.1:$NGINX;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
  server {
    listen 127.0.0.1:$STREAM_NGINX;
    location / { proxy_pass http://stream; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -q -B -ntp -DskipTests -pl sluice-gateway,sluice-bench -am package
fi
gateway() { # port admin-port backend-port
  cat > "$work/sluice-$1.yaml" <<CONF
server: {host: 127.0.0.1, port: $1}
admin: {host: 127.0.0.1, port: $2}
backends: [http://127.0.0.1:$3]
saturation: $saturation
CONF
  # shellcheck disable=SC2086
  java $java_opts -jar sluice-gateway/target/sluice-gateway.jar --config "$work/sluice-$1.yaml" > "$work/gateway-$1.log" 2>&1 &
}
bench() { # main-class args...
  # shellcheck disable=SC2086
  java $java_opts -cp sluice-bench/target/benchmarks.jar "$@" > "$work/$1.$2.log" 2>&1 &
}
pid_of() { # port -> the JVM listening there (for its CPU time)
  for _ in $(seq 1 300); do
    pid=$(ss -Htlnp "sport = :$1" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
    [ -n "$pid" ] && { echo "$pid"; return 0; }
    sleep 0.1
  done
  echo 0
}
wait_for() { # url
  for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "proxy bench: $1 did not come up" >&2; exit 1
}
gateway $GATEWAY $ADMIN $BACKEND
bench dev.sluice.bench.proxy.PlainProxy $PLAIN "http://127.0.0.1:$BACKEND"
if [ "${STREAM:-1}" != 0 ]; then
  bench dev.sluice.bench.proxy.StreamingBackend $STREAM_BACKEND "$chunks"
  wait_for "http://127.0.0.1:$STREAM_BACKEND/metrics"
  gateway $STREAM_GATEWAY $STREAM_ADMIN $STREAM_BACKEND
  bench dev.sluice.bench.proxy.PlainProxy $STREAM_PLAIN "http://127.0.0.1:$STREAM_BACKEND"
  wait_for "http://127.0.0.1:$STREAM_ADMIN/health/ready"
fi
wait_for "http://127.0.0.1:$ADMIN/health/ready"

cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"m","messages":[{"role":"user","content":"Say hello to the proxy benchmark."}]}'
LUA
cat > "$work/stream.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"m","stream":true,"messages":[{"role":"user","content":"Say hello to the proxy benchmark."}]}'
LUA
# The JVMs compile their hot paths first. On a busy machine the JIT threads get little CPU and a
# short warm-up measures the interpreter: load every JVM target twice, WARMUP seconds each time.
warmup=${WARMUP:-20}
warm="post.lua:$PLAIN post.lua:$GATEWAY"
[ "${STREAM:-1}" != 0 ] && warm="$warm stream.lua:$STREAM_PLAIN stream.lua:$STREAM_GATEWAY"
for _ in 1 2; do
  for target in $warm; do
    wrk -t2 -c64 -d"${warmup}s" -s "$work/${target%%:*}" "http://127.0.0.1:${target##*:}/v1/chat/completions" >/dev/null
  done
done
PLAIN_PID=$(pid_of $PLAIN); GATEWAY_PID=$(pid_of $GATEWAY)

usec() { # wrk's latency ("152.00us", "1.20ms", "2.00s") in microseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /s$/) print n * 1000000; else print n }'
}
cpu_ticks() { if [ "$1" -gt 0 ]; then awk '{print $14 + $15}' "/proc/$1/stat"; else echo 0; fi; }
run() { # script port conns [pid] -> "req/s p50-us cpu-us-per-request"
  local threads=2; [ "$3" -lt 2 ] && threads=1
  local out before after
  before=$(cpu_ticks "${4:-0}")
  out=$(wrk -t$threads -c"$3" -d"${seconds}s" --latency -s "$work/$1" "http://127.0.0.1:$2/v1/chat/completions")
  after=$(cpu_ticks "${4:-0}")
  if echo "$out" | grep -q 'Non-2xx'; then # counted in req/s; said on stderr
    echo "proxy bench: port $2, $3 connections: $(echo "$out" | awk '/Non-2xx/ {print $NF}') non-2xx answers of $(echo "$out" | awk '/requests in/ {print $1}')" >&2
  fi
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(usec "$(echo "$out" | awk '$1=="50%" {print $2}')")" \
    "$(echo "$out" | awk -v b="$before" -v a="$after" -v t="$(getconf CLK_TCK)" '/requests in/ {printf "%.0f", (a - b) / t * 1e6 / $1}')"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "## Proxy overhead, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "$(nproc) cores, $(java -version 2>&1 | head -1), $(nginx -v 2>&1), wrk -d${seconds}s (-t2, -t1 at 1 connection)," \
  "POST of a 90-byte chat body; JVMs: $java_opts; gateway saturation: $saturation"
echo
echo "| round | conns | load | direct req/s | nginx req/s | plain Armeria req/s | Sluice req/s | nginx / direct | plain / direct | Sluice / direct | Sluice / nginx | Sluice / plain | p50 direct / nginx / plain / Sluice (µs) | JVM CPU µs per request, plain / Sluice |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for round in $(seq 1 "$rounds"); do
  for c in $connections; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    read -r d dp _ <<<"$(run post.lua $BACKEND "$c")"
    read -r n np _ <<<"$(run post.lua $NGINX "$c")"
    read -r p pp pc <<<"$(run post.lua $PLAIN "$c" "$PLAIN_PID")"
    read -r s sp sc <<<"$(run post.lua $GATEWAY "$c" "$GATEWAY_PID")"
    echo "| $round | $c | $load | $d | $n | $p | $s | $(ratio "$n" "$d") | $(ratio "$p" "$d") | $(ratio "$s" "$d") | $(ratio "$s" "$n") | $(ratio "$s" "$p") | $dp / $np / $pp / $sp | $pc / $sc |"
  done
done
[ "${STREAM:-1}" = 0 ] && exit 0
echo
echo "Streaming: each answer is $chunks SSE chunks and a [DONE] from StreamingBackend, read to the end; chunks/s = answers/s x $chunks."
echo
echo "| round | conns | load | direct chunks/s | nginx chunks/s | plain Armeria chunks/s | Sluice chunks/s | Sluice / direct | Sluice / nginx | Sluice / plain |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for round in $(seq 1 "$rounds"); do
  for c in 16; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    read -r d _ _ <<<"$(run stream.lua $STREAM_BACKEND "$c")"
    read -r n _ _ <<<"$(run stream.lua $STREAM_NGINX "$c")"
    read -r p _ _ <<<"$(run stream.lua $STREAM_PLAIN "$c")"
    read -r s _ _ <<<"$(run stream.lua $STREAM_GATEWAY "$c")"
    cps() { awk -v r="$1" -v k="$chunks" 'BEGIN { printf "%.0f", r * k }'; }
    echo "| $round | $c | $load | $(cps "$d") | $(cps "$n") | $(cps "$p") | $(cps "$s") | $(ratio "$s" "$d") | $(ratio "$s" "$n") | $(ratio "$s" "$p") |"
  done
done
echo
echo "Streaming, first byte: median time to the first byte of a streamed answer over 50 sequential curl requests (one connection each)."
echo
echo "| direct µs | nginx µs | plain Armeria µs | Sluice µs |"
echo "|---|---|---|---|"
ttfb() { # port -> median time_starttransfer in µs
  for _ in $(seq 1 50); do
    curl -s -o /dev/null -w '%{time_starttransfer}\n' -H 'Content-Type: application/json' \
      -d '{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}' "http://127.0.0.1:$1/v1/chat/completions"
  done | sort -n | awk '{v[NR] = $1} END {printf "%.0f", v[int((NR + 1) / 2)] * 1e6}'
}
echo "| $(ttfb $STREAM_BACKEND) | $(ttfb $STREAM_NGINX) | $(ttfb $STREAM_PLAIN) | $(ttfb $STREAM_GATEWAY) |"
