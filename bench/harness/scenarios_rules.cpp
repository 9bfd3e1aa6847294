// Rules, footprint and Node-RED scenarios: trigger-to-action latency and evaluation throughput
// with many automations, start-to-READY and idle RSS, and the same automation run by Node-RED.
#include "bench_util.hpp"
#include "scenarios.hpp"

#include <hearth/testing/process.hpp>

#include <fmt/format.h>

#include <signal.h>

#include <fstream>

namespace hearth::bench {

using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

/// `rules` automations: bench_s_<j % devices>.value changes -> pulse bench_sw_<j % devices>.
json rule_file(std::size_t devices, std::size_t rules) {
    json autos = json::array();
    for (std::size_t j = 0; j < rules; ++j) {
        const auto i = j % devices;
        autos.push_back(
            {{"id", fmt::format("bench_rule_{}", j)},
             {"triggers", {{{"type", "state"}, {"device", fmt::format("bench_s_{}", i)}, {"property", "value"}}}},
             {"actions", {{{"device", fmt::format("bench_sw_{}", i)}, {"command", "pulse"}}}}});
    }
    return {{"automations", autos}};
}

/// Starts hearthd with the bench driver; waits for READY and for bench_ctl on MQTT.
struct rig {
    rig(const bench_env& env, const std::string& name, const std::string& isolation, std::size_t sensors,
        std::size_t switches, std::uint64_t capacity, json scenes)
        : dir(start_scenario(env, name)),
          tl(timeline::path_for(name), capacity + 1, true),
          daemon(env.paths, dir,
                 hearthd_options{env.broker_url,
                                 isolation,
                                 {{"sensors", sensors}, {"switches", switches}, {"timeline", tl.path()}},
                                 std::move(scenes)}),
          ready(daemon.start()),
          ctl(env.broker_url, "bench-ctl-" + name, [this](const arrival& m) {
              if (online.feed(m) || m.topic != "hearth/bench_ctl") return;
              const auto p = m.payload.find("\"emitted\":");
              if (p != std::string::npos && m.payload.find("\"on\":false") != std::string::npos)
                  emitted = std::strtoll(m.payload.c_str() + p + 10, nullptr, 10);
          }) {
        ctl.subscribe("hearth/bench_ctl");
        ctl.subscribe("hearth/+/availability");
        if (!wait_for([&] { return emitted.load() >= 0 && online.count() >= sensors + switches + 1; }, 30s))
            throw std::runtime_error("bench: not every device came online; see " + daemon.log().string());
    }

    /// Runs `count` updates at `rate` and waits until the driver reports it emitted them.
    void run(double rate, std::uint64_t count) {
        const auto target = emitted.load() + static_cast<std::int64_t>(count);
        ctl.publish("hearth/bench_ctl/set",
                    json{{"command", "run"}, {"params", {{"rate", rate}, {"count", count}}}}.dump());
        wait_for([&] { return emitted.load() >= target; },
                 std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(count) / rate * 1000)) + 30s);
        std::this_thread::sleep_for(1s);  // let the last actions land
    }

    /// Latencies action - emit for sequence numbers [first, last]; `missing` counts no action.
    std::vector<std::int64_t> actions(std::uint64_t first, std::uint64_t last, std::uint64_t& missing) const {
        std::vector<std::int64_t> out;
        for (auto s = first; s <= last; ++s) {
            const auto a = tl.action(s);
            if (a == 0)
                ++missing;
            else
                out.push_back(a - tl.emit(s));
        }
        return out;
    }

    std::filesystem::path dir;
    timeline tl;
    hearthd_run daemon;
    std::chrono::microseconds ready;
    std::atomic<std::int64_t> emitted{-1};
    online_tracker online;  // before ctl: its callback uses it
    bench_client ctl;
};

double ms(std::chrono::microseconds us) { return static_cast<double>(us.count()) / 1000.0; }

}  // namespace

json hearth_rules(const bench_env& env, const std::string& isolation, std::size_t sensors, std::size_t rules,
                  double rate, double seconds) {
    const auto latency_count = static_cast<std::uint64_t>(rate * seconds);
    const std::vector<double> burst_rates = {1000, 2000, 5000};
    const double burst_seconds = 5;
    std::uint64_t capacity = latency_count;
    for (double r : burst_rates) capacity += static_cast<std::uint64_t>(r * burst_seconds);
    rig rg(env, "rules", isolation, sensors, sensors, capacity, rule_file(sensors, rules));

    json out = {{"rules", rules}, {"devices", 2 * sensors + 1}, {"isolation", isolation}, {"ready_ms", ms(rg.ready)}};
    std::uint64_t first = 1;
    rg.run(rate, latency_count);
    std::uint64_t missing = 0;
    auto lat = rg.actions(first, first + latency_count - 1, missing);
    out["latency"] = to_json(summarize(lat));
    out["latency"]["rate"] = rate;
    out["latency"]["without_action"] = missing;
    first += latency_count;

    json bursts = json::array();
    for (double r : burst_rates) {
        const auto n = static_cast<std::uint64_t>(r * burst_seconds);
        rg.run(r, n);
        missing = 0;
        auto l = rg.actions(first, first + n - 1, missing);
        std::int64_t last_action = 0;
        for (auto s = first; s < first + n; ++s) last_action = std::max(last_action, rg.tl.action(s));
        const double span = static_cast<double>(last_action - rg.tl.emit(first)) / 1e9;
        json b = to_json(summarize(l));
        b["rate"] = r;
        b["updates"] = n;
        b["without_action"] = missing;
        b["triggers_evaluated"] = n * (rules / sensors);  // every update triggers rules/sensors automations
        b["actions_per_s"] = span > 0 ? static_cast<double>(n - missing) / span : 0;
        bursts.push_back(b);
        first += n;
    }
    out["bursts"] = bursts;
    out["rss_kib"] = rg.daemon.rss_kib();
    out["rss_with_workers_kib"] = rg.daemon.rss_with_workers_kib();
    return out;
}

