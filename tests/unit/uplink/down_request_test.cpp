// Community requests (uplink/down_request.hpp): parsing refusals, the accept list, the command
// and unlock device lists, staleness (5 minutes) and the rate limit per name (10 per minute).
#include "uplink/down_request.hpp"

#include <gtest/gtest.h>

namespace {

using nlohmann::json;
namespace up = hearth::uplink;

constexpr std::int64_t now = 1'704'067'200'000;

std::string request(const std::string& name, std::int64_t ts = now, json args = json::object(),
                    const std::string& id = "r-1") {
    return json{{"v", 1}, {"id", id}, {"name", name}, {"ts", ts}, {"args", std::move(args)}}.dump();
}

hearth::uplink_config accepting(std::set<std::string> accept) {
    hearth::uplink_config c;
    c.accept = std::move(accept);
    c.command_devices = {"front_door", "hall_light"};
    c.unlock_devices = {"front_door"};
    return c;
}

TEST(uplink_down_request, a_good_request_is_read) {
    auto r = up::parse_down_request("notify", request("notify", now, {{"title", "t"}, {"message", "m"}}));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->id, "r-1");
    EXPECT_EQ(r->name, "notify");
    EXPECT_EQ(r->ts, now);
    EXPECT_EQ(r->args["title"], "t");
}

TEST(uplink_down_request, bad_requests_are_refused_with_the_id_when_readable) {
    EXPECT_FALSE(up::parse_down_request("health", "not json").has_value());
    EXPECT_FALSE(up::parse_down_request("health", "[1]").has_value());
    EXPECT_FALSE(up::parse_down_request("health", std::string(300 * 1024, ' ')).has_value());
    EXPECT_FALSE(up::parse_down_request("health", std::string(200, '[') + std::string(200, ']')).has_value());
    auto wrong_name = up::parse_down_request("health", request("logs"));
    ASSERT_FALSE(wrong_name.has_value());
    EXPECT_EQ(wrong_name.error().id, "r-1");
    auto no_ts = up::parse_down_request("health", R"({"v":1,"id":"x","name":"health","ts":"soon"})");
    ASSERT_FALSE(no_ts.has_value());
    EXPECT_EQ(no_ts.error().id, "x");
    EXPECT_FALSE(up::parse_down_request("health", R"({"v":2,"id":"x","name":"health","ts":1})").has_value());
    EXPECT_FALSE(up::parse_down_request("health", request("health", now, json::object(), std::string(65, 'a'))));
    EXPECT_FALSE(up::parse_down_request("health", request("health", now, json::object(), "")).has_value());
    EXPECT_FALSE(up::parse_down_request("health", R"({"v":1,"id":"x","name":"health","ts":1,"args":[]})"));
}

TEST(uplink_down_request, request_names_come_from_the_own_prefix_only) {
    EXPECT_EQ(up::request_name_of("community/s/h", "community/s/h/down/request/health"), "health");
    EXPECT_FALSE(up::request_name_of("community/s/h", "community/s/other/down/request/health"));
    EXPECT_FALSE(up::request_name_of("community/s/h", "community/s/h/down/request/"));
    EXPECT_FALSE(up::request_name_of("community/s/h", "community/s/h/down/request/a/b"));
}

TEST(uplink_down_request, only_accepted_names_pass) {
    const auto cfg = accepting({"health", "notify"});
    up::request_gate gate(cfg);
    EXPECT_FALSE(gate.check(*up::parse_down_request("health", request("health")), now).has_value());
    const auto why = gate.check(*up::parse_down_request("diagnostics", request("diagnostics")), now);
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find("not in this home's uplink.accept list"), std::string::npos);
    EXPECT_TRUE(gate.check(*up::parse_down_request("reboot", request("reboot")), now).has_value());
    EXPECT_TRUE(gate.check(*up::parse_down_request("command", request("command", now, {{"device", "hall_light"}})), now)
                    .has_value());  // "commands" not accepted
}

TEST(uplink_down_request, stale_and_future_requests_are_refused) {
    const auto cfg = accepting({"health"});
    up::request_gate gate(cfg);
    const auto old = gate.check(*up::parse_down_request("health", request("health", now - 5 * 60 * 1000 - 1)), now);
    ASSERT_TRUE(old.has_value());
    EXPECT_NE(old->find("stale"), std::string::npos);
    EXPECT_FALSE(gate.check(*up::parse_down_request("health", request("health", now - 5 * 60 * 1000)), now));
    EXPECT_TRUE(gate.check(*up::parse_down_request("health", request("health", now + 6 * 60 * 1000)), now));
}

TEST(uplink_down_request, commands_only_for_listed_devices_and_unlock_only_for_unlock_devices) {
    const auto cfg = accepting({"commands"});
    up::request_gate gate(cfg);
    auto check = [&](const json& args) {
        return gate.check(*up::parse_down_request("command", request("command", now, args)), now);
    };
    EXPECT_FALSE(check({{"device", "hall_light"}, {"state", "ON"}}));
    EXPECT_FALSE(check({{"device", "front_door"}, {"command", "unlock"}}));
    EXPECT_FALSE(check({{"device", "front_door"}, {"command", "lock"}}));
    EXPECT_TRUE(check({{"device", "garage"}, {"state", "ON"}}));  // not listed
    EXPECT_TRUE(check({{"state", "ON"}}));                        // no device
    const hearth::uplink_config no_unlock = [] {
        auto c = accepting({"commands"});
        c.command_devices.insert("back_door");
        return c;
    }();
    up::request_gate strict(no_unlock);
    auto strict_check = [&](const json& args) {
        return strict.check(*up::parse_down_request("command", request("command", now, args)), now);
    };
    EXPECT_FALSE(strict_check({{"device", "back_door"}, {"command", "lock"}}));
    for (const json& unlock : {json{{"command", "unlock"}}, json{{"command", "unlatch"}}, json{{"locked", false}},
                               json{{"lock", "unlocked"}}, json{{"state", "unlocked"}}}) {
        json args = unlock;
        args["device"] = "back_door";
        const auto why = strict_check(args);
        ASSERT_TRUE(why.has_value()) << args.dump();
        EXPECT_NE(why->find("unlock_devices"), std::string::npos);
    }
}

TEST(uplink_down_request, ten_per_minute_per_name_then_refused_until_the_window_moves) {
    const auto cfg = accepting({"health", "notify"});
    up::request_gate gate(cfg);
    const auto health = *up::parse_down_request("health", request("health"));
    for (int i = 0; i < 10; ++i) EXPECT_FALSE(gate.check(health, now + i)) << i;
    const auto limited = gate.check(health, now + 10);
    ASSERT_TRUE(limited.has_value());
    EXPECT_NE(limited->find("rate limit"), std::string::npos);
    // Another name has its own budget; the window frees up after a minute.
    EXPECT_FALSE(gate.check(*up::parse_down_request("notify", request("notify")), now + 10));
    EXPECT_FALSE(gate.check(health, now + 60'000));
}

}  // namespace
