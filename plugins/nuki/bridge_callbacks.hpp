// Role: registration of the driver's callback URL with the Nuki bridge (/callback/list, /add,
// /remove). Blocking but bounded (each request by the client's timeout); called on the driver's
// I/O thread, or from stop() with a short budget. The bridge keeps at most 3 callbacks and
// keeps them across its reboots, so stale URLs of earlier runs of the same instance (same
// prefix, different random suffix) are removed before adding ours.
#pragma once

#include "http_client.hpp"

#include <chrono>
#include <string>

namespace hearth::nuki {

/// Outcome of ensure_callback.
struct callback_outcome {
    bool registered = false;  ///< our URL is in the bridge's list now
    std::string problem;      ///< why not (for a log line; never contains the token)
};

/// Makes sure `url` is registered; first removes listed URLs starting with `stale_prefix`
/// that are not `url`.
callback_outcome ensure_callback(bridge_client& client, const std::string& url, const std::string& stale_prefix);

/// Removes `url` from the bridge's callbacks, each request bounded by `budget`. Best effort.
void remove_callback(bridge_client& client, const std::string& url, std::chrono::milliseconds budget);

}  // namespace hearth::nuki
