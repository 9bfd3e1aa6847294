// Integration tests of the vacuum_miio and miot plugins: each test starts miio_sim on a free
// loopback UDP port, dlopen()s the built plugin and drives it through its C ABI with a fake
// host (real time; bounded waits with deadlines). Covers registration, state, commands, events,
// availability hysteresis with dropped replies, wrong tokens, garbage and stale replies, and a
// log canary: the token never appears in anything the driver hands to the host.
#include "test_support.hpp"

#include <cstdlib>
#include <iostream>

#ifndef VACUUM_PLUGIN_PATH
#error "VACUUM_PLUGIN_PATH must be the path of the built vacuum_miio plugin"
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
    static const auto* api = load_plugin(VACUUM_PLUGIN_PATH);
    return api;
}
const hearth_plugin_v1_api* miot_plugin() {
    static const auto* api = load_plugin(MIOT_PLUGIN_PATH);
    return api;
}

/// Waits for the command's result and returns its status (or 999 on timeout).
int wait_result(fake_host& h, std::uint64_t id, std::chrono::milliseconds deadline = 10s) {
    int st = 999;
    h.wait_for(
        [&](const fake_host& f) {
            const auto* r = f.result_of(id);
            if (r != nullptr) st = r->status;
            return r != nullptr;
        },
        deadline);
    return st;
}

class MiioIntegration : public ::testing::Test {
protected:
    void TearDown() override {
        expect_no_token(host_);
        if (std::getenv("MIIO_TEST_VERBOSE") != nullptr) std::cout << host_.all_logs();
        std::lock_guard lock(host_.mutex);
        EXPECT_TRUE(host_.violations.empty()) << host_.violations.front();
    }
    fake_host host_;
};

TEST_F(MiioIntegration, VacuumRegistersReportsStateAndRunsCommands) {
    ASSERT_NE(vacuum_plugin(), nullptr);
    simulator sim("vacuum");
    ASSERT_TRUE(sim.start());
    instance drv(vacuum_plugin(), host_, vacuum_config(sim.port()));
    ASSERT_TRUE(drv.ok()) << drv.create_error();
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) {
        return f.online(k_dev) == true && !f.prop(k_dev, "battery").is_null();
    })) << host_.all_logs();
    {
        std::lock_guard lock(host_.mutex);
        EXPECT_EQ(host_.descriptors[k_dev]["type"], "vacuum");
        EXPECT_EQ(host_.ready, 1);
        const auto st = host_.prop(k_dev, "operational_state");  // the sim starts on the dock at 90 %
        EXPECT_TRUE(st == "charging" || st == "docked") << st;
        EXPECT_EQ(host_.prop(k_dev, "error"), "none");
    }
    EXPECT_TRUE(host_.wait_for([](const fake_host& f) { return f.prop(k_dev, "filter_left_h").is_number(); }));
    EXPECT_EQ(drv.command(1, k_dev, {{"command", "start"}, {"params", json::object()}}), HEARTH_PENDING);
    EXPECT_EQ(wait_result(host_, 1), HEARTH_OK);
    EXPECT_TRUE(host_.wait_for([](const fake_host& f) { return f.prop(k_dev, "operational_state") == "running"; }));

    EXPECT_EQ(drv.command(2, k_dev, {{"command", "set_fan_speed"}, {"params", {{"fan_speed", "max"}}}}),
              HEARTH_PENDING);
    EXPECT_EQ(wait_result(host_, 2), HEARTH_OK);
    EXPECT_EQ(sim.status()["device"]["fan_power"], 104);
    EXPECT_TRUE(host_.wait_for([](const fake_host& f) { return f.prop(k_dev, "fan_speed") == "max"; }));

    EXPECT_EQ(drv.command(3, k_dev, {{"command", "clean_areas"}, {"params", {{"areas", "16,17"}}}}), HEARTH_PENDING);
    EXPECT_EQ(wait_result(host_, 3), HEARTH_OK);
    std::string error;
    EXPECT_EQ(drv.command(4, k_dev, {{"command", "clean_areas"}, {"params", {{"areas", "kitchen"}}}}, &error),
              HEARTH_ERR_INVALID);

    EXPECT_EQ(drv.command(5, k_dev, {{"command", "return_to_dock"}, {"params", json::object()}}), HEARTH_PENDING);
    EXPECT_EQ(wait_result(host_, 5), HEARTH_OK);
    EXPECT_TRUE(host_.wait_for([](const fake_host& f) {
        return std::any_of(f.events.begin(), f.events.end(),
                           [](const json& e) { return e["event_type"] == "operation_completed"; });
    })) << host_.all_logs();
    EXPECT_TRUE(host_.wait_for([](const fake_host& f) {
        const auto s = f.prop(k_dev, "operational_state");
        return s == "seeking_charger" || s == "charging" || s == "docked";
    }));
}

