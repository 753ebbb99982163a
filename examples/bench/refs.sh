#!/usr/bin/env bash
# shellcheck disable=SC2317 # the install_* functions are called by name, in step
# Installs the reference tools the benchmarks compare against into DIR/bin:
#   jq 1.8.2  built from the C source vendored in the PyPI package `jq`
#             (its sdist holds deps/jq-1.8.2.tar.gz), with the bundled oniguruma;
#   jaq 3.x   the jaq CLI from crates.io (cargo install --locked);
#   gojq      Debian's package (apt-get, needs root), linked into DIR/bin.
#
# Usage: examples/bench/refs.sh DIR
# Then:  PATH=DIR/bin:$PATH examples/bench/general.sh
#    or  JQ=DIR/bin/jq JAQ=DIR/bin/jaq GOJQ=DIR/bin/gojq examples/bench/general.sh
# Needs pip, cargo, a C compiler and make. Each step says what it runs; a step
# that fails is reported and the others still run (exit 1 at the end).
set -uo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }
mkdir -p "$1/bin" "$1/src" || exit 2
dir=$(cd "$1" && pwd)
# The PyPI release of the `jq` bindings that vendors jq 1.8.2.
pyjq=1.13.0
failed=0

say() { printf '+ %s\n' "$*" >&2; }
run() { say "$@"; "$@"; }

install_jq() {
    local src=$dir/src
    if [[ ! -f $src/jq-$pyjq.tar.gz ]]; then
        # --no-binary jq makes pip fetch jq's sdist (its wheels hold no C
        # source); its build tools (Cython) still come as wheels, which saves
        # the minutes --no-binary :all: spends compiling Cython.
        run pip download --quiet --no-binary jq --no-deps "jq==$pyjq" -d "$src" || return 1
    fi
    run tar -xzf "$src/jq-$pyjq.tar.gz" -C "$src" "jq-$pyjq/deps/jq-1.8.2.tar.gz" || return 1
    run tar -xzf "$src/jq-$pyjq/deps/jq-1.8.2.tar.gz" -C "$src" || return 1
    (
        cd "$src/jq-1.8.2" || exit 1
        # --disable-shared: one self-contained binary, not a libtool wrapper.
        say "(in $PWD) ./configure --with-oniguruma=builtin --disable-shared --disable-docs > configure.log"
        ./configure --with-oniguruma=builtin --disable-shared --disable-docs \
            > configure.log 2>&1 || { tail -20 configure.log; exit 1; }
        say "(in $PWD) make -j$(nproc) > make.log"
        make -j"$(nproc)" > make.log 2>&1 || { tail -20 make.log; exit 1; }
    ) || return 1
    run install -m 755 "$src/jq-1.8.2/jq" "$dir/bin/jq" || return 1
    "$dir/bin/jq" --version
}

install_jaq() {
    run cargo install --quiet --locked jaq --version '^3' --root "$dir" || return 1
    "$dir/bin/jaq" --version
}

install_gojq() {
    if ! command -v gojq > /dev/null; then
        if [[ $(id -u) -ne 0 ]]; then
            echo "gojq: not installed and not root; run: sudo apt-get install -y gojq" >&2
            return 1
        fi
        run apt-get install -y -qq gojq > /dev/null || { run apt-get update -qq && run apt-get install -y -qq gojq > /dev/null; } || return 1
    fi
    run ln -sf "$(command -v gojq)" "$dir/bin/gojq" || return 1
    "$dir/bin/gojq" --version
}

step() {
    echo "== $1" >&2
    if ! "install_$1"; then
        echo "refs.sh: installing $1 failed" >&2
        failed=1
    fi
}
step jq
step jaq
step gojq
echo "installed in $dir/bin:" >&2
ls -l "$dir/bin" >&2
exit "$failed"
