// State path scenarios: the raw broker baseline, Hearth's state path (driver -> hearthd ->
// SQLite + MQTT -> subscriber) and the soak run.
#include "bench_util.hpp"
#include "scenarios.hpp"

#include <fmt/format.h>

namespace hearth::bench {

using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

/// Latencies arrival - emit of every received sequence number, and the number never received.
struct delivery {
    std::vector<std::int64_t> latencies;
    std::uint64_t lost = 0;
    std::uint64_t outliers_1s = 0;
};

delivery collect(const arrival_log& arrivals, const std::function<std::int64_t(std::uint64_t)>& emit_ns,
                 std::uint64_t first, std::uint64_t last) {
    delivery d;
    d.latencies.reserve(last - first + 1);
    for (std::uint64_t s = first; s <= last; ++s) {
        const auto a = arrivals.at(s);
        const auto e = emit_ns(s);
        if (a == 0 || e == 0) {
            ++d.lost;
            continue;
        }
        d.latencies.push_back(a - e);
        if (a - e >= 1'000'000'000) ++d.outliers_1s;
    }
    return d;
}

json delivery_json(delivery& d, double seconds, std::uint64_t count) {
    json r = to_json(summarize(d.latencies));
    r["sent"] = count;
    r["lost"] = d.lost;
    r["outliers_ge_1s"] = d.outliers_1s;
    r["seconds"] = seconds;
    r["delivered_per_s"] = seconds > 0 ? static_cast<double>(count - d.lost) / seconds : 0;
    return r;
}

}  // namespace

std::filesystem::path start_scenario(const bench_env& env, const std::string& name) {
    env.fresh_broker();
    return scenario_dir(env.work, name);
}

json raw_state(const bench_env& env, double rate, std::uint64_t count, std::size_t topics) {
    arrival_log arrivals(count);
    std::vector<std::int64_t> emitted(count + 1, 0);
    bench_client sub(env.broker_url, "bench-raw-sub", [&](const arrival& m) {
        if (!m.retained) arrivals.record(value_field(m.payload), m.ns);
    });
    sub.subscribe("raw/s/+");
    bench_client pub(env.broker_url, "bench-raw-pub");
    const double bcpu0 = cpu_seconds_of(env.broker_pid());
    const std::int64_t start = now_ns();
    const double period = 1e9 / rate;
    for (std::uint64_t seq = 1; seq <= count; ++seq) {
        sleep_until_ns(start + static_cast<std::int64_t>(static_cast<double>(seq - 1) * period));
        emitted[seq] = now_ns();
        pub.publish("raw/s/" + std::to_string(seq % topics), fmt::format("{{\"value\":{}}}", seq), 1, true);
    }
    wait_for([&] { return arrivals.received() >= count; }, 10s);
    const double seconds = static_cast<double>(arrivals.last() - start) / 1e9;
    auto d = collect(
        arrivals, [&](std::uint64_t s) { return emitted[s]; }, 1, count);
    for (std::size_t i = 0; i < topics; ++i) pub.publish_wait("raw/s/" + std::to_string(i), "", 1, true);  // clear
    json r = delivery_json(d, seconds, count);
    r["rate"] = rate;
    r["cpu_s"] = {{"broker", cpu_seconds_of(env.broker_pid()) - bcpu0}};
    return r;
}

namespace {

/// One hearthd with the bench driver and a subscriber on its sensors' state topics.
struct state_rig {
    state_rig(const bench_env& env, const std::string& name, const std::string& isolation, std::size_t sensors,
              std::uint64_t capacity, json scenes = nullptr, std::size_t switches = 1)
        : dir(start_scenario(env, name)),
          tl(timeline::path_for(name), capacity + 1, true),
          arrivals(capacity),
          daemon(env.paths, dir,
                 hearthd_options{env.broker_url,
                                 isolation,
                                 {{"sensors", sensors}, {"switches", switches}, {"timeline", tl.path()}},
                                 std::move(scenes)}) {
        ready = daemon.start();
        sub = std::make_unique<bench_client>(env.broker_url, "bench-sub-" + name, [this](const arrival& m) {
            const bool sensor_state =
                m.topic.rfind("hearth/bench_s_", 0) == 0 && m.topic.find('/', 7) == std::string::npos;
            if (sensor_state && !m.retained)
                arrivals.record(value_field(m.payload), m.ns);
            else if (m.topic == "hearth/bridge/response/health") {
                const std::lock_guard lock(health_mutex);
                health_reply = m.payload;
            } else
                online.feed(m);
        });
        sub->subscribe("hearth/bridge/response/health");
        sub->subscribe("hearth/+");
        sub->subscribe("hearth/+/availability");
        const std::size_t devices = sensors + switches + 1;
        if (!wait_for([&] { return online.count() >= devices; }, 30s))
            throw std::runtime_error("bench: not every device came online; see " + daemon.log().string());
    }

    /// Asks the driver for `count` updates at `rate`; waits until all arrived (or a bounded time).
    void run(double rate, std::uint64_t count, std::uint64_t already = 0) {
        sub->publish("hearth/bench_ctl/set",
                     json{{"command", "run"}, {"params", {{"rate", rate}, {"count", count}}}}.dump());
        const auto budget =
            std::chrono::milliseconds(static_cast<std::int64_t>(static_cast<double>(count) / rate * 1000)) + 15s;
        wait_for([&] { return arrivals.received() >= already + count; }, budget);
        std::this_thread::sleep_for(200ms);  // stragglers and duplicates
    }

