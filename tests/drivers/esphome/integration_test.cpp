// Integration tests of the esphome plugin: each test starts esphome_sim (plaintext, Noise or with
// an API password) on free loopback ports, dlopen()s the built plugin and drives it through its
// C ABI with a fake host (real time, bounded waits with deadlines). Covers the listing (one
// device per entity, ids from object_id, descriptors accepted by the core's validator), states,
// commands of every kind confirmed by the node's state, changes the node makes by itself, a
// wrong key / password / transport each ending in a precise error log and never online,
// reconnect after the node restarts, and malformed or missing replies (offline, then recovery).
// Canaries check that the key and password never appear in anything the driver hands the host.
#include "test_support.hpp"

#include <cstdlib>
#include <functional>
#include <iostream>

#ifndef HEARTH_DRIVER_PATH
#error "HEARTH_DRIVER_PATH must be the path of the built esphome plugin"
#endif

namespace {

using namespace esphome_test;

json config(std::uint16_t port, json extra = {}) {
    json c = {{"host", "127.0.0.1"},         {"port", port},
              {"timeout_ms", 1000},          {"ping_ms", 200},
              {"reconnect_min_ms", 50},      {"reconnect_max_ms", 200},
              {"offline_after_failures", 2}, {"command_timeout_ms", 3000}};
    if (extra.is_object()) c.update(extra);
    return c;
}

const hearth_plugin_v1_api* plugin() {
    static const auto* api = hearth::testing::load_plugin(HEARTH_DRIVER_PATH);
    return api;
}

class EsphomeIntegration : public ::testing::Test {
protected:
    void TearDown() override {
        const host_record r = host_.snapshot();
        EXPECT_FALSE(r.said(k_key)) << "encryption key leaked";
        EXPECT_FALSE(r.said(k_password)) << "password leaked";
        if (std::getenv("ESPHOME_TEST_VERBOSE") != nullptr) std::cout << r.all_logs();
        EXPECT_TRUE(r.violations.empty()) << r.violations.front();
    }
    bool wait(const std::function<bool(const host_record&)>& pred, std::chrono::milliseconds deadline = 10s) {
        return host_.wait_for(pred, deadline);
    }
    int wait_result(std::uint64_t id) {
        if (!wait([&](const host_record& r) { return r.results.contains(id); })) return 999;
        return host_.snapshot().results.at(id).status;
    }
    /// Sends a command; returns its final status (HEARTH_OK at once or after pending).
    int run(driver_instance& drv, const std::string& device, const std::string& name, const json& params) {
        const std::uint64_t id = ++next_id_;
        const int s = drv.command(id, device, name, params);
        if (s != HEARTH_PENDING) return s;
        return wait_result(id);
    }
    bool online(const std::string& id = "porch_relay") {
        return wait([&](const host_record& r) { return r.availability_of(id) == 1; });
    }
    bool offline(const std::string& id = "porch_relay") {
        return wait([&](const host_record& r) { return r.availability_of(id) == 0; });
    }
    fake_host host_{host_checks()};
    std::uint64_t next_id_ = 0;
};

/// The node's entities are listed, typed and reported; every command kind round-trips.
void check_node(EsphomeIntegration& t, fake_host& host, driver_instance& drv, simulator& sim,
                const std::function<int(const std::string&, const std::string&, const json&)>& run) {
    ASSERT_TRUE(
        host.wait_for([](const host_record& r) { return !r.prop("porch_front_door", "lock_state").is_null(); }, 10s))
        << host.snapshot().all_logs() << sim.log_text();
    (void)t;
    (void)drv;
    const host_record r = host.snapshot();
    const std::map<std::string, std::string> types = {
        {"porch_relay", "switch"},         {"porch_porch_light", "light"}, {"porch_temperature", "sensor"},
        {"porch_motion", "binary_sensor"}, {"porch_garage_door", "cover"}, {"porch_thermostat", "climate"},
        {"porch_front_door", "lock"},      {"porch_restart", "button"}};
    ASSERT_EQ(r.descriptors.size(), types.size());
    for (const auto& [id, type] : types) EXPECT_EQ(r.descriptors.at(id)["type"], type) << id;
    EXPECT_EQ(r.descriptors.at("porch_relay")["name"], "Simulated porch Relay");
    EXPECT_EQ(r.descriptors.at("porch_porch_light")["properties"]["color_temp_k"]["min"], 2000);
    EXPECT_EQ(r.descriptors.at("porch_porch_light")["properties"]["color_temp_k"]["max"], 6536);
    EXPECT_EQ(r.prop("porch_relay", "on"), false);
    EXPECT_EQ(r.prop("porch_temperature", "value"), 21.5);
    EXPECT_EQ(r.prop("porch_motion", "on"), false);
    EXPECT_EQ(r.prop("porch_garage_door", "position"), 0);
    EXPECT_EQ(r.prop("porch_garage_door", "state"), "closed");
    EXPECT_EQ(r.prop("porch_thermostat", "on"), false);
    EXPECT_EQ(r.prop("porch_thermostat", "current_temp"), 20.0);
    EXPECT_EQ(r.prop("porch_porch_light", "color_temp_k"), 2703);
    EXPECT_EQ(r.prop("porch_front_door", "lock_state"), "locked");

    EXPECT_EQ(run("porch_relay", "set", {{"on", true}}), HEARTH_OK);
    EXPECT_EQ(run("porch_porch_light", "set", {{"on", true}, {"brightness", 40}, {"color_temp_k", 3000}}), HEARTH_OK);
    EXPECT_EQ(run("porch_garage_door", "set", {{"position", 50}}), HEARTH_OK);
    EXPECT_EQ(run("porch_thermostat", "set", {{"mode", "heat"}, {"target_temp", 22.5}}), HEARTH_OK);
    EXPECT_EQ(run("porch_front_door", "unlock", json::object()), HEARTH_OK);
    EXPECT_EQ(run("porch_restart", "press", json::object()), HEARTH_OK);
    const json s = sim.status()["states"];
    EXPECT_EQ(s["relay"], true);
    EXPECT_EQ(s["porch_light"]["on"], true);
    EXPECT_NEAR(s["porch_light"]["brightness"].get<double>(), 0.4, 1e-6);
    EXPECT_NEAR(s["porch_light"]["mireds"].get<double>(), 333.33, 0.01);
    EXPECT_NEAR(s["garage_door"]["position"].get<double>(), 0.5, 1e-6);
    EXPECT_EQ(s["thermostat"]["mode"], 3);  // CLIMATE_MODE_HEAT
    EXPECT_EQ(s["thermostat"]["target"], 22.5);
    EXPECT_EQ(s["front_door"], 2);  // LOCK_STATE_UNLOCKED
    EXPECT_TRUE(
        host.wait_for([](const host_record& h) { return h.prop("porch_front_door", "lock_state") == "unlocked"; }, 5s));
    EXPECT_TRUE(host.wait_for([&](const host_record&) { return sim.status()["states"]["restart_presses"] == 1; }, 5s));
    const host_record after = host.snapshot();
    EXPECT_EQ(after.prop("porch_porch_light", "brightness"), 40);
    EXPECT_EQ(after.prop("porch_porch_light", "color_temp_k"), 3000);
    EXPECT_EQ(after.prop("porch_thermostat", "mode"), "heat");
    EXPECT_EQ(after.prop("porch_garage_door", "state"), "open");

    // The node changes by itself: pushed states arrive.
    ASSERT_TRUE(sim.control({{"set", {{"object_id", "temperature"}, {"value", 23.4}}}})["ok"].get<bool>());
    ASSERT_TRUE(sim.control({{"set", {{"object_id", "motion"}, {"on", true}}}})["ok"].get<bool>());
    EXPECT_TRUE(host.wait_for([](const host_record& h) { return h.prop("porch_temperature", "value") == 23.4; }, 5s));
    EXPECT_TRUE(host.wait_for([](const host_record& h) { return h.prop("porch_motion", "on") == true; }, 5s));
}

TEST_F(EsphomeIntegration, PlaintextNodeIsListedReportedAndCommanded) {
    ASSERT_NE(plugin(), nullptr);
    simulator sim;
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, plugin(), "porch");
    ASSERT_TRUE(drv.create_and_start(config(sim.port()))) << drv.error();
    ASSERT_TRUE(online()) << host_.snapshot().all_logs() << sim.log_text();
    check_node(*this, host_, drv, sim,
               [&](const std::string& d, const std::string& n, const json& p) { return run(drv, d, n, p); });
    // Sensors have no commands; unknown devices and commands are refused precisely.
    EXPECT_EQ(drv.command(++next_id_, "porch_temperature", "turn_on", json::object()), HEARTH_ERR_UNSUPPORTED);
    EXPECT_EQ(drv.command(++next_id_, "porch_nothing", "turn_on", json::object()), HEARTH_ERR_INVALID);
    // Pings keep one connection alive over several ping periods.
    const int pings_before = sim.status()["connects"].get<int>();
    EXPECT_FALSE(wait([](const host_record& r) { return r.availability_of("porch_relay") == 0; }, 1s));
    EXPECT_EQ(sim.status()["connects"].get<int>(), pings_before);
}

