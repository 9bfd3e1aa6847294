// The `energy` answer (see energy_report.hpp).
#include "app/energy_report.hpp"

#include <algorithm>
#include <map>

namespace hearth {
namespace {

using json = nlohmann::json;

struct totals {
    double kwh = 0;
    double cost = 0;
    void add(double k, double price) {
        kwh += k;
        cost += k * price;
    }
};

struct device_totals {
    totals now;
    totals before;
    energy_source source = energy_source::meter;
};

json rounded(const totals& t) { return {{"kwh", t.kwh}, {"cost", t.cost}}; }

time_ms group_of(time_ms ts, energy_grouping by) {
    switch (by) {
    case energy_grouping::hour: return ts - ((ts % ms_per_hour) + ms_per_hour) % ms_per_hour;
    case energy_grouping::day: return local_day_start(ts);
    case energy_grouping::month: return local_month_start(ts);
    }
    return ts;
}

enum class period { now, before, none };

/// Sums days and units into the answer's totals, device rows and series.
class answer_builder {
public:
    answer_builder(const energy_query& q, const energy_config& cfg)
        : q_(q), cfg_(cfg), prev_from_(q.from - (q.to - q.from)) {}

    [[nodiscard]] period at(time_ms ts) const {
        if (ts >= q_.from && ts < q_.to) return period::now;
        if (ts >= prev_from_ && ts < q_.from) return period::before;
        return period::none;
    }

    /// The period [day, end) lies in wholly, or nullopt when a boundary cuts it.
    [[nodiscard]] std::optional<period> whole(time_ms day, time_ms end) const {
        if (day >= q_.from && end <= q_.to) return period::now;
        if (day >= prev_from_ && end <= q_.from) return period::before;
        if (end <= prev_from_) return period::none;
        return std::nullopt;
    }

    /// A day wholly in `p`.
    void add_day(const energy_day& d, period p) {
        if (p == period::none) return;
        for (const auto& u : d.units) {
            add_unit_totals(u, p);
            if (p == period::now && hourly_device_series()) unit_prices_[u.ts] = u.price;
        }
        for (const auto& t : d.devices) {
            auto& row = row_of(t.device);
            row.source = t.source;
            totals& into = p == period::now ? row.now : row.before;
            into.kwh += t.kwh;
            into.cost += t.cost;
            if (p == period::now && t.device == q_.device && !hourly_device_series()) {
                auto& point = series_[group_of(d.day, q_.by)];
                point.kwh += t.kwh;
                point.cost += t.cost;
            }
        }
    }

    /// A day cut by a period boundary: its units one by one, with their buckets (sorted by ts).
    void add_units(const energy_day& d, std::span<const energy_bucket> buckets) {
        std::size_t k = 0;
        for (const auto& u : d.units) {
            while (k < buckets.size() && buckets[k].ts < u.ts) ++k;
            const period p = at(u.ts);
            if (p != period::none) add_unit_totals(u, p);
            for (; k < buckets.size() && buckets[k].ts == u.ts; ++k) {
                const auto& b = buckets[k];
                if (p == period::none || is_home(b.device_id)) continue;
                auto& row = row_of(b.device_id);
                row.source = b.source;
                (p == period::now ? row.now : row.before).add(b.kwh, u.price);
                if (p == period::now && q_.device == b.device_id) series_[group_of(u.ts, q_.by)].add(b.kwh, u.price);
            }
        }
    }

    /// By hour for one device: the days added whole carry no per-device hours; `buckets` (the
    /// device's, in [from, to)) are priced with their units' prices.
    [[nodiscard]] bool hourly_device_series() const { return q_.by == energy_grouping::hour && !q_.device.empty(); }
    [[nodiscard]] bool needs_device_hours() const { return hourly_device_series() && !unit_prices_.empty(); }
    void add_device_hours(std::span<const energy_bucket> buckets) {
        for (const auto& b : buckets) {
            auto price = unit_prices_.find(b.ts);
            if (price != unit_prices_.end() && b.device_id == q_.device)
                series_[group_of(b.ts, q_.by)].add(b.kwh, price->second);
        }
    }

