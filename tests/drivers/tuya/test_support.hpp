// Support code of the tuya driver tests, on the installed test kit hearth::testing (fake host,
// driver_instance) and hearth_test_support (control_simulator): tuya_sim on a free loopback TCP
// port with its JSON-lines control port (fault injection, forced DPS, status), the host's checks
// (the core's descriptor and value validators, no host timers) and the local-key canary.
#pragma once

#include "core_checks.hpp"  // the core's own descriptor and value checks
#include <hearth/plugin.h>
#include <hearth/testing/driver_instance.hpp>
#include <hearth/testing/fake_host.hpp>
#include <hearth/testing/ports.hpp>

#include "support/sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

#ifndef HEARTH_SIMULATOR_PATH
#error "HEARTH_SIMULATOR_PATH must be the path of the built tuya_sim"
#endif

namespace tuya_test {

using json = nlohmann::json;
using namespace std::chrono_literals;

/// The local key of every simulator: a canary that must never show up in anything the driver says.
inline constexpr const char* k_key = "Kc4n4ry-L0calKey";
inline constexpr const char* k_device = "bf0a1b2c3d4e5f6a7b8c9d";

using hearth::testing::driver_instance;
using hearth::testing::fake_host;
using hearth::testing::host_record;

/// tuya_sim as a child process on free loopback ports (device port and control port): the
/// canary key, `version`, `kind`, the test device id, verbose, then `extra`.
class simulator : public hearth::test::control_simulator {
public:
    simulator(const std::string& version, const std::string& kind, const std::vector<std::string>& extra = {})
        : control_simulator(HEARTH_SIMULATOR_PATH, args(version, kind, extra)) {}

    /// The device's data points (the status answer's "dps").
    json dps() const { return status()["dps"]; }

private:
    static std::vector<std::string> args(const std::string& version, const std::string& kind,
                                         const std::vector<std::string>& extra) {
        std::vector<std::string> a = {"--key", k_key,  "--version", version,    "--kind",
                                      kind,    "--id", k_device,    "--verbose"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
};

/// The core's descriptor and value checks, no host timers (tests/drivers/support/core_checks.hpp).
inline hearth::testing::host_options host_checks() { return hearth::driver_test::core_host_checks(); }

}  // namespace tuya_test
