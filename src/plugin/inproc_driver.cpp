// In-process driver hosting (see inproc_driver.hpp) and the C host API table given to plugins.
#include "plugin/inproc_driver.hpp"

#include "core/driver_schema.hpp"
#include "core/json_input.hpp"
#include "log/log.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

namespace hearth {
struct host_services;
}

// The opaque context a plugin passes back to every host service.
struct hearth_host {
    hearth::inproc_driver::shared_state* state;
};

namespace hearth {

namespace asio = boost::asio;
using json = nlohmann::json;
using steady = std::chrono::steady_clock;

namespace {
constexpr std::size_t error_buffer_size = 512;
constexpr std::size_t max_log_line = 4096;
/// A descriptor, state or event report larger than this is refused (a camera snapshot event
/// carries up to 1 MiB of JPEG as base64, ~1.4 MB).
constexpr std::size_t max_report_bytes = std::size_t{2} << 20;

std::string from_c(hearth_str s) { return s.data != nullptr ? std::string(s.data, s.size) : std::string(); }
}  // namespace

struct inproc_driver::shared_state : std::enable_shared_from_this<inproc_driver::shared_state> {
    asio::io_context& loop;
    std::shared_ptr<const plugin_module> module;
    driver_config config;
    driver_events& events;
    const clock_source& clock;
    driver_limits limits;

    hearth_host host{this};
    asio::io_context ctx;  // the driver thread's context
    asio::executor_work_guard<asio::io_context::executor_type> work{ctx.get_executor()};
    std::thread thread;
    hearth_driver* instance = nullptr;  // driver thread only

    std::atomic<bool> open{true};               // reports accepted and calls allowed
    std::atomic<std::int64_t> call_started{0};  // steady ticks of the running call, 0 if none
    std::atomic<const char*> call_name{""};
    std::mutex loop_mutex;  // guards loop_alive against shutdown
    bool loop_alive = true;

    mutable std::mutex status_mutex;
    driver_status status;
    int consecutive_failures = 0;  // loop thread only

    std::mutex timer_mutex;
    std::uint64_t next_timer = 1;
    std::map<std::uint64_t, std::unique_ptr<asio::steady_timer>> timers;

    shared_state(asio::io_context& l, std::shared_ptr<const plugin_module> m, driver_config c, driver_events& e,
                 const clock_source& cl, driver_limits lim)
        : loop(l), module(std::move(m)), config(std::move(c)), events(e), clock(cl), limits(lim) {
        status.id = config.id;
        status.plugin = module->name;
        status.version = module->version;
    }

    const std::string& id() const { return config.id; }

    /// Posts `fn` to the core loop unless the core has closed the gate (shutdown).
    template <class F>
    void to_loop(F&& fn) {
        std::lock_guard lock(loop_mutex);
        // The posted handler keeps this state alive even if the driver object is gone by then.
        if (loop_alive) asio::post(loop, [keep = shared_from_this(), f = std::forward<F>(fn)]() mutable { f(); });
    }

    /// Runs one call into the plugin on the driver thread, visible to the watchdog.
    template <class F>
    auto tracked(const char* name, F&& fn) {
        call_name = name;
        call_started = steady::now().time_since_epoch().count();
        struct reset {
            std::atomic<std::int64_t>& started;
            ~reset() { started = 0; }
        } guard{call_started};
        {
            std::lock_guard lock(status_mutex);
            ++status.calls;
        }
        return fn();
    }

    void set_state(driver_state s) {
        std::lock_guard lock(status_mutex);
        status.state = s;
    }

    /// Driver thread: records an error; internal failures count towards quarantine on the loop.
    void record_error(const std::string& what, bool internal) {
        {
            std::lock_guard lock(status_mutex);
            ++status.errors;
            status.last_error = what;
        }
        if (internal) {
            to_loop([this, what] {
                if (++consecutive_failures >= limits.max_failures) {
                    quarantine("failed " + std::to_string(consecutive_failures) + " times in a row; last: " + what);
                }
            });
        }
    }
    void record_success() {
        to_loop([this] { consecutive_failures = 0; });
    }

