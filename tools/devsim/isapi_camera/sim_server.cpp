// Role: implementation of sim_server.hpp. Everything runs on one io_context thread, so the
// simulator's state needs no locks; every open alert stream is a coroutine waiting on its
// subscriber's timer, woken (timer cancelled) when a part is queued or the stream is dropped.
#include "sim_server.hpp"

#include <hearth/kit/digest_auth.hpp>
#include "isapi_xml.hpp"
#include "sim_jpeg.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <ctime>
#include <iostream>
#include <regex>
#include <stdexcept>

namespace hearth::devsim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::ip::tcp;

namespace {

constexpr const char* k_boundary = "boundary";
constexpr const char* k_xml = "application/xml; charset=\"UTF-8\"";

std::string status_xml(int code, const std::string& text) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ResponseStatus version=\"2.0\" "
           "xmlns=\"http://www.isapi.org/ver20/XMLSchema\">\n<requestURL></requestURL>\n<statusCode>" +
           std::to_string(code) + "</statusCode>\n<statusString>" + text + "</statusString>\n</ResponseStatus>\n";
}

std::string query_param(const std::string& query, const std::string& key) {
    const std::regex re("(?:^|&)" + key + "=([^&]*)");
    std::smatch m;
    return std::regex_search(query, m, re) ? m[1].str() : std::string();
}

std::string iso_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
    return buf;
}

}  // namespace

fault parse_fault(const std::string& name) {
    if (name == "none") return fault::none;
    if (name == "auth_failure") return fault::auth_failure;
    if (name == "stream_drop") return fault::stream_drop;
    if (name == "slow") return fault::slow;
    if (name == "garbage") return fault::garbage;
    throw std::invalid_argument("unknown fault '" + name + "' (none|auth_failure|stream_drop|slow|garbage)");
}

const char* fault_name(fault f) {
    switch (f) {
    case fault::none: return "none";
    case fault::auth_failure: return "auth_failure";
    case fault::stream_drop: return "stream_drop";
    case fault::slow: return "slow";
    case fault::garbage: return "garbage";
    }
    return "?";
}

sim_server::sim_server(asio::io_context& io, sim_options opts)
    : io_(io), opts_(std::move(opts)), acceptor_(io), nonce_(kit::make_cnonce()), fault_(opts_.initial_fault) {
    const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), opts_.port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
}

void sim_server::start() {
    asio::co_spawn(io_, accept_loop(), asio::detached);
    asio::co_spawn(io_, periodic(opts_.heartbeat, "videoloss"), asio::detached);
    if (opts_.motion_every.count() > 0) asio::co_spawn(io_, periodic(opts_.motion_every, "VMD"), asio::detached);
}

void sim_server::stop() {
    stopped_ = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    drop_streams();
}

void sim_server::log(const std::string& line) const {
    if (opts_.verbose) std::cerr << "isapi_camera_sim: " << line << std::endl;
}

awaitable<void> sim_server::accept_loop() {
    while (!stopped_) {
        boost::system::error_code ec;
        tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        asio::co_spawn(io_, session(std::move(socket)), asio::detached);
    }
}

awaitable<void> sim_server::periodic(std::chrono::milliseconds every, std::string event) {
    asio::steady_timer timer(io_);
    while (!stopped_) {
        timer.expires_after(every);
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (event == "VMD")
            broadcast("VMD", true);
        else
            broadcast(event, false);  // heartbeat: videoloss inactive, as real cameras send
        // Under stream_drop, streams older than drop_after are cut here too.
        if (fault_ == fault::stream_drop) {
            for (auto& s : subscribers_) {
                if (std::chrono::steady_clock::now() - s->opened >= opts_.drop_after) {
                    s->drop = true;
                    s->wake.cancel();
                }
            }
        }
    }
}

awaitable<void> sim_server::session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
        request req;
        boost::system::error_code ec;
        http::request_parser<http::string_body> parser;
        parser.body_limit(64 * 1024);
        stream.expires_after(std::chrono::seconds(30));
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        req = parser.release();
        ++requests_;
        const std::string target(req.target());
        const bool isapi = target.rfind("/ISAPI/", 0) == 0;
        if (isapi && fault_ == fault::slow) {
            asio::steady_timer delay(io_, opts_.slow);
            co_await delay.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        response res;
        if (req.method() == http::verb::get && target == "/ISAPI/Event/notification/alertStream") {
            if (authorized(req)) {
                log("GET " + target + " -> 200 (stream)");
                co_await serve_alert_stream(stream);
                co_return;
            }
            res = unauthorized(req);
        } else {
            res = handle(req);
        }
        log(std::string(req.method_string()) + " " + target + " -> " + std::to_string(res.result_int()));
        stream.expires_after(std::chrono::seconds(30));
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || !res.keep_alive()) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

