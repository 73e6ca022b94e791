#!/usr/bin/env bash
# tests/cli.sh - the pagesim command line as a user meets it: exit codes, messages, the
# results JSON's keys and values, no partial files, config precedence, determinism.
#
# usage: tests/cli.sh PAGESIM_BINARY SOURCE_DIR
# Prints one line per failure and ends with "cli: N passed, M failed"; exits 1 on failure.
# JSON checks use python3; without it they are skipped with a message (the rest still runs).
set -u

BIN=${1:?usage: cli.sh PAGESIM_BINARY SOURCE_DIR}
SRC=${2:?usage: cli.sh PAGESIM_BINARY SOURCE_DIR}
DATA=$SRC/tests/data
TINY=$DATA/eng_tiny.txt
BAD=$DATA/eng_bad.txt

pass=0
fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "cli: FAIL: $*" >&2; }
# expect DESCRIPTION COMMAND...: the command must succeed
expect() { local d=$1; shift; if "$@"; then ok; else bad "$d"; fi; }

T=$(mktemp -d "${TMPDIR:-/tmp}/pagesim_cli_XXXXXX")
trap 'rm -rf "$T"' EXIT

# run ARGS...: runs pagesim, leaving stdout in $T/out, stderr in $T/err, status in $rc
rc=0
run() { "$BIN" "$@" >"$T/out" 2>"$T/err"; rc=$?; }
has_err() { grep -qF -- "$1" "$T/err"; }
has_out() { grep -qF -- "$1" "$T/out"; }

if command -v python3 >/dev/null 2>&1; then PY=python3; else PY=; fi
# jexpect DESCRIPTION FILE EXPRESSION: queues a check of the results in FILE (the expression
# sees d, the document, g('dotted.path'), load(PATH) for another results file). All queued
# checks run in one python3 process at the end: its start-up is slow on some machines.
CHECKS=$T/checks.tsv
: >"$CHECKS"
jexpect() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$CHECKS"; }

