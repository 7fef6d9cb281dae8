# SPDX-License-Identifier: MIT
# The plot of scripts/soak.sh. Variables: datafile (written by
# scripts/soak-figures.py: cycles, RSS read by the app and by the profiler in
# MiB, bytes reserved by heaps and zone bytes held in KiB, zone bytes in MiB,
# mappings read by the app and by the profiler, RSS of the baseline run without
# the profiler in MiB, NaN when not run), baseline (1: plot that column), outfile (the PNG), title.
if (!exists("datafile")) datafile = "figures.dat"
if (!exists("outfile")) outfile = "soak.png"
if (!exists("title")) title = "ilheap soak"

set terminal pngcairo size 1200,900 font "sans,10"
set output outfile
set datafile missing "NaN"
set multiplot layout 2,1 title title font "sans,12" noenhanced
set grid
set key bottom right
set xlabel "cycles (collectible plugin loaded, called, unloaded)"
set style data lines

set title "Process: RSS (MiB, left) and mappings count (right)"
set ylabel "RSS, MiB"
set y2label "mappings"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
if (exists("baseline") && baseline) {
plot datafile using 1:2 lw 2 title "RSS (app, settled)", \
     "" using 1:3 lw 1 dt 2 title "RSS (profiler, at the unload)", \
     "" using 1:9 lw 1 lc rgb "gray" title "RSS without the profiler (baseline run, settled)", \
     "" using 1:7 axes x1y2 lw 1 title "mappings (app, settled)", \
     "" using 1:8 axes x1y2 lw 1 dt 3 title "mappings (profiler, at the unload)"
} else {
plot datafile using 1:2 lw 2 title "RSS (app, settled)", \
     "" using 1:3 lw 1 dt 2 title "RSS (profiler, at the unload)", \
     "" using 1:7 axes x1y2 lw 1 title "mappings (app, settled)", \
     "" using 1:8 axes x1y2 lw 1 dt 3 title "mappings (profiler, at the unload)"
}

set title "Reserved: by heaps and held in the zone (KiB, left); the zone's pieces (MiB, right)"
set ylabel "KiB"
set y2label "zone pieces, MiB"
plot datafile using 1:4 lw 2 title "bytes reserved by heaps", \
     "" using 1:5 lw 1 dt 2 title "zone bytes held", \
     "" using 1:6 axes x1y2 lw 1 title "zone bytes (address space of its pieces)"
unset multiplot
