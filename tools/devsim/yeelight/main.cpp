// Role: entry point of yeelight_sim, a stand-in for Yeelight Wi-Fi bulbs speaking the LAN
// control protocol, for development and integration tests. Parses the command line, serves on
// 127.0.0.1 until SIGTERM or SIGINT, then exits 0. Prints "listening on 127.0.0.1:<port>" per
// bulb once ready.
#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "sim_server.hpp"

#include <boost/asio/signal_set.hpp>

#include <charconv>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

constexpr const char* k_usage =
    "usage: yeelight_sim --port N [--bulbs K] [--power on|off] [--bright 1-100] [--ct 1700-6500]\n"
    "                    [--fault none|drop|delay|error|garbage] [--drop-ms N] [--delay-ms N] [--verbose]\n"
    "bulb i (0-based) listens on 127.0.0.1:N+i. Runtime control on any connection:\n"
    "  {\"id\":1,\"method\":\"sim_fault\",\"params\":[\"drop\"|\"delay\"|\"error\"|\"garbage\"|\"none\"]}\n";

long long to_number(std::string_view flag, std::string_view text, long long min, long long max) {
    long long v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || ptr != text.data() + text.size() || v < min || v > max)
        throw std::invalid_argument(std::string(flag) + " needs a number between " + std::to_string(min) + " and " +
                                    std::to_string(max));
    return v;
}

hearth::devsim::yeelight::sim_options parse_args(int argc, char** argv) {
    hearth::devsim::yeelight::sim_options o;
    bool have_port = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--verbose") {
            o.verbose = true;
            continue;
        }
        if (flag == "--help" || flag == "-h") {
            std::cout << k_usage;
            std::exit(0);
        }
        if (i + 1 >= argc) throw std::invalid_argument(std::string(flag) + " needs a value");
        const std::string_view value = argv[++i];
        if (flag == "--port") {
            o.port = static_cast<std::uint16_t>(to_number(flag, value, 1, 65535));
            have_port = true;
        } else if (flag == "--bulbs") {
            o.bulbs = static_cast<int>(to_number(flag, value, 1, 64));
        } else if (flag == "--power") {
            if (value != "on" && value != "off") throw std::invalid_argument("--power needs on or off");
            o.initial.power = value == "on";
        } else if (flag == "--bright") {
            o.initial.bright = static_cast<int>(to_number(flag, value, 1, 100));
        } else if (flag == "--ct") {
            o.initial.ct = static_cast<int>(to_number(flag, value, 1700, 6500));
        } else if (flag == "--fault") {
            if (!hearth::devsim::yeelight::is_fault(std::string(value)))
                throw std::invalid_argument("--fault needs none, drop, delay, error or garbage");
            o.fault = value;
        } else if (flag == "--drop-ms") {
            o.drop_for = std::chrono::milliseconds(to_number(flag, value, 0, 3600000));
        } else if (flag == "--delay-ms") {
            o.delay = std::chrono::milliseconds(to_number(flag, value, 0, 3600000));
        } else {
            throw std::invalid_argument("unknown argument " + std::string(flag));
        }
    }
    if (!have_port) throw std::invalid_argument("--port is required");
    if (o.port + o.bulbs - 1 > 65535) throw std::invalid_argument("--port + --bulbs exceeds 65535");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    hearth::devsim::yeelight::sim_options options;
    try {
        options = parse_args(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "yeelight_sim: " << e.what() << "\n" << k_usage;
        return 2;
    }
    try {
        boost::asio::io_context io(1);
        hearth::devsim::yeelight::sim_server server(io, options);
        boost::asio::signal_set signals(io, SIGTERM, SIGINT);
        signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });
        for (int i = 0; i < options.bulbs; ++i) std::cout << "listening on 127.0.0.1:" << options.port + i << "\n";
        std::cout.flush();
        io.run();
    } catch (const std::exception& e) {
        std::cerr << "yeelight_sim: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
