// The rules engine, part 2: what happens once a trigger fired — condition evaluation (recorded in
// the trace), run modes, and the action interpreter that suspends a run on commands, delays and
// waits and resumes it on command results, timers and state changes. run_when_cheapest plans its
// start (cheapest_plan.hpp) and then waits like a delay before sending its command.
#include "rules/engine.hpp"

#include "rules/cheapest_plan.hpp"
#include "rules/time_calc.hpp"
#include "rules/trace.hpp"

namespace hearth::rules {

using json = nlohmann::json;

namespace {

bool in_range(const json& v, std::optional<double> above, std::optional<double> below) {
    if (!v.is_number()) return false;
    const double d = v.get<double>();
    return (!above || d > *above) && (!below || d < *below);
}

bool in_window(int s, std::optional<int> after, std::optional<int> before) {
    if (after && before) return *after < *before ? (s >= *after && s < *before) : (s >= *after || s < *before);
    if (after) return s >= *after;
    if (before) return s < *before;
    return true;
}

}  // namespace

void engine::fire(const std::string& rule, json trigger_info, time_ms now, bool check_conditions, effects& out) {
    auto a = rules_.automations.find(rule);
    if (a == rules_.automations.end()) return;
    auto& st = rule_states_.at(rule);
    if (check_conditions && !st.enabled) return;  // a manual run (no conditions) works on a disabled rule
    const std::string run_id = rule + "-" + std::to_string(now) + "-" + std::to_string(next_run_++);
    json t = trace::begin(rule, run_id, now, std::move(trigger_info));
    bool pass = true;
    if (check_conditions) {
        for (std::size_t i = 0; i < a->second.conditions.size(); ++i) {
            json record;
            pass = evaluate(a->second.conditions[i], now, record) && pass;  // all evaluated, for the trace
            record["index"] = i;
            t["conditions"].push_back(std::move(record));
        }
    }
    if (!pass) {
        trace::finish(t, now, "condition_failed");
        st.last_run = now;
        st.last_result = "condition_failed";
        out.push_back(effect::of(effect::kind::trace, rule, run_id, std::move(t)));
        return;
    }
    const auto max = static_cast<std::size_t>(std::max(a->second.max, 1));
    switch (a->second.mode) {
    case run_mode::single:
        if (!st.runs.empty()) return void(++st.skipped);
        break;
    case run_mode::restart: cancel_runs(rule, "restarted by a new trigger", now, out); break;
    case run_mode::queued:
        if (!st.runs.empty()) {
            if (st.queue.size() < max) {
                st.queue.push_back({std::move(t)});
            } else {
                ++st.skipped;
            }
            return;
        }
        break;
    case run_mode::parallel:
        if (st.runs.size() >= max) return void(++st.skipped);
        break;
    }
    start_run(rule, std::move(t), now, out);
}

bool engine::evaluate(const condition& c, time_ms now, json& record) const {
    record = {{"type", to_string(c.type)}};
    bool ok = false;
    switch (c.type) {
    case condition_type::state:
    case condition_type::numeric: {
        const json* value = state_(c.device, c.property);
        record["device"] = c.device;
        record["property"] = c.property;
        record["value"] = value != nullptr ? *value : json(nullptr);
        if (c.type == condition_type::numeric) {
            ok = value != nullptr && in_range(*value, c.above, c.below);
        } else {
            ok = value != nullptr && (!c.is || *value == *c.is) && (!c.is_not || *value != *c.is_not);
        }
        break;
    }
    case condition_type::time: {
        const int s = local_seconds_of_day(now);
        record["local_seconds"] = s;
        ok = in_window(s, c.after_s, c.before_s) && (c.days & (1u << local_weekday(now))) != 0;
        break;
    }
    case condition_type::weekday: ok = (c.days & (1u << local_weekday(now))) != 0; break;
    case condition_type::all_of:
    case condition_type::any_of:
    case condition_type::none_of: {
        std::size_t passed = 0;
        json children = json::array();
        for (const auto& child : c.children) {
            json r;
            passed += evaluate(child, now, r) ? 1 : 0;
            children.push_back(std::move(r));
        }
        record["conditions"] = std::move(children);
        ok = c.type == condition_type::all_of   ? passed == c.children.size()
             : c.type == condition_type::any_of ? passed > 0
                                                : passed == 0;
        break;
    }
    }
    record["result"] = ok;
    return ok;
}

bool engine::holds(const condition& c) const {
    json ignored;
    return evaluate(c, 0, ignored);
}

void engine::start_run(const std::string& rule, json t, time_ms now, effects& out) {
    auto& st = rule_states_.at(rule);
    run_state run;
    run.rule = rule;
    run.id = t.at("run").get<std::string>();
    run.trace = std::move(t);
    st.runs.insert(run.id);
    st.last_run = now;
    st.last_result = "running";
    auto& r = runs_.emplace(run.id, std::move(run)).first->second;
    advance(r, now, out);
}

std::uint64_t engine::issue_command(run_state& run, const std::string& device, const device_command& command,
                                    effects& out) {
    const std::uint64_t token = next_token_++;
    token_runs_[token] = {run.id, device};
    run.tokens.insert(token);
    auto e = effect::of(effect::kind::command, run.rule, run.id);
    e.device = device;
    e.command = command;
    e.token = token;
    out.push_back(std::move(e));
    return token;
}

void engine::advance(run_state& run, time_ms now, effects& out) {
    const auto& actions = rules_.automations.at(run.rule).actions;
    while (run.pc < actions.size()) {
        const action& act = actions[run.pc];
        json entry = trace::action_entry(run.pc, to_string(act.type), now);
        switch (act.type) {
        case action_type::command:
            entry["device"] = act.device;
            entry["command"] = act.command.name;
            if (!act.command.params.empty()) entry["params"] = act.command.params;
            run.trace["actions"].push_back(std::move(entry));
            run.on = suspended::commands;
            run.command_error.clear();
            issue_command(run, act.device, act.command, out);
            return;
        case action_type::scene: {
            entry["scene"] = act.target;
            std::vector<std::pair<std::string, device_command>> commands;
            expand_scene(act.target, commands, 0);
            if (commands.empty()) break;
            run.trace["actions"].push_back(std::move(entry));
            run.on = suspended::commands;
            run.command_error.clear();
            for (const auto& [device, command] : commands) issue_command(run, device, command, out);
            return;
        }
        case action_type::delay:
            run.due = now + act.duration_ms;
            entry["until"] = run.due;
            run.trace["actions"].push_back(std::move(entry));
            run.on = suspended::delay;
            arm("R|" + run.id, run.due);
            persist(run, out);
            return;
        case action_type::wait:
            entry["device"] = act.until.device;
            entry["property"] = act.until.property;
            if (holds(act.until)) break;
            run.due = act.duration_ms > 0 ? now + act.duration_ms : 0;
            if (run.due > 0) entry["timeout_at"] = run.due;
            run.trace["actions"].push_back(std::move(entry));
            run.on = suspended::wait;
            if (run.due > 0) arm("R|" + run.id, run.due);
            persist(run, out);
            return;
        case action_type::notify: {
            json event = {
                {"type", "notify"}, {"rule", run.rule}, {"run", run.id}, {"message", act.message}, {"ts", now}};
            if (!act.title.empty()) event["title"] = act.title;
            out.push_back(effect::of(effect::kind::notify, run.rule, run.id, std::move(event)));
            entry["message"] = act.message;
            break;
        }
        case action_type::run_when_cheapest: return plan_cheapest(run, act, std::move(entry), now, out);
        case action_type::enable:
        case action_type::disable:
            entry["rule"] = act.target;
            apply_enabled(act.target, act.type == action_type::enable, now, out, run.id);
            break;
        }
        entry["result"] = "ok";  // the actions that completed synchronously
        run.trace["actions"].push_back(std::move(entry));
        ++run.pc;
    }
    finish(run.id, "ok", {}, now, out);
}

void engine::persist(run_state& run, effects& out) {
    auto e = effect::of(effect::kind::save_timer, run.rule, run.id);
    e.due = run.due;
    e.data = {{"kind", run.on == suspended::delay ? "delay" : "wait"},
              {"pc", run.pc},
              {"due", run.due},
              {"hash", rule_states_.at(run.rule).definition_hash},
              {"trace", run.trace}};
    out.push_back(std::move(e));
    run.persisted = true;
}

void engine::plan_cheapest(run_state& run, const action& act, json entry, time_ms now, effects& out) {
    entry["device"] = act.device;
    entry["command"] = act.command.name;
    if (!act.command.params.empty()) entry["params"] = act.command.params;
    const cheapest_plan plan = plan_cheapest_start(tariffs_, act, now);
    entry.update(plan.report);
    run.trace["actions"].push_back(std::move(entry));
    if (plan.start <= now) return send_deferred(run, act, now, out);
    run.due = plan.start;  // from here on exactly a delay: persisted, resumed after a restart
    run.on = suspended::delay;
    arm("R|" + run.id, run.due);
    persist(run, out);
}

void engine::send_deferred(run_state& run, const action& act, time_ms now, effects& out) {
    run.trace["actions"].back()["sent"] = now;
    run.on = suspended::commands;
    run.command_error.clear();
    issue_command(run, act.device, act.command, out);
}

void engine::resume(run_state& run, time_ms now, effects& out) {
    const action& act = rules_.automations.at(run.rule).actions[run.pc];
    if (run.trace["actions"].empty())
        run.trace["actions"].push_back(trace::action_entry(run.pc, to_string(act.type), now));
    json& entry = run.trace["actions"].back();
    disarm("R|" + run.id);
    if (run.persisted) {
        out.push_back(effect::of(effect::kind::drop_timer, run.rule, run.id));
        run.persisted = false;
    }
    if (act.type == action_type::run_when_cheapest) return send_deferred(run, act, now, out);
    entry["result"] = "ok";
    if (run.on == suspended::wait && !holds(act.until)) {
        entry["result"] = "timeout";
        if (!act.continue_on_timeout) {
            run.on = suspended::none;
            return finish(run.id, "timeout", "timed out waiting for " + act.until.device + "." + act.until.property,
                          now, out);
        }
    }
    run.on = suspended::none;
    ++run.pc;
    advance(run, now, out);
}

void engine::check_waits(const std::string& device, const std::string& property, time_ms now, effects& out) {
    std::vector<std::string> ready;
    for (const auto& [id, run] : runs_) {
        if (run.on != suspended::wait) continue;
        const condition& until = rules_.automations.at(run.rule).actions[run.pc].until;
        if (until.device == device && until.property == property && holds(until)) ready.push_back(id);
    }
    for (const auto& id : ready) {
        auto it = runs_.find(id);
        if (it != runs_.end() && it->second.on == suspended::wait) resume(it->second, now, out);
    }
}

effects engine::on_command_result(std::uint64_t token, bool ok, const std::string& error, time_ms now) {
    loop_thread_.assert_on_loop_thread("engine::on_command_result");
    effects out;
    auto t = token_runs_.find(token);
    if (t == token_runs_.end()) return out;
    const auto [run_id, device] = t->second;
    token_runs_.erase(t);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) return out;
    run_state& run = it->second;
    run.tokens.erase(token);
    if (!ok) run.command_error += (run.command_error.empty() ? "" : "; ") + device + ": " + error;
    if (!run.tokens.empty()) return out;
    const action& act = rules_.automations.at(run.rule).actions[run.pc];
    json& entry = run.trace["actions"].back();
    entry["result"] = run.command_error.empty() ? "ok" : "error";
    if (!run.command_error.empty()) entry["error"] = run.command_error;
    run.on = suspended::none;
    if (!run.command_error.empty() && !act.continue_on_error) {
        finish(run.id, "failed", "action " + std::to_string(run.pc) + " failed: " + run.command_error, now, out);
        return out;
    }
    ++run.pc;
    advance(run, now, out);
    return out;
}

