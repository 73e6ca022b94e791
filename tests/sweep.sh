#!/usr/bin/env bash
# tests/sweep.sh - pagesim sweep and merge end to end, on small generated traces.
#
#   tests/sweep.sh PAGESIM SOURCE_DIR      (ctest runs it as the `sweep` test)
#
# Checks: the grid's rows; every summary value against individual `pagesim run`s (means over
# seeds, and the 95% half-width t_{0.975,1} * s / sqrt(2) = 12.7062047362 * |a - b| / 2 for
# two seeds); resumption skips finished runs and leaves their files alone; a jobs file run by
# GNU parallel and merged gives a byte-identical summary.tsv; a failing grid point names
# itself, exits non-zero, leaves no JSON and does not stop the others; plots exist when
# gnuplot is installed; frame ranges, --set grids, A+B multi-process points.
set -uo pipefail
pagesim="$(realpath "$1")"
src="$(realpath "$2")"
export PAGESIM_SCRIPTS="$src/scripts"
tmp="$(mktemp -d)"
trap 'umount "$tmp/full" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp"

passed=0 failed=0
ok()   { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
check() { local what="$1"; shift; if "$@"; then ok; else fail "$what"; fi; }

# A tiny trace: 2000 references over 24 pages, skewed towards low pages, 30% writes (an LCG,
# so the same everywhere).
awk 'BEGIN { x = 12345; for (i = 0; i < 2000; i++) {
        x = (x * 1103515245 + 12345) % 2147483648; r = x / 2147483648;
        x = (x * 1103515245 + 12345) % 2147483648; w = x / 2147483648;
        p = int(24 * r * r);
        printf "%s 0x%x\n", (w < 0.3 ? "W" : "R"), 65536 + p * 4096 + (i * 8) % 4096 } }' > tiny.txt

col() {   # col FILE NAME: the column number of NAME in FILE's header
    awk -F'\t' -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) { print i; exit } }' "$1"
}
cell() {  # cell FILE POLICY FRAMES COLUMN
    local c
    c="$(col "$1" "$4")"
    [ -n "$c" ] || { echo "missing-column-$4"; return; }
    awk -F'\t' -v p="$2" -v f="$3" -v c="$c" 'NR > 1 && $1 == p && $2 == f { print $c }' "$1"
}
near() {  # near A B: equal within 1e-9 relative (the TSV prints 12 significant digits)
    awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = (a < 0 ? -a : a);
        exit !(a != "" && b != "" && d <= 1e-9 * (m > 1 ? m : 1)) }'
}

# A sweep's runs default to a timeline of 128 to 256 records (sweep.c): the same run by hand
sweep_tl="--interval 1 --set timeline_records=256"

# ---- a 2 x 3 x 2-seed sweep
out="$("$pagesim" sweep -p lru,random -f 4:12:4 --seeds 2 -j 2 -o d1 --no-plots tiny.txt 2>&1)"
check "sweep exits 0 ($out)" test $? -eq 0
# lru draws nothing from the rng and the trace is a file: one run per point, not one per seed
check "9 run files (lru once per point, random twice)" test "$(ls d1/runs/*.json | wc -l)" -eq 9
check "no lru seed 2" test -z "$(ls d1/runs | grep '^lru_.*_s2_')"
check "summary has 6 rows + header" test "$(wc -l < d1/summary.tsv)" -eq 7
for c in policy frames trace seeds faults miss_ratio faults_mean faults_ci95 miss_ratio_mean miss_ratio_ci95 \
         major_faults sim_ns cpu_utilization throughput_per_s tlb_miss_ratio cow_copies resident_peak; do
    check "summary column $c" test -n "$(col d1/summary.tsv "$c")"
done
check "rows in grid order" test "$(cut -f1,2 d1/summary.tsv | tail -n +2 | tr '\t\n' ':,')" = \
    "lru:4,lru:8,lru:12,random:4,random:8,random:12,"

random_differs=0
for p in lru random; do
    for f in 4 8 12; do
        a="$("$pagesim" run -p $p -f $f -s 1 $sweep_tl tiny.txt)"
        if [ $p = lru ]; then b="$a"; n=1; else b="$("$pagesim" run -p $p -f $f -s 2 $sweep_tl tiny.txt)"; n=2; fi
        fa="$(jq .faults.total <<<"$a")" fb="$(jq .faults.total <<<"$b")"
        ma="$(jq .miss_ratio <<<"$a")" mb="$(jq .miss_ratio <<<"$b")"
        [ "$fa" = "$fb" ] || random_differs=1
        mean="$(awk -v a="$fa" -v b="$fb" 'BEGIN { printf "%.12g", (a + b) / 2 }')"
        ci="$(awk -v a="$fa" -v b="$fb" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "%.12g", 12.7062047362 * d / 2 }')"
        [ $n = 1 ] && ci=""
        mmean="$(awk -v a="$ma" -v b="$mb" 'BEGIN { printf "%.12g", (a + b) / 2 }')"
        check "$p/$f faults mean" near "$(cell d1/summary.tsv $p $f faults_mean)" "$mean"
        check "$p/$f faults" near "$(cell d1/summary.tsv $p $f faults)" "$mean"
        if [ $n = 1 ]; then
            check "$p/$f faults ci95 blank (one run)" test -z "$(cell d1/summary.tsv $p $f faults_ci95)"
            check "$p/$f miss_ratio ci95 blank" test -z "$(cell d1/summary.tsv $p $f miss_ratio_ci95)"
            check "$p/$f sim_ns ci95 blank" test -z "$(cell d1/summary.tsv $p $f sim_ns_ci95)"
        else
            check "$p/$f faults ci95" near "$(cell d1/summary.tsv $p $f faults_ci95)" "$ci"
        fi
        check "$p/$f miss_ratio mean" near "$(cell d1/summary.tsv $p $f miss_ratio_mean)" "$mmean"
        check "$p/$f seeds" test "$(cell d1/summary.tsv $p $f seeds)" = $n
        check "$p/$f major" near "$(cell d1/summary.tsv $p $f major_faults)" \
            "$(awk -v a="$(jq .faults.major <<<"$a")" -v b="$(jq .faults.major <<<"$b")" 'BEGIN { printf "%.12g", (a + b) / 2 }')"
        check "$p/$f run file is the run" test "$(jq -S 'del(.traces)' d1/runs/${p}_f${f}_s1_tiny.txt.json)" = \
            "$(jq -S 'del(.traces)' <<<"$a")"
    done
