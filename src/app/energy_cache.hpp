// The energy answer cache (docs/energy.md, "Answer cache"): keeps priced local days in memory on
// the query thread, so a question over months or years reads only the days whose buckets changed
// since it last read them (the store's energy_change_log says which) and sums the rest. Answers
// are exactly those of energy_report() over freshly read buckets.
//
// Threading: one thread (the query worker) calls answer(); the change log is thread-safe.
#pragma once

#include "app/energy_report.hpp"
#include "store/energy_changes.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace hearth {

class energy_cache {
public:
    /// Answers for the database at `db` under `cfg`; `changes` is the store's log.
    energy_cache(energy_config cfg, std::filesystem::path db, std::shared_ptr<const energy_change_log> changes,
                 std::size_t max_days = 1500);

    /// The `energy` answer for `q` (as energy_report() over every bucket). Throws sqlite::error.
    nlohmann::json answer(const energy_query& q);

    /// Days priced from buckets / taken from memory since construction (for tests and the bench).
    struct counters {
        std::size_t priced = 0;
        std::size_t reused = 0;
    };
    [[nodiscard]] const counters& stats() const { return stats_; }

private:
    struct entry {
        energy_day day;
        std::uint64_t read_at = 0;  ///< change counter before its buckets were read
    };
    [[nodiscard]] bool fresh(const entry& e, double month_kwh_before) const;

    energy_config cfg_;
    std::filesystem::path db_;
    std::shared_ptr<const energy_change_log> changes_;
    std::size_t max_days_;
    std::map<time_ms, entry> days_;
    std::set<std::string, std::less<>> names_;  ///< the device ids the cached days point to
    counters stats_;
};

}  // namespace hearth
