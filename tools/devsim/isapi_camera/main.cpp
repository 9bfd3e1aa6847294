// Role: entry point of isapi_camera_sim, a stand-in ISAPI IP camera for development and
// integration tests. Parses the command line, serves on 127.0.0.1:<port> until SIGTERM or
// SIGINT, then exits 0. Prints "listening on 127.0.0.1:<port>" once ready. The password is
// never printed.
#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "sim_args.hpp"
#include "sim_run.hpp"
#include "sim_server.hpp"

#include <iostream>
#include <stdexcept>
#include <string>

namespace {

constexpr const char* k_usage =
    "usage: isapi_camera_sim --port N --user U --password P [--motion-every-ms N]\n"
    "                        [--fault none|auth_failure|stream_drop|slow|garbage]\n"
    "                        [--heartbeat-ms N] [--slow-ms N] [--drop-after-ms N] [--verbose]\n"
    "control (no auth): /sim/trigger?event=motion|motion_end|doorbell|videoloss,\n"
    "                   /sim/fault?set=none|auth_failure|stream_drop|slow|garbage, /sim/status\n";

hearth::devsim::sim_options parse_args(int argc, char** argv) {
    using std::chrono::milliseconds;
    hearth::devsim::sim_options o;
    bool have_port = false, have_password = false;
    hearth::devsim::sim_args args(argc, argv);
    while (args.next()) {
        if (args.is("--verbose")) {
            o.verbose = true;
        } else if (args.is("--port")) {
            o.port = static_cast<std::uint16_t>(args.number(1, 65535));
            have_port = true;
        } else if (args.is("--user")) {
            o.user = args.value();
        } else if (args.is("--password")) {
            o.password = args.value();
            have_password = true;
        } else if (args.is("--motion-every-ms")) {
            o.motion_every = milliseconds(args.number(0, 86'400'000));
        } else if (args.is("--heartbeat-ms")) {
            o.heartbeat = milliseconds(args.number(10, 3'600'000));
        } else if (args.is("--slow-ms")) {
            o.slow = milliseconds(args.number(0, 600'000));
        } else if (args.is("--drop-after-ms")) {
            o.drop_after = milliseconds(args.number(0, 3'600'000));
        } else if (args.is("--fault")) {
            o.initial_fault = hearth::devsim::parse_fault(args.value());
        } else {
            args.unknown();
        }
    }
    if (!have_port || !have_password) throw std::invalid_argument("--port and --password are required");
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const hearth::devsim::sim_options opts =
        hearth::devsim::parse_or_exit("isapi_camera_sim", k_usage, [&] { return parse_args(argc, argv); });
    return hearth::devsim::serve_until_signal<hearth::devsim::sim_server>("isapi_camera_sim", opts, [&] {
        std::cerr << "isapi_camera_sim: listening on 127.0.0.1:" << opts.port << " (user " << opts.user << ", fault "
                  << hearth::devsim::fault_name(opts.initial_fault) << ")" << std::endl;
    });
}
