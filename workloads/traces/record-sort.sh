#!/usr/bin/env bash
# record-sort.sh - records sort.lackey.zst, the real trace scripts/demo runs every policy on.
#
# GNU sort (C locale) sorting 2000 random lines of 200-1799 lowercase letters (1.9 MB),
# traced by Valgrind lackey: every instruction fetch, load and store of the whole process,
# from the dynamic loader's first instruction to exit. About 3.8 million page references
# over about 716 distinct 4 KiB pages: the input read into sort's buffer, the line table,
# the merge sort's temporaries, stdio buffers, code of sort, libc and ld.so, and the stack.
#
# The input comes from a Park-Miller generator (x = 16807 x mod 2^31-1, exact in any awk's
# doubles), so mawk and gawk write the same file; its SHA-256 is checked below.
# Usage: workloads/traces/record-sort.sh [OUT]   (default: sort.lackey.zst beside this script)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/sort.lackey.zst}"
command -v valgrind >/dev/null || { echo "record-sort.sh: valgrind not found; apt-get install -y valgrind" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
awk 'BEGIN {
    x = 2024
    for (i = 0; i < 2000; i++) {
        x = (x * 16807) % 2147483647; len = 200 + x % 1600; s = ""
        for (j = 0; j < len; j++) { x = (x * 16807) % 2147483647; s = s sprintf("%c", 97 + x % 26) }
        print s
    }
}' > input.txt
want=d7a1a8a5311c3afd  # first 16 hex digits of the input's SHA-256
got="$(sha256sum input.txt | cut -c1-16)"
if [ "$want" != "$got" ]; then
    echo "record-sort.sh: warning: input SHA-256 prefix $got, expected $want" >&2
fi

# lackey writes its trace to fd 3, piped straight into zstd: no large log on disk.
# --log-fd keeps the ==PID== header lines; pagesim's lackey reader skips them.
LC_ALL=C valgrind --tool=lackey --trace-mem=yes --log-fd=3 \
    sort input.txt 3>&1 >/dev/null | zstd -19 -T0 -q -f -o "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
