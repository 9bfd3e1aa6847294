// Named loggers, one per subsystem: the one place that lists them. `--log-level mqtt=debug`
// (levels.hpp) sets one of them; all of them write through the one sink setup_sink() installs.
// Code logs through its subsystem's accessor, e.g. `log::mqtt().info("connected to {}", url)`.
#pragma once

#include <spdlog/logger.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::log {

/// The subsystems that have a logger of their own.
enum class subsystem : std::uint8_t {
    core,     ///< gateway, registry, command routing, driver reports
    store,    ///< SQLite store, persistence, backups, queries
    plugin,   ///< plugin loading, driver hosting, worker processes and their supervision
    driver,   ///< what the drivers themselves log (host API `log`)
    sandbox,  ///< driver sandbox probe and confinement
    mqtt,     ///< MQTT link, bridge, Home Assistant discovery
    rules,    ///< scenes and automations
    lock,     ///< door-lock safety: PIN gate, lockout, auto-relock, audit
    app,      ///< daemon start/stop, signals, systemd
};

inline constexpr std::size_t subsystem_count = 9;

/// Every subsystem, in the order the names are listed (help texts, error messages).
inline constexpr std::array<subsystem, subsystem_count> all_subsystems = {
    subsystem::core, subsystem::store, subsystem::plugin, subsystem::driver, subsystem::sandbox,
    subsystem::mqtt, subsystem::rules, subsystem::lock,   subsystem::app};

/// The logger name of `s` ("mqtt"): what `--log-level` takes and what each log line shows.
std::string_view name(subsystem s);

/// The logger of `s`. Created on first use, registered with spdlog under name(s); until
/// setup_sink() runs it writes where spdlog's default logger writes (tests).
spdlog::logger& get(subsystem s);

inline spdlog::logger& core() { return get(subsystem::core); }
inline spdlog::logger& store() { return get(subsystem::store); }
inline spdlog::logger& plugin() { return get(subsystem::plugin); }
inline spdlog::logger& driver() { return get(subsystem::driver); }
inline spdlog::logger& sandbox() { return get(subsystem::sandbox); }
inline spdlog::logger& mqtt() { return get(subsystem::mqtt); }
inline spdlog::logger& rules() { return get(subsystem::rules); }
inline spdlog::logger& lock() { return get(subsystem::lock); }
inline spdlog::logger& app() { return get(subsystem::app); }

/// Points every subsystem logger (and spdlog's default logger, which becomes app()) at one
/// stderr sink with one line format, `[name] <level_field> message`, with the time in front on
/// a terminal only (journald stamps each line itself). `level_field` is an spdlog pattern: the
/// padded level for hearthd, "[%l] [driver <id> pid %P]" for a worker (driver_host_main.cpp).
/// Call once at startup, before any other thread logs.
void setup_sink(std::string_view level_field = "%-5l");

/// How many recent lines setup_sink() keeps in memory for recent_lines().
inline constexpr std::size_t recent_line_capacity = 1000;

/// The newest lines (at most `max_lines`) logged at or above `min_level` since setup_sink(),
/// oldest first, each "<UTC time> [<name>] <level> <message>"; only lines that passed their
/// logger's level are kept (the last recent_line_capacity of them). Empty before setup_sink().
/// Thread-safe.
std::vector<std::string> recent_lines(spdlog::level::level_enum min_level, std::size_t max_lines);

}  // namespace hearth::log
