// The `energy_findings` bridge request and the hourly evaluation of findings (docs/energy.md,
// "Findings"; docs/mqtt-api.md): both read the buckets and compute on the query thread. The
// evaluation runs a few minutes past every hour (after the hour's buckets were flushed) and
// publishes each finding it has not published before as a `bridge/event`; the published keys
// are kept in the store's meta, so a restart does not repeat them.
#include "app/energy_findings.hpp"
#include "app/persistence.hpp"

#include "core/device_model.hpp"
#include "core/json_fields.hpp"
#include "log/log.hpp"

#include <boost/asio/post.hpp>

namespace hearth {

namespace {

/// The evaluation runs this long after each hour starts (the hour before is complete and flushed).
constexpr time_ms k_findings_offset_ms = time_ms{5} * 60'000;
/// The first evaluation after start.
constexpr std::chrono::minutes k_findings_first{2};
constexpr const char* k_published_meta = "energy_findings_published";

std::set<std::string> keys_of(const energy_findings& f) {
    std::set<std::string> keys;
    for (const auto& s : f.standby) keys.insert(finding_key(s));
    for (const auto& a : f.anomalies) keys.insert(finding_key(a));
    return keys;
}

}  // namespace

void persistence::install_energy_findings(mqtt::bridge& bridge) {
    using json = nlohmann::json;
    bridge_ = &bridge;
    bridge.add_request(
        "energy_findings", [this](const json& args, const std::function<void(mqtt::request_reply)>& reply) {
            field_reader f(args);
            const auto device = f.optional_string("device");
            if (f.failed()) return reply(mqtt::request_reply::failure(f.error()));
            if (device && !is_valid_id(*device)) {
                return reply(mqtt::request_reply::failure("'device' is not a valid device id"));
            }
            const time_ms now = clock_.now_ms();
            run_query(
                "energy findings",
                [path = store_->path(), energy = energy_, now, device = device.value_or("")] {
                    const auto buckets = store::read_energy(path, "", findings_fetch_from(energy.findings, now), now);
                    return mqtt::request_reply::success(
                        findings_json(find_energy_findings(energy, buckets, now), energy, now, device));
                },
                reply);
        });
    arm_findings(k_findings_first);
}

void persistence::arm_findings(std::chrono::milliseconds after) {
    findings_timer_.expires_after(after);
    findings_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        const time_ms now = clock_.now_ms();
        const time_ms next_hour = now - (now % ms_per_hour) + ms_per_hour;
        arm_findings(std::chrono::milliseconds(next_hour + k_findings_offset_ms - now));
        try {
            store_->flush();  // the reader sees committed rows only
        } catch (const std::exception& e) {
            log::store().error("energy findings: flush failed: {}", e.what());
            return;
        }
        auto job = [this, alive = std::weak_ptr<bool>(alive_), path = store_->path(), energy = energy_, now] {
            try {
                auto found = find_energy_findings(
                    energy, store::read_energy(path, "", findings_fetch_from(energy.findings, now), now), now);
                boost::asio::post(loop_, [this, alive, found = std::move(found), now] {
                    if (!alive.expired() && !stopped_) publish_new_findings(found, now);
                });
            } catch (const std::exception& e) {
                log::store().error("energy findings: evaluation failed: {}", e.what());
            }
        };
        if (!history_worker_.submit(std::move(job))) {
            log::store().warn("energy findings: the query thread is busy; next evaluation in an hour");
        }
    });
}

void persistence::publish_new_findings(const energy_findings& found, time_ms now) {
    if (!published_findings_) {
        published_findings_.emplace();
        try {
            if (auto saved = store_->meta(k_published_meta)) {
                const auto list = nlohmann::json::parse(*saved, nullptr, false);
                if (list.is_array()) {
                    for (const auto& k : list) {
                        if (k.is_string()) published_findings_->insert(k.get<std::string>());
                    }
                }
            }
        } catch (const std::exception& e) {
            log::store().warn("energy findings: cannot read the published findings: {}", e.what());
        }
    }
    if (bridge_ != nullptr) {
        for (const auto& s : found.standby) {
            if (published_findings_->count(finding_key(s)) == 0)
                bridge_->publish_bridge_event(finding_event(s, energy_, now));
        }
        for (const auto& a : found.anomalies) {
            if (published_findings_->count(finding_key(a)) == 0) bridge_->publish_bridge_event(finding_event(a, now));
        }
    }
    // What is no longer found is forgotten: a standby that returns later is published again.
    auto keys = keys_of(found);
    if (keys == *published_findings_) return;
    published_findings_ = std::move(keys);
    try {
        store_->set_meta(k_published_meta, nlohmann::json(*published_findings_).dump());
    } catch (const std::exception& e) {
        log::store().warn("energy findings: cannot store the published findings: {}", e.what());
    }
}

}  // namespace hearth
