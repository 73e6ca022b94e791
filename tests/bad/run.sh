#!/usr/bin/env bash
# tests/bad/run.sh PAGESIM SOURCE_DIR [NAME...] - the bad-input corpus (tests/bad/cases.sh):
# every case writes its input, runs one pagesim command on it and asserts the exit status
# (2: bad input or usage), that standard error names the place (FILE:LINE: for text, FILE:
# record N: for binary traces, the file or option otherwise) with the expected words, and
# that nothing is left where the output would go (no results, no temporary file).
# BAD_SHOW=1 prints every case's status and message instead (for writing new cases).
set -u
BIN=${1:?usage: run.sh PAGESIM SOURCE_DIR [NAME...]}
SRC=${2:?usage: run.sh PAGESIM SOURCE_DIR [NAME...]}
shift 2
only=" $* "
T=$(mktemp -d "${TMPDIR:-/tmp}/pagesim_bad_XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/in"
pass=0 fail=0 n=0
declare -A seen=()

# bad NAME STATUS MESSAGE INPUT ARGS...: INPUT is a printf format for the file @IN (empty:
# no file); in MESSAGE and ARGS, @IN is its path, @OUT the output path, @DATA tests/data.
bad() {
    local name=$1 want=$2 msg=$3 input=$4
    shift 4
    [ "$only" = "  " ] || [[ "$only" == *" $name "* ]] || return 0
    [ -z "${seen[$name]:-}" ] || { echo "bad: duplicate case name $name" >&2; fail=$((fail + 1)); }
    seen[$name]=1
    n=$((n + 1))
    local in="$T/in/$name" outdir="$T/out/$name" a args=()
    mkdir -p "$outdir"
    [ -z "$input" ] || printf -- "$input" > "$in"
    for a in "$@"; do
        a=${a//@IN/$in}; a=${a//@OUT/$outdir/result}; a=${a//@DATA/$SRC/tests/data}
        args+=("$a")
    done
    msg=${msg//@IN/$in}
    (cd "$outdir" && exec "$BIN" "${args[@]}") > "$T/stdout" 2> "$T/stderr" < /dev/null
    local rc=$?
    if [ -n "${BAD_SHOW:-}" ]; then
        printf '%s\t%s\t%s\n' "$name" "$rc" "$(head -c 300 "$T/stderr" | tr '\n' ' ' | sed "s|$T/in/||g")"
        return 0
    fi
    local why=
    [ "$rc" -eq "$want" ] || why="exit $rc, expected $want"
    grep -qF -- "$msg" "$T/stderr" || why="${why:+$why; }message lacks '$msg'"
    [ -z "$(ls -A "$outdir")" ] || why="${why:+$why; }left $(ls -A "$outdir" | tr '\n' ' ')"
    if [ -n "$why" ]; then
        fail=$((fail + 1))
        echo "bad: FAIL: $name: $why; stderr: $(head -c 400 "$T/stderr")" >&2
    else
        pass=$((pass + 1))
    fi
}

. "$SRC/tests/bad/cases.sh"
[ -n "${BAD_SHOW:-}" ] && exit 0
echo "bad: $n cases, $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$n" -gt 0 ]
