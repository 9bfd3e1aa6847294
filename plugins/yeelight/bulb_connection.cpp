// Role: implementation of bulb_connection.hpp. One coroutine per bulb runs the
// connect → probe → read → reconnect cycle; writes go through a small queue so that pipelined
// requests leave in order; each in-flight request has its own deadline timer.
#include "bulb_connection.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>

namespace hearth::yeelight {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

/// Small requests go out at once, and a bulb that vanishes without closing the connection
/// (power cut, Wi-Fi gone) is detected by TCP keepalive within about 30 s.
void tune(tcp::socket& s) {
    error_code ignored;
    s.set_option(tcp::no_delay(true), ignored);
    s.set_option(asio::socket_base::keep_alive(true), ignored);
    const int idle_s = 15, interval_s = 5, probes = 3;
    ::setsockopt(s.native_handle(), IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof idle_s);
    ::setsockopt(s.native_handle(), IPPROTO_TCP, TCP_KEEPINTVL, &interval_s, sizeof interval_s);
    ::setsockopt(s.native_handle(), IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
}

}  // namespace

bulb_connection::bulb_connection(asio::io_context& io, light_config light, const yeelight_config& cfg,
                                 connection_events events)
    : io_(io), light_(std::move(light)), cfg_(cfg), events_(std::move(events)), socket_(io) {}

void bulb_connection::start() { asio::co_spawn(io_, run(), asio::detached); }

void bulb_connection::request(std::string method, json params, done_fn done) {
    if (!connected_) {
        asio::post(io_, [done = std::move(done)] { done({status::offline, "bulb is not connected", {}}); });
        return;
    }
    const std::uint64_t id = next_id_++;
    auto deadline = std::make_unique<asio::steady_timer>(io_, cfg_.timeout);
    deadline->async_wait([this, id](const error_code& ec) {
        if (!ec)
            finish(id, {status::timeout,
                        "no answer from the bulb within " + std::to_string(cfg_.timeout.count()) + " ms",
                        {}});
    });
    in_flight_.emplace(id, in_flight{std::move(done), std::move(deadline)});
    write(encode_request(id, method, params));
}

void bulb_connection::poll_state() {
    request("get_prop", get_prop_params(), [this](const outcome& o) {
        if (o.code != status::ok) return log(log_level::warn, "get_prop failed: " + o.message);
        const json state = get_prop_result_to_state(o.result);
        if (state.empty()) return log(log_level::warn, "get_prop: unexpected result " + o.result.dump());
        events_.state(state);
    });
}

// ---- the connection cycle ----------------------------------------------------------------------

asio::awaitable<void> bulb_connection::run() {
    asio::steady_timer wait(io_);
    auto backoff = cfg_.reconnect;
    for (;;) {
        std::string why;
        if (co_await connect_once(why)) {
            ++session_;
            out_.clear();
            writing_ = false;
            framer_.reset();
            tune(socket_);
            connected_ = true;
            log(log_level::debug, "connected to " + light_.host + ":" + std::to_string(light_.port));
            probe();
            why = co_await read_until_closed();
            connected_ = false;
            error_code ignored;
            socket_.close(ignored);
            fail_all("the connection to the bulb was lost");
        }
        const bool was_healthy = std::exchange(healthy_, false);
        if (was_healthy) backoff = cfg_.reconnect;
        note_failure(why);
        wait.expires_after(backoff);
        error_code ec;
        co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (!was_healthy) backoff = std::min(backoff * 2, cfg_.max_reconnect);
    }
}

asio::awaitable<bool> bulb_connection::connect_once(std::string& why) {
    error_code ec;
    tcp::resolver resolver(io_);
    const auto endpoints = co_await resolver.async_resolve(light_.host, std::to_string(light_.port),
                                                           asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        why = "cannot resolve " + light_.host + ": " + ec.message();
        co_return false;
    }
    socket_ = tcp::socket(io_);
    asio::steady_timer guard(io_, cfg_.timeout);
    const std::uint64_t attempt = ++session_;
    guard.async_wait([this, attempt](const error_code& e) {
        error_code ignored;
        if (!e && attempt == session_) socket_.close(ignored);  // abandon a hanging connect
    });
    co_await asio::async_connect(socket_, endpoints, asio::redirect_error(asio::use_awaitable, ec));
    guard.cancel();
    ++session_;  // a late guard handler must not close the new connection
    if (ec)
        why = "cannot connect to " + light_.host + ":" + std::to_string(light_.port) + ": " +
              (ec == asio::error::operation_aborted ? std::string("timed out") : ec.message());
    co_return !ec;
}

asio::awaitable<std::string> bulb_connection::read_until_closed() {
    std::array<char, 4096> buf{};
    for (;;) {
        error_code ec;
        const std::size_t n =
            co_await socket_.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return ec == asio::error::eof ? std::string("the bulb closed the connection") : ec.message();
        const std::size_t overflows = framer_.overflows();
        for (const auto& line : framer_.feed({buf.data(), n})) on_line(line);
        if (framer_.overflows() != overflows) count_invalid("line longer than " + std::to_string(k_max_line));
    }
}

/// The first get_prop of a session: an answer of any kind proves the bulb is there; silence
/// means a half-open link, so the connection is dropped and counted as a failure.
void bulb_connection::probe() {
    request("get_prop", get_prop_params(), [this, session = session_](const outcome& o) {
        if (session != session_) return;
        if (o.code == status::timeout) {
            log(log_level::warn, "the bulb did not answer get_prop; reconnecting");
            error_code ignored;
            socket_.close(ignored);
            return;
        }
        if (o.code == status::offline) return;
        healthy_ = true;
        failures_ = 0;
        set_online(true);
        const json state = o.code == status::ok ? get_prop_result_to_state(o.result) : json::object();
        if (!state.empty())
            events_.state(state);
        else
            log(log_level::warn, "get_prop at connect gave no usable state: " + o.message);
    });
}

void bulb_connection::note_failure(const std::string& why) {
    ++failures_;
    const bool quiet = failures_ > cfg_.offline_after_failures;
    log(quiet ? log_level::debug : log_level::warn, why + " (failure " + std::to_string(failures_) + ")");
    if (failures_ >= cfg_.offline_after_failures) set_online(false);
}

void bulb_connection::set_online(bool online) {
    if (online_ == online) return;
    online_ = online;
    log(online ? log_level::info : log_level::warn, online ? "bulb is online" : "bulb is offline");
    events_.availability(online);
}

// ---- writing and reading lines -----------------------------------------------------------------

void bulb_connection::write(std::string line) {
    out_.push_back(std::move(line));
    write_next();
}

void bulb_connection::write_next() {
    if (writing_ || out_.empty()) return;
    writing_ = true;
    asio::async_write(socket_, asio::buffer(out_.front()),
                      [this, session = session_](const error_code& ec, std::size_t) {
                          if (session != session_) return;  // a closed session's write; the new one starts clean
                          writing_ = false;
                          if (ec) {
                              error_code ignored;
                              socket_.close(ignored);  // the read loop notices and reconnects
                              return;
                          }
                          out_.pop_front();
                          write_next();
                      });
}

void bulb_connection::on_line(const std::string& line) {
    const message m = parse_line(line);
    if (const auto* r = std::get_if<reply>(&m)) {
        if (in_flight_.count(r->id) == 0)
            return log(log_level::debug, "ignored a reply to stale id " + std::to_string(r->id));
        finish(r->id, r->ok ? outcome{status::ok, {}, r->result} : outcome{status::device_error, r->message, {}});
    } else if (const auto* n = std::get_if<notification>(&m)) {
        const json state = props_to_state(n->props);
        if (!state.empty()) events_.state(state);
    } else {
        count_invalid(std::get<invalid_line>(m).why);
    }
}

void bulb_connection::count_invalid(const std::string& why) {
    const auto n = ++invalid_lines_;
    if (n <= 5 || n % 100 == 0)
        log(log_level::warn, "ignored an invalid line from the bulb (" + why + "); " + std::to_string(n) + " so far");
}

void bulb_connection::finish(std::uint64_t id, const outcome& o) {
    const auto it = in_flight_.find(id);
    if (it == in_flight_.end()) return;
    done_fn done = std::move(it->second.done);
    it->second.deadline->cancel();
    in_flight_.erase(it);  // safe inside the deadline's own handler: it already left the queue
    done(o);
}

void bulb_connection::fail_all(const std::string& why) {
    auto left = std::move(in_flight_);
    in_flight_.clear();
    for (auto& [id, f] : left) {
        f.deadline->cancel();
        f.done({status::offline, why, {}});
    }
}

void bulb_connection::log(log_level level, const std::string& text) const {
    events_.log(level, "bulb " + light_.id + ": " + text);
}

}  // namespace hearth::yeelight
