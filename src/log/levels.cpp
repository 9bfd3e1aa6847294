// Log level specs (see levels.hpp).
#include "log/levels.hpp"

#include <algorithm>

namespace hearth::log {

namespace {

struct level_name {
    std::string_view text;
    spdlog::level::level_enum level;
};

/// Every spdlog level, so that any level a logger has can be written as a spec.
constexpr std::array<level_name, 7> level_table = {{{"trace", spdlog::level::trace},
                                                    {"debug", spdlog::level::debug},
                                                    {"info", spdlog::level::info},
                                                    {"warn", spdlog::level::warn},
                                                    {"error", spdlog::level::err},
                                                    {"critical", spdlog::level::critical},
                                                    {"off", spdlog::level::off}}};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<spdlog::level::level_enum> find_level(std::string_view text) {
    for (const auto& l : level_table) {
        if (l.text == text) return l.level;
    }
    return std::nullopt;
}

std::optional<subsystem> find_subsystem(std::string_view text) {
    for (const subsystem s : all_subsystems) {
        if (name(s) == text) return s;
    }
    return std::nullopt;
}

std::string known_names() {
    std::string out;
    for (const subsystem s : all_subsystems) out += (out.empty() ? "" : ", ") + std::string(name(s));
    return out;
}

std::string_view text_of(spdlog::level::level_enum level) {
    for (const auto& l : level_table) {
        if (l.level == level) return l.text;
    }
    return "info";  // unreachable: the table has every spdlog level
}

}  // namespace

spdlog::level::level_enum levels::of(subsystem s) const { return named.at(static_cast<std::size_t>(s)).value_or(all); }

std::string_view level_names() { return "trace|debug|info|warn|error|critical|off"; }

std::optional<levels> parse_levels(std::string_view spec, std::string& error) {
    if (trim(spec).empty()) {
        error = "empty (expected LEVEL or NAME=LEVEL[,NAME=LEVEL...], LEVEL one of " + std::string(level_names()) + ")";
        return std::nullopt;
    }
    levels out;
    bool all_given = false;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = spec.find(',', start);
        const std::string_view entry =
            trim(spec.substr(start, comma == std::string_view::npos ? spec.npos : comma - start));
        const std::size_t eq = entry.find('=');
        const std::string_view key = eq == std::string_view::npos ? std::string_view{} : trim(entry.substr(0, eq));
        const std::string_view value = eq == std::string_view::npos ? entry : trim(entry.substr(eq + 1));
        if (entry.empty()) {
            error = "empty entry in '" + std::string(spec) + "'";
            return std::nullopt;
        }
        if (eq != std::string_view::npos && key.empty()) {
            error = "no logger name before '=' in '" + std::string(entry) + "'";
            return std::nullopt;
        }
        const auto sub = key.empty() ? std::nullopt : find_subsystem(key);
        if (!key.empty() && !sub) {
            error = "unknown logger '" + std::string(key) + "' (known: " + known_names() + ")";
            return std::nullopt;
        }
        const auto level = find_level(value);
        if (!level) {
            error = "unknown level '" + std::string(value) + "'" +
                    (key.empty() ? std::string() : " for '" + std::string(key) + "'") + " (one of " +
                    std::string(level_names()) + ")";
            return std::nullopt;
        }
        if (sub) {
            auto& slot = out.named.at(static_cast<std::size_t>(*sub));
            if (slot) {
                error = "logger '" + std::string(key) + "' is given twice";
                return std::nullopt;
            }
            slot = *level;
        } else {
            if (all_given) {
                error = "the level for all loggers is given twice";
                return std::nullopt;
            }
            all_given = true;
            out.all = *level;
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

std::string to_spec(const levels& l) {
    std::string out(text_of(l.all));
    for (const subsystem s : all_subsystems) {
        if (const auto& level = l.named.at(static_cast<std::size_t>(s)))
            out += "," + std::string(name(s)) + "=" + std::string(text_of(*level));
    }
    return out;
}

void apply(const levels& l) {
    for (const subsystem s : all_subsystems) get(s).set_level(l.of(s));
}

levels current() {
    std::array<spdlog::level::level_enum, subsystem_count> now{};
    for (const subsystem s : all_subsystems) now.at(static_cast<std::size_t>(s)) = get(s).level();
    levels out;
    std::ptrdiff_t best = 0;
    for (const auto candidate : now) {
        const auto n = std::count(now.begin(), now.end(), candidate);
        if (n > best || (n == best && candidate < out.all)) {
            best = n;
            out.all = candidate;
        }
    }
    for (const subsystem s : all_subsystems) {
        const auto level = now.at(static_cast<std::size_t>(s));
        if (level != out.all) out.named.at(static_cast<std::size_t>(s)) = level;
    }
    return out;
}

}  // namespace hearth::log
