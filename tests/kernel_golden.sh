#!/usr/bin/env bash
# tests/kernel_golden.sh PAGESIM KCHECK SRCDIR - pagesim's `linux` against the real kernel's
# figures that scripts/kernel-check measured (tests/data/kernel_golden.txt: the kernel, its
# date, and per memory limit, mode and pattern the calibrated frames, the median, min and max
# pages read in over 5 runs). No root needed: for each row it regenerates the pattern's trace
# with tests/kernel/kcheck.c at those frames, runs `pagesim run -p linux` and checks that
# io.file_read is within 5% of the kernel's median, or within the kernel's [min, max] where
# that is wider, on every row. The `pread` rows run as `read` records after `fadvise random`,
# the `mmap` rows as a shared mapping with `madvise random` (kcheck.c writes both).
set -euo pipefail
ps="$1"; kc="$2"; src="$3"
data="$src/tests/data/kernel_golden.txt"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

fail=0; checked=0
# The three trace forms of a pattern are one page sequence (and the generator is seeded).
"$kc" trace pread two_hot 500 | awk '$1 == "read" { printf "%d\n", $4 / 4096 }' > "$tmp/a"
"$kc" trace pread-mapped two_hot 500 | sed -n 's/^mmap .*@0x\([0-9a-f]*\) shared$/\1/p' |
    while read -r h; do echo $(( 16#$h / 4096 )); done > "$tmp/b"
"$kc" trace mmap two_hot 500 | sed -n 's/^R 0x\([0-9a-f]*\) 1$/\1/p' |
    while read -r h; do echo $(( (16#$h - 0x10000000) / 4096 )); done > "$tmp/c"
"$kc" trace pread two_hot 500 | awk '$1 == "read" { printf "%d\n", $4 / 4096 }' > "$tmp/d"
if [ "$(wc -l < "$tmp/a")" != 4000 ] || ! cmp -s "$tmp/a" "$tmp/b" || ! cmp -s "$tmp/a" "$tmp/c" || ! cmp -s "$tmp/a" "$tmp/d"; then
    echo "FAIL: kcheck's pread, pread-mapped and mmap traces of two_hot differ (or are not 4000 references)"; fail=1
fi
while read -r lim mode frames pat med min max _; do
    case "$lim" in ''|'#'*) continue ;; esac
    t="$tmp/t.txt"
    "$kc" trace "$mode" "$pat" "$frames" kcheck > "$t"
    "$ps" run -q --tlb 0 -p linux -f "$frames" -o "$tmp/r.json" "$t"
    got=$(jq -r '.io.file_read' "$tmp/r.json")
    within=$(awk -v l="$got" -v m="$med" -v a="$min" -v b="$max" 'BEGIN {
        d = l - m; if (d < 0) d = -d; print (d <= 0.05 * m || (l >= a && l <= b)) ? 1 : 0 }')
    key="$lim/$mode/$pat"
    checked=$((checked + 1))
    if [ "$within" = 0 ]; then
        echo "FAIL $key: linux $got, kernel median $med ($min-$max), more than 5% off"; fail=1
    else
        echo "ok   $key: linux $got, kernel $med ($min-$max)"
    fi
done < "$data"
[ $checked -gt 0 ] || { echo "FAIL: no row of $data was checked"; exit 1; }
exit $fail