    /// Loop thread: stops all traffic with the driver and tells the core, once.
    void quarantine(const std::string& reason) {
        if (!open.exchange(false)) return;
        {
            std::lock_guard lock(status_mutex);
            status.state = driver_state::quarantined;
            status.last_error = reason;
        }
        log::plugin().error("driver '{}' (plugin {}) quarantined: {}", id(), module->name, reason);
        events.on_failed(id(), reason);
        asio::post(ctx, [this] { shutdown_instance(); });
    }

    /// Driver thread: stop + destroy the instance if it exists, cancel timers.
    void shutdown_instance() {
        cancel_all_timers();
        if (instance == nullptr) return;
        hearth_driver* inst = std::exchange(instance, nullptr);
        try {
            tracked("stop", [&] { module->api.stop(inst); });
        } catch (...) {
            log::plugin().error("driver '{}': stop threw", id());
        }
        cancel_all_timers();
        try {
            tracked("destroy", [&] { module->api.destroy(inst); });
        } catch (...) {
            log::plugin().error("driver '{}': destroy threw", id());
        }
    }

    void cancel_all_timers() {
        std::lock_guard lock(timer_mutex);
        for (auto& [tid, t] : timers) t->cancel();
        timers.clear();
    }

    /// Driver thread: create + start.
    void run_start() {
        char error[error_buffer_size] = {0};
        // The plugin's own config schema (ABI v1.2) is checked before its code sees the config.
        if (const auto problems = check_driver_config(module->config_schema, config.config, {}, "/config");
            !problems.empty()) {
            std::string why = "invalid config:";
            for (const auto& p : problems) why += " " + p.pointer + ": " + p.reason + ";";
            why.pop_back();
            record_error(why, false);
            to_loop([this, why] { quarantine(why); });
            return;
        }
        const std::string cfg = config.config.dump();
        hearth_driver* inst = nullptr;
        try {
            inst = tracked("create", [&] {
                return module->api.create(&api_table(), &host, hearth_str{id().data(), id().size()},
                                          hearth_str{cfg.data(), cfg.size()}, error, sizeof error);
            });
        } catch (...) {
            std::snprintf(error, sizeof error, "create threw an exception");
        }
        if (inst == nullptr) {
            error[sizeof error - 1] = '\0';
            const std::string why = std::string("create failed: ") + (error[0] != 0 ? error : "no reason given");
            record_error(why, false);
            to_loop([this, why] { quarantine(why); });
            return;
        }
        instance = inst;
        int rc = HEARTH_ERR_INTERNAL;
        try {
            rc = tracked("start", [&] { return module->api.start(inst, error, sizeof error); });
        } catch (...) {
            std::snprintf(error, sizeof error, "start threw an exception");
        }
        if (rc != HEARTH_OK) {
            error[sizeof error - 1] = '\0';
            const std::string why = std::string("start failed: ") + (error[0] != 0 ? error : "no reason given");
            record_error(why, false);
            to_loop([this, why] { quarantine(why); });
            return;
        }
        set_state(driver_state::running);
    }

    /// Driver thread: one command.
    void run_command(std::uint64_t command_id, const std::string& device_id, const std::string& body) {
        if (instance == nullptr || !open) {
            to_loop([this, command_id] {
                events.on_command_done(id(), command_id, HEARTH_ERR_UNSUPPORTED, "driver is not running");
            });
            return;
        }
        char error[error_buffer_size] = {0};
        int rc = HEARTH_ERR_INTERNAL;
        try {
            rc = tracked("handle_command", [&] {
                return module->api.handle_command(instance, command_id, hearth_str{device_id.data(), device_id.size()},
                                                  hearth_str{body.data(), body.size()}, error, sizeof error);
            });
        } catch (...) {
            std::snprintf(error, sizeof error, "handle_command threw an exception");
        }
        error[sizeof error - 1] = '\0';
        if (rc == HEARTH_PENDING) return;
        std::string message = error;
        if (rc == HEARTH_ERR_INTERNAL) {
            if (message.empty()) message = "internal driver error";
            record_error(message, true);
        } else if (rc == HEARTH_OK) {
            record_success();
        } else if (rc < HEARTH_ERR_INTERNAL || rc > HEARTH_PENDING) {
            message = "driver returned an unknown status " + std::to_string(rc);
            record_error(message, true);
            rc = HEARTH_ERR_INTERNAL;
        }
        to_loop([this, command_id, rc, message] { events.on_command_done(id(), command_id, rc, message); });
    }

