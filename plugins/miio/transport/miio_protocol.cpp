// Role: implementation of the pure miIO frame functions (OpenSSL EVP for MD5 and AES-128-CBC).
#include "miio_protocol.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace hearth::miio {

namespace {

void put_u16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}
void put_u32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}
std::uint16_t get_u16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
std::uint32_t get_u32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

struct ctx_free {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// The checksum over header (checksum field replaced by the token) and payload.
token_bytes frame_checksum(const token_bytes& token, std::span<const std::uint8_t> frame) {
    bytes buf(frame.begin(), frame.end());
    std::copy(token.begin(), token.end(), buf.begin() + 16);
    return md5(buf);
}

}  // namespace

std::optional<token_bytes> parse_token(std::string_view hex) {
    if (hex.size() != 32) return std::nullopt;
    token_bytes out{};
    for (std::size_t i = 0; i < 16; ++i) {
        const int hi = hex_value(hex[2 * i]);
        const int lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return out;
}

std::string to_hex(std::span<const std::uint8_t> data) {
    static const char* k_digits = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (auto b : data) {
        out.push_back(k_digits[b >> 4]);
        out.push_back(k_digits[b & 0xF]);
    }
    return out;
}

token_bytes md5(std::span<const std::uint8_t> data) {
    token_bytes out{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_md5(), nullptr) != 1 || len != out.size())
        throw std::runtime_error("MD5 failed");
    return out;
}

cipher_keys derive_keys(const token_bytes& token) {
    cipher_keys k;
    k.key = md5(token);
    bytes both(k.key.begin(), k.key.end());
    both.insert(both.end(), token.begin(), token.end());
    k.iv = md5(both);
    return k;
}

bytes encrypt(const cipher_keys& k, std::span<const std::uint8_t> plain) {
    std::unique_ptr<EVP_CIPHER_CTX, ctx_free> ctx(EVP_CIPHER_CTX_new());
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_cbc(), nullptr, k.key.data(), k.iv.data()) != 1)
        throw std::runtime_error("AES init failed");
    bytes out(plain.size() + 16);
    int n1 = 0, n2 = 0;
    if (EVP_EncryptUpdate(ctx.get(), out.data(), &n1, plain.data(), static_cast<int>(plain.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), out.data() + n1, &n2) != 1)
        throw std::runtime_error("AES encrypt failed");
    out.resize(static_cast<std::size_t>(n1) + static_cast<std::size_t>(n2));
    return out;
}

std::optional<bytes> decrypt(const cipher_keys& k, std::span<const std::uint8_t> cipher) {
    if (cipher.empty() || cipher.size() % 16 != 0) return std::nullopt;
    std::unique_ptr<EVP_CIPHER_CTX, ctx_free> ctx(EVP_CIPHER_CTX_new());
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_cbc(), nullptr, k.key.data(), k.iv.data()) != 1)
        return std::nullopt;
    bytes out(cipher.size() + 16);
    int n1 = 0, n2 = 0;
    if (EVP_DecryptUpdate(ctx.get(), out.data(), &n1, cipher.data(), static_cast<int>(cipher.size())) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), out.data() + n1, &n2) != 1)
        return std::nullopt;
    out.resize(static_cast<std::size_t>(n1) + static_cast<std::size_t>(n2));
    return out;
}

std::optional<header> parse_header(std::span<const std::uint8_t> frame) {
    if (frame.size() < k_header_size) return std::nullopt;
    if (get_u16(frame.data()) != k_magic) return std::nullopt;
    header h;
    h.length = get_u16(frame.data() + 2);
    h.unknown = get_u32(frame.data() + 4);
    h.device_id = get_u32(frame.data() + 8);
    h.stamp = get_u32(frame.data() + 12);
    std::copy(frame.begin() + 16, frame.begin() + 32, h.checksum.begin());
    return h;
}

