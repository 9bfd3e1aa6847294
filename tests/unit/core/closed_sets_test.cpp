// Closed sets held as enums (driver state, isolation mode, device type): the wire spelling round
// trips, the enum tables cover the same set as the model, and unknown text is a precise error.
#include "core/config.hpp"
#include "core/device_model.hpp"
#include "core/driver_link.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(closed_sets, driver_state_round_trips_its_wire_spelling) {
    for (const auto& [state, text] : hearth::driver_state_names) {
        EXPECT_EQ(hearth::to_string(state), text);
        EXPECT_EQ(hearth::parse_driver_state(text).value(), state);
    }
    hearth::driver_status st;
    st.state = hearth::driver_state::quarantined;
    EXPECT_EQ(st.to_json()["status"], "quarantined");  // the health/bridge-info spelling
}

TEST(closed_sets, unknown_text_is_a_precise_error_not_an_abort) {
    const auto bad = hearth::parse_driver_state("Running");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(),
              "unknown driver state 'Running' (expected one of starting, running, restarting, quarantined, stopped)");
    const auto iso = hearth::parse_isolation_mode(std::string("proc\xff", 5));
    ASSERT_FALSE(iso);
    EXPECT_EQ(iso.error(), "unknown isolation mode 'proc\\xff' (expected one of process, inproc)");  // echoed safely
    EXPECT_FALSE(hearth::parse_device_type(std::string(10000, 'x')));
    EXPECT_LT(hearth::parse_device_type(std::string(10000, 'x')).error().size(), 300u);
}

TEST(closed_sets, isolation_mode_comes_from_the_config_and_goes_back_into_the_summary) {
    EXPECT_EQ(hearth::parse_isolation_mode("inproc").value(), hearth::isolation_mode::inproc);
    auto r = hearth::parse_config(R"({"drivers": [{"plugin": "demo", "id": "a", "isolation": "inproc"},
                                                  {"plugin": "demo", "id": "b"}]})",
                                  "t.json", "/etc/hearth");
    ASSERT_TRUE(r) << r.error().front().to_string();
    EXPECT_EQ(r->drivers.at(0).isolation, hearth::isolation_mode::inproc);
    EXPECT_EQ(r->drivers.at(1).isolation, hearth::isolation_mode::process);
    EXPECT_EQ(r->summary()["drivers"][0]["isolation"], "inproc");
    EXPECT_EQ(r->summary()["drivers"][1]["isolation"], "process");
}

TEST(closed_sets, device_type_enum_covers_exactly_the_model_types) {
    EXPECT_EQ(hearth::device_type_names.size(), hearth::device_types().size());
    for (const auto& [name, _] : hearth::device_types()) {
        auto t = hearth::parse_device_type(name);
        ASSERT_TRUE(t) << name;
        EXPECT_EQ(hearth::to_string(*t), name);
    }
    auto d = hearth::parse_descriptor(
        nlohmann::json{{"id", "s1"}, {"type", "switch"}, {"properties", {{"on", {{"type", "bool"}}}}}});
    ASSERT_TRUE(d);
    EXPECT_EQ(d->type, hearth::device_type::switch_);
    EXPECT_EQ(d->raw["type"], "switch");  // published as given
    auto bad = hearth::parse_descriptor(nlohmann::json{{"id", "s2"}, {"type", "toaster"}});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().front().pointer, "/type");
    EXPECT_EQ(bad.error().front().reason.rfind("expected one of binary_sensor, button, camera, climate, cover", 0), 0u);
}

}  // namespace
