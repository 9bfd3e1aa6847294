// Commands over MQTT: /set (JSON, with the caller's transaction), /set/<property> (raw), /get, every
// kind of bad command answered with an error naming what was wrong, and retained commands refused.
#include "support/hearth_fixture.hpp"

namespace hearth::test {
namespace {

using json = nlohmann::json;

class mqtt_command : public hearth_test {
protected:
    /// Broker + hearthd up, probe subscribed to states and responses, bridge online.
    void bring_up() {
        hearth_test::bring_up(probe_, {"hearth/+", "hearth/+/response", bridge_state_topic}, "living_light");
    }

    /// Waits for a state message of `id` (from `from` on) where `pred(state)` holds.
    std::optional<json> wait_state(const std::string& id, const std::function<bool(const json&)>& pred,
                                   std::size_t from, std::chrono::milliseconds timeout = 5s) {
        auto m = probe_->wait_message(
            [&](const received& r) {
                if (r.topic != state_topic(id)) return false;
                const json s = r.as_json();
                return s.is_object() && pred(s);
            },
            timeout, from);
        if (!m) return std::nullopt;
        return m->as_json();
    }

    /// Publishes `payload` to `topic` and returns the next response on `response_topic`.
    json next_response(const std::string& topic, const std::string& payload, const std::string& response_topic) {
        const std::size_t from = probe_->mark();
        probe_->publish(topic, payload);
        auto r = probe_->wait_topic(response_topic, 5s, from);
        return r ? r->as_json() : json();
    }

    std::unique_ptr<mqtt_probe> probe_;
};

TEST_F(mqtt_command, set_json_with_transaction_answers_ok_and_publishes_the_new_state) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    const std::size_t from = probe_->mark();
    const json reply = probe_->set("living_light", {{"on", true}, {"brightness", 35}});
    ASSERT_TRUE(reply.is_object()) << "no response with our transaction";
    EXPECT_EQ(reply.value("status", ""), "ok") << reply;
    EXPECT_TRUE(reply.contains("transaction"));
    auto state = wait_state(
        "living_light", [](const json& s) { return s.value("brightness", -1) == 35; }, from);
    ASSERT_TRUE(state) << "state topic never showed brightness 35";
    EXPECT_EQ((*state)["on"], true);
}

TEST_F(mqtt_command, set_command_with_params) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    const std::size_t from = probe_->mark();
    const json reply = probe_->set("living_light", {{"command", "turn_on"}, {"params", {{"brightness", 12}}}});
    ASSERT_TRUE(reply.is_object());
    EXPECT_EQ(reply.value("status", ""), "ok") << reply;
    EXPECT_TRUE(wait_state(
        "living_light", [](const json& s) { return s.value("brightness", -1) == 12 && s.value("on", false); }, from));
}

TEST_F(mqtt_command, set_property_raw_value) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    std::size_t from = probe_->mark();
    const json reply = next_response("hearth/living_light/set/brightness", "40", "hearth/living_light/response");
    EXPECT_EQ(reply.value("status", ""), "ok") << reply;
    EXPECT_TRUE(wait_state(
        "living_light", [](const json& s) { return s.value("brightness", -1) == 40; }, from));

    from = probe_->mark();
    EXPECT_EQ(next_response("hearth/porch_switch/set/on", "ON", "hearth/porch_switch/response").value("status", ""),
              "ok");
    EXPECT_TRUE(wait_state(
        "porch_switch", [](const json& s) { return s.value("on", false); }, from));
    from = probe_->mark();
    EXPECT_EQ(next_response("hearth/porch_switch/set/on", "OFF", "hearth/porch_switch/response").value("status", ""),
              "ok");
    EXPECT_TRUE(wait_state(
        "porch_switch", [](const json& s) { return !s.value("on", true); }, from));
}

TEST_F(mqtt_command, get_republishes_the_state) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    const std::size_t from = probe_->mark();
    probe_->publish("hearth/porch_switch/get", "{}");
    auto m = probe_->wait_topic(state_topic("porch_switch"), 5s, from);
    ASSERT_TRUE(m) << "/get did not republish the state";
    EXPECT_TRUE(m->as_json().contains("on")) << m->payload;
}

