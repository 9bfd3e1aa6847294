// The shared integration-test fixture (see hearth_fixture.hpp).
#include "support/hearth_fixture.hpp"

#include <iostream>
#include <set>

namespace hearth::test {

using namespace hearth::testing;  // the installed test kit: temp dirs, ports, processes

const std::vector<std::string>& demo_device_ids() {
    static const std::vector<std::string> ids = {
        "living_light",   "porch_switch",          "kitchen_plug", "bedroom_ac",
        "kitchen_fridge", "bathroom_washer",       "hall_lock",    "front_camera",
        "robot_vacuum",   "living_climate_sensor", "hall_motion"};
    return ids;
}

std::string state_topic(const std::string& id) { return "hearth/" + id; }
std::string availability_topic(const std::string& id) { return "hearth/" + id + "/availability"; }
std::string discovery_topic(const std::string& id) { return "homeassistant/device/" + id + "/config"; }

bool is_bridge_state(const received& m, const std::string& state) {
    if (m.topic != bridge_state_topic) return false;
    const auto j = m.as_json();
    return j.is_object() && j.value("state", std::string()) == state;
}

std::vector<std::string> missing_topics(const std::vector<received>& msgs, std::size_t from, bool retained_only) {
    std::set<std::string> seen;
    for (std::size_t i = from; i < msgs.size(); ++i) {
        if (msgs[i].payload.empty() || (retained_only && !msgs[i].retained)) continue;
        if (msgs[i].topic == bridge_state_topic && !is_bridge_state(msgs[i], "online")) continue;
        seen.insert(msgs[i].topic);
    }
    std::vector<std::string> missing;
    std::vector<std::string> wanted = {bridge_state_topic};
    for (const auto& id : demo_device_ids()) {
        wanted.push_back(state_topic(id));
        wanted.push_back(availability_topic(id));
        wanted.push_back(discovery_topic(id));
    }
    for (const auto& t : wanted) {
        if (!seen.contains(t)) missing.push_back(t);
    }
    return missing;
}

void hearth_test::SetUp() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = make_temp_dir("it-" + std::string(info->test_suite_name()) + "-" + info->name());
}

void hearth_test::TearDown() {
    if (daemon_) daemon_->stop(std::chrono::seconds(3));
    if (broker_) broker_->stop();
    if (HasFailure()) {
        std::cerr << "---- kept " << dir_ << "\n";
        if (daemon_) std::cerr << "---- tail of hearthd.log:\n" << tail_file(daemon_->log_path(), 40);
        if (broker_) std::cerr << "---- tail of mosquitto.log:\n" << tail_file(broker_->log_path(), 25);
        return;
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

broker_process& hearth_test::start_broker(broker_options options) {
    if (!broker_) broker_ = std::make_unique<broker_process>(dir_, std::move(options));
    broker_->start();
    return *broker_;
}

daemon_options hearth_test::default_daemon_options() const {
    daemon_options o;
    o.mqtt_url = broker_ ? broker_->url() : std::string();
    return o;
}

daemon_process& hearth_test::start_daemon(daemon_options options) {
    if (!daemon_)
        daemon_ = std::make_unique<daemon_process>(dir_, std::move(options));
    else
        daemon_->options() = std::move(options);
    daemon_->start();
    return *daemon_;
}

std::unique_ptr<mqtt_probe> hearth_test::make_probe(const std::vector<std::string>& filters, probe_options options) {
    options.port = broker_->port();
    auto probe = std::make_unique<mqtt_probe>(std::move(options));
    probe->connect();
    if (!filters.empty()) probe->subscribe(filters);
    return probe;
}

bool hearth_test::wait_online(mqtt_probe& probe, std::chrono::milliseconds timeout, std::size_t from) {
    return probe.wait_message([](const received& m) { return is_bridge_state(m, "online"); }, timeout, from)
        .has_value();
}

void hearth_test::bring_up(std::unique_ptr<mqtt_probe>& probe, const std::vector<std::string>& filters,
                           const std::string& device) {
    start_broker();
    probe = make_probe(filters);
    start_daemon();
    ASSERT_TRUE(wait_online(*probe, std::chrono::seconds(10)));
    ASSERT_TRUE(probe->wait_topic(state_topic(device), std::chrono::seconds(10)));
}

void hearth_test::bring_up_complete(std::unique_ptr<mqtt_probe>& probe, const std::vector<std::string>& filters) {
    start_broker();
    probe = make_probe(filters);
    start_daemon();
    ASSERT_TRUE(probe->wait_for([](const auto& all) { return missing_topics(all, 0, false).empty(); },
                                std::chrono::seconds(15)));
}

}  // namespace hearth::test