done
check "random policy differs between seeds somewhere (the CI test means something)" test $random_differs = 1
check "lru: deterministic, ci95 empty, not 0" test -z "$(cell d1/summary.tsv lru 8 faults_ci95)"
# the seeds are not skipped where the run can draw: an hdd swap device (rotational delay)
"$pagesim" sweep -p lru -f 4 --seeds 2 --swap-dev hdd -o d1h --no-plots tiny.txt 2>/dev/null
check "hdd swap device: both seeds run" test "$(ls d1h/runs/*.json | wc -l)" -eq 2
check "hdd swap device: seeds 2" test "$(cell d1h/summary.tsv lru 4 seeds)" = 2
check "hdd swap device: a CI" test -n "$(cell d1h/summary.tsv lru 4 sim_ns_ci95)"
# ... nor under lecar (draws which expert evicts)
"$pagesim" sweep -p lecar,fifo -f 4 --seeds 3 -o d1l --jobs-file jobs1l.txt tiny.txt 2>/dev/null
check "jobs file: lecar 3 seeds, fifo 1 ($(wc -l < jobs1l.txt) lines)" test "$(grep -c ' -p lecar ' jobs1l.txt):$(grep -c ' -p fifo ' jobs1l.txt)" = 3:1

# ---- resume: finished runs are skipped and untouched
inodes_before="$(ls -i d1/runs | sort -k2 | grep -v random_f8_s2)"
cp d1/summary.tsv summary.first
rm d1/runs/random_f8_s2_tiny.txt.json
out="$("$pagesim" sweep -p lru,random -f 4:12:4 --seeds 2 -j 2 -o d1 --no-plots tiny.txt 2>&1)"
check "resume exits 0" test $? -eq 0
check "resume reports 8 skipped ($out)" grep -q "8 of 9 runs already done" <<<"$out"
check "resume re-ran the missing run" test -s d1/runs/random_f8_s2_tiny.txt.json
check "resume left finished runs alone" test "$(ls -i d1/runs | sort -k2 | grep -v random_f8_s2)" = "$inodes_before"
check "resume gives the same summary" cmp -s d1/summary.tsv summary.first
out="$("$pagesim" sweep -p lru,random -f 4:12:4 --seeds 2 -o d1 --no-plots tiny.txt 2>&1)"
check "nothing to do the third time" grep -q "9 of 9 runs already done" <<<"$out"

# ---- jobs file + GNU parallel + merge = the direct sweep
"$pagesim" sweep -p lru,random -f 4,8,12 --seeds 2 -o d2 --jobs-file jobs.txt tiny.txt 2>/dev/null
check "jobs file written" test "$(wc -l < jobs.txt)" -eq 9
check "jobs run the binary by absolute path" grep -q "^$pagesim run " jobs.txt
check "no runs before the jobs run" test -z "$(ls d2/runs)"
if command -v parallel >/dev/null; then
    parallel --will-cite -j 2 < jobs.txt
    check "parallel ran every job" test "$(ls d2/runs/*.json | wc -l)" -eq 9
    "$pagesim" merge --no-plots d2 2>/dev/null
    check "merge exits 0" test $? -eq 0
    check "jobs + parallel + merge = direct sweep" cmp -s d1/summary.tsv d2/summary.tsv
    # Without sweep.json merge still recovers the grid from the runs' configs.
    rm d2/sweep.json
    "$pagesim" merge --no-plots d2 2>/dev/null
    check "merge without sweep.json gives the same rows" \
        test "$(sort d1/summary.tsv | md5sum)" = "$(sort d2/summary.tsv | md5sum)"
else
    echo "note: GNU parallel not installed: jobs-file test skipped" >&2
fi

# ---- the same jobs file as a (simulated) Slurm array: task N runs line N; a rerun skips
"$pagesim" sweep -p lru,random -f 4,8,12 --seeds 2 -o d8 --jobs-file jobs8.txt tiny.txt 2>/dev/null
for i in $(seq 1 9); do
    SLURM_ARRAY_TASK_ID=$i "$src/scripts/slurm-sweep.sbatch" jobs8.txt >/dev/null 2>&1 || fail "slurm task $i"
done
out="$(SLURM_ARRAY_TASK_ID=3 "$src/scripts/slurm-sweep.sbatch" jobs8.txt 2>&1)"
check "a finished slurm task is skipped" grep -q "already done" <<<"$out"
f3="$(sed -n 3p jobs8.txt | awk '{ for (i = 1; i < NF; i++) if ($i == "-o") print $(i + 1) }')"
: > "$f3"
out="$(SLURM_ARRAY_TASK_ID=3 "$src/scripts/slurm-sweep.sbatch" jobs8.txt 2>&1)"
check "a 0-byte slurm result runs again ($out)" test -s "$f3"
"$pagesim" merge --no-plots d8 2>/dev/null
check "slurm array + merge = direct sweep" cmp -s d1/summary.tsv d8/summary.tsv