void engine::finish(std::string run_id, std::string_view result, const std::string& error, time_ms now, effects& out) {
    auto it = runs_.find(run_id);
    if (it == runs_.end()) return;
    run_state run = std::move(it->second);
    runs_.erase(it);
    disarm("R|" + run_id);
    for (auto token : run.tokens) token_runs_.erase(token);
    if (run.persisted) out.push_back(effect::of(effect::kind::drop_timer, run.rule, run_id));
    trace::finish(run.trace, now, result, error);
    auto& st = rule_states_.at(run.rule);
    st.runs.erase(run_id);
    st.last_result = std::string(result);
    out.push_back(effect::of(effect::kind::trace, run.rule, run_id, std::move(run.trace)));
    if (result == "failed") {
        out.push_back(
            effect::of(effect::kind::rule_failed, run.rule, run_id,
                       {{"type", "rule_failed"}, {"rule", run.rule}, {"run", run_id}, {"error", error}, {"ts", now}}));
    }
    if (!st.queue.empty() && st.runs.empty() && st.enabled) {
        json next = std::move(st.queue.front().trace);
        st.queue.pop_front();
        start_run(run.rule, std::move(next), now, out);
    }
}

void engine::cancel_runs(const std::string& rule, const std::string& why, time_ms now, effects& out,
                         const std::string& except) {
    auto st = rule_states_.find(rule);
    if (st == rule_states_.end()) return;
    std::vector<std::string> ids;
    for (const auto& id : st->second.runs)
        if (id != except) ids.push_back(id);
    for (const auto& id : ids) finish(id, "cancelled", why, now, out);
}

