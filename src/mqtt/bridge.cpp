// MQTT bridge, outgoing side: what the gateway reports becomes retained topics, events and
// discovery (see bridge.hpp). The incoming side is in bridge_requests.cpp.
#include "mqtt/bridge.hpp"

#include "mqtt/discovery.hpp"
#include "log/log.hpp"

#include <hearth/plugin.h>

#include <boost/asio/post.hpp>

#include <openssl/evp.h>

namespace hearth::mqtt {

using json = nlohmann::json;
using steady = std::chrono::steady_clock;

namespace {

std::string sha256_hex(const std::string& text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

std::optional<std::string> base64_decode(const std::string& in) {
    if (in.empty() || in.size() % 4 != 0) return std::nullopt;
    std::string out(in.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    if (n < 0) return std::nullopt;
    std::size_t size = static_cast<std::size_t>(n);
    if (in.back() == '=') --size;
    if (in.size() >= 2 && in[in.size() - 2] == '=') --size;
    out.resize(size);
    return out;
}

/// The availability payloads (constants: a static json could throw before main).
constexpr const char* online = R"({"state":"online"})";
constexpr const char* offline = R"({"state":"offline"})";

}  // namespace

bridge::bridge(boost::asio::io_context& loop, gateway& gw, const config& cfg, bridge_options options)
    : loop_(loop),
      gw_(gw),
      cfg_(cfg),
      options_(std::move(options)),
      topics_(cfg.mqtt.base_topic, cfg.mqtt.discovery_prefix),
      discovery_timer_(loop),
      devices_timer_(loop),
      birth_timer_(loop),
      health_timer_(loop),
      lag_timer_(loop),
      trim_timer_(loop),
      started_(steady::now()) {
    link_settings s;
    s.url = cfg.mqtt.url;
    s.client_id = cfg.mqtt.client_id;
    s.username = cfg.mqtt.username;
    s.password = cfg.mqtt.password;
    s.keepalive_s = cfg.mqtt.keepalive_s;
    if (cfg.mqtt.tls) {
        s.ca_file = cfg.mqtt.tls->ca_file;
        s.cert_file = cfg.mqtt.tls->cert_file;
        s.key_file = cfg.mqtt.tls->key_file;
        s.verify_hostname = cfg.mqtt.tls->verify_hostname;
    }
    s.will_topic = topics_.bridge("state");
    s.will_payload = std::string(offline);
    s.subscriptions = topics_.subscriptions();
    s.max_inbound_bytes = std::max(options_.max_set_bytes, options_.max_request_bytes);
    link_ = std::make_unique<mqtt_link>(loop, std::move(s));
    link_->on_connected([this] { publish_everything(); });
    link_->on_message([this](const inbound_message& m) { handle_message(m); });
    install_builtin_requests();
}

bridge::~bridge() { alive_.reset(); }

void bridge::add_request(const std::string& name, request_handler handler) {
    loop_thread_.assert_on_loop_thread("bridge::add_request");
    requests_[name] = std::move(handler);
}

void bridge::start() {
    loop_thread_.assert_on_loop_thread("bridge::start");
    link_->start();
    arm_health();
    lag_expected_ = steady::now() + std::chrono::seconds(1);
    arm_lag_probe();
}

void bridge::stop(std::chrono::milliseconds budget) {
    loop_thread_.assert_on_loop_thread("bridge::stop");
    for (auto* t : {&discovery_timer_, &devices_timer_, &birth_timer_, &health_timer_, &lag_timer_, &trim_timer_})
        t->cancel();
    // Every device's retained availability goes offline too: a consumer that watches only
    // <base>/<id>/availability must not see a stopped hub's devices as online. These go out
    // before anything still queued (discovery configs right after a connect).
    std::vector<mqtt_link::last_word> last_words;
    for (const auto& [id, device] : gw_.registry().all()) {
        last_words.push_back({topics_.device(id, "availability"), std::string(offline)});
    }
    last_words.push_back({topics_.bridge("state"), std::string(offline)});
    link_->stop(budget, last_words);
}

void bridge::publish_everything() {
    // The first connect of this process may skip discovery configs the broker already holds
    // (hash unchanged). After a reconnect we cannot know: a broker restarted without persistence
    // lost every retained config, so discovery is re-sent in full.
    const bool force_discovery = connected_before_;
    connected_before_ = true;
    link_->publish(topics_.bridge("state"), std::string(online), 1, true);
    publish_info();
    link_->publish(topics_.bridge("devices"), gw_.registry().descriptors_json().dump(), 1, true);
    for (const auto& [id, device] : gw_.registry().all()) {
        publish_availability(device);
        publish_state(device);
        queue_discovery(id, force_discovery);
    }
    for (const auto& [id, payload] : energy_states_) link_->publish(topics_.device(id, "energy"), payload, 1, true);
}

void bridge::publish_energy_states(const std::map<std::string, nlohmann::json>& states, const nlohmann::json& zero) {
    loop_thread_.assert_on_loop_thread("bridge::publish_energy_states");
    for (const auto& [id, device] : gw_.registry().all()) {
        if (!has_energy_data(device.descriptor)) continue;  // no sensors read it
        const auto it = states.find(id);
        std::string payload = (it != states.end() ? it->second : zero).dump();
        auto& last = energy_states_[id];
        if (last == payload) continue;
        last = payload;
        link_->publish(topics_.device(id, "energy"), std::move(payload), 1, true);
    }
}

void bridge::publish_info() {
    json plugins = json::array();
    for (const auto& d : gw_.drivers()) {
        plugins.push_back({{"name", d.plugin}, {"id", d.id}, {"version", d.version}, {"status", d.state}});
    }
    const json info = {{"version", options_.version},
                       {"plugin_abi", std::to_string(HEARTH_ABI_MAJOR) + "." + std::to_string(HEARTH_ABI_MINOR)},
                       {"plugins", plugins},
                       {"config", cfg_.summary()}};
    link_->publish(topics_.bridge("info"), info.dump(), 1, true);
}

void bridge::schedule_devices_list() {
    if (devices_timer_armed_) return;
    devices_timer_armed_ = true;
    devices_timer_.expires_after(std::chrono::milliseconds(100));
    devices_timer_.async_wait([this](const boost::system::error_code& ec) {
        devices_timer_armed_ = false;
        if (ec) return;
        link_->publish(topics_.bridge("devices"), gw_.registry().descriptors_json().dump(), 1, true);
        publish_info();
    });
}

void bridge::publish_state(const device_entry& device) {
    if (device.state.empty()) return;
    publish_json(topics_.state(device.descriptor.id), device.state, true);
    if (const std::string vt = vacuum_state_topic(topics_, device.descriptor); !vt.empty()) {
        link_->publish(vt, vacuum_state_payload(device.state).dump(), 1, true);
    }
}

void bridge::publish_availability(const device_entry& device) {
    link_->publish(topics_.device(device.descriptor.id, "availability"), std::string(device.online ? online : offline),
                   1, true);
}

void bridge::queue_discovery(const std::string& device_id, bool force) {
    if (!cfg_.mqtt.discovery) return;
    discovery_pending_.insert(device_id);
    if (force) discovery_forced_.insert(device_id);
    if (discovery_timer_armed_) return;
    discovery_timer_armed_ = true;
    boost::asio::post(loop_, [this, alive = std::weak_ptr<bool>(alive_)] {
        if (!alive.expired()) drain_discovery();
    });
}

void bridge::drain_discovery() {
    // Rate limit: at most discovery_per_tick configs, then wait 100 ms, so a start with 1,000
    // devices spreads its discovery over a few seconds instead of one burst.
    std::size_t sent = 0;
    while (!discovery_pending_.empty() && sent < options_.discovery_per_tick) {
        const std::string id = *discovery_pending_.begin();
        discovery_pending_.erase(discovery_pending_.begin());
        const bool forced = discovery_forced_.erase(id) != 0;
        const device_entry* device = gw_.registry().find(id);
        if (device == nullptr) continue;
        discovery_options opts{options_.version, gw_.locks().pin_required(id), true, cfg_.energy.currency};
        const std::string payload = discovery_config(topics_, device->descriptor, opts).dump();
        const std::string hash = sha256_hex(payload);
        std::optional<std::string> previous;
        if (auto it = discovery_hash_.find(id); it != discovery_hash_.end()) {
            previous = it->second;
        } else if (options_.load_discovery_hash) {
            previous = options_.load_discovery_hash(id);
        }
        if (!forced && previous && *previous == hash) {
            discovery_hash_[id] = hash;
            continue;  // unchanged: the retained config on the broker is still right
        }
        link_->publish(topics_.discovery(id), payload, 1, true);
        discovery_hash_[id] = hash;
        if (options_.save_discovery_hash) options_.save_discovery_hash(id, hash);
        ++sent;
    }
    if (discovery_pending_.empty()) {
        discovery_timer_armed_ = false;
        return;
    }
    discovery_timer_.expires_after(std::chrono::milliseconds(100));
    discovery_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) {
            discovery_timer_armed_ = false;
            return;
        }
        drain_discovery();
    });
}

