// TLS settings of http_client: the client context (CA file or system CAs, or a certificate pin)
// and the SHA-256 fingerprint of a peer certificate.
#include "net_transport.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cctype>
#include <stdexcept>

namespace hearth::kit::detail {

namespace {

std::string normalise_pin(const std::string& pin) {
    std::string out;
    for (const char c : pin) {
        if (c == ':' || c == ' ') {
            continue;
        }
        if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
            throw std::invalid_argument("pin_sha256 must be hex digits (colons allowed), got '" + pin + "'");
        }
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (out.size() != 64) {
        throw std::invalid_argument("pin_sha256 must be 64 hex digits (SHA-256), got " + std::to_string(out.size()));
    }
    return out;
}

}  // namespace

tls_setup make_tls(const http_options& options) {
    tls_setup setup;
    if (!options.tls) {
        return setup;
    }
    namespace ssl = asio::ssl;
    setup.context = std::make_shared<ssl::context>(ssl::context::tls_client);
    setup.context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3);
    if (!options.pin_sha256.empty()) {
        setup.pin = normalise_pin(options.pin_sha256);
        setup.context->set_verify_mode(ssl::verify_none);  // the pin is checked after the handshake
        return setup;
    }
    boost::system::error_code ec;
    if (!options.ca_file.empty()) {
        setup.context->load_verify_file(options.ca_file, ec);
        if (ec) {
            throw std::invalid_argument("cannot load ca_file '" + options.ca_file + "': " + ec.message());
        }
    } else {
        setup.context->set_default_verify_paths(ec);
    }
    setup.context->set_verify_mode(ssl::verify_peer);
    return setup;
}

std::string peer_fingerprint(SSL* ssl) {
    X509* cert = SSL_get_peer_certificate(ssl);
    if (cert == nullptr) {
        return {};
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    const int ok = X509_digest(cert, EVP_sha256(), md, &len);
    X509_free(cert);
    if (ok != 1) {
        return {};
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[md[i] >> 4U];
        out += hex[md[i] & 15U];
    }
    return out;
}

bool is_peer_close(const boost::system::error_code& ec) {
    return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::error::connection_aborted || ec == beast::http::error::end_of_stream ||
           ec == asio::ssl::error::stream_truncated;
}

}  // namespace hearth::kit::detail
