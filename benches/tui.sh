#!/usr/bin/env bash
# Benchmark the explorer (docs/benchmarks.md, "The explorer"): launch to the
# first complete screen, and input to redrawn frame, measured by the binary
# itself (TOP10_TUI_TRACE) while tmux plays a person pressing keys.
#
#   benches/tui.sh                      # the built-in sample
#   benches/tui.sh --lake DIR           # any lake (built on first use)
#   benches/tui.sh --warehouse DIR
#
# Environment: TOP10 (the binary; default: the release build in
# $CARGO_TARGET_DIR or ~/.cache/top10-target), RUNS (launches, default 10),
# ROUNDS (key rounds, default 3), SIZE (default 160x50).
set -euo pipefail

target="${CARGO_TARGET_DIR:-$HOME/.cache/top10-target}"
bin="${TOP10:-$target/release/top10}"
runs="${RUNS:-10}"
rounds="${ROUNDS:-3}"
size="${SIZE:-160x50}"
w="${size%x*}"
h="${size#*x}"
socket="top10-bench-$$"
work="$(mktemp -d)"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

command -v tmux >/dev/null || { echo "tmux is required" >&2; exit 2; }
[ -x "$bin" ] || { echo "no binary at $bin: cargo build --release" >&2; exit 2; }

args=(tui "$@")
quoted=$(printf '%q ' "$bin" "${args[@]}")

# Build (or find) the warehouse first, so launches measure the explorer only.
"$bin" query top10 "$@" --date 1970-01-01 --country XX >/dev/null 2>&1 || true

wait_for() { # file pattern
  for _ in $(seq 1 600); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "timed out waiting for '$2' in $1" >&2
  exit 1
}

keys() { # send keys one at a time, 150 ms apart, to measure each alone
  for k in "$@"; do
    tmux -L "$socket" send-keys -t b "$k"
    sleep 0.15
  done
}

echo "binary:   $bin"
echo "source:   ${*:-built-in sample}"
echo "terminal: ${w}x${h} (tmux $(tmux -V | cut -d' ' -f2))"

# 1. Launch to first complete screen.
for i in $(seq 1 "$runs"); do
  trace="$work/launch-$i.trace"
  tmux -L "$socket" new-session -d -s b -x "$w" -y "$h" \
    "TOP10_TUI_TRACE=$trace $quoted"
  wait_for "$trace" first_complete_frame_ms
  tmux -L "$socket" send-keys -t b q
  while tmux -L "$socket" has-session -t b 2>/dev/null; do sleep 0.05; done
done

# 2. Input to frame: first visits (loading), then the same views again
# (cached), with cursor moves, pane cycling and the metric switch.
trace="$work/keys.trace"
tmux -L "$socket" new-session -d -s b -x "$w" -y "$h" "TOP10_TUI_TRACE=$trace $quoted"
wait_for "$trace" first_complete_frame_ms
for _ in $(seq 1 "$rounds"); do
  keys Left Left Left Right Right Right
  keys '[' ']' Down Down Up Up Tab Tab Tab Tab Tab
  keys m m m / u Escape
  keys 2 Down Enter Up Enter 3
done
keys q
while tmux -L "$socket" has-session -t b 2>/dev/null; do sleep 0.05; done

python3 - "$work" <<'EOF'
import glob, statistics, sys
work = sys.argv[1]
def stats(name, xs):
    xs = sorted(xs)
    if not xs:
        print(f"{name:44} (none)")
        return
    p = lambda q: xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]
    print(f"{name:44} n={len(xs):3}  median {statistics.median(xs):8.2f} ms  p95 {p(0.95):8.2f} ms  max {xs[-1]:8.2f} ms")
launch, first = [], []
for f in glob.glob(f"{work}/launch-*.trace"):
    for line in open(f):
        k, v = line.split()[:2]
        if k == "first_complete_frame_ms":
            launch.append(float(v))
        elif k == "first_frame_ms":
            first.append(float(v))
cached, loading, complete = [], [], []
for line in open(f"{work}/keys.trace"):
    parts = line.split()
    if parts[0] == "input_to_frame_ms":
        (cached if parts[2] == "complete" else loading).append(float(parts[1]))
    elif parts[0] == "input_to_complete_frame_ms":
        complete.append(float(parts[1]))
stats("launch to first frame (panes loading)", first)
stats("launch to first complete screen", launch)
stats("input to frame, cached view", cached)
stats("input to frame, view loading (first frame)", loading)
stats("input to complete frame, view not cached", complete)
EOF
