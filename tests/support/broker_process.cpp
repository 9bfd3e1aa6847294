// mosquitto as a child process (see broker_process.hpp).
#include "support/broker_process.hpp"

#include <hearth/testing/ports.hpp>
#include <hearth/testing/process.hpp>

#include <signal.h>

#include <stdexcept>
#include <thread>

namespace hearth::test {

using namespace hearth::testing;  // the installed test kit: temp dirs, ports, processes

namespace {
using steady = std::chrono::steady_clock;
constexpr const char* mosquitto_path = "/usr/sbin/mosquitto";
}  // namespace

broker_process::broker_process(std::filesystem::path dir, broker_options options)
    : dir_(std::move(dir)), options_(std::move(options)) {}

broker_process::~broker_process() { stop(); }

std::string broker_process::url() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }
std::string broker_process::tls_url() const { return "mqtts://127.0.0.1:" + std::to_string(tls_port_); }

void broker_process::write_config() const {
    std::string c;
    c += "# written by the hearth integration tests\n";
    c += "per_listener_settings false\n";
    c += "user root\n";
    c += "persistence false\n";
    c += "max_queued_messages 0\n";
    c += "log_dest stdout\n";
    c += options_.quiet_log ? "log_type error\nlog_type warning\n" : "log_type all\n";
    if (options_.tcp_nodelay) c += "set_tcp_nodelay true\n";
    c += "connection_messages true\n";
    if (options_.password_file.empty()) {
        c += "allow_anonymous true\n";
    } else {
        c += "allow_anonymous false\n";
        c += "password_file " + options_.password_file.string() + "\n";
    }
    c += "listener " + std::to_string(port_) + " 127.0.0.1\n";
    if (options_.with_tls) {
        c += "listener " + std::to_string(tls_port_) + " 127.0.0.1\n";
        c += "cafile " + options_.tls.ca_file.string() + "\n";
        c += "certfile " + options_.tls.cert_file.string() + "\n";
        c += "keyfile " + options_.tls.key_file.string() + "\n";
    }
    write_file(dir_ / "mosquitto.conf", c);
}

bool broker_process::try_start() {
    if (!ports_fixed_) {
        port_ = free_tcp_port();
        if (options_.with_tls) {
            do {
                tls_port_ = free_tcp_port();
            } while (tls_port_ == port_);
        }
    }
    write_config();
    pid_ = spawn_process({mosquitto_path, "-c", (dir_ / "mosquitto.conf").string()}, log_path());
    const auto deadline = steady::now() + std::chrono::seconds(5);
    while (steady::now() < deadline) {
        if (try_reap(pid_)) {  // exited: typically the port was taken meanwhile
            pid_ = -1;
            return false;
        }
        if (port_accepts(port_) && (!options_.with_tls || port_accepts(tls_port_))) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // readiness poll, bounded
    }
    stop_process(pid_, SIGKILL, std::chrono::milliseconds(0));
    pid_ = -1;
    return false;
}

void broker_process::start() {
    if (running()) return;
    // A restart on the same port may race the old socket's teardown: retry a few times.
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (try_start()) {
            ports_fixed_ = true;
            return;
        }
        if (ports_fixed_) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    throw std::runtime_error("mosquitto did not start; see " + log_path().string() + ":\n" + tail_file(log_path(), 20));
}

void broker_process::stop() {
    if (!running()) return;
    stop_process(pid_, SIGTERM, std::chrono::seconds(5));
    pid_ = -1;
}

}  // namespace hearth::test
