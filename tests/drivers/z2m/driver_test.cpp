// Driver tests of the z2m plugin: a real mosquitto on a free loopback port, z2m_sim playing
// Zigbee2MQTT with the 50-model fixture generated from zigbee-herdsman-converters, and the built
// plugin driven through its C ABI by hearth::testing's fake host (the core's descriptor and value
// validators plugged in; bounded waits with deadlines, no sleeps). Covers registration of every
// mappable device (skips logged with their reason), the initial /get, commands round-tripping to
// /set with Zigbee2MQTT's names and units, state and action events, availability and bridge
// offline, a rename keeping the Hearth id, a removal, an interview completing later, a lost broker,
// and malformed/wrongly typed/oversized payloads and a malformed bridge/devices survived.
#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include "support/broker_process.hpp"
#include "core_checks.hpp"
#include "support/mqtt_probe.hpp"

#include <hearth/plugin.h>
#include <hearth/testing/driver_instance.hpp>
#include <hearth/testing/fake_host.hpp>
#include <hearth/testing/simulator.hpp>
#include <hearth/testing/temp_dir.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#ifndef HEARTH_DRIVER_PATH
#error "HEARTH_DRIVER_PATH must be the path of the built z2m plugin"
#endif
#ifndef Z2M_FIXTURE
#error "Z2M_FIXTURE must name tests/interop/z2m/bridge_devices.json"
#endif

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using hearth::testing::host_record;

constexpr const char* k_base = "zigbee2mqtt";
constexpr const char* k_bulb = "z2m_00158d0000000000";     // 9290012573A "Living room bulb"
constexpr const char* k_plug = "z2m_00158d0000000007";     // TS011F_plug_1 "Washing machine plug"
constexpr const char* k_contact = "z2m_00158d0000000019";  // MCCGQ11LM "Front door contact"
constexpr const char* k_lock = "z2m_00158d0000000021";     // YRD256HA20BP "Front door lock"
constexpr const char* k_trv = "z2m_00158d0000000026";      // SRTS-A01 "Office radiator"
constexpr const char* k_blind = "z2m_00158d0000000027";    // E1757 "Bedroom blind"
constexpr const char* k_remote = "z2m_00158d000000002a";   // WXKG01LM "Hallway remote" (interviewing)
constexpr const char* k_button = "z2m_00158d000000002b";   // WXKG11LM "Desk button"
constexpr std::size_t k_mappable = 50;                     // fixture entries minus the coordinator

/// The core's descriptor and value checks, no host timers (tests/drivers/support/core_checks.hpp).
hearth::testing::host_options host_checks() { return hearth::driver_test::core_host_checks(); }

const hearth_plugin_v1_api* plugin() {
    static const auto* api = hearth::testing::load_plugin(HEARTH_DRIVER_PATH);
    return api;
}

class Z2mDriver : public ::testing::Test {
protected:
    void SetUp() override {
        broker_.start();
        probe_.emplace(broker_.port());
        probe_->connect();
        probe_->subscribe({std::string(k_base) + "/hearth_sim/#", std::string(k_base) + "/bridge/state"});
        sim_.emplace(HEARTH_SIMULATOR_PATH, broker_.port(),
                     std::vector<std::string>{"--fixture", Z2M_FIXTURE, "--interviewing", "Hallway remote"});
        ASSERT_TRUE(sim_->start(10s, [this] {
            return probe_->latest(std::string(k_base) + "/bridge/state").has_value();
        })) << sim_->log_text();
        ASSERT_NE(plugin(), nullptr);
        ASSERT_TRUE(drv_.create_and_start(config())) << drv_.error();
        ASSERT_TRUE(wait([](const host_record& r) { return r.descriptors.size() == k_mappable - 1; }))
            << host_.snapshot().all_logs();
    }
    void TearDown() override {
        drv_.stop_and_destroy();
        const host_record r = host_.snapshot();
        EXPECT_FALSE(r.said("s3cr3t-pa55")) << "password leaked";
        if (std::getenv("Z2M_TEST_VERBOSE") != nullptr) std::cout << r.all_logs() << sim_->log_text();
        if (HasFailure()) {  // the broker's and the simulator's logs, for the failure
            dir_.keep();
            sim_->keep_log();
            std::cout << "kept " << dir_.path() << " and " << sim_->log_path() << "\n";
        }
        EXPECT_TRUE(r.violations.empty()) << r.violations.front();
    }

