// hearthd as a child process (see daemon_process.hpp).
#include "support/daemon_process.hpp"

#include <signal.h>

#include <stdexcept>

#ifndef HEARTHD_PATH
#error "HEARTHD_PATH must name the hearthd binary under test"
#endif
#ifndef HEARTH_PLUGIN_DIR
#error "HEARTH_PLUGIN_DIR must name the build's plugin directory"
#endif

namespace hearth::test {

using namespace hearth::testing;  // the installed test kit: temp dirs, ports, processes

using json = nlohmann::json;

daemon_process::daemon_process(std::filesystem::path dir, daemon_options options)
    : dir_(std::move(dir)), options_(std::move(options)), child_({HEARTHD_PATH}, log_path()) {}

json daemon_process::config_json() const {
    json mqtt = {{"url", options_.mqtt_url},
                 {"client_id", options_.client_id},
                 {"base_topic", "hearth"},
                 {"discovery_prefix", "homeassistant"},
                 {"keepalive_s", options_.keepalive_s}};
    mqtt.update(options_.mqtt_extra);
    json drivers = json::array({{{"plugin", "demo"}, {"id", "demo"}, {"config", options_.demo_config}}});
    for (const auto& d : options_.extra_drivers) drivers.push_back(d);
    json cfg = json{{"mqtt", mqtt},
                    {"database", {{"path", database_path().string()}, {"commit_interval_ms", 100}}},
                    {"plugins", {{"dir", HEARTH_PLUGIN_DIR}}},
                    {"drivers", drivers},
                    {"scenes", {{"dir", (dir_ / "scenes").string()}}},
                    {"log", {{"level", options_.log_level}}}};
    cfg.update(options_.config_extra);
    return cfg;
}

void daemon_process::start() {
    if (child_.pid() > 0) throw std::logic_error("hearthd is already running");
    std::filesystem::create_directories(dir_ / "db");
    std::filesystem::create_directories(dir_ / "scenes");
    write_file(config_path(), config_json().dump(2));
    child_.argv() = {HEARTHD_PATH, "--config", config_path().string(), "--log-level", options_.log_level};
    child_.start();
}

exit_info daemon_process::stop(std::chrono::milliseconds grace) { return child_.stop(SIGTERM, grace); }

void daemon_process::kill_hard() { child_.stop(SIGKILL, std::chrono::seconds(5)); }

}  // namespace hearth::test
