# SPDX-License-Identifier: MIT
# The chart of scripts/bench.sh. Variables: datadir (the .dat files written by
# `ilheap_bench all --plot-dir`), outfile (the PNG), subtitle (machine and date),
# cores (the machine's CPU count).
if (!exists("datadir")) datadir = "."
if (!exists("outfile")) outfile = "chart.png"
if (!exists("subtitle")) subtitle = ""
if (!exists("cores")) cores = 2

set terminal pngcairo size 1500,1100 font "sans,10"
set output outfile
set datafile missing "?"
set multiplot layout 2,2 title "ilheap benchmarks\n".subtitle font "sans,12"

thr = datadir."/throughput.dat"
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.7 border -1
set boxwidth 0.9
set logscale y
set grid ytics
set ylabel "ns per allocation, all threads together (log)"
set xtics rotate by -25 noenhanced
set key top left

set title sprintf("Allocation only: median, bars min-max (%d cores: more threads take turns)", cores)
plot thr using 2:3:4:xtic(1) title "1 thread", \
     "" using 5:6:7 title "2 threads", \
     "" using 8:9:10 title "4 threads"

# The first 7 rows: the "warm" rows have no write figures.
set title "Allocation + writing the body (every page touched)"
plot thr every ::0::6 using 11:12:13:xtic(1) title "1 thread", \
     "" every ::0::6 using 14:15:16 title "2 threads", \
     "" every ::0::6 using 17:18:19 title "4 threads"

# First allocation for a module against the number of mappings, log-log.
unset style
set style data linespoints
set logscale xy
set xtics norotate
set xlabel "mappings in the process (log)"
set ylabel "microseconds (log)"
set key bottom right
set xrange [50:20000]
set title "First allocation for a new module: median, bars q1-q3"
plc = datadir."/placement.dat"
stats plc using 1:2 nooutput prefix "P"
# A line through the first ilheap point with slope 1: linear growth.
x0 = P_min_x
y0 = 0
stats plc using ($1 == x0 ? $2 : 1/0) nooutput prefix "Y"
y0 = Y_max
plot plc using 1:2:3:4 with yerrorlines lw 2 title "ilheap (PROCMAP\\_QUERY)", \
     "" using 1:5:6:7 with yerrorlines lw 2 title "ilheap (/proc/self/maps text)", \
     "" using 1:8:9:10 with yerrorlines lw 1 dt 2 title "reading all of /proc/self/maps", \
     "" using 1:11 with linespoints lw 1 dt 3 title "ilheap, a process's first placement (cold)", \
     50 with lines lc rgb "red" dt 3 title "target: 50 us at ~1,000 mappings", \
     y0 * x / x0 with lines lc rgb "gray" dt 4 title "linear growth from the first point"

unset logscale
unset xlabel
set xrange [*:*]
set key top left
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.7 border -1
set xtics rotate by -25
set yrange [0:2]
set ylabel "bytes per byte requested"
set title "Economy: footprint per byte requested (bodies written, never freed)"
eco = datadir."/economy.dat"
plot eco using 2:xtic(1) title "address space, 1 module x 100,000", \
     "" using 3 title "RSS, 1 module x 100,000", \
     "" using 4 title "address space, 200 modules x 500", \
     "" using 5 title "RSS, 200 modules x 500", \
     1.1 with lines lc rgb "red" dt 3 title "1.1x"

unset multiplot
