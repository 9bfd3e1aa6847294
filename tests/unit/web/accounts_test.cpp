// The web console's account rules without I/O: roles, user names, tokens, the session table's
// expiry and bound, the login throttle's lockouts per user and per address, Argon2id hashing.
#include "web/accounts.hpp"
#include "web/password_hash.hpp"

#include <gtest/gtest.h>

namespace hearth::web {
namespace {

constexpr time_ms k_minute = 60 * 1000;

TEST(Roles, ParseAndPrint) {
    for (role r : {role::admin, role::resident, role::guest}) EXPECT_EQ(parse_role(to_string(r)).value(), r);
    auto bad = parse_role("root");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), "unknown role 'root' (expected admin, resident or guest)");
}

TEST(UserNames, OnlySafeCharacters) {
    EXPECT_TRUE(is_valid_user_name("rita"));
    EXPECT_TRUE(is_valid_user_name("a.b-c_9"));
    EXPECT_FALSE(is_valid_user_name(""));
    EXPECT_FALSE(is_valid_user_name("-rita"));
    EXPECT_FALSE(is_valid_user_name("Rita"));
    EXPECT_FALSE(is_valid_user_name("<script>"));
    EXPECT_FALSE(is_valid_user_name(std::string(33, 'a')));
}

TEST(Tokens, RandomAndComparedWhole) {
    const auto a = random_token();
    const auto b = random_token();
    EXPECT_EQ(a.size(), 64U);
    EXPECT_NE(a, b);
    EXPECT_TRUE(same_token(a, a));
    EXPECT_FALSE(same_token(a, b));
    EXPECT_FALSE(same_token(a, a.substr(0, 63)));
    EXPECT_FALSE(same_token("", ""));
}

TEST(Sessions, ExpireWhenIdleOrOld) {
    session_table table({10 * k_minute, 60 * k_minute, 100});
    const std::string token = table.create("rita", role::resident, {}, 0).token;
    ASSERT_NE(table.find(token, 9 * k_minute), nullptr);
    ASSERT_NE(table.find(token, 18 * k_minute), nullptr);  // used at 9: still fresh
    EXPECT_EQ(table.find(token, 29 * k_minute), nullptr);  // idle 11 minutes
    EXPECT_EQ(table.size(), 0U);
    const std::string old = table.create("rita", role::resident, {}, 0).token;
    for (time_ms t = 5; t <= 60; t += 5) ASSERT_NE(table.find(old, t * k_minute), nullptr);
    EXPECT_EQ(table.find(old, 61 * k_minute), nullptr);  // absolute limit
}

TEST(Sessions, BoundedAndRemovedWithTheUser) {
    session_table table({k_minute, k_minute, 3});
    std::vector<std::string> tokens;
    for (int i = 0; i < 5; ++i) tokens.push_back(table.create("u" + std::to_string(i), role::guest, {}, i).token);
    EXPECT_EQ(table.size(), 3U);
    EXPECT_EQ(table.find(tokens[0], 10), nullptr);  // the oldest went first
    EXPECT_NE(table.find(tokens[4], 10), nullptr);
    EXPECT_EQ(table.remove_user("u4"), 1U);
    EXPECT_EQ(table.find(tokens[4], 10), nullptr);
}

TEST(Sessions, GuestsSeeTheirDevicesAndControlNothing) {
    session_table table;
    const session& guest = table.create("gast", role::guest, {"living_light"}, 0);
    EXPECT_TRUE(guest.may_see("living_light"));
    EXPECT_FALSE(guest.may_see("hall_lock"));
    EXPECT_FALSE(guest.may_control());
    const session& resident = table.create("rita", role::resident, {}, 0);
    EXPECT_TRUE(resident.may_see("hall_lock"));
    EXPECT_TRUE(resident.may_control());
    EXPECT_NE(guest.csrf, resident.csrf);
}

