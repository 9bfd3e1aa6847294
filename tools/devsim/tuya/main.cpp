// Role: tuya_sim, a simulated Tuya Wi-Fi device on a loopback TCP port (6668 on a real device)
// speaking LAN protocol 3.3, 3.4 or 3.5 as configured, for the tuya driver tests, the tuyapi
// interop check and manual experiments. Per connection: 3.4/3.5 session key negotiation, heartbeats,
// DP_QUERY/DP_QUERY_NEW answers, CONTROL/CONTROL_NEW (ack, then a STATUS push with the changed DPs)
// and UPDATEDPS. Frames that fail their CRC/HMAC/tag or do not decrypt are ignored like a device
// does; a stream that cannot be framed is closed. Faults (--fault, or at run time on the control
// port): drop (no replies at all), delay (replies after --delay-ms), bad_crc (a corrupted trailer:
// CRC in 3.3, HMAC in 3.4, GCM tag in 3.5), wrong_key (requests are understood, replies are made
// under another local key, as by a device configured with another key), truncated
// (half a reply, then the connection closes).
// The optional control port speaks JSON lines: {"fault":"drop"}, {"dps":{"1":true}} (the device
// changes by itself: pushed to every session), {"disconnect":true}, {"status":true}; each answered
// with one JSON line. --broadcast-port sends the UDP discovery announcement to 127.0.0.1:PORT
// every --broadcast-ms (6667 format: ECB 55AA in 3.3/3.4, GCM 6699 in 3.5). The local key is
// never printed.
//
// Usage: tuya_sim --port N --key KEY16 --version 3.3|3.4|3.5 --kind plug|bulb|contact|ac|curtain|fan
//                 [--address 127.x.y.z] [--id DEVID] [--control-port N] [--fault F] [--delay-ms N]
//                 [--broadcast-port N] [--broadcast-ms N] [--verbose]
#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "json_control_port.hpp"
#include "sim_args.hpp"
#include "sim_device.hpp"
#include "sim_run.hpp"
#include "tuya_channel.hpp"
#include "tuya_discovery.hpp"
#include "tuya_session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>
#include <set>
#include <string>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using json = nlohmann::json;
namespace tuya = hearth::tuya;

const std::set<std::string> k_faults = {"none", "drop", "delay", "bad_crc", "wrong_key", "truncated"};

struct options : hearth::devsim::net_options {
    std::uint16_t broadcast_port = 0;
    int broadcast_ms = 5000;
    std::string key;
    std::string version = "3.3";
    std::string kind;
    std::string id = "bf0a1b2c3d4e5f6a7b8c9d";
    std::string fault = "none";
    int delay_ms = 3000;
};

constexpr const char* k_usage =
    "usage: tuya_sim --port N --key KEY16 --version 3.3|3.4|3.5 --kind plug|bulb|contact|ac|curtain|fan "
    "[--address 127.x.y.z] [--id DEVID] [--control-port N] [--fault drop|delay|bad_crc|wrong_key|truncated] "
    "[--delay-ms N] [--broadcast-port N] [--broadcast-ms N] [--verbose]\n";

