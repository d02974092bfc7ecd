# i18n.cmake - message catalogues, man page and shell completion: built
# into the build tree, installed with GNUInstallDirs, and their tests.
# Included from the top CMakeLists.txt after the targets are defined.
#
#   po/<lang>.po  --msgfmt-->  <build>/locale/<lang>/LC_MESSAGES/tmems-check.mo
#                 --install--> <prefix>/share/locale/<lang>/LC_MESSAGES/tmems-check.mo
#
# The binary finds its catalogues without being installed: when it runs from
# the build tree it reads <build>/locale (src/cli/i18n.c, tmc_localedir_pick).

include(GNUInstallDirs)

find_program(TM_MSGFMT msgfmt)
if(NOT TM_MSGFMT)
  message(FATAL_ERROR "msgfmt not found: install the Debian package 'gettext'")
endif()

set(TM_LOCALE_BUILD_DIR ${CMAKE_BINARY_DIR}/locale)

# Where src/cli/i18n.c looks: the build tree, and the install layout relative
# to the binary so that a moved install (dpkg -x, DESTDIR) still finds it.
file(RELATIVE_PATH TM_LOCALEDIR_FROM_BINDIR
     ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LOCALEDIR})
target_compile_definitions(tm_cli PUBLIC
  TM_BUILD_DIR="${CMAKE_BINARY_DIR}"
  TM_BUILD_LOCALEDIR="${TM_LOCALE_BUILD_DIR}"
  TM_LOCALEDIR_FROM_BINDIR="${TM_LOCALEDIR_FROM_BINDIR}")

# One .mo per po/<lang>.po.  msgfmt --check also verifies that every
# translation keeps the printf directives of its msgid (c-format).
file(GLOB TM_PO_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/po/*.po)
set(TM_MO_FILES)
foreach(po IN LISTS TM_PO_FILES)
  get_filename_component(lang ${po} NAME_WE)
  set(mo ${TM_LOCALE_BUILD_DIR}/${lang}/LC_MESSAGES/tmems-check.mo)
  add_custom_command(
    OUTPUT ${mo}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${TM_LOCALE_BUILD_DIR}/${lang}/LC_MESSAGES
    COMMAND ${TM_MSGFMT} --check -o ${mo} ${po}
    DEPENDS ${po}
    COMMENT "Compiling message catalogue ${lang}")
  list(APPEND TM_MO_FILES ${mo})
  install(FILES ${mo} DESTINATION ${CMAKE_INSTALL_LOCALEDIR}/${lang}/LC_MESSAGES)
endforeach()

# The man page, compressed as Debian policy (section 12.3) asks; man reads
# either form.  -n leaves the name and time out, so the .gz is reproducible.
find_program(TM_GZIP gzip REQUIRED)
set(TM_MAN_GZ ${CMAKE_BINARY_DIR}/man/tmems-check.1.gz)
add_custom_command(
  OUTPUT ${TM_MAN_GZ}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
  COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_SOURCE_DIR}/docs/tmems-check.1
          ${CMAKE_BINARY_DIR}/man/tmems-check.1
  COMMAND ${TM_GZIP} -9 -n -f ${CMAKE_BINARY_DIR}/man/tmems-check.1
  DEPENDS ${CMAKE_SOURCE_DIR}/docs/tmems-check.1
  COMMENT "Compressing the man page")

add_custom_target(translations ALL DEPENDS ${TM_MO_FILES} ${TM_MAN_GZ})
add_dependencies(tmems-check translations)

install(FILES ${TM_MAN_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# bash-completion loads completions on demand from this directory.
install(FILES ${CMAKE_SOURCE_DIR}/completions/tmems-check.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME tmems-check)
install(FILES ${CMAKE_SOURCE_DIR}/docs/cli.md ${CMAKE_SOURCE_DIR}/docs/checks.md
              ${CMAKE_SOURCE_DIR}/docs/json.md
              ${CMAKE_SOURCE_DIR}/docs/ci.md ${CMAKE_SOURCE_DIR}/docs/rules.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

if(TM_BUILD_TESTS)
  # The catalogue compiles and keeps every printf directive.
  add_test(NAME i18n.msgfmt_check
           COMMAND ${TM_MSGFMT} --check --check-format -o /dev/null
                   ${CMAKE_SOURCE_DIR}/po/ja.po)
  # Every message of a template freshly extracted from the sources has a
  # Japanese translation that is not fuzzy.
  add_test(NAME i18n.complete
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/i18n/check_complete.sh)
  # Every message shown in Japanese lines up in the terminal columns.
  add_test(NAME i18n.columns
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/i18n/check_columns.sh
                   $<TARGET_FILE:tmems-check>)
  # --lang and the locale variables pick the language.
  add_test(NAME i18n.lang
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/i18n/check_lang.sh
                   $<TARGET_FILE:tmems-check>)
  # A count in a message is a plural message (dngettext), in both catalogues.
  add_test(NAME i18n.plurals
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/i18n/check_plurals.sh)
  set_tests_properties(i18n.msgfmt_check i18n.complete i18n.columns i18n.lang i18n.plurals
                       PROPERTIES LABELS i18n TIMEOUT 120)
  # The bash completion offers options, values and files.
  add_test(NAME docs.completion
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/docs/test_completion.sh)
  # The man page renders without a groff warning; --help, the man page and
  # the completion list the same options, and the same check ids.
  add_test(NAME docs.manpage
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/docs/test_manpage.sh
                   $<TARGET_FILE:tmems-check>)
  # The CI examples of docs/ci.md parse and their commands work as written.
  add_test(NAME docs.ci_examples
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/docs/test_ci_examples.sh
                   $<TARGET_FILE:tmems-check>)
  # README.md shows the demo's report as the tool prints it.
  add_test(NAME docs.readme
           COMMAND bash ${CMAKE_SOURCE_DIR}/tests/docs/test_readme.sh)
  set_tests_properties(docs.completion docs.manpage docs.ci_examples docs.readme
                       PROPERTIES LABELS docs TIMEOUT 120)

  # Golden files: the text report, byte for byte, in both languages
  # (tests/golden/README.md; regenerate with tests/golden/update.sh).
  set(TM_GOLDEN_LIST ${CMAKE_SOURCE_DIR}/tests/golden/scenarios.txt)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${TM_GOLDEN_LIST})
  file(STRINGS ${TM_GOLDEN_LIST} TM_GOLDEN_LINES REGEX "^[a-z0-9-]+ ")
  foreach(line IN LISTS TM_GOLDEN_LINES)
    string(REGEX MATCH "^[a-z0-9-]+" scenario "${line}")
    foreach(lang ja en)
      add_test(NAME golden.${scenario}.${lang}
               COMMAND bash ${CMAKE_SOURCE_DIR}/tests/golden/run.sh
                       $<TARGET_FILE:tmems-check> ${scenario} ${lang})
      set_tests_properties(golden.${scenario}.${lang} PROPERTIES LABELS golden TIMEOUT 60)
    endforeach()
  endforeach()
endif()
