#!/bin/sh
# Renders what a command shows in a terminal of COLUMNS columns as an SVG,
# from a real terminal: the command runs in a detached tmux pane, the pane is
# captured with its colours (`tmux capture-pane -e -p`), and
# docs/screen-to-svg.py draws it.
#
#   docs/screen.sh 100 docs/demo.svg 'cc-replay --demo | cc-fmt'
#
# The ccpipe binaries must be on PATH (cargo install --locked --path ., or
# PATH=target/release:$PATH). Needs tmux and python3.
set -eu
cols=$1 out=$2 cmd=$3
here=$(dirname "$0")
sock=ccpipe-screen-$$
work=$(mktemp -d)
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
printf '%s\n' "$cmd" > "$work/cmd"
cat > "$work/run" <<RUN
printf '\$ %s\n' "\$(cat '$work/cmd')"
sh '$work/cmd'
tmux -L $sock wait-for -S done
sleep 600
RUN
env -u NO_COLOR -u CLICOLOR_FORCE -u COLUMNS tmux -L "$sock" -f /dev/null new-session -d \
    -x "$cols" -y 200 -e "PATH=$PATH" "sh '$work/run'"
tmux -L "$sock" wait-for done
tmux -L "$sock" capture-pane -e -p -S - > "$work/capture"
python3 "$here/screen-to-svg.py" "$cols" "$cmd" < "$work/capture" > "$out"
echo "wrote $out ($(grep -c . "$work/capture") lines)"
