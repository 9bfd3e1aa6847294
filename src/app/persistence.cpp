// Persistence glue (see persistence.hpp).
#include "app/persistence.hpp"

#include "core/json_fields.hpp"
#include "log/log.hpp"

#include <boost/asio/post.hpp>
#include <malloc.h>

#include <limits>

namespace hearth {

using json = nlohmann::json;

namespace {
/// An activity entry's params or event detail larger than this is kept as {} (the fact, not the bulk).
constexpr std::size_t k_activity_detail_max = 1024;

store_options options_from(const database_config& cfg) {
    store_options o;
    o.history_days = cfg.history_days;
    o.activity_days = cfg.activity_days;
    o.property_history_days = cfg.retention_days;
    o.size_budget_bytes = static_cast<std::uint64_t>(cfg.size_budget_mb) * 1024 * 1024;
    o.backup_dir = cfg.backup_dir;
    return o;
}
}  // namespace

persistence::persistence(boost::asio::io_context& loop, const clock_source& clock, const database_config& cfg,
                         energy_config energy)
    : loop_(loop),
      clock_(clock),
      cfg_(cfg),
      energy_(std::move(energy)),
      commit_timer_(loop),
      purge_timer_(loop),
      backup_timer_(loop),
      findings_timer_(loop),
      energy_states_timer_(loop) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(cfg.path).parent_path(), ec);
    store_ = store::open(cfg.path, options_from(cfg), clock.now_ms());
    const auto& r = store_->report();
    if (r.recovered) {
        log::store().error("database: {}", r.message);
    } else if (!r.message.empty()) {
        log::store().info("database: {}", r.message);
    }
}

persistence::~persistence() { stop(); }

void persistence::restore_into(gateway& gw) {
    gw.set_user_names(store_->load_user_names());  // before the devices: user names win
    auto states = store_->load_current_state();
    std::size_t restored = 0;
    for (auto& rec : store_->load_devices()) {
        auto parsed = parse_descriptor(rec.descriptor);
        if (!parsed) {
            log::store().warn("database: stored descriptor of '{}' is no longer valid; skipped", rec.id);
            continue;
        }
        parsed->driver = rec.driver;
        auto it = states.find(rec.id);
        gw.restore_device(std::move(*parsed), it != states.end() ? it->second : json::object());
        ++restored;
    }
    log::store().info("database: restored {} devices and their last state", restored);
}

void persistence::start(mqtt::bridge* bridge) {
    arm_commit(std::chrono::milliseconds(cfg_.commit_interval_ms));
    arm_purge(std::chrono::seconds(30));
    if (cfg_.backup_interval_h > 0) arm_backup(std::chrono::minutes(5));
    if (bridge == nullptr) return;
    if (store_->report().recovered) {
        bridge->publish_bridge_event(
            {{"type", "database_recovered"}, {"message", store_->report().message}, {"ts", clock_.now_ms()}});
    }
    bridge->add_request("backup", [this](const json&, const std::function<void(mqtt::request_reply)>& reply) {
        try {
            store_->flush();
            const auto path = store_->backup_now(clock_.now_ms());
            reply(mqtt::request_reply::success({{"path", path.string()}}));
        } catch (const std::exception& e) {
            reply(mqtt::request_reply::failure(std::string("backup failed: ") + e.what()));
        }
    });
    install_history_request(*bridge);
    install_energy_request(*bridge);
    install_energy_findings(*bridge);
    arm_energy_states(std::chrono::seconds(5));
}

