// http_client over TLS against the in-test HTTPS server with a self-signed certificate made at
// test time: the certificate as CA file works, its pin works, a wrong pin or a foreign CA fails
// with a message naming what was expected and what was seen.
#include "net_test_server.hpp"

#include <hearth/kit/http_client.hpp>

#include <boost/asio/ssl/context.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

namespace hearth::kit {
namespace {

using namespace std::chrono_literals;

class tls : public ::testing::Test {
protected:
    void SetUp() override {
        cert_ = test::make_test_cert();
        auto ctx = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
        ctx->use_certificate_chain_file(cert_.cert_file);
        ctx->use_private_key_file(cert_.key_file, boost::asio::ssl::context::pem);
        server_.emplace(
            io_,
            [](const test::server_request&) {
                test::server_reply r;
                r.body = "secure";
                return r;
            },
            ctx);
    }
    void TearDown() override { std::filesystem::remove_all(cert_.dir); }

    http_options options() const {
        http_options o;
        o.host = "127.0.0.1";
        o.port = server_->port();
        o.tls = true;
        o.timeout = 5000ms;
        return o;
    }

    result<http_response> fetch(http_client& client) {
        std::optional<result<http_response>> out;
        client.get("/", [&](result<http_response> r) { out.emplace(std::move(r)); });
        EXPECT_TRUE(test::run_until(io_, [&] { return out.has_value(); }));
        return out ? std::move(*out) : result<http_response>(net_error{status::internal, "no answer"});
    }

    boost::asio::io_context io_;
    test::test_cert cert_;
    std::optional<test::http_server> server_;
};

TEST_F(tls, the_right_ca_file_is_accepted) {
    auto o = options();
    o.ca_file = cert_.cert_file;
    http_client client(io_, o);
    auto r = fetch(client);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->body, "secure");
}

TEST_F(tls, the_right_pin_is_accepted_with_or_without_colons) {
    auto o = options();
    o.pin_sha256 = cert_.sha256_hex;
    http_client client(io_, o);
    auto r = fetch(client);
    ASSERT_TRUE(r.ok()) << r.error().message;

    std::string colons;
    for (std::size_t i = 0; i < cert_.sha256_hex.size(); i += 2) {
        colons += (i != 0U ? ":" : "") + cert_.sha256_hex.substr(i, 2);
    }
    o.pin_sha256 = colons;
    http_client upper(io_, o);
    EXPECT_TRUE(fetch(upper).ok());
}

TEST_F(tls, a_wrong_pin_fails_naming_both_fingerprints) {
    auto o = options();
    o.pin_sha256 = std::string(64, 'a');
    http_client client(io_, o);
    auto r = fetch(client);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, status::device_error);
    EXPECT_EQ(r.error().message,
              "GET /: TLS certificate pin mismatch for 127.0.0.1:" + std::to_string(server_->port()) +
                  ": expected sha256 " + std::string(64, 'a') + ", seen " + cert_.sha256_hex);
}

TEST_F(tls, a_certificate_not_signed_by_the_ca_file_is_refused) {
    const auto other = test::make_test_cert();
    auto o = options();
    o.ca_file = other.cert_file;
    http_client client(io_, o);
    auto r = fetch(client);
    std::filesystem::remove_all(other.dir);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, status::device_error);
    EXPECT_NE(r.error().message.find("GET /: TLS handshake with 127.0.0.1:"), std::string::npos) << r.error().message;
}

TEST_F(tls, a_malformed_pin_or_missing_ca_file_is_refused_up_front) {
    auto o = options();
    o.pin_sha256 = "xyz";
    EXPECT_THROW(http_client(io_, o), std::invalid_argument);
    o.pin_sha256.clear();
    o.ca_file = cert_.dir + "/missing.pem";
    EXPECT_THROW(http_client(io_, o), std::invalid_argument);
}

}  // namespace
}  // namespace hearth::kit
