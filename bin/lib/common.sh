# Shared by the bin/ commands: find the project root, select JDK 25, and build the node on demand.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# The JVM names files in the locale's charset: UnixFS names are UTF-8, so a locale that is not (C, POSIX) becomes
# C.UTF-8 for the commands' JVMs.
case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
    *UTF-8*|*utf8*|*UTF8*|*utf-8*) ;;
    *) export LC_ALL=C.UTF-8 ;;
esac

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

# True when $1 is missing or any source file of the reactor is newer than it.
is_stale() {
    [ ! -f "$1" ] || [ -n "$(find "$ROOT" -path "$ROOT/.git" -prune -o -path '*/target' -prune -o \
        -path '*/node_modules' -prune -o \( -name '*.java' -o -name '*.proto' -o -name 'pom.xml' \) \
        -newer "$1" -print -quit)" ]
}

# build_if_stale JAR LABEL MAVEN-ARGS...: runs Maven when JAR is stale. Commands started together (two daemons, a
# daemon and its client) take turns under a lock, and one that waited finds the build done instead of redoing it.
build_if_stale() {
    local jar="$1" label="$2"
    shift 2
    is_stale "$jar" || return 0
    (
        if command -v flock >/dev/null 2>&1; then
            flock 9
        fi
        is_stale "$jar" || exit 0
        echo "Building $label (first use or sources changed)..." >&2
        local log
        log=$(mktemp "${TMPDIR:-/tmp}/jlibp2p-build.XXXXXX")
        if ! (cd "$ROOT" && MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
                mvn -B -q -ntp -Dstyle.color=never -DskipTests "$@") >"$log" 2>&1; then
            cat "$log" >&2
            rm -f "$log"
            echo "error: the build failed (output above)" >&2
            exit 1
        fi
        rm -f "$log"
    ) 9>"$ROOT/.build.lock"
}

# Builds the daemon's jar and its libraries when any source is newer than the jar.
build_node_if_stale() {
    build_if_stale "$ROOT/node-app/target/node-app.jar" jlibp2p -pl node-app -am package
}

# JVM options of the node commands: protobuf's use of sun.misc.Unsafe and Conscrypt's native library (loaded only
# on CPUs where the JDK's ChaCha20-Poly1305 is slow) without warnings; log records on one line each.
# Out of heap, a node exits with the JVM's message instead of limping on with threads that died half-way.
NODE_JAVA_OPTS=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -XX:+ExitOnOutOfMemoryError
    "-Djava.util.logging.SimpleFormatter.format=%4\$s %3\$s: %5\$s%6\$s%n")

node_classpath() {
    echo "$ROOT/node-app/target/node-app.jar:$ROOT/node-app/target/lib/*"
}
