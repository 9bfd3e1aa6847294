// The web console's account rules, free of I/O and clocks (time is a parameter): roles and what
// they may do, the session table (random tokens, CSRF tokens, idle and absolute expiry, bounded)
// and the login throttle (failures per user name and per client address, then a lockout).
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hearth::web {

using time_ms = std::int64_t;

/// admin: everything; resident: devices and locks (with the lock's PIN); guest: read-only, and
/// only the devices listed on the account.
enum class role { admin, resident, guest };

/// "admin" | "resident" | "guest".
std::string to_string(role r);
/// Checked parse ("unknown role '…' (expected admin, resident or guest)").
result<role> parse_role(const std::string& text);

/// A user name: 1–32 characters of [a-z0-9_.-], starting with a letter or digit.
bool is_valid_user_name(const std::string& name);

/// A random token of 32 bytes as 64 hex digits (OpenSSL's RAND_bytes).
std::string random_token();

/// Constant-time comparison of two tokens.
bool same_token(const std::string& a, const std::string& b);

/// A logged-in browser.
struct session {
    std::string token;  ///< the cookie value
    std::string csrf;   ///< must come back in X-CSRF-Token on every state-changing request
    std::string user;
    role who = role::guest;
    std::set<std::string> devices;  ///< guests: the devices they may see
    time_ms created_ms = 0;
    time_ms last_used_ms = 0;

    /// May this session see `device_id`?
    [[nodiscard]] bool may_see(const std::string& device_id) const {
        return who != role::guest || devices.count(device_id) > 0;
    }
    /// May this session send commands?
    [[nodiscard]] bool may_control() const { return who != role::guest; }
};

/// Sessions by token. Bounded: the oldest is dropped when `max_sessions` is reached.
class session_table {
public:
    struct limits {
        time_ms idle_ms = time_ms{2} * 3600 * 1000;       ///< unused this long: expired
        time_ms absolute_ms = time_ms{24} * 3600 * 1000;  ///< this long after login: expired
        std::size_t max_sessions = 1000;
    };
    session_table() = default;
    explicit session_table(limits l) : limits_(l) {}

    /// A new session for `user`; returns it (the token is the cookie value).
    const session& create(const std::string& user, role who, std::set<std::string> devices, time_ms now);
    /// The live session of `token` (its last use set to `now`), or nullptr (unknown or expired;
    /// an expired one is removed).
    const session* find(const std::string& token, time_ms now);
    /// Ends one session.
    void remove(const std::string& token);
    /// Ends every session of `user` (account removed). Returns how many.
    std::size_t remove_user(const std::string& user);
    [[nodiscard]] std::size_t size() const { return sessions_.size(); }

private:
    limits limits_;
    std::map<std::string, session> sessions_;
};

/// Failed logins per user name and per client address; too many within the window lock that
/// name (or address) out for a while. Bounded memory: at most `max_entries` names and addresses.
class login_throttle {
public:
    struct limits {
        int max_per_user = 5;      ///< failures of one user name within `window_ms`
        int max_per_address = 20;  ///< failures from one address within `window_ms`
        time_ms window_ms = time_ms{15} * 60 * 1000;
        time_ms lockout_ms = time_ms{15} * 60 * 1000;
        std::size_t max_entries = 10000;
    };
    login_throttle() = default;
    explicit login_throttle(limits l) : limits_(l) {}

    /// Milliseconds the user or address is still locked out, or 0.
    [[nodiscard]] time_ms locked_for(const std::string& user, const std::string& address, time_ms now) const;
    /// Records a failed login.
    void failed(const std::string& user, const std::string& address, time_ms now);
    /// Records a successful login: the user's failures are forgotten (the address's are not).
    void succeeded(const std::string& user);

private:
    struct entry {
        int failures = 0;
        time_ms first_ms = 0;
        time_ms locked_until_ms = 0;
    };
    void count(std::map<std::string, entry>& table, const std::string& key, int max, time_ms now);
    limits limits_;
    std::map<std::string, entry> users_;
    std::map<std::string, entry> addresses_;
};

}  // namespace hearth::web
