// Integration tests of the shelly driver plugin (HEARTH_DRIVER_PATH, dlopen()ed) against a real
// shelly_rpc_sim child process (HEARTH_SIMULATOR_PATH) with digest auth, through hearth::testing's
// fake host (injected clock; descriptors and every reported value checked by the core's own
// validator). Every wait is a poll with a deadline. Covered: component enumeration into four
// devices, switch/light commands confirmed by the device's state, cover movement pushed over the
// WebSocket channel (polling slowed to an hour), button presses as events, the polling fallback
// without a WebSocket, every injected fault (drop, timeout, 500, garbage, slow) taking the device
// offline with a precise log and recovering, a wrong password, and a secret canary.
#include "core/device_model.hpp"
#include "core_checks.hpp"

#include <hearth/kit/http_client.hpp>
#include <hearth/testing/driver_instance.hpp>
#include <hearth/testing/fake_host.hpp>
#include <hearth/testing/ports.hpp>
#include <hearth/testing/simulator.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace {

using hearth::testing::driver_instance;
using hearth::testing::fake_host;
using hearth::testing::host_record;
using json = nlohmann::json;
using namespace std::chrono_literals;

const std::string k_password = "Canary-Pw-5521";
const std::string k_plug = "hall_switch_0", k_light = "hall_light_0", k_cover = "hall_cover_0",
                  k_button = "hall_input_0";

/// A bounded GET on the simulator's control endpoints; the body ("" on failure).
std::string sim_get(std::uint16_t port, const std::string& target) {
    boost::asio::io_context io;
    hearth::kit::http_client client(io, {.host = "127.0.0.1", .port = port, .timeout = 2000ms});
    std::string out;
    client.get(target, [&out](hearth::kit::result<hearth::kit::http_response> r) {
        if (r) out = r->body;
    });
    io.run_for(3s);
    return out;
}

/// A fake host whose descriptor and value checks are the core's own (no host timers), with an
/// injected clock: the driver never needs real time.
hearth::testing::host_options checked_host() {
    hearth::testing::host_options o = hearth::driver_test::core_host_checks();
    o.clock = [] { return std::uint64_t{1'700'000'000'000}; };
    return o;
}

class shelly_driver_test : public ::testing::Test {
protected:
    void start_sim(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"--password", k_password, "--power-w", "60", "--cover-tick-ms", "50"};
        args.insert(args.end(), extra.begin(), extra.end());
        sim =
            std::make_unique<hearth::testing::simulator>(HEARTH_SIMULATOR_PATH, hearth::testing::free_tcp_port(), args);
        ASSERT_TRUE(sim->start(10s)) << sim->log_text();
    }
    void SetUp() override {
        plugin = hearth::testing::driver_instance::load(HEARTH_DRIVER_PATH);
        ASSERT_NE(plugin, nullptr);
    }
    void TearDown() override {
        if (d) d->stop_and_destroy();
        const auto r = host.snapshot();
        EXPECT_TRUE(r.violations.empty()) << r.violations.front();
        EXPECT_FALSE(r.logged(k_password)) << "the password leaked into a log";
        EXPECT_FALSE(host.snapshot().said(k_password)) << "the password leaked";
    }

    json config(const std::string& password = k_password, int poll_s = 1, bool websocket = true) const {
        json dev = {
            {"id", "hall"}, {"name", "Hall"}, {"host", "127.0.0.1"}, {"port", sim->port()}, {"websocket", websocket}};
        if (!password.empty()) dev["password"] = password;
        return {{"devices", json::array({dev})},
                {"poll_interval_s", poll_s},
                {"timeout_ms", 500},
                {"offline_after_failures", 1},
                {"websocket_retry_s", 1}};
    }
    bool start_driver(const json& cfg) {
        d = std::make_unique<driver_instance>(host, plugin, "shelly");
        return d->create_and_start(cfg);
    }
    bool all_online(std::chrono::milliseconds within = 15s) {
        return host.wait_for(
            [](const host_record& r) {
                for (const auto& id : {k_plug, k_light, k_cover, k_button})
                    if (r.availability_of(id) != 1) return false;
                return true;
            },
            within);
    }
    /// Waits until the simulator has a subscribed WebSocket client (the driver's channel is open).
    bool subscribed(std::chrono::milliseconds within = 10s) {
        const auto until = std::chrono::steady_clock::now() + within;
        while (std::chrono::steady_clock::now() < until) {
            const json s = json::parse(sim_get(sim->port(), "/sim/status"), nullptr, false);
            if (s.is_object() && s.value("subscribed", 0) >= 1) return true;
            host.wait_for([](const host_record&) { return false; }, 50ms);  // a bounded pause between polls
        }
        return false;
    }

    fake_host host{checked_host()};
    const hearth_plugin_v1_api* plugin = nullptr;
    std::unique_ptr<hearth::testing::simulator> sim;
    std::unique_ptr<driver_instance> d;
};

