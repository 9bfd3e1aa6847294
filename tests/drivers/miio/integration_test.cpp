// Integration tests of the vacuum_miio and miot plugins: each test starts miio_sim on a free
// loopback UDP port, dlopen()s the built plugin and drives it through its C ABI with a fake
// host (real time; bounded waits with deadlines). Covers registration, state, commands, events,
// availability hysteresis with dropped replies, wrong tokens, garbage and stale replies, and a
// log canary: the token never appears in anything the driver hands to the host.
#include "test_support.hpp"

#include <cstdlib>
#include <functional>
#include <iostream>

#ifndef HEARTH_DRIVER_PATH
#error "HEARTH_DRIVER_PATH must be the path of the built vacuum_miio plugin"
#endif
#ifndef MIOT_PLUGIN_PATH
#error "MIOT_PLUGIN_PATH must be the path of the built miot plugin"
#endif

namespace {

using namespace miio_test;

constexpr const char* k_dev = "robo";

json vacuum_config(std::uint16_t port, const std::string& token = k_token) {
    return {{"host", "127.0.0.1"}, {"port", port},   {"token", token},
            {"id", k_dev},         {"name", "Robo"}, {"poll_interval_ms", 150},
            {"timeout_ms", 250},   {"retries", 1},   {"offline_after_failures", 3}};
}

json miot_config(std::uint16_t port, const std::string& model, const std::string& id) {
    return {{"host", "127.0.0.1"},     {"port", port},      {"token", k_token}, {"model", model}, {"id", id},
            {"poll_interval_ms", 150}, {"timeout_ms", 250}, {"retries", 1}};
}

const hearth_plugin_v1_api* vacuum_plugin() {
    static const auto* api = hearth::testing::load_plugin(HEARTH_DRIVER_PATH);
    return api;
}
const hearth_plugin_v1_api* miot_plugin() {
    static const auto* api = hearth::testing::load_plugin(MIOT_PLUGIN_PATH);
    return api;
}

class MiioIntegration : public ::testing::Test {
protected:
    void TearDown() override {
        const host_record r = host_.snapshot();
        expect_no_token(r);
        if (std::getenv("MIIO_TEST_VERBOSE") != nullptr) std::cout << r.all_logs();
        EXPECT_TRUE(r.violations.empty()) << r.violations.front();
    }
    /// Waits until `pred` holds (false after `deadline`).
    bool wait(const std::function<bool(const host_record&)>& pred, std::chrono::milliseconds deadline = 10s) {
        return host_.wait_for(pred, deadline);
    }
    /// Waits for the command's result and returns its status (or 999 on timeout).
    int wait_result(std::uint64_t id, std::chrono::milliseconds deadline = 10s) {
        if (!wait([&](const host_record& r) { return r.results.contains(id); }, deadline)) return 999;
        return host_.snapshot().results.at(id).status;
    }
    fake_host host_{host_checks()};
};

TEST_F(MiioIntegration, VacuumRegistersReportsStateAndRunsCommands) {
    ASSERT_NE(vacuum_plugin(), nullptr);
    simulator sim("vacuum");
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, vacuum_plugin(), "miio_test");
    ASSERT_TRUE(drv.create_and_start(vacuum_config(sim.port()))) << drv.error();
    ASSERT_TRUE(wait([](const host_record& f) {
        return f.availability_of(k_dev) == 1 && !f.prop(k_dev, "battery").is_null();
    })) << host_.snapshot().all_logs();
    {
        const host_record r = host_.snapshot();
        EXPECT_EQ(r.descriptors.at(k_dev)["type"], "vacuum");
        EXPECT_EQ(r.ready, 1);
        const auto st = r.prop(k_dev, "operational_state");  // the sim starts on the dock at 90 %
        EXPECT_TRUE(st == "charging" || st == "docked") << st;
        EXPECT_EQ(r.prop(k_dev, "error"), "none");
    }
    EXPECT_TRUE(wait([](const host_record& f) { return f.prop(k_dev, "filter_left_h").is_number(); }));
    EXPECT_EQ(drv.command(1, k_dev, "start", json::object()), HEARTH_PENDING);
    EXPECT_EQ(wait_result(1), HEARTH_OK);
    EXPECT_TRUE(wait([](const host_record& f) { return f.prop(k_dev, "operational_state") == "running"; }));

    EXPECT_EQ(drv.command(2, k_dev, "set_fan_speed", {{"fan_speed", "max"}}), HEARTH_PENDING);
    EXPECT_EQ(wait_result(2), HEARTH_OK);
    EXPECT_EQ(sim.status()["device"]["fan_power"], 104);
    EXPECT_TRUE(wait([](const host_record& f) { return f.prop(k_dev, "fan_speed") == "max"; }));

