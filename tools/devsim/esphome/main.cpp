// Role: esphome_sim, a simulated ESPHome node on a loopback TCP port (6053 on a real device)
// speaking the native API in plaintext, or Noise with --key (the base64 api.encryption.key), with
// an optional API password (--password), for the esphome driver tests, the npm
// @2colors/esphome-native-api interop check and manual experiments. It uses the driver's own
// transport (esphome_protocol, server role) and the entities of sim_node.hpp: Hello, Connect
// (password), DeviceInfo, ListEntities, SubscribeStates (every state, then changes pushed to all
// subscribed connections), Ping, Disconnect and the switch/light/cover/climate/lock/button
// commands. A client that sends a request needing authentication before a valid Connect is
// disconnected, as a device does.
// Faults (--fault, or at run time on the control port): drop (after the handshake nothing is
// answered), garbage (a malformed frame instead of the next reply, then the connection closes),
// mute (commands are applied but no state is pushed).
// The control port speaks JSON lines: {"status":true}, {"fault":"drop"}, {"set":{"object_id":
// "temperature","value":23.5}} (the device changes by itself), {"disconnect":true}; each
// answered with one JSON line. The key and the password are never printed.
//
// Usage: esphome_sim --port N [--address 127.x.y.z] [--name NODE] [--key BASE64] [--password P]
//                    [--control-port N] [--fault drop|garbage|mute] [--verbose]
#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "esphome_session.hpp"
#include "json_control_port.hpp"
#include "sim_args.hpp"
#include "sim_node.hpp"
#include "sim_run.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <iostream>
#include <memory>
#include <set>
#include <string>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using json = nlohmann::json;
namespace es = hearth::esphome;

const std::set<std::string> k_faults = {"none", "drop", "garbage", "mute"};

struct options : hearth::devsim::net_options {
    std::string name = "porch";
    std::optional<hearth::kit::chacha_key> key;
    std::string password;
    std::string fault = "none";
};

constexpr const char* k_usage =
    "usage: esphome_sim --port N [--address 127.x.y.z] [--name NODE] [--key BASE64] [--password P] "
    "[--control-port N] [--fault drop|garbage|mute] [--verbose]\n";

options parse_args(int argc, char** argv) {
    using hearth::devsim::usage_error;
    options o;
    hearth::devsim::sim_args args(argc, argv);
    while (args.next()) {
        if (args.net_option(o)) continue;
        if (args.is("--name"))
            o.name = args.value();
        else if (args.is("--key")) {
            o.key = es::parse_encryption_key(args.value());
            if (!o.key) throw usage_error("--key must be the base64 of 32 bytes");
        } else if (args.is("--password"))
            o.password = args.value();
        else if (args.is("--fault"))
            o.fault = args.value();
        else
            args.unknown();
    }
    if (o.port == 0) throw usage_error("--port is required");
    if (!k_faults.contains(o.fault)) throw usage_error("unknown fault " + o.fault);
    return o;
}

class server;

/// One API connection.
class connection : public std::enable_shared_from_this<connection> {
public:
    connection(server& srv, tcp::socket socket);
    void start() { read(); }
    void close() {
        boost::system::error_code ec;
        socket_.close(ec);
    }
    [[nodiscard]] bool open() const { return socket_.is_open(); }
    [[nodiscard]] bool subscribed() const { return subscribed_; }
    /// Sends one message (if the transport is ready), applying the output faults.
    void send(std::uint32_t type, const es::bytes& payload);

private:
    void read();
    void on_message(const es::api_message& m);
    void write(const es::bytes& data);

    server& srv_;
    tcp::socket socket_;
    es::session session_;
    std::array<std::uint8_t, 4096> buf_{};
    bool authenticated_ = false;
    bool subscribed_ = false;
};

class server {
public:
    server(asio::io_context& io, options o)
        : opts_(std::move(o)), node_(opts_.name), acceptor_(io, endpoint(opts_.port)) {
        if (opts_.control_port != 0)
            control_.emplace(io, opts_.address, opts_.control_port, [this](const json& req) { return control(req); });
    }

    void start() {
        accept();
        if (control_) control_->start();
    }
    [[nodiscard]] const options& opts() const { return opts_; }
    [[nodiscard]] es::sim::node& node() { return node_; }
    void log(const std::string& line) const {
        if (opts_.verbose) std::cerr << "esphome_sim: " << line << std::endl;
    }
    void count_command() { ++commands_; }
    /// Pushes state messages to every subscribed connection.
    void push(const std::vector<es::sim::out_message>& states) {
        if (opts_.fault == "mute") return;
        for (auto& w : connections_)
            if (auto c = w.lock(); c && c->open() && c->subscribed())
                for (const auto& s : states) c->send(s.type, s.payload);
    }

private:
    [[nodiscard]] tcp::endpoint endpoint(std::uint16_t port) const {
        return {asio::ip::make_address(opts_.address), port};
    }

