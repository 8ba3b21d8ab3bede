# recipes: final upstream vs downstream loss (labels: trial table #)
# Re-render from this folder: gnuplot tradeoff.gp (reads tradeoff.dat, writes tradeoff.png and tradeoff.svg)
set encoding utf8
set title "recipes: final upstream vs downstream loss (labels: trial table #)"
set xlabel "final downstream loss Ldown(T) (nats; lower = learned more)"
set ylabel "final upstream loss Lup(T) (nats; lower = forgot less)"
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
set autoscale x
set offsets graph 0.08, graph 0.08, graph 0.08, graph 0.08
set terminal pngcairo noenhanced size 960,520 font "sans,10" background rgb "white"
set output "tradeoff.png"
plot "tradeoff.dat" index 0 using 1:2 with points pt 6 ps 0.7 lc rgb "#999999" title "seeds", \
     "" index 1 using 1:2 with points pt 7 ps 1.2 lc rgb "#1f77b4" title "conditions (median over seeds)", \
     "" index 2 using 1:2:3 with labels offset char 1,0.7 tc rgb "#1f77b4" notitle, \
     "" index 2 using 1:2 with linespoints lw 2 pt 6 ps 2 lc rgb "#d62728" title "Pareto front", \
     1.8624824318685569 with lines lc rgb "black" dt 2 lw 1.5 title "base model, final 1.862"
set terminal svg noenhanced size 960,520 dynamic font "sans,10" background rgb "white"
set output "tradeoff.svg"
replot
unset output