# ---- --version, --help, policies ----
run --version
expect "--version exits 0" [ $rc -eq 0 ]
ver=$(sed -n 's/^project(pagesim VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
expect "--version prints 'pagesim $ver'" grep -qx "pagesim $ver" "$T/out"
run --help
expect "--help exits 0" [ $rc -eq 0 ]
expect "--help prints usage" has_out "usage: pagesim run"
run run --help
expect "run --help exits 0" [ $rc -eq 0 ]
expect "run --help lists --policy" has_out "--policy"
run
expect "no arguments: exit 2" [ $rc -eq 2 ]
run frobnicate
expect "unknown command: exit 2" [ $rc -eq 2 ]

run policies
expect "policies exits 0" [ $rc -eq 0 ]
# The replacement-policy section: indented lines after its header, up to the next header.
awk '/^replacement policies/{s=1; next} /^[^ ]/{s=0} s && /^  [a-z0-9]/{print $1}' "$T/out" >"$T/listed"
for p in fifo lru opt clock random lfu mru; do
    expect "policies lists $p" grep -qx "$p" "$T/listed"
done
# Every entry of the registry is listed (a new policy shows up without editing this test).
nreg=$(sed -n '/repl_registry\[\] *= *{/,/};/p' "$SRC/policies/registry.c" | grep -c '&repl_')
expect "policies lists all $nreg registered policies (got $(wc -l <"$T/listed"))" [ "$(wc -l <"$T/listed")" -eq "$nreg" ]
# ... and each one runs.
while read -r p; do
    run run -p "$p" -f 2 -o "$T/p_$p.json" "$TINY"
    expect "run -p $p exits 0 ($(head -c 200 "$T/err"))" [ $rc -eq 0 ]
    jexpect "run -p $p: policy.name is $p" "$T/p_$p.json" "g('policy.name') == '$p' and g('faults.total') >= 4"
done <"$T/listed"

# ---- run: the results JSON ----
run run -f 2 -p lru --interval 2 -o "$T/tiny.json" "$TINY"
expect "run on the tiny trace exits 0 ($(head -c 200 "$T/err"))" [ $rc -eq 0 ]
expect "-o writes nothing to stdout" [ ! -s "$T/out" ]
expect "-o leaves no temporary file" [ "$(ls -A "$T" | grep -c '\.tmp')" -eq 0 ]
for k in schema version config seed accesses reads writes ifetches faults.total faults.major \
         faults.minor faults.demand_zero evictions.total evictions.dirty io.swap_in io.swap_out \
         tlb.hits tlb.misses memory.frames memory.resident_peak time.sim_ns \
         latency.fault_ns.mean latency.fault_ns.p50 latency.fault_ns.p90 latency.fault_ns.p99 \
         latency.fault_ns.max timeline; do
    jexpect "results have key $k" "$T/tiny.json" "g('$k') is not None"
done
jexpect "version in the results is $ver" "$T/tiny.json" "g('version') == '$ver'"
jexpect "config is the complete effective config" "$T/tiny.json" \
    "g('config.frames') == 2 and g('config.policy') == 'lru' and g('config.interval') == 2 and 'costs' in g('config') and 'tlb' in g('config')"
# The tiny trace's counts, by hand (see the fixture's comment).
jexpect "tiny: accesses 6, reads 3, writes 2, ifetches 1" "$T/tiny.json" \
    "(g('accesses'), g('reads'), g('writes'), g('ifetches')) == (6, 3, 2, 1)"
jexpect "tiny: faults 5 = demand_zero 4 + swap_in 1; major 1, minor 4" "$T/tiny.json" \
    "(g('faults.total'), g('faults.demand_zero'), g('faults.swap_in'), g('faults.major'), g('faults.minor')) == (5, 4, 1, 1, 4)"
jexpect "tiny: evictions 3 (dirty 1), swap_out 1, swap_in 1" "$T/tiny.json" \
    "(g('evictions.total'), g('evictions.dirty'), g('io.swap_out'), g('io.swap_in')) == (3, 1, 1, 1)"
jexpect "tiny: memory.frames 2, resident_peak 2" "$T/tiny.json" \
    "(g('memory.frames'), g('memory.resident_peak')) == (2, 2)"
jexpect "tiny: latency percentiles ordered, max is the largest" "$T/tiny.json" \
    "g('latency.fault_ns.p50') <= g('latency.fault_ns.p90') <= g('latency.fault_ns.p99') <= g('latency.fault_ns.max') and g('latency.fault_ns.mean') <= g('latency.fault_ns.max')"
jexpect "tiny: timeline of 3 intervals of 2 accesses, 5 faults in all" "$T/tiny.json" \
    "len(g('timeline')) == 3 and [r['references'] for r in g('timeline')] == [2, 2, 2] and sum(r['faults'] for r in g('timeline')) == 5"

# stdout by default, the same document
run run -f 2 -p lru --interval 2 "$TINY"
expect "run without -o exits 0" [ $rc -eq 0 ]
cp "$T/out" "$T/stdout.json"
expect "stdout results equal the -o file" cmp -s "$T/stdout.json" "$T/tiny.json"

# ---- -m 64K is -f 16 ----
run run -m 64K -o "$T/m64k.json" "$TINY"
expect "-m 64K exits 0" [ $rc -eq 0 ]
run run -f 16 -o "$T/f16.json" "$TINY"
expect "-f 16 exits 0" [ $rc -eq 0 ]
jexpect "-m 64K gives 16 frames" "$T/m64k.json" "g('memory.frames') == 16 and g('config.frames') == 16"
jexpect "-m 64K and -f 16 give the same results (config.memory aside)" "$T/m64k.json" \
    "same_but_memory(d, load('$T/f16.json'))"

# ---- bad input: exit 2, FILE:LINE:, no output file, not even a temporary ----
mkdir "$T/badout"
run run --format text -o "$T/badout/res.json" "$BAD"
expect "malformed line: exit 2 (got $rc)" [ $rc -eq 2 ]
expect "malformed line: message names eng_bad.txt:4: ($(head -c 200 "$T/err"))" has_err "eng_bad.txt:4:"
expect "malformed line: no output file, no temporary file" [ -z "$(ls -A "$T/badout")" ]
# The same file with the format detected: still the line, not just "unrecognised format".
run run -o "$T/badout/res.json" "$BAD"
expect "malformed line, format detected: exit 2 (got $rc)" [ $rc -eq 2 ]
expect "malformed line, format detected: names eng_bad.txt:4: ($(head -c 200 "$T/err"))" has_err "eng_bad.txt:4:"
expect "malformed line, format detected: no output file" [ -z "$(ls -A "$T/badout")" ]
# Deep in a long file (past format detection's window, after results began to accrue).
{ for i in $(seq 1 7000); do echo "R 0x$((i % 50))000"; done; echo "W 0x1000 not-a-pid"; echo "R 0x0"; } >"$T/long_bad.txt"
run run -o "$T/badout/res.json" "$T/long_bad.txt"
expect "malformed line 7001: exit 2 (got $rc)" [ $rc -eq 2 ]
expect "malformed line 7001: message names long_bad.txt:7001: ($(head -c 200 "$T/err"))" has_err "long_bad.txt:7001:"
expect "malformed line 7001: no output file, no temporary file" [ -z "$(ls -A "$T/badout")" ]
# Errors the engine finds in a binary trace name the record, wherever a batch of the reader's
# ended: a reference after its pid's exit (record 302), and an event (record 402).
{ for i in $(seq 1 300); do echo "W 0x$((i % 40))000 2"; done; echo "exit 2"; echo "X 0x4000 2"; } >"$T/exited.txt"
"$BIN" convert --to binary "$T/exited.txt" "$T/exited.pstb"
run run -o "$T/badout/res.json" "$T/exited.pstb"
expect "binary: reference after exit: exit 2 (got $rc)" [ $rc -eq 2 ]
expect "binary: reference after exit names exited.pstb: record 302: ($(head -c 200 "$T/err"))" has_err "exited.pstb: record 302: pid 2 has already exited"
{ for i in $(seq 1 400); do echo "R 0x$((i % 40))000 3"; done; echo "exit 3"; echo "munmap 3 0x0 4096"; } >"$T/exited2.txt"
"$BIN" convert --to binary "$T/exited2.txt" "$T/exited2.pstb"
run run -o "$T/badout/res.json" "$T/exited2.pstb"
expect "binary: event after exit names exited2.pstb: record 402: ($(head -c 200 "$T/err"))" has_err "exited2.pstb: record 402:"
expect "binary errors: no output file" [ -z "$(ls -A "$T/badout")" ]
# A failed run does not replace an existing results file either.
echo previous >"$T/badout/keep.json"
run run -o "$T/badout/keep.json" "$T/long_bad.txt"
expect "failed run: exit 2" [ $rc -eq 2 ]
expect "failed run: the existing results file is untouched" grep -qx previous "$T/badout/keep.json"
expect "failed run: no temporary file" [ "$(ls -A "$T/badout")" = keep.json ]

# ---- bad usage ----
run run --no-such-option "$TINY"
expect "unknown option: exit 2 (got $rc)" [ $rc -eq 2 ]
run run -p no_such_policy "$TINY"
expect "unknown policy: exit 2 (got $rc)" [ $rc -eq 2 ]
expect "unknown policy: the message lists the policies" has_err "fifo"
expect "unknown policy: the message lists lru too" has_err "lru"
run run "$T/does_not_exist.txt"
expect "missing trace file: exit 2 (got $rc)" [ $rc -eq 2 ]
expect "missing trace file: named in the message" has_err "does_not_exist.txt"
run run
expect "run without a trace: exit 2 (got $rc)" [ $rc -eq 2 ]
run run -f 0 "$TINY"
expect "-f 0: exit 2 (got $rc)" [ $rc -eq 2 ]
run run --set no.such.key=1 "$TINY"
expect "--set unknown key: exit 2 (got $rc)" [ $rc -eq 2 ]

# ---- config files ----
echo '{"framez": 3}' >"$T/unknown.json"
run run -c "$T/unknown.json" "$TINY"
expect "config with an unknown key: exit 2 (got $rc)" [ $rc -eq 2 ]
expect "config with an unknown key: the message names the file" has_err "$T/unknown.json"
expect "config with an unknown key: the message names the key" has_err "framez"
echo '{"frames": 8, "policy": "fifo", "costs": {"walk": "40ns"}}' >"$T/cfg.json"
run run -c "$T/cfg.json" -o "$T/cfg_only.json" "$TINY"
expect "config file: exit 0" [ $rc -eq 0 ]
jexpect "config file is applied" "$T/cfg_only.json" \
    "g('memory.frames') == 8 and g('policy.name') == 'fifo' and g('config.costs.walk') == '40ns'"
run run -f 2 -c "$T/cfg.json" -o "$T/cfg_cli.json" "$TINY"
expect "command line + config file: exit 0" [ $rc -eq 0 ]
jexpect "the command line overrides the config file (-f 2 before -c)" "$T/cfg_cli.json" \
    "g('memory.frames') == 2 and g('policy.name') == 'fifo'"
run run -c "$T/cfg.json" --set costs.walk=30ns -o "$T/cfg_set.json" "$TINY"
jexpect "--set overrides the config file" "$T/cfg_set.json" "g('config.costs.walk') == '30ns'"

# ---- --set costs.walk=30ns: 5 ns more per walk (one walk per TLB miss) ----
run run -f 2 -o "$T/walk25.json" "$TINY"
run run -f 2 --set costs.walk=30ns -o "$T/walk30.json" "$TINY"
expect "--set costs.walk=30ns: exit 0" [ $rc -eq 0 ]
jexpect "--set costs.walk=30ns is echoed in config" "$T/walk30.json" "g('config.costs.walk') == '30ns'"
jexpect "--set costs.walk=30ns adds 5 ns per TLB miss" "$T/walk30.json" \
    "g('tlb.misses') == load('$T/walk25.json')['tlb']['misses'] > 0 and abs(g('time.sim_ns') - load('$T/walk25.json')['time']['sim_ns'] - 5 * g('tlb.misses')) < 1e-6"
run run --set costs.walk=fast "$TINY"
expect "--set costs.walk=fast: exit 2 (got $rc)" [ $rc -eq 2 ]
# implicit=file: a page list's pages are a file's blocks: first touches read the file (major
# faults, no demand-zero), pages keep their identity, so misses are those of implicit=anon.
printf '1 3\n2 3\n9 1\n1 2\n# comment\n5 4\n1 1\n' > "$T/impl.lis"
run run -p lru -f 3 --tlb 0 --set implicit=file -o "$T/impl_file.json" "$T/impl.lis"
expect "--set implicit=file: exit 0 (rc $rc)" [ $rc -eq 0 ]
run run -p lru -f 3 --tlb 0 -o "$T/impl_anon.json" "$T/impl.lis"
jexpect "implicit=file: every miss reads the file" "$T/impl_file.json" \
    "g('faults.file_read') == g('misses') > 0 and g('faults.demand_zero') == 0"
jexpect "implicit=file: the same misses as implicit=anon" "$T/impl_file.json" \
    "g('misses') == load('$T/impl_anon.json')['misses'] and load('$T/impl_anon.json')['faults']['demand_zero'] == g('misses')"
run run --set implicit=tape "$TINY"
expect "--set implicit=tape: exit 2 (got $rc)" [ $rc -eq 2 ]
expect "--set implicit=tape: says what it takes" has_err "implicit must be 'anon', 'swap' or 'file'"
expect "--set implicit=tape: no results" [ ! -s "$T/out" ]
# implicit=swap: a page list's first touches read the swap device (major faults, timed as
# swap-ins), so the same misses take longer than implicit=anon's demand-zero pages.
run run -p lru -f 3 --tlb 0 --set implicit=swap -o "$T/impl_swap.json" "$T/impl.lis"
expect "--set implicit=swap: exit 0 (rc $rc)" [ $rc -eq 0 ]
jexpect "implicit=swap: major == misses, all swap-ins" "$T/impl_swap.json" \
    "g('faults.major') == g('misses') == g('faults.swap_in') == g('io.swap_in') > 0 and g('faults.demand_zero') == 0 and g('faults.minor') == 0"
jexpect "implicit=swap: the same misses as implicit=anon" "$T/impl_swap.json" \
    "g('misses') == load('$T/impl_anon.json')['misses']"
jexpect "implicit=swap: longer than implicit=anon" "$T/impl_swap.json" \
    "g('time.sim_ns') > load('$T/impl_anon.json')['time']['sim_ns'] + g('misses') * 100000"
jexpect "implicit=swap: clean pages keep their swap copy (nothing written)" "$T/impl_swap.json" \
    "g('io.swap_out') == 0 and g('evictions.total') > 0"
# A written page goes back to swap when evicted and is read again.
printf 'W 0x1000\nW 0x2000\nR 0x3000\nR 0x1000\n' >"$T/impl_w.txt"
run run -p fifo -f 2 --set implicit=swap --set paranoid=true -o "$T/impl_w.json" "$T/impl_w.txt"
expect "implicit=swap with writes, paranoid: exit 0 (rc $rc: $(head -c 200 "$T/err"))" [ $rc -eq 0 ]
jexpect "implicit=swap with writes: a dirty victim is written to swap, read back" "$T/impl_w.json" \
    "g('io.swap_out') == 2 and g('faults.swap_in') == 4 and g('faults.major') == g('misses') == 4"

# ---- the summary line (README "Reading results") ----
BEL=$DATA/eng_belady.txt
run run -p fifo -f 3 "$BEL"
expect "summary: exit 0" [ $rc -eq 0 ]
expect "summary: stdout (not a terminal) is the JSON" grep -q '"schema"' "$T/out"
expect "summary: one line on stderr" [ "$(wc -l <"$T/err")" -eq 1 ]
expect "summary: Belady's string, FIFO, 3 frames" grep -qx "$BEL: fifo, 3 frames (12 KiB): 12 references, 9 faults (0 major, 9 minor), miss ratio 0.7500, simulated 24.2 us, mean access 2.02 us" "$T/err"
run run -p clock:ref_on_load=0 -f 4 --set implicit=swap --format pages "$DATA/eng_ostep22.pages"
expect "summary: the policy's spec, major faults" grep -q ": clock:ref_on_load=0, 4 frames (16 KiB): .* faults ([1-9][0-9]* major, 0 minor)" "$T/err"
run run -q -p fifo -f 3 "$BEL"
expect "summary: -q drops it" [ ! -s "$T/err" ]
expect "summary: -q keeps the JSON" grep -q '"schema"' "$T/out"
run run -p fifo -f 3 -o "$T/sum.json" "$BEL"
expect "summary: with -o, on stderr, stdout empty" [ ! -s "$T/out" ] && [ "$(wc -l <"$T/err")" -eq 1 ]
run run -p nosuch -f 3 "$BEL"
expect "summary: none after an error" [ "$(grep -c "frames (" "$T/err")" -eq 0 ]
# On a terminal (script(1) gives the command a pty): the line instead of the JSON, unless
# -o or --json.
if command -v script >/dev/null 2>&1 && script -qc true /dev/null >/dev/null 2>&1; then
    script -qc "'$BIN' run -p fifo -f 3 '$BEL' 2>/dev/null" /dev/null | tr -d '\r' >"$T/tty"
    expect "summary on a tty: the line, no JSON" grep -q "^$BEL: fifo, 3 frames" "$T/tty"
    expect "summary on a tty: no JSON" sh -c "! grep -q '\"schema\"' '$T/tty'"
    script -qc "'$BIN' run --json -p fifo -f 3 '$BEL' 2>/dev/null" /dev/null | tr -d '\r' >"$T/tty"
    expect "summary on a tty, --json: the JSON" grep -q '"schema"' "$T/tty"
    expect "summary on a tty, --json: the line not on stdout" sh -c "! grep -q 'frames (' '$T/tty'"
    script -qc "'$BIN' run -o '$T/tty.json' -p fifo -f 3 '$BEL' 2>/dev/null" /dev/null | tr -d '\r' >"$T/tty"
    expect "summary on a tty, -o: the line" grep -q "^$BEL: fifo, 3 frames" "$T/tty"
    expect "summary on a tty, -o: the JSON in the file" grep -q '"schema"' "$T/tty.json"
    script -qc "'$BIN' run -q -p fifo -f 3 '$BEL'" /dev/null | tr -d '\r' >"$T/tty"
    expect "summary on a tty, -q: nothing" [ ! -s "$T/tty" ]
else
    echo "cli: script(1) cannot make a pty here: terminal summary checks skipped"
fi

# ---- run --explain (README "Explain mode"): golden outputs of textbook strings ----
for g in "$DATA"/explain/*.txt; do
    args=$(sed -n '1s/^# pagesim run //p' "$g")
    # shellcheck disable=SC2086  # the golden's first line is the argument list
    (cd "$SRC" && "$BIN" run $args) >"$T/explain.out" 2>"$T/err"; rc=$?
    expect "explain $(basename "$g"): exit 0 (rc $rc: $(head -c 200 "$T/err"))" [ $rc -eq 0 ]
    tail -n +2 "$g" >"$T/explain.want"
    expect "explain $(basename "$g"): the golden output (diff $g)" cmp -s "$T/explain.out" "$T/explain.want"
done
expect "explain: golden files present" [ "$(ls "$DATA"/explain/*.txt | wc -l)" -ge 6 ]
# Every registered policy explains the Belady string (a hook or the generic rendering): a
# line per reference, the totals as the results count them.
while read -r p; do
    run run --explain -p "$p" -f 3 -o "$T/ex_$p.json" "$BEL"
    expect "explain -p $p: exit 0 ($(head -c 200 "$T/err"))" [ $rc -eq 0 ]
    expect "explain -p $p: 2 header lines, 12 references, the totals" [ "$(wc -l <"$T/out")" -eq 15 ]
    f=$(sed -n 's/^hits \([0-9]*\), faults \([0-9]*\), hit ratio .*/\2/p' "$T/out")
    jexpect "explain -p $p: its faults are the results' ($f)" "$T/ex_$p.json" "g('faults.total') == ${f:--1}"
    expect "explain -p $p: each line's state has a bracketed list" [ "$(sed -n '3,14p' "$T/out" | grep -c '[A-Za-z0-9_]\[.*\]')" -eq 12 ]
done <"$T/listed"
run run --explain -p lru -f 3 -o "$T/ex_same.json" "$BEL"
run run -p lru -f 3 -o "$T/ex_plain.json" "$BEL"
expect "explain changes no result" cmp -s "$T/ex_same.json" "$T/ex_plain.json"
run run --explain -p lru -f 3 "$BEL"
expect "explain without -o: no JSON on stdout" sh -c "! grep -q '\"schema\"' '$T/out'"
run run --explain --json -p lru -f 3 "$BEL"
expect "explain --json without -o: exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "explain --json without -o: says why" has_err "give --json's results a file with -o"
awk 'BEGIN { for (i = 0; i < 10001; i++) print i % 7 }' >"$T/big.pages"
run run --explain -o "$T/big.json" "$T/big.pages"
expect "explain on 10001 accesses: exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "explain on 10001 accesses: names the limit" has_err "--explain shows at most 10000 accesses"
expect "explain on 10001 accesses: no results, no lines" [ ! -e "$T/big.json" ] && [ ! -s "$T/out" ]
run run --explain --workload "$SRC/workloads/examples/shared-lib.json"
expect "explain on a synthetic workload: exit 2 (rc $rc)" [ $rc -eq 2 ]
"$BIN" run --explain -p fifo -f 3 - <"$BEL" >"$T/out" 2>"$T/err"; rc=$?
expect "explain on standard input: exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "explain on standard input: says why" has_err "give it a file, not a pipe"
run run --help
expect "run --help: --explain and its limit" has_out "at most 10000 accesses"
expect "run --help: implicit=swap" has_out "implicit=swap"

# ---- what each policy sees: said once, as the results and README say ----
run policies
while read -r p; do
    line=$(grep "^  $p " "$T/out")
    n=$(printf '%s\n' "$line" | grep -o "sees" | wc -l)
    expect "policies: $p says what it sees once (got $n)" [ "$n" -eq 1 ]
    all=False
    case $line in *"(sees every reference)") all=True ;; esac
    jexpect "policies: $p's 'sees every reference' agrees with policy.sees_all_refs" "$T/p_$p.json" \
        "g('policy.sees_all_refs') == $all"
    row=$(grep "^| \`$p\` |" "$SRC/README.md" | awk -F' [|] ' '{print $3}')
    if [ -n "$row" ]; then
        expect "policies: $p sees '$row' as README's table says" sh -c "printf '%s' \"\$1\" | grep -qF \"(sees \$2)\"" _ "$line" "$row"
    fi
done <"$T/listed"

# ---- issue 15: the textbook policies' parameters, load control ----
run run -p nru:period=20ms -f 3 -o "$T/nru_t.json" "$TINY"
expect "-p nru:period=20ms: exit 0 (rc $rc)" [ $rc -eq 0 ]
run run -p nru:period=2refs -f 3 -o "$T/nru_r.json" "$TINY"
expect "-p nru:period=2refs: exit 0 (rc $rc)" [ $rc -eq 0 ]
jexpect "nru:period=2refs ticks" "$T/nru_r.json" "g('policy.stats.ticks') > 0"
run run -p nru:period=20parsecs -f 3 "$TINY"
expect "-p nru:period=20parsecs: exit 2 (got $rc)" [ $rc -eq 2 ]
expect "-p nru:period=20parsecs: says what it takes" has_err "period must be a time with its unit"
run run --set load_control=ws --schedule trace "$TINY"
expect "load_control under the trace schedule: exit 2 (got $rc)" [ $rc -eq 2 ]
expect "load_control under the trace schedule: says why" has_err "load_control=ws needs the rr schedule"
run run --set load_control=sometimes "$TINY"
expect "--set load_control=sometimes: exit 2 (got $rc)" [ $rc -eq 2 ]
run run --set load_control=ws --schedule rr -f 3 -o "$T/lc.json" "$TINY"
expect "--set load_control=ws --schedule rr: exit 0 (rc $rc)" [ $rc -eq 0 ]
jexpect "load_control in the results" "$T/lc.json" "g('load_control.mode') == 'ws' and g('config.load_control') == 'ws'"

# ---- determinism: byte-identical results ----
for i in 1 2; do
    run run -p random -f 3 -s 7 --interval 1 -o "$T/det$i.json" "$TINY"
done
expect "determinism: same input and seed, identical bytes" cmp -s "$T/det1.json" "$T/det2.json"
for i in 1 2; do
    run run -p random -f 3 -s 7 -o "$T/detb$i.json" "$SRC/tests/data/eng_silberschatz.txt"
done
expect "determinism on a second trace" cmp -s "$T/detb1.json" "$T/detb2.json"

# ---- the same trace as text and as binary: the same results ----
# The bundled pipeline (4 processes, forks, execs, file mappings) through both readers, both
# schedules: the binary reader's batches and the text reader's records must simulate alike
# (everything equal but the trace's path).
PIPE=$SRC/workloads/traces/pipeline.trace.zst
"$BIN" convert --to text "$PIPE" "$T/pipe.txt" && "$BIN" convert --to binary "$PIPE" "$T/pipe.pstb"
for cfg in "-p lru -f 40" "-p clock -f 40 --schedule rr --cpus 2" "-p fifo -f 48 --ref-bit tlb_fill --tlb 8:2"; do
    # shellcheck disable=SC2086
    run run $cfg -o "$T/pipe_t.json" "$T/pipe.txt"
    rc_text=$rc
    # shellcheck disable=SC2086
    run run $cfg -o "$T/pipe_b.json" "$T/pipe.pstb"
    expect "text and binary replays run ($cfg: exit $rc_text, $rc)" [ "$rc_text:$rc" = 0:0 ]
    expect "text and binary replay alike ($cfg)" \
        cmp -s <(sed 's/pipe\.txt/TRACE/' "$T/pipe_t.json") <(sed 's/pipe\.pstb/TRACE/' "$T/pipe_b.json")
    rm -f "$T/pipe_t.json" "$T/pipe_b.json"
done
jexpect "the seed is echoed" "$T/det1.json" "g('seed') == 7 and g('config.seed') == 7"

# ---- wait: text and binary, info, both schedules, bad waits ----
# (canonical text; pid 1's "wait 1" comes before pid 3's exit in the file)
{ echo "W 0x0 1"; echo "fork 1 2"; for i in $(seq 1 50); do printf 'W 0x%x000 2\n' $((i % 8 + 1)); done
  echo "exit 2"; echo "wait 1 2"; echo "fork 1 3"; echo "R 0x1000 3"; echo "wait 1"
  for i in $(seq 1 50); do printf 'R 0x%x000 1\n' $((i % 8 + 1)); done; echo "exit 3"; } >"$T/wait.txt"
"$BIN" convert --to binary "$T/wait.txt" "$T/wait.pstb" && "$BIN" convert --to text "$T/wait.pstb" "$T/wait_back.txt"
expect "wait: text -> binary -> text is the identity" cmp -s "$T/wait.txt" "$T/wait_back.txt"
run info "$T/wait.pstb"
expect "wait: info's events line counts waits ($(grep events "$T/out"))" has_out "exits 2, waits 2,"
run info --json "$T/wait.txt"
expect "wait: info --json counts waits" grep -q '"waits": 2' "$T/out"
run info "$TINY"
expect "wait: info on a trace without waits says waits 0" has_out "waits 0,"
for sched in trace rr; do
    run run --schedule $sched --cpus $([ $sched = rr ] && echo 2 || echo 1) -o "$T/wait_t_$sched.json" "$T/wait.txt"
    rc_text=$rc
    run run --schedule $sched --cpus $([ $sched = rr ] && echo 2 || echo 1) -o "$T/wait_b_$sched.json" "$T/wait.pstb"
    expect "wait: runs under $sched (exit $rc_text, $rc: $(head -c 200 "$T/err"))" [ "$rc_text:$rc" = 0:0 ]
    expect "wait: text and binary alike under $sched" \
        cmp -s <(sed 's/wait\.txt/TRACE/' "$T/wait_t_$sched.json") <(sed 's/wait\.pstb/TRACE/' "$T/wait_b_$sched.json")
done
jexpect "wait: trace schedule counts the waits, none blocks" "$T/wait_t_trace.json" \
    "g('waits.total') == 2 and g('waits.blocked') == 0 and g('waits.unfinished') == 0 and g('processes.0.wait_ns') == 0"
jexpect "wait: rr blocks the parent for its running child" "$T/wait_t_rr.json" \
    "g('waits.total') == 2 and g('waits.blocked') >= 1 and g('processes.0.wait_ns') > 0 and g('processes.0.blocked_ns') == 0"
jexpect "wait: no waits, no wait keys" "$T/tiny.json" "'waits' not in d and 'wait_ns' not in g('processes.0')"
printf 'W 0x0 1\nfork 1 2\nwait 1 5\n' >"$T/badwait.txt"
"$BIN" convert --to binary "$T/badwait.txt" "$T/badwait.pstb"
for f in badwait.txt badwait.pstb; do
    where="$f:3"                                  # a binary trace's positions are records
    [ "$f" = badwait.pstb ] && where="$f: record 3"
    for sched in trace rr; do
        run run --schedule $sched -o "$T/badout/res.json" "$T/$f"
        expect "wait for a non-child ($f, $sched): exit 2 (got $rc)" [ $rc -eq 2 ]
        expect "wait for a non-child ($f, $sched): names the line ($(head -c 200 "$T/err"))" \
            has_err "$where: wait: pid 5 is not a child of pid 1"
    done
done
printf 'W 0x0 1\nwait 1\n' >"$T/nochild.txt"
run run -o "$T/badout/res.json" "$T/nochild.txt"
expect "wait with no child: exit 2, names the line ($(head -c 200 "$T/err"))" has_err "nochild.txt:2: wait: pid 1 has no child"
expect "bad waits: no output file" [ -z "$(ls -A "$T/badout" | grep -v keep.json)" ]

# ---- OPT's next-use table on a full TMPDIR: a clear error before the run, never SIGBUS ----
# (root only: a 64 KiB tmpfs; the table for the sort trace needs 16 MB)
if [ "$(id -u)" = 0 ] && mkdir -p "$T/tiny" && mount -t tmpfs -o size=64k tmpfs "$T/tiny" 2>/dev/null; then
    TMPDIR="$T/tiny" run run -p opt -o "$T/opt_full.json" "$SRC/workloads/traces/sort.lackey.zst"
    expect "opt on a full TMPDIR fails cleanly (rc $rc)" test "$rc" -ne 0 -a "$rc" -lt 128
    expect "opt on a full TMPDIR says why" has_err "next-use table: cannot reserve"
    expect "opt on a full TMPDIR leaves no results" test ! -e "$T/opt_full.json"
    TMPDIR="$T/tiny" run mrc -p opt -o "$T/mrc_full.json" "$SRC/workloads/traces/sort.lackey.zst"
    expect "mrc -p opt on a full TMPDIR fails cleanly (rc $rc)" test "$rc" -ne 0 -a "$rc" -lt 128
    expect "mrc -p opt on a full TMPDIR says why" has_err "next-use table: cannot reserve"
    expect "mrc -p opt on a full TMPDIR leaves no results" test ! -e "$T/mrc_full.json"
    umount "$T/tiny"
fi

# ---- pages above 4 KiB: unaligned areas refused, skipped references warned about ----
printf 'mmap 1 0x108000 0x4000 r-- file:/bin/ls private\nR 0x108000\n' >"$T/unaligned.txt"
run run --page-size 2M -o "$T/unaligned.json" "$T/unaligned.txt"
expect "2M pages on an unaligned area: exit 2 (rc $rc)" test "$rc" -eq 2
expect "2M pages on an unaligned area: the message names the record" has_err "unaligned.txt:1: mmap at 0x108000"
expect "2M pages on an unaligned area: no results" test ! -e "$T/unaligned.json"
printf 'mmap 1 0x100000 0x1000 r-- anon private\nR 0x100000\nW 0x100000\n' >"$T/prot.txt"
run run -o "$T/prot.json" "$T/prot.txt"
expect "skipped references: still a result (rc $rc)" test "$rc" -eq 0
expect "skipped references: a warning on stderr" has_err "warning: 1 of 2 page references"
jexpect "skipped references: a warnings entry" "$T/prot.json" 'len(d["warnings"]) == 1 and "protection 1" in d["warnings"][0]'
jexpect "no skipped references: no warnings" "$T/tiny.json" '"warnings" not in d'

# ---- progress lines (stderr here is a file, not a terminal) ----
no_cr() { ! grep -q $'\r' "$T/err"; }
run run -p lru -o "$T/prog_q.json" -q "$TINY"
expect "run -q: exit 0" [ $rc -eq 0 ]
expect "run -q: nothing on stderr" [ ! -s "$T/err" ]
run run -p lru -o "$T/prog_auto.json" "$TINY"
expect "run without a terminal: only the summary line on stderr" [ "$(wc -l <"$T/err")" -eq 1 ]
expect "run without a terminal: the summary line" grep -q "^$TINY: lru, 256 frames (1 MiB): .* references, .* faults (0 major, .* minor), miss ratio 0\.[0-9]*, simulated .*, mean access .*s$" "$T/err"
run run -p lru -o "$T/prog_on.json" --progress "$TINY"
expect "run --progress: exit 0" [ $rc -eq 0 ]
expect "run --progress: the simulation's totals on stderr" has_err "pagesim run: simulating done: "
expect "run --progress: faults and simulated time in the line" grep -q "faults, sim .* refs/s$" "$T/err"
expect "run --progress: plain lines, no \\r" no_cr
expect "run --progress: the same results as -q" cmp -s "$T/prog_on.json" "$T/prog_q.json"
expect "run without a terminal: the same results as -q" cmp -s "$T/prog_auto.json" "$T/prog_q.json"
run run -p lru -o "$T/prog_last.json" --progress -q "$TINY"
expect "run --progress -q: the last wins, nothing on stderr" [ ! -s "$T/err" ]
run run -p opt -o "$T/prog_opt.json" --progress "$TINY"
expect "run -p opt --progress: the next-use pass" has_err "pagesim run: next-use pass done: "
expect "run -p opt --progress: then the simulation" has_err "pagesim run: simulating done: "
expect "run -p opt --progress: the file's bytes read" grep -q "next-use pass done: .*(100%)" "$T/err"
"$BIN" run -p opt -q -o "$T/prog_opt_q.json" "$TINY" 2>/dev/null
expect "run -p opt --progress: the same results as -q" cmp -s "$T/prog_opt.json" "$T/prog_opt_q.json"
run run --schedule rr -o "$T/prog_rr.json" --progress "$TINY" "$TINY"
expect "run rr --progress: the pass that finds the processes" has_err "pagesim run: finding processes done: "
expect "run rr --progress: a percentage of the counted references" grep -q "simulating done: .* refs (100%)" "$T/err"
"$BIN" run --schedule rr -q -o "$T/prog_rr_q.json" "$TINY" "$TINY" 2>/dev/null
expect "run rr --progress: the same results as -q" cmp -s "$T/prog_rr.json" "$T/prog_rr_q.json"
# A binary trace's runs: the one where a progress look falls is expanded, which changes nothing.
"$BIN" convert -q --to binary "$PIPE" "$T/prog_pipe.pstb"
"$BIN" run -p lru -f 64 --progress -o "$T/prog_pipe.json" "$T/prog_pipe.pstb" 2>/dev/null
"$BIN" run -p lru -f 64 -q -o "$T/prog_pipe_q.json" "$T/prog_pipe.pstb"
expect "run --progress on a binary trace: the same results as -q" cmp -s "$T/prog_pipe.json" "$T/prog_pipe_q.json"
run run --progress -p nosuch "$TINY"
only_message() { [ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && has_err "unknown policy"; }
expect "run --progress, bad policy: exit 2 with only the message" only_message
run mrc -p opt --progress -o "$T/prog_mrc.json" "$TINY"
expect "mrc -p opt --progress: exit 0" [ $rc -eq 0 ]
expect "mrc -p opt --progress: the next-use pass" has_err "pagesim mrc: next-use pass done: "
expect "mrc -p opt --progress: the stack pass" has_err "pagesim mrc: OPT stack pass done: "
run mrc -p opt -o "$T/prog_mrc_auto.json" "$TINY"
expect "mrc without a terminal: nothing on stderr" [ ! -s "$T/err" ]
run mrc -p opt -q -o "$T/prog_mrc_q.json" "$TINY"
expect "mrc -q: nothing on stderr" [ ! -s "$T/err" ]
expect "mrc --progress: the same curve as -q" cmp -s "$T/prog_mrc.json" "$T/prog_mrc_q.json"
run mrc -p lru --progress -o "$T/prog_mrc_lru.json" "$TINY"
expect "mrc -p lru --progress: the LRU pass" has_err "pagesim mrc: LRU stack pass done: "
run convert --progress --to binary "$TINY" "$T/prog_conv.pstb"
expect "convert --progress: exit 0" [ $rc -eq 0 ]
expect "convert --progress: records and bytes read" grep -q "pagesim convert: to binary done: [0-9]* records, .*(100%)" "$T/err"
expect "convert --progress: plain lines, no \\r" no_cr
run convert --to binary "$TINY" "$T/prog_conv_auto.pstb"
expect "convert without a terminal: nothing on stderr" [ ! -s "$T/err" ]
run convert -q --to binary "$TINY" "$T/prog_conv_q.pstb"
expect "convert -q: nothing on stderr" [ ! -s "$T/err" ]
expect "convert --progress: the same bytes as -q" cmp -s "$T/prog_conv.pstb" "$T/prog_conv_q.pstb"
run convert --progress --to text "$TINY" -
expect "convert --progress to stdout: the trace alone on stdout" [ "$(grep -c pagesim "$T/out")" -eq 0 ]
expect "convert --progress to stdout: the line on stderr" has_err "pagesim convert: to text done: "

# ---- exit-code rule and failures of the machine (issue 11: F4, F7, F8, fsync, -o first) ----
# 0 success, 2 usage and bad input (the setting named), 1 failures of the machine.
if [ -w /dev/full ]; then
    "$BIN" run "$TINY" >/dev/full 2>"$T/err"; rc=$?
    expect "run > /dev/full: exit 1 (rc $rc)" [ $rc -eq 1 ]
    expect "run > /dev/full: says so" has_err "cannot write results to standard output"
    "$BIN" info "$TINY" >/dev/full 2>"$T/err"; rc=$?
    expect "info > /dev/full: exit 1 (rc $rc)" [ $rc -eq 1 ]
    expect "info > /dev/full: says so" has_err "cannot write to standard output"
    "$BIN" info --json "$TINY" >/dev/full 2>"$T/err"; rc=$?
    expect "info --json > /dev/full: exit 1 (rc $rc)" [ $rc -eq 1 ]
    "$BIN" mrc -p lru -o - "$TINY" >/dev/full 2>"$T/err"; rc=$?
    expect "mrc -o - > /dev/full: exit 1 (rc $rc)" [ $rc -eq 1 ]
    expect "mrc -o - > /dev/full: says so" has_err "cannot write results to standard output"
    for to in text binary; do
        "$BIN" convert --to $to "$TINY" - >/dev/full 2>"$T/err"; rc=$?
        expect "convert --to $to IN - > /dev/full: exit 1 (rc $rc)" [ $rc -eq 1 ]
        expect "convert --to $to IN - > /dev/full: says so" has_err "write error"
    done
    "$BIN" policies >/dev/full 2>"$T/err"; rc=$?
    expect "policies > /dev/full: exit 1 (rc $rc)" [ $rc -eq 1 ]
fi
# An output that cannot be created fails at once (1: a write error, like a failed write at
# the end), before the run: a trace that does not exist would otherwise say exit 2.
run run -o "$TINY/x.json" "$T/no_such_trace.txt"
expect "-o under a non-directory: exit 1 before the run (rc $rc)" [ $rc -eq 1 ]
expect "-o under a non-directory: names the output" has_err "$TINY/x.json: cannot create the output"
mkdir -p "$T/rodir"
chmod 555 "$T/rodir"
if ! touch "$T/rodir/probe" 2>/dev/null; then       # not as root: root writes anyway
    run run -o "$T/rodir/r.json" "$TINY"
    expect "-o in a read-only directory: exit 1 (rc $rc)" [ $rc -eq 1 ]
    expect "-o in a read-only directory: says so" has_err "cannot create the output"
    expect "-o in a read-only directory: nothing left" [ -z "$(ls -A "$T/rodir")" ]
    run mrc -p lru -o "$T/rodir/m.json" "$TINY"
    expect "mrc -o in a read-only directory: exit 1 (rc $rc)" [ $rc -eq 1 ]
    run convert --to binary "$TINY" "$T/rodir/c.pstb"
    expect "convert into a read-only directory: exit 1 (rc $rc)" [ $rc -eq 1 ]
else
    rm -f "$T/rodir/probe"
    echo "cli: running as root: the read-only directory checks use a non-directory instead"
    run mrc -p lru -o "$TINY/m.json" "$TINY"
    expect "mrc -o under a non-directory: exit 1 (rc $rc)" [ $rc -eq 1 ]
    run convert --to binary "$TINY" "$TINY/c.pstb"
    expect "convert under a non-directory: exit 1 (rc $rc)" [ $rc -eq 1 ]
fi
chmod 755 "$T/rodir"
run mrc -p lru -o "$TINY/m.json" "$T/no_such_trace.txt"
expect "mrc -o under a non-directory: exit 1 before the pass (rc $rc)" [ $rc -eq 1 ]
run mrc -p lru -o "$T/mrc_bad.json" "$BAD"
expect "mrc on bad input: exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "mrc on bad input: no output, no temporary file" [ -z "$(ls "$T" | grep mrc_bad)" ]
# An output that is a FIFO (or a device: -o /dev/null) is written in place: a temporary file
# renamed over it replaced it with a regular file (as root, /dev/null itself).
for cmd in run mrc convert; do
    rm -f "$T/fifo"; mkfifo "$T/fifo"
    timeout 20 cat "$T/fifo" >"$T/fifo_got" &
    reader=$!
    case $cmd in
        run) args=(run -o "$T/fifo" "$TINY") ;;
        mrc) args=(mrc -p lru -o "$T/fifo" "$TINY") ;;
        convert) args=(convert --to text "$TINY" "$T/fifo") ;;
    esac
    timeout 20 "$BIN" "${args[@]}" >"$T/out" 2>"$T/err"; rc=$?
    [ -p "$T/fifo" ] || : >"$T/fifo"     # unblock a reader still waiting on a replaced FIFO
    wait $reader
    expect "$cmd -o FIFO: exit 0 (rc $rc)" [ $rc -eq 0 ]
    expect "$cmd -o FIFO: the FIFO is still a FIFO" [ -p "$T/fifo" ]
    expect "$cmd -o FIFO: the output came through it" [ -s "$T/fifo_got" ]
