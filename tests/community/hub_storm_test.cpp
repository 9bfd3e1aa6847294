// The alarm storm with real hubs (ctest label `community`): a 3-node RabbitMQ cluster, 50 hearthd
// (demo driver with its opt-in smoke detector, one shared local mosquitto with a base topic per
// hub, uplink on with user + password) and hearth-community. Each hub's smoke detector `test`
// command raises a smoke_alarm, which the uplink sends up; every alarm must be stored exactly once
// (by id): in a plain storm, while broker node 1 is killed mid-storm (hubs fail over to their next
// URL) and while the 10 hubs whose only URL is node 3 are cut off (their alarms arrive after node 3
// returns). Also: hearthctl --community diagnostics reaches a hub through the cluster, and nothing
// on community/# (seen as the service user) holds a PIN, token, image or the planted canaries.
#include "cluster_rig.hpp"
#include "community/community_store.hpp"
#include "community_process.hpp"
#include "fake_hub.hpp"
#include "support/broker_process.hpp"
#include "support/daemon_process.hpp"
#include "uplink_canary.hpp"

#include <hearth/testing/process.hpp>
#include <hearth/testing/temp_dir.hpp>

#include <gtest/gtest.h>
#include <mqtt/async_client.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <thread>

namespace ct = hearth::community_test;
namespace hc = hearth::community;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr int hub_count = 50;
constexpr int cut_hubs = 10;  ///< hubs 0..9: node 3 is their only URL
constexpr int alarms_per_round = 2;
const std::string site = "site1";
const std::string canary_password = "canary-local-pass-739146";

/// How long the 10 hubs stay cut off: HEARTH_CUT_OFF_SECONDS (20 in ctest), or the environment's
/// HEARTH_COMMUNITY_CUT_OFF_S (the issue's full 5 minutes: HEARTH_COMMUNITY_CUT_OFF_S=300).
std::chrono::seconds cut_off_duration() {
    const char* text = std::getenv("HEARTH_COMMUNITY_CUT_OFF_S");
    if (text != nullptr) {
        const long value = std::strtol(text, nullptr, 10);
        if (value > 0 && value <= 3600) return std::chrono::seconds(value);
    }
    return std::chrono::seconds(HEARTH_CUT_OFF_SECONDS);
}

std::string home_name(int i) {
    char name[16];
    std::snprintf(name, sizeof name, "hub-%02d", i);
    return name;
}

struct suite_state {
    std::unique_ptr<hearth::testing::temp_dir> dir;
    std::unique_ptr<ct::cluster_rig> rig;
    std::unique_ptr<hearth::test::broker_process> local;
    std::unique_ptr<ct::community_process> service;
    std::vector<std::unique_ptr<hearth::test::daemon_process>> hubs;
    std::unique_ptr<ct::fake_hub> spy;
    std::unique_ptr<::mqtt::async_client> trigger;  ///< publishes the smoke detectors' test commands
};
suite_state* state = nullptr;

/// Stored smoke alarms per home (ids are unique in the table: each stored once).
std::map<std::string, int> alarms_per_home() {
    auto store = hc::community_store::open(state->service->database());
    std::map<std::string, int> counts;
    for (const auto& alert : store.all_alerts()) {
        const auto data = json::parse(alert.data, nullptr, false);
        if (alert.kind == "alarm" && data.is_object() && data.value("event_type", std::string()) == "smoke_alarm") {
            ++counts[alert.home];
        }
    }
    return counts;
}

/// Polls until every home in [from, to) has `expected` smoke alarms stored (or `timeout`).
bool await_counts(int from, int to, int expected, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto counts = alarms_per_home();
        bool all = true;
        for (int i = from; i < to && all; ++i) {
            const auto it = counts.find(home_name(i));
            all = it != counts.end() && it->second >= expected;
        }
        if (all) {
            return true;
        }
        std::this_thread::sleep_for(250ms);
    }
    return false;
}

/// Presses the test button of hubs [from, to), `n` times each.
void press_test_buttons(int from, int to, int n) {
    for (int k = 0; k < n; ++k) {
        for (int i = from; i < to; ++i) {
            state->trigger->publish(home_name(i) + "/hall_smoke/set", R"({"command":"test"})", 1, false)->wait();
        }
    }
}

