#!/usr/bin/env bash
# test_completion.sh - the bash completion (completions/tmems-check.bash)
# offers the options, their fixed values, check ids after a comma, and file
# names for --zone/--rules/-f.  Runs without bash-completion installed (the
# script falls back to compgen); with it when /usr/share/bash-completion is
# present.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
failures=0

# complete WORD... - the sorted candidates for the last word, one line.
complete_words() {
    bash -c '
        bc=/usr/share/bash-completion/bash_completion
        [ -n "${WITH_BC:-}" ] && [ -r "$bc" ] && . "$bc"
        . "$0"
        COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
        _tmems_check tmems-check "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | tr "\n" " " | sed "s/ $//"
    ' "$root/completions/tmems-check.bash" "$@"
}

expect() { # EXPECTED WORD...
    local want=$1; shift
    local got
    got=$(cd "$root" && complete_words "$@")
    if [ "$got" = "$want" ]; then
        echo "ok   $*"
    else
        echo "FAIL $*: expected [$want], got [$got]"
        failures=$((failures + 1))
    fi
}

for mode in "" 1; do
    export WITH_BC=$mode
    expect "--region" tmems-check --reg
    expect "--no-outbound" tmems-check --no-
    expect "anz eu in jp sg uae us" tmems-check --region ""
    expect "jp" tmems-check --region = j
    expect "post pre" tmems-check --phase p
    expect "json jsonl junit" tmems-check --format j
    expect "github" tmems-check --format g
    expect "octodns" tmems-check --zone-format o
    expect "--plan" tmems-check --pl
    expect "--zone --zone-format --zone-include-dir" tmems-check --zone
    expect "ja" tmems-check --lang j
    expect "always auto" tmems-check --color a
    expect "spf.lookups spf.loop" tmems-check --only spf.lo
    expect "mx.ttl,spf.all" tmems-check --skip mx.ttl,spf.a
    expect "tests/zones/ready.example.zone" tmems-check --zone tests/zones/ready.e
    expect "data/rules/jp.json" tmems-check --rules data/rules/jp
    expect "examples" tmems-check -f exa
    expect "spf" tmems-check s
    expect "checks" tmems-check c
    expect "--format" tmems-check checks --f
    expect "json text" tmems-check checks --format ""
    expect "--helo --help" tmems-check spf --he
    expect "json jsonl text" tmems-check spf --format ""
    expect "" tmems-check --company ""
done

if [ "$failures" -ne 0 ]; then
    echo "test_completion: $failures failures"
    exit 1
fi
echo "test_completion: all passed"
