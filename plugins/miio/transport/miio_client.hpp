// Role: the socket half of the miIO transport, on the driver's io thread (hearth::kit::udp_socket).
// One client per device queues JSON-RPC calls and runs them one at a time: hello handshake
// (device id + clock offset), encrypted request with an incrementing id, a timeout per attempt,
// retries (re-handshaking after each timeout); stale/duplicate and undecodable replies are
// skipped and counted. Errors are kit::net_error; their messages never contain the token.
#pragma once

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include "miio_protocol.hpp"

#include <hearth/kit/udp.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <string>

namespace hearth::miio {

/// Where and how to reach one device.
struct client_options {
    std::string host;                         ///< IPv4 address or name
    std::uint16_t port = k_default_port;      ///< UDP port (54321 on real devices)
    token_bytes token{};                      ///< the device token (secret)
    std::chrono::milliseconds timeout{1500};  ///< per attempt
    int retries = 2;                          ///< extra attempts after the first
};

/// Counters of one client.
struct client_stats {
    std::uint64_t requests = 0;
    std::uint64_t timeouts = 0;
    std::uint64_t garbage = 0;  ///< undecodable / wrong-checksum datagrams
    std::uint64_t stale = 0;    ///< replies to other request ids
    std::uint64_t handshakes = 0;
    std::uint64_t token_rejections = 0;  ///< calls that failed because the device rejects the token
    /// "N requests, N timeouts, N token rejections, N undecodable and N stale replies".
    [[nodiscard]] std::string summary() const;
};

/// True for the error of a call the device answered the hello for but never with our token: with
/// a token that never worked on this client, that is a wrong token.
bool is_token_rejection(const kit::net_error& e);

class miio_client {
public:
    using reply_fn = std::function<void(kit::result<nlohmann::json>)>;

    /// Binds a UDP socket on `io` (throws std::system_error if it cannot).
    miio_client(boost::asio::io_context& io, client_options opts);

    /// Queues `method`; `done` gets the reply's "result" (the whole reply if it has none) or an
    /// error: timeout (no valid reply after the retries), device_error (an error reply, a reply
    /// that is not JSON, a rejected token), offline (the host name does not resolve).
    void call(std::string method, nlohmann::json params, reply_fn done);
    /// Closes the socket: queued and running calls end without their callbacks. Idempotent.
    void close();
    [[nodiscard]] const client_stats& stats() const noexcept { return stats_; }

private:
    using clock = std::chrono::steady_clock;
    struct job {
        std::string method;
        nlohmann::json params;
        reply_fn done;
        int attempts = 0;
        int hellos = 0;          ///< hellos answered during this call
        bool decrypted = false;  ///< any reply (even a stale one) decrypted with our token
        std::uint64_t garbage_before = 0;
    };
    void start();
    void attempt();
    void request();
    void give_up();
    void finish(kit::result<nlohmann::json> r);
    /// Hands each datagram from the device to `take` until it returns true; `expired` at `deadline`.
    void receive_until(clock::time_point deadline, const std::function<bool(const bytes&)>& take,
                       const std::function<void()>& expired);

    boost::asio::io_context& io_;
    client_options opts_;
    kit::udp_socket socket_;
    std::string address_;    ///< the device's IPv4 address, resolved by the first call
    std::deque<job> queue_;  ///< the front one runs when busy_
    bool busy_ = false;
    bool closed_ = false;
    bool need_hello_ = true;
    bool token_proven_ = false;  ///< a reply decrypted with our token at least once
    std::uint32_t device_id_ = 0;
    std::uint32_t device_stamp_ = 0;
    clock::time_point hello_at_{};
    std::int64_t next_id_ = 1;
    std::string last_garbage_;  ///< token-free reason of the last undecodable reply
    client_stats stats_;
};

}  // namespace hearth::miio