json footprint(const bench_env& env, const std::string& isolation, std::size_t sensors, std::size_t switches,
               std::size_t rules) {
    const auto dir = start_scenario(env, "footprint");
    const json scenes = rules > 0 ? rule_file(std::min(sensors, switches), rules) : json(nullptr);
    hearthd_run daemon(
        env.paths, dir,
        hearthd_options{env.broker_url, isolation, {{"sensors", sensors}, {"switches", switches}}, scenes});
    json out = {{"devices", sensors + switches + 1}, {"rules", rules}, {"isolation", isolation}};
    out["first_ready_ms"] = ms(daemon.start());  // creates the data
    std::this_thread::sleep_for(3s);
    daemon.stop();
    std::vector<double> ready;
    for (int i = 0; i < 3; ++i) {
        ready.push_back(ms(daemon.start()));
        if (i < 2) daemon.stop();
    }
    out["ready_ms_runs"] = ready;
    out["ready_ms"] = median(ready);
    std::this_thread::sleep_for(10s);  // discovery publishing done, idle
    out["rss_kib"] = daemon.rss_kib();
    out["rss_with_workers_kib"] = daemon.rss_with_workers_kib();
    out["pss_with_workers_kib"] = daemon.pss_with_workers_kib();
    daemon.stop();
    return out;
}

json versus_nodered(const bench_env& env, std::size_t devices, double rate, double seconds) {
    const auto count = static_cast<std::uint64_t>(rate * seconds);
    json out = {{"devices", devices}, {"rate", rate}, {"updates", count}};

    // Hearth's own rules.
    {
        rig rg(env, "vs-hearth", "process", devices, devices, count, rule_file(devices, devices));
        rg.run(rate, count);
        std::uint64_t missing = 0;
        auto lat = rg.actions(1, count, missing);
        out["hearth"] = to_json(summarize(lat));
        out["hearth"]["without_action"] = missing;
        out["hearth"]["rss_kib"] = rg.daemon.rss_kib();
        out["hearth"]["rss_with_workers_kib"] = rg.daemon.rss_with_workers_kib();
    }

    // Node-RED doing the automation over Hearth's MQTT API (Hearth has no rules here): stock, and
    // with Nagle turned off on its sockets (what hearthd does for itself; not a Node-RED setting).
    for (const bool nodelay : {false, true}) {
        const std::string key = nodelay ? "nodered_nodelay" : "nodered";
        rig rg(env, "vs-" + key, "process", devices, devices, count, nullptr);
        const auto log = rg.dir / "nodered.log";
        const auto ui_port = std::to_string(1880 + (env.broker_port % 1000) + 1);
        if (nodelay) ::setenv("HEARTH_NR_TCP_NODELAY", "1", 1);
        const pid_t nr =
            testing::spawn_process({"/bin/bash", (env.nodered_dir / "start.sh").string(), (rg.dir / "nodered").string(),
                                    std::to_string(env.broker_port), ui_port, std::to_string(devices)},
                                   log);
        ::unsetenv("HEARTH_NR_TCP_NODELAY");
        const bool up = wait_for(
            [&] { return testing::read_file(log).find("HEARTH_BENCH_NODERED_READY") != std::string::npos; }, 60s);
        if (!up) {
            testing::stop_process(nr, SIGTERM, 5s);
            throw std::runtime_error("bench: Node-RED did not get ready; see " + log.string());
        }
        std::this_thread::sleep_for(2s);
        const auto idle_rss = rss_kib_of(nr);
        rg.run(rate, count);
        std::uint64_t missing = 0;
        auto lat = rg.actions(1, count, missing);
        out[key] = to_json(summarize(lat));
        out[key]["without_action"] = missing;
        out[key]["idle_rss_kib"] = idle_rss;
        out[key]["rss_kib"] = rss_kib_of(nr);
        out[key]["hearth_rss_with_workers_kib"] = rg.daemon.rss_with_workers_kib();
        testing::stop_process(nr, SIGTERM, 10s);
    }
    return out;
}

}  // namespace hearth::bench
