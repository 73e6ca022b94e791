# fault_rate.gp - a sweep's page-fault rate against memory size, one line per policy (or per
# combination of the other varied settings), with 95% confidence intervals when there are seeds.
#
# gnuplot -e "dir='DIR'; load 'DIR/plot-vars.gp'" scripts/fault_rate.gp   (scripts/plot does this)
# Reads DIR/fault_rate.tsv: one block per series (gnuplot index), columns
#   series  frames  memory_mib  fault_rate_per_1000  fault_rate_ci95  miss_ratio  miss_ratio_ci95
# Writes DIR/fault_rate.png and .svg. Frames on a log2 axis (sweeps usually double them), the
# same memory in MiB on the top axis; the fault rate on a log axis when it is never zero.
tsv = dir.'/fault_rate.tsv'
load sprintf("%s/style.gp", system("dirname '".ARG0."'"))
set datafile separator "\t"
set datafile missing "nan"
stats tsv using 2 nooutput
xlo = STATS_min / 1.15; xhi = STATS_max * 1.15
wide = STATS_max / STATS_min >= 4
stats tsv using 4 nooutput
logy = STATS_min > 0 && STATS_max / STATS_min >= 10

set title sprintf("%s: page-fault rate against memory size%s", exp, fault_rate_note eq "" ? "" : " (".fault_rate_note.")") noenhanced
set xlabel "memory (frames)"
set x2label sprintf("memory (MiB, %d-byte pages)", page_bytes)
set ylabel sprintf("fault rate (faults per 1000 references)%s", seeds > 1 ? sprintf(", mean and 95%% CI over %d seeds", seeds) : "")
if (wide) { set logscale x 2; set logscale x2 2 }
if (logy) { set logscale y 10 }
set xrange [xlo:xhi]
set x2range [xlo*page_bytes/1048576.0 : xhi*page_bytes/1048576.0]
set xtics nomirror
set x2tics
set format x2 "%.3g"
set grid xtics ytics
set key outside right top box noenhanced width 2

do for [fmt in "png svg"] {
    h = ps_height(650, fault_rate_n)
    if (fmt eq "png") { set terminal pngcairo size 1100,h font ",11" } else { set terminal svg size 1100,h font "sans,11" dynamic }
    set output sprintf("%s/fault_rate.%s", dir, fmt)
    if (seeds > 1) {
        plot for [i=1:fault_rate_n] tsv index (i-1) using 2:4:5 with yerrorlines lw 2 lc rgb ps_color(i) dt ps_dash(i) pt ps_point(i) ps 0.8 title fault_rate_labels[i]
    } else {
        plot for [i=1:fault_rate_n] tsv index (i-1) using 2:4 with linespoints lw 2 lc rgb ps_color(i) dt ps_dash(i) pt ps_point(i) ps 0.8 title fault_rate_labels[i]
    }
    unset output
}
