// Topic building and classification (see topics.hpp).
#include "mqtt/topics.hpp"

namespace hearth::mqtt {

std::vector<std::string> topic_scheme::subscriptions() const {
    return {base_ + "/+/set", base_ + "/+/set/+", base_ + "/+/get", base_ + "/bridge/request/#", ha_status()};
}

incoming_topic classify(const topic_scheme& scheme, std::string_view topic) {
    incoming_topic r;
    if (topic == scheme.ha_status()) {
        r.what = incoming_topic::kind::ha_status;
        return r;
    }
    const std::string base = scheme.base() + "/";
    if (topic.substr(0, base.size()) != base) return r;
    std::string_view rest = topic.substr(base.size());
    const std::string_view request_prefix = "bridge/request/";
    if (rest.substr(0, request_prefix.size()) == request_prefix) {
        r.request = std::string(rest.substr(request_prefix.size()));
        if (!r.request.empty()) r.what = incoming_topic::kind::request;
        return r;
    }
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t slash = rest.find('/', start);
        parts.push_back(rest.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    if (parts.size() < 2 || parts[0].empty() || parts[0] == "bridge") return r;
    r.device = std::string(parts[0]);
    if (parts.size() == 2 && parts[1] == "set") {
        r.what = incoming_topic::kind::set;
    } else if (parts.size() == 2 && parts[1] == "get") {
        r.what = incoming_topic::kind::get;
    } else if (parts.size() == 3 && parts[1] == "set" && !parts[2].empty()) {
        r.what = incoming_topic::kind::set_property;
        r.property = std::string(parts[2]);
    }
    return r;
}

}  // namespace hearth::mqtt
