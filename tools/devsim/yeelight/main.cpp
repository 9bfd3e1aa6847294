// Role: entry point of yeelight_sim, a stand-in for Yeelight Wi-Fi bulbs speaking the LAN
// control protocol, for development and integration tests. Parses the command line, serves on
// 127.0.0.1 until SIGTERM or SIGINT, then exits 0. Prints "listening on 127.0.0.1:<port>" per
// bulb once ready.
#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "sim_args.hpp"
#include "sim_run.hpp"
#include "sim_server.hpp"

#include <iostream>
#include <stdexcept>
#include <string>

namespace {

constexpr const char* k_usage =
    "usage: yeelight_sim --port N [--bulbs K] [--power on|off] [--bright 1-100] [--ct 1700-6500]\n"
    "                    [--fault none|drop|delay|error|garbage] [--drop-ms N] [--delay-ms N] [--verbose]\n"
    "bulb i (0-based) listens on 127.0.0.1:N+i. Runtime control on any connection:\n"
    "  {\"id\":1,\"method\":\"sim_fault\",\"params\":[\"drop\"|\"delay\"|\"error\"|\"garbage\"|\"none\"]}\n";

hearth::devsim::yeelight::sim_options parse_args(int argc, char** argv) {
    hearth::devsim::yeelight::sim_options o;
    bool have_port = false;
    hearth::devsim::sim_args args(argc, argv);
    while (args.next()) {
        if (args.is("--verbose")) {
            o.verbose = true;
        } else if (args.is("--port")) {
            o.port = static_cast<std::uint16_t>(args.number(1, 65535));
            have_port = true;
        } else if (args.is("--bulbs")) {
            o.bulbs = static_cast<int>(args.number(1, 64));
        } else if (args.is("--power")) {
            const std::string power = args.value();
            if (power != "on" && power != "off") throw std::invalid_argument("--power needs on or off");
            o.initial.power = power == "on";
        } else if (args.is("--bright")) {
            o.initial.bright = static_cast<int>(args.number(1, 100));
        } else if (args.is("--ct")) {
            o.initial.ct = static_cast<int>(args.number(1700, 6500));
        } else if (args.is("--fault")) {
            o.fault = args.value();
            if (!hearth::devsim::yeelight::is_fault(o.fault))
                throw std::invalid_argument("--fault needs none, drop, delay, error or garbage");
        } else if (args.is("--drop-ms")) {
            o.drop_for = std::chrono::milliseconds(args.number(0, 3600000));
        } else if (args.is("--delay-ms")) {
            o.delay = std::chrono::milliseconds(args.number(0, 3600000));
        } else {
            args.unknown();
        }
    }
    if (!have_port) throw std::invalid_argument("--port is required");
    if (o.port + o.bulbs - 1 > 65535) throw std::invalid_argument("--port + --bulbs exceeds 65535");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const hearth::devsim::yeelight::sim_options options =
        hearth::devsim::parse_or_exit("yeelight_sim", k_usage, [&] { return parse_args(argc, argv); });
    return hearth::devsim::run_guarded("yeelight_sim", [&] {
        boost::asio::io_context io(1);
        hearth::devsim::yeelight::sim_server server(io, options);
        hearth::devsim::run_until_signal(io, [&] {
            for (int i = 0; i < options.bulbs; ++i) std::cout << "listening on 127.0.0.1:" << options.port + i << "\n";
            std::cout.flush();
        });
    });
}
