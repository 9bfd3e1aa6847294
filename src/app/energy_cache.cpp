// The energy answer cache (see energy_cache.hpp). A day missing or stale in memory is priced from
// buckets read in chunks of up to a month (one read for a run of missing days, not one per day).
#include "app/energy_cache.hpp"

#include "store/store.hpp"

#include <algorithm>
#include <cmath>

namespace hearth {
namespace {

/// Days read at once when one is missing.
constexpr int k_chunk_days = 32;

std::int64_t utc_day(time_ms ts) { return ts >= 0 ? ts / ms_per_day : (ts - ms_per_day + 1) / ms_per_day; }

void sort_by_ts(std::vector<energy_bucket>& buckets) {
    std::stable_sort(buckets.begin(), buckets.end(),
                     [](const energy_bucket& a, const energy_bucket& b) { return a.ts < b.ts; });
}

}  // namespace

energy_cache::energy_cache(energy_config cfg, std::filesystem::path db,
                           std::shared_ptr<const energy_change_log> changes, std::size_t max_days)
    : cfg_(std::move(cfg)), db_(std::move(db)), changes_(std::move(changes)), max_days_(max_days) {}

bool energy_cache::fresh(const entry& e, double month_kwh_before) const {
    const time_ms end = next_local_day(e.day.day);
    if (changes_->last_change(utc_day(e.day.day), utc_day(end - 1) + 1) > e.read_at) return false;
    // Tiered prices depend on the month so far: an earlier day that changed changes this one.
    return std::abs(e.day.month_kwh_before - month_kwh_before) <= 1e-9 * std::max(1.0, month_kwh_before);
}

nlohmann::json energy_cache::answer(const energy_query& q) {
    auto reader = store::open_reader(db_);
    if (days_.size() > max_days_) days_.clear();  // bounded memory: start over
    // Buckets read ahead for a run of days that must be priced: [chunk_from, chunk_to).
    std::vector<energy_bucket> chunk;
    time_ms chunk_from = 0;
    time_ms chunk_to = 0;
    std::uint64_t chunk_read_at = 0;

    energy_day_source source;
    source.buckets = [&](time_ms from, time_ms to, const std::string& device) {
        auto buckets = store::read_energy(reader, device, from, to);
        sort_by_ts(buckets);
        return buckets;
    };
    source.day = [&](time_ms day, double before) -> const energy_day& {
        auto it = days_.find(day);
        if (it != days_.end() && fresh(it->second, before)) {
            ++stats_.reused;
            return it->second.day;
        }
        const time_ms end = next_local_day(day);
        if (day < chunk_from || end > chunk_to) {
            chunk_from = day;
            chunk_to = end;
            for (int i = 1; i < k_chunk_days && next_local_day(chunk_to) <= q.to; ++i)
                chunk_to = next_local_day(chunk_to);
            chunk_read_at = changes_->generation();  // before the read: a later commit is seen next time
            chunk = store::read_energy(reader, "", chunk_from, chunk_to);
            sort_by_ts(chunk);
        }
        auto by_ts = [](const energy_bucket& b, time_ms ts) { return b.ts < ts; };
        auto first = std::lower_bound(chunk.begin(), chunk.end(), day, by_ts);
        auto last = std::lower_bound(first, chunk.end(), end, by_ts);
        ++stats_.priced;
        auto& e = days_[day];
        e = {price_day(cfg_, day, std::span<const energy_bucket>(first, last), before), chunk_read_at};
        for (auto& t : e.day.devices) t.device = *names_.insert(std::string(t.device)).first;  // outlives the chunk
        return e.day;
    };
    return energy_report(q, cfg_, source);
}

}  // namespace hearth
