// The subsystem loggers and their shared sink (see log.hpp).
#include "log/log.hpp"

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>
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

/// The in-memory copy of recent lines (recent_lines()); set by setup_sink().
std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt>& recent_sink() {
    static std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink;
    return sink;
}

std::mutex& recent_sink_mutex() {
    static std::mutex m;
    return m;
}

}  // namespace

std::string_view name(subsystem s) { return names.at(static_cast<std::size_t>(s)); }

spdlog::logger& get(subsystem s) { return *shared(s); }

void setup_sink(std::string_view level_field) {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    const std::string field(level_field);
    const std::string pattern =
        ::isatty(STDERR_FILENO) != 0 ? "%Y-%m-%d %H:%M:%S.%e [%n] %^" + field + "%$ %v" : "[%n] " + field + " %v";
    auto recent = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(recent_line_capacity);
    {
        const std::lock_guard<std::mutex> lock(recent_sink_mutex());
        recent_sink() = recent;
    }
    for (const subsystem s : all_subsystems) {
        spdlog::logger& logger = get(s);
        logger.sinks().assign(1, sink);
        logger.sinks().push_back(recent);
        logger.set_pattern(pattern);
        logger.flush_on(spdlog::level::warn);
    }
    spdlog::set_default_logger(shared(subsystem::app));
}

std::vector<std::string> recent_lines(spdlog::level::level_enum min_level, std::size_t max_lines) {
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink;
    {
        const std::lock_guard<std::mutex> lock(recent_sink_mutex());
        sink = recent_sink();
    }
    std::vector<std::string> out;
    if (!sink || max_lines == 0) return out;
    for (const auto& msg : sink->last_raw()) {
        if (msg.level < min_level) continue;
        const std::time_t secs = std::chrono::system_clock::to_time_t(msg.time);
        std::tm utc{};
        ::gmtime_r(&secs, &utc);
        char stamp[32];
        std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
        const auto level = spdlog::level::to_string_view(msg.level);
        out.push_back(std::string(stamp) + " [" + std::string(msg.logger_name.data(), msg.logger_name.size()) + "] " +
                      std::string(level.data(), level.size()) + " " +
                      std::string(msg.payload.data(), msg.payload.size()));
    }
    if (out.size() > max_lines) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(max_lines));
    return out;
}

}  // namespace hearth::log