TEST_F(MiioIntegration, VacuumErrorRaisesOperationalError) {
    simulator sim("vacuum");
    ASSERT_TRUE(sim.start());
    instance drv(vacuum_plugin(), host_, vacuum_config(sim.port()));
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) { return f.online(k_dev) == true; }));
    sim.fault("error_code");
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) {
        return std::any_of(f.events.begin(), f.events.end(),
                           [](const json& e) { return e["event_type"] == "operational_error"; });
    })) << host_.all_logs();
    std::lock_guard lock(host_.mutex);
    EXPECT_EQ(host_.prop(k_dev, "operational_state"), "error");
    EXPECT_EQ(host_.prop(k_dev, "error"), "stuck");
    EXPECT_EQ(host_.prop(k_dev, "error_code"), 8);
}

TEST_F(MiioIntegration, DroppedRepliesGoOfflineOnlyAfterNFailuresThenRecover) {
    simulator sim("vacuum");
    ASSERT_TRUE(sim.start());
    instance drv(vacuum_plugin(), host_, vacuum_config(sim.port()));
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) { return f.online(k_dev) == true; }));
    sim.fault("drop");
    const auto t0 = clock_type::now();
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) { return f.online(k_dev) == false; }, 15s)) << host_.all_logs();
    // Each failed poll costs 2 attempts x 250 ms; offline must not come before 3 such polls.
    EXPECT_GE(clock_type::now() - t0, 1400ms);
    {
        std::lock_guard lock(host_.mutex);
        EXPECT_EQ(
            std::count(host_.availability.begin(), host_.availability.end(), std::make_pair(std::string(k_dev), false)),
            1);
    }
    // A command while the device drops everything times out: its token worked before, so a
    // device that answers hellos but not requests is not reported as a token problem.
    EXPECT_EQ(drv.command(7, k_dev, {{"command", "locate"}, {"params", json::object()}}), HEARTH_PENDING);
    EXPECT_EQ(wait_result(host_, 7), HEARTH_ERR_TIMEOUT);
    {
        std::lock_guard lock(host_.mutex);
        EXPECT_TRUE(host_.has_log("no valid reply")) << host_.all_logs();
        EXPECT_FALSE(host_.has_log("rejects the token")) << host_.all_logs();
    }
    sim.fault("none");
    EXPECT_TRUE(host_.wait_for([](const fake_host& f) { return f.online(k_dev) == true; })) << host_.all_logs();
}

TEST_F(MiioIntegration, DelayedRepliesAreStaleAndIgnored) {
    simulator sim("vacuum");
    ASSERT_TRUE(sim.start());
    instance drv(vacuum_plugin(), host_, vacuum_config(sim.port()));
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) { return f.online(k_dev) == true; }));
    sim.fault("delay");  // replies arrive after 1.5 s: long after the 250 ms timeout
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) { return f.online(k_dev) == false; }, 15s)) << host_.all_logs();
    sim.fault("stale");  // every reply is preceded by a duplicate with an older id
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) { return f.online(k_dev) == true; }, 10s)) << host_.all_logs();
    drv.shutdown();
    std::lock_guard lock(host_.mutex);
    const std::string logs = host_.all_logs();
    EXPECT_EQ(logs.find(" 0 stale replies"), std::string::npos) << logs;  // stale replies were counted
}

TEST_F(MiioIntegration, StopIsPromptWhileAnExchangeIsInFlight) {
    simulator sim("vacuum", {"--fault", "drop"});
    ASSERT_TRUE(sim.start());
    json cfg = vacuum_config(sim.port());
    cfg["timeout_ms"] = 3000;
    cfg["retries"] = 3;
    instance drv(vacuum_plugin(), host_, cfg);
    ASSERT_TRUE(drv.ok());
    EXPECT_EQ(drv.command(1, k_dev, {{"command", "locate"}, {"params", json::object()}}), HEARTH_PENDING);
    std::this_thread::sleep_for(300ms);  // the first poll is waiting for its (dropped) reply
    const auto t0 = clock_type::now();
    drv.shutdown();
    EXPECT_LT(clock_type::now() - t0, 1000ms);
    std::lock_guard lock(host_.mutex);
    const auto* r = host_.result_of(1);
    ASSERT_NE(r, nullptr);  // every pending command is answered before stop returns
    EXPECT_NE(r->status, HEARTH_OK);
    EXPECT_TRUE(host_.availability.empty());  // stopping is not an availability change
}

