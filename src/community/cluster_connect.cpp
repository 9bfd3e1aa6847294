// Connect options over every URL of the community config (cluster_connect.hpp).
#include "community/cluster_connect.hpp"

#include "mqtt/connect_options.hpp"

#include <stdexcept>

namespace hearth::community {

cluster_connect make_cluster_connect(const community_config& config) {
    if (config.urls.empty()) {
        throw std::invalid_argument("community: no broker URL");
    }
    cluster_connect result;
    auto servers = std::make_shared<::mqtt::string_collection>();
    for (const auto& url : config.urls) {
        hearth::mqtt::connect_settings settings;
        settings.url = url;
        settings.username = config.username;
        settings.password = config.password;
        settings.ca_file = config.ca_file;
        settings.cert_file = config.cert_file;
        settings.key_file = config.key_file;
        settings.connect_timeout = std::chrono::seconds(3);
        settings.keepalive = std::chrono::seconds(10);
        auto plan = hearth::mqtt::make_connect_plan(settings);
        if (result.first_uri.empty()) {
            result.first_uri = plan.server_uri;
            result.options = plan.options;
        }
        servers->push_back(plan.server_uri);
    }
    result.options.set_servers(servers);
    return result;
}

}  // namespace hearth::community
