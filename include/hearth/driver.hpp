// Header-only C++20 SDK over the C ABI in plugin.h: a driver is one small class.
//
// Derive from hearth::driver, implement start() and handle_command(), and export it with
//     HEARTH_DRIVER(my_driver, "my_driver", "1.0.0", "What it drives")
// in exactly one .cpp file. The SDK converts between the C ABI and typed C++ (nlohmann::json,
// std::string, std::function timers) and is the exception barrier: nothing thrown in driver code
// crosses into the host. Throw hearth::command_error to refuse a command with a precise status;
// any other exception becomes HEARTH_ERR_INTERNAL and counts against the driver's health.
//
// Threading: every virtual below, and every timer callback, runs on the driver instance's own
// thread, never concurrently. hearth::host methods may be called from any thread.
#pragma once

#include <hearth/plugin.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace hearth {

using json = nlohmann::json;

/// The result codes of plugin.h as a C++ enum.
enum class status : int {
    ok = HEARTH_OK,
    pending = HEARTH_PENDING,
    invalid = HEARTH_ERR_INVALID,
    unsupported = HEARTH_ERR_UNSUPPORTED,
    device_error = HEARTH_ERR_DEVICE,
    offline = HEARTH_ERR_OFFLINE,
    timeout = HEARTH_ERR_TIMEOUT,
    internal = HEARTH_ERR_INTERNAL,
};

enum class log_level : int {
    trace = HEARTH_LOG_TRACE,
    debug = HEARTH_LOG_DEBUG,
    info = HEARTH_LOG_INFO,
    warn = HEARTH_LOG_WARN,
    error = HEARTH_LOG_ERROR,
};

/// Thrown by driver code to refuse a command or fail an entry with a specific status.
class command_error : public std::runtime_error {
public:
    command_error(status code, const std::string& what) : std::runtime_error(what), code_(code) {}
    [[nodiscard]] status code() const noexcept { return code_; }

private:
    status code_;
};

/// A command the core has already validated against the device's descriptor.
struct command {
    std::uint64_t id = 0;   ///< pass to host::command_result when returning status::pending
    std::string device_id;  ///< a device this instance registered
    std::string name;       ///< a command of the descriptor, or "set" for property writes
    json params;            ///< object: command params, or the properties to write for "set"
};

namespace detail {
inline hearth_str to_c(std::string_view s) noexcept { return hearth_str{s.data(), s.size()}; }
inline std::string from_c(hearth_str s) { return s.data ? std::string(s.data, s.size) : std::string(); }
inline void write_error(char* buf, std::size_t size, std::string_view what) noexcept {
    if (buf == nullptr || size == 0) return;
    const std::size_t n = what.size() < size - 1 ? what.size() : size - 1;
    std::memcpy(buf, what.data(), n);
    buf[n] = '\0';
}

/// A driver's static `manifest` member (sandbox manifest JSON), or nullptr if it declares none.
template <class Driver>
constexpr const char* manifest_of() noexcept {
    if constexpr (requires { Driver::manifest; }) {
        return Driver::manifest;
    } else {
        return nullptr;
    }
}

/// A driver's static `config_schema` member (JSON Schema of its config), or nullptr.
template <class Driver>
constexpr const char* config_schema_of() noexcept {
    if constexpr (requires { Driver::config_schema; }) {
        return Driver::config_schema;
    } else {
        return nullptr;
    }
}
}  // namespace detail

/// Typed access to the host services of one driver instance. Owned by the SDK; valid from the
/// driver's construction until its destruction.
class host {
public:
    host(const hearth_host_api* api, hearth_host* ctx) : api_(api), ctx_(ctx) {}
    host(const host&) = delete;
    host& operator=(const host&) = delete;
    ~host() { cancel_all_timers(); }

    void log(log_level level, std::string_view message) const {
        api_->log(ctx_, static_cast<int>(level), detail::to_c(message));
    }
    void info(std::string_view m) const { log(log_level::info, m); }
    void warn(std::string_view m) const { log(log_level::warn, m); }
    void error(std::string_view m) const { log(log_level::error, m); }
    void debug(std::string_view m) const { log(log_level::debug, m); }

    /// Registers or replaces a device; false if the host found the descriptor invalid (logged).
    bool register_device(const json& descriptor) const {
        const std::string text = descriptor.dump();
        return api_->register_device(ctx_, detail::to_c(text)) == HEARTH_OK;
    }
    void remove_device(std::string_view id) const { api_->remove_device(ctx_, detail::to_c(id)); }

