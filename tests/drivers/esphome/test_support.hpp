// Support code of the esphome driver tests, on the test kit hearth::testing (fake host,
// driver_instance, simulator launcher): esphome_sim on a free loopback TCP port with its
// JSON-lines control port (faults, device-made changes, status), and the host's checks (the
// core's descriptor and value validators).
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include "core_checks.hpp"  // the core's own descriptor and value checks
#include <hearth/plugin.h>
#include <hearth/testing/driver_instance.hpp>
#include <hearth/testing/fake_host.hpp>
#include <hearth/testing/ports.hpp>
#include <hearth/testing/simulator.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

#ifndef HEARTH_SIMULATOR_PATH
#error "HEARTH_SIMULATOR_PATH must be the path of the built esphome_sim"
#endif

namespace esphome_test {

using json = nlohmann::json;
using namespace std::chrono_literals;
using hearth::testing::driver_instance;
using hearth::testing::fake_host;
using hearth::testing::host_record;

/// The node's encryption key and API password: canaries that must never show up in anything the
/// driver says.
inline constexpr const char* k_key = "c2VjcmV0LWtleS1jYW5hcnktMDEyMzQ1Njc4OWFiY2Q=";
inline constexpr const char* k_other_key = "b3RoZXIta2V5LW5vdC10aGUtbm9kZXMta2V5LTEyMzQ=";
inline constexpr const char* k_password = "Pw-canary-73191";

/// esphome_sim as a child process on free loopback ports (API port and control port).
class simulator {
public:
    explicit simulator(const std::vector<std::string>& extra = {})
        : control_port_(hearth::testing::free_tcp_port()),
          sim_(HEARTH_SIMULATOR_PATH, hearth::testing::free_tcp_port(), args(extra)) {}
    ~simulator() {
        sim_.stop(5s);
        sim_.remove_log();
    }
    simulator(const simulator&) = delete;
    simulator& operator=(const simulator&) = delete;

    /// Starts it; ready once the control port answers a status request.
    bool start(std::chrono::milliseconds deadline = 10s) {
        return sim_.start(deadline, [this] {
            try {
                return control({{"status", true}}).value("ok", false);
            } catch (const std::exception&) {
                return false;
            }
        });
    }
    void stop() { sim_.stop(5s); }
    /// One control request and its answer; throws when the simulator is gone.
    json control(const json& request) {
        boost::asio::io_context io;
        boost::asio::ip::tcp::socket socket(io);
        socket.connect({boost::asio::ip::make_address("127.0.0.1"), control_port_});
        const std::string line = request.dump() + "\n";
        boost::asio::write(socket, boost::asio::buffer(line));
        std::string answer;
        boost::asio::read_until(socket, boost::asio::dynamic_buffer(answer), '\n');
        return json::parse(answer);
    }
    json status() { return control({{"status", true}}); }
    void fault(const std::string& f) { control({{"fault", f}}); }
    [[nodiscard]] std::uint16_t port() const { return sim_.port(); }
    [[nodiscard]] std::string log_text() const { return sim_.log_text(); }

private:
    std::vector<std::string> args(const std::vector<std::string>& extra) const {
        std::vector<std::string> a = {"--name", "porch", "--control-port", std::to_string(control_port_), "--verbose"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }

    std::uint16_t control_port_;
    hearth::testing::simulator sim_;
};

/// The core's descriptor and value checks, no host timers (tests/drivers/support/core_checks.hpp).
inline hearth::testing::host_options host_checks() { return hearth::driver_test::core_host_checks(); }

}  // namespace esphome_test
