// Energy queries and storage at scale (docs/benchmarks.md, "Energy"): N devices × D days of
// hourly consumption written through the real store (energy_kwh meter readings, or power_w for
// every fourth device, one per device and hour, flushed once per simulated day), then the size of
// the energy tables (SQLite's dbstat) and the latency of `energy` answers for typical questions:
// through the answer cache as the query thread runs them (cold: the first answer after a start;
// warm: while every device keeps reporting), and — baselines in the same run — without the cache
// (every bucket read and priced) and a bare SQLite scan summing the same rows.
//
//   energy_bench [--devices 100] [--days 730] [--runs 50] [--db DIR]
// Prints one JSON object. The time-of-use tariff of docs/energy.md prices every answer.
#include "app/energy_cache.hpp"
#include "app/energy_report.hpp"
#include "core/config.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

#include <hearth/testing/temp_dir.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <malloc.h>
#include <iostream>
#include <string>
#include <vector>

namespace {

using hearth::time_ms;
using nlohmann::json;
constexpr time_ms hour_ms = 3'600'000;
constexpr time_ms day_ms = 24 * hour_ms;

struct options {
    int devices = 100;
    int days = 730;
    int runs = 50;
    std::string db_dir;
};

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        std::string v = argv[i + 1];
        if (k == "--devices")
            o.devices = std::stoi(v);
        else if (k == "--days")
            o.days = std::stoi(v);
        else if (k == "--runs")
            o.runs = std::stoi(v);
        else if (k == "--db")
            o.db_dir = v;
        else
            throw std::invalid_argument("unknown option " + k);
    }
    return o;
}

hearth::energy_config tariff() {
    auto r = hearth::parse_config(R"({"energy": {"currency": "CNY", "tariffs": [{"from": "2020-01-01",
      "type": "time_of_use", "periods": {"peak": 0.98, "flat": 0.62, "valley": 0.31},
      "schedules": [{"weekdays": ["sat", "sun"], "slots": [{"start": "00:00", "period": "valley"}]},
                    {"slots": [{"start": "00:00", "period": "valley"}, {"start": "08:00", "period": "flat"},
                               {"start": "18:00", "period": "peak"}, {"start": "21:30", "period": "flat"},
                               {"start": "23:00", "period": "valley"}]}]}]}})",
                                  "bench.json", "/");
    if (!r) throw std::runtime_error(r.error().at(0).to_string());
    return r->energy;
}

/// Writes the data set into `st`; returns seconds taken.
double fill(hearth::store& store, const options& o, time_ms start, std::vector<double>& meter) {
    auto t0 = std::chrono::steady_clock::now();
    auto* st = &store;
    meter.assign(static_cast<std::size_t>(o.devices), 100.0);
    for (int d = 0; d < o.days; ++d) {
        for (int hr = 0; hr < 24; ++hr) {
            time_ms ts = start + d * day_ms + hr * hour_ms + 60'000;
            for (int i = 0; i < o.devices; ++i) {
                std::string id = "dev_" + std::to_string(i);
                double watts = 5.0 + (i % 7) * 40.0 + ((hr * 7 + i + d) % 11) * 15.0;
                if (i % 4 == 3) {
                    st->queue_state(id, "power_w", watts, ts);
                } else {
                    meter[static_cast<std::size_t>(i)] += watts / 1000.0;
                    st->queue_state(id, "energy_kwh", meter[static_cast<std::size_t>(i)], ts);
                }
            }
        }
        st->flush();
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

json table_sizes(const std::filesystem::path& db) {
    auto conn = hearth::sqlite::db::open(db, true);
    auto stmt = conn.prepare("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name");
    json out = json::object();
    std::int64_t energy = 0;
    std::int64_t all = 0;
    while (stmt.step()) {
        std::string name = stmt.column_text(0);
        std::int64_t bytes = stmt.column_int64(1);
        all += bytes;
        if (name.find("energy_") != std::string::npos) {
            out[name] = bytes;
            energy += bytes;
        }
    }
    out["energy_total_bytes"] = energy;
    out["database_bytes"] = all;
    return out;
}

/// Bytes malloc has handed out and not had back (glibc).
long long heap_in_use() { return static_cast<long long>(mallinfo2().uordblks); }

json percentiles(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) {
        return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ms.size())))];
    };
    return {{"p50_ms", at(0.5)}, {"p99_ms", at(0.99)}, {"max_ms", ms.back()}, {"runs", ms.size()}};
}

json time_runs(int runs, const std::function<std::size_t()>& fn) {
    std::vector<double> ms;
    std::size_t rows = 0;
    for (int i = 0; i < runs; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        rows = fn();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    json out = percentiles(ms);
    out["rows"] = rows;
    return out;
}

}  // namespace

