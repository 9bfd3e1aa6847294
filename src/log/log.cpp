// The subsystem loggers and their shared sink (see log.hpp).
#include "log/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <memory>
#include <string>

namespace hearth::log {

namespace {

constexpr std::array<std::string_view, subsystem_count> names = {"core", "store", "plugin", "driver", "sandbox",
                                                                 "mqtt", "rules", "lock",   "app"};

using logger_table = std::array<std::shared_ptr<spdlog::logger>, subsystem_count>;

/// One logger per subsystem, writing where the default logger writes; spdlog's registry knows
/// them (so spdlog::set_level and spdlog::get reach them too).
logger_table make_loggers() {
    logger_table table;
    const auto fallback = spdlog::default_logger();
    for (const subsystem s : all_subsystems) {
        const std::string n(names[static_cast<std::size_t>(s)]);
        auto logger = spdlog::get(n);
        if (!logger) {
            logger = fallback ? std::make_shared<spdlog::logger>(n, fallback->sinks().begin(), fallback->sinks().end())
                              : std::make_shared<spdlog::logger>(n);
            spdlog::initialize_logger(logger);
        }
        table[static_cast<std::size_t>(s)] = std::move(logger);
    }
    return table;
}

const std::shared_ptr<spdlog::logger>& shared(subsystem s) {
    static const logger_table loggers = make_loggers();
    return loggers.at(static_cast<std::size_t>(s));
}

}  // namespace

std::string_view name(subsystem s) { return names.at(static_cast<std::size_t>(s)); }

spdlog::logger& get(subsystem s) { return *shared(s); }

void setup_sink(std::string_view level_field) {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    const std::string field(level_field);
    const std::string pattern =
        ::isatty(STDERR_FILENO) != 0 ? "%Y-%m-%d %H:%M:%S.%e [%n] %^" + field + "%$ %v" : "[%n] " + field + " %v";
    for (const subsystem s : all_subsystems) {
        spdlog::logger& logger = get(s);
        logger.sinks().assign(1, sink);
        logger.set_pattern(pattern);
        logger.flush_on(spdlog::level::warn);
    }
    spdlog::set_default_logger(shared(subsystem::app));
}

}  // namespace hearth::log
