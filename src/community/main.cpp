// hearth-community: the community side of the uplink (docs/community.md, "Community service").
// Loads the config, opens its SQLite database, connects to the cluster and runs until SIGTERM or
// SIGINT, checking escalations once a second. `--check-config` only checks the config.
#include "community/community_config.hpp"
#include "community/community_core.hpp"
#include "community/community_link.hpp"
#include "log/log.hpp"

#include <csignal>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <exception>
#include <string>

namespace {

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int usage() {
    std::fputs("usage: hearth-community --config FILE [--check-config]\n", stderr);
    return 2;
}

int run(const hearth::community::community_config& config) {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before Paho starts its threads
    hearth::community::community_core core(hearth::community::community_store::open(config.database),
                                           static_cast<std::int64_t>(config.escalate_after_s) * 1000,
                                           config.dedup_days);
    hearth::community::community_link link(config, core, wall_ms);
    link.start();
    hearth::log::app().info("hearth-community: running (database {})", config.database.string());
    const timespec one_second{1, 0};
    while (sigtimedwait(&signals, nullptr, &one_second) < 0) {
        link.tick();
    }
    link.stop();
    const auto& counters = core.counters();
    hearth::log::app().info("hearth-community: stopped; stored {}, duplicates {}, refused {}, escalated {}",
                            counters.stored.load(), counters.duplicates.load(), counters.rejected.load(),
                            counters.escalated.load());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string config_path;
    bool check_only = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config_path = argv[++i];
        } else if (std::strcmp(argv[i], "--check-config") == 0) {
            check_only = true;
        } else {
            return usage();
        }
    }
    if (config_path.empty()) {
        return usage();
    }
    auto config = hearth::community::load_community_config(config_path);
    if (!config) {
        std::fprintf(stderr, "hearth-community: %s\n", config.error().c_str());
        return 1;
    }
    if (check_only) {
        std::puts("config OK");
        return 0;
    }
    try {
        return run(config.value());
    } catch (const std::exception& e) {
        hearth::log::app().critical("hearth-community: {}", e.what());
        return 1;
    }
}
