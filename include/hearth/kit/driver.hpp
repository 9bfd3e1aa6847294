// Toolkit drivers: one class, one thread, no locks.
//
// Derive from hearth::kit::driver and export the class with
//     HEARTH_KIT_DRIVER(my_plug, "my_plug", "1.0.0", "What it drives")
// The toolkit gives every instance its own io thread (io_thread.hpp). The constructor, start(),
// handle_command(), refresh(), stop() and every completion handler (sockets, timers, HTTP) run on
// that thread, never concurrently, so a driver keeps its state in plain members. The host's
// thread waits while an entry runs on the io thread, so the host's watchdog (call_timeout_ms)
// covers toolkit drivers exactly as it covers plain ones.
//
// A driver may declare, as static members, what it needs and what it accepts:
//     static constexpr const char* manifest = R"({"network": ["tcp_client"]})";   // sandbox
//     static constexpr const char* config_schema = R"({...JSON Schema...})";        // its config
// The core validates the driver's `config` against config_schema before the constructor runs
// (docs/plugin-abi.md), so the constructor may read keys the schema requires without checks.
#pragma once

#include <hearth/driver.hpp>
#include <hearth/kit/io_thread.hpp>

#include <memory>
#include <string>

namespace hearth::kit {

/// What a toolkit driver instance is given: the host, its io context and its instance id.
/// Valid from the driver's construction until its destruction.
struct context {
    hearth::host& host;
    asio::io_context& io;
    std::string instance_id;
};

/// Base class of a toolkit driver; the same entries as hearth::driver, all on the io thread.
/// Throw hearth::command_error to refuse a command with a precise status.
class driver {
public:
    explicit driver(context& ctx) : ctx_(ctx) {}
    driver(const driver&) = delete;
    driver& operator=(const driver&) = delete;
    virtual ~driver() = default;

    /// Registers devices and starts I/O; returns promptly (I/O completes later on the io thread).
    virtual void start() = 0;
    /// Executes a validated command: status::ok when done, status::pending when it will complete
    /// via host().command_result(cmd.id, ...) (see pending_commands.hpp).
    virtual status handle_command(const command& cmd) = 0;
    /// Re-reads a device and reports its state. Default: nothing to do.
    virtual void refresh(const std::string& /*device_id*/) {}
    /// Cancels timers and closes connections; after it returns no handler of this driver runs.
    virtual void stop() {}

protected:
    [[nodiscard]] hearth::host& host() const noexcept { return ctx_.host; }
    [[nodiscard]] asio::io_context& io() const noexcept { return ctx_.io; }
    [[nodiscard]] const std::string& instance_id() const noexcept { return ctx_.instance_id; }

private:
    context& ctx_;
};

/// Adapts a toolkit driver to the SDK's hearth::driver: owns the io thread and runs every entry
/// on it. Used by HEARTH_KIT_DRIVER; not used directly.
template <class Driver>
class runtime final : public hearth::driver {
public:
    static constexpr const char* manifest = detail::manifest_of<Driver>();
    static constexpr const char* config_schema = detail::config_schema_of<Driver>();

    runtime(hearth::host& h, std::string id, const json& config)
        : hearth::driver(h),
          thread_([&h](const std::string& what) noexcept {
              try {
                  h.error("a completion handler threw: " + what);
              } catch (...) {}
          }),
          ctx_{h, thread_.context(), std::move(id)} {
        driver_ = thread_.call([&] { return std::make_unique<Driver>(ctx_, config); });
    }
    ~runtime() override {
        thread_.stop_and_join();
        driver_.reset();  // no handler can run any more: safe on this thread
    }

    void start() override {
        thread_.call([this] { driver_->start(); });
    }
    status handle_command(const command& cmd) override {
        return thread_.call([&] { return driver_->handle_command(cmd); });
    }
    void refresh(const std::string& device_id) override {
        thread_.call([&] { driver_->refresh(device_id); });
    }
    void stop() override {
        thread_.call([this] { driver_->stop(); });
        thread_.stop_and_join();
    }

private:
    io_thread thread_;
    context ctx_;
    std::unique_ptr<Driver> driver_;
};

}  // namespace hearth::kit

/// Exports `Class` (a hearth::kit::driver with constructor (hearth::kit::context&, const
/// hearth::json& config)) as a v1 plugin named `name`, with its static manifest and
/// config_schema if it declares them.
#define HEARTH_KIT_DRIVER(Class, name, version, description) \
    HEARTH_DRIVER(::hearth::kit::runtime<Class>, name, version, description)
