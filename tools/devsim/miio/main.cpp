// Role: miio_sim, a simulated miIO device on a loopback UDP port for the miIO driver tests and
// for manual experiments. It answers the hello handshake, decrypts requests with its token
// (frames with a bad checksum are ignored like a real device does), runs them against a stateful
// device (sim_devices.hpp) and encrypts the reply. Fault injection: --fault at start or, at run
// time, the encrypted RPC {"method":"sim.fault","params":["drop"|"delay"|"wrong_token"|
// "error_code"|"garbage"|"stale"|"none"]}; sim.status returns the internal state.
// miIO.info answers like a real device (model, firmware, network), so independent clients (the npm
// miio package, python-miio) connect. A request of any shape gets an answer or is ignored; the
// process never exits because of one. --address binds any loopback address (127.x.y.z), so several
// simulated devices can each use the real port 54321.
//
// Usage: miio_sim --port N --token HEX32 --kind vacuum|ac|fridge|washer [--address 127.x.y.z]
//                 [--fault F] [--delay-ms N] [--did N] [--verbose]
#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "miio_protocol.hpp"
#include "sim_args.hpp"
#include "sim_devices.hpp"
#include "sim_run.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <string>

namespace {

namespace asio = boost::asio;
using asio::ip::udp;
namespace miio = hearth::miio;
using json = nlohmann::json;

const std::set<std::string> k_faults = {"none", "drop", "delay", "wrong_token", "error_code", "garbage", "stale"};

struct options : hearth::devsim::net_options {
    std::string token_hex;
    std::string kind;
    std::string fault = "none";
    int delay_ms = 2500;
    std::uint32_t did = 0x0123ABCD;
};

constexpr const char* k_usage =
    "usage: miio_sim --port N --token HEX32 --kind vacuum|ac|fridge|washer [--address 127.x.y.z] "
    "[--fault drop|delay|wrong_token|error_code|garbage|stale] [--delay-ms N] [--did N] [--verbose]\n";

options parse_args(int argc, char** argv) {
    using hearth::devsim::usage_error;
    options o;
    hearth::devsim::sim_args args(argc, argv);
    while (args.next()) {
        if (args.net_option(o, false)) continue;
        if (args.is("--token"))
            o.token_hex = args.value();
        else if (args.is("--kind"))
            o.kind = args.value();
        else if (args.is("--fault"))
            o.fault = args.value();
        else if (args.is("--delay-ms"))
            o.delay_ms = static_cast<int>(args.number(0, 3'600'000));
        else if (args.is("--did"))
            o.did = static_cast<std::uint32_t>(args.number(0, 0xFFFFFFFF));
        else
            args.unknown();
    }
    if (o.port == 0) throw usage_error("--port is required");
    if (!k_faults.contains(o.fault)) throw usage_error("unknown fault " + o.fault);
    if (!miio::parse_token(o.token_hex)) throw usage_error("--token must be 32 hex digits");
    if (!miio_sim::make_device(o.kind)) throw usage_error("unknown --kind " + o.kind);
    return o;
}

class server {
public:
    server(asio::io_context& io, options o, miio::token_bytes token, std::unique_ptr<miio_sim::sim_device> dev)
        : io_(io),
          opts_(std::move(o)),
          token_(token),
          device_(std::move(dev)),
          socket_(io, udp::endpoint(asio::ip::make_address(opts_.address), opts_.port)) {
        wrong_token_ = token_;
        for (auto& b : wrong_token_) b ^= 0x55;
        last_tick_ = start_ = std::chrono::steady_clock::now();
    }
    void start() { receive(); }

private:
    void receive() {
        socket_.async_receive_from(
            asio::buffer(buf_), sender_, [this](const boost::system::error_code& ec, std::size_t n) {
                if (!ec) {
                    try {  // one datagram, whatever its content, never ends the simulator
                        on_datagram(miio::bytes(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n)), sender_);
                    } catch (const std::exception& e) {
                        std::cerr << "miio_sim: dropped a datagram: " << e.what() << std::endl;
                    }
                }
                if (ec != asio::error::operation_aborted) receive();
            });
    }
    std::uint32_t stamp() const {
        return 10000 +
               static_cast<std::uint32_t>(
                   std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start_).count());
    }
    void log(const std::string& line) const {
        if (opts_.verbose) std::cerr << "miio_sim: " << line << std::endl;
    }
    void send(const miio::bytes& frame, const udp::endpoint& to) {
        boost::system::error_code ec;
        socket_.send_to(asio::buffer(frame), to, 0, ec);
    }

    void on_datagram(const miio::bytes& d, const udp::endpoint& from) {
        if (d == miio::hello_frame()) {  // hello: header only, 0xFF checksum (a provisioned device)
            miio::bytes reply = miio::hello_frame();
            reply[4] = reply[5] = reply[6] = reply[7] = 0;
            for (int i = 0; i < 4; ++i) reply[8 + i] = static_cast<std::uint8_t>(opts_.did >> (24 - 8 * i));
            const std::uint32_t s = stamp();
            for (int i = 0; i < 4; ++i) reply[12 + i] = static_cast<std::uint8_t>(s >> (24 - 8 * i));
            log("hello");
            send(reply, from);
            return;
        }
        const auto r = miio::decode_frame(token_, d);
        if (!r.frame) {
            log(std::string("ignored a datagram: ") + miio::describe(r.error));
            return;
        }
        const json req = json::parse(r.frame->json_text, nullptr, false);
        if (req.is_discarded() || !req.is_object() || !req.contains("id")) {
            log("ignored a request that is not JSON-RPC");
            return;
        }
        const json id = req["id"];
        const auto method_it = req.find("method");
        if (method_it == req.end() || !method_it->is_string()) {  // answered, like a device does
            log("refused a request without a string method (id " + dump(id) + ")");
            send(encode({{"id", id}, {"error", {{"code", -32600}, {"message", "Invalid Request"}}}}, token_), from);
            return;
        }
        const std::string method = method_it->get<std::string>();
        const json params = req.contains("params") ? req["params"] : json::array();
        log("request " + method + " id " + dump(id) + " (fault " + opts_.fault + ")");
        const auto now = std::chrono::steady_clock::now();
        device_->tick(std::chrono::duration<double>(now - last_tick_).count());
        last_tick_ = now;

        json reply = {{"id", id}};
        if (method == "sim.fault") {
            const std::string f =
                params.is_array() && !params.empty() && params[0].is_string() ? params[0].get<std::string>() : "";
            if (!k_faults.contains(f)) {
                reply["error"] = {{"code", -32602}, {"message", "unknown fault"}};
            } else {
                opts_.fault = f;
                device_->set_error_fault(f == "error_code");
                reply["result"] = json::array({"ok"});
            }
            send(encode(reply, token_), from);
            return;
        }
        if (method == "sim.status") {
            reply["result"] = {{"fault", opts_.fault}, {"device", device_->status()}, {"requests", ++requests_}};
            send(encode(reply, token_), from);
            return;
        }
        ++requests_;
        if (opts_.fault == "drop") return;
        if (method == "miIO.info") {
            reply["result"] = info();
        } else {
            try {
                reply["result"] = device_->handle(method, params);
            } catch (const miio_sim::rpc_error& e) {
                reply["error"] = {{"code", e.code()}, {"message", e.what()}};
            } catch (const std::exception& e) {  // a device bug must not end the simulator
                log(std::string("internal error on ") + method + ": " + e.what());
                reply["error"] = {{"code", -32603}, {"message", "Internal error"}};
            }
        }
        if (opts_.fault == "garbage") {
            miio::bytes junk(48 + rng_() % 64);
            for (auto& b : junk) b = static_cast<std::uint8_t>(rng_());
            send(junk, from);
            miio::bytes bad = encode(reply, token_);  // valid magic, corrupted payload
            bad.back() ^= 0xFF;
            send(bad, from);
            return;
        }
        if (opts_.fault == "stale") {  // a duplicate of an older reply first, then the real one
            json old = reply;
            old["id"] = id.is_number_integer() ? id.get<std::int64_t>() - 1 : 0;
            send(encode(old, token_), from);
        }
        const miio::bytes frame = encode(reply, opts_.fault == "wrong_token" ? wrong_token_ : token_);
        if (opts_.fault == "delay") {
            auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(opts_.delay_ms));
            timer->async_wait([this, timer, frame, from](const boost::system::error_code&) { send(frame, from); });
            return;
        }
        send(frame, from);
    }
    /// The miIO.info answer of a provisioned device (the fields python-miio's DeviceInfo and the
    /// npm miio client read). The token is not included.
    [[nodiscard]] json info() const {
        char mac[18];
        std::snprintf(mac, sizeof mac, "02:00:%02X:%02X:%02X:%02X", (opts_.did >> 24) & 0xFF, (opts_.did >> 16) & 0xFF,
                      (opts_.did >> 8) & 0xFF, opts_.did & 0xFF);
        return {{"life", stamp() - 10000},
                {"cfg_time", 0},
                {"model", device_->model()},
                {"mac", mac},
                {"fw_ver", "3.5.8_002034"},
                {"hw_ver", "Linux"},
                {"mcu_fw_ver", "0001"},
                {"wifi_fw_ver", "SD878x-14.76.36.p84-702.1.0-WM"},
                {"uid", 1000000 + (opts_.did % 1000000)},
                {"ap", {{"ssid", "hearth-sim"}, {"bssid", "02:00:00:00:00:01"}, {"rssi", -42}, {"freq", 2412}}},
                {"netif", {{"localIp", opts_.address}, {"mask", "255.0.0.0"}, {"gw", "127.0.0.1"}}},
                {"miio_ver", "miio-sim"},
                {"ot", "otu"}};
    }
    miio::bytes encode(const json& reply, const miio::token_bytes& t) const {
        return miio::encode_frame(t, opts_.did, stamp(), dump(reply));
    }
    /// JSON text; invalid UTF-8 echoed from a request is replaced, never thrown on.
    static std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

    asio::io_context& io_;
    options opts_;
    miio::token_bytes token_;
    miio::token_bytes wrong_token_{};
    std::unique_ptr<miio_sim::sim_device> device_;
    udp::socket socket_;
    udp::endpoint sender_;
    std::array<std::uint8_t, 65536> buf_{};
    std::chrono::steady_clock::time_point start_, last_tick_;
    std::uint64_t requests_ = 0;
    std::minstd_rand rng_{42};
};

}  // namespace

int main(int argc, char** argv) {
    const options o = hearth::devsim::parse_or_exit("miio_sim", k_usage, [&] { return parse_args(argc, argv); });
    return hearth::devsim::run_guarded("miio_sim", [&] {
        asio::io_context io;
        // throws when the address/port is taken
        server s(io, o, *miio::parse_token(o.token_hex), miio_sim::make_device(o.kind));
        s.start();
        hearth::devsim::run_until_signal(io, [&] {
            std::cerr << "miio_sim: " << o.kind << " listening on " << o.address << ":" << o.port << std::endl;
        });
    });
}
