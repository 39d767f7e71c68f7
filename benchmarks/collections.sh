#!/usr/bin/env bash
# Runs CollectionRunner on a collection with reference optima, one problem at a time.
#   benchmarks/collections.sh FOLDER [runner options: --eps 1e-6 --time-limit 20 --polish auto|on|off --only A,B]
# Builds the library's classes (no install into ~/.m2) and compiles the runner against them.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=..
(cd "$ROOT" && mvn -B -q compile -pl core -am)
mkdir -p target/collections
javac -d target/collections -cp "$ROOT/core/target/classes" src/main/java/io/convexlayers/bench/CollectionRunner.java
exec java -Xmx6g -cp "target/collections:$ROOT/core/target/classes" io.convexlayers.bench.CollectionRunner "$@"
