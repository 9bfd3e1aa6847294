// Integration tests of the nuki driver plugin (HEARTH_DRIVER_PATH, dlopen()ed) against a real
// nuki_bridge_sim child process (HEARTH_SIMULATOR_PATH), through hearth::testing's fake host in
// real time. Every wait is a
// poll with a deadline. Covered: discovery, lock/unlock through pending + command_result via
// callbacks and via polling (never optimistic), wrong token, jam, low battery, availability
// hysteresis and recovery, callbacks without polling, a callback-port flood beside a lock
// command, slow bridge, hashed token, callback cleanup at stop, the watchdog budget, and a
// canary: the token never appears in any log line, descriptor, state, event or error text.
#include "core/json_schema.hpp"

#include <hearth/kit/http_client.hpp>

#include <hearth/testing/driver_instance.hpp>
#include <hearth/testing/fake_host.hpp>
#include <hearth/testing/ports.hpp>
#include <hearth/testing/simulator.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#ifndef HEARTH_DRIVER_PATH
#error "HEARTH_DRIVER_PATH must be defined to the path of the built nuki plugin"
#endif
#ifndef HEARTH_SIMULATOR_PATH
#error "HEARTH_SIMULATOR_PATH must be defined to the path of the built nuki_bridge_sim"
#endif

namespace nuki_test {
namespace {

using hearth::testing::driver_instance;
using hearth::testing::fake_host;
using hearth::testing::host_record;
using json = nlohmann::json;

using namespace std::chrono_literals;

const std::string k_token = "CanaryTok3n7431";
const std::string k_lock = "nuki_20000001";

/// A bounded GET on the simulator at 127.0.0.1:`port` (e.g. "/sim/fault?set=jam"); the JSON body
/// (null on failure).
json sim_control(int port, const std::string& target) {
    boost::asio::io_context io;
    hearth::kit::http_client client(io,
                                    {.host = "127.0.0.1", .port = static_cast<std::uint16_t>(port), .timeout = 2000ms});
    json out;
    client.get_json(target, [&out](hearth::kit::result<json> r) {
        if (r) out = *r;
    });
    io.run_for(3s);
    return out;
}

class NukiDriver : public ::testing::Test {
protected:
    void SetUp() override {
        std::string why;
        plugin_ = hearth::testing::load_plugin(HEARTH_DRIVER_PATH, &why);
        ASSERT_NE(plugin_, nullptr) << why;
        port_ = hearth::testing::free_tcp_port();
    }

    void TearDown() override {
        if (driver_) driver_->stop_and_destroy();
        // The canary: the token must never reach the host in any form.
        const host_record r = host_.snapshot();
        EXPECT_FALSE(r.said(k_token)) << "token leaked to the host";
        EXPECT_LT(host_.longest_call(), 4000ms) << "a driver call came close to the 5 s watchdog";
        host_.shutdown();
        if (HasFailure() || std::getenv("NUKI_TEST_VERBOSE") != nullptr)
            for (const auto& line : r.timeline) std::cerr << "  | " << line << "\n";
        if (HasFailure() && sim_) {
            sim_->keep_log();
            std::cerr << "simulator log: " << sim_->log_path().string() << "\n";
        }
    }

    void start_sim(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"--token", k_token};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back("--quiet");
        sim_ = std::make_unique<hearth::testing::simulator>(HEARTH_SIMULATOR_PATH, port_, args);
        ASSERT_TRUE(sim_->start(5s)) << "nuki_bridge_sim did not start listening on port " << port_;
    }
    /// The simulator's /sim/state.
    [[nodiscard]] json sim_state() const { return sim_control(port_, "/sim/state"); }

    json config(json extra = json::object()) {
        json c = {{"host", "127.0.0.1"},
                  {"port", port_},
                  {"token", k_token},
                  {"timeout_ms", 1000},
                  {"poll_interval_ms", 60000}};
        for (const auto& [k, v] : extra.items()) c[k] = v;
        return c;
    }

    /// Creates and starts the driver; expects success and the lock registered.
    void start_driver(const json& cfg) {
        driver_ = std::make_unique<driver_instance>(host_, plugin_, "nuki_test");
        ASSERT_TRUE(driver_->create(cfg)) << driver_->error();
        ASSERT_EQ(driver_->start(), HEARTH_OK) << driver_->error();
        ASSERT_TRUE(
            host_.wait_for([](const host_record& r) { return r.ready == 1 && r.online.count(k_lock) != 0; }, 5s));
    }