awaitable<void> sim_server::serve_alert_stream(beast::tcp_stream& stream) {
    auto sub = std::make_shared<subscriber>(io_);
    sub->wake.expires_at(asio::steady_timer::time_point::max());
    subscribers_.push_back(sub);
    ++streams_opened_;
    // Like real cameras: no Content-Length, no chunking, the body lasts as long as the socket.
    sub->queue.push_back("HTTP/1.1 200 OK\r\nContent-Type: multipart/mixed; boundary=" + std::string(k_boundary) +
                         "\r\nConnection: close\r\n\r\n--" + k_boundary + "\r\n");
    boost::system::error_code ec;
    while (!ec && !sub->drop) {
        while (!sub->queue.empty() && !ec) {
            const std::string chunk = std::move(sub->queue.front());
            sub->queue.pop_front();
            stream.expires_after(std::chrono::seconds(10));
            co_await asio::async_write(stream, asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
        }
        if (ec || sub->drop) break;
        stream.expires_never();
        sub->wake.expires_at(asio::steady_timer::time_point::max());
        boost::system::error_code wait_ec;
        co_await sub->wake.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));
    }
    subscribers_.remove(sub);
    log(sub->drop ? "alert stream dropped" : "alert stream closed by the client");
    stream.socket().close(ec);
}

void sim_server::drop_streams() {
    for (auto& s : subscribers_) {
        s->drop = true;
        s->wake.cancel();
    }
}

std::string sim_server::alert_xml(const std::string& event_type, bool active) const {
    std::string io_port = event_type == "IO" ? "<inputIOPortID>1</inputIOPortID>\n" : "";
    return "<EventNotificationAlert version=\"2.0\" xmlns=\"http://www.isapi.org/ver20/XMLSchema\">\n"
           "<ipAddress>127.0.0.1</ipAddress>\n<portNo>" +
           std::to_string(opts_.port) +
           "</portNo>\n"
           "<protocol>HTTP</protocol>\n<macAddress>02:00:00:00:00:01</macAddress>\n<channelID>1</channelID>\n" +
           io_port + "<dateTime>" + iso_now() + "</dateTime>\n<activePostCount>1</activePostCount>\n<eventType>" +
           event_type + "</eventType>\n<eventState>" + (active ? "active" : "inactive") +
           "</eventState>\n"
           "<eventDescription>" +
           event_type + " alarm</eventDescription>\n</EventNotificationAlert>\n";
}

std::string sim_server::part(const std::string& xml) {
    // Alternate between Content-Length parts and boundary-delimited parts; each part ends with
    // the next delimiter line so that it is complete as soon as it is written.
    const bool with_length = parts_++ % 2 == 0;
    std::string out = std::string("Content-Type: ") + k_xml + "\r\n";
    if (with_length) out += "Content-Length: " + std::to_string(xml.size()) + "\r\n";
    out += "\r\n" + xml + "\r\n--" + k_boundary + "\r\n";
    if (fault_ == fault::garbage) {
        const std::string junk =
            std::string("X-Garbage \x01\x02\xff no colon here\r\n\r\n") + "%%%%\r\n--" + k_boundary +
            "\r\nContent-Type: text/plain\r\n\r\n<NotAnAlert>noise</NotAnAlert>\r\n--" + k_boundary + "\r\n";
        out = junk + out;
    }
    return out;
}

void sim_server::broadcast(const std::string& event_type, bool active) {
    const std::string xml = alert_xml(event_type, active);
    for (auto& s : subscribers_) {
        s->queue.push_back(part(xml));
        s->wake.cancel();
    }
}

bool sim_server::authorized(const request& req) {
    const std::string header(req[http::field::authorization]);
    bool ok = false;
    if (fault_ != fault::auth_failure && header.size() > 7 && header.compare(0, 7, "Digest ") == 0) {
        const auto p = kit::parse_auth_params(std::string_view(header).substr(7));
        const auto get = [&](const char* k) {
            auto it = p.find(k);
            return it == p.end() ? std::string() : it->second;
        };
        const std::string method(req.method_string());
        kit::digest_inputs in;
        const std::string user = get("username"), realm = get("realm"), nonce = get("nonce"), uri = get("uri"),
                          qop = get("qop"), nc = get("nc"), cnonce = get("cnonce"), response = get("response");
        in.username = user;
        in.password = opts_.password;
        in.realm = realm;
        in.nonce = nonce;
        in.method = method;
        in.uri = uri;
        in.qop = qop;
        in.nc = nc;
        in.cnonce = cnonce;
        ok = user == opts_.user && realm == realm_ && nonce == nonce_ && uri == std::string(req.target()) &&
             qop == "auth" && !cnonce.empty() && nc.size() == 8 && response == kit::digest_response(in);
    }
    if (!ok) ++unauthorized_;
    return ok;
}

