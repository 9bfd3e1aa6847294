// Role: the state and RPC methods of the simulated Shelly Gen2 device (no I/O): one multi-component
// device with switch:0 (with power metering), light:0 (dimmer), cover:0 and input:0 (a button).
// handle() answers one JSON-RPC request; every state change is queued as a notification
// (NotifyStatus with the changed component, NotifyEvent for presses) for the server to push.
#pragma once

#include <nlohmann/json.hpp>

#include <deque>
#include <string>

namespace hearth::devsim {

using json = nlohmann::json;

struct device_options {
    std::string id = "shellysim-a8032ab12345";  ///< also the digest realm
    double power_w = 60.0;                      ///< switch:0's load while on
    int cover_step_pct = 10;                    ///< how far the cover moves per tick
};

class sim_device {
public:
    explicit sim_device(device_options opts);

    /// The "result" of `method` with `params`, or an "error" object ({"code","message"}).
    /// Returns {"result": ...} or {"error": ...}.
    json handle(const std::string& method, const json& params);

    /// One movement tick of the cover (called by the server's timer); true while it moves.
    bool tick_cover();
    [[nodiscard]] bool cover_moving() const { return cover_target_ >= 0; }

    /// A button press on input:0 (single_push, double_push, triple_push, long_push).
    void press(const std::string& event);

    /// Notifications queued since the last call (NotifyStatus / NotifyEvent params + method).
    std::deque<json> take_notifications();

    [[nodiscard]] const device_options& options() const { return opts_; }
    [[nodiscard]] json status() const;

private:
    json switch_status() const;
    json light_status() const;
    json cover_status() const;
    void notify_status(const std::string& key, const json& status);

    device_options opts_;
    bool switch_on_ = false;
    double energy_wh_ = 1000.0;
    bool light_on_ = false;
    int brightness_ = 50;
    int cover_pos_ = 0;
    int cover_target_ = -1;  ///< -1: not moving
    std::string cover_state_ = "closed";
    std::deque<json> notifications_;
    double ts_ = 1'700'000'000.0;
};

}  // namespace hearth::devsim