int main(int argc, char** argv) try {
    const options o = parse(argc, argv);
    ::setenv("TZ", "CST-8", 1);
    ::tzset();
    hearth::testing::temp_dir tmp("energy-bench");
    const std::filesystem::path db = (o.db_dir.empty() ? tmp.path() : std::filesystem::path(o.db_dir)) / "hearth.db";
    const time_ms start = 1'704'038'400'000;  // 2024-01-01 00:00 UTC+8
    const time_ms end = start + o.days * day_ms;
    const auto cfg = tariff();

    json out;
    out["devices"] = o.devices;
    out["days"] = o.days;
    auto st = hearth::store::open(db, {}, start);
    std::vector<double> meter;
    out["fill_s"] = fill(*st, o, start, meter);
    out["storage"] = table_sizes(db);
    // Between warm answers the hub keeps writing: one more reading per device in the last hour.
    int writes = 0;
    auto write_last_hour = [&] {
        const time_ms ts = end - 30 * 60'000 + ++writes;
        for (int i = 0; i < o.devices; ++i) {
            std::string id = "dev_" + std::to_string(i);
            if (i % 4 == 3) {
                st->queue_state(id, "power_w", 50.0 + writes % 10, ts);
            } else {
                meter[static_cast<std::size_t>(i)] += 0.001;
                st->queue_state(id, "energy_kwh", meter[static_cast<std::size_t>(i)], ts);
            }
        }
        st->flush();
    };

    struct question {
        std::string name;
        hearth::energy_query q;
    };
    const time_ms month = hearth::local_month_start(end - day_ms);
    const std::vector<question> questions = {
        {"home_this_month_by_day", {"", hearth::energy_grouping::day, month, end}},
        {"device_last_week_by_hour", {"dev_5", hearth::energy_grouping::hour, end - 7 * day_ms, end}},
        {"device_two_years_by_month", {"dev_5", hearth::energy_grouping::month, start, end}},
        {"home_last_year_by_month", {"", hearth::energy_grouping::month, end - 365 * day_ms, end}},
        {"home_two_years_by_month", {"", hearth::energy_grouping::month, start, end}},
    };
    json answers = json::object();
    for (const auto& [name, q] : questions) {
        json entry;
        const time_ms from = hearth::energy_fetch_from(q);
        // Without the cache: every bucket read and priced (the answer before the cache).
        entry["uncached"] = time_runs(o.runs, [&] {
            auto buckets = hearth::store::read_energy(db, "", from, q.to);  // as energy_request.cpp did
            auto n = buckets.size();
            auto r = hearth::energy_report(q, cfg, std::move(buckets));
            if (r["total"]["kwh"].get<double>() <= 0) throw std::runtime_error(name + ": empty answer");
            return n;
        });
        // The first answer after a start: a new cache prices every day.
        entry["cache_cold"] = time_runs(std::min(o.runs, 5), [&] {
            hearth::energy_cache cold(cfg, db, st->energy_changes());
            auto r = cold.answer(q);
            return cold.stats().priced;
        });
        // Answers as the hub runs: between two, every device reported again (today changed).
        const auto heap_before = heap_in_use();
        hearth::energy_cache cache(cfg, db, st->energy_changes());
        const auto expected = cache.answer(q);
        std::vector<double> warm_ms;
        std::size_t priced = 0;
        for (int i = 0; i < o.runs; ++i) {
            write_last_hour();
            const auto before = cache.stats().priced;
            auto t0 = std::chrono::steady_clock::now();
            auto r = cache.answer(q);
            warm_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
            priced = cache.stats().priced - before;
            if (r["devices"].size() != expected["devices"].size()) throw std::runtime_error(name + ": devices differ");
        }
        entry["cache_warm"] = percentiles(warm_ms);
        entry["cache_heap_bytes"] = heap_in_use() - heap_before;
        entry["cache_warm"]["days_priced_per_answer"] = priced;
        // Baseline: SQLite alone summing the same hourly rows, no report.
        entry["baseline_sqlite_sum"] = time_runs(o.runs, [&] {
            auto conn = hearth::sqlite::db::open(db, true);
            auto stmt = conn.prepare("SELECT COUNT(*), SUM(mwh) FROM energy_hourly WHERE hour >= ?1 AND hour < ?2");
            stmt.bind_all(from / hour_ms, q.to / hour_ms);
            stmt.step();
            return static_cast<std::size_t>(stmt.column_int64(0));
        });
        answers[name] = entry;
    }
    out["queries"] = answers;
    std::cout << out.dump(2) << "\n";
    return 0;
} catch (const std::exception& e) {
    std::cerr << "energy_bench: " << e.what() << "\n";
    return 1;
}
