// Support code of the miIO driver tests, on the installed test kit hearth::testing (fake host,
// driver_instance) and hearth_test_support (sim_process): miio_sim on a free loopback UDP port (ready on a hello
// handshake) with an encrypted control client for sim.fault / sim.status (the transport's own
// miio_client, run to completion on a private io_context), the host's checks (the core's descriptor and value
// validators, no host timers) and the token canary.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "miio_client.hpp"

#include <boost/asio/io_context.hpp>

#include "core_checks.hpp"  // the core's own descriptor and value checks
#include <hearth/plugin.h>
#include <hearth/testing/driver_instance.hpp>
#include <hearth/testing/fake_host.hpp>
#include <hearth/testing/ports.hpp>

#include "support/sim_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#ifndef HEARTH_SIMULATOR_PATH
#error "HEARTH_SIMULATOR_PATH must be the path of the built miio_sim"
#endif

namespace miio_test {

using json = nlohmann::json;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/// The token of every simulator: a canary that must never show up in anything the driver says.
inline constexpr const char* k_token = "c0ffee00deadbeef0badf00d12345678";
inline constexpr const char* k_other_token = "00000000111111112222222233333333";

using hearth::testing::driver_instance;
using hearth::testing::fake_host;
using hearth::testing::host_record;

/// miio_sim as a child process (a hearth::test::sim_process on a free loopback UDP port).
class simulator : public hearth::test::sim_process {
public:
    simulator(const std::string& kind, const std::vector<std::string>& extra = {})
        : sim_process(HEARTH_SIMULATOR_PATH, hearth::testing::free_udp_port(), args(kind, extra)) {}

    /// Starts it and polls a hello handshake until it answers or `deadline` passes (false if it
    /// exited).
    bool start(std::chrono::milliseconds deadline = 10s) {
        return sim_process::start(deadline, [this] { return hello(); });
    }
    /// Switches the fault at run time through the encrypted sim.fault RPC.
    void fault(const std::string& f) { call("sim.fault", json::array({f})); }
    /// The simulator's internal state (sim.status).
    json status() { return call("sim.status", json::array()); }

private:
    static std::vector<std::string> args(const std::string& kind, const std::vector<std::string>& extra) {
        std::vector<std::string> a = {"--token", k_token, "--kind", kind, "--delay-ms", "1500", "--verbose"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }

    /// One encrypted RPC to the simulator; throws std::runtime_error when it fails.
    json call(const std::string& method, const json& params) {
        boost::asio::io_context io;
        hearth::miio::miio_client client(io, {"127.0.0.1", port(), *hearth::miio::parse_token(k_token), 300ms, 3});
        std::optional<hearth::kit::result<json>> reply;
        client.call(method, params, [&](hearth::kit::result<json> r) { reply = std::move(r); });
        io.run();
        if (!reply || !*reply) throw std::runtime_error(reply ? reply->error().message : method + ": no answer");
        return reply->value();
    }
    /// A hello handshake within 300 ms.
    bool hello() {
        boost::asio::io_context io;
        hearth::kit::udp_socket socket(io);
        const hearth::miio::bytes frame = hearth::miio::hello_frame();
        socket.send_to("127.0.0.1", port(), std::string(frame.begin(), frame.end()));
        bool answered = false;
        socket.receive(300ms, [&](hearth::kit::result<hearth::kit::datagram> d) {
            answered = d && hearth::miio::parse_hello_reply(hearth::miio::bytes(d->data.begin(), d->data.end()));
        });
        io.run();
        return answered;
    }
};

/// The core's descriptor and value checks, no host timers (tests/drivers/support/core_checks.hpp).
inline hearth::testing::host_options host_checks() { return hearth::driver_test::core_host_checks(); }

/// Fails the test if the token (any case) appears in anything the driver said.
inline void expect_no_token(const host_record& r) {
    std::string upper = k_token;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    EXPECT_FALSE(r.said(k_token)) << "token leaked";
    EXPECT_FALSE(r.said(upper)) << "token leaked (upper case)";
}

}  // namespace miio_test
