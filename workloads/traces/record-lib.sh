# record-lib.sh - what every record-*.sh script shares (sourced, not run).
#
#   . "$(dirname "$0")/record-lib.sh"; record_start NAME.trace.zst "$@"
#   ... record into "$tmp/trace.txt" with "$pagesim" record, in the scratch folder $tmp ...
#   record_finish
#
# record_start sets here (this folder), root (the repository), out (the first argument, else
# NAME beside the scripts), pagesim ($PAGESIM, else build/pagesim) and tmp (a scratch folder
# removed at exit, the current directory). record_finish compresses the text trace with
# zstd -19 into $out (atomically) and says how big it is.
record_start() {
    here="$(cd "$(dirname "$0")" && pwd)"
    root="$(cd "$here/../.." && pwd)"
    out="${2:-$here/$1}"
    pagesim="${PAGESIM:-$root/build/pagesim}"
    [ -x "$pagesim" ] || { echo "$(basename "$0"): $pagesim not built (scripts/test builds it)" >&2; exit 1; }
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    cd "$tmp"
}

record_finish() {
    zstd -19 -T0 -q -f "$tmp/trace.txt" -o "$out.tmp"
    mv "$out.tmp" "$out"
    echo "wrote $out ($(stat -c %s "$out") bytes)"
}