void persistence::install_history_request(mqtt::bridge& bridge) {
    bridge.add_request("history", [this](const json& args, const std::function<void(mqtt::request_reply)>& reply) {
        field_reader f(args);
        const auto device = f.required_string("device");
        const auto property = f.required_string("property");
        const auto from_arg = f.optional_integer("from", std::numeric_limits<time_ms>::min(),
                                                 std::numeric_limits<time_ms>::max(), "ms since the epoch");
        const auto to_arg = f.optional_integer("to", std::numeric_limits<time_ms>::min(),
                                               std::numeric_limits<time_ms>::max(), "ms since the epoch");
        const auto limit_arg = f.optional_integer("limit", 1, max_history_points, "points");
        if (f.failed()) return reply(mqtt::request_reply::failure(f.error()));
        const time_ms now = clock_.now_ms();
        const time_ms from = from_arg.value_or(now - ms_per_day);
        const time_ms to = to_arg.value_or(now);
        const auto limit = static_cast<std::size_t>(limit_arg.value_or(1000));
        run_query(
            "history",
            [path = store_->path(), device = *device, property = *property, from, to, limit] {
                json points = json::array();
                for (const auto& p : store::read_history(path, device, property, from, to, limit)) {
                    json item = {{"ts", p.ts}, {"value", p.value}};
                    if (p.downsampled) item.update({{"min", p.min}, {"max", p.max}, {"count", p.count}});
                    points.push_back(std::move(item));
                }
                const std::size_t bytes = points.dump().size();
                if (bytes > max_history_answer_bytes) {
                    return mqtt::request_reply::failure("the answer would be " + std::to_string(bytes) +
                                                        " bytes, more than the limit of " +
                                                        std::to_string(max_history_answer_bytes) +
                                                        ": ask for fewer points ('limit') or a shorter range");
                }
                return mqtt::request_reply::success(std::move(points));
            },
            reply);
    });
}

void persistence::run_query(const std::string& what, std::function<mqtt::request_reply()> query,
                            const std::function<void(mqtt::request_reply)>& reply) {
    try {
        store_->flush();  // the reader sees committed rows only
    } catch (const std::exception& e) {
        return reply(mqtt::request_reply::failure(what + " query failed: " + e.what()));
    }
    // The query and the JSON answer are built off the loop; the reply is posted back.
    auto job = [this, alive = std::weak_ptr<bool>(alive_), what, query = std::move(query), reply] {
        mqtt::request_reply answer;
        try {
            answer = query();
        } catch (const std::exception& e) {
            answer = mqtt::request_reply::failure(what + " query failed: " + e.what());
        }
        boost::asio::post(loop_, [alive, reply, answer = std::move(answer)]() mutable {
            if (!alive.expired()) reply(std::move(answer));
        });
    };
    if (!history_worker_.submit(std::move(job)))
        reply(mqtt::request_reply::failure("busy: too many " + what + " queries are waiting; try again later"));
}

void persistence::stop() {
    if (stopped_) return;
    stopped_ = true;
    for (auto* t : {&commit_timer_, &purge_timer_, &backup_timer_, &findings_timer_, &energy_states_timer_})
        t->cancel();
    history_worker_.stop();
    if (backup_thread_.joinable()) backup_thread_.join();
    try {
        store_->flush();
        store_->close();
    } catch (const std::exception& e) {
        log::store().error("database: final flush failed: {}", e.what());
    }
}

json persistence::health() {
    json out;
    try {
        const auto s = store_->stats(false);  // no row counts: health must not scan tables on the loop
        out = {{"database",
                {{"path", cfg_.path},
                 {"size_bytes", s.db_bytes},
                 {"wal_bytes", s.wal_bytes},
                 {"queued_writes", s.queued_state},
                 {"write_errors", write_errors_},
                 {"schema_version", s.schema_version},
                 {"last_backup", s.last_backup ? json(s.last_backup->path.string()) : json(nullptr)},
                 {"last_backup_ts", s.last_backup ? json(s.last_backup->ts) : json(nullptr)},
                 {"recovered_at_start", store_->report().recovered}}}};
    } catch (const std::exception& e) {
        out = {{"database", {{"error", e.what()}}}};
    }
    return out;
}

void persistence::arm_commit(std::chrono::milliseconds after) {
    commit_timer_.expires_after(after);
    commit_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        bool more = false;
        try {
            // A backlog (thousands of updates per second) is written in slices with the loop
            // serving MQTT and the drivers in between: no stall long enough to back up the outbox.
            store_->flush(k_commit_slice_rows);
            more = store_->queued() > 0;
        } catch (const std::exception& e) {
            ++write_errors_;
            log::store().error("database: commit failed (will retry): {}", e.what());
        }
        arm_commit(more ? std::chrono::milliseconds(0) : std::chrono::milliseconds(cfg_.commit_interval_ms));
    });
}