    EXPECT_EQ(drv.command(3, k_dev, "clean_areas", {{"areas", "16,17"}}), HEARTH_PENDING);
    EXPECT_EQ(wait_result(3), HEARTH_OK);
    EXPECT_EQ(drv.command(4, k_dev, "clean_areas", {{"areas", "kitchen"}}), HEARTH_ERR_INVALID);

    EXPECT_EQ(drv.command(5, k_dev, "return_to_dock", json::object()), HEARTH_PENDING);
    EXPECT_EQ(wait_result(5), HEARTH_OK);
    EXPECT_TRUE(wait([](const host_record& f) { return !f.events_of("operation_completed").empty(); }))
        << host_.snapshot().all_logs();
    EXPECT_TRUE(wait([](const host_record& f) {
        const auto s = f.prop(k_dev, "operational_state");
        return s == "seeking_charger" || s == "charging" || s == "docked";
    }));
}

TEST_F(MiioIntegration, VacuumErrorRaisesOperationalError) {
    simulator sim("vacuum");
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, vacuum_plugin(), "miio_test");
    ASSERT_TRUE(drv.create_and_start(vacuum_config(sim.port()))) << drv.error();
    ASSERT_TRUE(wait([](const host_record& f) { return f.availability_of(k_dev) == 1; }));
    sim.fault("error_code");
    ASSERT_TRUE(wait([](const host_record& f) { return !f.events_of("operational_error").empty(); }))
        << host_.snapshot().all_logs();
    EXPECT_EQ(host_.snapshot().prop(k_dev, "operational_state"), "error");
    EXPECT_EQ(host_.snapshot().prop(k_dev, "error"), "stuck");
    EXPECT_EQ(host_.snapshot().prop(k_dev, "error_code"), 8);
}

TEST_F(MiioIntegration, DroppedRepliesGoOfflineOnlyAfterNFailuresThenRecover) {
    simulator sim("vacuum");
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, vacuum_plugin(), "miio_test");
    ASSERT_TRUE(drv.create_and_start(vacuum_config(sim.port()))) << drv.error();
    ASSERT_TRUE(wait([](const host_record& f) { return f.availability_of(k_dev) == 1; }));
    sim.fault("drop");
    const auto t0 = clock_type::now();
    ASSERT_TRUE(wait([](const host_record& f) { return f.availability_of(k_dev) == 0; }, 15s))
        << host_.snapshot().all_logs();
    // Each failed poll costs 2 attempts x 250 ms; offline must not come before 3 such polls.
    EXPECT_GE(clock_type::now() - t0, 1400ms);
    {
        const auto reports = host_.snapshot().availability[k_dev];
        EXPECT_EQ(std::count(reports.begin(), reports.end(), false), 1);
    }
    // A command while the device drops everything times out: its token worked before, so a
    // device that answers hellos but not requests is not reported as a token problem.
    EXPECT_EQ(drv.command(7, k_dev, "locate", json::object()), HEARTH_PENDING);
    EXPECT_EQ(wait_result(7), HEARTH_ERR_TIMEOUT);
    {
        EXPECT_TRUE(host_.snapshot().logged("no valid reply")) << host_.snapshot().all_logs();
        EXPECT_FALSE(host_.snapshot().logged("rejects the token")) << host_.snapshot().all_logs();
    }
    sim.fault("none");
    EXPECT_TRUE(wait([](const host_record& f) { return f.availability_of(k_dev) == 1; }))
        << host_.snapshot().all_logs();
}

TEST_F(MiioIntegration, DelayedRepliesAreStaleAndIgnored) {
    simulator sim("vacuum");
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, vacuum_plugin(), "miio_test");
    ASSERT_TRUE(drv.create_and_start(vacuum_config(sim.port()))) << drv.error();
    ASSERT_TRUE(wait([](const host_record& f) { return f.availability_of(k_dev) == 1; }));
    sim.fault("delay");  // replies arrive after 1.5 s: long after the 250 ms timeout
    ASSERT_TRUE(wait([](const host_record& f) { return f.availability_of(k_dev) == 0; }, 15s))
        << host_.snapshot().all_logs();
    sim.fault("stale");  // every reply is preceded by a duplicate with an older id
    ASSERT_TRUE(wait([](const host_record& f) { return f.availability_of(k_dev) == 1; }, 10s))
        << host_.snapshot().all_logs();
    drv.stop_and_destroy();
    const std::string logs = host_.snapshot().all_logs();
    EXPECT_EQ(logs.find(" 0 stale replies"), std::string::npos) << logs;  // stale replies were counted
}

