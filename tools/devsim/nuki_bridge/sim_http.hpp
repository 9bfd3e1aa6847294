// Role: the simulated bridge's sockets (Boost.Beast): the HTTP server that feeds requests to
// bridge_sim (honouring its delay/drop answers), and the fire-and-forget callback poster that
// POSTs state changes to registered URLs with a 2 s deadline. Single-threaded on one io_context.
#pragma once

#include "bridge_sim.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <string>

namespace nuki_sim {

/// Starts accepting on 127.0.0.1:`port` and serving `sim`. Throws on bind failure. The caller
/// keeps the acceptor and destroys it before `io`.
std::unique_ptr<boost::asio::ip::tcp::acceptor> start_server(boost::asio::io_context& io, int port, bridge_sim& sim);

/// POSTs `json_body` to `url` ("http://host:port/path"); errors are printed, never thrown.
void post_callback(boost::asio::io_context& io, const std::string& url, const std::string& json_body, bool quiet);

}  // namespace nuki_sim
