// The typed model of scene files: scenes (named target states) and automations (triggers ->
// conditions -> actions, with a run mode), plus the small text formats they use (durations such as
// "1h30m", times of day such as "07:30", weekdays "mon".."sun"). parse_rule_file() turns one
// schema-valid file into these structs; scene_loader.hpp adds the schema and semantic checks.
// See docs/scenes.md for the file format.
#pragma once

#include "core/command.hpp"
#include "core/located_error.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::rules {

/// Deepest nesting of and/or/not conditions accepted in a scene file (docs/scenes.md).
inline constexpr std::size_t max_condition_depth = 16;

/// Longest run a run_when_cheapest action may plan, in minutes (24 h; docs/scenes.md).
inline constexpr std::int64_t max_cheapest_minutes = std::int64_t{24} * 60;

/// Milliseconds since the Unix epoch (wall time), or a duration in milliseconds.
using time_ms = std::int64_t;

/// How scene-file problems (located_error: file, JSON pointer or line/column, reason) are shown:
/// "file: pointer: reason", the document root as "/" (what logs and bridge answers always said).
inline constexpr location_labels scene_labels{"", "/"};

/// Parses "30s", "2m", "1h30m", "1d", "250ms" (units d h m s ms, in that order, at least one
/// part). A leading '-' makes it negative (used for sun offsets). Nothing on a syntax error.
std::optional<time_ms> parse_duration(std::string_view text);

/// Parses "HH:MM" or "HH:MM:SS" into seconds after local midnight. Nothing on a syntax error.
std::optional<int> parse_time_of_day(std::string_view text);

/// Weekday bit mask: bit n is set for tm_wday n (0 = Sunday). 0x7f = every day.
using weekday_mask = std::uint8_t;
inline constexpr weekday_mask every_day = 0x7f;

/// Parses ["mon", "tue", ...] into a mask; nothing if a name is unknown. An empty list = every day.
std::optional<weekday_mask> parse_weekdays(const nlohmann::json& days);

/// One device change of a scene: either {"device", "set": {...}} or {"device", "command", "params"},
/// or a reference to another scene {"scene": id} (expanded at activation, cycles refused).
struct scene_target {
    std::string device;
    device_command command;  ///< name "set" for {"set": {...}}
    std::string scene;       ///< set for a scene reference (then device is empty)
    std::string pointer;     ///< where it was defined, for error messages
};

struct scene {
    std::string id;
    std::string name;
    std::string file;
    std::string pointer;
    std::vector<scene_target> targets;
    nlohmann::json definition;
};

enum class trigger_type { state, numeric, event, time, interval, sun, start };

struct trigger {
    trigger_type type = trigger_type::state;
    std::string pointer;
    std::string device;
    std::string property;
    std::optional<nlohmann::json> from;                    ///< state: previous value must equal this
    std::optional<nlohmann::json> to;                      ///< state: new value must equal this
    std::optional<double> above;                           ///< numeric: value > above
    std::optional<double> below;                           ///< numeric: value < below
    time_ms for_ms = 0;                                    ///< state/numeric: must hold this long before firing
    std::string event_type;                                ///< event
    nlohmann::json event_data = nlohmann::json::object();  ///< event: fields that must match
    int at_s = 0;                                          ///< time: seconds after local midnight
    weekday_mask days = every_day;                         ///< time, sun
    time_ms every_ms = 0;                                  ///< interval
    bool sunrise = true;                                   ///< sun: sunrise (true) or sunset (false)
    time_ms offset_ms = 0;                                 ///< sun: signed offset
};

enum class condition_type { state, numeric, time, weekday, all_of, any_of, none_of };

struct condition {
    condition_type type = condition_type::state;
    std::string pointer;
    std::string device;
    std::string property;
    std::optional<nlohmann::json> is;      ///< state: value must equal this
    std::optional<nlohmann::json> is_not;  ///< state: value must differ from this
    std::optional<double> above;
    std::optional<double> below;
    std::optional<int> after_s;       ///< time window start (local, inclusive)
    std::optional<int> before_s;      ///< time window end (local, exclusive); may wrap midnight
    weekday_mask days = every_day;    ///< time, weekday
    std::vector<condition> children;  ///< and / or / not
};

enum class action_type { command, scene, delay, wait, notify, enable, disable, run_when_cheapest };

struct action {
    action_type type = action_type::command;
    std::string pointer;
    std::string device;
    device_command command;            ///< command, run_when_cheapest: name + params ("set" for {"set": {...}})
    std::string target;                ///< scene id, or the rule to enable/disable
    time_ms duration_ms = 0;           ///< delay; wait timeout (0 = none); run_when_cheapest: the run's length
    int deadline_s = 0;                ///< run_when_cheapest: local time (s after midnight) the run must end by
    std::string deadline_text;         ///< run_when_cheapest: the deadline as written ("07:00")
    condition until;                   ///< wait: a state or numeric condition
    bool continue_on_timeout = false;  ///< wait: go on when the timeout expires (else stop)
    bool continue_on_error = false;    ///< command/scene: go on when it fails (else stop)
    std::string message;               ///< notify
    std::string title;                 ///< notify
};

enum class run_mode { single, restart, queued, parallel };
enum class catch_up_policy { skip, fire_once };

struct automation {
    std::string id;
    std::string name;
    std::string file;
    std::string pointer;
    run_mode mode = run_mode::single;
    int max = 10;  ///< queued: waiting runs; parallel: concurrent runs
    catch_up_policy catch_up = catch_up_policy::skip;
    bool enabled = true;  ///< initial state for a rule the store has not seen yet
    std::vector<trigger> triggers;
    std::vector<condition> conditions;
    std::vector<action> actions;
    nlohmann::json definition;
};

/// A complete, checked set of rules. Scene and automation ids share one namespace.
struct rule_set {
    std::map<std::string, scene> scenes;
    std::map<std::string, automation> automations;
};

/// Parses one schema-valid scene file into `out`, appending problems the schema cannot express
/// (bad durations, times, weekday names, ...) to `errors` with `file` and a JSON pointer.
/// Duplicate ids and cross-references are checked by the loader, not here.
void parse_rule_file(const nlohmann::json& doc, const std::string& file, std::vector<scene>& scenes,
                     std::vector<automation>& automations, located_errors& errors);

std::string_view to_string(trigger_type t);
std::string_view to_string(condition_type t);
std::string_view to_string(action_type t);
std::string_view to_string(run_mode m);

}  // namespace hearth::rules
