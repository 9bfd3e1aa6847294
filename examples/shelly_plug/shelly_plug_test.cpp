// The worked example's test, on the installed test kit only (hearth::testing): the shelly_plug
// driver against its simulator — registers the plug, reports state and metering, turns it on
// (completed when a poll confirms it), goes offline when the plug stops answering and fails a
// command to it precisely.
#include <hearth/testing/driver_instance.hpp>
#include <hearth/testing/fake_host.hpp>
#include <hearth/testing/ports.hpp>
#include <hearth/testing/simulator.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace {

using namespace std::chrono_literals;
using hearth::testing::host_record;
using json = nlohmann::json;

class shelly_plug_test : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(sim.start(10s)) << sim.log_text();
        plugin = hearth::testing::driver_instance::load(HEARTH_DRIVER_PATH);
        ASSERT_NE(plugin, nullptr);
    }

    json config(std::uint16_t port) const {
        return {{"plugs",
                 json::array({{{"id", "kitchen"}, {"name", "Kitchen plug"}, {"host", "127.0.0.1"}, {"port", port}}})},
                {"poll_interval_s", 1},
                {"timeout_ms", 500},
                {"offline_after_failures", 1}};
    }

    hearth::testing::simulator sim{HEARTH_SIMULATOR_PATH, hearth::testing::free_tcp_port(), {"--power-w", "60"}};
    hearth::testing::fake_host host;
    const hearth_plugin_v1_api* plugin = nullptr;
};

TEST_F(shelly_plug_test, registers_reports_and_switches_the_plug) {
    hearth::testing::driver_instance d(host, plugin, "shelly");
    ASSERT_TRUE(d.create_and_start(config(sim.port()))) << d.error();
    ASSERT_TRUE(host.wait_for([](const host_record& r) { return r.availability_of("kitchen") == 1; }, 10s));
    auto r = host.snapshot();
    EXPECT_EQ(r.descriptors.at("kitchen").at("type"), "plug");
    EXPECT_EQ(r.state.at("kitchen").at("on"), false);
    EXPECT_EQ(r.state.at("kitchen").at("power_w"), 0.0);
    EXPECT_EQ(r.ready, 1);

    EXPECT_EQ(d.command(1, "kitchen", "turn_on"), HEARTH_PENDING) << d.error();
    ASSERT_TRUE(host.wait_for([](const host_record& rec) { return rec.results.contains(1); }, 10s));
    r = host.snapshot();
    EXPECT_EQ(r.results.at(1).status, HEARTH_OK) << r.results.at(1).message;
    EXPECT_EQ(r.state.at("kitchen").at("on"), true);
    EXPECT_EQ(r.state.at("kitchen").at("power_w"), 60.0);
    EXPECT_GT(r.state.at("kitchen").at("energy_kwh").get<double>(), 0.9);  // the simulator starts at 1000 Wh
}

TEST_F(shelly_plug_test, a_plug_that_stops_answering_goes_offline_and_commands_fail_precisely) {
    hearth::testing::driver_instance d(host, plugin, "shelly");
    ASSERT_TRUE(d.create_and_start(config(sim.port()))) << d.error();
    ASSERT_TRUE(host.wait_for([](const host_record& r) { return r.availability_of("kitchen") == 1; }, 10s));
    sim.stop();
    ASSERT_TRUE(host.wait_for([](const host_record& r) { return r.availability_of("kitchen") == 0; }, 20s));
    EXPECT_EQ(d.command(2, "kitchen", "set", {{"on", true}}), HEARTH_PENDING) << d.error();
    ASSERT_TRUE(host.wait_for([](const host_record& r) { return r.results.contains(2); }, 10s));
    const auto result = host.snapshot().results.at(2);
    EXPECT_EQ(result.status, HEARTH_ERR_OFFLINE) << result.message;
    EXPECT_NE(result.message.find("/rpc/Switch.Set?id=0&on=true"), std::string::npos) << result.message;

    ASSERT_TRUE(sim.start(10s)) << sim.log_text();  // back: the next poll finds it
    EXPECT_TRUE(host.wait_for([](const host_record& r) { return r.availability_of("kitchen") == 1; }, 30s));
}

}  // namespace
