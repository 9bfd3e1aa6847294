// Energy accounting rules (see energy_accumulator.hpp and docs/energy.md, "Accounting rules").
#include "store/energy_accumulator.hpp"

#include <algorithm>
#include <cmath>

namespace hearth {
namespace {

constexpr std::int64_t k_ms_per_hour = 3'600'000;
constexpr double k_w_ms_per_kwh = 3.6e9;

std::int64_t floor_hour(std::int64_t ts) {
    std::int64_t h = ts / k_ms_per_hour;
    if (ts % k_ms_per_hour != 0 && ts < 0) --h;
    return h * k_ms_per_hour;
}

}  // namespace

void energy_accumulator::spread(bucket_map& into, const std::string& device_id, energy_source source, double kwh,
                                std::int64_t from, std::int64_t to) {
    if (kwh == 0) return;
    if (to <= from) {
        auto& b = into[{device_id, floor_hour(from)}];
        b.kwh += kwh;
        b.source = source;
        return;
    }
    const double span = static_cast<double>(to - from);
    for (std::int64_t hour = floor_hour(from); hour < to; hour += k_ms_per_hour) {
        const std::int64_t a = std::max(hour, from);
        const std::int64_t b = std::min(hour + k_ms_per_hour, to);
        auto& bucket = into[{device_id, hour}];
        bucket.kwh += kwh * static_cast<double>(b - a) / span;
        bucket.source = source;
    }
}

bool energy_accumulator::plausible(double kwh, std::int64_t from, std::int64_t to) const {
    const double hours = static_cast<double>(std::max<std::int64_t>(to - from, k_ms_per_hour)) / k_ms_per_hour;
    return kwh <= rules_.max_kw * hours;
}

bool energy_accumulator::add(const std::string& device_id, const std::string& property, double value, std::int64_t ts) {
    const bool meter = property == "energy_kwh";
    if (!meter && property != "power_w") return false;
    if (!std::isfinite(value) || value < 0) return true;  // rule R1: rejected, nothing changes
    if (meter) {
        add_meter(device_id, value, ts);
    } else {
        add_power(device_id, value, ts);
    }
    return true;
}

void energy_accumulator::add_meter(const std::string& device_id, double kwh, std::int64_t ts) {
    auto it = tracks_.find(device_id);
    dirty_.insert(device_id);
    if (it == tracks_.end() || it->second.source != energy_source::meter) {
        // M1: the first reading (or the first after power-only accounting) is a baseline.
        tracks_[device_id] = {energy_source::meter, kwh, ts, 0};
        return;
    }
    energy_track& t = it->second;
    const std::int64_t from = t.ts;
    auto count = [&](double used, double new_value) {
        spread(pending_, device_id, energy_source::meter, used, from, ts);
        t.value = new_value;
        t.ts = std::max(t.ts, ts);  // M6: the clock never moves a track backwards
        t.pending_jump = 0;
    };
    if (t.pending_jump > 0) {
        // M4: an implausible step is confirmed when the next reading continues from it.
        const double jump = t.pending_jump;
        t.pending_jump = 0;
        if (kwh >= jump && plausible(kwh - jump, from, ts)) {
            count(kwh - jump, kwh);
            return;
        }
    }
    const double delta = kwh - t.value;
    if (delta >= 0) {
        if (plausible(delta, from, ts)) {
            count(delta, kwh);  // M2 (with M5 spreading over a gap)
        } else {
            t.pending_jump = std::max(kwh, 1e-12);  // M4: held until confirmed, never counted
        }
        return;
    }
    if (-delta <= rules_.reset_fraction * t.value) return;  // M3: jitter below the high-water mark
    // M3: a reset (counter restarted from zero): what it reads now was used since the reset.
    if (plausible(kwh, from, ts)) {
        count(kwh, kwh);
    } else {
        count(0, kwh);
    }
}

void energy_accumulator::add_power(const std::string& device_id, double watts, std::int64_t ts) {
    auto it = tracks_.find(device_id);
    if (it != tracks_.end() && it->second.source == energy_source::meter) return;  // P4: a meter wins
    if (watts > rules_.max_kw * 1000.0) return;                                    // R1: a glitch
    dirty_.insert(device_id);
    if (it == tracks_.end()) {
        tracks_[device_id] = {energy_source::power, watts, ts, 0};  // P1: a baseline
        return;
    }
    energy_track& t = it->second;
    if (ts > t.ts) {
        // P2: the last sample holds until this one, for at most power_hold_ms (P3).
        const std::int64_t held = std::min(ts - t.ts, rules_.power_hold_ms);
        spread(pending_, device_id, energy_source::power, t.value * static_cast<double>(held) / k_w_ms_per_kwh, t.ts,
               t.ts + held);
        t.ts = ts;
    }
    t.value = watts;  // P5: a sample from the past only changes the level from now on
}

}  // namespace hearth