TEST_F(EsphomeIntegration, NoiseNodeIsListedReportedAndCommanded) {
    ASSERT_NE(plugin(), nullptr);
    simulator sim({"--key", k_key});
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, plugin(), "porch");
    ASSERT_TRUE(drv.create_and_start(config(sim.port(), {{"encryption_key", k_key}}))) << drv.error();
    ASSERT_TRUE(online()) << host_.snapshot().all_logs() << sim.log_text();
    check_node(*this, host_, drv, sim,
               [&](const std::string& d, const std::string& n, const json& p) { return run(drv, d, n, p); });
}

TEST_F(EsphomeIntegration, WrongKeyIsAnErrorAndNeverOnline) {
    simulator sim({"--key", k_key});
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, plugin(), "porch");
    ASSERT_TRUE(drv.create_and_start(config(sim.port(), {{"encryption_key", k_other_key}}))) << drv.error();
    ASSERT_TRUE(wait([](const host_record& r) { return r.logged("wrong encryption_key", HEARTH_LOG_ERROR); }))
        << host_.snapshot().all_logs();
    EXPECT_TRUE(host_.snapshot().logged("Handshake MAC failure", HEARTH_LOG_ERROR));
    EXPECT_TRUE(host_.snapshot().descriptors.empty());
    EXPECT_FALSE(host_.snapshot().said(k_other_key));
}

