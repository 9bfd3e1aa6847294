// Integration tests of the isapi_camera driver: the built plugin (HEARTH_DRIVER_PATH) is
// dlopen()ed and driven through its C ABI by hearth::testing's fake host, against
// isapi_camera_sim (HEARTH_SIMULATOR_PATH) started as a child process on a free loopback port. Real
// time: every wait polls with a deadline. Every test also checks, in TearDown, that each
// driver entry returned promptly, that no host call came after stop() (except log), and the
// password canary: no log line (any level), descriptor, state, event or command message ever
// contains the password.
#include "core/driver_schema.hpp"
#include "test_support.hpp"

namespace isapi_test {
namespace {

constexpr auto k_entry_budget = 300ms;  // far below the host watchdog's 5 s

class camera_test : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NE(plugin(), nullptr) << "cannot load " << HEARTH_DRIVER_PATH; }

    void TearDown() override {
        destroy();
        const host_record r = host_.snapshot();
        EXPECT_TRUE(r.violations.empty()) << ::testing::PrintToString(r.violations);
        EXPECT_LT(host_.longest_call(), k_entry_budget) << "a driver entry blocked";
        EXPECT_FALSE(r.said(k_password)) << "password leaked to the host";
        if (HasFailure()) {
            std::cerr << "---- driver log ----\n" << r.all_logs();
            if (sim_) std::cerr << "---- simulator log ----\n" << sim_->log_text();
        }
        if (sim_) {
            EXPECT_EQ(sim_->log_text().find(k_password), std::string::npos) << "simulator printed the password";
            sim_->stop(5s);
        }
    }

