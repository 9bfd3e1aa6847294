// Tests of the lock safety rules: PIN, lockout, command age, rule unlock; and PIN hashing.
#include "core/lock_policy.hpp"

#include <gtest/gtest.h>

namespace {
const std::string pin_hash = hearth::hash_pin("2468", 1000);

hearth::lock_policy policy() {
    hearth::lock_settings s;
    s.pin_hash = pin_hash;
    s.max_attempts = 3;
    s.lockout_ms = 60'000;
    s.max_command_age_ms = 5000;
    return hearth::lock_policy({{"hall_lock", s}});
}
}  // namespace

TEST(lock_policy, pin_hash_roundtrip_and_no_plaintext) {
    EXPECT_TRUE(hearth::is_pin_hash(pin_hash));
    EXPECT_EQ(pin_hash.find("2468"), std::string::npos);
    EXPECT_TRUE(hearth::verify_pin("2468", pin_hash));
    EXPECT_FALSE(hearth::verify_pin("2469", pin_hash));
    EXPECT_FALSE(hearth::verify_pin("2468", "pbkdf2-sha256$10$zz$00"));
    EXPECT_NE(hearth::hash_pin("2468", 1000), pin_hash);  // random salt
}

TEST(lock_policy, locking_needs_no_pin_unlocking_does) {
    auto p = policy();
    EXPECT_TRUE(p.check("hall_lock", "lock", std::nullopt, std::nullopt, "mqtt", 0).allowed);
    auto missing = p.check("hall_lock", "unlock", std::nullopt, std::nullopt, "mqtt", 0);
    EXPECT_FALSE(missing.allowed);
    EXPECT_EQ(missing.reason, "a PIN code is required to unlock this lock");
    EXPECT_TRUE(p.check("hall_lock", "unlock", std::string("2468"), std::nullopt, "mqtt", 0).allowed);
    EXPECT_TRUE(p.pin_required("hall_lock"));
    EXPECT_FALSE(p.pin_required("other_lock"));
    EXPECT_TRUE(p.check("other_lock", "unlock", std::nullopt, std::nullopt, "mqtt", 0).allowed);
}

TEST(lock_policy, wrong_codes_lead_to_a_timed_lockout) {
    auto p = policy();
    EXPECT_EQ(p.check("hall_lock", "unlock", std::string("1111"), std::nullopt, "mqtt", 0).reason,
              "wrong PIN code (2 attempts left)");
    p.check("hall_lock", "unlock", std::string("1111"), std::nullopt, "mqtt", 1);
    auto third = p.check("hall_lock", "unlatch", std::string("1111"), std::nullopt, "mqtt", 2);
    EXPECT_EQ(third.result, "locked_out");
    EXPECT_TRUE(third.lockout_started);
    // Even the right code is refused during the lockout; locking still works.
    auto during = p.check("hall_lock", "unlock", std::string("2468"), std::nullopt, "mqtt", 30'000);
    EXPECT_FALSE(during.allowed);
    EXPECT_EQ(during.reason, "too many wrong codes: unlocking is blocked for another 31 s");
    EXPECT_TRUE(p.check("hall_lock", "lock", std::nullopt, std::nullopt, "mqtt", 30'000).allowed);
    EXPECT_TRUE(p.check("hall_lock", "unlock", std::string("2468"), std::nullopt, "mqtt", 62'001).allowed);
}

TEST(lock_policy, old_and_future_commands_are_refused) {
    auto p = policy();
    const std::int64_t now = 1'000'000;
    EXPECT_TRUE(p.check("hall_lock", "lock", std::nullopt, now - 4000, "mqtt", now).allowed);
    auto old = p.check("hall_lock", "lock", std::nullopt, now - 6000, "mqtt", now);
    EXPECT_FALSE(old.allowed);
    EXPECT_EQ(old.reason, "the command is 6000 ms old (limit 5000 ms): send it again");
    EXPECT_FALSE(p.check("hall_lock", "lock", std::nullopt, now + 120'000, "mqtt", now).allowed);
}

TEST(lock_policy, automations_may_lock_but_not_unlock_unless_allowed) {
    auto p = policy();
    EXPECT_TRUE(p.check("hall_lock", "lock", std::nullopt, std::nullopt, "rule", 0).allowed);
    EXPECT_FALSE(p.check("hall_lock", "unlock", std::string("2468"), std::nullopt, "rule", 0).allowed);
    hearth::lock_settings s;
    s.allow_rule_unlock = true;
    hearth::lock_policy permissive({{"hall_lock", s}});
    EXPECT_TRUE(permissive.check("hall_lock", "unlock", std::nullopt, std::nullopt, "rule", 0).allowed);
}