TEST(LoginThrottle, LocksAUserOutAfterFiveFailures) {
    login_throttle throttle;
    for (int i = 0; i < 4; ++i) throttle.failed("rita", "10.0.0." + std::to_string(i), i * 1000);
    EXPECT_EQ(throttle.locked_for("rita", "10.0.0.9", 4000), 0);
    throttle.failed("rita", "10.0.0.5", 4000);
    EXPECT_EQ(throttle.locked_for("rita", "10.0.0.9", 5000), 15 * k_minute - 1000);  // from any address
    EXPECT_EQ(throttle.locked_for("otto", "10.0.0.9", 5000), 0);                     // not other users
    EXPECT_EQ(throttle.locked_for("rita", "10.0.0.9", 4000 + 15 * k_minute), 0);     // over
}

TEST(LoginThrottle, FailuresOutsideTheWindowDoNotAddUp) {
    login_throttle throttle;
    for (int i = 0; i < 10; ++i) throttle.failed("rita", "a", i * 4 * k_minute);  // 4 per 15 min at most
    EXPECT_EQ(throttle.locked_for("rita", "a", 40 * k_minute), 0);
}

TEST(LoginThrottle, AnAddressTryingManyNamesIsLockedOut) {
    login_throttle throttle;
    for (int i = 0; i < 19; ++i) throttle.failed("name" + std::to_string(i), "192.0.2.1", i);
    EXPECT_EQ(throttle.locked_for("fresh", "192.0.2.1", 100), 0);
    throttle.failed("name19", "192.0.2.1", 19);
    EXPECT_GT(throttle.locked_for("fresh", "192.0.2.1", 100), 0);
    EXPECT_EQ(throttle.locked_for("fresh", "192.0.2.2", 100), 0);
}

TEST(LoginThrottle, SuccessForgetsTheUsersFailures) {
    login_throttle throttle;
    for (int i = 0; i < 4; ++i) throttle.failed("rita", "a", i);
    throttle.succeeded("rita");
    throttle.failed("rita", "a", 10);
    EXPECT_EQ(throttle.locked_for("rita", "b", 11), 0);
}

TEST(LoginThrottle, MemoryIsBounded) {
    login_throttle::limits l;
    l.max_entries = 100;
    login_throttle throttle(l);
    for (int i = 0; i < 10000; ++i) throttle.failed("n" + std::to_string(i), "a" + std::to_string(i), i);
    // Nothing to observe but that it ran in bounded memory; the newest still counts.
    for (int i = 0; i < 4; ++i) throttle.failed("n9999", "z", 10000 + i);
    EXPECT_GT(throttle.locked_for("n9999", "y", 10010), 0);
}

TEST(PasswordHash, Argon2idRoundTrip) {
    const argon2_params cheap{1024, 1, 1};  // the real cost is tested by the browser test's logins
    const std::string hash = hash_password("correct horse battery", cheap);
    EXPECT_EQ(hash.rfind("$argon2id$v=19$m=1024,t=1,p=1$", 0), 0U) << hash;
    EXPECT_TRUE(verify_password(hash, "correct horse battery"));
    EXPECT_FALSE(verify_password(hash, "correct horse batterY"));
    EXPECT_FALSE(verify_password("", "x"));
    EXPECT_FALSE(verify_password("$argon2i$v=19$m=1024,t=1,p=1$AAAA$AAAA", "x"));
    EXPECT_FALSE(verify_password("$argon2id$garbage", "x"));
    EXPECT_NE(hash_password("same", cheap), hash_password("same", cheap));  // salted
}

TEST(PasswordHash, DefaultsAreTheDocumentedOnes) {
    const argon2_params p;
    EXPECT_EQ(p.memory_kib, 65536U);
    EXPECT_EQ(p.passes, 3U);
    EXPECT_EQ(p.lanes, 1U);
    EXPECT_EQ(password_problem("short"), "the password must be at least 10 characters long");
    EXPECT_EQ(password_problem("long enough"), "");
}

}  // namespace
}  // namespace hearth::web
