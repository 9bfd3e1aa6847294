// Role: the small symmetric-crypto toolbox encrypted LAN protocols need (Tuya, and any later one):
// AES-128 in ECB (with or without PKCS#7 padding) and GCM, HMAC-SHA256, MD5, CRC-32 and a
// constant-time comparison. Thin wrappers over OpenSSL EVP/HMAC and zlib; decryption and
// verification report failure as an empty optional (wrong key, bad padding, bad tag), never by
// throwing, so they can be fed untrusted frames directly. Keys are never logged or copied into
// error text.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::kit {

using byte_vector = std::vector<std::uint8_t>;
using aes128_key = std::array<std::uint8_t, 16>;
using sha256_digest = std::array<std::uint8_t, 32>;
using md5_digest = std::array<std::uint8_t, 16>;

/// The bytes of a string (no terminator), for hashing or encrypting text.
std::span<const std::uint8_t> as_bytes(std::string_view text);

/// AES-128-ECB encryption. With `pad` PKCS#7 padding is added (output length is the next multiple
/// of 16 above the input); without it the input length must be a multiple of 16, else the result
/// is empty.
std::optional<byte_vector> aes128_ecb_encrypt(const aes128_key& key, std::span<const std::uint8_t> plain, bool pad);
/// AES-128-ECB decryption. With `unpad` the PKCS#7 padding is checked and removed. Nothing when the
/// length is not a non-zero multiple of 16 or the padding is invalid (typically a wrong key).
std::optional<byte_vector> aes128_ecb_decrypt(const aes128_key& key, std::span<const std::uint8_t> cipher, bool unpad);

/// Result of AES-128-GCM encryption: ciphertext of the same length as the plaintext and the
/// 16-byte authentication tag.
struct gcm_sealed {
    byte_vector cipher;
    std::array<std::uint8_t, 16> tag{};
};
/// AES-128-GCM encryption with a 12-byte IV and additional authenticated data `aad`.
gcm_sealed aes128_gcm_encrypt(const aes128_key& key, std::span<const std::uint8_t, 12> iv,
                              std::span<const std::uint8_t> aad, std::span<const std::uint8_t> plain);
/// AES-128-GCM decryption; nothing when the tag does not authenticate `cipher` and `aad`.
std::optional<byte_vector> aes128_gcm_decrypt(const aes128_key& key, std::span<const std::uint8_t, 12> iv,
                                              std::span<const std::uint8_t> aad, std::span<const std::uint8_t> cipher,
                                              std::span<const std::uint8_t, 16> tag);

/// HMAC-SHA256 of `data` under `key` (any key length).
sha256_digest hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);
/// MD5 of `data` (legacy protocols derive keys with it; not for security decisions).
md5_digest md5(std::span<const std::uint8_t> data);
/// CRC-32 (IEEE 802.3, the zlib/PNG polynomial) of `data`.
std::uint32_t crc32(std::span<const std::uint8_t> data);

/// Compares two byte runs in time independent of where they differ; false on length mismatch.
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

/// Lower-case hex of `data` (for non-secret data: tests and diagnostics).
std::string to_hex(std::span<const std::uint8_t> data);
/// Parses hex text (even length, either case) into bytes; nothing when malformed. The input is
/// never echoed anywhere (it may be a key).
std::optional<byte_vector> parse_hex(std::string_view hex);

}  // namespace hearth::kit
