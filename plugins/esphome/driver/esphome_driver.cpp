// Role: the esphome driver: one ESPHome node over the native API (esphome_link: plaintext, or
// Noise with the node's api.encryption.key; optional API password), each of its entities one
// Hearth device (esphome_entities.hpp: switch, light, sensor, binary_sensor, cover, climate, lock,
// button; ids from the instance id and the entity's object_id). Devices are registered when the
// node first lists its entities (and again when a later listing adds some), states are reported
// as the node pushes them, commands complete when the node reports the state they asked for
// (kit::pending_commands; buttons and cover stops at once), the link pings, reconnects with
// exponential backoff and reports every device offline after offline_after_failures failures in
// a row. A wrong key or password is logged as an error. Secrets are never logged.
#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include "esphome_entities.hpp"
#include "esphome_link.hpp"

#include <hearth/kit/availability.hpp>
#include <hearth/kit/driver.hpp>
#include <hearth/kit/pending_commands.hpp>

#include <boost/asio/steady_timer.hpp>

#include <google/protobuf/stubs/logging.h>

#include <map>

namespace hearth::esphome {

namespace {

using std::chrono::milliseconds;

constexpr const char* k_config_schema = R"({
  "type": "object", "additionalProperties": false,
  "required": ["host"],
  "properties": {
    "host": {"type": "string", "minLength": 1},
    "port": {"type": "integer", "minimum": 1, "maximum": 65535},
    "encryption_key": {"type": "string", "pattern": "^[A-Za-z0-9+/]{43}=$", "x-secret": true},
    "password": {"type": "string", "minLength": 1, "maxLength": 256, "x-secret": true},
    "name": {"type": "string", "maxLength": 128},
    "timeout_ms": {"type": "integer", "minimum": 50, "maximum": 60000},
    "ping_ms": {"type": "integer", "minimum": 100, "maximum": 600000},
    "reconnect_min_ms": {"type": "integer", "minimum": 10, "maximum": 600000},
    "reconnect_max_ms": {"type": "integer", "minimum": 10, "maximum": 3600000},
    "command_timeout_ms": {"type": "integer", "minimum": 100, "maximum": 600000},
    "offline_after_failures": {"type": "integer", "minimum": 1, "maximum": 1000}}})";

link_options link_options_of(const json& cfg) {
    link_options o;
    o.host = cfg.at("host");
    o.port = cfg.value<std::uint16_t>("port", 6053);
    if (cfg.contains("encryption_key")) {
        o.psk = parse_encryption_key(cfg.at("encryption_key").get<std::string>());
        if (!o.psk) throw std::invalid_argument("config: 'encryption_key' must be the base64 of 32 bytes");
    }
    o.password = cfg.value("password", "");
    o.timeout = milliseconds(cfg.value("timeout_ms", 5000));
    o.ping = milliseconds(cfg.value("ping_ms", 20000));
    return o;
}

}  // namespace

class esphome_driver final : public kit::driver {
public:
    static constexpr const char* manifest = R"({"network": ["tcp_client"]})";
    static constexpr const char* config_schema = k_config_schema;

    esphome_driver(kit::context& ctx, const json& config)
        : driver(ctx),
          label_(config.value("name", "")),
          opts_(link_options_of(config)),
          reconnect_min_(milliseconds(config.value("reconnect_min_ms", 1000))),
          reconnect_max_(std::max(reconnect_min_, milliseconds(config.value("reconnect_max_ms", 60000)))),
          command_timeout_(milliseconds(config.value("command_timeout_ms", 10000))),
          link_(io(), opts_),
          online_([this](bool online) { availability(online); }, config.value("offline_after_failures", 2)),
          pending_(io(), host()),
          reconnect_timer_(io()),
          backoff_(reconnect_min_) {
        // The protobuf runtime would print a line to stderr for every malformed string a node
        // sends; a refused message is already reported by the link.
        static const bool quiet = [] {
            google::protobuf::SetLogHandler(nullptr);
            return true;
        }();
        (void)quiet;
        link_.on_listed(
            [this](const pb::DeviceInfoResponse& info, const std::vector<api_message>& list) { listed(info, list); });
        link_.on_message([this](const api_message& m) { on_message(m); });
        link_.on_down([this](const kit::net_error& e) { down(e); });
    }

    void start() override {
        host().report_ready();
        host().info("esphome " + instance_id() + " at " + opts_.host + ":" + std::to_string(opts_.port) + " (" +
                    (opts_.psk ? "encrypted" : "plaintext") + (opts_.password.empty() ? "" : ", API password") + ")");
        link_.open();
    }

