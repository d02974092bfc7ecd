#!/usr/bin/env bash
# ci/run.sh - the one entry point of the CI integrations (docs/ci.md): the
# GitHub Action (action.yml), the GitLab CI template
# (ci/gitlab/tmems-check.gitlab-ci.yml) and the pre-commit hook
# (.pre-commit-hooks.yaml) all run tmems-check through it.
#
# What to check comes from the environment (the Action's inputs, the
# template's variables) or, for pre-commit, from the file names given as
# arguments:
#   TM_ZONES        zone inputs, separated by spaces or new lines (globs are
#                   expanded): BIND zone files, octoDNS ZONE.yaml files or
#                   ZONE./ directories, DNSControl print-ir JSON
#   TM_DOMAINS      the domains to check; default: each input's zone (the
#                   file or directory name without .zone/.yaml/.yml and the
#                   trailing dot; every domain of a DNSControl file)
#   TM_ZONE_FORMAT  --zone-format (default auto)
#   TM_FORMAT       the report on standard output: text (default), github,
#                   junit, json, sarif, markdown
#   TM_PLAN         true: --plan against the live DNS (needs DNS access);
#                   otherwise the run is --offline
#   TM_STRICT       true: --strict
#   TM_LANG         --lang (ja or en)
#   TM_ARGS         more options, split on spaces
#   TM_SARIF_FILE   also write SARIF there (for code scanning)
#   TM_JUNIT_FILE   also write JUnit XML there (for test reports)
#   TMEMS_CHECK     the program (default: tmems-check from PATH)
# On GitHub, GITHUB_OUTPUT gets exit-status=N.  The exit status is the
# tool's: 0 ready, 1 not ready, 2 usage or input error, 3 unknown.
set -uo pipefail

bin=${TMEMS_CHECK:-tmems-check}
if ! command -v "$bin" >/dev/null 2>&1; then
    echo "ci/run.sh: $bin not found: install tmems-check first (ci/install.sh)" >&2
    exit 2
fi

# The inputs: arguments (pre-commit), else TM_ZONES, globs expanded.
zones=()
if [ "$#" -gt 0 ]; then
    zones=("$@")
else
    shopt -s nullglob
    # shellcheck disable=SC2206  # word splitting and globbing wanted here
    for word in ${TM_ZONES:-}; do
        matches=($word)
        if [ "${#matches[@]}" -eq 0 ]; then
            zones+=("$word") # no match: tmems-check says it cannot be read
        else
            zones+=("${matches[@]}")
        fi
    done
    shopt -u nullglob
fi
if [ "${#zones[@]}" -eq 0 ]; then
    echo "ci/run.sh: no zone given (TM_ZONES, or file names as arguments)" >&2
    exit 2
fi

# The zone an input names, as tmems-check reads it (--zone-format auto).
domains_of() {
    local path=${1%/} base
    base=${path##*/}
    case "$base" in
        *.json)
            if command -v jq >/dev/null 2>&1; then
                jq -r '.domains[]?.name // empty' "$path" 2>/dev/null
                return
            fi
            base=${base%.json} ;;
        *.yaml) base=${base%.yaml} ;;
        *.yml) base=${base%.yml} ;;
        *.zone) base=${base%.zone} ;;
    esac
    printf '%s\n' "${base%.}"
}

domains=()
if [ -n "${TM_DOMAINS:-}" ]; then
    # shellcheck disable=SC2206
    domains=(${TM_DOMAINS})
else
    for z in "${zones[@]}"; do
        while IFS= read -r d; do
            [ -n "$d" ] && domains+=("$d")
        done < <(domains_of "$z")
    done
fi

args=()
for z in "${zones[@]}"; do args+=(--zone "$z"); done
[ -n "${TM_ZONE_FORMAT:-}" ] && args+=(--zone-format "$TM_ZONE_FORMAT")
if [ "${TM_PLAN:-false}" = true ]; then args+=(--plan); else args+=(--offline); fi
[ "${TM_STRICT:-false}" = true ] && args+=(--strict)
[ -n "${TM_LANG:-}" ] && args+=(--lang "$TM_LANG")
# shellcheck disable=SC2206
[ -n "${TM_ARGS:-}" ] && args+=(${TM_ARGS})

# The extra reports first, without the step summary (written once, below).
if [ -n "${TM_SARIF_FILE:-}" ] && [ "${TM_PLAN:-false}" != true ]; then
    env -u GITHUB_STEP_SUMMARY "$bin" "${args[@]}" --format sarif "${domains[@]}" \
        >"$TM_SARIF_FILE" 2>/dev/null
fi
if [ -n "${TM_JUNIT_FILE:-}" ] && [ "${TM_PLAN:-false}" != true ]; then
    env -u GITHUB_STEP_SUMMARY "$bin" "${args[@]}" --format junit "${domains[@]}" \
        >"$TM_JUNIT_FILE" 2>/dev/null
fi

"$bin" "${args[@]}" --format "${TM_FORMAT:-text}" "${domains[@]}"
rc=$?
if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "exit-status=$rc" >>"$GITHUB_OUTPUT"
fi
exit $rc
