# hearth_add_driver(<name> SOURCES <files...>): builds a Hearth driver plugin as a MODULE library
# named <name>.so with hidden visibility and no undefined symbols (a plugin links no host symbols).
# Used in-tree and, installed, by out-of-tree drivers after find_package(hearth).
function(hearth_add_driver name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${name}
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(DEFINED HEARTH_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${HEARTH_PLUGIN_OUTPUT_DIR})
  endif()
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
  target_link_libraries(${name} PRIVATE hearth::sdk ${ARG_LIBRARIES})
  if(TARGET hearth_warnings)
    target_link_libraries(${name} PRIVATE hearth_warnings)
  else()
    target_compile_options(${name} PRIVATE -Wall -Wextra -Wpedantic)
  endif()
  if(DEFINED HEARTH_PLUGIN_INSTALL_DIR)
    install(TARGETS ${name} LIBRARY DESTINATION ${HEARTH_PLUGIN_INSTALL_DIR})
  endif()
endfunction()
