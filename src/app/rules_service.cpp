// Rules glue (see rules_service.hpp).
#include "app/rules_service.hpp"

#include "core/json_fields.hpp"
#include "core/json_input.hpp"
#include "rules/trace.hpp"
#include "log/log.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace hearth {

using json = nlohmann::json;
namespace asio = boost::asio;

namespace {

constexpr const char* last_alive_key = "rules.last_alive";
constexpr std::chrono::milliseconds max_timer_wait{60'000};

std::optional<rules::geo_location> location_of(const config& cfg) {
    if (!cfg.location) return std::nullopt;
    return rules::geo_location{cfg.location->latitude, cfg.location->longitude};
}

json errors_json(const located_errors& errors) {
    json out = json::array();
    for (const auto& e : errors) out.push_back({{"file", e.file}, {"pointer", e.where()}, {"reason", e.reason}});
    return out;
}

}  // namespace

rules_service::rules_service(asio::io_context& loop, const clock_source& clock, gateway& gw, store& db,
                             const config& cfg)
    : loop_(loop),
      clock_(clock),
      gw_(gw),
      db_(db),
      cfg_(cfg),
      engine_(
          [&gw](const std::string& device, const std::string& property) -> const json* {
              const device_entry* d = gw.registry().find(device);
              if (d == nullptr) return nullptr;
              auto it = d->state.find(property);
              return it == d->state.end() ? nullptr : &*it;
          },
          location_of(cfg), cfg.energy),
      timer_(loop),
      heartbeat_(loop) {}

rules_service::~rules_service() {
    *alive_ = false;
    stop();
}

void rules_service::start(mqtt::bridge* bridge) {
    bridge_ = bridge;
    for (const auto& [id, d] : gw_.registry().all()) last_state_[id] = d.state;
    try {
        engine_.restore_timers(db_.load_timers());
    } catch (const std::exception& e) {
        log::rules().error("rules: cannot read pending timers: {}", e.what());
    }
    if (bridge_ != nullptr) register_requests();
}

void rules_service::stop() {
    if (stopped_) return;
    stopped_ = true;
    timer_.cancel();
    heartbeat_.cancel();
    if (!engine_.started()) return;
    try {
        db_.set_meta(last_alive_key, std::to_string(clock_.now_ms()));
    } catch (const std::exception& e) {
        log::rules().warn("rules: cannot record the stop time: {}", e.what());
    }
}

rules::load_options rules_service::load_options(bool with_devices) const {
    rules::load_options o;
    o.have_location = cfg_.location.has_value();
    if (with_devices) {
        o.devices = [this](const std::string& id) -> const device_descriptor* {
            const device_entry* d = gw_.registry().find(id);
            return d == nullptr ? nullptr : &d->descriptor;
        };
    }
    return o;
}

located_errors rules_service::check_scene_dir(const config& cfg) {
    rules::load_options o;
    o.have_location = cfg.location.has_value();
    auto result = rules::load_scene_dir(cfg.scenes_dir, o);
    if (result) return {};
    return std::move(result).error();
}

std::map<std::string, bool> rules_service::stored_enabled() {
    std::map<std::string, bool> out;
    try {
        for (const auto& r : db_.load_rules()) out[r.id] = r.enabled;
    } catch (const std::exception& e) {
        log::rules().error("rules: cannot read stored rules: {}", e.what());
    }
    return out;
}

std::optional<rules::rule_set> rules_service::stored_rule_set() {
    std::map<std::string, json> docs;  // source file -> {"scenes": [...], "automations": [...]}
    try {
        for (const auto& r : db_.load_rules()) {
            auto& doc = docs[r.source_file];
            doc[r.kind == "scene" ? "scenes" : "automations"].push_back(r.definition);
        }
    } catch (const std::exception& e) {
        log::rules().error("rules: cannot read stored rules: {}", e.what());
        return std::nullopt;
    }
    std::vector<rules::source_file> files;
    files.reserve(docs.size());
    for (const auto& [file, doc] : docs) files.push_back({file, doc.dump()});
    // Device checks are skipped: this set was accepted before, and a device that disappeared
    // since then shows up as a failed command in the trace instead of disabling every rule.
    auto result = rules::load_scene_sources(files, load_options(false));
    if (!result) {
        for (const auto& e : result.error())
            log::rules().error("rules: stored rule set: {}", e.to_string(rules::scene_labels));
    }
    return std::move(result).to_optional();
}

void rules_service::store_rule_set(const rules::rule_set& set) {
    const auto enabled = stored_enabled();
    const time_ms now = clock_.now_ms();
    try {
        for (const auto& [id, s] : set.scenes) db_.upsert_rule({id, "scene", s.file, s.definition, true, now});
        for (const auto& [id, a] : set.automations) {
            auto e = enabled.find(id);
            db_.upsert_rule({id, "automation", a.file, a.definition, e != enabled.end() ? e->second : a.enabled, now});
        }
        for (const auto& [id, _] : enabled) {
            if (!set.scenes.contains(id) && !set.automations.contains(id)) db_.remove_rule(id);
        }
    } catch (const std::exception& e) {
        ++store_errors_;
        log::rules().error("rules: cannot store the rule set: {}", e.what());
    }
}

located_errors rules_service::reload() {
    auto result = rules::load_scene_dir(cfg_.scenes_dir, load_options(true));
    if (!result) {
        const located_errors& errors = result.error();
        for (const auto& e : errors) log::rules().error("rules: {}", e.to_string(rules::scene_labels));
        log::rules().error("rules: scene files refused ({} problems); the running rules are unchanged", errors.size());
        publish({{"type", "rules_reload_failed"}, {"errors", errors_json(errors)}, {"ts", clock_.now_ms()}});
        return errors;
    }
    log::rules().info("rules: loaded {} automations and {} scenes from {}", result->automations.size(),
                      result->scenes.size(), cfg_.scenes_dir);
    store_rule_set(*result);
    apply(engine_.load(std::move(*result), stored_enabled(), clock_.now_ms()));
    return {};
}

void rules_service::on_drivers_ready() {
    if (engine_.started() || stopped_) return;
    if (!reload().empty()) {
        if (auto stored = stored_rule_set()) {
            log::rules().warn("rules: running the last good rule set from the database ({} automations)",
                              stored->automations.size());
            apply(engine_.load(std::move(*stored), stored_enabled(), clock_.now_ms()));
        }
    }
    std::optional<time_ms> last_alive;
    try {
        if (auto v = db_.meta(last_alive_key)) last_alive = std::stoll(*v);
    } catch (const std::exception& e) {
        log::rules().warn("rules: no usable last stop time ({}); missed time triggers are skipped", e.what());
    }
    apply(engine_.start(clock_.now_ms(), last_alive));
    arm_heartbeat();
    log::rules().info("rules: running ({} automations, {} pending runs)", engine_.rules().automations.size(),
                      engine_.active_runs());
}

void rules_service::on_device_added(const device_entry& device) { on_device_updated(device); }

void rules_service::on_device_updated(const device_entry& device) {
    last_state_.try_emplace(device.descriptor.id, device.state);
}

void rules_service::on_state_changed(const device_entry& device, const json& changed) {
    auto& last = last_state_[device.descriptor.id];
    const time_ms now = clock_.now_ms();
    for (const auto& [property, value] : changed.items()) {
        json old = last.contains(property) ? last[property] : json(nullptr);
        last[property] = value;
        if (engine_.started()) apply(engine_.on_state_change(device.descriptor.id, property, old, value, now));
    }
}

void rules_service::on_device_event(const device_entry& device, const json& event) {
    if (engine_.started()) apply(engine_.on_event(device.descriptor.id, event, clock_.now_ms()));
}

void rules_service::apply(const rules::effects& effects) {
    for (const auto& e : effects) {
        try {
            execute(e);
        } catch (const std::exception& ex) {
            ++store_errors_;
            log::rules().error("rules: [{}] cannot record {}: {}", e.rule, e.run, ex.what());
        }
    }
    arm_timer();
}

void rules_service::execute(const rules::effect& e) {
    using kind = rules::effect::kind;
    switch (e.what) {
    case kind::command: {
        // One line per command a run sends: every run that acts shows in the log.
        log::rules().info("rules: [{}] run {}: {} {}", e.rule, e.run, e.device, e.command.name);
        std::weak_ptr<bool> alive = alive_;
        const std::uint64_t token = e.token;
        gw_.execute(e.device, e.command, command_source{"rule", e.rule},
                    [this, alive, token](const command_outcome& o) {
                        // Posted: the gateway may answer synchronously, and the engine is not re-entrant.
                        asio::post(loop_, [this, alive, token, o] {
                            if (alive.expired() || !*alive.lock()) return;
                            apply(engine_.on_command_result(token, o.ok, o.error, clock_.now_ms()));
                        });
                    });
        break;
    }
    case kind::notify:
        log::rules().info("rules: [{}] notify: {}", e.rule, e.data.value("message", ""));
        publish(e.data);
        break;
    case kind::rule_failed:
        log::rules().warn("rules: [{}] run {} failed: {}", e.rule, e.run, e.data.value("error", ""));
        publish(e.data);
        break;
    case kind::set_enabled: db_.set_rule_enabled(e.rule, e.enabled, clock_.now_ms()); break;
    case kind::save_timer: db_.upsert_timer({e.rule, e.run, e.due, e.data}); break;
    case kind::drop_timer: db_.remove_timer(e.rule, e.run); break;
    case kind::trace: {
        const std::string result = e.data.value("result", std::string());
        const std::string error = e.data.value("error", std::string());
        log::rules().log(result == "condition_failed" ? spdlog::level::debug : spdlog::level::info,
                         "rules: [{}] run {} finished: {}{}{}", e.rule, e.run, result, error.empty() ? "" : ": ",
                         error);
        db_.append_trace({e.rule, e.run, clock_.now_ms(), e.data});
        break;
    }
    }
}

void rules_service::publish(const json& event) {
    if (bridge_ != nullptr) bridge_->publish_bridge_event(event);
}

void rules_service::arm_timer() {
    if (stopped_) return;
    const auto deadline = engine_.next_deadline();
    if (!deadline) {
        timer_.cancel();
        return;
    }
    const auto wait = std::clamp(std::chrono::milliseconds(*deadline - clock_.now_ms()), std::chrono::milliseconds(0),
                                 max_timer_wait);
    timer_.expires_after(wait);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        apply(engine_.tick(clock_.now_ms()));
    });
}

