// MQTT bridge, incoming side: /set, /set/<property>, /get, bridge requests and Home Assistant's
// birth message. Every command and request is answered on its response topic (see bridge.hpp).
// Every payload is untrusted: its size is checked before anything is parsed (limits per topic
// kind, docs/mqtt-api.md), JSON is parsed with a depth limit, and request arguments are read
// through checked accessors, so a wrong type is an error answer, never an exception.
#include "mqtt/bridge.hpp"

#include "core/json_fields.hpp"
#include "core/json_input.hpp"
#include "mqtt/ha_payloads.hpp"
#include "log/log.hpp"

#include <boost/asio/post.hpp>

#include <malloc.h>

namespace hearth::mqtt {

using json = nlohmann::json;

namespace {

/// The optional "code" of a request (a PIN or a challenge response): a secret, never logged.
std::optional<std::string> code_of(const json& args) {
    if (!args.is_object()) return std::nullopt;
    auto c = args.find("code");
    if (c == args.end()) return std::nullopt;
    if (c->is_string()) return c->get<std::string>();
    if (c->is_number_integer()) return c->dump();
    return std::nullopt;
}

/// The caller's transaction as the JSON type it was sent as (a string or an integer), to be
/// echoed; null when absent or of another type.
json transaction_of(const json& j) {
    if (!j.is_object()) return nullptr;
    auto t = j.find("transaction");
    if (t == j.end()) return nullptr;
    if (t->is_string()) return valid_utf8(t->get<std::string>());
    if (t->is_number_integer()) return *t;
    return nullptr;
}

json transaction_of(const std::string& payload) {
    const json_input in = parse_json_input(payload);
    return in.ok ? transaction_of(in.value) : json();
}

/// `data.command` of an answer on <id>/response: the command the payload names ("set" for
/// property writes), null when the payload cannot be read as a command.
json command_of(const std::string& payload) {
    const json_input in = parse_json_input(payload);
    if (!in.ok || !in.value.is_object()) return nullptr;
    auto c = in.value.find("command");
    if (c == in.value.end()) return "set";
    return c->is_string() ? json(valid_utf8(c->get<std::string>())) : json();
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

json response(const json& transaction, bool ok, const std::string& error, const json& data) {
    json r = {{"status", ok ? "ok" : "error"}};
    if (!data.is_null()) r["data"] = data;
    if (!ok) r["error"] = valid_utf8(error);
    if (!transaction.is_null()) r["transaction"] = transaction;
    return r;
}

}  // namespace

void bridge::respond(const std::string& topic, const json& transaction, bool ok, const std::string& error,
                     const json& data) {
    publish_json(topic, response(transaction, ok, error, data), false);
}

bool bridge::refuse_oversized(const inbound_message& msg, std::size_t limit, const std::string& reply_topic) {
    const std::size_t size = std::max(msg.payload_size, msg.payload.size());
    if (size <= limit) return false;
    ++refused_messages_;
    ++oversized_messages_;
    log::mqtt().warn("refused a message of {} bytes on {}: the limit is {} bytes", size, echo(msg.topic), limit);
    if (!reply_topic.empty()) {
        // An answer on <id>/response always carries data.command (unknown here: not parsed).
        const bool device_reply = reply_topic.rfind(topics_.bridge("response/"), 0) != 0;
        respond(reply_topic, nullptr, false,
                "payload of " + std::to_string(size) + " bytes refused: the limit for this topic is " +
                    std::to_string(limit) + " bytes",
                device_reply ? json{{"command", nullptr}} : json());
    }
    schedule_trim();
    return true;
}

void bridge::schedule_trim() {
    // Big payloads pass through Paho's buffers and ours; once a burst is over, hand the freed
    // pages back to the system instead of keeping the peak as RSS.
    trim_timer_.expires_after(std::chrono::milliseconds(200));
    trim_timer_.async_wait([](const boost::system::error_code& ec) {
        if (!ec) ::malloc_trim(0);
    });
}

void bridge::handle_message(const inbound_message& msg) {
    loop_thread_.assert_on_loop_thread("bridge::handle_message");
    try {
        const incoming_topic t = classify(topics_, msg.topic);
        using kind = incoming_topic::kind;
        if (t.what == kind::unknown) return;
        const bool answerable = t.what == kind::request || (t.what != kind::ha_status && is_valid_id(t.device));
        const std::string reply_topic = !answerable               ? std::string()
                                        : t.what == kind::request ? topics_.response(t.request)
                                                                  : topics_.device(t.device, "response");
        const std::size_t limit = t.what == kind::request ? options_.max_request_bytes : options_.max_set_bytes;
        if (refuse_oversized(msg, limit, reply_topic)) return;
        if (t.what == kind::ha_status) {
            if (msg.payload == "online") {
                std::uniform_int_distribution<int> jitter(500, 2500);
                birth_timer_.expires_after(std::chrono::milliseconds(jitter(rng_)));
                birth_timer_.async_wait([this](const boost::system::error_code& ec) {
                    if (ec) return;
                    log::mqtt().info("Home Assistant came online: re-publishing discovery and states");
                    for (const auto& [id, device] : gw_.registry().all()) {
                        publish_availability(device);
                        publish_state(device);
                        queue_discovery(id, true);
                    }
                });
            }
            return;
        }
        // An empty payload is how a client clears a retained message: nothing to execute or answer.
        if (msg.payload.empty() && t.what != kind::request && t.what != kind::get) return;
        if (msg.retained) {
            ++refused_messages_;
            log::mqtt().warn("refused retained message on {}: commands must not be retained", echo(msg.topic));
            // Answered as docs/mqtt-api.md says, a retained /get included.
            const std::string why = "retained commands are refused: publish without the retain flag";
            if (t.what == kind::request) {
                respond(reply_topic, transaction_of(msg.payload), false, why);
            } else if (!reply_topic.empty()) {
                const json command = t.what == kind::get            ? json("get")
                                     : t.what == kind::set_property ? json("set")
                                                                    : command_of(msg.payload);
                const json transaction = t.what == kind::set ? transaction_of(msg.payload) : json();
                respond(reply_topic, transaction, false, why, {{"command", command}});
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
    } catch (const std::exception& e) {
        // Last line of defence: whatever a message does, the loop goes on.
        ++refused_messages_;
        log::mqtt().error("message on {} could not be handled: {}", echo(msg.topic), valid_utf8(e.what()));
    }
}

void bridge::handle_set(const std::string& device_id, const std::string& property, const inbound_message& msg) {
    const std::string reply_topic = topics_.device(device_id, "response");
    if (!is_valid_id(device_id)) {
        ++refused_messages_;
        return;  // not a topic we could answer on safely
    }
    const device_entry* device = gw_.registry().find(device_id);
    // Every answer on <id>/response carries data.command and the caller's transaction as sent.
    const json transaction = property.empty() ? transaction_of(msg.payload) : json();
    json command = property.empty() ? command_of(msg.payload) : json("set");
    if (device == nullptr) {
        ++refused_messages_;
        respond(reply_topic, transaction, false, "unknown device '" + device_id + "'", {{"command", command}});
        return;
    }
    // Home Assistant's default plain-text payloads ("LOCK", "pause", "ON") name a command.
    std::string payload = msg.payload;
    if (property.empty()) {
        if (auto plain = ha_plain_payload(device->descriptor, payload)) {
            if (!plain->error.empty()) {
                ++refused_messages_;
                respond(reply_topic, transaction, false, plain->error, {{"command", nullptr}});
                return;
            }
            payload = std::move(plain->json_payload);
            command = command_of(payload);
        }
    }
    result<device_command> parsed = property.empty() ? parse_set_payload(device->descriptor, payload)
                                                     : parse_set_property(device->descriptor, property, payload);
    if (!parsed) {
        ++refused_messages_;
        log::mqtt().info("refused /set for '{}': {}", device_id, parsed.error());
        respond(reply_topic, transaction, false, parsed.error(), {{"command", command}});
        return;
    }
    device_command cmd = std::move(parsed).value();
    const std::string name = cmd.name;
    // A bridge relaying a person's command (Matter) is named as the source in the audit log.
    const command_source source{cmd.via.value_or("mqtt"), cfg_.mqtt.base_topic};
    gw_.execute(
        device_id, std::move(cmd), source,
        [this, alive = std::weak_ptr<bool>(alive_), reply_topic, transaction, name](const command_outcome& outcome) {
            if (alive.expired()) return;
            respond(reply_topic, transaction, outcome.ok, outcome.error, {{"command", name}});
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
    run_request(name, msg.payload, [this, alive = std::weak_ptr<bool>(alive_), reply_topic](const json& r) {
        if (alive.expired()) return;
        if (r.value("status", "") == "error") ++refused_messages_;
        publish_json(reply_topic, r, false);
    });
}

std::vector<std::string> bridge::request_names() const {
    std::vector<std::string> names;
    for (const auto& [n, _] : requests_) names.push_back(n);
    return names;
}

void bridge::run_request(const std::string& name, const std::string& payload, const std::function<void(json)>& done) {
    if (payload.size() > options_.max_request_bytes) {
        ++oversized_messages_;
        done(response(nullptr, false,
                      "payload of " + std::to_string(payload.size()) + " bytes refused: the limit for requests is " +
                          std::to_string(options_.max_request_bytes) + " bytes",
                      nullptr));
        return;
    }
    json_input in = payload.empty() ? json_input{json::object(), true, false, {}, 0} : parse_json_input(payload);
    const json transaction = in.ok ? transaction_of(in.value) : json();
    if (!in.ok || !in.value.is_object()) {
        done(response(transaction, false,
                      in.ok ? "request payload must be a JSON object"
                            : "request payload must be a JSON object (" + in.error + ")",
                      nullptr));
        return;
    }
    auto it = requests_.find(name);
    if (it == requests_.end()) {
        auto service = service_requests().find(name);
        if (service != service_requests().end()) {
            done(response(transaction, false, "the " + service->second + " service is not running", nullptr));
            return;
        }
        std::string known;
        for (const auto& [n, _] : requests_) known += (known.empty() ? "" : ", ") + n;
        done(response(transaction, false, "unknown request '" + echo(name) + "' (known: " + known + ")", nullptr));
        return;
    }
    // Exactly one answer, even when the handler throws after (or instead of) replying.
    auto answered = std::make_shared<bool>(false);
    auto reply = [answered, transaction, done](const request_reply& r) {
        if (*answered) return;
        *answered = true;
        done(response(transaction, r.ok, r.error, r.data));
    };
    try {
        it->second(in.value, reply);
    } catch (const std::exception& e) {
        ++failed_requests_;
        log::mqtt().error("bridge request '{}' failed: {}", name, valid_utf8(e.what()));
        reply(request_reply::failure("request '" + name + "' failed: " + valid_utf8(e.what())));
    }
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
        field_reader f(args);
        const auto id = f.required_string("device");
        const auto name = f.required_string("name");
        if (f.failed()) return reply(request_reply::failure(f.error()));
        if (name->empty()) return reply(request_reply::failure("'name' must be a non-empty string"));
        if (name->size() > 256) return reply(request_reply::failure("'name' is longer than 256 bytes"));
        // Renaming a lock is a lock operation: PIN (or "pin": "none"), audited.
        if (auto why = gw_.authorize_lock_admin(*id, "rename", code_of(args), {"mqtt", cfg_.mqtt.base_topic}))
            return reply(request_reply::failure(*why));
        if (!gw_.rename_device(*id, *name)) return reply(request_reply::failure("unknown device '" + echo(*id) + "'"));
        reply(request_reply::success({{"device", *id}, {"name", *name}}));
    };
    requests_["device/remove"] = [this](const json& args, auto reply) {
        field_reader f(args);
        const auto id = f.required_string("device");
        if (f.failed()) return reply(request_reply::failure(f.error()));
        // Removing a lock is a lock operation: PIN (or "pin": "none"), audited, and refused while
        // it is unlocked with an auto-relock or alarm pending.
        if (auto why = gw_.authorize_lock_admin(*id, "remove", code_of(args), {"mqtt", cfg_.mqtt.base_topic}))
            return reply(request_reply::failure(*why));
        if (!gw_.remove_device(*id)) return reply(request_reply::failure("unknown device '" + echo(*id) + "'"));
        reply(request_reply::success({{"device", *id}}));
    };
}

}  // namespace hearth::mqtt
