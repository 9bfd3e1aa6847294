// hearthd entry point: command-line arguments, logging setup, config validation, then the daemon.
#include "app/daemon.hpp"
#include "app/driver_config_check.hpp"
#include "app/rules_service.hpp"
#include "core/config.hpp"
#include "app/lock_warnings.hpp"
#include "core/lock_policy.hpp"
#include "log/levels.hpp"

#include <hearth/plugin.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#ifndef HEARTH_VERSION
#define HEARTH_VERSION "0.0.0"
#endif

namespace {

constexpr const char* usage = R"(usage: hearthd [options]

Hearth: local-first smart-home gateway daemon.

options:
  --config FILE       main configuration (default /etc/hearth/hearth.json)
  --check-config      validate the configuration, scene files and each driver's
                      config (against its plugin's schema) and exit:
                      0 when valid, 2 with one line per problem otherwise
  --log-level SPEC    LEVEL for every logger and/or NAME=LEVEL per subsystem,
                      comma-separated, e.g. "debug" or "info,mqtt=debug,rules=trace"
                      (overrides log.level). LEVEL: trace|debug|info|warn|error|
                      critical|off. NAME: core|store|plugin|driver|sandbox|mqtt|
                      rules|lock|app
  --hash-pin          read a lock PIN from stdin and print its hash for
                      "locks": {"<id>": {"pin_hash": "..."}} in the config
  --version           print the version and exit
  --help              print this help and exit
)";

struct options {
    std::string config_path = "/etc/hearth/hearth.json";
    bool check_only = false;
    std::optional<std::string> log_level;
};

}  // namespace

int main(int argc, char** argv) {
    options opt;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&](const char* name) -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "hearthd: %s needs a value\n", name);
                std::exit(2);  // NOLINT(concurrency-mt-unsafe): argument parsing, before any thread exists
            }
            return argv[++i];
        };
        if (arg == "--config") {
            opt.config_path = value("--config");
        } else if (arg.rfind("--config=", 0) == 0) {
            opt.config_path = arg.substr(9);
        } else if (arg == "--check-config") {
            opt.check_only = true;
        } else if (arg == "--log-level") {
            opt.log_level = value("--log-level");
        } else if (arg == "--version") {
            std::printf("hearthd %s (plugin ABI %d.%d)\n", HEARTH_VERSION, HEARTH_ABI_MAJOR, HEARTH_ABI_MINOR);
            return 0;
        } else if (arg == "--hash-pin") {
            std::string pin;
            std::getline(std::cin, pin);
            while (!pin.empty() && (pin.back() == '\r' || pin.back() == ' ')) pin.pop_back();
            if (pin.size() < 4 || pin.find_first_not_of("0123456789") != std::string::npos) {
                std::fprintf(stderr, "hearthd: a PIN is 4 to 8 digits\n");
                return 2;
            }
            std::printf("%s\n", hearth::hash_pin(pin).c_str());
            return 0;
        } else if (arg == "--help" || arg == "-h") {
            std::fputs(usage, stdout);
            return 0;
        } else {
            std::fprintf(stderr, "hearthd: unknown argument '%s' (see --help)\n", arg.c_str());
            return 2;
        }
    }
    std::string why;
    if (opt.log_level && !hearth::log::parse_levels(*opt.log_level, why)) {
        std::fprintf(stderr, "hearthd: --log-level: %s\n", why.c_str());
        return 2;
    }

    auto loaded = hearth::load_config(opt.config_path);
    hearth::located_errors errors;
    if (loaded) {
        errors = hearth::check_runtime_files(*loaded);
        if (opt.check_only) {
            // Scene files without device checks: there is no registry here (see docs/scenes.md).
            for (auto& e : hearth::rules_service::check_scene_dir(*loaded)) errors.push_back(std::move(e));
            if (errors.empty()) {
                for (auto& e : hearth::check_driver_configs(*loaded)) errors.push_back(std::move(e));
            }
        }
    } else {
        errors = loaded.error();
    }
    if (!errors.empty()) {
        for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
        return 2;
    }
    const hearth::config& cfg = *loaded;
    if (opt.check_only) {
        for (const auto& w : hearth::lock_pin_warnings(cfg)) std::fprintf(stderr, "warning: %s\n", w.c_str());
        std::printf("%s: configuration is valid (%zu drivers)\n", opt.config_path.c_str(), cfg.drivers.size());
        return 0;
    }
    // Both specs were checked above (load_config checks log.level).
    const auto levels = hearth::log::parse_levels(opt.log_level.value_or(cfg.log_level), why);
    hearth::log::setup_sink();
    hearth::log::apply(levels.value_or(hearth::log::levels{}));
    return hearth::run_daemon(cfg);
}
