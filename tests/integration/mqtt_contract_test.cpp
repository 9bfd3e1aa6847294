// The MQTT contract as independent clients see it (issue 23): Home Assistant's default plain-text
// payloads on /set, the camera image retained for a later subscriber, every device offline after
// a clean stop, retained /get answered, integer transactions echoed as integers, data.command on
// every /set answer, plugin_loaded with the plugin's version, a user's rename kept across restarts.
#include "support/hearth_fixture.hpp"

namespace hearth::test {

using namespace hearth::testing;  // the installed test kit: temp dirs, ports, processes
namespace {

using json = nlohmann::json;

class mqtt_contract : public hearth_test {
protected:
    void bring_up() {
        hearth_test::bring_up(probe_, {"hearth/+", "hearth/+/response", bridge_state_topic}, "robot_vacuum");
    }

    /// Publishes `payload` to <id>/set and returns the next answer on <id>/response.
    json answer_to(const std::string& id, const std::string& payload) {
        const std::size_t from = probe_->mark();
        probe_->publish("hearth/" + id + "/set", payload);
        auto r = probe_->wait_topic("hearth/" + id + "/response", 5s, from);
        return r ? r->as_json() : json();
    }

    std::unique_ptr<mqtt_probe> probe_;
};

TEST_F(mqtt_contract, home_assistant_default_plain_payloads_run_the_command) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    json r = answer_to("robot_vacuum", "start");
    EXPECT_EQ(r.value("status", ""), "ok") << r;
    r = answer_to("robot_vacuum", "pause");  // HA's default when it ignored our payload_pause
    EXPECT_EQ(r.value("status", ""), "ok") << r;
    EXPECT_EQ(r["data"]["command"], "pause") << r;
    r = answer_to("robot_vacuum", "stop");  // the demo vacuum has no stop command
    EXPECT_EQ(r.value("status", ""), "error") << r;
    EXPECT_NE(r.value("error", "").find("does not support"), std::string::npos) << r;
    r = answer_to("hall_lock", "LOCK");
    EXPECT_EQ(r.value("status", ""), "ok") << r;
    r = answer_to("porch_switch", "ON");
    EXPECT_EQ(r.value("status", ""), "ok") << r;
    r = answer_to("robot_vacuum", "garbage");
    EXPECT_EQ(r.value("error", ""), "payload is not valid JSON") << r;
}

TEST_F(mqtt_contract, camera_image_is_retained_for_a_later_subscriber) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    auto live = make_probe({"hearth/front_camera/snapshot"});
    const json r = probe_->set("front_camera", {{"command", "snapshot"}}, 10s);
    ASSERT_EQ(r.value("status", ""), "ok") << r;
    ASSERT_TRUE(live->wait_topic("hearth/front_camera/snapshot", 10s).has_value()) << "no snapshot published";
    // A client subscribing now (Home Assistant after its restart) gets the image only if it is
    // retained on the broker.
    auto later = make_probe({"hearth/front_camera/snapshot"});
    auto m = later->wait_topic("hearth/front_camera/snapshot", 5s);
    ASSERT_TRUE(m.has_value()) << "the camera image is not retained";
    EXPECT_TRUE(m->retained);
    EXPECT_GT(m->payload.size(), 100u);
}

/// A probe predicate: the last availability seen for every demo device is `state`.
auto every_demo_device_is(std::string state) {
    return [state = std::move(state)](const std::vector<received>& all) {
        std::map<std::string, std::string> last;
        for (const auto& m : all) last[m.topic] = m.as_json().value("state", "");
        for (const auto& id : demo_device_ids()) {
            if (last[availability_topic(id)] != state) return false;
        }
        return true;
    };
}

TEST_F(mqtt_contract, clean_stop_takes_every_device_offline) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    // Every demo device must have registered first: a device this run never saw is unknown to
    // the hub, which cannot take it offline (a slow machine registers the last ones late).
    auto availability = make_probe({"hearth/+/availability"});
    ASSERT_TRUE(availability->wait_for(every_demo_device_is("online"), 20s)) << "not every demo device came online";
    const exit_info exit = daemon_->stop();
    ASSERT_TRUE(exit.exited);
    // A client that arrives now sees only what is retained on the broker.
    auto late = make_probe({"hearth/+/availability"});
    EXPECT_TRUE(late->wait_for(every_demo_device_is("offline"), 5s))
        << "some device's retained availability still says online after a clean stop";
}

