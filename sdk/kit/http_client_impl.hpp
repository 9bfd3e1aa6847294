// Internal to the toolkit: the shared state of an http_client. The client owns it through a
// shared_ptr; every coroutine and posted callback holds one too, so completions after the
// client's destruction find `closed` set and return without touching user callbacks.
#pragma once

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include "net_transport.hpp"

#include <hearth/kit/digest_auth.hpp>
#include <hearth/kit/http_client.hpp>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hearth::kit {

namespace detail {

/// One open stream() of a client.
struct stream_state {
    http_client::part_fn on_part;
    http_client::end_fn on_end;
    http_client::open_fn on_open;
    std::unique_ptr<transport> conn;
    bool stopped = false;
};

/// What to do after a 401 answer.
enum class auth_step { retry, fail };

}  // namespace detail

struct http_client::impl : std::enable_shared_from_this<http_client::impl> {
    struct job {
        http_request req;
        response_fn done;
    };

    impl(boost::asio::io_context& io_, http_options options_);

    /// Marks the client closed and closes every connection; callbacks are dropped.
    void shutdown() noexcept;
    /// Starts the worker coroutine unless it runs.
    void kick();
    /// Runs `fn` later on the io thread unless the client (or `stream`) was closed by then.
    void deliver(std::function<void()> fn, std::shared_ptr<detail::stream_state> stream = nullptr);

    /// The Authorization header for the next request (empty if none).
    std::string authorization(const std::string& method, const std::string& target);
    /// Learns from a 401's WWW-Authenticate headers whether retrying can help.
    /// `fresh` is set once this request already answered a challenge it received itself.
    detail::auth_step on_unauthorized(const boost::beast::http::fields& headers, bool& fresh);
    [[nodiscard]] std::string auth_failure(const std::string& what) const;

    boost::asio::io_context& io;
    http_options opt;
    detail::tls_setup tls;
    std::string where;  // host:port

    std::unique_ptr<detail::transport> conn;  // the kept-alive connection, if any
    boost::beast::flat_buffer buffer;
    std::deque<job> queue;
    bool busy = false;
    bool closed = false;
    std::size_t opened = 0;

    std::optional<digest_challenge> challenge;  // the device's last Digest challenge
    std::uint32_t nc = 0;                       // nonce count of `challenge`
    bool send_basic = false;

    std::vector<std::weak_ptr<detail::stream_state>> streams;
};

}  // namespace hearth::kit
