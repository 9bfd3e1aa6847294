// Role: the pure, I/O-free half of the Yeelight LAN protocol ("Yeelight WiFi Light
// Inter-Operation Specification"): encoding requests, classifying received lines (reply by id,
// unsolicited "props" notification, or invalid), and mapping bulb properties onto Hearth's light
// properties. Shared by the driver and the unit tests; nothing here blocks or throws on bad input
// from the network.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace hearth::yeelight {

using json = nlohmann::json;

/// Longest line accepted; a longer line closes the connection (kit::line_connection).
inline constexpr std::size_t k_max_line = 16 * 1024;
/// The color temperature range of the protocol (set_ct_abx).
inline constexpr int k_min_ct = 1700;
inline constexpr int k_max_ct = 6500;

/// {"id": n, "result": [...]} or {"id": n, "error": {...}}.
struct reply {
    std::uint64_t id = 0;
    bool ok = false;
    json result;          ///< the "result" array when ok
    std::string message;  ///< the error's "message" (or a description) when !ok
};
/// {"method": "props", "params": {...}}.
struct notification {
    json props;  ///< object of raw bulb properties
};
/// A line that is none of the above.
struct invalid_line {
    std::string why;
};
using message = std::variant<reply, notification, invalid_line>;

/// Classifies one received line. Never throws.
message parse_line(std::string_view line);

/// The wire form of a request, including the "\r\n" terminator.
std::string encode_request(std::uint64_t id, std::string_view method, const json& params);

/// Maps raw bulb properties ({"power": "on", "bright": "10", "ct": "4000"}; values as strings or
/// numbers) to Hearth light state ({"on", "brightness", "color_temp_k"}). Unknown or malformed
/// properties are left out, so the result may be empty.
json props_to_state(const json& props);

/// The properties get_prop asks for, in order.
json get_prop_params();
/// Maps a get_prop result (values in get_prop_params() order) to Hearth light state.
json get_prop_result_to_state(const json& result);

/// Clamps a color temperature to the protocol range.
int clamp_ct(std::int64_t kelvin) noexcept;

}  // namespace hearth::yeelight
