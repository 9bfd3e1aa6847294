// Support code of the isapi_camera driver tests, on the installed test kit hearth::testing (the
// fake host, driver_instance, the simulator launcher): the camera's credentials, the simulator
// with its arguments and a tiny HTTP client for its /sim/* control endpoints, the host's checks
// (every reported value is a bool, no host timers) and a base64 decoder for snapshots.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include <hearth/plugin.h>
#include <hearth/testing/driver_instance.hpp>
#include <hearth/testing/fake_host.hpp>
#include <hearth/testing/ports.hpp>
#include <hearth/testing/simulator.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#ifndef HEARTH_DRIVER_PATH
#error "HEARTH_DRIVER_PATH must be the path of the built isapi_camera plugin"
#endif
#ifndef HEARTH_SIMULATOR_PATH
#error "HEARTH_SIMULATOR_PATH must be the path of the built isapi_camera_sim"
#endif

namespace isapi_test {

using json = nlohmann::json;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

inline constexpr const char* k_user = "admin";
inline constexpr const char* k_password = "Canary-Pa55w0rd-7f3e";  // must never show up anywhere
inline constexpr const char* k_device = "front_cam";

using hearth::testing::driver_instance;
using hearth::testing::fake_host;
using hearth::testing::free_tcp_port;
using hearth::testing::host_record;

/// The plugin under test (loaded once, never unloaded; null if it cannot be loaded).
inline const hearth_plugin_v1_api* plugin() {
    static const hearth_plugin_v1_api* api = hearth::testing::load_plugin(HEARTH_DRIVER_PATH);
    return api;
}

/// The fake host's checks for this driver: it reports only booleans and runs on its own I/O
/// thread (no host timers).
inline hearth::testing::host_options host_checks() {
    hearth::testing::host_options o;
    o.timers_allowed = false;
    o.check_value = [](const json&, const std::string&, const json& v) -> std::optional<std::string> {
        if (!v.is_boolean()) return "not a bool: " + v.dump();
        return std::nullopt;
    };
    return o;
}

/// The simulator's arguments: the test credentials, a 300 ms heartbeat, verbose, then `extra`.
inline std::vector<std::string> sim_args(const std::vector<std::string>& extra) {
    std::vector<std::string> a = {"--user", k_user, "--password", k_password, "--heartbeat-ms", "300", "--verbose"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

/// GET on the simulator's control endpoints at 127.0.0.1:`port` (no auth); the body ("" on failure).
inline std::string sim_control(std::uint16_t port, const std::string& target) {
    namespace beast = boost::beast;
    namespace http = beast::http;
    try {
        boost::asio::io_context io;
        boost::asio::ip::tcp::socket socket(io);
        socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
        http::request<http::empty_body> req{http::verb::get, target, 11};
        req.set(http::field::host, "127.0.0.1");
        req.keep_alive(false);
        http::write(socket, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(socket, buffer, res);
        return res.body();
    } catch (const std::exception&) {
        return "";
    }
}

/// The simulator's /sim/status ({} on failure).
inline json sim_status(std::uint16_t port) {
    const std::string body = sim_control(port, "/sim/status");
    return body.empty() ? json::object() : json::parse(body, nullptr, false);
}

inline std::vector<std::uint8_t> base64_decode(const std::string& s) {
    static const std::string k_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::vector<std::uint8_t> out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : s) {
        if (c == '=') break;
        const auto v = k_alphabet.find(c);
        if (v == std::string::npos) return {};
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xFF));
        }
    }
    return out;
}

}  // namespace isapi_test
