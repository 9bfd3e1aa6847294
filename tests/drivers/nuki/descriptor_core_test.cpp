// Checks the nuki driver's descriptors and every state it can report against the core's own
// validator (src/core/device_model.cpp, compiled into this test): a descriptor the gateway would
// refuse, or a mapped value outside the descriptor, fails here rather than at run time.
#include "core/device_model.hpp"
#include "nuki_model.hpp"

#include <gtest/gtest.h>

namespace hearth::nuki {
namespace {

TEST(NukiDescriptor, AcceptedByTheCoreWithEveryReportableState) {
    paired_device d;
    d.nuki_id = 20000001;
    d.device_type = 4;
    d.name = "Front door";
    d.firmware = "3.5.4";
    for (const bool door : {true, false}) {
        const auto parsed = hearth::parse_descriptor(make_descriptor(d, device_id("nuki_", d.nuki_id), door));
        ASSERT_TRUE(parsed.has_value()) << (parsed.error().empty() ? ""
                                                                   : parsed.error().front().pointer + ": " +
                                                                         parsed.error().front().reason);
        const auto& props = parsed->properties;
        for (int state = 0; state <= 255; ++state) {
            for (const auto door_sensor : {std::optional<int>{}, std::optional<int>{1}, std::optional<int>{2},
                                           std::optional<int>{3}, std::optional<int>{4}, std::optional<int>{5}}) {
                lock_snapshot s;
                s.state = state;
                s.door_sensor = door_sensor;
                s.battery_critical = state % 2 == 0;
                if (state % 3 == 0) s.battery_charge = state % 101;
                const json reported = state_json(s, door);
                for (const auto& [name, value] : reported.items()) {
                    ASSERT_EQ(props.count(name), 1U) << name;
                    const auto why = hearth::check_value(props.at(name), value, false);
                    EXPECT_FALSE(why.has_value()) << name << "=" << value.dump() << ": " << why.value_or("");
                }
            }
        }
    }
}

}  // namespace
}  // namespace hearth::nuki
