#!/usr/bin/env bash
# tests/fuzz/regress.sh BUILD_DIR SOURCE_DIR - ctest's fuzz_regress: every harness (built
# without libFuzzer, driver.c) runs once over its seed corpus and over the inputs fuzzing
# once found (tests/fuzz/regress/NAME/). A crash, an abort or a sanitizer report fails.
set -uo pipefail
bin="$1" root="$2"
. "$root/tests/fuzz/corpus.sh"
fail=0
for h in $fuzz_harnesses; do
    mapfile -t inputs < <(fuzz_seeds "$root" "$h")
    [ -d "$root/tests/fuzz/regress/$h" ] && inputs+=("$root/tests/fuzz/regress/$h")
    [ ${#inputs[@]} -gt 0 ] || { echo "fuzz_$h: no inputs"; continue; }
    if ! timeout 300 "$bin/fuzz_$h" "${inputs[@]}" > /dev/null; then
        echo "FAIL: fuzz_$h on its seeds and regression inputs (exit $?)"
        fail=1
    else
        echo "ok: fuzz_$h (${#inputs[@]} inputs or directories)"
    fi
done
exit $fail
