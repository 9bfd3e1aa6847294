// Integration tests of the isapi_camera driver: the built plugin (CAMERA_PLUGIN_PATH) is
// dlopen()ed and driven through its C ABI by the fake host of test_support.hpp, against
// isapi_camera_sim (CAMERA_SIM_PATH) started as a child process on a free loopback port. Real
// time: every wait polls with a deadline. Every test also checks, in TearDown, that each
// driver entry returned promptly, that no host call came after stop() (except log), and the
// password canary: no log line (any level), descriptor, state, event or command message ever
// contains the password.
#include "test_support.hpp"

namespace isapi_test {
namespace {

constexpr auto k_entry_budget = 300ms;  // far below the host watchdog's 5 s

class camera_test : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NE(plugin(), nullptr) << "cannot load " << CAMERA_PLUGIN_PATH << ": " << dlerror(); }

    void TearDown() override {
        destroy();
        std::lock_guard lock(host_.mutex);
        EXPECT_TRUE(host_.violations.empty()) << ::testing::PrintToString(host_.violations);
        EXPECT_LT(slowest_entry_, k_entry_budget) << "a driver entry blocked";
        for (const auto& s : host_.everything)
            EXPECT_EQ(s.find(k_password), std::string::npos) << "password leaked in: " << s.substr(0, 200);
        if (HasFailure()) {
            std::cerr << "---- driver log ----\n" << host_.all_logs();
            if (sim_) std::cerr << "---- simulator log ----\n" << sim_->log_text();
        }
        if (sim_) {
            EXPECT_EQ(sim_->log_text().find(k_password), std::string::npos) << "simulator printed the password";
            sim_->stop();
            sim_->remove_log();
        }
    }

    /// Starts a simulator with `extra` arguments and waits until it accepts connections.
    void start_sim(const std::vector<std::string>& extra = {}) {
        const std::uint16_t port = free_tcp_port();
        ASSERT_NE(port, 0);
        sim_ = std::make_unique<simulator>(port, extra);
        ASSERT_TRUE(sim_->start()) << "simulator did not start:\n" << sim_->log_text();
    }

    json config(const json& overrides = json::object()) const {
        json c = {{"host", "127.0.0.1"},
                  {"port", sim_ ? sim_->port() : 9},
                  {"username", k_user},
                  {"password", k_password},
                  {"id", k_device},
                  {"name", "Front door"},
                  {"timeout_ms", 1000},
                  {"reconnect_ms", 100},
                  {"motion_clear_ms", 1500},
                  {"snapshot_min_interval_ms", 0},
                  {"offline_after_failures", 3}};
        for (const auto& [k, v] : overrides.items()) c[k] = v;
        return c;
    }

    /// Times one driver entry and keeps the slowest.
    template <class F>
    auto timed(F&& f) {
        const auto t0 = clock_type::now();
        auto r = f();
        slowest_entry_ =
            std::max(slowest_entry_, std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - t0));
        return r;
    }

    /// Creates and starts the driver; returns the create error ("" on success).
    std::string start_driver(const json& overrides = json::object()) {
        char error[256] = "";
        const std::string text = config(overrides).dump();
        driver_ = timed(
            [&] { return plugin()->create(&host_.api, host_.ctx(), cstr("cam1"), cstr(text), error, sizeof error); });
        if (driver_ == nullptr) return error[0] ? error : "create failed";
        const int rc = timed([&] { return plugin()->start(driver_, error, sizeof error); });
        return rc == HEARTH_OK ? "" : std::string("start: ") + error;
    }

    /// Stops and destroys the driver; later host calls other than log are violations.
    void destroy() {
        if (driver_ == nullptr) return;
        timed([&] {
            plugin()->stop(driver_);
            return 0;
        });
        {
            std::lock_guard lock(host_.mutex);
            host_.stopped = true;
        }
        plugin()->destroy(driver_);
        driver_ = nullptr;
    }

    /// Sends a command; returns the entry's status and fills `error`.
    int command(std::uint64_t id, const json& body, std::string* error = nullptr) {
        char buf[256] = "";
        const std::string text = body.dump();
        const int rc =
            timed([&] { return plugin()->handle_command(driver_, id, cstr(k_device), cstr(text), buf, sizeof buf); });
        if (error != nullptr) *error = buf;
        return rc;
    }

    /// Waits for the command_result of `id`; nullopt on timeout.
    std::optional<fake_host::result> result_of(std::uint64_t id, std::chrono::milliseconds deadline = 10s) {
        std::optional<fake_host::result> out;
        host_.wait_for(
            [&](const fake_host& f) {
                for (const auto& r : f.results)
                    if (r.id == id) out = r;
                return out.has_value();
            },
            deadline);
        return out;
    }

    bool wait_online(bool want, std::chrono::milliseconds deadline = 10s) {
        return host_.wait_for(
            [&](const fake_host& f) {
                auto it = f.online.find(k_device);
                return it != f.online.end() && it->second == want;
            },
            deadline);
    }
    bool wait_state(const std::string& prop, const json& want, std::chrono::milliseconds deadline = 10s) {
        return host_.wait_for(
            [&](const fake_host& f) {
                auto it = f.state.find(k_device);
                return it != f.state.end() && it->second.contains(prop) && it->second[prop] == want;
            },
            deadline);
    }
    std::size_t count_events(const std::string& type) {
        std::lock_guard lock(host_.mutex);
        return host_.events_of(type).size();
    }
    bool wait_events(const std::string& type, std::size_t n, std::chrono::milliseconds deadline = 10s) {
        return host_.wait_for([&](const fake_host& f) { return f.events_of(type).size() >= n; }, deadline);
    }
    /// A /sim/* control request that must succeed.
    void control(const std::string& target) const { EXPECT_FALSE(sim_->control(target).empty()) << target; }

    /// Polls the simulator's /sim/status until `pred` holds.
    bool wait_sim(const std::function<bool(const json&)>& pred, std::chrono::milliseconds deadline = 10s) {
        const auto until = clock_type::now() + deadline;
        while (clock_type::now() < until) {
            const json s = sim_->status();
            if (s.is_object() && !s.empty() && pred(s)) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }

    fake_host host_;
    std::unique_ptr<simulator> sim_;
    hearth_driver* driver_ = nullptr;
    std::chrono::milliseconds slowest_entry_{0};
};