options parse_args(int argc, char** argv) {
    using hearth::devsim::usage_error;
    options o;
    hearth::devsim::sim_args args(argc, argv);
    while (args.next()) {
        if (args.net_option(o)) continue;
        if (args.is("--broadcast-port"))
            o.broadcast_port = args.port();
        else if (args.is("--broadcast-ms"))
            o.broadcast_ms = static_cast<int>(args.number(10, 3'600'000));
        else if (args.is("--key"))
            o.key = args.value();
        else if (args.is("--version"))
            o.version = args.value();
        else if (args.is("--kind"))
            o.kind = args.value();
        else if (args.is("--id"))
            o.id = args.value();
        else if (args.is("--fault"))
            o.fault = args.value();
        else if (args.is("--delay-ms"))
            o.delay_ms = static_cast<int>(args.number(0, 3'600'000));
        else
            args.unknown();
    }
    if (o.port == 0) throw usage_error("--port is required");
    if (!k_faults.contains(o.fault)) throw usage_error("unknown fault " + o.fault);
    if (!tuya::parse_version(o.version)) throw usage_error("--version must be 3.3, 3.4 or 3.5");
    if (!tuya::parse_local_key(o.key)) throw usage_error("--key must be 16 characters");
    if (!tuya_sim::make_device(o.kind)) throw usage_error("unknown --kind " + o.kind);
    return o;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

class server;

/// One client connection: framing, negotiation, requests.
class session : public std::enable_shared_from_this<session> {
public:
    session(server& srv, tcp::socket socket);
    void start() { read(); }
    void close() {
        boost::system::error_code ec;
        socket_.close(ec);
    }
    /// Pushes a STATUS frame with `changed` (the device changed by itself or after a write).
    void push_status(const json& changed);
    [[nodiscard]] bool open() const { return socket_.is_open(); }
    [[nodiscard]] bool negotiated() const { return ch_.has_session(); }

private:
    void read();
    void on_frame(std::span<const std::uint8_t> frame_bytes);
    void on_request(const tuya::message& m);
    void reply(std::uint32_t seq, std::uint32_t command, const std::string& payload, std::uint32_t retcode = 0);
    void send(tuya::bytes frame);
    void write_now(const std::shared_ptr<tuya::bytes>& frame, bool close_after);
    std::uint32_t next_seq() { return ++device_seq_; }

    server& srv_;
    tcp::socket socket_;
    tuya::channel ch_;
    std::optional<tuya::nonce> client_nonce_;
    tuya::nonce remote_nonce_{};
    std::array<std::uint8_t, 4096> buf_{};
    tuya::bytes pending_;
    std::uint32_t device_seq_ = 0;
};

class server {
public:
    server(asio::io_context& io, options o, std::unique_ptr<tuya_sim::sim_device> dev)
        : io_(io),
          opts_(std::move(o)),
          version_(*tuya::parse_version(opts_.version)),
          key_(*tuya::parse_local_key(opts_.key)),
          device_(std::move(dev)),
          acceptor_(io, tcp::endpoint(asio::ip::make_address(opts_.address), opts_.port)),
          broadcast_timer_(io) {
        wrong_key_ = key_;
        for (auto& b : wrong_key_) b ^= 0x5A;
        if (opts_.control_port != 0)
            control_.emplace(io, opts_.address, opts_.control_port, [this](const json& req) { return control(req); });
    }
    void start() {
        accept();
        if (control_) control_->start();
        if (opts_.broadcast_port != 0) broadcast();
    }

    const options& opts() const { return opts_; }
    tuya::protocol_version version() const { return version_; }
    /// The local key requests are decoded with.
    const hearth::kit::aes128_key& key() const { return key_; }
    /// The key replies are made with: another one under the wrong_key fault.
    const hearth::kit::aes128_key& reply_key() const { return opts_.fault == "wrong_key" ? wrong_key_ : key_; }
    tuya_sim::sim_device& device() { return *device_; }
    asio::io_context& io() { return io_; }
    void log(const std::string& line) const {
        if (opts_.verbose) std::cerr << "tuya_sim: " << line << std::endl;
    }
    void count_request() { ++requests_; }
    /// The changed DPs go to every open session.
    void broadcast_status(const json& changed) {
        if (changed.empty()) return;
        for (auto it = sessions_.begin(); it != sessions_.end();) {
            if (auto s = it->lock(); s && s->open()) {
                s->push_status(changed);
                ++it;
            } else {
                it = sessions_.erase(it);
            }
        }
    }

private:
    void accept() {
        acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
            if (!ec) {
                auto s = std::make_shared<session>(*this, std::move(socket));
                sessions_.push_back(s);
                ++connections_;
                log("connection " + std::to_string(connections_));
                s->start();
            }
            if (ec != asio::error::operation_aborted) accept();
        });
    }

    json control(const json& req) {
        if (!req.is_object()) return {{"ok", false}, {"error", "not a JSON object"}};
        if (const auto f = req.find("fault"); f != req.end()) {
            if (!f->is_string() || !k_faults.contains(f->get<std::string>()))
                return {{"ok", false}, {"error", "unknown fault"}};
            opts_.fault = f->get<std::string>();
            log("fault " + opts_.fault);
        }
        if (const auto d = req.find("dps"); d != req.end()) {
            const json changed = device_->force(*d);
            log("forced " + dump(changed));
            broadcast_status(changed);
        }
        if (req.contains("disconnect")) {
            for (auto& w : sessions_)
                if (auto s = w.lock()) s->close();
            sessions_.clear();
            log("disconnected every session");
        }
        std::size_t open = 0;
        std::size_t negotiated = 0;
        for (auto& w : sessions_) {
            if (auto s = w.lock(); s && s->open()) {
                ++open;
                if (s->negotiated()) ++negotiated;
            }
        }
        return {{"ok", true},   {"fault", opts_.fault},     {"dps", device_->dps()}, {"connections", connections_},
                {"open", open}, {"negotiated", negotiated}, {"requests", requests_}};
    }

    void broadcast() {
        const json doc = {{"ip", opts_.address},
                          {"gwId", opts_.id},
                          {"active", 2},
                          {"ability", 0},
                          {"mode", 0},
                          {"encrypt", true},
                          {"productKey", "hearthsim" + opts_.kind},
                          {"version", opts_.version}};
        const auto format = version_ == tuya::protocol_version::v35 ? tuya::discovery_format::gcm_6699
                                                                    : tuya::discovery_format::ecb_55aa;
        const tuya::bytes datagram = tuya::encode_discovery(dump(doc), format);
        if (!udp_) {
            udp_.emplace(io_);
            boost::system::error_code ec;
            udp_->open(asio::ip::udp::v4(), ec);
        }
        boost::system::error_code ec;
        udp_->send_to(asio::buffer(datagram),
                      asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), opts_.broadcast_port), 0, ec);
        broadcast_timer_.expires_after(std::chrono::milliseconds(opts_.broadcast_ms));
        broadcast_timer_.async_wait([this](const boost::system::error_code& e) {
            if (!e) broadcast();
        });
    }

    asio::io_context& io_;
    options opts_;
    tuya::protocol_version version_;
    hearth::kit::aes128_key key_;
    hearth::kit::aes128_key wrong_key_{};
    std::unique_ptr<tuya_sim::sim_device> device_;
    tcp::acceptor acceptor_;
    std::optional<hearth::devsim::json_control_port> control_;
    std::optional<asio::ip::udp::socket> udp_;
    asio::steady_timer broadcast_timer_;
    std::vector<std::weak_ptr<session>> sessions_;
    std::uint64_t connections_ = 0;
    std::uint64_t requests_ = 0;
};

