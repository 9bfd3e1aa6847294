// Door-lock safety rules and PIN hashing (see lock_policy.hpp).
#include "core/lock_policy.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <sstream>
#include <stdexcept>
#include <vector>

namespace hearth {
namespace {

std::string to_hex(const unsigned char* data, std::size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 15];
    }
    return out;
}

std::optional<std::vector<unsigned char>> from_hex(const std::string& hex) {
    if (hex.size() % 2 != 0 || hex.empty()) return std::nullopt;
    std::vector<unsigned char> out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        auto nibble = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            return -1;
        };
        const int hi = nibble(hex[2 * i]);
        const int lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    return out;
}

struct parsed_hash {
    int iterations = 0;
    std::vector<unsigned char> salt;
    std::vector<unsigned char> hash;
};

std::optional<parsed_hash> parse_hash(const std::string& encoded) {
    std::vector<std::string> parts;
    std::stringstream ss(encoded);
    for (std::string p; std::getline(ss, p, '$');) parts.push_back(p);
    if (parts.size() != 4 || parts[0] != "pbkdf2-sha256") return std::nullopt;
    parsed_hash h;
    try {
        h.iterations = std::stoi(parts[1]);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    auto salt = from_hex(parts[2]);
    auto hash = from_hex(parts[3]);
    if (h.iterations < 1000 || !salt || !hash || hash->size() != 32) return std::nullopt;
    h.salt = std::move(*salt);
    h.hash = std::move(*hash);
    return h;
}

std::vector<unsigned char> derive(const std::string& pin, const std::vector<unsigned char>& salt, int iterations) {
    std::vector<unsigned char> out(32);
    if (PKCS5_PBKDF2_HMAC(pin.data(), static_cast<int>(pin.size()), salt.data(), static_cast<int>(salt.size()),
                          iterations, EVP_sha256(), static_cast<int>(out.size()), out.data()) != 1) {
        throw std::runtime_error("PBKDF2 failed");
    }
    return out;
}

/// Operations that need the PIN: opening the door, weakening its settings, administering it.
bool needs_pin(const std::string& command) {
    return command == "unlock" || command == "unlatch" || command == "set" || command == "remove" ||
           command == "rename";
}

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> b(bytes);
    if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) throw std::runtime_error("no randomness for a nonce");
    return to_hex(b.data(), b.size());
}

std::vector<unsigned char> hmac_sha256(const std::vector<unsigned char>& key, const std::string& message) {
    std::vector<unsigned char> out(EVP_MAX_MD_SIZE);
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
         message.size(), out.data(), &len);
    out.resize(len);
    return out;
}

std::string challenge_message(const std::string& nonce, const std::string& device_id, const std::string& op) {
    return nonce + ":" + device_id + ":" + op;
}

}  // namespace

std::string hash_pin(const std::string& pin, int iterations) {
    std::vector<unsigned char> salt(16);
    if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1)
        throw std::runtime_error("no randomness for a salt");
    const auto hash = derive(pin, salt, iterations);
    return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + to_hex(salt.data(), salt.size()) + "$" +
           to_hex(hash.data(), hash.size());
}

bool verify_pin(const std::string& pin, const std::string& encoded_hash) {
    auto h = parse_hash(encoded_hash);
    if (!h) return false;
    const auto candidate = derive(pin, h->salt, h->iterations);
    return CRYPTO_memcmp(candidate.data(), h->hash.data(), candidate.size()) == 0;
}

bool is_pin_hash(const std::string& encoded_hash) { return parse_hash(encoded_hash).has_value(); }

bool lock_policy::pin_required(const std::string& device_id) const {
    auto it = settings_.find(device_id);
    return it != settings_.end() && !it->second.pin_hash.empty();
}

lock_settings lock_policy::settings_for(const std::string& device_id) const {
    auto it = settings_.find(device_id);
    return it != settings_.end() ? it->second : lock_settings{};
}

void lock_policy::set_store(lock_store* store) {
    store_ = store;
    if (store_ != nullptr) counters_ = store_->load_counters();
}

lock_counters lock_policy::counters(const std::string& device_id, std::int64_t now_ms) const {
    auto it = counters_.find(device_id);
    if (it == counters_.end()) return {};
    lock_counters c = it->second;
    const lock_settings s = settings_for(device_id);
    if (c.locked_out_until != 0 && c.locked_out_until <= now_ms) c = {};  // the lockout has run out
    if (c.locked_out_until == 0 && c.wrong > 0 && now_ms - c.last_wrong_ms >= s.lockout_ms) c = {};
    return c;
}

void lock_policy::save(const std::string& device_id, const lock_counters& c) {
    if (store_ != nullptr) store_->save_counters(device_id, c);  // may throw: the caller fails closed
    counters_[device_id] = c;
}

std::optional<lock_challenge> lock_policy::challenge(const std::string& device_id, const std::string& operation,
                                                     std::int64_t now_ms, std::string& error) {
    if (!needs_pin(operation)) {
        error = "'" + operation + "' needs no code: send it without a challenge";
        return std::nullopt;
    }
    const lock_settings s = settings_for(device_id);
    auto h = parse_hash(s.pin_hash);
    if (!h) {
        error = "no PIN is configured for lock '" + device_id + "'";
        return std::nullopt;
    }
    std::erase_if(challenges_, [&](const auto& kv) { return kv.second.expires_ms <= now_ms; });
    constexpr std::size_t k_max_per_lock = 16;  // a flood of challenge requests stays bounded
    std::size_t mine = 0;
    for (const auto& [n, c] : challenges_) mine += c.device_id == device_id ? 1 : 0;
    if (mine >= k_max_per_lock) {
        error = "too many open challenges for lock '" + device_id + "': use one or wait " +
                std::to_string(k_challenge_ttl_ms / 1000) + " s";
        return std::nullopt;
    }
    lock_challenge c{random_hex(16), now_ms + k_challenge_ttl_ms, to_hex(h->salt.data(), h->salt.size()),
                     h->iterations};
    challenges_[c.nonce] = {device_id, operation, c.expires_ms};
    return c;
}

