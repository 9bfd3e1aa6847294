// The rules engine, part 1: rule set lifecycle (load, restore, start), trigger matching and the
// schedule of timed things (time/sun/interval triggers, `for` windows, run timers). Runs, modes,
// conditions and actions are in engine_runs.cpp.
//
// Schedule keys: "T|<rule>|<trigger>" time/sun/interval trigger, "F|<rule>|<trigger>" a `for`
// window, "R|<run id>" a run's delay or wait timeout. Ids never contain '|'.
#include "rules/engine.hpp"

#include <algorithm>

#include "rules/time_calc.hpp"

namespace hearth::rules {

using json = nlohmann::json;

namespace {

/// FNV-1a: a hash that is stable across processes and builds (persisted with timers).
std::uint64_t stable_hash(const std::string& s) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

std::string schedule_key(char kind, const std::string& rule, std::size_t index) {
    return std::string(1, kind) + "|" + rule + "|" + std::to_string(index);
}

/// Splits "K|rule|index" into its rule and index.
std::pair<std::string, std::size_t> split_key(const std::string& key) {
    const auto last = key.rfind('|');
    return {key.substr(2, last - 2), static_cast<std::size_t>(std::stoul(key.substr(last + 1)))};
}

bool in_range(const json& v, std::optional<double> above, std::optional<double> below) {
    if (!v.is_number()) return false;
    const double d = v.get<double>();
    return (!above || d > *above) && (!below || d < *below);
}

std::string for_run_id(std::size_t index) { return "for-" + std::to_string(index); }

}  // namespace

engine::engine(state_view state, std::optional<geo_location> where, energy_config tariffs)
    : state_(std::move(state)), where_(where), tariffs_(std::move(tariffs)) {}

effects engine::load(rule_set rules, const std::map<std::string, bool>& enabled, time_ms now) {
    loop_thread_.assert_on_loop_thread("engine::load");
    effects out;
    std::map<std::string, rule_state> next;
    for (const auto& [id, a] : rules.automations) {
        const std::size_t hash = stable_hash(a.definition.dump());
        auto old = rule_states_.find(id);
        if (old != rule_states_.end() && old->second.definition_hash == hash) continue;  // kept below
        rule_state st;
        st.definition_hash = hash;
        auto e = enabled.find(id);
        st.enabled = e != enabled.end() ? e->second : a.enabled;
        if (old != rule_states_.end()) {
            st.last_run = old->second.last_run;
            st.last_result = old->second.last_result;
        }
        next.emplace(id, std::move(st));
    }
    // Rules that changed or are gone: cancel what they were doing (with the old definitions).
    for (auto& [id, st] : rule_states_) {
        auto n = next.find(id);
        const bool gone = !rules.automations.contains(id);
        if (!gone && n == next.end()) continue;  // unchanged
        st.queue.clear();
        cancel_runs(id, gone ? "rule removed" : "rule definition changed", now, out);
        for (const auto& [key, due] : scheduled_) {
            if (key[0] == 'F' && split_key(key).first == id)
                out.push_back(effect::of(effect::kind::drop_timer, id, for_run_id(split_key(key).second)));
        }
        disarm_rule(id);
    }
    for (auto& [id, st] : rule_states_) {
        if (rules.automations.contains(id) && !next.contains(id)) next.emplace(id, std::move(st));
    }
    rule_states_ = std::move(next);
    rules_ = std::move(rules);
    index_rules();
    if (started_) {
        for (const auto& [id, a] : rules_.automations) {
            for (std::size_t i = 0; i < a.triggers.size(); ++i) {
                if (!scheduled_.contains(schedule_key('T', id, i))) arm_time_trigger(id, i, now);
            }
        }
    }
    return out;
}

void engine::index_rules() {
    by_device_.clear();
    for (const auto& [id, a] : rules_.automations) {
        for (std::size_t i = 0; i < a.triggers.size(); ++i) {
            const auto type = a.triggers[i].type;
            if (type == trigger_type::state || type == trigger_type::numeric || type == trigger_type::event)
                by_device_[a.triggers[i].device].push_back({id, i});
        }
    }
}

void engine::restore_timers(const std::vector<pending_timer>& timers) {
    restored_.insert(restored_.end(), timers.begin(), timers.end());
}

effects engine::start(time_ms now, std::optional<time_ms> last_alive) {
    loop_thread_.assert_on_loop_thread("engine::start");
    effects out;
    started_ = true;
    for (const auto& [id, a] : rules_.automations) {
        for (std::size_t i = 0; i < a.triggers.size(); ++i) arm_time_trigger(id, i, now);
    }
    for (const auto& t : restored_) restore_one(t, now, out);
    restored_.clear();
    for (const auto& [id, a] : rules_.automations) {
        if (a.catch_up != catch_up_policy::fire_once || !last_alive || *last_alive >= now) continue;
        for (std::size_t i = 0; i < a.triggers.size(); ++i) {
            const auto missed = next_occurrence(a.triggers[i], *last_alive);
            if (!missed || *missed > now) continue;
            fire(id,
                 {{"index", i}, {"type", to_string(a.triggers[i].type)}, {"scheduled", *missed}, {"catch_up", true}},
                 now, true, out);
            break;  // once per rule, however many occurrences were missed
        }
    }
    for (const auto& [id, a] : rules_.automations) {
        for (std::size_t i = 0; i < a.triggers.size(); ++i) {
            if (a.triggers[i].type == trigger_type::start) fire(id, {{"index", i}, {"type", "start"}}, now, true, out);
        }
    }
    auto due = tick(now);  // restored delays that expired while the hub was down
    out.insert(out.end(), std::make_move_iterator(due.begin()), std::make_move_iterator(due.end()));
    return out;
}

void engine::restore_one(const pending_timer& timer, time_ms now, effects& out) {
    const json& p = timer.payload;
    auto a = rules_.automations.find(timer.rule_id);
    auto st = rule_states_.find(timer.rule_id);
    const bool usable = a != rules_.automations.end() && st != rule_states_.end() && st->second.enabled &&
                        p.is_object() && p.value("hash", std::uint64_t{0}) == st->second.definition_hash;
    auto drop = [&] { out.push_back(effect::of(effect::kind::drop_timer, timer.rule_id, timer.run_id)); };
    if (!usable) return drop();
    const std::string kind = p.value("kind", "");
    if (kind == "for") {
        const std::size_t index = p.value("trigger", std::size_t{0});
        if (index >= a->second.triggers.size()) return drop();
        const trigger& t = a->second.triggers[index];
        const json* value = state_(t.device, t.property);
        const bool holds = value != nullptr && (t.type == trigger_type::numeric ? in_range(*value, t.above, t.below)
                                                                                : (t.to && *value == *t.to));
        if (!holds) return drop();
        const std::string key = schedule_key('F', timer.rule_id, index);
        for_context_[key] = p.value("info", json::object());
        arm(key, timer.due_ts);
        return;
    }
    const std::size_t pc = p.value("pc", std::size_t{0});
    const auto& actions = a->second.actions;
    // A "delay" timer is a delay action, or a run_when_cheapest waiting for its start.
    const auto fits = [&](action_type t) {
        return kind == "wait" ? t == action_type::wait
                              : kind == "delay" && (t == action_type::delay || t == action_type::run_when_cheapest);
    };
    if (pc >= actions.size() || !fits(actions[pc].type)) return drop();
    run_state run;
    run.rule = timer.rule_id;
    run.id = timer.run_id;
    run.pc = pc;
    run.on = kind == "delay" ? suspended::delay : suspended::wait;
    run.due = p.value("due", time_ms{0});
    run.persisted = true;
    run.trace = p.value("trace", json::object());
    run.trace["resumed"] = true;
    st->second.runs.insert(run.id);
    auto& r = runs_.emplace(run.id, std::move(run)).first->second;
    if (r.on == suspended::wait && holds(actions[pc].until)) return resume(r, now, out);
    if (r.due > 0) arm("R|" + r.id, r.due);
}

std::optional<time_ms> engine::next_deadline() const {
    if (schedule_.empty()) return std::nullopt;
    return schedule_.begin()->first;
}

void engine::arm(const std::string& key, time_ms due) {
    disarm(key);
    scheduled_[key] = due;
    schedule_.insert({due, key});
}

void engine::disarm(const std::string& key) {
    auto it = scheduled_.find(key);
    if (it == scheduled_.end()) return;
    schedule_.erase({it->second, key});
    scheduled_.erase(it);
}

void engine::disarm_rule(const std::string& rule) {
    std::vector<std::string> keys;
    for (const auto& [key, due] : scheduled_) {
        if (key[0] != 'R' && split_key(key).first == rule) keys.push_back(key);
    }
    for (const auto& k : keys) {
        disarm(k);
        for_context_.erase(k);
    }
}

std::optional<time_ms> engine::next_occurrence(const trigger& t, time_ms after) const {
    if (t.type == trigger_type::time) return next_time_of_day(after, t.at_s, t.days);
    if (t.type == trigger_type::sun && where_)
        return next_sun_event(after, t.sunrise, t.offset_ms, t.days, where_->latitude, where_->longitude);
    return std::nullopt;
}

void engine::arm_time_trigger(const std::string& rule, std::size_t index, time_ms after) {
    const trigger& t = rules_.automations.at(rule).triggers[index];
    std::optional<time_ms> due;
    if (t.type == trigger_type::interval) {
        due = after + t.every_ms;
    } else {
        due = next_occurrence(t, after);
    }
    if (due) arm(schedule_key('T', rule, index), *due);
}

effects engine::on_state_change(const std::string& device, const std::string& property, const json& old_value,
                                const json& new_value, time_ms now) {
    loop_thread_.assert_on_loop_thread("engine::on_state_change");
    effects out;
    if (!started_) return out;
    if (auto it = by_device_.find(device); it != by_device_.end()) {
        for (const auto& ref : it->second) {
            const trigger& t = rules_.automations.at(ref.rule).triggers[ref.index];
            if (t.type != trigger_type::event && t.property == property)
                state_trigger(ref, old_value, new_value, now, out);
        }
    }
    check_waits(device, property, now, out);
    return out;
}

void engine::state_trigger(const trigger_ref& ref, const json& old_value, const json& new_value, time_ms now,
                           effects& out) {
    const trigger& t = rules_.automations.at(ref.rule).triggers[ref.index];
    bool entered = false;
    bool holds_now = false;
    if (t.type == trigger_type::state) {
        entered = old_value != new_value && (!t.from || old_value == *t.from) && (!t.to || new_value == *t.to);
        holds_now = t.to && new_value == *t.to;
    } else {
        holds_now = in_range(new_value, t.above, t.below);
        entered = holds_now && !in_range(old_value, t.above, t.below);
    }
    json info = {{"index", ref.index},     {"type", to_string(t.type)}, {"device", t.device},
                 {"property", t.property}, {"from", old_value},         {"to", new_value}};
    if (t.for_ms == 0) {
        if (entered) fire(ref.rule, std::move(info), now, true, out);
        return;
    }
    const std::string key = schedule_key('F', ref.rule, ref.index);
    if (scheduled_.contains(key) && !holds_now) {
        disarm(key);
        for_context_.erase(key);
        out.push_back(effect::of(effect::kind::drop_timer, ref.rule, for_run_id(ref.index)));
    }
    if (!entered || scheduled_.contains(key) || !rule_states_.at(ref.rule).enabled) return;
    const time_ms due = now + t.for_ms;
    arm(key, due);
    for_context_[key] = info;
    auto save = effect::of(effect::kind::save_timer, ref.rule, for_run_id(ref.index));
    save.due = due;
    save.data = {{"kind", "for"},
                 {"trigger", ref.index},
                 {"hash", rule_states_.at(ref.rule).definition_hash},
                 {"info", std::move(info)}};
    out.push_back(std::move(save));
}

effects engine::on_event(const std::string& device, const json& event, time_ms now) {
    loop_thread_.assert_on_loop_thread("engine::on_event");
    effects out;
    if (!started_) return out;
    auto it = by_device_.find(device);
    if (it == by_device_.end()) return out;
    const std::string type = event.value("event_type", "");
    for (const auto& ref : it->second) {
        const trigger& t = rules_.automations.at(ref.rule).triggers[ref.index];
        if (t.type != trigger_type::event || t.event_type != type) continue;
        bool match = true;
        for (const auto& [k, v] : t.event_data.items()) {
            auto f = event.find(k);
            match = match && f != event.end() && *f == v;
        }
        if (!match) continue;
        fire(ref.rule,
             {{"index", ref.index}, {"type", "event"}, {"device", device}, {"event_type", type}, {"data", event}}, now,
             true, out);
    }
    return out;
}

effects engine::tick(time_ms now) {
    loop_thread_.assert_on_loop_thread("engine::tick");
    effects out;
    if (!started_) return out;
    while (!schedule_.empty() && schedule_.begin()->first <= now) {
        auto [due, key] = *schedule_.begin();
        schedule_.erase(schedule_.begin());
        scheduled_.erase(key);
        fire_timer(key, due, now, out);
    }
    return out;
}

void engine::fire_timer(const std::string& key, time_ms due, time_ms now, effects& out) {
    if (key[0] == 'R') {
        auto it = runs_.find(key.substr(2));
        if (it != runs_.end()) resume(it->second, now, out);
        return;
    }
    const auto [rule, index] = split_key(key);
    auto a = rules_.automations.find(rule);
    if (a == rules_.automations.end() || index >= a->second.triggers.size()) return;
    const trigger& t = a->second.triggers[index];
    if (key[0] == 'F') {
        json info = for_context_[key];
        for_context_.erase(key);
        info["for_ms"] = t.for_ms;
        out.push_back(effect::of(effect::kind::drop_timer, rule, for_run_id(index)));
        fire(rule, std::move(info), now, true, out);
        return;
    }
    fire(rule, {{"index", index}, {"type", to_string(t.type)}, {"scheduled", due}}, now, true, out);
    if (t.type == trigger_type::interval) {
        arm(key, due + t.every_ms > now ? due + t.every_ms : now + t.every_ms);
    } else {
        arm_time_trigger(rule, index, now);
    }
}

std::vector<rule_status> engine::status() const {
    std::vector<rule_status> out;
    for (const auto& [id, a] : rules_.automations) {
        const auto& st = rule_states_.at(id);
        out.push_back({id, "automation", a.name, a.file, st.enabled, st.last_run, st.last_result, st.runs.size(),
                       st.queue.size(), st.skipped});
    }
    for (const auto& [id, s] : rules_.scenes) out.push_back({id, "scene", s.name, s.file, true, {}, {}, 0, 0, 0});
    return out;
}

std::vector<nlohmann::json> engine::running_traces(const std::string& rule) const {
    std::vector<nlohmann::json> out;
    const auto st = rule_states_.find(rule);
    if (st == rule_states_.end()) return out;
    for (const auto& id : st->second.runs) {
        const auto run = runs_.find(id);
        if (run == runs_.end()) continue;
        nlohmann::json t = run->second.trace;
        t["result"] = "running";
        out.push_back(std::move(t));
    }
    std::sort(out.begin(), out.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
        return a.value("started", std::int64_t{0}) > b.value("started", std::int64_t{0});
    });
    return out;
}

}  // namespace hearth::rules
