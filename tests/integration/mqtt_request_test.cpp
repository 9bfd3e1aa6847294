// Bridge requests over MQTT: devices, health, info, device/rename, device/remove (with the empty
// retained payloads that delete a removed device from the broker), backup, history, energy
// findings, the Home Assistant energy sensors' discovery and their `/energy` values, and errors
// for unknown requests and bad arguments.
#include "support/hearth_fixture.hpp"

#include <fstream>

namespace hearth::test {
namespace {

using json = nlohmann::json;

class mqtt_request : public hearth_test {
protected:
    void bring_up() { bring_up_complete(probe_, {"hearth/#", "homeassistant/device/+/config"}); }
    std::unique_ptr<mqtt_probe> probe_;
};

TEST_F(mqtt_request, devices_health_info) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    const json devices = probe_->request("devices");
    ASSERT_EQ(devices.value("status", ""), "ok") << devices;
    ASSERT_TRUE(devices["data"].is_array());
    std::set<std::string> ids;
    for (const auto& d : devices["data"]) {
        ids.insert(d.value("id", ""));
        EXPECT_TRUE(d.contains("state") && d["state"].is_object()) << d;
        EXPECT_EQ(d.value("online", false), true) << d;
    }
    for (const auto& id : demo_device_ids()) EXPECT_TRUE(ids.contains(id)) << id;

    const json health = probe_->request("health");
    ASSERT_EQ(health.value("status", ""), "ok") << health;
    EXPECT_EQ(health["data"].value("devices", 0), demo_device_ids().size()) << health;
    EXPECT_EQ(health["data"]["mqtt"].value("connected", false), true) << health;

    const json info = probe_->request("info");
    ASSERT_EQ(info.value("status", ""), "ok") << info;
    EXPECT_TRUE(info["data"]["version"].is_string()) << info;
}

TEST_F(mqtt_request, unknown_request_and_bad_payloads_get_errors) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    json r = probe_->request("no/such/request");
    ASSERT_TRUE(r.is_object()) << "unknown request answered with silence";
    EXPECT_EQ(r.value("status", ""), "error") << r;
    EXPECT_NE(r.value("error", "").find("unknown request"), std::string::npos) << r;

    const std::size_t from = probe_->mark();
    probe_->publish("hearth/bridge/request/health", "[1,2]");
    auto m = probe_->wait_topic("hearth/bridge/response/health", 5s, from);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->as_json().value("status", ""), "error") << m->payload;

    r = probe_->request("device/rename", {{"device", "living_light"}});
    EXPECT_EQ(r.value("status", ""), "error") << r;
    EXPECT_NE(r.value("error", "").find("name"), std::string::npos) << r;
    r = probe_->request("device/rename", {{"device", "nope"}, {"name", "X"}});
    EXPECT_EQ(r.value("status", ""), "error") << r;
    r = probe_->request("device/remove", {{"device", "nope"}});
    EXPECT_EQ(r.value("status", ""), "error") << r;
    EXPECT_NE(r.value("error", "").find("nope"), std::string::npos) << r;
    r = probe_->request("history", {{"device", "living_climate_sensor"}});
    EXPECT_EQ(r.value("status", ""), "error") << r;
}

TEST_F(mqtt_request, rename_updates_devices_and_discovery) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    const std::size_t from = probe_->mark();
    const json r = probe_->request("device/rename", {{"device", "living_light"}, {"name", "Sofa Lamp"}});
    ASSERT_EQ(r.value("status", ""), "ok") << r;
    auto cfg = probe_->wait_message(
        [](const received& m) {
            return m.topic == discovery_topic("living_light") && m.as_json()["dev"].value("name", "") == "Sofa Lamp";
        },
        5s, from);
    EXPECT_TRUE(cfg) << "discovery not re-published with the new name";
    auto list = probe_->wait_message(
        [](const received& m) {
            return m.topic == "hearth/bridge/devices" && m.payload.find("Sofa Lamp") != std::string::npos;
        },
        5s, from);
    EXPECT_TRUE(list) << "bridge/devices not re-published with the new name";
}

