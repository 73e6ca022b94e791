# tlb.gp - a sweep's TLB miss ratio against the number of TLB entries (--set tlb.entries=...),
# one line per combination of the other varied settings.
#
# gnuplot -e "dir='DIR'; load 'DIR/plot-vars.gp'" scripts/tlb.gp   (scripts/plot does this)
# Reads DIR/tlb.tsv: one block per series, columns  series  tlb_entries  tlb_miss_pct  tlb_miss_ci95
# Writes DIR/tlb.png and .svg. Entries on a log2 axis (TLB sizes are powers of two).
tsv = dir.'/tlb.tsv'
load sprintf("%s/style.gp", system("dirname '".ARG0."'"))
set datafile separator "\t"
set datafile missing "nan"
set title sprintf("%s: TLB miss ratio against TLB size%s", exp, tlb_note eq "" ? "" : " (".tlb_note.")") noenhanced
set xlabel "TLB entries"
set ylabel sprintf("TLB miss ratio (%% of accesses)%s", seeds > 1 ? sprintf(", mean and 95%% CI over %d seeds", seeds) : "")
set logscale x 2
set yrange [0:*]
set grid xtics ytics
set key outside right top box noenhanced width 2

do for [fmt in "png svg"] {
    h = ps_height(650, tlb_n)
    if (fmt eq "png") { set terminal pngcairo size 1100,h font ",11" } else { set terminal svg size 1100,h font "sans,11" dynamic }
    set output sprintf("%s/tlb.%s", dir, fmt)
    if (seeds > 1) {
        plot for [i=1:tlb_n] tsv index (i-1) using 2:3:4 with yerrorlines lw 2 lc rgb ps_color(i) dt ps_dash(i) pt ps_point(i) title tlb_labels[i]
    } else {
        plot for [i=1:tlb_n] tsv index (i-1) using 2:3 with linespoints lw 2 lc rgb ps_color(i) dt ps_dash(i) pt ps_point(i) title tlb_labels[i]
    }
    unset output
}