# ---- the whole grid is checked before anything runs: a bad point is exit 2 at once, named,
# and no point ran (no results, no summary)
bad_grid() {   # bad_grid WHAT PATTERN ARGS...: exit 2, the message matches, nothing ran
    local what="$1" pat="$2"; shift 2
    rm -rf d3
    out="$("$pagesim" sweep "$@" -j 2 -o d3 --no-plots tiny.txt 2>&1)"
    rc=$?
    check "$what: exit 2 ($rc: $out)" test $rc -eq 2
    check "$what: says which point and why" grep -q "$pat" <<<"$out"
    check "$what: nothing ran" test -z "$(ls d3/runs 2>/dev/null)" -a ! -e d3/summary.tsv
}
bad_grid "unknown policy" "grid point (policy=nosuch frames=4 trace=tiny.txt): unknown policy 'nosuch'" -p lru,nosuch -f 4,8
bad_grid "bad policy parameter" "policy=clock:bits=2.*no parameter 'bits'" -p lru,fifo,clock:bits=2 -f 4,8
bad_grid "bad parameter value" "policy=lruk:k=0" -p lru,lruk:k=0 -f 4
bad_grid "bad --set value" "costs.walk=-1.*costs.walk" -p lru -f 4 --set costs.walk=25ns,-1
bad_grid "bad device parameter" "swap device.*'foo'" -p lru -f 4 --swap-dev ssd:foo=1
bad_grid "a policy the schedule cannot run" "policy=opt.*future reference order" -p lru,opt -f 4 --schedule rr
bad_grid "a bad --set key in the second value" "tlb.entries=x" -p lru -f 4 --set tlb.entries=4,x
: > file
out="$("$pagesim" sweep -p lru -f 4 -o file/d --no-plots tiny.txt 2>&1)"
check "DIR under a file: exit 2 ($out)" test $? -eq 2
if mkdir -p ro && mount -t tmpfs -o ro,size=64k tmpfs ro 2>/dev/null; then
    out="$("$pagesim" sweep -p lru -f 4 -o ro --no-plots tiny.txt 2>&1)"
    check "read-only DIR: exit 2 ($out)" test $? -eq 2
    check "read-only DIR: says so" grep -q "ro: cannot write there" <<<"$out"
    umount ro
elif [ "$(id -u)" != 0 ]; then
    mkdir -p ro && chmod 555 ro
    out="$("$pagesim" sweep -p lru -f 4 -o ro --no-plots tiny.txt 2>&1)"
    check "read-only DIR: exit 2 ($out)" test $? -eq 2
    chmod 755 ro
fi

# ---- bad usage
"$pagesim" sweep -p lru -f 8:4:1 -o d4 tiny.txt 2>/dev/null
check "bad frame range: exit 2" test $? -eq 2
"$pagesim" sweep -p lru -f 4 --set no.such=1,2 -o d4 tiny.txt 2>/dev/null
check "unknown --set key: exit 2" test $? -eq 2
"$pagesim" sweep -p lru -f 4 -o d4 missing.txt 2>/dev/null
check "missing trace: exit 2" test $? -eq 2

# ---- --set grid, multi-process points, and the plots
"$pagesim" sweep -p lru,fifo -f 6,12 --set tlb.entries=4,16 --seeds 2 --interval 200 -o d5 --no-plots \
    tiny.txt tiny.txt+tiny.txt 2>/dev/null
check "set-grid sweep: 16 points" test "$(wc -l < d5/summary.tsv)" -eq 17
check "tlb.entries column" test -n "$(col d5/summary.tsv tlb.entries)"
check "two-process points" test "$(awk -F'\t' -v c="$(col d5/summary.tsv processes)" 'NR > 1 { print $c }' d5/summary.tsv | sort -u | tr '\n' ' ')" = "1 2 "
for t in fault_rate run_time latency_cdf timeline thrashing tlb; do
    check "plot data $t.tsv" test -s d5/$t.tsv
