#!/usr/bin/env bash
# test_plugins.sh - libcurl, OpenSSL and libidn2 are loaded only by the
# runs that use them (include/util/tmems/tm_plugin.h): the binary does not
# link them, a run without --doh and --smtp never maps libcurl or OpenSSL,
# --doh maps the DoH plugin and libcurl, --smtp the TLS plugin and OpenSSL,
# an internationalised name the IDN plugin and libidn2; a missing or foreign
# plugin is a usage error naming the file, before any DNS.
#
# The dynamic loader's own log (LD_DEBUG=files, ld.so(8)) says what was
# mapped; those runs call the binary directly, never under TM_WRAPPER,
# whose loader would write its own log.  Nothing here needs BIND: the
# servers named are closed ports on 127.0.0.1.
#
# Run by ctest as: bash test_plugins.sh /path/to/tmems-check

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"

ZONE="$TM_SOURCE_DIR/examples/acme-corp.example.zone"
CLOSED=$(tm_free_port)
LOADED="$TM_TMP/loaded"

# loaded_by ARGS... : runs the binary with ARGS and writes the files the
# dynamic loader mapped (their base names, one a line) to $LOADED.
loaded_by() {
    TM_CMD="LD_DEBUG=files $(basename "$TM_BIN") $*"
    LD_DEBUG=files LD_DEBUG_OUTPUT="$TM_TMP/ld" timeout -k 5 "$TM_RUN_LIMIT_S" \
        "$TM_BIN" "$@" >"$TM_OUT" 2>"$TM_ERR" </dev/null
    TM_RC=$?
    # "file=libcurl.so.4 [0];  needed by ..." / "file=/x/doh.so [0];  dynamically loaded by ..."
    cat "$TM_TMP"/ld.* 2>/dev/null | sed -n 's/.*file=\([^ ]*\) .*/\1/p' | xargs -r -n1 basename \
        | sort -u >"$LOADED"
    rm -f "$TM_TMP"/ld.*
}

expect_loaded() {
    if grep -qx "$1" "$LOADED"; then tm_pass; else tm_fail "$1 was not loaded"; fi
}

expect_stderr_has() {
    if grep -qF -- "$1" "$TM_ERR"; then tm_pass; else tm_fail "stderr lacks: $1"; fi
}

expect_stderr_lacks() {
    if grep -qF -- "$1" "$TM_ERR"; then tm_fail "stderr has: $1"; else tm_pass; fi
}

# expect_not_loaded NAME : no file NAME.so* was mapped (doh, tls, libcurl).
expect_not_loaded() {
    if grep -qE "^$1\.so" "$LOADED"; then
        tm_fail "$1 was loaded: $(grep -E "^$1\.so" "$LOADED" | tr '\n' ' ')"
    else
        tm_pass
    fi
}

