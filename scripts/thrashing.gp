# thrashing.gp - a sweep's thrashing curve: CPU utilization (left axis, solid) and throughput
# (right axis, dashed) against the number of processes sharing the memory (Denning, "Thrashing:
# its causes and prevention", AFIPS 1968): both rise with multiprogramming until the working
# sets stop fitting, then collapse as processes wait on the paging device.
#
# gnuplot -e "dir='DIR'; load 'DIR/plot-vars.gp'" scripts/thrashing.gp   (scripts/plot does this)
# Reads DIR/thrashing.tsv: one block per series, columns
#   series  processes  cpu_utilization_pct  cpu_utilization_ci95  throughput_per_s  throughput_ci95
# The process count is each run's own (its traces' processes). Writes DIR/thrashing.png, .svg.
tsv = dir.'/thrashing.tsv'
load sprintf("%s/style.gp", system("dirname '".ARG0."'"))
set datafile separator "\t"
set datafile missing "nan"
set title sprintf("%s: thrashing curve%s", exp, thrashing_note eq "" ? "" : " (".thrashing_note.")") noenhanced
set xlabel "processes (degree of multiprogramming)"
set ylabel sprintf("CPU utilization (%%)%s", seeds > 1 ? sprintf(", mean and 95%% CI over %d seeds", seeds) : "")
set y2label "throughput (accesses per simulated second)"
set yrange [0:105]
set y2range [0:*]
set xtics 1 nomirror
set ytics nomirror
set y2tics
set format y2 "%.2s%c"
set grid xtics ytics
set key outside right top box noenhanced width 2

do for [fmt in "png svg"] {
    h = ps_height(650, 2 * thrashing_n)
    if (fmt eq "png") { set terminal pngcairo size 1150,h font ",11" } else { set terminal svg size 1150,h font "sans,11" dynamic }
    set output sprintf("%s/thrashing.%s", dir, fmt)
    if (seeds > 1) {
        plot for [i=1:thrashing_n] tsv index (i-1) using 2:3:4 with yerrorlines lw 2 pt ps_point(i) lc rgb ps_color(i) title thrashing_labels[i].": CPU utilization", \
             for [i=1:thrashing_n] tsv index (i-1) using 2:5:6 axes x1y2 with yerrorlines lw 2 dt 2 pt ps_point(i) lc rgb ps_color(i) title thrashing_labels[i].": throughput"
    } else {
        plot for [i=1:thrashing_n] tsv index (i-1) using 2:3 with linespoints lw 2 pt ps_point(i) lc rgb ps_color(i) title thrashing_labels[i].": CPU utilization", \
             for [i=1:thrashing_n] tsv index (i-1) using 2:5 axes x1y2 with linespoints lw 2 dt 2 pt ps_point(i) lc rgb ps_color(i) title thrashing_labels[i].": throughput"
    }
    unset output
}
