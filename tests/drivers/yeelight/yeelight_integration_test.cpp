// Integration tests of the yeelight driver: the built yeelight.so (dlopen) driven by
// hearth::testing's fake host in real time against yeelight_sim child processes on loopback. Every wait is a
// bounded poll on what the driver reported; nothing sleeps for a fixed time except where the
// test needs the simulator's own clock (the 5 s delay fault).
#include "core/device_model.hpp"
#include "core/driver_schema.hpp"
#include "sim_client.hpp"

#include <hearth/testing/driver_instance.hpp>
#include <hearth/testing/fake_host.hpp>
#include <hearth/testing/ports.hpp>
#include <hearth/testing/simulator.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <optional>

#ifndef HEARTH_DRIVER_PATH
#error "HEARTH_DRIVER_PATH must be defined to the path of the built yeelight plugin"
#endif
#ifndef HEARTH_SIMULATOR_PATH
#error "HEARTH_SIMULATOR_PATH must be defined to the path of the built yeelight_sim"
#endif

namespace yeelight_test {
namespace {

using hearth::testing::driver_instance;
using hearth::testing::fake_host;
using hearth::testing::host_record;
using hearth::testing::simulator;
using yeelight_test::raw_bulb;
using json = nlohmann::json;

using namespace std::chrono_literals;

const hearth_plugin_v1_api* plugin() {
    static const hearth_plugin_v1_api* api = hearth::testing::load_plugin(HEARTH_DRIVER_PATH);
    return api;
}

json light(const std::string& id, int port) {
    return {{"id", id}, {"name", "Light " + id}, {"host", "127.0.0.1"}, {"port", port}};
}

json config_for(const json& lights) {
    return {{"lights", lights},
            {"timeout_ms", 1000},
            {"reconnect_ms", 100},
            {"offline_after_failures", 3},
            {"duration_ms", 30}};
}

class YeelightDriver : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_NE(plugin(), nullptr) << dlerror_text();
        port_ = hearth::testing::free_tcp_port();
        sim_ = std::make_unique<simulator>(
            HEARTH_SIMULATOR_PATH, port_,
            std::vector<std::string>{"--power", "off", "--bright", "50", "--ct", "3000", "--drop-ms", "2500"});
        ASSERT_TRUE(sim_->start(5s)) << "yeelight_sim did not start listening on port " << port_;
    }
    void TearDown() override {
        driver_.reset();  // before the host it reports to
        EXPECT_LT(host_.longest_call(), 200ms) << "a driver entry blocked the instance thread";
    }
    static std::string dlerror_text() { return "cannot load " HEARTH_DRIVER_PATH; }

    /// Creates and starts the driver for `lights`, then waits for `device` to be online.
    void start(const json& lights, const std::string& device = "desk") {
        driver_ = std::make_unique<driver_instance>(host_, plugin(), "yeelight_test");
        ASSERT_TRUE(driver_->create(config_for(lights))) << driver_->error();
        ASSERT_EQ(driver_->start(), HEARTH_OK) << driver_->error();
        ASSERT_TRUE(wait([&](const host_record& r) { return r.availability_of(device) == 1; }, 5s)) << "never online";
    }
    bool wait(const std::function<bool(const host_record&)>& pred, std::chrono::milliseconds t = 5s) {
        return host_.wait_for(pred, t);
    }
    bool state_is(const std::string& device, const json& expected, std::chrono::milliseconds t = 5s) {
        return wait(
            [&](const host_record& r) {
                const auto it = r.state.find(device);
                if (it == r.state.end()) return false;
                for (const auto& [k, v] : expected.items())
                    if (!it->second.contains(k) || it->second[k] != v) return false;
                return true;
            },
            t);
    }
    /// Sends a command that must go pending, and returns its final result (status -100 on timeout).
    host_record::result run(const std::string& device, const std::string& name, const json& params = json::object(),
                            std::chrono::milliseconds t = 5s) {
        const std::uint64_t id = next_id_++;
        const int rc = driver_->command(id, device, name, params);
        if (rc != HEARTH_PENDING) return {rc, driver_->error()};
        if (!wait([&](const host_record& r) { return r.results.count(id) != 0; }, t)) return {-100, "no result"};
        return host_.snapshot().results.at(id);
    }
    std::string state_text(const std::string& device) { return host_.snapshot().state[device].dump(); }

