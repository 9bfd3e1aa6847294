// Role: implementation of the bounded HTTP client and the bridge authentication
// (see http_client.hpp).
#include <utility>  // before Boost.Asio/Beast (Boost 1.74 + GCC 12 + C++20)

#include "http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <openssl/evp.h>

#include <cctype>
#include <ctime>
#include <random>

namespace hearth::nuki {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

void request_canceller::abort() {
    std::lock_guard lock(mutex_);
    if (current_ != nullptr) current_->stop();
}
void request_canceller::attach(asio::io_context* ctx) {
    std::lock_guard lock(mutex_);
    current_ = ctx;
}
void request_canceller::detach() {
    std::lock_guard lock(mutex_);
    current_ = nullptr;
}

http_result http_request(const http_request_spec& spec, request_canceller* canceller) {
    asio::io_context ioc;  // first: outlives every handler referring to the locals below
    http_result res;
    std::string phase = "connect";
    beast::tcp_stream stream(ioc);
    tcp::resolver resolver(ioc);
    http::request<http::string_body> req{spec.post ? http::verb::post : http::verb::get, spec.target, 11};
    req.set(http::field::host, spec.host);
    req.set(http::field::user_agent, "hearth-nuki/1.0");
    req.set(http::field::connection, "close");
    if (spec.post) {
        req.set(http::field::content_type, "application/json");
        req.body() = spec.body;
    }
    req.prepare_payload();
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1024 * 1024);

    const std::string what = std::string(spec.post ? "POST " : "GET ") + spec.path_for_errors;
    auto fail = [&](const beast::error_code& ec) {
        res.error = what + ": " + phase + " failed: " +
                    (ec == beast::error::timeout ? "timed out after " + std::to_string(spec.timeout.count()) + " ms"
                                                 : ec.message());
    };
    auto on_read = [&](const beast::error_code& ec, std::size_t) {
        if (ec) return fail(ec);
        res.transport_ok = true;
        res.status = parser.get().result_int();
        res.body = std::move(parser.get().body());
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    };
    auto on_write = [&](const beast::error_code& ec, std::size_t) {
        if (ec) return fail(ec);
        phase = "read";
        http::async_read(stream, buffer, parser, on_read);
    };
    auto on_connect = [&](const beast::error_code& ec) {
        if (ec) return fail(ec);
        res.connected = true;
        phase = "write";
        http::async_write(stream, req, on_write);
    };

    stream.expires_after(spec.timeout);  // one deadline for the whole exchange
    boost::system::error_code addr_ec;
    const auto address = asio::ip::make_address(spec.host, addr_ec);
    if (!addr_ec) {
        stream.async_connect(tcp::endpoint(address, static_cast<unsigned short>(spec.port)), on_connect);
    } else {
        phase = "resolve";
        resolver.async_resolve(
            spec.host, std::to_string(spec.port),
            [&](const beast::error_code& ec, const tcp::resolver::results_type& results) {
                if (ec) return fail(ec);
                phase = "connect";
                stream.async_connect(results, [&](const beast::error_code& e, const tcp::endpoint&) { on_connect(e); });
            });
    }
    if (canceller != nullptr) canceller->attach(&ioc);
    ioc.run_for(spec.timeout + std::chrono::milliseconds(200));
    if (canceller != nullptr) canceller->detach();
    if (!res.transport_ok && res.error.empty()) res.error = what + ": " + phase + " aborted";
    return res;
}

std::string url_encode(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

std::string sha256_hex(std::string_view s) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(s.data(), s.size(), digest, &len, EVP_sha256(), nullptr) != 1) return {};
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out.push_back(hex[digest[i] >> 4]);
        out.push_back(hex[digest[i] & 15]);
    }
    return out;
}

std::string utc_timestamp(std::chrono::system_clock::time_point t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string hashed_token_query(const std::string& token, const std::string& ts, std::uint32_t rnr) {
    const std::string r = std::to_string(rnr);
    return "ts=" + url_encode(ts) + "&rnr=" + r + "&hash=" + sha256_hex(ts + "," + r + "," + token);
}

bridge_client::bridge_client(std::string host, int port, std::string token, bool hashed,
                             std::chrono::milliseconds timeout)
    : host_(std::move(host)),
      port_(port),
      token_(std::move(token)),
      hashed_(hashed),
      timeout_(timeout),
      rnr_(std::random_device{}() & 0xffffu) {}

std::string bridge_client::auth_query() {
    if (!hashed_) return "token=" + url_encode(token_);
    // rnr must not repeat within the bridge's time window: a counter from a random start.
    const std::uint32_t rnr = (rnr_.fetch_add(1) % 65535u) + 1;
    return hashed_token_query(token_, utc_timestamp(std::chrono::system_clock::now()), rnr);
}

http_result bridge_client::get(const std::string& path, const params& query, std::chrono::milliseconds timeout) {
    std::string target = path + "?";
    for (const auto& [k, v] : query) target += url_encode(k) + "=" + url_encode(v) + "&";
    target += auth_query();
    http_request_spec spec;
    spec.host = host_;
    spec.port = port_;
    spec.target = std::move(target);
    spec.path_for_errors = path;
    spec.timeout = timeout.count() > 0 ? timeout : timeout_;
    return http_request(spec, &canceller_);
}

}  // namespace hearth::nuki
