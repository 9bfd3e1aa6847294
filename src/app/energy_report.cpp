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

}  // namespace

time_ms energy_fetch_from(const energy_query& q) { return local_month_start(q.from - (q.to - q.from)); }

json energy_report(const energy_query& q, const energy_config& cfg, std::vector<energy_bucket> buckets) {
    const time_ms prev_from = q.from - (q.to - q.from);
    std::stable_sort(buckets.begin(), buckets.end(),
                     [](const energy_bucket& a, const energy_bucket& b) { return a.ts < b.ts; });
    std::map<std::string, device_totals> devices;
    std::map<time_ms, totals> series;
    totals home_now, home_before, unmeasured, sum_now, sum_before;
    double unpriced_kwh = 0;
    double month_kwh = 0;
    time_ms month = 0;
    // One time unit (an hour, or a UTC day past the hourly retention) at a time, in order.
    for (std::size_t i = 0; i < buckets.size();) {
        std::size_t j = i;
        double devices_kwh = 0;
        std::optional<double> home_kwh;
        while (j < buckets.size() && buckets[j].ts == buckets[i].ts) {
            if (!cfg.home_meter.empty() && buckets[j].device_id == cfg.home_meter) {
                home_kwh = home_kwh.value_or(0) + buckets[j].kwh;
            } else {
                devices_kwh += buckets[j].kwh;
            }
            ++j;
        }
        const time_ms ts = buckets[i].ts;
        const time_ms span = buckets[i].span_ms;
        if (const time_ms m = local_month_start(ts); m != month) {
            month = m;
            month_kwh = 0;
        }
        // The price basis: the home meter when it reported this unit, else the devices' sum.
        const double basis = home_kwh.value_or(devices_kwh);
        const tariff* t = cfg.tariff_at(ts);
        const double unit_cost = t != nullptr ? t->cost(ts, span, basis, month_kwh) : 0;
        const double price = basis > 0 ? unit_cost / basis : (t != nullptr ? t->price_at(ts, month_kwh) : 0);
        month_kwh += basis;
        const bool in_now = ts >= q.from && ts < q.to;
        const bool in_before = ts >= prev_from && ts < q.from;
        if (!in_now && !in_before) {
            i = j;
            continue;
        }
        if (t == nullptr && in_now) unpriced_kwh += basis;
        for (std::size_t k = i; k < j; ++k) {
            const auto& b = buckets[k];
            if (!cfg.home_meter.empty() && b.device_id == cfg.home_meter) continue;
            auto& d = devices[b.device_id];
            d.source = b.source;
            totals& into = in_now ? d.now : d.before;
            into.kwh += b.kwh;
            into.cost += b.kwh * price;
            if (in_now && q.device == b.device_id) {
                auto& point = series[group_of(ts, q.by)];
                point.kwh += b.kwh;
                point.cost += b.kwh * price;
            }
        }
        if (in_now && q.device.empty()) {  // the whole home: its meter when it reported, else the sum
            auto& point = series[group_of(ts, q.by)];
            point.kwh += basis;
            point.cost += basis * price;
        }
        totals& sum = in_now ? sum_now : sum_before;
        sum.kwh += devices_kwh;
        sum.cost += devices_kwh * price;
        if (home_kwh) {
            totals& home = in_now ? home_now : home_before;
            home.kwh += *home_kwh;
            home.cost += *home_kwh * price;
            if (in_now) {
                unmeasured.kwh += *home_kwh - devices_kwh;
                unmeasured.cost += (*home_kwh - devices_kwh) * price;
            }
        }
        i = j;
    }
    const bool with_home = !cfg.home_meter.empty();
    const totals total_now = with_home ? home_now : sum_now;
    const totals total_before = with_home ? home_before : sum_before;
    json rows = json::array();
    for (const auto& [id, d] : devices) {
        if (!q.device.empty() && id != q.device) continue;
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
    for (const auto& [ts, t] : series) points.push_back({{"ts", ts}, {"kwh", t.kwh}, {"cost", t.cost}});
    json out = {
        {"from", q.from},
        {"to", q.to},
        {"by", q.by == energy_grouping::hour  ? "hour"
               : q.by == energy_grouping::day ? "day"
                                              : "month"},
        {"currency", cfg.currency},
        {"total", rounded(total_now)},
        {"previous", {{"from", prev_from}, {"to", q.from}, {"kwh", total_before.kwh}, {"cost", total_before.cost}}},
        {"change", total_before.kwh > 0 ? json((total_now.kwh - total_before.kwh) / total_before.kwh) : json(nullptr)},
        {"devices", rows},
        {"series", points},
        {"unpriced_kwh", unpriced_kwh}};
    if (with_home) {
        out["home_meter"] = cfg.home_meter;
        out["unmeasured"] = rounded(unmeasured);
    }
    return out;
}

}  // namespace hearth