    static const hearth_host_api& api_table();
};

// ---- The C host API: every function may be called from any plugin thread. ----

struct host_services {
    using state = inproc_driver::shared_state;
    static state* of(hearth_host* h) { return h != nullptr ? h->state : nullptr; }

    static void log(hearth_host* h, int level, hearth_str message) {
        state* s = of(h);
        if (s == nullptr) return;
        std::string text = from_c(message);
        if (text.size() > max_log_line) text.resize(max_log_line);
        const auto lvl = level <= HEARTH_LOG_TRACE   ? spdlog::level::trace
                         : level == HEARTH_LOG_DEBUG ? spdlog::level::debug
                         : level == HEARTH_LOG_INFO  ? spdlog::level::info
                         : level == HEARTH_LOG_WARN  ? spdlog::level::warn
                                                     : spdlog::level::err;
        hearth::log::driver().log(lvl, "[{}] {}", s->id(), text);
        // An error line is a problem the driver wants seen: counted in health (errors, last_error);
        // it never counts towards quarantine.
        if (lvl == spdlog::level::err) s->record_error(text, false);
    }

    static int register_device(hearth_host* h, hearth_str descriptor) {
        state* s = of(h);
        if (s == nullptr || !s->open) return HEARTH_ERR_INVALID;
        const std::string text = from_c(descriptor);
        if (text.size() > max_report_bytes) {
            s->record_error("register_device: descriptor larger than " + std::to_string(max_report_bytes) + " bytes",
                            false);
            return HEARTH_ERR_INVALID;
        }
        json_input in = parse_json_input(text);
        if (!in.ok) {
            hearth::log::plugin().warn("[{}] register_device: descriptor refused: {}", s->id(), in.error);
            return HEARTH_ERR_INVALID;
        }
        json j = std::move(in.value);
        auto parsed = parse_descriptor(j);
        if (!parsed) {
            std::string why;
            for (const auto& e : parsed.error()) why += (why.empty() ? "" : "; ") + e.pointer + ": " + e.reason;
            hearth::log::plugin().warn("[{}] register_device refused: {}", s->id(), why);
            s->record_error("register_device refused: " + why, false);
            return HEARTH_ERR_INVALID;
        }
        parsed->driver = s->id();
        parsed->raw["driver"] = s->id();
        s->to_loop([s, d = std::move(*parsed)]() mutable {
            if (s->open) s->events.on_device_registered(s->id(), std::move(d));
        });
        return HEARTH_OK;
    }

    static int remove_device(hearth_host* h, hearth_str device_id) {
        state* s = of(h);
        if (s == nullptr || !s->open) return HEARTH_ERR_INVALID;
        s->to_loop([s, id = from_c(device_id)] {
            if (s->open) s->events.on_device_removed(s->id(), id);
        });
        return HEARTH_OK;
    }

    static int report_json(hearth_host* h, hearth_str device_id, hearth_str body, bool is_event) {
        state* s = of(h);
        if (s == nullptr || !s->open) return HEARTH_ERR_INVALID;
        const std::string text = from_c(body);
        const char* what = is_event ? "report_event" : "report_state";
        if (text.size() > max_report_bytes) {
            s->record_error(std::string(what) + ": larger than " + std::to_string(max_report_bytes) + " bytes", false);
            return HEARTH_ERR_INVALID;
        }
        json_input in = parse_json_input(text);
        if (!in.ok || !in.value.is_object()) {
            s->record_error(std::string(what) + ": not a JSON object" + (in.too_deep ? " (" + in.error + ")" : ""),
                            false);
            return HEARTH_ERR_INVALID;
        }
        json j = std::move(in.value);
        s->to_loop([s, id = from_c(device_id), j = std::move(j), is_event]() mutable {
            if (!s->open) return;
            if (is_event) {
                s->events.on_event(s->id(), id, std::move(j));
            } else {
                s->events.on_state(s->id(), id, std::move(j));
            }
        });
        return HEARTH_OK;
    }
    static int report_state(hearth_host* h, hearth_str id, hearth_str state_json) {
        return report_json(h, id, state_json, false);
    }
    static int report_event(hearth_host* h, hearth_str id, hearth_str event_json) {
        return report_json(h, id, event_json, true);
    }

