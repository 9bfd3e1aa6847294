// Role: the HTTP server (Boost.Beast, asynchronous) that receives the Nuki bridge's callback
// POSTs. It runs on an io_context and thread of its own — never on the thread that sends lock
// commands to the bridge, so a flood of connections cannot delay or starve a command. It accepts
// only POST on one unguessable path with a small JSON body, answers 200 at once and hands the
// parsed body to a handler (called on the server's thread). Everything else gets 404/400/405.
// The LAN can reach this port, so it is bounded: at most `max_connections` open at once (more
// are closed at accept and counted), each must deliver its request within `request_deadline`
// (idle connections are dropped), and accept errors (out of file descriptors) back off instead
// of spinning.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace hearth::nuki {

struct callback_limits {
    std::size_t max_connections = 16;
    std::chrono::milliseconds request_deadline{2000};
};

class callback_server {
public:
    using handler = std::function<void(const nlohmann::json&)>;

    /// Binds and listens on `address:port` (port 0 = any free port) serving `path`, and starts the
    /// server's thread. Throws std::runtime_error (with the address, never a secret) if binding fails.
    callback_server(const std::string& address, int port, std::string path, handler on_body,
                    callback_limits limits = {});
    /// Stops accepting, closes every connection and joins the thread.
    ~callback_server();
    callback_server(const callback_server&) = delete;
    callback_server& operator=(const callback_server&) = delete;

    /// The bound port (useful with port 0).
    [[nodiscard]] int port() const;
    /// Connections closed at once because max_connections were open (any thread).
    [[nodiscard]] std::uint64_t refused() const;
    /// Connections open right now (any thread).
    [[nodiscard]] std::size_t open_connections() const;
    /// Stops the server and joins its thread. Idempotent.
    void close();

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace hearth::nuki