TEST_F(camera_test, registers_the_camera_and_goes_online) {
    start_sim();
    ASSERT_EQ(start_driver(), "");
    ASSERT_TRUE(wait_online(true)) << "camera never came online";
    ASSERT_TRUE(wait_state("online", true));
    ASSERT_TRUE(wait_state("privacy_mode", false));
    std::lock_guard lock(host_.mutex);
    const json& d = host_.descriptors.at(k_device);
    EXPECT_EQ(d["type"], "camera");
    EXPECT_EQ(d["name"], "Front door");
    for (const char* p : {"online", "motion", "recording", "privacy_mode"})
        EXPECT_TRUE(d["properties"].contains(p)) << p;
    EXPECT_EQ(d["properties"]["privacy_mode"]["writable"], true);
    EXPECT_TRUE(d["commands"]["set_privacy"]["params"]["on"]["required"].get<bool>());
    EXPECT_EQ(host_.ready, 1);
}

TEST_F(camera_test, motion_is_reported_and_cleared) {
    start_sim();
    ASSERT_EQ(start_driver(), "");
    ASSERT_TRUE(wait_online(true));
    ASSERT_TRUE(wait_sim([](const json& s) { return s["open_streams"] == 1; }));
    control("/sim/trigger?event=motion");
    ASSERT_TRUE(wait_events("motion", 1, 5s));
    ASSERT_TRUE(wait_state("motion", true));
    {
        std::lock_guard lock(host_.mutex);
        EXPECT_EQ(host_.events_of("motion")[0]["active"], true);
    }
    // Cleared by eventState inactive...
    control("/sim/trigger?event=motion_end");
    ASSERT_TRUE(wait_state("motion", false, 1000ms));
    // ...and by motion_clear_ms (1.5 s) when the camera never says inactive.
    control("/sim/trigger?event=motion");
    ASSERT_TRUE(wait_state("motion", true, 5s));
    const auto t0 = clock_type::now();
    ASSERT_TRUE(wait_state("motion", false, 5s));
    EXPECT_GT(clock_type::now() - t0, 1000ms);
    EXPECT_EQ(count_events("motion"), 2U);
}

TEST_F(camera_test, doorbell_arrives) {
    start_sim();
    ASSERT_EQ(start_driver(), "");
    ASSERT_TRUE(wait_sim([](const json& s) { return s["open_streams"] == 1; }));
    control("/sim/trigger?event=doorbell");
    ASSERT_TRUE(wait_events("doorbell", 1, 5s));
    std::lock_guard lock(host_.mutex);
    EXPECT_EQ(host_.events_of("doorbell")[0]["source"], "IO");
}

