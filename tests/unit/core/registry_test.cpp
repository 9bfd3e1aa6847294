// Tests of the device registry: diffs, refusals, ownership, restore.
#include "core/registry.hpp"

#include <gtest/gtest.h>

using json = nlohmann::json;

namespace {
hearth::device_descriptor plug(const std::string& driver = "demo") {
    auto d = hearth::parse_descriptor(json::parse(R"({"id":"plug","type":"plug",
      "properties":{"on":{"type":"bool","writable":true},"power_w":{"type":"number","min":0}}})"))
                 .value();
    d.driver = driver;
    return d;
}
}  // namespace

TEST(registry, state_diff_contains_only_changes) {
    hearth::device_registry r;
    EXPECT_EQ(r.upsert(plug()), hearth::device_registry::upsert_result::added);
    auto first = r.apply_state("plug", json::parse(R"({"on":true,"power_w":5.5})"), 1);
    EXPECT_EQ(first.changed, json::parse(R"({"on":true,"power_w":5.5})"));
    auto second = r.apply_state("plug", json::parse(R"({"on":true,"power_w":6})"), 2);
    EXPECT_EQ(second.changed, json::parse(R"({"power_w":6})"));
    EXPECT_EQ(r.find("plug")->last_seen_ms, 2);
}

TEST(registry, invalid_values_are_refused_and_counted) {
    hearth::device_registry r;
    r.upsert(plug());
    auto d = r.apply_state("plug", json::parse(R"({"on":"yes","power_w":-1,"colour":1,"power_w2":1})"), 1);
    EXPECT_TRUE(d.changed.empty());
    EXPECT_EQ(d.rejected.size(), 4u);
    EXPECT_EQ(r.find("plug")->rejected_reports, 1u);
}

TEST(registry, another_driver_cannot_take_a_device) {
    hearth::device_registry r;
    r.upsert(plug("a"));
    EXPECT_EQ(r.upsert(plug("b")), hearth::device_registry::upsert_result::conflict);
    EXPECT_EQ(r.find("plug")->descriptor.driver, "a");
    EXPECT_EQ(r.upsert(plug("a")), hearth::device_registry::upsert_result::updated);
}

TEST(registry, restored_state_survives_reregistration) {
    hearth::device_registry r;
    r.restore(plug(), json::parse(R"({"on":true,"power_w":3,"gone":1})"));
    EXPECT_FALSE(r.find("plug")->registered);
    EXPECT_FALSE(r.find("plug")->online);
    EXPECT_FALSE(r.find("plug")->state.contains("gone"));
    EXPECT_EQ(r.upsert(plug()), hearth::device_registry::upsert_result::updated);
    EXPECT_EQ(r.find("plug")->state["on"], true);
    EXPECT_TRUE(r.set_online("plug", true, 5));
    EXPECT_FALSE(r.set_online("plug", true, 6));
}
