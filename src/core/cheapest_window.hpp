// The cheapest start for an appliance run under the configured tariffs (docs/energy.md,
// `run_when_cheapest`): a run of `duration` at constant power must start no earlier than `earliest`
// and end by `deadline`; its cost is proportional to the integral of the price over the run. That
// integral, as a function of the start, is piecewise linear with kinks only where the start or the
// end crosses a price change, so the minimum is at the window's ends or at such a kink: the search
// evaluates those candidates only (a brute-force oracle over every minute checks it in tests).
// Starts are whole minutes; ties go to the earliest start.
#pragma once

#include "core/tariff.hpp"

#include <cstdint>
#include <optional>

namespace hearth {

struct cheapest_choice {
    std::int64_t start = 0;      ///< chosen start (ms since the epoch, a whole minute)
    double price_hours = 0;      ///< ∫ price dt over the run, in price × hours (= cost per kW)
    double price_hours_now = 0;  ///< the same for starting at the earliest minute
    [[nodiscard]] double saving_per_kw() const { return price_hours_now - price_hours; }
};

/// ∫ price dt over [from, to) in price × hours, following tariff changes and time-of-use slots;
/// time before the first tariff costs nothing. `month_kwh` places tiered tariffs in their block.
double price_integral(const energy_config& cfg, std::int64_t from, std::int64_t to, double month_kwh = 0);

/// The cheapest whole-minute start in [ceil_minute(earliest), deadline - duration]; nullopt when the
/// run does not fit (deadline - duration before the earliest minute) or duration is not positive.
std::optional<cheapest_choice> cheapest_start(const energy_config& cfg, std::int64_t earliest, std::int64_t deadline,
                                              std::int64_t duration_ms, double month_kwh = 0);

}  // namespace hearth