TEST_F(MiioIntegration, StopIsPromptWhileAnExchangeIsInFlight) {
    simulator sim("vacuum", {"--fault", "drop"});
    ASSERT_TRUE(sim.start());
    json cfg = vacuum_config(sim.port());
    cfg["timeout_ms"] = 3000;
    cfg["retries"] = 3;
    driver_instance drv(host_, vacuum_plugin(), "miio_test");
    ASSERT_TRUE(drv.create_and_start(cfg)) << drv.error();
    EXPECT_EQ(drv.command(1, k_dev, "locate", json::object()), HEARTH_PENDING);
    std::this_thread::sleep_for(300ms);  // the first poll is waiting for its (dropped) reply
    const auto t0 = clock_type::now();
    drv.stop_and_destroy();
    EXPECT_LT(clock_type::now() - t0, 1000ms);
    const host_record rec = host_.snapshot();
    ASSERT_EQ(rec.results.count(1), 1U);  // every pending command is answered before stop returns
    EXPECT_NE(rec.results.at(1).status, HEARTH_OK);
    EXPECT_TRUE(rec.availability.empty());  // stopping is not an availability change
}

TEST_F(MiioIntegration, WrongTokenNeverGoesOnline) {
    simulator sim("vacuum");
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, vacuum_plugin(), "miio_test");
    ASSERT_TRUE(drv.create_and_start(vacuum_config(sim.port(), k_other_token))) << drv.error();
    ASSERT_TRUE(wait([](const host_record& f) { return f.availability_of(k_dev) == 0; }, 15s))
        << host_.snapshot().all_logs();
    const auto reports = host_.snapshot().availability[k_dev];
    EXPECT_EQ(std::count(reports.begin(), reports.end(), true), 0);
    // The device answered every hello: a rejected token, not an unreachable device, logged at
    // error level (hearthd counts driver error lines in health).
    EXPECT_TRUE(host_.snapshot().logged("the device at 127.0.0.1:" + std::to_string(sim.port()) +
                                        " answers but rejects the token"))
        << host_.snapshot().all_logs();
    EXPECT_FALSE(host_.snapshot().logged("no valid reply")) << host_.snapshot().all_logs();
    EXPECT_TRUE(host_.snapshot().logged("rejects the token", HEARTH_LOG_ERROR)) << host_.snapshot().all_logs();
    EXPECT_NE(sim.log_text().find("checksum mismatch"), std::string::npos);  // the device ignored our frames
}

TEST_F(MiioIntegration, WrongTokenCommandSaysTheTokenIsRejected) {
    simulator sim("vacuum");
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, vacuum_plugin(), "miio_test");
    ASSERT_TRUE(drv.create_and_start(vacuum_config(sim.port(), k_other_token))) << drv.error();
    EXPECT_EQ(drv.command(3, k_dev, "locate", json::object()), HEARTH_PENDING);
    EXPECT_EQ(wait_result(3), HEARTH_ERR_DEVICE);
    drv.stop_and_destroy();
    const host_record rec = host_.snapshot();
    ASSERT_EQ(rec.results.count(3), 1U);
    const auto* r = &rec.results.at(3);
    EXPECT_NE(r->message.find("answers but rejects the token"), std::string::npos) << r->message;
    EXPECT_EQ(r->message.find(k_other_token), std::string::npos);
    EXPECT_EQ(host_.snapshot().all_logs().find(" 0 token rejections"), std::string::npos)
        << host_.snapshot().all_logs();
}

TEST_F(MiioIntegration, RepliesWithAnotherTokenAreReportedAsDecryptFailures) {
    simulator sim("vacuum", {"--fault", "wrong_token"});
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, vacuum_plugin(), "miio_test");
    ASSERT_TRUE(drv.create_and_start(vacuum_config(sim.port()))) << drv.error();
    ASSERT_TRUE(wait([](const host_record& f) { return f.availability_of(k_dev) == 0; }, 15s))
        << host_.snapshot().all_logs();
    EXPECT_TRUE(host_.snapshot().logged("wrong token")) << host_.snapshot().all_logs();
}

TEST_F(MiioIntegration, GarbageIsCountedWithoutCrashing) {
    simulator sim("vacuum");
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, vacuum_plugin(), "miio_test");
    ASSERT_TRUE(drv.create_and_start(vacuum_config(sim.port()))) << drv.error();
    ASSERT_TRUE(wait([](const host_record& f) { return f.availability_of(k_dev) == 1; }));
    sim.fault("garbage");
    ASSERT_TRUE(wait([](const host_record& f) { return f.availability_of(k_dev) == 0; }, 15s))
        << host_.snapshot().all_logs();
    sim.fault("none");
    ASSERT_TRUE(wait([](const host_record& f) { return f.availability_of(k_dev) == 1; }))
        << host_.snapshot().all_logs();
    drv.stop_and_destroy();
    const std::string logs = host_.snapshot().all_logs();
    EXPECT_NE(logs.find("stopped:"), std::string::npos);
    EXPECT_EQ(logs.find(" 0 undecodable"), std::string::npos) << logs;
}

