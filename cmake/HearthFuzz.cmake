# HEARTH_FUZZ=ON: the libFuzzer build (tests/fuzz). Needs clang (Debian's clang 14 ships
# libclang_rt.fuzzer). Everything compiled in this build directory gets coverage instrumentation
# plus ASan/UBSan (-fsanitize=fuzzer-no-link); the fuzz executables link libFuzzer's main
# through HEARTH_FUZZ_LINK_OPTIONS. Only the fuzz targets are meant to be built here:
# `cmake --build build/fuzz --target hearth_fuzz_targets` (tools/fuzz.sh does it).
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "HEARTH_FUZZ=ON needs clang: CC=clang CXX=clang++ cmake -DHEARTH_FUZZ=ON ...")
endif()
if(NOT HEARTH_BUILD_TESTS)
  message(FATAL_ERROR "HEARTH_FUZZ=ON needs HEARTH_BUILD_TESTS=ON (the targets live in tests/fuzz)")
endif()
if(HEARTH_SANITIZE)
  message(FATAL_ERROR "HEARTH_FUZZ already enables ASan/UBSan; leave HEARTH_SANITIZE off")
endif()
set(HEARTH_FUZZ_SANITIZERS address,undefined)
add_compile_options(-fsanitize=fuzzer-no-link,${HEARTH_FUZZ_SANITIZERS} -fno-omit-frame-pointer
                    -fno-sanitize-recover=undefined)
set(HEARTH_FUZZ_LINK_OPTIONS -fsanitize=fuzzer,${HEARTH_FUZZ_SANITIZERS})