void bridge::publish_snapshot(const device_entry& device, const json& event) {
    const std::string& id = device.descriptor.id;
    const auto now = steady::now();
    auto last = last_snapshot_.find(id);
    if (last != last_snapshot_.end() && now - last->second < options_.snapshot_min_interval) {
        ++snapshots_dropped_;
        log::mqtt().debug("snapshot of '{}' dropped: rate limit", id);
        return;
    }
    const auto b64 = event.find("image_base64");  // a driver's event: checked, never .value()
    auto image = b64 != event.end() && b64->is_string() ? base64_decode(b64->get<std::string>()) : std::nullopt;
    if (!image) {
        ++snapshots_dropped_;
        log::mqtt().warn("snapshot of '{}' dropped: image_base64 is not a string of valid base64", id);
        return;
    }
    if (image->size() > options_.max_snapshot_bytes) {
        ++snapshots_dropped_;
        log::mqtt().warn("snapshot of '{}' dropped: {} bytes exceed the cap of {}", id, image->size(),
                         options_.max_snapshot_bytes);
        return;
    }
    last_snapshot_[id] = now;
    // Retained, so Home Assistant shows the last picture after its own restart.
    link_->publish(topics_.device(id, "snapshot"), std::move(*image), 0, true);
}

void bridge::publish_bridge_event(const json& event) {
    publish_json(topics_.bridge("event"), event, false);
    for (const auto& tap : event_taps_) tap(event);
}

