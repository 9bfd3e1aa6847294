// Tests of the gateway with a fake driver link: dispatch, refusals, lock safety and audit order,
// quarantine effects, command timeouts. The loop runs on the test thread with deadlines.
#include "core/gateway.hpp"

#include <hearth/plugin.h>

#include <gtest/gtest.h>

using json = nlohmann::json;

namespace {

class fake_link final : public hearth::driver_link {
public:
    explicit fake_link(std::string id) : id_(std::move(id)) {}
    const std::string& id() const override { return id_; }
    void start() override { started = true; }
    void send_command(std::uint64_t cid, const std::string& device, std::string body) override {
        sent.push_back({cid, device, json::parse(body)});
        if (order != nullptr) order->push_back("driver:" + sent.back().body.value("command", std::string()));
    }
    void refresh(const std::string& device) override { refreshed.push_back(device); }
    void check_health(std::chrono::steady_clock::time_point) override {}
    void stop(std::chrono::milliseconds) override { usable_ = false; }
    hearth::driver_status status() const override {
        hearth::driver_status s;
        s.id = id_;
        s.plugin = "fake";
        s.version = version;
        return s;
    }
    bool usable() const override { return usable_; }
    bool loads_later() const override { return true; }  // like a worker: version known at hello

    struct sent_command {
        std::uint64_t id;
        std::string device;
        json body;
    };
    std::vector<sent_command> sent;
    std::vector<std::string> refreshed;
    std::vector<std::string>* order = nullptr;
    bool started = false;
    bool usable_ = true;
    std::string version;  ///< "" until the "worker" said hello

private:
    std::string id_;
};

struct recorder final : hearth::gateway_observer {
    std::vector<std::string> renamed;
    void on_device_renamed(const hearth::device_entry& d) override { renamed.push_back(d.descriptor.name); }
    std::vector<json> events;
    std::vector<json> bridge_events;
    std::vector<json> changes;
    bool ready = false;
    void on_device_event(const hearth::device_entry&, const json& e) override { events.push_back(e); }
    void on_bridge_event(const json& e) override { bridge_events.push_back(e); }
    void on_state_changed(const hearth::device_entry&, const json& c) override { changes.push_back(c); }
    void on_drivers_ready() override { ready = true; }
};

hearth::device_descriptor lock_descriptor() {
    return hearth::parse_descriptor(json::parse(R"({"id":"hall_lock","type":"lock",
      "properties":{"lock_state":{"type":"enum","values":["locked","unlocked","locking","unlocking","jammed"]},
                    "auto_relock_s":{"type":"int","min":0,"max":3600,"writable":true}},
      "commands":{"lock":{},"unlock":{}},"events":["lock_operation","lock_alarm"]})"))
        .value();
}

class gateway_test : public ::testing::Test {
protected:
    void SetUp() override {
        hearth::gateway::options o;
        o.watchdog_period = std::chrono::milliseconds(10);
        o.command_timeout = std::chrono::milliseconds(50);
        gw = std::make_unique<hearth::gateway>(loop, clock, o);
        gw->add_observer(&rec);
        hearth::lock_settings s;
        s.pin_hash = hearth::hash_pin("1234", 1000);
        gw->set_lock_policy(hearth::lock_policy({{"hall_lock", s}}));
        gw->set_audit_sink([this](const hearth::audit_entry& e) {
            if (audit_fails) throw std::runtime_error("database or disk is full");
            audit.push_back(e);
            order.push_back("audit:" + e.result);
        });
        hearth::driver_config dc;
        dc.plugin = "fake";
        dc.id = "drv";
        gw->start_drivers({dc}, [this](const hearth::driver_config&, hearth::driver_events& ev, std::string&) {
            events = &ev;
            auto l = std::make_unique<fake_link>("drv");
            link = l.get();
            link->order = &order;
            return l;
        });
        auto d = lock_descriptor();
        d.driver = "drv";
        events->on_device_registered("drv", d);
        events->on_availability("drv", "hall_lock", true);
        events->on_state("drv", "hall_lock", json{{"lock_state", "locked"}});
    }
    hearth::command_outcome run(const std::string& device, hearth::device_command cmd, bool complete = true) {
        std::optional<hearth::command_outcome> out;
        gw->execute(device, std::move(cmd), {"mqtt", "tester"}, [&](const hearth::command_outcome& o) {
            order.push_back(std::string("done:") + (o.ok ? "ok" : "error"));
            out = o;
        });
        if (!out && complete && !link->sent.empty())
            events->on_command_done("drv", link->sent.back().id, HEARTH_OK, "");
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (!out && std::chrono::steady_clock::now() < deadline) loop.run_for(std::chrono::milliseconds(5));
        EXPECT_TRUE(out.has_value());
        return out.value_or(hearth::command_outcome{});
    }
    static hearth::device_command named(const std::string& name, std::optional<std::string> code = std::nullopt) {
        hearth::device_command c;
        c.name = name;
        c.code = std::move(code);
        return c;
    }

