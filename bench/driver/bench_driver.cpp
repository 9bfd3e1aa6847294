// Role: the benchmark driver. Registers `sensors` sensors (bench_s_<i>, an int `value`) and
// `switches` switches (bench_sw_<i>, writable `on`, command `pulse`) plus a control switch
// `bench_ctl`. The harness sends `bench_ctl` the command `run {rate, count}`: a pacing thread then
// reports `count` updates at `rate` per second, round robin over the sensors, each value a global
// sequence number, and writes each report's time into the shared timeline file; when done it
// reports bench_ctl {"on": false, "emitted": <total>}. `pulse` on bench_sw_<i> (the action of a
// rule or of Node-RED) records when it arrived for the last update of bench_s_<i>, so trigger to
// action latency is measured inside the one process that both emits and receives.
#include "timeline.hpp"

#include <pthread.h>

#include <hearth/driver.hpp>

#include <time.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using hearth::json;

struct bench_config {
    std::size_t sensors = 10;
    std::size_t switches = 10;
    std::string timeline_path;  ///< empty: no timeline (footprint runs)
};

bench_config parse(const json& c) {
    bench_config b;
    b.sensors = c.value("sensors", b.sensors);
    b.switches = c.value("switches", b.switches);
    b.timeline_path = c.value("timeline", std::string());
    if (b.sensors < 1 || b.sensors > 100000 || b.switches > 100000)
        throw std::invalid_argument("bench: sensors must be 1..100000 and switches 0..100000");
    return b;
}

json sensor_descriptor(const std::string& id) {
    return {{"id", id},
            {"name", id},
            {"type", "sensor"},
            {"manufacturer", "Hearth"},
            {"model", "bench sensor"},
            {"properties", {{"value", {{"type", "int"}}}}}};
}

json switch_descriptor(const std::string& id) {
    return {{"id", id},
            {"name", id},
            {"type", "switch"},
            {"manufacturer", "Hearth"},
            {"model", "bench switch"},
            {"properties", {{"on", {{"type", "bool"}, {"writable", true}}}}},
            {"commands", {{"pulse", {{"params", json::object()}}}}}};
}

json control_descriptor() {
    json d = switch_descriptor("bench_ctl");
    d["properties"]["emitted"] = {{"type", "int"}};
    d["commands"] = {{"run",
                      {{"params",
                        {{"rate", {{"type", "number"}, {"min", 1}, {"max", 1000000}, {"required", true}}},
                         {"count", {{"type", "int"}, {"min", 1}, {"max", 100000000}, {"required", true}}}}}}}};
    return d;
}

void sleep_until_ns(std::int64_t due) {
    timespec ts{static_cast<time_t>(due / 1'000'000'000), static_cast<long>(due % 1'000'000'000)};
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {}
}

}  // namespace

class bench_driver final : public hearth::driver {
public:
    bench_driver(hearth::host& h, std::string /*instance_id*/, const json& config)
        : driver(h), cfg_(parse(config)), last_seq_(cfg_.sensors) {
        if (!cfg_.timeline_path.empty()) timeline_ = hearth::bench::timeline(cfg_.timeline_path, 0, false);
    }

    void start() override {
        host().register_device(control_descriptor());
        host().report_state("bench_ctl", {{"on", false}, {"emitted", 0}});
        host().report_availability("bench_ctl", true);
        for (std::size_t i = 0; i < cfg_.sensors; ++i) {
            host().register_device(sensor_descriptor(sensor_id(i)));
            host().report_state(sensor_id(i), {{"value", 0}});
            host().report_availability(sensor_id(i), true);
        }
        for (std::size_t i = 0; i < cfg_.switches; ++i) {
            host().register_device(switch_descriptor(switch_id(i)));
            host().report_state(switch_id(i), {{"on", false}});
            host().report_availability(switch_id(i), true);
        }
        host().report_ready();
    }

    hearth::status handle_command(const hearth::command& cmd) override {
        if (cmd.device_id == "bench_ctl") return control(cmd);
        if (cmd.name == "pulse") {
            const auto now = hearth::bench::now_ns();
            const std::size_t i = std::stoul(cmd.device_id.substr(9));  // "bench_sw_<i>"
            const std::uint64_t seq = i < last_seq_.size() ? last_seq_[i].load() : 0;
            if (seq != 0 && timeline_.action(seq) == 0) timeline_.set_action(seq, now);
            return hearth::status::ok;
        }
        host().report_state(cmd.device_id, {{"on", cmd.params.at("on").get<bool>()}});
        return hearth::status::ok;
    }

    void stop() override {
        stopping_ = true;
        if (runner_.joinable()) runner_.join();
    }

private:
    static std::string sensor_id(std::size_t i) { return "bench_s_" + std::to_string(i); }
    static std::string switch_id(std::size_t i) { return "bench_sw_" + std::to_string(i); }

    hearth::status control(const hearth::command& cmd) {
        if (cmd.name != "run") throw hearth::command_error(hearth::status::invalid, "bench_ctl only accepts 'run'");
        if (running_) throw hearth::command_error(hearth::status::device_error, "a run is in progress");
        if (runner_.joinable()) runner_.join();
        running_ = true;
        host().report_state("bench_ctl", {{"on", true}});
        const double rate = cmd.params.at("rate").get<double>();
        const auto count = cmd.params.at("count").get<std::uint64_t>();
        runner_ = std::thread([this, rate, count] { run(rate, count); });
        return hearth::status::ok;
    }

    /// Paced emission on the runner thread (host services are thread-safe).
    void run(double rate, std::uint64_t count) {
        ::pthread_setname_np(::pthread_self(), "bench-emit");  // told apart in perf and /proc
        const std::int64_t cpu0 = hearth::bench::thread_cpu_ns();
        const std::int64_t start = hearth::bench::now_ns();
        const double period_ns = 1e9 / rate;
        for (std::uint64_t k = 0; k < count && !stopping_; ++k) {
            sleep_until_ns(start + static_cast<std::int64_t>(static_cast<double>(k) * period_ns));
            const std::uint64_t seq = next_seq_++;
            const std::size_t i = seq % cfg_.sensors;
            last_seq_[i].store(seq);
            timeline_.set_emit(seq, hearth::bench::now_ns());
            host().report_state(sensor_id(i), {{"value", seq}});
        }
        timeline_.set_generator_cpu_ns(hearth::bench::thread_cpu_ns() - cpu0);
        running_ = false;
        host().report_state("bench_ctl", {{"on", false}, {"emitted", next_seq_ - 1}});
    }

    bench_config cfg_;
    hearth::bench::timeline timeline_;
    std::vector<std::atomic<std::uint64_t>> last_seq_;
    std::uint64_t next_seq_ = 1;  ///< 0 is every sensor's initial value
    std::atomic<bool> running_{false};
    std::atomic<bool> stopping_{false};
    std::thread runner_;
};

// The worker writes its timeline; the harness creates it in k_timeline_dir (timeline.hpp).
HEARTH_DRIVER_WITH_MANIFEST(bench_driver, "bench", "1.0.0", "Benchmark load: paced sensor updates and timed actions",
                            R"({"write_paths": ["/dev/shm/hearth-bench"]})")
