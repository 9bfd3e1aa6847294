// Lock safety end to end through MQTT (docs/architecture.md, "Door-lock safety"): PIN required,
// wrong codes and lockout, no optimistic state, command age limit, 'left unlocked' alarm, audit
// records in the database; and a full run with the Nuki bridge and ISAPI camera simulators, an
// MQTT password and debug logging in which no PIN, token or password appears in any log or message.
#include "support/hearth_fixture.hpp"

#include "store/store.hpp"
#include <hearth/testing/process.hpp>

#include "core/lock_policy.hpp"

#include <sqlite3.h>

#include <chrono>
#include <thread>

using namespace std::chrono_literals;
using json = nlohmann::json;

namespace hearth::test {

using namespace hearth::testing;  // the installed test kit: temp dirs, ports, processes
namespace {

const std::string pin = "4711";

json lock_config(int left_unlocked_s) {
    return {{"locks",
             {{"hall_lock",
               {{"pin_hash", hash_pin(pin, 1000)},
                {"max_attempts", 3},
                {"lockout_s", 2},
                {"max_command_age_s", 5},
                {"left_unlocked_s", left_unlocked_s}}}}}};
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::vector<std::string> audit_results(const std::filesystem::path& db_path) {
    std::vector<std::string> out;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return out;
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT action || ':' || result FROM audit_log WHERE target = 'hall_lock' ORDER BY id", -1,
                       &st, nullptr);
    while (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
        out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

class lock_safety : public hearth_test {};

}  // namespace

TEST_F(lock_safety, pin_lockout_age_limit_no_optimism_alarm_and_audit) {
    start_broker();
    auto options = default_daemon_options();
    options.config_extra = lock_config(1);
    auto& daemon = start_daemon(options);
    auto probe = make_probe({"hearth/#", "homeassistant/#"});
    ASSERT_TRUE(wait_online(*probe, 10s));
    ASSERT_TRUE(probe->wait_topic(state_topic("hall_lock"), 10s).has_value());

    // Discovery tells Home Assistant that a code is needed.
    auto discovery = probe->wait_topic(discovery_topic("hall_lock"), 10s);
    ASSERT_TRUE(discovery.has_value());
    EXPECT_TRUE(discovery->as_json()["cmps"]["hall_lock_lock"].contains("code_format"));

    const std::size_t start = probe->mark();
    auto r = probe->set("hall_lock", {{"command", "unlock"}});
    EXPECT_EQ(r["status"], "error");
    EXPECT_EQ(r["error"], "a PIN code is required to unlock this lock");
    auto denied = probe->wait_message(
        [](const received& m) {
            return m.topic == "hearth/hall_lock/event" && m.as_json().value("result", "") == "denied";
        },
        5s, start);
    ASSERT_TRUE(denied.has_value()) << "no lock_operation event for the refused unlock";
    EXPECT_EQ(denied->as_json()["event_type"], "lock_operation");
    EXPECT_EQ(denied->as_json()["source"], "mqtt");

    // Three wrong codes start the lockout; then even the right code is refused.
    EXPECT_NE(probe->set("hall_lock", {{"command", "unlock"}, {"code", "1111"}})["error"].get<std::string>().find(
                  "wrong PIN code"),
              std::string::npos);
    probe->set("hall_lock", {{"command", "unlock"}, {"code", "2222"}});
    auto third = probe->set("hall_lock", {{"command", "unlock"}, {"code", "3333"}});
    EXPECT_NE(third["error"].get<std::string>().find("too many wrong codes"), std::string::npos) << third.dump();
    EXPECT_TRUE(probe
                    ->wait_message(
                        [](const received& m) {
                            return m.topic == "hearth/hall_lock/event" &&
                                   m.as_json().value("alarm", "") == "wrong_code_limit";
                        },
                        5s, start)
                    .has_value());
    auto during = probe->set("hall_lock", {{"command", "unlock"}, {"code", pin}});
    EXPECT_NE(during["error"].get<std::string>().find("blocked"), std::string::npos) << during.dump();

    // An old command is refused whatever it asks.
    auto old = probe->set("hall_lock", {{"command", "lock"}, {"ts", now_ms() - 60'000}});
    EXPECT_NE(old["error"].get<std::string>().find("old"), std::string::npos) << old.dump();

    // After the lockout the right code works, and the state is never optimistic.
    std::this_thread::sleep_for(2100ms);  // the configured lockout: the behaviour under test is time itself
    const std::size_t before_unlock = probe->mark();
    auto ok = probe->set("hall_lock", {{"command", "unlock"}, {"code", pin}, {"ts", now_ms()}}, 10s);
    EXPECT_EQ(ok["status"], "ok") << ok.dump();
    std::vector<std::string> states;
    for (const auto& m : probe->messages(before_unlock)) {
        if (m.topic == state_topic("hall_lock")) states.push_back(m.as_json().value("lock_state", ""));
    }
    ASSERT_GE(states.size(), 2u);
    EXPECT_EQ(states.front(), "unlocking");
    EXPECT_EQ(states.back(), "unlocked");

    // Left unlocked for 1 s -> alarm.
    EXPECT_TRUE(probe
                    ->wait_message(
                        [](const received& m) {
                            return m.topic == "hearth/hall_lock/event" &&
                                   m.as_json().value("alarm", "") == "left_unlocked";
                        },
                        5s, before_unlock)
                    .has_value());
    EXPECT_EQ(probe->set("hall_lock", {{"command", "lock"}}, 10s)["status"], "ok");

    {
        const auto e = daemon.stop();
        ASSERT_TRUE(e.exited && !e.signalled && e.code == 0);
    }
    const auto audit = audit_results(daemon.database_path());
    const std::vector<std::string> expected = {
        "lock.unlock:denied",     "lock.unlock:denied", "lock.unlock:denied",  "lock.unlock:locked_out",
        "lock.unlock:locked_out", "lock.lock:denied",   "lock.unlock:attempt", "lock.unlock:ok",
        "lock.lock:attempt",      "lock.lock:ok"};
    EXPECT_EQ(audit, expected);
    EXPECT_EQ(daemon.log().find(pin), std::string::npos) << "the PIN reached the log";

    // The activity log (docs/proactive.md) has the unlock, asked through MQTT, but never its PIN.
    auto reader = store::open_reader(daemon.database_path());
    bool unlock_recorded = false;
    store::read_activity(reader, 0, now_ms() + 1, [&](const activity_record& r) {
        if (r.device_id == "hall_lock" && r.kind == activity_kind::command && r.name == "unlock") {
            unlock_recorded = unlock_recorded || r.source == "mqtt";
        }
        EXPECT_EQ(r.value.dump().find(pin), std::string::npos) << "the PIN reached the activity log";
        return true;
    });
    EXPECT_TRUE(unlock_recorded);
}

TEST_F(lock_safety, full_run_never_leaks_pin_token_or_passwords) {
    const std::string mqtt_secret = "mqtt-canary-7c1e93";
    const std::string token = "nukicanary5d20aa";
    const std::string camera_password = "cam-canary-0b77f4";
    const auto pw = dir_ / "mosquitto.passwd";
    ASSERT_EQ(
        run_command({"/usr/bin/mosquitto_passwd", "-c", "-b", pw.string(), "hearth", mqtt_secret}, dir_ / "passwd.log"),
        0);
    ASSERT_EQ(run_command({"/usr/bin/mosquitto_passwd", "-b", pw.string(), "probe", "probe-pass"}, dir_ / "passwd.log"),
              0);
    broker_options bo;
    bo.password_file = pw;
    start_broker(bo);
    write_file(dir_ / "mqtt.secret", mqtt_secret + "\n");

    const std::uint16_t nuki_port = free_tcp_port();
    const pid_t nuki = spawn_process(
        {NUKI_SIM_PATH, "--port", std::to_string(nuki_port), "--token", token, "--locks", "1"}, dir_ / "nuki_sim.log");
    const std::uint16_t cam_port = free_tcp_port();
    const pid_t cam = spawn_process({CAMERA_SIM_PATH, "--port", std::to_string(cam_port), "--user", "admin",
                                     "--password", camera_password, "--motion-every-ms", "500"},
                                    dir_ / "camera_sim.log");

    auto options = default_daemon_options();
    options.log_level = "trace";
    options.mqtt_extra = {{"username", "hearth"}, {"password_file", (dir_ / "mqtt.secret").string()}};
    options.extra_drivers = json::array({{{"plugin", "nuki"},
                                          {"id", "nuki"},
                                          {"config", {{"host", "127.0.0.1"}, {"port", nuki_port}, {"token", token}}}},
                                         {{"plugin", "isapi_camera"},
                                          {"id", "cam"},
                                          {"config",
                                           {{"host", "127.0.0.1"},
                                            {"port", cam_port},
                                            {"username", "admin"},
                                            {"password", camera_password},
                                            {"id", "porch_camera"}}}}});
    json locks = lock_config(0);
    locks["locks"]["nuki_20000001"] = locks["locks"]["hall_lock"];
    options.config_extra = locks;
    auto& daemon = start_daemon(options);

    probe_options po;
    po.username = "probe";
    po.password = "probe-pass";
    auto probe = make_probe({"#"}, po);
    ASSERT_TRUE(wait_online(*probe, 15s));
    ASSERT_TRUE(probe->wait_topic(state_topic("nuki_20000001"), 15s).has_value()) << "the Nuki lock did not appear";
    ASSERT_TRUE(probe->wait_topic(state_topic("porch_camera"), 15s).has_value()) << "the camera did not appear";

    // Exercise every secret-bearing path: wrong and right PINs on a real-protocol lock, a camera
    // snapshot with digest auth, and requests.
    EXPECT_EQ(probe->set("nuki_20000001", {{"command", "unlock"}, {"code", "0000"}})["status"], "error");
    EXPECT_EQ(probe->set("nuki_20000001", {{"command", "unlock"}, {"code", pin}}, 15s)["status"], "ok");
    EXPECT_EQ(probe->set("nuki_20000001", {{"command", "lock"}}, 15s)["status"], "ok");
    EXPECT_EQ(probe->set("porch_camera", {{"command", "snapshot"}}, 15s)["status"], "ok");
    EXPECT_TRUE(probe->wait_topic("hearth/porch_camera/snapshot", 5s).has_value());
    EXPECT_FALSE(probe->request("health").is_null());
    EXPECT_FALSE(probe->request("info").is_null());

    {
        const auto e = daemon.stop();
        ASSERT_TRUE(e.exited && !e.signalled && e.code == 0);
    }
    stop_process(nuki, SIGTERM, 3s);
    stop_process(cam, SIGTERM, 3s);

    const std::string log = daemon.log();
    ASSERT_GT(log.size(), 1000u);
    for (const std::string& secret : {pin, token, camera_password, mqtt_secret}) {
        EXPECT_EQ(log.find(secret), std::string::npos) << "a secret reached hearthd's log";
        for (const auto& m : probe->messages(0)) {
            const bool our_own_command = m.topic.size() > 4 && m.topic.compare(m.topic.size() - 4, 4, "/set") == 0;
            if (our_own_command) continue;  // the test itself sends the PIN there
            EXPECT_EQ(m.payload.find(secret), std::string::npos) << "a secret reached MQTT on " << m.topic;
        }
    }
}

// The Matter bridge relays a person's lock commands with "via": "matter" (docs/matter.md): the
// PIN rules are the same as for any remote command, the audit log and the lock_operation event
// name `matter` as the source, and no other relay name is accepted (a /set that claims to be the
// keypad, which needs no PIN, is refused before the lock gate).
TEST_F(lock_safety, commands_relayed_by_matter_keep_the_pin_rules_and_are_audited_as_matter) {
    start_broker();
    auto options = default_daemon_options();
    options.config_extra = lock_config(3600);
    auto& daemon = start_daemon(options);
    auto probe = make_probe({"hearth/#"});
    ASSERT_TRUE(wait_online(*probe, 10s));
    ASSERT_TRUE(probe->wait_topic(state_topic("hall_lock"), 10s).has_value());

    auto spoofed = probe->set("hall_lock", {{"command", "unlock"}, {"via", "keypad"}});
    EXPECT_NE(spoofed.value("error", "").find("'via' must be \"matter\""), std::string::npos) << spoofed.dump();

    const std::size_t start = probe->mark();
    auto no_pin = probe->set("hall_lock", {{"command", "unlock"}, {"via", "matter"}});
    EXPECT_EQ(no_pin["error"], "a PIN code is required to unlock this lock") << no_pin.dump();
    auto denied = probe->wait_message(
        [](const received& m) {
            return m.topic == "hearth/hall_lock/event" && m.as_json().value("result", "") == "denied";
        },
        5s, start);
    ASSERT_TRUE(denied.has_value());
    EXPECT_EQ(denied->as_json()["source"], "matter");
    EXPECT_NE(probe->set("hall_lock", {{"command", "unlock"}, {"code", "9999"}, {"via", "matter"}})["error"]
                  .get<std::string>()
                  .find("wrong PIN code"),
              std::string::npos);
    auto ok = probe->set("hall_lock", {{"command", "unlock"}, {"code", pin}, {"via", "matter"}}, 10s);
    EXPECT_EQ(ok["status"], "ok") << ok.dump();
    EXPECT_EQ(probe->set("hall_lock", {{"command", "lock"}, {"via", "matter"}}, 10s)["status"], "ok");

    {
        const auto e = daemon.stop();
        ASSERT_TRUE(e.exited && !e.signalled && e.code == 0);
    }
    std::vector<std::string> rows;
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(daemon.database_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT source || ' ' || action || ':' || result FROM audit_log WHERE target = 'hall_lock' "
                       "ORDER BY id",
                       -1, &st, nullptr);
    while (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
        rows.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    const std::vector<std::string> expected = {"matter lock.unlock:denied",  "matter lock.unlock:denied",
                                               "matter lock.unlock:attempt", "matter lock.unlock:ok",
                                               "matter lock.lock:attempt",   "matter lock.lock:ok"};
    EXPECT_EQ(rows, expected);

    auto reader = store::open_reader(daemon.database_path());
    bool relayed = false;
    store::read_activity(reader, 0, now_ms() + 1, [&](const activity_record& r) {
        if (r.device_id == "hall_lock" && r.kind == activity_kind::command && r.name == "unlock") {
            relayed = relayed || r.source == "matter";
        }
        return true;
    });
    EXPECT_TRUE(relayed) << "the activity log does not name matter as the unlock's source";
}

}  // namespace hearth::test
