// Role: the socket half of the miIO transport: one UDP client per device that performs the hello
// handshake (device id + clock offset), sends encrypted JSON-RPC requests with incrementing ids,
// waits with a timeout, retries (re-handshaking after a timeout) and skips stale/duplicate or
// undecodable replies while counting them. Blocking calls with deadlines, built on its own
// boost::asio::io_context: meant to be used from one driver-owned worker thread only.
// Messages of miio_error never contain the token.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "miio_protocol.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
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

/// Why a call failed. token_rejected: the device answers the hello but never a request, or its
/// replies do not decrypt — with a token that never worked on this client, that is a wrong token.
enum class failure { timeout, device_error, protocol, token_rejected };

/// A failed call; what() is token-free and safe to log.
class miio_error : public std::runtime_error {
public:
    miio_error(failure kind, const std::string& what, int code = 0)
        : std::runtime_error(what), kind_(kind), code_(code) {}
    [[nodiscard]] failure kind() const noexcept { return kind_; }
    /// The device's error code for failure::device_error.
    [[nodiscard]] int code() const noexcept { return code_; }

private:
    failure kind_;
    int code_;
};

/// Counters, readable from any thread.
struct client_stats {
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> timeouts{0};
    std::atomic<std::uint64_t> garbage{0};  ///< undecodable / wrong-checksum datagrams
    std::atomic<std::uint64_t> stale{0};    ///< replies to other request ids
    std::atomic<std::uint64_t> handshakes{0};
    std::atomic<std::uint64_t> token_rejections{0};  ///< calls that failed with token_rejected
};

class miio_client {
public:
    explicit miio_client(client_options opts);
    miio_client(const miio_client&) = delete;
    miio_client& operator=(const miio_client&) = delete;

    /// Sends `method` with `params` and returns the reply's "result" (the whole reply object if it
    /// has none). Throws miio_error. Blocks at most about timeout * (retries + 1) * 2.
    nlohmann::json call(const std::string& method, const nlohmann::json& params = nlohmann::json::array());

    /// Performs the hello handshake now; false on timeout.
    bool handshake();

    /// Makes the current and every later call fail promptly (used to stop the worker thread).
    /// Thread-safe; irreversible.
    void abort();

    [[nodiscard]] const client_stats& stats() const { return stats_; }
    /// The reason of the last undecodable reply ("" if none); token-free.
    [[nodiscard]] std::string last_garbage() const;
    /// The device id learnt from the last hello (0 before the first).
    [[nodiscard]] std::uint32_t device_id() const { return device_id_; }
    /// The stamp to send now: device stamp at hello + whole seconds since.
    [[nodiscard]] std::uint32_t current_stamp() const;

private:
    /// Waits for one datagram from the device until `deadline`; nothing on timeout.
    std::optional<bytes> receive(std::chrono::steady_clock::time_point deadline);
    void send(const bytes& frame);
    void ensure_open();

    client_options opts_;
    boost::asio::io_context io_;
    boost::asio::ip::udp::socket socket_;
    boost::asio::ip::udp::endpoint remote_;
    std::atomic<bool> aborted_{false};
    bool open_ = false;
    bool need_hello_ = true;
    std::uint32_t device_id_ = 0;
    std::uint32_t device_stamp_ = 0;
    std::chrono::steady_clock::time_point hello_at_{};
    std::int64_t next_id_ = 1;
    bool token_proven_ = false;  ///< a reply decrypted with our token at least once
    client_stats stats_;
    mutable std::mutex garbage_mutex_;
    std::string last_garbage_;
    std::array<std::uint8_t, 4096> buffer_{};
};

}  // namespace hearth::miio