void engine::apply_enabled(const std::string& rule, bool enabled, time_ms now, effects& out,
                           const std::string& calling_run) {
    auto st = rule_states_.find(rule);
    if (st == rule_states_.end()) return;
    st->second.enabled = enabled;
    auto e = effect::of(effect::kind::set_enabled, rule);
    e.enabled = enabled;
    out.push_back(std::move(e));
    if (enabled) return;
    st->second.queue.clear();
    cancel_runs(rule, "rule disabled", now, out, calling_run);
    std::vector<std::string> windows;
    for (const auto& [key, due] : scheduled_) {
        if (key[0] == 'F' && key.compare(2, rule.size() + 1, rule + "|") == 0) windows.push_back(key);
    }
    for (const auto& key : windows) {
        disarm(key);
        for_context_.erase(key);
        out.push_back(effect::of(effect::kind::drop_timer, rule, "for-" + key.substr(key.rfind('|') + 1)));
    }
}

std::optional<effects> engine::set_enabled(const std::string& rule, bool enabled, time_ms now) {
    loop_thread_.assert_on_loop_thread("engine::set_enabled");
    if (!rules_.automations.contains(rule)) return std::nullopt;
    effects out;
    apply_enabled(rule, enabled, now, out, {});
    return out;
}

std::optional<effects> engine::run(const std::string& rule, time_ms now) {
    loop_thread_.assert_on_loop_thread("engine::run");
    if (!rules_.automations.contains(rule)) return std::nullopt;
    effects out;
    fire(rule, {{"type", "manual"}}, now, false, out);
    return out;
}

void engine::expand_scene(const std::string& scene, std::vector<std::pair<std::string, device_command>>& out,
                          int depth) const {
    auto it = rules_.scenes.find(scene);
    if (it == rules_.scenes.end() || depth > 32) return;  // cycles are refused by the loader
    for (const auto& t : it->second.targets) {
        if (!t.scene.empty()) {
            expand_scene(t.scene, out, depth + 1);
        } else {
            out.emplace_back(t.device, t.command);
        }
    }
}

std::optional<std::vector<std::pair<std::string, device_command>>> engine::scene_commands(
    const std::string& scene) const {
    if (!rules_.scenes.contains(scene)) return std::nullopt;
    std::vector<std::pair<std::string, device_command>> out;
    expand_scene(scene, out, 0);
    return out;
}

}  // namespace hearth::rules