TEST_F(MiioIntegration, RefusesBadConfigWithoutEchoingTheToken) {
    json cfg = vacuum_config(1);
    cfg["token"] = std::string(k_token) + "zz";
    driver_instance drv(host_, vacuum_plugin(), "miio_test");
    EXPECT_FALSE(drv.create_and_start(cfg));
    EXPECT_EQ(drv.error().find(k_token), std::string::npos);
    EXPECT_NE(drv.error().find("token"), std::string::npos);
}

TEST_F(MiioIntegration, MiotAirConditionerSetsTargetTemperature) {
    ASSERT_NE(miot_plugin(), nullptr);
    simulator sim("ac");
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, miot_plugin(), "miio_test");
    ASSERT_TRUE(drv.create_and_start(miot_config(sim.port(), "example.aircondition.v1", "bedroom_ac"))) << drv.error();
    ASSERT_TRUE(wait([](const host_record& f) { return f.prop("bedroom_ac", "target_temp") == 22.0; }))
        << host_.snapshot().all_logs();
    {
        EXPECT_EQ(host_.snapshot().descriptors["bedroom_ac"]["type"], "climate");
        EXPECT_EQ(host_.snapshot().prop("bedroom_ac", "mode"), "cool");
        EXPECT_EQ(host_.snapshot().availability_of("bedroom_ac"), 1);
    }
    EXPECT_EQ(drv.command(1, "bedroom_ac", "set", {{"target_temp", 24.5}, {"mode", "heat"}}), HEARTH_PENDING);
    EXPECT_EQ(wait_result(1), HEARTH_OK);
    EXPECT_TRUE(wait([](const host_record& f) {
        return f.prop("bedroom_ac", "target_temp") == 24.5 && f.prop("bedroom_ac", "mode") == "heat";
    }));
    const json st = sim.status()["device"];
    EXPECT_EQ(st["2.4"], 24.5);
    EXPECT_EQ(st["2.2"], 1);  // MIoT mode 1 = heat
    EXPECT_EQ(drv.command(2, "bedroom_ac", "turn_off", json::object()), HEARTH_PENDING);
    EXPECT_EQ(wait_result(2), HEARTH_OK);
    EXPECT_TRUE(wait([](const host_record& f) { return f.prop("bedroom_ac", "on") == false; }));
    EXPECT_EQ(drv.command(3, "bedroom_ac", "set", {{"current_temp", 20}}), HEARTH_ERR_INVALID);
}

TEST_F(MiioIntegration, MiotWasherRunsACycle) {
    simulator sim("washer");
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, miot_plugin(), "miio_test");
    ASSERT_TRUE(drv.create_and_start(miot_config(sim.port(), "example.washer.v1", "washer"))) << drv.error();
    ASSERT_TRUE(wait([](const host_record& f) { return f.prop("washer", "operational_state") == "stopped"; }));
    EXPECT_EQ(drv.command(1, "washer", "start", {{"program", "quick"}}), HEARTH_PENDING);
    EXPECT_EQ(wait_result(1), HEARTH_OK);
    EXPECT_TRUE(wait([](const host_record& f) { return f.prop("washer", "operational_state") == "running"; }));
    EXPECT_TRUE(wait([](const host_record& f) { return !f.events_of("cycle_finished").empty(); }, 15s))
        << host_.snapshot().all_logs();
    EXPECT_EQ(host_.snapshot().prop("washer", "program"), "quick");
}

TEST_F(MiioIntegration, MiotFridgeAndDeviceErrors) {
    simulator sim("fridge");
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, miot_plugin(), "miio_test");
    ASSERT_TRUE(drv.create_and_start(miot_config(sim.port(), "example.fridge.v1", "fridge"))) << drv.error();
    ASSERT_TRUE(wait([](const host_record& f) { return !f.prop("fridge", "freezer_temp").is_null(); }));
    sim.fault("error_code");
    EXPECT_EQ(drv.command(1, "fridge", "set", {{"eco_mode", true}}), HEARTH_PENDING);
    EXPECT_EQ(wait_result(1), HEARTH_ERR_DEVICE);
}

TEST_F(MiioIntegration, MiotUnknownModelIsRefused) {
    driver_instance drv(host_, miot_plugin(), "miio_test");
    EXPECT_FALSE(drv.create_and_start(miot_config(1, "no.such.model", "x")));
    EXPECT_NE(drv.error().find("no mapping file"), std::string::npos) << drv.error();
}

}  // namespace