TEST_F(shelly_driver_test, enumerates_components_into_typed_devices_with_their_state) {
    start_sim();
    ASSERT_TRUE(start_driver(config())) << d->error();
    ASSERT_TRUE(all_online()) << host.snapshot().all_logs();
    const auto r = host.snapshot();
    EXPECT_EQ(r.descriptors.at(k_plug).at("type"), "plug");
    EXPECT_EQ(r.descriptors.at(k_plug).at("name"), "Kettle");  // the component's name from GetConfig
    EXPECT_EQ(r.descriptors.at(k_plug).at("model"), "SimMulti");
    EXPECT_EQ(r.descriptors.at(k_light).at("type"), "light");
    EXPECT_EQ(r.descriptors.at(k_light).at("name"), "Hall light 0");
    EXPECT_EQ(r.descriptors.at(k_cover).at("type"), "cover");
    EXPECT_EQ(r.descriptors.at(k_button).at("type"), "button");
    EXPECT_EQ(r.state.at(k_plug), json::parse(R"({"on": false, "power_w": 0.0, "energy_kwh": 1.0})"));
    EXPECT_EQ(r.state.at(k_light), json::parse(R"({"on": false, "brightness": 50})"));
    EXPECT_EQ(r.state.at(k_cover), json::parse(R"({"position": 0, "state": "closed", "power_w": 0.0})"));
    EXPECT_EQ(r.ready, 1);
    EXPECT_GT(json::parse(sim_get(sim->port(), "/sim/status")).at("unauthorized").get<int>(), 0)
        << "the simulator did challenge";
}

TEST_F(shelly_driver_test, switch_and_dimmer_commands_complete_when_the_device_confirms) {
    start_sim();
    ASSERT_TRUE(start_driver(config())) << d->error();
    ASSERT_TRUE(all_online()) << host.snapshot().all_logs();
    EXPECT_EQ(d->command(1, k_plug, "turn_on"), HEARTH_PENDING) << d->error();
    EXPECT_EQ(d->command(2, k_light, "set", {{"on", true}, {"brightness", 80}}), HEARTH_PENDING) << d->error();
    ASSERT_TRUE(
        host.wait_for([](const host_record& r) { return r.results.contains(1) && r.results.contains(2); }, 10s));
    auto r = host.snapshot();
    EXPECT_EQ(r.results.at(1).status, HEARTH_OK) << r.results.at(1).message;
    EXPECT_EQ(r.results.at(2).status, HEARTH_OK) << r.results.at(2).message;
    EXPECT_EQ(r.prop(k_light, "brightness"), 80);
    ASSERT_TRUE(host.wait_for([](const host_record& rec) { return rec.prop(k_plug, "power_w") == 60.0; }, 10s));
    EXPECT_EQ(r.prop(k_plug, "on"), true);

    // A parameter the device refuses comes back as the device's own error.
    EXPECT_EQ(d->command(3, k_cover, "set", {{"position", 100}, {"state", "open"}}), HEARTH_ERR_UNSUPPORTED);
}

TEST_F(shelly_driver_test, cover_movement_and_button_presses_arrive_over_the_websocket) {
    start_sim();
    ASSERT_TRUE(start_driver(config(k_password, 3600))) << d->error();  // polling once an hour: pushes only
    ASSERT_TRUE(all_online()) << host.snapshot().all_logs();
    ASSERT_TRUE(subscribed()) << host.snapshot().all_logs();
    EXPECT_EQ(d->command(1, k_cover, "open"), HEARTH_PENDING) << d->error();
    ASSERT_TRUE(host.wait_for([](const host_record& r) { return r.prop(k_cover, "position") == 100; }, 15s))
        << host.snapshot().all_logs();
    auto r = host.snapshot();
    EXPECT_EQ(r.results.at(1).status, HEARTH_OK);
    EXPECT_EQ(r.prop(k_cover, "state"), "open");
    bool saw_opening = false;
    for (const auto& s : r.state_reports.at(k_cover)) saw_opening = saw_opening || s.value("state", "") == "opening";
    EXPECT_TRUE(saw_opening);
    EXPECT_GE(r.state_reports.at(k_cover).size(), 5u) << "the steps were pushed, not polled";

    EXPECT_EQ(d->command(2, k_cover, "set", {{"position", 40}}), HEARTH_PENDING) << d->error();
    ASSERT_TRUE(host.wait_for([](const host_record& rec) { return rec.prop(k_cover, "position") == 40; }, 15s));
    EXPECT_EQ(host.snapshot().prop(k_cover, "state"), "stopped");

    EXPECT_EQ(sim_get(sim->port(), "/sim/press?event=double_push"), "ok");
    EXPECT_EQ(sim_get(sim->port(), "/sim/press?event=btn_down"), "ok");  // not forwarded
    EXPECT_EQ(sim_get(sim->port(), "/sim/press?event=long_push"), "ok");
    ASSERT_TRUE(host.wait_for([](const host_record& rec) { return rec.events_of("long_push").size() == 1; }, 10s));
    r = host.snapshot();
    ASSERT_EQ(r.events.size(), 2u);
    EXPECT_EQ(r.events[0].first, k_button);
    EXPECT_EQ(r.events[0].second.at("event_type"), "double_push");
}

