// A real mosquitto for one test: config written into the test's temp dir, a probed free loopback
// port (mosquitto 2.0.11 cannot bind port 0), started with fork + PDEATHSIG + exec, readiness by
// polling connect(), stopped by PID. stop() + start() restarts it on the same port(s), with
// persistence off, so a restarted broker has no retained messages.
#pragma once

#include <hearth/testing/ports.hpp>

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace hearth::test {

struct broker_tls {
    std::filesystem::path ca_file;
    std::filesystem::path cert_file;
    std::filesystem::path key_file;
};

struct broker_options {
    std::filesystem::path password_file;  ///< empty: allow_anonymous true
    bool with_tls = false;                ///< add a TLS listener on tls_port()
    bool quiet_log = false;               ///< log errors and warnings only (benchmarks), not every packet
    bool tcp_nodelay = false;             ///< set_tcp_nodelay true: no Nagle delay on the broker's sends
    broker_tls tls;
};

class broker_process {
public:
    /// `dir` is the test's temp dir (config, log); nothing starts until start().
    broker_process(std::filesystem::path dir, broker_options options = {});
    ~broker_process();
    broker_process(const broker_process&) = delete;
    broker_process& operator=(const broker_process&) = delete;

    /// Starts mosquitto and waits until it accepts connections. The first start probes free
    /// ports; later starts reuse them. Throws std::runtime_error if it cannot start.
    void start();

    /// SIGTERM + waitpid (SIGKILL after 5 s). No-op when not running.
    void stop();

    [[nodiscard]] bool running() const { return pid_ > 0; }
    [[nodiscard]] pid_t pid() const { return pid_; }
    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] std::uint16_t tls_port() const { return tls_port_; }
    /// mqtt://127.0.0.1:<port> (the plain listener).
    [[nodiscard]] std::string url() const;
    /// mqtts://127.0.0.1:<tls_port>.
    [[nodiscard]] std::string tls_url() const;
    [[nodiscard]] std::filesystem::path log_path() const { return dir_ / "mosquitto.log"; }

private:
    bool try_start();
    void write_config() const;

    std::filesystem::path dir_;
    broker_options options_;
    std::uint16_t port_ = 0;
    std::uint16_t tls_port_ = 0;
    bool ports_fixed_ = false;
    pid_t pid_ = -1;
};

}  // namespace hearth::test
