// Untrusted JSON text (MQTT payloads, bridge requests, scene files, driver reports, worker
// frames): a depth-checked parse that refuses deep nesting while parsing, before any value is
// built or copied, plus helpers that make outside text safe to echo in errors and to publish
// (valid UTF-8, bounded length).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace hearth {

/// Deepest nesting (objects + arrays) accepted from any external JSON input. Hearth's own
/// documents nest at most ~12 levels (a scene file with nested and/or conditions).
inline constexpr std::size_t max_json_depth = 64;

/// Longest piece of outside text echoed back in an error message (bytes, before "…").
inline constexpr std::size_t max_echo_bytes = 64;

struct json_input {
    nlohmann::json value;  ///< the parsed document (null when !ok)
    bool ok = false;
    bool too_deep = false;  ///< refused for nesting deeper than the limit
    std::string error;      ///< why it was refused; valid UTF-8, no raw input bytes
    std::size_t byte = 0;   ///< 1-based offset of a syntax error (0 when unknown)
};

/// Parses untrusted text. Nesting deeper than `max_depth` stops the parse at the first level too
/// deep (iterative SAX parse: no recursion, nothing deep is ever built). Never throws.
json_input parse_json_input(std::string_view text, std::size_t max_depth = max_json_depth);

/// True for well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code points above
/// U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// `text` with every byte that is not part of well-formed UTF-8 replaced by the four characters
/// `\xNN`: safe for logs and JSON strings, and still shows what was there.
std::string valid_utf8(std::string_view text);

/// Outside text for an error message: valid UTF-8 and at most `max_bytes` of it (cut on a
/// character boundary), followed by "… (N bytes)" when it was longer.
std::string echo(std::string_view text, std::size_t max_bytes = max_echo_bytes);

/// A JSON value for an error message: its compact text through echo().
std::string echo_json(const nlohmann::json& value, std::size_t max_bytes = max_echo_bytes);

}  // namespace hearth
