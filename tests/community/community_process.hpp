// hearth-community as a child process of a test or bench: its config (cluster URLs in failover
// order, the service user, a database in the temp dir) written to the dir, started by PID,
// stopped with SIGTERM.
#pragma once

#include <hearth/testing/process.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace hearth::community_test {

class community_process {
public:
    community_process(std::filesystem::path dir, const std::vector<std::string>& urls, const std::string& user,
                      const std::string& password, int escalate_after_s = 300);
    ~community_process();
    community_process(const community_process&) = delete;
    community_process& operator=(const community_process&) = delete;

    void start();
    void stop();
    [[nodiscard]] bool running() { return child_->running(); }
    [[nodiscard]] std::filesystem::path database() const { return dir_ / "community.db"; }
    [[nodiscard]] std::filesystem::path config_path() const { return dir_ / "community.json"; }
    [[nodiscard]] std::string log() const;

private:
    std::filesystem::path dir_;
    std::unique_ptr<testing::child_process> child_;
};

}  // namespace hearth::community_test
