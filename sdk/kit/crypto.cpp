// Role: implementation of include/hearth/kit/crypto.hpp over OpenSSL EVP/HMAC and zlib.
#include <hearth/kit/crypto.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include <memory>
#include <stdexcept>

namespace hearth::kit {

namespace {

struct cipher_ctx_free {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_free>;

cipher_ctx new_ctx() {
    cipher_ctx ctx(EVP_CIPHER_CTX_new());
    if (!ctx) throw std::bad_alloc();
    return ctx;
}

int to_int(std::size_t n) {
    if (n > static_cast<std::size_t>(INT32_MAX)) throw std::length_error("crypto input too large");
    return static_cast<int>(n);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::span<const std::uint8_t> as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::optional<byte_vector> aes128_ecb_encrypt(const aes128_key& key, std::span<const std::uint8_t> plain, bool pad) {
    if (!pad && plain.size() % 16 != 0) return std::nullopt;
    auto ctx = new_ctx();
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ecb(), nullptr, key.data(), nullptr) != 1) return std::nullopt;
    EVP_CIPHER_CTX_set_padding(ctx.get(), pad ? 1 : 0);
    byte_vector out(plain.size() + 16);
    int n1 = 0;
    int n2 = 0;
    if (EVP_EncryptUpdate(ctx.get(), out.data(), &n1, plain.data(), to_int(plain.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), out.data() + n1, &n2) != 1)
        return std::nullopt;
    out.resize(static_cast<std::size_t>(n1 + n2));
    return out;
}

std::optional<byte_vector> aes128_ecb_decrypt(const aes128_key& key, std::span<const std::uint8_t> cipher, bool unpad) {
    if (cipher.empty() || cipher.size() % 16 != 0) return std::nullopt;
    auto ctx = new_ctx();
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_ecb(), nullptr, key.data(), nullptr) != 1) return std::nullopt;
    EVP_CIPHER_CTX_set_padding(ctx.get(), unpad ? 1 : 0);
    byte_vector out(cipher.size() + 16);
    int n1 = 0;
    int n2 = 0;
    if (EVP_DecryptUpdate(ctx.get(), out.data(), &n1, cipher.data(), to_int(cipher.size())) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), out.data() + n1, &n2) != 1)
        return std::nullopt;
    out.resize(static_cast<std::size_t>(n1 + n2));
    return out;
}

gcm_sealed aes128_gcm_encrypt(const aes128_key& key, std::span<const std::uint8_t, 12> iv,
                              std::span<const std::uint8_t> aad, std::span<const std::uint8_t> plain) {
    auto ctx = new_ctx();
    gcm_sealed out;
    out.cipher.resize(plain.size() + 16);
    int n = 0;
    int fin = 0;
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) != 1 ||
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), iv.data()) != 1)
        throw std::runtime_error("AES-GCM init failed");
    if (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &n, aad.data(), to_int(aad.size())) != 1)
        throw std::runtime_error("AES-GCM aad failed");
    if (EVP_EncryptUpdate(ctx.get(), out.cipher.data(), &n, plain.data(), to_int(plain.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), out.cipher.data() + n, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out.tag.data()) != 1)
        throw std::runtime_error("AES-GCM encrypt failed");
    out.cipher.resize(static_cast<std::size_t>(n + fin));
    return out;
}

std::optional<byte_vector> aes128_gcm_decrypt(const aes128_key& key, std::span<const std::uint8_t, 12> iv,
                                              std::span<const std::uint8_t> aad, std::span<const std::uint8_t> cipher,
                                              std::span<const std::uint8_t, 16> tag) {
    auto ctx = new_ctx();
    byte_vector out(cipher.size() + 16);
    int n = 0;
    int fin = 0;
    std::array<std::uint8_t, 16> tag_copy{};
    std::copy(tag.begin(), tag.end(), tag_copy.begin());
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), iv.data()) != 1)
        return std::nullopt;
    if (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &n, aad.data(), to_int(aad.size())) != 1)
        return std::nullopt;
    if (EVP_DecryptUpdate(ctx.get(), out.data(), &n, cipher.data(), to_int(cipher.size())) != 1) return std::nullopt;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, tag_copy.data()) != 1) return std::nullopt;
    if (EVP_DecryptFinal_ex(ctx.get(), out.data() + n, &fin) != 1) return std::nullopt;  // tag mismatch
    out.resize(static_cast<std::size_t>(n + fin));
    return out;
}

sha256_digest hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
    sha256_digest out{};
    unsigned int len = 0;
    if (HMAC(EVP_sha256(), key.data(), to_int(key.size()), data.data(), data.size(), out.data(), &len) == nullptr ||
        len != out.size())
        throw std::runtime_error("HMAC-SHA256 failed");
    return out;
}

md5_digest md5(std::span<const std::uint8_t> data) {
    md5_digest out{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_md5(), nullptr) != 1 || len != out.size())
        throw std::runtime_error("MD5 failed");
    return out;
}

std::uint32_t crc32(std::span<const std::uint8_t> data) {
    uLong crc = ::crc32(0L, Z_NULL, 0);
    // zlib takes uInt lengths: feed large inputs in chunks.
    std::size_t offset = 0;
    while (offset < data.size()) {
        const std::size_t chunk = std::min<std::size_t>(data.size() - offset, 1U << 30);
        crc = ::crc32(crc, data.data() + offset, static_cast<uInt>(chunk));
        offset += chunk;
    }
    return static_cast<std::uint32_t>(crc);
}

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string to_hex(std::span<const std::uint8_t> data) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (const auto b : data) {
        out.push_back(k_digits[b >> 4]);
        out.push_back(k_digits[b & 0xF]);
    }
    return out;
}

std::optional<byte_vector> parse_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    byte_vector out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = hex_value(hex[i]);
        const int lo = hex_value(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
    }
    return out;
}

}  // namespace hearth::kit
