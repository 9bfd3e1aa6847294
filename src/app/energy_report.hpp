// The `energy` answer (docs/energy.md, docs/mqtt-api.md): consumption, cost and share per device
// over [from, to), a series by hour, day or month, the previous period of the same length for
// comparison, and — with a whole-home meter — what no device measured ("unmeasured"). Cost is
// computed per bucket with the tariff in force at the bucket's time; tiered blocks count the whole
// home's consumption since the start of the local month. Pure: buckets in, JSON out.
#pragma once

#include "core/tariff.hpp"
#include "store/store_types.hpp"

#include <nlohmann/json.hpp>

#include <string>
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

}  // namespace hearth