TEST_F(camera_test, snapshot_delivers_a_jpeg) {
    start_sim();
    ASSERT_EQ(start_driver(), "");
    ASSERT_TRUE(wait_online(true));
    ASSERT_EQ(command(7, {{"command", "snapshot"}, {"params", json::object()}}), HEARTH_PENDING);
    const auto r = result_of(7);
    ASSERT_TRUE(r) << "no command_result";
    EXPECT_EQ(r->status, HEARTH_OK) << r->message;
    std::lock_guard lock(host_.mutex);
    const auto shots = host_.events_of("snapshot");
    ASSERT_EQ(shots.size(), 1U);
    EXPECT_EQ(shots[0]["content_type"], "image/jpeg");
    const auto jpeg = base64_decode(shots[0]["image_base64"].get<std::string>());
    ASSERT_GT(jpeg.size(), 100U);
    EXPECT_EQ(jpeg[0], 0xFF);
    EXPECT_EQ(jpeg[1], 0xD8);
    EXPECT_EQ(jpeg[jpeg.size() - 2], 0xFF);
    EXPECT_EQ(jpeg[jpeg.size() - 1], 0xD9);
    EXPECT_EQ(shots[0]["size_bytes"], jpeg.size());
}

TEST_F(camera_test, privacy_mode_refuses_snapshots) {
    start_sim();
    ASSERT_EQ(start_driver(), "");
    ASSERT_TRUE(wait_online(true));
    ASSERT_EQ(command(1, {{"command", "set_privacy"}, {"params", {{"on", true}}}}), HEARTH_PENDING);
    const auto r = result_of(1);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, HEARTH_OK) << r->message;
    EXPECT_TRUE(wait_state("privacy_mode", true, 1s));
    EXPECT_EQ(sim_->status()["privacy"], true);
    std::string error;
    EXPECT_EQ(command(2, {{"command", "snapshot"}, {"params", json::object()}}, &error), HEARTH_ERR_INVALID);
    EXPECT_EQ(error, "privacy mode is on");
    // A property write turns it off again, and snapshots work again.
    ASSERT_EQ(command(3, {{"command", "set"}, {"params", {{"privacy_mode", false}}}}), HEARTH_PENDING);
    const auto r3 = result_of(3);
    ASSERT_TRUE(r3);
    EXPECT_EQ(r3->status, HEARTH_OK) << r3->message;
    EXPECT_TRUE(wait_state("privacy_mode", false, 1s));
    ASSERT_EQ(command(4, {{"command", "snapshot"}, {"params", json::object()}}), HEARTH_PENDING);
    const auto r4 = result_of(4);
    ASSERT_TRUE(r4);
    EXPECT_EQ(r4->status, HEARTH_OK) << r4->message;
}

TEST_F(camera_test, stream_drop_reconnects_and_events_flow_again) {
    start_sim();
    ASSERT_EQ(start_driver(), "");
    ASSERT_TRUE(wait_sim([](const json& s) { return s["open_streams"] == 1; }));
    control("/sim/fault?set=stream_drop");
    ASSERT_TRUE(wait_sim([](const json& s) { return s["streams_opened"].get<int>() >= 2; })) << "no reconnect";
    control("/sim/fault?set=none");
    ASSERT_TRUE(wait_sim([](const json& s) { return s["open_streams"] == 1; }));
    std::this_thread::sleep_for(200ms);  // let a drop already in flight settle
    ASSERT_TRUE(wait_sim([](const json& s) { return s["open_streams"] == 1; }));
    control("/sim/trigger?event=motion");
    ASSERT_TRUE(wait_events("motion", 1, 5s)) << "no event after the reconnect";
    std::lock_guard lock(host_.mutex);
    EXPECT_TRUE(host_.has_log("reconnecting", HEARTH_LOG_WARN));
    EXPECT_TRUE(host_.online[k_device]) << "a drop with a successful reconnect must not mark the camera offline";
}

TEST_F(camera_test, auth_failure_marks_the_camera_offline_with_a_clear_log_line) {
    start_sim();
    ASSERT_EQ(start_driver(), "");
    ASSERT_TRUE(wait_online(true));
    control("/sim/fault?set=auth_failure");
    ASSERT_TRUE(wait_online(false, 10s)) << "never went offline";
    ASSERT_TRUE(wait_state("online", false, 1s));
    {
        std::lock_guard lock(host_.mutex);
        EXPECT_TRUE(host_.has_log("authentication failed for user 'admin'", HEARTH_LOG_ERROR)) << host_.all_logs();
        EXPECT_TRUE(host_.has_log("offline after 3 failed connection attempts", HEARTH_LOG_WARN)) << host_.all_logs();
    }
    // Credentials accepted again: back online.
    control("/sim/fault?set=none");
    ASSERT_TRUE(wait_online(true, 10s)) << "never came back online";
}

