// The community uplink end to end (docs/community.md): a real hearthd with the demo driver (and
// the alarm_source test plugin), a local mosquitto and a second mosquitto as the community
// broker. An alarm reaches community/<site>/<home>/up/alarm; with the community broker down,
// alarms queue in the outbox, survive a restart and a kill -9, and all arrive once it returns;
// requests off the accept list, or an unlock of a device not in unlock_devices, are refused and
// audited; a command to a listed device runs; no canary secret ever appears on the uplink.
#include "support/hearth_fixture.hpp"

#include <hearth/testing/ports.hpp>
#include <hearth/testing/process.hpp>
#include <hearth/testing/temp_dir.hpp>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <csignal>

#include <chrono>
#include <functional>
#include <map>
#include <set>

#ifndef ALARM_SOURCE_DIR
#error "ALARM_SOURCE_DIR must name the directory of the alarm_source plugin"
#endif

namespace hearth::test {
namespace {

using json = nlohmann::json;
using hearth::testing::run_command;
using hearth::testing::write_file;

constexpr const char* prefix = "community/oak/h1";

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class uplink_it : public hearth_test {
protected:
    void SetUp() override {
        hearth_test::SetUp();
        std::filesystem::create_directories(dir_ / "community");
        community_ = std::make_unique<broker_process>(dir_ / "community");
    }

    void TearDown() override {
        if (daemon_) daemon_->stop(std::chrono::seconds(3));
        if (community_) community_->stop();
        hearth_test::TearDown();
    }

    /// The uplink section: failover from a dead port to the community broker.
    json uplink_section(json extra = json::object()) const {
        json u = {{"enabled", true},
                  {"urls", {"mqtt://127.0.0.1:" + std::to_string(dead_port_), community_->url()}},
                  {"site_id", "oak"},
                  {"home_id", "h1"},
                  {"health_interval_s", 10}};
        u.update(extra);
        return u;
    }

    /// A probe on the community broker, subscribed to the home's up topics.
    std::unique_ptr<mqtt_probe> community_probe(const std::string& user = {}, const std::string& password = {}) {
        auto p = std::make_unique<mqtt_probe>(probe_options{community_->port(), {}, user, password, "hearth"});
        p->connect();
        p->subscribe({std::string(prefix) + "/up/#"});
        return p;
    }

    /// Publishes a request on the community broker.
    static void send_request(mqtt_probe& p, const std::string& name, const std::string& id, json args,
                             std::int64_t ts = wall_ms()) {
        p.publish(std::string(prefix) + "/down/request/" + name,
                  json{{"v", 1}, {"id", id}, {"name", name}, {"ts", ts}, {"args", std::move(args)}}.dump());
    }

    /// The response to request `id`, waiting up to 10 s.
    static json response_of(mqtt_probe& p, const std::string& id) {
        const auto m = p.wait_message(
            [&](const received& r) {
                if (r.topic != std::string(prefix) + "/up/response") return false;
                const auto j = r.as_json();
                return j.is_object() && j["data"].value("request_id", std::string()) == id;
            },
            std::chrono::seconds(10));
        return m ? m->as_json() : json();
    }

    /// Audit rows written by the uplink: request id -> result.
    std::map<std::string, std::string> uplink_audit() const {
        std::map<std::string, std::string> out;
        sqlite3* db = nullptr;
        const auto path = (dir_ / "db" / "hearth.db").string();
        if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return out;
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(db, "SELECT actor, result FROM audit_log WHERE source = 'uplink' ORDER BY id", -1, &st,
                           nullptr);
        while (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
            out[reinterpret_cast<const char*>(sqlite3_column_text(st, 0))] =
                reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
        }
        sqlite3_finalize(st);
        sqlite3_close(db);
        return out;
    }

    /// Asks for health on the local broker until `pred(health.uplink)` holds or `timeout` passes
    /// (each request waits for its answer; no sleeps).
    static bool wait_uplink(mqtt_probe& local, const std::function<bool(const json&)>& pred,
                            std::chrono::milliseconds timeout) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < end) {
            const auto h = local.request("health", json::object(), std::chrono::seconds(2));
            if (h.is_object() && h["data"].is_object() && h["data"]["uplink"].is_object() && pred(h["data"]["uplink"]))
                return true;
        }
        return false;
    }

    /// Starts hearthd (again) and waits until the test smoke detector is online.
    void start_until_smoke_online(mqtt_probe& local) {
        const auto before = local.mark();
        daemon_->start();
        ASSERT_TRUE(local.wait_message(
            [](const received& m) {
                return m.topic == "hearth/t_smoke/availability" && m.as_json().value("state", "") == "online";
            },
            std::chrono::seconds(15), before));
    }