    json config() const {
        return {{"url", broker_.url()},      {"base_topic", k_base},   {"username", "hearth"},
                {"password", "s3cr3t-pa55"}, {"reconnect_min_ms", 50}, {"reconnect_max_ms", 200},
                {"command_timeout_ms", 3000}};
    }
    bool wait(const std::function<bool(const host_record&)>& pred, std::chrono::milliseconds deadline = 10s) {
        return host_.wait_for(pred, deadline);
    }
    /// One control request to the simulator, waiting for its reply.
    void control(const json& request) {
        const std::size_t from = probe_->mark();
        probe_->publish(std::string(k_base) + "/hearth_sim/control", request.dump());
        ASSERT_TRUE(probe_->wait_message(
            [&](const hearth::test::received& m) {
                return m.topic == std::string(k_base) + "/hearth_sim/reply" &&
                       m.as_json().value("op", "") == request["op"];
            },
            10s, from));
    }
    /// Sends a command; returns its final status (999: no result in time).
    int run(const std::string& device, const std::string& name, const json& params = json::object()) {
        const std::uint64_t id = ++next_id_;
        const int rc = drv_.command(id, device, name, params);
        if (rc != HEARTH_PENDING) return rc;
        if (!wait([&](const host_record& r) { return r.results.contains(id); })) return 999;
        return host_.snapshot().results.at(id).status;
    }
    /// The next /set payload the simulator applied for `name` from `from` on.
    json received_set(const std::string& name, std::size_t from) {
        const auto m = probe_->wait_message(
            [&](const hearth::test::received& r) {
                return r.topic == std::string(k_base) + "/hearth_sim/received" &&
                       r.as_json().value("device", "") == name;
            },
            10s, from);
        return m ? m->as_json()["set"] : json();
    }

    hearth::testing::temp_dir dir_{"z2m"};
    hearth::test::broker_process broker_{dir_.path()};
    std::optional<hearth::test::mqtt_probe> probe_;
    std::optional<hearth::testing::simulator> sim_;
    hearth::testing::fake_host host_{host_checks()};
    hearth::testing::driver_instance drv_{host_, plugin(), "zigbee"};
    std::uint64_t next_id_ = 0;
};

TEST_F(Z2mDriver, RegistersEveryMappableDeviceWithIdsFromTheIeeeAddress) {
    const host_record r = host_.snapshot();
    EXPECT_EQ(r.descriptors.at(k_bulb)["type"], "light");
    EXPECT_EQ(r.descriptors.at(k_bulb)["name"], "Living room bulb");
    EXPECT_EQ(r.descriptors.at(k_plug)["type"], "plug");
    EXPECT_EQ(r.descriptors.at(k_lock)["type"], "lock");
    EXPECT_EQ(r.descriptors.at(k_trv)["type"], "climate");
    EXPECT_EQ(r.descriptors.at(k_blind)["type"], "cover");
    EXPECT_FALSE(r.descriptors.contains(k_remote));
    EXPECT_TRUE(r.logged("skipped 0x00124b0000000000 'Coordinator': the coordinator"));
    EXPECT_TRUE(r.logged("skipped 0x00158d000000002a 'Hallway remote': no exposes (interview not completed)"));
    // The initial /get answers arrive as states; devices are online (availability + bridge).
    EXPECT_TRUE(wait([](const host_record& rec) {
        return rec.prop(k_bulb, "on") == false && rec.prop(k_blind, "position") == 0 &&
               rec.availability_of(k_bulb) == 1 && rec.availability_of(k_contact) == 1;
    })) << host_.snapshot().all_logs();
}

