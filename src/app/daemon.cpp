// hearthd's wiring and lifecycle (see daemon.hpp).
#include "app/daemon.hpp"

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "app/lock_requests.hpp"
#include "app/lock_store_sqlite.hpp"
#include "app/web_service.hpp"
#include "app/lock_warnings.hpp"
#include "app/persistence.hpp"
#include "app/proactive_service.hpp"
#include "app/rules_service.hpp"
#include "app/service_notifier.hpp"
#include "app/uplink_service.hpp"
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

namespace {

/// The start line, and a hint when no driver is configured.
void log_start(const config& cfg) {
    log::app().info("hearthd starting: config {}, {} drivers", cfg.source, cfg.drivers.size());
    if (cfg.drivers.empty()) {
        log::app().warn(
            "no drivers configured, so there are no devices: add one to \"drivers\" in {} "
            "(docs/operations.md, \"Add your first driver\")",
            cfg.source);
    }
}

/// What this kernel offers the driver sandbox, once, in the log (docs/security.md).
void log_sandbox_support(const config& cfg, const sandbox::kernel_support& kernel) {
    if (cfg.sandbox == "off") {
        log::sandbox().warn("driver sandbox is off: workers run with hearthd's user and view of the filesystem");
        return;
    }
    log::sandbox().info("driver sandbox {}: {}", cfg.sandbox, kernel.summary());
    const std::string missing = kernel.missing();
    if (!missing.empty()) {
        log::sandbox().log(cfg.sandbox == "required" ? spdlog::level::err : spdlog::level::warn,
                           "driver sandbox: missing on this kernel: {}{}", missing,
                           cfg.sandbox == "required" ? "; \"sandbox\": \"required\": no driver will be started" : "");
    }
}

/// The driver_factory of gateway::start_drivers: a worker process (process_driver) for a driver
/// with isolation "process", the plugin loaded here (once per plugin) for an in-process one.
class driver_links {
public:
    /// `sandbox_missing`: the sandbox layers this kernel lacks (kernel_support::missing()).
    driver_links(asio::io_context& loop, const clock_source& clock, const config& cfg, std::string sandbox_missing)
        : loop_(loop),
          clock_(clock),
          cfg_(cfg),
          sandbox_missing_(std::move(sandbox_missing)),
          limits_{std::chrono::milliseconds(cfg.plugins.call_timeout_ms), cfg.plugins.max_failures},
          driver_host_(find_driver_host()),
          plugin_dirs_(plugin_search_dirs(cfg.plugins.dir)) {}

    /// The link of driver `dc`, or nullptr with `error` set.
    std::unique_ptr<driver_link> make(const driver_config& dc, driver_events& events, std::string& error) {
        // Plugin files are trusted code: refuse what someone else could have written.
        if (const auto why = sandbox::check_plugin_trust(plugin_path(dc), ::geteuid(), ::getegid()); !why.empty()) {
            error = "refused to load: " + why;
            return nullptr;
        }
        if (dc.isolation == isolation_mode::process) return make_worker(dc, events, error);
        return make_inproc(dc, events, error);
    }

private:
    [[nodiscard]] std::filesystem::path plugin_path(const driver_config& dc) const {
        return find_plugin(plugin_dirs_, dc.plugin);
    }

    /// The plugin is loaded in the worker only, never here.
    std::unique_ptr<driver_link> make_worker(const driver_config& dc, driver_events& events, std::string& error) const {
        if (cfg_.sandbox == "required" && !sandbox_missing_.empty()) {
            error = "\"sandbox\": \"required\" but this kernel lacks: " + sandbox_missing_;
            return nullptr;
        }
        return std::make_unique<process_driver>(loop_, dc, worker_options(dc), events);
    }