    static int report_availability(hearth_host* h, hearth_str device_id, int online) {
        state* s = of(h);
        if (s == nullptr || !s->open) return HEARTH_ERR_INVALID;
        s->to_loop([s, id = from_c(device_id), online] {
            if (s->open) s->events.on_availability(s->id(), id, online != 0);
        });
        return HEARTH_OK;
    }

    static int command_result(hearth_host* h, std::uint64_t command_id, int status, hearth_str message) {
        state* s = of(h);
        if (s == nullptr || !s->open) return HEARTH_ERR_INVALID;
        if (status == HEARTH_PENDING) return HEARTH_ERR_INVALID;
        std::string text = from_c(message);
        if (status < HEARTH_ERR_INTERNAL || status > HEARTH_PENDING) {
            text = "driver returned an unknown status " + std::to_string(status);
            status = HEARTH_ERR_INTERNAL;
        }
        if (status == HEARTH_ERR_INTERNAL) {
            if (text.empty()) text = "internal driver error";
            s->record_error(text, true);
        } else if (status == HEARTH_OK) {
            s->record_success();
        }
        s->to_loop([s, command_id, status, msg = std::move(text)] {
            if (s->open) s->events.on_command_done(s->id(), command_id, status, msg);
        });
        return HEARTH_OK;
    }

    static std::uint64_t set_timer(hearth_host* h, std::uint32_t delay_ms, hearth_timer_fn fn, void* user) {
        state* s = of(h);
        if (s == nullptr || fn == nullptr || !s->open) return 0;
        std::lock_guard lock(s->timer_mutex);
        const std::uint64_t tid = s->next_timer++;
        auto timer = std::make_unique<asio::steady_timer>(s->ctx, std::chrono::milliseconds(delay_ms));
        timer->async_wait([s, tid, fn, user](const boost::system::error_code& ec) {
            if (ec) return;
            {
                std::lock_guard inner(s->timer_mutex);
                auto it = s->timers.find(tid);
                if (it == s->timers.end()) return;  // cancelled
                // Keep the timer object alive until the handler returns: move it out first.
                auto owned = std::move(it->second);
                s->timers.erase(it);
                asio::post(s->ctx, [t = std::shared_ptr<asio::steady_timer>(std::move(owned))] {});
            }
            if (!s->open || s->instance == nullptr) return;
            try {
                s->tracked("timer", [&] { fn(user); });
            } catch (...) {
                s->record_error("timer callback threw an exception", true);
            }
        });
        s->timers.emplace(tid, std::move(timer));
        return tid;
    }

    static void cancel_timer(hearth_host* h, std::uint64_t timer_id) {
        state* s = of(h);
        if (s == nullptr) return;
        std::unique_ptr<asio::steady_timer> t;
        {
            std::lock_guard lock(s->timer_mutex);
            auto it = s->timers.find(timer_id);
            if (it == s->timers.end()) return;
            t = std::move(it->second);
            s->timers.erase(it);
        }
        // Timer objects are not thread-safe: cancel and free them on the driver thread.
        asio::post(s->ctx, [t = std::shared_ptr<asio::steady_timer>(std::move(t))] { t->cancel(); });
    }

    static std::uint64_t now_ms(hearth_host* h) {
        state* s = of(h);
        return s != nullptr ? static_cast<std::uint64_t>(s->clock.now_ms()) : 0;
    }

