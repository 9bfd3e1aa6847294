// A simulator of a Shelly Plus Plug S (Gen2 RPC over HTTP) for the example driver's test:
//   shelly_sim --port N [--power-w W]
// Serves GET /shelly (device info), /rpc/Switch.GetStatus?id=0 and /rpc/Switch.Set?id=0&on=true|false
// on 127.0.0.1 with keep-alive, one connection at a time. The switch draws --power-w watts while
// on and counts energy in Wh. Anything else is answered 404 with a JSON-RPC style error.
#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

struct plug {
    bool on = false;
    double power_w = 60.0;
    double energy_wh = 1000.0;
    std::chrono::steady_clock::time_point since = std::chrono::steady_clock::now();

    void account() {  // energy drawn since the last look
        const auto now = std::chrono::steady_clock::now();
        if (on) energy_wh += power_w * std::chrono::duration<double>(now - since).count() / 3600.0;
        since = now;
    }
};

json answer(plug& p, const std::string& target, http::status& code) {
    p.account();
    if (target == "/shelly") {
        return {{"id", "shellyplusplugs-sim"},
                {"mac", "A8032ABE54DC"},
                {"model", "SNPL-00112EU"},
                {"gen", 2},
                {"fw_id", "20231107-164738/1.0.8-g1234567"},
                {"ver", "1.0.8"},
                {"app", "PlusPlugS"},
                {"auth_en", false}};
    }
    if (target == "/rpc/Switch.GetStatus?id=0") {
        return {{"id", 0},
                {"source", "http"},
                {"output", p.on},
                {"apower", p.on ? p.power_w : 0.0},
                {"voltage", 230.1},
                {"aenergy", {{"total", p.energy_wh}}},
                {"temperature", {{"tC", 41.2}}}};
    }
    for (const bool on : {true, false}) {
        if (target == std::string("/rpc/Switch.Set?id=0&on=") + (on ? "true" : "false")) {
            const bool was_on = p.on;
            p.on = on;
            return {{"was_on", was_on}};
        }
    }
    code = http::status::not_found;
    return {{"code", 404}, {"message", "No handler for " + target}};
}

void serve(asio::ip::tcp::socket& socket, plug& p) {
    boost::beast::flat_buffer buffer;
    for (;;) {
        http::request<http::string_body> req;
        boost::beast::error_code ec;
        http::read(socket, buffer, req, ec);
        if (ec) return;  // closed by the client, or garbage
        http::status code = http::status::ok;
        const json body = answer(p, std::string(req.target()), code);
        http::response<http::string_body> res{code, req.version()};
        res.set(http::field::content_type, "application/json");
        res.keep_alive(req.keep_alive());
        res.body() = body.dump();
        res.prepare_payload();
        http::write(socket, res, ec);
        if (ec || !req.keep_alive()) return;
    }
}

}  // namespace

int main(int argc, char** argv) {
    unsigned port = 0;
    plug p;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i];
        if (key == "--port") port = static_cast<unsigned>(std::strtoul(argv[i + 1], nullptr, 10));
        if (key == "--power-w") p.power_w = std::strtod(argv[i + 1], nullptr);
    }
    if (port == 0 || port > 65535) {
        std::fprintf(stderr, "usage: shelly_sim --port N [--power-w W]\n");
        return 2;
    }
    try {
        asio::io_context io;
        asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
        std::printf("shelly_sim listening on 127.0.0.1:%u\n", port);
        std::fflush(stdout);
        for (;;) {
            asio::ip::tcp::socket socket(io);
            acceptor.accept(socket);
            serve(socket, p);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "shelly_sim: %s\n", e.what());
        return 1;
    }
}
