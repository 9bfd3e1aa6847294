// Role: entry point of shelly_rpc_sim, a stand-in Shelly Gen2 device (switch with metering, dimmer,
// cover, button input) for development and integration tests. Parses the command line, serves on
// 127.0.0.1:<port> until SIGTERM or SIGINT, then exits 0. Prints "listening on 127.0.0.1:<port>"
// once ready. The password is never printed.
#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "sim_args.hpp"
#include "sim_run.hpp"
#include "sim_server.hpp"

#include <iostream>
#include <stdexcept>
#include <string>

namespace {

constexpr const char* k_usage =
    "usage: shelly_rpc_sim --port N [--password P] [--power-w W] [--cover-tick-ms N] [--cover-step N]\n"
    "                  [--fault none|drop|timeout|500|garbage|slow] [--slow-ms N] [--no-websocket] [--verbose]\n"
    "control (no auth): /sim/press?event=single_push|double_push|triple_push|long_push,\n"
    "                   /sim/fault?set=none|drop|timeout|500|garbage|slow, /sim/ws_drop, /sim/status\n";

hearth::devsim::sim_options parse_args(int argc, char** argv) {
    using std::chrono::milliseconds;
    hearth::devsim::sim_options o;
    bool have_port = false;
    hearth::devsim::sim_args args(argc, argv);
    while (args.next()) {
        if (args.is("--verbose")) {
            o.verbose = true;
        } else if (args.is("--no-websocket")) {
            o.websocket = false;
        } else if (args.is("--port")) {
            o.port = static_cast<std::uint16_t>(args.number(1, 65535));
            have_port = true;
        } else if (args.is("--password")) {
            o.password = args.value();
        } else if (args.is("--power-w")) {
            o.device.power_w = static_cast<double>(args.number(0, 4000));
        } else if (args.is("--cover-tick-ms")) {
            o.cover_tick = milliseconds(args.number(1, 60'000));
        } else if (args.is("--cover-step")) {
            o.device.cover_step_pct = static_cast<int>(args.number(1, 100));
        } else if (args.is("--slow-ms")) {
            o.slow = milliseconds(args.number(0, 600'000));
        } else if (args.is("--fault")) {
            o.initial_fault = hearth::devsim::parse_fault(args.value());
        } else {
            args.unknown();
        }
    }
    if (!have_port) throw std::invalid_argument("--port is required");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const hearth::devsim::sim_options opts =
        hearth::devsim::parse_or_exit("shelly_rpc_sim", k_usage, [&] { return parse_args(argc, argv); });
    return hearth::devsim::serve_until_signal<hearth::devsim::sim_server>("shelly_rpc_sim", opts, [&] {
        std::cerr << "shelly_rpc_sim: listening on 127.0.0.1:" << opts.port
                  << (opts.password.empty() ? " (no auth)" : " (digest auth)")
                  << (opts.websocket ? "" : " (no websocket)") << std::endl;
    });
}