done
rm -f "$T/fifo"
# Bad input still says 2, with no output left (the temporary file made first is removed).
run run -o "$T/bad_first.json" "$BAD"
expect "bad input with -o: exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "bad input with -o: no temporary file left" [ -z "$(ls "$T" | grep bad_first)" ]
# F7: simulated time that would pass 2^63 ps is an error naming the setting, not garbage.
printf 'W 0x1000\nW 0x2000\nW 0x3000\nW 0x4000\nR 0x1000\nR 0x2000\nR 0x3000\nR 0x4000\n' >"$T/writes.txt"
run run -f 2 --swap-dev fixed:latency=5000000s -o "$T/ovf.json" "$T/writes.txt"
expect "swap latency 5000000s: exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "swap latency 5000000s: names the device setting" has_err "(--swap-dev)"
expect "swap latency 5000000s: no results" [ ! -e "$T/ovf.json" ]
run run -f 2 --swap-dev fixed:latency=1000000s -o "$T/ovf_ok.json" "$T/writes.txt"
expect "swap latency 1000000s (fits): exit 0 (rc $rc: $(head -c 200 "$T/err"))" [ $rc -eq 0 ]
jexpect "swap latency 1000000s: the mean major-fault latency is at least the latency" "$T/ovf_ok.json" \
    "g('latency.major_fault_ns.mean') >= 1e15"