void rules_service::arm_heartbeat() {
    heartbeat_.expires_after(std::chrono::minutes(1));
    heartbeat_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        try {
            db_.set_meta(last_alive_key, std::to_string(clock_.now_ms()));
        } catch (const std::exception& e) {
            log::rules().warn("rules: cannot record the heartbeat: {}", e.what());
        }
        arm_heartbeat();
    });
}

json rules_service::health() const {
    return {{"rules",
             {{"running", engine_.started()},
              {"automations", engine_.rules().automations.size()},
              {"scenes", engine_.rules().scenes.size()},
              {"active_runs", engine_.active_runs()},
              {"store_errors", store_errors_}}}};
}

void rules_service::register_requests() {
    using mqtt::request_reply;
    using reply_fn = std::function<void(request_reply)>;
    bridge_->add_request("rules", [this](const json&, const reply_fn& reply) {
        json list = json::array();
        for (const auto& r : engine_.status()) {
            json item = {{"id", r.id}, {"kind", r.kind}, {"name", r.name}, {"file", r.file}, {"enabled", r.enabled}};
            if (r.kind == "scene") {
                const auto& last = last_activation(r.id);
                item["last_run"] = last.is_object() ? last.value("finished", json(nullptr)) : json(nullptr);
                item["last_result"] = last.is_object() ? last.value("result", json(nullptr)) : json(nullptr);
                if (last.is_object() && last.contains("error")) item["last_error"] = last["error"];
            }
            if (r.kind == "automation") {
                item["last_run"] = r.last_run ? json(*r.last_run) : json(nullptr);
                item["last_result"] = r.last_result.empty() ? json(nullptr) : json(r.last_result);
                item["active_runs"] = r.active_runs;
                item["queued_runs"] = r.queued_runs;
                item["skipped_runs"] = r.skipped_runs;
            }
            list.push_back(std::move(item));
        }
        reply(request_reply::success({{"running", engine_.started()}, {"rules", std::move(list)}}));
    });
    for (const bool enable : {true, false}) {
        bridge_->add_request(enable ? "rule/enable" : "rule/disable",
                             [this, enable](const json& args, const reply_fn& reply) {
                                 field_reader f(args);
                                 const auto id = f.required_string("rule");
                                 if (!id) return reply(request_reply::failure(f.error()));
                                 auto effects = engine_.set_enabled(*id, enable, clock_.now_ms());
                                 if (!effects)
                                     return reply(request_reply::failure("unknown automation '" + echo(*id) + "'"));
                                 apply(*effects);
                                 reply(request_reply::success({{"rule", *id}, {"enabled", enable}}));
                             });
    }
    bridge_->add_request("rule/run", [this](const json& args, const reply_fn& reply) {
        field_reader f(args);
        const auto id = f.required_string("rule");
        if (!id) return reply(request_reply::failure(f.error()));
        if (!engine_.started()) return reply(request_reply::failure("rules are not running yet (waiting for drivers)"));
        auto effects = engine_.run(*id, clock_.now_ms());
        if (!effects) return reply(request_reply::failure("unknown automation '" + echo(*id) + "'"));
        apply(*effects);
        reply(request_reply::success({{"rule", *id}}));
    });
    bridge_->add_request("scene/activate", [this](const json& args, const reply_fn& reply) {
        field_reader f(args);
        const auto id = f.required_string("scene");
        if (!id) return reply(request_reply::failure(f.error()));
        activate_scene(*id, reply);
    });
    bridge_->add_request("config/reload", [this](const json&, const reply_fn& reply) {
        const auto errors = reload();
        if (errors.empty()) {
            return reply(request_reply::success(
                {{"automations", engine_.rules().automations.size()}, {"scenes", engine_.rules().scenes.size()}}));
        }
        reply(request_reply{false,
                            {{"errors", errors_json(errors)}},
                            std::to_string(errors.size()) +
                                " problem(s) in scene files, running rules unchanged; first: " +
                                errors.front().to_string(rules::scene_labels)});
    });
    bridge_->add_request("trace", [this](const json& args, const reply_fn& reply) {
        field_reader f(args);
        const auto id = f.required_string("rule");
        if (!id) return reply(request_reply::failure(f.error()));
        const auto limit = f.optional_integer("limit", 1, 100, "runs");
        if (f.failed()) return reply(request_reply::failure(f.error()));
        try {
            // Runs still in progress first (newest first), then the stored finished ones.
            const auto n = static_cast<std::size_t>(limit.value_or(20));
            json list = json::array();
            for (auto& t : engine_.running_traces(*id)) {
                if (list.size() < n) list.push_back(std::move(t));
            }
            if (list.size() < n) {
                for (const auto& t : db_.list_traces(*id, n - list.size())) list.push_back(t.trace);
            }
            reply(request_reply::success(std::move(list)));
        } catch (const std::exception& e) {
            reply(request_reply::failure(std::string("trace query failed: ") + e.what()));
        }
    });
}

