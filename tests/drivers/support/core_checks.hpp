// The fake host's checks for in-tree driver tests, built on the core's own validators: every
// descriptor a driver registers must parse (src/core/device_model.cpp) and every value it reports
// must be a declared property that fits its spec; drivers run on the toolkit's io thread, so no
// host timers. One place for what each driver's tests used to compile and repeat; the CMake
// target `hearth_driver_checks` (this folder) brings the core sources it needs.
#pragma once

#include <hearth/testing/fake_host.hpp>

namespace hearth::driver_test {

/// host_options whose check_descriptor/check_value are the core's, with timers_allowed = false.
hearth::testing::host_options core_host_checks();

}  // namespace hearth::driver_test
