# latency_cdf.gp - a sweep's cumulative distribution of major-fault latency (fault to
# resumption: device queueing and service included), one step curve per grid point.
#
# gnuplot -e "dir='DIR'; load 'DIR/plot-vars.gp'" scripts/latency_cdf.gp   (scripts/plot does this)
# Reads DIR/latency_cdf.tsv: one block per series, columns  series  latency_us  fraction
# (from each run's latency.major_fault_cdf; the lowest seed when there are several).
# Writes DIR/latency_cdf.png and .svg. Latency on a log axis: it spans cache-hit swap reads
# to queued disk seeks.
tsv = dir.'/latency_cdf.tsv'
set datafile separator "\t"
set datafile missing "nan"
set title sprintf("%s: CDF of major-fault latency%s", exp, latency_cdf_note eq "" ? "" : " (".latency_cdf_note.")") noenhanced
set xlabel "major-fault latency (µs)"
set ylabel "fraction of major faults ≤ latency"
set logscale x 10
set yrange [0:1.02]
set grid xtics ytics mxtics
set key outside right top box noenhanced

do for [fmt in "png svg"] {
    if (fmt eq "png") { set terminal pngcairo size 1100,650 font ",11" } else { set terminal svg size 1100,650 font "sans,11" dynamic }
    set output sprintf("%s/latency_cdf.%s", dir, fmt)
    plot for [i=1:latency_cdf_n] tsv index (i-1) using 2:3 with steps lw 2 title latency_cdf_labels[i]
    unset output
}
