// The community alarm storm as a benchmark (docs/benchmarks.md, "Community: alarm storm"): a
// 3-node RabbitMQ cluster on loopback, N wire-contract hubs (fake_hub, tests/community) and a
// real hearth-community. Measures (1) alarms/s sustained end to end (sent → stored in
// hearth-community's SQLite), (2) end-to-end latency p50/p99 (envelope ts → stored),
// (3) time to fail over after SIGKILL of the node a third of the hubs and the service use, and
// (4) with --cut-off-s S: 10 hubs whose only node is down for S seconds deliver every alarm after
// it returns. Prints one JSON object.
//   community_bench [--hubs 50] [--alarms 100] [--cut-off-s 0]
#include "cluster_rig.hpp"
#include "community/community_store.hpp"
#include "community_process.hpp"
#include "fake_hub.hpp"

#include <hearth/testing/temp_dir.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <set>
#include <thread>

namespace ct = hearth::community_test;
namespace hc = hearth::community;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

const std::string site = "site1";

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::int64_t ms_since(steady::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - t).count();
}

std::string home_name(int i) {
    char name[16];
    std::snprintf(name, sizeof name, "home-%03d", i);
    return name;
}

std::int64_t percentile(std::vector<std::int64_t> values, int p) {
    if (values.empty()) {
        return -1;
    }
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, values.size() * static_cast<std::size_t>(p) / 100)];
}

struct bench {
    std::unique_ptr<hearth::testing::temp_dir> dir;
    std::unique_ptr<ct::cluster_rig> rig;
    std::unique_ptr<ct::community_process> service;
    std::vector<std::unique_ptr<ct::fake_hub>> hubs;

    /// Alerts stored with an id in `ids`: their (received_ms - ts) latencies.
    std::vector<std::int64_t> latencies(const std::set<std::string>& ids) const {
        auto store = hc::community_store::open(service->database());
        std::vector<std::int64_t> out;
        for (const auto& alert : store.all_alerts()) {
            if (ids.count(alert.id) != 0) {
                out.push_back(alert.received_ms - alert.ts);
            }
        }
        return out;
    }

    bool await_all(const std::set<std::string>& ids, std::chrono::seconds timeout, std::int64_t* last_received) const {
        const auto deadline = steady::now() + timeout;
        while (steady::now() < deadline) {
            auto store = hc::community_store::open(service->database());
            std::size_t found = 0;
            std::int64_t last = 0;
            for (const auto& alert : store.all_alerts()) {
                if (ids.count(alert.id) != 0) {
                    ++found;
                    last = std::max(last, alert.received_ms);
                }
            }
            if (found == ids.size()) {
                *last_received = last;
                return true;
            }
            std::this_thread::sleep_for(100ms);
        }
        return false;
    }
};

