// Role: the JSON-lines control port of the devsim simulators (esphome_sim, tuya_sim): a loopback
// TCP listener on which a test sends one JSON object per line and reads one JSON answer line per
// request, in order, on as many connections as it likes. What a request means is the
// simulator's business (its handler); the port only frames, parses and answers.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/streambuf.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace hearth::devsim {

/// A JSON-lines control port. Contract: every line a client sends (at most 64 KiB) is parsed
/// with nlohmann::json (a line that is not JSON reaches the handler as a discarded value, so
/// the handler must check is_object()) and answered with handler(request) serialized on one line
/// (invalid UTF-8 replaced) plus '\n'. A longer line or a read error closes that connection only.
class json_control_port {
public:
    using handler = std::function<nlohmann::json(const nlohmann::json& request)>;

    /// Listens on address:port (throws when it is taken); serves once start() is called.
    json_control_port(boost::asio::io_context& io, const std::string& address, std::uint16_t port, handler h);

    /// Starts accepting connections.
    void start();

private:
    void accept();
    void serve(const std::shared_ptr<boost::asio::ip::tcp::socket>& socket);
    void read_line(const std::shared_ptr<boost::asio::ip::tcp::socket>& socket,
                   const std::shared_ptr<boost::asio::streambuf>& buf);

    boost::asio::ip::tcp::acceptor acceptor_;
    handler handler_;
};

}  // namespace hearth::devsim