    /// hearthd's `health` answer (its MQTT and database counters), or null after 5 s.
    json health() {
        {
            const std::lock_guard lock(health_mutex);
            health_reply.clear();  // an earlier answer is not this one
        }
        sub->publish("hearth/bridge/request/health", R"({"transaction":"bench"})");
        std::string reply;
        wait_for(
            [&] {
                const std::lock_guard lock(health_mutex);
                reply = health_reply;
                return !reply.empty();
            },
            5s);
        return reply.empty() ? json(nullptr) : json::parse(reply).value("data", json(nullptr));
    }

    /// Delivery summary of updates 1..count against the driver's emit times.
    json delivery(std::uint64_t count, double seconds, double rate, const std::string& isolation) const {
        auto d = collect(
            arrivals, [&](std::uint64_t s) { return tl.emit(s); }, 1, count);
        json r = delivery_json(d, seconds, count);
        r["rate"] = rate;
        r["isolation"] = isolation;
        return r;
    }

    /// Stops hearthd cleanly (its store flushes) and counts the sensors' stored history rows.
    std::int64_t stop_and_count_stored() {
        sub.reset();
        daemon.stop();
        return query_int(daemon.database(),
                         "SELECT COUNT(*) FROM state_history WHERE device_id LIKE 'bench_s_%' "
                         "AND property = 'value' AND value_num > 0");
    }

    std::filesystem::path dir;
    timeline tl;
    arrival_log arrivals;
    std::mutex health_mutex;
    std::string health_reply;
    hearthd_run daemon;
    std::chrono::microseconds ready{};
    online_tracker online;
    std::unique_ptr<bench_client> sub;
};

}  // namespace

json hearth_state(const bench_env& env, const std::string& isolation, std::size_t sensors, double rate,
                  std::uint64_t count) {
    state_rig rig(env, "state", isolation, sensors, count);
    const json health0 = rig.health();
    const auto threads0 = rig.daemon.thread_cpu_seconds();
    const double cpu0 = rig.daemon.cpu_seconds(), wcpu0 = rig.daemon.worker_cpu_seconds();
    const double bcpu0 = cpu_seconds_of(env.broker_pid());
    rig.run(rate, count);
    const double cpu = rig.daemon.cpu_seconds() - cpu0, wcpu = rig.daemon.worker_cpu_seconds() - wcpu0;
    const double bcpu = cpu_seconds_of(env.broker_pid()) - bcpu0;
    json by_thread = json::object();
    for (const auto& [name, s] : rig.daemon.thread_cpu_seconds()) {
        const auto before = threads0.find(name);
        by_thread[name] = s - (before == threads0.end() ? 0.0 : before->second);
    }
    // The bench driver's emitting thread is the load generator (pacing sleeps, building each
    // report): it runs inside the worker (or hearthd, in-process) but is not Hearth's cost.
    const double generator = static_cast<double>(rig.tl.generator_cpu_ns()) / 1e9;
    const auto first_emit = rig.tl.emit(1);
    const double seconds = static_cast<double>(rig.arrivals.last() - first_emit) / 1e9;
    json r = rig.delivery(count, seconds, rate, isolation);
    r["sensors"] = sensors;
    r["cpu_s"] = {{"hearthd", cpu}, {"workers", wcpu}, {"broker", bcpu}, {"load_generator", generator}};
    r["cpu_s_by_thread"] = by_thread;
    r["cpu_us_per_update"] = (cpu + wcpu - generator) * 1e6 / static_cast<double>(count);
    r["cpu_us_per_update_with_generator"] = (cpu + wcpu) * 1e6 / static_cast<double>(count);
    r["broker_cpu_us_per_update"] = bcpu * 1e6 / static_cast<double>(count);
    r["duplicates"] = rig.arrivals.duplicates();
    r["rss_kib"] = rig.daemon.rss_kib();
    r["rss_with_workers_kib"] = rig.daemon.rss_with_workers_kib();
    if (const json h = rig.health(); h.is_object()) {
        r["hearthd_mqtt"] = h.value("mqtt", json(nullptr));
        // Coalesced while the updates ran (the counter also holds the initial states replaced
        // while the first connection came up).
        const auto coalesced = [](const json& health) {
            return health.is_object() ? health.value("mqtt", json::object()).value("coalesced", std::int64_t{0})
                                      : std::int64_t{0};
        };
        r["coalesced"] = coalesced(h) - coalesced(health0);
    }
    const auto stored = rig.stop_and_count_stored();
    r["stored"] = stored;
    r["store_lost"] = static_cast<std::int64_t>(count) - stored;
    return r;
}

json soak(const bench_env& env, const std::string& isolation, double rate, double seconds) {
    const auto count = static_cast<std::uint64_t>(rate * seconds);
    state_rig rig(env, "soak", isolation, 100, count);
    json samples = json::array();
    rig.sub->publish("hearth/bench_ctl/set",
                     json{{"command", "run"}, {"params", {{"rate", rate}, {"count", count}}}}.dump());
    const auto start = std::chrono::steady_clock::now();
    while (rig.arrivals.received() < count &&
           std::chrono::steady_clock::now() - start < std::chrono::duration<double>(seconds + 30)) {
        std::this_thread::sleep_for(10s);
        const auto t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        samples.push_back({{"t_s", std::round(t)},
                           {"rss_kib", rig.daemon.rss_kib()},
                           {"rss_with_workers_kib", rig.daemon.rss_with_workers_kib()},
                           {"pss_with_workers_kib", rig.daemon.pss_with_workers_kib()},
                           {"timeline_rss_kib", rig.daemon.timeline_rss_kib()},
                           {"received", rig.arrivals.received()}});
    }
    std::this_thread::sleep_for(200ms);
    json r = rig.delivery(count, seconds, rate, isolation);
    r["rss_samples"] = samples;
    r["store_lost"] = static_cast<std::int64_t>(count) - rig.stop_and_count_stored();
    return r;
}

}  // namespace hearth::bench
