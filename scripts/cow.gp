# cow.gp - a sweep's copy-on-write copies (left axis) and the extra memory they take (right
# axis: one page frame per copy) against the forked child's write fraction. Copies are all
# pages copied because of fork: at write faults on shared pages (cow.copies) and, for eager
# policies, at the fork itself (cow.eager_copies).
#
# gnuplot -e "dir='DIR'; load 'DIR/plot-vars.gp'" scripts/cow.gp   (scripts/plot does this)
# Reads DIR/cow.tsv: one block per series, columns
#   series  write_fraction  pages_copied  pages_copied_ci95  extra_mib  extra_mib_ci95
# Writes DIR/cow.png and .svg.
tsv = dir.'/cow.tsv'
load sprintf("%s/style.gp", system("dirname '".ARG0."'"))
set datafile separator "\t"
set datafile missing "nan"
if (!exists("cow_key")) cow_key = "child's write fraction"
set title sprintf("%s: copy-on-write copies against the child's write fraction%s", exp, cow_note eq "" ? "" : " (".cow_note.")") noenhanced
set xlabel sprintf("child's write fraction (%s)", cow_key) noenhanced
set ylabel sprintf("pages copied (at COW faults and eager fork copies)%s", seeds > 1 ? sprintf(", mean and 95%% CI over %d seeds", seeds) : "")
set y2label sprintf("extra memory (MiB, %d-byte pages)", page_bytes)
set yrange [0:*]
set link y2 via y*page_bytes/1048576.0 inverse y*1048576.0/page_bytes
set ytics nomirror
set y2tics
set format y2 "%.3g"
set grid xtics ytics
set key outside right top box noenhanced width 2

do for [fmt in "png svg"] {
    h = ps_height(650, cow_n)
    if (fmt eq "png") { set terminal pngcairo size 1100,h font ",11" } else { set terminal svg size 1100,h font "sans,11" dynamic }
    set output sprintf("%s/cow.%s", dir, fmt)
    if (seeds > 1) {
        plot for [i=1:cow_n] tsv index (i-1) using 2:3:4 with yerrorlines lw 2 lc rgb ps_color(i) dt ps_dash(i) pt ps_point(i) title cow_labels[i]
    } else {
        plot for [i=1:cow_n] tsv index (i-1) using 2:3 with linespoints lw 2 lc rgb ps_color(i) dt ps_dash(i) pt ps_point(i) title cow_labels[i]
    }
    unset output
}