    json finish() const;

private:
    [[nodiscard]] bool is_home(const std::string& id) const {
        return !cfg_.home_meter.empty() && id == cfg_.home_meter;
    }
    device_totals& row_of(std::string_view id) {
        auto it = devices_.find(id);
        return it != devices_.end() ? it->second : devices_[std::string(id)];
    }

    void add_unit_totals(const priced_unit& u, period p) {
        const bool now = p == period::now;
        if (!u.priced && now) unpriced_kwh_ += u.basis;
        if (now && q_.device.empty()) series_[group_of(u.ts, q_.by)].add(u.basis, u.price);  // the whole home
        (now ? sum_now_ : sum_before_).add(u.devices_kwh, u.price);
        if (u.home_kwh) {
            (now ? home_now_ : home_before_).add(*u.home_kwh, u.price);
            if (now) unmeasured_.add(*u.home_kwh - u.devices_kwh, u.price);
        }
    }

    const energy_query& q_;
    const energy_config& cfg_;
    time_ms prev_from_;
    std::map<std::string, device_totals, std::less<>> devices_;
    std::map<time_ms, totals> series_;
    std::map<time_ms, double> unit_prices_;
    totals home_now_, home_before_, unmeasured_, sum_now_, sum_before_;
    double unpriced_kwh_ = 0;
};

}  // namespace

time_ms energy_fetch_from(const energy_query& q) { return local_month_start(q.from - (q.to - q.from)); }

time_ms next_local_day(time_ms day) { return local_day_start(day + ms_per_day + 3 * ms_per_hour); }

energy_day price_day(const energy_config& cfg, time_ms day, std::span<const energy_bucket> buckets,
                     double month_kwh_before) {
    energy_day d;
    d.day = day;
    d.month_kwh_before = month_kwh_before;
    double month_kwh = month_kwh_before;
    std::map<std::string_view, energy_day::device_total> devices;
    for (std::size_t i = 0; i < buckets.size();) {
        priced_unit u;
        u.ts = buckets[i].ts;
        u.span = buckets[i].span_ms;
        std::size_t j = i;
        for (; j < buckets.size() && buckets[j].ts == u.ts; ++j) {
            if (!cfg.home_meter.empty() && buckets[j].device_id == cfg.home_meter) {
                u.home_kwh = u.home_kwh.value_or(0) + buckets[j].kwh;
            } else {
                u.devices_kwh += buckets[j].kwh;
            }
        }
        u.basis = u.home_kwh.value_or(u.devices_kwh);
        const tariff* t = cfg.tariff_at(u.ts);
        u.priced = t != nullptr;
        const double cost = t != nullptr ? t->cost(u.ts, u.span, u.basis, month_kwh) : 0;
        u.price = u.basis > 0 ? cost / u.basis : (t != nullptr ? t->price_at(u.ts, month_kwh) : 0);
        month_kwh += u.basis;
        for (std::size_t k = i; k < j; ++k) {
            const auto& b = buckets[k];
            if (!cfg.home_meter.empty() && b.device_id == cfg.home_meter) continue;
            auto& dev = devices[b.device_id];
            dev.device = b.device_id;
            dev.kwh += b.kwh;
            dev.cost += b.kwh * u.price;
            dev.source = b.source;
        }
        d.units.push_back(u);
        i = j;
    }
    d.month_kwh_after = month_kwh;
    d.devices.reserve(devices.size());
    for (const auto& [id, t] : devices) d.devices.push_back(t);
    return d;
}

json energy_report(const energy_query& q, const energy_config& cfg, const energy_day_source& source) {
    answer_builder answer(q, cfg);
    double month_kwh = 0;
    time_ms month = 0;
    for (time_ms day = local_day_start(energy_fetch_from(q)); day < q.to; day = next_local_day(day)) {
        const time_ms end = next_local_day(day);
        const time_ms this_month = local_month_start(day);
        const double before = this_month == month ? month_kwh : 0;
        const auto p = end <= q.to ? answer.whole(day, end) : std::nullopt;
        if (p) {
            const energy_day& d = source.day(day, before);
            answer.add_day(d, *p);
            month_kwh = d.month_kwh_after;
        } else {
            const auto buckets = source.buckets(day, std::min(end, q.to), "");
            const energy_day d = price_day(cfg, day, buckets, before);
            answer.add_units(d, buckets);
            month_kwh = d.month_kwh_after;
        }
        month = this_month;
    }
    if (answer.needs_device_hours()) answer.add_device_hours(source.buckets(q.from, q.to, q.device));
    return answer.finish();
}

json energy_report(const energy_query& q, const energy_config& cfg, std::vector<energy_bucket> buckets) {
    std::stable_sort(buckets.begin(), buckets.end(),
                     [](const energy_bucket& a, const energy_bucket& b) { return a.ts < b.ts; });
    auto range = [&buckets](time_ms from, time_ms to) {
        auto by_ts = [](const energy_bucket& b, time_ms ts) { return b.ts < ts; };
        auto first = std::lower_bound(buckets.begin(), buckets.end(), from, by_ts);
        auto last = std::lower_bound(first, buckets.end(), to, by_ts);
        return std::span<const energy_bucket>(first, last);
    };
    energy_day_source source;
    energy_day last;
    source.day = [&](time_ms day, double before) -> const energy_day& {
        last = price_day(cfg, day, range(day, next_local_day(day)), before);
        return last;
    };
    source.buckets = [&](time_ms from, time_ms to, const std::string& device) {
        std::vector<energy_bucket> out;
        for (const auto& b : range(from, to))
            if (device.empty() || b.device_id == device) out.push_back(b);
        return out;
    };
    return energy_report(q, cfg, source);
}

json answer_builder::finish() const {
    const bool with_home = !cfg_.home_meter.empty();
    const totals total_now = with_home ? home_now_ : sum_now_;
    const totals total_before = with_home ? home_before_ : sum_before_;
    json rows = json::array();
    for (const auto& [id, d] : devices_) {
        if (!q_.device.empty() && id != q_.device) continue;
        json row = {{"device", id},
                    {"source", d.source == energy_source::power ? "power" : "meter"},
                    {"kwh", d.now.kwh},
                    {"cost", d.now.cost},
                    {"share", total_now.kwh > 0 ? d.now.kwh / total_now.kwh : 0.0},
                    {"previous", rounded(d.before)},
                    {"change", d.before.kwh > 0 ? json((d.now.kwh - d.before.kwh) / d.before.kwh) : json(nullptr)}};
        rows.push_back(std::move(row));
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const json& a, const json& b) { return a["kwh"].get<double>() > b["kwh"].get<double>(); });
    json points = json::array();
    for (const auto& [ts, t] : series_) points.push_back({{"ts", ts}, {"kwh", t.kwh}, {"cost", t.cost}});
    json out = {
        {"from", q_.from},
        {"to", q_.to},
        {"by", q_.by == energy_grouping::hour  ? "hour"
               : q_.by == energy_grouping::day ? "day"
                                               : "month"},
        {"currency", cfg_.currency},
        {"total", rounded(total_now)},
        {"previous", {{"from", prev_from_}, {"to", q_.from}, {"kwh", total_before.kwh}, {"cost", total_before.cost}}},
        {"change", total_before.kwh > 0 ? json((total_now.kwh - total_before.kwh) / total_before.kwh) : json(nullptr)},
        {"devices", rows},
        {"series", points},
        {"unpriced_kwh", unpriced_kwh_}};
    if (with_home) {
        out["home_meter"] = cfg_.home_meter;
        out["unmeasured"] = rounded(unmeasured_);
    }
    return out;
}

}  // namespace hearth
