// hearth-community without a network: the envelope checks of the wire contract, the SQLite store
// (de-duplication, alerts, acknowledgement, health, responses, pruning by age), escalation timing
// and the config checks. Time is a parameter throughout.
#include "community/community_config.hpp"
#include "community/community_core.hpp"
#include "community/envelope.hpp"
#include "ctl/commands_community.hpp"
#include "uplink_canary.hpp"

#include <hearth/testing/temp_dir.hpp>

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace hc = hearth::community;
using nlohmann::json;

namespace {

json envelope(const std::string& home, const std::string& kind, int seq, json data = json::object()) {
    return {{"v", 1},           {"id", home + ":00ff:" + std::to_string(seq)},
            {"site", "s1"},     {"home", home},
            {"kind", kind},     {"priority", kind == "health" ? "low" : "alarm"},
            {"ts", 1000 + seq}, {"data", std::move(data)}};
}

std::string topic(const std::string& home, const std::string& kind) { return "community/s1/" + home + "/up/" + kind; }

}  // namespace

TEST(CommunityEnvelope, AcceptsAWellFormedAlarm) {
    const auto m = hc::parse_up_message(topic("h1", "alarm"), envelope("h1", "alarm", 7, {{"device", "d"}}).dump());
    ASSERT_TRUE(m.has_value()) << m.error();
    EXPECT_EQ(m.value().id, "h1:00ff:7");
    EXPECT_EQ(m.value().ts, 1007);
    EXPECT_EQ(m.value().data["device"], "d");
}

TEST(CommunityEnvelope, RefusesEveryMalformedShape) {
    const auto good = envelope("h1", "alarm", 1);
    const auto refused = [&](const std::string& t, const std::string& payload) {
        return !hc::parse_up_message(t, payload).has_value();
    };
    EXPECT_TRUE(refused("community/s1/h1/up", good.dump()));
    EXPECT_TRUE(refused("community/s1/h1/down/alarm", good.dump()));
    EXPECT_TRUE(refused("community/S1/h1/up/alarm", good.dump()));
    EXPECT_TRUE(refused(topic("h1", "selfie"), good.dump()));
    EXPECT_TRUE(refused(topic("h1", "alarm"), "not json"));
    EXPECT_TRUE(refused(topic("h1", "alarm"), "[1,2]"));
    EXPECT_TRUE(refused(topic("h1", "alarm"), std::string(hc::max_payload_bytes + 1, ' ')));
    EXPECT_TRUE(refused(topic("h2", "alarm"), good.dump())) << "home differs from the topic";
    EXPECT_TRUE(refused(topic("h1", "health"), good.dump())) << "kind differs from the topic";
    for (const char* key : {"v", "id", "site", "home", "kind", "priority", "ts", "data"}) {
        auto missing = good;
        missing.erase(key);
        EXPECT_TRUE(refused(topic("h1", "alarm"), missing.dump())) << "missing " << key;
        auto wrong = good;
        wrong[key] = json::array();
        EXPECT_TRUE(refused(topic("h1", "alarm"), wrong.dump())) << "mistyped " << key;
    }
    auto other_home_id = good;
    other_home_id["id"] = "h2:00ff:1";
    EXPECT_TRUE(refused(topic("h1", "alarm"), other_home_id.dump())) << "id of another home";
    auto v2 = good;
    v2["v"] = 2;
    EXPECT_TRUE(refused(topic("h1", "alarm"), v2.dump()));
    auto bad_priority = good;
    bad_priority["priority"] = "urgent";
    EXPECT_TRUE(refused(topic("h1", "alarm"), bad_priority.dump()));
    auto negative_ts = good;
    negative_ts["ts"] = -5;
    EXPECT_TRUE(refused(topic("h1", "alarm"), negative_ts.dump()));
}

TEST(CommunityEnvelope, BuildsTheDownRequestEnvelope) {
    const auto r = hc::make_down_request("s1", "h1", "diagnostics", "r-1", 55, json::object());
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r.value().topic, "community/s1/h1/down/request/diagnostics");
    const auto body = json::parse(r.value().payload);
    EXPECT_EQ(body, (json{{"v", 1}, {"id", "r-1"}, {"name", "diagnostics"}, {"ts", 55}, {"args", json::object()}}));
    EXPECT_FALSE(hc::make_down_request("s1", "h1", "reboot", "r-1", 55, json::object()).has_value());
    EXPECT_FALSE(hc::make_down_request("s1", "H1", "health", "r-1", 55, json::object()).has_value());
    EXPECT_FALSE(hc::make_down_request("s1", "h1", "health", std::string(65, 'x'), 55, json::object()).has_value());
}

