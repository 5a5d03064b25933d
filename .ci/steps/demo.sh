#!/usr/bin/env bash
# The offline demo walks the real TUI by itself, undrawn (CI has no
# terminal), and must pass: `go run . demo --auto --json` exits 0 and the
# verify response it prints says "passed": true (issue 7).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
go run . demo --auto --json </dev/null >"$out" || rc=$?
cat "$out"
if [ "$rc" -ne 0 ]; then
  echo "demo --auto --json exited $rc, want 0"; exit 1
fi
if ! grep -Eq '"passed": *true' "$out"; then
  echo 'demo --auto --json: no "passed": true in the verify response'; exit 1
fi
for k in livenessScore faceMatchScore antiSpoofingScore; do
  grep -q "\"$k\"" "$out" || { echo "demo --auto --json: no $k in details"; exit 1; }
done
echo "demo --auto --json passed"
