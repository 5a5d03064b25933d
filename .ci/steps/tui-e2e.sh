#!/usr/bin/env bash
# The kiosk TUI end to end: the built binary runs `kycterm demo` in a real
# terminal (tmux) at 80x24 and 120x40 and is walked with Enter alone
# (ui/e2e_test.go); `kycterm demo --auto` walks itself there and exits 0.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v tmux >/dev/null 2>&1; then
  echo "installing tmux"
  apt-get update -qq && apt-get install -y -qq tmux >/dev/null
fi
KYCTERM_E2E=1 go test -count=1 -run '^TestTmuxDemo(Auto)?$' -v ./ui/