void bridge::publish_json(const std::string& topic, const json& payload, bool retained) {
    // Text from outside (a scene file's bytes, a driver's strings) may not be valid UTF-8: it is
    // replaced (U+FFFD) rather than letting dump() throw type_error.316 on the loop.
    link_->publish(topic, payload.dump(-1, ' ', false, json::error_handler_t::replace), 1, retained);
}

// ---- gateway_observer ----

void bridge::on_device_added(const device_entry& device) {
    loop_thread_.assert_on_loop_thread("bridge::on_device_added");
    publish_availability(device);
    publish_state(device);
    queue_discovery(device.descriptor.id, false);
    schedule_devices_list();
}

void bridge::on_device_updated(const device_entry& device) {
    loop_thread_.assert_on_loop_thread("bridge::on_device_updated");
    queue_discovery(device.descriptor.id, false);
    schedule_devices_list();
}

void bridge::on_device_removed(const std::string& device_id) {
    loop_thread_.assert_on_loop_thread("bridge::on_device_removed");
    // Empty retained payloads delete the retained messages: no ghost entities in Home Assistant.
    for (const std::string& topic : {topics_.discovery(device_id), topics_.state(device_id),
                                     topics_.device(device_id, "availability"), topics_.device(device_id, "ha_vacuum"),
                                     topics_.device(device_id, "snapshot"), topics_.device(device_id, "energy")}) {
        link_->publish(topic, "", 1, true);
    }
    energy_states_.erase(device_id);
    discovery_hash_.erase(device_id);
    discovery_pending_.erase(device_id);
    schedule_devices_list();
}

void bridge::on_state_changed(const device_entry& device, const json& /*changed*/) {
    loop_thread_.assert_on_loop_thread("bridge::on_state_changed");
    publish_state(device);
}

void bridge::on_availability_changed(const device_entry& device) {
    loop_thread_.assert_on_loop_thread("bridge::on_availability_changed");
    publish_availability(device);
}

void bridge::on_device_event(const device_entry& device, const json& event) {
    loop_thread_.assert_on_loop_thread("bridge::on_device_event");
    if (event.value("event_type", std::string()) == "snapshot") {
        publish_snapshot(device, event);
        return;
    }
    publish_json(topics_.device(device.descriptor.id, "event"), event, false);
}

void bridge::on_bridge_event(const json& event) {
    loop_thread_.assert_on_loop_thread("bridge::on_bridge_event");
    publish_bridge_event(event);
    const std::string type = event.value("type", std::string());
    if (type == "plugin_loaded" || type == "plugin_failed") publish_info();
}

// ---- health ----

json bridge::health() const {
    json drivers = json::array();
    for (const auto& d : gw_.drivers()) drivers.push_back(d.to_json());
    const auto stats = link_->stats();
    std::size_t online_count = 0;
    for (const auto& [id, d] : gw_.registry().all()) online_count += d.online ? 1 : 0;
    json h = {{"uptime_s", std::chrono::duration_cast<std::chrono::seconds>(steady::now() - started_).count()},
              {"loop_lag_ms", static_cast<double>(loop_lag_.count()) / 1000.0},
              {"loop_lag_max_ms", static_cast<double>(loop_lag_max_.count()) / 1000.0},
              {"devices", gw_.registry().size()},
              {"devices_online", online_count},
              {"drivers", drivers},
              {"mqtt",
               {{"connected", stats.connected},
                {"protocol", stats.protocol == 5 ? "5" : "3.1.1"},
                {"maximum_packet_size", stats.maximum_packet_size},
                {"queued", stats.queued},
                {"inflight", stats.inflight},
                {"published", stats.published},
                {"dropped", stats.dropped},
                {"coalesced", stats.coalesced},
                {"reconnects", stats.reconnects},
                {"refused_messages", refused_messages_},
                {"oversized_messages", oversized_messages_},
                {"failed_requests", failed_requests_},
                {"snapshots_dropped", snapshots_dropped_}}}};
    if (options_.extra_health) h.update(options_.extra_health());
    return h;
}

void bridge::arm_health() {
    health_timer_.expires_after(options_.health_interval);
    health_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        publish_json(topics_.bridge("health"), health(), true);
        arm_health();
    });
}

void bridge::arm_lag_probe() {
    // Loop lag: how late a 1 s timer fires. A healthy loop stays well under a millisecond.
    lag_timer_.expires_at(lag_expected_);
    lag_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        const auto now = steady::now();
        loop_lag_ = std::chrono::duration_cast<std::chrono::microseconds>(now - lag_expected_);
        loop_lag_max_ = std::max(loop_lag_max_, loop_lag_);
        lag_expected_ = now + std::chrono::seconds(1);
        arm_lag_probe();
    });
}

}  // namespace hearth::mqtt
