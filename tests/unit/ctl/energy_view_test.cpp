// Unit tests of `hearthctl energy`: its options become checked request arguments (local dates,
// --to including its day) and the answer renders as a device table with unmeasured and total rows
// and a series; `energy findings` takes only --device and renders standby and anomaly tables.
#include "ctl/commands.hpp"

#include "../core/tz_guard.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace hearth::ctl {
namespace {

using json = nlohmann::json;

parsed_args args_of(const std::vector<std::string>& words) {
    std::vector<std::string> all = {"energy"};
    all.insert(all.end(), words.begin(), words.end());
    return parse_args(all, all_option_specs());
}

TEST(EnergyCommand, OptionsBecomeRequestArguments) {
    hearth::test::tz_guard tz("CST-8");
    const json a = energy_request_args(
        args_of({"--device", "washer", "--by", "hour", "--from", "2026-03-01", "--to", "2026-03-01"}));
    EXPECT_EQ(a["device"], "washer");
    EXPECT_EQ(a["by"], "hour");
    EXPECT_EQ(a["from"], 1'772'294'400'000);             // local midnight
    EXPECT_EQ(a["to"], 1'772'294'400'000 + 86'400'000);  // --to includes its day
    EXPECT_EQ(energy_request_args(args_of({})), json::object());
}

TEST(EnergyCommand, BadOptionsAreUsageErrors) {
    EXPECT_THROW(energy_request_args(args_of({"--by", "week"})), usage_error);
    EXPECT_THROW(energy_request_args(args_of({"--from", "yesterday"})), usage_error);
    EXPECT_THROW(energy_request_args(args_of({"--from", "2026-02-30"})), usage_error);
    EXPECT_THROW(energy_request_args(args_of({"--from", "2026-03-02", "--to", "2026-03-01"})), usage_error);
}

TEST(EnergyCommand, RendersDevicesUnmeasuredTotalAndSeries) {
    hearth::test::tz_guard tz("CST-8");
    const json data = {{"from", 1'772'380'800'000},
                       {"to", 1'772'467'200'000},
                       {"by", "day"},
                       {"currency", "CNY"},
                       {"total", {{"kwh", 2.5}, {"cost", 1.73}}},
                       {"previous", {{"kwh", 2.0}, {"cost", 0.62}}},
                       {"change", 0.25},
                       {"devices",
                        {{{"device", "washer"},
                          {"source", "meter"},
                          {"kwh", 1.0},
                          {"cost", 0.62},
                          {"share", 0.4},
                          {"previous", {{"kwh", 2.0}, {"cost", 0.62}}},
                          {"change", -0.5}}}},
                       {"unmeasured", {{"kwh", 1.0}, {"cost", 0.62}}},
                       {"series", {{{"ts", 1'772'380'800'000}, {"kwh", 2.5}, {"cost", 1.73}}}},
                       {"unpriced_kwh", 0}};
    std::ostringstream out;
    render_energy(data, out, false);
    const std::string text = out.str();
    for (const char* needle : {"COST CNY", "washer", "meter", "1.000", "0.62", "40.0%", "-50.0%", "(unmeasured)",
                               "(total)", "+25.0%", "2026-03-02T00:00:00+08:00"}) {
        EXPECT_NE(text.find(needle), std::string::npos) << needle << "\n" << text;
    }
}

TEST(EnergyCommand, FindingsTakeOnlyDevice) {
    EXPECT_TRUE(is_findings(args_of({"findings"})));
    EXPECT_FALSE(is_findings(args_of({})));
    EXPECT_EQ(energy_request_args(args_of({"findings", "--device", "tv_box"})), (json{{"device", "tv_box"}}));
    EXPECT_EQ(energy_request_args(args_of({"findings"})), json::object());
    try {
        energy_request_args(args_of({"findings", "--by", "hour"}));
        ADD_FAILURE() << "--by was accepted";
    } catch (const usage_error& e) {
        EXPECT_STREQ(e.what(), "--by does not apply to 'energy findings'");
    }
    try {
        energy_request_args(args_of({"standby"}));
        ADD_FAILURE() << "an unknown subcommand was accepted";
    } catch (const usage_error& e) {
        EXPECT_STREQ(e.what(), "unknown energy subcommand 'standby' (expected findings)");
    }
}

TEST(EnergyCommand, RendersFindings) {
    hearth::test::tz_guard tz("CST-8");
    const json data = {{"ts", 1'772'380'800'000},
                       {"currency", "CNY"},
                       {"rules",
                        {{"night_start", 1},
                         {"night_end", 5},
                         {"standby_w", 3.0},
                         {"nights", 7},
                         {"min_nights", 5},
                         {"anomaly_weeks", 8},
                         {"anomaly_factor", 3.0},
                         {"anomaly_floor_kwh", 0.2}}},
                       {"standby",
                        {{{"device", "tv_box"},
                          {"watts", 9.0},
                          {"nights", 6},
                          {"of_nights", 7},
                          {"yearly_kwh", 78.84},
                          {"yearly_cost", 30.75}}}},
                       {"anomalies",
                        {{{"device", "heater"},
                          {"hour", 1'772'380'800'000},
                          {"kwh", 2.5},
                          {"usual_kwh", 0.5},
                          {"ratio", 5.0},
                          {"weeks", 8}},
                         {{"device", "pump"},
                          {"hour", 1'772'380'800'000},
                          {"kwh", 0.3},
                          {"usual_kwh", 0.0},
                          {"ratio", nullptr},
                          {"weeks", 4}}}}};
    std::ostringstream out;
    render_findings(data, out, false);
    const std::string text = out.str();
    for (const char* needle :
         {"at least 3.0 W from 1:00 to 5:00 on 5 of the last 7 nights", "CNY/YEAR", "tv_box", "9.0", "6/7", "78.8",
          "30.75", "heater", "2026-03-02T00:00:00+08:00", "2.500", "5.0x", "pump"}) {
        EXPECT_NE(text.find(needle), std::string::npos) << needle << "\n" << text;
    }
    std::ostringstream empty;
    render_findings({{"standby", json::array()}, {"anomalies", json::array()}}, empty, false);
    EXPECT_NE(empty.str().find("none found"), std::string::npos) << empty.str();
}

}  // namespace
}  // namespace hearth::ctl
