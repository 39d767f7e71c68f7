#!/usr/bin/env bash
# Prepares everything ci/gpu-check needs on a GPU machine without network and possibly without Java:
#   ci/runtime/jre/                      a minimal Java runtime made with jlink
#   ci/runtime/lib/convexlayers-all.jar  the library with its dependencies (shaded jar, PTX inside)
#   ci/runtime/lib/convexlayers-tests.jar the test classes (GPU tests, benchmark, test helpers)
#   ci/runtime/lib/junit-console.jar     JUnit's console launcher (standalone)
# ci/runtime/ is ignored by git; a device call carries it: run(carry=["ci/runtime"], command="ci/gpu-check").
set -euo pipefail
cd "$(dirname "$0")/.."

junit_console_version="1.11.4"
out="ci/runtime"
rm -rf "$out"
mkdir -p "$out/lib"

# The library module only (and the parent POM): the adapters and benchmarks are not needed here.
mvn -B -q -DskipTests package -pl core -am
jar cf "$out/lib/convexlayers-tests.jar" -C core/target/test-classes .
cp core/target/convexlayers-*-all.jar "$out/lib/convexlayers-all.jar"
mvn -B -q -N dependency:copy \
  -Dartifact="org.junit.platform:junit-platform-console-standalone:${junit_console_version}" \
  -DoutputDirectory="$out/lib" -Dmdep.stripVersion=true
mv "$out/lib/junit-platform-console-standalone.jar" "$out/lib/junit-console.jar"

# The modules the jars need (jdeps), plus java.logging (JCuda and System.Logger use it) and jdk.zipfs
# (JUnit scans jars through the zip file system).
modules="$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps \
  "$out/lib/convexlayers-all.jar" "$out/lib/convexlayers-tests.jar" 2>/dev/null || true)"
modules="${modules:-java.base}"
# java.desktop is only wanted by EJML's matrix visualization classes, which nothing here loads (12 MB).
modules="$(echo "$modules,java.logging,java.management,jdk.unsupported,jdk.zipfs" | tr ',' '\n' | grep -v '^java.desktop$' \
  | sort -u | paste -sd, -)"
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$out/jre"

"$out/jre/bin/java" -version 2>&1 | head -1
echo "prepare-gpu-check: modules $modules"
du -sh "$out/jre" "$out/lib"/* | sed 's/^/prepare-gpu-check: /'
total_kib=$(du -sk "$out" | cut -f1)
echo "prepare-gpu-check: ci/runtime is $((total_kib / 1024)) MiB (a device call carries at most 64 MiB)"
if (( total_kib > 60 * 1024 )); then
  echo "prepare-gpu-check: too large to carry" >&2
  exit 1
fi
