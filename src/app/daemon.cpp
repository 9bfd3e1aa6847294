// hearthd's wiring and lifecycle (see daemon.hpp).
#include "app/daemon.hpp"

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "app/persistence.hpp"
#include "core/gateway.hpp"
#include "mqtt/bridge.hpp"
#include "plugin/inproc_driver.hpp"
#include "plugin/plugin_module.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>

namespace hearth {

namespace asio = boost::asio;

std::vector<config_error> check_runtime_files(const config& cfg) {
    std::vector<config_error> errors;
    for (std::size_t i = 0; i < cfg.drivers.size(); ++i) {
        const auto& d = cfg.drivers[i];
        if (!d.enabled) continue;
        const auto path = plugin_path(cfg.plugins.dir, d.plugin);
        if (!std::filesystem::exists(path)) {
            errors.push_back({cfg.source, "/drivers/" + std::to_string(i) + "/plugin",
                              "plugin '" + d.plugin + "' not found at " + path.string()});
        }
    }
    return errors;
}

int run_daemon(const config& cfg) {
    spdlog::info("hearthd starting: config {}, {} drivers", cfg.source, cfg.drivers.size());
    asio::io_context loop(1);
    system_clock_source clock;
    gateway::options gopts;
    gateway gw(loop, clock, gopts);

    std::map<std::string, std::shared_ptr<const plugin_module>> modules;
    const driver_limits limits{std::chrono::milliseconds(cfg.plugins.call_timeout_ms), cfg.plugins.max_failures};
    auto factory = [&](const driver_config& dc, driver_events& events, std::string& error) -> std::unique_ptr<driver_link> {
        auto it = modules.find(dc.plugin);
        if (it == modules.end()) {
            auto loaded = load_plugin(plugin_path(cfg.plugins.dir, dc.plugin), dc.plugin);
            if (!loaded.value) {
                error = loaded.error;
                return nullptr;
            }
            it = modules.emplace(dc.plugin, loaded.value).first;
        }
        return std::make_unique<inproc_driver>(loop, it->second, dc, events, clock, limits);
    };

    std::unique_ptr<persistence> persist;
    try {
        persist = std::make_unique<persistence>(loop, clock, cfg.database);
    } catch (const std::exception& e) {
        spdlog::critical("database {} cannot be used: {}", cfg.database.path, e.what());
        return 1;
    }
    persist->restore_into(gw);  // last known state first: nothing runs on an empty registry
    gw.add_observer(persist.get());

    mqtt::bridge_options bopts;
    bopts.version = HEARTH_VERSION;
    bopts.extra_health = [&] { return persist->health(); };
    bopts.load_discovery_hash = [&](const std::string& id) { return persist->db().discovery_hash(id); };
    bopts.save_discovery_hash = [&](const std::string& id, const std::string& hash) {
        try {
            persist->db().set_discovery_hash(id, hash);
        } catch (const std::exception& e) {
            spdlog::warn("database: cannot store the discovery hash of '{}': {}", id, e.what());
        }
    };
    mqtt::bridge mqtt_bridge(loop, gw, cfg, bopts);
    gw.add_observer(&mqtt_bridge);
    persist->start(&mqtt_bridge);

    // Shutdown budget (3 s in all): drivers first (their last reports still reach MQTT), then the
    // bridge publishes bridge/state offline and flushes.
    asio::signal_set signals(loop, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        spdlog::info("signal {} received: shutting down", signo);
        gw.stop(std::chrono::milliseconds(1500));
        loop.poll();  // deliver what the drivers reported while stopping
        mqtt_bridge.stop(std::chrono::milliseconds(1000));
        persist->stop();
        loop.stop();
    });

    mqtt_bridge.start();
    gw.start_drivers(cfg.drivers, factory);
    loop.run();
    gw.remove_observer(&mqtt_bridge);
    gw.remove_observer(persist.get());
    persist->stop();
    spdlog::info("hearthd stopped");
    return 0;
}

}  // namespace hearth