TEST_F(mqtt_request, remove_clears_the_retained_topics) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    const std::string id = "porch_switch";  // static: the demo never reports it again on its own
    const std::size_t from = probe_->mark();
    const json r = probe_->request("device/remove", {{"device", id}});
    ASSERT_EQ(r.value("status", ""), "ok") << r;
    const std::vector<std::string> topics = {discovery_topic(id), state_topic(id), availability_topic(id)};
    ASSERT_TRUE(probe_->wait_for(
        [&](const auto& all) {
            std::set<std::string> cleared;
            for (std::size_t i = from; i < all.size(); ++i) {
                if (all[i].payload.empty()) cleared.insert(all[i].topic);
            }
            for (const auto& t : topics) {
                if (!cleared.contains(t)) return false;
            }
            return true;
        },
        5s))
        << "no empty retained payload on all of discovery, state and availability";

    // A fresh subscriber sees nothing retained for the removed device; the control topic (another
    // device's state, subscribed last) proves the retained replays were delivered.
    auto fresh =
        make_probe({discovery_topic(id), state_topic(id), availability_topic(id), state_topic("living_light")});
    ASSERT_TRUE(fresh->wait_topic(state_topic("living_light"), 5s));
    EXPECT_FALSE(fresh->wait_message([&](const received& m) { return m.topic != state_topic("living_light"); }, 500ms))
        << "a retained message survived the removal";

    const json devices = probe_->request("devices");
    for (const auto& d : devices["data"]) EXPECT_NE(d.value("id", ""), id);
}

TEST_F(mqtt_request, backup_and_history) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    const json backup = probe_->request("backup", json::object(), 10s);
    ASSERT_EQ(backup.value("status", ""), "ok") << backup;
    const std::string path = backup["data"].value("path", "");
    EXPECT_TRUE(!path.empty() && std::filesystem::exists(path)) << backup;

    const json history = probe_->request("history", {{"device", "living_climate_sensor"}, {"property", "value"}}, 10s);
    ASSERT_EQ(history.value("status", ""), "ok") << history;
    EXPECT_TRUE(history["data"].is_array()) << history;
}

TEST_F(mqtt_request, energy_sensors_are_discovered_and_published_and_findings_answer) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    const auto cfg = probe_->wait_topic(discovery_topic("kitchen_plug"), 5s, 0);
    ASSERT_TRUE(cfg);
    const json today = cfg->as_json()["cmps"]["kitchen_plug_energy_today"];
    EXPECT_EQ(today.value("stat_t", ""), "hearth/kitchen_plug/energy") << cfg->payload;
    EXPECT_EQ(today.value("stat_cla", ""), "total_increasing") << cfg->payload;
    // The first values are published 5 s after the start, computed from the store.
    const auto values = probe_->wait_topic("hearth/kitchen_plug/energy", 15s, 0);
    ASSERT_TRUE(values) << "no /energy values for the plug";
    const json v = values->as_json();
    EXPECT_TRUE(v["today_kwh"].is_number() && v["month_kwh"].is_number() && v["month_cost"].is_number()) << v;
    EXPECT_TRUE(v["today_start"].is_string()) << v;
    EXPECT_FALSE(probe_->wait_topic("hearth/living_light/energy", 100ms, 0)) << "a light without energy data";

    const json findings = probe_->request("energy_findings", json::object(), 10s);
    ASSERT_EQ(findings.value("status", ""), "ok") << findings;
    EXPECT_TRUE(findings["data"]["standby"].is_array() && findings["data"]["anomalies"].is_array()) << findings;
    const json bad = probe_->request("energy_findings", {{"device", "No Such"}});
    EXPECT_EQ(bad.value("error", ""), "'device' is not a valid device id") << bad;
}

}  // namespace
}  // namespace hearth::test

namespace hearth::test {
namespace {

using json = nlohmann::json;

class mqtt_hostile_input : public hearth_test {
protected:
    void bring_up() { bring_up_complete(probe_, {"hearth/#", "homeassistant/device/+/config"}); }
    std::unique_ptr<mqtt_probe> probe_;
};

// Issue 23 items 1-3: each of these ended hearthd (uncaught type_error -> SIGABRT, or SIGSEGV on a
// 100,000-deep /set). Now each is answered with an error and hearthd keeps serving.
TEST_F(mqtt_hostile_input, wrong_types_deep_and_oversized_payloads_are_answered) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    const std::vector<std::pair<std::string, json>> requests = {
        {"history", {{"device", "living_light"}, {"property", "brightness"}, {"from", "yesterday"}}},
        {"history", {{"device", "living_light"}, {"property", "brightness"}, {"limit", "10"}}},
        {"device/rename", {{"device", 5}, {"name", "x"}}},
        {"device/remove", {{"device", json::array({"living_light"})}}},
    };
    for (const auto& [name, args] : requests) {
        const json r = probe_->request(name, args);
        ASSERT_TRUE(r.is_object()) << name << " " << args << ": no answer (hearthd died?)";
        EXPECT_EQ(r.value("status", ""), "error") << r;
        EXPECT_NE(r.value("error", "").find("must be"), std::string::npos) << r;
    }

