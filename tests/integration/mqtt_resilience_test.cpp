// Connection lifecycle: the last will on a hard kill, the explicit offline on SIGTERM (and a
// bounded shutdown), a broker restart mid-run (everything re-published, latest states win),
// Home Assistant's birth message, and discovery not re-sent when unchanged across a restart.
#include "support/hearth_fixture.hpp"

#include <map>
#include <thread>

namespace hearth::test {

using namespace hearth::testing;  // the installed test kit: temp dirs, ports, processes
namespace {

using json = nlohmann::json;
using steady = std::chrono::steady_clock;

class mqtt_resilience : public hearth_test {};

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
    return n;
}

/// True once every demo device's discovery config arrived at index >= from.
bool all_discovery(const std::vector<received>& all, std::size_t from) {
    std::set<std::string> seen;
    for (std::size_t i = from; i < all.size(); ++i) {
        if (!all[i].payload.empty()) seen.insert(all[i].topic);
    }
    for (const auto& id : demo_device_ids()) {
        if (!seen.contains(discovery_topic(id))) return false;
    }
    return true;
}

TEST_F(mqtt_resilience, kill_9_leaves_the_last_will) {
    start_broker();
    auto probe = make_probe({bridge_state_topic});
    auto& daemon = start_daemon();
    ASSERT_TRUE(wait_online(*probe, 10s));
    const std::size_t from = probe->mark();
    const auto killed = steady::now();
    daemon.kill_hard();
    // The broker sends the will when it notices: at once on a closed socket, at the latest after
    // 1.5 x keepalive (5 s) on a silent one.
    const int keepalive_s = daemon.options().keepalive_s;
    auto offline = probe->wait_message([](const received& m) { return is_bridge_state(m, "offline"); },
                                       std::chrono::milliseconds(keepalive_s * 1500 + 3000), from);
    ASSERT_TRUE(offline) << "no last will after kill -9";
    std::cerr << "last will after "
              << std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - killed).count() << " ms\n";
    // And it is retained: a newcomer sees hearthd offline.
    auto fresh = make_probe({bridge_state_topic});
    auto retained = fresh->wait_topic(bridge_state_topic, 3s);
    ASSERT_TRUE(retained);
    EXPECT_TRUE(retained->retained);
    EXPECT_TRUE(is_bridge_state(*retained, "offline")) << retained->payload;
}

TEST_F(mqtt_resilience, sigterm_publishes_offline_and_exits_within_3s) {
    start_broker();
    auto probe = make_probe({bridge_state_topic, "hearth/+"});
    auto& daemon = start_daemon();
    ASSERT_TRUE(wait_online(*probe, 10s));
    ASSERT_TRUE(probe->wait_topic(state_topic("robot_vacuum"), 10s));
    const std::size_t from = probe->mark();
    const exit_info exit = daemon.stop(std::chrono::seconds(10));
    EXPECT_TRUE(exit.exited) << "hearthd needed SIGKILL";
    EXPECT_FALSE(exit.signalled);
    EXPECT_EQ(exit.code, 0);
    EXPECT_LT(exit.elapsed, std::chrono::milliseconds(3000)) << "shutdown took " << exit.elapsed.count() << " ms";
    auto offline = probe->wait_message([](const received& m) { return is_bridge_state(m, "offline"); }, 3s, from);
    ASSERT_TRUE(offline) << "no explicit offline on SIGTERM";
    // Explicit, not the will: hearthd sent DISCONNECT, and a will is only sent without one.
    broker_->stop();  // flushes mosquitto's log
    const std::string broker_log = read_file(broker_->log_path());
    EXPECT_NE(broker_log.find("Received DISCONNECT from hearth-it"), std::string::npos)
        << "hearthd did not disconnect cleanly";
}