tm_case "the binary links neither libcurl nor OpenSSL nor libidn2"
needed=$(LC_ALL=C readelf -d "$TM_BIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
tm_assert "NEEDED lists the c-ares library (sanity)" grep -q '^libcares' <<<"$needed"
for lib in libcurl libssl libcrypto libgnutls libidn2 libunistring; do
    tm_assert "NEEDED has no $lib" bash -c "! grep -q '^$lib' <<<'$needed'"
done

tm_case "the offline demo maps no plugin, libcurl or OpenSSL"
loaded_by --offline --zone "$ZONE" acme-corp.example
expect_exit 0
expect_loaded libcares.so.2
for lib in doh tls idn libcurl libssl libcrypto libidn2 libunistring; do
    expect_not_loaded "$lib"
done

tm_case "--version maps nothing more"
loaded_by --version
expect_exit 0
for lib in doh tls idn libcurl libssl libcrypto libidn2 libunistring; do
    expect_not_loaded "$lib"
done

tm_case "an internationalised name maps the IDN plugin and libidn2, nothing else"
loaded_by --offline --zone "$ZONE" 例え.jp
expect_usage_error
expect_stderr_has "no zone file holds xn--r8jz45g.jp"
expect_loaded idn.so
expect_loaded libidn2.so.0
for lib in doh tls libcurl libssl; do expect_not_loaded "$lib"; done

tm_case "an A-label typed as such is checked by the IDN plugin too"
loaded_by --offline --zone "$ZONE" xn--r8jz45g.jp
expect_usage_error
expect_loaded idn.so

tm_case "--doh maps the DoH plugin and libcurl, not the TLS plugin"
loaded_by --doh "http://127.0.0.1:$CLOSED/dns-query" --timeout 500 --tries 1 acme-corp.example
expect_exit 3
expect_stdout_lacks "no verdict without DNS" "ready"
expect_loaded doh.so
expect_loaded libcurl.so.4
expect_not_loaded tls

tm_case "--smtp maps the TLS plugin and OpenSSL, not libcurl"
loaded_by --smtp --server "127.0.0.1:$CLOSED" --timeout 500 --tries 1 acme-corp.example
expect_exit 3
expect_loaded tls.so
expect_loaded libssl.so.3
expect_not_loaded doh
expect_not_loaded libcurl

tm_case "--smtp offline needs no TLS plugin"
loaded_by --smtp --offline --zone "$ZONE" acme-corp.example
expect_exit 0
expect_not_loaded tls
expect_not_loaded libssl

EMPTY="$TM_TMP/no-plugins"
mkdir -p "$EMPTY"

tm_case "a missing DoH plugin is a usage error naming the file"
TMEMS_CHECK_PLUGINDIR=$EMPTY tm_run_raw --doh "http://127.0.0.1:$CLOSED/dns-query" \
    acme-corp.example
expect_usage_error
expect_stderr_has "DNS over HTTPS cannot be used: its plugin is missing or broken"
expect_stderr_has "$EMPTY/doh.so: cannot open shared object file"

tm_case "a missing TLS plugin is a usage error naming the file, before any DNS"
TMEMS_CHECK_PLUGINDIR=$EMPTY tm_run_raw --smtp --server "127.0.0.1:$CLOSED" acme-corp.example
expect_usage_error
expect_stderr_has "STARTTLS cannot be probed: the TLS plugin is missing or broken"
expect_stderr_has "$EMPTY/tls.so: cannot open shared object file"

tm_case "a missing IDN plugin is a usage error naming the file, not an invalid name"
TMEMS_CHECK_PLUGINDIR=$EMPTY tm_run_raw --offline --zone "$ZONE" 例え.jp
expect_usage_error
expect_stderr_has "internationalised names cannot be checked: the IDN plugin is missing or broken"
expect_stderr_has "$EMPTY/idn.so: cannot open shared object file"
expect_stderr_lacks "invalid domain name"

tm_case "a missing IDN plugin stops a -f list too, before any DNS"
printf 'acme-corp.example\n例え.jp\n' >"$TM_TMP/idn-list"
TMEMS_CHECK_PLUGINDIR=$EMPTY tm_run_raw --offline --zone "$ZONE" -f "$TM_TMP/idn-list"
expect_usage_error
expect_stderr_has "$EMPTY/idn.so: cannot open shared object file"

tm_case "a run without --doh or --smtp needs no plugin at all"
TMEMS_CHECK_PLUGINDIR=$EMPTY tm_run_raw --offline --zone "$ZONE" acme-corp.example
expect_exit 0

tm_case "a file that is not a plugin is refused with the loader's reason"
: >"$EMPTY/doh.so"
TMEMS_CHECK_PLUGINDIR=$EMPTY tm_run_raw --doh "http://127.0.0.1:$CLOSED/dns-query" \
    acme-corp.example
expect_usage_error
expect_stderr_has "$EMPTY/doh.so: file too short"

tm_case "another plugin in the DoH plugin's place is refused"
cp "$(dirname "$TM_BIN")/plugins/tls.so" "$EMPTY/doh.so"
TMEMS_CHECK_PLUGINDIR=$EMPTY tm_run_raw --doh "http://127.0.0.1:$CLOSED/dns-query" \
    acme-corp.example
expect_usage_error
expect_stderr_has "$EMPTY/doh.so is not a tmems-check plugin (it has no tm_doh_plugin)"

tm_finish
