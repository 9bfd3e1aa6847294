// Door-lock safety rules and PIN hashing (see lock_policy.hpp).
#include "core/lock_policy.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
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

bool is_unlocking(const std::string& command) { return command == "unlock" || command == "unlatch"; }

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
        if (age < -60'000) return deny("denied", "the command's ts lies in the future: check the sender's clock");
    }
    if (!is_unlocking(command)) return d;
    if (source_kind == "rule" && !s.allow_rule_unlock) {
        return deny("denied", "automations may not unlock this lock (set allow_rule_unlock to permit it)");
    }
    if (s.pin_hash.empty() || source_kind == "keypad") return d;
    attempts& a = attempts_[device_id];
    if (a.locked_out_until > now_ms) {
        const std::int64_t left_s = (a.locked_out_until - now_ms + 999) / 1000;
        return deny("locked_out",
                    "too many wrong codes: unlocking is blocked for another " + std::to_string(left_s) + " s");
    }
    if (!code || code->empty()) return deny("denied", "a PIN code is required to " + command + " this lock");
    if (verify_pin(*code, s.pin_hash)) {
        a.wrong = 0;
        return d;
    }
    if (++a.wrong >= s.max_attempts) {
        a.wrong = 0;
        a.locked_out_until = now_ms + s.lockout_ms;
        d.lockout_started = true;
        return deny("locked_out", "wrong PIN code; too many wrong codes: unlocking is blocked for " +
                                      std::to_string(s.lockout_ms / 1000) + " s");
    }
    return deny("denied", "wrong PIN code (" + std::to_string(s.max_attempts - a.wrong) + " attempts left)");
}

}  // namespace hearth