session::session(server& srv, tcp::socket socket)
    : srv_(srv), socket_(std::move(socket)), ch_(srv.version(), srv.key()) {}

void session::read() {
    socket_.async_read_some(
        asio::buffer(buf_), [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
            if (ec) {
                self->srv_.log("connection closed");
                return;
            }
            self->pending_.insert(self->pending_.end(), self->buf_.begin(),
                                  self->buf_.begin() + static_cast<std::ptrdiff_t>(n));
            for (;;) {
                const tuya::split_result split = tuya::next_frame(self->pending_);
                if (split.size == 0) {
                    if (split.error != tuya::frame_error::incomplete) {
                        self->srv_.log(std::string("unframeable stream, closing: ") + tuya::describe(split.error));
                        self->close();
                        return;
                    }
                    break;
                }
                try {  // one frame, whatever its content, never ends the simulator
                    self->on_frame(std::span(self->pending_).first(split.size));
                } catch (const std::exception& e) {
                    self->srv_.log(std::string("dropped a frame: ") + e.what());
                }
                self->pending_.erase(self->pending_.begin(),
                                     self->pending_.begin() + static_cast<std::ptrdiff_t>(split.size));
            }
            if (self->socket_.is_open()) self->read();
        });
}

void session::on_frame(std::span<const std::uint8_t> frame_bytes) {
    const tuya::message_result r = ch_.decode(frame_bytes, false);
    if (!r.value) {
        srv_.log("ignored a frame: " + r.error);
        return;
    }
    on_request(*r.value);
}

void session::on_request(const tuya::message& m) {
    srv_.count_request();
    const bool modern = srv_.version() != tuya::protocol_version::v33;
    srv_.log("request cmd " + std::to_string(m.cmd) + " seq " + std::to_string(m.seq) + " (fault " + srv_.opts().fault +
             ")");
    if (m.cmd == tuya::cmd::sess_key_neg_start && modern) {
        client_nonce_ = tuya::client_nonce_of(m.payload);
        if (!client_nonce_) return;
        remote_nonce_ = tuya::random_nonce();
        ch_.clear_session();
        const tuya::bytes p = tuya::neg_resp_payload(srv_.reply_key(), remote_nonce_, *client_nonce_);
        reply(m.seq, tuya::cmd::sess_key_neg_resp, std::string(p.begin(), p.end()));
        return;
    }
    if (m.cmd == tuya::cmd::sess_key_neg_finish && modern) {
        if (!client_nonce_ || !tuya::check_neg_finish(srv_.key(), remote_nonce_, m.payload)) {
            srv_.log("session key negotiation failed (wrong key?), closing");
            close();
            return;
        }
        ch_.set_session_key(tuya::derive_session_key(srv_.version(), srv_.key(), *client_nonce_, remote_nonce_));
        srv_.log("session key negotiated");
        return;
    }
    if (modern && !ch_.has_session()) {
        srv_.log("ignored a request before the session key negotiation");
        return;
    }
    if (m.cmd == tuya::cmd::heart_beat) {
        reply(m.seq, tuya::cmd::heart_beat, "");
        return;
    }
    const json req = json::parse(tuya::payload_text(m.payload), nullptr, false);
    if (m.cmd == tuya::cmd::dp_query || m.cmd == tuya::cmd::dp_query_new) {
        const json answer = {{"devId", srv_.opts().id}, {"dps", srv_.device().dps()}, {"t", std::time(nullptr)}};
        reply(m.seq, m.cmd, dump(answer));
        return;
    }
    if (m.cmd == tuya::cmd::control || m.cmd == tuya::cmd::control_new) {
        // 3.3: {"devId","uid","t","dps":{...}}; 3.4/3.5: {"protocol":5,"t","data":{"dps":{...}}}
        const json* dps = nullptr;
        if (req.is_object()) {
            if (const auto d = req.find("data"); d != req.end() && d->is_object() && d->contains("dps"))
                dps = &(*d)["dps"];
            else if (const auto d2 = req.find("dps"); d2 != req.end())
                dps = &*d2;
        }
        if (dps == nullptr || !dps->is_object()) {
            reply(m.seq, m.cmd, "data format error", 1);
            return;
        }
        json changed = srv_.device().write(*dps);
        reply(m.seq, m.cmd, "");
        // A device echoes what was written even when unchanged (tuyapi waits for this STATUS).
        if (changed.empty()) {
            for (const auto& [dp, v] : dps->items())
                if (srv_.device().dps().contains(dp)) changed[dp] = srv_.device().dps()[dp];
        }
        if (changed.empty()) changed = srv_.device().dps();
        srv_.broadcast_status(changed);
        return;
    }
    if (m.cmd == tuya::cmd::update_dps) {
        reply(m.seq, m.cmd, "");
        json refreshed = json::object();
        if (req.is_object() && req.contains("dpId") && req["dpId"].is_array()) {
            for (const auto& id : req["dpId"]) {
                if (!id.is_number_integer()) continue;
                const std::string key = std::to_string(id.get<std::int64_t>());
                if (srv_.device().dps().contains(key)) refreshed[key] = srv_.device().dps()[key];
            }
        }
        if (!refreshed.empty()) push_status(refreshed);
        return;
    }
    srv_.log("ignored command " + std::to_string(m.cmd));
}

