#!/usr/bin/env bash
# bootstrap.sh - prepares a Debian 12 machine to build and test tmems-check,
# then builds it into ./build.  Safe to run again: packages already present
# are not fetched again, and the build is incremental.
#
#   bash scripts/bootstrap.sh            # packages + ./build (RelWithDebInfo)
#   TM_BUILD_TYPE=Debug bash scripts/bootstrap.sh
#   TM_WERROR=ON bash scripts/bootstrap.sh  # warnings are errors (the tests, CI)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PACKAGES=(
    # toolchain
    build-essential cmake pkg-config gettext
    # packaging: dpkg-shlibdeps computes the .deb's Depends (cpack -G DEB)
    dpkg-dev
    # libraries (docs/design.md "Dependencies")
    libc-ares-dev libcurl4-openssl-dev libcjson-dev libknot-dev libidn2-dev
    libyaml-dev  # octoDNS zones (--zone-format octodns)
    libssl-dev  # the STARTTLS probe of --smtp
    # tests: unit (cmocka), integration (BIND, dig, jq), leak checks, tools
    libcmocka-dev bind9 bind9-dnsutils jq python3 python3-yaml python3-dnslib
    # the RFC 7208 test suite (/usr/share/doc/python3-spf/rfc7208-tests.yml.gz),
    # run by tests/conformance through the evaluator and the command line
    python3-spf
    valgrind util-linux time
    # test_smtp.sh: SMTP servers with and without STARTTLS, a self-signed certificate
    python3-aiosmtpd openssl
    # test_html_browser.sh: the HTML report in Debian's chromium, headless,
    # driven by puppeteer-core (tests/browser, installed below with npm;
    # it never downloads a browser of its own)
    chromium nodejs
)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
        missing+=("$p")
    fi
done

# npm: Debian's package, unless a node that brings its own npm is there
# already (a nodejs package from elsewhere conflicts with Debian's npm).
if ! command -v npm >/dev/null 2>&1; then
    missing+=(npm)
fi

if [ "${#missing[@]}" -gt 0 ]; then
    echo "bootstrap: installing ${missing[*]}"
    SUDO=()
    if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
else
    echo "bootstrap: all ${#PACKAGES[@]} packages present"
fi

# The browser test's npm packages, exactly as tests/browser/package-lock.json
# pins them, into tests/browser/node_modules (not kept in git).  Skipped when
# the installed copy already matches the lock file, so that a second run needs
# no network.  PUPPETEER_SKIP_DOWNLOAD: puppeteer-core downloads nothing, and
# this makes sure no dependency's install step fetches a browser either.
browser_lock=tests/browser/package-lock.json
browser_installed=tests/browser/node_modules/.package-lock.json
if [ -f "$browser_installed" ] && node -e '
    const fs = require("fs");
    const want = JSON.parse(fs.readFileSync(process.argv[1])).packages;
    const have = JSON.parse(fs.readFileSync(process.argv[2])).packages;
    for (const k of Object.keys(want)) {
        if (k && (!have[k] || have[k].version !== want[k].version)) process.exit(1);
    }' "$browser_lock" "$browser_installed" 2>/dev/null; then
    echo "bootstrap: tests/browser/node_modules matches its lock file"
else
    echo "bootstrap: installing tests/browser/node_modules (npm ci)"
    (cd tests/browser && PUPPETEER_SKIP_DOWNLOAD=1 timeout 600 \
        npm ci --no-audit --no-fund --loglevel=error)
fi

# The SARIF tests validate --format sarif against the official SARIF 2.1.0
# JSON schema, as an npm package ships it, with ajv: both from the npm
# registry into tests/tools/sarif/node_modules (npm ci from its lock file).
if [ ! -f tests/tools/sarif/node_modules/ajv-draft-04/package.json ]; then
    echo "bootstrap: installing the SARIF schema and ajv into tests/tools/sarif/node_modules"
    (cd tests/tools/sarif && timeout 600 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

# The integration tests start their own named on a high port; the packaged
# service is not needed (and is not started here).

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE="${TM_BUILD_TYPE:-RelWithDebInfo}" \
    ${TM_WERROR:+-DTM_WERROR="$TM_WERROR"}
cmake --build build -j "$jobs"
echo "bootstrap: built ./build/tmems-check"
