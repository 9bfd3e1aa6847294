// Unit tests of the nuki driver's pure pieces (no threads): the config schema and parse_config
// (refusals name the key and never echo the token), /list and callback parsing, the numeric
// state -> device model mapping of the README table, descriptors, the lock state machine with
// kit::pending_commands as the driver wires them (never optimistic, jam, unlatch, operations
// from the device) and the bridge authentication (hashed token, errors never show the query).
#include "bridge_auth.hpp"
#include "core/driver_schema.hpp"
#include "lock_tracker.hpp"
#include "nuki_model.hpp"
#include "nuki_schema.hpp"

#include <hearth/kit/http_client.hpp>
#include <hearth/kit/pending_commands.hpp>

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

namespace hearth::nuki {
namespace {

const json k_list = json::parse(R"([
  {"nukiId": 11, "deviceType": 0, "name": "Front", "firmwareVersion": "2.8.15",
   "lastKnownState": {"mode": 2, "state": 1, "stateName": "locked", "batteryCritical": false,
                      "batteryChargeState": 72, "doorsensorState": 2, "doorsensorStateName": "door closed",
                      "timestamp": "2024-01-01T00:00:00+00:00"}},
  {"nukiId": 12, "deviceType": 2, "name": "Opener", "lastKnownState": {"mode": 2, "state": 1}},
  {"nukiId": 13, "deviceType": 4, "name": "Back", "lastKnownState": {"state": 3, "batteryCritical": true,
                                                                    "doorsensorState": 1}},
  {"deviceType": 0, "name": "no id"},
  "garbage"
])");

/// What the host says about `config` (the schema check) or parse_config refuses; "" if accepted.
std::string refusal(const json& config) {
    std::string why;
    for (const auto& e : check_driver_config(k_config_schema, config)) why += e.pointer + ": " + e.reason + "\n";
    if (!why.empty()) return why;
    try {
        parse_config(config);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(NukiConfig, DefaultsAndRequiredKeys) {
    const json minimal = {{"host", "192.168.1.20"}, {"token", "abc123"}};
    EXPECT_EQ(refusal(minimal), "");
    const nuki_config c = parse_config(minimal);
    EXPECT_EQ(c.port, 8080);
    EXPECT_EQ(c.callback_port, 0);
    EXPECT_EQ(c.callback_host, "127.0.0.1");
    EXPECT_EQ(c.poll_interval_ms, 5000);  // no callbacks: poll more often
    EXPECT_EQ(c.timeout_ms, 3000);
    EXPECT_EQ(c.offline_after_failures, 3);
    EXPECT_EQ(c.command_timeout_ms, 20000);
    EXPECT_EQ(c.id_prefix, "nuki_");
    EXPECT_EQ(parse_config({{"host", "h"}, {"token", "t"}, {"callback_port", 8899}}).poll_interval_ms, 30000);
    EXPECT_NE(refusal({{"token", "abc"}}).find("host"), std::string::npos);
    EXPECT_NE(refusal({{"host", "h"}}).find("token"), std::string::npos);
}

TEST(NukiConfig, RefusesUnknownKeysAndWrongTypesNamingTheKey) {
    const json base = {{"host", "h"}, {"token", "abc123"}};
    auto with = [&](const char* k, json v) {
        json c = base;
        c[k] = std::move(v);
        return refusal(c);
    };
    EXPECT_NE(with("pol_interval_ms", 10).find("/pol_interval_ms"), std::string::npos);
    EXPECT_NE(with("port", "8080").find("/port"), std::string::npos);
    EXPECT_NE(with("port", 70000).find("/port"), std::string::npos);
    EXPECT_NE(with("timeout_ms", 2.5).find("/timeout_ms"), std::string::npos);
    EXPECT_NE(with("timeout_ms", 10000).find("/timeout_ms"), std::string::npos);  // watchdog budget
    EXPECT_NE(with("host", "a b").find("/host"), std::string::npos);
    EXPECT_NE(with("callback_host", "my-laptop").find("\"callback_host\""), std::string::npos);  // parse_config
    EXPECT_EQ(with("callback_host", "::1"), "");
    EXPECT_NE(with("hashed_token", 1).find("/hashed_token"), std::string::npos);
    EXPECT_NE(with("id_prefix", "Nuki ").find("/id_prefix"), std::string::npos);
    EXPECT_NE(with("offline_after_failures", 0).find("/offline_after_failures"), std::string::npos);
    EXPECT_FALSE(refusal("not an object").empty());
}

TEST(NukiConfig, TokenRefusalNeverEchoesTheToken) {
    const std::string secret = "Sup3r-Secret token!";
    const std::string why = refusal({{"host", "h"}, {"token", secret}});
    EXPECT_NE(why.find("/token"), std::string::npos);
    EXPECT_EQ(why.find("Sup3r"), std::string::npos) << why;
    EXPECT_NE(refusal({{"host", "h"}, {"token", 1234}}).find("/token"), std::string::npos);
}

TEST(NukiModel, ParsesListAndSkipsMalformedEntries) {
    const auto devices = parse_list(k_list);
    ASSERT_EQ(devices.size(), 3U);
    EXPECT_EQ(devices[0].nuki_id, 11U);
    EXPECT_EQ(devices[0].name, "Front");
    EXPECT_EQ(devices[0].firmware, "2.8.15");
    EXPECT_EQ(devices[0].last_known.state, 1);
    EXPECT_EQ(devices[0].last_known.battery_charge, 72);
    EXPECT_EQ(devices[0].last_known.door_sensor, 2);
    EXPECT_TRUE(is_lock_type(devices[0].device_type));
    EXPECT_FALSE(is_lock_type(devices[1].device_type));  // the Opener
    EXPECT_TRUE(is_lock_type(devices[2].device_type));
    EXPECT_TRUE(devices[2].last_known.battery_critical);
    EXPECT_FALSE(devices[2].last_known.battery_charge.has_value());
    EXPECT_THROW(parse_list(json::object()), std::runtime_error);
}

TEST(NukiModel, MapsEveryLockState) {
    const std::map<int, std::string> table = {{0, "unknown"},  {1, "locked"},    {2, "unlocking"}, {3, "unlocked"},
                                              {4, "locking"},  {5, "unlatched"}, {6, "unlocked"},  {7, "unlocking"},
                                              {254, "jammed"}, {255, "unknown"}, {42, "unknown"}};
    for (const auto& [n, name] : table) EXPECT_EQ(map_lock_state(n), name) << n;
}

TEST(NukiModel, MapsDoorSensorAndBattery) {
    EXPECT_EQ(map_door_state(std::nullopt), std::nullopt);
    EXPECT_EQ(map_door_state(1), std::nullopt);  // deactivated
    EXPECT_EQ(map_door_state(2), "closed");
    EXPECT_EQ(map_door_state(3), "open");
    EXPECT_EQ(map_door_state(4), "unknown");
    EXPECT_EQ(map_door_state(5), "unknown");
    lock_snapshot s;
    EXPECT_EQ(battery_percent(s), 100);
    s.battery_critical = true;
    EXPECT_EQ(battery_percent(s), 20);
    s.battery_charge = 9;
    EXPECT_EQ(battery_percent(s), 9);
}

TEST(NukiModel, DescriptorAndState) {
    const auto devices = parse_list(k_list);
    const json d = make_descriptor(devices[0], device_id("nuki_", 11), has_door_sensor(devices[0].last_known));
    EXPECT_EQ(d["id"], "nuki_11");
    EXPECT_EQ(d["type"], "lock");
    EXPECT_EQ(d["manufacturer"], "Nuki");
    EXPECT_TRUE(d["properties"].contains("door_state"));
    EXPECT_TRUE(d["commands"].contains("unlatch"));
    EXPECT_EQ(d["events"], json({"lock_operation", "lock_alarm"}));
    EXPECT_FALSE(has_door_sensor(devices[2].last_known));
    EXPECT_FALSE(make_descriptor(devices[2], "nuki_13", false)["properties"].contains("door_state"));
    EXPECT_EQ(state_json(devices[0].last_known, true),
              json({{"lock_state", "locked"}, {"battery", 72}, {"battery_critical", false}, {"door_state", "closed"}}));
    EXPECT_EQ(action_code("unlock"), 1);
    EXPECT_EQ(action_code("lock"), 2);
    EXPECT_EQ(action_code("unlatch"), 3);
    EXPECT_EQ(action_code("open"), 0);
}

TEST(NukiModel, ParsesCallbackBody) {
    const auto u = parse_callback(json::parse(
        R"({"nukiId": 11, "deviceType": 0, "mode": 2, "state": 4, "stateName": "locking", "batteryCritical": false,
            "batteryChargeState": 70, "doorsensorState": 3})"));
    ASSERT_TRUE(u.has_value());
    EXPECT_EQ(u->nuki_id, 11U);
    EXPECT_EQ(map_lock_state(u->state.state), "locking");
    EXPECT_EQ(map_door_state(u->state.door_sensor), "open");
    EXPECT_FALSE(parse_callback(json::parse(R"({"state": 1})")).has_value());
}

lock_snapshot at(int state) {
    lock_snapshot s;
    s.state = state;
    return s;
}

/// A lock's tracker and kit::pending_commands wired as nuki_driver::apply() wires them.
struct wired_lock {
    boost::asio::io_context io;  // never run: no timeout fires
    std::map<std::uint64_t, std::pair<hearth::status, std::string>> done;
    kit::pending_commands pending{io, [this](std::uint64_t id, hearth::status code, const std::string& m) {
                                      done[id] = {code, m};
                                      tracker.end();
                                  }};
    lock_tracker tracker{false};

    void begin(std::uint64_t id, const std::string& command) {
        tracker.begin(id, command);
        pending.forget("lock");
        pending.expect(id, "lock", {{"lock_state", target_state(command)}});
    }
    tracker_output apply(int state) {
        tracker_output out = tracker.apply(at(state));
        pending.on_state("lock", out.state);
        if (out.verdict) pending.fail_device("lock", out.verdict->first, out.verdict->second);
        return out;
    }
};

TEST(NukiTracker, CompletesOnlyWhenTheBridgeReportsTheTarget) {
    wired_lock l;
    l.apply(3);  // unlocked...
    l.apply(1);  // ...then locked
    l.begin(7, "unlock");
    EXPECT_TRUE(l.done.empty()) << "completed on a state known before the command";
    auto out = l.apply(1);  // stale: still locked
    EXPECT_TRUE(l.done.empty());
    out = l.apply(2);
    EXPECT_EQ(out.state["lock_state"], "unlocking");
    EXPECT_TRUE(l.done.empty());
    out = l.apply(3);
    ASSERT_EQ(l.done.count(7), 1U);
    EXPECT_EQ(l.done[7].first, hearth::status::ok);
    EXPECT_TRUE(out.events.empty());  // the core reports remote operations itself
    EXPECT_EQ(l.tracker.command_id(), 0U);
    l.begin(8, "unlock");  // already unlocked: still waits for a report after the command
    EXPECT_EQ(l.done.count(8), 0U);
    l.apply(3);
    EXPECT_EQ(l.done.count(8), 1U);
}

TEST(NukiTracker, JamFailsTheCommandAndRaisesAnAlarmOnce) {
    wired_lock l;
    l.apply(3);
    l.begin(8, "lock");
    l.apply(4);
    auto out = l.apply(254);
    ASSERT_EQ(l.done.count(8), 1U);
    EXPECT_EQ(l.done[8].first, hearth::status::device_error);
    EXPECT_NE(l.done[8].second.find("jammed"), std::string::npos);
    EXPECT_EQ(out.state["lock_state"], "jammed");
    ASSERT_EQ(out.events.size(), 1U);
    EXPECT_EQ(out.events[0], json({{"event_type", "lock_alarm"}, {"alarm", "jammed"}}));
    EXPECT_TRUE(l.apply(254).events.empty());
}

TEST(NukiTracker, UnlatchCompletesOnUnlatchedOrAfterUnlatchingThenUnlocked) {
    wired_lock l;
    l.apply(3);
    l.begin(9, "unlatch");
    l.apply(3);  // unlocked before it moved: not done
    EXPECT_TRUE(l.done.empty());
    l.apply(7);
    auto out = l.apply(3);  // a poll missed "unlatched"
    ASSERT_EQ(l.done.count(9), 1U);
    EXPECT_EQ(l.done[9].first, hearth::status::ok);
    EXPECT_TRUE(out.events.empty());
    l.begin(10, "unlatch");
    l.apply(5);
    ASSERT_EQ(l.done.count(10), 1U);
    EXPECT_EQ(l.done[10].first, hearth::status::ok);
}

TEST(NukiTracker, ReportsOperationsHearthDidNotStart) {
    lock_tracker t(true);
    EXPECT_TRUE(t.apply(at(1)).events.empty());  // first report: nothing happened
    t.apply(at(2));
    auto out = t.apply(at(3));
    ASSERT_EQ(out.events.size(), 1U);
    EXPECT_EQ(out.events[0]["event_type"], "lock_operation");
    EXPECT_EQ(out.events[0]["operation"], "unlock");
    EXPECT_EQ(out.events[0]["source"], "device");
    EXPECT_EQ(out.state["door_state"], "unknown");
    t.apply(at(5));
    EXPECT_TRUE(t.apply(at(3)).events.empty());          // unlatched falling back to unlocked
    EXPECT_FALSE(t.apply(at(254)).verdict.has_value());  // no command in progress
}

TEST(NukiAuth, HashedTokenFollowsTheBridgeSpec) {
    // SHA-256("2019-03-05T01:06:53Z,4711,abc123")
    const std::string q = hashed_token_query("abc123", "2019-03-05T01:06:53Z", 4711);
    EXPECT_EQ(q.rfind("ts=2019-03-05T01%3A06%3A53Z&rnr=4711&hash=", 0), 0U) << q;
    EXPECT_EQ(q.substr(q.find("hash=") + 5), sha256_hex("2019-03-05T01:06:53Z,4711,abc123"));
    EXPECT_EQ(q.find("abc123"), std::string::npos);
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(utc_timestamp(std::chrono::system_clock::time_point(std::chrono::seconds(1551748013))),
              "2019-03-05T01:06:53Z");
    EXPECT_EQ(url_encode("http://127.0.0.1:8899/a b"), "http%3A%2F%2F127.0.0.1%3A8899%2Fa%20b");
}

TEST(NukiHttp, ErrorsNameThePathButNeverTheQuery) {
    bridge_auth auth("VerySecretToken", false);
    const std::string target = auth.target("/list", {{"nukiId", "1"}});
    EXPECT_EQ(target, "/list?nukiId=1&token=VerySecretToken");
    boost::asio::io_context io;
    kit::http_client client(io, {.host = "127.0.0.1", .port = 1, .timeout = std::chrono::milliseconds(500)});
    std::string message;
    client.get_json(target, [&](const kit::result<json>& r) { message = r ? "ok?" : r.error().message; });
    io.run_for(std::chrono::seconds(5));  // nothing listens on port 1: refused at once
    ASSERT_NE(message.find("VerySecret"), std::string::npos) << "the kit's text shows the target: " << message;
    message = hide_query(message, target, "/list");
    EXPECT_NE(message.find("GET /list: "), std::string::npos) << message;
    EXPECT_EQ(message.find("VerySecret"), std::string::npos) << message;
    bridge_auth hashed("VerySecretToken", true);
    EXPECT_EQ(hashed.target("/list", {}).find("VerySecret"), std::string::npos);
}

TEST(NukiModel, FieldsOfTheWrongTypeFallBackInsteadOfThrowing) {
    // Found by fuzzing: json::value() throws on a type mismatch, which stopped a lock's polling.
    const json body = json::parse(R"({"success": "yes", "url": 42, "message": "busy", "ok": true})");
    EXPECT_TRUE(bool_field(body, "success", true));
    EXPECT_FALSE(bool_field(body, "success", false));
    EXPECT_TRUE(bool_field(body, "ok", false));
    EXPECT_FALSE(bool_field(json::array(), "ok", false));
    EXPECT_EQ(string_field(body, "url"), "");
    EXPECT_EQ(string_field(body, "message"), "busy");
    EXPECT_EQ(string_field(json("text"), "message"), "");
}

}  // namespace
}  // namespace hearth::nuki
