// Role: the ESPHome native API frame layer, pure and bounded. Plaintext frames are
// 0x00, varint(payload length), varint(message type), payload; Noise frames are 0x01, uint16 BE
// length, bytes (a handshake step or an encrypted message whose plaintext is uint16 BE type,
// uint16 BE payload length, payload). Splitting never reads past the buffer, refuses lengths
// above the limits below and varints longer than 5 bytes, and never throws on input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace hearth::esphome {

using bytes = std::vector<std::uint8_t>;

inline constexpr std::uint8_t k_plain_indicator = 0x00;
inline constexpr std::uint8_t k_noise_indicator = 0x01;
/// The largest plaintext payload accepted (ESPHome's messages are a few hundred bytes).
inline constexpr std::size_t k_max_plain_payload = 64 * 1024;
/// The largest Noise frame body (the uint16 length's range).
inline constexpr std::size_t k_max_noise_frame = 0xffff;
/// The largest payload of one encrypted message: frame body less the 4-byte header and the tag.
inline constexpr std::size_t k_max_noise_payload = k_max_noise_frame - 4 - 16;

enum class frame_error {
    none,
    incomplete,     ///< more bytes needed (not an error of the stream)
    bad_indicator,  ///< the first byte is not the transport's indicator
    bad_varint,     ///< a varint longer than 5 bytes or above 32 bits
    too_large,      ///< a length above the limit
};

[[nodiscard]] std::string_view describe(frame_error e);

/// One frame found at the start of a buffer: `size` bytes in all (0 unless error is none).
struct split_frame {
    frame_error error = frame_error::incomplete;
    std::size_t size = 0;
    std::uint32_t type = 0;  ///< plaintext only
    std::size_t body_offset = 0;
    std::size_t body_size = 0;
    /// The indicator byte seen when error is bad_indicator (tells plaintext from Noise peers).
    std::uint8_t indicator = 0;
};

/// The first plaintext frame of `buf`.
[[nodiscard]] split_frame next_plain_frame(std::span<const std::uint8_t> buf);
/// The first Noise frame of `buf`.
[[nodiscard]] split_frame next_noise_frame(std::span<const std::uint8_t> buf);

/// A plaintext frame; the payload must not exceed k_max_plain_payload.
[[nodiscard]] bytes encode_plain(std::uint32_t type, std::span<const std::uint8_t> payload);
/// A Noise frame around `body` (at most k_max_noise_frame bytes).
[[nodiscard]] bytes encode_noise_frame(std::span<const std::uint8_t> body);

/// The plaintext of an encrypted message: type, length, payload.
[[nodiscard]] bytes encode_noise_plain(std::uint16_t type, std::span<const std::uint8_t> payload);
/// Splits a decrypted message; nothing when shorter than 4 bytes or the length overruns it.
struct noise_plain {
    std::uint16_t type = 0;
    std::span<const std::uint8_t> payload;
};
[[nodiscard]] std::optional<noise_plain> decode_noise_plain(std::span<const std::uint8_t> plain);

/// Appends a protobuf-style varint.
void put_varint(bytes& out, std::uint32_t value);
/// Reads a varint at `pos` (advanced past it): nothing when incomplete (pos unchanged), or
/// `bad` set when malformed.
[[nodiscard]] std::optional<std::uint32_t> get_varint(std::span<const std::uint8_t> buf, std::size_t& pos, bool& bad);

}  // namespace hearth::esphome
