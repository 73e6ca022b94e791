# style.gp - what every plot of scripts/*.gp shares: a line style per series and a canvas
# that grows with its legend, so that 20 policies in one plot are 20 distinguishable lines and
# 20 whole labels (gnuplot's default 8 colours repeat, and a legend taller than its plot drops
# entries or spills into columns off the edge).
#
# load sprintf("%s/style.gp", dir_of_script)   (each script does, from ARG0)
# Gives: ps_color(i), ps_dash(i), ps_point(i) for series i = 1, 2, ...: Kelly's 20 colours of
# maximum contrast (K. L. Kelly, "Twenty-two colors of maximum contrast", Color Engineering 3(6),
# 1965; white and black left out), then the same colours dashed; the point shape changes
# with every colour too. ps_height(base, entries): the canvas height in pixels for a legend of
# that many entries at font size 11 (about 19 px each plus the titles), at least base.
array ps_colors[20] = ["#0067a5", "#be0032", "#008856", "#f38400", "#875692", "#222222", \
    "#a1caf1", "#e68fac", "#8db600", "#882d17", "#f3c300", "#604e97", "#f99379", "#2b3d26", \
    "#dcd300", "#b3446c", "#848482", "#e25822", "#654522", "#c2b280"]
array ps_points[10] = [7, 5, 9, 11, 13, 15, 4, 6, 8, 10]
ps_color(i) = ps_colors[(int(i) - 1) % 20 + 1]
ps_dash(i) = (int(i) - 1) / 20 % 5 + 1
ps_point(i) = ps_points[(int(i) - 1) % 10 + 1]
ps_height(base, entries) = (110 + 19 * entries > base ? 110 + 19 * entries : base)