done
check "no cow plot without a write-fraction key" test ! -e d5/cow.tsv
if command -v gnuplot >/dev/null; then
    "$pagesim" merge d5 2>/dev/null
    for t in fault_rate run_time latency_cdf timeline thrashing tlb; do
        check "$t.png drawn" test -s d5/$t.png
        check "$t.svg drawn" test -s d5/$t.svg
    done
    rm d5/*.png
    PAGESIM="$pagesim" "$src/scripts/plot" d5 2>/dev/null
    check "scripts/plot re-renders" test -s d5/fault_rate.png
    "$pagesim" sweep -p lru -f 4,8 -o d6 tiny.txt 2>/dev/null
    check "a sweep draws its plots" test -s d6/fault_rate.png
    for t in fault_rate run_time faults; do   # every plot as PNG and SVG, the demo's faults too
        check "d6: $t.png and $t.svg" test -s d6/$t.png -a -s d6/$t.svg
    done
    check "d6: report.html shows the plots as SVG" test "$(grep -c '<img src="[a-z_]*\.svg"' d6/report.html)" -ge 3
else
    echo "note: gnuplot not installed: plot rendering not tested" >&2
fi

# ---- plots a reader can trust
# every series is drawn and named: every policy, one label each (the legend kept 12)
all20="$("$pagesim" policies | awk '/^replacement/{on=1;next} /^[^ ]/{on=0} on && /^  [a-z0-9]/{print $1}' | paste -sd,)"
npol=$(printf '%s\n' "$all20" | tr , '\n' | wc -l)
check "every policy listed ($npol >= 26)" test "$npol" -ge 26
"$pagesim" sweep -p "$all20" -f 4,8 -o d21 --no-plots tiny.txt 2>/dev/null
check "$npol policies: $npol series ($(grep '^fault_rate_n' d21/plot-vars.gp))" grep -qx "fault_rate_n = $npol" d21/plot-vars.gp
check "$npol policies: $npol labels" test "$(grep '^array fault_rate_labels' d21/plot-vars.gp | grep -o '"[^"]*"' | wc -l)" -eq "$npol"
check "$npol policies: run_time too" grep -qx "run_time_n = $npol" d21/plot-vars.gp
# run_time.tsv: each point's simulated time in ms, and per access in ns
want="$(jq -r '[.time.sim_ns / 1e6, .time.sim_ns / .accesses] | @tsv' d21/runs/lru_f8_tiny.txt.json)"
got="$(awk -F'\t' -v s="$(grep -o '"[^"]*"' <<<"$(grep '^array run_time_labels' d21/plot-vars.gp)" | grep -nx '"lru"' | cut -d: -f1)" \
    '!/^#/ && NF > 2 && $1 == s - 1 && $2 == 8 { print $4 "\t" $6 }' d21/run_time.tsv)"
check "run_time.tsv: lru at 8 frames ($got; want $want)" near "${got%%$'\t'*}" "${want%%$'\t'*}"
check "run_time.tsv: ns per access" near "${got##*$'\t'}" "${want##*$'\t'}"
# the latency CDF: every curve from 0 to 1, inside an axis fitted to the data
lo="$(awk '$1 == "latency_cdf_lo" { print $3 }' d21/plot-vars.gp)" hi="$(awk '$1 == "latency_cdf_hi" { print $3 }' d21/plot-vars.gp)"
check "latency CDF axis: lo $lo < hi $hi" awk -v a="$lo" -v b="$hi" 'BEGIN { exit !(a + 0 < b + 0 && a + 0 > 0) }'
check "latency CDF: each curve starts at (lo, 0) and ends at (hi, 1)" awk -F'\t' -v lo="$lo" -v hi="$hi" '
    !/^#/ && NF == 3 { if (!($1 in first)) { first[$1] = $2 ":" $3 } last[$1] = $2 ":" $3;
                       if ($2 + 0 < lo + 0 || $2 + 0 > hi + 0) bad = 1 }
    END { for (s in first) if (first[s] != lo ":0" || last[s] != hi ":1") bad = 1; exit bad }' d21/latency_cdf.tsv
mn="$(jq -s 'map(.latency.major_fault_cdf[0][0] / 1000) | min' d21/runs/*.json)"
mx="$(jq -s 'map(.latency.major_fault_cdf[-1][0] / 1000) | max' d21/runs/*.json)"
check "latency CDF axis fits the data: $lo <= $mn, $mx <= $hi, within 2x" awk -v lo="$lo" -v hi="$hi" -v a="$mn" -v b="$mx" \
    'BEGIN { exit !(lo <= a && b <= hi && a / lo < 2 && hi / b < 2) }'
# the thrashing curve only along one workload at several process counts: tiny.txt and
# tiny.txt+tiny.txt are one (d5 has it), tiny.txt and an unrelated 2-process trace are not
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "R 0x%x %d\n", 65536 + (i % 40) * 4096, 1 + i % 2 }' > two.txt
"$pagesim" sweep -p lru -f 16 -o d22 --no-plots tiny.txt two.txt 2>/dev/null
check "no thrashing curve across unrelated traces" test ! -e d22/thrashing.tsv
for n in 1 2 3; do
    cat > par-$n.json <<SPEC
{"_comment": "$n processes", "interleave": 100, "processes": [{"pid": 1, "count": $n,
  "areas": [{"name": "d", "start": "0x100000", "pages": 32, "prot": "rw-"}],
  "phases": [{"references": 2000, "area": "d", "pattern": "uniform", "write_fraction": 0.3}]}]}
SPEC
done
"$pagesim" sweep -p lru -f 48 --schedule rr -o d23 --no-plots par-1.json par-2.json par-3.json tiny.txt 2>/dev/null
check "thrashing curve along specs that differ only in their count" test -s d23/thrashing.tsv
check "... one series of 3 points, without the unrelated trace" \
    test "$(grep -v '^#' d23/thrashing.tsv | awk 'NF > 2' | cut -f1,2 | tr '\t\n' ':,')" = "0:1,0:2,0:3,"
# the timeline's x axis: accesses when the runs' simulated times differ by more than 5x
check "timeline against time for runs of similar length" grep -qx "timeline_by_accesses = 0" d5/plot-vars.gp
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "R 0x%x\n", 65536 + (i % 16) * 4096 }' > loop.txt
"$pagesim" sweep -p lru,mru -f 4,20 -o d24 --no-plots loop.txt 2>/dev/null
check "timeline against accesses when they differ (20 frames hold the loop, 4 do not)" \
    grep -qx "timeline_by_accesses = 1" d24/plot-vars.gp

# ---- report.html: the command, the summary, every plot, every run's JSON; no network
"$pagesim" sweep -p lru,random -f 4,8 --seeds 2 --title 'T <b>&"' -o d25 --no-plots tiny.txt 2>/dev/null
r=d25/report.html
check "report.html written" test -s $r
check "report.html: the command line" grep -q "pagesim sweep -p lru,random -f 4,8 --seeds 2 --title 'T &lt;b&gt;&amp;&quot;' -o d25 --no-plots tiny.txt" $r
check "report.html: the title escaped" grep -q "<h1>T &lt;b&gt;&amp;&quot;</h1>" $r
check "report.html: a row per grid point" test "$(grep -c '^<tr><td>' $r)" -eq 4
check "report.html: every summary column" test "$(grep -m1 '^<tr><th>' $r | grep -o '<th>' | wc -l)" -eq "$(head -1 d25/summary.tsv | tr '\t' '\n' | wc -l)"
check "report.html: a link per run" test "$(grep -c '<li><a href="runs/' $r)" -eq "$(ls d25/runs | wc -l)"
for f in d25/runs/*.json; do
    grep -q "href=\"runs/$(basename "$f")\"" $r || fail "report.html: no link to $f"
done
check "report.html: each plot's data linked" test "$(grep -c '<figure>' $r)" -eq "$(ls d25/*.tsv | grep -cv '/summary.tsv$')"
check "report.html: no image without --no-plots' images" test "$(grep -c '<img ' $r)" -eq 0
check "report.html: no http(s) URL, no script" test -z "$(grep -Eio 'https?://|<script' $r)"
check "report.html: a blank CI for lru (one run), a number for random" \
    test "$(grep -c '<td>lru</td>' $r):$(grep '<td>lru</td><td class="num">4</td>' $r | grep -c '<td></td>')" = "2:1"
"$pagesim" merge --no-plots d25 2>/dev/null
check "merge rewrites report.html" test -s $r

# ---- COW against the child's write fraction, read from workload specs given as traces
for w in 0 1; do
    cat > fork-w$w.json <<SPEC
{"interleave": 50, "processes": [
  {"pid": 1, "areas": [{"name": "heap", "start": "0x100000", "pages": 64, "prot": "rw-"}],
   "phases": [{"references": 64, "area": "heap", "pattern": "seq", "write_fraction": 1.0},
              {"references": 400, "area": "heap", "pattern": "uniform", "write_fraction": 0}],
   "events": [{"at": 64, "fork": 2}]},
  {"pid": 2, "parent": 1,
   "areas": [{"name": "heap", "start": "0x100000", "pages": 64, "prot": "rw-"}],
   "phases": [{"references": 64, "area": "heap", "pattern": "seq", "write_fraction": $w}]}]}
SPEC
done
"$pagesim" sweep -f 256 -o d9 --no-plots fork-w0.json fork-w1.json 2>/dev/null
check "cow plot data from the specs' write fractions" test -s d9/cow.tsv
# The child writes nothing (w=0): no copies; it writes all 64 pages (w=1): 64 copies (the
# parent no longer writes after the fork, so with reuse the child's writes are the copies).
check "cow rows: 0 -> 0 copies, 1 -> 64 copies" test     "$(grep -v '^#' d9/cow.tsv | awk -F'\t' 'NF > 2 { printf "%s:%s ", $2, $3 }')" = "0:0 1:64 "

# ---- sweep --workload SPEC, as run has: the runs are `pagesim run --workload SPEC` (the spec
# by absolute path, also in a jobs file); a generator draws from the rng, so seeds all run
"$pagesim" sweep -p lru,fifo -f 32,256 --seeds 2 --workload fork-w1.json -o d9w --no-plots 2>/dev/null
check "sweep --workload: exit 0" test $? -eq 0
check "sweep --workload: 8 runs (a generator: every seed)" test "$(ls d9w/runs/*.json | wc -l)" -eq 8
a="$("$pagesim" run -p fifo -f 32 -s 2 $sweep_tl --workload fork-w1.json)"
check "sweep --workload: a run's file is that pagesim run" \
    test "$(jq -S 'del(.traces, .config.workload)' d9w/runs/fifo_f32_s2_fork-w1.json.json)" = "$(jq -S 'del(.traces, .config.workload)' <<<"$a")"
check "sweep --workload: the config names the spec by absolute path" \
    test "$(jq -r .config.workload d9w/runs/fifo_f32_s2_fork-w1.json.json)" = "$tmp/fork-w1.json"
check "sweep --workload: trace column" test "$(cell d9w/summary.tsv lru 32 trace)" = fork-w1.json
"$pagesim" sweep -p lru -f 32 --workload fork-w1.json -o d9j --jobs-file jobs9.txt 2>/dev/null
check "sweep --workload jobs file: --workload by absolute path, no trace" \
    grep -q -- "--workload $tmp/fork-w1.json .*-o [^ ]*json\$" jobs9.txt
out="$("$pagesim" sweep -p lru -f 32 --workload fork-w1.json -o d9x tiny.txt 2>&1)"
check "sweep --workload with a trace: exit 2 ($out)" test $? -eq 2
out="$("$pagesim" sweep -p lru -f 32 --workload missing.json -o d9x 2>&1)"
check "sweep --workload missing.json: exit 2 ($out)" test $? -eq 2

# ---- --interval 1 keeps the timeline bounded: at most 4096 records, merged pairwise at the
# cap (each then covers 8 accesses here: 20000 > 4096 * 4), and none of the accesses lost.
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "R 0x%x\n", 65536 + (i % 300) * 4096 }' > long.txt
tl="$("$pagesim" run --interval 1 -f 64 long.txt | jq -c '[(.timeline | length), (.timeline | map(.references) | add), .timeline_interval]')"
check "timeline capped and merged ($tl)" test "$tl" = "[2500,20000,8]"
tl="$("$pagesim" run --interval 100 -f 64 long.txt | jq -c '[(.timeline | length), .timeline_interval]')"
check "an uncapped timeline is as before ($tl)" test "$tl" = "[200,null]"

# ---- a sweep's timeline: 128 to 256 records per run whatever its length, unless --interval;
# a record that fills over several intervals is sampled once, when full (stats.c), and the
# timeline is the one of the uncapped run at the interval it ends at (128 here)
"$pagesim" sweep -p lru -f 8,64 -o d19 --no-plots tiny.txt long.txt 2>/dev/null
for f in d19/runs/*.json; do
    n="$(jq '.timeline | length' "$f")"
    check "sweep timeline of $(basename "$f"): $n records" test "$n" -ge 128 -a "$n" -le 256
done
"$pagesim" sweep -p lru -f 8 --interval 500 -o d20 --no-plots tiny.txt 2>/dev/null
check "sweep --interval 500: 4 records" test "$(jq '.timeline | length' d20/runs/*.json)" -eq 4
a="$("$pagesim" run -f 64 --interval 1 --set timeline_records=256 long.txt | jq -c '[.timeline_interval, .timeline]')"
b="$("$pagesim" run -f 64 --interval 128 long.txt | jq -c '[128, .timeline]')"
check "capped timeline = the uncapped one at its final interval" test "$a" = "$b"

# ---- F6: -f with --set memory would make distinct grid points the same run: refused
out="$("$pagesim" sweep -p lru -f 4,8 --set memory=64K,128K -o d10 --no-plots tiny.txt 2>&1)"
rc=$?
check "-f with --set memory: exit 2 ($rc)" test $rc -eq 2
check "-f with --set memory: says why ($out)" grep -q "set memory.*-f\|-f.*set memory" <<<"$out"
# merge never averages two runs of one grid point as seeds
mkdir -p d11/runs
cp d1/runs/lru_f4_s1_tiny.txt.json d11/runs/a.json
cp d1/runs/lru_f4_s1_tiny.txt.json d11/runs/b.json
out="$("$pagesim" merge --no-plots d11 2>&1)"
rc=$?
check "merge: one grid point twice is refused ($rc: $out)" test $rc -ne 0
check "merge: names both runs ($out)" grep -q "a.json.*b.json\|b.json.*a.json" <<<"$out"

# ---- F5: a rerun into the same DIR with other options does not take the old results
"$pagesim" sweep -p lru -f 4 -o d12 --no-plots tiny.txt 2>/dev/null
cp d12/runs/lru_f4_tiny.txt.json old.json
out="$("$pagesim" sweep -p lru -f 4 --tlb 0 --page-size 8192 -o d12 --no-plots tiny.txt 2>&1)"
rc=$?
check "other options in an old DIR: exit 2 ($rc)" test $rc -eq 2
check "other options in an old DIR: says which key ($out)" grep -q "another experiment.*tlb.entries\|another experiment.*page_size" <<<"$out"
check "other options in an old DIR: old results untouched" cmp -s old.json d12/runs/lru_f4_tiny.txt.json
# a run of the old experiment that is not a point of the new grid also refuses
out="$("$pagesim" sweep -p lru -f 8 --tlb 0 -o d12 --no-plots tiny.txt 2>&1)"
check "another experiment's other point: exit 2" test $? -eq 2
# same options extend the grid
out="$("$pagesim" sweep -p lru -f 4,8 -o d12 --no-plots tiny.txt 2>&1)"
check "same options extend the grid ($out)" grep -q "1 of 2 runs already done" <<<"$out"
# a 0-byte or truncated result is not done: rerun, and say so
: > d12/runs/lru_f8_tiny.txt.json
head -c 100 old.json > d12/runs/lru_f4_tiny.txt.json
out="$("$pagesim" sweep -p lru -f 4,8 -o d12 --no-plots tiny.txt 2>&1)"
check "incomplete results rerun: exit 0 ($out)" test $? -eq 0
check "incomplete results rerun: said" grep -q "not a complete result" <<<"$out"
check "incomplete results rerun: 2 runs" grep -q "2 runs on" <<<"$out"
check "incomplete result replaced" cmp -s old.json d12/runs/lru_f4_tiny.txt.json

# ---- a crashing run is contained: recorded in the summary and on stderr, the others finish
# (Under AddressSanitizer the crash must stay a signal and an allocation failure a NULL, as
# in a plain build: ASAN_OPTIONS says so; other builds ignore it.)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0:allocator_may_return_null=1"
out="$(PAGESIM_TEST_CRASH=lru_f8 "$pagesim" sweep -p lru,fifo -f 4,8 -j 2 -o d13 --no-plots tiny.txt 2>&1)"
rc=$?
check "crash: exit 1 ($rc)" test $rc -eq 1
check "crash: named on stderr ($out)" grep -q "run failed (policy=lru frames=8 trace=tiny.txt).*signal" <<<"$out"
check "crash: the others finished" test "$(ls d13/runs/*.json | wc -l)" -eq 3
check "crash: summary has every point" test "$(wc -l < d13/summary.tsv)" -eq 5
check "crash: summary marks it failed" test "$(cell d13/summary.tsv lru 8 failed)" = 1
check "crash: the others not failed" test "$(cell d13/summary.tsv fifo 8 failed)" = 0
out="$("$pagesim" sweep -p lru,fifo -f 4,8 -j 2 -o d13 --no-plots tiny.txt 2>&1)"
check "crash: a rerun runs the failed point only ($out)" grep -q "3 of 4 runs already done" <<<"$out"
check "crash: fixed on rerun, no failed column" test -z "$(col d13/summary.tsv failed)"
"$pagesim" sweep -p lru,fifo -f 4,8 -o d14 --no-plots tiny.txt 2>/dev/null
check "crash: rerun summary = clean sweep" cmp -s d13/summary.tsv d14/summary.tsv
# out of memory in one point (8 GB of frame table under a 1.5 GB address-space limit) too
# (Skipped where the binary cannot start under the limit: AddressSanitizer reserves its
# shadow memory, terabytes of address space, at start-up.)
if ( ulimit -v 1500000 2>/dev/null && "$pagesim" --version ) >/dev/null 2>&1; then
    out="$( (ulimit -v 1500000; "$pagesim" sweep -p lru -f 4,200000000 -j 2 -o d15 --no-plots tiny.txt) 2>&1)"
    rc=$?
    check "oom: exit 1 ($rc: $out)" test $rc -eq 1
    check "oom: named on stderr" grep -q "run failed (policy=lru frames=200000000 trace=tiny.txt)" <<<"$out"
    check "oom: the other point finished" test -s d15/runs/lru_f4_tiny.txt.json
    check "oom: summary has both points" test "$(cell d15/summary.tsv lru 200000000 failed)" = 1
else
    echo "sweep: the out-of-memory case is skipped: $pagesim cannot start under ulimit -v 1500000" >&2
fi

# ---- kill -9 mid-sweep, then resume: the summary equals an uninterrupted sweep's
awk 'BEGIN { x = 7; for (i = 0; i < 200000; i++) { x = (x * 1103515245 + 12345) % 2147483648;
        printf "R 0x%x\n", 65536 + int(200 * (x / 2147483648) ^ 2) * 4096 } }' > mid.txt
"$pagesim" sweep -p lru,fifo,clock -f 8:64:8 -j 1 -o d16 --no-plots mid.txt 2>/dev/null &
pid=$!
for i in $(seq 1 600); do
    [ "$(ls d16/runs 2>/dev/null | grep -c '\.json$')" -ge 3 ] && break
    sleep 0.05
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
sleep 0.3
n="$(ls d16/runs | grep -c '\.json$')"
check "kill -9 interrupted the sweep ($n of 24 done)" test "$n" -lt 24 -a ! -e d16/summary.tsv
check "kill -9: no worker outlives the sweep" test -z "$(pgrep -f -- "-o d16 --no-plots mid.txt" 2>/dev/null)"
out="$("$pagesim" sweep -p lru,fifo,clock -f 8:64:8 -j 2 -o d16 --no-plots mid.txt 2>&1)"
check "resume after kill -9: exit 0 ($out)" test $? -eq 0
"$pagesim" sweep -p lru,fifo,clock -f 8:64:8 -j 2 -o d17 --no-plots mid.txt 2>/dev/null
check "resume after kill -9 = uninterrupted sweep" cmp -s d16/summary.tsv d17/summary.tsv

# ---- F12: a full disk: every file is written whole or not at all, and the sweep says so (exit 1)
if [ "$(id -u)" = 0 ] && mkdir -p full && mount -t tmpfs -o size=256k tmpfs full 2>/dev/null; then
    "$pagesim" sweep -p lru,fifo -f 4,8 --interval 200 -o full/d --no-plots tiny.txt 2>/dev/null
    check "full disk: the sweep fits first" test -s full/d/summary.tsv
    cp -r full/d ref
    "$pagesim" merge --no-plots ref 2>/dev/null
    dd if=/dev/zero of=full/fill bs=4k 2>/dev/null
    out="$("$pagesim" merge --no-plots full/d 2>&1)"
    rc=$?
    check "full disk: merge exits 1 ($rc)" test $rc -eq 1
    check "full disk: merge says so ($out)" grep -q "cannot write" <<<"$out"
    check "full disk: summary.tsv is the old one" cmp -s full/d/summary.tsv ref/summary.tsv
    check "full disk: no temporary files" test -z "$(ls full/d | grep tmp)"
    # Room for one page: the summary takes it (its old copy is freed by the rename), one plot
    # file fits, the next does not: each file is whole or absent, never empty or cut.
    rm -f full/d/*.tsv full/d/plot-vars.gp full/fill
    dd if=/dev/zero of=full/fill bs=4k 2>/dev/null
    truncate -s -4k full/fill
    out="$("$pagesim" merge --no-plots full/d 2>&1)"
    check "little room: merge exits 1 ($out)" test $? -eq 1
    check "little room: no empty files" test -z "$(find full/d -maxdepth 1 -type f -size 0)"
    check "little room: no temporary files" test -z "$(ls full/d | grep tmp)"
    for f in full/d/*.tsv full/d/*.gp; do
        [ -e "$f" ] || continue
        check "little room: $(basename "$f") whole" cmp -s "$f" "ref/$(basename "$f")"
    done
    rm -f full/fill; dd if=/dev/zero of=full/fill bs=4k 2>/dev/null
    if command -v gnuplot >/dev/null; then   # images cut short by the full disk are removed
        rm -rf full/d; mkdir full/p; cp d5/*.tsv d5/plot-vars.gp full/p/ 2>/dev/null
        rm -f full/fill; dd if=/dev/zero of=full/fill bs=4k 2>/dev/null
        truncate -s -12k full/fill
        "$src/scripts/plot" --no-merge full/p >/dev/null 2>&1
        check "full disk: scripts/plot exits 1" test $? -eq 1
        check "full disk: no empty images" test -z "$(find full/p -name '*.png' -size 0 -o -name '*.svg' -size 0)"
        for f in full/p/*.svg; do
            [ -e "$f" ] || continue
            check "full disk: $(basename "$f") whole" grep -q '</svg>' "$f"
        done
        rm -f full/fill; dd if=/dev/zero of=full/fill bs=4k 2>/dev/null
    fi
    out="$("$pagesim" sweep -p lru -f 4 -o d18 --jobs-file full/jobs.txt tiny.txt 2>&1)"
    check "full disk: jobs file: exit 1 ($out)" test $? -eq 1
    check "full disk: no jobs file" test ! -e full/jobs.txt
    umount full
else
    echo "note: not root or no tmpfs mount: full-disk tests skipped" >&2
fi

# ---- the faults table (sim/exp/plot.c's faults kind: scripts/demo's faults.tsv): a
# policies x frames grid gets one row per point, as the demo's jq table had them
"$pagesim" sweep -p lru,fifo -f 8,4 -o d30 --no-plots tiny.txt 2>/dev/null
check "faults.tsv header" test "$(head -1 d30/faults.tsv)" = "$(printf 'policy\tframes\tfaults\taccesses\tfaults_per_1000')"
check "faults.tsv rows by policy, then frames" \
    test "$(tail -n +2 d30/faults.tsv | cut -f1,2 | tr '\t\n' ':,')" = "lru:4,lru:8,fifo:4,fifo:8,"
want="$(for p in lru fifo; do for f in 4 8; do
    jq -r --arg p "$p" --argjson f "$f" '[$p, $f, .faults.total, .accesses,
        (if .accesses > 0 then (.faults.total * 1000 / .accesses * 10000 | round) / 10000 else 0 end)]
        | @tsv' "d30/runs/${p}_f${f}_tiny.txt.json"; done; done)"
check "faults.tsv = the runs' faults, accesses and rounded rate" test "$(tail -n +2 d30/faults.tsv)" = "$want"
check "no faults table when a --set key varies" test ! -e d5/faults.tsv
"$pagesim" sweep -p lru -f 4:6,5 -o d31 --no-plots tiny.txt 2>/dev/null
check "frame lists: -f 4:6,5 is 4 5 6" test "$(tail -n +2 d31/summary.tsv | cut -f2 | paste -sd, -)" = "4,5,6"
"$pagesim" sweep -p lru -f 1,,2 -o d32 --no-plots tiny.txt 2>/dev/null
check "frame lists: an empty piece is an error (exit 2)" test $? -eq 2

# ---- mrc --frames takes sweep -f's lists (one parser, one message); mrc -o defaults to stdout
got="$("$pagesim" mrc -p lru --frames 4:16:x2,5 tiny.txt 2>/dev/null | jq -c '[.mrc[].frames]')"
check "mrc --frames 4:16:x2,5 to stdout ($got)" test "$got" = "[4,5,8,16]"
"$pagesim" mrc -p lru --frames 4:16:x2,5 -o mrc.json tiny.txt 2>/dev/null
check "mrc -o FILE = mrc to stdout" test "$(jq -c . mrc.json)" = "$(jq -c . <<<"$("$pagesim" mrc -p lru -f 4:16:x2,5 tiny.txt 2>/dev/null)")"
for l in 4:16:x2 4:12:4 4,8:10 6:4 4:8:x1 0; do
    m="$("$pagesim" mrc -p lru --frames $l tiny.txt 2>&1 >/dev/null)"; mrc_rc=$?
    s="$("$pagesim" sweep -p lru -f $l -o dl --jobs-file /dev/null tiny.txt 2>&1 >/dev/null)"; sweep_rc=$?
    check "frame list $l: mrc and sweep agree ($mrc_rc $sweep_rc)" test $((mrc_rc == 0)) = $((sweep_rc == 0))
    [ $mrc_rc = 0 ] || check "frame list $l: the same message" test "${m#pagesim mrc: --frames}" = "${s#pagesim sweep: -f}"
done
"$pagesim" mrc -p lru tiny.txt > /dev/full 2>/dev/null
check "mrc to a full standard output: exit 1" test $? -eq 1

# ---- numbers follow one rule (issue 11, F13): 010 is ten, 0x10 sixteen, as in run ----
printf 'R 0x1000\nR 0x2000\n' >"$tmp/num.txt"
if "$pagesim" sweep -p lru -f 010,0x10 -o "$tmp/num" "$tmp/num.txt" >/dev/null 2>&1; then
    if [ "$(cut -f2 "$tmp/num/summary.tsv" | tail -n +2 | paste -sd, -)" = "10,16" ]; then ok; else fail "sweep -f 010,0x10 gives frames $(cut -f2 "$tmp/num/summary.tsv" | tail -n +2 | paste -sd, -), not 10,16"; fi
else fail "sweep -f 010,0x10 failed"; fi

# ---- issue 12: run options given to sweep reach every run's config (sweep's table takes
# run's own as opts.h's .more, the entries flagged CLIOPT_SWEEP), beside sweep's own -p and
# --set, in either spelling (--name VALUE, --name=VALUE)
echo '{"costs": {"walk": "30ns"}}' > walk30.json
"$pagesim" sweep -p lru,fifo -f 4,8 --set tlb.asid=false --tlb 8:2 --page-size=8192 -s 3 -c walk30.json \
    --cow copy --interval 50 -o d40 --no-plots tiny.txt 2>/dev/null
check "pass-through sweep: exit 0" test $? -eq 0
check "pass-through sweep: 4 runs" test "$(ls d40/runs/*.json | wc -l)" -eq 4
for f in d40/runs/*.json; do
    got="$(jq -c '[.config.tlb.entries, .config.tlb.ways, .config.tlb.asid, .config.page_size, .config.seed,
                   .config.costs.walk, .config.cow, .config.interval]' "$f")"
    check "pass-through: $(basename "$f") has every option ($got)" test "$got" = '[8,2,false,8192,3,"30ns","copy",50]'
done
check "pass-through: -p reaches the runs" test "$(jq -r .config.policy d40/runs/*.json | sort -u | paste -sd, -)" = "fifo,lru"
check "pass-through: -f reaches the runs" test "$(jq -r .config.frames d40/runs/*.json | sort -un | paste -sd, -)" = "4,8"
f40="$(ls d40/runs/fifo*f8*.json)"
a="$("$pagesim" run -p fifo -f 8 --set tlb.asid=false --tlb 8:2 --page-size 8192 -s 3 -c walk30.json --cow copy \
    --interval 50 --set timeline_records=256 tiny.txt)"
check "pass-through: a run's file is that pagesim run" test "$(jq -S 'del(.traces)' "$f40")" = "$(jq -S 'del(.traces)' <<<"$a")"
# ... and every line of a jobs file (-c by absolute path), whatever the directory it runs in
"$pagesim" sweep -p lru -f 4,8 --tlb=16 --ref-bit tlb_fill -c walk30.json -o d41 --jobs-file jobs41.txt tiny.txt 2>/dev/null
check "pass-through jobs file: 2 lines" test "$(wc -l < jobs41.txt)" -eq 2
check "pass-through jobs file: the options on every line" test "$(grep -c -- "--tlb 16 .*--config /[^ ]*/walk30.json" jobs41.txt)" -eq 2
(cd / && bash "$tmp/jobs41.txt") 2>/dev/null
check "pass-through jobs file: ran" test "$(ls d41/runs/*.json | wc -l)" -eq 2
for f in d41/runs/*.json; do
    got="$(jq -c '[.config.tlb.entries, .config.tlb.ways, .config.ref_bit, .config.costs.walk]' "$f")"
    check "pass-through jobs: $(basename "$f") ($got)" test "$got" = '[16,4,"tlb_fill","30ns"]'
done
# a bad value is run's message under sweep's name; run options sweep does not pass are unknown
out="$("$pagesim" sweep -p lru -f 4 --tlb x -o d42 tiny.txt 2>&1)"
check "pass-through --tlb x: exit 2 ($out)" test $? -eq 2
check "pass-through --tlb x: run's message, sweep's name" grep -q "^pagesim sweep: .*tlb.entries.*'x'" <<<"$out"
for o in -q --progress; do
    out="$("$pagesim" sweep -p lru -f 4 $o -o d42 tiny.txt 2>&1)"
    check "sweep $o (run's, not passed through): exit 2" test $? -eq 2
    check "sweep $o: unknown option ($out)" grep -q "^pagesim sweep: unknown option '$o'" <<<"$out"
done
out="$("$pagesim" sweep -p lru -f 4 -o d42 tiny.txt --tlb 2>&1)"
check "sweep TRACE --tlb: exit 2" test $? -eq 2
check "sweep TRACE --tlb: needs a value ($out)" grep -q "^pagesim sweep: --tlb needs a value" <<<"$out"
out="$("$pagesim" sweep -p lru -f 4 -s 2 --seeds 2 -o d42 tiny.txt 2>&1)"
check "sweep -s with --seeds: exit 2 ($out)" test $? -eq 2
check "sweep -s with --seeds: refused" grep -q "exclude each other" <<<"$out"
out="$("$pagesim" sweep -p lru -m 64K -f 4 -o d42 tiny.txt 2>&1)"
check "sweep -m (passed through) with -f: refused ($out)" grep -q "^pagesim sweep: -m and -f exclude each other" <<<"$out"

echo "sweep: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
