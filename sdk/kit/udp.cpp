// udp_socket: send_to and receive-with-timeout over one bound datagram socket; completions hold
// the shared state and are dropped once it is closed.
#include <hearth/kit/udp.hpp>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <system_error>

namespace hearth::kit {

namespace asio = boost::asio;
using asio::ip::udp;

struct udp_socket::state : std::enable_shared_from_this<udp_socket::state> {
    state(asio::io_context& io_, udp_options opt_) : io(io_), opt(std::move(opt_)), socket(io_), timer(io_) {}

    asio::io_context& io;
    udp_options opt;
    udp::socket socket;
    asio::steady_timer timer;
    bool closed = false;
    bool receiving = false;
    std::uint64_t receive_id = 0;  // which receive the timer and the read belong to
    std::string buffer;
    udp::endpoint sender;
};

udp_socket::udp_socket(asio::io_context& io, udp_options options)
    : state_(std::make_shared<state>(io, std::move(options))) {
    auto& s = *state_;
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(s.opt.local_address, ec);
    if (ec) {
        throw std::system_error(ec, "udp_socket: bad local_address '" + s.opt.local_address + "'");
    }
    const udp::endpoint local(address, s.opt.local_port);
    s.socket.open(local.protocol(), ec);
    if (!ec && s.opt.broadcast) {
        s.socket.set_option(asio::socket_base::broadcast(true), ec);
    }
    if (!ec) {
        s.socket.bind(local, ec);
    }
    if (ec) {
        throw std::system_error(
            ec, "udp_socket: cannot bind " + s.opt.local_address + ":" + std::to_string(s.opt.local_port));
    }
}

udp_socket::~udp_socket() { close(); }

void udp_socket::close() {
    auto& s = *state_;
    s.closed = true;
    boost::system::error_code ignored;
    s.timer.cancel();
    s.socket.close(ignored);
}

std::uint16_t udp_socket::local_port() const {
    boost::system::error_code ec;
    return state_->socket.local_endpoint(ec).port();
}

void udp_socket::send_to(const std::string& host, std::uint16_t port, std::string payload, sent_fn done) {
    auto s = state_;
    const auto post_result = [s](sent_fn fn, std::optional<net_error> error) {
        if (fn) {
            asio::post(s->io, [s, fn = std::move(fn), error = std::move(error)] {
                if (!s->closed) {
                    fn(error);
                }
            });
        }
    };
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec) {
        post_result(std::move(done), net_error{status::invalid, "udp send: '" + host + "' is not an IP address"});
        return;
    }
    auto data = std::make_shared<std::string>(std::move(payload));
    const udp::endpoint to(address, port);
    s->socket.async_send_to(asio::buffer(*data), to,
                            [s, data, to, done = std::move(done), post_result](const boost::system::error_code& e,
                                                                               std::size_t /*sent*/) mutable {
                                if (s->closed || !done) {
                                    return;
                                }
                                std::optional<net_error> error;
                                if (e) {
                                    error = net_error{status::offline, "udp send to " + to.address().to_string() + ":" +
                                                                           std::to_string(to.port()) +
                                                                           " failed: " + e.message()};
                                }
                                done(error);
                            });
}

void udp_socket::receive(std::chrono::milliseconds timeout, received_fn done) {
    auto s = state_;
    if (s->receiving) {
        asio::post(s->io, [s, done = std::move(done)] {
            if (!s->closed) {
                done(net_error{status::invalid, "udp receive: another receive is pending"});
            }
        });
        return;
    }
    s->receiving = true;
    const auto id = ++s->receive_id;
    auto shared_done = std::make_shared<received_fn>(std::move(done));
    s->buffer.assign(s->opt.max_datagram, '\0');
    s->timer.expires_after(timeout);
    s->timer.async_wait([s, id, shared_done, timeout](const boost::system::error_code& e) {
        if (e || s->closed || s->receive_id != id || !s->receiving) {
            return;
        }
        s->receiving = false;
        ++s->receive_id;  // the read completing later (cancelled) belongs to nobody
        boost::system::error_code ignored;
        s->socket.cancel(ignored);
        (*shared_done)(net_error{status::timeout, "udp receive on port " +
                                                      std::to_string(s->socket.local_endpoint(ignored).port()) +
                                                      ": nothing within " + std::to_string(timeout.count()) + " ms"});
    });
    s->socket.async_receive_from(
        asio::buffer(s->buffer), s->sender, [s, id, shared_done](const boost::system::error_code& e, std::size_t n) {
            if (s->closed || s->receive_id != id) {
                return;
            }
            s->receiving = false;
            s->timer.cancel();
            if (e) {
                (*shared_done)(net_error{status::offline, "udp receive failed: " + e.message()});
                return;
            }
            (*shared_done)(datagram{s->buffer.substr(0, n), s->sender.address().to_string(), s->sender.port()});
        });
}

}  // namespace hearth::kit
