# package.cmake - the Debian package (cpack -G DEB) and its test.
# Included last from the top CMakeLists.txt, after every install() rule.
#
#   cmake --build build && (cd build && cpack -G DEB)
#
# builds tmems-check_<version>_<arch>.deb for Debian 12.  Its Depends line is
# computed by dpkg-shlibdeps (package dpkg-dev) from the libraries the binary
# and its plugins link (cmake/plugins.cmake), so it names the same packages
# the build used: libc-ares2, libcjson1, libzscanner4, libc6 for the
# binary, libcurl4 for the DoH plugin, libssl3 for the TLS plugin, libidn2-0
# for the IDN plugin.

set(CPACK_PACKAGE_NAME tmems-check)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The tmems-check developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "check a domain's DNS for Trend Micro Email Security")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_CONTACT "tmems-check developers <tmems-check@example.org>")

set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The extended description; CPackDeb puts the summary above it and indents
# its lines as deb-control(5) requires.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "tmems-check tells a mail administrator whether a domain's DNS is ready for
Trend Micro Email Security (Japan data center by default, other regions with
--region): the ownership token, the MX records before and after the cutover,
and the SPF record evaluated as receivers do (RFC 7208, every data-center
address range, lookups counted over the whole include tree).  It reports in
Japanese or English, in the console's own terms, with the zone-file lines
that fix each problem, and writes JSON or JUnit for CI jobs.  Zone files can
be checked offline.")
# dpkg-shlibdeps reads every ELF file of the package: the binary and the
# plugins alike.  No dependency is written by hand.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Debian installs under /usr; the binary finds its catalogues relative to
# itself (src/cli/i18n.c), so the configure-time prefix does not matter.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)

# The package carries the licence where Debian looks for it.
install(FILES ${CMAKE_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR}
        RENAME copyright)

# cpack installs from the build tree; without this its "preinstall" step
# first rebuilds every target, which the package test (tests/package) would
# then do while other tests run the binary it relinks.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)
include(CPack)

if(TM_BUILD_TESTS)
  # Builds the .deb, unpacks it into a scratch root and runs the unpacked
  # binary on the demo zone (tests/package/test_deb.sh).
  add_test(NAME package.deb
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/package/test_deb.sh ${CMAKE_BINARY_DIR})
  # cmake --install into a scratch prefix (tests/package/test_install.sh).
  add_test(NAME package.install
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/package/test_install.sh ${CMAKE_BINARY_DIR})
  set_tests_properties(package.deb package.install PROPERTIES LABELS package TIMEOUT 600)
endif()
