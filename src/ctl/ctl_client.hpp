// hearthctl's MQTT side: one short-lived Paho client that connects to the broker hearthd uses,
// sends one request (a bridge request or a device /set) with a unique transaction, and waits with
// a deadline for the answer carrying that transaction. The response topic is subscribed (SUBACK
// awaited) BEFORE the request is published, so a fast answer cannot be missed. Failures are
// thrown as ctl_failure carrying the exit code scripts rely on: 3 = cannot connect to the broker,
// 4 = no answer before the deadline. The password is only handed to Paho, never printed.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

namespace mqtt {
class async_client;
class connect_options;
}  // namespace mqtt

namespace hearth::ctl {

/// Exit codes of hearthctl (documented in --help and the man page).
enum exit_code : int {
    exit_ok = 0,
    exit_daemon_error = 1,  ///< hearthd answered with an error
    exit_usage = 2,         ///< bad command line or config
    exit_no_broker = 3,     ///< cannot connect to the broker
    exit_timeout = 4,       ///< no answer from hearthd before the deadline
};

/// A failure that ends hearthctl with `code` after printing what().
class ctl_failure : public std::runtime_error {
public:
    ctl_failure(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
    [[nodiscard]] int code() const { return code_; }

private:
    int code_;
};

/// Where and how to connect (from the config file and the command line).
struct client_settings {
    std::string url = "mqtt://127.0.0.1:1883";  ///< mqtt://, mqtts://, tcp:// or ssl://
    std::string base_topic = "hearth";
    std::string username;
    std::string password;  ///< secret: never printed
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
    bool verify_hostname = true;
    std::chrono::milliseconds timeout{5000};  ///< for the connect and for each answer
};

/// A connected request/response client. Not thread-safe: use from one thread.
class ctl_client {
public:
    explicit ctl_client(client_settings settings);
    ~ctl_client();
    ctl_client(const ctl_client&) = delete;
    ctl_client& operator=(const ctl_client&) = delete;

    /// Connects (clean session, unique client id). Throws ctl_failure(exit_no_broker).
    void connect();

    /// Sends bridge request `name` with `args` (an object; "transaction" is added) and returns the
    /// whole response object ({"status", "data" | "error", "transaction"}). Throws
    /// ctl_failure(exit_timeout) when no answer arrives in time, exit_no_broker if the
    /// connection drops.
    nlohmann::json request(const std::string& name, nlohmann::json args = nlohmann::json::object());

    /// Sends request `name` to the Matter bridge (<base>/bridge/matter/request/<name>) and returns
    /// its whole response; same failures as request().
    nlohmann::json matter_request(const std::string& name, nlohmann::json args = nlohmann::json::object());

    /// Publishes `payload` (an object; "transaction" is added) to <base>/<device>/set and returns
    /// the matching <base>/<device>/response object. Same failures as request().
    nlohmann::json set(const std::string& device, nlohmann::json payload);

    /// Subscribes to `topic` and waits until `deadline` for a message on it (a retained one
    /// arrives at once); returns the newest payload, or nullopt. Connects first if needed. Throws
    /// ctl_failure(exit_no_broker) like connect().
    std::optional<std::string> first_message(const std::string& topic, std::chrono::steady_clock::time_point deadline);

    /// The broker URL without credentials (for output).
    [[nodiscard]] std::string broker_url() const;

    /// The base topic in use.
    [[nodiscard]] const std::string& base() const { return settings_.base_topic; }

    /// A new transaction id, unique across processes: "ctl-<pid>-<counter>-<ms>".
    static std::string make_transaction();

private:
    struct message {
        std::string topic;
        std::string payload;
    };
    nlohmann::json exchange(const std::string& reply_topic, const std::string& request_topic, nlohmann::json payload);
    void subscribe(const std::string& filter);

    client_settings settings_;
    std::unique_ptr<::mqtt::connect_options> connect_options_;  // mqtt/connect_options.hpp
    std::unique_ptr<::mqtt::async_client> client_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<message> inbox_;
    bool lost_ = false;
};

}  // namespace hearth::ctl
