// The rules engine: sans-I/O. Inputs are what happened (state changes, device events, the hub
// starting, time passing, command results) with `now` as a parameter; outputs are `effect` records
// the host performs (send a command, notify, persist/drop a pending timer, store a trace, ...).
// It never reads a clock, sleeps or does I/O, so every behaviour is unit-tested with a manual clock.
//
// Lifecycle: load() a rule set, restore_timers() persisted by a previous process, then start()
// once restored state is loaded and drivers are ready: nothing runs before start(). The host arms
// one timer for next_deadline() and calls tick() when it expires (or earlier: tick is idempotent).
//
// Runs: a trigger fires -> conditions are evaluated (at trigger time) -> the run mode decides ->
// actions run in order. A command (or a scene's commands) suspends the run until every
// on_command_result() arrives; delay and wait suspend it until tick()/a state change. Suspended
// delays and waits (and `for` windows) are persisted through save_timer/drop_timer effects and
// resumed by a new engine after a restart (see restore_timers()).
//
// Thread: not thread-safe; one owner thread (the core loop).
#pragma once

#include "rules/rule_model.hpp"
#include "core/loop_thread.hpp"
#include "core/tariff.hpp"
#include "store/store_types.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hearth::rules {

/// Current value of a device property, or nullptr when unknown. Must stay valid during the call.
using state_view = std::function<const nlohmann::json*(const std::string& device, const std::string& property)>;

/// Something the host must do. Which fields are set depends on `what`.
struct effect {
    enum class kind {
        command,  ///< gateway::execute(device, command) as source {"rule", rule}; report via on_command_result(token)
        notify,   ///< publish `data` as a bridge event ({"type": "notify", ...})
        set_enabled,  ///< persist rule `rule` as `enabled`
        save_timer,   ///< persist pending timer (rule, run, due, data) — replaces one with the same key
        drop_timer,   ///< delete pending timer (rule, run)
        trace,        ///< store `data` as the trace of run `run` of rule `rule`
        rule_failed,  ///< publish `data` as a bridge event ({"type": "rule_failed", ...})
    };
    kind what = kind::command;
    std::string rule;
    std::string run;
    std::string device;
    device_command command;
    std::uint64_t token = 0;
    time_ms due = 0;
    bool enabled = false;
    nlohmann::json data;

    /// An effect of kind `what` for (rule, run) carrying `data`; other fields keep their defaults.
    static effect of(kind what, std::string rule, std::string run = {}, nlohmann::json data = nullptr) {
        effect e;
        e.what = what;
        e.rule = std::move(rule);
        e.run = std::move(run);
        e.data = std::move(data);
        return e;
    }
};
using effects = std::vector<effect>;

/// What the `rules` bridge request lists.
struct rule_status {
    std::string id;
    std::string kind;  ///< "automation" or "scene"
    std::string name;
    std::string file;
    bool enabled = true;
    std::optional<time_ms> last_run;
    std::string last_result;  ///< "" until the first run
    std::size_t active_runs = 0;
    std::size_t queued_runs = 0;
    std::uint64_t skipped_runs = 0;  ///< triggers dropped by the mode (single busy, limits)
};

/// The observer location for sun triggers (degrees, north and east positive).
struct geo_location {
    double latitude = 0;
    double longitude = 0;
};

class engine {
public:
    /// `state` is read synchronously during calls; `where` is needed only by sun triggers;
    /// `tariffs` (the main config's `energy`) only by run_when_cheapest (none: it starts at once).
    explicit engine(state_view state, std::optional<geo_location> where = std::nullopt, energy_config tariffs = {});

    /// Replaces the rule set atomically. `enabled` overrides each rule's initial "enabled" (the
    /// stored state). Runs, queues and `for` windows of rules whose definition changed or that
    /// are gone are cancelled (traced "cancelled"); rules with an unchanged definition keep them.
    effects load(rule_set rules, const std::map<std::string, bool>& enabled, time_ms now);

    /// Hands over timers persisted by a previous process (call before start()). At start() a
    /// delay resumes at its due time (immediately if it passed while down), a wait re-checks its
    /// state and keeps its timeout, a `for` window continues only if its state still holds.
    /// Timers of rules that are gone, disabled or changed are dropped.
    void restore_timers(const std::vector<pending_timer>& timers);

    /// Starts evaluating: arms time triggers, applies each rule's catch_up policy for time/sun
    /// occurrences in (last_alive, now], fires "start" triggers and resumes restored runs.
    effects start(time_ms now, std::optional<time_ms> last_alive);
    [[nodiscard]] bool started() const { return started_; }

    /// A property changed from `old_value` (null if unknown) to `new_value`.
    effects on_state_change(const std::string& device, const std::string& property, const nlohmann::json& old_value,
                            const nlohmann::json& new_value, time_ms now);

    /// A device event ({"event_type": ..., ...}).
    effects on_event(const std::string& device, const nlohmann::json& event, time_ms now);

    /// Time passed: fires due time/interval/sun triggers, `for` windows, delays and wait timeouts.
    effects tick(time_ms now);

    /// The outcome of the command effect with this token (unknown tokens are ignored).
    effects on_command_result(std::uint64_t token, bool ok, const std::string& error, time_ms now);

