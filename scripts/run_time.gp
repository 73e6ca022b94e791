# run_time.gp - a sweep's simulated run time against memory size, one line per policy (or per
# combination of the other varied settings): what the faults of fault_rate.gp cost once the
# swap and file devices serve them (queueing included), beside the CPU's own time. With seeds,
# mean and 95% confidence intervals.
#
# gnuplot -e "dir='DIR'; load 'DIR/plot-vars.gp'" scripts/run_time.gp   (scripts/plot does this)
# Reads DIR/run_time.tsv: one block per series, columns
#   series  frames  memory_mib  sim_ms  sim_ms_ci95  ns_per_access  ns_per_access_ci95
# (ns_per_access: the run time over the accesses, the mean memory access time, for tables.)
# Writes DIR/run_time.png and .svg: simulated time (ms), a log axis when it spans a factor of
# 10; frames on a log2 axis when they span a factor of 4, the same memory in MiB on the top.
tsv = dir.'/run_time.tsv'
load sprintf("%s/style.gp", system("dirname '".ARG0."'"))
set datafile separator "\t"
set datafile missing "nan"
stats tsv using 2 nooutput
xlo = STATS_min / 1.15; xhi = STATS_max * 1.15
wide = STATS_max / STATS_min >= 4
stats tsv using 4 nooutput
logy = STATS_min > 0 && STATS_max / STATS_min >= 10

set title sprintf("%s: simulated run time against memory size%s", exp, run_time_note eq "" ? "" : " (".run_time_note.")") noenhanced
set xlabel "memory (frames)"
set x2label sprintf("memory (MiB, %d-byte pages)", page_bytes)
set ylabel sprintf("simulated run time (ms)%s", seeds > 1 ? sprintf(", mean and 95%% CI over %d seeds", seeds) : "")
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
    h = ps_height(650, run_time_n)
    if (fmt eq "png") { set terminal pngcairo size 1100,h font ",11" } else { set terminal svg size 1100,h font "sans,11" dynamic }
    set output sprintf("%s/run_time.%s", dir, fmt)
    if (seeds > 1) {
        plot for [i=1:run_time_n] tsv index (i-1) using 2:4:5 with yerrorlines lw 2 lc rgb ps_color(i) dt ps_dash(i) pt ps_point(i) ps 0.8 title run_time_labels[i]
    } else {
        plot for [i=1:run_time_n] tsv index (i-1) using 2:4 with linespoints lw 2 lc rgb ps_color(i) dt ps_dash(i) pt ps_point(i) ps 0.8 title run_time_labels[i]
    }
    unset output
}
