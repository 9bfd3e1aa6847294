// A driver instance hosted in this process: the plugin runs on a thread of its own (never on the
// core loop), every call into it is timed by a watchdog, and its host-API calls are posted onto
// the core loop. A driver that hangs a call, throws from start, or fails repeatedly is quarantined:
// it gets no further calls, its reports are ignored, and the core is told once.
//
// Lifetime: everything the driver thread touches lives in a shared `shared_state`, so a hung
// thread that must be abandoned at shutdown never touches freed memory.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/driver_link.hpp"
#include "plugin/plugin_module.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace hearth {

struct driver_limits {
    std::chrono::milliseconds call_timeout{5000};  ///< a call running longer is a hang
    int max_failures = 5;                          ///< consecutive internal failures tolerated
};

class inproc_driver final : public driver_link {
public:
    /// `loop` is the core io_context; `events` and `clock` must outlive this object.
    inproc_driver(boost::asio::io_context& loop, std::shared_ptr<const plugin_module> module, driver_config config,
                  driver_events& events, const clock_source& clock, driver_limits limits);
    ~inproc_driver() override;
    inproc_driver(const inproc_driver&) = delete;
    inproc_driver& operator=(const inproc_driver&) = delete;

    [[nodiscard]] const std::string& id() const override { return id_; }
    void start() override;
    void send_command(std::uint64_t command_id, const std::string& device_id, std::string command_json) override;
    void refresh(const std::string& device_id) override;
    void check_health(std::chrono::steady_clock::time_point now) override;
    void stop(std::chrono::milliseconds budget) override;
    [[nodiscard]] driver_status status() const override;
    [[nodiscard]] bool usable() const override;

    struct shared_state;  ///< defined in the .cpp; public so the C host API can reach it

private:
    void quarantine(const std::string& reason);

    std::string id_;
    std::shared_ptr<shared_state> s_;
};

}  // namespace hearth