    /// Checks the descriptor and every state reported so far with the core's own validator.
    void expect_core_accepts(const std::string& device) {
        const auto r = host_.snapshot();
        const auto parsed = hearth::parse_descriptor(r.descriptors.at(device));
        ASSERT_TRUE(parsed.has_value()) << (parsed.error().empty() ? ""
                                                                   : parsed.error().front().pointer + ": " +
                                                                         parsed.error().front().reason);
        const auto& props = parsed->properties;
        ASSERT_TRUE(r.state_reports.count(device));
        for (const auto& report : r.state_reports.at(device))
            for (const auto& [name, value] : report.items()) {
                ASSERT_EQ(props.count(name), 1U) << name;
                const auto why = hearth::check_value(props.at(name), value, false);
                EXPECT_FALSE(why.has_value()) << name << "=" << value.dump() << ": " << why.value_or("");
            }
    }

    std::uint16_t port_ = 0;
    std::unique_ptr<simulator> sim_;
    fake_host host_;
    std::unique_ptr<driver_instance> driver_;
    std::uint64_t next_id_ = 1;
};

TEST_F(YeelightDriver, RegistersOnlineWithTheBulbsRealState) {
    start(json::array({light("desk", port_)}));
    EXPECT_TRUE(state_is("desk", {{"on", false}, {"brightness", 50}, {"color_temp_k", 3000}})) << state_text("desk");
    const auto r = host_.snapshot();
    EXPECT_EQ(r.ready, 1);
    ASSERT_EQ(r.descriptors.count("desk"), 1u);
    const json& d = r.descriptors.at("desk");
    EXPECT_EQ(d["type"], "light");
    EXPECT_EQ(d["name"], "Light desk");
    EXPECT_EQ(d["properties"]["on"]["writable"], true);
    EXPECT_EQ(d["properties"]["brightness"]["max"], 100);
    EXPECT_EQ(d["properties"]["color_temp_k"]["min"], 1700);
    for (const char* c : {"turn_on", "turn_off", "toggle"}) EXPECT_TRUE(d["commands"].contains(c)) << c;
    EXPECT_EQ(r.availability.at("desk"), std::vector<bool>{true});
    expect_core_accepts("desk");
}

TEST_F(YeelightDriver, CommandsCompleteAndStateFollowsTheBulb) {
    start(json::array({light("desk", port_)}));
    ASSERT_TRUE(state_is("desk", {{"on", false}}));

    auto res = run("desk", "turn_on");
    EXPECT_EQ(res.status, HEARTH_OK) << res.message;
    EXPECT_TRUE(state_is("desk", {{"on", true}})) << state_text("desk");

    res = run("desk", "set", {{"brightness", 20}});
    EXPECT_EQ(res.status, HEARTH_OK) << res.message;
    EXPECT_TRUE(state_is("desk", {{"brightness", 20}})) << state_text("desk");

    res = run("desk", "set", {{"color_temp_k", 9000}});  // clamped to the bulb's 6500 K
    EXPECT_EQ(res.status, HEARTH_OK) << res.message;
    EXPECT_TRUE(state_is("desk", {{"color_temp_k", 6500}})) << state_text("desk");

    res = run("desk", "turn_off");
    EXPECT_EQ(res.status, HEARTH_OK) << res.message;
    EXPECT_TRUE(state_is("desk", {{"on", false}})) << state_text("desk");

    // Several properties: several pipelined requests, one completion.
    res = run("desk", "set", {{"on", true}, {"brightness", 80}, {"color_temp_k", 2700}});
    EXPECT_EQ(res.status, HEARTH_OK) << res.message;
    EXPECT_TRUE(state_is("desk", {{"on", true}, {"brightness", 80}, {"color_temp_k", 2700}})) << state_text("desk");

    res = run("desk", "set", {{"brightness", 0}});  // 0 % means off
    EXPECT_EQ(res.status, HEARTH_OK) << res.message;
    EXPECT_TRUE(state_is("desk", {{"on", false}, {"brightness", 80}})) << state_text("desk");

    res = run("desk", "toggle");
    EXPECT_EQ(res.status, HEARTH_OK) << res.message;
    EXPECT_TRUE(state_is("desk", {{"on", true}})) << state_text("desk");

    res = run("desk", "turn_on", {{"brightness", 35}, {"color_temp_k", 5000}});
    EXPECT_EQ(res.status, HEARTH_OK) << res.message;
    EXPECT_TRUE(state_is("desk", {{"on", true}, {"brightness", 35}, {"color_temp_k", 5000}})) << state_text("desk");

    expect_core_accepts("desk");
    EXPECT_EQ(run("desk", "dance").status, HEARTH_ERR_UNSUPPORTED);
    EXPECT_EQ(run("nope", "turn_on").status, HEARTH_ERR_INVALID);
}

