# timeline.gp - a sweep's fault rate (top) and resident set (bottom) over simulated time, one
# line per grid point: phase changes show as bursts of faults while the resident set refills.
#
# gnuplot -e "dir='DIR'; load 'DIR/plot-vars.gp'" scripts/timeline.gp   (scripts/plot does this)
# Reads DIR/timeline.tsv: one block per series, columns
#   series  time_ms  fault_rate_per_1000  resident_frames  resident_mib  accesses_millions
# The x axis is simulated time, or the accesses made so far when the runs' durations differ
# by more than 5x (timeline_by_accesses: merge's choice, plot.c), where time would squeeze the
# short runs into the first pixels.
# (each run's timeline; a sweep's runs record 128 to 256 points each, whatever their length:
# sweep.c; the lowest seed when there are several). Writes DIR/timeline.png and .svg. Both
# panels carry the legend, so that their time axes line up.
tsv = dir.'/timeline.tsv'
load sprintf("%s/style.gp", system("dirname '".ARG0."'"))
set datafile separator "\t"
set datafile missing "nan"
set grid xtics ytics
set lmargin 12

do for [fmt in "png svg"] {
    h = 2 * ps_height(425, timeline_n)
    if (fmt eq "png") { set terminal pngcairo size 1100,h font ",11" } else { set terminal svg size 1100,h font "sans,11" dynamic }
    set output sprintf("%s/timeline.%s", dir, fmt)
    set multiplot layout 2,1 title sprintf("%s: fault rate and resident set over %s%s", exp, timeline_by_accesses ? "the run" : "time", timeline_note eq "" ? "" : " (".timeline_note.")") noenhanced
    set key outside right top box noenhanced width 2
    set xlabel timeline_by_accesses ? "accesses made (millions; the runs' simulated times differ by more than 5x)" : "simulated time (ms)"
    set ylabel "fault rate (faults per 1000 references)"
    plot for [i=1:timeline_n] tsv index (i-1) using (timeline_by_accesses ? $6 : $2):3 with lines lw 2 lc rgb ps_color(i) dt ps_dash(i) title timeline_labels[i]
    set ylabel "resident set (MiB)"
    set yrange [0:*]
    set offsets 0, 0, graph 0.08, 0
    plot for [i=1:timeline_n] tsv index (i-1) using (timeline_by_accesses ? $6 : $2):5 with lines lw 2 lc rgb ps_color(i) dt ps_dash(i) title timeline_labels[i]
    set autoscale y
    set offsets 0, 0, 0, 0
    unset multiplot
    unset output
}