class CommunityCore : public ::testing::Test {
protected:
    hearth::testing::temp_dir dir_{"community-core"};
    hc::community_core core_{hc::community_store::open(dir_ / "c.db"), 60'000, 7};
};

TEST_F(CommunityCore, StoresEachIdOnceAndCountsDuplicatesAndRefusals) {
    const auto payload = envelope("h1", "alarm", 1).dump();
    EXPECT_EQ(core_.handle(topic("h1", "alarm"), payload, 10'000), hc::handled::stored);
    EXPECT_EQ(core_.handle(topic("h1", "alarm"), payload, 10'001), hc::handled::duplicate);
    EXPECT_EQ(core_.handle(topic("h1", "alarm"), "{\"v\":1}", 10'002), hc::handled::rejected);
    EXPECT_EQ(core_.counters().stored.load(), 1);
    EXPECT_EQ(core_.counters().duplicates.load(), 1);
    EXPECT_EQ(core_.counters().rejected.load(), 1);
    const auto alerts = core_.store().open_alerts();
    ASSERT_EQ(alerts.size(), 1U);
    EXPECT_EQ(alerts[0].id, "h1:00ff:1");
    EXPECT_EQ(alerts[0].received_ms, 10'000);
}

TEST_F(CommunityCore, EscalatesAnUnacknowledgedAlarmOnceAfterTheDelay) {
    core_.handle(topic("h1", "alarm"), envelope("h1", "alarm", 1).dump(), 10'000);
    core_.handle(topic("h2", "alarm"), envelope("h2", "alarm", 1).dump(), 10'000);
    core_.handle(topic("h3", "care_alert"), envelope("h3", "care_alert", 1).dump(), 10'000);
    EXPECT_TRUE(core_.store().acknowledge("h2:00ff:1", "desk", 20'000));
    EXPECT_FALSE(core_.store().acknowledge("h2:00ff:1", "desk", 20'001)) << "already acknowledged";
    EXPECT_TRUE(core_.tick(69'999).empty());
    const auto due = core_.tick(70'000);
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0].topic, "community/s1/escalation");
    EXPECT_EQ(json::parse(due[0].payload)["alert"], "h1:00ff:1");
    EXPECT_TRUE(core_.tick(80'000).empty()) << "escalated once";
    EXPECT_EQ(core_.store().open_alerts().size(), 2U) << "h1's alarm and h3's care alert stay open";
}

TEST_F(CommunityCore, KeepsTheNewestHealthAndTheResponses) {
    core_.handle(topic("h1", "health"), envelope("h1", "health", 5, {{"ok", true}}).dump(), 1);
    core_.handle(topic("h1", "health"), envelope("h1", "health", 3, {{"ok", false}}).dump(), 2);
    ASSERT_TRUE(core_.store().health("h1").has_value());
    EXPECT_EQ(json::parse(*core_.store().health("h1"))["ok"], true) << "an older health (ts) does not win";
    core_.handle(topic("h1", "response"),
                 envelope("h1", "response", 9, {{"request_id", "r-1"}, {"name", "health"}, {"status", "ok"}}).dump(),
                 3);
    const auto response = core_.store().response("r-1");
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, "ok");
    EXPECT_EQ(response->home, "h1");
    const auto homes = core_.store().homes();
    ASSERT_EQ(homes.size(), 1U);
    EXPECT_TRUE(homes[0].has_health);
    EXPECT_EQ(homes[0].last_seen_ms, 3);
}

TEST_F(CommunityCore, ForgetsSeenIdsOlderThanTheWindow) {
    constexpr std::int64_t day = 24LL * 3600 * 1000;
    core_.handle(topic("h1", "lock_event"), envelope("h1", "lock_event", 1).dump(), day);
    core_.handle(topic("h1", "lock_event"), envelope("h1", "lock_event", 2).dump(), 5 * day);
    EXPECT_EQ(core_.store().prune_seen(8 * day + 1, 7), 1);
    EXPECT_EQ(core_.store().seen_count(), 1);
}

TEST(CommunityConfig, ChecksEveryField) {
    hearth::testing::temp_dir dir("community-config");
    hearth::testing::write_file(dir / "pw", "secret\n");
    const json good = {{"urls", {"mqtt://127.0.0.1:1883", "mqtt://127.0.0.1:1884"}},
                       {"client_id", "community-service"},
                       {"username", "community-service"},
                       {"password_file", "pw"},
                       {"database", "c.db"},
                       {"escalate_after_s", 120},
                       {"dedup_days", 7}};
    const auto config = hc::parse_community_config(good, dir.path());
    ASSERT_TRUE(config.has_value()) << config.error();
    EXPECT_EQ(config.value().password, "secret");
    EXPECT_EQ(config.value().database, dir / "c.db");
    EXPECT_EQ(config.value().urls.size(), 2U);
    auto bad = good;
    bad["urls"] = json::array();
    bad["escalate_after_s"] = "soon";
    bad["extra"] = 1;
    const auto refused = hc::parse_community_config(bad, dir.path());
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().find("/urls"), std::string::npos) << refused.error();
    EXPECT_NE(refused.error().find("/escalate_after_s"), std::string::npos) << refused.error();
    auto userinfo = good;
    userinfo["urls"] = {"mqtt://u:p@127.0.0.1:1883"};
    EXPECT_FALSE(hc::parse_community_config(userinfo, dir.path()).has_value());
}

TEST(UplinkCanary, FindsPinsTokensAndImagesButNotAnAlarm) {
    using hearth::community_test::uplink_canary_finding;
    EXPECT_EQ(uplink_canary_finding(R"({"device":"smoke","event_type":"smoke_alarm","event":{"test":true}})"), "");
    EXPECT_EQ(uplink_canary_finding(R"({"action":"unlock","pin":"1234"})"), R"("pin")");
    EXPECT_EQ(uplink_canary_finding(R"({"token":"abc"})"), R"("token")");
    EXPECT_EQ(uplink_canary_finding("xx\xff\xd8\xff\xe0yy"), "\xff\xd8\xff");
    EXPECT_EQ(uplink_canary_finding(R"({"snapshot":"/9j/4AAQSkZJRg"})"), "/9j/4");
    EXPECT_EQ(uplink_canary_finding(R"({"note":"739146"})", {"739146"}), "739146");
}

TEST(HearthctlCommunity, ListsHomesAlertsHealthAndAcknowledges) {
    hearth::testing::temp_dir dir("community-ctl");
    {
        hc::community_core core(hc::community_store::open(dir / "c.db"), 60'000, 7);
        core.handle(topic("h1", "alarm"),
                    envelope("h1", "alarm", 1, {{"device", "smoke"}, {"event_type", "smoke_alarm"}}).dump(), 1000);
        core.handle(topic("h2", "health"), envelope("h2", "health", 2, {{"uptime_s", 42}}).dump(), 2000);
    }
    hearth::testing::write_file(dir / "c.json", R"({"urls":["mqtt://127.0.0.1:1"],"database":"c.db"})");
    const auto run = [&](std::vector<std::string> args, std::string& out) {
        args.insert(args.begin(), (dir / "c.json").string());
        std::ostringstream o;
        std::ostringstream e;
        const int code = hearth::ctl::run_community_command(args, o, e);
        out = o.str() + e.str();
        return code;
    };
    std::string out;
    EXPECT_EQ(run({"homes"}, out), 0);
    EXPECT_NE(out.find("h1"), std::string::npos) << out;
    EXPECT_NE(out.find("h2"), std::string::npos) << out;
    EXPECT_EQ(run({"alerts"}, out), 0);
    EXPECT_NE(out.find("h1:00ff:1"), std::string::npos) << out;
    EXPECT_NE(out.find("smoke_alarm (smoke)"), std::string::npos) << out;
    EXPECT_EQ(run({"health", "h2"}, out), 0);
    EXPECT_NE(out.find("\"uptime_s\": 42"), std::string::npos) << out;
    EXPECT_EQ(run({"health", "h1"}, out), 1) << "h1 sent no health";
    EXPECT_EQ(run({"ack", "h1:00ff:1", "--by", "desk"}, out), 0) << out;
    EXPECT_EQ(run({"ack", "h1:00ff:1"}, out), 1) << "already acknowledged";
    EXPECT_EQ(run({"alerts", "--json"}, out), 0);
    EXPECT_EQ(nlohmann::json::parse(out), nlohmann::json::array());
    EXPECT_EQ(run({"diagnostics", "nowhere"}, out), 1) << "a home that never reported";
    EXPECT_EQ(run({"frobnicate"}, out), 2);
    EXPECT_EQ(run({"ack"}, out), 2);
}
