// On connect hearthd puts the whole picture on the broker, retained: bridge state/info/devices,
// every device's state snapshot and availability, and one Home Assistant device-based discovery
// config per device (docs/mqtt-api.md).
#include "support/hearth_fixture.hpp"

#include <map>

namespace hearth::test {
namespace {

using json = nlohmann::json;

class mqtt_connect : public hearth_test {};

TEST_F(mqtt_connect, everything_is_retained_on_the_broker) {
    start_broker();
    auto watcher = make_probe({"hearth/#", "homeassistant/#"});
    start_daemon();
    ASSERT_TRUE(watcher->wait_for([](const auto& all) { return missing_topics(all, 0, false).empty(); }, 15s))
        << "hearthd did not publish everything; first missing: " << missing_topics(watcher->messages(), 0, false)[0];

    // A subscriber arriving now gets everything as retained replays.
    auto fresh = make_probe({"hearth/#", "homeassistant/#"});
    const bool complete = fresh->wait_for(
        [](const auto& all) {
            bool info = false;
            bool devices = false;
            for (const auto& m : all) {
                info = info || (m.topic == "hearth/bridge/info" && m.retained);
                devices = devices || (m.topic == "hearth/bridge/devices" && m.retained);
            }
            return info && devices && missing_topics(all, 0, true).empty();
        },
        5s);
    ASSERT_TRUE(complete) << "missing retained: "
                          << (missing_topics(fresh->messages(), 0, true).empty()
                                  ? std::string("bridge/info or bridge/devices")
                                  : missing_topics(fresh->messages(), 0, true)[0]);

    const auto bridge_state = fresh->latest(bridge_state_topic);
    ASSERT_TRUE(bridge_state);
    EXPECT_EQ(bridge_state->as_json(), json({{"state", "online"}}));

    const json info = fresh->latest("hearth/bridge/info")->as_json();
    ASSERT_TRUE(info.is_object()) << info;
    EXPECT_TRUE(info["version"].is_string() && !info["version"].get<std::string>().empty()) << info;
    ASSERT_TRUE(info["plugins"].is_array()) << info;
    bool demo_listed = false;
    for (const auto& p : info["plugins"]) demo_listed = demo_listed || p.value("name", "") == "demo";
    EXPECT_TRUE(demo_listed) << info;
    EXPECT_EQ(info.dump().find("password\":\""), std::string::npos) << "bridge/info must carry no secrets";

    const json devices = fresh->latest("hearth/bridge/devices")->as_json();
    ASSERT_TRUE(devices.is_array()) << devices;
    std::set<std::string> listed;
    for (const auto& d : devices) listed.insert(d.value("id", ""));
    for (const auto& id : demo_device_ids()) EXPECT_TRUE(listed.contains(id)) << id << " not in bridge/devices";

    for (const auto& id : demo_device_ids()) {
        SCOPED_TRACE(id);
        const json state = fresh->latest(state_topic(id))->as_json();
        EXPECT_TRUE(state.is_object() && !state.empty()) << state;
        EXPECT_EQ(fresh->latest(availability_topic(id))->as_json(), json({{"state", "online"}}));
    }
}

TEST_F(mqtt_connect, discovery_is_device_based_with_type_specific_primaries) {
    start_broker();
    auto watcher = make_probe({"homeassistant/device/+/config"});
    start_daemon();
    ASSERT_TRUE(watcher->wait_for(
        [](const auto& all) {
            std::set<std::string> seen;
            for (const auto& m : all) seen.insert(m.topic);
            for (const auto& id : demo_device_ids()) {
                if (!seen.contains(discovery_topic(id))) return false;
            }
            return true;
        },
        15s));

    const std::map<std::string, std::string> primaries = {
        {"living_light", "light"},  {"hall_lock", "lock"},      {"robot_vacuum", "vacuum"}, {"bedroom_ac", "climate"},
        {"front_camera", "camera"}, {"porch_switch", "switch"}, {"kitchen_plug", "switch"}};
    for (const auto& id : demo_device_ids()) {
        SCOPED_TRACE(id);
        const json cfg = watcher->latest(discovery_topic(id))->as_json();
        ASSERT_TRUE(cfg.is_object()) << cfg;
        ASSERT_TRUE(cfg.contains("dev") && cfg["dev"].is_object()) << cfg;
        EXPECT_TRUE(cfg["dev"].contains("ids") && cfg["dev"].contains("name")) << cfg["dev"];
        ASSERT_TRUE(cfg.contains("o") && cfg["o"].is_object()) << cfg;
        EXPECT_TRUE(cfg["o"].contains("name")) << cfg["o"];
        ASSERT_TRUE(cfg.contains("cmps") && cfg["cmps"].is_object() && !cfg["cmps"].empty()) << cfg;
        std::set<std::string> platforms;
        std::set<std::string> unique_ids;
        for (const auto& [key, c] : cfg["cmps"].items()) {
            EXPECT_TRUE(c.contains("p")) << key;
            const bool has_uid = c.contains("uniq_id") || c.contains("unique_id");
            EXPECT_TRUE(has_uid) << key;
            if (c.contains("p")) platforms.insert(c["p"].get<std::string>());
            if (has_uid) {
                const std::string uid = c.value("uniq_id", c.value("unique_id", std::string()));
                EXPECT_TRUE(unique_ids.insert(uid).second) << "duplicate unique id " << uid;
            }
        }
        if (auto p = primaries.find(id); p != primaries.end()) {
            EXPECT_TRUE(platforms.contains(p->second)) << "no '" << p->second << "' component";
        }
        // Availability: the bridge and the device, both required.
        ASSERT_TRUE(cfg.contains("avty") && cfg["avty"].is_array()) << cfg;
        std::set<std::string> avty_topics;
        for (const auto& a : cfg["avty"]) avty_topics.insert(a.value("t", a.value("topic", std::string())));
        EXPECT_TRUE(avty_topics.contains(bridge_state_topic)) << cfg["avty"];
        EXPECT_TRUE(avty_topics.contains(availability_topic(id))) << cfg["avty"];
        EXPECT_EQ(cfg.value("avty_mode", cfg.value("availability_mode", std::string())), "all");
    }
}

}  // namespace
}  // namespace hearth::test
