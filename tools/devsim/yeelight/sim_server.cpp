// Role: implementation of sim_server.hpp. Everything runs on one thread: each bulb has an
// acceptor coroutine and each client a reader coroutine; writes are queued per client so that
// replies, notifications and garbage never interleave mid-line.
#include "sim_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <deque>
#include <iostream>
#include <set>

namespace hearth::devsim::yeelight {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

bool is_fault(const std::string& name) {
    return name == "none" || name == "drop" || name == "delay" || name == "error" || name == "garbage";
}

namespace {

/// Lines a confused bulb (or something else on the port) might send.
const std::array<const char*, 5> k_garbage = {"garbage that is not JSON\r\n", "{\"id\": 12, \"resu\r\n",
                                              "[1, 2, 3]\r\n", "{\"method\": \"props\", \"params\": 7}\r\n",
                                              "{\"id\": 999999, \"result\": [\"ok\"]}\r\n"};

}  // namespace

/// One connected client.
class client : public std::enable_shared_from_this<client> {
public:
    explicit client(tcp::socket socket) : socket_(std::move(socket)) {}

    void send(std::string line) {
        out_.push_back(std::move(line));
        if (out_.size() == 1) write_next();
    }
    void close() {
        error_code ignored;
        socket_.close(ignored);
    }
    tcp::socket& socket() { return socket_; }

private:
    void write_next() {
        asio::async_write(socket_, asio::buffer(out_.front()),
                          [self = shared_from_this()](const error_code& ec, std::size_t) {
                              if (ec) {
                                  self->out_.clear();
                                  return self->close();
                              }
                              self->out_.pop_front();
                              if (!self->out_.empty()) self->write_next();
                          });
    }

    tcp::socket socket_;
    std::deque<std::string> out_;
};

/// One simulated bulb: its listener, its clients and its fault.
class bulb_endpoint : public std::enable_shared_from_this<bulb_endpoint> {
public:
    bulb_endpoint(asio::io_context& io, std::uint16_t port, const sim_options& o)
        : io_(io), port_(port), options_(o), bulb_(o.initial), fault_(o.fault) {}

    void listen() {
        auto acceptor = std::make_shared<tcp::acceptor>(io_);
        const tcp::endpoint ep(asio::ip::address_v4::loopback(), port_);
        acceptor->open(ep.protocol());
        acceptor->set_option(tcp::acceptor::reuse_address(true));
        acceptor->bind(ep);
        acceptor->listen();
        acceptor_ = acceptor;
        asio::co_spawn(io_, accept_loop(acceptor), asio::detached);
    }

    void shutdown() {
        if (acceptor_) acceptor_->close();
        for (const auto& c : clients_) c->close();
    }

private:
    asio::awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor) {
        for (;;) {
            error_code ec;
            tcp::socket s = co_await acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;  // closed by "drop" or shutdown
            auto c = std::make_shared<client>(std::move(s));
            clients_.insert(c);
            asio::co_spawn(io_, serve(c), asio::detached);
        }
    }

    asio::awaitable<void> serve(std::shared_ptr<client> c) {
        auto self = shared_from_this();
        std::string buffer;
        std::array<char, 4096> chunk{};
        for (;;) {
            error_code ec;
            const std::size_t n = co_await c->socket().async_read_some(asio::buffer(chunk),
                                                                       asio::redirect_error(asio::use_awaitable, ec));
            if (ec) break;
            buffer.append(chunk.data(), n);
            for (auto nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n')) {
                std::string line = buffer.substr(0, nl);
                buffer.erase(0, nl + 1);
                if (!line.empty() && line.back() == '\r') line.pop_back();
                if (!line.empty()) on_line(c, line);
            }
            if (buffer.size() > 65536) break;  // no newline in 64 KiB: not a Yeelight client
        }
        c->close();
        clients_.erase(c);
    }

    void on_line(const std::shared_ptr<client>& c, const std::string& line) {
        if (options_.verbose) std::cerr << "[" << port_ << "] <- " << line << "\n";
        const json req = json::parse(line, nullptr, false);
        if (req.is_discarded() || !req.is_object())
            return c->send(error_reply(nullptr, "invalid command").dump() + "\r\n");
        if (req.value("method", "") == "sim_fault") return set_fault(c, req);
        if (fault_ == "garbage")
            for (const char* g : k_garbage) c->send(g);
        if (fault_ == "error")
            return c->send(error_reply(req.value("id", json()), "sim fault: general error").dump() + "\r\n");
        if (fault_ == "delay") {
            auto timer = std::make_shared<asio::steady_timer>(io_, options_.delay);
            timer->async_wait([self = shared_from_this(), c, req, timer](const error_code& ec) {
                if (!ec) self->execute(c, req);
            });
            return;
        }
        execute(c, req);
    }

    void execute(const std::shared_ptr<client>& c, const json& req) {
        json changed;
        const json reply = bulb_.handle(req, changed);
        c->send(reply.dump() + "\r\n");
        if (changed.empty()) return;
        const std::string note = json{{"method", "props"}, {"params", changed}}.dump() + "\r\n";
        if (options_.verbose) std::cerr << "[" << port_ << "] -> " << note;
        for (const auto& other : clients_) other->send(note);
    }

    void set_fault(const std::shared_ptr<client>& c, const json& req) {
        const json& p = req.value("params", json::array());
        const json id = req.value("id", json());
        if (!p.is_array() || p.size() != 1 || !p[0].is_string() || !is_fault(p[0].get<std::string>()))
            return c->send(error_reply(id, "invalid params").dump() + "\r\n");
        fault_ = p[0].get<std::string>();
        std::cerr << "[" << port_ << "] fault " << fault_ << "\n";
        c->send(json{{"id", id}, {"result", {"ok"}}}.dump() + "\r\n");
        if (fault_ == "garbage")
            for (const auto& other : clients_)
                for (const char* g : k_garbage) other->send(g);
        if (fault_ == "drop") drop();
    }

public:
    /// Closes every connection and the listener; listens again after drop_for.
    void drop() {
        auto self = shared_from_this();
        asio::post(io_, [self] {  // after the sim_fault reply was queued
            self->shutdown();
            auto timer = std::make_shared<asio::steady_timer>(self->io_, self->options_.drop_for);
            timer->async_wait([self, timer](const error_code&) {
                self->fault_ = "none";
                try {
                    self->listen();
                    std::cerr << "[" << self->port_ << "] listening again\n";
                } catch (const std::exception& e) {
                    std::cerr << "[" << self->port_ << "] cannot listen again: " << e.what() << "\n";
                }
            });
        });
    }

private:
    asio::io_context& io_;
    std::uint16_t port_;
    const sim_options& options_;
    sim_bulb bulb_;
    std::string fault_;
    std::shared_ptr<tcp::acceptor> acceptor_;
    std::set<std::shared_ptr<client>> clients_;
};

sim_server::sim_server(asio::io_context& io, const sim_options& options) {
    for (int i = 0; i < options.bulbs; ++i) {
        auto b = std::make_shared<bulb_endpoint>(io, static_cast<std::uint16_t>(options.port + i), options);
        b->listen();
        if (options.fault == "drop") b->drop();
        bulbs_.push_back(std::move(b));
    }
}

sim_server::~sim_server() {
    for (const auto& b : bulbs_) b->shutdown();
}

}  // namespace hearth::devsim::yeelight
