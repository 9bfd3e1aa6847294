// Role: the state machine of one simulated Yeelight bulb, free of I/O: power, brightness and
// color temperature, and the handling of the protocol's request methods (get_prop, set_power,
// set_bright, set_ct_abx, toggle) with the bulb's validation and error replies.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>

namespace hearth::devsim::yeelight {

using json = nlohmann::json;

/// Initial state of a bulb.
struct bulb_state {
    bool power = true;
    int bright = 100;  ///< 1-100
    int ct = 4000;     ///< 1700-6500 K
};

class sim_bulb {
public:
    explicit sim_bulb(bulb_state initial) : state_(initial) {}

    /// Handles one request object {"id", "method", "params"}. Returns the reply object and sets
    /// `changed` to the properties that changed ({"power": "on", "bright": "10", ...}; values as
    /// strings like a real bulb), an empty object when nothing changed.
    json handle(const json& request, json& changed);

    [[nodiscard]] const bulb_state& state() const noexcept { return state_; }

private:
    json get_prop(const json& params) const;

    bulb_state state_;
};

/// A reply with {"code": -1, "message": message} for request id `id`.
json error_reply(const json& id, const std::string& message);

}  // namespace hearth::devsim::yeelight