    /// Starts a simulator with `extra` arguments and waits until it accepts connections.
    void start_sim(const std::vector<std::string>& extra = {}) {
        sim_ = std::make_unique<hearth::testing::simulator>(HEARTH_SIMULATOR_PATH, free_tcp_port(), sim_args(extra));
        ASSERT_TRUE(sim_->start(10s)) << "simulator did not start:\n" << sim_->log_text();
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

    /// Creates and starts the driver; returns the create error ("" on success).
    std::string start_driver(const json& overrides = json::object()) {
        if (!driver_.create(config(overrides))) return driver_.error().empty() ? "create failed" : driver_.error();
        const int rc = driver_.start();
        return rc == HEARTH_OK ? "" : "start: " + driver_.error();
    }

    /// Stops and destroys the driver (on the host's instance thread, timed); later host calls
    /// other than log are violations.
    void destroy() { driver_.stop_and_destroy(); }

    /// Sends a command; returns the entry's status and fills `error`.
    int command(std::uint64_t id, const json& body, std::string* error = nullptr) {
        const int rc = driver_.command(id, k_device, body.at("command").get<std::string>(), body.at("params"));
        if (error != nullptr) *error = driver_.error();
        return rc;
    }

    /// Waits for the command_result of `id`; nullopt on timeout.
    std::optional<host_record::result> result_of(std::uint64_t id, std::chrono::milliseconds deadline = 10s) {
        if (!host_.wait_for([&](const host_record& r) { return r.results.contains(id); }, deadline))
            return std::nullopt;
        return host_.snapshot().results.at(id);
    }

    bool wait_online(bool want, std::chrono::milliseconds deadline = 10s) {
        return host_.wait_for([&](const host_record& r) { return r.availability_of(k_device) == (want ? 1 : 0); },
                              deadline);
    }
    bool wait_state(const std::string& prop, const json& want, std::chrono::milliseconds deadline = 10s) {
        return host_.wait_for([&](const host_record& r) { return r.prop(k_device, prop) == want; }, deadline);
    }
    std::size_t count_events(const std::string& type) { return host_.snapshot().events_of(type).size(); }
    bool wait_events(const std::string& type, std::size_t n, std::chrono::milliseconds deadline = 10s) {
        return host_.wait_for([&](const host_record& r) { return r.events_of(type).size() >= n; }, deadline);
    }
    /// A /sim/* control request that must succeed.
    void control(const std::string& target) const { EXPECT_FALSE(sim_control(sim_->port(), target).empty()) << target; }

    /// Polls the simulator's /sim/status until `pred` holds.
    bool wait_sim(const std::function<bool(const json&)>& pred, std::chrono::milliseconds deadline = 10s) {
        const auto until = clock_type::now() + deadline;
        while (clock_type::now() < until) {
            const json s = sim_status(sim_->port());
            if (s.is_object() && !s.empty() && pred(s)) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }

    fake_host host_{host_checks()};
    driver_instance driver_{host_, plugin(), "cam1"};
    std::unique_ptr<hearth::testing::simulator> sim_;
};

TEST_F(camera_test, registers_the_camera_and_goes_online) {
    start_sim();
    ASSERT_EQ(start_driver(), "");
    ASSERT_TRUE(wait_online(true)) << "camera never came online";
    ASSERT_TRUE(wait_state("online", true));
    ASSERT_TRUE(wait_state("privacy_mode", false));
    const host_record r = host_.snapshot();
    const json& d = r.descriptors.at(k_device);
    EXPECT_EQ(d["type"], "camera");
    EXPECT_EQ(d["name"], "Front door");
    for (const char* p : {"online", "motion", "recording", "privacy_mode"})
        EXPECT_TRUE(d["properties"].contains(p)) << p;
    EXPECT_EQ(d["properties"]["privacy_mode"]["writable"], true);
    EXPECT_TRUE(d["commands"]["set_privacy"]["params"]["on"]["required"].get<bool>());
    EXPECT_EQ(r.ready, 1);
}

TEST_F(camera_test, motion_is_reported_and_cleared) {
    start_sim();
    ASSERT_EQ(start_driver(), "");
    ASSERT_TRUE(wait_online(true));
    ASSERT_TRUE(wait_sim([](const json& s) { return s["open_streams"] == 1; }));
    control("/sim/trigger?event=motion");
    ASSERT_TRUE(wait_events("motion", 1, 5s));
    ASSERT_TRUE(wait_state("motion", true));
    EXPECT_EQ(host_.snapshot().events_of("motion")[0]["active"], true);
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
    EXPECT_EQ(host_.snapshot().events_of("doorbell")[0]["source"], "IO");
}

TEST_F(camera_test, snapshot_delivers_a_jpeg) {
    start_sim();
    ASSERT_EQ(start_driver(), "");
    ASSERT_TRUE(wait_online(true));
    ASSERT_EQ(command(7, {{"command", "snapshot"}, {"params", json::object()}}), HEARTH_PENDING);
    const auto r = result_of(7);
    ASSERT_TRUE(r) << "no command_result";
    EXPECT_EQ(r->status, HEARTH_OK) << r->message;
    const auto shots = host_.snapshot().events_of("snapshot");
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
    EXPECT_EQ(sim_status(sim_->port())["privacy"], true);
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
    const host_record r = host_.snapshot();
    EXPECT_TRUE(r.logged("reconnecting", HEARTH_LOG_WARN));
    EXPECT_EQ(r.availability_of(k_device), 1) << "a drop with a successful reconnect must not mark the camera offline";
}

TEST_F(camera_test, auth_failure_marks_the_camera_offline_with_a_clear_log_line) {
    start_sim();
    ASSERT_EQ(start_driver(), "");
    ASSERT_TRUE(wait_online(true));
    control("/sim/fault?set=auth_failure");
    ASSERT_TRUE(wait_online(false, 10s)) << "never went offline";
    ASSERT_TRUE(wait_state("online", false, 1s));
    {
        const host_record r = host_.snapshot();
        EXPECT_TRUE(r.logged("authentication failed for user 'admin'", HEARTH_LOG_ERROR)) << r.all_logs();
        EXPECT_TRUE(r.logged("offline after 3 failed connection attempts", HEARTH_LOG_WARN)) << r.all_logs();
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
    EXPECT_TRUE(host_.snapshot().logged("check username and password", HEARTH_LOG_ERROR));
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
    const host_record rec = host_.snapshot();
    EXPECT_TRUE(rec.logged("larger than snapshot_max_bytes", HEARTH_LOG_WARN)) << rec.all_logs();
    EXPECT_TRUE(rec.events_of("snapshot").empty());
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
    const host_record r = host_.snapshot();
    ASSERT_EQ(r.results.size(), 1U);
    ASSERT_EQ(r.results.count(11), 1U);
    EXPECT_EQ(r.results.at(11).status, HEARTH_ERR_OFFLINE);
}

TEST_F(camera_test, bad_config_is_refused_naming_the_key_without_the_password) {
    ASSERT_NE(plugin()->config_schema, nullptr);  // what hearthd checks before create()
    const auto problems = [this](const json& overrides) {
        std::string all;
        for (const auto& e : hearth::check_driver_config(plugin()->config_schema, config(overrides)))
            all += e.to_string() + "\n";
        return all;
    };
    EXPECT_EQ(problems(json::object()), "");
    EXPECT_NE(problems({{"colour", "red"}}).find("/colour: unknown key 'colour'"), std::string::npos);
    const std::string e = problems({{"port", "80"}});
    EXPECT_NE(e.find("/port: expected integer"), std::string::npos) << e;
    EXPECT_EQ(e.find(k_password), std::string::npos);
    const std::string p = problems({{"password", 42}});
    EXPECT_NE(p.find("/password: "), std::string::npos) << p;
    EXPECT_EQ(problems({{"password", json::array({k_password})}}).find(k_password), std::string::npos);
}

}  // namespace
}  // namespace isapi_test
