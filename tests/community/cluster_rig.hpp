// The 3-node RabbitMQ cluster of tools/community/rabbitmq-cluster.sh for one test suite: started
// in a temp dir with one broker user per home (the ACL definitions), stopped by PID at the end.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace hearth::community_test {

class cluster_rig {
public:
    /// Starts the cluster in `dir` for site `site` with users `homes` (password = "pw-" + home).
    /// Throws std::runtime_error when it does not come up.
    cluster_rig(std::filesystem::path dir, std::string site, const std::vector<std::string>& homes);
    ~cluster_rig();
    cluster_rig(const cluster_rig&) = delete;
    cluster_rig& operator=(const cluster_rig&) = delete;

    /// mqtt://127.0.0.1:<MQTT port of node n> (n = 1..3).
    [[nodiscard]] std::string mqtt_url(int n) const;
    /// tcp://127.0.0.1:<port> for Paho.
    [[nodiscard]] std::string paho_uri(int n) const;
    /// SIGKILL node n.
    void kill_node(int n);
    /// Starts node n again and waits until it runs.
    void start_node(int n);
    /// How long the start took (the script's own measure).
    [[nodiscard]] std::chrono::milliseconds start_time() const;
    [[nodiscard]] const std::string& service_user() const { return env_.at("SERVICE_USER"); }
    [[nodiscard]] const std::string& service_password() const { return env_.at("SERVICE_PASS"); }
    [[nodiscard]] static std::string password_of(const std::string& home) { return "pw-" + home; }

private:
    void script(const std::vector<std::string>& args, std::chrono::seconds timeout);
    std::filesystem::path dir_;
    std::map<std::string, std::string> env_;
};

}  // namespace hearth::community_test
