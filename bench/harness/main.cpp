// hearth-bench: the performance harness (not part of ctest). Starts its own mosquitto on a free
// loopback port, runs the selected scenarios against the hearthd of this build with the bench
// driver, repeats the latency measurements and reports medians next to the raw broker baseline
// measured in the same run. Usage: see usage() or docs/benchmarks.md.
#include "bench_util.hpp"
#include "scenarios.hpp"

#include "support/broker_process.hpp"
#include <hearth/testing/process.hpp>

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

namespace {

using json = nlohmann::json;
using namespace hearth::bench;

struct options {
    std::set<std::string> scenarios{"latency",   "throughput", "command", "rules",
                                    "footprint", "nodered",    "soak",    "hostile"};
    int repeat = 3;
    int throughput_repeat = 10;  ///< the zero-coalescing claim is judged over 10 runs
    double latency_s = 30;
    double soak_s = 600;
    std::string out = "bench-results.json";
    build_paths paths{HEARTH_BENCH_HEARTHD, HEARTH_BENCH_PLUGIN_DIR};
    std::filesystem::path nodered_dir = HEARTH_BENCH_NODERED_DIR;
};

void usage() {
    std::cout << "usage: hearth-bench [--only a,b,...] [--repeat N] [--throughput-repeat N] [--latency-s S]\n"
                 "                    [--soak-s S] [--out FILE]\n"
                 "scenarios: latency throughput command rules footprint nodered soak hostile (default: all)\n";
}

options parse_args(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto next = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
            return argv[++i];
        };
        if (a == "--only") {
            o.scenarios.clear();
            std::stringstream ss(next());
            for (std::string s; std::getline(ss, s, ',');) o.scenarios.insert(s);
        } else if (a == "--repeat")
            o.repeat = std::stoi(next());
        else if (a == "--throughput-repeat")
            o.throughput_repeat = std::stoi(next());
        else if (a == "--latency-s")
            o.latency_s = std::stod(next());
        else if (a == "--soak-s")
            o.soak_s = std::stod(next());
        else if (a == "--out")
            o.out = next();
        else if (a == "--help" || a == "-h") {
            usage();
            std::exit(0);
        } else
            throw std::invalid_argument("unknown argument " + a);
    }
    return o;
}

/// Medians over repeated runs of `field` (e.g. "p99_us") in `runs`.
double med(const json& runs, const char* field) {
    std::vector<double> v;
    for (const auto& r : runs) v.push_back(r.at(field).get<double>());
    return median(v);
}

void log_line(const std::string& s) { std::cerr << "[bench] " << s << std::endl; }

}  // namespace

int main(int argc, char** argv) try {
    const options opt = parse_args(argc, argv);
    const auto work = hearth::testing::make_temp_dir("bench");
    // The broker as a latency-minded user would run it: no per-packet logging, no Nagle delay.
    hearth::test::broker_options broker_opts;
    broker_opts.quiet_log = true;
    broker_opts.tcp_nodelay = true;
    hearth::test::broker_process broker(work, broker_opts);
    broker.start();
    const bench_env env{opt.paths,
                        work,
                        broker.url(),
                        broker.port(),
                        [&broker] { return broker.pid(); },
                        opt.nodered_dir,
                        [&broker] {
                            broker.stop();
                            broker.start();
                        }};
    json results = {{"date", std::time(nullptr)}, {"repeat", opt.repeat}};
    const auto want = [&](const char* s) { return opt.scenarios.count(s) > 0; };
    const auto save = [&] { std::ofstream(opt.out) << results.dump(2) << "\n"; };

    if (want("latency")) {
        const auto n = static_cast<std::uint64_t>(100 * opt.latency_s);
        json raw = json::array(), proc = json::array(), inproc = json::array();
        for (int i = 0; i < opt.repeat; ++i) {
            log_line(
                fmt::format("latency run {}/{}: {} updates at 100/s, raw / process / inproc", i + 1, opt.repeat, n));
            raw.push_back(raw_state(env, 100, n, 10));
            proc.push_back(hearth_state(env, "process", 10, 100, n));
            inproc.push_back(hearth_state(env, "inproc", 10, 100, n));
        }
        json s = {{"raw", raw}, {"process", proc}, {"inproc", inproc}};
        for (const char* k : {"process", "inproc"}) {
            s["added_p50_us"][k] = med(s[k], "p50_us") - med(raw, "p50_us");
            s["added_p99_us"][k] = med(s[k], "p99_us") - med(raw, "p99_us");
        }
        results["latency_100_per_s"] = s;
        save();
    }
    if (want("throughput")) {
        json raw = json::array(), proc = json::array(), inproc = json::array();
        for (int i = 0; i < opt.throughput_repeat; ++i) {
            log_line(fmt::format("throughput run {}/{}: 100000 updates at 10000/s over 1000 sensors", i + 1,
                                 opt.throughput_repeat));
            raw.push_back(raw_state(env, 10000, 100000, 1000));
            proc.push_back(hearth_state(env, "process", 1000, 10000, 100000));
            inproc.push_back(hearth_state(env, "inproc", 1000, 10000, 100000));
        }
        results["throughput_10000_per_s"] = {{"raw", raw}, {"process", proc}, {"inproc", inproc}};
        save();
    }
    if (want("command")) {
        json raw = json::array(), proc = json::array(), inproc = json::array();
        for (int i = 0; i < opt.repeat; ++i) {
            log_line(fmt::format("command run {}/{}: 1000 sequential round trips", i + 1, opt.repeat));
            raw.push_back(raw_command(env, 1000));
            proc.push_back(hearth_command(env, "process", 1000));
            inproc.push_back(hearth_command(env, "inproc", 1000));
        }
        json s = {{"raw", raw}, {"process", proc}, {"inproc", inproc}};
        for (const char* k : {"process", "inproc"}) {
            s["added_p50_us"][k] = med(s[k], "p50_us") - med(raw, "p50_us");
            s["added_p99_us"][k] = med(s[k], "p99_us") - med(raw, "p99_us");
        }
        results["command"] = s;
        save();
    }
    if (want("rules")) {
        log_line("rules: 1000 automations over 500 sensors + 500 switches");
        results["rules"] = hearth_rules(env, "process", 500, 1000, 100, opt.latency_s / 2);
        save();
    }
    if (want("footprint")) {
        log_line("footprint: 100 devices (process, inproc), 1000 devices + 1000 rules");
        results["footprint"] = {{"d100_process", footprint(env, "process", 50, 49, 0)},
                                {"d100_inproc", footprint(env, "inproc", 50, 49, 0)},
                                {"d1000_rules1000_process", footprint(env, "process", 500, 499, 1000)},
                                {"d1000_rules1000_inproc", footprint(env, "inproc", 500, 499, 1000)}};
        save();
    }
    if (want("nodered")) {
        log_line("Node-RED side by side: 10 automations, 20 updates/s");
        results["versus_nodered"] = versus_nodered(env, 10, 20, opt.latency_s);
        save();
    }
    if (want("hostile")) {
        log_line("hostile: 10 payloads of 20 MiB (/set and requests) + a 100,000-deep /set");
        results["hostile"] = hostile_burst(env, 10, 20);
        save();
    }
    if (want("soak")) {
        log_line(fmt::format("soak: {} s at 1000 updates/s", opt.soak_s));
        results["soak"] = soak(env, "process", 1000, opt.soak_s);
        save();
    }
    broker.stop();
    std::filesystem::remove_all(work);
    std::cout << results.dump(2) << std::endl;
    log_line("results written to " + opt.out);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "hearth-bench: " << e.what() << "\n";
    return 1;
}
