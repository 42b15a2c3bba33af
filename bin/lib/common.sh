# Shared by the bin/ commands: find the project root, select JDK 25, and build the node on demand.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

java_major() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 |
        awk -F'= ' '/java.specification.version/ {split($2, v, "."); print v[1]}'
}

# Exports JAVA_HOME and PATH for a JDK 25 or newer: JAVA_HOME if it qualifies, else the first under /usr/lib/jvm.
select_jdk() {
    local cand major
    for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
        [ -n "$cand" ] && [ -x "$cand/bin/javac" ] || continue
        major=$(java_major "$cand")
        if [ -n "$major" ] && [ "$major" -ge 25 ]; then
            export JAVA_HOME="$cand"
            export PATH="$cand/bin:$PATH"
            return 0
        fi
    done
    echo "error: no JDK 25 or newer found; install one (e.g. Temurin 25) or point JAVA_HOME at it" >&2
    return 1
}

require_maven() {
    command -v mvn >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Maven not found; installing it with apt-get" >&2
        apt-get update -qq && apt-get install -y -qq maven >/dev/null
    fi
    command -v mvn >/dev/null 2>&1 || { echo "error: Maven (mvn) is required" >&2; return 1; }
}

# Builds the daemon's jar and its libraries (node-app/target/node-app.jar and node-app/target/lib/) when any source
# is newer than the jar. It packages the reactor in place and copies the libraries next to the jar; nothing is
# installed into ~/.m2.
build_node_if_stale() {
    local jar="$ROOT/node-app/target/node-app.jar"
    if [ -f "$jar" ] && [ -z "$(find "$ROOT" -path "$ROOT/.git" -prune -o -path '*/target' -prune -o \
            -path '*/node_modules' -prune -o \( -name '*.java' -o -name '*.proto' -o -name 'pom.xml' \) \
            -newer "$jar" -print -quit)" ]; then
        return 0
    fi
    echo "Building jlibp2p (first use or sources changed)..." >&2
    local log
    log=$(mktemp "${TMPDIR:-/tmp}/jlibp2p-build.XXXXXX")
    if ! (cd "$ROOT" && MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
            mvn -B -q -ntp -Dstyle.color=never -DskipTests -pl node-app -am package) >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "error: the build failed (output above)" >&2
        return 1
    fi
    rm -f "$log"
}

# JVM options of the bin/ commands: protobuf still calls sun.misc.Unsafe, which JDK 25 warns about; allow it quietly.
node_java_opts() {
    echo "--sun-misc-unsafe-memory-access=allow"
}

node_classpath() {
    echo "$ROOT/node-app/target/node-app.jar:$ROOT/node-app/target/lib/*"
}
