// Role: snapshot images for the demo camera — a time-dependent test card encoded as a real JPEG
// with TurboJPEG, and base64 for carrying it inside a JSON event.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::demo {

/// Width and height of the snapshot test card.
inline constexpr int k_card_width = 320;
inline constexpr int k_card_height = 240;

/// Renders the test card for host time `now_ms` (colour bars, a gradient whose hue follows the
/// time, a moving marker and the UTC time as HH:MM:SS) and returns it as JPEG bytes
/// (FF D8 ... FF D9). Throws std::runtime_error if the encoder fails.
std::vector<std::uint8_t> render_test_card_jpeg(std::uint64_t now_ms);

/// Encodes `rgb` (width*height*3 bytes, row-major, no padding) as a baseline JPEG of `quality`
/// (1-100). Throws std::runtime_error with TurboJPEG's message on failure.
std::vector<std::uint8_t> encode_jpeg(std::span<const std::uint8_t> rgb, int width, int height, int quality);

/// Standard base64 (RFC 4648, with padding).
std::string base64_encode(std::span<const std::uint8_t> bytes);

}  // namespace hearth::demo
