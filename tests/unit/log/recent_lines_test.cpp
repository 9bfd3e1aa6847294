// The in-memory copy of recent log lines (log::recent_lines, used by the uplink's `logs` and
// `diagnostics` requests): filtered by level, newest kept, bounded, oldest first.
#include "log/log.hpp"

#include <gtest/gtest.h>

namespace {

using hearth::log::recent_lines;

TEST(recent_lines, keeps_the_newest_lines_at_or_above_a_level_oldest_first) {
    hearth::log::setup_sink();
    auto& mqtt = hearth::log::mqtt();
    mqtt.set_level(spdlog::level::debug);
    mqtt.debug("canary debug line");
    mqtt.info("canary info line");
    mqtt.warn("canary warn line");
    const auto warn = recent_lines(spdlog::level::warn, 10);
    ASSERT_FALSE(warn.empty());
    EXPECT_NE(warn.back().find("[mqtt] warning canary warn line"), std::string::npos) << warn.back();
    for (const auto& line : warn) EXPECT_EQ(line.find("canary info line"), std::string::npos) << line;
    const auto all = recent_lines(spdlog::level::trace, 3);
    ASSERT_EQ(all.size(), 3U);
    EXPECT_NE(all[0].find("canary debug line"), std::string::npos) << all[0];
    EXPECT_NE(all[2].find("canary warn line"), std::string::npos) << all[2];
    EXPECT_EQ(recent_lines(spdlog::level::trace, 0).size(), 0U);
    for (int i = 0; i < 1500; ++i) mqtt.info("filler {}", i);
    const auto bounded = recent_lines(spdlog::level::trace, 5000);
    EXPECT_EQ(bounded.size(), hearth::log::recent_line_capacity);
    EXPECT_NE(bounded.back().find("filler 1499"), std::string::npos);
}

}  // namespace
