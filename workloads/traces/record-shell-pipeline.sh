#!/usr/bin/env bash
# record-shell-pipeline.sh - records shell-pipeline.trace.zst: a small shell pipeline.
#
#   LC_ALL=C pagesim record -- sh -c 'seq 1 200 | sort -r | head -3'
#
# dash forks three children, which exec seq, sort and head, and waits for them: four
# processes, three forks, three execs, the shell's waits, and every mmap, munmap, mprotect
# and brk of the four. A smaller sibling of pipeline.trace.zst for tests. The trace is
# pagesim text (see workloads/trace_text.c), compressed with zstd -19.
# Usage: workloads/traces/record-shell-pipeline.sh [OUT]   (default: beside this script)
# PAGESIM names the pagesim binary (default: build/pagesim of this repository).
set -euo pipefail
. "$(dirname "$0")/record-lib.sh"
record_start shell-pipeline.trace.zst "$@"
LC_ALL=C "$pagesim" record -o "$tmp/trace.txt" -- sh -c 'seq 1 200 | sort -r | head -3' >/dev/null
record_finish
