#!/usr/bin/env bash
# Capture tests against real V4L2 kernel drivers (vivid, v4l2loopback) in a QEMU VM.
set -euo pipefail
bash capture/vmtest/run
