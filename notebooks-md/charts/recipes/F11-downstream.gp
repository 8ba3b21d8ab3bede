# recipes: F11, downstream loss of the runs it compares; median and range over seeds
# Re-render from this folder: gnuplot F11-downstream.gp (reads F11-downstream.dat, writes F11-downstream.png and F11-downstream.svg)
set encoding utf8
set title "recipes: F11, downstream loss of the runs it compares; median and range over seeds"
set xlabel "training tokens of the continual run (thousands)"
set ylabel "downstream validation loss Ldown (nats)"
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
set logscale y
set terminal pngcairo noenhanced size 960,600 font "sans,10" background rgb "white"
set output "F11-downstream.png"
plot "F11-downstream.dat" index 0 using ($1/1000):3:4 with filledcurves lc 1 dt 1 fs transparent solid 0.15 noborder notitle, \
     "" index 0 using ($1/1000):2 with linespoints lc 1 dt 1 lw 2 pt 7 ps 0.5 title "#1 full", \
     "" index 1 using ($1/1000):3:4 with filledcurves lc 2 dt 1 fs transparent solid 0.15 noborder notitle, \
     "" index 1 using ($1/1000):2 with linespoints lc 2 dt 1 lw 2 pt 7 ps 0.5 title "#2 full-0.5x", \
     "" index 2 using ($1/1000):3:4 with filledcurves lc 3 dt 1 fs transparent solid 0.15 noborder notitle, \
     "" index 2 using ($1/1000):2 with linespoints lc 3 dt 1 lw 2 pt 7 ps 0.5 title "#3 full-2x", \
     "" index 3 using ($1/1000):3:4 with filledcurves lc 4 dt 1 fs transparent solid 0.15 noborder notitle, \
     "" index 3 using ($1/1000):2 with linespoints lc 4 dt 1 lw 2 pt 7 ps 0.5 title "#16 lora-r16-4x", \
     "" index 4 using ($1/1000):3:4 with filledcurves lc 5 dt 1 fs transparent solid 0.15 noborder notitle, \
     "" index 4 using ($1/1000):2 with linespoints lc 5 dt 1 lw 2 pt 7 ps 0.5 title "#17 lora-r4-1x-mts", \
     "" index 5 using ($1/1000):3:4 with filledcurves lc 6 dt 1 fs transparent solid 0.15 noborder notitle, \
     "" index 5 using ($1/1000):2 with linespoints lc 6 dt 1 lw 2 pt 7 ps 0.5 title "#18 lora-r4-2x-mts", \
     "" index 6 using ($1/1000):3:4 with filledcurves lc 7 dt 1 fs transparent solid 0.15 noborder notitle, \
     "" index 6 using ($1/1000):2 with linespoints lc 7 dt 1 lw 2 pt 7 ps 0.5 title "#19 lora-r4-4x-mts", \
     "" index 7 using ($1/1000):3:4 with filledcurves lc 8 dt 1 fs transparent solid 0.15 noborder notitle, \
     "" index 7 using ($1/1000):2 with linespoints lc 8 dt 1 lw 2 pt 7 ps 0.5 title "#20 lora-r4-8x-mts", \
     "" index 8 using ($1/1000):3:4 with filledcurves lc 1 dt 2 fs transparent solid 0.15 noborder notitle, \
     "" index 8 using ($1/1000):2 with linespoints lc 1 dt 2 lw 2 pt 7 ps 0.5 title "#21 lora-r16-1x-mts", \
     "" index 9 using ($1/1000):3:4 with filledcurves lc 2 dt 2 fs transparent solid 0.15 noborder notitle, \
     "" index 9 using ($1/1000):2 with linespoints lc 2 dt 2 lw 2 pt 7 ps 0.5 title "#22 lora-r16-2x-mts", \
     "" index 10 using ($1/1000):3:4 with filledcurves lc 3 dt 2 fs transparent solid 0.15 noborder notitle, \
     "" index 10 using ($1/1000):2 with linespoints lc 3 dt 2 lw 2 pt 7 ps 0.5 title "#23 lora-r16-4x-mts", \
     "" index 11 using ($1/1000):3:4 with filledcurves lc 4 dt 2 fs transparent solid 0.15 noborder notitle, \
     "" index 11 using ($1/1000):2 with linespoints lc 4 dt 2 lw 2 pt 7 ps 0.5 title "#24 lora-r16-8x-mts", \
     "" index 12 using ($1/1000):3:4 with filledcurves lc 5 dt 2 fs transparent solid 0.15 noborder notitle, \
     "" index 12 using ($1/1000):2 with linespoints lc 5 dt 2 lw 2 pt 7 ps 0.5 title "#25 lora-r64-1x-mts", \
     "" index 13 using ($1/1000):3:4 with filledcurves lc 6 dt 2 fs transparent solid 0.15 noborder notitle, \
     "" index 13 using ($1/1000):2 with linespoints lc 6 dt 2 lw 2 pt 7 ps 0.5 title "#26 lora-r64-2x-mts", \
     "" index 14 using ($1/1000):3:4 with filledcurves lc 7 dt 2 fs transparent solid 0.15 noborder notitle, \
     "" index 14 using ($1/1000):2 with linespoints lc 7 dt 2 lw 2 pt 7 ps 0.5 title "#27 lora-r64-4x-mts", \
     "" index 15 using ($1/1000):3:4 with filledcurves lc 8 dt 2 fs transparent solid 0.15 noborder notitle, \
     "" index 15 using ($1/1000):2 with linespoints lc 8 dt 2 lw 2 pt 7 ps 0.5 title "#28 lora-r64-8x-mts"
set terminal svg noenhanced size 960,600 dynamic font "sans,10" background rgb "white"
set output "F11-downstream.svg"
replot
unset output
