// The routine miner at household scale (docs/benchmarks.md, "Proactive"; docs/proactive.md): the
// simulated household (100 devices × 60 days, tests/unit/proactive/household_sim) written through
// the real store, then read back as hearthd's mining job does (store::read_activity on a reader
// connection) and mined, with suggestions made. Measured per run: wall time and extra RSS (the peak
// during the run, VmHWM after resetting it through /proc/self/clear_refs, minus VmRSS before).
// Baseline in the same run: reading the records without mining. --copies N overlays N seeds of
// the household on the same devices (N times the records) to show the headroom.
//
//   miner_bench [--days 60] [--copies 1] [--runs 5] [--seed 1]
// Prints one JSON object.
#include "household_sim.hpp"
#include "proactive/routine_miner.hpp"
#include "proactive/suggestions.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

#include <hearth/testing/temp_dir.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <malloc.h>
#include <string>
#include <vector>

namespace {

using hearth::time_ms;
using nlohmann::json;

struct options {
    int days = 60;
    int copies = 1;
    int runs = 5;
    std::uint64_t seed = 1;
};

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        const std::string v = argv[i + 1];
        if (k == "--days")
            o.days = std::stoi(v);
        else if (k == "--copies")
            o.copies = std::stoi(v);
        else if (k == "--runs")
            o.runs = std::stoi(v);
        else if (k == "--seed")
            o.seed = std::stoull(v);
        else
            throw std::invalid_argument("unknown option " + k);
    }
    return o;
}

/// A "VmXXX:" line of /proc/self/status in KiB (0 if absent).
long status_kib(const std::string& key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
    return 0;
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0); false if the kernel refused.
bool reset_peak() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    return static_cast<bool>(out.flush());
}

struct measured {
    double seconds = 0;
    double extra_mib = 0;
};

measured measure(const std::function<void()>& fn) {
    malloc_trim(0);
    reset_peak();
    const long before = status_kib("VmRSS");
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    const auto t1 = std::chrono::steady_clock::now();
    const long peak = status_kib("VmHWM");
    return {std::chrono::duration<double>(t1 - t0).count(), static_cast<double>(peak - before) / 1024.0};
}

json summary(std::vector<measured> runs) {
    std::sort(runs.begin(), runs.end(), [](const measured& a, const measured& b) { return a.seconds < b.seconds; });
    double max_mib = 0;
    for (const auto& r : runs) max_mib = std::max(max_mib, r.extra_mib);
    return {
        {"median_s", runs[runs.size() / 2].seconds}, {"max_s", runs.back().seconds}, {"max_extra_rss_mib", max_mib}};
}

}  // namespace

int main(int argc, char** argv) try {
    const options o = parse(argc, argv);
    ::setenv("TZ", "Europe/Berlin", 1);
    ::tzset();
    hearth::testing::temp_dir tmp("miner-bench");
    const auto db = tmp.path() / "hearth.db";

    std::map<std::string, hearth::device_descriptor> devices;
    time_ms from = 0, to = 0;
    std::size_t records = 0;
    json out;
    {
        auto st = hearth::store::open(db, {}, 0);
        for (int copy = 0; copy < o.copies; ++copy) {
            auto sim = hearth::test::simulate_household(o.seed + static_cast<std::uint64_t>(copy), o.days);
            devices = sim.devices;
            from = sim.from;
            to = sim.to;
            records += sim.records.size();
            for (auto& r : sim.records) st->append_activity(std::move(r));
            st->flush();
        }
        st->close();
    }
    out["devices"] = devices.size();
    out["days"] = o.days;
    out["records"] = records;

    std::vector<measured> read_only, mined;
    std::size_t found_time = 0, found_sequences = 0, suggestions = 0;
    for (int run = 0; run < o.runs; ++run) {
        read_only.push_back(measure([&] {
            auto reader = hearth::store::open_reader(db);
            std::size_t n = 0;
            hearth::store::read_activity(reader, from, to, [&](const hearth::activity_record& r) {
                n += r.name.size() > 0 ? 1 : 0;
                return true;
            });
            if (n != records) throw std::runtime_error("read " + std::to_string(n) + " of " + std::to_string(records));
        }));
        mined.push_back(measure([&] {
            auto reader = hearth::store::open_reader(db);
            hearth::proactive::routine_miner miner;
            hearth::store::read_activity(reader, from, to, [&](const hearth::activity_record& r) {
                miner.add(r);
                return true;
            });
            auto found = miner.finish(devices, from, to);
            auto made = hearth::proactive::make_suggestions(found, devices);
            found_time = found.time.size();
            found_sequences = found.sequences.size();
            suggestions = made.size();
        }));
    }
    out["read_only"] = summary(read_only);
    out["read_and_mine"] = summary(mined);
    out["found"] = {{"time", found_time}, {"sequences", found_sequences}, {"suggestions", suggestions}};
    std::cout << out.dump(2) << "\n";
    return 0;
} catch (const std::exception& e) {
    std::cerr << "miner_bench: " << e.what() << "\n";
    return 1;
}