# The clock itself: 4 M faults at 1 s costs pass 2^64 ps with no device at fault (before, the
# time wrapped silently and the run said exit 0).
printf '{"processes": [{"pid": 1, "areas": [{"name": "h", "start": "0x1000", "pages": 64}], "phases": [{"references": 4000000, "pattern": "seq", "area": "h", "write": 1.0}]}]}\n' >"$T/clock_syn.json"
run run --workload "$T/clock_syn.json" -f 1 --interval 0 --set costs.fault=1s --set costs.walk=1s \
    --set costs.zero=1s --set costs.evict=1s --set costs.tlb_hit=1s --swap-dev fixed:latency=1s -o "$T/clock.json"
expect "clock past 2^63 ps: exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "clock past 2^63 ps: names the settings" has_err "simulated time reached 2^63 ps"
expect "clock past 2^63 ps: no results" [ ! -e "$T/clock.json" ]
run run --set costs.fault=2s "$T/writes.txt"
expect "costs.fault 2s: exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "costs.fault 2s: names the cost" has_err "costs.fault"
# F8: absurd sizes are refused before allocating; out of memory is exit 1 with what and
# how much, never an abort.
run run -f 4294967294 "$TINY"
expect "-f 4294967294: exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "-f 4294967294: names the setting" has_err "frames 4294967294"
run run --tlb 16777216:4 --cpus 1024 --schedule rr "$TINY"
expect "--tlb 16777216:4 --cpus 1024: exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "--tlb 16777216:4 --cpus 1024: names the settings" has_err "--tlb or --cpus"
# (Skipped where the binary cannot start under a 400 MB address space: AddressSanitizer.)
if ( ulimit -v 400000 2>/dev/null && "$BIN" --version; st=$?; exit $st ) >/dev/null 2>&1; then
    ( ulimit -v 400000; "$BIN" run --tlb 16777216:4 --cpus 8 --schedule rr "$TINY" >"$T/out" 2>"$T/err" ); rc=$?
    expect "out of memory for TLBs (ulimit -v): exit 1 (rc $rc)" [ $rc -eq 1 ]
    expect "out of memory for TLBs (ulimit -v): says what and how much" has_err "out of memory (671088640 bytes for a TLB)"
    ( ulimit -v 400000; "$BIN" run -f 100000000 -o "$T/oom.json" "$TINY" >"$T/out" 2>"$T/err" ); rc=$?
    expect "out of memory for frames (ulimit -v): exit 1 (rc $rc)" [ $rc -eq 1 ]
    expect "out of memory for frames (ulimit -v): says so" has_err "bytes for the frame table)"
    expect "out of memory for frames (ulimit -v): no output, no temporary file" [ -z "$(ls "$T" | grep oom.json)" ]
    ( ulimit -v 400000; "$BIN" run -p lfu -f 6000000 "$TINY" >"$T/out" 2>"$T/err" ); rc=$?
    expect "out of memory in a policy (ulimit -v): exit 1 (rc $rc)" [ $rc -eq 1 ]
    expect "out of memory in a policy (ulimit -v): says so" has_err "policy lfu: out of memory"