TEST_F(mqtt_resilience, broker_restart_republishes_the_latest_of_everything) {
    start_broker();
    auto probe = make_probe({"hearth/#", "homeassistant/device/+/config"});
    auto& daemon = start_daemon();
    ASSERT_TRUE(probe->wait_for([](const auto& all) { return missing_topics(all, 0, false).empty(); }, 15s));
    std::map<std::string, json> before;
    for (const auto& id : demo_device_ids()) before[id] = probe->latest(state_topic(id))->as_json();
    probe.reset();

    broker_->stop();
    // Outage: long enough for hearthd to notice and fail a few reconnects while the demo runs on.
    const auto outage_start = steady::now();
    const auto deadline = outage_start + 10s;
    while (steady::now() < deadline &&
           (count_of(daemon.log(), "cannot connect") < 3 || steady::now() - outage_start < 3s)) {
        std::this_thread::sleep_for(100ms);  // polling hearthd's log, bounded by the deadline
    }
    ASSERT_GE(count_of(daemon.log(), "cannot connect"), 2u) << "hearthd did not notice the outage";
    ASSERT_TRUE(daemon.running());

    broker_->start();  // same port; persistence is off, so nothing retained survived
    const auto back = steady::now();
    auto after = make_probe({"hearth/#", "homeassistant/device/+/config"});
    const bool complete = after->wait_for([](const auto& all) { return missing_topics(all, 0, false).empty(); }, 12s);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - back);
    ASSERT_TRUE(complete) << "12 s after the broker came back, still missing: "
                          << missing_topics(after->messages(), 0, false)[0];
    std::cerr << "everything re-published " << took.count() << " ms after the broker came back\n";

    // The states on the broker are the latest: hearthd publishes in order on one connection, so the
    // last state seen before the devices response equals the state the response reports.
    auto reply = after->request_message("devices", json::object(), 5s);
    ASSERT_TRUE(reply);
    const json devices = reply->as_json();
    ASSERT_EQ(devices.value("status", ""), "ok") << devices;
    const auto msgs = after->messages();
    std::size_t changed = 0;
    for (const auto& d : devices["data"]) {
        const std::string id = d.value("id", "");
        SCOPED_TRACE(id);
        std::optional<json> last;
        for (std::size_t i = 0; i < reply->index; ++i) {
            if (msgs[i].topic == state_topic(id) && !msgs[i].payload.empty()) last = msgs[i].as_json();
        }
        ASSERT_TRUE(last);
        EXPECT_EQ(*last, d["state"]);
        if (before.contains(id) && before[id] != d["state"]) ++changed;
    }
    EXPECT_GT(changed, 0u) << "no device changed state across the outage: the test proves little";

    // And they are really retained on the broker, with every device online.
    auto fresh = make_probe({"hearth/#", "homeassistant/device/+/config"});
    ASSERT_TRUE(fresh->wait_for([](const auto& all) { return missing_topics(all, 0, true).empty(); }, 5s));
    for (const auto& id : demo_device_ids()) {
        EXPECT_EQ(fresh->latest(availability_topic(id))->as_json(), json({{"state", "online"}})) << id;
    }
}

TEST_F(mqtt_resilience, home_assistant_birth_republishes_discovery) {
    start_broker();
    auto probe = make_probe({"homeassistant/device/+/config", bridge_state_topic});
    start_daemon();
    ASSERT_TRUE(probe->wait_for([](const auto& all) { return all_discovery(all, 0); }, 15s));
    const std::size_t from = probe->mark();
    const auto born = steady::now();
    probe->publish("homeassistant/status", "online");
    ASSERT_TRUE(probe->wait_for([&](const auto& all) { return all_discovery(all, from); }, 6s))
        << "discovery not re-published after homeassistant/status online";
    std::cerr << "discovery re-published "
              << std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - born).count()
              << " ms after the birth message\n";
}

TEST_F(mqtt_resilience, unchanged_discovery_is_not_resent_after_a_restart) {
    start_broker();
    auto probe = make_probe({"homeassistant/device/+/config", bridge_state_topic, "hearth/+"});
    auto& daemon = start_daemon();
    ASSERT_TRUE(probe->wait_for([](const auto& all) { return all_discovery(all, 0); }, 15s));
    const exit_info exit = daemon.stop();
    ASSERT_TRUE(exit.exited);

    // Same database; the probe stays subscribed, so anything it gets now is a live (re-)publish.
    const std::size_t from = probe->mark();
    start_daemon();
    ASSERT_TRUE(wait_online(*probe, 10s, from));
    ASSERT_TRUE(probe->wait_for(
        [&](const auto& all) {
            std::set<std::string> states;
            for (std::size_t i = from; i < all.size(); ++i) states.insert(all[i].topic);
            for (const auto& id : demo_device_ids()) {
                if (!states.contains(state_topic(id))) return false;
            }
            return true;
        },
        10s))
        << "states were not re-published after the restart";
    auto resent =
        probe->wait_message([](const received& m) { return m.topic.starts_with("homeassistant/device/"); }, 3s, from);
    EXPECT_FALSE(resent) << "discovery re-sent although unchanged: " << (resent ? resent->topic : "");
}

}  // namespace
}  // namespace hearth::test