bytes hello_frame() {
    bytes f(k_header_size, 0xFF);
    put_u16(f.data(), k_magic);
    put_u16(f.data() + 2, static_cast<std::uint16_t>(k_header_size));
    return f;
}

std::optional<hello_reply> parse_hello_reply(std::span<const std::uint8_t> frame) {
    const auto h = parse_header(frame);
    if (!h || h->length != k_header_size || frame.size() != k_header_size) return std::nullopt;
    return hello_reply{h->device_id, h->stamp, h->checksum};
}

bytes encode_frame(const token_bytes& token, std::uint32_t device_id, std::uint32_t stamp, std::string_view json_text) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(json_text.data());
    const bytes payload = encrypt(derive_keys(token), {p, json_text.size()});
    const std::size_t total = k_header_size + payload.size();
    if (total > 0xFFFF) throw std::length_error("miIO frame too large");
    bytes f(total, 0);  // sized once: GCC 12 -O3 misreports an insert() into a 32-byte vector
    put_u16(f.data(), k_magic);
    put_u16(f.data() + 2, static_cast<std::uint16_t>(total));
    put_u32(f.data() + 4, 0);
    put_u32(f.data() + 8, device_id);
    put_u32(f.data() + 12, stamp);
    std::memcpy(f.data() + k_header_size, payload.data(), payload.size());  // payload is never empty (PKCS#7)
    const token_bytes sum = frame_checksum(token, f);
    std::copy(sum.begin(), sum.end(), f.begin() + 16);
    return f;
}

const char* describe(decode_error e) {
    switch (e) {
    case decode_error::too_short: return "frame shorter than its header";
    case decode_error::bad_magic: return "bad magic";
    case decode_error::bad_length: return "length field does not match the datagram";
    case decode_error::bad_checksum: return "checksum mismatch (wrong token?)";
    case decode_error::bad_padding: return "payload does not decrypt (wrong token?)";
    }
    return "unknown";
}

decode_result decode_frame(const token_bytes& token, std::span<const std::uint8_t> frame) {
    decode_result r;
    if (frame.size() < k_header_size) return r;
    const auto h = parse_header(frame);
    if (!h) {
        r.error = decode_error::bad_magic;
        return r;
    }
    if (h->length != frame.size()) {
        r.error = decode_error::bad_length;
        return r;
    }
    if (frame.size() == k_header_size) {  // header only (hello reply or empty ack)
        r.frame = decoded_frame{*h, {}};
        return r;
    }
    if (frame_checksum(token, frame) != h->checksum) {
        r.error = decode_error::bad_checksum;
        return r;
    }
    const auto plain = decrypt(derive_keys(token), frame.subspan(k_header_size));
    if (!plain) {
        r.error = decode_error::bad_padding;
        return r;
    }
    std::string text(plain->begin(), plain->end());
    // Some firmwares terminate the JSON with NUL bytes.
    while (!text.empty() && text.back() == '\0') text.pop_back();
    r.frame = decoded_frame{*h, std::move(text)};
    return r;
}

classified_reply classify_reply(const token_bytes& token, std::span<const std::uint8_t> frame,
                                std::int64_t expected_id) {
    classified_reply out;
    const decode_result d = decode_frame(token, frame);
    if (!d.frame) {
        out.detail = describe(d.error);
        return out;
    }
    out.stamp = d.frame->head.stamp;
    if (d.frame->json_text.empty()) {
        out.detail = "frame without payload";
        return out;
    }
    const auto j = nlohmann::json::parse(d.frame->json_text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        out.detail = "payload is not a JSON object";
        return out;
    }
    if (!j.contains("id") || !j["id"].is_number_integer()) {
        out.detail = "reply without an integer id";
        return out;
    }
    out.json_text = d.frame->json_text;
    out.kind = j["id"].get<std::int64_t>() == expected_id ? reply_kind::match : reply_kind::stale;
    return out;
}

}  // namespace hearth::miio
