// Spelling of closed sets (driver state, isolation mode, sandbox mode, device type) on the wire:
// one table per enum maps each value to its JSON/MQTT/config text. to_string never fails; parsing
// is checked: text from outside that is not in the table is a precise error, never an abort.
#pragma once

#include "core/json_input.hpp"
#include "core/result.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace hearth {

/// Every value of an enum with its text, in the order errors list them.
template <class E, std::size_t N>
using enum_names = std::array<std::pair<E, std::string_view>, N>;

/// The text of `value` ("?" if the table misses it — a bug, caught by the enum tests).
template <class E, std::size_t N>
constexpr std::string_view name_of(const enum_names<E, N>& names, E value) {
    for (const auto& [v, text] : names)
        if (v == value) return text;
    return "?";
}

/// "a, b, c": the accepted spellings, for error messages.
template <class E, std::size_t N>
std::string names_list(const enum_names<E, N>& names) {
    std::string out;
    for (const auto& [v, text] : names) {
        if (!out.empty()) out += ", ";
        out += text;
    }
    return out;
}

/// The value spelled `text`, or "unknown <what> '<text>' (expected one of a, b, c)" with the
/// text made safe by echo() (valid UTF-8, at most max_echo_bytes).
template <class E, std::size_t N>
result<E> parse_name(const enum_names<E, N>& names, std::string_view text, std::string_view what) {
    for (const auto& [v, name] : names)
        if (name == text) return v;
    return fail("unknown " + std::string(what) + " '" + echo(text) + "' (expected one of " + names_list(names) + ")");
}

}  // namespace hearth