    [[nodiscard]] process_options worker_options(const driver_config& dc) const {
        process_options o;
        o.sandbox_mode = cfg_.sandbox;
        const auto index = std::find_if(cfg_.drivers.begin(), cfg_.drivers.end(),
                                        [&](const driver_config& d) { return d.id == dc.id; }) -
                           cfg_.drivers.begin();
        o.worker_uid = cfg_.plugins.worker_uid_base + index;
        o.host_path = driver_host_;
        o.plugin_path = plugin_path(dc).string();
        o.limits = process_limits{dc.limits.memory_mb, dc.limits.cpu_s, dc.limits.open_files};
        o.call_timeout = limits_.call_timeout;
        o.max_failures = limits_.max_failures;
        o.heartbeat_timeout = std::chrono::milliseconds(cfg_.plugins.heartbeat_timeout_ms);
        o.max_restarts = cfg_.plugins.max_restarts;
        o.crash_window = std::chrono::seconds(cfg_.plugins.crash_window_s);
        return o;
    }

    std::unique_ptr<driver_link> make_inproc(const driver_config& dc, driver_events& events, std::string& error) {
        auto it = modules_.find(dc.plugin);
        if (it == modules_.end()) {
            auto loaded = load_plugin(plugin_path(dc), dc.plugin);
            if (!loaded) {
                error = loaded.error();
                return nullptr;
            }
            it = modules_.emplace(dc.plugin, *loaded).first;
        }
        return std::make_unique<inproc_driver>(loop_, it->second, dc, events, clock_, limits_);
    }

    asio::io_context& loop_;
    const clock_source& clock_;
    const config& cfg_;
    std::string sandbox_missing_;
    driver_limits limits_;
    std::string driver_host_;
    std::vector<std::string> plugin_dirs_;
    std::map<std::string, std::shared_ptr<const plugin_module>> modules_;  ///< in-process plugins by name
};

/// The store, or nullptr (logged) when the database cannot be used.
std::unique_ptr<persistence> open_store(asio::io_context& loop, const clock_source& clock, const config& cfg) {
    try {
        return std::make_unique<persistence>(loop, clock, cfg.database, cfg.energy);
    } catch (const std::exception& e) {
        log::store().critical("database {} cannot be used: {}", cfg.database.path, e.what());
        return nullptr;
    }
}

/// The lock gate: PIN warnings, the policy, the wrong-code counters and lockouts in the database
/// (they survive restarts). False (logged) when the counters cannot be read.
bool set_up_locks(const config& cfg, gateway& gw, lock_store_sqlite& lock_db) {
    for (const auto& w : lock_pin_warnings(cfg)) log::lock().warn("{}", w);
    gw.set_lock_policy(lock_policy(cfg.locks));
    try {
        gw.locks().set_store(&lock_db);
    } catch (const std::exception& e) {
        log::store().critical("database {}: the lock counters cannot be read: {}", cfg.database.path, e.what());
        return false;
    }
    return true;
}

/// The store behind the gateway: every audit row (lock attempts, outcomes, refusals) through
/// store::append_audit, the last known state restored (nothing runs on an empty registry), then
/// every change persisted.
void attach_store(gateway& gw, persistence& persist) {
    gw.set_audit_sink([&persist](const audit_entry& e) {
        persist.db().append_audit({0, e.ts, e.actor, e.source, e.action, e.target, e.result, e.detail});
    });
    persist.restore_into(gw);
    gw.add_observer(&persist);
}

/// The services on the gateway and the store (MQTT bridge, lock supervisor, rules), wired in
/// the order they depend on each other, and the daemon's loop around them: signals, systemd
/// notification, the orderly stop.
class services {
public:
    services(asio::io_context& loop, const clock_source& clock, const config& cfg, gateway& gw, persistence& persist,
             lock_store_sqlite& lock_db)
        : loop_(loop),
          cfg_(cfg),
          gw_(gw),
          persist_(persist),
          bridge_(loop, gw, cfg, bridge_options()),
          locks_(loop, gw, &lock_db),
          rules_(loop, clock, gw, persist.db(), cfg),
          proactive_(loop, clock, cfg, gw, persist, rules_),
          uplink_(loop, clock, cfg, gw, persist.db(), bridge_),
          web_(loop, cfg, gw, bridge_, persist.db()),
          notifier_(loop),
          test_hook_(loop),
          stop_signals_(loop, SIGINT, SIGTERM),
          hangup_(loop, SIGHUP),
          status_timer_(loop) {
        wire();
        arm_test_hook_if_enabled();
        stop_signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
            if (!ec) stop(signo);
        });
        arm_hangup();
    }

    /// Starts MQTT and the drivers, runs the loop until SIGINT/SIGTERM, then detaches the services.
    void run(const driver_factory& factory) {
        bridge_.start();
        uplink_.start();
        gw_.start_drivers(cfg_.drivers, factory);
        // READY after the state restore and the first MQTT connection attempt (see hearthd.service).
        notifier_.ready(status_line());
        notifier_.start_watchdog([] { return true; });
        arm_status();
        loop_.run();
        web_.stop();
        proactive_.stop();
        rules_.stop();
        gw_.remove_observer(&uplink_);
        gw_.remove_observer(&proactive_);
        gw_.remove_observer(&rules_);
        gw_.remove_observer(&locks_);
        gw_.remove_observer(&bridge_);
        gw_.remove_observer(&persist_);
        persist_.stop();
    }

