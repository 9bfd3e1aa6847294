// The synthetic household (household.hpp): per-minute load profiles of ten devices, the readings
// they send, and the trouble injected into them. Times of day are local to UTC+8 (the test runs
// with TZ=CST-8); the household starts at a local midnight.
#include "household.hpp"

#include <hearth/testing/seeded_rng.hpp>

#include <algorithm>
#include <cmath>
#include <functional>

namespace hearth::test {
namespace {

constexpr std::int64_t minute_ms = 60'000;
constexpr int day_min = 1440;
constexpr std::int64_t utc_offset_min = 8 * 60;

using rng = hearth::testing::seeded_rng;

struct builder {
    int minutes;
    int first_weekday;  ///< 0 = Sunday, of day 0

    household_device make(std::string id, bool meter, double standby_w) const {
        return {std::move(id), meter, std::vector<double>(static_cast<std::size_t>(minutes), standby_w)};
    }
    /// Sets [day * 1440 + from_min, + len) to `w` (clipped to the span).
    void set(household_device& d, int day, int from_min, int len, double w) const {
        int a = std::max(0, day * day_min + from_min);
        int b = std::min(minutes, a + len);
        for (int m = a; m < b; ++m) d.watts[static_cast<std::size_t>(m)] = w;
    }
    [[nodiscard]] bool weekend(int day) const {
        int wd = (first_weekday + day) % 7;
        return wd == 0 || wd == 6;
    }
};

std::vector<household_device> make_devices(const builder& b, int days, rng& r) {
    std::vector<household_device> out;
    // Power-only devices.
    auto fridge = b.make("fridge", false, 2.0);  // compressor cycles
    for (int m = 0; m < b.minutes;) {
        int on = r.between(15, 21);
        b.set(fridge, 0, m, on, 110.0 + r.between(0, 10));
        m += on + r.between(28, 36);
    }
    auto tv = b.make("tv_box", false, 9.0);  // 9 W standby, evenings on
    auto lights = b.make("lights", false, 0.0);
    auto router = b.make("router", false, 8.0);
    auto desktop = b.make("desktop", false, 3.0);
    for (int d = 0; d < days; ++d) {
        b.set(tv, d, 19 * 60 + r.between(-30, 30), 4 * 60 + r.between(-30, 30), 120.0);
        b.set(lights, d, 6 * 60 + 30, 60, 15.0);
        b.set(lights, d, 18 * 60 + 30 + r.between(-20, 20), 4 * 60 + 30 + r.between(-30, 30), 60.0);
        if (!b.weekend(d))
            for (int slot = 0; slot < 54; ++slot) b.set(desktop, d, 9 * 60 + slot * 10, 10, 120.0 + r.between(0, 60));
    }
    b.set(router, 30, 10 * 60, 3 * 60, 0.0);  // unplugged for 3 h: 0 W and no reports
    // Metered devices.
    auto washer = b.make("washer", true, 1.0);
    for (int d = 0; d < days; d += r.between(2, 3)) {
        int start = r.between(8, 21) * 60 + r.between(0, 59);
        b.set(washer, d, start, 30, 2000.0);  // heating
        b.set(washer, d, start + 30, 60, 300.0);
    }
    auto dishwasher = b.make("dishwasher", true, 0.5);
    for (int d = 0; d < days; ++d) b.set(dishwasher, d, 21 * 60 + r.between(0, 20), 90, 1200.0);
    auto heater = b.make("water_heater", true, 0.0);
    for (int d = 0; d < days; ++d) {
        b.set(heater, d, 6 * 60, 60, 2000.0);
        b.set(heater, d, 19 * 60 + r.between(0, 30), 60, 2000.0);
    }
    auto ac = b.make("air_conditioner", true, 1.5);
    for (int d = 0; d < days; ++d) {
        double w = d < 30 ? 1500.0 : 900.0;
        b.set(ac, d, 7 * 60, 120, w);
        b.set(ac, d, 18 * 60, 5 * 60, w * 0.8);
    }
    auto ev = b.make("ev_charger", true, 0.0);
    for (int d = 0; d < days; ++d)
        if (r.chance(50)) b.set(ev, d, 23 * 60 + r.between(0, 30), r.between(120, 180), 7000.0);
    for (auto* d : {&fridge, &tv, &lights, &router, &desktop, &washer, &dishwasher, &heater, &ac, &ev})
        out.push_back(std::move(*d));
    return out;
}

/// Readings of a power-only device: on every change, and a heartbeat every 15 minutes, none while
/// it draws nothing for hours (unplugged: the router's outage).
void power_readings(const household& h, const household_device& d, std::vector<household_reading>& out) {
    auto n = static_cast<int>(d.watts.size());
    for (int m = 0; m < n; ++m) {
        double w = d.watts[static_cast<std::size_t>(m)];
        bool changed = m == 0 || w != d.watts[static_cast<std::size_t>(m - 1)];
        bool unplugged = d.id == "router" && w == 0.0;
        if (unplugged || (!changed && m % 15 != 0)) continue;
        std::int64_t ts = h.start_ms + m * minute_ms;
        out.push_back({ts, ts, d.id, "power_w", std::round(w * 10) / 10});
    }
}

/// Readings of a meter every 15 minutes at `offset_min`: the cumulative counter (Wh resolution)
/// from `base_kwh`, its power too (ignored by the rules: a meter wins), and the device's trouble.
void meter_readings(const household& h, const household_device& d, int offset_min, double base_kwh,
                    std::vector<household_reading>& out) {
    auto n = static_cast<int>(d.watts.size());
    double counter = base_kwh;
    int sent = 0;
    bool glitched = false;
    bool jumped = false;
    for (int m = 0; m < n; ++m) {
        double w = d.watts[static_cast<std::size_t>(m)];
        counter += w / 60'000.0;
        int day = m / day_min;
        int tod = m % day_min;
        // Washer: its counter restarts from zero (re-paired) at 12:00 on day 40.
        if (d.id == "washer" && day == 40 && tod == 12 * 60) counter = w / 60'000.0;
        if ((m + 1 + 15 - offset_min) % 15 != 0) continue;
        // Air conditioner: offline 04:00-10:00 on day 60 (consumption goes on, no readings).
        if (d.id == "air_conditioner" && day == 60 && tod >= 4 * 60 && tod < 10 * 60) continue;
        std::int64_t ts = h.start_ms + (m + 1) * minute_ms;
        double kwh = std::round(counter * 1000) / 1000;
        // Water heater: on day 50 after 20:00 the hub's clock is 2 h behind for one reading.
        bool jump = d.id == "water_heater" && day == 50 && tod >= 20 * 60 && !jumped;
        jumped = jumped || jump;
        out.push_back({ts, jump ? ts - 2 * 3'600'000 : ts, d.id, "energy_kwh", kwh});
        out.push_back({ts, ts, d.id, "power_w", w});
        // EV charger: one absurd reading (a glitch) on day 20 after noon.
        if (d.id == "ev_charger" && day == 20 && tod >= 12 * 60 && !glitched) {
            glitched = true;
            out.push_back({ts + 1000, ts + 1000, d.id, "energy_kwh", 99'999.0});
        }
        // Dishwasher: every 10th reading is followed by a re-sent older value (jitter).
        if (d.id == "dishwasher" && ++sent % 10 == 0)
            out.push_back({ts + 2000, ts + 2000, d.id, "energy_kwh", kwh - 0.002});
    }
}

double kwh_of(const std::vector<double>& watts, std::int64_t start_ms, std::int64_t from_ms, std::int64_t to_ms) {
    auto n = static_cast<std::int64_t>(watts.size());
    std::int64_t a = std::clamp<std::int64_t>((from_ms - start_ms) / minute_ms, 0, n);
    std::int64_t b = std::clamp<std::int64_t>((to_ms - start_ms) / minute_ms, 0, n);
    double wh_min = 0;
    for (std::int64_t m = a; m < b; ++m) wh_min += watts[static_cast<std::size_t>(m)];
    return wh_min / 60'000.0;
}

}  // namespace

double household::true_kwh(const household_device& d, std::int64_t from_ms, std::int64_t to_ms) const {
    return kwh_of(d.watts, start_ms, from_ms, to_ms);
}

double household::true_unmeasured_kwh(std::int64_t from_ms, std::int64_t to_ms) const {
    double sum = true_kwh(home, from_ms, to_ms);
    for (const auto& d : devices) sum -= true_kwh(d, from_ms, to_ms);
    return sum;
}

household make_household(std::int64_t start_ms, int days, std::uint64_t seed) {
    household h;
    h.start_ms = start_ms;
    h.days = days;
    std::int64_t local_day = (start_ms / minute_ms + utc_offset_min) / day_min;
    builder b{days * day_min, static_cast<int>((local_day + 4) % 7)};  // 1970-01-01 was a Thursday
    rng r(seed);
    h.devices = make_devices(b, days, r);
    h.home = b.make("main_meter", true, 0.0);
    for (int m = 0; m < b.minutes; ++m) {
        double w = 60.0 + (m / 37) % 5 * 10.0;  // base load nobody measures: 60-100 W
        for (const auto& d : h.devices) w += d.watts[static_cast<std::size_t>(m)];
        h.home.watts[static_cast<std::size_t>(m)] = w;
    }
    int offset = 0;
    for (const auto& d : h.devices) {
        if (d.meter) {
            meter_readings(h, d, offset, 1000.0 + offset * 37.5, h.readings);
        } else {
            power_readings(h, d, h.readings);
        }
        offset = (offset + 4) % 15;
    }
    meter_readings(h, h.home, 7, 25'000.0, h.readings);
    std::stable_sort(h.readings.begin(), h.readings.end(), [](const household_reading& a, const household_reading& b) {
        return a.arrival_ms < b.arrival_ms;
    });
    return h;
}

}  // namespace hearth::test