    std::unique_ptr<broker_process> community_;
    std::uint16_t dead_port_ = hearth::testing::free_tcp_port();
};

TEST_F(uplink_it, demo_alarm_goes_up_and_requests_are_checked_and_audited) {
    start_broker();
    community_->start();
    auto up = community_probe();
    auto opts = default_daemon_options();
    opts.demo_config = {{"tick_ms", 100}, {"jam_lock", true}};
    opts.config_extra = {{"locks", {{"hall_lock", {{"pin", "none"}}}}},
                         {"uplink", uplink_section({{"accept", {"health", "commands"}},
                                                    {"command_devices", {"living_light", "hall_lock"}}})}};
    start_daemon(opts);
    auto local = make_probe({"hearth/#"});
    ASSERT_TRUE(wait_online(*local, std::chrono::seconds(10)));
    ASSERT_TRUE(local->wait_topic("hearth/hall_lock", std::chrono::seconds(10)).has_value());

    // Unlock locally, then lock: the demo lock jams and raises lock_alarm.
    ASSERT_EQ(local->set("hall_lock", {{"command", "unlock"}}, std::chrono::seconds(10)).value("status", ""), "ok");
    local->set("hall_lock", {{"command", "lock"}}, std::chrono::seconds(10));
    const auto alarm = up->wait_topic(std::string(prefix) + "/up/alarm", std::chrono::seconds(15));
    ASSERT_TRUE(alarm.has_value());
    const auto a = alarm->as_json();
    EXPECT_EQ(a["v"], 1);
    EXPECT_EQ(a["site"], "oak");
    EXPECT_EQ(a["home"], "h1");
    EXPECT_EQ(a["kind"], "alarm");
    EXPECT_EQ(a["priority"], "alarm");
    EXPECT_EQ(a["data"]["device"], "hall_lock");
    EXPECT_EQ(a["data"]["event_type"], "lock_alarm");
    EXPECT_EQ(a["data"]["event"]["alarm"], "jammed");
    EXPECT_TRUE(a["id"].get<std::string>().starts_with("h1:"));

    // Refused: a name not on the accept list; an unlock of a device not in unlock_devices.
    send_request(*up, "diagnostics", "req-diag", json::object());
    auto r = response_of(*up, "req-diag");
    EXPECT_EQ(r["data"]["status"], "error");
    EXPECT_NE(r["data"].value("error", "").find("accept"), std::string::npos) << r.dump();
    send_request(*up, "command", "req-unlock", {{"device", "hall_lock"}, {"command", "unlock"}});
    r = response_of(*up, "req-unlock");
    EXPECT_EQ(r["data"]["status"], "error");
    EXPECT_NE(r["data"].value("error", "").find("unlock_devices"), std::string::npos) << r.dump();
    send_request(*up, "health", "req-stale", json::object(), wall_ms() - 6 * 60 * 1000);
    r = response_of(*up, "req-stale");
    EXPECT_NE(r["data"].value("error", "").find("stale"), std::string::npos) << r.dump();

    // Allowed: health, and a command to a listed device through the normal execute path.
    send_request(*up, "health", "req-health", json::object());
    r = response_of(*up, "req-health");
    EXPECT_EQ(r["data"]["status"], "ok") << r.dump();
    EXPECT_TRUE(r["data"]["data"].contains("uplink"));
    ASSERT_EQ(local->set("living_light", {{"on", false}}).value("status", ""), "ok");
    const auto mark = local->mark();
    send_request(*up, "command", "req-light", {{"device", "living_light"}, {"on", true}});
    r = response_of(*up, "req-light");
    EXPECT_EQ(r["data"]["status"], "ok") << r.dump();
    EXPECT_TRUE(local->wait_message(
        [](const received& m) { return m.topic == "hearth/living_light" && m.as_json().value("on", false); },
        std::chrono::seconds(10), mark));

    const auto health = local->request("health");
    EXPECT_EQ(health["data"]["uplink"]["connected"], true) << health.dump();
    EXPECT_GE(health["data"]["uplink"]["refused_requests"].get<int>(), 3);

    daemon_->stop(std::chrono::seconds(3));
    const auto audit = uplink_audit();
    EXPECT_EQ(audit.at("req-diag"), "denied");
    EXPECT_EQ(audit.at("req-unlock"), "denied");
    EXPECT_EQ(audit.at("req-stale"), "denied");
    EXPECT_EQ(audit.at("req-health"), "accepted");
    EXPECT_EQ(audit.at("req-light"), "accepted");
}