    bool wait_result(std::uint64_t id, std::chrono::milliseconds timeout = 10s) {
        return host_.wait_for([id](const host_record& r) { return r.results.count(id) != 0; }, timeout);
    }
    bool wait_callbacks_registered(std::size_t n) {
        const auto until = std::chrono::steady_clock::now() + 5s;
        while (std::chrono::steady_clock::now() < until) {
            if (sim_state().value("callbacks", 0U) == n) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }
    std::vector<std::string> history(const std::string& id = k_lock) { return host_.snapshot().lock_states[id]; }

    fake_host host_;
    const hearth_plugin_v1_api* plugin_ = nullptr;
    std::uint16_t port_ = 0;
    std::unique_ptr<hearth::testing::simulator> sim_;
    std::unique_ptr<driver_instance> driver_;
};

TEST_F(NukiDriver, RegistersEveryLockWithStateAndAvailability) {
    start_sim({"--locks", "2"});
    start_driver(config());
    const host_record r = host_.snapshot();
    ASSERT_EQ(r.descriptors.size(), 2U);
    const json& d = r.descriptors.at(k_lock);
    EXPECT_EQ(d["type"], "lock");
    EXPECT_EQ(d["name"], "Front door");
    EXPECT_EQ(d["manufacturer"], "Nuki");
    EXPECT_TRUE(d["commands"].contains("lock"));
    EXPECT_TRUE(d["commands"].contains("unlatch"));
    EXPECT_EQ(r.state.at(k_lock)["lock_state"], "locked");
    EXPECT_EQ(r.state.at(k_lock)["door_state"], "closed");
    EXPECT_EQ(r.state.at(k_lock)["battery"], 84);
    EXPECT_EQ(r.state.at(k_lock)["battery_critical"], false);
    EXPECT_TRUE(r.online.at(k_lock));
    EXPECT_TRUE(r.online.at("nuki_20000002"));
    EXPECT_EQ(r.ready, 1);
}

TEST_F(NukiDriver, UnlockAndLockCompleteThroughCallbacksNeverOptimistically) {
    start_sim();
    start_driver(config({{"callback_port", hearth::testing::free_tcp_port()}}));
    ASSERT_TRUE(wait_callbacks_registered(1));

    ASSERT_EQ(driver_->command(1, k_lock, "unlock"), HEARTH_PENDING) << driver_->error();
    EXPECT_NE(host_.snapshot().state.at(k_lock)["lock_state"], "unlocked");  // not optimistic
    ASSERT_TRUE(wait_result(1));
    host_record r = host_.snapshot();
    EXPECT_EQ(r.results.at(1).status, HEARTH_OK) << r.results.at(1).message;
    EXPECT_EQ(r.results.at(1).lock_state_then, "unlocked");  // completed only once reported
    EXPECT_EQ(history(), (std::vector<std::string>{"locked", "unlocking", "unlocked"}));

    ASSERT_EQ(driver_->command(2, k_lock, "lock"), HEARTH_PENDING);
    ASSERT_TRUE(wait_result(2));
    r = host_.snapshot();
    EXPECT_EQ(r.results.at(2).status, HEARTH_OK);
    EXPECT_EQ(history(), (std::vector<std::string>{"locked", "unlocking", "unlocked", "locking", "locked"}));
    for (const auto& [id, e] : r.events) EXPECT_NE(e["event_type"], "lock_operation") << "the core reports remote ops";
    EXPECT_EQ(sim_state()["requests"].value("/lockState", 0), 0) << "callbacks made polling unnecessary";
}

TEST_F(NukiDriver, UnlockCompletesByPollingWhenCallbacksAreOff) {
    start_sim();
    start_driver(config());
    ASSERT_EQ(driver_->command(5, k_lock, "unlock"), HEARTH_PENDING);
    ASSERT_TRUE(wait_result(5));
    const host_record r = host_.snapshot();
    EXPECT_EQ(r.results.at(5).status, HEARTH_OK) << r.results.at(5).message;
    EXPECT_EQ(r.results.at(5).lock_state_then, "unlocked");
    EXPECT_EQ(history().back(), "unlocked");
}

TEST_F(NukiDriver, UnlatchCompletes) {
    start_sim();
    start_driver(config({{"callback_port", hearth::testing::free_tcp_port()}}));
    ASSERT_TRUE(wait_callbacks_registered(1));
    ASSERT_EQ(driver_->command(6, k_lock, "unlatch"), HEARTH_PENDING);
    ASSERT_TRUE(wait_result(6));
    EXPECT_EQ(host_.snapshot().results.at(6).status, HEARTH_OK);
    EXPECT_EQ(history(), (std::vector<std::string>{"locked", "unlocking", "unlatched"}));
}

TEST_F(NukiDriver, WrongTokenFailsStartClearlyWithoutTheToken) {
    start_sim();
    const std::string wrong = "WrongTok3n9999";
    driver_ = std::make_unique<driver_instance>(host_, plugin_, "nuki_test");
    ASSERT_TRUE(driver_->create(config({{"token", wrong}})));
    EXPECT_NE(driver_->start(), HEARTH_OK);
    EXPECT_NE(driver_->error().find("token"), std::string::npos) << driver_->error();
    EXPECT_NE(driver_->error().find("401"), std::string::npos) << driver_->error();
    EXPECT_EQ(driver_->error().find(wrong), std::string::npos);
    EXPECT_EQ(driver_->error().find(k_token), std::string::npos);
    for (const auto& line : host_.snapshot().logs) EXPECT_EQ(line.find(wrong), std::string::npos) << line;
    EXPECT_TRUE(host_.snapshot().descriptors.empty());
}

TEST_F(NukiDriver, InvalidConfigFailsCreateNamingTheKey) {
    // The host checks the config against the plugin's schema before create (ABI v1.2) ...
    ASSERT_NE(plugin_->config_schema, nullptr);
    const auto problems =
        hearth::validate_json_schema(json::parse(plugin_->config_schema), config({{"pollinterval", 5}}));
    ASSERT_EQ(problems.size(), 1U);
    EXPECT_EQ(problems[0].pointer, "/pollinterval");
    EXPECT_TRUE(hearth::validate_json_schema(json::parse(plugin_->config_schema), config()).empty());
    // ... and create refuses what the schema cannot express, naming the key.
    driver_ = std::make_unique<driver_instance>(host_, plugin_, "nuki_test");
    EXPECT_FALSE(driver_->create(config({{"callback_host", "my-laptop"}})));
    EXPECT_NE(driver_->error().find("callback_host"), std::string::npos) << driver_->error();
}

TEST_F(NukiDriver, JamReportsJammedRaisesAlarmAndFailsTheCommand) {
    start_sim();
    start_driver(config({{"callback_port", hearth::testing::free_tcp_port()}}));
    ASSERT_TRUE(wait_callbacks_registered(1));
    ASSERT_EQ(sim_control(port_, "/sim/fault?set=jam")["fault"], "jam");
    ASSERT_EQ(driver_->command(3, k_lock, "unlock"), HEARTH_PENDING);
    ASSERT_TRUE(wait_result(3));
    const host_record r = host_.snapshot();
    EXPECT_EQ(r.results.at(3).status, HEARTH_ERR_DEVICE);
    EXPECT_NE(r.results.at(3).message.find("jammed"), std::string::npos) << r.results.at(3).message;
    EXPECT_EQ(r.state.at(k_lock)["lock_state"], "jammed");
    const auto h = history();
    EXPECT_EQ(std::count(h.begin(), h.end(), "unlocked"), 0) << "never reported the target";
    const auto alarm = std::find_if(r.events.begin(), r.events.end(), [](const auto& e) {
        return e.second["event_type"] == "lock_alarm" && e.second["alarm"] == "jammed";
    });
    EXPECT_NE(alarm, r.events.end());
}

TEST_F(NukiDriver, LowBatteryIsReported) {
    start_sim({"--fault", "low_battery"});
    start_driver(config());
    const json s = host_.snapshot().state.at(k_lock);
    EXPECT_EQ(s["battery_critical"], true);
    EXPECT_EQ(s["battery"], 12);
}

TEST_F(NukiDriver, OfflineOnlyAfterNFailuresThenBackOnlineAfterRestart) {
    start_sim();
    start_driver(config({{"poll_interval_ms", 200}, {"offline_after_failures", 3}, {"timeout_ms", 500}}));
    sim_->stop();
    ASSERT_TRUE(host_.wait_for([](const host_record& r) { return !r.online.at(k_lock); }, 15s));
    const auto timeline = host_.snapshot().timeline;
    const auto first_failure = std::find_if(timeline.begin(), timeline.end(), [](const std::string& l) {
        return l.find("request failed") != std::string::npos;
    });
    const auto offline = std::find(timeline.begin(), timeline.end(), "online " + k_lock + " 0");
    ASSERT_NE(first_failure, timeline.end());
    EXPECT_LT(first_failure, offline) << "still online after the first failure (hysteresis)";
    EXPECT_NE(host_.snapshot().logs.end(),
              std::find_if(host_.snapshot().logs.begin(), host_.snapshot().logs.end(), [](const std::string& l) {
                  return l.find("after 3 failed requests") != std::string::npos;
              }));
    EXPECT_EQ(driver_->command(4, k_lock, "unlock"), HEARTH_ERR_OFFLINE);

    sim_->stop();
    ASSERT_TRUE(sim_->start(5s)) << "nuki_bridge_sim did not restart";
    ASSERT_TRUE(host_.wait_for([](const host_record& r) { return r.online.at(k_lock); }, 10s));
    ASSERT_EQ(driver_->command(7, k_lock, "unlock"), HEARTH_PENDING) << driver_->error();
    ASSERT_TRUE(wait_result(7));
    EXPECT_EQ(host_.snapshot().results.at(7).status, HEARTH_OK);
}

TEST_F(NukiDriver, CallbacksUpdateStateWithoutPolling) {
    start_sim();
    start_driver(config({{"callback_port", hearth::testing::free_tcp_port()}, {"poll_interval_ms", 3600000}}));
    ASSERT_TRUE(wait_callbacks_registered(1));
    const int lists_before = sim_state()["requests"].value("/list", 0);

    sim_control(port_, "/sim/door?state=open");
    ASSERT_TRUE(host_.wait_for([](const host_record& r) { return r.state.at(k_lock)["door_state"] == "open"; }, 5s));
    sim_control(port_, "/sim/manual?action=unlock");  // someone at the keypad
    auto has_operation = [](const host_record& r) {
        return std::any_of(r.events.begin(), r.events.end(),
                           [](const auto& e) { return e.second["event_type"] == "lock_operation"; });
    };
    ASSERT_TRUE(host_.wait_for(has_operation, 5s));
    const host_record r = host_.snapshot();
    EXPECT_EQ(r.state.at(k_lock)["lock_state"], "unlocked");
    const auto op = std::find_if(r.events.begin(), r.events.end(),
                                 [](const auto& e) { return e.second["event_type"] == "lock_operation"; });
    ASSERT_NE(op, r.events.end());
    EXPECT_EQ(op->second["operation"], "unlock");
    EXPECT_EQ(op->second["source"], "device");
    const json requests = sim_state()["requests"];
    EXPECT_EQ(requests.value("/list", 0), lists_before);
    EXPECT_EQ(requests.value("/lockState", 0), 0);
}

TEST_F(NukiDriver, CallbackPortFloodDoesNotHoldUpLockCommands) {
    // The callback server shares the driver's io thread with the lock commands: a LAN peer
    // holding its connections open must not delay them.
    start_sim();
    const std::uint16_t callback_port = hearth::testing::free_tcp_port();
    start_driver(config({{"callback_port", callback_port}}));
    ASSERT_TRUE(wait_callbacks_registered(1));
    std::vector<int> flood;
    for (int i = 0; i < 200; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(callback_port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0)
            (void)::send(fd, "POST /", 6, MSG_NOSIGNAL);  // a request begun, never finished
        flood.push_back(fd);
    }
    const auto begun = std::chrono::steady_clock::now();
    ASSERT_EQ(driver_->command(11, k_lock, "unlock"), HEARTH_PENDING) << driver_->error();
    EXPECT_LT(std::chrono::steady_clock::now() - begun, 1s) << "the command waited behind the flood";
    ASSERT_TRUE(wait_result(11));
    EXPECT_EQ(host_.snapshot().results.at(11).status, HEARTH_OK) << host_.snapshot().results.at(11).message;
    // The flood crowds out the bridge's callbacks (the server holds 16 connections): the /lockState
    // safety poll (every 5 s while a command waits) confirms the state instead.
    EXPECT_LT(std::chrono::steady_clock::now() - begun, 8s);
    for (const int fd : flood) ::close(fd);
    // Once the flood is gone, pushed changes arrive again.
    sim_control(port_, "/sim/manual?action=lock");
    EXPECT_TRUE(host_.wait_for([](const host_record& r) { return r.state.at(k_lock)["lock_state"] == "locked"; }, 5s));
}

TEST_F(NukiDriver, SlowBridgeTimesOutTheCommandWithinBudget) {
    start_sim();
    start_driver(config({{"timeout_ms", 500}}));
    sim_control(port_, "/sim/fault?set=slow");
    ASSERT_EQ(driver_->command(8, k_lock, "lock"), HEARTH_PENDING);
    ASSERT_TRUE(wait_result(8, 5s));
    const auto res = host_.snapshot().results.at(8);
    EXPECT_EQ(res.status, HEARTH_ERR_TIMEOUT) << res.message;
    EXPECT_NE(res.message.find("may still move"), std::string::npos) << res.message;
    EXPECT_LT(host_.longest_call(), 1500ms);
}

TEST_F(NukiDriver, RuntimeAuthFailureCountsAsFailureAndNeverLogsTheToken) {
    start_sim();
    start_driver(config({{"poll_interval_ms", 200}, {"offline_after_failures", 2}}));
    sim_control(port_, "/sim/fault?set=auth_failure");
    ASSERT_TRUE(host_.wait_for([](const host_record& r) { return !r.online.at(k_lock); }, 10s));
    const auto logs = host_.snapshot().logs;
    EXPECT_NE(std::find_if(logs.begin(), logs.end(),
                           [](const std::string& l) { return l.find("HTTP 401") != std::string::npos; }),
              logs.end());
    sim_control(port_, "/sim/fault?set=stream_drop");  // still failing, differently
    std::this_thread::sleep_for(600ms);
    sim_control(port_, "/sim/fault?set=none");
    ASSERT_TRUE(host_.wait_for([](const host_record& r) { return r.online.at(k_lock); }, 10s));
}

TEST_F(NukiDriver, HashedTokenAuthenticates) {
    start_sim();
    start_driver(config({{"hashed_token", true}}));
    ASSERT_EQ(driver_->command(9, k_lock, "unlock"), HEARTH_PENDING);
    ASSERT_TRUE(wait_result(9));
    EXPECT_EQ(host_.snapshot().results.at(9).status, HEARTH_OK);
}

TEST_F(NukiDriver, StopRemovesTheCallbackAndFailsPendingCommands) {
    start_sim({"--transition-ms", "3000"});
    start_driver(config({{"callback_port", hearth::testing::free_tcp_port()}}));
    ASSERT_TRUE(wait_callbacks_registered(1));
    ASSERT_EQ(driver_->command(10, k_lock, "unlock"), HEARTH_PENDING);
    const auto begun = std::chrono::steady_clock::now();
    driver_->stop_and_destroy();
    EXPECT_LT(std::chrono::steady_clock::now() - begun, 3s);
    const host_record r = host_.snapshot();
    ASSERT_EQ(r.results.count(10), 1U);
    EXPECT_EQ(r.results.at(10).status, HEARTH_ERR_OFFLINE);
    EXPECT_EQ(sim_state()["callbacks"], 0);
}

TEST_F(NukiDriver, UnreachableBridgeAtStartIsNotFatal) {
    driver_ = std::make_unique<driver_instance>(host_, plugin_, "nuki_test");
    ASSERT_TRUE(driver_->create(config({{"poll_interval_ms", 200}})));
    EXPECT_EQ(driver_->start(), HEARTH_OK) << driver_->error();
    EXPECT_EQ(host_.snapshot().ready, 0);
    start_sim();  // the bridge boots later
    ASSERT_TRUE(host_.wait_for([](const host_record& r) { return r.ready == 1 && r.online.count(k_lock) != 0; }, 10s));
    EXPECT_TRUE(host_.snapshot().online.at(k_lock));
}

}  // namespace
}  // namespace nuki_test