TEST_F(EsphomeIntegration, TransportMismatchesSayWhatToChange) {
    {
        simulator sim({"--key", k_key});
        ASSERT_TRUE(sim.start());
        driver_instance drv(host_, plugin(), "porch");
        ASSERT_TRUE(drv.create_and_start(config(sim.port()))) << drv.error();
        ASSERT_TRUE(wait([](const host_record& r) { return r.logged("requires encryption", HEARTH_LOG_ERROR); }))
            << host_.snapshot().all_logs();
    }
    simulator plain;
    ASSERT_TRUE(plain.start());
    driver_instance drv(host_, plugin(), "porch2");
    ASSERT_TRUE(drv.create_and_start(config(plain.port(), {{"encryption_key", k_key}}))) << drv.error();
    ASSERT_TRUE(wait([](const host_record& r) { return r.logged("use API encryption?", HEARTH_LOG_ERROR); }))
        << host_.snapshot().all_logs();
}

TEST_F(EsphomeIntegration, PasswordIsSentAndAWrongOneIsAnError) {
    simulator sim({"--password", k_password});
    ASSERT_TRUE(sim.start());
    {
        driver_instance drv(host_, plugin(), "porch");
        ASSERT_TRUE(drv.create_and_start(config(sim.port(), {{"password", k_password}}))) << drv.error();
        ASSERT_TRUE(online()) << host_.snapshot().all_logs() << sim.log_text();
        EXPECT_EQ(run(drv, "porch_relay", "turn_on", json::object()), HEARTH_OK);
    }
    driver_instance bad(host_, plugin(), "other");
    ASSERT_TRUE(bad.create_and_start(config(sim.port(), {{"password", "not-it"}}))) << bad.error();
    ASSERT_TRUE(wait([](const host_record& r) { return r.logged("refused the API password", HEARTH_LOG_ERROR); }))
        << host_.snapshot().all_logs();
    EXPECT_EQ(host_.snapshot().availability_of("other_relay"), -1);
}

TEST_F(EsphomeIntegration, ReconnectsAfterTheNodeRestartsAndIsOfflineMeanwhile) {
    simulator sim;
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, plugin(), "porch");
    ASSERT_TRUE(drv.create_and_start(config(sim.port()))) << drv.error();
    ASSERT_TRUE(online());
    sim.stop();
    ASSERT_TRUE(offline()) << host_.snapshot().all_logs();
    EXPECT_EQ(drv.command(++next_id_, "porch_relay", "turn_on", json::object()), HEARTH_ERR_OFFLINE);
    ASSERT_TRUE(sim.start());
    ASSERT_TRUE(online()) << host_.snapshot().all_logs() << sim.log_text();
    EXPECT_EQ(run(drv, "porch_relay", "turn_on", json::object()), HEARTH_OK);
    EXPECT_EQ(host_.snapshot().descriptors.size(), 8U);  // the same devices, not new ones
}

TEST_F(EsphomeIntegration, MalformedFramesAndSilenceEndTheConnectionNotTheDriver) {
    simulator sim;
    ASSERT_TRUE(sim.start());
    driver_instance drv(host_, plugin(), "porch");
    ASSERT_TRUE(drv.create_and_start(config(sim.port()))) << drv.error();
    ASSERT_TRUE(online());
    sim.fault("garbage");  // the next reply (a ping answer) is an unframeable frame
    ASSERT_TRUE(wait([](const host_record& r) { return r.logged("malformed varint"); })) << host_.snapshot().all_logs();
    sim.fault("drop");  // the node accepts connections but never answers
    ASSERT_TRUE(wait([](const host_record& r) { return r.logged("sent no reply within"); }))
        << host_.snapshot().all_logs();
    ASSERT_TRUE(offline()) << host_.snapshot().all_logs();
    sim.fault("none");
    ASSERT_TRUE(online()) << host_.snapshot().all_logs() << sim.log_text();
    EXPECT_EQ(run(drv, "porch_relay", "turn_on", json::object()), HEARTH_OK);
}

}  // namespace