TEST_F(camera_test, wrong_password_never_gets_online_and_is_never_logged) {
    start_sim();
    json wrong = {{"password", std::string(k_password) + "-but-wrong"}};
    ASSERT_EQ(start_driver(wrong), "");
    ASSERT_TRUE(wait_online(false, 10s));
    std::lock_guard lock(host_.mutex);
    EXPECT_TRUE(host_.has_log("check username and password", HEARTH_LOG_ERROR));
}

TEST_F(camera_test, slow_camera_never_blocks_the_entry_thread) {
    start_sim({"--slow-ms", "3000"});
    ASSERT_EQ(start_driver(), "");
    ASSERT_TRUE(wait_online(true));
    control("/sim/fault?set=slow");
    ASSERT_EQ(command(9, {{"command", "snapshot"}, {"params", json::object()}}), HEARTH_PENDING);
    const auto r = result_of(9, 10s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, HEARTH_ERR_TIMEOUT) << r->message;
    EXPECT_NE(r->message.find("timed out"), std::string::npos) << r->message;
}

TEST_F(camera_test, garbage_on_the_stream_is_skipped) {
    start_sim({"--fault", "garbage"});
    ASSERT_EQ(start_driver(), "");
    ASSERT_TRUE(wait_sim([](const json& s) { return s["open_streams"] == 1; }));
    control("/sim/trigger?event=motion");
    ASSERT_TRUE(wait_events("motion", 1, 5s));
    control("/sim/trigger?event=doorbell");
    ASSERT_TRUE(wait_events("doorbell", 1, 5s));
}

TEST_F(camera_test, snapshot_rate_limit_and_size_cap) {
    start_sim();
    ASSERT_EQ(start_driver({{"snapshot_min_interval_ms", 60000}, {"snapshot_max_bytes", 1024}}), "");
    ASSERT_TRUE(wait_online(true));
    ASSERT_EQ(command(1, {{"command", "snapshot"}, {"params", json::object()}}), HEARTH_PENDING);
    std::string error;
    EXPECT_EQ(command(2, {{"command", "snapshot"}, {"params", json::object()}}, &error), HEARTH_ERR_INVALID);
    EXPECT_NE(error.find("rate limit"), std::string::npos) << error;
    const auto r = result_of(1);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, HEARTH_ERR_DEVICE);  // the simulator's JPEG is larger than 1 KiB
    std::lock_guard lock(host_.mutex);
    EXPECT_TRUE(host_.has_log("larger than snapshot_max_bytes", HEARTH_LOG_WARN)) << host_.all_logs();
    EXPECT_TRUE(host_.events_of("snapshot").empty());
}

TEST_F(camera_test, unreachable_camera_goes_offline_and_commands_fail_cleanly) {
    const std::uint16_t dead = free_tcp_port();  // nothing listens there
    ASSERT_EQ(start_driver({{"port", dead}}), "");
    ASSERT_TRUE(wait_online(false, 10s));
    ASSERT_EQ(command(5, {{"command", "snapshot"}, {"params", json::object()}}), HEARTH_PENDING);
    const auto r = result_of(5);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, HEARTH_ERR_OFFLINE) << r->message;
}

TEST_F(camera_test, stop_is_prompt_and_answers_pending_commands) {
    start_sim({"--slow-ms", "5000"});
    ASSERT_EQ(start_driver(), "");
    ASSERT_TRUE(wait_online(true));
    control("/sim/fault?set=slow");
    ASSERT_EQ(command(11, {{"command", "set_privacy"}, {"params", {{"on", true}}}}), HEARTH_PENDING);
    std::this_thread::sleep_for(100ms);
    destroy();  // timed: must stay within k_entry_budget
    std::lock_guard lock(host_.mutex);
    ASSERT_EQ(host_.results.size(), 1U);
    EXPECT_EQ(host_.results[0].id, 11U);
    EXPECT_EQ(host_.results[0].status, HEARTH_ERR_OFFLINE);
}

TEST_F(camera_test, bad_config_is_refused_naming_the_key_without_the_password) {
    start_sim();
    EXPECT_NE(start_driver({{"colour", "red"}}).find("\"colour\""), std::string::npos);
    const std::string e = start_driver({{"port", "80"}});
    EXPECT_NE(e.find("\"port\""), std::string::npos) << e;
    EXPECT_EQ(e.find(k_password), std::string::npos);
    EXPECT_NE(start_driver({{"password", 42}}).find("\"password\""), std::string::npos);
}

}  // namespace
}  // namespace isapi_test