TEST_F(shelly_driver_test, the_notification_channel_comes_back_after_a_drop) {
    start_sim();
    ASSERT_TRUE(start_driver(config(k_password, 3600))) << d->error();
    ASSERT_TRUE(all_online()) << host.snapshot().all_logs();
    ASSERT_TRUE(subscribed());
    EXPECT_EQ(sim_get(sim->port(), "/sim/ws_drop"), "ok");
    ASSERT_TRUE(host.wait_for([](const host_record& r) { return r.logged("notification channel closed"); }, 10s));
    ASSERT_TRUE(subscribed(10s)) << host.snapshot().all_logs();
    EXPECT_EQ(sim_get(sim->port(), "/sim/press?event=single_push"), "ok");
    EXPECT_TRUE(host.wait_for([](const host_record& r) { return r.events_of("single_push").size() == 1; }, 10s));
}

TEST_F(shelly_driver_test, polling_alone_works_when_the_device_has_no_websocket) {
    start_sim({"--no-websocket"});
    ASSERT_TRUE(start_driver(config())) << d->error();
    ASSERT_TRUE(all_online()) << host.snapshot().all_logs();
    EXPECT_EQ(d->command(1, k_plug, "turn_on"), HEARTH_PENDING) << d->error();
    ASSERT_TRUE(host.wait_for([](const host_record& r) { return r.results.contains(1); }, 10s));
    EXPECT_EQ(host.snapshot().results.at(1).status, HEARTH_OK);
    EXPECT_EQ(d->command(2, k_cover, "close"), HEARTH_PENDING);
    EXPECT_EQ(d->command(3, k_cover, "set", {{"position", 30}}), HEARTH_PENDING);
    ASSERT_TRUE(host.wait_for([](const host_record& r) { return r.prop(k_cover, "position") == 30; }, 15s));
}

TEST_F(shelly_driver_test, every_fault_takes_the_device_offline_precisely_and_it_recovers) {
    start_sim({"--slow-ms", "1500"});
    ASSERT_TRUE(start_driver(config(k_password, 1, false))) << d->error();
    ASSERT_TRUE(all_online()) << host.snapshot().all_logs();
    struct expectation {
        std::string fault;
        std::string log;
    };
    for (const auto& [fault, log] : std::vector<expectation>{{"500", "500"},
                                                             {"garbage", "not JSON"},
                                                             {"drop", "closed the connection"},
                                                             {"timeout", "timed out"},
                                                             {"slow", "timed out"}}) {
        SCOPED_TRACE(fault);
        ASSERT_EQ(sim_get(sim->port(), "/sim/fault?set=" + fault), "ok");
        ASSERT_TRUE(host.wait_for([](const host_record& r) { return r.availability_of(k_plug) == 0; }, 15s))
            << host.snapshot().all_logs();
        EXPECT_TRUE(host.snapshot().logged(log)) << host.snapshot().all_logs();
        const std::uint64_t id = 100 + host.snapshot().results.size();
        EXPECT_EQ(d->command(id, k_plug, "turn_on"), HEARTH_PENDING);
        ASSERT_TRUE(host.wait_for([id](const host_record& r) { return r.results.contains(id); }, 10s));
        EXPECT_NE(host.snapshot().results.at(id).status, HEARTH_OK);
        ASSERT_EQ(sim_get(sim->port(), "/sim/fault?set=none"), "ok");
        ASSERT_TRUE(all_online()) << host.snapshot().all_logs();
    }
    EXPECT_LT(host.longest_call(), 1000ms);  // the host's thread never waits for the device
}

TEST_F(shelly_driver_test, a_wrong_password_never_registers_anything_and_says_why) {
    start_sim();
    ASSERT_TRUE(start_driver(config("not-the-password"))) << d->error();
    ASSERT_TRUE(host.wait_for([](const host_record& r) { return r.logged("Shelly.GetStatus"); }, 10s))
        << host.snapshot().all_logs();
    const auto r = host.snapshot();
    EXPECT_TRUE(r.descriptors.empty());
    EXPECT_FALSE(r.said("not-the-password"));
}

}  // namespace
