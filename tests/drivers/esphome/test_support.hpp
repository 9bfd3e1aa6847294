// Support code of the esphome driver tests, on the test kit hearth::testing (fake host,
// driver_instance) and hearth_test_support (control_simulator): esphome_sim on a free loopback
// TCP port with its JSON-lines control port (faults, device-made changes, status), and the host's
// checks (the core's descriptor and value validators).
#pragma once

#include "core_checks.hpp"  // the core's own descriptor and value checks
#include <hearth/plugin.h>
#include <hearth/testing/driver_instance.hpp>
#include <hearth/testing/fake_host.hpp>

#include "support/sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

#ifndef HEARTH_SIMULATOR_PATH
#error "HEARTH_SIMULATOR_PATH must be the path of the built esphome_sim"
#endif

namespace esphome_test {

using json = nlohmann::json;
using namespace std::chrono_literals;
using hearth::testing::driver_instance;
using hearth::testing::fake_host;
using hearth::testing::host_record;

/// The node's encryption key and API password: canaries that must never show up in anything the
/// driver says.
inline constexpr const char* k_key = "c2VjcmV0LWtleS1jYW5hcnktMDEyMzQ1Njc4OWFiY2Q=";
inline constexpr const char* k_other_key = "b3RoZXIta2V5LW5vdC10aGUtbm9kZXMta2V5LTEyMzQ=";
inline constexpr const char* k_password = "Pw-canary-73191";

/// esphome_sim as a child process on free loopback ports (API port and control port), named
/// "porch", verbose, then `extra`.
class simulator : public hearth::test::control_simulator {
public:
    explicit simulator(const std::vector<std::string>& extra = {})
        : control_simulator(HEARTH_SIMULATOR_PATH, args(extra)) {}

private:
    static std::vector<std::string> args(const std::vector<std::string>& extra) {
        std::vector<std::string> a = {"--name", "porch", "--verbose"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
};

/// The core's descriptor and value checks, no host timers (tests/drivers/support/core_checks.hpp).
inline hearth::testing::host_options host_checks() { return hearth::driver_test::core_host_checks(); }

}  // namespace esphome_test