TEST_F(uplink_it, alarms_queue_while_the_community_is_down_and_all_arrive_after_restarts_and_kill_9) {
    start_broker();
    // The community broker knows the probe; the hub's password is wrong until it is set (and
    // the broker reloads it) after the probe has subscribed, so nothing the hub sends when the
    // broker returns can pass before the probe listens.
    const auto pw = dir_ / "community.passwd";
    ASSERT_EQ(
        run_command({"/usr/bin/mosquitto_passwd", "-c", "-b", pw.string(), "probe", "probe-pass"}, dir_ / "passwd.log"),
        0);
    ASSERT_EQ(run_command({"/usr/bin/mosquitto_passwd", "-b", pw.string(), "h1", "not-yet"}, dir_ / "passwd.log"), 0);
    write_file(dir_ / "uplink.secret", "h1-pass\n");
    broker_options bo;
    bo.password_file = pw;
    community_ = std::make_unique<broker_process>(dir_ / "community", bo);
    community_->start();
    community_->stop();  // fixes its port, then down
    auto opts = default_daemon_options();
    opts.log_level = "info";
    opts.config_extra = {{"plugins", {{"dir", ALARM_SOURCE_DIR}}},
                         {"drivers", json::array({{{"plugin", "alarm_source"}, {"id", "t"}, {"isolation", "inproc"}}})},
                         {"uplink", uplink_section({{"publish", {"alarms", "health"}},
                                                    {"password_file", (dir_ / "uplink.secret").string()}})}};
    auto local = make_probe({"hearth/#"});
    daemon_ = std::make_unique<daemon_process>(dir_, opts);
    ASSERT_NO_FATAL_FAILURE(start_until_smoke_online(*local));

    // Run 1: 20 alarms (1..20), then kill -9.
    ASSERT_EQ(local->set("t_smoke", {{"command", "raise"}, {"params", {{"count", 20}}}}).value("status", ""), "ok");
    ASSERT_TRUE(wait_uplink(
        *local, [](const json& u) { return u.value("queued", 0) >= 20; }, std::chrono::seconds(10)));
    daemon_->kill_hard();

    // Run 2: 10 more (21..30), stopped cleanly.
    daemon_->options().config_extra["drivers"][0]["config"] = {{"first", 21}};
    ASSERT_NO_FATAL_FAILURE(start_until_smoke_online(*local));
    ASSERT_EQ(local->set("t_smoke", {{"command", "raise"}, {"params", {{"count", 10}}}}).value("status", ""), "ok");
    const auto h = local->request("health");
    EXPECT_GE(h["data"]["uplink"].value("queued", 0), 30) << h.dump();
    EXPECT_EQ(h["data"]["uplink"]["connected"], false);
    EXPECT_EQ(h["data"]["uplink"]["dropped"], 0);
    daemon_->stop(std::chrono::seconds(5));

    // Run 3: the community broker returns; every alarm 1..30 arrives (at least once each).
    daemon_->options().config_extra["drivers"][0]["config"] = {{"first", 31}};
    ASSERT_NO_FATAL_FAILURE(start_until_smoke_online(*local));
    community_->start();
    auto up = community_probe("probe", "probe-pass");
    ASSERT_EQ(run_command({"/usr/bin/mosquitto_passwd", "-b", pw.string(), "h1", "h1-pass"}, dir_ / "passwd.log"), 0);
    ASSERT_EQ(::kill(community_->pid(), SIGHUP), 0);  // mosquitto reloads its password file
    std::set<long> seen;
    std::map<std::string, long> id_of;
    const bool all = up->wait_for(
        [&](const std::vector<received>& msgs) {
            seen.clear();
            for (const auto& m : msgs) {
                if (m.topic != std::string(prefix) + "/up/alarm") continue;
                const auto j = m.as_json();
                seen.insert(j["data"]["event"].value("n", 0L));
            }
            return seen.size() >= 30;
        },
        std::chrono::seconds(30));
    EXPECT_TRUE(all) << "alarms seen: " << seen.size();
    for (long n = 1; n <= 30; ++n) EXPECT_TRUE(seen.contains(n)) << n;
    // One id per alarm (a re-send repeats the id, never reuses it for another alarm); no canary.
    for (const auto& m : up->messages()) {
        EXPECT_EQ(m.payload.find("CANARY"), std::string::npos) << m.payload;
        if (m.topic != std::string(prefix) + "/up/alarm") continue;
        const auto j = m.as_json();
        const long n = j["data"]["event"].value("n", 0L);
        auto [it, fresh] = id_of.emplace(j["id"].get<std::string>(), n);
        EXPECT_EQ(it->second, n) << "id " << it->first << " used for two alarms";
    }
    EXPECT_TRUE(wait_uplink(
        *local, [](const json& u) { return u.value("queued", -1) == 0; }, std::chrono::seconds(15)))
        << "the outbox did not empty";
}

}  // namespace
}  // namespace hearth::test
