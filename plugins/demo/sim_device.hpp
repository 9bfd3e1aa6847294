// Role: the base class of every simulated device: identity, descriptor/state contract, command
// dispatch ("set" vs named commands) and change-only state publishing.
#pragma once

#include "prng.hpp"
#include "sim_host.hpp"

#include <hearth/driver.hpp>
#include <hearth/kit/devices.hpp>

#include <cstdint>
#include <string>

namespace hearth::demo {

using property = kit::property;

/// Construction arguments common to all devices.
struct device_args {
    sim_host& host;      ///< façade over the host, outlives the device
    std::string id;      ///< full device id (id_prefix + fixed id)
    std::uint64_t seed;  ///< per-device PRNG seed
    const json& config;  ///< the instance config (validated against k_config_schema)
};

/// Numeric helpers of the simulations: `v` rounded to a multiple of `quantum` (> 0), and a
/// first-order approach of `current` towards `goal` with time constant `tau_s`.
double round_to(double v, double quantum);
double approach(double current, double goal, double dt_s, double tau_s);

/// One virtual device. Subclasses describe themselves, expose their full state, advance their
/// simulation on tick() and execute commands; the base reports only what changed.
class sim_device {
public:
    explicit sim_device(const device_args& args) : host_(args.host), id_(args.id), rng_(args.seed) {}
    sim_device(const sim_device&) = delete;
    sim_device& operator=(const sim_device&) = delete;
    virtual ~sim_device() = default;

    /// Full device id.
    [[nodiscard]] const std::string& id() const noexcept { return id_; }
    /// The descriptor registered with the host; stable for the device's life.
    [[nodiscard]] virtual kit::device descriptor() const = 0;
    /// The current value of every declared property, already rounded as reported.
    [[nodiscard]] virtual json state() const = 0;
    /// Advances the simulation by `dt_s` seconds of host time (default: static device).
    virtual void tick(double dt_s) { (void)dt_s; }

    /// Executes a command already validated by the core: "set" goes property by property to
    /// set_property(), anything else to on_command(). Throws command_error to refuse.
    status handle(const command& cmd);

    /// Reports the properties whose value changed since the last report.
    void publish();
    /// Reports the whole state.
    void publish_full();

protected:
    /// Writes one writable property; default refuses.
    virtual void set_property(const std::string& name, const json& value);
    /// Executes a declared command (never "set"); default refuses.
    virtual status on_command(const command& cmd);

    /// Publishes pending state changes, then reports event `type` with extra `fields`.
    void emit(const std::string& type, json fields = json::object());
    /// Throws command_error(code, why).
    [[noreturn]] static void refuse(status code, const std::string& why);

    [[nodiscard]] sim_host& host() const noexcept { return host_; }
    /// A descriptor builder with the identity fields every demo device shares.
    [[nodiscard]] static kit::device describe(kit::device d, const std::string& model) {
        d.info("Hearth", model, "1.0.0");
        return d;
    }
    [[nodiscard]] prng& rng() noexcept { return rng_; }

private:
    sim_host& host_;
    std::string id_;
    prng rng_;
    json last_reported_ = json::object();
};

}  // namespace hearth::demo
