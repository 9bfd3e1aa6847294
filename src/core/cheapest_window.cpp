// Cheapest start search (see cheapest_window.hpp).
#include "core/cheapest_window.hpp"

#include <algorithm>
#include <set>

namespace hearth {
namespace {

constexpr std::int64_t k_minute = 60'000;
constexpr double k_ms_per_hour = 3'600'000.0;

std::int64_t ceil_minute(std::int64_t ts) {
    const std::int64_t r = ((ts % k_minute) + k_minute) % k_minute;
    return r == 0 ? ts : ts + (k_minute - r);
}

}  // namespace

double price_integral(const energy_config& cfg, std::int64_t from, std::int64_t to, double month_kwh) {
    double total = 0;
    // Split at tariff start dates; each piece priced by its tariff's time weighting.
    for (std::int64_t t = from; t < to;) {
        const tariff* current = cfg.tariff_at(t);
        std::int64_t end = to;
        for (const auto& next : cfg.tariffs) {
            if (next.from_ms > t) {
                end = std::min(end, next.from_ms);
                break;
            }
        }
        if (current != nullptr) {
            const double hours = static_cast<double>(end - t) / k_ms_per_hour;
            total += current->cost(t, end - t, hours, month_kwh);  // 1 kW for `hours`
        }
        t = end;
    }
    return total;
}

std::optional<cheapest_choice> cheapest_start(const energy_config& cfg, std::int64_t earliest, std::int64_t deadline,
                                              std::int64_t duration_ms, double month_kwh) {
    if (duration_ms <= 0) return std::nullopt;
    const std::int64_t first = ceil_minute(earliest);
    const std::int64_t last = deadline - duration_ms;
    if (last < first) return std::nullopt;
    // Price changes in [first, deadline): at whole local minutes, so scan minute by minute.
    std::set<std::int64_t> candidates{first, first + (last - first) / k_minute * k_minute};
    double previous = -1;
    for (std::int64_t t = first; t < deadline; t += k_minute) {
        const tariff* tr = cfg.tariff_at(t);
        const double p = tr != nullptr ? tr->price_at(t, month_kwh) : 0;
        if (t != first && p != previous) {
            for (std::int64_t c : {t, t - duration_ms}) {
                if (c >= first && c <= last && (c - first) % k_minute == 0) candidates.insert(c);
            }
        }
        previous = p;
    }
    cheapest_choice best;
    bool found = false;
    for (std::int64_t c : candidates) {  // ascending: ties keep the earliest
        const double cost = price_integral(cfg, c, c + duration_ms, month_kwh);
        if (!found || cost < best.price_hours - 1e-12) {
            best.start = c;
            best.price_hours = cost;
            found = true;
        }
    }
    best.price_hours_now = price_integral(cfg, first, first + duration_ms, month_kwh);
    return best;
}

}  // namespace hearth