TEST_F(mqtt_contract, retained_get_is_answered_with_an_error) {
    start_broker();
    auto probe = make_probe({"hearth/living_light/response", bridge_state_topic});
    probe->publish("hearth/living_light/get", "{}", true);  // replayed to hearthd when it subscribes
    start_daemon();
    auto r = probe->wait_topic("hearth/living_light/response", 10s);
    probe->publish("hearth/living_light/get", "", true);  // clear it
    ASSERT_TRUE(r.has_value()) << "a retained /get was not answered";
    const json a = r->as_json();
    EXPECT_EQ(a.value("status", ""), "error") << a;
    EXPECT_NE(a.value("error", "").find("retained"), std::string::npos) << a;
    EXPECT_EQ(a["data"]["command"], "get") << a;
}

TEST_F(mqtt_contract, integer_transaction_comes_back_as_an_integer) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    std::size_t from = probe_->mark();
    probe_->publish("hearth/living_light/set", R"({"on": true, "transaction": 42})");
    auto r = probe_->wait_topic("hearth/living_light/response", 5s, from);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->as_json()["transaction"], json(42)) << r->payload;
    EXPECT_TRUE(r->as_json()["transaction"].is_number_integer()) << r->payload;

    from = probe_->mark();
    probe_->publish("hearth/living_light/set", R"({"brightness": 500, "transaction": 43})");  // refused
    r = probe_->wait_topic("hearth/living_light/response", 5s, from);
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->as_json()["transaction"].is_number_integer()) << r->payload;

    auto bridge = make_probe({"hearth/bridge/response/info"});
    from = bridge->mark();
    bridge->publish("hearth/bridge/request/info", R"({"transaction": 7})");
    r = bridge->wait_topic("hearth/bridge/response/info", 5s, from);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->as_json()["transaction"], json(7)) << r->payload;
}

TEST_F(mqtt_contract, every_set_answer_carries_data_command) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    const std::vector<std::tuple<std::string, std::string, json>> cases = {
        {"hearth/living_light/set", R"({"on": true})", "set"},
        {"hearth/living_light/set", R"({"brightness": 500})", "set"},
        {"hearth/living_light/set", R"({"command": "turn_on"})", "turn_on"},
        {"hearth/living_light/set", R"({"command": "explode"})", "explode"},
        {"hearth/living_light/set", "not json", nullptr},
        {"hearth/living_light/set/brightness", "abc", "set"},
        {"hearth/no_such_device/set", R"({"command": "turn_on"})", "turn_on"},
    };
    for (const auto& [topic, payload, command] : cases) {
        SCOPED_TRACE(topic + " " + payload);
        const std::string device = topic.substr(7, topic.find('/', 7) - 7);
        const std::size_t from = probe_->mark();
        probe_->publish(topic, payload);
        auto r = probe_->wait_topic("hearth/" + device + "/response", 5s, from);
        ASSERT_TRUE(r.has_value());
        const json a = r->as_json();
        ASSERT_TRUE(a.contains("data") && a["data"].contains("command")) << a;
        EXPECT_EQ(a["data"]["command"], command) << a;
    }
}

TEST_F(mqtt_contract, plugin_loaded_carries_the_plugin_version) {
    start_broker();
    auto probe = make_probe({"hearth/bridge/event", bridge_state_topic});
    start_daemon();  // the demo driver in a worker process (the default isolation)
    auto loaded = probe->wait_message(
        [](const received& m) {
            return m.topic == "hearth/bridge/event" && m.as_json().value("type", "") == "plugin_loaded";
        },
        15s);
    ASSERT_TRUE(loaded.has_value());
    EXPECT_NE(loaded->as_json().value("version", ""), "") << loaded->payload;
}

TEST_F(mqtt_contract, a_users_rename_survives_a_restart) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    const json r = probe_->request("device/rename", {{"device", "living_light"}, {"name", "Reading lamp"}});
    ASSERT_EQ(r.value("status", ""), "ok") << r;
    ASSERT_TRUE(daemon_->stop().exited);

    auto watcher = make_probe({availability_topic("living_light"), discovery_topic("living_light")});
    const std::size_t from = watcher->mark();
    start_daemon();  // same database; the demo driver registers "Living room light" again
    // Online is reported after the driver registered the device again.
    ASSERT_TRUE(watcher->wait_message(
        [](const received& m) {
            return m.topic == availability_topic("living_light") && m.as_json().value("state", "") == "online";
        },
        15s, from));
    const json devices = probe_->request("devices");
    ASSERT_EQ(devices.value("status", ""), "ok") << devices;
    std::string name;
    for (const auto& d : devices["data"]) {
        if (d.value("id", "") == "living_light") name = d.value("name", "");
    }
    EXPECT_EQ(name, "Reading lamp");
    auto discovery = watcher->latest(discovery_topic("living_light"));
    ASSERT_TRUE(discovery.has_value());
    EXPECT_EQ(discovery->as_json()["dev"]["name"], "Reading lamp");
}

}  // namespace
}  // namespace hearth::test
