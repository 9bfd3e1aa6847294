// Role: the stateful devices behind miio_sim: a Roborock-style vacuum (classic miIO methods) and
// three MIoT appliances (air conditioner, fridge, washer: get_properties / set_properties /
// action on the same siid/piid/aiid layout as plugins/miio/miot/models/example.*.json).
// Time is simulated from the real time between requests, sped up so tests see changes quickly.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <stdexcept>
#include <string>

namespace miio_sim {

using json = nlohmann::json;

/// A JSON-RPC error reply {"code", "message"}.
class rpc_error : public std::runtime_error {
public:
    rpc_error(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
    [[nodiscard]] int code() const noexcept { return code_; }

private:
    int code_;
};

class sim_device {
public:
    virtual ~sim_device() = default;
    /// Advances the simulation by `dt_s` seconds.
    virtual void tick(double dt_s) = 0;
    /// Handles one RPC and returns its "result"; throws rpc_error for any request it refuses,
    /// whatever the JSON types in `params` (never another exception type).
    virtual json handle(const std::string& method, const json& params) = 0;
    /// Internal state for the sim.status control RPC.
    [[nodiscard]] virtual json status() const = 0;
    /// The miIO model identifier the device reports in miIO.info.
    [[nodiscard]] virtual std::string model() const = 0;
    /// Applies the error_code fault (vacuum: error 8 "stuck"; MIoT: device errors).
    virtual void set_error_fault(bool on) = 0;
};

/// Creates the device of `kind` (vacuum, ac, fridge, washer); nullptr if unknown.
std::unique_ptr<sim_device> make_device(const std::string& kind);

}  // namespace miio_sim
