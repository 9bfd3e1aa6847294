// Cost of process isolation (not a test, prints numbers; docs/isolation.md quotes them):
// command round trip (execute -> outcome) and state latency (execute -> state change seen by
// observers) for zoo_good hosted in a worker process vs in-process, p50/p99 over N commands,
// worker cold start (start -> device online), and the worker's memory.
//
//   isolation_bench [N=2000]
#include "iso_harness.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace {

using namespace iso;

struct timing_observer final : hearth::gateway_observer {
    std::map<std::string, steady::time_point> last_state;
    void on_state_changed(const hearth::device_entry& d, const json&) override {
        last_state[d.descriptor.id] = steady::now();
    }
};

std::string proc_field(pid_t pid, const std::string& key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + ":", 0) == 0) {
            auto v = line.substr(key.size() + 1);
            v.erase(0, v.find_first_not_of(" \t"));
            return v;
        }
    }
    return "?";
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

template <class Pred>
bool spin(boost::asio::io_context& loop, Pred pred) {
    const auto deadline = steady::now() + 5s;
    while (!pred()) {
        if (steady::now() > deadline) return false;
        loop.run_one_for(10ms);
    }
    return true;
}

void measure(harness& h, timing_observer& obs, const std::string& device, int n) {
    std::vector<double> rtt;
    std::vector<double> state;
    for (int i = 0; i < n; ++i) {
        obs.last_state.erase(device);
        bool done = false;
        hearth::device_command c;
        c.name = i % 2 == 0 ? "turn_on" : "turn_off";
        const auto t0 = steady::now();
        steady::time_point t_done;
        h.gw->execute(device, c, hearth::command_source{"internal", "bench"}, [&](const hearth::command_outcome&) {
            t_done = steady::now();
            done = true;
        });
        if (!spin(h.loop, [&] { return done && obs.last_state.contains(device); })) {
            std::printf("%s: command %d timed out\n", device.c_str(), i);
            return;
        }
        rtt.push_back(std::chrono::duration<double, std::micro>(t_done - t0).count());
        state.push_back(std::chrono::duration<double, std::micro>(obs.last_state[device] - t0).count());
    }
    std::printf("%-14s n=%d  round trip p50 %7.1f us  p99 %7.1f us | state latency p50 %7.1f us  p99 %7.1f us\n",
                device.c_str(), n, percentile(rtt, 0.5), percentile(rtt, 0.99), percentile(state, 0.5),
                percentile(state, 0.99));
}

}  // namespace

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::max(10, std::atoi(argv[1])) : 2000;
    harness h;
    timing_observer obs;
    h.gw->add_observer(&obs);
    h.options.heartbeat_interval = 500ms;  // production defaults for the measurement
    h.options.heartbeat_timeout = 3000ms;
    h.options.call_timeout = 5000ms;
    h.inproc.insert("goodin");
    const auto t0 = steady::now();
    h.start({driver("zoo_good", "good"), driver("zoo_good", "goodin")});
    if (!spin(h.loop, [&] { return h.online("good_switch"); })) return 1;
    const auto cold = std::chrono::duration<double, std::milli>(steady::now() - t0).count();
    if (!spin(h.loop, [&] { return h.online("goodin_switch"); })) return 1;
    std::printf("worker cold start (fork+exec+dlopen+register): %.1f ms\n", cold);
    for (int round = 0; round < 2; ++round) {  // the first round warms up
        if (round == 1) std::printf("--- measured (after a warm-up round) ---\n");
        measure(h, obs, "good_switch", round == 0 ? n / 10 : n);
        measure(h, obs, "goodin_switch", round == 0 ? n / 10 : n);
    }
    const pid_t pid = h.workers.at("good")->worker_pid();
    std::printf("worker pid %d: VmRSS %s, VmSize %s, threads %s; hearthd-side (this process) VmRSS %s\n",
                static_cast<int>(pid), proc_field(pid, "VmRSS").c_str(), proc_field(pid, "VmSize").c_str(),
                proc_field(pid, "Threads").c_str(), proc_field(::getpid(), "VmRSS").c_str());
    h.gw->remove_observer(&obs);
    return 0;
}
