// A UDP socket on the driver's io thread, for discovery (SSDP, miIO hello; optionally by
// broadcast) and datagram request/response protocols: send a datagram to an address, receive
// the next datagram with a timeout.
//
// Callbacks run on the io thread and never after the socket is destroyed or closed; destroying
// it with operations in flight is safe.
#pragma once

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include <hearth/kit/net_result.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace hearth::kit {

struct udp_options {
    std::string local_address = "0.0.0.0";  ///< IPv4 address to bind
    std::uint16_t local_port = 0;           ///< 0: any free port
    bool broadcast = false;                 ///< allow sending to broadcast addresses
    std::size_t max_datagram = 65'507;      ///< larger datagrams are truncated to this
};

/// A received datagram and its sender.
struct datagram {
    std::string data{};
    std::string host{};  ///< sender's IP address
    std::uint16_t port = 0;
};

class udp_socket {
public:
    using sent_fn = std::function<void(std::optional<net_error> error)>;
    using received_fn = std::function<void(result<datagram>)>;

    /// Opens and binds the socket; throws std::system_error if that fails.
    udp_socket(boost::asio::io_context& io, udp_options options = {});
    udp_socket(const udp_socket&) = delete;
    udp_socket& operator=(const udp_socket&) = delete;
    ~udp_socket();

    /// Sends `payload` to `host` (an IPv4/IPv6 address, no name lookup) and `port`; `done`
    /// (optional) gets nullopt or an error (invalid address, send failure: offline).
    void send_to(const std::string& host, std::uint16_t port, std::string payload, sent_fn done = {});
    /// Receives the next datagram, or status::timeout after `timeout`. One receive at a time:
    /// a second one while the first is pending fails with status::invalid.
    void receive(std::chrono::milliseconds timeout, received_fn done);
    /// The bound port (useful with local_port 0).
    [[nodiscard]] std::uint16_t local_port() const;
    /// Closes the socket; pending callbacks are dropped. Idempotent.
    void close();

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace hearth::kit
