// hearthd's wiring and lifecycle (see daemon.hpp).
#include "app/daemon.hpp"

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "app/lock_requests.hpp"
#include "app/lock_store_sqlite.hpp"
#include "app/lock_warnings.hpp"
#include "app/persistence.hpp"
#include "app/rules_service.hpp"
#include "app/service_notifier.hpp"
#include "core/gateway.hpp"
#include "core/lock_supervisor.hpp"
#include "core/plugin_dirs.hpp"
#include "mqtt/bridge.hpp"
#include "plugin/inproc_driver.hpp"
#include "plugin/plugin_module.hpp"
#include "plugin/process_driver.hpp"
#include "sandbox/plugin_file.hpp"
#include "sandbox/grants.hpp"
#include "sandbox/sandbox.hpp"
#include "log/log.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>

#include <unistd.h>

namespace hearth {

namespace asio = boost::asio;

located_errors check_runtime_files(const config& cfg) {
    located_errors errors;
    const std::string driver_host = find_driver_host();
    const auto plugin_dirs = plugin_search_dirs(cfg.plugins.dir);
    for (std::size_t i = 0; i < cfg.drivers.size(); ++i) {
        const auto& d = cfg.drivers[i];
        if (!d.enabled) continue;
        if (d.isolation == isolation_mode::process && ::access(driver_host.c_str(), X_OK) != 0) {
            errors.push_back({cfg.source, "/drivers/" + std::to_string(i) + "/isolation",
                              "the driver host " + driver_host + " is not installed or not executable"});
        }
        const auto path = find_plugin(plugin_dirs, d.plugin);
        if (!std::filesystem::exists(path)) {
            errors.push_back({cfg.source, "/drivers/" + std::to_string(i) + "/plugin",
                              "plugin '" + d.plugin + "' not found (" + d.plugin + ".so in " +
                                  describe_plugin_dirs(plugin_dirs) + ")"});
        } else if (const auto why = sandbox::check_plugin_trust(path, ::geteuid(), ::getegid()); !why.empty()) {
            errors.push_back({cfg.source, "/drivers/" + std::to_string(i) + "/plugin", "refused: " + why});
        }
        if (d.isolation == isolation_mode::process) {
            for (const auto& why : sandbox::check_narrowing(d.sandbox)) {
                errors.push_back({cfg.source, "/drivers/" + std::to_string(i) + "/sandbox", why});
            }
        }
    }
    return errors;
}

int run_daemon(const config& cfg) {
    log::app().info("hearthd starting: config {}, {} drivers", cfg.source, cfg.drivers.size());
    if (cfg.drivers.empty()) {
        log::app().warn(
            "no drivers configured, so there are no devices: add one to \"drivers\" in {} "
            "(docs/operations.md, \"Add your first driver\")",
            cfg.source);
    }
    asio::io_context loop(1);
    system_clock_source clock;
    gateway::options gopts;
    gateway gw(loop, clock, gopts);

    std::map<std::string, std::shared_ptr<const plugin_module>> modules;
    const driver_limits limits{std::chrono::milliseconds(cfg.plugins.call_timeout_ms), cfg.plugins.max_failures};
    const std::string driver_host = find_driver_host();
    const auto plugin_dirs = plugin_search_dirs(cfg.plugins.dir);
    // The driver sandbox: what this kernel offers, once, in the log (docs/security.md).
    const auto kernel = sandbox::probe_kernel();
    const std::string sandbox_missing = kernel.missing();
    if (cfg.sandbox == "off") {
        log::sandbox().warn("driver sandbox is off: workers run with hearthd's user and view of the filesystem");
    } else {
        log::sandbox().info("driver sandbox {}: {}", cfg.sandbox, kernel.summary());
        if (!sandbox_missing.empty()) {
            log::sandbox().log(
                cfg.sandbox == "required" ? spdlog::level::err : spdlog::level::warn,
                "driver sandbox: missing on this kernel: {}{}", sandbox_missing,
                cfg.sandbox == "required" ? "; \"sandbox\": \"required\": no driver will be started" : "");
        }
    }
    auto factory = [&](const driver_config& dc, driver_events& events,
                       std::string& error) -> std::unique_ptr<driver_link> {
        // Plugin files are trusted code: refuse what someone else could have written.
        if (const auto why = sandbox::check_plugin_trust(find_plugin(plugin_dirs, dc.plugin), ::geteuid(), ::getegid());
            !why.empty()) {
            error = "refused to load: " + why;
            return nullptr;
        }
        if (dc.isolation == isolation_mode::process) {  // the plugin is loaded in the worker only, never here
            if (cfg.sandbox == "required" && !sandbox_missing.empty()) {
                error = "\"sandbox\": \"required\" but this kernel lacks: " + sandbox_missing;
                return nullptr;
            }
            process_options o;
            o.sandbox_mode = cfg.sandbox;
            const auto index = std::find_if(cfg.drivers.begin(), cfg.drivers.end(),
                                            [&](const driver_config& d) { return d.id == dc.id; }) -
                               cfg.drivers.begin();
            o.worker_uid = cfg.plugins.worker_uid_base + index;
            o.host_path = driver_host;
            o.plugin_path = find_plugin(plugin_dirs, dc.plugin).string();
            o.limits = process_limits{dc.limits.memory_mb, dc.limits.cpu_s, dc.limits.open_files};
            o.call_timeout = limits.call_timeout;
            o.max_failures = limits.max_failures;
            o.heartbeat_timeout = std::chrono::milliseconds(cfg.plugins.heartbeat_timeout_ms);
            o.max_restarts = cfg.plugins.max_restarts;
            o.crash_window = std::chrono::seconds(cfg.plugins.crash_window_s);
            return std::make_unique<process_driver>(loop, dc, std::move(o), events);
        }
        auto it = modules.find(dc.plugin);
        if (it == modules.end()) {
            auto loaded = load_plugin(find_plugin(plugin_dirs, dc.plugin), dc.plugin);
            if (!loaded) {
                error = loaded.error();
                return nullptr;
            }
            it = modules.emplace(dc.plugin, *loaded).first;
        }
        return std::make_unique<inproc_driver>(loop, it->second, dc, events, clock, limits);
    };

    std::unique_ptr<persistence> persist;
    try {
        persist = std::make_unique<persistence>(loop, clock, cfg.database);
    } catch (const std::exception& e) {
        log::store().critical("database {} cannot be used: {}", cfg.database.path, e.what());
        return 1;
    }
    for (const auto& w : lock_pin_warnings(cfg)) log::lock().warn("{}", w);
    gw.set_lock_policy(lock_policy(cfg.locks));
    lock_store_sqlite lock_db(persist->db());
    try {
        gw.locks().set_store(&lock_db);  // wrong-code counters and lockouts survive restarts
    } catch (const std::exception& e) {
        log::store().critical("database {}: the lock counters cannot be read: {}", cfg.database.path, e.what());
        return 1;
    }
    // Every audit row (lock attempts, outcomes, refusals) goes through store::append_audit.
    gw.set_audit_sink([&](const audit_entry& e) {
        persist->db().append_audit({0, e.ts, e.actor, e.source, e.action, e.target, e.result, e.detail});
    });
    persist->restore_into(gw);  // last known state first: nothing runs on an empty registry
    gw.add_observer(persist.get());

    rules_service* rules_ptr = nullptr;  // set below, once the bridge exists
    mqtt::bridge_options bopts;
    bopts.version = HEARTH_VERSION;
    bopts.extra_health = [&] {
        auto health = persist->health();
        const auto& lh = gw.lock_health();
        health["locks"] = {{"audit_ok", lh.last_audit_error.empty()},
                           {"audit_failures", lh.audit_failures},
                           {"refused_unaudited", lh.refused_unaudited},
                           {"unaudited_locks", lh.unaudited_locks}};
        if (!lh.last_audit_error.empty()) health["locks"]["last_audit_error"] = lh.last_audit_error;
        health["refresh"] = {
            {"requested", lh.refresh_requested}, {"sent", lh.refresh_sent}, {"coalesced", lh.refresh_coalesced}};
        if (rules_ptr != nullptr) health.update(rules_ptr->health());
        return health;
    };
    bopts.load_discovery_hash = [&](const std::string& id) { return persist->db().discovery_hash(id); };
    bopts.save_discovery_hash = [&](const std::string& id, const std::string& hash) {
        try {
            persist->db().set_discovery_hash(id, hash);
        } catch (const std::exception& e) {
            log::store().warn("database: cannot store the discovery hash of '{}': {}", id, e.what());
        }
    };
    mqtt::bridge mqtt_bridge(loop, gw, cfg, bopts);
    gw.add_observer(&mqtt_bridge);
    lock_supervisor locks(loop, gw, &lock_db);
    locks.restore();  // pending auto-relocks and alarms from before a restart
    gw.add_observer(&locks);
    install_lock_requests(mqtt_bridge, gw, locks);
    persist->start(&mqtt_bridge);
    // Rules: bridge requests and pending timers now; scene files load and rules start running
    // on on_drivers_ready(), when the registry holds every restored and registered device.
    rules_service rules(loop, clock, gw, persist->db(), cfg);
    rules.start(&mqtt_bridge);
    gw.add_observer(&rules);
    rules_ptr = &rules;
    std::function<void()> reload_scenes = [&] { rules.reload(); };

    service_notifier notifier(loop);
    auto status_line = [&] {
        std::size_t online = 0;
        for (const auto& [id, d] : gw.registry().all()) online += d.online ? 1 : 0;
        return std::to_string(gw.registry().size()) + " devices (" + std::to_string(online) + " online), MQTT " +
               (mqtt_bridge.link().connected ? "connected" : "disconnected");
    };

    // Test hook (tests only, never in production): with HEARTH_TEST_HOOKS=1, SIGUSR2 blocks the loop
    // for 1.5 s, to prove that a hung loop stops feeding the systemd watchdog.
    asio::signal_set test_hook(loop);
    std::function<void()> arm_test_hook = [&] {
        test_hook.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec) return;
            log::app().warn("test hook: blocking the event loop for 1500 ms");
            std::this_thread::sleep_for(std::chrono::milliseconds(1500));
            arm_test_hook();
        });
    };
    // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing in hearthd calls setenv
    if (const char* hooks = std::getenv("HEARTH_TEST_HOOKS"); hooks != nullptr && std::string(hooks) == "1") {
        log::app().warn("HEARTH_TEST_HOOKS=1: test hooks enabled");
        test_hook.add(SIGUSR2);
        arm_test_hook();
    }

    // Shutdown budget (4.5 s in all): drivers first (their last reports still reach MQTT), then the
    // bridge publishes bridge/state offline and flushes, then the store flushes and closes.
    asio::signal_set signals(loop, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        log::app().info("signal {} received: shutting down", signo);
        notifier.stopping();
        gw.stop(std::chrono::milliseconds(1500));
        loop.poll();   // deliver what the drivers reported while stopping
        rules.stop();  // before the store closes: records when rules last ran (catch-up)
        mqtt_bridge.stop(std::chrono::milliseconds(3000));
        persist->stop();
        loop.stop();
    });
    asio::signal_set hangup(loop, SIGHUP);
    std::function<void()> on_hangup = [&] {
        hangup.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec) return;
            log::app().info("SIGHUP: reloading scene files");
            try {
                if (reload_scenes) reload_scenes();
            } catch (const std::exception& e) {  // a bad file must never end the daemon
                log::app().error("SIGHUP: scene reload failed, running rules unchanged: {}", e.what());
            }
            on_hangup();
        });
    };
    on_hangup();

    mqtt_bridge.start();
    gw.start_drivers(cfg.drivers, factory);
    // READY after the state restore and the first MQTT connection attempt (see hearthd.service).
    notifier.ready(status_line());
    notifier.start_watchdog([&] { return true; });
    asio::steady_timer status_timer(loop);
    std::function<void()> arm_status = [&] {
        status_timer.expires_after(std::chrono::seconds(10));
        status_timer.async_wait([&](const boost::system::error_code& ec) {
            if (ec) return;
            notifier.status(status_line());
            arm_status();
        });
    };
    arm_status();
    loop.run();
    rules.stop();
    gw.remove_observer(&rules);
    gw.remove_observer(&locks);
    gw.remove_observer(&mqtt_bridge);
    gw.remove_observer(persist.get());
    persist->stop();
    log::app().info("hearthd stopped");
    return 0;
}

}  // namespace hearth
