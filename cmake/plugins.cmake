# plugins.cmake - the program's plugins (include/util/tmems/tm_plugin.h):
# the code that needs libcurl (DNS over HTTPS), OpenSSL (the STARTTLS
# probe) or libidn2 (internationalised names), built as shared objects that
# link those libraries, so that the program maps them only in the runs that
# use them.
#
#   <build>/plugins/<name>.so                      (tests run from the tree)
#   <prefix>/<libdir>/tmems-check/<name>.so        (installed, and packaged:
#                                                   dpkg-shlibdeps reads them)
#
# The binary finds them in the build tree, or relative to itself once
# installed (src/cli/plugin_dir.c).

set(TM_PLUGIN_BUILD_DIR ${CMAKE_BINARY_DIR}/plugins)
set(TM_PLUGIN_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/tmems-check)
file(RELATIVE_PATH TM_PLUGINDIR_FROM_BINDIR
     ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR}/tmems-check)

# Without a directory from its caller, the loader looks where the package
# installs the plugins.
target_compile_definitions(tm_util PRIVATE
  TM_PLUGIN_DIR="${CMAKE_INSTALL_FULL_LIBDIR}/tmems-check")

add_custom_target(tm_plugins)

# tm_plugin(<name> LAYER <layer> SOURCES <file>... LINKS <target>...)
#
# <name>.so from SOURCES (files of the layer's directory: they include its
# private headers by bare name, and the public headers of the layers below
# it), linking LINKS only: everything else the plugin needs, the program
# lends it through its table (tm_plugin_host_t).  Only the table is
# exported, and an undefined symbol is a link error, not a surprise at
# dlopen.
function(tm_plugin name)
  cmake_parse_arguments(P "" "" "INCLUDE;SOURCES;LINKS" ${ARGN})
  set(target tm_plugin_${name})
  add_library(${target} MODULE ${P_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${TM_PLUGIN_BUILD_DIR}
    C_VISIBILITY_PRESET hidden)
  foreach(layer IN LISTS P_INCLUDE)
    target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR}/include/${layer})
  endforeach()
  target_link_libraries(${target} PRIVATE ${P_LINKS} tm_build_flags)
  if(NOT TM_SANITIZE)
    target_link_options(${target} PRIVATE -Wl,--no-undefined)
  endif()
  add_dependencies(tm_plugins ${target})
  install(TARGETS ${target} LIBRARY DESTINATION ${TM_PLUGIN_INSTALL_DIR})
endfunction()

# DNS over HTTPS: the transport, its decisions and its error lines.  The
# pure helpers of util it calls (the clock, ASCII case, escaping) are
# linked in from the util library, hidden: no state of the program's is
# shared through them, and the allocator still comes through the table.
set_target_properties(tm_util PROPERTIES POSITION_INDEPENDENT_CODE ON)
# Position-independent code would reach util's one thread-local variable
# (json_alloc.c) through __tls_get_addr, making the program need the
# dynamic loader as a library: the initial-exec model keeps TLS direct.
target_compile_options(tm_util PRIVATE -ftls-model=initial-exec)
tm_plugin(doh INCLUDE util dns resolve
          SOURCES src/lib/resolve/doh_curl_plugin.c src/lib/resolve/doh_map.c
                  src/lib/resolve/errbuf.c
          LINKS PkgConfig::CURL tm_util)
target_link_options(tm_plugin_doh PRIVATE -Wl,--exclude-libs,ALL)
# IDNA2008 for the names that need it (libidn2 brings libunistring).
tm_plugin(idn INCLUDE util SOURCES src/lib/util/idn_plugin.c LINKS PkgConfig::IDN2)
# The STARTTLS probe's TLS client.
tm_plugin(tls INCLUDE util dns
          SOURCES src/lib/probe/tls_openssl_plugin.c
          LINKS PkgConfig::OPENSSL)

# Whatever runs the program from the build tree needs them built.
add_dependencies(tmems-check tm_plugins)

# Where the command line looks for them (src/cli/plugin_dir.c).
target_compile_definitions(tm_cli PUBLIC
  TM_BUILD_PLUGINDIR="${TM_PLUGIN_BUILD_DIR}"
  TM_PLUGINDIR_FROM_BINDIR="${TM_PLUGINDIR_FROM_BINDIR}"
  TM_PLUGINDIR="${CMAKE_INSTALL_FULL_LIBDIR}/tmems-check")