sim_server::response sim_server::make(const request& req, http::status st, std::string body, const std::string& type) {
    response res{st, req.version()};
    res.set(http::field::server, "isapi_camera_sim");
    res.set(http::field::content_type, type);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

sim_server::response sim_server::unauthorized(const request& req) {
    response res = make(req, http::status::unauthorized, status_xml(4, "Invalid Operation"), k_xml);
    res.set(http::field::www_authenticate,
            "Digest qop=\"auth\", realm=\"" + realm_ + "\", nonce=\"" + nonce_ + "\", stale=\"FALSE\"");
    return res;
}

sim_server::response sim_server::handle(const request& req) {
    std::string target(req.target());
    const std::size_t q = target.find('?');
    const std::string path = target.substr(0, q);
    const std::string query = q == std::string::npos ? "" : target.substr(q + 1);
    if (path.rfind("/sim/", 0) == 0) return handle_control(req, path, query);
    if (path.rfind("/ISAPI/", 0) != 0) return make(req, http::status::not_found, "not found\n", "text/plain");
    if (!authorized(req)) return unauthorized(req);

    static const std::regex picture_re("/ISAPI/Streaming/channels/([1-9][0-9]?)01/picture");
    static const std::regex privacy_re("/ISAPI/System/Video/inputs/channels/([1-9][0-9]?)/privacyMask");
    if (req.method() == http::verb::get && std::regex_match(path, picture_re))
        return make(req, http::status::ok, render_snapshot_jpeg(++frames_), "image/jpeg");
    if (std::regex_match(path, privacy_re)) {
        if (req.method() == http::verb::get)
            return make(req, http::status::ok, isapi::privacy_mask_xml(privacy_), k_xml);
        if (req.method() == http::verb::put) {
            const auto on = isapi::parse_privacy_enabled(req.body());
            if (!on) return make(req, http::status::bad_request, status_xml(5, "Invalid XML Format"), k_xml);
            privacy_ = *on;
            log(std::string("privacy mask ") + (privacy_ ? "on" : "off"));
            return make(req, http::status::ok, status_xml(1, "OK"), k_xml);
        }
        return make(req, http::status::method_not_allowed, status_xml(4, "Invalid Operation"), k_xml);
    }
    return make(req, http::status::not_found, status_xml(4, "Invalid Operation"), k_xml);
}

sim_server::response sim_server::handle_control(const request& req, const std::string& path, const std::string& query) {
    if (path == "/sim/trigger") {
        const std::string event = query_param(query, "event");
        if (event == "motion")
            broadcast("VMD", true);
        else if (event == "motion_end")
            broadcast("VMD", false);
        else if (event == "doorbell")
            broadcast("IO", true);
        else if (event == "videoloss")
            broadcast("videoloss", true);
        else
            return make(req, http::status::bad_request, "event must be motion|motion_end|doorbell|videoloss\n",
                        "text/plain");
        return make(req, http::status::ok, "sent to " + std::to_string(subscribers_.size()) + " stream(s)\n",
                    "text/plain");
    }
    if (path == "/sim/fault") {
        try {
            fault_ = parse_fault(query_param(query, "set"));
        } catch (const std::invalid_argument& e) {
            return make(req, http::status::bad_request, std::string(e.what()) + "\n", "text/plain");
        }
        // Faults that concern the stream take effect at once: open streams are cut.
        if (fault_ == fault::stream_drop || fault_ == fault::auth_failure) drop_streams();
        log(std::string("fault set to ") + fault_name(fault_));
        return make(req, http::status::ok, std::string("fault ") + fault_name(fault_) + "\n", "text/plain");
    }
    if (path == "/sim/status") {
        const std::string body =
            "{\"fault\":\"" + std::string(fault_name(fault_)) +
            "\",\"open_streams\":" + std::to_string(subscribers_.size()) +
            ",\"streams_opened\":" + std::to_string(streams_opened_) + ",\"requests\":" + std::to_string(requests_) +
            ",\"unauthorized\":" + std::to_string(unauthorized_) + ",\"snapshots\":" + std::to_string(frames_) +
            ",\"privacy\":" + (privacy_ ? "true" : "false") + "}\n";
        return make(req, http::status::ok, body, "application/json");
    }
    return make(req, http::status::not_found, "not found\n", "text/plain");
}

}  // namespace hearth::devsim
