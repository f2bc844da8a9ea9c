#!/usr/bin/env bash
# Fetches the pinned Kafka broker jars (see pom.xml beside this script) into
# .cache/kafka-<version>/libs once, and prints that directory as the last stdout line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
pom="$here/pom.xml"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")"
[[ -n "$version" ]] || { echo "[kafka] no <kafka.version> in $pom" >&2; exit 1; }
dest="$root/.cache/kafka-$version"
# The stamp ties the cache to the pom, so editing the pom's dependencies refetches.
stamp="$(sha256sum "$pom" | cut -d' ' -f1)"

complete() {
  [[ -f "$dest/libs/kafka_2.13-$version.jar" && "$(cat "$dest/pom.sha256" 2>/dev/null)" == "$stamp" ]]
}

if complete; then echo "$dest/libs"; exit 0; fi

mkdir -p "$root/.cache"
# Parallel test runs on a fresh machine must not download into the same place twice.
exec 9>"$dest.lock"
flock 9
if complete; then echo "$dest/libs"; exit 0; fi

command -v mvn >/dev/null || { echo "[kafka] maven (mvn) is required: apt-get install maven" >&2; exit 1; }
command -v java >/dev/null || { echo "[kafka] java 17+ is required" >&2; exit 1; }

tmp="$(mktemp -d "$root/.cache/kafka-$version.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "[kafka] downloading Kafka $version broker jars (once)..." >&2
started=$SECONDS
# Debian's maven 3.8 prints bare ANSI resets even with -q and no TTY; strip them.
mvn -B -q -f "$pom" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$tmp/libs" 2>&1 \
  | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2
[[ -f "$tmp/libs/kafka_2.13-$version.jar" ]] || { echo "[kafka] maven did not produce kafka_2.13-$version.jar" >&2; exit 1; }
echo "$stamp" > "$tmp/pom.sha256"

rm -rf "$dest"
# A directory rename is atomic, so readers see either no cache or a complete one.
mv -T "$tmp" "$dest"
trap - EXIT
jars=("$dest"/libs/*.jar)
echo "[kafka] installed ${#jars[@]} jars in $((SECONDS - started))s" >&2
echo "$dest/libs"
