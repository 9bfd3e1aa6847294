// store: energy accounting persistence (docs/energy.md). Tracks are loaded at open; the flush
// transaction writes changed tracks and one upsert per touched device-hour (integer mWh, the
// sub-mWh remainder of a device's newest hour carried in memory); purge_step rolls hourly rows
// past energy_hourly_days into UTC days; queries read both, per device by primary key.
#include "store/store.hpp"

#include <cmath>

namespace hearth {
namespace {

constexpr double k_mwh_per_kwh = 1e6;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if (a % b != 0 && a < 0) --q;
    return q;
}

}  // namespace

void store::load_energy_tracks() {
    auto stmt = db_.prepare("SELECT dev, device_id, source, value, ts, pending_jump FROM energy_devices");
    while (stmt.step()) {
        energy_dev_[stmt.column_text(1)] = stmt.column_int64(0);
        energy_track track;
        track.source = stmt.column_int64(2) == 1 ? energy_source::power : energy_source::meter;
        track.value = stmt.column_double(3);
        track.ts = stmt.column_int64(4);
        track.pending_jump = stmt.column_double(5);
        energy_.restore(stmt.column_text(1), track);
    }
}

void store::write_energy() {
    auto& track_upsert = cached(
        "INSERT INTO energy_devices (device_id, source, value, ts, pending_jump) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (device_id) DO UPDATE SET source = excluded.source, value = excluded.value, "
        "ts = excluded.ts, pending_jump = excluded.pending_jump RETURNING dev");
    for (const auto& id : energy_.dirty()) {
        const auto& t = energy_.tracks().at(id);
        track_upsert.bind_all(id, static_cast<int>(t.source), t.value, t.ts, t.pending_jump);
        if (track_upsert.step()) energy_dev_[id] = track_upsert.column_int64(0);
        track_upsert.reset();
    }
    auto& bucket_upsert = cached(
        "INSERT INTO energy_hourly (dev, hour, mwh, source) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (dev, hour) DO UPDATE SET mwh = energy_hourly.mwh + excluded.mwh, source = excluded.source");
    energy_accumulator::bucket_map carry;
    auto& pending = energy_.pending();
    for (auto it = pending.begin(); it != pending.end(); ++it) {
        const auto& [key, delta] = *it;
        const double mwh = delta.kwh * k_mwh_per_kwh;
        const auto whole = static_cast<std::int64_t>(std::llround(mwh));
        auto dev = energy_dev_.find(key.first);
        if (dev == energy_dev_.end()) continue;  // cannot happen: a device with buckets has a track
        if (whole != 0) {
            energy_days_written_.insert(floor_div(key.second, ms_per_day));
            bucket_upsert
                .bind_all(dev->second, floor_div(key.second, ms_per_hour), whole, static_cast<int>(delta.source))
                .run();
        }
        // Keep the remainder of the device's newest hour only (<= 0.5 mWh lost per device-hour).
        const auto next = std::next(it);
        if (next == pending.end() || next->first.first != key.first) {
            carry[key] = {(mwh - static_cast<double>(whole)) / k_mwh_per_kwh, delta.source};
        }
    }
    // Reached only when every statement ran (a throw leaves pending and dirty for the retry); the
    // caller's transaction commits them.
    pending.swap(carry);
    energy_.clear_dirty();
}

std::map<std::string, energy_source> store::energy_devices() {
    std::map<std::string, energy_source> out;
    auto stmt = db_.prepare("SELECT device_id, source FROM energy_devices");
    while (stmt.step()) {
        out[stmt.column_text(0)] = stmt.column_int64(1) == 1 ? energy_source::power : energy_source::meter;
    }
    return out;
}

