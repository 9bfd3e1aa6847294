// The `energy` answer (docs/energy.md, docs/mqtt-api.md): consumption, cost and share per device
// over [from, to), a series by hour, day or month, the previous period of the same length for
// comparison, and — with a whole-home meter — what no device measured ("unmeasured"). Cost is
// computed per bucket with the tariff in force at the bucket's time; tiered blocks count the whole
// home's consumption since the start of the local month. Pure: buckets in, JSON out.
//
// The answer is assembled from local days: a day that lies wholly in the asked period (or in the
// previous one) is added as a priced day summary, which energy_cache.hpp keeps between queries;
// a day cut by a period boundary is added unit by unit from its buckets.
#pragma once

#include "core/tariff.hpp"
#include "store/store_types.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

enum class energy_grouping { hour, day, month };

struct energy_query {
    std::string device;  ///< "" = every device
    energy_grouping by = energy_grouping::day;
    time_ms from = 0;
    time_ms to = 0;
};

/// Where the buckets for `q` must start so that tiered blocks see the month-to-date
/// consumption of the previous period: the local month start of the previous period.
time_ms energy_fetch_from(const energy_query& q);

/// Builds the answer from every device's buckets in [energy_fetch_from(q), q.to).
nlohmann::json energy_report(const energy_query& q, const energy_config& cfg, std::vector<energy_bucket> buckets);

/// One time unit (an hour, or a UTC day past the hourly retention), priced.
struct priced_unit {
    time_ms ts = 0;
    time_ms span = 0;
    double basis = 0;        ///< kWh the price is based on: the home meter's, else the devices' sum
    double price = 0;        ///< per kWh (0 when no tariff was in force)
    bool priced = false;     ///< a tariff was in force
    double devices_kwh = 0;  ///< every device but the home meter
    std::optional<double> home_kwh;
};

/// One local day, priced: what the answer needs of it when the day lies wholly in one period.
struct energy_day {
    struct device_total {
        std::string_view device;  ///< points into the buckets priced, or into a cache's own copy
        double kwh = 0;
        double cost = 0;
        energy_source source = energy_source::meter;
    };
    time_ms day = 0;              ///< local midnight
    double month_kwh_before = 0;  ///< the home's consumption earlier in this local month (tiered)
    double month_kwh_after = 0;
    std::vector<priced_unit> units;     ///< ascending ts
    std::vector<device_total> devices;  ///< by device id; not the home meter
};

/// Local midnight after the day starting at local midnight `day` (23, 24 or 25 hours later).
time_ms next_local_day(time_ms day);

/// Prices one local day: `buckets` are every device's buckets with ts in [day, next_local_day),
/// sorted by ts; `month_kwh_before` is the home's consumption earlier this local month. The
/// device ids of the result point into `buckets`.
energy_day price_day(const energy_config& cfg, time_ms day, std::span<const energy_bucket> buckets,
                     double month_kwh_before);

/// Where the answer's days come from. `day(d, month_kwh_before)` returns local day d priced (a
/// cache may answer it without reading; the reference is valid until the next call);
/// `buckets(from, to, device)` returns buckets with ts in [from, to), sorted by ts ("" = every
/// device).
struct energy_day_source {
    std::function<const energy_day&(time_ms day, double month_kwh_before)> day;
    std::function<std::vector<energy_bucket>(time_ms from, time_ms to, const std::string& device)> buckets;
};

/// The answer for `q`, reading through `source`.
nlohmann::json energy_report(const energy_query& q, const energy_config& cfg, const energy_day_source& source);

}  // namespace hearth
