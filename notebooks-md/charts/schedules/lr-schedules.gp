# schedules: learning-rate schedules (at each evaluation; # = trial table)
# Re-render from this folder: gnuplot lr-schedules.gp (reads lr-schedules.dat, writes lr-schedules.png and lr-schedules.svg)
set encoding utf8
set title "schedules: learning-rate schedules (at each evaluation; # = trial table)"
set xlabel "optimizer step of the continual run"
set ylabel "learning rate"
set grid
set linetype cycle 8
set linetype 1 lc rgb "#1f77b4" lw 1
set linetype 2 lc rgb "#ff7f0e" lw 1
set linetype 3 lc rgb "#2ca02c" lw 1
set linetype 4 lc rgb "#d62728" lw 1
set linetype 5 lc rgb "#9467bd" lw 1
set linetype 6 lc rgb "#8c564b" lw 1
set linetype 7 lc rgb "#e377c2" lw 1
set linetype 8 lc rgb "#17becf" lw 1
set key below
set offsets graph 0, graph 0, graph 0.05, graph 0.05
set autoscale xfix
set format y "%.1e"
set offsets graph 0, graph 0, graph 0.05, 0
set terminal pngcairo noenhanced size 960,520 font "sans,10" background rgb "white"
set output "lr-schedules.png"
plot "lr-schedules.dat" index 0 using 1:2 with linespoints lc 1 dt 1 lw 2 pt 7 ps 0.4 title "#1 cosine", \
     "" index 1 using 1:2 with linespoints lc 2 dt 1 lw 2 pt 7 ps 0.4 title "#2 #3", \
     "" index 2 using 1:2 with linespoints lc 3 dt 1 lw 2 pt 7 ps 0.4 title "#4 wsd-20pct", \
     "" index 3 using 1:2 with linespoints lc 4 dt 1 lw 2 pt 7 ps 0.4 title "#5 infinite"
set terminal svg noenhanced size 960,520 dynamic font "sans,10" background rgb "white"
set output "lr-schedules.svg"
replot
unset output