TEST_F(MiioIntegration, WrongTokenNeverGoesOnline) {
    simulator sim("vacuum");
    ASSERT_TRUE(sim.start());
    instance drv(vacuum_plugin(), host_, vacuum_config(sim.port(), k_other_token));
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) { return f.online(k_dev) == false; }, 15s)) << host_.all_logs();
    std::lock_guard lock(host_.mutex);
    EXPECT_EQ(
        std::count(host_.availability.begin(), host_.availability.end(), std::make_pair(std::string(k_dev), true)), 0);
    // The device answered every hello: a rejected token, not an unreachable device, logged at
    // error level (hearthd counts driver error lines in health).
    EXPECT_TRUE(
        host_.has_log("the device at 127.0.0.1:" + std::to_string(sim.port()) + " answers but rejects the token"))
        << host_.all_logs();
    EXPECT_FALSE(host_.has_log("no valid reply")) << host_.all_logs();
    EXPECT_TRUE(std::any_of(host_.logs.begin(), host_.logs.end(), [](const auto& l) {
        return l.first == HEARTH_LOG_ERROR && l.second.find("rejects the token") != std::string::npos;
    })) << host_.all_logs();
    EXPECT_NE(sim.log_text().find("checksum mismatch"), std::string::npos);  // the device ignored our frames
}

TEST_F(MiioIntegration, WrongTokenCommandSaysTheTokenIsRejected) {
    simulator sim("vacuum");
    ASSERT_TRUE(sim.start());
    instance drv(vacuum_plugin(), host_, vacuum_config(sim.port(), k_other_token));
    EXPECT_EQ(drv.command(3, k_dev, {{"command", "locate"}, {"params", json::object()}}), HEARTH_PENDING);
    EXPECT_EQ(wait_result(host_, 3), HEARTH_ERR_DEVICE);
    drv.shutdown();
    std::lock_guard lock(host_.mutex);
    const auto* r = host_.result_of(3);
    ASSERT_NE(r, nullptr);
    EXPECT_NE(r->message.find("answers but rejects the token"), std::string::npos) << r->message;
    EXPECT_EQ(r->message.find(k_other_token), std::string::npos);
    EXPECT_EQ(host_.all_logs().find(" 0 token rejections"), std::string::npos) << host_.all_logs();
}

TEST_F(MiioIntegration, RepliesWithAnotherTokenAreReportedAsDecryptFailures) {
    simulator sim("vacuum", {"--fault", "wrong_token"});
    ASSERT_TRUE(sim.start());
    instance drv(vacuum_plugin(), host_, vacuum_config(sim.port()));
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) { return f.online(k_dev) == false; }, 15s)) << host_.all_logs();
    std::lock_guard lock(host_.mutex);
    EXPECT_TRUE(host_.has_log("wrong token")) << host_.all_logs();
}

TEST_F(MiioIntegration, GarbageIsCountedWithoutCrashing) {
    simulator sim("vacuum");
    ASSERT_TRUE(sim.start());
    instance drv(vacuum_plugin(), host_, vacuum_config(sim.port()));
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) { return f.online(k_dev) == true; }));
    sim.fault("garbage");
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) { return f.online(k_dev) == false; }, 15s)) << host_.all_logs();
    sim.fault("none");
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) { return f.online(k_dev) == true; })) << host_.all_logs();
    drv.shutdown();
    std::lock_guard lock(host_.mutex);
    const std::string logs = host_.all_logs();
    EXPECT_NE(logs.find("stopped:"), std::string::npos);
    EXPECT_EQ(logs.find(" 0 undecodable"), std::string::npos) << logs;
}

TEST_F(MiioIntegration, RefusesBadConfigWithoutEchoingTheToken) {
    json cfg = vacuum_config(1);
    cfg["token"] = std::string(k_token) + "zz";
    instance drv(vacuum_plugin(), host_, cfg);
    EXPECT_FALSE(drv.ok());
    EXPECT_EQ(drv.create_error().find(k_token), std::string::npos);
    EXPECT_NE(drv.create_error().find("token"), std::string::npos);
}