    /// Reports a full or partial state object.
    void report_state(std::string_view id, const json& state) const {
        const std::string text = state.dump();
        api_->report_state(ctx_, detail::to_c(id), detail::to_c(text));
    }
    /// Reports an event; `event` must contain "event_type".
    void report_event(std::string_view id, const json& event) const {
        const std::string text = event.dump();
        api_->report_event(ctx_, detail::to_c(id), detail::to_c(text));
    }
    void report_availability(std::string_view id, bool online) const {
        api_->report_availability(ctx_, detail::to_c(id), online ? 1 : 0);
    }
    /// Completes a command for which handle_command returned status::pending.
    void command_result(std::uint64_t command_id, status code, std::string_view message = {}) const {
        api_->command_result(ctx_, command_id, static_cast<int>(code), detail::to_c(message));
    }
    void report_ready() const { api_->report_ready(ctx_); }
    [[nodiscard]] std::uint64_t now_ms() const { return api_->now_ms(ctx_); }

    /// Runs `fn` once on the driver's thread after `delay`. Returns an id for cancel_timer (0 on
    /// failure). Exceptions from `fn` are caught and logged.
    std::uint64_t set_timer(std::chrono::milliseconds delay, std::function<void()> fn) {
        auto slot = std::make_unique<timer_slot>(timer_slot{this, std::move(fn), 0});
        timer_slot* raw = slot.get();
        std::lock_guard lock(mutex_);
        const auto ms = delay.count() < 0 ? 0 : static_cast<std::uint32_t>(delay.count());
        const std::uint64_t id = api_->set_timer(ctx_, ms, &host::on_timer, raw);
        if (id == 0) return 0;
        raw->id = id;
        timers_.emplace(id, std::move(slot));
        return id;
    }
    void cancel_timer(std::uint64_t id) {
        std::lock_guard lock(mutex_);
        if (timers_.erase(id) != 0) api_->cancel_timer(ctx_, id);
    }

private:
    struct timer_slot {
        host* owner;
        std::function<void()> fn;
        std::uint64_t id;
    };

    static void on_timer(void* user) noexcept {
        auto* slot = static_cast<timer_slot*>(user);
        host* self = slot->owner;
        std::unique_ptr<timer_slot> owned;
        {
            std::lock_guard lock(self->mutex_);
            auto it = self->timers_.find(slot->id);
            if (it == self->timers_.end()) return;  // cancelled
            owned = std::move(it->second);
            self->timers_.erase(it);
        }
        try {
            owned->fn();
        } catch (const std::exception& e) {
            self->error(std::string("timer callback threw: ") + e.what());
        } catch (...) {
            self->error("timer callback threw a non-standard exception");
        }
    }
    void cancel_all_timers() {
        std::lock_guard lock(mutex_);
        for (auto& [id, slot] : timers_) api_->cancel_timer(ctx_, id);
        timers_.clear();
    }

    const hearth_host_api* api_;
    hearth_host* ctx_;
    std::mutex mutex_;
    std::map<std::uint64_t, std::unique_ptr<timer_slot>> timers_;
};

/// Base class of a C++ driver. The constructor receives the host, the instance id and the
/// driver's config object; throw from it (e.g. std::invalid_argument) to refuse a bad config.
class driver {
public:
    explicit driver(hearth::host& h) : host_(h) {}
    driver(const driver&) = delete;
    driver& operator=(const driver&) = delete;
    virtual ~driver() = default;

    /// Registers devices and arms timers; should return promptly.
    virtual void start() = 0;
    /// Executes a validated command: return status::ok when done, status::pending when it will
    /// complete via host().command_result(cmd.id, ...); throw command_error to refuse it.
    virtual status handle_command(const command& cmd) = 0;
    /// Re-reads a device and reports its state (MQTT `/get`). Default: nothing to do.
    virtual void refresh(const std::string& /*device_id*/) {}
    /// Cancels timers and closes connections; called once before destruction.
    virtual void stop() {}

protected:
    [[nodiscard]] hearth::host& host() const { return host_; }

private:
    hearth::host& host_;
};

