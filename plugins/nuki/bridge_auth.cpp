// Role: implementation of the bridge authentication (see bridge_auth.hpp).
#include "bridge_auth.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <ctime>
#include <random>

namespace hearth::nuki {

std::string url_encode(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

std::string sha256_hex(std::string_view s) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(s.data(), s.size(), digest, &len, EVP_sha256(), nullptr) != 1) return {};
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out.push_back(hex[digest[i] >> 4]);
        out.push_back(hex[digest[i] & 15]);
    }
    return out;
}

std::string utc_timestamp(std::chrono::system_clock::time_point t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string hashed_token_query(const std::string& token, const std::string& ts, std::uint32_t rnr) {
    const std::string r = std::to_string(rnr);
    return "ts=" + url_encode(ts) + "&rnr=" + r + "&hash=" + sha256_hex(ts + "," + r + "," + token);
}

std::string hide_query(std::string message, const std::string& target, const std::string& path) {
    for (auto at = message.find(target); at != std::string::npos; at = message.find(target, at + path.size()))
        message.replace(at, target.size(), path);
    return message;
}

bridge_auth::bridge_auth(std::string token, bool hashed)
    : token_(std::move(token)), hashed_(hashed), rnr_(std::random_device{}() & 0xffffu) {}

std::string bridge_auth::target(const std::string& path, const params& query) {
    std::string out = path + "?";
    for (const auto& [k, v] : query) out += url_encode(k) + "=" + url_encode(v) + "&";
    if (!hashed_) return out + "token=" + url_encode(token_);
    rnr_ = rnr_ % 65535u + 1;
    return out + hashed_token_query(token_, utc_timestamp(std::chrono::system_clock::now()), rnr_);
}

}  // namespace hearth::nuki
