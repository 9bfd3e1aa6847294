// A small HTTP server for the callbacks (webhooks) a device pushes to the driver, e.g. a Nuki
// bridge's state changes, on the driver's io thread (Boost.Beast, asynchronous). It accepts only
// POST on one path (make it unguessable) with a JSON object body of at most `body_limit` bytes,
// answers 200 and hands the body to a handler; everything else gets 404/400/405 and never reaches
// the handler. The LAN can reach this port, so it is bounded: at most
// `max_connections` open at once (more are closed at accept and counted), each must deliver its
// request within `request_deadline` (idle connections are dropped), and accept errors (out of
// file descriptors) back off instead of spinning. Nothing in it blocks, so a flood of
// connections cannot hold up the lock commands that share the io thread.
#pragma once

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include <boost/asio/io_context.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace hearth::kit {

struct callback_limits {
    std::size_t max_connections = 16;                  ///< more are closed at accept
    std::chrono::milliseconds request_deadline{2000};  ///< to deliver the whole request
    std::size_t body_limit = std::size_t{16} * 1024;   ///< larger bodies drop the connection
};

class callback_server {
public:
    using handler = std::function<void(const nlohmann::json&)>;

    /// Binds and listens on `address:port` (port 0 = any free port) serving `path` on `io`; the
    /// handler runs on io's thread. Throws std::runtime_error (with the address, never a secret)
    /// if binding fails.
    callback_server(boost::asio::io_context& io, const std::string& address, int port, std::string path,
                    handler on_body, callback_limits limits = {});
    /// close().
    ~callback_server();
    callback_server(const callback_server&) = delete;
    callback_server& operator=(const callback_server&) = delete;

    /// The bound port (useful with port 0).
    [[nodiscard]] int port() const;
    /// Connections closed at once because max_connections were open.
    [[nodiscard]] std::uint64_t refused() const;
    /// Connections open right now.
    [[nodiscard]] std::size_t open_connections() const;
    /// Stops accepting; the handler is not called any more (connections still open end within
    /// request_deadline). Idempotent; on io's thread.
    void close();

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace hearth::kit
