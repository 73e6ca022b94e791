#!/usr/bin/env bash
# tests/paranoid.sh PAGESIM SOURCE_DIR - every invariant after every step, on a real trace.
#
# Runs every registered replacement policy, every COW policy, both schedules, small and
# larger memories, background reclaim, readahead and swap clustering over the whole
# bundled pipeline trace (4 processes, forks, execs, file mappings), with
# `paranoid=true`: check.c's invariants (frames <-> PTEs <-> reverse map <-> swap counts <->
# policy state) are checked after every record and event, and a broken one aborts the run;
# then a few of the same on the trace in binary form, whose runs are taken whole.
# Slow (minutes), so it carries the ctest label `slow`: scripts/test --all runs it.
set -u
pagesim="$1"
src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
zstd -dc "$src/workloads/traces/pipeline.trace.zst" > "$tmp/trace.txt"
trace="$tmp/trace.txt"
pass=0 fail=0
run() {
    if "$pagesim" run --set paranoid=true --interval 0 -o "$tmp/out.json" "$@" "$trace" 2> "$tmp/err"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAILED: pagesim run $* (paranoid)" >&2
        tail -3 "$tmp/err" >&2
    fi
}
# Every policy on the trace's first 10^6 lines (20 policies x 4 runs of the whole trace took
# 8 minutes; the prefix holds the forks, execs and the rr interleavings that found bugs, such
# as lruk's clock going back under rr with 2 CPUs), the engine's configurations on all of it.
head -n 1000000 "$tmp/trace.txt" > "$tmp/prefix.txt"
trace="$tmp/prefix.txt"
policies=$("$pagesim" policies | awk '/^replacement/ {on = 1; next} /^[^ ]/ {on = 0} on && /^  [a-z0-9]/ {print $1}')
for p in $policies; do
    for f in 3 40; do
        run -p "$p" -f "$f"
        [ "$p" = opt ] || run -p "$p" -f "$f" --schedule rr --cpus 2 --quantum 20us
    done
done
trace="$tmp/trace.txt"
for cow in reuse copy eager neighbours:n=3; do
    run -f 24 --cow "$cow"
done
run -f 24 --set reclaim.low=4 --set reclaim.high=12 --set readahead=4 --set swap_cluster=4
run -f 24 --schedule rr --cpus 2 --quantum 50us --set reclaim.low=2 --set reclaim.high=8 --set readahead=2
run -f 24 --ref-bit tlb_fill --tlb 8:2 -p clock --set tlb.asid=false
# The binary form: runs replayed whole where their pages are in the TLB, checked after each.
"$pagesim" convert --to binary "$tmp/trace.txt" "$tmp/trace.pstb" || fail=$((fail + 1))
trace="$tmp/trace.pstb"
for p in lru clock fifo random; do
    run -p "$p" -f 40
    run -p "$p" -f 40 --schedule rr --cpus 2 --quantum 20us
done
run -f 24 --tlb 8:2 --set reclaim.low=4 --set reclaim.high=12 --swap-dev hdd
echo "paranoid: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
