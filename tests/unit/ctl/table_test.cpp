// Unit tests of hearthctl's table and output formatters (src/ctl/table.hpp).
#include "ctl/table.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

namespace hearth::ctl {
namespace {

using json = nlohmann::json;

TEST(Table, AlignsColumnsWithoutTrailingBlanks) {
    table t({"ID", "NAME", "N"});
    t.add_row({"living_light", "Lamp", "3"});
    t.add_row({"x", "Kitchen plug", "12"});
    EXPECT_EQ(t.render(),
              "ID            NAME          N\n"
              "living_light  Lamp          3\n"
              "x             Kitchen plug  12\n");
}

TEST(Table, RightAlignAndMissingCells) {
    table t({"A", "COUNT"});
    t.align_right(1);
    t.align_right(7);  // ignored
    t.add_row({"x", "5"});
    t.add_row({"y"});
    t.add_row({"z", "100", "extra"});
    EXPECT_EQ(t.rows(), 3u);
    EXPECT_EQ(t.render(), "A  COUNT\nx      5\ny\nz    100\n");
}

TEST(Table, Utf8WidthAndSanitizing) {
    table t({"NAME", "X"});
    t.add_row(
        {"K\xC3\xBC"
         "che",
         "1"});  // "Küche": 5 code points
    t.add_row({"a\nb\x1b[31m", "2"});
    EXPECT_EQ(t.render(),
              "NAME      X\nK\xC3\xBC"
              "che     1\na b?[31m  2\n");
}

TEST(Table, ColorOnlyWhenAsked) {
    table t({"ID"});
    EXPECT_EQ(t.render(false).find('\x1b'), std::string::npos);
    EXPECT_NE(t.render(true).find("\x1b[1mID\x1b[0m"), std::string::npos);
}

TEST(Format, Truncate) {
    EXPECT_EQ(truncate("abcdef", 10), "abcdef");
    EXPECT_EQ(truncate("abcdef", 4), "abc\u2026");
    EXPECT_EQ(display_width(truncate("\xC3\xBC\xC3\xBC\xC3\xBC\xC3\xBC", 3)), 3u);
}

TEST(Format, Age) {
    const std::int64_t now = 1'700'000'000'000;
    EXPECT_EQ(format_age(0, now), "-");
    EXPECT_EQ(format_age(now - 500, now), "just now");
    EXPECT_EQ(format_age(now - 42'000, now), "42s ago");
    EXPECT_EQ(format_age(now - 5 * 60'000, now), "5m ago");
    EXPECT_EQ(format_age(now - 3 * 3'600'000, now), "3h ago");
    EXPECT_EQ(format_age(now - 2 * 86'400'000LL, now), "2d ago");
    EXPECT_EQ(format_age(now + 5'000, now), "in 5s");
}

TEST(Format, LocalTimeIso8601) {
    const char* old = std::getenv("TZ");
    const std::string saved = old != nullptr ? old : "";
    ::setenv("TZ", "UTC", 1);
    ::tzset();
    EXPECT_EQ(format_local_time(1'700'000'000'123), "2023-11-14T22:13:20+00:00");
    ::setenv("TZ", "CET-1", 1);
    ::tzset();
    EXPECT_EQ(format_local_time(1'700'000'000'123), "2023-11-14T23:13:20+01:00");
    if (old != nullptr)
        ::setenv("TZ", saved.c_str(), 1);
    else
        ::unsetenv("TZ");
    ::tzset();
}

TEST(Format, UptimeAndBytes) {
    EXPECT_EQ(format_uptime(12), "12s");
    EXPECT_EQ(format_uptime(250), "4m 10s");
    EXPECT_EQ(format_uptime(7500), "2h 5m");
    EXPECT_EQ(format_uptime(3 * 86400 + 4 * 3600 + 5), "3d 4h");
    EXPECT_EQ(format_bytes(512), "512 B");
    EXPECT_EQ(format_bytes(1536), "1.5 KiB");
    EXPECT_EQ(format_bytes(3 * 1024 * 1024 + 200 * 1024), "3.2 MiB");
}

TEST(Format, CellsAndStateSummary) {
    EXPECT_EQ(cell_text(json(nullptr)), "-");
    EXPECT_EQ(cell_text(json("text")), "text");
    EXPECT_EQ(cell_text(json(2.5)), "2.5");
    EXPECT_EQ(cell_text(json{{"a", 1}}), "{\"a\":1}");
    const json state = {{"color_temp_k", 2700}, {"brightness", 30}, {"on", true}};
    EXPECT_EQ(summarize_state(state), "on=true brightness=30 color_temp_k=2700");
    EXPECT_EQ(summarize_state(state, 12), "on=true bri\u2026");
    EXPECT_EQ(summarize_state(json::object()), "");
}

}  // namespace
}  // namespace hearth::ctl
