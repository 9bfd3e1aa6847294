// hearth-community as a test's child process (community_process.hpp).
#include "community_process.hpp"

#include <hearth/testing/temp_dir.hpp>

#include <nlohmann/json.hpp>

#include <csignal>

namespace hearth::community_test {

community_process::community_process(std::filesystem::path dir, const std::vector<std::string>& urls,
                                     const std::string& user, const std::string& password, int escalate_after_s)
    : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    testing::write_file(dir_ / "service.password", password + "\n");
    const nlohmann::json config = {{"urls", urls},
                                   {"client_id", user},
                                   {"username", user},
                                   {"password_file", "service.password"},
                                   {"database", "community.db"},
                                   {"escalate_after_s", escalate_after_s},
                                   {"dedup_days", 7}};
    testing::write_file(config_path(), config.dump(2));
    child_ = std::make_unique<testing::child_process>(
        std::vector<std::string>{HEARTH_COMMUNITY_PATH, "--config", config_path().string()}, dir_ / "community.log");
}

community_process::~community_process() { stop(); }

void community_process::start() { child_->start(); }

void community_process::stop() {
    if (child_->running()) {
        child_->stop(SIGTERM, std::chrono::seconds(10));
    }
}

std::string community_process::log() const { return testing::read_file(dir_ / "community.log"); }

}  // namespace hearth::community_test