else
    echo "cli: this binary cannot run under ulimit -v (sanitizers?): out-of-memory checks skipped"
fi

# A full TMPDIR for OPT's next-use table is the machine's failure: 1 (root only: a tmpfs).
if [ "$(id -u)" = 0 ] && mkdir -p "$T/tiny1" && mount -t tmpfs -o size=64k tmpfs "$T/tiny1" 2>/dev/null; then
    TMPDIR="$T/tiny1" run run -p opt -o "$T/opt_full1.json" "$SRC/workloads/traces/sort.lackey.zst"
    expect "opt on a full TMPDIR: exit 1 (rc $rc)" [ $rc -eq 1 ]
    TMPDIR="$T/tiny1" run mrc -p opt -o "$T/mrc_full1.json" "$SRC/workloads/traces/sort.lackey.zst"
    expect "mrc -p opt on a full TMPDIR: exit 1 (rc $rc)" [ $rc -eq 1 ]
    expect "mrc -p opt on a full TMPDIR: says why" has_err "next-use table: cannot reserve"
    expect "mrc -p opt on a full TMPDIR: no output, no temporary file" [ -z "$(ls "$T" | grep mrc_full1)" ]
    umount "$T/tiny1"
fi

# ---- issue 11: process identity, inputs read twice, .lis ranges, NUL bytes, numbers ----
# (self-contained: its files live under $T/i11)
I11=$T/i11
mkdir -p "$I11"
# F1: two files whose pids met after the old i * 1000000 offset (a segfault), and a pid near
# 2^32 in the second file (it wrapped): every (file, pid) is its own process, and the results
# name each one's file and pid as the file writes it.
printf 'R 0x1000 1000001\n' >"$I11/a.txt"
printf 'R 0x1000 1\n' >"$I11/b.txt"
printf 'R 0x1000 4294967295\nfork 4294967295 7\nW 0x1000 7\n' >"$I11/c.txt"
run run -f 64 -o "$I11/f1.json" "$I11/a.txt" "$I11/b.txt" "$I11/c.txt"
expect "F1: pids that met after the offset: exit 0 ($(head -c 200 "$T/err"))" [ $rc -eq 0 ]
jexpect "F1: four processes, each its file's pid and file" "$I11/f1.json" \
    "[(p['pid'], p['file'].split('/')[-1]) for p in d['processes']] == [(1000001, 'a.txt'), (1, 'b.txt'), (4294967295, 'c.txt'), (7, 'c.txt')]"