bool store::roll_up_energy(time_ms now, std::size_t& budget) {
    if (budget == 0) return true;
    const std::int64_t cutoff_hour = floor_div(now - options_.energy_hourly_days * ms_per_day, ms_per_day) * 24;
    auto select =
        db_.prepare("SELECT dev, hour, mwh, source FROM energy_hourly WHERE hour < ?1 ORDER BY hour LIMIT ?2");
    select.bind_all(cutoff_hour, static_cast<std::int64_t>(budget));
    struct row {
        std::int64_t dev, hour, mwh, source;
    };
    std::vector<row> rows;
    while (select.step()) {
        rows.push_back(
            {select.column_int64(0), select.column_int64(1), select.column_int64(2), select.column_int64(3)});
    }
    select.reset();
    if (rows.empty()) return false;
    sqlite::transaction tx(db_);
    auto& add = cached(
        "INSERT INTO energy_daily (dev, day, mwh, source) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (dev, day) DO UPDATE SET mwh = energy_daily.mwh + excluded.mwh, source = excluded.source");
    auto& erase = cached("DELETE FROM energy_hourly WHERE dev = ?1 AND hour = ?2");
    for (const auto& r : rows) {
        add.bind_all(r.dev, floor_div(r.hour, 24), r.mwh, r.source).run();
        erase.bind_all(r.dev, r.hour).run();
    }
    tx.commit();
    for (const auto& r : rows) energy_changes_->touched(floor_div(r.hour, 24));
    const bool full = rows.size() >= budget;
    budget -= std::min(budget, rows.size());
    return full;
}

std::vector<energy_bucket> store::query_energy(const std::string& device_id, time_ms from_ts, time_ms to_ts) {
    return query_energy_on(db_, device_id, from_ts, to_ts);
}

sqlite::db store::open_reader(const std::filesystem::path& path) {
    auto conn = sqlite::db::open(path, true);
    conn.exec("PRAGMA busy_timeout = 2000");
    return conn;
}

std::vector<energy_bucket> store::read_energy(const std::filesystem::path& path, const std::string& device_id,
                                              time_ms from_ts, time_ms to_ts) {
    auto conn = open_reader(path);
    return query_energy_on(conn, device_id, from_ts, to_ts);
}

std::vector<energy_bucket> store::read_energy(sqlite::db& reader, const std::string& device_id, time_ms from_ts,
                                              time_ms to_ts) {
    return query_energy_on(reader, device_id, from_ts, to_ts);
}

std::vector<energy_bucket> store::query_energy_on(sqlite::db& db, const std::string& device_id, time_ms from_ts,
                                                  time_ms to_ts) {
    std::vector<energy_bucket> out;
    if (to_ts <= from_ts) return out;
    std::vector<std::pair<std::int64_t, std::string>> devices;
    {
        auto list =
            db.prepare("SELECT dev, device_id FROM energy_devices WHERE ?1 = '' OR device_id = ?1 ORDER BY device_id");
        list.bind_all(device_id);
        while (list.step()) devices.emplace_back(list.column_int64(0), list.column_text(1));
    }
    auto daily = db.prepare("SELECT day, mwh, source FROM energy_daily WHERE dev = ?1 AND day >= ?2 AND day < ?3");
    auto hourly = db.prepare("SELECT hour, mwh, source FROM energy_hourly WHERE dev = ?1 AND hour >= ?2 AND hour < ?3");
    // A bucket overlapping the range counts: its first unit is the one containing from_ts.
    const std::int64_t first_day = floor_div(from_ts, ms_per_day);
    const std::int64_t end_day = floor_div(to_ts - 1, ms_per_day) + 1;
    const std::int64_t first_hour = floor_div(from_ts, ms_per_hour);
    const std::int64_t end_hour = floor_div(to_ts - 1, ms_per_hour) + 1;
    auto source_of = [](std::int64_t s) { return s == 1 ? energy_source::power : energy_source::meter; };
    // Appends the rows of `stmt` (daily or hourly, by `unit`) for one device.
    auto read = [&](sqlite::statement& stmt, std::int64_t dev, const std::string& id, std::int64_t first,
                    std::int64_t end, time_ms unit) {
        stmt.bind_all(dev, first, end);
        while (stmt.step()) {
            out.push_back({id, stmt.column_int64(0) * unit, unit,
                           static_cast<double>(stmt.column_int64(1)) / k_mwh_per_kwh, source_of(stmt.column_int64(2))});
        }
        stmt.reset();
    };
    for (const auto& [dev, id] : devices) {
        read(daily, dev, id, first_day, end_day, ms_per_day);
        read(hourly, dev, id, first_hour, end_hour, ms_per_hour);
    }
    return out;
}

}  // namespace hearth
