# real-model: F4, downstream loss of the runs it compares; median and range over seeds
# Re-render from this folder: gnuplot F4-downstream.gp (reads F4-downstream.dat, writes F4-downstream.png and F4-downstream.svg)
set encoding utf8
set title "real-model: F4, downstream loss of the runs it compares; median and range over seeds"
set xlabel "training tokens of the continual run (thousands)"
set ylabel "downstream validation loss Ldown (bits per byte)"
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
set terminal pngcairo noenhanced size 960,520 font "sans,10" background rgb "white"
set output "F4-downstream.png"
plot "F4-downstream.dat" index 0 using ($1/1000):3:4 with filledcurves lc 1 dt 1 fs transparent solid 0.15 noborder notitle, \
     "" index 0 using ($1/1000):2 with linespoints lc 1 dt 1 lw 2 pt 7 ps 0.5 title "#4 constant-0.1x", \
     "" index 1 using ($1/1000):3:4 with filledcurves lc 2 dt 1 fs transparent solid 0.15 noborder notitle, \
     "" index 1 using ($1/1000):2 with linespoints lc 2 dt 1 lw 2 pt 7 ps 0.5 title "#1 lr=5e-05", \
     "" index 2 using ($1/1000):3:4 with filledcurves lc 3 dt 1 fs transparent solid 0.15 noborder notitle, \
     "" index 2 using ($1/1000):2 with linespoints lc 3 dt 1 lw 2 pt 7 ps 0.5 title "#2 lr=0.0001", \
     "" index 3 using ($1/1000):3:4 with filledcurves lc 4 dt 1 fs transparent solid 0.15 noborder notitle, \
     "" index 3 using ($1/1000):2 with linespoints lc 4 dt 1 lw 2 pt 7 ps 0.5 title "#3 lr=0.0002"
set terminal svg noenhanced size 960,520 dynamic font "sans,10" background rgb "white"
set output "F4-downstream.svg"
replot
unset output
