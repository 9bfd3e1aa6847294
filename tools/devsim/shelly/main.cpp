// Role: entry point of shelly_rpc_sim, a stand-in Shelly Gen2 device (switch with metering, dimmer,
// cover, button input) for development and integration tests. Parses the command line, serves on
// 127.0.0.1:<port> until SIGTERM or SIGINT, then exits 0. Prints "listening on 127.0.0.1:<port>"
// once ready. The password is never printed.
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
    "usage: shelly_rpc_sim --port N [--password P] [--power-w W] [--cover-tick-ms N] [--cover-step N]\n"
    "                  [--fault none|drop|timeout|500|garbage|slow] [--slow-ms N] [--no-websocket] [--verbose]\n"
    "control (no auth): /sim/press?event=single_push|double_push|triple_push|long_push,\n"
    "                   /sim/fault?set=none|drop|timeout|500|garbage|slow, /sim/ws_drop, /sim/status\n";

long long to_number(std::string_view flag, std::string_view text, long long min, long long max) {
    long long v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || ptr != text.data() + text.size() || v < min || v > max)
        throw std::invalid_argument(std::string(flag) + " needs a number between " + std::to_string(min) + " and " +
                                    std::to_string(max));
    return v;
}

hearth::devsim::sim_options parse_args(int argc, char** argv) {
    using std::chrono::milliseconds;
    hearth::devsim::sim_options o;
    bool have_port = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--verbose") {
            o.verbose = true;
            continue;
        }
        if (flag == "--no-websocket") {
            o.websocket = false;
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
        } else if (flag == "--password") {
            o.password = value;
        } else if (flag == "--power-w") {
            o.device.power_w = static_cast<double>(to_number(flag, value, 0, 4000));
        } else if (flag == "--cover-tick-ms") {
            o.cover_tick = milliseconds(to_number(flag, value, 1, 60'000));
        } else if (flag == "--cover-step") {
            o.device.cover_step_pct = static_cast<int>(to_number(flag, value, 1, 100));
        } else if (flag == "--slow-ms") {
            o.slow = milliseconds(to_number(flag, value, 0, 600'000));
        } else if (flag == "--fault") {
            o.initial_fault = hearth::devsim::parse_fault(std::string(value));
        } else {
            throw std::invalid_argument("unknown option " + std::string(flag));
        }
    }
    if (!have_port) throw std::invalid_argument("--port is required");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    hearth::devsim::sim_options opts;
    try {
        opts = parse_args(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "shelly_rpc_sim: " << e.what() << "\n" << k_usage;
        return 2;
    }
    try {
        std::signal(SIGPIPE, SIG_IGN);
        boost::asio::io_context io(1);
        hearth::devsim::sim_server server(io, opts);
        boost::asio::signal_set signals(io, SIGTERM, SIGINT);
        signals.async_wait([&](const boost::system::error_code&, int) {
            server.stop();
            io.stop();
        });
        server.start();
        std::cerr << "shelly_rpc_sim: listening on 127.0.0.1:" << opts.port
                  << (opts.password.empty() ? " (no auth)" : " (digest auth)")
                  << (opts.websocket ? "" : " (no websocket)") << std::endl;
        io.run();
    } catch (const std::exception& e) {
        std::cerr << "shelly_rpc_sim: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
