// Role: the outer framing of the Tuya LAN protocol (pure, no sockets, no payload crypto beyond
// what the frame itself authenticates). Two frame families, all integers big-endian, as publicly
// documented by the independent clients (tuyapi, tinytuya):
//
//   55AA (3.1-3.4): 0 prefix 000055AA | 4 seq | 8 cmd | 12 length | 16 [retcode] payload
//                   | trailer (CRC-32 of everything before it, 4 bytes; or HMAC-SHA256 under the
//                   session key, 32 bytes, in 3.4) | suffix 0000AA55.
//                   length counts everything after the length field (retcode, payload, trailer,
//                   suffix). Only frames sent by a device carry the 4-byte return code.
//   6699 (3.5):     0 prefix 00006699 | 4 reserved u16 | 6 seq | 10 cmd | 14 length | 18 IV (12)
//                   | AES-128-GCM ciphertext | tag (16) | suffix 00009966.
//                   length counts IV, ciphertext and tag (not the suffix); the additional
//                   authenticated data is bytes 4..18 (reserved, seq, cmd, length). A device's
//                   return code is the first 4 bytes of the plaintext.
//
// Every accessor is bounds-checked; a malformed frame yields a frame_error, never an abort.
#pragma once

#include <hearth/kit/crypto.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace hearth::tuya {

using bytes = std::vector<std::uint8_t>;
using iv_bytes = std::array<std::uint8_t, 12>;

inline constexpr std::uint32_t k_prefix_55aa = 0x000055AA;
inline constexpr std::uint32_t k_suffix_55aa = 0x0000AA55;
inline constexpr std::uint32_t k_prefix_6699 = 0x00006699;
inline constexpr std::uint32_t k_suffix_6699 = 0x00009966;
inline constexpr std::size_t k_header_55aa = 16;
inline constexpr std::size_t k_header_6699 = 18;
/// Frames longer than this are refused before any allocation (real devices send < 4 KiB).
inline constexpr std::size_t k_max_frame = 64 * 1024;

/// Command numbers (lan_protocol.h of Tuya's public device SDK, as quoted by tuyapi/tinytuya).
namespace cmd {
inline constexpr std::uint32_t udp = 0x00;
inline constexpr std::uint32_t sess_key_neg_start = 0x03;
inline constexpr std::uint32_t sess_key_neg_resp = 0x04;
inline constexpr std::uint32_t sess_key_neg_finish = 0x05;
inline constexpr std::uint32_t control = 0x07;
inline constexpr std::uint32_t status = 0x08;
inline constexpr std::uint32_t heart_beat = 0x09;
inline constexpr std::uint32_t dp_query = 0x0a;
inline constexpr std::uint32_t control_new = 0x0d;
inline constexpr std::uint32_t dp_query_new = 0x10;
inline constexpr std::uint32_t update_dps = 0x12;
inline constexpr std::uint32_t udp_new = 0x13;
inline constexpr std::uint32_t broadcast_lpv34 = 0x23;
inline constexpr std::uint32_t lan_ext_stream = 0x40;
}  // namespace cmd

/// Why a frame was refused.
enum class frame_error {
    incomplete,  ///< more bytes are needed (streams only)
    bad_prefix,  ///< neither 000055AA nor 00006699
    bad_length,  ///< the length field is impossible for this frame family
    too_large,   ///< longer than k_max_frame
    bad_suffix,  ///< the suffix does not match the prefix
    bad_crc,     ///< CRC-32 trailer mismatch (3.3)
    bad_hmac,    ///< HMAC-SHA256 trailer mismatch (3.4: wrong key or tampered)
    bad_tag,     ///< AES-GCM tag mismatch (3.5: wrong key or tampered)
};
/// A short key-free description of `e`.
const char* describe(frame_error e);

/// One frame's fields. `payload` is what the frame carries after its own authentication: the raw
/// payload bytes of a 55AA frame (still ECB-encrypted) or the GCM plaintext of a 6699 frame.
struct frame {
    std::uint32_t seq = 0;
    std::uint32_t cmd = 0;
    std::optional<std::uint32_t> retcode;  ///< present in frames sent by a device
    bytes payload;
};

/// The trailer of a 55AA frame.
enum class trailer { crc32, hmac_sha256 };

/// Builds a 55AA frame. `hmac_key` is used only with trailer::hmac_sha256.
bytes encode_55aa(const frame& f, trailer t, std::span<const std::uint8_t> hmac_key = {});
/// Builds a 6699 frame: GCM-encrypts [retcode] + payload under `key` with `iv`.
bytes encode_6699(const frame& f, const kit::aes128_key& key, const iv_bytes& iv);

/// Result of splitting a byte stream: the size of the first complete frame, or an error
/// (frame_error::incomplete when more bytes are needed).
struct split_result {
    std::size_t size = 0;
    frame_error error = frame_error::incomplete;
};
/// Looks at the start of a TCP byte stream and says how long its first frame is. Checks the
/// prefix and the length field only; decode_* checks the rest.
split_result next_frame(std::span<const std::uint8_t> stream);

/// Result of decoding one frame.
struct decode_result {
    std::optional<frame> value;
    frame_error error = frame_error::bad_length;
};
/// Decodes one complete 55AA frame (exactly `data`). With `from_device` a leading return code is
/// recognised the way the reference clients do it (a first word below 256).
decode_result decode_55aa(std::span<const std::uint8_t> data, trailer t, std::span<const std::uint8_t> hmac_key,
                          bool from_device);
/// Decodes one complete 6699 frame, authenticating it with `key`. With `from_device` the first
/// plaintext word is taken as the return code when it is below 256.
decode_result decode_6699(std::span<const std::uint8_t> data, const kit::aes128_key& key, bool from_device);

/// A fresh random 12-byte IV (OpenSSL RAND_bytes).
iv_bytes random_iv();

}  // namespace hearth::tuya
