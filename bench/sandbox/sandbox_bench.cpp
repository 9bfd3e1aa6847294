// Cost of the driver sandbox (docs/benchmarks.md, docs/security.md): the same zoo_good worker with
// "sandbox": "off" and "auto" (every layer: namespaces, Landlock, seccomp), alternating rounds in
// one run so machine load hits both alike. Per round: cold start (start -> device online: fork,
// exec, manifest probe child, confinement, dlopen, register), then N sequential commands (round
// trip execute -> outcome, p50/p99) and the worker's VmRSS / Pss. Prints medians over rounds.
//
//   sandbox_bench [rounds=10] [commands=500]
#include "iso_harness.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace {

using namespace iso;

long proc_kb(const std::string& file, const std::string& key) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + ":", 0) == 0) return std::atol(line.c_str() + key.size() + 1);
    }
    return -1;
}

double pct(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

struct round_result {
    double start_ms = 0, rtt_p50 = 0, rtt_p99 = 0;
    long rss_kb = 0, pss_kb = 0;
};

round_result run_round(const std::string& mode, int commands) {
    round_result r;
    harness h;
    h.options.sandbox_mode = mode;
    h.options.heartbeat_interval = 500ms;
    h.options.heartbeat_timeout = 3000ms;
    h.options.call_timeout = 5000ms;
    const auto t0 = steady::now();
    h.start({driver("zoo_good", "good")});
    if (!h.run_until([&] { return h.online("good_switch"); }, 10s)) {
        std::fprintf(stderr, "%s: worker did not come up\n", mode.c_str());
        std::exit(1);
    }
    r.start_ms = std::chrono::duration<double, std::milli>(steady::now() - t0).count();
    std::vector<double> rtt;
    for (int i = 0; i < commands + commands / 10; ++i) {  // the first tenth warms up
        const auto c0 = steady::now();
        auto out = h.execute("good_switch", i % 2 == 0 ? "turn_on" : "turn_off");
        if (!out || !out->ok) {
            std::fprintf(stderr, "%s: command failed\n", mode.c_str());
            std::exit(1);
        }
        if (i >= commands / 10) rtt.push_back(std::chrono::duration<double, std::micro>(steady::now() - c0).count());
    }
    r.rtt_p50 = pct(rtt, 0.5);
    r.rtt_p99 = pct(rtt, 0.99);
    const std::string proc = "/proc/" + std::to_string(h.workers.at("good")->worker_pid());
    r.rss_kb = proc_kb(proc + "/status", "VmRSS");
    r.pss_kb = proc_kb(proc + "/smaps_rollup", "Pss");
    return r;
}

double median(std::vector<double> v) { return pct(std::move(v), 0.5); }

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 10;
    const int commands = argc > 2 ? std::max(10, std::atoi(argv[2])) : 500;
    spdlog::set_level(spdlog::level::warn);
    std::map<std::string, std::vector<round_result>> results;
    for (int i = 0; i < rounds; ++i) {
        for (const std::string mode : {"off", "auto"}) results[mode].push_back(run_round(mode, commands));
    }
    std::printf("%d rounds x %d commands (medians over rounds)\n", rounds, commands);
    std::printf("%-8s | %14s | %16s | %16s | %10s | %10s\n", "sandbox", "cold start ms", "round trip p50 us",
                "round trip p99 us", "VmRSS kB", "Pss kB");
    for (const std::string mode : {"off", "auto"}) {
        auto col = [&](auto field) {
            std::vector<double> v;
            for (const auto& r : results[mode]) v.push_back(static_cast<double>(field(r)));
            return median(v);
        };
        std::printf(
            "%-8s | %14.1f | %16.1f | %16.1f | %10.0f | %10.0f\n", mode.c_str(),
            col([](const round_result& r) { return r.start_ms; }), col([](const round_result& r) { return r.rtt_p50; }),
            col([](const round_result& r) { return r.rtt_p99; }), col([](const round_result& r) { return r.rss_kb; }),
            col([](const round_result& r) { return r.pss_kb; }));
    }
    return 0;
}
