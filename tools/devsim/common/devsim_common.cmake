# Included by every tools/devsim/<simulator>/CMakeLists.txt: adds the shared support library
# hearth_devsim_common once (whichever simulator folder comes first), and
# hearth_add_devsim(NAME SOURCES...): a C++20 simulator executable linked to that library, with
# the project's warnings (GCC 12 reports a false -Wmismatched-new-delete on Boost.Asio coroutine
# frames at -O2, so that one is off). Each folder then links only its own dependencies.
if(NOT TARGET hearth_devsim_common)
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR} ${CMAKE_BINARY_DIR}/tools/devsim/common)
endif()

function(hearth_add_devsim name)
  add_executable(${name} ${ARGN})
  target_compile_features(${name} PRIVATE cxx_std_20)
  target_link_libraries(${name} PRIVATE hearth_devsim_common)
  if(TARGET hearth_warnings)
    target_link_libraries(${name} PRIVATE hearth_warnings)
  else()
    target_compile_options(${name} PRIVATE -Wall -Wextra -Wpedantic -Werror)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${name} PRIVATE -Wno-mismatched-new-delete)
  endif()
endfunction()
