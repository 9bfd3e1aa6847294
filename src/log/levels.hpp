// Log level specs: "debug" for every logger, "mqtt=debug,rules=trace" per subsystem, or both
// ("warn,mqtt=debug"). The syntax of `hearthd --log-level` and of "log": {"level": ...} in the
// main config; refused with one precise line, never applied in part.
#pragma once

#include "log/log.hpp"

#include <spdlog/common.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace hearth::log {

/// The level of every subsystem logger: one for all, with per-subsystem exceptions.
struct levels {
    spdlog::level::level_enum all = spdlog::level::info;  ///< for every subsystem not named below
    std::array<std::optional<spdlog::level::level_enum>, subsystem_count> named{};

    /// The level of subsystem `s`.
    [[nodiscard]] spdlog::level::level_enum of(subsystem s) const;

    friend bool operator==(const levels&, const levels&) = default;
};

/// The level names a spec may use, in order: "trace|debug|info|warn|error|critical|off".
std::string_view level_names();

/// Parses a comma-separated list of LEVEL (every logger not named) and NAME=LEVEL entries.
/// Returns nothing on a bad spec and sets `error` to one line saying what is wrong, e.g.
/// "unknown logger 'mqt' (known: core, store, ...)". Unnamed subsystems default to info.
std::optional<levels> parse_levels(std::string_view spec, std::string& error);

/// The spec of `l`: its level for all, then each named exception ("info,mqtt=debug");
/// parse_levels(to_spec(l)) gives `l` back.
std::string to_spec(const levels& l);

/// Sets every subsystem logger to its level in `l`.
void apply(const levels& l);

/// The levels the subsystem loggers have now, as the most common level plus the exceptions
/// (handed to driver worker processes as a spec).
levels current();

}  // namespace hearth::log