TEST_F(YeelightDriver, UnsolicitedChangeFromAnotherClientUpdatesState) {
    start(json::array({light("desk", port_)}));
    ASSERT_TRUE(state_is("desk", {{"on", false}, {"brightness", 50}}));
    const std::size_t reports = host_.snapshot().state_reports["desk"].size();
    // Another app changes the bulb: only the bulb's props notification can tell the driver.
    ASSERT_EQ(sim_request(port_, "set_power", {"on", "sudden", 0}).value("result", json()), json::array({"ok"}));
    ASSERT_EQ(sim_request(port_, "set_bright", {7, "sudden", 0}).value("result", json()), json::array({"ok"}));
    EXPECT_TRUE(state_is("desk", {{"on", true}, {"brightness", 7}})) << state_text("desk");
    EXPECT_GT(host_.snapshot().state_reports["desk"].size(), reports);
}

TEST_F(YeelightDriver, DropGoesOfflineAfterFailuresAndRecovers) {
    start(json::array({light("desk", port_)}));
    ASSERT_EQ(sim_request(port_, "sim_fault", {"drop"}).value("result", json()), json::array({"ok"}));
    ASSERT_TRUE(wait([](const host_record& r) { return r.availability_of("desk") == 0; }, 5s)) << "never offline";
    EXPECT_TRUE(host_.snapshot().logged("(failure 3)"));
    EXPECT_EQ(run("desk", "turn_on").status, HEARTH_ERR_OFFLINE);
    // The simulator listens again after 2.5 s; the driver's backoff finds it.
    ASSERT_TRUE(wait([](const host_record& r) { return r.availability_of("desk") == 1; }, 15s)) << "never back online";
    EXPECT_EQ(host_.snapshot().availability.at("desk"), (std::vector<bool>{true, false, true}));
    const auto res = run("desk", "turn_on");
    EXPECT_EQ(res.status, HEARTH_OK) << res.message;
    EXPECT_TRUE(state_is("desk", {{"on", true}}));
}

TEST_F(YeelightDriver, BulbErrorFailsTheCommandWithItsMessage) {
    start(json::array({light("desk", port_)}));
    ASSERT_EQ(sim_request(port_, "sim_fault", {"error"}).value("result", json()), json::array({"ok"}));
    auto res = run("desk", "set", {{"on", true}, {"brightness", 10}});
    EXPECT_EQ(res.status, HEARTH_ERR_DEVICE);
    EXPECT_NE(res.message.find("sim fault: general error"), std::string::npos) << res.message;
    EXPECT_TRUE(state_is("desk", {{"on", false}, {"brightness", 50}}));  // nothing optimistic
    EXPECT_EQ(host_.snapshot().availability_of("desk"), 1);              // an error is an answer

    ASSERT_EQ(sim_request(port_, "sim_fault", {"none"}).value("result", json()), json::array({"ok"}));
    res = run("desk", "turn_on");
    EXPECT_EQ(res.status, HEARTH_OK) << res.message;
}

