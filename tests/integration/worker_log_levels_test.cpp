// Log levels in driver worker processes: hearthd hands its per-subsystem levels to every
// hearth-driver-host it starts (`--log-level`, docs/isolation.md), so `driver=warn` silences an
// isolated driver's info lines as it does in-process ones, and `warn,driver=info` keeps them.
#include "support/hearth_fixture.hpp"

#include <chrono>
#include <string>

using namespace std::chrono_literals;
using json = nlohmann::json;

namespace hearth::test {
namespace {

/// The light of the second demo instance, the one that runs in a worker process.
const std::string worker_light = "w_living_light";

class worker_log_levels : public hearth_test {
protected:
    /// hearthd at `spec` with a second demo instance (one light) in a worker process; returns
    /// hearthd's log (the worker writes to the same stderr) once that light is online, so every
    /// line the worker logs while creating its driver is in it.
    std::string log_once_the_worker_light_is_online(const std::string& spec) {
        start_broker();
        auto probe = make_probe({availability_topic(worker_light)});
        auto options = default_daemon_options();
        options.log_level = spec;
        options.extra_drivers =
            json::array({{{"plugin", "demo"},
                          {"id", "worker_demo"},
                          {"isolation", "process"},
                          {"config", {{"tick_ms", 100}, {"id_prefix", "w_"}, {"devices", json::array({"light"})}}}}});
        auto& daemon = start_daemon(options);
        const auto online = probe->wait_message(
            [](const received& m) {
                const json j = m.as_json();
                return m.topic == availability_topic(worker_light) && j.is_object() &&
                       j.value("state", std::string()) == "online";
            },
            20s);
        EXPECT_TRUE(online.has_value()) << "the worker's light never came online";
        return daemon.log();
    }
};

// The demo driver logs "demo instance ... simulating" at info when it is created; in the worker
// that line goes through the worker's driver logger, marked with the worker's id and pid.
constexpr const char* worker_marker = "[driver worker_demo pid ";
constexpr const char* demo_line = "demo instance worker_demo simulating";

TEST_F(worker_log_levels, driver_warn_silences_the_worker_drivers_info_lines) {
    const std::string log = log_once_the_worker_light_is_online("info,driver=warn");
    // hearthd itself is at info (its plugin logger says the worker started) ...
    EXPECT_NE(log.find("driver 'worker_demo': worker pid"), std::string::npos) << log;
    // ... the worker's driver logger is at warn: no info line of the plugin.
    EXPECT_EQ(log.find(demo_line), std::string::npos) << log;
}

TEST_F(worker_log_levels, driver_info_under_warn_keeps_the_worker_drivers_info_lines) {
    const std::string log = log_once_the_worker_light_is_online("warn,driver=info");
    const auto line = log.find(demo_line);
    ASSERT_NE(line, std::string::npos) << log;
    // written by the worker (its marker on the same line), not by the in-process instance
    const auto start = log.rfind('\n', line);
    EXPECT_NE(log.substr(start == std::string::npos ? 0 : start, line - start).find(worker_marker), std::string::npos)
        << log;
    // hearthd's own info lines stay off (its plugin logger is at warn)
    EXPECT_EQ(log.find("driver 'worker_demo': worker pid"), std::string::npos) << log;
}

}  // namespace
}  // namespace hearth::test
