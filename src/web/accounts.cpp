// The web console's account rules (see accounts.hpp).
#include "web/accounts.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace hearth::web {

std::string to_string(role r) {
    switch (r) {
    case role::admin: return "admin";
    case role::resident: return "resident";
    case role::guest: return "guest";
    }
    return "guest";
}

result<role> parse_role(const std::string& text) {
    if (text == "admin") return role::admin;
    if (text == "resident") return role::resident;
    if (text == "guest") return role::guest;
    return fail("unknown role '" + text.substr(0, 32) + "' (expected admin, resident or guest)");
}

bool is_valid_user_name(const std::string& name) {
    if (name.empty() || name.size() > 32) return false;
    const auto ok = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    };
    const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    return alnum(name.front()) && std::all_of(name.begin(), name.end(), ok);
}

std::string random_token() {
    std::array<unsigned char, 32> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("no random bytes");
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char b : bytes) {
        out += k_hex[b >> 4U];
        out += k_hex[b & 0x0fU];
    }
    return out;
}

bool same_token(const std::string& a, const std::string& b) {
    return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

const session& session_table::create(const std::string& user, role who, std::set<std::string> devices, time_ms now) {
    if (sessions_.size() >= limits_.max_sessions) {
        auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
            return a.second.last_used_ms < b.second.last_used_ms;
        });
        sessions_.erase(oldest);
    }
    session s{random_token(), random_token(), user, who, std::move(devices), now, now};
    const std::string token = s.token;
    return sessions_.emplace(token, std::move(s)).first->second;
}

const session* session_table::find(const std::string& token, time_ms now) {
    auto it = sessions_.find(token);
    if (it == sessions_.end()) return nullptr;
    session& s = it->second;
    if (now - s.last_used_ms > limits_.idle_ms || now - s.created_ms > limits_.absolute_ms) {
        sessions_.erase(it);
        return nullptr;
    }
    s.last_used_ms = now;
    return &s;
}

void session_table::remove(const std::string& token) { sessions_.erase(token); }

std::size_t session_table::remove_user(const std::string& user) {
    return std::erase_if(sessions_, [&](const auto& kv) { return kv.second.user == user; });
}

time_ms login_throttle::locked_for(const std::string& user, const std::string& address, time_ms now) const {
    time_ms left = 0;
    for (const auto* table : {&users_, &addresses_}) {
        const std::string& key = table == &users_ ? user : address;
        auto it = table->find(key);
        if (it != table->end() && it->second.locked_until_ms > now) {
            left = std::max(left, it->second.locked_until_ms - now);
        }
    }
    return left;
}

void login_throttle::count(std::map<std::string, entry>& table, const std::string& key, int max, time_ms now) {
    if (table.size() >= limits_.max_entries && table.count(key) == 0) {
        // Forget what no longer counts; if everything still counts, forget the oldest window.
        std::erase_if(table, [&](const auto& kv) {
            return kv.second.locked_until_ms <= now && now - kv.second.first_ms > limits_.window_ms;
        });
        if (table.size() >= limits_.max_entries) {
            table.erase(std::min_element(table.begin(), table.end(), [](const auto& a, const auto& b) {
                return a.second.first_ms < b.second.first_ms;
            }));
        }
    }
    entry& e = table[key];
    if (now - e.first_ms > limits_.window_ms) e = entry{0, now, e.locked_until_ms};
    ++e.failures;
    if (e.failures >= max) {
        e.locked_until_ms = now + limits_.lockout_ms;
        e.failures = 0;
        e.first_ms = now;
    }
}

void login_throttle::failed(const std::string& user, const std::string& address, time_ms now) {
    count(users_, user, limits_.max_per_user, now);
    count(addresses_, address, limits_.max_per_address, now);
}

void login_throttle::succeeded(const std::string& user) { users_.erase(user); }

}  // namespace hearth::web
