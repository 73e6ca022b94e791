# scripts/lib.sh - set-up shared by scripts/test, scripts/demo and scripts/bench.
#
# Sourced, not run. Gives:
#   ps_root             the repository root (absolute)
#   ps_ensure_deps      installs the Debian packages pagesim needs when any is missing
#                       (apt-get update once, then install -y); when not root, prints the
#                       apt-get line to run and exits 1
#   ps_build DIR TYPE [CMAKE ARGS...]
#                       configures (once) and builds DIR with CMAKE_BUILD_TYPE=TYPE
#
# Checks look at what is usable (a command on PATH, a pkg-config module) rather than at
# package names, so a machine with e.g. gnuplot-qt instead of gnuplot-nox is not asked to
# install anything.

ps_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Package and the check that says it is present, one pair per line (clang and its runtime:
# scripts/fuzz, libFuzzer).
ps_deps() {
    cat <<'LIST'
cmake       command:cmake
gcc         command:gcc
make        command:make
pkg-config  command:pkg-config
libgsl-dev  pkgconfig:gsl
libjansson-dev pkgconfig:jansson
libzstd-dev pkgconfig:libzstd
zlib1g-dev  pkgconfig:zlib
zstd        command:zstd
gnuplot-nox command:gnuplot
valgrind    command:valgrind
parallel    gnu-parallel
jq          command:jq
clang       command:clang
libclang-rt-14-dev clang-fuzzer-rt
LIST
}

ps_have() {
    case "$1" in
        command:*)   command -v "${1#command:}" >/dev/null 2>&1 ;;
        pkgconfig:*) command -v pkg-config >/dev/null 2>&1 &&
                     pkg-config --exists "${1#pkgconfig:}" ;;
        gnu-parallel) command -v parallel >/dev/null 2>&1 &&
                      parallel --version 2>/dev/null | head -1 | grep -q 'GNU parallel' ;;
        clang-fuzzer-rt) command -v clang >/dev/null 2>&1 &&   # libFuzzer, for scripts/fuzz
                      [ -e "$(clang -print-file-name="libclang_rt.fuzzer-$(uname -m).a")" ] ;;
        *) return 1 ;;
    esac
}

ps_ensure_deps() {
    local missing=() pkg check
    while read -r pkg check; do
        [ -n "$pkg" ] || continue
        ps_have "$check" || missing+=("$pkg")
    done < <(ps_deps)
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "pagesim: missing packages: ${missing[*]}" >&2
    if [ "$(id -u)" -ne 0 ]; then
        echo "pagesim: run as root:" >&2
        echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
}

ps_build() {
    local dir="$1" type="$2"
    shift 2
    cmake -S "$ps_root" -B "$dir" -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
    cmake --build "$dir" -j"$(nproc)"
}

# ps_policies PAGESIM: the replacement policies `pagesim policies` lists, one name a line.
# It prints sections ("replacement policies (-p):" then indented "  NAME  summary" lines,
# then other sections such as COW policies and trace formats); only the first section's
# names are replacement policies. A flat list (no section headers) is taken whole.
ps_policies() {
    "$1" policies | awk '
        /^[^ \t].*:[ \t]*$/ { hdr = 1; sec = ($0 ~ /^replacement/); next }
        (!hdr || sec) && $1 ~ /^[a-z0-9][a-z0-9_-]*$/ { print $1 }'
}