TEST_F(mqtt_command, every_bad_set_gets_an_error_naming_the_problem) {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    struct bad_case {
        const char* what;
        std::string device;
        json payload;
        std::vector<std::string> mentions;  // each must appear in the error text
    };
    const std::vector<bad_case> cases = {
        {"unknown device", "no_such_device", {{"on", true}}, {"unknown device", "no_such_device"}},
        {"unknown property", "living_light", {{"colour", 3}}, {"unknown property", "colour"}},
        {"wrong type", "living_light", {{"brightness", "bright"}}, {"brightness", "expected"}},
        {"out of range", "living_light", {{"brightness", 150}}, {"brightness", "maximum"}},
        {"below range", "bedroom_ac", {{"target_temp", 3}}, {"target_temp", "minimum"}},
        {"read-only", "living_climate_sensor", {{"value", 20}}, {"value", "read-only"}},
        {"bad enum", "bedroom_ac", {{"mode", "turbo"}}, {"mode", "turbo"}},
        {"unknown command", "living_light", {{"command", "fly"}}, {"unknown command", "fly"}},
        {"missing required param",
         "robot_vacuum",
         {{"command", "set_fan_speed"}, {"params", json::object()}},
         {"missing required parameter", "fan_speed"}},
        {"unknown param",
         "robot_vacuum",
         {{"command", "set_fan_speed"}, {"params", {{"speed", "max"}}}},
         {"unknown parameter", "speed"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.what);
        const json reply = probe_->set(c.device, c.payload);
        ASSERT_TRUE(reply.is_object()) << "no response carrying our transaction";
        EXPECT_EQ(reply.value("status", ""), "error") << reply;
        const std::string error = reply.value("error", "");
        for (const auto& word : c.mentions) EXPECT_NE(error.find(word), std::string::npos) << "error: " << error;
    }

    SCOPED_TRACE("invalid JSON");
    json reply = next_response("hearth/living_light/set", "{not json", "hearth/living_light/response");
    EXPECT_EQ(reply.value("status", ""), "error") << reply;
    EXPECT_NE(reply.value("error", "").find("JSON"), std::string::npos) << reply;

    SCOPED_TRACE("raw value of the wrong type");
    reply = next_response("hearth/living_light/set/brightness", "very", "hearth/living_light/response");
    EXPECT_EQ(reply.value("status", ""), "error") << reply;
    EXPECT_NE(reply.value("error", "").find("brightness"), std::string::npos) << reply;

    SCOPED_TRACE("raw set of an unknown property");
    reply = next_response("hearth/living_light/set/colour", "red", "hearth/living_light/response");
    EXPECT_EQ(reply.value("status", ""), "error") << reply;
    EXPECT_NE(reply.value("error", "").find("colour"), std::string::npos) << reply;

    // Nothing of the above changed the light.
    EXPECT_EQ(probe_->latest(state_topic("living_light"))->as_json().value("brightness", -1), 70);
}

TEST_F(mqtt_command, retained_set_is_refused) {
    start_broker();
    probe_ = make_probe({"hearth/+", "hearth/+/response", bridge_state_topic});
    // Left on the broker before hearthd starts: hearthd gets it as a retained replay on subscribe.
    probe_->publish("hearth/living_light/set", json({{"brightness", 5}, {"transaction", "stale-1"}}).dump(), true);
    probe_->publish("hearth/porch_switch/set/on", "ON", true);
    start_daemon();
    ASSERT_TRUE(wait_online(*probe_, 10s));

    auto refusal = probe_->wait_message(
        [](const received& m) {
            return m.topic == "hearth/living_light/response" && m.as_json().value("transaction", "") == "stale-1";
        },
        5s);
    ASSERT_TRUE(refusal) << "no error response to the retained /set";
    const json r = refusal->as_json();
    EXPECT_EQ(r.value("status", ""), "error") << r;
    EXPECT_NE(r.value("error", "").find("retained"), std::string::npos) << r;

    auto raw_refusal = probe_->wait_topic("hearth/porch_switch/response", 5s);
    ASSERT_TRUE(raw_refusal) << "no error response to the retained /set/on";
    EXPECT_EQ(raw_refusal->as_json().value("status", ""), "error") << raw_refusal->payload;

    // Not executed: the states hearthd publishes keep their initial values.
    ASSERT_TRUE(probe_->wait_topic(state_topic("living_light"), 5s));
    ASSERT_TRUE(probe_->wait_topic(state_topic("porch_switch"), 5s));
    const json get_light = probe_->request("devices");
    ASSERT_EQ(get_light.value("status", ""), "ok") << get_light;
    for (const auto& d : get_light["data"]) {
        if (d.value("id", "") == "living_light") {
            EXPECT_EQ(d["state"].value("brightness", -1), 70) << d["state"];
        }
        if (d.value("id", "") == "porch_switch") {
            EXPECT_EQ(d["state"].value("on", true), false) << d["state"];
        }
    }
    EXPECT_EQ(probe_->latest(state_topic("living_light"))->as_json().value("brightness", -1), 70);

    // And the refusal is counted in health.
    const json health = probe_->request("health");
    EXPECT_GE(health["data"]["mqtt"].value("refused_messages", 0), 2) << health;
}

}  // namespace
}  // namespace hearth::test