    boost::asio::io_context loop;
    hearth::manual_clock clock;
    recorder rec;
    std::unique_ptr<hearth::gateway> gw;
    hearth::driver_events* events = nullptr;
    fake_link* link = nullptr;
    std::vector<hearth::audit_entry> audit;
    std::vector<std::string> order;
    bool audit_fails = false;
};

}  // namespace

TEST_F(gateway_test, validates_before_any_driver_sees_a_command) {
    EXPECT_EQ(run("nope", named("lock")).error, "unknown device 'nope'");
    EXPECT_EQ(run("hall_lock", named("open")).error, "unknown command 'open'");
    EXPECT_TRUE(link->sent.empty());
    EXPECT_TRUE(rec.ready == false);
}

TEST_F(gateway_test, dispatches_and_completes) {
    auto o = run("hall_lock", named("lock"));
    EXPECT_TRUE(o.ok);
    ASSERT_EQ(link->sent.size(), 1u);
    EXPECT_EQ(link->sent[0].body, json::parse(R"({"command":"lock","params":{}})"));
}

TEST_F(gateway_test, unlock_without_pin_is_refused_audited_and_published) {
    auto o = run("hall_lock", named("unlock"));
    EXPECT_FALSE(o.ok);
    EXPECT_EQ(o.error, "a PIN code is required to unlock this lock");
    EXPECT_TRUE(link->sent.empty());
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].action, "lock.unlock");
    EXPECT_EQ(audit[0].result, "denied");
    EXPECT_EQ(audit[0].detail.dump().find("1234"), std::string::npos);
    ASSERT_FALSE(rec.events.empty());
    EXPECT_EQ(rec.events.back()["event_type"], "lock_operation");
    EXPECT_EQ(rec.events.back()["result"], "denied");
    EXPECT_EQ(order, (std::vector<std::string>{"audit:denied", "done:error"}));
}

TEST_F(gateway_test, lock_outcome_is_audited_before_the_answer) {
    auto o = run("hall_lock", named("unlock", "1234"));
    EXPECT_TRUE(o.ok);
    // The attempt is durable before the driver sees the command, the outcome before the answer.
    EXPECT_EQ(order, (std::vector<std::string>{"audit:attempt", "driver:unlock", "audit:ok", "done:ok"}));
    ASSERT_EQ(audit.size(), 2u);
    EXPECT_EQ(audit[0].detail["op"], audit[1].detail["op"]);
    EXPECT_EQ(link->sent.at(0).body.dump().find("1234"), std::string::npos);  // the PIN stays in the core
}

TEST_F(gateway_test, unauditable_unlock_is_refused_but_lock_goes_ahead) {
    audit_fails = true;
    auto unlock = run("hall_lock", named("unlock", "1234"));
    EXPECT_FALSE(unlock.ok);
    EXPECT_NE(unlock.error.find("fail closed"), std::string::npos) << unlock.error;
    EXPECT_TRUE(link->sent.empty()) << "the driver saw an unaudited unlock";
    auto lock = run("hall_lock", named("lock"));
    EXPECT_TRUE(lock.ok) << lock.error;
    ASSERT_EQ(link->sent.size(), 1u);
    EXPECT_EQ(gw->lock_health().unaudited_locks, 1u);
    EXPECT_EQ(gw->lock_health().refused_unaudited, 1u);
    EXPECT_FALSE(gw->lock_health().last_audit_error.empty());
    ASSERT_FALSE(rec.bridge_events.empty());
    EXPECT_EQ(rec.bridge_events.back()["type"], "audit_failed");
    audit_fails = false;
    EXPECT_TRUE(run("hall_lock", named("unlock", "1234")).ok);
    EXPECT_TRUE(gw->lock_health().last_audit_error.empty());
}