jexpect "F1: four separate address spaces: four demand-zero faults and a COW" "$I11/f1.json" \
    "g('faults.demand_zero') == 3 and g('faults.cow') == 1"
# the same pids in two files: two process families
printf 'R 0x1000 1\nfork 1 2\nW 0x2000 2\nwait 1 2\n' >"$I11/fam.txt"
run run -f 64 -o "$I11/fam.json" "$I11/fam.txt" "$I11/fam.txt"
expect "F1: one file twice: exit 0 ($(head -c 200 "$T/err"))" [ $rc -eq 0 ]
jexpect "F1: one file twice: 4 processes, pids 1 and 2 of each" "$I11/fam.json" \
    "sorted(p['pid'] for p in d['processes']) == [1, 1, 2, 2] and g('waits.total') == 2 and g('waits.unfinished') == 0"
run run -f 64 -o "$I11/one.json" "$I11/fam.txt"
jexpect "F1: one file: no 'file' in processes (results as before)" "$I11/one.json" \
    "all('file' not in p for p in d['processes'])"
# a message about a process names the file's pid, not the engine's
printf 'R 0x1000 5\nwait 5 9\n' >"$I11/w.txt"
run run -f 64 "$I11/a.txt" "$I11/w.txt"
expect "F1: a bad wait in the second file: exit 2" [ $rc -eq 2 ]
expect "F1: the message names FILE:LINE and the file's pids ($(head -c 200 "$T/err"))" \
    has_err "$I11/w.txt:2: wait: pid 9 is not a child of pid 5"

# F3: rr reads its input once per process; a pipe, a FIFO or <(...) is spooled once, so the
# streams no longer steal each other's lines: the same results as from the file.
for i in $(seq 0 2999); do printf 'R 0x%x %d\n' $(( (i * 7919 % 500) * 4096 )) $(( i % 3 + 1 )); done >"$I11/three.txt"
run run -f 64 --schedule rr --format text -o "$I11/file.json" "$I11/three.txt"
expect "F3: rr from the file: exit 0" [ $rc -eq 0 ]
cat "$I11/three.txt" | "$BIN" run -f 64 --schedule rr --format text -o "$I11/pipe.json" - 2>"$T/err"
expect "F3: rr from a pipe: exit 0 ($(head -c 200 "$T/err"))" [ $? -eq 0 ]
jexpect "F3: rr from a pipe: all 3000 accesses" "$I11/pipe.json" "g('accesses') == 3000"
jexpect "F3: rr from a pipe: the file's results" "$I11/pipe.json" \
    "{k: v for k, v in d.items() if k not in ('traces', 'run')} == {k: v for k, v in load('$I11/file.json').items() if k not in ('traces', 'run')}"
