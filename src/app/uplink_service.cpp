// The community uplink's outgoing side: what is published, the outbox, health (uplink_service.hpp).
#include "app/uplink_service.hpp"

#include "app/energy_report.hpp"
#include "core/tariff.hpp"
#include "log/log.hpp"

#include <ctime>

namespace hearth {

using json = nlohmann::json;

namespace {

uplink::link_settings link_settings_of(const uplink_config& up) {
    uplink::link_settings s;
    s.urls = up.urls;
    s.client_id = up.client_id;
    s.connect.username = up.username;
    s.connect.password = up.password;
    s.connect.ca_file = up.ca_file;
    s.connect.cert_file = up.cert_file;
    s.connect.key_file = up.key_file;
    s.connect.verify_hostname = up.verify_hostname;
    s.topic_prefix = up.prefix();
    return s;
}

/// The largest `data` sent (bytes of JSON), so that every envelope stays within 256 KiB.
constexpr std::size_t max_data_bytes = std::size_t{250} * 1024;

std::string text_field(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

uplink_service::uplink_service(boost::asio::io_context& loop, const clock_source& clock, const config& cfg, gateway& gw,
                               store& db, mqtt::bridge& bridge)
    : loop_(loop),
      clock_(clock),
      cfg_(cfg),
      up_(cfg.uplink),
      gw_(gw),
      db_(db),
      bridge_(bridge),
      gate_(cfg.uplink),
      health_timer_(loop),
      revert_timer_(loop),
      energy_timer_(loop) {}

uplink_service::~uplink_service() { alive_.reset(); }

void uplink_service::start() {
    if (!up_.enabled || started_) return;
    started_ = true;
    try {
        origin_ = {up_.site_id, up_.home_id, db_.outbox_boot_id()};
    } catch (const std::exception& e) {
        last_error_ = std::string("outbox: ") + e.what();
        log::store().error("uplink: the outbox cannot be used, the uplink stays off: {}", e.what());
        return;
    }
    link_ = std::make_unique<uplink::uplink_link>(loop_, link_settings_of(up_), db_);
    link_->on_message([this](const std::string& topic, const std::string& payload) { handle_request(topic, payload); });
    std::weak_ptr<bool> alive = alive_;
    bridge_.add_event_tap([this, alive](const json& event) {
        if (!alive.expired()) on_published_bridge_event(event);
    });
    const auto queued = db_.outbox_stats();
    log::mqtt().info("uplink: on as {}/{} ({} messages waiting in the outbox)", up_.site_id, up_.home_id,
                     queued.messages);
    link_->start();
    if (up_.publish.contains("health")) arm_health();
    if (up_.publish.contains("energy_daily")) {
        send_energy_daily();
        arm_energy();
    }
}

void uplink_service::stop(std::chrono::milliseconds budget) {
    health_timer_.cancel();
    energy_timer_.cancel();
    revert_timer_.cancel();
    if (saved_levels_) log::apply(*saved_levels_);
    if (link_) link_->stop(budget);
}

bool uplink_service::enqueue(const std::string& kind, const json& data) {
    if (!started_ || !link_) return false;
    const std::int64_t now = clock_.now_ms();
    // The contract's limit is 256 KiB per payload; the envelope around `data` is far below 6 KiB.
    if (data.dump(-1, ' ', false, json::error_handler_t::replace).size() > max_data_bytes) {
        log::mqtt().warn("uplink: a {} message is larger than 250 KiB and is not sent", kind);
        if (kind != "response") return false;
        return enqueue(kind, {{"request_id", text_field(data, "request_id")},
                              {"name", text_field(data, "name")},
                              {"status", "error"},
                              {"error", "the answer is larger than the uplink's 256 KiB limit"}});
    }
    try {
        const auto r = db_.outbox_append(
            kind, uplink::priority_of(kind), now,
            [&](std::int64_t id) { return uplink::make_envelope(origin_, id, kind, now, data); },
            outbox_bounds{up_.outbox.max_messages, up_.outbox.max_bytes});
        dropped_ += static_cast<std::uint64_t>(r.dropped);
    } catch (const std::exception& e) {
        last_error_ = std::string("outbox: ") + e.what();
        log::store().error("uplink: cannot queue a {} message: {}", kind, e.what());
        return false;
    }
    link_->wake();
    return true;
}

void uplink_service::on_device_event(const device_entry& device, const json& event) {
    if (!started_) return;
    const std::string type = text_field(event, "event_type");
    if (up_.publish.contains("alarms") && uplink::is_alarm_event_type(type)) {
        enqueue("alarm", uplink::alarm_data(device.descriptor.id, device.descriptor.name, event));
    }
    if (up_.publish.contains("lock_events")) {
        if (auto data = uplink::lock_event_data(device.descriptor.id, event)) enqueue("lock_event", *data);
    }
}

void uplink_service::on_published_bridge_event(const json& event) {
    if (!started_ || !up_.publish.contains("care_alerts") || !event.is_object()) return;
    const std::string type = text_field(event, "type");
    if (type == "care_alert" || type == "care_ok") enqueue("care_alert", event);
}

void uplink_service::arm_health() {
    health_timer_.expires_after(std::chrono::seconds(up_.health_interval_s));
    health_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        enqueue("health", bridge_.health());
        arm_health();
    });
}

void uplink_service::arm_energy() {
    energy_timer_.expires_after(std::chrono::minutes(10));
    energy_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        send_energy_daily();
        arm_energy();
    });
}

void uplink_service::send_energy_daily() {
    const std::int64_t today = local_day_start(clock_.now_ms());
    const std::int64_t yesterday = local_day_start(today - 1);
    const std::time_t secs = static_cast<std::time_t>(yesterday / 1000);
    std::tm local{};
    ::localtime_r(&secs, &local);
    char day[16];
    std::strftime(day, sizeof day, "%Y-%m-%d", &local);
    try {
        if (db_.meta("uplink_energy_day") == std::string(day)) return;
        energy_query q;
        q.by = energy_grouping::day;
        q.from = yesterday;
        q.to = today;
        const json report = energy_report(q, cfg_.energy, db_.query_energy("", energy_fetch_from(q), q.to));
        const json total = report.value("total", json::object());
        const json data = {{"day", day},
                           {"kwh", total.value("kwh", 0.0)},
                           {"cost", total.value("cost", 0.0)},
                           {"currency", cfg_.energy.currency}};
        if (enqueue("energy_daily", data)) db_.set_meta("uplink_energy_day", day);
    } catch (const std::exception& e) {
        last_error_ = std::string("energy_daily: ") + e.what();
        log::store().warn("uplink: yesterday's energy could not be read: {}", e.what());
    }
}

json uplink_service::health() const {
    json h = {
        {"enabled", up_.enabled}, {"connected", false}, {"url", ""},           {"queued", 0},
        {"in_flight", 0},         {"sent", 0},          {"dropped", dropped_}, {"refused_requests", refused_requests_}};
    std::string error = last_error_;
    if (link_) {
        const auto s = link_->stats();
        h["connected"] = s.connected;
        h["url"] = s.url;
        h["in_flight"] = s.in_flight;
        h["sent"] = s.sent;
        h["reconnects"] = s.reconnects;
        if (error.empty()) error = s.last_error;
        try {
            h["queued"] = db_.outbox_stats().messages;
        } catch (const std::exception&) {}
    }
    h["last_error"] = error;
    return h;
}

}  // namespace hearth