TEST_F(YeelightDriver, GarbageLinesAreCountedAndIgnored) {
    start(json::array({light("desk", port_)}));
    ASSERT_EQ(sim_request(port_, "sim_fault", {"garbage"}).value("result", json()), json::array({"ok"}));
    ASSERT_TRUE(wait([](const host_record& r) { return r.logged("ignored an invalid line"); }, 5s));
    auto res = run("desk", "turn_on");  // the reply arrives behind more garbage
    EXPECT_EQ(res.status, HEARTH_OK) << res.message;
    EXPECT_TRUE(state_is("desk", {{"on", true}}));
    EXPECT_TRUE(host_.snapshot().logged("so far"));
    EXPECT_EQ(host_.snapshot().availability.at("desk"), std::vector<bool>{true});
}

TEST_F(YeelightDriver, LateReplyTimesOutAndIsIgnoredWhenItArrives) {
    start(json::array({light("desk", port_)}));
    ASSERT_EQ(sim_request(port_, "sim_fault", {"delay"}).value("result", json()), json::array({"ok"}));
    auto res = run("desk", "turn_on");
    EXPECT_EQ(res.status, HEARTH_ERR_TIMEOUT) << res.message;
    ASSERT_EQ(sim_request(port_, "sim_fault", {"none"}).value("result", json()), json::array({"ok"}));
    // ~5 s later the simulator answers the old id (stale, ignored) and sends props (applied).
    EXPECT_TRUE(wait([](const host_record& r) { return r.logged("stale id"); }, 8s));
    EXPECT_TRUE(state_is("desk", {{"on", true}}));
    res = run("desk", "turn_off");
    EXPECT_EQ(res.status, HEARTH_OK) << res.message;
}

TEST_F(YeelightDriver, OneInstanceDrivesSeveralBulbs) {
    const std::uint16_t port2 = hearth::testing::free_tcp_port();
    simulator second(HEARTH_SIMULATOR_PATH, port2, {"--power", "on", "--bright", "90", "--ct", "6000"});
    ASSERT_TRUE(second.start(5s)) << "the second yeelight_sim did not start";
    start(json::array({light("desk", port_), light("hall", port2)}));
    ASSERT_TRUE(wait([](const host_record& r) { return r.availability_of("hall") == 1; }));
    EXPECT_TRUE(state_is("hall", {{"on", true}, {"brightness", 90}, {"color_temp_k", 6000}})) << state_text("hall");
    EXPECT_EQ(run("hall", "turn_off").status, HEARTH_OK);
    EXPECT_TRUE(state_is("hall", {{"on", false}}));
    EXPECT_TRUE(state_is("desk", {{"on", false}, {"brightness", 50}}));  // untouched
    second.stop();
    ASSERT_TRUE(wait([](const host_record& r) { return r.availability_of("hall") == 0; }, 5s));
    EXPECT_EQ(host_.snapshot().availability_of("desk"), 1);
}

TEST_F(YeelightDriver, UnreachableBulbIsOfflineAfterFailures) {
    sim_->stop();
    driver_ = std::make_unique<driver_instance>(host_, plugin(), "yeelight_test");
    ASSERT_TRUE(driver_->create(config_for(json::array({light("desk", port_)})))) << driver_->error();
    ASSERT_EQ(driver_->start(), HEARTH_OK);
    ASSERT_TRUE(wait([](const host_record& r) { return r.availability_of("desk") == 0; }, 5s));
    EXPECT_EQ(host_.snapshot().availability.at("desk"), std::vector<bool>{false});
    EXPECT_EQ(run("desk", "turn_on").status, HEARTH_ERR_OFFLINE);
}

// ---- Framing: the driver's lines over kit::line_connection, against exact bytes ---------------

/// Runs the driver against a raw_bulb following `script` (one entry per connection).
class YeelightFraming : public ::testing::Test {
protected:
    void start(std::vector<raw_bulb::connection> script) {
        bulb_ = std::make_unique<raw_bulb>(std::move(script));
        ASSERT_NE(bulb_->port(), 0);
        driver_ = std::make_unique<driver_instance>(host_, plugin(), "yeelight_test");
        ASSERT_TRUE(driver_->create(config_for(json::array({light("desk", bulb_->port())})))) << driver_->error();
        ASSERT_EQ(driver_->start(), HEARTH_OK) << driver_->error();
    }
    bool state_is(const json& expected) {
        return host_.wait_for(
            [&](const host_record& r) {
                const auto it = r.state.find("desk");
                if (it == r.state.end()) return false;
                for (const auto& [k, v] : expected.items())
                    if (!it->second.contains(k) || it->second[k] != v) return false;
                return r.availability_of("desk") == 1;
            },
            5s);
    }
    void TearDown() override {
        driver_.reset();
        bulb_.reset();
    }

