// result<T, E> and located_error: checked access (a wrong access throws, never UB), result<void>,
// and the one-line formatting every config/scene/descriptor error goes through.
#include "core/located_error.hpp"
#include "core/result.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace {

using hearth::bad_result_access;
using hearth::fail;
using hearth::located_error;
using hearth::result;

result<int> half(int n) {
    if (n % 2 != 0) return fail("odd: " + std::to_string(n));
    return n / 2;
}

TEST(result, holds_a_value_or_an_error) {
    auto ok = half(8);
    ASSERT_TRUE(ok.has_value());
    EXPECT_TRUE(static_cast<bool>(ok));
    EXPECT_EQ(ok.value(), 4);
    EXPECT_EQ(*ok, 4);
    auto bad = half(3);
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error(), "odd: 3");
    EXPECT_EQ(bad.value_or(-1), -1);
    EXPECT_EQ(ok.value_or(-1), 4);
}

TEST(result, wrong_access_throws_instead_of_reading_garbage) {
    auto ok = half(2);
    auto bad = half(1);
    EXPECT_THROW((void)ok.error(), bad_result_access);
    EXPECT_THROW((void)bad.value(), bad_result_access);
    EXPECT_THROW((void)*bad, bad_result_access);
    const auto& cbad = bad;
    EXPECT_THROW((void)cbad.value(), bad_result_access);
    EXPECT_THROW((void)std::move(bad).value(), bad_result_access);
}

TEST(result, same_value_and_error_type_is_unambiguous) {
    result<std::string> v = std::string("text");
    result<std::string> e = fail("why");
    EXPECT_TRUE(v.has_value());
    EXPECT_EQ(v.value(), "text");
    EXPECT_FALSE(e.has_value());
    EXPECT_EQ(e.error(), "why");
    EXPECT_EQ(v->size(), 4u);
}

TEST(result, move_only_values_and_to_optional) {
    result<std::unique_ptr<int>> r = std::make_unique<int>(7);
    std::unique_ptr<int> p = std::move(r).value();
    EXPECT_EQ(*p, 7);
    result<int> bad = fail("no");
    EXPECT_FALSE(std::move(bad).to_optional().has_value());
    EXPECT_EQ(half(6).to_optional(), 3);
}

TEST(result, void_result) {
    result<void> ok;
    EXPECT_TRUE(ok.has_value());
    EXPECT_NO_THROW(ok.value());
    EXPECT_THROW((void)ok.error(), bad_result_access);
    result<void> bad = fail("refused");
    EXPECT_FALSE(bad);
    EXPECT_EQ(bad.error(), "refused");
    EXPECT_THROW(bad.value(), bad_result_access);
}

TEST(located_error, formats_file_pointer_and_reason_on_one_line) {
    located_error e{"hearth.json", "/mqtt/port", "expected integer, got string"};
    EXPECT_EQ(e.to_string(), "hearth.json: /mqtt/port: expected integer, got string");
    // The labels of an empty file and of the document root are the caller's (config vs scenes).
    located_error root{"", "", "expected object, got array"};
    EXPECT_EQ(root.to_string(), "<config>: (root): expected object, got array");
    EXPECT_EQ(root.to_string({"", "/"}), ": /: expected object, got array");
}

TEST(located_error, syntax_errors_carry_line_and_column) {
    const std::string text = "{\n  \"a\": ,\n}";
    auto e = hearth::syntax_error("f.json", text, 10, "invalid JSON");
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.column, 8);
    EXPECT_EQ(e.pointer, "");
    EXPECT_EQ(e.where(), "line 2 column 8");
    EXPECT_EQ(e.to_string(), "f.json: line 2 column 8: invalid JSON");
    auto whole = hearth::syntax_error("f.json", text, 0, "empty");
    EXPECT_EQ(whole.line, 0);
    EXPECT_EQ(whole.to_string(), "f.json: (root): empty");
}

TEST(located_error, checked_result_collects_every_problem) {
    hearth::checked<int> r = fail(hearth::located_errors{{"a", "/x", "one"}, {"a", "/y", "two"}});
    ASSERT_FALSE(r);
    ASSERT_EQ(r.error().size(), 2u);
    EXPECT_EQ(r.error()[1].to_string(), "a: /y: two");
}

}  // namespace
