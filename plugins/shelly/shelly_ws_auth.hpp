// Role: Shelly Gen2's digest authentication of WebSocket RPC frames (the HTTP channel uses the
// kit's http_client digest). A 401 error frame carries a JSON challenge in its message; every
// later request frame carries an "auth" object computed from it (SHA-256, RFC 7616 style with
// the fixed ha2 of "dummy_method:dummy_uri"). Pure functions; untrusted input is checked.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace hearth::shelly {

/// The challenge of a 401 error frame: {"auth_type":"digest","nonce":N,"nc":1,"realm":"..",
/// "algorithm":"SHA-256"} as the error's message text. nullopt if `error` is not such a frame.
std::optional<nlohmann::json> ws_challenge(const nlohmann::json& error);

/// The "auth" object answering `challenge` for user "admin" with `password` and `cnonce`;
/// nullopt if the challenge lacks a realm or a numeric nonce or names another algorithm.
std::optional<nlohmann::json> ws_auth(const nlohmann::json& challenge, const std::string& password,
                                      const std::string& cnonce);

/// Whether `auth` is a valid answer for `password` to a challenge with `realm` and `nonce` (the
/// simulator's check).
bool ws_auth_valid(const nlohmann::json& auth, const std::string& realm, long long nonce, const std::string& password);

}  // namespace hearth::shelly