void session::push_status(const json& changed) {
    if (srv_.version() != tuya::protocol_version::v33 && !ch_.has_session()) return;
    json doc;
    if (srv_.version() == tuya::protocol_version::v33)
        doc = {{"devId", srv_.opts().id}, {"dps", changed}, {"t", std::time(nullptr)}};
    else
        doc = {{"protocol", 4}, {"t", std::time(nullptr)}, {"data", {{"dps", changed}}}};
    reply(next_seq(), tuya::cmd::status, dump(doc));
}

void session::reply(std::uint32_t seq, std::uint32_t command, const std::string& payload, std::uint32_t retcode) {
    tuya::message m;
    m.seq = seq;
    m.cmd = command;
    m.retcode = retcode;
    m.payload.assign(payload.begin(), payload.end());
    if (srv_.opts().fault == "wrong_key") {  // a device configured with another key
        tuya::channel other(srv_.version(), srv_.reply_key());
        if (ch_.has_session()) other.set_session_key(srv_.reply_key());
        send(other.encode(m));
        return;
    }
    send(ch_.encode(m));
}

void session::send(tuya::bytes frame) {
    const std::string& fault = srv_.opts().fault;
    if (fault == "drop") return;
    if (fault == "bad_crc") frame[frame.size() - 5] ^= 0x5A;  // last byte of the CRC, HMAC or GCM tag
    bool close_after = false;
    if (fault == "truncated") {
        frame.resize(frame.size() / 2);
        close_after = true;
    }
    auto shared = std::make_shared<tuya::bytes>(std::move(frame));
    if (fault == "delay") {
        auto timer = std::make_shared<asio::steady_timer>(srv_.io(), std::chrono::milliseconds(srv_.opts().delay_ms));
        timer->async_wait([self = shared_from_this(), timer, shared](const boost::system::error_code&) {
            self->write_now(shared, false);
        });
        return;
    }
    write_now(shared, close_after);
}

void session::write_now(const std::shared_ptr<tuya::bytes>& frame, bool close_after) {
    if (!socket_.is_open()) return;
    // Frames are written whole and in order: a blocking write on a loopback socket is short.
    boost::system::error_code ec;
    asio::write(socket_, asio::buffer(*frame), ec);
    if (ec || close_after) close();
}

}  // namespace

int main(int argc, char** argv) {
    const options o = hearth::devsim::parse_or_exit("tuya_sim", k_usage, [&] { return parse_args(argc, argv); });
    return hearth::devsim::run_guarded("tuya_sim", [&] {
        asio::io_context io;
        server s(io, o, tuya_sim::make_device(o.kind));  // throws when the address/port is taken
        s.start();
        hearth::devsim::run_until_signal(io, [&] {
            std::cerr << "tuya_sim: " << o.kind << " (protocol " << o.version << ") listening on " << o.address << ":"
                      << o.port << std::endl;
        });
    });
}
