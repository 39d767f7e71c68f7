#!/usr/bin/env bash
# Builds the library and the benchmarks, validates every contender's optimum, runs JMH and writes
# RESULTS.md with its plots.   benchmarks/run.sh [--quick | --smoke]
#   (default) the full run behind RESULTS.md (~30 minutes on two shared cores)
#   --quick   dense QP, one small-QP row and the LP; a few minutes on two cores
#   --smoke   one workload, one iteration, no report (what CI may run)
set -euo pipefail
cd "$(dirname "$0")"
MODE="${1:-full}"
ROOT=..
OUT=results
JAR=target/benchmarks.jar
mkdir -p "$OUT"
LOAD_BEFORE="$(cut -d" " -f1-3 /proc/loadavg)"

# benchmarks is a module of the root build: package it with the library it depends on.
(cd "$ROOT" && mvn -B -q -DskipTests package -pl benchmarks -am)

jmh() { # name, then JMH arguments
  local name="$1"; shift
  java -jar "$JAR" -rf json -rff "$OUT/$name.json" "$@" | tee "$OUT/$name.log"
}

if [ "$MODE" = "--smoke" ]; then
  java -cp "$JAR" io.convexlayers.bench.Validate "$OUT/VALIDATION-smoke.txt" small-qp-n10-b16
  java -jar "$JAR" 'SolveBenchmark\.forward$' -p workload=small-qp-n10-b16 -p contender=convexlayers \
    -f 1 -wi 0 -i 1 -r 1
  exit 0
fi

CL="convexlayers"
if java -cp "$JAR" io.convexlayers.bench.ListContenders | grep -qx convexlayers-cuda; then
  CL="convexlayers,convexlayers-cuda"
fi

if [ "$MODE" = "--quick" ]; then
  WORK_DIFF="dense-qp,small-qp-n50-b1,small-qp-n50-b16,small-qp-n50-b128,lp-n50-b128"
  WORK_BASE_SMALL="small-qp-n50-b1,small-qp-n50-b16,lp-n50-b128"
  WORK_BASE_DENSE=""
  ITER=(-f 1 -wi 1 -i 2 -w 1 -r 1)
else
  WORK_DIFF="$(java -cp "$JAR" io.convexlayers.bench.ListWorkloads | grep -v socp | paste -sd,)"
  WORK_BASE_SMALL="small-qp-n10-b1,small-qp-n10-b16,small-qp-n10-b128,small-qp-n50-b1,small-qp-n50-b16,small-qp-n100-b1,lp-n50-b128"
  WORK_BASE_DENSE="dense-qp"
  ITER=(-f 1 -wi 1 -i 2 -w 1 -r 1)
fi
WORK_CL="$WORK_DIFF,socp-n50-b128"
[ "$MODE" = "--quick" ] && WORK_CL="$WORK_DIFF"

java -cp "$JAR" io.convexlayers.bench.Validate "$OUT/VALIDATION.txt" $(echo "$WORK_CL" | tr , ' ')

# convexlayers (every workload; sparse QP and SOCP only it can run) and the OptNet-style layer:
# forward and forward+backward, JMH average time.
# (forward+backward of small-qp-n100-b1024 takes ~200 s per batch: forward only there)
jmh convexlayers 'SolveBenchmark\.forward$' -p workload="$WORK_CL" -p contender="$CL" "${ITER[@]}"
jmh convexlayers-fb 'SolveBenchmark\.forwardBackward' -p workload="$(echo "$WORK_CL" | tr , '\n' | grep -v n100-b1024 | paste -sd,)" \
  -p contender="$CL" "${ITER[@]}"
# the interior-point method forced on the small-QP and LP workloads (AUTO's crossovers come from here)
jmh ipm 'SolveBenchmark\.' -p workload="$(echo "$WORK_DIFF" | tr , '\n' | grep -E 'small-qp|lp-' | paste -sd,)" \
  -p contender=convexlayers-ipm "${ITER[@]}"
# the user-facing ConvexLayer (DSL problem compiled once) on the per-instance QPs
jmh layer 'SolveBenchmark\.' -p workload=dense-qp,small-qp-n50-b128 -p contender=convexlayers-layer "${ITER[@]}"
jmh optnet 'SolveBenchmark\.' -p workload="$(echo "$WORK_DIFF" | tr , '\n' | grep -v sparse | paste -sd,)" \
  -p contender=optnet "${ITER[@]}"
# the batch-looping baselines, forward only; smaller batches (their time is linear in B)
jmh baselines-small 'SolveBenchmark\.forward$' -p workload="$WORK_BASE_SMALL" -p contender=ojalgo,hipparchus \
  -f 1 -wi 1 -i 2 -w 1 -r 1
if [ -n "$WORK_BASE_DENSE" ]; then
  # seconds per instance: one single-shot measurement after one warm-up batch
  jmh baselines-dense 'SolveBenchmark\.forward$' -p workload="$WORK_BASE_DENSE" -p contender=ojalgo,hipparchus \
    -f 1 -bm ss -wi 1 -i 1
fi

CMD="benchmarks/run.sh $MODE"
{
  echo "## Machine and run"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- command: \`$CMD\` (JMH ${ITER[*]}; baselines -wi 1 -i 2, dense-QP baselines single shot -wi 1 -i 1)"
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), nproc = $(nproc)"
  echo "- memory: $(free -h | awk '/Mem:/ {print $2}') total"
  echo "- load average before/after the run: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared with other jobs)"
  echo "- java: $(java -version 2>&1 | head -1), $(java -version 2>&1 | sed -n 3p)"
  echo "- contenders: convexlayers $(git -C "$ROOT" rev-parse --short HEAD) (CPU backend, eps 1e-6, all cores; CUDA only when a GPU is found), OptNet-style batched PDIPM written here (tolerance 1e-8, instances over all cores), ojAlgo 57.1.0 ConvexSolver and Hipparchus 4.0.3 ADMMQPOptimizer (eps 1e-6), each looping over the batch with instances spread over all cores"
  echo
  # notes.md's first section (about this run) heads the report; its dated sections follow the tables
  if [ -f "$OUT/notes.md" ]; then awk '/^## /{n++} n<=1' "$OUT/notes.md"; fi
} > "$OUT/header.md"
java -Djava.awt.headless=true -cp "$JAR" io.convexlayers.bench.Report . "$OUT/header.md" "$OUT/VALIDATION.txt" \
  "$OUT"/convexlayers*.json "$OUT"/layer.json "$OUT"/optnet.json "$OUT"/baselines-*.json
if [ -f "$OUT/notes.md" ]; then
  { echo; awk '/^## /{n++} n>1' "$OUT/notes.md"; } >> RESULTS.md
fi
