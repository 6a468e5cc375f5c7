# SPDX-License-Identifier: LGPL-2.1-or-later
# rpd_man_page(SOURCE.md SECTION): builds a man page from its markdown source
# with go-md2man, installs it, and adds a test that groff renders it without
# warnings.
find_program(GO_MD2MAN go-md2man REQUIRED)
find_program(GROFF groff)
add_custom_target(man ALL)

function(rpd_man_page source section)
  get_filename_component(name ${source} NAME_WE)
  set(page ${CMAKE_BINARY_DIR}/man/${name}.${section})
  add_custom_command(OUTPUT ${page}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND ${GO_MD2MAN} -in ${CMAKE_CURRENT_SOURCE_DIR}/${source} -out ${page}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${source}
    COMMENT "Generating man page ${name}(${section})")
  add_custom_target(man-${name} DEPENDS ${page})
  add_dependencies(man man-${name})
  install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  if(GROFF)
    add_test(NAME man/${name}.${section}
      COMMAND sh -c "out=$(${GROFF} -man -Tutf8 -ww -z '${page}' 2>&1); [ -z \"$out\" ] || { echo \"$out\"; exit 1; }")
    set_tests_properties(man/${name}.${section} PROPERTIES LABELS man)
  endif()
endfunction()
