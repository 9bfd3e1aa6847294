// Role: the HTTP server (Boost.Beast, asynchronous) that receives the Nuki bridge's callback
// POSTs. It runs on an io_context the driver owns (on the driver's I/O thread), accepts only
// POST on one unguessable path with a small JSON body, answers 200 at once and hands the parsed
// body to a handler. Everything else gets 404/400/405. Each connection has a read deadline.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace hearth::nuki {

class callback_server {
public:
    using handler = std::function<void(const nlohmann::json&)>;

    /// Binds and listens on `address:port` (port 0 = any free port) serving `path`.
    /// Throws std::runtime_error (with the address, never a secret) if binding fails.
    callback_server(boost::asio::io_context& io, const std::string& address, int port, std::string path,
                    handler on_body);
    ~callback_server();
    callback_server(const callback_server&) = delete;
    callback_server& operator=(const callback_server&) = delete;

    /// The bound port (useful with port 0).
    [[nodiscard]] int port() const;
    /// Stops accepting; open connections end on their own deadline or with the io_context.
    void close();

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

}  // namespace hearth::nuki