/// Every hub sends alarms [first, first + count) back to back (QoS 1, wait for PUBACK each).
/// Returns the ids; `fail_gap_ms` gets, per hub, the longest gap between two PUBACKs.
std::set<std::string> storm(bench& b, int first, int count, std::vector<std::int64_t>* max_gap_ms = nullptr,
                            std::chrono::milliseconds pace = 0ms) {
    std::set<std::string> ids;
    std::vector<std::thread> threads;
    std::vector<std::int64_t> gaps(b.hubs.size(), 0);
    const auto deadline = steady::now() + 600s;
    for (std::size_t i = 0; i < b.hubs.size(); ++i) {
        for (int seq = first; seq < first + count; ++seq) {
            ids.insert(b.hubs[i]->id_of(seq));
        }
        threads.emplace_back([&, i] {
            auto* h = b.hubs[i].get();
            auto last = steady::now();
            for (int seq = first; seq < first + count; ++seq) {
                const auto payload =
                    h->envelope(seq, "alarm", wall_ms(),
                                R"({"device":"smoke_detector","event_type":"smoke_alarm","event":{"test":true}})");
                h->publish_reliably(h->up_topic("alarm"), payload, deadline);
                gaps[i] = std::max<std::int64_t>(gaps[i], ms_since(last));
                last = steady::now();
                if (pace.count() > 0) {
                    std::this_thread::sleep_for(pace);
                }
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    if (max_gap_ms != nullptr) {
        *max_gap_ms = gaps;
    }
    return ids;
}

}  // namespace

int main(int argc, char** argv) {
    int hub_count = 50;
    int alarms = 100;
    int cut_off_s = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--hubs") == 0) {
            hub_count = std::stoi(argv[i + 1]);
        } else if (std::strcmp(argv[i], "--alarms") == 0) {
            alarms = std::stoi(argv[i + 1]);
        } else if (std::strcmp(argv[i], "--cut-off-s") == 0) {
            cut_off_s = std::stoi(argv[i + 1]);
        }
    }
    nlohmann::json report = {{"hubs", hub_count}, {"alarms_per_hub", alarms}};
    bench b;
    b.dir = std::make_unique<hearth::testing::temp_dir>("community-bench");
    std::vector<std::string> homes;
    for (int i = 0; i < hub_count; ++i) {
        homes.push_back(home_name(i));
    }
    b.rig = std::make_unique<ct::cluster_rig>(b.dir->path(), site, homes);
    report["cluster_start_ms"] = b.rig->start_time().count();
    b.service = std::make_unique<ct::community_process>(
        b.dir->path() / "service", std::vector<std::string>{b.rig->mqtt_url(1), b.rig->mqtt_url(2), b.rig->mqtt_url(3)},
        b.rig->service_user(), b.rig->service_password());
    b.service->start();
    // Hub i starts at node (i % 3) + 1; all know every node.
    const auto c0 = steady::now();
    for (int i = 0; i < hub_count; ++i) {
        std::vector<std::string> uris;
        for (int k = 0; k < 3; ++k) {
            uris.push_back(b.rig->paho_uri((i + k) % 3 + 1));
        }
        b.hubs.push_back(std::make_unique<ct::fake_hub>(site, homes[i], ct::cluster_rig::password_of(homes[i]), uris));
    }
    {
        std::vector<std::thread> threads;
        for (auto& hub : b.hubs) {
            threads.emplace_back([h = hub.get()] { h->connect(120s); });
        }
        for (auto& t : threads) {
            t.join();
        }
    }
    report["connect_all_hubs_ms"] = ms_since(c0);
    if (!b.hubs.front()->await_service(b.service->database(), 120s)) {
        std::cerr << "hearth-community did not subscribe in time\n" << b.service->log();
        return 1;
    }

    // (1)+(2) Sustained storm.
    const auto t0_wall = wall_ms();
    const auto ids = storm(b, 1, alarms);
    std::int64_t last_received = 0;
    const bool all = b.await_all(ids, 120s, &last_received);
    const auto lat = b.latencies(ids);
    report["storm"] = {{"alarms", ids.size()},
                       {"all_stored_once", all && lat.size() == ids.size()},
                       {"duration_ms", last_received - t0_wall},
                       {"alarms_per_s", last_received > t0_wall ? 1000.0 * static_cast<double>(ids.size()) /
                                                                      static_cast<double>(last_received - t0_wall)
                                                                : 0.0},
                       {"latency_p50_ms", percentile(lat, 50)},
                       {"latency_p99_ms", percentile(lat, 99)},
                       {"latency_max_ms", percentile(lat, 100)}};
    std::cerr << report.dump() << std::endl;

    // (3) Fail-over: paced alarms (one per hub every 100 ms), node 1 killed after 3 s.
    std::vector<std::int64_t> gaps;
    std::int64_t kill_wall = 0;
    std::thread killer([&] {
        std::this_thread::sleep_for(3s);
        kill_wall = wall_ms();
        b.rig->kill_node(1);
    });
    const auto failover_ids = storm(b, 10'000, 80, &gaps, 100ms);
    killer.join();
    const bool failover_all = b.await_all(failover_ids, 120s, &last_received);
    std::vector<std::int64_t> node1_gaps;
    std::vector<std::int64_t> other_gaps;
    for (int i = 0; i < hub_count; ++i) {
        (i % 3 == 0 ? node1_gaps : other_gaps).push_back(gaps[static_cast<std::size_t>(i)]);
    }
    // The service: how long after the kill until it stored again (it was on node 1 too).
    std::int64_t service_resume_ms = -1;
    {
        auto store = hc::community_store::open(b.service->database());
        std::int64_t first_after = 0;
        std::int64_t last_before = 0;
        for (const auto& alert : store.all_alerts()) {
            if (failover_ids.count(alert.id) == 0) {
                continue;
            }
            if (alert.received_ms <= kill_wall) {
                last_before = std::max(last_before, alert.received_ms);
            } else if (first_after == 0 || alert.received_ms < first_after) {
                first_after = alert.received_ms;
            }
        }
        service_resume_ms = first_after - kill_wall;
        report["failover"] = {{"alarms", failover_ids.size()},
                              {"all_stored_once", failover_all},
                              {"hubs_on_killed_node", node1_gaps.size()},
                              {"hub_failover_p50_ms", percentile(node1_gaps, 50)},
                              {"hub_failover_max_ms", percentile(node1_gaps, 100)},
                              {"other_hubs_max_gap_ms", percentile(other_gaps, 100)},
                              {"service_store_gap_ms", first_after - last_before},
                              {"service_first_store_after_kill_ms", service_resume_ms}};
    }
    std::cerr << report.dump() << std::endl;
    b.rig->start_node(1);

    // (4) Ten hubs cut off for cut_off_s seconds (node 3 is their only node).
    if (cut_off_s > 0) {
        std::vector<std::unique_ptr<ct::fake_hub>> cut;
        for (int i = 0; i < 10; ++i) {
            cut.push_back(std::make_unique<ct::fake_hub>(site, homes[i], "hub-" + homes[i] + "-cut", homes[i],
                                                         ct::cluster_rig::password_of(homes[i]),
                                                         std::vector<std::string>{b.rig->paho_uri(3)}));
            cut.back()->connect(60s);
        }
        bench cut_bench;
        cut_bench.service = std::move(b.service);
        cut_bench.hubs = std::move(cut);
        const auto cut_at = steady::now();
        b.rig->kill_node(3);
        std::set<std::string> cut_ids;
        std::thread cut_storm([&] { cut_ids = storm(cut_bench, 20'000, alarms); });
        std::this_thread::sleep_until(cut_at + std::chrono::seconds(cut_off_s));
        b.rig->start_node(3);
        const auto back_at = steady::now();
        cut_storm.join();
        const bool cut_all = cut_bench.await_all(cut_ids, 300s, &last_received);
        report["cut_off"] = {{"hubs", 10},
                             {"seconds", cut_off_s},
                             {"alarms", cut_ids.size()},
                             {"all_stored_once_after_return", cut_all},
                             {"drained_ms_after_node_back", ms_since(back_at)}};
        b.service = std::move(cut_bench.service);
    }
    b.service->stop();
    std::cout << report.dump(2) << std::endl;
    b.hubs.clear();
    b.rig.reset();
    return 0;
}
