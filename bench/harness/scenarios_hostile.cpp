// Hostile-size burst (issue 23 item 3): hearthd's peak RSS (VmHWM) while a client publishes huge
// payloads to /set and to a bridge request, against a baseline in the same run (the same number
// of ordinary /set payloads), and its RSS once the burst is over. Target: peak <= 64 MiB.
#include "bench_client.hpp"
#include "scenarios.hpp"

#include <fmt/format.h>

#include <signal.h>

#include <fstream>
#include <string>
#include <thread>

namespace hearth::bench {

using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

/// A field of /proc/<pid>/status in KiB (VmHWM = peak RSS, VmRSS = now); 0 if absent.
std::uint64_t status_kib(pid_t pid, const std::string& field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1));
    }
    return 0;
}

}  // namespace

json hostile_burst(const bench_env& env, std::size_t messages, std::size_t payload_mib) {
    const auto dir = start_scenario(env, "hostile");
    hearthd_run daemon(env.paths, dir,
                       hearthd_options{env.broker_url, "process", {{"sensors", 10}, {"switches", 10}}, nullptr});
    daemon.start();
    std::this_thread::sleep_for(5s);  // discovery done, idle
    const pid_t pid = daemon.pid();
    json out = {{"messages", messages}, {"payload_mib", payload_mib}};
    out["rss_idle_kib"] = status_kib(pid, "VmRSS");

    bench_client client(env.broker_url, "bench-hostile");
    // Baseline in the same run: as many ordinary commands.
    for (std::size_t i = 0; i < messages; ++i)
        client.publish_wait("hearth/bench_sw_0/set", i % 2 ? R"({"on":true})" : R"({"on":false})");
    std::this_thread::sleep_for(1s);
    out["baseline_peak_kib"] = status_kib(pid, "VmHWM");

    // The burst: `messages` payloads of `payload_mib` MiB each, alternating /set and a request,
    // then one 100,000-deep /set.
    const std::string big = "{\"on\":\"" + std::string(payload_mib << 20, 'x') + "\"}";
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < messages; ++i)
        client.publish_wait(i % 2 ? "hearth/bridge/request/health" : "hearth/bench_sw_0/set", big);
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += "{\"a\":";
    deep += "1" + std::string(100000, '}');
    client.publish_wait("hearth/bench_sw_0/set", deep);
    out["burst_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::this_thread::sleep_for(3s);
    out["burst_peak_kib"] = status_kib(pid, "VmHWM");
    out["rss_after_kib"] = status_kib(pid, "VmRSS");
    out["alive"] = ::kill(pid, 0) == 0;
    out["target_peak_kib"] = 64 * 1024;
    out["within_target"] = out["burst_peak_kib"].get<std::uint64_t>() <= 64u * 1024u;
    daemon.stop();
    return out;
}

}  // namespace hearth::bench
