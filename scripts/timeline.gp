# timeline.gp - a sweep's fault rate (top) and resident set (bottom) over simulated time, one
# line per grid point: phase changes show as bursts of faults while the resident set refills.
#
# gnuplot -e "dir='DIR'; load 'DIR/plot-vars.gp'" scripts/timeline.gp   (scripts/plot does this)
# Reads DIR/timeline.tsv: one block per series, columns
#   series  time_ms  fault_rate_per_1000  resident_frames  resident_mib
# (each run's timeline: one record per `interval` accesses; the lowest seed when there are
# several). Writes DIR/timeline.png and .svg.
tsv = dir.'/timeline.tsv'
set datafile separator "\t"
set datafile missing "nan"
set grid xtics ytics
set key outside right top box noenhanced

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1100,850 font ",11" } else { set terminal svg size 1100,850 font "sans,11" dynamic }
    set output sprintf("%s/timeline.%s", dir, fmt)
    set multiplot layout 2,1 title sprintf("%s: fault rate and resident set over time%s", exp, timeline_note eq "" ? "" : " (".timeline_note.")") noenhanced
    set xlabel "simulated time (ms)"
    set ylabel "fault rate (faults per 1000 references)"
    plot for [i=1:timeline_n] tsv index (i-1) using 2:3 with lines lw 2 title timeline_labels[i]
    set ylabel "resident set (MiB)"
    set yrange [0:*]
    set offsets 0, 0, graph 0.08, 0
    plot for [i=1:timeline_n] tsv index (i-1) using 2:5 with lines lw 2 title timeline_labels[i]
    set autoscale y
    set offsets 0, 0, 0, 0
    unset multiplot
    unset output
}
