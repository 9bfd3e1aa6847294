// Door-lock safety rules, enforced by the core for every lock whatever its driver (sans-I/O:
// decisions take `now` as a parameter). Remote unlock/unlatch, settings writes and lock
// administration (remove, rename) need the PIN — given in clear (Home Assistant's code_format) or
// as a challenge response that never carries the PIN — when one is configured; a lock without a
// PIN refuses them unless the config says "pin": "none". Wrong codes lead to a lockout; the
// counters live in a lock_store (SQLite in hearthd) and are written before a code is checked, so
// a restart or a crash never resets them. Commands with a `ts` too old or in the future are
// refused; rules may lock but not unlock unless allowed. PINs are kept only as PBKDF2-SHA256
// hashes and never logged.
#pragma once

#include "core/lock_store.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace hearth {

/// Per-lock settings (config key "locks": {"<device id>": {...}}).
struct lock_settings {
    std::string pin_hash;                     ///< "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>"; empty: no PIN
    bool pin_none = false;                    ///< "pin": "none": remote unlock without a code, explicitly
    int max_attempts = 5;                     ///< wrong codes before a lockout
    std::int64_t lockout_ms = 300'000;        ///< lockout length; also how long a wrong code is counted
    std::int64_t max_command_age_ms = 5000;   ///< commands carrying an older "ts" are refused
    std::int64_t max_future_skew_ms = 2000;   ///< commands whose "ts" is further ahead are refused
    std::int64_t auto_relock_ms = 0;          ///< relock this long after unlocked (0: off)
    std::int64_t left_unlocked_ms = 600'000;  ///< 'door left unlocked' alarm after this long (0: off)
    bool allow_rule_unlock = false;           ///< may automations unlock/unlatch?
};

/// What the policy decided about one lock command.
struct lock_decision {
    bool allowed = true;
    std::string result = "ok";  ///< ok | denied | locked_out | error
    std::string reason;         ///< why it was refused (no secrets)
    bool lockout_started = false;
};

/// A one-time challenge for the challenge-response mode (docs/security.md).
struct lock_challenge {
    std::string nonce;  ///< 32 hex digits, single use, bound to one lock and one operation
    std::int64_t expires_ms = 0;
    std::string salt;  ///< hex, from the PIN hash: the client derives key = PBKDF2-SHA256(PIN, salt, iterations)
    int iterations = 0;
};

/// Lifetime of a challenge nonce.
inline constexpr std::int64_t k_challenge_ttl_ms = 30'000;

class lock_policy {
public:
    lock_policy() = default;
    explicit lock_policy(std::map<std::string, lock_settings> settings) : settings_(std::move(settings)) {}

    /// Where wrong-code counters live (not owned; must outlive the policy). Loads them now; throws
    /// if they cannot be read. Without a store the counters live in memory only (unit tests).
    void set_store(lock_store* store);

    /// Decides on `command` (lock|unlock|unlatch|set|remove|rename) for lock `device_id`. `code`
    /// is the PIN or a challenge response ("cr1:<nonce>:<hmac hex>"), `issued_at_ms` the sender's
    /// "ts" if any, `source_kind` mqtt|rule|hearthctl|internal|keypad.
    lock_decision check(const std::string& device_id, const std::string& command,
                        const std::optional<std::string>& code, const std::optional<std::int64_t>& issued_at_ms,
                        const std::string& source_kind, std::int64_t now_ms);

    /// Issues a challenge for `operation` on the lock, or returns nullopt with `error` set.
    std::optional<lock_challenge> challenge(const std::string& device_id, const std::string& operation,
                                            std::int64_t now_ms, std::string& error);

    /// True when a PIN is configured for the lock (discovery sets HA's code_format then).
    [[nodiscard]] bool pin_required(const std::string& device_id) const;

    /// Settings of a lock (defaults if it has none configured).
    [[nodiscard]] lock_settings settings_for(const std::string& device_id) const;

    /// The lock's counters as of `now` (expired windows and lockouts read as zero).
    [[nodiscard]] lock_counters counters(const std::string& device_id, std::int64_t now_ms) const;

    /// Every lock id with a settings entry.
    [[nodiscard]] const std::map<std::string, lock_settings>& all_settings() const { return settings_; }

private:
    struct pending_challenge {
        std::string device_id;
        std::string operation;
        std::int64_t expires_ms = 0;
    };
    /// Checks a "cr1:" response; nullopt when it is well formed (then `ok` says if it matched),
    /// else the reason it cannot be checked (not counted as a wrong code).
    std::optional<std::string> check_response(const std::string& device_id, const std::string& operation,
                                              const std::string& code, const std::string& pin_hash, std::int64_t now_ms,
                                              bool& ok);
    void save(const std::string& device_id, const lock_counters& c);

    std::map<std::string, lock_settings> settings_;
    std::map<std::string, lock_counters> counters_;
    std::map<std::string, pending_challenge> challenges_;  ///< by nonce
    lock_store* store_ = nullptr;
};

/// Hashes a PIN for the config: "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>" (random salt).
std::string hash_pin(const std::string& pin, int iterations = 200'000);

/// Constant-time check of `pin` against a hash made by hash_pin. False for malformed hashes.
bool verify_pin(const std::string& pin, const std::string& encoded_hash);

/// True if `encoded_hash` has the shape hash_pin produces.
bool is_pin_hash(const std::string& encoded_hash);

/// The challenge response a client sends: "cr1:<nonce>:" + hex(HMAC-SHA256(PBKDF2-SHA256(pin,
/// salt, iterations), "<nonce>:<device id>:<operation>")). `salt_hex` and `iterations` come with
/// the challenge. Used by hearthctl and the tests; the core verifies with the stored hash.
std::string challenge_response(const std::string& pin, const std::string& salt_hex, int iterations,
                               const std::string& nonce, const std::string& device_id, const std::string& operation);

}  // namespace hearth