TEST_F(MiioIntegration, MiotAirConditionerSetsTargetTemperature) {
    ASSERT_NE(miot_plugin(), nullptr);
    simulator sim("ac");
    ASSERT_TRUE(sim.start());
    instance drv(miot_plugin(), host_, miot_config(sim.port(), "example.aircondition.v1", "bedroom_ac"));
    ASSERT_TRUE(drv.ok()) << drv.create_error();
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) { return f.prop("bedroom_ac", "target_temp") == 22.0; }))
        << host_.all_logs();
    {
        std::lock_guard lock(host_.mutex);
        EXPECT_EQ(host_.descriptors["bedroom_ac"]["type"], "climate");
        EXPECT_EQ(host_.prop("bedroom_ac", "mode"), "cool");
        EXPECT_EQ(host_.online("bedroom_ac"), true);
    }
    EXPECT_EQ(drv.command(1, "bedroom_ac", {{"command", "set"}, {"params", {{"target_temp", 24.5}, {"mode", "heat"}}}}),
              HEARTH_PENDING);
    EXPECT_EQ(wait_result(host_, 1), HEARTH_OK);
    EXPECT_TRUE(host_.wait_for([](const fake_host& f) {
        return f.prop("bedroom_ac", "target_temp") == 24.5 && f.prop("bedroom_ac", "mode") == "heat";
    }));
    const json st = sim.status()["device"];
    EXPECT_EQ(st["2.4"], 24.5);
    EXPECT_EQ(st["2.2"], 1);  // MIoT mode 1 = heat
    EXPECT_EQ(drv.command(2, "bedroom_ac", {{"command", "turn_off"}, {"params", json::object()}}), HEARTH_PENDING);
    EXPECT_EQ(wait_result(host_, 2), HEARTH_OK);
    EXPECT_TRUE(host_.wait_for([](const fake_host& f) { return f.prop("bedroom_ac", "on") == false; }));
    std::string error;
    EXPECT_EQ(drv.command(3, "bedroom_ac", {{"command", "set"}, {"params", {{"current_temp", 20}}}}, &error),
              HEARTH_ERR_INVALID);
}

TEST_F(MiioIntegration, MiotWasherRunsACycle) {
    simulator sim("washer");
    ASSERT_TRUE(sim.start());
    instance drv(miot_plugin(), host_, miot_config(sim.port(), "example.washer.v1", "washer"));
    ASSERT_TRUE(drv.ok()) << drv.create_error();
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) { return f.prop("washer", "operational_state") == "stopped"; }));
    EXPECT_EQ(drv.command(1, "washer", {{"command", "start"}, {"params", {{"program", "quick"}}}}), HEARTH_PENDING);
    EXPECT_EQ(wait_result(host_, 1), HEARTH_OK);
    EXPECT_TRUE(host_.wait_for([](const fake_host& f) { return f.prop("washer", "operational_state") == "running"; }));
    EXPECT_TRUE(host_.wait_for(
        [](const fake_host& f) {
            return std::any_of(f.events.begin(), f.events.end(),
                               [](const json& e) { return e["event_type"] == "cycle_finished"; });
        },
        15s))
        << host_.all_logs();
    std::lock_guard lock(host_.mutex);
    EXPECT_EQ(host_.prop("washer", "program"), "quick");
}

TEST_F(MiioIntegration, MiotFridgeAndDeviceErrors) {
    simulator sim("fridge");
    ASSERT_TRUE(sim.start());
    instance drv(miot_plugin(), host_, miot_config(sim.port(), "example.fridge.v1", "fridge"));
    ASSERT_TRUE(drv.ok()) << drv.create_error();
    ASSERT_TRUE(host_.wait_for([](const fake_host& f) { return !f.prop("fridge", "freezer_temp").is_null(); }));
    sim.fault("error_code");
    EXPECT_EQ(drv.command(1, "fridge", {{"command", "set"}, {"params", {{"eco_mode", true}}}}), HEARTH_PENDING);
    EXPECT_EQ(wait_result(host_, 1), HEARTH_ERR_DEVICE);
}

TEST_F(MiioIntegration, MiotUnknownModelIsRefused) {
    instance drv(miot_plugin(), host_, miot_config(1, "no.such.model", "x"));
    EXPECT_FALSE(drv.ok());
    EXPECT_NE(drv.create_error().find("no mapping file"), std::string::npos) << drv.create_error();
}

}  // namespace