std::optional<std::string> lock_policy::check_response(const std::string& device_id, const std::string& operation,
                                                       const std::string& code, const std::string& pin_hash,
                                                       std::int64_t now_ms, bool& ok) {
    ok = false;
    const auto second = code.find(':', 4);
    if (second == std::string::npos) return "malformed challenge response (expected cr1:<nonce>:<hmac>)";
    const std::string nonce = code.substr(4, second - 4);
    auto mac = from_hex(code.substr(second + 1));
    auto it = challenges_.find(nonce);
    if (it == challenges_.end() || it->second.expires_ms <= now_ms) {
        if (it != challenges_.end()) challenges_.erase(it);
        return "unknown or expired challenge: ask for a new one";
    }
    const pending_challenge pc = it->second;
    challenges_.erase(it);  // single use, whatever follows
    if (pc.device_id != device_id || pc.operation != operation)
        return "the challenge was issued for " + pc.operation + " on '" + pc.device_id + "'";
    auto h = parse_hash(pin_hash);
    if (!h) return "no PIN is configured for this lock";
    const auto expected = hmac_sha256(h->hash, challenge_message(nonce, device_id, operation));
    ok = mac && mac->size() == expected.size() && CRYPTO_memcmp(mac->data(), expected.data(), expected.size()) == 0;
    return std::nullopt;
}

lock_decision lock_policy::check(const std::string& device_id, const std::string& command,
                                 const std::optional<std::string>& code,
                                 const std::optional<std::int64_t>& issued_at_ms, const std::string& source_kind,
                                 std::int64_t now_ms) {
    const lock_settings s = settings_for(device_id);
    lock_decision d;
    auto deny = [&](std::string result, std::string reason) {
        d.allowed = false;
        d.result = std::move(result);
        d.reason = std::move(reason);
        return d;
    };
    if (issued_at_ms) {
        const std::int64_t age = now_ms - *issued_at_ms;
        if (age > s.max_command_age_ms) {
            return deny("denied", "the command is " + std::to_string(age) + " ms old (limit " +
                                      std::to_string(s.max_command_age_ms) + " ms): send it again");
        }
        if (-age > s.max_future_skew_ms) {
            return deny("denied", "the command's ts lies " + std::to_string(-age) + " ms in the future (limit " +
                                      std::to_string(s.max_future_skew_ms) + " ms): check the sender's clock");
        }
    }
    if (!needs_pin(command)) return d;
    if (source_kind == "rule" && !s.allow_rule_unlock) {
        return deny("denied", "automations may not " + command + " this lock (set allow_rule_unlock to permit it)");
    }
    if (source_kind == "keypad") return d;
    if (s.pin_hash.empty()) {
        if (s.pin_none || source_kind == "rule") return d;  // both are explicit settings
        return deny("denied", "no PIN is configured for this lock: remote " + command +
                                  " is refused (configure locks." + device_id +
                                  ".pin_hash, or \"pin\": \"none\" to allow it without a code)");
    }
    lock_counters c = counters(device_id, now_ms);
    if (c.locked_out_until > now_ms) {
        const std::int64_t left_s = (c.locked_out_until - now_ms + 999) / 1000;
        return deny("locked_out",
                    "too many wrong codes: unlocking is blocked for another " + std::to_string(left_s) + " s");
    }
    if (!code || code->empty()) return deny("denied", "a PIN code is required to " + command + " this lock");
    const bool is_response = code->rfind("cr1:", 0) == 0;
    bool right = false;
    if (is_response) {
        if (auto why = check_response(device_id, command, *code, s.pin_hash, now_ms, right))
            return deny("denied", *why);
    }
    // Count the code as wrong before checking it: a crash or a restart during the check cannot
    // give an attacker a free guess. A right code resets the counters afterwards.
    lock_counters charged{c.wrong + 1, now_ms, 0};
    if (charged.wrong >= s.max_attempts) charged = {0, now_ms, now_ms + s.lockout_ms};
    try {
        save(device_id, charged);
    } catch (const std::exception& e) {
        return deny("error", std::string("the wrong-code counter cannot be recorded (") + e.what() + "): " + command +
                                 " is refused until it can (fail closed)");
    }
    if (!is_response) right = verify_pin(*code, s.pin_hash);
    if (right) {
        try {
            save(device_id, {});
        } catch (const std::exception&) {
            counters_[device_id] = {};  // over-counted on disk only: a later wrong code is charged anyway
        }
        return d;
    }
    if (charged.locked_out_until != 0) {
        d.lockout_started = true;
        return deny("locked_out", "wrong PIN code; too many wrong codes: unlocking is blocked for " +
                                      std::to_string(s.lockout_ms / 1000) + " s");
    }
    return deny("denied", "wrong PIN code (" + std::to_string(s.max_attempts - charged.wrong) + " attempts left)");
}

std::string challenge_response(const std::string& pin, const std::string& salt_hex, int iterations,
                               const std::string& nonce, const std::string& device_id, const std::string& operation) {
    auto salt = from_hex(salt_hex);
    if (!salt) throw std::invalid_argument("the challenge's salt is not hex");
    const auto key = derive(pin, *salt, iterations);
    const auto mac = hmac_sha256(key, challenge_message(nonce, device_id, operation));
    return "cr1:" + nonce + ":" + to_hex(mac.data(), mac.size());
}

}  // namespace hearth