    /// When tick() must be called next (nothing when nothing is scheduled).
    [[nodiscard]] std::optional<time_ms> next_deadline() const;

    /// Enables/disables an automation (disabling cancels its runs). Nothing if the id is unknown.
    std::optional<effects> set_enabled(const std::string& rule, bool enabled, time_ms now);

    /// Runs an automation's actions now (trigger "manual", conditions skipped), honouring its mode.
    std::optional<effects> run(const std::string& rule, time_ms now);

    /// The device commands a scene expands to (nested scenes flattened). Nothing if unknown.
    [[nodiscard]] std::optional<std::vector<std::pair<std::string, device_command>>> scene_commands(
        const std::string& scene) const;

    [[nodiscard]] std::vector<rule_status> status() const;
    /// The traces of `rule`'s runs in progress (acting, waiting on a delay, a wait or command
    /// results), newest first, each with "result": "running". Finished runs are traced through
    /// effect::kind::trace instead.
    [[nodiscard]] std::vector<nlohmann::json> running_traces(const std::string& rule) const;
    [[nodiscard]] const rule_set& rules() const { return rules_; }
    [[nodiscard]] std::size_t active_runs() const { return runs_.size(); }

private:
    loop_thread_check loop_thread_;  ///< debug builds: the loop-thread-only methods assert on it

    enum class suspended { none, commands, delay, wait };

    struct run_state {
        std::string rule;
        std::string id;
        std::size_t pc = 0;  ///< index of the current action
        suspended on = suspended::none;
        time_ms due = 0;  ///< delay end or wait timeout (0: none)
        std::set<std::uint64_t> tokens;
        std::string command_error;
        bool persisted = false;
        nlohmann::json trace;
    };
    struct queued_start {
        nlohmann::json trace;  ///< trigger and condition results already recorded
    };
    struct rule_state {
        std::uint64_t definition_hash = 0;
        std::uint64_t skipped = 0;  ///< triggers dropped by the run mode (busy, queue full)
        bool enabled = true;
        std::optional<time_ms> last_run;
        std::string last_result;
        std::set<std::string> runs;
        std::deque<queued_start> queue;
    };
    struct trigger_ref {
        std::string rule;
        std::size_t index = 0;
    };

    // engine.cpp: triggers, schedule, lifecycle
    void index_rules();
    void arm_time_trigger(const std::string& rule, std::size_t index, time_ms after);
    std::optional<time_ms> next_occurrence(const trigger& t, time_ms after) const;
    void arm(const std::string& key, time_ms due);
    void disarm(const std::string& key);
    void disarm_rule(const std::string& rule);
    void fire_timer(const std::string& key, time_ms due, time_ms now, effects& out);
    void restore_one(const pending_timer& timer, time_ms now, effects& out);
    void state_trigger(const trigger_ref& ref, const nlohmann::json& old_value, const nlohmann::json& new_value,
                       time_ms now, effects& out);

    // engine_runs.cpp: conditions, modes, actions
    void fire(const std::string& rule, nlohmann::json trigger_info, time_ms now, bool check_conditions, effects& out);
    bool evaluate(const condition& c, time_ms now, nlohmann::json& record) const;
    bool holds(const condition& c) const;
    void start_run(const std::string& rule, nlohmann::json trace, time_ms now, effects& out);
    void advance(run_state& run, time_ms now, effects& out);
    void finish(std::string run_id, std::string_view result, const std::string& error, time_ms now, effects& out);
    void cancel_runs(const std::string& rule, const std::string& why, time_ms now, effects& out,
                     const std::string& except = {});
    void persist(run_state& run, effects& out);
    void resume(run_state& run, time_ms now, effects& out);
    /// run_when_cheapest: sends at once, or suspends the run like a delay until the planned start.
    void plan_cheapest(run_state& run, const action& act, nlohmann::json entry, time_ms now, effects& out);
    /// Sends the command of the run_when_cheapest action at run.pc; the run waits for its result.
    void send_deferred(run_state& run, const action& act, time_ms now, effects& out);
    void check_waits(const std::string& device, const std::string& property, time_ms now, effects& out);
    void expand_scene(const std::string& scene, std::vector<std::pair<std::string, device_command>>& out,
                      int depth) const;
    void apply_enabled(const std::string& rule, bool enabled, time_ms now, effects& out,
                       const std::string& calling_run);
    std::uint64_t issue_command(run_state& run, const std::string& device, const device_command& command, effects& out);

    state_view state_;
    std::optional<geo_location> where_;
    energy_config tariffs_;
    rule_set rules_;
    std::map<std::string, rule_state> rule_states_;
    std::map<std::string, std::vector<trigger_ref>> by_device_;  ///< state/numeric/event triggers
    std::map<std::string, run_state> runs_;
    std::map<std::uint64_t, std::pair<std::string, std::string>> token_runs_;  ///< token -> (run, device)
    std::map<std::string, time_ms> scheduled_;                                 ///< key -> due
    std::set<std::pair<time_ms, std::string>> schedule_;                       ///< (due, key), earliest first
    std::map<std::string, nlohmann::json> for_context_;                        ///< `for` window key -> trigger info
    std::vector<pending_timer> restored_;
    std::uint64_t next_token_ = 1;
    std::uint64_t next_run_ = 1;
    bool started_ = false;
};

}  // namespace hearth::rules