TEST_F(Z2mDriver, CommandsRoundTripWithZigbee2mqttNamesAndUnits) {
    std::size_t from = probe_->mark();
    EXPECT_EQ(run(k_bulb, "turn_on"), HEARTH_OK);
    EXPECT_EQ(received_set("Living room bulb", from), (json{{"state", "ON"}}));
    from = probe_->mark();
    EXPECT_EQ(run(k_bulb, "set", {{"brightness", 50}, {"color_temp_k", 4000}}), HEARTH_OK);
    EXPECT_EQ(received_set("Living room bulb", from), (json{{"brightness", 127}, {"color_temp", 250}}));
    EXPECT_EQ(host_.snapshot().prop(k_bulb, "color_temp_k"), 4000);
    from = probe_->mark();
    EXPECT_EQ(run(k_lock, "lock"), HEARTH_OK);
    EXPECT_EQ(received_set("Front door lock", from), (json{{"state", "LOCK"}}));
    EXPECT_EQ(host_.snapshot().prop(k_lock, "lock_state"), "locked");
    from = probe_->mark();
    EXPECT_EQ(run(k_trv, "set", {{"target_temp", 21.5}, {"on", false}}), HEARTH_OK);
    EXPECT_EQ(received_set("Office radiator", from),
              (json{{"occupied_heating_setpoint", 21.5}, {"system_mode", "off"}}));
    from = probe_->mark();
    EXPECT_EQ(run(k_blind, "set", {{"position", 40}}), HEARTH_OK);
    EXPECT_EQ(received_set("Bedroom blind", from), (json{{"position", 40}}));
    // Refusals: read-only, unknown, unknown device.
    EXPECT_EQ(run(k_plug, "set", {{"power_w", 5}}), HEARTH_ERR_INVALID);
    EXPECT_EQ(run(k_plug, "fly"), HEARTH_ERR_INVALID);
    EXPECT_EQ(run("z2m_ffffffffffffffff", "turn_on"), HEARTH_ERR_INVALID);
}

TEST_F(Z2mDriver, StatesAndActionsFromZigbee2mqtt) {
    control({{"op", "state"}, {"device", "Front door contact"}, {"state", {{"contact", false}, {"battery", 87}}}});
    EXPECT_TRUE(wait([](const host_record& r) {
        return r.prop(k_contact, "on") == true && r.prop(k_contact, "battery") == 87;
    })) << host_.snapshot().state[k_contact].dump();
    control({{"op", "state"}, {"device", "Desk button"}, {"state", {{"action", "double"}}}});
    EXPECT_TRUE(wait([](const host_record& r) { return !r.events_of("double_push").empty(); }));
    EXPECT_EQ(host_.snapshot().events_of("double_push").front()["event_type"], "double_push");
    EXPECT_EQ(host_.snapshot().events.back().first, k_button);
}

TEST_F(Z2mDriver, AvailabilityAndBridgeOffline) {
    control({{"op", "availability"}, {"device", "Living room bulb"}, {"online", false}});
    EXPECT_TRUE(wait([](const host_record& r) { return r.availability_of(k_bulb) == 0; }));
    EXPECT_EQ(run(k_bulb, "turn_on"), HEARTH_ERR_OFFLINE);
    EXPECT_EQ(host_.snapshot().availability_of(k_plug), 1);
    control({{"op", "availability"}, {"device", "Living room bulb"}, {"online", true}});
    EXPECT_TRUE(wait([](const host_record& r) { return r.availability_of(k_bulb) == 1; }));
    control({{"op", "bridge"}, {"online", false}});
    EXPECT_TRUE(wait([](const host_record& r) {
        for (const auto& [id, d] : r.descriptors)
            if (r.availability_of(id) != 0) return false;
        return true;
    }));
    control({{"op", "bridge"}, {"online", true}});
    EXPECT_TRUE(
        wait([](const host_record& r) { return r.availability_of(k_bulb) == 1 && r.availability_of(k_plug) == 1; }));
}

