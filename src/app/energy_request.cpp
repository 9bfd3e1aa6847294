// The `energy` bridge request (docs/mqtt-api.md, docs/energy.md): checks its arguments, then
// answers it on the query thread (persistence::run_query) through the energy answer cache.
#include "app/energy_cache.hpp"
#include "app/energy_report.hpp"
#include "app/persistence.hpp"

#include "core/device_model.hpp"
#include "core/json_fields.hpp"
#include "log/log.hpp"

#include <limits>

namespace hearth {

namespace {

/// At most this many series points per answer (2 years by day, or ~14 months by hour).
constexpr std::size_t k_max_series_points = 10'000;
/// How far back the cache is warmed at start: two years, what the hourly buckets keep.
constexpr time_ms k_warm_ms = 730 * ms_per_day;
/// At most this long a range (and as long again for the comparison).
constexpr time_ms k_max_range_ms = 10LL * 366 * ms_per_day;

}  // namespace

void persistence::install_energy_request(mqtt::bridge& bridge) {
    using json = nlohmann::json;
    energy_cache_ = std::make_shared<energy_cache>(energy_, store_->path(), store_->energy_changes());
    // Warm the cache on the query thread: the first long-range answer after a start then sums
    // priced days instead of reading every bucket (docs/energy.md, "Answer cache").
    const time_ms started = clock_.now_ms();
    history_worker_.submit([cache = energy_cache_, started] {
        try {
            (void)cache->answer({"", energy_grouping::month, local_month_start(started - k_warm_ms), started});
        } catch (const std::exception& e) {
            log::store().warn("energy: warming the answer cache failed: {}", e.what());
        }
    });
    bridge.add_request("energy", [this](const json& args, const std::function<void(mqtt::request_reply)>& reply) {
        field_reader f(args);
        const auto device = f.optional_string("device");
        const auto by = f.optional_string("by");
        const auto from_arg =
            f.optional_integer("from", 0, std::numeric_limits<time_ms>::max() / 4, "ms since the epoch");
        const auto to_arg = f.optional_integer("to", 0, std::numeric_limits<time_ms>::max() / 4, "ms since the epoch");
        if (f.failed()) return reply(mqtt::request_reply::failure(f.error()));
        energy_query q;
        if (device) {
            if (!is_valid_id(*device)) return reply(mqtt::request_reply::failure("'device' is not a valid device id"));
            q.device = *device;
        }
        if (by) {
            if (*by == "hour") {
                q.by = energy_grouping::hour;
            } else if (*by == "day") {
                q.by = energy_grouping::day;
            } else if (*by == "month") {
                q.by = energy_grouping::month;
            } else {
                return reply(mqtt::request_reply::failure("'by' must be one of hour, day, month"));
            }
        }
        const time_ms now = clock_.now_ms();
        q.to = to_arg.value_or(now);
        q.from = from_arg.value_or(local_month_start(q.to - 1));
        if (q.to <= q.from) return reply(mqtt::request_reply::failure("'to' must be after 'from'"));
        if (q.to - q.from > k_max_range_ms) {
            return reply(mqtt::request_reply::failure("the range is longer than 10 years; ask for a shorter one"));
        }
        const time_ms unit = q.by == energy_grouping::hour  ? ms_per_hour
                             : q.by == energy_grouping::day ? ms_per_day
                                                            : 0;
        if (unit > 0 && static_cast<std::size_t>((q.to - q.from) / unit) > k_max_series_points) {
            return reply(mqtt::request_reply::failure("the answer would have more than " +
                                                      std::to_string(k_max_series_points) +
                                                      " points: ask for a coarser 'by' or a shorter range"));
        }
        if (!energy_cache_)
            energy_cache_ = std::make_shared<energy_cache>(energy_, store_->path(), store_->energy_changes());
        run_query(
            "energy", [cache = energy_cache_, q] { return mqtt::request_reply::success(cache->answer(q)); }, reply);
    });
}

}  // namespace hearth
