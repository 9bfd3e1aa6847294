// Commands that complete when the device reports the state they asked for.
//
// A driver sends a command to a device and returns status::pending; it hands the command to
// expect() with the target state (e.g. {"on": true}). Every state the driver reports also goes
// through on_state(): the first report in which every target property has its target value
// completes the command with HEARTH_OK; if none does within the timeout, the command fails with
// HEARTH_ERR_TIMEOUT ("<device> did not reach {...} within N ms"). Single-threaded (io thread).
#pragma once

#include <hearth/driver.hpp>

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace hearth::kit {

class pending_commands {
public:
    /// Receives each completion: (command id, status, message). Defaults to host.command_result.
    using complete_fn = std::function<void(std::uint64_t id, status code, const std::string& message)>;

    pending_commands(boost::asio::io_context& io, complete_fn complete);
    pending_commands(boost::asio::io_context& io, hearth::host& host);
    pending_commands(const pending_commands&) = delete;
    pending_commands& operator=(const pending_commands&) = delete;
    /// Drops what is still pending without answering (no host calls after stop()): call
    /// fail_all() in the driver's stop().
    ~pending_commands() = default;

    /// Completes `command_id` once `device_id` reports `target` (an object of property values),
    /// or fails it after `timeout`. Completes at once if the last known state already matches.
    void expect(std::uint64_t command_id, const std::string& device_id, json target,
                std::chrono::milliseconds timeout = std::chrono::milliseconds{10'000});

    /// Feed every state report of the driver here (full or partial).
    void on_state(const std::string& device_id, const json& state);

    /// Forgets the last known state of `device_id`, so that only a report after this call can
    /// complete a later expect() (e.g. a door lock, whose known state may be stale).
    void forget(const std::string& device_id) { known_.erase(device_id); }

    /// Fails every pending command of `device_id` now, e.g. when the device went offline. With
    /// status::ok it completes them (a success the target cannot express).
    void fail_device(const std::string& device_id, status code, const std::string& message);
    /// Fails every pending command now (e.g. on stop()).
    void fail_all(status code, const std::string& message);

    [[nodiscard]] std::size_t size() const noexcept { return pending_.size(); }

private:
    struct entry {
        std::string device_id;
        json target;
        std::chrono::milliseconds timeout;
        std::unique_ptr<boost::asio::steady_timer> timer;
    };
    [[nodiscard]] bool reached(const std::string& device_id, const json& target) const;
    void finish(std::uint64_t id, status code, const std::string& message);

    boost::asio::io_context& io_;
    complete_fn complete_;
    std::map<std::uint64_t, entry> pending_;
    std::map<std::string, json> known_;  ///< merged last state per device
};

}  // namespace hearth::kit
