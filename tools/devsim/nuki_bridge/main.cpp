// Role: entry point of nuki_bridge_sim, a simulated Nuki Bridge (HTTP API) on 127.0.0.1 for
// tests and demos:
//   nuki_bridge_sim --port 8080 --token abc123 [--locks 2] [--fault jam|low_battery|auth_failure|
//                   slow|stream_drop] [--transition-ms 500] [--quiet]
// Runs until SIGTERM/SIGINT. Control endpoints (no token): /sim/fault?set=<fault|none>,
// /sim/door?state=open|closed[&nukiId=N], /sim/manual?action=lock|unlock|unlatch[&nukiId=N],
// /sim/state (locks, fault, callback count, requests per path).
#include "bridge_sim.hpp"
#include "sim_http.hpp"

#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

namespace {

[[noreturn]] void usage(const std::string& why) {
    std::cerr << "nuki_bridge_sim: " << why << "\n"
              << "usage: nuki_bridge_sim --port N --token T [--locks N] "
                 "[--fault jam|low_battery|auth_failure|slow|stream_drop] [--transition-ms N] [--quiet]\n";
    std::exit(2);
}

int to_int(const std::string& s, const char* what, int min, int max) {
    char* end = nullptr;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (end == s.c_str() || *end != '\0' || v < min || v > max) usage(std::string("bad ") + what + ": " + s);
    return static_cast<int>(v);
}

}  // namespace

int main(int argc, char** argv) {
    nuki_sim::sim_options o;
    bool have_port = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) usage(a + " needs a value");
            return argv[++i];
        };
        if (a == "--port")
            o.port = to_int(next(), "port", 1, 65535), have_port = true;
        else if (a == "--token")
            o.token = next();
        else if (a == "--locks")
            o.locks = to_int(next(), "locks", 0, 50);
        else if (a == "--fault")
            o.fault = next();
        else if (a == "--transition-ms")
            o.transition_ms = to_int(next(), "transition-ms", 1, 60000);
        else if (a == "--quiet")
            o.quiet = true;
        else
            usage("unknown argument " + a);
    }
    if (!have_port) usage("--port is required");
    if (o.token.empty()) usage("--token is required");
    if (!nuki_sim::bridge_sim::is_fault(o.fault)) usage("unknown fault " + o.fault);

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
    boost::asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });
    std::cout << "nuki_bridge_sim listening on 127.0.0.1:" << o.port << " with " << o.locks << " lock(s), fault "
              << o.fault << std::endl;
    io.run();
    return 0;
}
