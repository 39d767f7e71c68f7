#!/usr/bin/env bash
# Spark layer throughput (README "Spark", benchmarks/RESULTS.md): the Spark layer on local[1] and on
# local[2], each in its own JVM, every repetition followed by the core layer called directly on one
# thread in the same JVM (the baseline under the same load).
#   spark/measure.sh [rows] [repetitions] [warm-ups]      (defaults 8192, 5, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-8192}"
reps="${2:-5}"
warmups="${3:-3}"
mvn -B -q -DskipTests test-compile -pl spark -am
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
mvn -B -q dependency:build-classpath -pl spark -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
cp="spark/target/test-classes:spark/target/classes:core/target/classes:$(cat "$cp_file")"
opens="$(sed -n 's:.*<spark.jvm.options>\(.*\)</spark.jvm.options>.*:\1:p' spark/pom.xml)"
for mode in 'local[1]' 'local[2]'; do
  # shellcheck disable=SC2086
  java $opens -Dlog4j2.configurationFile=spark/src/test/resources/log4j2.properties -cp "$cp" \
    io.convexlayers.spark.bench.SparkThroughput "$mode" "$rows" "$reps" "$warmups"
done
