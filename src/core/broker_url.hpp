// The rules for a broker URL in the config, shared by the config checks (core) and the MQTT
// connect-options builder (mqtt/connect_options.hpp, used by hearthd and hearthctl): which schemes
// exist, which of them mean TLS, that credentials never come from the URL, and how a URL is shown
// in logs (userinfo redacted). Pure string functions: no Paho, no I/O.
#pragma once

#include <optional>
#include <string>

namespace hearth {

/// A broker URL split at "://".
struct broker_url_parts {
    std::string scheme;     ///< without "://"
    std::string authority;  ///< everything after "://"
};

/// Splits at the first "://", or nullopt when there is none.
std::optional<broker_url_parts> split_broker_url(const std::string& url);

/// True for the schemes that mean TLS: mqtts and ssl.
bool broker_url_tls_scheme(const std::string& scheme);

/// Why a broker URL cannot be used, or "" when it can. Refuses userinfo ("user:pass@host"):
/// Paho does not take credentials from the URL and a URL ends up in logs.
std::string broker_url_problem(const std::string& url);

/// The URL for logs and messages: userinfo, if any, replaced by "***@".
std::string redact_url(const std::string& url);

}  // namespace hearth
