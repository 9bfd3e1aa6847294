# In-tree targets get the project's warnings (hearth_warnings: -Werror); out of tree the usual set.
function(_hearth_driver_warnings target)
  if(TARGET hearth_warnings)
    target_link_libraries(${target} PRIVATE hearth_warnings)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  endif()
endfunction()

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
  _hearth_driver_warnings(${name})
  if(DEFINED HEARTH_PLUGIN_INSTALL_DIR)
    install(TARGETS ${name} LIBRARY DESTINATION ${HEARTH_PLUGIN_INSTALL_DIR})
  endif()
endfunction()

# hearth_add_driver_test(<name> SOURCES <files...> DRIVER <plugin target> [SIMULATOR <executable target>]
#                        [LIBRARIES <libs...>] [TIMEOUT <seconds>]): a GoogleTest executable for
# a driver's tests on the installed test kit hearth::testing. The sources see the built plugin's
# path as HEARTH_DRIVER_PATH and the simulator's as HEARTH_SIMULATOR_PATH (both C string
# literals); the test depends on both targets and every test case is registered with ctest
# (gtest_discover_tests, label "driver", TIMEOUT per test, default 120 s). Used in-tree and, after
# find_package(hearth), by out-of-tree drivers.
function(hearth_add_driver_test name)
  cmake_parse_arguments(ARG "" "DRIVER;SIMULATOR;TIMEOUT" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES OR NOT ARG_DRIVER)
    message(FATAL_ERROR "hearth_add_driver_test(${name}): SOURCES and DRIVER are required")
  endif()
  if(NOT TARGET GTest::gtest_main)
    find_package(GTest REQUIRED)
  endif()
  include(GoogleTest)
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE hearth::testing GTest::gtest_main ${ARG_LIBRARIES})
  target_compile_features(${name} PRIVATE cxx_std_20)
  target_compile_definitions(${name} PRIVATE HEARTH_DRIVER_PATH="$<TARGET_FILE:${ARG_DRIVER}>")
  add_dependencies(${name} ${ARG_DRIVER})
  if(ARG_SIMULATOR)
    target_compile_definitions(${name} PRIVATE HEARTH_SIMULATOR_PATH="$<TARGET_FILE:${ARG_SIMULATOR}>")
    add_dependencies(${name} ${ARG_SIMULATOR})
  endif()
  _hearth_driver_warnings(${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS driver TIMEOUT ${ARG_TIMEOUT})
endfunction()
