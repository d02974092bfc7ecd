#!/usr/bin/env bash
# no_relative_include.sh SRCDIR - fails when a source of the program
# includes a header by a relative path that leaves its directory
# ("../x/y.h"): such a path would reach another layer's private headers
# around the include directories that keep the layers apart
# (tests/layers/CMakeLists.txt).
set -euo pipefail
src=${1:?usage: no_relative_include.sh SRCDIR}
if found=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"][^">]*\.\./' \
    "$src/src" "$src/include"); then
    echo "relative includes found:"
    echo "$found"
    exit 1
fi
echo "no relative include in src/ and include/"
