# recipes: downstream loss of the staged runs, stage boundaries dotted; median and range over seeds
# Re-render from this folder: gnuplot stages-downstream.gp (reads stages-downstream.dat, writes stages-downstream.png and stages-downstream.svg)
set encoding utf8
set title "recipes: downstream loss of the staged runs, stage boundaries dotted; median and range over seeds"
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
set arrow from 102.4, graph 0 to 102.4, graph 1 nohead dt 3 lw 1 lc rgb "gray40" front
set label "#15 gradual-unfreeze: stage 2" at 102.4, graph 0.97 left offset 0.5,0 font ",8" tc rgb "gray30" front
set arrow from 204.8, graph 0 to 204.8, graph 1 nohead dt 3 lw 1 lc rgb "gray40" front
set label "#14 two-stage: stage 2; #15 gradual-unfreeze: stage 3" at 204.8, graph 0.93 left offset 0.5,0 font ",8" tc rgb "gray30" front
set arrow from 307.2, graph 0 to 307.2, graph 1 nohead dt 3 lw 1 lc rgb "gray40" front
set label "#15 gradual-unfreeze: stage 4" at 307.2, graph 0.89 left offset 0.5,0 font ",8" tc rgb "gray30" front
set logscale y
set terminal pngcairo noenhanced size 960,500 font "sans,10" background rgb "white"
set output "stages-downstream.png"
plot "stages-downstream.dat" index 0 using ($1/1000):3:4 with filledcurves lc 1 dt 1 fs transparent solid 0.15 noborder notitle, \
     "" index 0 using ($1/1000):2 with linespoints lc 1 dt 1 lw 2 pt 7 ps 0.5 title "#14 two-stage", \
     "" index 1 using ($1/1000):3:4 with filledcurves lc 2 dt 1 fs transparent solid 0.15 noborder notitle, \
     "" index 1 using ($1/1000):2 with linespoints lc 2 dt 1 lw 2 pt 7 ps 0.5 title "#15 gradual-unfreeze"
set terminal svg noenhanced size 960,500 dynamic font "sans,10" background rgb "white"
set output "stages-downstream.svg"
replot
unset output
