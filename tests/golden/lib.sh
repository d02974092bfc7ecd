# lib.sh - shared by run.sh and update.sh: how a golden scenario is run.
# Sourced; expects $root (the repository root).

# golden_line NAME - prints the scenarios.txt line of NAME, or fails.
golden_line() {
    awk -v n="$1" '$1 == n { print; found = 1 } END { exit !found }' \
        "$root/tests/golden/scenarios.txt"
}

# golden_names - every scenario name, in file order.
golden_names() {
    awk '!/^#/ && NF >= 3 { print $1 }' "$root/tests/golden/scenarios.txt"
}

# golden_run BINARY NAME LANG - the report on stdout.  The environment is
# emptied so that neither the caller's locale, NO_COLOR nor
# TMEMS_CHECK_LOCALEDIR can change a byte; the binary finds its catalogue
# from its build tree.  The exit status is the tool's (1 and 3 are verdicts).
golden_run() {
    local bin=$1 line name zone domain
    line=$(golden_line "$2") || { echo "no scenario '$2'" >&2; return 2; }
    # shellcheck disable=SC2086 # the options are words of the line
    set -- "$1" "$2" "$3" $line
    name=$4 zone=$5 domain=$6
    local lang=$3
    shift 6
    (cd "$root" && env -i PATH=/usr/bin:/bin \
        "$bin" --offline --zone "$zone" --color never --lang "$lang" "$@" "$domain")
}
