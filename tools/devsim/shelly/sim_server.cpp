// Role: implementation of sim_server.hpp. Everything runs on one io_context thread, so the
// simulator's state needs no locks; every WebSocket connection has a writer coroutine waiting on
// its client's timer, woken (timer cancelled) when a frame is queued or the connection dropped.
#include "sim_server.hpp"

#include "shelly_ws_auth.hpp"

#include <hearth/kit/digest_auth.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <iostream>
#include <random>
#include <regex>
#include <stdexcept>

namespace hearth::devsim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::awaitable;
using asio::ip::tcp;

namespace {

std::string query_param(const std::string& query, const std::string& key) {
    const std::regex re("(?:^|&)" + key + "=([^&]*)");
    std::smatch m;
    return std::regex_search(query, m, re) ? m[1].str() : std::string();
}

/// GET /rpc/<Method>?a=1&b=true: values that parse as JSON are taken as JSON, others as strings.
json params_of_query(const std::string& query) {
    json params = json::object();
    std::size_t start = 0;
    while (start < query.size()) {
        std::size_t end = query.find('&', start);
        if (end == std::string::npos) end = query.size();
        const std::string pair = query.substr(start, end - start);
        const auto eq = pair.find('=');
        if (eq != std::string::npos) {
            const std::string value = pair.substr(eq + 1);
            json v = json::parse(value, nullptr, false);
            params[pair.substr(0, eq)] = v.is_discarded() ? json(value) : v;
        }
        start = end + 1;
    }
    return params;
}

}  // namespace

fault parse_fault(const std::string& name) {
    if (name == "none") return fault::none;
    if (name == "drop") return fault::drop;
    if (name == "timeout") return fault::timeout;
    if (name == "500") return fault::http_500;
    if (name == "garbage") return fault::garbage;
    if (name == "slow") return fault::slow;
    throw std::invalid_argument("unknown fault '" + name + "' (none|drop|timeout|500|garbage|slow)");
}

