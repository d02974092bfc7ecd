# layers.cmake - one static library per layer of the program, each linking
# only the layers below it (docs/design.md, "Layers and the build").
#
# A layer's public headers are in include/<layer>/tmems/ and reach only the
# targets that link the layer; its private headers sit next to its sources
# and are included by their bare name ("checks.h"), which the compiler finds
# in the including file's own directory and nowhere else.  There is no
# include path to src/lib: a file that names another layer's private header,
# or the public header of a layer it does not link, does not compile
# (tests/layers/ proves it).
#
# Flags are the targets' own: every target links tm_build_flags.

# Warnings, the language level and the sanitizers, for every target of the
# project (libraries, the binary, plugins, tests, tools).
add_library(tm_build_flags INTERFACE)
target_compile_options(tm_build_flags INTERFACE
  -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral
  # -Werror only when asked: a newer c-ares (1.34) deprecates functions that
  # 1.18 needs, and a user's build must not fail on a deprecation warning.
  $<$<BOOL:${TM_WERROR}>:-Werror>)
target_compile_definitions(tm_build_flags INTERFACE
  _POSIX_C_SOURCE=200809L TM_VERSION="${PROJECT_VERSION}")
if(TM_SANITIZE)
  target_compile_options(tm_build_flags INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(tm_build_flags INTERFACE -fsanitize=address,undefined
    # GCC links UBSan's runtime as a second shared library next to ASan's,
    # and LeakSanitizer then scans its 6 MB of zeroed globals at every exit:
    # about 20 ms per run of the program, which the test suite does some
    # ten thousand times.  Linked statically into executables, the same
    # checks report the same way (plugins keep the shared one: a static
    # runtime cannot go into a shared object).
    $<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:-static-libubsan>)
endif()

# tm_layer(<target> [INCLUDE <layer>] DIRS <dir>... [SOURCES <file>...]
#          [EXCLUDE <file>...] [LINKS <target>...] [PRIVATE_LINKS <target>...])
#
# A static library of every .c file of DIRS (one layer's directories only;
# *_plugin.c files are the layer's plugins, built by tm_plugin), with
# include/<layer> as its public include directory.  LINKS are the layers
# below whose headers its own public headers include; PRIVATE_LINKS what
# only its sources use.
function(tm_layer name)
  cmake_parse_arguments(L "" "INCLUDE" "DIRS;SOURCES;EXCLUDE;LINKS;PRIVATE_LINKS" ${ARGN})
  set(sources ${L_SOURCES})
  foreach(dir IN LISTS L_DIRS)
    file(GLOB found CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${dir}/*.c)
    list(APPEND sources ${found})
  endforeach()
  list(FILTER sources EXCLUDE REGEX "_plugin\\.c$")
  foreach(file IN LISTS L_EXCLUDE)
    list(REMOVE_ITEM sources ${CMAKE_SOURCE_DIR}/${file})
  endforeach()
  add_library(${name} STATIC ${sources})
  if(L_INCLUDE)
    target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR}/include/${L_INCLUDE})
  endif()
  target_link_libraries(${name} PUBLIC ${L_LINKS} PRIVATE ${L_PRIVATE_LINKS} tm_build_flags)
endfunction()