    void accept() {
        acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
            if (!ec) {
                ++connects_;
                auto c = std::make_shared<connection>(*this, std::move(socket));
                std::erase_if(connections_, [](const std::weak_ptr<connection>& w) { return w.expired(); });
                connections_.push_back(c);
                c->start();
            }
            accept();
        });
    }

    json control(const json& req) {
        if (!req.is_object()) return {{"ok", false}, {"error", "not a JSON object"}};
        if (req.contains("fault")) {
            const auto f = req["fault"];
            if (!f.is_string() || !k_faults.contains(f.get<std::string>()))
                return {{"ok", false}, {"error", "unknown fault"}};
            opts_.fault = f.get<std::string>();
            return {{"ok", true}};
        }
        if (req.contains("set")) {
            std::string error;
            const auto states = node_.set_from_control(req["set"], error);
            if (states.empty()) return {{"ok", false}, {"error", error}};
            push(states);
            return {{"ok", true}};
        }
        if (req.contains("disconnect")) {
            for (auto& w : connections_)
                if (auto c = w.lock()) c->close();
            return {{"ok", true}};
        }
        int open = 0;
        int subscribed = 0;
        for (auto& w : connections_) {
            if (auto c = w.lock(); c && c->open()) {
                ++open;
                if (c->subscribed()) ++subscribed;
            }
        }
        return {{"ok", true},
                {"connects", connects_},
                {"open", open},
                {"subscribed", subscribed},
                {"commands", commands_},
                {"fault", opts_.fault},
                {"states", node_.states_json()}};
    }

    options opts_;
    es::sim::node node_;
    tcp::acceptor acceptor_;
    std::optional<hearth::devsim::json_control_port> control_;
    std::vector<std::weak_ptr<connection>> connections_;
    std::uint64_t connects_ = 0;
    std::uint64_t commands_ = 0;
};

connection::connection(server& srv, tcp::socket socket)
    : srv_(srv),
      socket_(std::move(socket)),
      session_(es::session::role::server, srv.opts().key, srv.opts().name, "AC:BC:32:89:0E:A9") {}

void connection::read() {
    socket_.async_read_some(asio::buffer(buf_),
                            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                                if (ec) {
                                    self->srv_.log("connection closed");
                                    return;
                                }
                                const auto r = self->session_.feed(std::span(self->buf_).first(n));
                                if (!r.reply.empty()) self->write(r.reply);
                                for (const auto& m : r.messages) {
                                    if (!self->open()) return;
                                    self->on_message(m);
                                }
                                if (r.error != es::session_error::none) {
                                    self->srv_.log("closing: " + r.detail);
                                    self->close();
                                    return;
                                }
                                if (self->open()) self->read();
                            });
}

void connection::on_message(const es::api_message& m) {
    srv_.log("message type " + std::to_string(m.type));
    const bool needs_password = !srv_.opts().password.empty();
    switch (m.type) {
    case es::msg::hello_request: {
        es::pb::HelloResponse r;
        r.set_api_version_major(es::k_api_major);
        r.set_api_version_minor(es::k_api_minor);
        r.set_server_info("esphome_sim (Hearth devsim)");
        r.set_name(srv_.node().name());
        return send(es::msg::hello_response, es::serialize(r));
    }
    case es::msg::connect_request: {
        const auto c = es::parse<es::pb::ConnectRequest>(m.payload);
        const bool ok = c && (!needs_password || c->password() == srv_.opts().password);
        es::pb::ConnectResponse r;
        r.set_invalid_password(!ok);
        send(es::msg::connect_response, es::serialize(r));
        if (ok) {
            authenticated_ = true;
        } else {
            srv_.log("invalid password, closing");
            close();
        }
        return;
    }
    case es::msg::ping_request: return send(es::msg::ping_response, {});
    case es::msg::disconnect_request: send(es::msg::disconnect_response, {}); return close();
    case es::msg::device_info_request:
        return send(es::msg::device_info_response, es::serialize(srv_.node().device_info(needs_password)));
    case es::msg::ping_response:
    case es::msg::disconnect_response: return;
    default: break;
    }
    // Everything else needs a valid Connect when the node has a password; a client on an API
    // without one (1.12+ with encryption) may skip Connect.
    if (needs_password && !authenticated_) {
        srv_.log("a request before authentication, closing");
        return close();
    }
    switch (m.type) {
    case es::msg::list_entities_request:
        for (const auto& e : srv_.node().list_entities()) send(e.type, e.payload);
        return send(es::msg::list_done, {});
    case es::msg::subscribe_states_request:
        subscribed_ = true;
        for (const auto& s : srv_.node().all_states()) send(s.type, s.payload);
        return;
    case es::msg::get_time_request: return;
    default: break;
    }
    std::string error;
    const auto changed = srv_.node().apply({m.type, m.payload}, error);
    if (!error.empty()) {
        srv_.log("ignored message " + std::to_string(m.type) + ": " + error);
        return;
    }
    srv_.count_command();
    srv_.push(changed);
}

void connection::send(std::uint32_t type, const es::bytes& payload) {
    const std::string& fault = srv_.opts().fault;
    if (fault == "drop") return;
    if (fault == "garbage") {
        // A frame no API peer can parse: an over-long varint in plaintext, a wrong indicator byte
        // in Noise.
        write(session_.encrypted() ? es::bytes{0x07, 0x00, 0x01, 0x00} : es::bytes{0x00, 0xff, 0xff, 0xff, 0xff, 0xff});
        return close();
    }
    const es::bytes frame = session_.encode(type, payload);
    if (!frame.empty()) write(frame);
}

void connection::write(const es::bytes& data) {
    if (!socket_.is_open()) return;
    // Frames are written whole and in order: a blocking write on a loopback socket is short.
    boost::system::error_code ec;
    asio::write(socket_, asio::buffer(data), ec);
    if (ec) close();
}

}  // namespace

int main(int argc, char** argv) {
    const options o = hearth::devsim::parse_or_exit("esphome_sim", k_usage, [&] { return parse_args(argc, argv); });
    return hearth::devsim::run_guarded("esphome_sim", [&] {
        asio::io_context io;
        server s(io, o);  // throws when the address/port is taken
        s.start();
        hearth::devsim::run_until_signal(io, [&] {
            std::cerr << "esphome_sim: node '" << o.name << "' (" << (o.key ? "noise" : "plaintext")
                      << (o.password.empty() ? "" : ", password") << ") listening on " << o.address << ":" << o.port
                      << std::endl;
        });
    });
}
