// Command path scenarios: a raw echo over the broker (baseline) and Hearth's `/set` -> validation
// -> driver -> new state on the state topic, both as sequential round trips about 100 per second.
#include "bench_util.hpp"
#include "scenarios.hpp"

#include <condition_variable>
#include <mutex>

namespace hearth::bench {

using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

/// Waits for the next `"on": <want>` seen on one topic; sequential round trips.
class round_trip_waiter {
public:
    void seen(const arrival& m) {
        const bool on = m.payload.find("\"on\":true") != std::string::npos;
        const std::lock_guard lock(mutex_);
        if (m.retained || on != want_ || arrived_ != 0) return;
        arrived_ = m.ns;
        cv_.notify_all();
    }
    void expect(bool want) {
        const std::lock_guard lock(mutex_);
        want_ = want;
        arrived_ = 0;
    }
    /// Arrival time, or 0 after a 5 s timeout.
    std::int64_t wait() {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, 5s, [this] { return arrived_ != 0; });
        return arrived_;
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool want_ = false;
    std::int64_t arrived_ = 1;  // nothing expected yet
};

json rounds(bench_client& client, round_trip_waiter& waiter, const std::string& topic, std::uint64_t count) {
    std::vector<std::int64_t> lat;
    std::uint64_t timeouts = 0;
    for (std::uint64_t i = 0; i < count + 50; ++i) {  // the first 50 are warm-up
        const bool want = i % 2 == 0;
        waiter.expect(want);
        const std::int64_t t0 = now_ns();
        client.publish(topic, want ? R"({"on":true})" : R"({"on":false})", 1, false);
        const std::int64_t t1 = waiter.wait();
        if (t1 == 0)
            ++timeouts;
        else if (i >= 50)
            lat.push_back(t1 - t0);
        sleep_until_ns(t0 + 10'000'000);  // ~100 commands/s
    }
    json r = to_json(summarize(lat));
    r["timeouts"] = timeouts;
    return r;
}

}  // namespace

json raw_command(const bench_env& env, std::uint64_t count) {
    std::unique_ptr<bench_client> echo;
    echo = std::make_unique<bench_client>(env.broker_url, "bench-echo", [&echo](const arrival& m) {
        const bool on = m.payload.find("\"on\":true") != std::string::npos;
        echo->publish("raw/sw", on ? R"({"on":true})" : R"({"on":false})", 1, true);
    });
    echo->subscribe("raw/sw/set");
    round_trip_waiter waiter;
    bench_client client(env.broker_url, "bench-cmd", [&](const arrival& m) { waiter.seen(m); });
    client.subscribe("raw/sw");
    json r = rounds(client, waiter, "raw/sw/set", count);
    client.publish_wait("raw/sw", "", 1, true);
    return r;
}

json hearth_command(const bench_env& env, const std::string& isolation, std::uint64_t count) {
    const auto dir = start_scenario(env, "command");
    hearthd_run daemon(env.paths, dir,
                       hearthd_options{env.broker_url, isolation, {{"sensors", 1}, {"switches", 1}}, nullptr});
    daemon.start();
    round_trip_waiter waiter;
    bench_client client(env.broker_url, "bench-cmd", [&](const arrival& m) { waiter.seen(m); });
    client.subscribe("hearth/bench_sw_0");
    std::this_thread::sleep_for(500ms);  // the retained state replay is ignored by the waiter
    json r = rounds(client, waiter, "hearth/bench_sw_0/set", count);
    r["isolation"] = isolation;
    return r;
}

}  // namespace hearth::bench