    fake_host host_;
    std::unique_ptr<raw_bulb> bulb_;
    std::unique_ptr<driver_instance> driver_;
};

TEST_F(YeelightFraming, SplitsCrLfLinesAcrossChunks) {
    start({{{R"({"id":{id},)", R"("result":["on","42",)",
             R"("4000"]})"
             "\r",
             "\n"}}});
    EXPECT_TRUE(state_is({{"on", true}, {"brightness", 42}, {"color_temp_k", 4000}})) << host_.snapshot().all_logs();
}

TEST_F(YeelightFraming, AcceptsBareLfAndSkipsEmptyLines) {
    start({{{"\n\r\n",
             R"({"id":{id},"result":["off","7","2700"]})"
             "\n",
             R"({"method":"props","params":{"bright":"9"}})"
             "\n"}}});
    EXPECT_TRUE(state_is({{"on", false}, {"brightness", 9}, {"color_temp_k", 2700}})) << host_.snapshot().all_logs();
    EXPECT_FALSE(host_.snapshot().logged("invalid line")) << host_.snapshot().all_logs();
}

TEST_F(YeelightFraming, OverlongLineClosesTheConnectionAndTheDriverRecovers) {
    const std::string overlong(17 * 1024, 'x');  // longer than the protocol's 16 KiB lines
    start({{{overlong}, false},
           {{R"({"id":{id},"result":["on","60","3500"]})"
             "\r\n"}}});
    EXPECT_TRUE(state_is({{"on", true}, {"brightness", 60}})) << host_.snapshot().all_logs();
    EXPECT_TRUE(host_.snapshot().logged("exceeds")) << host_.snapshot().all_logs();
    EXPECT_EQ(host_.snapshot().availability.at("desk"), std::vector<bool>{true});
}

TEST_F(YeelightFraming, PartialLineOfALostConnectionIsDropped) {
    start({{{R"({"id":{id},"result":["on",)"}, true},
           {{R"({"id":{id},"result":["off","11","2000"]})"
             "\r\n"}}});
    EXPECT_TRUE(state_is({{"on", false}, {"brightness", 11}, {"color_temp_k", 2000}})) << host_.snapshot().all_logs();
    EXPECT_FALSE(host_.snapshot().logged("invalid line")) << host_.snapshot().all_logs();
}

TEST(YeelightDriverConfig, RefusesUnknownKeysAndRepeatedIdsNamingThem) {
    ASSERT_NE(plugin(), nullptr);
    ASSERT_NE(plugin()->config_schema, nullptr);  // what hearthd checks before create()
    const auto problems = [](const json& cfg) {
        std::string all;
        for (const auto& e : hearth::check_driver_config(plugin()->config_schema, cfg)) all += e.to_string() + "\n";
        return all;
    };
    const json efect = {{"lights", {{{"id", "desk"}, {"host", "127.0.0.1"}}}}, {"efect", "smooth"}};
    EXPECT_NE(problems(efect).find("/efect: unknown key 'efect'"), std::string::npos) << problems(efect);
    const json port = {{"lights", {{{"id", "desk"}, {"host", "127.0.0.1"}, {"port", "55443"}}}}};
    EXPECT_NE(problems(port).find("/lights/0/port: expected integer"), std::string::npos) << problems(port);

    // Unique ids are the one rule the schema cannot state: the driver refuses them itself.
    const json twice = {{"lights", {{{"id", "desk"}, {"host", "127.0.0.1"}}, {{"id", "desk"}, {"host", "127.0.0.2"}}}}};
    EXPECT_EQ(problems(twice), "");
    fake_host host;
    driver_instance d(host, plugin(), "yeelight_test");
    EXPECT_FALSE(d.create(twice));
    EXPECT_NE(d.error().find("\"lights[1].id\" repeats"), std::string::npos) << d.error();
}

}  // namespace
}  // namespace yeelight_test