    // 100,000 nested objects (~500 KB): refused while parsing.
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += "{\"a\":";
    deep += "1";
    deep += std::string(100000, '}');
    std::size_t from = probe_->mark();
    probe_->publish("hearth/living_light/set", deep);
    auto m = probe_->wait_topic("hearth/living_light/response", 10s, from);
    ASSERT_TRUE(m) << "no answer to a deep /set (hearthd died?)";
    EXPECT_EQ(m->as_json().value("status", ""), "error") << m->payload.substr(0, 200);

    // 100 KiB /set: over the 64 KiB limit, refused before parsing, nothing echoed.
    from = probe_->mark();
    probe_->publish("hearth/living_light/set", "{\"brightness\":\"" + std::string(100 * 1024, 'x') + "\"}");
    m = probe_->wait_topic("hearth/living_light/response", 10s, from);
    ASSERT_TRUE(m);
    EXPECT_LT(m->payload.size(), 300u);
    EXPECT_NE(m->as_json().value("error", "").find("65536"), std::string::npos) << m->payload;

    const json health = probe_->request("health");
    ASSERT_EQ(health.value("status", ""), "ok") << health;
    EXPECT_GE(health["data"]["mqtt"].value("oversized_messages", 0), 1) << health;
    EXPECT_TRUE(daemon_->running());
}

/// A field of /proc/<pid>/status in KiB (VmHWM = peak RSS); 0 if absent.
std::uint64_t status_kib(pid_t pid, const std::string& field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1));
    }
    return 0;
}

// Issue 23 item 3: hearthd connects with MQTT 5 and announces a Maximum Packet Size (1 MiB, its
// largest accepted payload, + 65 KiB headroom), so mosquitto drops a 16 MiB publish for hearthd
// instead of sending it: hearthd never buffers it (peak RSS does not grow by the payload) and
// never counts it. Under MQTT 3.1.1 Paho buffered it (several copies) before hearthd refused it.
TEST_F(mqtt_hostile_input, payloads_over_the_maximum_packet_size_never_reach_hearthd) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    json health = probe_->request("health");
    ASSERT_EQ(health.value("status", ""), "ok") << health;
    EXPECT_EQ(health["data"]["mqtt"].value("protocol", ""), "5") << health;
    EXPECT_EQ(health["data"]["mqtt"].value("maximum_packet_size", 0u), (1u << 20) + 65536u + 1024u) << health;
    const std::uint64_t oversized_before = health["data"]["mqtt"].value("oversized_messages", 0u);
    const std::uint64_t peak_before = status_kib(daemon_->pid(), "VmHWM");
    ASSERT_GT(peak_before, 0u);

    const std::string big = "{\"brightness\":\"" + std::string(std::size_t{16} << 20, 'x') + "\"}";
    probe_->publish("hearth/bridge/request/health", big);
    probe_->publish("hearth/living_light/set", big);
    // A 100 KiB /set after them still arrives (under the packet size, over the /set limit) and is
    // answered; the broker delivers in order, so once it is answered the big ones were dropped.
    const std::size_t from = probe_->mark();
    probe_->publish("hearth/living_light/set", "{\"brightness\":\"" + std::string(100 * 1024, 'x') + "\"}");
    const auto m = probe_->wait_topic("hearth/living_light/response", 10s, from);
    ASSERT_TRUE(m) << "no answer to a 100 KiB /set";
    EXPECT_NE(m->as_json().value("error", "").find("65536"), std::string::npos) << m->payload;

    health = probe_->request("health");
    ASSERT_EQ(health.value("status", ""), "ok") << health;
    EXPECT_EQ(health["data"]["mqtt"].value("oversized_messages", 0u), oversized_before + 1) << health;
    const std::uint64_t peak_after = status_kib(daemon_->pid(), "VmHWM");
    EXPECT_LT(peak_after, peak_before + 8 * 1024)
        << "peak RSS grew from " << peak_before << " KiB to " << peak_after << " KiB: a 16 MiB payload reached hearthd";
    EXPECT_TRUE(daemon_->running());
}

}  // namespace
}  // namespace hearth::test
