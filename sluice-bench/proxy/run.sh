#!/usr/bin/env bash
# The gateway as a plain proxy, side by side with nginx, in one run (issue 14's measurement).
# Needs nginx (Debian: nginx-light) and wrk. Everything listens on 127.0.0.1; nothing else is
# contacted. Prints req/s and latency for: direct to the backend, through nginx, through Sluice.
#   sluice-bench/proxy/run.sh [seconds=10] [connections="16 64"]
# SLUICE_SATURATION='{detector: concurrency, maxConcurrency: 1024}' sets the gateway's gate.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-10}
connections=${2:-"16 64"}
for tool in nginx wrk; do
  command -v "$tool" >/dev/null || { echo "proxy bench: $tool is not installed (apt-get install nginx-light wrk)" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; rm -rf "$work"' EXIT

BACKEND=18180; NGINX=18181; GATEWAY=18182; ADMIN=18183
answer='{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today? This answer is a fixed body."},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}'
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$BACKEND; keepalive 256; }
  server {
    listen 127.0.0.1:$BACKEND;
    location = /metrics { default_type text/plain; return 200 "vllm:num_requests_running{engine=\"0\"} 0\nvllm:num_requests_waiting{engine=\"0\"} 0\nvllm:kv_cache_usage_perc{engine=\"0\"} 0.1\n"; }
    location / { default_type application/json; return 200 '$answer'; }
  }
  server {
    listen 127.0.0.1:$NGINX;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"

./mvnw -q -B -ntp -DskipTests -pl sluice-gateway -am package
cat > "$work/sluice.yaml" <<CONF
server: {host: 127.0.0.1, port: $GATEWAY}
admin: {host: 127.0.0.1, port: $ADMIN}
backends: [http://127.0.0.1:$BACKEND]
${SLUICE_SATURATION:+saturation: $SLUICE_SATURATION}
CONF
java -jar sluice-gateway/target/sluice-gateway.jar --config "$work/sluice.yaml" > "$work/gateway.log" 2>&1 &
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$ADMIN/health/ready" >/dev/null && break; sleep 0.1; done

cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"m","messages":[{"role":"user","content":"Say hello to the proxy benchmark."}]}'
LUA
wrk -t2 -c64 -d3s -s "$work/post.lua" "http://127.0.0.1:$GATEWAY/v1/chat/completions" >/dev/null # warm-up
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1); wrk -t2 -d${seconds}s, POST 90-byte chat body, 294-byte answer"
printf '%-6s %-8s %10s %10s %10s\n' conns target req/s p50 p99
for c in $connections; do
  for target in direct:$BACKEND nginx:$NGINX sluice:$GATEWAY; do
    name=${target%%:*}; port=${target##*:}
    out=$(wrk -t2 -c"$c" -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/v1/chat/completions")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    printf '%-6s %-8s %10s %10s %10s\n' "$c" "$name" "$rps" "$p50" "$p99"
  done
done