void persistence::arm_purge(std::chrono::milliseconds after) {
    purge_timer_.expires_after(after);
    purge_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        bool more = false;
        try {
            more = store_->purge_step(clock_.now_ms(), 500);
        } catch (const std::exception& e) {
            log::store().error("database: purge failed: {}", e.what());
        }
        // Small steps while there is work, so the loop never stalls; otherwise once a minute.
        arm_purge(more ? std::chrono::milliseconds(200) : std::chrono::minutes(1));
    });
}

void persistence::arm_backup(std::chrono::milliseconds after) {
    backup_timer_.expires_after(after);
    backup_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        if (backup_thread_.joinable()) backup_thread_.join();  // the previous one finished long ago
        try {
            store_->flush();
        } catch (const std::exception& e) {
            log::store().error("database: flush before the scheduled backup failed: {}", e.what());
        }
        backup_thread_ = std::thread([this, now = clock_.now_ms()] {
            try {
                const backup_info info = store_->copy_backup(now);
                boost::asio::post(loop_, [this, info] {
                    if (stopped_) return;
                    try {
                        store_->record_backup(info);
                        log::store().info("database: backup written to {}", info.path.string());
                        // The copy's connection and thread left a malloc arena with freed pages
                        // (~3 MiB RSS on a 35 MB database): hand them back to the system.
                        ::malloc_trim(0);
                    } catch (const std::exception& e) {
                        log::store().error("database: backup rotation failed: {}", e.what());
                    }
                });
            } catch (const std::exception& e) {
                log::store().error("database: scheduled backup failed: {}", e.what());
            }
        });
        arm_backup(std::chrono::hours(cfg_.backup_interval_h));
    });
}

void persistence::on_device_added(const device_entry& device) { on_device_updated(device); }

void persistence::on_device_renamed(const device_entry& device) {
    try {
        store_->set_user_name(device.descriptor.id, device.descriptor.name, clock_.now_ms());
    } catch (const std::exception& e) {
        ++write_errors_;
        log::store().error("database: cannot store the name of device '{}': {}", device.descriptor.id, e.what());
    }
}

void persistence::on_device_updated(const device_entry& device) {
    try {
        store_->upsert_device({device.descriptor.id, device.descriptor.driver, device.descriptor.raw, clock_.now_ms()});
    } catch (const std::exception& e) {
        ++write_errors_;
        log::store().error("database: cannot store device '{}': {}", device.descriptor.id, e.what());
    }
}

void persistence::on_device_removed(const std::string& device_id) {
    try {
        store_->remove_device(device_id);
    } catch (const std::exception& e) {
        ++write_errors_;
        log::store().error("database: cannot remove device '{}': {}", device_id, e.what());
    }
}

void persistence::on_state_changed(const device_entry& device, const json& changed) {
    const time_ms now = clock_.now_ms();
    for (const auto& [prop, value] : changed.items()) {
        store_->queue_state(device.descriptor.id, prop, value, now);
        // The activity log keeps what people and devices did: switches and modes, not readings.
        if (value.is_boolean() || value.is_string()) {
            record_activity({now, device.descriptor.id, activity_kind::state, prop, value, "device"});
        }
    }
}

void persistence::on_device_event(const device_entry& device, const json& event) {
    const std::string type = event.value("event_type", std::string());
    if (type == "snapshot") return;  // media is not history
    const time_ms ts = event.value("ts", clock_.now_ms());
    store_->append_event({device.descriptor.id, type, event, ts});
    json detail = event;
    detail.erase("event_type");
    detail.erase("ts");
    if (detail.dump().size() > k_activity_detail_max) detail = json::object();  // the fact, not the bulk
    record_activity({ts, device.descriptor.id, activity_kind::event, type, std::move(detail), "device"});
}

void persistence::on_command_sent(const device_entry& device, const device_command& command,
                                  const command_source& source) {
    // params only: a lock's PIN travels in command.code and is never written.
    json params = command.params;
    if (params.dump().size() > k_activity_detail_max) params = json::object();
    record_activity(
        {clock_.now_ms(), device.descriptor.id, activity_kind::command, command.name, std::move(params), source.kind});
}

void persistence::record_activity(activity_record record) {
    if (activity_listener_) activity_listener_(record);
    store_->append_activity(std::move(record));
}

}  // namespace hearth
