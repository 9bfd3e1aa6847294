// Role: implementation of digest_auth.hpp. Hashing goes through EVP (the MD5() one-shot is
// deprecated in OpenSSL 3); random client nonces come from RAND_bytes.
#include <hearth/kit/digest_auth.hpp>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <stdexcept>

namespace hearth::kit {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool iequals(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

bool is_sess(std::string_view algorithm) {
    const std::string a = lower(algorithm);
    return a.size() > 5 && a.compare(a.size() - 5, 5, "-sess") == 0;
}

std::string to_hex(const unsigned char* data, std::size_t size) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(digits[data[i] >> 4]);
        out.push_back(digits[data[i] & 0x0f]);
    }
    return out;
}

/// Quotes a value for a header parameter (backslash-escaping `"` and `\`).
std::string quoted(std::string_view v) {
    std::string out = "\"";
    for (char c : v) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

}  // namespace

std::map<std::string, std::string> parse_auth_params(std::string_view s) {
    std::map<std::string, std::string> out;
    std::size_t i = 0;
    const auto skip = [&](auto pred) {
        while (i < s.size() && pred(static_cast<unsigned char>(s[i]))) ++i;
    };
    while (i < s.size()) {
        skip([](unsigned char c) { return std::isspace(c) || c == ','; });
        const std::size_t key_start = i;
        skip([](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
        std::string key = lower(s.substr(key_start, i - key_start));
        skip([](unsigned char c) { return c == ' ' || c == '\t'; });
        if (key.empty() || i >= s.size() || s[i] != '=') {
            // Not a parameter (e.g. the next scheme's name): skip to the next comma.
            while (i < s.size() && s[i] != ',') ++i;
            continue;
        }
        ++i;  // '='
        skip([](unsigned char c) { return c == ' ' || c == '\t'; });
        std::string value;
        if (i < s.size() && s[i] == '"') {
            ++i;
            while (i < s.size() && s[i] != '"') {
                if (s[i] == '\\' && i + 1 < s.size()) ++i;
                value.push_back(s[i++]);
            }
            if (i < s.size()) ++i;  // closing quote
        } else {
            const std::size_t v_start = i;
            while (i < s.size() && s[i] != ',' && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
            value = std::string(s.substr(v_start, i - v_start));
        }
        out.emplace(std::move(key), std::move(value));
    }
    return out;
}

bool digest_algorithm_supported(std::string_view algorithm) {
    const std::string a = lower(algorithm);
    return a == "md5" || a == "md5-sess" || a == "sha-256" || a == "sha-256-sess";
}

std::optional<digest_challenge> parse_digest_challenge(std::string_view header) {
    // Find the "Digest" scheme token (case-insensitive) at a token boundary.
    const std::string h = lower(header);
    std::size_t at = std::string::npos;
    for (std::size_t p = h.find("digest"); p != std::string::npos; p = h.find("digest", p + 1)) {
        const bool start_ok = p == 0 || h[p - 1] == ' ' || h[p - 1] == ',' || h[p - 1] == '\t';
        const bool end_ok = p + 6 < h.size() && (h[p + 6] == ' ' || h[p + 6] == '\t');
        if (start_ok && end_ok) {
            at = p;
            break;
        }
    }
    if (at == std::string::npos) return std::nullopt;
    const auto params = parse_auth_params(header.substr(at + 6));
    digest_challenge c;
    const auto get = [&](const char* k) {
        auto it = params.find(k);
        return it == params.end() ? std::string() : it->second;
    };
    c.realm = get("realm");
    c.nonce = get("nonce");
    c.opaque = get("opaque");
    if (auto a = get("algorithm"); !a.empty()) c.algorithm = a;
    c.stale = iequals(get("stale"), "true");
    const std::string qop = lower(get("qop"));
    for (std::size_t p = 0; p < qop.size();) {
        std::size_t e = qop.find(',', p);
        if (e == std::string::npos) e = qop.size();
        std::string token = qop.substr(p, e - p);
        token.erase(std::remove_if(token.begin(), token.end(), [](unsigned char ch) { return std::isspace(ch); }),
                    token.end());
        if (token == "auth") c.qop_auth = true;
        p = e + 1;
    }
    if (c.nonce.empty() || !digest_algorithm_supported(c.algorithm)) return std::nullopt;
    return c;
}

std::string digest_hex(std::string_view algorithm, std::string_view data) {
    const std::string a = lower(algorithm);
    const EVP_MD* md = nullptr;
    if (a == "md5" || a == "md5-sess")
        md = EVP_md5();
    else if (a == "sha-256" || a == "sha-256-sess")
        md = EVP_sha256();
    else
        throw std::invalid_argument("unsupported digest algorithm");
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &size, md, nullptr) != 1)
        throw std::runtime_error("EVP_Digest failed");
    return to_hex(out.data(), size);
}

std::string digest_response(const digest_inputs& in) {
    const auto h = [&](const std::string& s) { return digest_hex(in.algorithm, s); };
    std::string ha1 = h(std::string(in.username) + ":" + std::string(in.realm) + ":" + std::string(in.password));
    if (is_sess(in.algorithm)) ha1 = h(ha1 + ":" + std::string(in.nonce) + ":" + std::string(in.cnonce));
    const std::string ha2 = h(std::string(in.method) + ":" + std::string(in.uri));
    if (in.qop.empty()) return h(ha1 + ":" + std::string(in.nonce) + ":" + ha2);
    return h(ha1 + ":" + std::string(in.nonce) + ":" + std::string(in.nc) + ":" + std::string(in.cnonce) + ":" +
             std::string(in.qop) + ":" + ha2);
}

std::string digest_authorization(const digest_challenge& c, std::string_view username, std::string_view password,
                                 std::string_view method, std::string_view uri, std::uint32_t nc,
                                 std::string_view cnonce) {
    char nc_text[9];
    std::snprintf(nc_text, sizeof nc_text, "%08x", nc);
    digest_inputs in;
    in.algorithm = c.algorithm;
    in.username = username;
    in.password = password;
    in.realm = c.realm;
    in.nonce = c.nonce;
    in.method = method;
    in.uri = uri;
    if (c.qop_auth) {
        in.qop = "auth";
        in.nc = nc_text;
        in.cnonce = cnonce;
    } else if (is_sess(c.algorithm)) {
        in.cnonce = cnonce;
    }
    std::string out = "Digest username=" + quoted(username) + ", realm=" + quoted(c.realm) +
                      ", nonce=" + quoted(c.nonce) + ", uri=" + quoted(uri) + ", algorithm=" + c.algorithm +
                      ", response=" + quoted(digest_response(in));
    if (!c.opaque.empty()) out += ", opaque=" + quoted(c.opaque);
    if (c.qop_auth) out += ", qop=auth, nc=" + std::string(nc_text) + ", cnonce=" + quoted(cnonce);
    return out;
}

std::string make_cnonce() {
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) throw std::runtime_error("RAND_bytes failed");
    return to_hex(bytes.data(), bytes.size());
}

}  // namespace hearth::kit
