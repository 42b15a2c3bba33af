# Helpers of bin/bench.
# shellcheck shell=bash

# Builds one module and what it needs (package, never install) when any source is newer than its jar.
build_module() {
    local module="$1" jar
    case "$module" in
        microbench) jar="$ROOT/microbench/target/benchmarks.jar" ;;
        *) jar="$ROOT/$module/target/$module.jar" ;;
    esac
    build_if_stale "$jar" "$module" -pl "$module" -am package
}

# Raises the soft limit of open files towards $1, as far as the hard limit allows, and says so if it falls short.
raise_fd_limit() {
    local want="$1" hard
    hard=$(ulimit -Hn)
    if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then
        want="$hard"
    fi
    ulimit -n "$want" 2>/dev/null || true
    if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10100 ]; then
        echo "bench: warning: only $(ulimit -n) open files allowed; the idle-memory case needs about 10,100" >&2
    fi
}
