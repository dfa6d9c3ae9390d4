#!/usr/bin/env bash
# wait-http.sh URL...: returns once every URL answers 2xx, polling every 10 ms; fails after 60 s.
set -euo pipefail
deadline=$((SECONDS + 60))
for url in "$@"; do
  until curl -fsS --max-time 1 -o /dev/null "$url" 2>/dev/null; do
    ((SECONDS < deadline)) || { echo "wait-http.sh: $url did not answer 2xx within 60 s" >&2; exit 1; }
    sleep 0.01
  done
done
