# latency_cdf.gp - a sweep's cumulative distribution of major-fault latency (fault to
# resumption: device queueing and service included), one step curve per grid point.
#
# gnuplot -e "dir='DIR'; load 'DIR/plot-vars.gp'" scripts/latency_cdf.gp   (scripts/plot does this)
# Reads DIR/latency_cdf.tsv: one block per series, columns  series  latency_us  fraction
# (from each run's latency.major_fault_cdf; the lowest seed when there are several), each
# block running from (latency_cdf_lo, 0) to (latency_cdf_hi, 1): the axis' ends, which merge
# chose to fit every series' data (plot.c, rows_cdf), so each curve starts at 0 and ends at 1
# inside the plot. The latency axis is logarithmic when the data spans a factor of 10
# (latency_cdf_log), from cache-hit swap reads to queued disk seeks, else linear.
# Writes DIR/latency_cdf.png and .svg.
tsv = dir.'/latency_cdf.tsv'
load sprintf("%s/style.gp", system("dirname '".ARG0."'"))
set datafile separator "\t"
set datafile missing "nan"
set title sprintf("%s: CDF of major-fault latency%s", exp, latency_cdf_note eq "" ? "" : " (".latency_cdf_note.")") noenhanced
set xlabel "major-fault latency (µs)"
set ylabel "fraction of major faults ≤ latency"
if (latency_cdf_log) { set logscale x 10; set grid xtics ytics mxtics } else { set grid xtics ytics }
set xrange [latency_cdf_lo:latency_cdf_hi]
set yrange [-0.02:1.02]
set key outside right top box noenhanced width 2

do for [fmt in "png svg"] {
    h = ps_height(650, latency_cdf_n)
    if (fmt eq "png") { set terminal pngcairo size 1100,h font ",11" } else { set terminal svg size 1100,h font "sans,11" dynamic }
    set output sprintf("%s/latency_cdf.%s", dir, fmt)
    plot for [i=1:latency_cdf_n] tsv index (i-1) using 2:3 with steps lw 2 lc rgb ps_color(i) dt ps_dash(i) title latency_cdf_labels[i]
    unset output
}
