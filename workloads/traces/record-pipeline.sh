#!/usr/bin/env bash
# record-pipeline.sh - records pipeline.trace.zst: a shell pipeline, with fork and exec.
#
#   LC_ALL=C pagesim record -- sh -c 'seq 1 2000 | sort -r | head -5'
#
# dash forks three children, which exec seq, sort and head: four processes, three forks
# (copy-on-write of the shell's pages shows up in replay), three execs, and every mmap,
# munmap, mprotect and brk of the four, with the areas Valgrind's loader mapped at each
# start (executable, ld.so, stack). About 6.7 million references. The trace is pagesim text
# (see workloads/trace_text.c), compressed with zstd -19.
# Usage: workloads/traces/record-pipeline.sh [OUT]   (default: pipeline.trace.zst here)
# PAGESIM names the pagesim binary (default: build/pagesim of this repository).
set -euo pipefail
. "$(dirname "$0")/record-lib.sh"
record_start pipeline.trace.zst "$@"
LC_ALL=C "$pagesim" record -o "$tmp/trace.txt" -- sh -c 'seq 1 2000 | sort -r | head -5' >/dev/null
record_finish