namespace detail {

template <class Driver>
struct instance {
    hearth::host h;
    std::unique_ptr<Driver> d;
    instance(const hearth_host_api* api, hearth_host* ctx) : h(api, ctx) {}
};

template <class Driver>
int barrier(hearth::host& h, char* error, std::size_t error_size, const std::function<int()>& body) noexcept {
    try {
        return body();
    } catch (const command_error& e) {
        write_error(error, error_size, e.what());
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        write_error(error, error_size, e.what());
        try {
            h.error(std::string("driver threw: ") + e.what());
        } catch (...) {}
        return HEARTH_ERR_INTERNAL;
    } catch (...) {
        write_error(error, error_size, "driver threw a non-standard exception");
        return HEARTH_ERR_INTERNAL;
    }
}

template <class Driver>
struct trampolines {
    using inst = instance<Driver>;
    static inst* self(hearth_driver* d) { return reinterpret_cast<inst*>(d); }

    static hearth_driver* create(const hearth_host_api* api, hearth_host* ctx, hearth_str id, hearth_str config,
                                 char* error, std::size_t error_size) noexcept {
        try {
            auto made = std::make_unique<inst>(api, ctx);
            json cfg = config.size == 0 ? json::object() : json::parse(from_c(config));
            made->d = std::make_unique<Driver>(made->h, from_c(id), cfg);
            return reinterpret_cast<hearth_driver*>(made.release());
        } catch (const std::exception& e) {
            write_error(error, error_size, e.what());
        } catch (...) {
            write_error(error, error_size, "driver constructor threw a non-standard exception");
        }
        return nullptr;
    }
    static int start(hearth_driver* d, char* error, std::size_t error_size) noexcept {
        inst* i = self(d);
        return barrier<Driver>(i->h, error, error_size, [&] {
            i->d->start();
            return HEARTH_OK;
        });
    }
    static int handle_command(hearth_driver* d, std::uint64_t command_id, hearth_str device_id, hearth_str command_json,
                              char* error, std::size_t error_size) noexcept {
        inst* i = self(d);
        return barrier<Driver>(i->h, error, error_size, [&] {
            const json body = json::parse(from_c(command_json));
            command cmd{command_id, from_c(device_id), body.at("command").get<std::string>(),
                        body.value("params", json::object())};
            return static_cast<int>(i->d->handle_command(cmd));
        });
    }
    static int refresh(hearth_driver* d, hearth_str device_id) noexcept {
        inst* i = self(d);
        return barrier<Driver>(i->h, nullptr, 0, [&] {
            i->d->refresh(from_c(device_id));
            return HEARTH_OK;
        });
    }
    static void stop(hearth_driver* d) noexcept {
        inst* i = self(d);
        barrier<Driver>(i->h, nullptr, 0, [&] {
            i->d->stop();
            return HEARTH_OK;
        });
    }
    static void destroy(hearth_driver* d) noexcept {
        inst* i = self(d);
        try {
            i->d.reset();
        } catch (...) {}
        delete i;
    }
};

}  // namespace detail

/// Builds the plugin description for Driver; used by HEARTH_DRIVER. The manifest and config
/// schema are Driver's static `manifest` / `config_schema` members when it declares them; an
/// explicit `manifest` argument takes precedence.
template <class Driver>
const hearth_plugin_v1_api* plugin_api(const char* name, const char* version, const char* description,
                                       const char* manifest = nullptr) {
    using t = detail::trampolines<Driver>;
    static const hearth_plugin_v1_api api = {
        sizeof(hearth_plugin_v1_api),
        HEARTH_ABI_MAJOR,
        HEARTH_ABI_MINOR,
        0,
        name,
        version,
        description,
        &t::create,
        &t::start,
        &t::handle_command,
        &t::refresh,
        &t::stop,
        &t::destroy,
        manifest != nullptr ? manifest : detail::manifest_of<Driver>(),
        detail::config_schema_of<Driver>(),
    };
    return &api;
}

}  // namespace hearth

/// Exports `Class` (a hearth::driver with constructor (hearth::host&, std::string, const json&))
/// as a v1 plugin named `name`.
#define HEARTH_DRIVER(Class, name, version, description)                                        \
    extern "C" HEARTH_EXPORT const hearth_plugin_v1_api* hearth_plugin_v1(uint32_t /*minor*/) { \
        return ::hearth::plugin_api<Class>(name, version, description);                         \
    }

/// As HEARTH_DRIVER, with a sandbox manifest (ABI v1.1; JSON text, see plugin.h and
/// docs/security.md), e.g. R"({"network": ["tcp_client"], "tcp_ports": [55443]})".
#define HEARTH_DRIVER_WITH_MANIFEST(Class, name, version, description, manifest)                \
    extern "C" HEARTH_EXPORT const hearth_plugin_v1_api* hearth_plugin_v1(uint32_t /*minor*/) { \
        return ::hearth::plugin_api<Class>(name, version, description, manifest);               \
    }