TEST_F(Z2mDriver, RenameKeepsTheIdRemovalUnregistersInterviewRegistersLater) {
    control({{"op", "rename"}, {"device", "Living room bulb"}, {"to", "Lounge/bulb"}});
    EXPECT_TRUE(wait([](const host_record& r) { return r.descriptors.at(k_bulb)["name"] == "Lounge/bulb"; }));
    const std::size_t from = probe_->mark();
    EXPECT_EQ(run(k_bulb, "turn_on"), HEARTH_OK);
    EXPECT_EQ(received_set("Lounge/bulb", from), (json{{"state", "ON"}}));

    control({{"op", "remove"}, {"device", "Washing machine plug"}});
    EXPECT_TRUE(wait([](const host_record& r) { return !r.descriptors.contains(k_plug); }));
    EXPECT_EQ(run(k_plug, "turn_on"), HEARTH_ERR_INVALID);

    control({{"op", "interview"}, {"device", "Hallway remote"}});
    EXPECT_TRUE(wait([](const host_record& r) { return r.descriptors.contains(k_remote); }));
    EXPECT_EQ(host_.snapshot().descriptors.at(k_remote)["type"], "button");
    EXPECT_TRUE(wait([](const host_record& r) { return r.availability_of(k_remote) == 1; }));
}

TEST_F(Z2mDriver, MalformedWrongTypedAndOversizedInputIsSurvived) {
    control({{"op", "malformed"}, {"device", "Living room bulb"}});
    control({{"op", "wrong_types"}, {"device", "Office radiator"}});
    control({{"op", "oversized"}, {"device", "Kitchen bulb"}, {"bytes", 9 << 20}});
    control({{"op", "oversized"}, {"device", "Hall bulb"}, {"bytes", 300 << 10}});
    control({{"op", "raw"}, {"topic", "bridge/devices"}, {"payload", "[[[[[[[[[["}, {"repeat", 100}});
    control({{"op", "raw"}, {"topic", "bridge/devices"}, {"payload", R"({"not": "an array"})"}});
    control({{"op", "raw"}, {"topic", "Desk button/availability"}, {"payload", "maybe"}});
    EXPECT_TRUE(wait([](const host_record& r) {
        return r.logged("state of Living room bulb is not a JSON object") &&
               r.logged("state of Office radiator: system_mode: 42") && r.logged("9437") &&
               r.logged("state of Hall bulb is 3072") && r.logged("bridge/devices is not a JSON array") &&
               r.logged("availability of Desk button");
    })) << host_.snapshot().all_logs();
    // Nothing was unregistered and the driver still works.
    EXPECT_EQ(host_.snapshot().descriptors.size(), k_mappable - 1);
    const std::size_t from = probe_->mark();
    EXPECT_EQ(run(k_bulb, "turn_on"), HEARTH_OK);
    EXPECT_EQ(received_set("Living room bulb", from), (json{{"state", "ON"}}));
}

TEST_F(Z2mDriver, LostBrokerTakesDevicesOfflineAndReconnects) {
    broker_.stop();
    EXPECT_TRUE(wait([](const host_record& r) { return r.availability_of(k_bulb) == 0; }));
    EXPECT_EQ(run(k_bulb, "turn_on"), HEARTH_ERR_OFFLINE);
    EXPECT_TRUE(wait([](const host_record& r) { return r.logged("connection lost; reconnecting"); }));
    // The restarted broker has no retained messages; Zigbee2MQTT (the simulator, which exits
    // without its broker) connects again and announces the bridge online.
    broker_.start();
    sim_->stop();
    ASSERT_TRUE(sim_->start(10s, [] { return true; })) << sim_->log_text();
    EXPECT_TRUE(wait([](const host_record& r) { return r.availability_of(k_bulb) == 1; }, 20s))
        << host_.snapshot().all_logs();
}

}  // namespace
