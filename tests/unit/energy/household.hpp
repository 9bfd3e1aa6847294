// A synthetic household for the energy accuracy test (docs/energy.md, "Accuracy"): ten devices and
// a whole-home meter over N days, with their TRUE power minute by minute, and the readings a real
// hub would receive from them — meters every 15 minutes at device-specific offsets, power on change
// plus a heartbeat — including the trouble docs/energy.md's rules are about: a meter reset, a
// device offline for hours, an unplugged power device, a glitch, re-sent older readings and a
// reading stamped by a clock that jumped back. Deterministic: a fixed seed, no library RNG.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hearth::test {

struct household_device {
    std::string id;
    bool meter = false;         ///< reports `energy_kwh` (else only `power_w`)
    std::vector<double> watts;  ///< true power per minute since the household's start
};

/// One value as the hub receives it: `arrival_ms` orders the feed, `ts` is the stamp it carries
/// (they differ only for the clock-jump reading).
struct household_reading {
    std::int64_t arrival_ms = 0;
    std::int64_t ts = 0;
    std::string device;
    std::string property;  ///< "energy_kwh" or "power_w"
    double value = 0;
};

struct household {
    std::int64_t start_ms = 0;
    int days = 0;
    std::vector<household_device> devices;    ///< the measured devices
    household_device home;                    ///< the whole-home meter: devices + an unmeasured base load
    std::vector<household_reading> readings;  ///< every device's and the home meter's, by arrival

    /// True consumption (kWh) of `d` in [from_ms, to_ms) (clipped to the household's span).
    [[nodiscard]] double true_kwh(const household_device& d, std::int64_t from_ms, std::int64_t to_ms) const;
    /// The unmeasured base load's true consumption in [from_ms, to_ms).
    [[nodiscard]] double true_unmeasured_kwh(std::int64_t from_ms, std::int64_t to_ms) const;
};

/// Builds the household from `start_ms` (a minute boundary) for `days` days.
household make_household(std::int64_t start_ms, int days, std::uint64_t seed);

}  // namespace hearth::test