    static int report_ready(hearth_host* h) {
        state* s = of(h);
        if (s == nullptr || !s->open) return HEARTH_ERR_INVALID;
        {
            std::lock_guard lock(s->status_mutex);
            s->status.ready = true;
        }
        s->to_loop([s] {
            if (s->open) s->events.on_ready(s->id());
        });
        return HEARTH_OK;
    }
};

const hearth_host_api& inproc_driver::shared_state::api_table() {
    static const hearth_host_api table = {
        sizeof(hearth_host_api),
        HEARTH_ABI_MAJOR,
        HEARTH_ABI_MINOR,
        0,
        &host_services::log,
        &host_services::register_device,
        &host_services::remove_device,
        &host_services::report_state,
        &host_services::report_event,
        &host_services::report_availability,
        &host_services::command_result,
        &host_services::set_timer,
        &host_services::cancel_timer,
        &host_services::now_ms,
        &host_services::report_ready,
    };
    return table;
}

// ---- inproc_driver: the loop-thread face. ----

inproc_driver::inproc_driver(asio::io_context& loop, std::shared_ptr<const plugin_module> module, driver_config config,
                             driver_events& events, const clock_source& clock, driver_limits limits)
    : id_(config.id),
      s_(std::make_shared<shared_state>(loop, std::move(module), std::move(config), events, clock, limits)) {}

inproc_driver::~inproc_driver() { stop(std::chrono::milliseconds(1000)); }

void inproc_driver::start() {
    auto s = s_;
    s->thread = std::thread([s] {
        // The thread holds the state alive: an abandoned (hung) thread never touches freed memory.
        s->ctx.run();
    });
    asio::post(s->ctx, [s] { s->run_start(); });
}

void inproc_driver::send_command(std::uint64_t command_id, const std::string& device_id, std::string command_json) {
    auto s = s_;
    if (!s->open) {
        s->events.on_command_done(id_, command_id, HEARTH_ERR_UNSUPPORTED, "driver '" + id_ + "' is quarantined");
        return;
    }
    asio::post(s->ctx, [s, command_id, device_id, body = std::move(command_json)] {
        s->run_command(command_id, device_id, body);
    });
}

void inproc_driver::refresh(const std::string& device_id) {
    auto s = s_;
    if (!s->open || s->module->api.refresh == nullptr) return;
    asio::post(s->ctx, [s, device_id] {
        if (s->instance == nullptr || !s->open) return;
        int rc = HEARTH_ERR_INTERNAL;
        try {
            rc = s->tracked("refresh", [&] {
                return s->module->api.refresh(s->instance, hearth_str{device_id.data(), device_id.size()});
            });
        } catch (...) {}
        if (rc == HEARTH_ERR_INTERNAL) s->record_error("refresh failed", true);
    });
}

void inproc_driver::check_health(std::chrono::steady_clock::time_point now) {
    const std::int64_t started = s_->call_started.load();
    if (started == 0 || !s_->open) return;
    const auto running = now - steady::time_point(steady::duration(started));
    if (running > s_->limits.call_timeout) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(running).count();
        s_->quarantine(std::string("call '") + s_->call_name.load() + "' did not return within " + std::to_string(ms) +
                       " ms (watchdog limit " + std::to_string(s_->limits.call_timeout.count()) + " ms)");
    }
}

void inproc_driver::stop(std::chrono::milliseconds budget) {
    auto s = s_;
    if (!s->thread.joinable()) {
        std::lock_guard lock(s->loop_mutex);
        s->loop_alive = false;
        return;
    }
    {
        std::lock_guard lock(s->loop_mutex);
        s->loop_alive = false;  // nothing from this driver reaches the loop any more
    }
    s->open = false;
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    asio::post(s->ctx, [s, done] {
        s->shutdown_instance();
        done->set_value();
    });
    s->work.reset();
    if (finished.wait_for(budget) == std::future_status::ready) {
        s->ctx.stop();
        s->thread.join();
        s->ctx.restart();
        s->ctx.poll();  // drain queued handlers (they hold references to `s`) without any plugin call
        s->set_state(driver_state::stopped);
    } else {
        log::plugin().error("driver '{}' did not stop within {} ms; abandoning its thread", id_, budget.count());
        s->ctx.stop();
        s->thread.detach();  // `s` stays alive through the thread's own reference
#if defined(__SANITIZE_ADDRESS__)
        __lsan_ignore_object(s.get());  // kept for the stuck thread on purpose: not a leak
#endif
        s->set_state(driver_state::stopped);
    }
}

driver_status inproc_driver::status() const {
    std::lock_guard lock(s_->status_mutex);
    return s_->status;
}

bool inproc_driver::usable() const { return s_->open; }

void inproc_driver::quarantine(const std::string& reason) { s_->quarantine(reason); }

}  // namespace hearth
