// Which UTC days of energy buckets changed, and when (docs/energy.md, "Answer cache"): the store
// records every day its flush or roll-up committed buckets for, after the commit; the query thread
// asks whether a day changed since it last read it, so it can keep priced days in memory and read
// only what changed. Thread-safe (one mutex; a few map operations per flush and per query).
// In memory only: a restarted hub starts with an empty answer cache.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>

namespace hearth {

class energy_change_log {
public:
    /// The change counter now; read it BEFORE reading buckets so a later commit is never missed.
    [[nodiscard]] std::uint64_t generation() const {
        std::lock_guard lock(mutex_);
        return generation_;
    }

    /// Records that buckets of UTC day `utc_day` (days since the epoch) were committed. Call after
    /// the commit.
    void touched(std::int64_t utc_day) {
        std::lock_guard lock(mutex_);
        days_[utc_day] = ++generation_;
    }

    /// The newest change counter of any UTC day in [first_day, end_day), 0 if none changed.
    [[nodiscard]] std::uint64_t last_change(std::int64_t first_day, std::int64_t end_day) const {
        std::lock_guard lock(mutex_);
        std::uint64_t newest = 0;
        for (auto it = days_.lower_bound(first_day); it != days_.end() && it->first < end_day; ++it)
            newest = it->second > newest ? it->second : newest;
        return newest;
    }

private:
    mutable std::mutex mutex_;
    std::uint64_t generation_ = 0;
    std::map<std::int64_t, std::uint64_t> days_;
};

}  // namespace hearth
