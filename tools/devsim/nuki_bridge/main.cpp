// Role: entry point of nuki_bridge_sim, a simulated Nuki Bridge (HTTP API) on 127.0.0.1 for
// tests and demos:
//   nuki_bridge_sim --port 8080 --token abc123 [--locks 2] [--fault jam|low_battery|auth_failure|
//                   slow|stream_drop] [--transition-ms 500] [--quiet]
// Runs until SIGTERM/SIGINT. Control endpoints (no token): /sim/fault?set=<fault|none>,
// /sim/door?state=open|closed[&nukiId=N], /sim/manual?action=lock|unlock|unlatch[&nukiId=N],
// /sim/state (locks, fault, callback count, requests per path).
#include "bridge_sim.hpp"
#include "sim_args.hpp"
#include "sim_http.hpp"
#include "sim_run.hpp"

#include <iostream>
#include <memory>
#include <string>

namespace {

constexpr const char* k_usage =
    "usage: nuki_bridge_sim --port N --token T [--locks N] [--fault jam|low_battery|auth_failure|slow|stream_drop] "
    "[--transition-ms N] [--quiet]\n";

nuki_sim::sim_options parse_args(int argc, char** argv) {
    using hearth::devsim::usage_error;
    nuki_sim::sim_options o;
    bool have_port = false;
    hearth::devsim::sim_args args(argc, argv);
    while (args.next()) {
        if (args.is("--port")) {
            o.port = args.port();
            have_port = true;
        } else if (args.is("--token")) {
            o.token = args.value();
        } else if (args.is("--locks")) {
            o.locks = static_cast<int>(args.number(0, 50));
        } else if (args.is("--fault")) {
            o.fault = args.value();
        } else if (args.is("--transition-ms")) {
            o.transition_ms = static_cast<int>(args.number(1, 60000));
        } else if (args.is("--quiet")) {
            o.quiet = true;
        } else {
            args.unknown();
        }
    }
    if (!have_port) throw usage_error("--port is required");
    if (o.token.empty()) throw usage_error("--token is required");
    if (!nuki_sim::bridge_sim::is_fault(o.fault)) throw usage_error("unknown fault " + o.fault);
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const nuki_sim::sim_options o =
        hearth::devsim::parse_or_exit("nuki_bridge_sim", k_usage, [&] { return parse_args(argc, argv); });
    boost::asio::io_context io;
    const bool quiet = o.quiet;
    nuki_sim::bridge_sim sim(io, o, [&io, quiet](const std::string& url, const std::string& body) {
        nuki_sim::post_callback(io, url, body, quiet);
    });
    std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;  // destroyed before io (declared after it)
    try {
        acceptor = nuki_sim::start_server(io, o.port, sim);
    } catch (const std::exception& e) {
        std::cerr << "nuki_bridge_sim: cannot listen on 127.0.0.1:" << o.port << ": " << e.what() << "\n";
        return 1;
    }
    hearth::devsim::run_until_signal(io, [&] {
        std::cout << "nuki_bridge_sim listening on 127.0.0.1:" << o.port << " with " << o.locks << " lock(s), fault "
                  << o.fault << std::endl;
    });
    return 0;
}