void rules_service::record_activation(const std::string& scene, json trace, const std::string& errors) {
    const time_ms now = clock_.now_ms();
    rules::trace::finish(trace, now, errors.empty() ? "ok" : "failed", errors);
    log::rules().info("rules: [{}] scene activation finished: {}{}{}", scene, errors.empty() ? "ok" : "failed",
                      errors.empty() ? "" : ": ", errors);
    last_activation_[scene] = trace;
    try {
        db_.append_trace({scene, trace.value("run", std::string()), now, trace});
    } catch (const std::exception& e) {
        ++store_errors_;
        log::rules().error("rules: [{}] cannot record the activation: {}", scene, e.what());
    }
}

const json& rules_service::last_activation(const std::string& scene) {
    auto it = last_activation_.find(scene);
    if (it != last_activation_.end()) return it->second;
    json last = nullptr;  // not activated since the start: the newest stored activation, if any
    try {
        const auto stored = db_.list_traces(scene, 1);
        if (!stored.empty()) last = stored.front().trace;
    } catch (const std::exception& e) {
        log::rules().warn("rules: [{}] cannot read the last activation: {}", scene, e.what());
    }
    return last_activation_.emplace(scene, std::move(last)).first->second;
}

void rules_service::activate_scene(const std::string& id, const std::function<void(mqtt::request_reply)>& reply) {
    using mqtt::request_reply;
    auto commands = engine_.scene_commands(id);
    if (!commands) return reply(request_reply::failure("unknown scene '" + echo(id) + "'"));
    if (commands->empty()) return reply(request_reply::success({{"scene", id}, {"results", json::array()}}));
    // One reply once every command answered: ok when all succeeded, else the errors.
    struct pending_reply {
        std::size_t left = 0;
        json results = json::array();
        std::string errors;
    };
    auto state = std::make_shared<pending_reply>();
    state->left = commands->size();
    // The activation is traced like an automation run (trigger "activate", one action per
    // device command) and shown as the scene's last activation in `rules`.
    const time_ms started = clock_.now_ms();
    const std::string run_id = id + "-" + std::to_string(started) + "-" + std::to_string(++scene_runs_);
    auto trace = std::make_shared<json>(rules::trace::begin(id, run_id, started, {{"type", "activate"}}));
    for (std::size_t i = 0; i < commands->size(); ++i) {
        json entry = rules::trace::action_entry(i, "command", started);
        entry["device"] = (*commands)[i].first;
        entry["command"] = (*commands)[i].second.name;
        if (!(*commands)[i].second.params.empty()) entry["params"] = (*commands)[i].second.params;
        (*trace)["actions"].push_back(std::move(entry));
    }
    log::rules().info("rules: [{}] scene activated ({} commands)", id, commands->size());
    std::weak_ptr<bool> alive = alive_;
    for (std::size_t i = 0; i < commands->size(); ++i) {
        auto& [device, command] = (*commands)[i];
        gw_.execute(device, std::move(command), command_source{"rule", "scene:" + id},
                    [this, alive, state, trace, i, reply, device = device, scene = id](const command_outcome& o) {
                        state->results.push_back({{"device", device}, {"ok", o.ok}, {"error", o.error}});
                        if (!o.ok) state->errors += (state->errors.empty() ? "" : "; ") + device + ": " + o.error;
                        json& entry = (*trace)["actions"][i];
                        entry["result"] = o.ok ? "ok" : "error";
                        if (!o.ok) entry["error"] = o.error;
                        if (--state->left > 0) return;
                        if (!alive.expired() && *alive.lock())
                            record_activation(scene, std::move(*trace), state->errors);
                        if (state->errors.empty()) {
                            reply(request_reply::success({{"scene", scene}, {"results", state->results}}));
                        } else {
                            reply(request_reply{false, {{"scene", scene}, {"results", state->results}}, state->errors});
                        }
                    });
    }
}

}  // namespace hearth
