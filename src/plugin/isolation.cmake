# Process isolation of drivers (docs/isolation.md): the wire protocol + process_driver (library
# hearth_isolation) and the worker executable hearth-driver-host. Included from src/CMakeLists.txt
# after hearth_core is defined; every path is absolute so it can be included from anywhere.
#
# Install layout: hearth-driver-host goes to <prefix>/libexec/hearth/ (not on PATH: it is only
# ever started by hearthd). hearthd looks for it next to itself first (build tree), then in
# ../libexec/hearth relative to /proc/self/exe, then in the compiled-in default.
set(HEARTH_ISOLATION_SRC ${CMAKE_CURRENT_LIST_DIR})
set(HEARTH_DRIVER_HOST_INSTALL_DIR ${CMAKE_INSTALL_LIBEXECDIR}/hearth)

# The driver sandbox (src/sandbox, docs/security.md): applied by hearth-driver-host to itself,
# probed by hearthd. libseccomp from Debian (libseccomp-dev).
find_package(PkgConfig REQUIRED)
pkg_check_modules(SECCOMP REQUIRED IMPORTED_TARGET libseccomp)
set(HEARTH_SANDBOX_SRC ${CMAKE_CURRENT_LIST_DIR}/../sandbox)
add_library(hearth_isolation STATIC
  ${HEARTH_ISOLATION_SRC}/wire.cpp
  ${HEARTH_ISOLATION_SRC}/process_driver.cpp
  ${HEARTH_SANDBOX_SRC}/grants.cpp
  ${HEARTH_SANDBOX_SRC}/landlock.cpp
  ${HEARTH_SANDBOX_SRC}/namespaces.cpp
  ${HEARTH_SANDBOX_SRC}/plugin_file.cpp
  ${HEARTH_SANDBOX_SRC}/sandbox.cpp
  ${HEARTH_SANDBOX_SRC}/seccomp_filter.cpp)
target_compile_features(hearth_isolation PUBLIC cxx_std_20)
target_compile_definitions(hearth_isolation PRIVATE
  HEARTH_DEFAULT_DRIVER_HOST="${CMAKE_INSTALL_PREFIX}/${HEARTH_DRIVER_HOST_INSTALL_DIR}/hearth-driver-host")
target_link_libraries(hearth_isolation PUBLIC hearth_core PkgConfig::SECCOMP PRIVATE hearth_warnings)
# hearth_core's daemon.cpp creates process_drivers: close the loop so that everything linking
# hearth_core (hearthd, tests) also gets these objects. CMake allows cycles between STATIC
# libraries and repeats them on the link line.
target_link_libraries(hearth_core PUBLIC hearth_isolation)

add_executable(hearth-driver-host ${HEARTH_ISOLATION_SRC}/driver_host_main.cpp)
target_compile_features(hearth-driver-host PRIVATE cxx_std_20)
target_link_libraries(hearth-driver-host PRIVATE hearth_isolation hearth_core hearth_warnings)
# Build tree: next to hearthd, so the daemon finds it without installing.
if(TARGET hearthd)
  set_target_properties(hearth-driver-host PROPERTIES RUNTIME_OUTPUT_DIRECTORY $<TARGET_FILE_DIR:hearthd>)
endif()
install(TARGETS hearth-driver-host RUNTIME DESTINATION ${HEARTH_DRIVER_HOST_INSTALL_DIR})
