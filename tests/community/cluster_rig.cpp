// Drives tools/community/rabbitmq-cluster.sh from a test (cluster_rig.hpp).
#include "cluster_rig.hpp"

#include <hearth/testing/process.hpp>
#include <hearth/testing/temp_dir.hpp>

#include <fstream>
#include <stdexcept>

namespace hearth::community_test {

cluster_rig::cluster_rig(std::filesystem::path dir, std::string site, const std::vector<std::string>& homes)
    : dir_(std::move(dir)) {
    std::string lines;
    for (const auto& home : homes) {
        lines += home + " " + password_of(home) + "\n";
    }
    testing::write_file(dir_ / "homes.txt", lines);
    try {
        script({"start", (dir_ / "cluster").string(), "--site", site, "--homes", (dir_ / "homes.txt").string()},
               std::chrono::seconds(290));
    } catch (...) {
        testing::run_command({HEARTH_CLUSTER_SCRIPT, "stop", (dir_ / "cluster").string()}, dir_ / "rig-stop.log",
                             std::chrono::seconds(60));
        throw;
    }
    std::ifstream in(dir_ / "cluster" / "cluster.env");
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq != std::string::npos) {
            env_[line.substr(0, eq)] = line.substr(eq + 1);
        }
    }
}

cluster_rig::~cluster_rig() {
    testing::run_command({HEARTH_CLUSTER_SCRIPT, "stop", (dir_ / "cluster").string()}, dir_ / "rig.log",
                         std::chrono::seconds(90));
}

void cluster_rig::script(const std::vector<std::string>& args, std::chrono::seconds timeout) {
    std::vector<std::string> argv{HEARTH_CLUSTER_SCRIPT};
    argv.insert(argv.end(), args.begin(), args.end());
    if (testing::run_command(argv, dir_ / "rig.log", timeout) != 0) {
        throw std::runtime_error("rabbitmq-cluster.sh " + args.front() +
                                 " failed: " + testing::read_file(dir_ / "rig.log"));
    }
}

std::string cluster_rig::mqtt_url(int n) const {
    return "mqtt://127.0.0.1:" + env_.at("NODE" + std::to_string(n) + "_MQTT");
}

std::string cluster_rig::paho_uri(int n) const {
    return "tcp://127.0.0.1:" + env_.at("NODE" + std::to_string(n) + "_MQTT");
}

void cluster_rig::kill_node(int n) {
    script({"kill-node", (dir_ / "cluster").string(), std::to_string(n)}, std::chrono::seconds(30));
}

void cluster_rig::start_node(int n) {
    script({"start-node", (dir_ / "cluster").string(), std::to_string(n)}, std::chrono::seconds(180));
}

std::chrono::milliseconds cluster_rig::start_time() const {
    return std::chrono::milliseconds(std::stoll(env_.at("START_MS")));
}

}  // namespace hearth::community_test
