# Sourced by the benchmark scripts.
now() { date +%s.%N; }
# Median of numbers, one per line on stdin.
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
