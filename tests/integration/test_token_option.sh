#!/usr/bin/env bash
# test_token_option.sh - --token is judged like token.format (docs/checks.md
# token.format; the onboarding guide, Step 2-1): "tmes=" optional, then
# exactly 32 ASCII letters and digits.  A malformed value is a usage error
# (exit 2, one line on stderr naming the value and what is wrong, nothing on
# stdout, no query sent); a well-formed one is compared with the published
# token and, when it differs, becomes the Fix line exactly as the console
# would show it.  Against a real BIND 9 on 127.0.0.1.
#
# Run by ctest as: bash test_token_option.sh /path/to/tmems-check

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"
tm_bind_start

# ready.example publishes tmes=88vf4Tw3IPext5MmvoQSYF5mxwOczSpc.
PUBLISHED=88vf4Tw3IPext5MmvoQSYF5mxwOczSpc
OTHER=0123456789abcdefABCDEF0123456789

# bad_token DESCRIPTION VALUE MESSAGE : exit 2 with exactly that message.
bad_token() {
    tm_case "$1"
    tm_run --token "$2" ready.example
    expect_usage_error
    if [ "$(cat "$TM_ERR")" = "tmems-check: $3" ]; then
        tm_pass
    else
        tm_fail "stderr is '$(cat "$TM_ERR")', expected 'tmems-check: $3'"
    fi
}

bad_token "a token pasted with its zone-file quotes" "\"tmes=$PUBLISHED\"" \
    "invalid --token '\"tmes=$PUBLISHED\"': character 1 is '\"', not an ASCII letter or digit; give the 32 characters the console shows, with or without tmes=, and no quotes"
bad_token "a token cut short" "tmes=${PUBLISHED:0:31}" \
    "invalid --token 'tmes=${PUBLISHED:0:31}': it has 31 letters and digits; the console's token has exactly 32"
bad_token "a token with a character too many" "${PUBLISHED}x" \
    "invalid --token '${PUBLISHED}x': it has 33 letters and digits; the console's token has exactly 32"
bad_token "an empty token" "" \
    "invalid --token '': the token is empty; give the 32 letters and digits the console shows"
bad_token "a full-width space pasted from a Japanese document" "tmes=${PUBLISHED:0:31}　" \
    "invalid --token 'tmes=${PUBLISHED:0:31}　': character 32 after tmes= is a non-ASCII character, not an ASCII letter or digit; give the 32 characters the console shows, with or without tmes=, and no quotes"
# A control byte never reaches the terminal: the line shows its \xNN.
bad_token "a tab inside the token" "tmes=${PUBLISHED:0:16}	${PUBLISHED:16:15}" \
    "invalid --token 'tmes=${PUBLISHED:0:16}\\x09${PUBLISHED:16:15}': character 17 after tmes= is a control character, not an ASCII letter or digit; give the 32 characters the console shows, with or without tmes=, and no quotes"

tm_case "the published token, with and without tmes=, in any case of the prefix"
for given in "$PUBLISHED" "tmes=$PUBLISHED" "TMES=$PUBLISHED"; do
    tm_run --format json --token "$given" ready.example
    expect_exit 0
    expect_check token.match pass
done

tm_case "another well-formed token: token.match fails, the Fix line is pasteable"
tm_run --format json --token "tmes=$OTHER" ready.example
expect_exit 1
expect_check token.match fail
expect_json '.results[0].checks[] | select(.id == "token.match") | .fix_records | join("|")' \
    "ready.example. 3600 IN TXT \"tmes=$OTHER\""

tm_finish
