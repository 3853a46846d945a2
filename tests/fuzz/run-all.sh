#!/usr/bin/env bash
# Runs each libFuzzer target of a -Dfuzz=true build for MINUTES minutes over a
# scratch copy of its seed corpus, and reports executions and crashes.
#
#   CXX=clang++ CC=clang meson setup build-fuzz -Dfuzz=true && ninja -C build-fuzz
#   tests/fuzz/run-all.sh build-fuzz 10                 # every target, 10 min each
#   JOBS=2 tests/fuzz/run-all.sh build-fuzz 10 client_hello json_adapter
#
# JOBS (default 1) targets run at once, each under nice. Per target, OUT/NAME/
# (OUT: $FUZZ_OUT, default /tmp/certa-fuzz) keeps the log, the grown corpus
# (corpus/) and any crash-*/timeout-*/oom-*/leak-* artifacts; OUT/summary.txt
# has one line per target. The seed corpus in tests/fuzz/corpus is never
# written. Exit status: 1 when any target crashed, 0 otherwise.
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 BUILD_DIR MINUTES [TARGET...]" >&2
    exit 2
fi
build=$1 minutes=$2
shift 2
# libFuzzer reads -max_total_time=0 as "no limit": insist on whole minutes >= 1.
case $minutes in ''|*[!0-9]*|0) echo "$0: MINUTES must be a whole number >= 1" >&2; exit 2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
out=${FUZZ_OUT:-/tmp/certa-fuzz}
jobs=${JOBS:-1}
seconds=$((minutes * 60))
if [ $# -gt 0 ]; then targets=("$@"); else
    targets=()
    for dir in "$here"/corpus/*/; do targets+=("$(basename "$dir")"); done
fi
mkdir -p "$out"

run_one() {
    local name=$1 bin="$build/tests/fuzz/fuzz_$1" dir="$out/$1"
    if [ ! -x "$bin" ]; then
        echo "$name: no $bin (build it: ninja -C $build)" > "$dir.summary"
        return
    fi
    rm -rf "$dir" && mkdir -p "$dir/corpus"
    cp "$here/corpus/$name"/* "$dir/corpus/"
    local dict=()
    case $name in
        json_adapter|acme_documents) dict=(-dict="$here/acme.dict") ;;
        certificate_chain|pem_der_keys) dict=(-dict="$here/certificate.dict") ;;
    esac
    # -timeout: one input taking 10 s is a hang; the outer timeout bounds libFuzzer itself.
    timeout $((seconds + 120)) nice -n 10 "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 "${dict[@]}" -artifact_prefix="$dir/" "$dir/corpus" > "$dir/log" 2>&1 || true
    local execs rate crashes size
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -1)
    crashes=$(find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
    # libFuzzer's own count (files it replaced while reducing stay in the directory)
    size=$(sed -n 's/.*DONE .* corp: \([0-9]*\)\/.*/\1/p' "$dir/log" | tail -1)
    printf '%-18s %4s min  %12s execs  %7s exec/s  corpus %5s  crashes %s\n' \
        "$name" "$minutes" "${execs:-?}" "${rate:-?}" "${size:-?}" "$crashes" > "$dir.summary"
}

running=0
for name in "${targets[@]}"; do
    run_one "$name" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait
: > "$out/summary.txt"
status=0
for name in "${targets[@]}"; do
    cat "$out/$name.summary" >> "$out/summary.txt"
    grep -q 'crashes 0$' "$out/$name.summary" || status=1
done
cat "$out/summary.txt"
exit $status
