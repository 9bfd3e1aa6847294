// The MQTT contract as independent clients see it (issue 23): Home Assistant's default plain-text
// payloads on /set, the camera image retained for a client that subscribes later.
#include "support/hearth_fixture.hpp"

namespace hearth::it {
namespace {

using json = nlohmann::json;

class mqtt_contract : public hearth_test {
protected:
    void bring_up(daemon_options options) {
        start_broker();
        probe_ = make_probe({"hearth/+", "hearth/+/response", bridge_state_topic});
        start_daemon(std::move(options));
        ASSERT_TRUE(wait_online(*probe_, 10s));
        ASSERT_TRUE(probe_->wait_topic(state_topic("robot_vacuum"), 10s));
    }
    void bring_up() { bring_up(default_daemon_options()); }

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
    const json r = probe_->set("front_camera", {{"command", "snapshot"}}, 10s);
    ASSERT_EQ(r.value("status", ""), "ok") << r;
    ASSERT_TRUE(probe_->wait_for(
        [&](const std::vector<received>&) {
            // A fresh subscriber gets the image only if it is retained on the broker.
            auto p = make_probe({"hearth/front_camera/snapshot"});
            auto m = p->wait_topic("hearth/front_camera/snapshot", 300ms);
            return m.has_value() && m->retained && m->payload.size() > 100;
        },
        10s));
}

}  // namespace
}  // namespace hearth::it
