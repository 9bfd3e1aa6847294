// Role: HTTP Digest access authentication (RFC 7616, compatible with RFC 2617) for the toolkit's
// http_client (and the ISAPI camera simulator): parsing `WWW-Authenticate` / `Authorization`
// parameter lists, computing the response hash (MD5, MD5-sess, SHA-256; qop=auth or the legacy
// no-qop form) and building the client's `Authorization` header. Pure functions over strings, no I/O;
// hashing through OpenSSL's EVP interface.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace hearth::kit {

/// A parsed `Digest` challenge from a `WWW-Authenticate` header.
struct digest_challenge {
    std::string realm;
    std::string nonce;
    std::string opaque;             ///< echoed back verbatim when non-empty
    std::string algorithm = "MD5";  ///< MD5, MD5-sess, SHA-256 or SHA-256-sess
    bool qop_auth = false;          ///< the server offered qop "auth"
    bool stale = false;             ///< the nonce expired; retry without asking for new credentials
};

/// The inputs of one digest response computation (RFC 7616 section 3.4.1).
struct digest_inputs {
    std::string_view algorithm = "MD5";
    std::string_view username;
    std::string_view password;
    std::string_view realm;
    std::string_view nonce;
    std::string_view method;
    std::string_view uri;
    std::string_view qop;  ///< "auth", or empty for the RFC 2069 form without nc/cnonce
    std::string_view nc;   ///< 8 hex digits, e.g. "00000001"
    std::string_view cnonce;
};

/// Parses a comma-separated `key=value` / `key="quoted value"` list (the part after the scheme
/// name). Keys are lower-cased; quoted-pair escapes are resolved. Malformed tails are ignored.
std::map<std::string, std::string> parse_auth_params(std::string_view params);

/// Parses a `WWW-Authenticate` header value; nullopt unless it is a Digest challenge with a
/// nonce and an algorithm this code supports. A header holding several challenges (e.g.
/// `Basic ..., Digest ...`) is searched for the Digest one.
std::optional<digest_challenge> parse_digest_challenge(std::string_view header);

/// True if `algorithm` (case-insensitive) is MD5, MD5-sess, SHA-256 or SHA-256-sess.
bool digest_algorithm_supported(std::string_view algorithm);

/// Computes the lower-case hex `response` value. Throws std::invalid_argument for an
/// unsupported algorithm.
std::string digest_response(const digest_inputs& in);

/// Lower-case hex digest of `data` with `algorithm` ("MD5" or "SHA-256", "-sess" ignored).
std::string digest_hex(std::string_view algorithm, std::string_view data);

/// Builds the full `Authorization` header value (`Digest username="...", ...`) for a request.
/// `nc` is the nonce count for this nonce (1 for the first use).
std::string digest_authorization(const digest_challenge& challenge, std::string_view username,
                                 std::string_view password, std::string_view method, std::string_view uri,
                                 std::uint32_t nc, std::string_view cnonce);

/// A fresh random client nonce (16 random bytes as hex), from OpenSSL's CSPRNG.
std::string make_cnonce();

}  // namespace hearth::kit
