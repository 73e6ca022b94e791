#!/usr/bin/env bash
# record-build-driver.sh - records build-driver.trace.zst: a make-like driver of short programs.
#
#   LC_ALL=C pagesim record -- sh -c 'sed s/x/y/ in.c > in.i && cat in.i > in.o && cmp -s in.i in.o'
#
# How a compiler driver or make runs a build: a shell forks a child per step, each execs a
# short program (sed, cat, cmp), and the shell waits for each before starting the next (so
# the steps do not overlap, unlike a pipeline). Four processes, three forks, three execs,
# three waits. (gcc -c on a tiny file is 79 M references and cc -E 17 M: too big to bundle.)
# pagesim text, compressed with zstd -19.
# Usage: workloads/traces/record-build-driver.sh [OUT]   (default: beside this script)
# PAGESIM names the pagesim binary (default: build/pagesim of this repository).
set -euo pipefail
. "$(dirname "$0")/record-lib.sh"
record_start build-driver.trace.zst "$@"
printf 'int x(int a) { return a + 1; }\nint main(void) { return x(-1); }\n' > in.c
LC_ALL=C "$pagesim" record -o "$tmp/trace.txt" -- \
    sh -c 'sed s/x/y/ in.c > in.i && cat in.i > in.o && cmp -s in.i in.o' >/dev/null
record_finish
