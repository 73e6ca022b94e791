# tests/fuzz/corpus.sh - the harnesses and where their seed inputs are. Sourced by
# scripts/fuzz and tests/fuzz/regress.sh. Gives:
#   fuzz_harnesses      the names (executable fuzz_NAME, seeds, dictionary NAME.dict if any)
#   fuzz_seeds ROOT NAME   the seed files for NAME (tests/data and tests/fuzz/seeds/NAME)
fuzz_harnesses="text binary lackey pages din pin lis oracle synthetic auto engine config spec"

fuzz_seeds() {
    local root="$1" d="$1/tests/data"
    case "$2" in
        text)      ls "$d"/wl_text.txt "$d"/bin_all.txt "$d"/eng_*.txt ;;
        binary)    ;;
        lackey)    ls "$d"/wl_lackey.txt "$d"/bin_lackey.txt ;;
        pages)     ls "$d"/wl_pages.txt "$d"/eng_ostep22.pages ;;
        din)       ls "$d"/wl_din.din ;;
        pin)       ls "$d"/wl_pin.out ;;
        lis)       ls "$d"/wl_lis.lis ;;
        oracle)    ls "$d"/wl_oracle.bin ;;
        synthetic) ls "$root"/workloads/examples/*.json ;;
        auto)      ls "$d"/wl_*.gz "$d"/wl_*.zst "$d"/wl_text.txt "$d"/wl_oracle.bin ;;
        engine)    ;;
        config)    ;;
        spec)      ;;
    esac
    [ -d "$root/tests/fuzz/seeds/$2" ] && ls -d "$root/tests/fuzz/seeds/$2"/*
    return 0
}