cat "$I11/three.txt" | "$BIN" run -f 64 --schedule rr -o "$I11/pipe_auto.json" - 2>"$T/err"
expect "F3: rr from a pipe, format detected: exit 0 ($(head -c 200 "$T/err"))" [ $? -eq 0 ]
jexpect "F3: rr from a pipe, format detected: all 3000 accesses" "$I11/pipe_auto.json" "g('accesses') == 3000"
mkfifo "$I11/fifo"
cat "$I11/three.txt" >"$I11/fifo" &
timeout 60 "$BIN" run -f 64 --schedule rr -o "$I11/fifo.json" "$I11/fifo" 2>"$T/err"
expect "F3: rr from a FIFO: exit 0, no hang ($(head -c 200 "$T/err"))" [ $? -eq 0 ]
wait
jexpect "F3: rr from a FIFO: all 3000 accesses" "$I11/fifo.json" "g('accesses') == 3000"
timeout 60 "$BIN" run -f 64 --schedule rr -o "$I11/subst.json" <(cat "$I11/three.txt") "$I11/three.txt" 2>"$T/err"
expect "F3: rr from <(...) and a file: exit 0 ($(head -c 200 "$T/err"))" [ $? -eq 0 ]
jexpect "F3: rr from <(...) and a file: 6000 accesses" "$I11/subst.json" "g('accesses') == 6000"
gzip -c "$I11/three.txt" | "$BIN" run -f 64 --schedule rr -o "$I11/gz.json" - 2>"$T/err"
expect "F3: rr from a gzip pipe: exit 0 ($(head -c 200 "$T/err"))" [ $? -eq 0 ]
jexpect "F3: rr from a gzip pipe: all 3000 accesses" "$I11/gz.json" "g('accesses') == 3000"
cat "$I11/three.txt" | "$BIN" run -f 64 -p opt -o "$I11/opt_pipe.json" - 2>"$T/err"
expect "F3: OPT from a pipe (the next-use pass reads it first): exit 0 ($(head -c 200 "$T/err"))" [ $? -eq 0 ]
run run -f 64 -p opt -o "$I11/opt_file.json" "$I11/three.txt"
jexpect "F3: OPT from a pipe: the file's faults" "$I11/opt_pipe.json" \
    "g('faults.total') == load('$I11/opt_file.json')['faults']['total']"
printf 'R 0x1000 1\nR 0x2000 2\nR 0xzz 1\n' | "$BIN" run --schedule rr --format text - >/dev/null 2>"$T/err"
expect "F3: a bad line in a spooled pipe: exit 2" [ $? -eq 2 ]
expect "F3: ... named -:3 ($(head -c 200 "$T/err"))" has_err "-:3: bad ADDRESS"
expect "F3: no spool left in TMPDIR" [ -z "$(ls "${TMPDIR:-/tmp}" | grep pagesim-spool)" ]
printf 'R 0x1000 1\nR 0x2000 2\n' | TMPDIR="$I11/nonexistent" "$BIN" run --schedule rr --format text - >/dev/null 2>"$T/err"
expect "F3: no temporary copy can be made: exit 1, the machine's failure" [ $? -eq 1 ]
expect "F3: ... and says why ($(head -c 200 "$T/err"))" has_err "standard input: cannot be read more than once, and no temporary copy can be made in $I11/nonexistent"

# F9: a one-line .lis asking for 2^64 - 1 pages ran for ever; START+COUNT wrapped silently
printf '0 18446744073709551615\n' >"$I11/h.lis"
rc=$(timeout 20 "$BIN" run --format lis "$I11/h.lis" >/dev/null 2>"$T/err"; echo $?)
expect "F9: a huge COUNT: exit 2 at once (got $rc)" [ "$rc" -eq 2 ]
expect "F9: ... at FILE:LINE ($(head -c 200 "$T/err"))" has_err "$I11/h.lis:1: COUNT 18446744073709551615 is too many pages"
printf '1 1\n18446744073709551615 2\n' >"$I11/w.lis"
run run --format lis "$I11/w.lis"
expect "F9: START+COUNT past 2^64: exit 2" [ $rc -eq 2 ]
expect "F9: ... at FILE:LINE ($(head -c 200 "$T/err"))" has_err "$I11/w.lis:2: START+COUNT wraps"

# F11: a NUL byte cut a text line silently
printf 'R 0x1000\nR 0x2\x000\n' >"$I11/nul.txt"
run run --format text "$I11/nul.txt"
expect "F11: a NUL byte in a line: exit 2" [ $rc -eq 2 ]
expect "F11: ... at FILE:LINE ($(head -c 200 "$T/err"))" has_err "$I11/nul.txt:2: NUL byte"
run run "$I11/nul.txt"
expect "F11: the same, format detected: exit 2" [ $rc -eq 2 ]
expect "F11: ... at FILE:LINE ($(head -c 200 "$T/err"))" has_err "$I11/nul.txt:2: NUL byte"
printf 'I  0400,4\n L 0800,8\x00\n' >"$I11/nul.lackey"
run run --format lackey "$I11/nul.lackey"
expect "F11: a NUL byte in a lackey line: FILE:LINE ($(head -c 200 "$T/err"))" has_err "$I11/nul.lackey:2: NUL byte"

# lruk:crp=N took O(crp log n) per eviction (every heap top within its correlated period was
# set aside and put back): P12 at 131072 frames needed 1103 s of CPU (now 6.1 s). A block trace's
# shape, 400000 references in short sequential runs from random starts (a Park-Miller
# generator, so every awk gives the same stream): the quadratic version needed 33.6 s here
# with a release build, the fix 0.71 s with a debug build; the bound, 20 s, leaves sanitizer builds
# room many times over.
awk 'BEGIN { x = 7; print "mmap 1 0 1099511627776 r-- file:blocks shared"
             for (n = 0; n < 400000; ) {
                 x = (x * 16807) % 2147483647; r = x / 2147483647
                 x = (x * 16807) % 2147483647; b = (r < 0.5) ? x % 300000 : x % 20000
                 x = (x * 16807) % 2147483647; l = 1 + x % 32
                 for (i = 0; i < l; i++) { printf "R %d\n", (b + i) * 4096; n++ } } }' >"$T/seqmix.txt"
rc=$(timeout 20 "$BIN" run -q --tlb 0 -f 16384 -p lruk:crp=12000 -o "$T/lrukcrp.json" "$T/seqmix.txt" 2>"$T/err"; echo $?)
expect "lruk:crp on a block trace's runs: done within 20 s (exit $rc; $(head -c 200 "$T/err"))" [ "$rc" -eq 0 ]

# a bad line early in a text trace is reported at its line, not as "unrecognised format"
printf 'R 0x1000\nR 0x1000:zz\nW 0x2000\n' >"$I11/early.txt"
run run "$I11/early.txt"
expect "early bad line: exit 2" [ $rc -eq 2 ]
expect "early bad line: named at its line ($(head -c 200 "$T/err"))" has_err "$I11/early.txt:2: bad SIZE"
printf 'X 0x10 0x1 junk\nR 0x1000\n' >"$I11/early1.txt"
run run "$I11/early1.txt"
expect "early bad first line: named at its line ($(head -c 200 "$T/err"))" has_err "$I11/early1.txt:1: "

# F13: one integer rule everywhere: decimal, or 0x hex; a leading zero is decimal
printf 'R 0x1000\n' >"$I11/t.txt"
run run -f 010 -s 010 -o "$I11/n1.json" "$I11/t.txt"
expect "F13: -f 010 -s 010: exit 0" [ $rc -eq 0 ]
jexpect "F13: -f 010 is ten frames, -s 010 seed ten" "$I11/n1.json" "g('config.frames') == 10 and g('config.seed') == 10"
run run -f 08 -o "$I11/n2.json" "$I11/t.txt"
expect "F13: -f 08 is accepted ($(head -c 200 "$T/err"))" [ $rc -eq 0 ]
jexpect "F13: -f 08 is eight frames" "$I11/n2.json" "g('config.frames') == 8"
run run --set frames=0x10 --tlb 0x10 --set readahead=007 -o "$I11/n3.json" "$I11/t.txt"
expect "F13: 0x hex in --set and --tlb: exit 0 ($(head -c 200 "$T/err"))" [ $rc -eq 0 ]
jexpect "F13: frames=0x10 is 16, --tlb 0x10 is 16 entries of 4 ways, readahead=007 is 7" "$I11/n3.json" \
    "g('config.frames') == 16 and g('config.tlb.entries') == 16 and g('config.tlb.ways') == 4 and g('config.readahead') == 7"
for v in 0o10 0b1 ' 8' '8 ' 1e3 0x; do
    run run -f "$v" "$I11/t.txt"
    expect "F13: -f '$v' is not an integer: exit 2" [ $rc -eq 2 ]
