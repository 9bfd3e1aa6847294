// Scene files are input too (issue 23 items 4 and 8): garbage, Latin-1 bytes and conditions
// nested 1,000 or 10,000 deep are refused quickly with errors that are valid UTF-8 (they are
// published in the rules_reload_failed event and logged), never a crash or a minutes-long hang.
#include "core/json_input.hpp"
#include "rules/scene_loader.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace hearth::rules::testing {
namespace {

using json = nlohmann::json;

/// An automation whose single condition is an "and" nested `depth` levels deep.
std::string deep_condition_file(std::size_t depth) {
    std::string cond;
    for (std::size_t i = 0; i < depth; ++i) cond += R"({"type":"and","conditions":[)";
    cond += R"({"type":"weekday","days":["mon"]})";
    for (std::size_t i = 0; i < depth; ++i) cond += "]}";
    return R"({"automations":[{"id":"deep","triggers":[{"type":"start"}],"conditions":[)" + cond +
           R"(],"actions":[{"notify":"x"}]}]})";
}

void expect_refused(const std::string& text, const std::string& expected_part) {
    const auto t0 = std::chrono::steady_clock::now();
    const checked<rule_set> r = load_scene_sources({{"bad.json", text}}, {});
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_FALSE(r.has_value());
    ASSERT_FALSE(r.error().empty());
    for (const auto& e : r.error()) {
        EXPECT_TRUE(is_valid_utf8(e.to_string())) << e.to_string();
        EXPECT_NO_THROW((void)json(e.to_string()).dump());
    }
    EXPECT_NE(r.error().front().to_string().find(expected_part), std::string::npos) << r.error().front().to_string();
    EXPECT_LT(took, std::chrono::seconds(5)) << "not bounded";
}

TEST(hostile_scene_files, garbage_is_refused) {
    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) % 256);
    expect_refused(garbage, "invalid JSON");
    expect_refused("{\"automations\": [", "invalid JSON");
}

TEST(hostile_scene_files, latin1_bytes_are_escaped_in_the_error) {
    expect_refused("{\"scenes\":[{\"id\":\"door\",\"name\":\"T\xfcr offen\",\"targets\":[]}]}", "\\xfc");
}

TEST(hostile_scene_files, deep_conditions_are_bounded) {
    expect_refused(deep_condition_file(1000), "deeper than");
    expect_refused(deep_condition_file(10000), "deeper than");
    // Within the JSON depth but past the condition limit: refused by the model with a pointer.
    expect_refused(deep_condition_file(max_condition_depth + 1), "conditions nested deeper than 16");
    // At the limit (16 levels counting the innermost condition): accepted.
    const checked<rule_set> ok = load_scene_sources({{"ok.json", deep_condition_file(max_condition_depth - 1)}}, {});
    EXPECT_TRUE(ok.has_value()) << (ok.error().empty() ? "" : ok.error().front().to_string());
}

TEST(hostile_scene_files, run_when_cheapest_values_are_refused_precisely) {
    auto file = [](const std::string& fields) {
        return R"({"automations":[{"id":"w","triggers":[{"type":"start"}],"actions":[{"run_when_cheapest":{)"
               R"("device":"washer","command":"start",)" +
               fields + "}}]}]}";
    };
    // A megabyte of deadline is refused without quoting it back.
    const std::string huge(1 << 20, '9');
    const checked<rule_set> r =
        load_scene_sources({{"bad.json", file(R"("duration_min":60,"deadline":")" + huge + "\"")}}, {});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().front().to_string(),
              "bad.json: /automations/0/actions/0/run_when_cheapest/deadline: deadline "
              "is not a local time \"HH:MM\" or \"HH:MM:SS\" (e.g. \"07:00\")");
    expect_refused(file(R"("duration_min":1e300,"deadline":"07:00")"), "duration_min");
    expect_refused(file(R"("duration_min":-9223372036854775808,"deadline":"07:00")"), "got -9223372036854775808");
    expect_refused(file(R"("duration_min":18446744073709551615,"deadline":"07:00")"), "duration_min");
    expect_refused(file(R"("duration_min":60,"deadline":"07:00\u0000")"), "not a local time");
    expect_refused(file(R"("duration_min":60,"deadline":7)"), "deadline");
}

}  // namespace
}  // namespace hearth::rules::testing
