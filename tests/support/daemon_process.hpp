// hearthd as a child process for one test: a config JSON written into the test's temp dir (MQTT
// url of the test broker, database in the temp dir, the build's plugin dir, the demo driver with a
// short tick), started as a child_process (fork + PDEATHSIG + exec, stdout/stderr appended to
// hearthd.log). Can be stopped and started again with the same database (restart tests).
#pragma once

#include <hearth/testing/process.hpp>

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace hearth::test {

struct daemon_options {
    std::string mqtt_url;  ///< e.g. broker_process::url()
    int keepalive_s = 5;
    std::string client_id = "hearth-it";
    nlohmann::json mqtt_extra = nlohmann::json::object();  ///< merged into "mqtt" (tls, username, ...)
    nlohmann::json demo_config = {{"tick_ms", 100}};
    std::string log_level = "debug";                         ///< passed as --log-level
    nlohmann::json extra_drivers = nlohmann::json::array();  ///< appended after the demo driver
    nlohmann::json config_extra = nlohmann::json::object();  ///< merged into the top level (e.g. "locks")
};

class daemon_process {
public:
    daemon_process(std::filesystem::path dir, daemon_options options);
    daemon_process(const daemon_process&) = delete;
    daemon_process& operator=(const daemon_process&) = delete;

    /// Writes the config (again) and starts hearthd. Does not wait for anything.
    void start();

    /// SIGTERM; waits up to `grace` (then SIGKILL). `elapsed` tells how long the exit took.
    testing::exit_info stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

    /// SIGKILL: no clean disconnect, so the broker publishes the last will.
    void kill_hard();

    /// True while the process runs (reaps it if it has exited).
    bool running() { return child_.running(); }

    [[nodiscard]] pid_t pid() const { return child_.pid(); }
    [[nodiscard]] daemon_options& options() { return options_; }
    [[nodiscard]] std::filesystem::path config_path() const { return dir_ / "hearth.json"; }
    [[nodiscard]] std::filesystem::path database_path() const { return dir_ / "db" / "hearth.db"; }
    [[nodiscard]] std::filesystem::path log_path() const { return dir_ / "hearthd.log"; }
    [[nodiscard]] std::string log() const { return testing::read_file(log_path()); }
    /// What the last exit looked like (after stop(), kill_hard() or running() == false).
    [[nodiscard]] const testing::exit_info& last_exit() const { return child_.last_exit(); }

    /// The config JSON that start() writes.
    [[nodiscard]] nlohmann::json config_json() const;

private:
    std::filesystem::path dir_;
    daemon_options options_;
    testing::child_process child_;  ///< its argv is set again by each start() (the options may change)
};

}  // namespace hearth::test
