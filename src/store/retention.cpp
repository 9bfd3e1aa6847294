// store: retention and history reads. purge_step does bounded work per call: raw history past its
// (per-property) retention is first folded into hourly min/max/mean/count rows and then deleted in
// the same transaction; expired hourly rows, events and audit rows are deleted; the size budget
// removes the oldest raw history first; freed pages are returned with incremental_vacuum.
#include "store/store.hpp"

#include "log/log.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

namespace hearth {
namespace {

constexpr int k_vacuum_pages = 256;

time_ms hour_of(time_ms ts) {
    time_ms h = ts / ms_per_hour;
    if (ts % ms_per_hour != 0 && ts < 0) --h;
    return h * ms_per_hour;
}

struct aggregate {
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    double sum = 0;
    std::int64_t count = 0;
};

}  // namespace

bool store::downsample_and_delete(sqlite::statement& select, std::size_t& budget) {
    std::map<std::tuple<std::string, std::string, time_ms>, aggregate> hours;
    std::vector<std::int64_t> ids;
    while (select.step()) {
        ids.push_back(select.column_int64(0));
        if (select.column_is_null(3)) continue;  // non-numeric values are not downsampled
        auto& agg = hours[{select.column_text(1), select.column_text(2), hour_of(select.column_int64(4))}];
        double v = select.column_double(3);
        agg.min = std::min(agg.min, v);
        agg.max = std::max(agg.max, v);
        agg.sum += v;
        ++agg.count;
    }
    select.reset();
    if (ids.empty()) return false;
    sqlite::transaction tx(db_);
    auto& upsert = cached(
        "INSERT INTO history_hourly (device_id, property, hour_ts, min, max, mean, count) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (device_id, property, hour_ts) DO UPDATE "
        "SET min = min(history_hourly.min, excluded.min), "
        "max = max(history_hourly.max, excluded.max), "
        "mean = (history_hourly.mean * history_hourly.count + excluded.mean * excluded.count) "
        "/ (history_hourly.count + excluded.count), "
        "count = history_hourly.count + excluded.count");
    for (const auto& [key, agg] : hours) {
        const auto& [device, property, hour] = key;
        upsert.bind_all(device, property, hour, agg.min, agg.max, agg.sum / static_cast<double>(agg.count), agg.count)
            .run();
    }
    auto& erase = cached("DELETE FROM state_history WHERE id = ?1");
    for (auto id : ids) erase.bind_all(id).run();
    tx.commit();
    bool full = ids.size() >= budget;
    budget -= std::min(budget, ids.size());
    return full;
}

bool store::delete_batch(const char* sql, time_ms cutoff, std::size_t& budget) {
    if (budget == 0) return true;
    cached(sql).bind_all(cutoff, static_cast<std::int64_t>(budget)).run();
    auto n = static_cast<std::size_t>(db_.changes());
    bool full = n >= budget;
    budget -= std::min(budget, n);
    return full;
}

bool store::enforce_size_budget(std::size_t& budget) {
    const auto limit = options_.size_budget_bytes;
    if (limit == 0 || used_bytes() <= limit) return false;
    if (budget == 0) return true;
    const std::size_t before = budget;
    auto select = db_.prepare("SELECT id, device_id, property, value_num, ts FROM state_history ORDER BY ts LIMIT ?1");
    select.bind_all(static_cast<std::int64_t>(budget));
    downsample_and_delete(select, budget);
    constexpr time_ms all = std::numeric_limits<time_ms>::max();
    if (budget == before) {
        delete_batch(
            "DELETE FROM events WHERE id IN "
            "(SELECT id FROM events WHERE ts < ?1 ORDER BY ts LIMIT ?2)",
            all, budget);
    }
    if (budget == before) {
        delete_batch(
            "DELETE FROM history_hourly WHERE (device_id, property, hour_ts) IN "
            "(SELECT device_id, property, hour_ts FROM history_hourly WHERE hour_ts < ?1 "
            "ORDER BY hour_ts LIMIT ?2)",
            all, budget);
    }
    if (budget == before) {
        log::store().warn(
            "store: database uses {} bytes, over the {} byte budget, with nothing left to "
            "prune (devices, rules and audit are never pruned for size)",
            used_bytes(), limit);
        return false;
    }
    return true;  // re-measure on the next call (pages are freed as rows go)
}

bool store::purge_step(time_ms now, std::size_t budget) {
    bool more = false;
    // Distinct properties by index skip-scan (one seek each), so the scan cost does not grow
    // with the number of history rows.
    auto props = db_.prepare(
        "WITH RECURSIVE p(name) AS (SELECT min(property) FROM state_history UNION ALL "
        "SELECT (SELECT min(property) FROM state_history WHERE property > p.name) FROM p "
        "WHERE p.name IS NOT NULL) SELECT name FROM p WHERE name IS NOT NULL");
    std::vector<std::string> properties;
    while (props.step()) properties.push_back(props.column_text(0));
    props.reset();
    for (const auto& property : properties) {
        if (budget == 0) return true;
        // Overrides: "<property>" for every device, "<device>.<property>" for one device (wins).
        auto it = options_.property_history_days.find(property);
        const int days = it != options_.property_history_days.end() ? it->second : options_.history_days;
        nlohmann::json special = nlohmann::json::array();
        const std::string suffix = "." + property;
        for (const auto& [key, device_days] : options_.property_history_days) {
            if (key.size() <= suffix.size() || key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0)
                continue;
            const std::string device = key.substr(0, key.size() - suffix.size());
            special.push_back(device);
            auto one = db_.prepare(
                "SELECT id, device_id, property, value_num, ts FROM state_history "
                "WHERE device_id = ?1 AND property = ?2 AND ts < ?3 ORDER BY ts LIMIT ?4");
            one.bind_all(device, property, now - device_days * ms_per_day, static_cast<std::int64_t>(budget));
            more = downsample_and_delete(one, budget) || more;
        }
        auto select = db_.prepare(
            "SELECT id, device_id, property, value_num, ts FROM state_history "
            "WHERE property = ?1 AND ts < ?2 AND device_id NOT IN (SELECT value FROM json_each(?4)) "
            "ORDER BY ts LIMIT ?3");
        select.bind_all(property, now - days * ms_per_day, static_cast<std::int64_t>(budget), special.dump());
        more = downsample_and_delete(select, budget) || more;
    }
    more = delete_batch(
               "DELETE FROM history_hourly WHERE (device_id, property, hour_ts) IN "
               "(SELECT device_id, property, hour_ts FROM history_hourly "
               "WHERE hour_ts < ?1 ORDER BY hour_ts LIMIT ?2)",
               now - options_.downsampled_days * ms_per_day, budget) ||
           more;
    more = roll_up_energy(now, budget) || more;
    more = delete_batch(
               "DELETE FROM events WHERE id IN "
               "(SELECT id FROM events WHERE ts < ?1 ORDER BY ts LIMIT ?2)",
               now - options_.events_days * ms_per_day, budget) ||
           more;
    more = delete_batch(
               "DELETE FROM activity WHERE id IN "
               "(SELECT id FROM activity WHERE ts < ?1 ORDER BY ts LIMIT ?2)",
               now - options_.activity_days * ms_per_day, budget) ||
           more;
    if (options_.audit_days > 0) {
        // The chain now starts after the last row pruned: remember its hash (audit_chain.hpp).
        auto anchor = db_.prepare(
            "INSERT OR REPLACE INTO audit_anchor (k, prev_hash) SELECT 1, hash FROM audit_log WHERE id = "
            "(SELECT max(id) FROM (SELECT id FROM audit_log WHERE ts < ?1 ORDER BY id LIMIT ?2))");
        anchor.bind_all(now - options_.audit_days * ms_per_day, static_cast<std::int64_t>(budget));
        anchor.run();
        more = delete_batch(
                   "DELETE FROM audit_log WHERE id IN "
                   "(SELECT id FROM audit_log WHERE ts < ?1 ORDER BY id LIMIT ?2)",
                   now - options_.audit_days * ms_per_day, budget) ||
               more;
    }
    more = enforce_size_budget(budget) || more;
    if (db_.query_int("PRAGMA auto_vacuum").value_or(0) == 2) {
        auto free_pages = db_.query_int("PRAGMA freelist_count").value_or(0);
        if (free_pages > 0) {
            db_.exec("PRAGMA incremental_vacuum(" + std::to_string(k_vacuum_pages) + ")");
            more = more || free_pages > k_vacuum_pages;
        }
    }
    return more;
}

std::vector<history_point> store::query_history(const std::string& device_id, const std::string& property,
                                                time_ms from_ts, time_ms to_ts, std::size_t limit) {
    return query_history_on(db_, device_id, property, from_ts, to_ts, limit);
}

std::vector<history_point> store::read_history(const std::filesystem::path& path, const std::string& device_id,
                                               const std::string& property, time_ms from_ts, time_ms to_ts,
                                               std::size_t limit) {
    auto conn = sqlite::db::open(path, true);
    conn.exec("PRAGMA busy_timeout = 2000");
    return query_history_on(conn, device_id, property, from_ts, to_ts, limit);
}

std::vector<history_point> store::query_history_on(sqlite::db& db_, const std::string& device_id,
                                                   const std::string& property, time_ms from_ts, time_ms to_ts,
                                                   std::size_t limit) {
    const auto lim = static_cast<std::int64_t>(
        std::min<std::size_t>(limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
    std::vector<history_point> hourly;
    auto coarse = db_.prepare(
        "SELECT hour_ts, min, max, mean, count FROM history_hourly WHERE device_id = ?1 AND "
        "property = ?2 AND hour_ts >= ?3 AND hour_ts <= ?4 ORDER BY hour_ts LIMIT ?5");
    coarse.bind_all(device_id, property, hour_of(from_ts), to_ts, lim);
    while (coarse.step()) {
        history_point p;
        p.ts = coarse.column_int64(0);
        p.downsampled = true;
        p.min = coarse.column_double(1);
        p.max = coarse.column_double(2);
        p.value = coarse.column_double(3);
        p.count = coarse.column_int64(4);
        hourly.push_back(std::move(p));
    }
    std::vector<history_point> raw;
    auto fine = db_.prepare(
        "SELECT ts, value_num, value_json FROM state_history WHERE device_id = ?1 AND "
        "property = ?2 AND ts >= ?3 AND ts <= ?4 ORDER BY ts LIMIT ?5");
    fine.bind_all(device_id, property, from_ts, to_ts, lim);
    while (fine.step()) {
        history_point p;
        p.ts = fine.column_int64(0);
        if (!fine.column_is_null(1)) {
            double v = fine.column_double(1);
            p.value = v;
            p.min = p.max = v;
        } else {
            p.value = nlohmann::json::parse(fine.column_text(2));
        }
        raw.push_back(std::move(p));
    }
    std::vector<history_point> merged;
    merged.reserve(hourly.size() + raw.size());
    std::merge(hourly.begin(), hourly.end(), raw.begin(), raw.end(), std::back_inserter(merged),
               [](const history_point& a, const history_point& b) { return a.ts < b.ts; });
    if (merged.size() > limit) merged.resize(limit);
    return merged;
}

std::vector<event_record> store::query_events(const std::string& device_id, time_ms from_ts, time_ms to_ts,
                                              std::size_t limit) {
    auto stmt = db_.prepare(
        "SELECT device_id, event_type, payload, ts FROM events WHERE (?1 = '' OR device_id = ?1) "
        "AND ts >= ?2 AND ts <= ?3 ORDER BY ts, id LIMIT ?4");
    stmt.bind_all(device_id, from_ts, to_ts, static_cast<std::int64_t>(limit));
    std::vector<event_record> result;
    while (stmt.step()) {
        result.push_back({stmt.column_text(0), stmt.column_text(1), nlohmann::json::parse(stmt.column_text(2)),
                          stmt.column_int64(3)});
    }
    return result;
}

}  // namespace hearth