private:
    /// The bridge's view of the store and the rules: health, discovery hashes.
    mqtt::bridge_options bridge_options() {
        mqtt::bridge_options o;
        o.version = HEARTH_VERSION;
        o.extra_health = [this] { return health(); };
        o.load_discovery_hash = [this](const std::string& id) { return persist_.db().discovery_hash(id); };
        o.save_discovery_hash = [this](const std::string& id, const std::string& hash) {
            try {
                persist_.db().set_discovery_hash(id, hash);
            } catch (const std::exception& e) {
                log::store().warn("database: cannot store the discovery hash of '{}': {}", id, e.what());
            }
        };
        return o;
    }

    /// The health request's parts beyond the bridge's own: storage, locks, refresh, rules.
    nlohmann::json health() {
        auto health = persist_.health();
        const auto& lh = gw_.lock_health();
        health["locks"] = {{"audit_ok", lh.last_audit_error.empty()},
                           {"audit_failures", lh.audit_failures},
                           {"refused_unaudited", lh.refused_unaudited},
                           {"unaudited_locks", lh.unaudited_locks}};
        if (!lh.last_audit_error.empty()) health["locks"]["last_audit_error"] = lh.last_audit_error;
        health["refresh"] = {
            {"requested", lh.refresh_requested}, {"sent", lh.refresh_sent}, {"coalesced", lh.refresh_coalesced}};
        if (rules_running_) health.update(rules_.health());
        health["proactive"] = proactive_.health();
        health["uplink"] = uplink_.health();
        return health;
    }

    void wire() {
        gw_.add_observer(&bridge_);
        locks_.restore();  // pending auto-relocks and alarms from before a restart
        gw_.add_observer(&locks_);
        install_lock_requests(bridge_, gw_, locks_);
        persist_.start(&bridge_);
        // Rules: bridge requests and pending timers now; scene files load and rules start running
        // on on_drivers_ready(), when the registry holds every restored and registered device.
        rules_.start(&bridge_);
        gw_.add_observer(&rules_);
        rules_running_ = true;
        proactive_.start(&bridge_);  // suggestions and the care alert (docs/proactive.md)
        gw_.add_observer(&proactive_);
        gw_.add_observer(&uplink_);  // what leaves the home (docs/community.md)
        web_.start();                // account requests; the console with web.enabled (docs/web-console.md)
    }

    [[nodiscard]] std::string status_line() const {
        std::size_t online = 0;
        for (const auto& [id, d] : gw_.registry().all()) online += d.online ? 1 : 0;
        return std::to_string(gw_.registry().size()) + " devices (" + std::to_string(online) + " online), MQTT " +
               (bridge_.link().connected ? "connected" : "disconnected");
    }

    /// Test hook (tests only, never in production): with HEARTH_TEST_HOOKS=1, SIGUSR2 blocks the
    /// loop for 1.5 s, to prove that a hung loop stops feeding the systemd watchdog.
    void arm_test_hook_if_enabled() {
        const char* hooks = std::getenv("HEARTH_TEST_HOOKS");  // NOLINT(concurrency-mt-unsafe): nothing calls setenv
        if (hooks == nullptr || std::string(hooks) != "1") return;
        log::app().warn("HEARTH_TEST_HOOKS=1: test hooks enabled");
        test_hook_.add(SIGUSR2);
        arm_test_hook();
    }

    void arm_test_hook() {
        test_hook_.async_wait([this](const boost::system::error_code& ec, int) {
            if (ec) return;
            log::app().warn("test hook: blocking the event loop for 1500 ms");
            std::this_thread::sleep_for(std::chrono::milliseconds(1500));
            arm_test_hook();
        });
    }

    /// Shutdown budget (4.5 s in all): drivers first (their last reports still reach MQTT), then
    /// the bridge publishes bridge/state offline and flushes, then the store flushes and closes.
    void stop(int signo) {
        log::app().info("signal {} received: shutting down", signo);
        notifier_.stopping();
        gw_.stop(std::chrono::milliseconds(1500));
        loop_.poll();       // deliver what the drivers reported while stopping
        web_.stop();        // no new commands from browsers
        proactive_.stop();  // joins its worker before the store closes
        rules_.stop();      // before the store closes: records when rules last ran (catch-up)
        uplink_.stop(std::chrono::milliseconds(500));  // the outbox keeps what is not delivered
        bridge_.stop(std::chrono::milliseconds(3000));
        persist_.stop();
        loop_.stop();
    }

    /// SIGHUP reloads the scene files; a bad file must never end the daemon.
    void arm_hangup() {
        hangup_.async_wait([this](const boost::system::error_code& ec, int) {
            if (ec) return;
            log::app().info("SIGHUP: reloading scene files");
            try {
                rules_.reload();
            } catch (const std::exception& e) {
                log::app().error("SIGHUP: scene reload failed, running rules unchanged: {}", e.what());
            }
            arm_hangup();
        });
    }

    /// systemd's STATUS= line every 10 s.
    void arm_status() {
        status_timer_.expires_after(std::chrono::seconds(10));
        status_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (ec) return;
            notifier_.status(status_line());
            arm_status();
        });
    }

    asio::io_context& loop_;
    const config& cfg_;
    gateway& gw_;
    persistence& persist_;
    bool rules_running_ = false;  ///< the health request includes the rules' part from then on
    mqtt::bridge bridge_;
    lock_supervisor locks_;
    rules_service rules_;
    proactive_service proactive_;
    uplink_service uplink_;
    web_service web_;
    service_notifier notifier_;
    asio::signal_set test_hook_;
    asio::signal_set stop_signals_;
    asio::signal_set hangup_;
    asio::steady_timer status_timer_;
};

}  // namespace

int run_daemon(const config& cfg) {
    log_start(cfg);
    asio::io_context loop(1);
    system_clock_source clock;
    gateway gw(loop, clock, gateway::options{});
    const auto kernel = sandbox::probe_kernel();
    log_sandbox_support(cfg, kernel);
    driver_links links(loop, clock, cfg, kernel.missing());

    const auto persist = open_store(loop, clock, cfg);
    if (!persist) return 1;
    lock_store_sqlite lock_db(persist->db());
    if (!set_up_locks(cfg, gw, lock_db)) return 1;
    attach_store(gw, *persist);

    services running(loop, clock, cfg, gw, *persist, lock_db);
    running.run([&links](const driver_config& dc, driver_events& events, std::string& error) {
        return links.make(dc, events, error);
    });
    log::app().info("hearthd stopped");
    return 0;
}

}  // namespace hearth
