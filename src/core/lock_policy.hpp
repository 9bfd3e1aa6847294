// Door-lock safety rules, enforced by the core for every lock whatever its driver (sans-I/O:
// decisions take `now` as a parameter). Remote unlock/unlatch needs the PIN when one is
// configured; wrong codes lead to a lockout; old commands are refused; rules may lock but not
// unlock unless allowed. PINs are kept only as PBKDF2-SHA256 hashes and never logged.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace hearth {

/// Per-lock settings (config key "locks": {"<device id>": {...}}).
struct lock_settings {
    std::string pin_hash;                     ///< "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>"; empty: no PIN
    int max_attempts = 5;                     ///< wrong codes before a lockout
    std::int64_t lockout_ms = 300'000;        ///< how long unlocking is refused after max_attempts
    std::int64_t max_command_age_ms = 5000;   ///< commands carrying an older "ts" are refused
    std::int64_t auto_relock_ms = 0;          ///< relock this long after unlocked (0: off)
    std::int64_t left_unlocked_ms = 600'000;  ///< 'door left unlocked' alarm after this long (0: off)
    bool allow_rule_unlock = false;           ///< may automations unlock/unlatch?
};

/// What the policy decided about one lock command.
struct lock_decision {
    bool allowed = true;
    std::string result = "ok";  ///< ok | denied | locked_out
    std::string reason;         ///< why it was refused (no secrets)
    bool lockout_started = false;
};

class lock_policy {
public:
    lock_policy() = default;
    explicit lock_policy(std::map<std::string, lock_settings> settings) : settings_(std::move(settings)) {}

    /// Decides on `command` (lock|unlock|unlatch|set) for lock `device_id`. `code` is the PIN the
    /// caller gave (maybe none), `issued_at_ms` its timestamp if any, `source_kind` mqtt|rule|...
    lock_decision check(const std::string& device_id, const std::string& command,
                        const std::optional<std::string>& code, const std::optional<std::int64_t>& issued_at_ms,
                        const std::string& source_kind, std::int64_t now_ms);

    /// True when a PIN is configured for the lock (discovery sets HA's code_format then).
    [[nodiscard]] bool pin_required(const std::string& device_id) const;

    /// Settings of a lock (defaults if it has none configured).
    [[nodiscard]] lock_settings settings_for(const std::string& device_id) const;

private:
    struct attempts {
        int wrong = 0;
        std::int64_t locked_out_until = 0;
    };
    std::map<std::string, lock_settings> settings_;
    std::map<std::string, attempts> attempts_;
};

/// Hashes a PIN for the config: "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>" (random salt).
std::string hash_pin(const std::string& pin, int iterations = 200'000);

/// Constant-time check of `pin` against a hash made by hash_pin. False for malformed hashes.
bool verify_pin(const std::string& pin, const std::string& encoded_hash);

/// True if `encoded_hash` has the shape hash_pin produces.
bool is_pin_hash(const std::string& encoded_hash);

}  // namespace hearth
