#!/usr/bin/env bash
# tests/report_html.sh - a sweep's DIR/report.html rendered by a real browser (headless
# Chromium): the page loads from the disk with no network, shows its plots, and its
# screenshot is not a blank page.
#
#   tests/report_html.sh PAGESIM SOURCE_DIR      (ctest runs it as `report_html`, label slow)
#
# Exit 77 (ctest: skipped) where Chromium is not installed (Debian: apt-get install chromium;
# not one of scripts/lib.sh's required packages). The network is closed to the browser (a
# proxy that does not exist, every host unresolvable), and report.html itself must name no
# http(s) URL, so a page that needs the network cannot pass. tests/sweep.sh checks the page's
# content without a browser.
set -uo pipefail
pagesim="$(realpath "$1")"
src="$(realpath "$2")"
export PAGESIM_SCRIPTS="$src/scripts"
chrome=""
for c in chromium chromium-browser google-chrome; do
    command -v "$c" >/dev/null 2>&1 && { chrome="$(command -v "$c")"; break; }
done
if [ -z "$chrome" ]; then
    echo "report_html: skipped: no chromium (apt-get install chromium to run this test)"
    exit 77
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

passed=0 failed=0
check() { local what="$1"; shift; if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what" >&2; fi; }

awk 'BEGIN { x = 12345; for (i = 0; i < 20000; i++) {
        x = (x * 1103515245 + 12345) % 2147483648; r = x / 2147483648;
        printf "%s 0x%x\n", (i % 3 ? "R" : "W"), 65536 + int(64 * r * r) * 4096 } }' > t.txt
"$pagesim" sweep -p lru,fifo,random -f 8:32:x2 --seeds 2 -j 2 --title 'report <test> & "quotes"' -o d t.txt 2>/dev/null
check "sweep exits 0" test $? -eq 0
check "report.html written" test -s d/report.html
check "report.html names no http(s) URL" test -z "$(grep -Eo 'https?://[^"<> ]*' d/report.html)"

# A screenshot of the page, and of a blank page to compare with.
shot() {   # shot URL OUT.png
    timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
        --user-data-dir="$tmp/profile" --proxy-server=127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND' \
        --window-size=1280,2400 --screenshot="$2" "$1" >/dev/null 2>&1
}
echo '<!DOCTYPE html><html><body></body></html>' > blank.html
shot "file://$tmp/blank.html" blank.png
shot "file://$tmp/d/report.html" report.png
check "chromium wrote a screenshot" test -s report.png
blank="$(stat -c %s blank.png 2>/dev/null || echo 0)" shot_bytes="$(stat -c %s report.png 2>/dev/null || echo 0)"
check "the screenshot is a PNG" test "$(head -c 8 report.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a
check "the screenshot is not a blank page ($shot_bytes bytes, blank $blank)" test "$shot_bytes" -gt $((blank * 10)) -a "$shot_bytes" -gt 30000
# Its width and height (the IHDR chunk): the window asked for.
dims="$(od -An -tu1 -j16 -N8 report.png | awk '{ printf "%d,%d", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }')"
check "screenshot 1280x2400 ($dims)" test "$dims" = 1280,2400
if command -v gnuplot >/dev/null; then
    # the plots are there to be drawn: the page links each one's image
    for p in fault_rate run_time; do
        check "report shows $p" grep -q "<img src=\"$p.svg\"" d/report.html
    done
fi

echo "report_html: $passed passed, $failed failed (screenshot $shot_bytes bytes)"
[ "$failed" -eq 0 ]
