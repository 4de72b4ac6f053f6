#!/usr/bin/env bash
# End-to-end: drive the real explorer binary in a detached tmux session of fixed size.
# Checks: it starts, the iteration counter advances, `m` changes the model, `?` shows help,
# `q` exits with status 0 and the terminal is restored (alternate screen left); TERM=dumb is
# refused with a clear line and TERM=vt100 (no alternate screen) exits to a clean screen.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${FLOWLAB_BIN:-.build/debug/flowlab}
[ -x "$BIN" ] || swift build
WORK=$(mktemp -d)
SESSION=flowlab-e2e-$$
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$WORK"' EXIT

fail() { echo "e2e FAILED: $*"; echo "--- screen ---"; cat "$WORK/screen.txt" 2>/dev/null || true; exit 1; }
capture() { tmux capture-pane -t "$SESSION" -p > "$WORK/screen.txt"; }
iteration() { capture; sed -n 's/.*Iter *\([0-9][0-9]*\).*/\1/p' "$WORK/screen.txt" | head -1; }
wait_for() {  # wait_for PATTERN SECONDS
    for _ in $(seq 1 $(( $2 * 10 ))); do capture; grep -q "$1" "$WORK/screen.txt" && return 0; sleep 0.1; done
    return 1
}
wait_gone() {  # wait_gone PATTERN SECONDS
    for _ in $(seq 1 $(( $2 * 10 ))); do capture; grep -q "$1" "$WORK/screen.txt" || return 0; sleep 0.1; done
    return 1
}

tmux new-session -d -s "$SESSION" -x 120 -y 40 \
    "LANG=C.UTF-8 $BIN tui --model realnvp --dataset 8gaussians --seed 1; echo \"exit=\$?\" > $WORK/rc; sleep 30"

wait_for "Status" 20 || fail "explorer did not start"
wait_for "Iter  *[0-9]" 20 || fail "no iteration counter"
first=$(iteration)
sleep 2
second=$(iteration)
[ -n "$first" ] && [ -n "$second" ] && [ "$second" -gt "$first" ] || fail "iteration counter did not advance ($first -> $second)"
echo "iterations advanced: $first -> $second"

tmux send-keys -t "$SESSION" m
wait_for "Model    glow" 10 || fail "m did not switch the model to glow"
echo "m switched the model"

# c: a second model side by side (the next one, nsf), with a leaderboard; m picks another; c again: one model.
tmux send-keys -t "$SESSION" c
wait_for "nsf density" 20 || fail "c did not show the compare view"
# A capture can land mid-redraw (curses writes only what changed): wait for each part.
wait_for "Leaderboard" 10 || fail "c: no leaderboard"
wait_for "glow density" 10 || fail "c: the left model is not shown"
tmux send-keys -t "$SESSION" m
wait_for "ffjord density" 20 || fail "m did not change the right-hand model while comparing"
tmux send-keys -t "$SESSION" c
wait_for "Model    glow" 10 || fail "c again did not return to one model"
wait_gone "Leaderboard" 10 || fail "c again left the leaderboard on screen"
echo "c compared glow with nsf, m picked ffjord, c went back"

tmux send-keys -t "$SESSION" '?'
wait_for "FlowLab keys" 5 || fail "? did not show help"
tmux send-keys -t "$SESSION" '?'
echo "? showed help"

tmux send-keys -t "$SESSION" q
for _ in $(seq 1 50); do [ -f "$WORK/rc" ] && break; sleep 0.1; done
[ -f "$WORK/rc" ] || fail "q did not exit"
grep -q "exit=0" "$WORK/rc" || fail "exit status: $(cat "$WORK/rc")"
# Terminal restored: tmux reports the pane left the alternate screen.
[ "$(tmux display -p -t "$SESSION" '#{alternate_on}')" = "0" ] || fail "terminal left in the alternate screen"
echo "q exited with status 0 and restored the terminal"

# Not a terminal: a clear error, non-zero exit, no curses garbage.
if out=$("$BIN" tui </dev/null 2>&1 >/dev/null); then fail "tui without a terminal should fail"; fi
echo "$out" | grep -q "not a terminal" || fail "unclear error without a terminal: $out"
# A terminal that cannot address the cursor is refused with one clear line (issue 16 item 5).
tmux kill-session -t "$SESSION" 2>/dev/null || true
rm -f "$WORK/rc"
tmux new-session -d -s "$SESSION" -x 120 -y 40 "TERM=dumb $BIN tui 2>$WORK/err; echo \"exit=\$?\" > $WORK/rc; sleep 30"
for _ in $(seq 1 50); do [ -f "$WORK/rc" ] && break; sleep 0.1; done
grep -q "exit=1" "$WORK/rc" 2>/dev/null || fail "TERM=dumb: exit status $(cat "$WORK/rc" 2>/dev/null)"
grep -q "cannot move the cursor" "$WORK/err" || fail "TERM=dumb: unclear error: $(cat "$WORK/err")"
echo "TERM=dumb refused clearly"

# Without an alternate screen (vt100) the last frame is not left behind.
tmux kill-session -t "$SESSION" 2>/dev/null || true
rm -f "$WORK/rc"
tmux new-session -d -s "$SESSION" -x 120 -y 40 "TERM=vt100 LANG=C.UTF-8 $BIN tui; echo \"exit=\$?\" > $WORK/rc; sleep 30"
wait_for "Status" 20 || fail "TERM=vt100: explorer did not start"
tmux send-keys -t "$SESSION" q
for _ in $(seq 1 50); do [ -f "$WORK/rc" ] && break; sleep 0.1; done
grep -q "exit=0" "$WORK/rc" 2>/dev/null || fail "TERM=vt100: exit status $(cat "$WORK/rc" 2>/dev/null)"
capture
! grep -q "Status" "$WORK/screen.txt" || fail "TERM=vt100: the last frame was left on the screen"
echo "TERM=vt100 exits to a clean screen"
echo "e2e passed"
