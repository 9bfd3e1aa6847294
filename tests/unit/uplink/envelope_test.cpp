// The up envelope (uplink/envelope.hpp): the contract's fields, ids stable for a row, priorities
// per kind, the alarm list, and the secret filter: a canary PIN, token or image never appears.
#include "uplink/envelope.hpp"

#include <gtest/gtest.h>

namespace {

using nlohmann::json;
namespace up = hearth::uplink;

const up::envelope_origin origin{"oak-park", "h_017", "00112233aabbccdd"};

TEST(uplink_envelope, has_the_contract_fields_and_a_stable_id) {
    const json data = {{"device", "smoke1"}, {"event_type", "smoke_alarm"}};
    const auto text = up::make_envelope(origin, 42, "alarm", 1'704'067'200'000, data);
    const auto e = json::parse(text);
    EXPECT_EQ(e["v"], 1);
    EXPECT_EQ(e["id"], "h_017:00112233aabbccdd:42");
    EXPECT_EQ(e["site"], "oak-park");
    EXPECT_EQ(e["home"], "h_017");
    EXPECT_EQ(e["kind"], "alarm");
    EXPECT_EQ(e["priority"], "alarm");
    EXPECT_EQ(e["ts"], 1'704'067'200'000);
    EXPECT_EQ(e["data"], data);
    EXPECT_EQ(up::make_envelope(origin, 42, "alarm", 1'704'067'200'000, data), text);  // same row, same bytes
    EXPECT_NE(json::parse(up::make_envelope(origin, 43, "alarm", 1, data))["id"], e["id"]);
}

TEST(uplink_envelope, priorities_per_kind) {
    EXPECT_EQ(up::priority_name(up::priority_of("alarm")), "alarm");
    EXPECT_EQ(up::priority_name(up::priority_of("care_alert")), "alarm");
    EXPECT_EQ(up::priority_name(up::priority_of("lock_event")), "alarm");
    EXPECT_EQ(up::priority_name(up::priority_of("energy_daily")), "normal");
    EXPECT_EQ(up::priority_name(up::priority_of("response")), "normal");
    EXPECT_EQ(up::priority_name(up::priority_of("health")), "low");
    EXPECT_TRUE(up::is_up_kind("response"));
    EXPECT_FALSE(up::is_up_kind("camera"));
}

TEST(uplink_envelope, alarm_event_types) {
    for (const char* t : {"lock_alarm", "temperature_alarm", "door_left_open", "smoke_alarm", "leak_alarm",
                          "tamper_alarm", "water_leak", "co_alarm"})
        EXPECT_TRUE(up::is_alarm_event_type(t)) << t;
    for (const char* t : {"motion", "lock_operation", "single_push", "_alarm", "alarm", "snapshot", "alarm_cleared"})
        EXPECT_FALSE(up::is_alarm_event_type(t)) << t;
}

TEST(uplink_envelope, secrets_and_images_are_stripped_at_any_depth) {
    const json event = {{"event_type", "lock_alarm"},
                        {"code", "CANARY-PIN-4711"},
                        {"PIN", "CANARY-PIN-4712"},
                        {"user", "anna"},
                        {"nested", {{"access_token", "CANARY-TOKEN"}, {"list", {{{"password", "CANARY-PW"}}, 1}}}},
                        {"api-key", "CANARY-KEY"},
                        {"client_secret", "CANARY-SECRET"},
                        {"image", "CANARY-JPEG-BASE64"},
                        {"keypad", "front"},
                        {"ts", 5}};
    const auto text = up::make_envelope(origin, 1, "alarm", 1, up::alarm_data("lock1", "Front door", event));
    EXPECT_EQ(text.find("CANARY"), std::string::npos) << text;
    const auto e = json::parse(text);
    EXPECT_EQ(e["data"]["event"]["user"], "anna");
    EXPECT_EQ(e["data"]["event"]["keypad"], "front");  // not a secret word, only a prefix of one
    EXPECT_FALSE(e["data"]["event"].contains("ts"));
    EXPECT_EQ(e["data"]["device_name"], "Front door");
    EXPECT_EQ(e["data"]["event_type"], "lock_alarm");
}

TEST(uplink_envelope, lock_events_carry_only_device_action_result_source) {
    const json op = {{"event_type", "lock_operation"},
                     {"operation", "unlock"},
                     {"source", "keypad"},
                     {"result", "ok"},
                     {"user", "anna"},
                     {"code", "1234"}};
    const auto d = up::lock_event_data("front_door", op);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(*d, (json{{"device", "front_door"}, {"action", "unlock"}, {"result", "ok"}, {"source", "keypad"}}));
    EXPECT_FALSE(up::lock_event_data("front_door", {{"event_type", "motion"}}).has_value());
    EXPECT_FALSE(up::lock_event_data("front_door", {{"event_type", 5}}).has_value());
    EXPECT_FALSE(up::lock_event_data("front_door", json::array()).has_value());
}

}  // namespace
