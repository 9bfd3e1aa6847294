// MQTT bridge, incoming side: /set, /set/<property>, /get, bridge requests and Home Assistant's
// birth message. Every command and request is answered on its response topic (see bridge.hpp).
#include "mqtt/bridge.hpp"

#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

namespace hearth::mqtt {

using json = nlohmann::json;

namespace {

std::optional<std::string> transaction_of(const std::string& payload) {
    json j = json::parse(payload, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    auto t = j.find("transaction");
    if (t == j.end()) return std::nullopt;
    if (t->is_string()) return t->get<std::string>();
    if (t->is_number_integer()) return t->dump();
    return std::nullopt;
}

/// Services that register their requests later (store, rules); named so a client gets a clear
/// "not running" instead of "unknown" when one is absent.
const std::map<std::string, std::string>& service_requests() {
    static const std::map<std::string, std::string> names = {
        {"scene/activate", "scenes"}, {"rules", "rules"},     {"rule/enable", "rules"},
        {"rule/disable", "rules"},    {"rule/run", "rules"},  {"config/reload", "rules"},
        {"backup", "storage"},        {"history", "storage"}, {"trace", "rules"},
    };
    return names;
}

}  // namespace

void bridge::respond(const std::string& topic, const std::optional<std::string>& transaction, bool ok,
                     const std::string& error, const json& data) {
    json r = {{"status", ok ? "ok" : "error"}};
    if (!data.is_null()) r["data"] = data;
    if (!ok) r["error"] = error;
    if (transaction) r["transaction"] = *transaction;
    link_->publish(topic, r.dump(), 1, false);
}

void bridge::handle_message(const inbound_message& msg) {
    const incoming_topic t = classify(topics_, msg.topic);
    using kind = incoming_topic::kind;
    if (t.what == kind::ha_status) {
        if (msg.payload == "online") {
            std::uniform_int_distribution<int> jitter(500, 2500);
            birth_timer_.expires_after(std::chrono::milliseconds(jitter(rng_)));
            birth_timer_.async_wait([this](const boost::system::error_code& ec) {
                if (ec) return;
                spdlog::info("Home Assistant came online: re-publishing discovery and states");
                for (const auto& [id, device] : gw_.registry().all()) {
                    publish_availability(device);
                    publish_state(device);
                    queue_discovery(id, true);
                }
            });
        }
        return;
    }
    if (t.what == kind::unknown) return;
    // An empty payload is how a client clears a retained message: nothing to execute or answer.
    if (msg.payload.empty() && t.what != kind::request && t.what != kind::get) return;
    if (msg.retained) {
        ++refused_messages_;
        spdlog::warn("refused retained message on {}: commands must not be retained", msg.topic);
        const std::string reply_topic =
            t.what == kind::request ? topics_.response(t.request) : topics_.device(t.device, "response");
        if (t.what != kind::get) {
            respond(reply_topic, transaction_of(msg.payload), false,
                    "retained commands are refused: publish without the retain flag");
        }
        return;
    }
    switch (t.what) {
    case kind::set: handle_set(t.device, "", msg); break;
    case kind::set_property: handle_set(t.device, t.property, msg); break;
    case kind::get: handle_get(t.device); break;
    case kind::request: handle_request(t.request, msg); break;
    default: break;
    }
}

void bridge::handle_set(const std::string& device_id, const std::string& property, const inbound_message& msg) {
    const std::string reply_topic = topics_.device(device_id, "response");
    if (!is_valid_id(device_id)) {
        ++refused_messages_;
        return;  // not a topic we could answer on safely
    }
    const device_entry* device = gw_.registry().find(device_id);
    const auto transaction = property.empty() ? transaction_of(msg.payload) : std::nullopt;
    if (device == nullptr) {
        ++refused_messages_;
        respond(reply_topic, transaction, false, "unknown device '" + device_id + "'");
        return;
    }
    command_result parsed = property.empty() ? parse_set_payload(device->descriptor, msg.payload)
                                             : parse_set_property(device->descriptor, property, msg.payload);
    if (!parsed.value) {
        ++refused_messages_;
        spdlog::info("refused /set for '{}': {}", device_id, parsed.error);
        respond(reply_topic, transaction, false, parsed.error);
        return;
    }
    device_command cmd = std::move(*parsed.value);
    const auto tx = cmd.transaction;
    const std::string name = cmd.name;
    gw_.execute(device_id, std::move(cmd), command_source{"mqtt", cfg_.mqtt.base_topic},
                [this, alive = std::weak_ptr<bool>(alive_), reply_topic, tx, name](const command_outcome& outcome) {
                    if (alive.expired()) return;
                    json data = {{"command", name}};
                    respond(reply_topic, tx, outcome.ok, outcome.error, data);
                });
}

void bridge::handle_get(const std::string& device_id) {
    const device_entry* device = gw_.registry().find(device_id);
    if (device == nullptr) return;
    publish_state(*device);
    gw_.refresh(device_id);
}

void bridge::handle_request(const std::string& name, const inbound_message& msg) {
    const std::string reply_topic = topics_.response(name);
    json args = msg.payload.empty() ? json::object() : json::parse(msg.payload, nullptr, false);
    const auto transaction = transaction_of(msg.payload);
    if (args.is_discarded() || !args.is_object()) {
        respond(reply_topic, transaction, false, "request payload must be a JSON object");
        return;
    }
    auto it = requests_.find(name);
    if (it == requests_.end()) {
        auto service = service_requests().find(name);
        if (service != service_requests().end()) {
            respond(reply_topic, transaction, false, "the " + service->second + " service is not running");
            return;
        }
        std::string known;
        for (const auto& [n, _] : requests_) known += (known.empty() ? "" : ", ") + n;
        respond(reply_topic, transaction, false, "unknown request '" + name + "' (known: " + known + ")");
        return;
    }
    it->second(args, [this, alive = std::weak_ptr<bool>(alive_), reply_topic, transaction](request_reply r) {
        if (!alive.expired()) respond(reply_topic, transaction, r.ok, r.error, r.data);
    });
}

void bridge::install_builtin_requests() {
    requests_["devices"] = [this](const json&, auto reply) {
        json out = json::array();
        for (const auto& [id, d] : gw_.registry().all()) {
            json item = d.descriptor.raw;
            item["driver"] = d.descriptor.driver;
            item["online"] = d.online;
            item["state"] = d.state;
            item["last_seen"] = d.last_seen_ms;
            item["command_errors"] = d.command_errors;
            out.push_back(std::move(item));
        }
        reply(request_reply::success(out));
    };
    requests_["health"] = [this](const json&, auto reply) { reply(request_reply::success(health())); };
    requests_["info"] = [this](const json&, auto reply) {
        reply(request_reply::success({{"version", options_.version}, {"config", cfg_.summary()}}));
    };
    requests_["device/rename"] = [this](const json& args, auto reply) {
        const std::string id = args.value("device", std::string());
        const auto name = args.find("name");
        if (name == args.end() || !name->is_string() || name->get<std::string>().empty()) {
            reply(request_reply::failure("'name' must be a non-empty string"));
            return;
        }
        if (!gw_.rename_device(id, name->get<std::string>())) {
            reply(request_reply::failure("unknown device '" + id + "'"));
            return;
        }
        reply(request_reply::success({{"device", id}, {"name", *name}}));
    };
    requests_["device/remove"] = [this](const json& args, auto reply) {
        const std::string id = args.value("device", std::string());
        if (!gw_.remove_device(id)) {
            reply(request_reply::failure("unknown device '" + id + "'"));
            return;
        }
        reply(request_reply::success({{"device", id}}));
    };
}

}  // namespace hearth::mqtt