done
expect "F13: ... and the message says the rule ($(head -c 200 "$T/err"))" has_err "decimal, or hex with 0x"
# ... and in a synthetic workload's strings ("start": "010" was page-unaligned 8)
printf '{"processes": [{"pid": 1, "areas": [{"name": "h", "start": "010", "pages": 1, "backing": "file:lib@2.so"}], "phases": [{"references": 1, "pattern": "seq", "area": "h"}]}]}\n' >"$I11/syn.json"
run convert --format synthetic --to text "$I11/syn.json" -
expect "F13: synthetic \"start\": \"010\" is ten, an @ not followed by a number is the name's ($(head -c 200 "$T/out"))" \
    has_out "mmap 1 0xa 0x1000 rw- file:lib@2.so private"

# ---- issue 12: one command table, one option table (sim/cli/commands.c, opts.h) ----
# Every subcommand is listed in the top-level usage, and each one's --help exits 0.
run --help
for c in run policies mrc sweep merge convert info record; do
    expect "--help lists pagesim $c" grep -q "^ *\(usage: \)\?pagesim $c\b" "$T/out"
done
for a in help -h; do
    run $a
    expect "pagesim $a: the usage, exit 0 (rc $rc)" eval '[ $rc -eq 0 ] && has_out "usage: pagesim run"'
done
run version
expect "pagesim version: as --version" grep -qx "pagesim $ver" "$T/out"
run
expect "no arguments: the usage on stderr" has_err "usage: pagesim run"
for c in convert info policies; do
    run $c --help
    expect "$c --help: exit 0 (rc $rc)" [ $rc -eq 0 ]
    expect "$c --help: usage on stdout" has_out "usage: pagesim $c"
    expect "$c --help: the option list ends in -h, --help" grep -qx "  -h, --help" "$T/out"
done
run convert --help
expect "convert --help lists --to" has_out "--to text|binary"
run info --help
expect "info --help lists --page-size" has_out "--page-size SIZE"
# One message for a bad option in every ported command, with the usage after it.
for c in run convert info policies; do
    run $c --no-such-option
    expect "$c --no-such-option: exit 2 (rc $rc)" [ $rc -eq 2 ]
    expect "$c --no-such-option: named" has_err "unknown option '--no-such-option'"
    expect "$c --no-such-option: the usage follows" has_err "usage: pagesim $c"
done
run info --json=1 "$TINY"
expect "info --json=1: exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "info --json=1: says it takes no value" has_err "--json takes no value"
run convert --to text "$TINY" "$T/o.txt" --format
expect "convert ... --format (no value): exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "convert ... --format (no value): says so" has_err "pagesim convert: --format needs a value"
run policies extra
expect "policies with an operand: exit 2 (rc $rc)" [ $rc -eq 2 ]
# Options after the operands, --name=value, "--" before an operand.
run convert "$TINY" "$T/after.txt" --to=text -q
expect "convert IN OUT --to=text: exit 0 (rc $rc)" [ $rc -eq 0 ]
expect "convert IN OUT --to=text: the canonical text" cmp -s "$T/after.txt" <("$BIN" convert -q --to text "$TINY" -)
run info -- "$TINY"
expect "info -- TRACE: exit 0 (rc $rc)" [ $rc -eq 0 ]
# A run option missing its value at the end is that, not the operand before it (the
# config-file pass once permuted argv so that -f took the trace as its value).
run run -q -o "$T/fmiss.json" "$TINY" -f
expect "run TRACE -f: exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "run TRACE -f: -f needs a value ($(head -c 120 "$T/err"))" has_err "pagesim: -f needs a value"
run run -q -o "$T/pmiss.json" "$TINY" --policy
expect "run TRACE --policy: --policy needs a value ($(head -c 120 "$T/err"))" has_err "pagesim: --policy needs a value"
expect "run TRACE -f, --policy: no results" eval '[ ! -e "$T/fmiss.json" ] && [ ! -e "$T/pmiss.json" ]'
# -c FILE applies first wherever it stands; options after it override it either way.
echo '{"frames": 7}' >"$T/seven.json"
run run -q -f 9 -c "$T/seven.json" -o "$T/order.json" "$TINY"
expect "run -f 9 -c FILE: exit 0 (rc $rc)" [ $rc -eq 0 ]
jexpect "run -f 9 -c FILE(frames 7): -f wins" "$T/order.json" "g('config.frames') == 9"

# The ported commands (sweep, merge, mrc, record: opts.h tables too): --help on stdout, exit
# 0; a bad option or a missing value said one way, the usage after it, exit 2.
for c in sweep merge mrc record; do
    run $c --help
    expect "$c --help: exit 0 (rc $rc)" [ $rc -eq 0 ]
    expect "$c --help: usage on stdout" has_out "usage: pagesim $c"
    run $c --no-such-option
    expect "$c --no-such-option: exit 2 (rc $rc)" [ $rc -eq 2 ]
    expect "$c --no-such-option: named" has_err "pagesim $c: unknown option '--no-such-option'"
    expect "$c --no-such-option: the usage follows" has_err "usage: pagesim $c"
done
for c in merge record; do
    run $c -h
    expect "$c -h: the option list ends in -h, --help" grep -qx "  -h, --help" "$T/out"
done
run merge --title
expect "merge --title (no value): exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "merge --title (no value): says so" has_err "pagesim merge: --title needs a value"
run merge "$T" "$T"
expect "merge DIR DIR: exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "merge DIR DIR: one DIR only" has_err "pagesim merge: one DIR only"
run mrc -p lru -o "$T/mv.json" "$TINY" --seed
expect "mrc TRACE --seed: exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "mrc TRACE --seed: --seed needs a value ($(head -c 120 "$T/err"))" has_err "pagesim mrc: --seed needs a value"
expect "mrc TRACE --seed: no results" [ ! -e "$T/mv.json" ]
run mrc -p lru -o "$T/mv.json" --page-size 3000 "$TINY"
expect "mrc --page-size 3000: exit 2, the rule said" eval '[ $rc -eq 2 ] && has_err "pagesim mrc: --page-size '"'"'3000'"'"': expected a power of two"'
run mrc -p lru -o "$T/mv.json" "$TINY" "$TINY"
expect "mrc TRACE TRACE: one trace only" eval '[ $rc -eq 2 ] && has_err "pagesim mrc: one trace only"'
# options after the trace and --name=value, as every ported command takes them
run mrc "$TINY" -q --policy=lru --frames=2,4 -o "$T/mafter.json"
expect "mrc TRACE --policy=lru --frames=2,4: exit 0 (rc $rc)" [ $rc -eq 0 ]
jexpect "mrc TRACE --policy=lru --frames=2,4: two points" "$T/mafter.json" "[p['frames'] for p in g('mrc')] == [2, 4]"
run record -o
expect "record -o (no value): exit 2 (rc $rc)" [ $rc -eq 2 ]
expect "record -o (no value): says so" has_err "pagesim record: -o needs a value"
run record --level
expect "record --level (no value): says so" has_err "pagesim record: --level needs a value"
run record --max-refs 0 -- true
expect "record --max-refs 0: exit 2, the rule said" eval '[ $rc -eq 2 ] && has_err "pagesim record: --max-refs takes a positive count"'
run record -q
expect "record without a program: exit 2, said" eval '[ $rc -eq 2 ] && has_err "pagesim record: no program given"'
# the options end at PROGRAM: its own options are not record's
run record -o "$T/r.pdf" no-such-command-pagesim --no-such-option
expect "record PROGRAM --opt: the option is PROGRAM's (the name is checked, rc $rc)" \
    eval '[ $rc -eq 2 ] && has_err "r.pdf: cannot tell the format" && ! has_err "unknown option"'

# ---- the queued JSON checks ----
if [ -z "$PY" ]; then
    echo "cli: python3 not found: $(wc -l <"$CHECKS") JSON key and value checks skipped"
else
    "$PY" - "$CHECKS" >"$T/json_results" <<'PYEOF'
import json, sys

def load(path, cache={}):
    if path not in cache:
        with open(path) as f:
            cache[path] = json.load(f)
    return cache[path]

def same_but_memory(a, b):
    a, b = json.loads(json.dumps(a)), json.loads(json.dumps(b))
    for x in (a, b):
        x["config"].pop("memory", None)
    return a == b

for line in open(sys.argv[1]):
    desc, path, expr = line.rstrip("\n").split("\t")
    try:
        d = load(path)
        def g(p, d=d):
            v = d
            for k in p.split("."):
                v = v[int(k)] if isinstance(v, list) else v[k]
            return v
        ok = bool(eval(expr))
        why = "" if ok else "false: " + expr
    except Exception as e:
        ok, why = False, "%s: %r" % (expr, e)
    print("PASS" if ok else "FAIL", desc, why, sep="\t")
PYEOF
    while IFS=$'\t' read -r verdict desc why; do
        if [ "$verdict" = PASS ]; then ok; else bad "$desc${why:+ ($why)}"; fi
    done <"$T/json_results"
    [ "$(wc -l <"$T/json_results")" -eq "$(wc -l <"$CHECKS")" ] || bad "python3 did not run every JSON check"
fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