TEST_F(gateway_test, settings_of_a_lock_need_the_pin_and_are_audited) {
    hearth::device_command set;
    set.name = "set";
    set.params = {{"auto_relock_s", 0}};  // auto-relock off: weakens the lock
    EXPECT_EQ(run("hall_lock", set).error, "a PIN code is required to set this lock");
    EXPECT_TRUE(link->sent.empty());
    set.code = "1234";
    EXPECT_TRUE(run("hall_lock", set).ok);
    ASSERT_FALSE(audit.empty());
    EXPECT_EQ(audit.back().action, "lock.set");
    EXPECT_EQ(audit.front().result, "denied");
}

TEST_F(gateway_test, one_lock_operation_event_per_command) {
    std::optional<hearth::command_outcome> out;
    gw->execute("hall_lock", named("unlock", "1234"), {"mqtt", "t"},
                [&](const hearth::command_outcome& o) { out = o; });
    ASSERT_EQ(link->sent.size(), 1u);
    // The driver's own report of the operation it was sent is dropped; the core reports it once.
    events->on_event(
        "drv", "hall_lock",
        json{{"event_type", "lock_operation"}, {"operation", "unlock"}, {"source", "remote"}, {"result", "success"}});
    events->on_command_done("drv", link->sent.back().id, HEARTH_OK, "");
    ASSERT_TRUE(out.has_value());
    std::vector<json> ops;
    for (const auto& e : rec.events)
        if (e["event_type"] == "lock_operation") ops.push_back(e);
    ASSERT_EQ(ops.size(), 1u);
    EXPECT_EQ(ops[0]["result"], "ok");
    EXPECT_EQ(ops[0]["source"], "mqtt");
    // An operation hearth did not start (keypad) passes, in the core's vocabulary.
    events->on_event(
        "drv", "hall_lock",
        json{{"event_type", "lock_operation"}, {"operation", "unlatch"}, {"source", "keypad"}, {"result", "success"}});
    ASSERT_EQ(rec.events.back()["source"], "keypad");
    EXPECT_EQ(rec.events.back()["result"], "ok");
}

TEST_F(gateway_test, removing_an_unlocked_lock_needs_the_pin_and_is_refused_while_unlocked) {
    EXPECT_EQ(gw->authorize_lock_admin("hall_lock", "remove", std::nullopt, {"mqtt", "t"}).value_or(""),
              "a PIN code is required to remove this lock");
    events->on_state("drv", "hall_lock", json{{"lock_state", "unlocked"}});
    auto why = gw->authorize_lock_admin("hall_lock", "remove", std::string("1234"), {"mqtt", "t"});
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find("lock it before removing it"), std::string::npos) << *why;
    events->on_state("drv", "hall_lock", json{{"lock_state", "locked"}});
    EXPECT_FALSE(gw->authorize_lock_admin("hall_lock", "remove", std::string("1234"), {"mqtt", "t"}).has_value());
    EXPECT_FALSE(gw->authorize_lock_admin("hall_lock", "rename", std::string("1234"), {"mqtt", "t"}).has_value());
    EXPECT_EQ(audit.back().action, "lock.rename");
    EXPECT_EQ(audit.back().result, "ok");
}

TEST_F(gateway_test, refreshes_are_coalesced_per_device) {
    for (int i = 0; i < 5000; ++i) gw->refresh("hall_lock");
    EXPECT_EQ(link->refreshed.size(), 1u);  // one sent, one queued, the rest coalesced
    EXPECT_EQ(gw->lock_health().refresh_coalesced, 4998u);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (link->refreshed.size() < 2 && std::chrono::steady_clock::now() < deadline)
        loop.run_for(std::chrono::milliseconds(20));
    EXPECT_EQ(link->refreshed.size(), 2u);  // the queued one, after the driver's minimum interval
}

