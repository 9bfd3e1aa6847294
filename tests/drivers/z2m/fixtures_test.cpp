// Every bridge/devices entry of the fixture generated from the real Zigbee2MQTT definitions
// (tests/interop/z2m/bridge_devices.json, zigbee-herdsman-converters) goes through the mapper:
// each maps to a descriptor the core's validator accepts, with the Hearth type this table
// expects, or is skipped with exactly the expected reason. A new skip, a lost device or a changed
// type fails.
#include "core/device_model.hpp"
#include "z2m_mapping.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#ifndef Z2M_FIXTURE
#error "Z2M_FIXTURE must name tests/interop/z2m/bridge_devices.json"
#endif

namespace hearth::z2m {
namespace {

json fixture() {
    std::ifstream in(Z2M_FIXTURE);
    return json::parse(in);
}

/// model -> expected Hearth type.
const std::map<std::string, std::string> k_types = {
    {"9290012573A", "light"},
    {"9290011370", "light"},
    {"LED1545G12", "light"},
    {"LED1836G9", "light"},
    {"LED1924G9", "light"},
    {"GL-C-007-1ID", "light"},
    {"AC25697", "light"},
    {"TS011F_plug_1", "plug"},
    {"ZNCZ02LM", "plug"},
    {"E160x/E170x/E190x", "switch"},
    {"SP 120", "plug"},
    {"E22xx", "plug"},
    {"ZBMINI", "switch"},
    {"QBKG04LM", "switch"},
    {"LLKZMK11LM", "plug"},
    {"BASICZBR3", "switch"},
    {"WSDCGQ11LM", "sensor"},
    {"WSDCGQ01LM", "sensor"},
    {"SNZB-02", "sensor"},
    {"TS0201", "sensor"},
    {"RTCGQ11LM", "binary_sensor"},
    {"RTCGQ01LM", "binary_sensor"},
    {"SNZB-03", "binary_sensor"},
    {"9290012607", "binary_sensor"},
    {"E1525/E1745", "binary_sensor"},
    {"MCCGQ11LM", "binary_sensor"},
    {"MCCGQ01LM", "binary_sensor"},
    {"SNZB-04", "binary_sensor"},
    {"TS0203", "binary_sensor"},
    {"SJCGQ11LM", "binary_sensor"},
    {"SJCGQ12LM", "binary_sensor"},
    {"TS0207_water_leak_detector", "binary_sensor"},
    {"JTYJ-GD-01LM/BW", "binary_sensor"},
    {"YRD256HA20BP", "lock"},
    {"BE468", "lock"},
    {"YRD226HA2619", "lock"},
    {"014G2461", "climate"},
    {"SPZB0001", "climate"},
    {"SRTS-A01", "climate"},
    {"E1757", "cover"},
    {"E1926", "cover"},
    {"ZNCLDJ11LM", "cover"},
    {"WXKG01LM", "button"},
    {"WXKG11LM", "button"},
    {"WXKG12LM", "button"},
    {"E1743", "button"},
    {"E1524/E1810", "button"},
    {"324131092621", "button"},
    {"SNZB-01", "button"},
    {"99432", "light"},
};

/// ieee address -> the exact skip reason.
const std::map<std::string, std::string> k_skips = {
    {"0x00124b0000000000", "0x00124b0000000000 'Coordinator': the coordinator"},
};

TEST(z2m_fixtures, every_device_maps_to_a_valid_descriptor_or_an_expected_skip) {
    const json devices = fixture();
    ASSERT_TRUE(devices.is_array());
    std::size_t mapped = 0;
    std::size_t skipped = 0;
    for (const auto& entry : devices) {
        const std::string ieee = entry.at("ieee_address");
        const map_result r = map_device(entry);
        if (const auto s = k_skips.find(ieee); s != k_skips.end()) {
            EXPECT_FALSE(r.mapping) << ieee << " should be skipped";
            EXPECT_EQ(r.skipped, s->second);
            ++skipped;
            continue;
        }
        ASSERT_TRUE(r.mapping) << r.skipped;
        const std::string model = entry["definition"]["model"];
        const auto t = k_types.find(model);
        ASSERT_NE(t, k_types.end()) << "no expected type for " << model;
        EXPECT_EQ(r.mapping->type, t->second) << model;
        const auto parsed = parse_descriptor(r.mapping->descriptor);
        std::string errors;
        if (!parsed)
            for (const auto& e : parsed.error()) errors += e.pointer + ": " + e.reason + "; ";
        EXPECT_TRUE(parsed) << model << ": " << errors << r.mapping->descriptor.dump();
        ++mapped;
    }
    EXPECT_EQ(mapped, k_types.size());
    EXPECT_EQ(skipped, k_skips.size());
    EXPECT_GE(mapped, 40U);
}

}  // namespace
}  // namespace hearth::z2m
