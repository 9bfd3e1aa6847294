// The connect options for the community cluster, shared by hearth-community and hearthctl
// --community: every configured URL as a Paho failover server, the service user's credentials
// or client certificate, the core's URL rules (mqtt_client's connect-options builder).
#pragma once

#include "community/community_config.hpp"

#include <mqtt/connect_options.h>

#include <string>

namespace hearth::community {

struct cluster_connect {
    std::string first_uri;            ///< the client's own server URI (the first URL)
    ::mqtt::connect_options options;  ///< clean session, no automatic reconnect; servers = all URLs
};

/// Builds the options from `config`. Throws std::invalid_argument for a URL it cannot use or
/// when there is no URL.
cluster_connect make_cluster_connect(const community_config& config);

}  // namespace hearth::community