class CommunityHubStorm : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        state = new suite_state;
        state->dir = std::make_unique<hearth::testing::temp_dir>("community-hubs");
        const auto& dir = state->dir->path();
        std::vector<std::string> homes;
        for (int i = 0; i < hub_count; ++i) {
            homes.push_back(home_name(i));
        }
        state->rig = std::make_unique<ct::cluster_rig>(dir, site, homes);
        std::filesystem::create_directories(dir / "local");
        hearth::test::broker_options local_options;
        local_options.quiet_log = true;
        state->local = std::make_unique<hearth::test::broker_process>(dir / "local", local_options);
        state->local->start();
        state->service = std::make_unique<ct::community_process>(
            dir / "service",
            std::vector<std::string>{state->rig->mqtt_url(1), state->rig->mqtt_url(2), state->rig->mqtt_url(3)},
            state->rig->service_user(), state->rig->service_password());
        state->service->start();
        state->spy = std::make_unique<ct::fake_hub>(site, "spy", state->rig->service_user() + "-spy",
                                                    state->rig->service_user(), state->rig->service_password(),
                                                    std::vector<std::string>{state->rig->paho_uri(2)});
        ASSERT_TRUE(state->spy->connect());
        ASSERT_EQ(state->spy->subscribe("community/#"), 1);
        for (int i = 0; i < hub_count; ++i) {
            const auto home = home_name(i);
            const auto hub_dir = dir / home;
            std::filesystem::create_directories(hub_dir);
            hearth::testing::write_file(hub_dir / "uplink.password", ct::cluster_rig::password_of(home) + "\n");
            json urls = json::array();
            if (i < cut_hubs) {
                urls.push_back(state->rig->mqtt_url(3));
            } else {
                for (int k = 0; k < 2; ++k) {  // nodes 1 and 2, starting at one of them
                    urls.push_back(state->rig->mqtt_url((i + k) % 2 + 1));
                }
                urls.push_back(state->rig->mqtt_url(3));
            }
            hearth::test::daemon_options options;
            options.mqtt_url = state->local->url();
            options.client_id = "hearth-" + home;
            options.log_level = "warn";
            options.mqtt_extra = {{"base_topic", home}, {"username", "local"}, {"password", canary_password}};
            options.demo_config = {{"tick_ms", 1000}, {"devices", {"smoke_detector"}}};
            options.config_extra = {{"uplink",
                                     {{"enabled", true},
                                      {"urls", urls},
                                      {"site_id", site},
                                      {"home_id", home},
                                      {"password_file", (hub_dir / "uplink.password").string()},
                                      {"publish", {"alarms", "health"}},
                                      {"accept", {"health", "diagnostics"}},
                                      {"health_interval_s", 60}}}};
            state->hubs.push_back(std::make_unique<hearth::test::daemon_process>(hub_dir, options));
            state->hubs.back()->start();
        }
        state->trigger = std::make_unique<::mqtt::async_client>(
            "tcp://127.0.0.1:" + std::to_string(state->local->port()), "storm-trigger");
        state->trigger->connect()->wait();
        // Every hub is up when its smoke detector answers on its local base topic (retained state).
        ::mqtt::async_client probe("tcp://127.0.0.1:" + std::to_string(state->local->port()), "storm-ready");
        probe.connect()->wait();
        probe.start_consuming();
        probe.subscribe("+/hall_smoke", 1)->wait();
        std::set<std::string> ready;
        const auto deadline = std::chrono::steady_clock::now() + 150s;
        while (ready.size() < static_cast<std::size_t>(hub_count) && std::chrono::steady_clock::now() < deadline) {
            ::mqtt::const_message_ptr m;
            if (probe.try_consume_message_for(&m, 500ms) && m) {
                ready.insert(m->get_topic());
            }
        }
        probe.disconnect()->wait();
        ASSERT_EQ(ready.size(), static_cast<std::size_t>(hub_count)) << "hubs whose smoke detector came up";
        // The hubs' health (publish: health) arrives once the service has subscribed.
        ct::fake_hub service_probe(site, home_name(hub_count - 1),
                                   ct::cluster_rig::password_of(home_name(hub_count - 1)), {state->rig->paho_uri(2)});
        ASSERT_TRUE(service_probe.connect());
        ASSERT_TRUE(service_probe.await_service(state->service->database(), 120s)) << state->service->log();
    }
    static void TearDownTestSuite() {
        if (state == nullptr) {
            return;
        }
        if (state->trigger && state->trigger->is_connected()) {
            state->trigger->disconnect()->wait();
        }
        for (auto& hub : state->hubs) {
            hub->stop(3s);
        }
        if (::testing::Test::HasFailure() && !state->hubs.empty()) {
            std::fprintf(stderr, "hub 0:\n%s\nhub 20:\n%s\nservice:\n%s\n", state->hubs[0]->log().c_str(),
                         state->hubs[20]->log().c_str(), state->service->log().c_str());
        }
        state->spy.reset();
        state->service.reset();
        state->hubs.clear();
        state->local.reset();
        state->rig.reset();
        delete state;
        state = nullptr;
    }
};

