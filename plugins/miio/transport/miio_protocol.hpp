// Role: the pure (socket-free) half of the miIO LAN protocol: token parsing, key derivation,
// AES-128-CBC payload encryption, frame encoding/decoding with the MD5 checksum, the hello
// handshake frame and the classification of a reply against the request it should answer.
// Everything here is deterministic so it can be unit-tested against fixed vectors.
//
// Frame layout (all integers big-endian), as publicly documented (python-miio, OpenMiHome):
//   0  magic 0x2131 | 2 length (header + payload) | 4 unknown (0, or 0xFFFFFFFF in hello)
//   8  device id    | 12 stamp (device seconds)   | 16 checksum (16 bytes)
//   32 payload: AES-128-CBC/PKCS#7 of the JSON text, key = MD5(token), iv = MD5(key || token)
// checksum = MD5(header with the token in the checksum field || encrypted payload).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::miio {

using bytes = std::vector<std::uint8_t>;
using token_bytes = std::array<std::uint8_t, 16>;

inline constexpr std::uint16_t k_magic = 0x2131;
inline constexpr std::size_t k_header_size = 32;
inline constexpr std::uint16_t k_default_port = 54321;

/// Parses a 32-hex-digit token (case-insensitive). Returns nothing when malformed. The error
/// path never echoes the input (the token is a secret).
std::optional<token_bytes> parse_token(std::string_view hex);
/// Lower-case hex of `data` (used for tests and diagnostics of non-secret data only).
std::string to_hex(std::span<const std::uint8_t> data);

/// MD5 of `data` via OpenSSL EVP.
token_bytes md5(std::span<const std::uint8_t> data);

/// The AES key and IV derived from a token: key = MD5(token), iv = MD5(key || token).
struct cipher_keys {
    token_bytes key{};
    token_bytes iv{};
};
cipher_keys derive_keys(const token_bytes& token);

/// AES-128-CBC with PKCS#7 padding. encrypt never fails for valid keys; decrypt returns
/// nothing when the length is not a multiple of 16 or the padding is wrong (wrong token).
bytes encrypt(const cipher_keys& k, std::span<const std::uint8_t> plain);
std::optional<bytes> decrypt(const cipher_keys& k, std::span<const std::uint8_t> cipher);

/// The fixed header fields of a frame.
struct header {
    std::uint16_t length = 0;
    std::uint32_t unknown = 0;
    std::uint32_t device_id = 0;
    std::uint32_t stamp = 0;
    std::array<std::uint8_t, 16> checksum{};
};

/// Parses the 32-byte header (magic checked). Nothing when too short or the magic is wrong.
std::optional<header> parse_header(std::span<const std::uint8_t> frame);

/// The 32-byte hello frame: 0x21 0x31 0x00 0x20 then 28 bytes 0xFF.
bytes hello_frame();

/// What a hello reply tells us.
struct hello_reply {
    std::uint32_t device_id = 0;
    std::uint32_t stamp = 0;
    /// The checksum field: the token for unprovisioned devices, else 0xFF.. or 0x00...
    std::array<std::uint8_t, 16> checksum{};
};
/// Parses a hello reply: exactly a header without payload (length 32).
std::optional<hello_reply> parse_hello_reply(std::span<const std::uint8_t> frame);

/// Builds a complete encrypted frame for `json_text`.
bytes encode_frame(const token_bytes& token, std::uint32_t device_id, std::uint32_t stamp, std::string_view json_text);

/// Why decoding a frame failed.
enum class decode_error { too_short, bad_magic, bad_length, bad_checksum, bad_padding };
/// Human-readable (token-free) name of a decode_error.
const char* describe(decode_error e);

/// A decoded frame: the header and the decrypted JSON text (empty for a header-only frame).
struct decoded_frame {
    header head;
    std::string json_text;
};
/// Result of decode_frame: either a frame or the reason it was refused.
struct decode_result {
    std::optional<decoded_frame> frame;
    decode_error error = decode_error::too_short;
};
/// Verifies the checksum with `token` and decrypts the payload.
decode_result decode_frame(const token_bytes& token, std::span<const std::uint8_t> frame);

/// How a datagram relates to the request with id `expected_id`.
enum class reply_kind {
    match,    ///< a valid reply to the pending request
    stale,    ///< valid but for another (older or duplicated) request id
    garbage,  ///< not a decodable frame, wrong checksum/token, or not JSON-RPC
};
struct classified_reply {
    reply_kind kind = reply_kind::garbage;
    std::string detail;  ///< token-free reason for garbage
    std::uint32_t stamp = 0;
    std::string json_text;  ///< the decrypted JSON when kind is match or stale
};
/// Decodes `frame` and classifies it against `expected_id`. Pure.
classified_reply classify_reply(const token_bytes& token, std::span<const std::uint8_t> frame,
                                std::int64_t expected_id);

}  // namespace hearth::miio