sim_server::sim_server(asio::io_context& io, sim_options opts)
    : io_(io),
      opts_(std::move(opts)),
      dev_(opts_.device),
      acceptor_(io),
      cover_wake_(io),
      nonce_(kit::make_cnonce()),
      ws_nonce_(static_cast<long long>(std::random_device{}() % 1'000'000'000) + 1),
      fault_(opts_.initial_fault) {
    const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), opts_.port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
}

void sim_server::start() {
    asio::co_spawn(io_, accept_loop(), asio::detached);
    asio::co_spawn(io_, cover_loop(), asio::detached);
}

void sim_server::stop() {
    stopped_ = true;
    boost::system::error_code ec;
    acceptor_.close(ec);
    cover_wake_.cancel();
    for (auto& c : clients_) {
        c->drop = true;
        c->wake.cancel();
    }
}

void sim_server::log(const std::string& line) const {
    if (opts_.verbose) std::cerr << "shelly_rpc_sim: " << line << std::endl;
}

awaitable<void> sim_server::accept_loop() {
    while (!stopped_) {
        boost::system::error_code ec;
        tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        asio::co_spawn(io_, session(std::move(socket)), asio::detached);
    }
}

awaitable<void> sim_server::cover_loop() {
    while (!stopped_) {
        boost::system::error_code ec;
        if (!dev_.cover_moving()) {
            cover_wake_.expires_at(asio::steady_timer::time_point::max());
            co_await cover_wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        cover_wake_.expires_after(opts_.cover_tick);
        co_await cover_wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) {
            dev_.tick_cover();
            flush();
        }
    }
}

void sim_server::flush() {
    for (json& n : dev_.take_notifications()) {
        for (auto& c : clients_) {
            if (c->src.empty()) continue;
            json frame = {{"src", opts_.device.id}, {"dst", c->src}, {"method", n["method"]}, {"params", n["params"]}};
            c->queue.push_back(frame.dump());
            c->wake.cancel();
            ++notifications_;
        }
    }
    if (dev_.cover_moving()) cover_wake_.cancel();  // (re)start the movement ticks
}

awaitable<void> sim_server::session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
        boost::system::error_code ec;
        http::request_parser<http::string_body> parser;
        parser.body_limit(64 * 1024);
        stream.expires_after(std::chrono::seconds(60));
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
        request req = parser.release();
        ++requests_;
        const std::string target(req.target());
        if (websocket::is_upgrade(req) && target == "/rpc" && opts_.websocket) {
            stream.expires_never();
            co_await ws_session(std::move(stream), std::move(req));
            co_return;
        }
        const bool rpc_call = target.rfind("/rpc", 0) == 0;
        if (rpc_call && fault_ == fault::drop) {
            log(target + " -> dropped");
            break;
        }
        if (rpc_call && fault_ == fault::timeout) {
            log(target + " -> no answer");
            asio::steady_timer never(io_, std::chrono::seconds(120));
            co_await never.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            break;
        }
        if (rpc_call && fault_ == fault::slow) {
            asio::steady_timer delay(io_, opts_.slow);
            co_await delay.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        response res = handle_http(req);
        log(std::string(req.method_string()) + " " + target + " -> " + std::to_string(res.result_int()));
        stream.expires_after(std::chrono::seconds(30));
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        flush();
        if (ec || !res.keep_alive()) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

awaitable<void> sim_server::ws_session(beast::tcp_stream stream, request req) {
    auto ws = std::make_shared<websocket::stream<beast::tcp_stream>>(std::move(stream));
    boost::system::error_code ec;
    co_await ws->async_accept(req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    ++ws_sessions_;
    auto client = std::make_shared<ws_client>(io_);
    clients_.push_back(client);
    log("websocket open");
    // The writer: sends queued frames until the connection drops.
    asio::co_spawn(
        io_,
        [ws, client]() -> awaitable<void> {
            boost::system::error_code wec;
            while (!client->drop) {
                while (!client->queue.empty() && !wec) {
                    const std::string frame = std::move(client->queue.front());
                    client->queue.pop_front();
                    ws->text(true);
                    co_await ws->async_write(asio::buffer(frame), asio::redirect_error(asio::use_awaitable, wec));
                }
                if (wec || client->drop) break;
                client->wake.expires_at(asio::steady_timer::time_point::max());
                boost::system::error_code wait_ec;
                co_await client->wake.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));
            }
            client->drop = true;
            beast::get_lowest_layer(*ws).close();
        },
        asio::detached);
    beast::flat_buffer buffer;
    ws->read_message_max(64 * 1024);
    while (!client->drop) {
        co_await ws->async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        const json frame = json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
        buffer.consume(buffer.size());
        if (!frame.is_object()) continue;
        const std::string src =
            frame.contains("src") && frame["src"].is_string() ? frame["src"].get<std::string>() : "";
        const bool ok = opts_.password.empty() || ws_authorized(frame);
        json answer = rpc(frame, ok, src);
        if (ok && !src.empty()) client->src = src;
        log("ws " + frame.value("method", std::string("?")) + (ok ? "" : " -> 401"));
        client->queue.push_back(answer.dump());
        client->wake.cancel();
        flush();
    }
    client->drop = true;
    client->wake.cancel();
    clients_.remove(client);
    log("websocket closed");
}

json sim_server::challenge_error() const {
    const json challenge = {
        {"auth_type", "digest"}, {"nonce", ws_nonce_}, {"nc", 1}, {"realm", opts_.device.id}, {"algorithm", "SHA-256"}};
    return {{"code", 401}, {"message", challenge.dump()}};
}

bool sim_server::ws_authorized(const json& frame) {
    auto auth = frame.find("auth");
    const bool ok = auth != frame.end() && shelly::ws_auth_valid(*auth, opts_.device.id, ws_nonce_, opts_.password);
    if (!ok) ++unauthorized_;
    return ok;
}

json sim_server::rpc(const json& frame, bool authorized, const std::string& dst) {
    json answer = {{"id", frame.contains("id") ? frame["id"] : json(nullptr)}, {"src", opts_.device.id}};
    if (!dst.empty()) answer["dst"] = dst;
    auto method = frame.find("method");
    if (method == frame.end() || !method->is_string()) {
        answer["error"] = {{"code", -103}, {"message", "Missing required argument 'method'"}};
        return answer;
    }
    const std::string m = method->get<std::string>();
    if (!authorized && m != "Shelly.GetDeviceInfo") {
        answer["error"] = challenge_error();
        return answer;
    }
    const json params = frame.contains("params") ? frame["params"] : json::object();
    json r = dev_.handle(m, params);
    if (m == "Shelly.GetDeviceInfo" && r.contains("result")) r["result"]["auth_en"] = !opts_.password.empty();
    if (r.contains("error"))
        answer["error"] = r["error"];
    else
        answer["result"] = r["result"];
    return answer;
}

bool sim_server::http_authorized(const request& req) {
    if (opts_.password.empty()) return true;
    const std::string header(req[http::field::authorization]);
    bool ok = false;
    if (header.size() > 7 && header.compare(0, 7, "Digest ") == 0) {
        const auto p = kit::parse_auth_params(std::string_view(header).substr(7));
        const auto get = [&](const char* k) {
            auto it = p.find(k);
            return it == p.end() ? std::string() : it->second;
        };
        const std::string method(req.method_string());
        const std::string user = get("username"), realm = get("realm"), nonce = get("nonce"), uri = get("uri"),
                          qop = get("qop"), nc = get("nc"), cnonce = get("cnonce"), response = get("response"),
                          algorithm = get("algorithm");
        kit::digest_inputs in;
        in.algorithm = "SHA-256";
        in.username = user;
        in.password = opts_.password;
        in.realm = realm;
        in.nonce = nonce;
        in.method = method;
        in.uri = uri;
        in.qop = qop;
        in.nc = nc;
        in.cnonce = cnonce;
        ok = user == "admin" && realm == opts_.device.id && nonce == nonce_ && uri == std::string(req.target()) &&
             qop == "auth" && algorithm == "SHA-256" && !cnonce.empty() && nc.size() == 8 &&
             response == kit::digest_response(in);
    }
    if (!ok) ++unauthorized_;
    return ok;
}

sim_server::response sim_server::make(const request& req, http::status st, std::string body, const std::string& type) {
    response res{st, req.version()};
    res.set(http::field::server, "ShellySim");
    res.set(http::field::content_type, type);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

sim_server::response sim_server::handle_http(const request& req) {
    const std::string target(req.target());
    const std::size_t q = target.find('?');
    const std::string path = target.substr(0, q);
    const std::string query = q == std::string::npos ? "" : target.substr(q + 1);
    if (path.rfind("/sim/", 0) == 0) return handle_control(req, path, query);
    json frame;
    if (path == "/rpc" && req.method() == http::verb::post) {
        frame = json::parse(req.body(), nullptr, false);
        if (!frame.is_object()) return make(req, http::status::bad_request, "{\"code\":-32700}", "application/json");
    } else if (path.rfind("/rpc/", 0) == 0 && req.method() == http::verb::get) {
        frame = {{"id", 1}, {"method", path.substr(5)}, {"params", params_of_query(query)}};
    } else {
        return make(req, http::status::not_found, "not found", "text/plain");
    }
    if (fault_ == fault::http_500) return make(req, http::status::internal_server_error, "sim fault", "text/plain");
    if (fault_ == fault::garbage) return make(req, http::status::ok, "{\"id\":1,\"result\":{\"sw", "application/json");
    const bool open_method = frame.value("method", json()) == "Shelly.GetDeviceInfo";
    if (!open_method && !http_authorized(req)) {
        response res = make(req, http::status::unauthorized, "401 Unauthorized", "text/plain");
        res.set(http::field::www_authenticate,
                "Digest qop=\"auth\", realm=\"" + opts_.device.id + "\", nonce=\"" + nonce_ + "\", algorithm=SHA-256");
        return res;
    }
    json answer = rpc(frame, true, "");
    if (path != "/rpc") {  // GET /rpc/<Method>: the bare result, errors as HTTP errors
        if (answer.contains("error"))
            return make(req, http::status::bad_request, answer["error"].dump(), "application/json");
        return make(req, http::status::ok, answer["result"].dump(), "application/json");
    }
    return make(req, http::status::ok, answer.dump(), "application/json");
}

sim_server::response sim_server::handle_control(const request& req, const std::string& path, const std::string& query) {
    if (path == "/sim/press") {
        const std::string event = query_param(query, "event");
        if (event != "single_push" && event != "double_push" && event != "triple_push" && event != "long_push" &&
            event != "btn_down" && event != "btn_up")
            return make(req, http::status::bad_request, "unknown event", "text/plain");
        dev_.press(event);
        return make(req, http::status::ok, "ok", "text/plain");
    }
    if (path == "/sim/fault") {
        try {
            fault_ = parse_fault(query_param(query, "set"));
        } catch (const std::invalid_argument& e) {
            return make(req, http::status::bad_request, e.what(), "text/plain");
        }
        return make(req, http::status::ok, "ok", "text/plain");
    }
    if (path == "/sim/ws_drop") {
        for (auto& c : clients_) {
            c->drop = true;
            c->wake.cancel();
        }
        return make(req, http::status::ok, "ok", "text/plain");
    }
    if (path == "/sim/status") {
        const json s = {{"requests", requests_},
                        {"unauthorized", unauthorized_},
                        {"notifications", notifications_},
                        {"ws_sessions", ws_sessions_},
                        {"ws_clients", clients_.size()},
                        {"subscribed", std::count_if(clients_.begin(), clients_.end(),
                                                     [](const auto& c) { return !c->src.empty(); })},
                        {"status", dev_.status()}};
        return make(req, http::status::ok, s.dump(), "application/json");
    }
    return make(req, http::status::not_found, "unknown control endpoint", "text/plain");
}

}  // namespace hearth::devsim
