// rules_service against a real store and gateway (no drivers, no MQTT): scene files are stored,
// a delay is persisted and resumed by a new service after a "restart", traces land in the store,
// and a bad reload leaves the running set unchanged.
#include "app/rules_service.hpp"
#include "demo_devices.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace hearth::rules::testing {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

class service_test : public ::testing::Test {
protected:
    void SetUp() override {
        dir = fs::temp_directory_path() / ("hearth-rules-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
        fs::create_directories(dir / "scenes");
        cfg.scenes_dir = (dir / "scenes").string();
        write("main.json",
              {{"automations",
                {{{"id", "late"},
                  {"triggers", {{{"type", "state"}, {"device", "hall_motion"}, {"property", "on"}, {"to", true}}}},
                  {"actions", {{{"delay", "1h"}}, {{"notify", "an hour after motion"}}}}}}}});
        db = store::open(dir / "hearth.db", store_options{}, clock.now_ms());
    }
    void TearDown() override {
        db.reset();
        fs::remove_all(dir);
    }

    void write(const std::string& name, const json& doc) { std::ofstream(dir / "scenes" / name) << doc.dump(2); }

    /// A gateway with the demo devices restored (as the store would at startup).
    std::unique_ptr<gateway> make_gateway() {
        auto gw = std::make_unique<gateway>(loop, clock, gateway::options{});
        for (const auto& [id, d] : demo_devices())
            gw->restore_device(d, id == "hall_motion" ? json{{"on", false}} : json::object());
        return gw;
    }

    /// A hub whose rules run: the gateway, and the service started with drivers ready.
    struct hub {
        std::unique_ptr<gateway> gw;
        std::unique_ptr<rules_service> rules;  // destroyed first
    };
    hub start_hub() {
        hub h{make_gateway(), nullptr};
        h.rules = std::make_unique<rules_service>(loop, clock, *h.gw, *db, cfg);
        h.rules->start(nullptr);
        h.rules->on_drivers_ready();
        return h;
    }

    /// Motion in the hall on `h`: the run it starts stores one pending timer, due at `due`.
    void motion_stores_a_timer(hub& h, time_ms due) {
        h.rules->on_state_changed(*h.gw->registry().find("hall_motion"), {{"on", true}});
        ASSERT_EQ(db->load_timers().size(), 1u);
        EXPECT_EQ(db->load_timers()[0].due_ts, due);
    }

    /// Moves the clock by `ms` and lets the hub's rule timer fire.
    void run_until(hub& h, time_ms ms) {
        clock.advance(ms);
        EXPECT_TRUE(h.rules->reload().empty());  // re-arms the timer against the moved clock
        loop.run_for(std::chrono::milliseconds(200));
    }

    boost::asio::io_context loop;
    manual_clock clock{1'704'067'200'000};
    config cfg;
    fs::path dir;
    std::unique_ptr<store> db;
};

TEST_F(service_test, delay_survives_a_restart_and_leaves_a_trace) {
    {
        hub first = start_hub();
        ASSERT_EQ(db->load_rules().size(), 1u);
        motion_stores_a_timer(first, clock.now_ms() + 3'600'000);
        clock.advance(600'000);
    }  // the hub stops
    clock.advance(600'000);
    hub h = start_hub();
    EXPECT_EQ(h.rules->engine().active_runs(), 1u);
    run_until(h, 3'600'000);
    EXPECT_EQ(h.rules->engine().active_runs(), 0u);
    EXPECT_TRUE(db->load_timers().empty());
    auto traces = db->list_traces("late", 10);
    ASSERT_EQ(traces.size(), 1u);
    EXPECT_EQ(traces[0].trace["result"], "ok");
    EXPECT_EQ(traces[0].trace["resumed"], true);
}

TEST_F(service_test, bad_reload_keeps_the_running_set) {
    auto gw = make_gateway();
    rules_service rules(loop, clock, *gw, *db, cfg);
    rules.start(nullptr);
    rules.on_drivers_ready();
    write("zz_bad.json", {{"automations",
                           {{{"id", "x"},
                             {"triggers", {{{"type", "state"}, {"device", "hall_motion"}, {"property", "color"}}}},
                             {"actions", {{{"notify", "x"}}}}}}}});
    auto errors = rules.reload();
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].file.find("zz_bad.json"), std::string::npos);
    EXPECT_EQ(errors[0].pointer, "/automations/0/triggers/0/property");
    EXPECT_EQ(rules.engine().rules().automations.size(), 1u);
    EXPECT_TRUE(rules.engine().rules().automations.contains("late"));
    EXPECT_EQ(db->load_rules().size(), 1u);
    // --check-config has no devices: the unknown property is not seen, the rest still is.
    EXPECT_TRUE(rules_service::check_scene_dir(cfg).empty());
    write("zz_bad.json", {{"automations", json::array({{{"id", "late"}, {"triggers", json::array()}}})}});
    EXPECT_FALSE(rules_service::check_scene_dir(cfg).empty());
}

TEST_F(service_test, enabled_state_is_stored_and_kept_across_reloads) {
    auto gw = make_gateway();
    rules_service rules(loop, clock, *gw, *db, cfg);
    rules.start(nullptr);
    rules.on_drivers_ready();
    ASSERT_TRUE(db->set_rule_enabled("late", false, clock.now_ms()));
    EXPECT_TRUE(rules.reload().empty());
    EXPECT_TRUE(rules.engine().status()[0].enabled);  // an unchanged rule keeps its engine state
    rules_service fresh(loop, clock, *gw, *db, cfg);
    fresh.start(nullptr);
    fresh.on_drivers_ready();
    EXPECT_FALSE(fresh.engine().status()[0].enabled);  // a new process takes the stored state
}

TEST_F(service_test, run_when_cheapest_uses_the_config_tariffs_and_its_wait_survives_a_restart) {
    setenv("TZ", "UTC0", 1);  // the clock starts Monday 00:00 UTC
    tzset();
    auto parsed = parse_config(R"({"energy": {"currency": "CNY", "tariffs": [{"from": "2023-01-01",
        "type": "time_of_use", "periods": {"peak": 0.98, "valley": 0.31},
        "schedules": [{"slots": [{"start": "00:00", "period": "peak"}, {"start": "03:00", "period": "valley"},
                                 {"start": "08:00", "period": "peak"}]}]}]}})",
                               "hearth.json", "/");
    ASSERT_TRUE(parsed.has_value());
    cfg.energy = parsed->energy;
    write("main.json",
          {{"automations",
            {{{"id", "wash"},
              {"triggers", {{{"type", "state"}, {"device", "hall_motion"}, {"property", "on"}, {"to", true}}}},
              {"actions",
               {{{"run_when_cheapest",
                  {{"device", "bathroom_washer"},
                   {"command", "start"},
                   {"duration_min", 60},
                   {"deadline", "07:00"}}}}}}}}}});
    const time_ms valley = clock.now_ms() + 3 * 3'600'000;
    {
        hub first = start_hub();
        motion_stores_a_timer(first, valley);  // stored like a delay
    }                                          // the hub stops
    clock.advance(3'600'000);
    hub h = start_hub();
    EXPECT_EQ(h.rules->engine().active_runs(), 1u);
    EXPECT_EQ(h.rules->engine().next_deadline(), valley);
    run_until(h, 2 * 3'600'000);
    EXPECT_TRUE(db->load_timers().empty());
    auto traces = db->list_traces("wash", 10);
    ASSERT_EQ(traces.size(), 1u);
    const json& entry = traces[0].trace["actions"][0];
    EXPECT_EQ(entry["start"], valley);
    EXPECT_EQ(entry["sent"], valley);
    EXPECT_NEAR(entry["saving_per_kw"].get<double>(), 0.98 - 0.31, 1e-9);
    // Sent through the gateway like any command: the restored washer has no driver here.
    EXPECT_EQ(entry["result"], "error") << traces[0].trace;
    EXPECT_EQ(traces[0].trace["resumed"], true);
}

}  // namespace
}  // namespace hearth::rules::testing
