// The v1 MQTT topic contract (docs/mqtt-api.md): building outgoing topics and classifying
// incoming ones. Pure functions, no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hearth::mqtt {

/// Base topic and discovery prefix of one gateway.
class topic_scheme {
public:
    topic_scheme(std::string base, std::string discovery_prefix)
        : base_(std::move(base)), prefix_(std::move(discovery_prefix)) {}

    [[nodiscard]] const std::string& base() const { return base_; }
    [[nodiscard]] const std::string& prefix() const { return prefix_; }

    [[nodiscard]] std::string bridge(std::string_view leaf) const { return base_ + "/bridge/" + std::string(leaf); }
    [[nodiscard]] std::string response(std::string_view request) const {
        return bridge("response/" + std::string(request));
    }
    [[nodiscard]] std::string state(std::string_view id) const { return base_ + "/" + std::string(id); }
    [[nodiscard]] std::string device(std::string_view id, std::string_view leaf) const {
        return state(id) + "/" + std::string(leaf);
    }
    [[nodiscard]] std::string discovery(std::string_view id) const {
        return prefix_ + "/device/" + std::string(id) + "/config";
    }
    [[nodiscard]] std::string ha_status() const { return prefix_ + "/status"; }

    /// The subscriptions the bridge needs (never '#').
    [[nodiscard]] std::vector<std::string> subscriptions() const;

private:
    std::string base_;
    std::string prefix_;
};

/// What an incoming topic addresses.
struct incoming_topic {
    enum class kind { unknown, set, set_property, get, request, ha_status };
    kind what = kind::unknown;
    std::string device;    ///< set, set_property, get
    std::string property;  ///< set_property
    std::string request;   ///< request: e.g. "device/rename"
};

/// Classifies an incoming topic against `scheme`.
incoming_topic classify(const topic_scheme& scheme, std::string_view topic);

}  // namespace hearth::mqtt