TEST_F(CommunityHubStorm, EveryAlarmOfEveryHubArrivesExactlyOnce) {
    press_test_buttons(0, hub_count, alarms_per_round);
    EXPECT_TRUE(await_counts(0, hub_count, alarms_per_round, 90s));
    for (const auto& [home, count] : alarms_per_home()) {
        EXPECT_EQ(count, alarms_per_round) << home;
    }
}

TEST_F(CommunityHubStorm, EveryAlarmArrivesWhenABrokerNodeIsKilledMidStorm) {
    press_test_buttons(0, hub_count, 1);
    state->rig->kill_node(1);
    press_test_buttons(0, hub_count, alarms_per_round - 1);
    EXPECT_TRUE(await_counts(0, hub_count, 2 * alarms_per_round, 120s));
    for (const auto& [home, count] : alarms_per_home()) {
        EXPECT_EQ(count, 2 * alarms_per_round) << home;
    }
    state->rig->start_node(1);
}

TEST_F(CommunityHubStorm, CutOffHubsDeliverTheirAlarmsAfterTheUplinkReturns) {
    const auto cut_at = std::chrono::steady_clock::now();
    state->rig->kill_node(3);
    press_test_buttons(0, hub_count, alarms_per_round);
    EXPECT_TRUE(await_counts(cut_hubs, hub_count, 3 * alarms_per_round, 120s));
    const auto during = alarms_per_home();
    for (int i = 0; i < cut_hubs; ++i) {
        EXPECT_EQ(during.at(home_name(i)), 2 * alarms_per_round) << home_name(i) << " is cut off";
    }
    // The outage's length is what is under test, not a wait for something to happen.
    std::this_thread::sleep_until(cut_at + cut_off_duration());
    state->rig->start_node(3);
    EXPECT_TRUE(await_counts(0, cut_hubs, 3 * alarms_per_round, 120s));
    for (const auto& [home, count] : alarms_per_home()) {
        EXPECT_EQ(count, 3 * alarms_per_round) << home;
    }
}

TEST_F(CommunityHubStorm, HearthctlGetsAHubsDiagnosticsThroughTheCluster) {
    const auto out =
        hearth::testing::run_capture({HEARTHCTL_PATH, "--community", state->service->config_path().string(),
                                      "diagnostics", home_name(20), "--timeout", "30"},
                                     state->dir->path(), 60s);
    EXPECT_EQ(out.code, 0) << out.out << out.err;
    EXPECT_NE(out.out.find("hub-20"), std::string::npos) << out.out;
    EXPECT_EQ(out.out.find(canary_password), std::string::npos) << "the local broker password was redacted";
}

TEST_F(CommunityHubStorm, NothingOnTheUplinkCarriesAPinTokenOrImage) {
    const auto seen = state->spy->received();
    ASSERT_GE(seen.size(), static_cast<std::size_t>(hub_count * 3 * alarms_per_round)) << "the spy saw the storms";
    for (const auto& [topic, payload] : seen) {
        EXPECT_EQ(ct::uplink_canary_finding(payload, {canary_password}), "") << topic;
    }
}

}  // namespace
