# faults.gp - fault rate against memory size, one line per policy: the faults table of a
# policies x frames sweep (scripts/demo's plot).
#
# gnuplot -e "dir='DIR'; load 'DIR/plot-vars.gp'" scripts/faults.gp   (scripts/plot does this)
#   draws DIR/faults.tsv into DIR/faults.png and DIR/faults.svg, titled with the sweep's
#   title (exp);
# gnuplot -e "tsv='FILE'; out='PNG'; trace='NAME'; page_bytes=4096" scripts/faults.gp
#   draws any such table (OUT.png and, beside it, OUT.svg).
# tsv: a header line, then  policy  frames  faults  accesses  faults_per_1000  (tab-separated).
# Both axes are logarithmic: the frame counts double across the sweep and fault rates span
# orders of magnitude. The bottom axis counts frames, the top one the same memory in MiB.
load sprintf("%s/style.gp", system("dirname '".ARG0."'"))
if (exists("dir")) { tsv = dir.'/faults.tsv'; out = dir.'/faults.png' }
if (!exists("tsv"))        tsv = 'results/demo/faults.tsv'
if (!exists("out"))        out = 'results/demo/faults.png'
if (!exists("trace"))      trace = exists("exp") ? exp : tsv
if (!exists("page_bytes")) page_bytes = 4096

set datafile separator "\t"
set title sprintf("Page-fault rate against memory size: %s (%d-byte pages)", trace, page_bytes)
set xlabel "memory (frames)"
set x2label "memory (MiB)"
set ylabel "fault rate (faults per 1000 references)"
set logscale x 2
set logscale x2 2
set logscale y 10
# The MiB axis is the frames axis scaled: same logarithmic range, in other units.
stats tsv using 2 skip 1 nooutput
xlo = STATS_min / 1.25; xhi = STATS_max * 1.25
set xrange [xlo:xhi]
set x2range [xlo*page_bytes/1048576.0 : xhi*page_bytes/1048576.0]
set xtics nomirror
set x2tics
set mxtics 1
set grid xtics ytics mytics
set key outside right top box Left reverse width 1
set style data linespoints

# The policies, in the order they first appear in the table.
policies = system(sprintf("awk -F'\t' 'NR>1 && !seen[$1]++ {printf \"%%s \", $1}' '%s'", tsv))
svg = out[strlen(out) - 2:] eq "png" ? out[1:strlen(out) - 4].'.svg' : out.'.svg'

do for [fmt in "png svg"] {
    h = ps_height(650, words(policies))
    if (fmt eq "png") { set terminal pngcairo size 1000,h font ",11" noenhanced; set output out } \
    else { set terminal svg size 1000,h font "sans,11" dynamic noenhanced; set output svg }
    plot for [i=1:words(policies)] tsv using 2:(strcol(1) eq word(policies, i) ? $5 : NaN) skip 1 \
         title word(policies, i) lw 2 lc rgb ps_color(i) dt ps_dash(i) pt ps_point(i) ps 0.8
    unset output
}
