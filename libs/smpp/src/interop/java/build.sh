#!/usr/bin/env bash
# Builds the Java peers of the SMPP interop specs into .cache/smpp-interop/<peer>/ (libs/ and
# classes/): Maven fetches the jars pinned in <peer>/pom.xml from Maven Central (the first time,
# and again only when the pom changes), javac compiles the peer against them (again only when a
# source changes). Quiet and quick when everything is up to date; fails loudly, with the tool's
# output, when Java 17, Maven or Maven Central is missing.
#
# Usage: libs/smpp/src/interop/java/build.sh [jsmpp|cloudhopper]...   (default: both)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../../../.." && pwd)"
CACHE="$ROOT/.cache/smpp-interop"

fail() {
  echo "smpp interop: $1" >&2
  exit 1
}

# Checked only when there is something to build: the up-to-date path stays a few milliseconds.
need_jdk() {
  command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1 ||
    fail "the jsmpp and Cloudhopper interop peers need a Java 17 JDK (java and javac on PATH): apt-get install -y openjdk-17-jdk-headless"
  local major
  major="$(javac -version 2>&1 | awk '{ print $2 }' | cut -d. -f1)"
  [[ "$major" =~ ^[0-9]+$ ]] && ((major >= 17)) || fail "the interop peers need a JDK 17 or newer; 'javac' on PATH is version '${major:-unknown}'"
}

build() {
  local peer="$1" out="$CACHE/$1" src="$HERE/$1"
  [[ -f "$src/pom.xml" ]] || fail "no peer '$peer' (expected $src/pom.xml)"
  mkdir -p "$out"
  # Two test runs at once (or ensure-test-tools.sh beside a spec) must not build over each other.
  exec 8>"$out/build.lock"
  flock -w 300 8 || fail "another build of the $peer peer is still running after 300 s"

  local pom_sum
  pom_sum="$(sha256sum "$src/pom.xml" | cut -d' ' -f1)"
  if [[ "$(cat "$out/libs.sha256" 2>/dev/null)" != "$pom_sum" || ! -d "$out/libs" ]]; then
    need_jdk
    command -v mvn >/dev/null 2>&1 ||
      fail "Maven is needed to fetch the $peer peer's jars from Maven Central and there is no 'mvn' on PATH: apt-get install -y maven"
    local log="$out/fetch.log" started=$SECONDS
    echo "smpp interop: fetching the $peer peer's jars from Maven Central" >&2
    rm -rf "$out/libs.partial"
    # The pom is copied so Maven's scratch files land in the cache, not in the source tree.
    cp "$src/pom.xml" "$out/pom.xml"
    if ! (cd "$out" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$out/libs.partial" -DincludeScope=runtime) >"$log" 2>&1 8>&-; then
      tail -n 20 "$log" >&2
      fail "Maven could not fetch the $peer peer's jars (full log: $log). Maven Central must be reachable (or mirrored in ~/.m2/settings.xml)."
    fi
    rm -rf "$out/libs" "$out/classes" "$out/classes.sha256"
    mv "$out/libs.partial" "$out/libs"
    echo "$pom_sum" >"$out/libs.sha256"
    echo "smpp interop: fetched $(find "$out/libs" -name '*.jar' | wc -l) jars for $peer in $((SECONDS - started))s" >&2
  fi

  local sources=("$HERE"/common/*.java "$src"/*.java) src_sum
  src_sum="$(cat "${sources[@]}" | sha256sum | cut -d' ' -f1)"
  if [[ "$(cat "$out/classes.sha256" 2>/dev/null)" != "$src_sum" || ! -d "$out/classes" ]]; then
    need_jdk
    rm -rf "$out/classes.partial"
    mkdir -p "$out/classes.partial"
    if ! javac -nowarn --release 17 -encoding UTF-8 -d "$out/classes.partial" -cp "$out/libs/*" "${sources[@]}" >"$out/javac.log" 2>&1; then
      cat "$out/javac.log" >&2
      fail "javac could not compile the $peer peer"
    fi
    rm -rf "$out/classes"
    mv "$out/classes.partial" "$out/classes"
    echo "$src_sum" >"$out/classes.sha256"
  fi
  exec 8>&-
}

peers=("$@")
((${#peers[@]})) || peers=(jsmpp cloudhopper)
for peer in "${peers[@]}"; do build "$peer"; done
