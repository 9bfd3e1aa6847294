// availability: first success → online at once; N failures in a row → offline; only changes.
#include <hearth/kit/availability.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace {

TEST(kit_availability, reports_only_changes_with_hysteresis_on_failures) {
    std::vector<bool> reports;
    hearth::kit::availability a([&](bool online) { reports.push_back(online); }, 3);
    a.failure();
    a.failure();
    EXPECT_TRUE(reports.empty());  // unknown, and only 2 failures
    a.failure();
    EXPECT_EQ(reports, (std::vector<bool>{false}));
    a.failure();  // already offline: nothing new
    a.success();
    a.success();
    EXPECT_EQ(reports, (std::vector<bool>{false, true}));
    a.failure();
    a.failure();
    a.success();  // two lost polls do not flap it
    EXPECT_EQ(reports, (std::vector<bool>{false, true}));
    EXPECT_EQ(a.consecutive_failures(), 0);
    a.force_offline();
    EXPECT_EQ(reports, (std::vector<bool>{false, true, false}));
    EXPECT_FALSE(a.online());
}

TEST(kit_availability, first_success_is_online_and_threshold_is_at_least_one) {
    std::vector<bool> reports;
    hearth::kit::availability a([&](bool online) { reports.push_back(online); }, 0);
    a.success();
    EXPECT_TRUE(a.online());
    a.failure();  // threshold clamped to 1
    EXPECT_EQ(reports, (std::vector<bool>{true, false}));
}

}  // namespace
