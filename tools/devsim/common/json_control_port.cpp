// Role: implementation of the simulators' JSON-lines control port (json_control_port.hpp).
#include "json_control_port.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <istream>

namespace hearth::devsim {

namespace asio = boost::asio;
using asio::ip::tcp;
using json = nlohmann::json;

json_control_port::json_control_port(asio::io_context& io, const std::string& address, std::uint16_t port, handler h)
    : acceptor_(io, tcp::endpoint(asio::ip::make_address(address), port)), handler_(std::move(h)) {}

void json_control_port::start() { accept(); }

void json_control_port::accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
        if (!ec) serve(std::make_shared<tcp::socket>(std::move(socket)));
        if (ec != asio::error::operation_aborted) accept();
    });
}

void json_control_port::serve(const std::shared_ptr<tcp::socket>& socket) {
    read_line(socket, std::make_shared<asio::streambuf>(64 * 1024));
}

void json_control_port::read_line(const std::shared_ptr<tcp::socket>& socket,
                                  const std::shared_ptr<asio::streambuf>& buf) {
    asio::async_read_until(*socket, *buf, '\n', [this, socket, buf](const boost::system::error_code& ec, std::size_t) {
        if (ec) return;
        std::istream in(buf.get());
        std::string line;
        std::getline(in, line);
        const json answer = handler_(json::parse(line, nullptr, false));
        auto text = std::make_shared<std::string>(answer.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
        asio::async_write(*socket, asio::buffer(*text),
                          [this, socket, buf, text](const boost::system::error_code& wec, std::size_t) {
                              if (!wec) read_line(socket, buf);
                          });
    });
}

}  // namespace hearth::devsim
