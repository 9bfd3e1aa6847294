// Role: the Nuki bridge's request authentication: request targets with `token=` or the hashed
// token (ts, rnr, hash), and hiding those targets in error texts. The token is a secret: it
// appears only in the targets built here, never in a message.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hearth::nuki {

/// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_encode(std::string_view s);

/// Lower-case hex SHA-256 of `s` (OpenSSL libcrypto).
std::string sha256_hex(std::string_view s);

/// "2019-03-05T01:06:53Z" (UTC, seconds) as the bridge expects for `ts`.
std::string utc_timestamp(std::chrono::system_clock::time_point t);

/// The hashed-token query: ts=..&rnr=..&hash=SHA256(ts + "," + rnr + "," + token).
std::string hashed_token_query(const std::string& token, const std::string& ts, std::uint32_t rnr);

/// `message` with `target` (path + query, carrying the token or its hash) shown as `path`.
std::string hide_query(std::string message, const std::string& target, const std::string& path);

/// Builds the authenticated request targets of one bridge.
class bridge_auth {
public:
    using params = std::vector<std::pair<std::string, std::string>>;

    bridge_auth(std::string token, bool hashed);

    /// `path` + `query` (values URL-encoded) + the authentication. Never log the result.
    std::string target(const std::string& path, const params& query);

private:
    std::string token_;
    bool hashed_;
    std::uint32_t rnr_;  ///< counts up from a random start: never repeats within the bridge's window
};

}  // namespace hearth::nuki