TEST_F(gateway_test, offline_lock_commands_are_refused_not_queued) {
    events->on_availability("drv", "hall_lock", false);
    auto o = run("hall_lock", named("lock"));
    EXPECT_FALSE(o.ok);
    EXPECT_EQ(o.status, HEARTH_ERR_OFFLINE);
    EXPECT_TRUE(link->sent.empty());
    ASSERT_EQ(audit.size(), 1u);
    EXPECT_EQ(audit[0].result, "error");
}

TEST_F(gateway_test, uncompleted_commands_time_out) {
    auto o = run("hall_lock", named("lock"), false);
    EXPECT_FALSE(o.ok);
    EXPECT_EQ(o.status, HEARTH_ERR_TIMEOUT);
}

TEST_F(gateway_test, quarantine_takes_devices_offline_and_fails_pending) {
    std::optional<hearth::command_outcome> pending;
    gw->execute("hall_lock", named("lock"), {"mqtt", "t"}, [&](const hearth::command_outcome& o) { pending = o; });
    link->usable_ = false;
    events->on_failed("drv", "call 'handle_command' did not return within 5000 ms");
    ASSERT_TRUE(pending.has_value());
    EXPECT_FALSE(pending->ok);
    EXPECT_FALSE(gw->registry().find("hall_lock")->online);
    ASSERT_FALSE(rec.bridge_events.empty());
    EXPECT_EQ(rec.bridge_events.back()["type"], "plugin_failed");
    auto after = run("hall_lock", named("lock"));
    EXPECT_NE(after.error.find("is not running"), std::string::npos) << after.error;
}

TEST_F(gateway_test, reports_from_other_drivers_are_ignored_and_ready_is_announced) {
    events->on_state("other", "hall_lock", json{{"lock_state", "unlocked"}});
    EXPECT_EQ(gw->registry().find("hall_lock")->state["lock_state"], "locked");
    events->on_ready("drv");
    EXPECT_TRUE(rec.ready);
}

TEST_F(gateway_test, a_users_name_survives_driver_re_registration) {
    ASSERT_TRUE(gw->rename_device("hall_lock", "Front door"));
    EXPECT_EQ(rec.renamed, std::vector<std::string>{"Front door"});  // persistence stores it
    auto d = lock_descriptor();
    d.driver = "drv";
    d.name = "Nuki 3.0";
    d.raw["name"] = "Nuki 3.0";
    events->on_device_registered("drv", d);  // the driver registers it again under its own name
    EXPECT_EQ(gw->registry().find("hall_lock")->descriptor.name, "Front door");
    EXPECT_EQ(gw->registry().find("hall_lock")->descriptor.raw["name"], "Front door");
}

TEST(gateway_user_names, names_from_the_store_win_at_restore_and_registration) {
    boost::asio::io_context loop;
    hearth::manual_clock clock;
    hearth::gateway gw(loop, clock, {});
    gw.set_user_names({{"hall_lock", "Front door"}});
    auto d = lock_descriptor();
    d.driver = "drv";
    d.name = "Stored name";
    gw.restore_device(d, json::object());
    EXPECT_EQ(gw.registry().find("hall_lock")->descriptor.name, "Front door");
    EXPECT_TRUE(gw.remove_device("hall_lock"));  // a removed device's name is forgotten
    gw.restore_device(d, json::object());
    EXPECT_EQ(gw.registry().find("hall_lock")->descriptor.name, "Stored name");
}

TEST_F(gateway_test, plugin_loaded_waits_for_the_plugins_real_version) {
    auto loaded = [this] {
        std::vector<json> out;
        for (const auto& e : rec.bridge_events) {
            if (e.value("type", "") == "plugin_loaded") out.push_back(e);
        }
        return out;
    };
    EXPECT_TRUE(loaded().empty()) << "announced with an empty version";
    link->version = "2.1.0";
    events->on_loaded("drv");
    ASSERT_EQ(loaded().size(), 1u);
    EXPECT_EQ(loaded()[0]["version"], "2.1.0");
    events->on_loaded("drv");  // a restarted worker says hello again: not a new load
    EXPECT_EQ(loaded().size(), 1u);
}