    status handle_command(const command& cmd) override {
        const auto it = by_device_.find(cmd.device_id);
        if (it == by_device_.end()) throw command_error(status::invalid, "unknown device " + cmd.device_id);
        const entity& e = entities_.at(it->second);
        const encoded_command c = command_for(e, cmd.name, cmd.params, last_[e.device_id]);
        if (!link_.send(c.type, c.payload))
            throw command_error(status::offline, "esphome " + instance_id() + " is not connected");
        if (c.expect.empty()) return status::ok;  // a button press, a cover stop: nothing to wait for
        pending_.expect(cmd.id, e.device_id, c.expect, command_timeout_);
        return status::pending;
    }

    void stop() override {
        reconnect_timer_.cancel();
        link_.close();  // no callback of the link runs after this
        pending_.fail_all(status::offline, "driver stopped");
        const link_stats& s = link_.stats();
        host().info("esphome " + instance_id() + " stopped: " + std::to_string(s.connects) + " connects, " +
                    std::to_string(s.messages_in) + " messages in, " + std::to_string(s.messages_out) + " out, " +
                    std::to_string(s.timeouts) + " timeouts");
    }

private:
    void listed(const pb::DeviceInfoResponse& info, const std::vector<api_message>& list) {
        const std::string node =
            label_.empty() ? (info.friendly_name().empty() ? info.name() : info.friendly_name()) : label_;
        int added = 0;
        for (const auto& m : list) {
            std::string skipped;
            auto e = entity_from_list(m.type, m.payload, skipped);
            if (!e) {
                host().debug("esphome " + instance_id() + ": skipped " + skipped);
                continue;
            }
            if (entities_.contains(e->key)) continue;  // known from an earlier connection
            assign_device_id(*e, instance_id(), used_ids_);
            const json d = descriptor_of(*e, node.substr(0, 64), info.manufacturer().substr(0, 64),
                                         info.model().substr(0, 64), info.esphome_version().substr(0, 64));
            if (!host().register_device(d)) {
                host().warn("esphome " + instance_id() + ": the host refused the descriptor of " +
                            std::string(kind_name(e->kind)) + " '" + e->object_id + "'");
                continue;
            }
            by_device_[e->device_id] = e->key;
            entities_.emplace(e->key, std::move(*e));
            ++added;
        }
        if (added > 0) {
            host().info("esphome " + instance_id() + ": " + std::to_string(added) + " entities registered (" +
                        std::to_string(entities_.size()) + " in all)");
        }
        online_.success();
        availability(true);  // devices registered just now learn they are online
        backoff_ = reconnect_min_;
    }

    void on_message(const api_message& m) {
        const auto key = state_key(m.type, m.payload);
        if (!key) {
            host().debug("esphome " + instance_id() + ": ignored message type " + std::to_string(m.type));
            return;
        }
        const auto it = entities_.find(*key);
        if (it == entities_.end()) return;  // an entity Hearth does not map
        const auto state = state_of(it->second, m.type, m.payload);
        if (!state) return;
        const std::string& id = it->second.device_id;
        last_[id].update(*state);
        host().report_state(id, *state);
        pending_.on_state(id, *state);
    }

    void availability(bool online) {
        for (const auto& [id, key] : by_device_) host().report_availability(id, online);
        if (online != reported_online_) {
            reported_online_ = online;
            if (online) {
                host().info("esphome " + instance_id() + " is online");
            } else {
                host().warn("esphome " + instance_id() + " is offline");
            }
        }
    }

    void down(const kit::net_error& e) {
        online_.failure();
        for (const auto& [id, key] : by_device_)
            pending_.fail_device(id, status::offline, "esphome " + instance_id() + ": connection lost: " + e.message);
        const std::string line = "esphome " + instance_id() + ": " + e.message + "; reconnecting in " +
                                 std::to_string(backoff_.count()) + " ms";
        if (e.code == status::device_error) {
            host().error(line);  // wrong key/password, transport mismatch: hearthd counts driver errors
        } else if (online_.consecutive_failures() <= 1) {
            host().warn(line);
        } else {
            host().debug(line);
        }
        reconnect_timer_.expires_after(backoff_);
        reconnect_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) link_.open();
        });
        backoff_ = std::min(backoff_ * 2, reconnect_max_);
    }

    std::string label_;
    link_options opts_;
    milliseconds reconnect_min_;
    milliseconds reconnect_max_;
    milliseconds command_timeout_;
    link link_;
    kit::availability online_;
    kit::pending_commands pending_;
    boost::asio::steady_timer reconnect_timer_;
    milliseconds backoff_;
    bool reported_online_ = false;
    std::map<std::uint32_t, entity> entities_;        ///< by key
    std::map<std::string, std::uint32_t> by_device_;  ///< device id -> key
    std::map<std::string, json> last_;                ///< last reported state per device
    std::set<std::string> used_ids_;
};

}  // namespace hearth::esphome

HEARTH_KIT_DRIVER(hearth::esphome::esphome_driver, "esphome", "1.0.0",
                  "ESPHome nodes over the native API (plaintext or Noise encryption)")
