#!/usr/bin/env bash
# record-exec-wrapper.sh - records exec-wrapper.trace.zst: a #! wrapper that execs.
#
#   LC_ALL=C pagesim record -- ./wrapper x    where wrapper is
#     #!/bin/sh
#     exec /usr/bin/env true "$@"
#
# What launchers and version managers' shims (pyenv, rbenv) do: the first process is dash
# running the script, which execs env, which execs true: one process whose image is
# replaced twice (two execs), no fork. The case `pagesim record` once lost (the exec'd
# image's log overwrote the first one's). pagesim text, compressed with zstd -19.
# Usage: workloads/traces/record-exec-wrapper.sh [OUT]   (default: beside this script)
# PAGESIM names the pagesim binary (default: build/pagesim of this repository).
set -euo pipefail
. "$(dirname "$0")/record-lib.sh"
record_start exec-wrapper.trace.zst "$@"
printf '#!/bin/sh\nexec /usr/bin/env true "$@"\n' > wrapper
chmod +x wrapper
LC_ALL=C "$pagesim" record -o "$tmp/trace.txt" -- ./wrapper x >/dev/null
record_finish
