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
    // A lock without a PIN is refused remote unlock unless the config says "pin": "none".
    auto unconfigured = p.check("other_lock", "unlock", std::nullopt, std::nullopt, "mqtt", 0);
    EXPECT_FALSE(unconfigured.allowed);
    EXPECT_NE(unconfigured.reason.find("no PIN is configured"), std::string::npos) << unconfigured.reason;
    EXPECT_TRUE(p.check("other_lock", "lock", std::nullopt, std::nullopt, "mqtt", 0).allowed);
    hearth::lock_settings none;
    none.pin_none = true;
    hearth::lock_policy explicit_none({{"other_lock", none}});
    EXPECT_TRUE(explicit_none.check("other_lock", "unlock", std::nullopt, std::nullopt, "mqtt", 0).allowed);
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
    for (std::int64_t ahead : {61'000, 59'000, 2'001}) {
        auto future = p.check("hall_lock", "lock", std::nullopt, now + ahead, "mqtt", now);
        EXPECT_FALSE(future.allowed) << ahead;
        EXPECT_NE(future.reason.find("in the future"), std::string::npos) << future.reason;
    }
    EXPECT_TRUE(p.check("hall_lock", "lock", std::nullopt, now + 2000, "mqtt", now).allowed);
}

namespace {
/// A lock_store in memory that can be told to fail like a full disk.
struct fake_store final : hearth::lock_store {
    std::map<std::string, hearth::lock_counters> counters;
    bool full = false;
    int saves = 0;
    std::map<std::string, hearth::lock_counters> load_counters() override { return counters; }
    void save_counters(const std::string& id, const hearth::lock_counters& c) override {
        if (full) throw std::runtime_error("database or disk is full");
        ++saves;
        counters[id] = c;
    }
    std::vector<hearth::lock_timer> load_timers() override { return {}; }
    void save_timer(const hearth::lock_timer&) override {}
    void remove_timer(const std::string&, const std::string&) override {}
    std::vector<hearth::lock_open_attempt> take_open_attempts() override { return {}; }
};
}  // namespace

TEST(lock_policy, counters_are_stored_before_the_code_is_checked_and_survive_a_new_policy) {
    fake_store store;
    {
        auto p = policy();
        p.set_store(&store);
        p.check("hall_lock", "unlock", std::string("1111"), std::nullopt, "mqtt", 1000);
        p.check("hall_lock", "unlock", std::string("1111"), std::nullopt, "mqtt", 2000);
    }
    EXPECT_EQ(store.counters["hall_lock"].wrong, 2);
    auto restarted = policy();  // a restart: same store, new process state
    restarted.set_store(&store);
    EXPECT_EQ(restarted.counters("hall_lock", 3000).wrong, 2);
    auto third = restarted.check("hall_lock", "unlock", std::string("1111"), std::nullopt, "mqtt", 3000);
    EXPECT_EQ(third.result, "locked_out");
    EXPECT_EQ(store.counters["hall_lock"].locked_out_until, 63'000);
    // The right code is charged first, then the counters are reset: two writes.
    const int before = store.saves;
    EXPECT_TRUE(restarted.check("hall_lock", "unlock", std::string("2468"), std::nullopt, "mqtt", 63'000).allowed);
    EXPECT_EQ(store.saves - before, 2);
    EXPECT_EQ(store.counters["hall_lock"], hearth::lock_counters{});
}

TEST(lock_policy, wrong_codes_expire_after_the_lockout_window) {
    auto p = policy();
    p.check("hall_lock", "unlock", std::string("1111"), std::nullopt, "mqtt", 0);
    EXPECT_EQ(p.counters("hall_lock", 59'999).wrong, 1);
    EXPECT_EQ(p.counters("hall_lock", 60'000).wrong, 0);
}

TEST(lock_policy, an_unrecordable_attempt_is_refused) {
    fake_store store;
    auto p = policy();
    p.set_store(&store);
    store.full = true;
    auto d = p.check("hall_lock", "unlock", std::string("2468"), std::nullopt, "mqtt", 0);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.result, "error");
    EXPECT_NE(d.reason.find("fail closed"), std::string::npos) << d.reason;
    EXPECT_TRUE(p.check("hall_lock", "lock", std::nullopt, std::nullopt, "mqtt", 0).allowed);
}

TEST(lock_policy, challenge_response_is_single_use_bound_and_short_lived) {
    auto p = policy();
    std::string error;
    auto c = p.challenge("hall_lock", "unlock", 0, error);
    ASSERT_TRUE(c.has_value()) << error;
    EXPECT_EQ(c->nonce.size(), 32u);
    const std::string good =
        hearth::challenge_response("2468", c->salt, c->iterations, c->nonce, "hall_lock", "unlock");
    EXPECT_EQ(good.find("2468"), std::string::npos);
    EXPECT_TRUE(p.check("hall_lock", "unlock", good, std::nullopt, "mqtt", 1000).allowed);
    auto replay = p.check("hall_lock", "unlock", good, std::nullopt, "mqtt", 2000);
    EXPECT_FALSE(replay.allowed);
    EXPECT_NE(replay.reason.find("unknown or expired challenge"), std::string::npos);
    // Bound to the operation, and it expires.
    auto c2 = p.challenge("hall_lock", "unlock", 0, error);
    auto other_op = hearth::challenge_response("2468", c2->salt, c2->iterations, c2->nonce, "hall_lock", "unlatch");
    EXPECT_FALSE(p.check("hall_lock", "unlatch", other_op, std::nullopt, "mqtt", 1000).allowed);
    auto c3 = p.challenge("hall_lock", "unlock", 0, error);
    auto late = hearth::challenge_response("2468", c3->salt, c3->iterations, c3->nonce, "hall_lock", "unlock");
    EXPECT_FALSE(p.check("hall_lock", "unlock", late, std::nullopt, "mqtt", hearth::k_challenge_ttl_ms).allowed);
    // A wrong PIN in a response counts as a wrong code.
    auto c4 = p.challenge("hall_lock", "unlock", 0, error);
    auto wrong = hearth::challenge_response("1111", c4->salt, c4->iterations, c4->nonce, "hall_lock", "unlock");
    EXPECT_EQ(p.check("hall_lock", "unlock", wrong, std::nullopt, "mqtt", 1000).reason,
              "wrong PIN code (2 attempts left)");
    EXPECT_FALSE(p.challenge("other_lock", "unlock", 0, error).has_value());
    EXPECT_FALSE(p.challenge("hall_lock", "lock", 0, error).has_value());
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
